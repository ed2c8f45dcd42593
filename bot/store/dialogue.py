"""Per-payer dialogue state in the database, so a form survives restarts and is shared by
every worker. The row is locked for the length of one message (FOR UPDATE on PostgreSQL;
SQLite serialises writers itself)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import DialogueState, utcnow


async def load_state(session: AsyncSession, openid: str) -> DialogueState:
    """The payer's state row, locked; a new empty one if they never talked to us."""
    state = (await session.execute(
        select(DialogueState).where(DialogueState.openid == openid).with_for_update()
    )).scalar_one_or_none()
    if state is None:
        state = DialogueState(openid=openid, slots={}, pending={}, version=0)
        session.add(state)
    return state


def start_form(state: DialogueState, form: str, slots: dict | None = None) -> None:
    state.form = form
    state.slots = dict(slots or {})
    state.pending = {}
    state.requested_slot = None
    state.started_at = utcnow()


def clear_form(state: DialogueState) -> None:
    state.form = None
    state.slots = {}
    state.requested_slot = None
    state.pending = {key: value for key, value in (state.pending or {}).items()
                     if key == "feedback"}
    state.started_at = None


def set_pending(state: DialogueState, key: str, value) -> None:
    """JSON columns only notice a new object, so always assign a fresh dict."""
    pending = dict(state.pending or {})
    if value is None:
        pending.pop(key, None)
    else:
        pending[key] = value
    state.pending = pending


def touch(state: DialogueState) -> None:
    state.version = (state.version or 0) + 1
    state.updated_at = utcnow()
