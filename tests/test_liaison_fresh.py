"""The mechanism as the agency liaisons and the district office use it, checked against the
seeds (/work/shared/seeds/): co-handlers' time limits, the 报送单 fields, what a group card
lets a liaison do, who sees what, and the office's statistics. Real HTTP app, real outbox."""
from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.store.models import CaseEvent
from routing.deadlines import SHANGHAI
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import (
    ID_NUMBER,
    PHONE,
    T0,
    card_texts,
    drain,
    events,
    new_case,
    register,
)
from tests.test_console import CSRF, sign_in
from tests.test_liaison_api import HRSS, TAX

# Fixtures shared with test_cases.py / test_liaison_api.py (assigned so linters see them used).
dispatcher, engine, rules, sm, client = base.dispatcher, base.engine, base.rules, base.sm, \
    api.client

SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
FRIDAY = T0 + timedelta(days=4, minutes=30)  # a general case of Monday is due next Monday


# --- co-handlers' time limit (各联办单位在规定时限内提供书面意见) ----------------------------


async def test_co_handlers_are_reminded_of_the_deadline_too(sm, config, rules, dispatcher,
                                                           fake_webhook):
    case = await register(sm, config, rules, category="contribution_base",
                          description="公司按最低基数给我交社保", severity="general")
    assert case.lead_agency == "hrss" and case.co_agencies == ["tax"]
    scheduler = Scheduler(sm, config)
    assert await scheduler.run_once(FRIDAY) == 2
    assert await scheduler.run_once(FRIDAY + timedelta(hours=2)) == 0  # once only
    await drain(dispatcher, FRIDAY)
    lead = card_texts(fake_webhook, "dev-key-zc-hrss")[-1]
    co = card_texts(fake_webhook, "dev-key-zc-tax")[-1]
    assert "办理时限提醒" in lead and case.case_no in lead
    assert case.case_no in co and "协办" in co and "书面意见" in co
    assert "区人力资源和社会保障局" in co  # names the lead it reports to
    async with sm() as session:
        groups = (await session.execute(select(CaseEvent.detail).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "reminded"))).scalars().all()
    assert sorted(g["group"] for g in groups) == ["hrss", "tax"]


async def test_the_leadership_office_gets_no_co_handler_reminder(sm, config, rules):
    await register(sm, config, rules, severity="major", severity_reasons=["protest"])
    saturday = T0 + timedelta(days=19, hours=1)  # major: 15 working days → Mon 14 Dec 10:00
    queued = await Scheduler(sm, config).run_once(saturday)
    async with sm() as session:
        groups = (await session.execute(select(CaseEvent.detail).where(
            CaseEvent.kind == "reminded"))).scalars().all()
    assert queued == len(groups) and "leadership_office" not in {g["group"] for g in groups}
    assert {g["group"] for g in groups} >= {"tax", "petitions", "public_security"}


# --- the 报送单 (002 附件): 受理人 and 报送意见 ---------------------------------------------


async def test_the_acceptor_fills_in_the_registration_form_and_every_view_shows_it(
        server, client, rules, sm):
    case = await new_case(server, rules)
    url = f"/api/cases/{case.case_no}"
    status, body = await client.call("GET", url, TAX)
    form = body["report_form"]
    assert form["number"] == case.case_no and form["contact"]["phone"] == "138****5678"
    assert form["acceptor"]["name"] is None and "受理人姓名" in form["missing"]
    accept = next(a for a in body["actions"] if a["action"] == "accept")
    assert {"acceptor", "acceptor_phone", "opinion"} <= set(accept["body"])
    status, _ = await client.call("POST", f"{url}/accept", TAX, json={
        "acceptor": "李明", "acceptor_phone": "020-82751234 转 8012",
        "opinion": f"属滞纳金加收争议，拟核实加收依据后答复（已致电{PHONE}）"})
    assert status == 200
    status, body = await client.call("GET", url, TAX)  # the masked view
    form = body["report_form"]
    assert form["acceptor"] == {"agency": "tax", "name": "李明",
                                "phone": "020-82751234 转 8012",
                                "accepted_at": form["acceptor"]["accepted_at"]}
    assert form["acceptor"]["accepted_at"] and form["missing"] == []
    assert form["opinion"] == "属滞纳金加收争议，拟核实加收依据后答复（已致电138****5678）"
    assert form["feedback_due"] == body["deadline"] and PHONE not in str(body)
    accepted = [e for e in await events(sm, case) if e.kind == "accepted"][-1]
    assert accepted.detail["acceptor"] == "李明"


@pytest.mark.parametrize(("body", "code", "words"), [
    ({"acceptor": 5}, "text_required", "受理人姓名"),
    ({"acceptor": "李" * 41}, "text_too_long", "不超过40字"),
    ({"acceptor_phone": "打我手机"}, "bad_phone", "受理人电话"),
    ({"acceptor_phone": ["020"]}, "text_required", "受理人电话"),
    ({"opinion": "意" * 2001}, "text_too_long", "不超过2000字"),
])
async def test_bad_registration_form_fields_are_refused_and_nothing_is_accepted(
        server, client, rules, body, code, words):
    case = await new_case(server, rules)
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX,
                                       json=body)
    assert status == 400 and answer["code"] == code and words in answer["message"], answer
    status, answer = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert answer["status"] == "assigned"


async def test_the_console_accept_form_fills_in_the_registration_form(server, rules,
                                                                      aiohttp_client):
    case = await new_case(server, rules)
    web = await aiohttp_client(server)
    await sign_in(web, "tax")
    async with web.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert 'id="report-form"' in page and 'name="acceptor"' in page
    csrf = CSRF.search(page).group(1)
    async with web.post(f"/console/cases/{case.case_no}/accept", data={
            "csrf": csrf, "acceptor": "王芳", "acceptor_phone": "13900001111",
            "opinion": "先核对单位申报记录"}) as resp:
        page = await resp.text()
        assert resp.status == 200
    assert '<dd data-field="acceptor">王芳</dd>' in page
    assert '<dd data-field="acceptor_phone">13900001111</dd>' in page  # staff: not masked
    assert "先核对单位申报记录" in page


# --- the group card: enough to act without calling back -------------------------------


async def test_the_card_carries_the_masked_id_number_and_every_action(server, rules,
                                                                       fake_webhook):
    case = await new_case(server, rules, category="contribution_base",
                          description="公司按最低基数交社保")
    await fake_webhook.posts.wait_for(2)
    lead, co = (card_texts(fake_webhook, key)[0]
                for key in ("dev-key-zc-hrss", "dev-key-zc-tax"))
    for card in (lead, co):
        assert "证件号 440***********1234" in card and ID_NUMBER not in card
        assert PHONE not in card and "138****5678" in card
        assert f"/api/cases/{case.case_no}/accept" in card and "/escalate" in card  # 提级
        assert "协办单位" in card and "书面意见" in card  # what the co-handler's group does


# --- visibility: a liaison reads and acts only on its agency's cases ------------------


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "", None), ("GET", "?contact=1", None),
    ("POST", "/accept", {}), ("POST", "/note", {"text": "看看"}),
    ("POST", "/request-info", {"text": "请提供工资条"}),
    ("POST", "/transfer", {"agency": "court", "reason": "x"}),
    ("POST", "/escalate", {"reason": "x"}), ("POST", "/resolve", {"result": "x"}),
])
async def test_another_agencys_case_is_not_found_for_every_call(server, client, rules, sm,
                                                                method, path, body):
    case = await new_case(server, rules)  # late fee: tax leads, nobody co-handles
    before = len(await events(sm, case))
    status, answer = await client.call(method, f"/api/cases/{case.case_no}{path}", HRSS,
                                       json=body)
    assert status == 404 and answer["code"] == "not_found"
    assert len(await events(sm, case)) == before  # no audit event, no action
    for query in ("", "?status=assigned", "?category=late_fee", "?overdue=0"):
        status, listing = await client.call("GET", f"/api/cases{query}", HRSS)
        assert listing["cases"] == [] and listing["total"] == 0


# --- the office's statistics (综合分析): who is late, on what --------------------------


async def test_the_stats_page_shows_overdue_cases_per_agency_category_and_severity(
        server, rules, aiohttp_client):
    await new_case(server, rules, now=T0 - timedelta(days=60))  # tax, late fee: overdue
    await new_case(server, rules, category="contribution_base",
                   description="公司按最低基数交社保")  # hrss, in time
    web = await aiohttp_client(server)
    await sign_in(web, "leadership")
    async with web.get("/console/stats") as resp:
        page = await resp.text()
        assert resp.status == 200
    table = page.split('data-late="lead_agency"')[1].split("</table>")[0]
    assert re.search(r"<th>区税务局</th><td>1</td><td>1</td><td data-late-count>1</td>"
                     r"<td>100.0%</td>", table), table
    assert re.search(r"<th>区人力资源和社会保障局</th><td>1</td><td>1</td>"
                     r"<td data-late-count>0</td>", table), table
    for dimension in ("category", "severity", "district"):
        assert f'data-late="{dimension}"' in page
    assert "滞纳金（利息）争议" in page.split('data-late="category"')[1]


# --- deadlines across weekends, as the card and the console write them ---------------


async def test_the_console_writes_a_weekend_cases_deadline_like_the_card(server, rules,
                                                                         aiohttp_client):
    """A simple case sent on Saturday is due at the end of Monday: the card says
    "2026-11-30 24:00"; the console said "2026-12-01 00:00", which reads as Tuesday."""
    case = await new_case(server, rules, severity="simple", now=SATURDAY)
    web = await aiohttp_client(server)
    await sign_in(web, "tax")
    for path in (f"/console/cases/{case.case_no}", "/console/cases"):
        async with web.get(path) as resp:
            page = await resp.text()
        assert "2026-11-30 24:00" in page and "2026-12-01 00:00" not in page, path


async def test_the_terminal_list_and_accept_speak_like_the_card(sm, config, rules, capsys):
    from tests.test_cases_cli import run

    case = await register(sm, config, rules, severity="simple", now=SATURDAY)
    assert await run(config, "case", "list", "--agency", "tax") == 0
    line = capsys.readouterr().out
    assert "2026-11-30 24:00" in line and "2026-12-01" not in line
    assert await run(config, "case", "accept", case.case_no, "--agency", "tax",
                     "--acceptor", "李明", "--acceptor-phone", "020-82751234",
                     "--opinion", "核实加收依据") == 0
    assert await run(config, "case", "show", case.case_no, "--agency", "tax") == 0
    form = json.loads(capsys.readouterr().out.split("\n", 1)[1])["report_form"]
    assert (form["acceptor"]["name"], form["opinion"]) == ("李明", "核实加收依据")


async def test_a_co_handlers_opinion_reaches_the_lead_group(server, client, rules,
                                                           fake_webhook):
    case = await new_case(server, rules, category="contribution_base",
                          description="公司按最低基数交社保")
    await fake_webhook.posts.wait_for(2)
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX, json={
        "text": f"经核对，该单位2025年申报基数为最低档，张三电话{PHONE}"})
    assert status == 200
    await fake_webhook.posts.wait_for(3)
    note = card_texts(fake_webhook, "dev-key-zc-hrss")[-1]
    assert case.case_no in note and "区税务局" in note and "申报基数为最低档" in note
    assert PHONE not in note and "张三" not in note
    await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS, json={"text": "已电话联系"})
    await asyncio.sleep(0.3)
    assert len(fake_webhook.posts.requests) == 3  # the lead's own note stays in the case
    status, body = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert "书面意见" in body["next_step"]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d 前", body["next_step"])


async def test_the_case_history_names_the_reminders_in_chinese(server, rules, aiohttp_client):
    case = await new_case(server, rules, category="contribution_base", now=T0,
                          description="公司按最低基数交社保")
    sm = server.app["services"].sessionmaker
    await Scheduler(sm, server.app["config"]).run_once(FRIDAY)
    web = await aiohttp_client(server)
    await sign_in(web, "tax")
    async with web.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert "到期前一个工作日提醒（协办单位）" in page and "due_soon" not in page
