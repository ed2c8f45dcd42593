"""The agency liaison's side, fifteenth round, written blind: a liaison who must act on a case
pushed to the WeCom group without calling anyone back (seed 002 附件 报送单; seed 004 首问责任制;
seeds 001/003 简易、一般、重大疑难事项 and their time limits). Probed with cases not used in
rounds 1-14: the card carries category, period, amount with its unit, place, deadline, triage
level and the next step, and nothing private beyond the masked phone; another agency's case is
refused without revealing anything; a double submission (the same result twice, two liaisons
at once, two escalations) has one effect and one payer notice; a result holding a phone or ID
number reaches the payer masked; a request for information and the payer's answer reach the
group and the case; a general case escalated to major shows the major deadline, counted in
working days over a weekend; the payer hears of every status change exactly once, in plain
Chinese without internal jargon; the console escapes HTML the payer typed, and the API answers
bad JSON or wrong types with 400 and a Chinese message."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime

import pytest

import tests.test_console as console_tests
from routing.deadlines import SHANGHAI
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import ID_NUMBER, PHONE, events, new_case, set_last_message
from tests.test_console import stored
from tests.test_dialogue import say
from tests.test_followup import file_case
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh10 import GROUP, MASKED_PHONE, arrived, texts
from tests.test_liaison_fresh14 import HEALTHCARE, act, chinese, private

rules, client, engine, sm = base.rules, api.client, base.engine, base.sm
signed_in = console_tests.signed_in

TOKENS = {"tax": TAX, "hrss": HRSS, "healthcare": HEALTHCARE, "court": COURT,
          "leadership": LEADERSHIP}
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
SATURDAY = datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)
JARGON = re.compile(r"\b(accepted|info_requested|resolved|escalat\w*|severity|major|general|"
                    r"lead_agency|hrss|tax|status|case_no|None|null)\b", re.IGNORECASE)
XSS = '<script>alert("x")</script>'
IMG = '<img src=x onerror=alert(1)>'


async def raw(http, server, case_no: str, action: str, data, content_type="application/json"):
    async with http.post(server.make_url(f"/api/cases/{case_no}/{action}"),
                         headers={**TAX, "Content-Type": content_type}, data=data) as resp:
        return resp.status, await resp.json(content_type=None)


async def view_of(client, case_no: str) -> dict:
    status, view = await client.call("GET", f"/api/cases/{case_no}", LEADERSHIP)
    assert status == 200, view
    return view


async def kinds(sm, case) -> list[str]:
    return [e.kind for e in await events(sm, case)]


async def card_of(fake_webhook, key: str, case_no: str) -> str:
    cards = await arrived(fake_webhook, key, case_no)
    assert cards, texts(fake_webhook, key)[-3:]
    return cards[0]


async def notices(fake_api, openid: str, settle: float = 0.6, at_least: int = 0,
                  after: int = 0) -> list[str]:
    """The payer's notices once ``at_least`` more than ``after`` have come (a loaded machine
    may take seconds), then ``settle`` seconds more for any that should not come."""
    deadline = asyncio.get_running_loop().time() + 15
    while (len(fake_api.texts_to(openid)) < after + at_least
           and asyncio.get_running_loop().time() < deadline):
        await asyncio.sleep(0.05)
    await asyncio.sleep(settle)
    return fake_api.texts_to(openid)


async def fresh_payer(sm, openid: str) -> None:
    await set_last_message(sm, openid, datetime.now().astimezone())


# === 1. the card has what is needed to act, and nothing private ================================


async def test_the_card_names_category_period_amount_with_its_unit_and_place(server, rules,
                                                                             fake_webhook):
    case = await new_case(server, rules, openid="o-f15-card", period="2024年3月至12月",
                          amount=4870, jurisdiction="永宁街", employer="广利五金加工店")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "滞纳金" in card, card
    assert "2024年3月至12月" in card, card
    assert re.search(r"4,?870(\.00)?\s*元", card), card
    assert "永宁街" in card and "广利五金加工店" in card, card


async def test_the_card_shows_the_deadline_as_a_date_and_time(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f15-card-dl", now=FRIDAY)
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "2026-12-04 10:00" in card, card  # general: five working days from Friday


async def test_the_card_shows_the_triage_level_in_chinese(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f15-card-lvl", severity="simple")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert re.search(r"等级：简易", card), card


async def test_the_card_says_what_to_do_next_and_where(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f15-card-next")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "受理" in card, card
    assert f"/console/cases/{case.case_no}" in card, card


async def test_the_card_carries_the_masked_phone_and_no_id_number(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f15-card-priv",
                          description=f"公司不给交社保，身份证{ID_NUMBER}，手机{PHONE}")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert MASKED_PHONE.search(card), card
    private(card)


async def test_a_co_handlers_card_also_has_amount_and_deadline(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f15-card-co", category="contribution_base",
                          amount=1250, now=FRIDAY)
    for key in (GROUP["hrss"], GROUP["tax"]):
        card = await card_of(fake_webhook, key, case.case_no)
        assert re.search(r"1,?250(\.00)?\s*元", card), (key, card)
        assert "2026-12-04" in card, (key, card)
        private(card)


# === 2. another agency's case ===================================================================


@pytest.mark.parametrize("action, body", [
    ("accept", {}), ("resolve", {"result": "已办结"}), ("transfer", {"agency": "hrss", "reason": "不归我"}),
    ("escalate", {"reason": "重大"}), ("request-info", {"text": "请补充工资条"}),
    ("note", {"text": "看一下"}),
], ids=["accept", "resolve", "transfer", "escalate", "request-info", "note"])
async def test_acting_on_another_agencys_case_is_refused_revealing_nothing(
        server, rules, client, sm, action, body):
    case = await new_case(server, rules, openid=f"o-f15-other-{action}",
                          employer="金辉塑胶制品厂")
    before, was = await kinds(sm, case), (await stored(sm, case)).status
    status, answer = await act(client, case.case_no, action, HEALTHCARE, body)
    assert status == 404, (status, answer)
    assert chinese(answer), answer
    dumped = str(answer)
    for secret in ("金辉塑胶", "张三", "新塘镇", "滞纳金", PHONE[-4:]):
        assert secret not in dumped, (secret, answer)
    assert await kinds(sm, case) == before
    assert (await stored(sm, case)).status == was


async def test_another_agencys_case_and_a_missing_case_answer_alike(server, rules, client):
    case = await new_case(server, rules, openid="o-f15-other-same")
    status1, one = await act(client, case.case_no, "accept", COURT)
    status2, two = await act(client, "ZY20261127-9999", "accept", COURT)
    assert status1 == status2 == 404
    assert one.get("message", "").replace(case.case_no, "#") == \
        two.get("message", "").replace("ZY20261127-9999", "#"), (one, two)


# === 3. double submissions ======================================================================


async def test_the_same_result_sent_twice_closes_once_and_tells_the_payer_once(
        server, rules, client, sm, fake_api):
    openid = "o-f15-res2"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    body = {"result": "经核实，滞纳金已按规定减免（办结件）"}
    assert (await act(client, case.case_no, "resolve", TAX, body))[0] == 200
    status, answer = await act(client, case.case_no, "resolve", TAX, body)
    assert status in (200, 409), (status, answer)
    if status == 409:
        assert chinese(answer), answer
    assert (await kinds(sm, case)).count("resolved") == 1
    told = [t for t in await notices(fake_api, openid, at_least=1) if "办结件" in t]
    assert len(told) == 1, told


async def test_two_liaisons_resolving_at_once_close_once_and_tell_the_payer_once(
        server, rules, client, sm, fake_api):
    openid = "o-f15-res-race"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    results = await asyncio.gather(
        act(client, case.case_no, "resolve", TAX, {"result": "甲：已补缴（甲件）"}),
        act(client, case.case_no, "resolve", TAX, {"result": "乙：已补缴（乙件）"}))
    assert sorted(r[0] for r in results) in ([200, 409], [200, 200]), results
    assert (await kinds(sm, case)).count("resolved") == 1
    told = [t for t in await notices(fake_api, openid, at_least=1) if "件）" in t]
    assert len(told) == 1, told


async def test_a_double_escalation_reaches_the_office_once(server, rules, client, sm,
                                                           fake_webhook):
    case = await new_case(server, rules, openid="o-f15-esc2")
    body = {"reason": "涉及全厂四十余人（双击件）"}
    results = await asyncio.gather(act(client, case.case_no, "escalate", TAX, body),
                                   act(client, case.case_no, "escalate", TAX, body))
    assert 200 in [r[0] for r in results], results
    assert (await kinds(sm, case)).count("raised_major") == 1
    await arrived(fake_webhook, GROUP["leadership"], case.case_no)
    office = [t for t in texts(fake_webhook, GROUP["leadership"]) if case.case_no in t]
    assert len([t for t in office if "双击件" in t]) <= 1, office


async def test_a_second_resolve_after_the_first_leaves_the_first_result(server, rules, client,
                                                                        sm):
    case = await new_case(server, rules, openid="o-f15-res-keep")
    assert (await act(client, case.case_no, "resolve", TAX, {"result": "第一次结果"}))[0] == 200
    await act(client, case.case_no, "resolve", TAX, {"result": "第二次结果"})
    view = await view_of(client, case.case_no)
    assert "第一次结果" in str(view) and "第二次结果" not in str(view), view


# === 4. numbers in a result =====================================================================


@pytest.mark.parametrize("typed", ["138 1234 5678", "138-1234-5678", "+86 13812345678"],
                         ids=["spaces", "dashes", "plus86"])
async def test_a_phone_in_a_result_reaches_the_payer_masked(server, rules, client, sm, fake_api,
                                                            typed):
    openid = f"o-f15-resph-{len(typed)}"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    status, _ = await act(client, case.case_no, "resolve", TAX,
                          {"result": f"已联系单位，单位会计电话{typed}（号码件）"})
    assert status == 200
    told = [t for t in await notices(fake_api, openid, at_least=1) if "号码件" in t]
    assert told, fake_api.texts_to(openid)
    private(told[0])


async def test_an_id_number_ending_in_x_in_a_result_reaches_the_payer_masked(
        server, rules, client, sm, fake_api):
    openid = "o-f15-resid"
    odd = "44018319851231002X"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    status, _ = await act(client, case.case_no, "resolve", TAX,
                          {"result": f"身份证{odd.lower()}名下已补缴（证号件）"})
    assert status == 200
    told = [t for t in await notices(fake_api, openid, at_least=1) if "证号件" in t]
    assert told, fake_api.texts_to(openid)
    private(told[0], odd)


async def test_the_result_card_in_the_group_is_masked_too(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f15-rescard")
    n = len(texts(fake_webhook, GROUP["tax"]))
    await act(client, case.case_no, "resolve", TAX,
              {"result": f"已回复{PHONE}，身份证{ID_NUMBER}（结果卡）"})
    cards = await arrived(fake_webhook, GROUP["tax"], case.case_no, n)
    for card in cards:
        private(card)


# === 5. request-info and the payer's answer =====================================================


async def test_the_payers_answer_to_a_request_reaches_the_lead_group(platform, server, client,
                                                                     fake_webhook):
    openid = "o-f15-answer"
    case_no = await file_case(platform, openid)
    view = await view_of(client, case_no)
    lead = view["lead_agency"]
    assert (await act(client, case_no, "request-info", TOKENS[lead],
                      {"text": "请补充入职时间"}))[0] == 200
    n = len(texts(fake_webhook, GROUP[lead]))
    await say(platform, openid, f"{case_no} 补充：我是2023年5月入职的，一直没给买")
    cards = await arrived(fake_webhook, GROUP[lead], "2023年5月入职", n)
    assert cards and case_no in cards[0], texts(fake_webhook, GROUP[lead])[n:]
    private(cards[0])


async def test_the_payers_answer_is_recorded_on_the_case(platform, server, client):
    openid = "o-f15-answer-rec"
    case_no = await file_case(platform, openid)
    lead = (await view_of(client, case_no))["lead_agency"]
    await act(client, case_no, "request-info", TOKENS[lead], {"text": "请补充工资条"})
    await say(platform, openid, f"{case_no} 补充：工资条在手机里，每月4500")
    await asyncio.sleep(0.3)
    view = await view_of(client, case_no)
    assert "每月4500" in str(view), view["events"][-3:]


async def test_the_payers_answer_without_a_case_number_still_reaches_the_asking_case(
        platform, server, client, fake_webhook):
    """A payer asked for something answers in the chat, without retyping the number."""
    openid = "o-f15-answer-bare"
    case_no = await file_case(platform, openid)
    lead = (await view_of(client, case_no))["lead_agency"]
    await act(client, case_no, "request-info", TOKENS[lead], {"text": "请说明单位地址"})
    n = len(texts(fake_webhook, GROUP[lead]))
    await say(platform, openid, "补充一下 单位在新塘镇工业大道38号")
    cards = await arrived(fake_webhook, GROUP[lead], "工业大道38号", n)
    assert cards and case_no in cards[0], texts(fake_webhook, GROUP[lead])[n:]


async def test_a_request_for_information_tells_the_payer_how_to_answer(server, rules, client,
                                                                       sm, fake_api):
    openid = "o-f15-ask-how"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    await act(client, case.case_no, "request-info", TAX, {"text": "请补充社保缴费清单"})
    told = [t for t in await notices(fake_api, openid, at_least=1) if "缴费清单" in t]
    assert len(told) == 1, fake_api.texts_to(openid)
    assert "回复" in told[0] or "发送" in told[0], told[0]


# === 6. escalation and deadlines ================================================================


async def test_an_escalated_general_case_gets_the_major_deadline_from_registration(
        server, rules, client):
    case = await new_case(server, rules, openid="o-f15-esc-dl", now=FRIDAY)
    status, body = await act(client, case.case_no, "escalate", TAX,
                             {"reason": "涉及多个部门的政策口径"})
    assert status == 200 and body["severity"] == "major", body
    assert body["deadline"].startswith("2026-12-18T10:00"), body["deadline"]


async def test_the_payer_hears_of_the_escalation_with_the_new_date(server, rules, client, sm,
                                                                   fake_api):
    openid = "o-f15-esc-payer"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid, now=FRIDAY)
    await act(client, case.case_no, "escalate", TAX, {"reason": "涉及多个部门"})
    told = [t for t in await notices(fake_api, openid, at_least=1) if case.case_no in t]
    assert len(told) == 1, fake_api.texts_to(openid)
    assert "12月18日" in told[0] and not JARGON.search(told[0].replace(case.case_no, "")), told


async def test_the_escalation_card_shows_the_new_deadline(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f15-esc-card", now=FRIDAY)
    n = len(texts(fake_webhook, GROUP["leadership"]))
    await act(client, case.case_no, "escalate", TAX, {"reason": "群体性争议"})
    cards = await arrived(fake_webhook, GROUP["leadership"], case.case_no, n)
    assert cards and any("2026-12-18 10:00" in c for c in cards), cards


@pytest.mark.parametrize("severity, due", [
    ("simple", "2026-12-01T00:00"),   # received Saturday: counts from Monday, end of Monday
    ("general", "2026-12-05T00:00"),  # Monday to Friday, end of Friday
    ("major", "2026-12-19T00:00"),    # fifteen working days from Monday
])
async def test_a_case_received_on_a_saturday_counts_working_days_from_monday(
        server, rules, client, severity, due):
    case = await new_case(server, rules, openid=f"o-f15-sat-{severity}", now=SATURDAY,
                          severity=severity)
    deadline = (await view_of(client, case.case_no))["deadline"]
    assert deadline.startswith(due), deadline


async def test_a_general_case_received_friday_morning_runs_over_the_weekend(server, rules,
                                                                           client):
    case = await new_case(server, rules, openid="o-f15-fri", now=FRIDAY)
    assert (await view_of(client, case.case_no))["deadline"].startswith("2026-12-04T10:00")


# === 7. the payer hears every status change once, in plain Chinese ===============================


@pytest.mark.parametrize("action, body, needle", [
    ("accept", {}, None),
    ("request-info", {"text": "请补充劳动合同（请求件）"}, "请求件"),
    ("resolve", {"result": "已责令单位补缴（结果件）"}, "结果件"),
    ("transfer", {"agency": "hrss", "reason": "属于缴费基数问题"}, None),
], ids=["accept", "request-info", "resolve", "transfer"])
async def test_each_status_change_reaches_the_payer_once_in_plain_chinese(
        server, rules, client, sm, fake_api, action, body, needle):
    openid = f"o-f15-notice-{action}"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    before = len(fake_api.texts_to(openid))
    status, answer = await act(client, case.case_no, action, TAX, body)
    assert status == 200, answer
    new = [t for t in (await notices(fake_api, openid, at_least=1, after=before))[before:]
           if "评价" not in t]
    assert len(new) == 1, new  # the invitation to rate after a result is not a status notice
    text = new[0]
    assert case.case_no in text and chinese(text), text
    assert not JARGON.search(text.replace(case.case_no, "")), text
    if needle:
        assert needle in text, text
    private(text)


async def test_an_internal_note_is_not_sent_to_the_payer(server, rules, client, sm, fake_api):
    openid = "o-f15-note"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    before = len(fake_api.texts_to(openid))
    assert (await act(client, case.case_no, "note", TAX, {"text": "内部：已电话单位"}))[0] == 200
    assert (await notices(fake_api, openid))[before:] == []


async def test_a_transfer_notice_names_the_new_agency_not_the_reason(server, rules, client, sm,
                                                                     fake_api):
    openid = "o-f15-notice-tr"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    await act(client, case.case_no, "transfer", TAX, {"agency": "hrss", "reason": "内部理由XYZ"})
    new = [t for t in await notices(fake_api, openid, at_least=1) if case.case_no in t]
    assert new and ("人力资源和社会保障局" in new[-1] or "人社" in new[-1]), new
    assert "内部理由XYZ" not in new[-1], new


# === 8. the console escapes payer text ==========================================================


async def test_the_console_case_page_escapes_html_the_payer_typed(server, rules, signed_in):
    case = await new_case(server, rules, openid="o-f15-xss", description=f"老板说{XSS}不交",
                          employer=f"坏厂{IMG}")
    tax, _ = await signed_in("tax")
    async with tax.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert resp.status == 200
    assert XSS not in page and IMG not in page
    assert "&lt;script&gt;" in page, page[:500]


async def test_the_console_list_escapes_html_in_the_employer(server, rules, signed_in):
    await new_case(server, rules, openid="o-f15-xss-list", employer=f"坏厂{IMG}")
    tax, _ = await signed_in("tax")
    async with tax.get("/console/cases") as resp:
        page = await resp.text()
    assert IMG not in page


async def test_the_console_escapes_a_payers_supplement(platform, server, client, signed_in):
    openid = "o-f15-xss-supp"
    case_no = await file_case(platform, openid)
    lead = (await view_of(client, case_no))["lead_agency"]
    await say(platform, openid, f"{case_no} 补充：{XSS}")
    await asyncio.sleep(0.3)
    browser, _ = await signed_in(lead)
    async with browser.get(f"/console/cases/{case_no}") as resp:
        page = await resp.text()
    assert XSS not in page


# === 9. bad JSON and wrong types ================================================================


@pytest.mark.parametrize("data", ["{result: 已办}", "", "null", "[\"已办\"]", "\"已办\""],
                         ids=["broken", "empty", "null", "array", "string"])
async def test_a_body_that_is_not_a_json_object_is_a_400_in_chinese(server, rules, http, sm,
                                                                   data):
    case = await new_case(server, rules, openid=f"o-f15-bad-{len(data)}")
    was = (await stored(sm, case)).status
    status, answer = await raw(http, server, case.case_no, "resolve", data.encode())
    assert status == 400 and chinese(answer), (status, answer)
    assert (await stored(sm, case)).status == was


@pytest.mark.parametrize("action, body", [
    ("resolve", {"result": 123}), ("resolve", {"result": ["已办"]}),
    ("request-info", {"text": {"a": 1}}), ("escalate", {"reason": None}),
    ("transfer", {"agency": ["hrss"], "reason": "x理由"}), ("note", {"text": True}),
], ids=["result-int", "result-list", "text-dict", "reason-null", "to-list", "note-bool"])
async def test_a_field_of_the_wrong_type_is_a_400_naming_the_field(server, rules, client, sm,
                                                                  action, body):
    case = await new_case(server, rules, openid=f"o-f15-type-{action}-{len(str(body))}")
    before = await kinds(sm, case)
    status, answer = await act(client, case.case_no, action, TAX, body)
    assert status == 400 and chinese(answer), (status, answer)
    assert await kinds(sm, case) == before


async def test_a_non_json_content_type_is_a_400_not_a_500(server, rules, http):
    case = await new_case(server, rules, openid="o-f15-ctype")
    status, answer = await raw(http, server, case.case_no, "resolve", "result=已办".encode(),
                               content_type="application/x-www-form-urlencoded")
    assert status in (400, 415) and chinese(answer), (status, answer)
