"""Per-payer dialogue state in the database, so a form survives restarts and is shared by
every worker. The row is locked for the length of one message (FOR UPDATE on PostgreSQL;
SQLite serialises writers itself)."""
from __future__ import annotations

from datetime import datetime, timezone
from operator import attrgetter

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.batch import GroupCommit
from bot.store.models import DialogueState, utcnow
from bot.store.sqlite_cursor import commit_if_one_row

TABLE = DialogueState.__table__
SAVED = ("form", "requested_slot", "slots", "pending", "version", "started_at", "updated_at")


# Built once (with a bound parameter) instead of per message: building the select cost
# more than SQLAlchemy's compiled cache saves.
_LOCKED_STATE = (select(DialogueState).where(DialogueState.openid == bindparam("openid"))
                 .with_for_update())


async def load_state(session: AsyncSession, openid: str) -> DialogueState:
    """The payer's state row, locked; a new empty one if they never talked to us."""
    state = (await session.execute(_LOCKED_STATE, {"openid": openid})).scalar_one_or_none()
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


def open_marker(pending, key: str, required: str, now: datetime | None = None) -> dict | None:
    """The entry ``key`` of a dialogue state's ``pending`` while its ``until`` time is ahead;
    None once it passed, or if the entry lacks ``required`` or a readable time."""
    marker = pending.get(key) if isinstance(pending, dict) else None
    if not isinstance(marker, dict) or not marker.get(required):
        return None
    try:
        until = datetime.fromisoformat(str(marker.get("until")))
    except ValueError:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=timezone.utc)
    return marker if until > (now or utcnow()) else None


def touch(state: DialogueState) -> None:
    state.version = (state.version or 0) + 1
    state.updated_at = utcnow()


class DetachedState:
    """A dialogue state row as plain attributes, outside any session. The ORM instance it
    replaces cost ~15 µs to build (attribute instrumentation, instance state) and every
    read and write of its columns went through a descriptor, for a row that is only ever
    changed and handed to :func:`save_state`."""

    __slots__ = ("openid", *SAVED)

    def __init__(self, openid: str, form=None, requested_slot=None, slots=None, pending=None,
                 version=None, started_at=None, updated_at=None):
        self.openid, self.form, self.requested_slot = openid, form, requested_slot
        self.slots, self.pending, self.version = slots, pending, version
        self.started_at, self.updated_at = started_at, updated_at


def detached_state(row: dict) -> DetachedState:
    """A state read in a batch (:mod:`bot.store.snapshot`), to change and :func:`save_state`."""
    return DetachedState(**row)


columns_of = attrgetter(*SAVED)
"""The saved columns of a state (ORM or detached), as a tuple: one C call, where a
generator of ``getattr`` cost ~10 Python calls a state, two or three states a message."""


_SAVE = (update(TABLE)
         .where(TABLE.c.openid == bindparam("key"), TABLE.c.version == bindparam("read"))
         .values({column: bindparam(f"new_{column}") for column in SAVED}))


class _Saves:
    """Each save is a compare-and-set on ``version``: it fails if another worker changed the
    row since it was read, and the step is then run again on the locked row."""
    writes = True


    def run(self, conn, items):
        results = []
        for openid, read_version, values in items:
            result = conn.execute(_SAVE, {"key": openid, "read": read_version, **{
                f"new_{column}": value for column, value in values.items()}})
            results.append(result.rowcount == 1)
        return results


SAVES = _Saves()


# A payer's first state row: inserted only if there is still none. The snapshot said there
# was none; if another worker, the console or the scheduler wrote one since, nothing is
# written and the step runs again on the locked row, as a lost compare-and-set does.
_FIRST = {name: dialect.insert(TABLE).on_conflict_do_nothing(index_elements=["openid"])
          for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))}


class _FirstSaves:
    writes = True

    def run(self, conn, items):
        insert = _FIRST[conn.dialect.name]
        return [conn.execute(insert, {"openid": openid, **values}).rowcount == 1
                for openid, _, values in items]


FIRST_SAVES = _FirstSaves()


async def save_state(batch: GroupCommit, state: DialogueState, read_version: int | None
                     ) -> bool:
    """Write a state read in a batch if nobody changed it since: a compare-and-set on its
    version, or, for a payer who had no row (``read_version`` None), an insert that only
    happens if there is still none. False when another writer came first."""
    values = dict(zip(SAVED, columns_of(state)))
    return await batch.run(SAVES if read_version is not None else FIRST_SAVES,
                           (state.openid, read_version, values))


async def save_state_in(session: AsyncSession, state, read_version: int | None,
                        commit: bool = False) -> bool:
    """:func:`save_state` inside ``session``'s transaction (a step that also wrote cases).
    ``commit``: the caller commits next if the state was saved; on SQLite a save that wins
    commits in the same hand-off to aiosqlite's thread, unless the session still has ORM
    changes to flush (:func:`bot.store.sqlite_cursor.commit_if_one_row`)."""
    values = dict(zip(SAVED, columns_of(state)))
    conn = await session.connection()
    last = commit and not (session.new or session.dirty or session.deleted)
    with commit_if_one_row(last):
        if read_version is None:
            result = await conn.execute(_FIRST[conn.dialect.name], {"openid": state.openid,
                                                                    **values})
        else:
            result = await conn.execute(_SAVE, {"key": state.openid, "read": read_version, **{
                f"new_{column}": value for column, value in values.items()}})
    return result.rowcount == 1
