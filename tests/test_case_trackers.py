"""The agency that transfers a case away keeps tracking it (seed 004 三.(一): 对不属于本部门
职责范围的，通知并移交有权处理的部门，并跟踪、反馈、整理处置情况; 谁受理、谁处理、谁跟踪、
谁反馈): it still sees the case read-only, may add notes, and its group hears the result.
Real HTTP app, real outbox, real console; SQLite and PostgreSQL through the fixtures."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.store.db import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from bot.store.models import Case, OutboxItem
from routing.actions import visible_filter
from routing.cases import reopen_case
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import PHONE, T0, card_texts, new_case
from tests.test_console import CSRF, sign_in
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX

# Fixtures shared with test_cases.py / test_liaison_api.py (assigned so linters see them used).
engine, rules, sm, client = base.engine, base.rules, base.sm, api.client

HEALTHCARE = {"Authorization": "Bearer dev-token-healthcare"}
TAX_GROUP = "dev-key-zc-tax"
STEERING = [("accept", {}), ("request-info", {"text": "请提供工资条"}),
            ("transfer", {"agency": "healthcare", "reason": "医保核定"}),
            ("escalate", {"reason": "涉及多部门"}), ("resolve", {"result": "已办"})]


async def transferred(client, rules, server, **changes) -> Case:
    """A late-fee case (tax leads) that tax hands to hrss."""
    case = await new_case(server, rules, now=T0, **changes)
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                  json={"agency": "hrss", "reason": "属于基数核定，应由人社局牵头"})
    assert status == 200
    return case


async def group_texts(fake_webhook, key: str, wanted: str, timeout: float = 5.0) -> list[str]:
    """The texts the group ``key`` received, once one containing ``wanted`` arrived."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not any(wanted in t for t in card_texts(fake_webhook, key)) and loop.time() < end:
        await asyncio.sleep(0.05)
    return card_texts(fake_webhook, key)


async def stored(sm, case: Case) -> Case:
    async with sm() as session:
        return await session.get(Case, case.id)


async def test_the_agency_that_transferred_a_case_still_sees_it_read_only(
        server, client, rules, sm, fake_webhook):
    case = await transferred(client, rules, server)
    assert (await stored(sm, case)).trackers == ["tax"]
    status, body = await client.call("GET", "/api/cases", TAX)
    assert status == 200 and [c["case_no"] for c in body["cases"]] == [case.case_no]
    assert body["total"] == 1 and body["cases"][0]["trackers"] == ["tax"]
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert status == 200 and body["lead_agency"] == "hrss"
    assert [a["action"] for a in body["actions"]] == ["note"]
    assert "已将案件转区人力资源和社会保障局" in body["next_step"] and "跟踪" in body["next_step"]
    assert "书面意见" not in body["next_step"]  # a tracker is no co-handler
    for action, payload in STEERING:
        status, body = await client.call("POST", f"/api/cases/{case.case_no}/{action}", TAX,
                                         json=payload)
        assert (status, body["code"]) == (403, "forbidden"), action
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                  json={"text": "缴费人曾来电，已告知转人社局办理"})
    assert status == 200
    hrss = await group_texts(fake_webhook, "dev-key-zc-hrss", "缴费人曾来电")
    assert any("区税务局" in t and "缴费人曾来电" in t for t in hrss)
    # Others still do not see it; the new lead steers as before.
    assert (await client.call("GET", f"/api/cases/{case.case_no}", COURT))[0] == 404
    assert (await client.call("GET", "/api/cases", COURT))[1]["cases"] == []
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", HRSS))[0] == 200


async def test_trackers_hear_the_result_and_a_reopening_masked(
        server, client, rules, sm, fake_webhook):
    case = await transferred(client, rules, server)
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/resolve", HRSS,
                                  json={"result": f"已重新核定基数，联系电话{PHONE}"})
    assert status == 200
    done = [t for t in await group_texts(fake_webhook, TAX_GROUP, "已重新核定基数")
            if "已重新核定基数" in t]
    assert len(done) == 1 and case.case_no in done[0] and "区人力资源和社会保障局" in done[0]
    assert PHONE not in done[0] and "138****5678" in done[0]
    async with sm() as session:
        await reopen_case(session, await session.get(Case, case.id), f"单位仍未补缴 {PHONE}",
                          config=server.app["config"])
        await session.commit()
    server.app["outbox"].notify()
    again = [t for t in await group_texts(fake_webhook, TAX_GROUP, "单位仍未补缴")
             if "单位仍未补缴" in t]
    assert len(again) == 1 and case.case_no in again[0] and "重新办理" in again[0]
    assert PHONE not in again[0]


async def test_a_tracker_gets_no_co_handler_reminders(server, client, rules, sm):
    """Trackers owe no written opinion: the due-soon and overdue reminders are not theirs."""
    case = await transferred(client, rules, server)
    scheduler = Scheduler(sm, server.app["config"])
    assert await scheduler.run_once(T0 + timedelta(days=4, minutes=30)) == 1  # hrss only
    assert await scheduler.run_once(T0 + timedelta(days=8)) == 2  # office + hrss
    async with sm() as session:
        reminders = (await session.execute(select(OutboxItem.target).where(
            OutboxItem.case_id == case.id, OutboxItem.channel == "webhook",
            OutboxItem.dedup_key.is_not(None)))).scalars().all()
    assert sorted(reminders) == ["dev-key-leadership", "dev-key-zc-hrss", "dev-key-zc-hrss"]


async def test_only_the_agency_that_passed_the_case_on_tracks_it_and_a_return_ends_it(
        server, client, rules, sm):
    """tax → hrss → healthcare: both earlier leads track it. The office hands it back to tax:
    tax leads again (no longer a mere tracker) and healthcare tracks it."""
    case = await transferred(client, rules, server)
    url = f"/api/cases/{case.case_no}/transfer"
    assert (await client.call("POST", url, HRSS,
                              json={"agency": "healthcare", "reason": "医保核定"}))[0] == 200
    assert (await stored(sm, case)).trackers == ["tax", "hrss"]
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert status == 200 and "区医疗保障局" in body["next_step"]
    status, body = await client.call("POST", url, LEADERSHIP,
                                     json={"agency": "tax", "reason": "领导小组确定由税务牵头"})
    assert status == 200 and body["lead_agency"] == "tax"
    assert (await stored(sm, case)).trackers == ["hrss", "healthcare"]
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert "resolve" in [a["action"] for a in body["actions"]] and "跟踪" not in body["next_step"]
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX))[0] == 200
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", HEALTHCARE)
    assert status == 200 and [a["action"] for a in body["actions"]] == ["note"]


async def test_a_co_handler_that_takes_the_lead_and_passes_it_on_tracks_it(
        server, client, rules, sm):
    """hrss leads a contribution-base case with tax co-handling; hrss hands the lead to tax:
    tax leads (no longer co-handler), hrss tracks."""
    case = await new_case(server, rules, now=T0, category="contribution_base")
    assert (case.lead_agency, case.co_agencies) == ("hrss", ["tax"])
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/transfer", HRSS,
                                  json={"agency": "tax", "reason": "属于欠费核定"})
    assert status == 200
    saved = await stored(sm, case)
    assert (saved.lead_agency, saved.co_agencies, saved.trackers) == ("tax", [], ["hrss"])


async def test_the_console_lists_and_shows_a_tracked_case_without_the_steering_forms(
        server, client, rules, signed_in_tax):
    case = await transferred(client, rules, server)
    browser = signed_in_tax
    async with browser.get("/console/cases") as resp:
        page = await resp.text()
    assert f'data-case="{case.case_no}"' in page and "跟踪" in page
    async with browser.get(f"/console/cases/{case.case_no}") as resp:
        assert resp.status == 200
        page = await resp.text()
    assert "已将案件转区人力资源和社会保障局" in page
    assert 'id="form-note"' in page
    for form in ("accept", "request-info", "transfer", "escalate", "resolve"):
        assert f'id="form-{form}"' not in page
    csrf = CSRF.search(page)[1]
    async with browser.post(f"/console/cases/{case.case_no}/resolve",
                            data={"csrf": csrf, "result": "已办"}) as resp:
        assert resp.status == 403


@pytest.fixture
async def signed_in_tax(aiohttp_client, server):
    browser = await aiohttp_client(server)
    await sign_in(browser, "tax")
    return browser


async def test_the_migration_gives_existing_cases_no_trackers(db_url):
    """A database at 0003 with a case in it upgrades; the case reads as tracked by nobody."""
    await asyncio.to_thread(upgrade, db_url, "0003")
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO cases (case_no, openid, category, severity, severity_reasons, "
                "headcount, description, evidence, channel, status, needs_callback, "
                "lead_agency, co_agencies, awaiting_info, created_at, updated_at) VALUES "
                "('ZY20261101-0001', 'o-old', 'late_fee', 'general', '[]', 1, '滞纳金', '[]', "
                "'wechat', 'assigned', false, 'tax', '[\"hrss\"]', false, "
                "'2026-11-01 02:00:00', '2026-11-01 02:00:00')"))
        await engine.dispose()
        await asyncio.to_thread(upgrade, db_url)
        engine = make_engine(db_url)
        async with make_sessionmaker(engine)() as session:
            old = await session.scalar(select(Case).where(Case.case_no == "ZY20261101-0001"))
            assert old.trackers == [] and old.co_agencies == ["hrss"]
            old.trackers = ["court"]
            await session.commit()
        async with make_sessionmaker(engine)() as session:
            seen = (await session.execute(select(Case.case_no).where(
                visible_filter("court")))).scalars().all()
            assert seen == ["ZY20261101-0001"]
    finally:
        await engine.dispose()
