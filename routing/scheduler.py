"""Deadline reminders (限时办结): a reminder to the lead group and to each co-handler's group
one working day before the deadline (not for cases whose whole limit is one working day:
their card is the reminder),
and an escalation to the leadership group office — with a copy to the lead group and a
notice to each co-handler's group, whose written opinion was due by then too — once a case
is overdue and unresolved; the payer is then told so (notices.yaml ``overdue``).

It also files resolved cases (案卷归档, status ``closed``) once the payer's time to object has
passed (``FEEDBACK_WINDOW``, the window in which 重新办理 reopens a case): the seeds file a
case when the payer has no objection, and a payer who objects is told the legal remedies
(调解、行政复议、仲裁、诉讼), which run outside the mechanism; the answer stays on the case.

Each reminder is an outbox row with a fixed ``dedup_key`` (``due_soon:{case_no}:{deadline}``,
``due_soon_co:{case_no}:{agency}:{deadline}``, ``overdue:{case_no}:{deadline}``,
``overdue_lead:…``, ``overdue_co:{case_no}:{agency}:{deadline}``; the deadline as UTC
YYYYMMDDHHMM; the payer's notice ``overdue_payer:{case_no}:{deadline}``)
inserted with ``ON CONFLICT DO NOTHING``: the unique key, not memory, decides, so it is sent
once however many workers run the scheduler and however often they restart. The deadline in
the key gives a reopened case (new deadline) its own reminders. The payer's overdue notice
is queued with an escalation row a pass inserts, under its own key, so it is once per
deadline too.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.store.models import Case, CaseEvent, utcnow
from bot.store.outage import database_down
from bot.store.snapshot import FEEDBACK_WINDOW
from routing.cards import render_reminder
from routing.cases import CLOSED_STATUSES, add_event, case_dict, default_rules, group_for
from routing.deadlines import (
    calendar_from_config,
    is_due_soon,
    is_overdue,
    working_days_for,
)
from routing.notices import agency_names, notice_item
from routing.outbox import enqueue_alert, enqueue_once, group_text, webhook_item
from routing.rules import Rules
from routing.webhook import markdown_payload

log = logging.getLogger("disputebot.scheduler")

INTERVAL_SECONDS = 30.0
LOCK_WAIT_MS = 5000
"""On SQLite, how long a pass waits for another process's write lock (a backup, a
migration) before giving up until the next interval: a stop is then never held up by the
connection's own 30 s busy timeout, which the gateway keeps."""
# A deadline further away than this cannot be "due within one working day", even across the
# longest holiday run; bounds the scan.
HORIZON = timedelta(days=30)
LEADERSHIP = "leadership_office"
CO_KINDS = ("due_soon_co", "overdue_co")  # to co-handlers: skipped on a group already told


def _stamp(case: Case) -> str:
    """The deadline in reminder keys: a new deadline (reopened case) gets new reminders."""
    return case.deadline.astimezone(timezone.utc).strftime("%Y%m%d%H%M")


class Scheduler:
    """Finds cases due soon or overdue and queues their reminders."""

    def __init__(self, sessionmaker: async_sessionmaker, config: Any, *,
                 interval: float = INTERVAL_SECONDS, notify: Callable[[], None] | None = None,
                 rules: Rules | None = None):
        self._sm = sessionmaker
        self.config = config
        self.raw = getattr(config, "raw", {}) or {}
        self.interval = interval
        self.notify = notify
        self.rules = rules or default_rules()
        self.names = agency_names(self.raw)
        self._stop = asyncio.Event()
        self._db_down = False  # the last pass failed for an unreachable database

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep reminding after a database hiccup
                if not database_down(exc):
                    log.exception("scheduler pass failed")
                elif not self._db_down:  # one line per outage, no traceback each pass
                    log.warning("scheduler pass skipped, database unavailable: %s",
                                exc.__class__.__name__)
                self._db_down = database_down(exc)
            else:
                self._db_down = False
            try:
                await asyncio.wait_for(self._stop.wait(), self.interval)
            except asyncio.TimeoutError:
                pass

    def _wanted(self, case: Case, now: datetime, holidays, workdays) -> list[tuple[str, str, str]]:
        """(dedup key, reminder kind, agency whose group gets it) for ``case`` at ``now``."""
        stamp = _stamp(case)
        if is_overdue(case.deadline, now):
            wanted = [(f"overdue:{case.case_no}:{stamp}", "overdue", LEADERSHIP)]
            if case.lead_agency and case.lead_agency != LEADERSHIP:
                wanted.append((f"overdue_lead:{case.case_no}:{stamp}", "overdue",
                               case.lead_agency))
            return wanted + [(f"overdue_co:{case.case_no}:{agency}:{stamp}", "overdue_co",
                              agency) for agency in self._co_handlers(case)]
        # A case whose whole time limit is one working day (simple) would be reminded
        # together with its card; its card already shows the deadline.
        if (case.lead_agency and working_days_for(case.severity, self.raw) > 1
                and is_due_soon(case.deadline, now, holidays, workdays)):
            return [(f"due_soon:{case.case_no}:{stamp}", "due_soon", case.lead_agency),
                    *((f"due_soon_co:{case.case_no}:{agency}:{stamp}", "due_soon_co", agency)
                      for agency in self._co_handlers(case))]
        return []

    @staticmethod
    def _co_handlers(case: Case) -> list[str]:
        """Co-handlers owe the lead their written opinion within the same limit (各联办单位
        在规定时限内向受理单位提供书面意见), so they are reminded before it and told when it
        has passed; the leadership office gets the escalation instead, and outside the area
        there is only the transfer group, which already has the lead's message."""
        if case.district is None:
            return []
        return [a for a in case.co_agencies or () if a not in (LEADERSHIP, case.lead_agency)]

    async def run_once(self, now: datetime | None = None) -> int:
        """Queue the reminders due at ``now``; returns how many this call queued."""
        now = now or utcnow()
        holidays, workdays = calendar_from_config(self.raw)
        queued = 0
        async with self._session() as session:
            cases = (await session.execute(
                select(Case).where(Case.status.not_in(CLOSED_STATUSES),
                                   Case.deadline.is_not(None), Case.deadline <= now + HORIZON)
                .order_by(Case.deadline, Case.id))).scalars().all()
            for case in cases:
                keys: set[str] = set()
                for dedup_key, kind, agency in self._wanted(case, now, holidays, workdays):
                    target = group_for(self.rules, agency, case.district, self.raw)
                    if target is None:
                        await self._no_group(session, case, agency, dedup_key, now)
                        continue
                    if kind in CO_KINDS and target.key in keys:
                        continue  # a co-handler sharing the lead's group: one reminder there
                    keys.add(target.key)
                    body = markdown_payload(render_reminder(case_dict(case), kind, self.names))
                    item = webhook_item(target.key, body, kind=kind, agency=agency,
                                        district=case.district, case_id=case.id,
                                        case_no=case.case_no, now=now)
                    if await enqueue_once(session, item, dedup_key):
                        queued += 1
                        if kind == "overdue":
                            await self._tell_payer(session, case, now)
                        event = "escalated" if kind == "overdue" else "reminded"
                        if not dedup_key.startswith("overdue_lead:"):  # the lead's copy: one event
                            add_event(session, case, event, "system",
                                      {"kind": kind, "group": agency}, now)
            archived = await self._archive(session, now)
            await session.commit()
        if (queued or archived) and self.notify is not None:
            self.notify()
        return queued

    @contextlib.asynccontextmanager
    async def _session(self):
        """A session; on SQLite one whose lock wait is :data:`LOCK_WAIT_MS`, on a connection
        held for the whole pass so the shorter wait never reaches other work."""
        bind = self._sm.kw.get("bind")
        if bind is None or bind.dialect.name != "sqlite":
            async with self._sm() as session:
                yield session
            return
        async with bind.connect() as conn:
            usual = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
            await conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
            await conn.commit()
            try:
                async with self._sm(bind=conn) as session:
                    yield session
            finally:
                await conn.rollback()
                await conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual)}")
                await conn.commit()

    async def _no_group(self, session, case: Case, agency: str, dedup_key: str,
                        now: datetime) -> None:
        """A reminder whose group is not configured: the admin group is told once per
        reminder (every pass would otherwise only log it, and nobody acts on the case)."""
        text = group_text("alert_missing_group", case_no=case.case_no,
                          district=case.district or "辖区外",
                          agencies=self.names.get(agency, agency))
        if await enqueue_alert(session, self.raw, text, case_id=case.id,
                               dedup_key=f"no_group:{dedup_key}", now=now):
            log.warning("no group for %s reminder of %s: admin group told", agency,
                        case.case_no)

    async def _tell_payer(self, session, case: Case, now: datetime) -> None:
        """The payer of an overdue case hears that it passed its time limit and was reported
        to the leadership office (督办): queued only once a group was really told, under a
        key of its own, so once per deadline however many workers run and whichever
        group's row a pass inserts first."""
        if case.openid:
            await enqueue_once(session, notice_item(case, "overdue", config=self.config,
                                                    now=now), f"overdue_payer:{case.case_no}:{_stamp(case)}")

    async def _archive(self, session, now: datetime) -> int:
        """File the cases resolved before the payer's objection window (案卷归档), and tell
        each payer once (notices.yaml archived: 重新办理 no longer works).

        A conditional UPDATE per case, so when several workers run the scheduler only the
        one whose UPDATE changed the row writes the "archived" event and queues the notice."""
        cases = (await session.execute(
            select(Case).where(Case.status == "resolved",
                               Case.resolved_at <= now - FEEDBACK_WINDOW))).scalars().all()
        archived = 0
        for case in cases:
            done = await session.execute(
                update(Case).where(Case.id == case.id, Case.status == "resolved")
                .values(status="closed", updated_at=now)
                .execution_options(synchronize_session=False))
            if done.rowcount == 1:
                add_event(session, case, "archived", "system",
                          {"solved": case.solved, "rating": case.rating}, now)
                if case.openid:
                    kind = await _archive_notice(session, case)
                    await enqueue_once(session, notice_item(case, kind, config=self.config,
                                                            now=now),
                                       f"archived_payer:{case.case_no}")
                archived += 1
        return archived


WITHDRAWALS = {"withdraw", "settled"}
"""Payer requests that end a case on the payer's wish; "resume" takes one back."""


async def _archive_notice(session, case: Case) -> str:
    """Which archive notice the payer of ``case`` reads (notices.yaml): a withdrawn case
    (the payer's last withdraw/settled request not taken back) was never decided, so no 重新办理
    or ways to object; a payer who rated it solved hears it is filed, no more; else the ways
    on that remain once 重新办理 no longer works."""
    rows = await session.execute(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id,
                                       CaseEvent.kind == "supplement")
        .order_by(CaseEvent.at, CaseEvent.id))
    requests = [(d or {}).get("request") for d in rows.scalars()]
    last = next((r for r in reversed(requests) if r in WITHDRAWALS | {"resume"}), None)
    if last in WITHDRAWALS:
        return "archived_withdrawn"
    return "archived_solved" if case.solved is True else "archived"
