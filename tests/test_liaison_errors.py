"""Liaisons and the district office as real users: every refusal in Chinese with a stable
code, wrong action orders, odd text, what a card holder can do next, deadlines with their
time, and the overdue figures after a reopen. Real HTTP app, real outbox."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.store.models import Case, OutboxItem, utcnow
from routing import actions
from routing.cases import reopen_case
from tests import test_cases as base
from tests.test_cases import T0, new_case, set_last_message
from tests.test_liaison_api import HRSS, LEADERSHIP, TAX

rules = base.rules
CJK = re.compile(r"[\u4e00-\u9fff]")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def call(server, http):
    async def run(method: str, path: str, headers=TAX, **kw):
        async with http.request(method, server.make_url(path), headers=headers, **kw) as r:
            assert r.content_type == "application/json", await r.text()
            return r.status, await r.json()
    return run


def refused(body: dict, code: str) -> str:
    assert body["code"] == code and CJK.search(body["message"]), body
    assert body["error"]  # the English detail stays for older clients
    return body["message"]


@pytest.mark.parametrize(("method", "path", "kw", "status", "code", "words"), [
    ("POST", "/note", {"data": "{oops"}, 400, "bad_json", "JSON"),
    ("POST", "/note", {"json": ["x"]}, 400, "bad_json_object", "JSON 对象"),
    ("POST", "/note", {"json": {}}, 400, "text_required", "内容不能为空"),
    ("POST", "/resolve", {"json": {"result": "x" * 2001}}, 400, "text_too_long", "办理结果"),
    ("POST", "/note", {"data": '{"text": "\\ud800"}'}, 400, "text_invalid", "无法识别"),
    ("POST", "/transfer", {"json": {"agency": "nobody", "reason": "x"}}, 400,
     "unknown_agency", "区人力资源和社会保障局"),
    ("POST", "/transfer", {"json": {"reason": "x"}}, 400, "agency_required", "接收单位"),
    ("POST", "/transfer", {"json": {"agency": "tax", "reason": "x"}}, 409, "already_leads",
     "已是案件"),
    ("GET", "/../../api/cases/ZY20000101-0001", {}, 404, "not_found", "没有找到该案件"),
    ("POST", "/reopen", {}, 404, "no_endpoint", "没有这个接口"),
    ("GET", "/accept", {}, 405, "method_not_allowed", "POST"),
    ("POST", "/note", {"data": "x" * (2 * 1024 * 1024)}, 413, "too_large", "过大"),
])
async def test_every_refusal_is_json_with_a_code_and_a_chinese_message(
        server, call, rules, method, path, kw, status, code, words):
    case = await new_case(server, rules)
    url = f"/api/cases/{case.case_no}{path}" if not path.startswith("/..") else (
        "/api/cases/ZY20000101-0001")
    got, body = await call(method, url, **kw)
    assert got == status
    assert words in refused(body, code)


async def test_list_and_token_errors_name_the_choices_in_chinese(server, call):
    status, body = await call("GET", "/api/cases", {"Authorization": "Bearer nope"})
    assert status == 401 and "Authorization" in refused(body, "unauthorized")
    status, body = await call("GET", "/api/cases?status=done")
    assert status == 400 and "resolved（已办结）" in refused(body, "unknown_status")
    status, body = await call("GET", "/api/cases?category=pension")
    assert status == 400 and "late_fee（滞纳金（利息）争议）" in refused(body, "unknown_category")
    status, body = await call("GET", "/api/cases?limit=0")
    assert status == 400 and "limit" in refused(body, "bad_page")
    status, body = await call("GET", "/api/cases?overdue=maybe")
    assert status == 400 and "overdue" in refused(body, "bad_flag")


async def test_actions_in_the_wrong_order_are_refused_in_chinese_and_change_nothing(
        server, call, rules, sm):
    case = await new_case(server, rules)  # tax leads, nobody co-handles
    url = f"/api/cases/{case.case_no}"
    assert (await call("POST", f"{url}/resolve", json={"result": "已减免"}))[0] == 200
    for action, body in (("accept", None), ("request-info", {"text": "补充"}),
                         ("transfer", {"agency": "hrss", "reason": "x"}),
                         ("resolve", {"result": "again"})):
        status, answer = await call("POST", f"{url}/{action}", json=body)
        assert status == 409 and "已办结" in refused(answer, "closed"), action
    assert (await call("POST", f"{url}/note", json={"text": "结案后回访记录"}))[0] == 200
    status, answer = await call("GET", f"/api/cases/{case.case_no}", HRSS)
    assert status == 404 and case.case_no in refused(answer, "not_found")


async def test_a_note_of_only_invisible_characters_is_empty(server, call, rules):
    """Regression: "\\u200b\\u200b" (zero-width spaces) was stored as a note nobody can read."""
    case = await new_case(server, rules)
    for text in ("\u200b\u200b", "\u202e\ufeff ", "\u2060"):
        status, body = await call("POST", f"/api/cases/{case.case_no}/note",
                                  json={"text": text})
        assert status == 400 and "不能为空" in refused(body, "text_required")
    status, body = await call("POST", f"/api/cases/{case.case_no}/note",
                              json={"text": "已联系\u202e单位🙂"})
    assert status == 200


async def test_asking_the_payer_the_same_thing_twice_sends_one_notice(server, call, rules, sm):
    """Regression: a double click on 请缴费人补充材料 sent the payer the same request twice."""
    case = await new_case(server, rules)
    url = f"/api/cases/{case.case_no}/request-info"
    assert (await call("POST", url, json={"text": "请提供工资条"}))[0] == 200
    status, body = await call("POST", url, json={"text": "请提供工资条"})
    assert status == 409 and "未重复通知" in refused(body, "info_already_requested")
    assert (await call("POST", url, json={"text": "另请提供劳动合同"}))[0] == 200
    async with sm() as session:
        asked = [p["notice"] for p in (await session.execute(
            select(OutboxItem.payload).where(OutboxItem.case_id == case.id,
                                             OutboxItem.channel == "wechat"))).scalars()]
    assert asked.count("info_requested") == 2


async def test_the_case_view_says_what_to_do_next_and_how(server, call, rules):
    """A liaison holding only the group card gets the labels, the next step and the exact
    calls, with the transfer targets; co-handlers and closed cases may only add notes."""
    case = await new_case(server, rules, category="contribution_base", needs_callback=True)
    status, body = await call("GET", f"/api/cases/{case.case_no}", HRSS)  # hrss leads
    assert status == 200 and body["category_label"] == "缴费基数争议"
    assert body["severity_label"] == "一般事项" and "受理" in body["next_step"]
    assert "?contact=1" in body["next_step"]
    calls = {a["action"]: a for a in body["actions"]}
    assert list(calls) == ["accept", "request-info", "transfer", "escalate", "resolve", "note"]
    assert "reason" in calls["escalate"]["body"]
    assert calls["resolve"]["path"] == f"/api/cases/{case.case_no}/resolve"
    assert "result" in calls["resolve"]["body"] and "hrss" not in calls["transfer"]["agencies"]
    status, body = await call("GET", f"/api/cases/{case.case_no}", TAX)  # tax co-handles
    assert [a["action"] for a in body["actions"]] == ["note"] and "协办" in body["next_step"]
    await call("POST", f"/api/cases/{case.case_no}/accept", HRSS)
    status, body = await call("GET", f"/api/cases/{case.case_no}", HRSS)
    assert "accept" not in [a["action"] for a in body["actions"]]
    await call("POST", f"/api/cases/{case.case_no}/resolve", HRSS, json={"result": "已核定"})
    status, body = await call("GET", f"/api/cases/{case.case_no}", LEADERSHIP)
    assert [a["action"] for a in body["actions"]] == ["note"] and "已办结" in body["next_step"]


async def test_payer_notices_give_the_deadline_with_its_time(server, call, rules, fake_api,
                                                               sm):
    """Regression: 办理时限：2026年11月30日前 — the case is due at 10:00 that day."""
    await set_last_message(sm, "o-time", utcnow())
    case = await new_case(server, rules, openid="o-time", now=T0)  # Mon 10:00 → Mon 10:00
    assert (await call("POST", f"/api/cases/{case.case_no}/accept"))[0] == 200
    [sent] = await fake_api.messages.wait_for(1)
    assert "办理时限：2026年11月30日（周一）10:00前" in sent["text"]["content"]


async def test_a_late_resolution_stays_late_after_the_payer_reopens_it(server, rules, sm,
                                                                        aiohttp_client):
    """Regression: reopening gives a fresh deadline and clears resolved_at, so the district
    office's 逾期率 forgot that the case had been resolved after its deadline."""
    start = T0 - timedelta(days=20)  # Tue 2026-11-03 10:00, due 11-10 10:00
    late = await new_case(server, rules, now=start)
    on_time = await new_case(server, rules, now=start)
    config = server.app["config"]
    async with sm() as session:
        await actions.resolve(session, "tax", late.case_no, "已减免", config=config,
                              now=start + timedelta(days=9))
        await actions.resolve(session, "tax", on_time.case_no, "已减免", config=config,
                              now=start + timedelta(days=1))
        for case_no in (late.case_no, on_time.case_no):
            stored = await session.scalar(select(Case).where(Case.case_no == case_no))
            await reopen_case(session, stored, "还没解决", config=config,
                              now=utcnow() - timedelta(hours=1))
        await session.commit()
    client = await aiohttp_client(server)
    async with client.get("/console/login") as resp:
        token = CSRF.search(await resp.text()).group(1)
    await client.post("/console/login", data={"token": "dev-token-leadership", "csrf": token})
    async with client.get("/console/stats") as resp:
        page = await resp.text()
    assert re.search(r'data-figure="overdue-rate">50.0%</strong><small>1/2 件', page), page


async def test_the_console_shows_the_actions_own_reason(server, rules, aiohttp_client):
    """The console named only the class of error (案件当前状态不允许此操作); it now says why."""
    case = await new_case(server, rules)
    client = await aiohttp_client(server)
    async with client.get("/console/login") as resp:
        token = CSRF.search(await resp.text()).group(1)
    await client.post("/console/login", data={"token": "dev-token-tax", "csrf": token})
    async with client.get(f"/console/cases/{case.case_no}") as resp:
        csrf = CSRF.search(await resp.text()).group(1)
    await client.post(f"/console/cases/{case.case_no}/accept", data={"csrf": csrf})
    async with client.post(f"/console/cases/{case.case_no}/accept",
                           data={"csrf": csrf}) as resp:
        page = await resp.text()
        assert resp.status == 409
    assert "已受理，无需重复受理" in page
    async with client.post(f"/console/cases/{case.case_no}/resolve",
                           data={"csrf": csrf, "result": "\u200b"}) as resp:
        assert resp.status == 400 and "办理结果不能为空" in await resp.text()
