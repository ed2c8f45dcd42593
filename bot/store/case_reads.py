"""A payer's cases read in the group commit's batches (:mod:`bot.store.batch`), for the
handlers that only look at them: the list behind 进度 (and what the payer last asked of each
open case), the case a new complaint may continue.

Through a session of its own each such read was a checkout, a transaction and an ORM load
per message; in the batch it is one statement for every payer asking at the same moment.
The cases come back as detached :class:`~bot.store.models.Case` objects, to read and not
to change (changes go through a session, which loads the row again)."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, or_, select

from bot.store.batch import GroupCommit
from bot.store.models import Case, CaseEvent

TABLE = Case.__table__
_OF_PAYERS = (select(TABLE).where(TABLE.c.openid.in_(bindparam("ids", expanding=True)))
              .order_by(TABLE.c.created_at.desc(), TABLE.c.id.desc()))


class _CasesOf:
    writes = False

    def run(self, conn, openids):
        found: dict[str, list[Case]] = {}
        for row in conn.execute(_OF_PAYERS, {"ids": sorted(set(openids))}).mappings():
            found.setdefault(row["openid"], []).append(Case(**row))
        return [found.get(openid, []) for openid in openids]


CASES_OF = _CasesOf()


async def cases_of(batch: GroupCommit, openid: str) -> list[Case]:
    """The payer's cases, newest first (as :func:`routing.cases.cases_of`)."""
    return await batch.run(CASES_OF, openid)


EVENTS = CaseEvent.__table__
WISH_EVENT = or_(EVENTS.c.kind.in_(("resolved", "reopened")),
                 and_(EVENTS.c.kind == "supplement",
                      EVENTS.c.detail["request"].as_string().is_not(None)))
"""The events that start or end a payer's request to stop a case (routing.actions.payer_wish):
a result, a reopening, a supplement that asks something. A plain supplement changes nothing
there, and a case gathers one on every message that adds to it."""
_WISH_EVENTS = (select(EVENTS).where(EVENTS.c.case_id.in_(bindparam("ids", expanding=True)),
                                     WISH_EVENT)
                .order_by(EVENTS.c.id))


class _WishEventsOf:
    writes = False

    def run(self, conn, id_lists):
        ids = sorted({case_id for case_ids in id_lists for case_id in case_ids})
        found: dict[int, list[CaseEvent]] = {}
        for row in conn.execute(_WISH_EVENTS, {"ids": ids}).mappings():
            found.setdefault(row["case_id"], []).append(CaseEvent(**row))
        return [{case_id: found.get(case_id, []) for case_id in case_ids}
                for case_ids in id_lists]


WISH_EVENTS_OF = _WishEventsOf()


async def wish_events_of(batch: GroupCommit, case_ids: tuple[int, ...]
                         ) -> dict[int, list[CaseEvent]]:
    """Each case's events of :data:`WISH_EVENT`, oldest first."""
    return await batch.run(WISH_EVENTS_OF, case_ids)


class _CaseList:
    """The cases and the wish events of the first ``shown`` of them in one batch: the 进度
    list read them in two, one after the other."""
    writes = False

    def run(self, conn, items):
        cases = CASES_OF.run(conn, [openid for openid, _ in items])
        events = WISH_EVENTS_OF.run(conn, [tuple(c.id for c in found[:shown])
                                           for found, (_, shown) in zip(cases, items)])
        return list(zip(cases, events))


CASE_LIST = _CaseList()


async def case_list(batch: GroupCommit, openid: str, shown: int
                    ) -> tuple[list[Case], dict[int, list[CaseEvent]]]:
    """:func:`cases_of`, and :func:`wish_events_of` the first ``shown`` of them."""
    return await batch.run(CASE_LIST, (openid, shown))
