"""The liaison's and the district office's side, third round, written blind against the
seeds: wrong input to the API is named for what it is and changes nothing, a transfer names
the agency as liaisons know it, what the payer receives is never cut off unseen, a liaison
finds a case from its card, and the office's archive file and statistics say what the case
list says. Real HTTP app, real outbox, fake robots and WeChat API on 127.0.0.1."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.store.models import Case, OutboxItem, utcnow
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import T0, events, new_case, set_last_message
from tests.test_console import figure, read_csv
from tests.test_dialogue import fetch
from tests.test_liaison_api import COURT, TAX

# Fixtures shared with test_cases.py / test_liaison_api.py (assigned so linters see them used).
dispatcher, engine, rules, sm, client = base.dispatcher, base.engine, base.rules, base.sm, \
    api.client


async def unchanged(sm, config, case, kinds=("registered", "assigned")):
    """The case is as registered: same status, only its registration events, no notice."""
    async with sm() as session:
        stored = await session.get(Case, case.id)
    assert stored.status == case.status and stored.first_action_at is None
    assert [e.kind for e in await events(sm, case)] == list(kinds)
    rows = await fetch(config.database_url, OutboxItem, channel="wechat")
    assert not [r for r in rows if r.case_id == case.id], rows


# --- 1. wrong input is named for what it is, and changes nothing -------------------------


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/accept", {"acceptor": 123}, "受理人姓名"),
    ("/accept", {"opinion": ["联系单位"]}, "初步处理意见"),
    ("/resolve", {"result": 5}, "办理结果"),
    ("/escalate", {"reason": True}, "原因"),
    ("/request-info", {"text": {"zh": "请提供工资流水"}}, "内容"),
])
async def test_a_value_of_the_wrong_json_type_is_not_called_empty(
        server, client, rules, sm, config, path, body, field):
    """A number or a list was answered "不能为空" — the liaison had filled it in. The code
    stays text_required (clients key on it); the message says what is wrong."""
    case = await new_case(server, rules, openid="o-type")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}{path}", TAX,
                                       json=body)
    assert status == 400 and answer["code"] == "text_required", answer
    assert field in answer["message"] and "应为文字" in answer["message"]
    assert "不能为空" not in answer["message"]
    await unchanged(sm, config, case)


@pytest.mark.parametrize(("path", "body", "extra"), [
    ("/request-info", {"text": "请提供工资流水", "due": "2020-01-01"}, "due"),
    ("/resolve", {"reslut": "单位已补缴"}, "reslut"),
    ("/accept", {"acceptor": "李明", "deadline": "2026-12-01"}, "deadline"),
])
async def test_a_field_the_action_does_not_take_is_refused_not_ignored(
        server, client, rules, sm, config, path, body, extra):
    """A deadline (even one in the past) sent with a request was silently dropped and the
    answer was 200: the liaison believed the payer had been given a date."""
    case = await new_case(server, rules, openid="o-extra")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}{path}", TAX,
                                       json=body)
    assert status == 400 and answer["code"] == "unknown_field", answer
    assert extra in answer["message"] and "未作任何更改" in answer["message"]
    await unchanged(sm, config, case)


async def test_a_refused_value_is_echoed_as_typed(server, client):
    """?status=foo was echoed as “FOO”, leadership_office as “LEADERSHIP-OFFICE”: the case
    number normalisation was applied to every value."""
    status, answer = await client.call("GET", "/api/cases?status=pending", TAX)
    assert status == 400 and "“pending”" in answer["message"], answer


# --- 2. a transfer names the agency as liaisons know it ----------------------------------


@pytest.mark.parametrize(("typed", "lead"), [
    (" HRSS ", "hrss"), ("区医疗保障局", "healthcare"), ("Healthcare", "healthcare")])
async def test_a_transfer_target_is_found_by_code_in_any_case_or_by_its_name(
        server, client, rules, typed, lead):
    case = await new_case(server, rules, openid="o-to")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": typed, "reason": "不属本局职责"})
    assert status == 200 and answer["lead_agency"] == lead, answer


async def test_a_transfer_to_the_office_points_to_escalation(server, client, rules, sm,
                                                            config):
    case = await new_case(server, rules, openid="o-office")
    for typed in ("leadership_office", "征缴争议处理领导小组办公室"):
        status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                           json={"agency": typed, "reason": "需要会商"})
        assert status == 400 and answer["code"] == "office_not_lead", answer
        assert "提级" in answer["message"] and "LEADERSHIP-OFFICE" not in answer["message"]
    await unchanged(sm, config, case)


# --- 3. what the payer receives is never cut off unseen ----------------------------------


async def test_a_result_longer_than_a_notice_is_refused_and_one_that_fits_arrives_whole(
        server, client, rules, sm, fake_api, config):
    """A 600-character result was accepted and the payer got its first 299 characters and
    “…”; the liaison never knew."""
    await set_last_message(sm, "o-long", utcnow())
    case = await new_case(server, rules, openid="o-long")
    url = f"/api/cases/{case.case_no}"
    too_long = "经核实，" + "单位已于十二月补缴全部欠费。" * 43
    status, answer = await client.call("POST", f"{url}/resolve", TAX, json={"result": too_long})
    assert status == 400 and answer["code"] == "payer_text_too_long", answer
    assert "缴费人" in answer["message"] and "内部备注" in answer["message"]
    await unchanged(sm, config, case)
    fits = "经核实，" + "单位已于十二月补缴全部欠费。" * 30 + "完"
    assert 300 < len(fits) <= 500
    status, _ = await client.call("POST", f"{url}/resolve", TAX, json={"result": fits})
    assert status == 200
    told = [t for t in await _texts(fake_api, "o-long", 2) if "已办结" in t]
    assert told and fits in told[0] and "…" not in told[0], told
    assert len(told[0].encode("utf-8")) <= 2048


async def _texts(fake_api, openid, count):
    await fake_api.messages.wait_for(count)
    return fake_api.texts_to(openid)


# --- 4. a liaison finds a case from its card ---------------------------------------------


async def test_the_api_list_filters_by_severity_and_search_and_refuses_unknown_parameters(
        server, client, rules):
    """?severity=major and ?q=… were ignored: the whole list came back as if it matched."""
    plain = await new_case(server, rules, openid="o-l1", employer="宏达电子厂")
    major = await new_case(server, rules, openid="o-l2", severity="major",
                           severity_reasons=["headcount:40"], employer="永发制衣")

    async def listed(query):
        status, answer = await client.call("GET", f"/api/cases?{query}", TAX)
        assert status == 200, answer
        return [c["case_no"] for c in answer["cases"]]

    assert await listed("severity=major") == [major.case_no]
    assert await listed("q=宏达") == [plain.case_no]
    assert await listed("q=" + major.case_no.lower()) == [major.case_no]
    assert await listed("q=" + major.case_no[-4:]) == [major.case_no]
    status, answer = await client.call("GET", "/api/cases?sevrity=major", TAX)
    assert status == 400 and answer["code"] == "unknown_param" and "sevrity" in answer["message"]
    status, answer = await client.call("GET", "/api/cases?severity=big", TAX)
    assert status == 400 and "重大疑难事项" in answer["message"], answer
    status, answer = await client.call("GET", "/api/cases?q=宏达", COURT)
    assert answer["cases"] == [] and answer["total"] == 0


@pytest.fixture
async def console_as(aiohttp_client, server):
    from tests.test_console import sign_in

    async def make(who):
        browser = await aiohttp_client(server)
        await sign_in(browser, who)
        return browser
    return make


async def test_the_console_search_finds_a_case_by_number_or_employer_of_the_agency_only(
        server, rules, console_as):
    wanted = await new_case(server, rules, openid="o-s1", employer="宏达电子厂")
    other = await new_case(server, rules, openid="o-s2", employer="永发制衣")
    foreign = await new_case(server, rules, openid="o-s3", category="contribution_base",
                             employer="宏达塑料厂")
    assert foreign.lead_agency == "hrss" and "tax" in foreign.co_agencies
    tax = await console_as("tax")
    for query in (wanted.case_no, wanted.case_no.lower(), "宏达电子"):
        async with tax.get("/console/cases", params={"q": query}) as resp:
            page = await resp.text()
        assert wanted.case_no in page and other.case_no not in page, query
        assert 'name="q" value="' in page
    hrss = await console_as("hrss")
    async with hrss.get("/console/cases", params={"q": "宏达"}) as resp:
        page = await resp.text()
    assert foreign.case_no in page and wanted.case_no not in page


async def test_the_case_page_says_what_to_do_next_and_shows_the_channel_in_words(
        server, rules, console_as):
    late = await new_case(server, rules, openid="o-next", now=utcnow() - timedelta(days=30))
    tax = await console_as("tax")
    async with tax.get(f"/console/cases/{late.case_no}") as resp:
        page = await resp.text()
    step = re.search(r'id="next-step">([^<]*)<', page)
    assert step and "已超过办理时限" in step.group(1), page[:200]
    history = page[page.index("办理记录"):]
    assert "微信公众号" in history and "wechat" not in history
    # The payer-facing boxes stop where the notice would be cut.
    assert re.search(r'id="resolve-result" name="result" maxlength="500"', page)


# --- 5. the office's archive file and statistics -----------------------------------------


async def test_the_archive_file_has_words_the_acceptor_and_the_result_masked(
        server, client, rules, console_as):
    case = await new_case(server, rules, openid="o-arch", now=T0, period="2025-01/2025-06")
    url = f"/api/cases/{case.case_no}"
    assert (await client.call("POST", f"{url}/accept", TAX,
                              json={"acceptor": "李明", "acceptor_phone": "020-82751234"}))[0] \
        == 200
    result = "已电话告知张三，滞纳金已减免，回访电话13812345678"
    assert (await client.call("POST", f"{url}/resolve", TAX, json={"result": result}))[0] == 200
    tax = await console_as("tax")
    async with tax.get("/console/export.csv?from=2026-11-23&to=2026-11-23") as resp:
        header, row = await read_csv(resp)
    got = dict(zip(header, row))
    assert got["所属期"] == "2025年1月至2025年6月" and got["渠道"] == "微信公众号", got
    assert got["受理人"] == "李明"
    assert "滞纳金已减免" in got["办理结果"] and "张三" not in got["办理结果"]
    assert "13812345678" not in got["办理结果"]


async def test_the_statistics_show_the_open_overdue_cases_the_list_shows_and_averages(
        server, rules, sm, console_as):
    late = [await new_case(server, rules, openid=f"o-late{i}", now=utcnow() - timedelta(days=30))
            for i in range(2)]
    done = await new_case(server, rules, openid="o-done", now=T0)
    await new_case(server, rules, openid="o-fresh")
    async with sm() as session:
        for case, hours in ((late[0], 2), (done, 4)):
            stored = await session.get(Case, case.id)
            stored.first_action_at = stored.created_at + timedelta(hours=hours)
        stored = await session.get(Case, done.id)
        stored.status, stored.resolved_at = "resolved", T0 + timedelta(hours=10)
        await session.commit()
    tax = await console_as("tax")
    async with tax.get("/console/cases?overdue=1") as resp:
        listed = re.findall(r'data-case="([^"]+)"', await resp.text())
    async with tax.get("/console/stats") as resp:
        page = await resp.text()
    assert figure(page, "open-late") == str(len(listed)) == "2"
    assert figure(page, "open") == "3"
    assert figure(page, "first-mean") == "3.0 小时"
    assert figure(page, "resolve-mean") == "10.0 小时"
