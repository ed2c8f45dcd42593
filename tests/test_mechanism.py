"""What the founding documents (/work/shared/seeds/) ask of the mechanism, end to end:
time limits counted as a district office counts them, 案卷归档 after the payer's objection
window, and 提级 of a case to 重大疑难事项 with the leadership office told."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.store.models import Case, OutboxItem
from bot.store.snapshot import FEEDBACK_WINDOW
from routing import actions
from routing.cards import render_card
from routing.cases import case_dict
from routing.deadlines import SHANGHAI, deadline_for
from routing.rules import Route
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import T0, card_texts, events, new_case, register, set_last_message
from tests.test_liaison_api import HRSS, LEADERSHIP, TAX

# Fixtures shared with test_cases.py / test_liaison_api.py (assigned so linters see them used).
engine, rules, sm, client = base.engine, base.rules, base.sm, api.client

SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)


def local(y, m, d, h=0, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


# --- time limits (限时办结) ---------------------------------------------------------------


@pytest.mark.parametrize("severity, sent, due", [
    # Received on a weekend: the limit runs from Monday, in whole working days.
    ("simple", SATURDAY, local(2026, 12, 1)),                  # end of Monday
    ("simple", local(2026, 11, 29, 1), local(2026, 12, 1)),   # Sunday 01:00: same
    ("general", SATURDAY, local(2026, 12, 5)),                # Mon–Fri: end of Friday
    # Received on a working day: unchanged, the time of day is kept.
    ("simple", local(2026, 11, 27, 16), local(2026, 11, 30, 16)),
])
def test_a_case_received_on_a_non_working_day_gets_whole_working_days(severity, sent, due):
    assert deadline_for(severity, sent, {}) == due


def test_a_holiday_receipt_counts_from_the_next_working_day():
    config = {"calendar": {"holidays": ["2026-10-01", "2026-10-02"], "workdays": []}}
    # Thursday 1 October (National Day) → counting starts Monday 5th.
    assert deadline_for("simple", local(2026, 10, 1, 9), config) == local(2026, 10, 6)


def test_a_midnight_deadline_reads_as_24_00_of_the_day_before_on_the_card(config):
    case = Case(case_no="ZY20261128-0001", category="late_fee", severity="simple",
                deadline=deadline_for("simple", SATURDAY, config.raw), created_at=SATURDAY,
                description="滞纳金", channel="wechat")
    card = render_card(case_dict(case), Route(lead="tax", co=[], groups=[]), {"tax": "区税务局"})
    assert "办理时限：2026-11-30 24:00" in card


async def test_a_weekend_simple_case_gets_no_extra_due_soon_reminder(sm, config, rules):
    await register(sm, config, rules, severity="simple", now=SATURDAY)
    scheduler = Scheduler(sm, config)
    assert await scheduler.run_once(local(2026, 11, 30, 0, 1)) == 0  # no "due tomorrow"
    assert await scheduler.run_once(local(2026, 11, 30, 12)) == 0  # Monday is all theirs
    assert await scheduler.run_once(local(2026, 12, 1, 0, 1)) == 2  # overdue


async def test_a_reopened_case_is_reminded_even_after_a_late_note(sm, config, rules):
    from routing.cases import reopen_case

    case = await register(sm, config, rules, severity="general")
    async with sm() as session:
        await actions.resolve(session, "tax", case.case_no, "已办结", config=config, now=T0)
        stored = await session.get(Case, case.id)
        await reopen_case(session, stored, "未解决", config=config, now=T0)  # due Mon 30th
        await session.commit()
    friday = T0 + timedelta(days=4, hours=1)
    async with sm() as session:  # a note the day before the deadline moves updated_at
        await actions.add_note(session, "tax", case.case_no, "已联系单位", now=friday)
        await session.commit()
    assert await Scheduler(sm, config).run_once(friday + timedelta(minutes=1)) == 1


# --- 案卷归档 ----------------------------------------------------------------------------


async def test_a_resolved_case_is_archived_once_the_objection_window_has_passed(
        sm, config, rules):
    case = await register(sm, config, rules, severity="general")
    async with sm() as session:
        await actions.resolve(session, "tax", case.case_no, "已减免", config=config, now=T0)
        await session.commit()
    scheduler = Scheduler(sm, config)
    await scheduler.run_once(T0 + FEEDBACK_WINDOW - timedelta(minutes=1))
    async with sm() as session:
        assert (await session.get(Case, case.id)).status == "resolved"  # payer may still object
    await scheduler.run_once(T0 + FEEDBACK_WINDOW)
    await scheduler.run_once(T0 + FEEDBACK_WINDOW + timedelta(hours=1))
    async with sm() as session:
        stored = await session.get(Case, case.id)
        view = await actions.get_case(session, "tax", case.case_no, config=config)
    assert stored.status == "closed" and stored.resolved_at is not None
    assert view["status_label"] == "已归档"
    assert [e.kind for e in await events(sm, case)].count("archived") == 1


async def test_open_cases_are_never_archived(sm, config, rules):
    case = await register(sm, config, rules, severity="general")
    await Scheduler(sm, config).run_once(T0 + FEEDBACK_WINDOW * 3)
    async with sm() as session:
        assert (await session.get(Case, case.id)).status == "assigned"


# --- 提级 (a case the lead cannot settle goes to the leadership group) -------------------


async def test_the_lead_raises_a_case_to_major_and_everyone_concerned_is_told(
        server, client, rules, sm, fake_webhook, fake_api):
    await set_last_message(sm, "o-raise", datetime.now(SHANGHAI))
    case = await new_case(server, rules, openid="o-raise", now=T0)  # late fee, general
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert "escalate" in [a["action"] for a in body["actions"]]
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                                     json={"reason": "涉及多部门的政策性问题，本单位无法单独办结"})
    assert status == 200 and body["severity"] == "major"
    assert "leadership_office" in body["co_agencies"]
    # The major limit from registration (Monday 23rd + 15 working days), not a fresh start.
    assert body["deadline"].startswith("2026-12-14T10:00")
    await fake_webhook.posts.wait_for(4)  # tax card, office card + @all, tax note
    office = card_texts(fake_webhook, "dev-key-leadership")
    assert case.case_no in office[0] and "重大疑难" in office[0]
    assert fake_webhook.to_key("dev-key-leadership")[1]["text"]["mentioned_list"] == ["@all"]
    assert any("提级" in t and "2026-12-14 10:00" in t
               for t in card_texts(fake_webhook, "dev-key-zc-tax"))
    [notice] = await fake_api.messages.wait_for(1)
    assert "重大疑难事项" in notice["text"]["content"] and "12月14日" in notice["text"]["content"]
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert "escalate" not in [a["action"] for a in body["actions"]]
    assert body["events"][-1]["kind"] == "raised_major"
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                                     json={"reason": "again"})
    assert status == 409 and body["code"] == "already_major"


async def test_escalating_never_shortens_a_deadline_and_needs_a_reason(server, client, rules,
                                                                       sm):
    case = await new_case(server, rules, now=T0, category="contribution_base")
    async with sm() as session:
        stored = await session.get(Case, case.id)
        stored.deadline = T0 + timedelta(days=60)  # e.g. set by a reopen
        await session.commit()
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/escalate", HRSS,
                                     json={"reason": " "})
    assert status == 400 and "原因" in body["message"]
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/escalate", HRSS,
                                     json={"reason": "基数争议涉及全厂职工"})
    assert status == 200
    async with sm() as session:
        assert (await session.get(Case, case.id)).deadline == T0 + timedelta(days=60)


async def test_a_co_handler_cannot_escalate_but_the_leadership_office_can(
        server, client, rules, sm):
    case = await new_case(server, rules, now=T0, category="contribution_base")  # hrss + tax
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                                     json={"reason": "x"})
    assert status == 403
    status, body = await client.call("POST", f"/api/cases/{case.case_no}/escalate", LEADERSHIP,
                                     json={"reason": "领导小组决定专案处理"})
    assert status == 200 and body["severity"] == "major"
    async with sm() as session:
        rows = (await session.execute(select(OutboxItem).where(
            OutboxItem.case_id == case.id, OutboxItem.target == "o-payer"))).scalars().all()
    assert [r.payload["notice"] for r in rows] == ["raised_major"]


async def test_the_leadership_office_follows_a_major_case_through_transfer_result_and_reopen(
        server, client, rules, sm, fake_webhook):
    from routing.cases import reopen_case

    case = await new_case(server, rules, now=T0, severity="major", category="late_fee")
    await fake_webhook.posts.wait_for(3)  # tax card, office card + @all
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                  json={"agency": "hrss", "reason": "属于基数核定"})
    assert status == 200
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/resolve", HRSS,
                                  json={"result": "已重新核定基数，联系电话13812345678"})
    assert status == 200
    async with sm() as session:
        stored = await session.get(Case, case.id)
        await reopen_case(session, stored, "单位仍未补缴", config=server.app["config"])
        await session.commit()
    server.app["outbox"].notify()
    # 3 at registration; hrss card, hrss note, office note; office result; hrss + office;
    # tax, which passed the case on and tracks it: transfer, result, reopen
    await fake_webhook.posts.wait_for(12)
    office = card_texts(fake_webhook, "dev-key-leadership")
    assert len(office) == 5
    assert any("转办" in t and "区人力资源和社会保障局" in t for t in office)
    result = [t for t in office if "办结" in t and "已重新核定基数" in t]
    assert result and "13812345678" not in result[0]
    assert any("重新办理" in t and "单位仍未补缴" in t for t in office)


async def test_a_general_case_changing_course_does_not_disturb_the_leadership_office(
        server, client, rules, sm, fake_webhook):
    case = await new_case(server, rules, now=T0)  # general late fee
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "hrss", "reason": "属于基数核定"})
    await client.call("POST", f"/api/cases/{case.case_no}/resolve", HRSS, json={"result": "已核定"})
    await fake_webhook.posts.wait_for(3)
    async with sm() as session:
        rows = (await session.execute(select(OutboxItem).where(
            OutboxItem.case_id == case.id,
            OutboxItem.target.contains("leadership")))).scalars().all()
    assert rows == []


async def test_the_console_offers_and_performs_the_escalation(server, rules, sm):
    """The web console's 提级 form, signed in as the lead agency (cookies + CSRF)."""
    import re

    import aiohttp

    case = await new_case(server, rules, now=T0)
    page = f"/console/cases/{case.case_no}"
    async with aiohttp.ClientSession(base_url=str(server.make_url("/")),
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async def csrf(path: str) -> str:
            async with browser.get(path) as r:
                return re.search(r'name="csrf" value="([^"]+)"', await r.text())[1]

        await browser.post("/console/login", data={"csrf": await csrf("/console/login"),
                                                   "token": "dev-token-tax", "next": page})
        token = await csrf(page)
        async with browser.get(page) as r:
            assert 'id="form-escalate"' in await r.text()
        async with browser.post(f"{page}/escalate",
                                data={"csrf": token, "reason": "需领导小组会商"}) as r:
            assert r.status == 200 and "已提级为重大疑难事项" in await r.text()
            assert 'id="form-escalate"' not in await r.text()
    async with sm() as session:
        assert (await session.get(Case, case.id)).severity == "major"
