"""The agency liaison's side, seventeenth round, written blind: what a liaison of 税务, 人社,
医保, the court, the justice bureau or the petitions office and the district office need to act
on a pushed case without calling the payer back. The group card is the 报送单 (seed 002 附件:
报送编号, 联系人姓名/电话, 反映内容摘要, 受理人, 受理时间, 报送意见; seed 001/003: 事项所在辖区):
each field is there or honestly marked as not given, never "None" or a bare label; numbers are
masked on cards, in error answers and in logs; one agency never reads or moves another's case;
a transfer takes the agency by code or Chinese name; each status change reaches the payer in
plain Chinese with the case number; bad updates (unknown status, going backwards, an empty
result, a mistyped or full-width case number) are a clear 4xx that changes nothing; major
cases reach the office (@all) with the 15-working-day limit of config.yaml."""
from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import datetime

import pytest

import tests.test_console as console_tests
from routing.deadlines import SHANGHAI
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import ID_NUMBER, PHONE, new_case, set_last_message
from tests.test_liaison_api import HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh10 import GROUP, MASKED_PHONE, arrived, texts, unmasked
from tests.test_liaison_fresh14 import HEALTHCARE, act, chinese, private
from tests.test_liaison_fresh15 import JARGON, card_of, kinds, notices

rules, client, engine, sm = base.rules, api.client, base.engine, base.sm
signed_in = console_tests.signed_in

FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
BASE = {"category": "contribution_base"}  # hrss leads, tax co-handles
JUSTICE = {"Authorization": "Bearer dev-token-justice"}
PETITIONS = {"Authorization": "Bearer dev-token-petitions"}
NOT_GIVEN = re.compile(r"未提供|未填|未留|未说明|不详|待补充|待填")
DASHES = re.compile(r"[-—–－]")
EMPTY_VALUE = re.compile(r"(None|null|nan|undefined)|[：:]\s*(\n|$)", re.MULTILINE)


async def view_as(client, case_no: str, headers=LEADERSHIP) -> tuple[int, dict]:
    return await client.call("GET", f"/api/cases/{case_no}", headers)


async def listed(client, headers, query: str = "") -> str:
    status, body = await client.call("GET", f"/api/cases{query}", headers)
    assert status == 200, body
    return json.dumps(body, ensure_ascii=False)


async def fresh_payer(sm, openid: str) -> None:
    await set_last_message(sm, openid, datetime.now().astimezone())


def refused(status: int, body, *codes: int) -> None:
    """A refusal a liaison can read: the expected 4xx, a stable code and a Chinese message."""
    assert status in (codes or range(400, 500)), (status, body)
    assert isinstance(body, dict) and body.get("code") and chinese(body), body


async def any_card(fake_webhook, case_no: str) -> str:
    """The first card about ``case_no`` in whichever group it went to (an unplaced case)."""
    for _ in range(100):
        cards = [(p["body"].get("markdown") or {}).get("content", "")
                 for p in fake_webhook.posts.requests]
        cards = [c for c in cards if case_no in c and c.startswith("## ")]
        if cards:
            return cards[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no card for {case_no}")


def line_of(card: str, label: str) -> str:
    lines = [ln for ln in card.splitlines() if label in ln]
    assert lines, (label, card)
    return lines[0]


# === 1. the card is the 报送单: every field there or honestly marked missing ===================


async def test_the_card_carries_every_field_of_the_report_form(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f17-form", now=FRIDAY, jurisdiction="新塘镇",
                          employer="新塘广丰牛仔布厂", desired_outcome="减免滞纳金")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    for needed in ("编号", case.case_no, "张", "电话", "2026-11-27 10:00", "新塘镇",
                   "新塘广丰牛仔布厂", "滞纳金太多", "减免滞纳金", "办理时限", "2026-12-04"):
        assert needed in card, (needed, card)
    assert not EMPTY_VALUE.search(card), card


@pytest.mark.parametrize("missing, label", [
    ({"phone": None}, "缴费人"),
    ({"name": None}, "缴费人"),
    ({"employer": None}, "单位"),
    ({"jurisdiction": None}, "辖区"),
], ids=["phone", "name", "employer", "jurisdiction"])
async def test_a_seed_field_the_payer_did_not_give_is_marked_not_given(server, rules,
                                                                       fake_webhook, missing,
                                                                       label):
    """Seed 001/003 登记: 缴费人基本情况、联系方式、事项所在辖区; a blank is said, not dropped."""
    case = await new_case(server, rules, openid=f"o-f17-miss-{next(iter(missing))}", **missing)
    card = await any_card(fake_webhook, case.case_no)
    assert not EMPTY_VALUE.search(card), card
    assert NOT_GIVEN.search(line_of(card, label)), card


async def test_the_new_card_says_the_acceptor_is_still_to_come(server, rules, fake_webhook):
    """The 报送单's 受理人 and 受理时间 are filled when a liaison accepts; until then the card
    says so rather than leaving them out."""
    case = await new_case(server, rules, openid="o-f17-acceptor")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "受理" in card and re.search(r"待[^，。\n]{0,6}(受理|认领|确认|填)", card), card


async def test_the_report_form_in_the_view_fills_in_on_acceptance(server, rules, client):
    case = await new_case(server, rules, openid="o-f17-rf")
    _, before = await view_as(client, case.case_no, TAX)
    form = before.get("report_form")
    assert isinstance(form, dict) and "acceptor" in json.dumps(form), before
    status, body = await act(client, case.case_no, "accept", TAX,
                             {"acceptor": "陈敏", "acceptor_phone": "020-82751234",
                              "opinion": "已联系单位财务核实欠费月份"})
    assert status == 200, body
    _, after = await view_as(client, case.case_no, TAX)
    dumped = json.dumps(after["report_form"], ensure_ascii=False)
    assert "陈敏" in dumped and "020-82751234" in dumped and "核实欠费月份" in dumped, after


async def test_an_acceptor_field_that_is_not_text_is_a_400_changing_nothing(server, rules,
                                                                           client, sm):
    case = await new_case(server, rules, openid="o-f17-acc-bad")
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "accept", TAX, {"acceptor": ["陈敏"]})
    refused(status, body, 400)
    assert "acceptor" in body["message"] or "受理人" in body["message"], body
    assert await kinds(sm, case) == before


# === 2. numbers masked on cards, in answers and in logs ========================================


async def test_numbers_typed_in_odd_shapes_are_masked_on_the_card(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f17-shapes",
                          description="我电话138-1234-5678，身份证4401 8319 9001 0112 34，"
                                      "老板欠了半年社保")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    private(card)
    assert "老板欠了半年社保" in card, card


async def test_a_refusal_never_echoes_a_number_the_liaison_sent(server, rules, client):
    case = await new_case(server, rules, openid="o-f17-echo")
    status, body = await act(client, case.case_no, "note", TAX,
                             {"text": "已回电", "phone": PHONE, "id_number": ID_NUMBER})
    refused(status, body, 400)
    private(json.dumps(body, ensure_ascii=False))


async def test_logs_of_a_transfer_an_escalation_and_a_refusal_hold_no_full_number(
        server, rules, client, caplog, fake_webhook):
    caplog.set_level(logging.DEBUG)
    case = await new_case(server, rules, openid="o-f17-logs")
    await act(client, case.case_no, "transfer", TAX,
              {"agency": "hrss", "reason": f"缴费人{PHONE}说是基数问题"})
    await act(client, case.case_no, "escalate", HRSS, {"reason": f"身份证{ID_NUMBER}涉及多部门"})
    await act(client, case.case_no, "note", HRSS, {"txt": f"回电{PHONE}"})
    await act(client, case.case_no, "resolve", HRSS, {"result": "", "note": ID_NUMBER})
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith(("aiosqlite", "sqlalchemy", "asyncpg")))
    assert not unmasked(logged, PHONE) and not unmasked(logged, ID_NUMBER), logged[-2000:]


# === 3. one agency never reads or moves another's case ========================================


@pytest.mark.parametrize("action, body", [
    ("note", {"text": "我来看看"}),
    ("transfer", {"agency": "court", "reason": "转法院强制执行"}),
    ("resolve", {"result": "已办结"}),
], ids=["note", "transfer", "resolve"])
async def test_healthcare_cannot_act_on_a_tax_case(server, rules, client, sm, action, body):
    case = await new_case(server, rules, openid=f"o-f17-iso-{action}", employer="永和五金厂")
    before = await kinds(sm, case)
    status, answer = await act(client, case.case_no, action, HEALTHCARE, body)
    refused(status, answer, 404)
    assert "永和五金厂" not in json.dumps(answer, ensure_ascii=False)
    assert await kinds(sm, case) == before


@pytest.mark.parametrize("headers", [JUSTICE, PETITIONS], ids=["justice", "petitions"])
async def test_the_justice_bureau_and_petitions_office_see_no_tax_case(server, rules, client,
                                                                       headers):
    case = await new_case(server, rules, openid=f"o-f17-see-{headers['Authorization'][-4:]}")
    status, body = await view_as(client, case.case_no, headers)
    refused(status, body, 404)
    assert case.case_no not in await listed(client, headers)


async def test_searching_by_the_employer_finds_nothing_for_another_agency(server, rules,
                                                                          client):
    case = await new_case(server, rules, openid="o-f17-q", employer="福和陶瓷厂")
    assert case.case_no in await listed(client, TAX, "?q=福和陶瓷厂")
    assert case.case_no not in await listed(client, HEALTHCARE, "?q=福和陶瓷厂")
    assert case.case_no not in await listed(client, HEALTHCARE, f"?q={case.case_no}")


async def test_revealing_contact_of_another_agencys_case_is_refused_and_not_logged_as_seen(
        server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f17-reveal")
    status, body = await client.call("GET", f"/api/cases/{case.case_no}?contact=1", HEALTHCARE)
    refused(status, body, 404)
    private(json.dumps(body, ensure_ascii=False))
    assert "contact_viewed" not in await kinds(sm, case)


async def test_a_co_handler_cannot_resolve_and_is_told_who_leads(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f17-co-res", **BASE)
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "resolve", TAX, {"result": "已补缴"})
    refused(status, body, 403, 409)
    assert "人社" in body["message"] or "人力资源" in body["message"], body
    assert await kinds(sm, case) == before


async def test_after_a_transfer_the_first_agency_can_no_longer_resolve(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f17-gone")
    assert (await act(client, case.case_no, "transfer", TAX,
                      {"agency": "hrss", "reason": "属于缴费基数问题"}))[0] == 200
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "resolve", TAX, {"result": "已办"})
    refused(status, body, 403, 404, 409)
    assert await kinds(sm, case) == before


# === 4. transfer ================================================================================


@pytest.mark.parametrize("agency", ["区医疗保障局", " HEALTHCARE "],
                         ids=["full-name", "code-any-case"])
async def test_a_transfer_takes_the_agency_by_code_or_chinese_name(server, rules, client,
                                                                 agency):
    case = await new_case(server, rules, openid=f"o-f17-to-{len(agency)}")
    status, body = await act(client, case.case_no, "transfer", TAX,
                             {"agency": agency, "reason": "属于医保缴费问题"})
    assert status == 200, body
    _, view = await view_as(client, case.case_no)
    assert view["lead_agency"] == "healthcare", view
    assert case.case_no in await listed(client, HEALTHCARE)


async def test_a_transfer_to_the_leadership_office_is_refused_in_favour_of_escalation(
        server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f17-to-office")
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "transfer", TAX,
                             {"agency": "leadership_office", "reason": "我们办不了"})
    refused(status, body, 400, 409)
    assert "escalate" in body["message"] or "上报" in body["message"] \
        or "升级" in body["message"], body
    assert await kinds(sm, case) == before


async def test_the_new_leads_card_says_where_the_case_came_from(server, rules, client,
                                                               fake_webhook):
    case = await new_case(server, rules, openid="o-f17-from", employer="宏达电子厂")
    await act(client, case.case_no, "transfer", TAX,
              {"agency": "healthcare", "reason": "属于医保缴费问题"})
    card = await card_of(fake_webhook, GROUP["healthcare"], case.case_no)
    assert "转" in card and "税务" in card, card
    assert "宏达电子厂" in card and MASKED_PHONE.search(card), card
    private(card)


# === 5. each status change reaches the payer in plain Chinese with the case number ============


async def test_acceptance_tells_the_payer_which_office_took_it_up(server, rules, client, sm,
                                                                 fake_api):
    openid = "o-f17-told-accept"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    assert (await act(client, case.case_no, "accept", TAX))[0] == 200
    told = [t for t in await notices(fake_api, openid, at_least=1) if case.case_no in t]
    assert told and "受理" in told[-1] and "税务" in told[-1], fake_api.texts_to(openid)
    assert not JARGON.search(told[-1].replace(case.case_no, "")), told


async def test_the_result_notice_says_how_to_object(server, rules, client, sm, fake_api):
    """Seed 002 (四)回复反馈: a payer who disagrees may ask again, or use mediation,
    reconsideration, arbitration or a lawsuit; the notice says where to start."""
    openid = "o-f17-object"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    await act(client, case.case_no, "resolve", TAX, {"result": "滞纳金已按规定减免"})
    told = "\n".join(await notices(fake_api, openid, at_least=2))
    assert case.case_no in told and "滞纳金已按规定减免" in told, told
    assert re.search(r"异议|重新办理|不满意", told), told


async def test_payer_notices_carry_no_markdown_or_html(server, rules, client, sm, fake_api):
    openid = "o-f17-plain"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    await act(client, case.case_no, "accept", TAX)
    await act(client, case.case_no, "request-info", TAX, {"text": "请补充2025年1月至6月的工资条"})
    for text in await notices(fake_api, openid, at_least=2):
        assert not re.search(r"\*\*|<font|</?\w+>|\\n|\{\w+\}", text), text


async def test_a_quiet_payer_hears_of_a_transfer_by_template_with_the_case_number(
        server, rules, client, fake_api):
    case = await new_case(server, rules, openid="o-f17-quiet")
    await act(client, case.case_no, "transfer", TAX, {"agency": "hrss", "reason": "基数问题"})
    sent = await fake_api.templates.wait_for(1)
    dumped = json.dumps(sent, ensure_ascii=False)
    assert case.case_no in dumped and "人" in dumped, dumped
    assert "基数问题" not in dumped, dumped


# === 6. bad updates: a clear 4xx, never a 500, never a changed case ============================


@pytest.mark.parametrize("status", ["resolvd", "已完成了"])
async def test_an_unknown_status_filter_is_a_400_in_chinese(server, client, status):
    answer, body = await client.call("GET", f"/api/cases?status={status}", TAX)
    refused(answer, body, 400)


@pytest.mark.parametrize("method", ["PATCH"])
async def test_setting_a_status_directly_is_refused_naming_the_actions(server, rules, client, sm,
                                                                      method):
    case = await new_case(server, rules, openid=f"o-f17-{method}")
    before = await kinds(sm, case)
    status, body = await client.call(method, f"/api/cases/{case.case_no}", TAX,
                                     json={"status": "resolved"})
    refused(status, body, 405)
    assert "resolve" in body["message"], body
    assert await kinds(sm, case) == before


@pytest.mark.parametrize("action", ["status", "close", "archive"])
async def test_an_action_that_does_not_exist_is_a_4xx_naming_those_that_do(server, rules,
                                                                          client, sm, action):
    case = await new_case(server, rules, openid=f"o-f17-no-{action}")
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, action, TAX, {"status": "resolved"})
    refused(status, body, 404, 405)
    assert "resolve" in body["message"] and "transfer" in body["message"], body
    assert await kinds(sm, case) == before


@pytest.mark.parametrize("action, body", [
    ("accept", {}),
    ("transfer", {"agency": "hrss", "reason": "基数问题"}),
    ("escalate", {"reason": "涉及多部门"}),
], ids=["accept", "transfer", "escalate"])
async def test_a_resolved_case_does_not_go_backwards(server, rules, client, sm, action, body):
    case = await new_case(server, rules, openid=f"o-f17-back-{action}")
    assert (await act(client, case.case_no, "resolve", TAX, {"result": "已办结"}))[0] == 200
    before = await kinds(sm, case)
    status, answer = await act(client, case.case_no, action, TAX, body)
    refused(status, answer, 409)
    assert await kinds(sm, case) == before
    _, view = await view_as(client, case.case_no)
    assert view["status"] == "resolved", view


@pytest.mark.parametrize("result", ["   ", "。。。", "👍👍", None],
                         ids=["spaces", "punctuation", "emoji", "null"])
async def test_an_empty_result_is_refused_and_the_case_stays_open(server, rules, client, sm,
                                                                  result):
    case = await new_case(server, rules, openid=f"o-f17-empty-{result!r}")
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "resolve", TAX, {"result": result})
    refused(status, body, 400)
    assert await kinds(sm, case) == before
    _, view = await view_as(client, case.case_no)
    assert view["status"] != "resolved", view


@pytest.mark.parametrize("mangle", [
    lambda no: no.replace("-", "—"),
    lambda no: no[:-1],
    lambda no: no.replace("0", "O"),
], ids=["em-dash", "short", "letter-o"])
async def test_a_mistyped_case_number_changes_nothing_and_says_what_a_number_looks_like(
        server, rules, client, sm, mangle):
    case = await new_case(server, rules, openid="o-f17-typo")
    before = await kinds(sm, case)
    status, body = await act(client, mangle(case.case_no), "resolve", TAX, {"result": "已办"})
    if status == 200:  # only an unambiguous spelling of the same number may be taken
        assert DASHES.sub("", mangle(case.case_no)) == DASHES.sub("", case.case_no), body
        return
    refused(status, body, 400, 404)
    assert "ZY" in body["message"] or "编号" in body["message"], body
    assert await kinds(sm, case) == before


async def test_a_full_width_case_number_reaches_the_same_case_or_is_refused_clearly(
        server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f17-wide")
    other = await new_case(server, rules, openid="o-f17-wide-2")
    other_before = await kinds(sm, other)
    wide = case.case_no.translate(str.maketrans("0123456789-ZY", "０１２３４５６７８９－ＺＹ"))
    status, body = await act(client, wide, "note", TAX, {"text": "全角编号备注"})
    if status == 200:
        _, view = await view_as(client, case.case_no, TAX)
        assert "全角编号备注" in json.dumps(view, ensure_ascii=False), view
    else:
        refused(status, body, 400, 404)
    assert await kinds(sm, other) == other_before


@pytest.mark.parametrize("case_no", ["ZY" + "9" * 3000, "ZY20261127-0001%00"],
                         ids=["huge", "nul"])
async def test_a_nonsense_case_number_is_a_4xx_not_a_500(server, client, case_no):
    status, body = await client.call("GET", f"/api/cases/{case_no}", TAX)
    assert 400 <= status < 500, (status, body)
    status, body = await act(client, case_no, "note", TAX, {"text": "备注"})
    assert 400 <= status < 500, (status, body)


# === 7. major cases escalate as the seeds say ==================================================


MAJOR = {"severity": "major", "severity_reasons": ["涉及30人以上"], "headcount": 45,
         "description": "厂里四十五个工人社保都断了，大家说要一起去上访"}


async def test_a_major_case_reaches_the_office_with_at_all(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f17-major", **MAJOR)
    await card_of(fake_webhook, GROUP["leadership"], case.case_no)
    bodies = json.dumps(fake_webhook.to_key(GROUP["leadership"]), ensure_ascii=False)
    assert "@all" in bodies, bodies


async def test_a_major_card_names_the_level_and_its_reason(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f17-major-card", **MAJOR)
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "重大" in card and "30人以上" in card, card
    private(card)


@pytest.mark.parametrize("severity, due", [
    ("simple", "2026-11-30T10:00"), ("major", "2026-12-18T10:00")])
async def test_each_level_gets_the_time_limit_of_the_config(server, rules, client, severity,
                                                            due):
    case = await new_case(server, rules, openid=f"o-f17-due-{severity}", now=FRIDAY,
                          severity=severity)
    _, view = await view_as(client, case.case_no, TAX)
    assert view["deadline"].startswith(due), view


async def test_an_escalation_reaches_the_co_handlers_group(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f17-esc-co", **BASE)
    await card_of(fake_webhook, GROUP["tax"], case.case_no)
    seen = len(texts(fake_webhook, GROUP["tax"]))
    status, body = await act(client, case.case_no, "escalate", HRSS,
                             {"reason": "单位拒不配合，涉及多部门"})
    assert status == 200, body
    cards = await arrived(fake_webhook, GROUP["tax"], case.case_no, after=seen)
    assert cards and "重大" in cards[-1], texts(fake_webhook, GROUP["tax"])[-2:]


# === 8. the console answers the same way ========================================================


async def console_page(signed_in, who: str, path: str) -> tuple[int, str]:
    browser, _ = await signed_in(who)
    async with browser.get(path, allow_redirects=False) as resp:
        return resp.status, await resp.text()


async def test_the_console_hides_another_agencys_case_like_a_missing_one(server, rules,
                                                                        signed_in):
    case = await new_case(server, rules, openid="o-f17-console-hide", employer="瑞丰包装厂")
    status, page = await console_page(signed_in, "court", f"/console/cases/{case.case_no}")
    assert status == 404 and chinese(page) and "瑞丰包装厂" not in page, (status, page[:400])
    private(page)


@pytest.mark.parametrize("case_no", ["ＺＹ２０２６１１２７－０００１", "ZY2026112-0001"],
                         ids=["full-width", "typo"])
async def test_the_console_answers_an_odd_case_number_in_words(server, signed_in, case_no):
    status, page = await console_page(signed_in, "tax", f"/console/cases/{case_no}")
    assert status in (200, 404) and chinese(page), (status, page[:400])


async def test_the_console_case_page_shows_the_report_form_still_to_fill(server, rules,
                                                                        signed_in):
    case = await new_case(server, rules, openid="o-f17-console-form")
    status, page = await console_page(signed_in, "tax", f"/console/cases/{case.case_no}")
    assert status == 200 and "受理人" in page and "报送意见" in page, page[:400]
