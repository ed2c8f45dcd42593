"""Deadline reminders and escalation: each sent once, across runs, restarts and workers."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import CaseEvent, OutboxItem
from routing import actions
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests.test_cases import T0, card_texts, drain, make_dispatcher, register

# Fixtures shared with test_cases.py (assigned, not imported, so linters see them used).
dispatcher, engine, rules, sm = base.dispatcher, base.engine, base.rules, base.sm

LEADERSHIP = "dev-key-leadership"
TAX = "dev-key-zc-tax"
# A simple case registered Monday 10:00 is due Tuesday 10:00 (one working day).
MONDAY_11 = T0 + timedelta(hours=1)
TUESDAY_1001 = T0 + timedelta(days=1, minutes=1)


async def escalations(sm) -> list[CaseEvent]:
    async with sm() as session:
        rows = await session.execute(select(CaseEvent).where(CaseEvent.kind == "escalated"))
        return list(rows.scalars())


async def test_lead_group_is_reminded_once_a_working_day_before_the_deadline(
        sm, config, rules, dispatcher, fake_webhook):
    case = await register(sm, config, rules, severity="general")  # due Monday 30th 10:00
    scheduler = Scheduler(sm, config)
    assert await scheduler.run_once(T0 + timedelta(days=3, hours=1)) == 0  # Thursday 11:00
    friday = T0 + timedelta(days=4, minutes=30)
    assert await scheduler.run_once(friday) == 1
    assert await scheduler.run_once(friday + timedelta(hours=5)) == 0
    await drain(dispatcher, friday)
    _card, reminder = card_texts(fake_webhook, TAX)
    assert case.case_no in reminder and "办理时限提醒" in reminder
    assert fake_webhook.to_key(LEADERSHIP) == []


async def test_a_one_day_case_gets_no_reminder_on_top_of_its_card(sm, config, rules):
    await register(sm, config, rules, severity="simple")
    assert await Scheduler(sm, config).run_once(MONDAY_11) == 0


async def test_overdue_case_is_escalated_once_across_runs_and_a_restart(
        config, rules, http, fake_webhook):
    engine = make_engine(config.database_url)
    sm = make_sessionmaker(engine)
    case = await register(sm, config, rules, severity="simple")
    first = Scheduler(sm, config)
    assert await first.run_once(TUESDAY_1001) == 2  # leadership office + copy to the lead
    assert await first.run_once(TUESDAY_1001 + timedelta(minutes=1)) == 0
    await engine.dispose()

    engine = make_engine(config.database_url)  # restart
    try:
        sm = make_sessionmaker(engine)
        assert await Scheduler(sm, config).run_once(TUESDAY_1001 + timedelta(hours=2)) == 0
        await drain(make_dispatcher(sm, http, config), TUESDAY_1001 + timedelta(hours=2))
        [escalation] = card_texts(fake_webhook, LEADERSHIP)
        assert case.case_no in escalation and "逾期提级" in escalation
        assert len(await escalations(sm)) == 1
    finally:
        await engine.dispose()


async def test_two_schedulers_at_once_queue_each_reminder_once(config, rules):
    engines = [make_engine(config.database_url) for _ in range(2)]
    try:
        makers = [make_sessionmaker(e) for e in engines]
        for i in range(5):
            await register(makers[0], config, rules, openid=f"o-{i}", severity="simple")
        schedulers = [Scheduler(m, config) for m in makers]
        counts = await asyncio.gather(*(s.run_once(TUESDAY_1001) for s in schedulers))
        assert sum(counts) == 10
        async with makers[1]() as session:
            keys = (await session.execute(select(OutboxItem.dedup_key)
                                          .where(OutboxItem.dedup_key.is_not(None)))).scalars()
            keys = list(keys)
        told = [k for k in keys if k.startswith("overdue_payer:")]
        assert len(told) == len(set(told)) == 5  # each payer once
        groups = [k for k in keys if k not in told]
        assert len(groups) == len(set(groups)) == 10
        assert len(await escalations(makers[0])) == 5
    finally:
        for engine in engines:
            await engine.dispose()


async def test_resolved_cases_are_neither_reminded_nor_escalated(sm, config, rules):
    case = await register(sm, config, rules, severity="simple")
    async with sm() as session:
        await actions.resolve(session, "tax", case.case_no, "已办结", config=config, now=T0)
        await session.commit()
    assert await Scheduler(sm, config).run_once(TUESDAY_1001) == 0


async def test_scheduler_wakes_the_outbox_when_it_queued_something(sm, config, rules):
    await register(sm, config, rules, severity="simple")
    woken = []
    scheduler = Scheduler(sm, config, notify=lambda: woken.append(True))
    await scheduler.run_once(MONDAY_11)
    assert woken == []
    await scheduler.run_once(TUESDAY_1001)
    assert woken == [True]


async def test_a_reopened_case_gets_a_new_deadline_and_its_own_escalation(
        sm, config, rules, dispatcher, fake_webhook):
    from routing.cases import reopen_case

    case = await register(sm, config, rules, severity="simple")
    scheduler = Scheduler(sm, config)
    assert await scheduler.run_once(TUESDAY_1001) == 2
    async with sm() as session:
        await actions.resolve(session, "tax", case.case_no, "已办结", config=config,
                              now=TUESDAY_1001)
        await session.commit()
    wednesday = TUESDAY_1001 + timedelta(days=1)
    async with sm() as session:
        stored = await session.get(type(case), case.id)
        await reopen_case(session, stored, "滞纳金仍未退还", config=config, now=wednesday)
        await session.commit()
    assert stored.status == "reopened" and stored.deadline == wednesday + timedelta(days=1)
    assert await scheduler.run_once(wednesday + timedelta(hours=1)) == 0
    assert await scheduler.run_once(wednesday + timedelta(days=1, minutes=1)) == 2
    await drain(dispatcher, wednesday + timedelta(days=1, minutes=1))
    texts = card_texts(fake_webhook, TAX)
    assert any("重新办理" in t and "滞纳金仍未退还" in t for t in texts)
    assert len(card_texts(fake_webhook, LEADERSHIP)) == 2


async def test_an_overdue_case_tells_its_co_handlers_too(sm, config, rules, dispatcher,
                                                         fake_webhook):
    """Regression: the overdue notice went to the leadership office and the lead only, though
    the co-handlers' written opinions were due by the same deadline (各联办单位在规定时限内
    向受理单位提供书面意见). Each co-handler's group now gets it, once."""
    case = await register(sm, config, rules, category="contribution_base", severity="simple",
                          description="公司按最低基数给我交社保")
    assert case.lead_agency == "hrss" and case.co_agencies == ["tax"]
    scheduler = Scheduler(sm, config)
    assert await scheduler.run_once(TUESDAY_1001) == 3  # office, lead, co-handler
    assert await scheduler.run_once(TUESDAY_1001 + timedelta(hours=3)) == 0
    await drain(dispatcher, TUESDAY_1001)
    [_card, overdue] = card_texts(fake_webhook, TAX)
    assert case.case_no in overdue and "逾期" in overdue and "协办" in overdue
    assert "书面意见" in overdue and "区人力资源和社会保障局" in overdue
    async with sm() as session:
        told = (await session.execute(select(CaseEvent.detail).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "reminded"))).scalars().all()
    assert told == [{"kind": "overdue_co", "group": "tax"}]
