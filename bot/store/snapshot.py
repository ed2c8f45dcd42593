"""What the dispatcher needs to know about a payer before choosing a handler: are they in
the middle of a form, do they have cases, is a case waiting for their answer.

Read for all the messages in flight at once (:mod:`bot.store.batch`), so the greetings,
policy questions and progress checks that make up most traffic reach their handler without
a query of their own."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, bindparam, case, func, or_, select

from bot.store import hints as payer_hints
from bot.store.batch import GroupCommit
from bot.store.models import Case, DialogueState, utcnow

FEEDBACK_WINDOW = timedelta(days=14)
"""How long after resolution a payer's message may still be a rating of the case."""


STATES = DialogueState.__table__


@dataclass(frozen=True)
class PayerSnapshot:
    state: dict | None = None
    """The dialogue state row's columns; None if the payer never had one."""
    cases: int = 0
    case_waiting: bool = False
    """A case asks for more information, or was resolved recently and awaits a rating."""
    hints: dict = field(default_factory=dict)
    """What the payer said a few minutes ago, by kind (:mod:`bot.store.hints`)."""

    @property
    def in_form(self) -> bool:
        return bool(self.state and self.state["form"])


_IDS = bindparam("ids", expanding=True)
_STATE_ROWS = select(STATES).where(STATES.c.openid.in_(_IDS))
_WAITING = or_(Case.awaiting_info.is_(True),
               and_(Case.status == "resolved", Case.resolved_at > bindparam("since")))
_CASE_COUNTS = (select(Case.openid, func.count().label("n"),
                       func.sum(case((_WAITING, 1), else_=0)).label("waiting"))
                .where(Case.openid.in_(_IDS)).group_by(Case.openid))


class _Snapshots:
    """Built once: composing SQLAlchemy expressions per batch showed up in profiles."""
    writes = False


    def run(self, conn, openids):
        wanted = sorted(set(openids))
        states = {row["openid"]: dict(row) for row in conn.execute(
            _STATE_ROWS, {"ids": wanted}).mappings()}
        counts = {row.openid: row for row in conn.execute(
            _CASE_COUNTS, {"ids": wanted, "since": utcnow() - FEEDBACK_WINDOW})}
        hints = payer_hints.read(conn, wanted)
        return [PayerSnapshot(state=states.get(openid),
                              cases=counts[openid].n if openid in counts else 0,
                              case_waiting=bool(counts[openid].waiting) if openid in counts
                              else False,
                              hints=hints.get(openid, {}))
                for openid in openids]


SNAPSHOTS = _Snapshots()


async def payer_snapshot(batch: GroupCommit, openid: str) -> PayerSnapshot:
    return await batch.run(SNAPSHOTS, openid)
