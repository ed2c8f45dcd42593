"""The agency liaison's side, ninth round, written blind: a liaison who gets a pushed card in
the WeCom group and must act on it without calling the payer back. Is everything on the card
(category, severity, deadline, masked phone, what the payer wants, period and amount, how to
act)? Then acting through the API and the terminal: accept, note, request-info in colloquial
words, transfer with an internal reason, escalate, resolve; acting twice and at once; acting
on another agency's case (refused exactly like a case that does not exist); archived and
withdrawn cases; lists filtered with the words liaisons type (Chinese status names, 逾期, a
date, half a case number) and odd pages; bodies of the wrong type, extra fields, huge texts,
control characters, and phone or ID numbers typed into a note (masked in every push and log
line, seed 002 附件: 办理过程中严格保密)."""
from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import utcnow
from routing.deadlines import SHANGHAI, deadline_text
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_liaison_api as api
from tests import test_metrics_logging as logging_tests
from tests.test_cases import ID_NUMBER, PHONE, events, new_case, register
from tests.test_cases_cli import run as run_cli
from tests.test_dialogue import say
from tests.test_followup import file_case
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh5 import cards_for
from tests.test_liaison_fresh7 import active_case, payer_heard, pushes

rules, client, capture = base.rules, api.client, logging_tests.capture

CJK = re.compile(r"[\u4e00-\u9fff]")
SPACED_PHONE = "138 1234 5678"
DASHED_PHONE = "138-1234-5678"
X_ID = "44018319900101123X"
SPACED_ID = "440183 19900101 1234"
CATEGORIES = ["contribution_base", "employer_arrears", "assessed_amount", "refund", "late_fee",
              "payment_record", "system_failure", "service_complaint", "back_payment", "other"]
CO_HANDLED = {"category": "employer_arrears",
              "description": "老板跑路了，厂房都被查封了，社保欠了一年"}  # tax leads, court helps
JOINERS = re.compile(r"[\s\-·~—_.]")


def beijing_day(iso: str) -> str:
    """The day cards and notices show for a deadline: one at midnight is "…24:00" of the day
    before (a case received on a weekend is due at the end of a working day)."""
    return deadline_text(datetime.fromisoformat(iso))[:10]


def unmasked(text: str, secret: str) -> bool:
    """Whether ``secret`` (digits) shows in ``text``, however the digits are spaced."""
    return secret.lower() in JOINERS.sub("", text).lower()


def chinese_refusal(answer: dict, code: str | None = None) -> str:
    assert set(answer) >= {"error", "code", "message"}, answer
    assert CJK.search(answer["message"]), answer
    if code is not None:
        assert answer["code"] == code, answer
    return answer["message"]


async def cli_case(config, rules, openid: str):
    """A case registered in the test database, for ``disputebot case …``."""
    engine = make_engine(config.database_url)
    try:
        return await register(make_sessionmaker(engine), config, rules, openid=openid)
    finally:
        await engine.dispose()


async def kinds(sm, case) -> list[str]:
    return [e.kind for e in await events(sm, case)]


async def settle(seconds: float = 0.6) -> None:
    await asyncio.sleep(seconds)


def url_of(case, action: str = "") -> str:
    return f"/api/cases/{case.case_no}" + (f"/{action}" if action else "")


async def listed(client, query: str, headers=TAX) -> tuple[int, dict]:
    return await client.call("GET", f"/api/cases?{query}", headers)


def numbers(body: dict) -> list[str]:
    return [c["case_no"] for c in body.get("cases", [])]


# === 1. the card alone is enough to act on ====================================================


@pytest.mark.parametrize("category", CATEGORIES)
async def test_each_categorys_card_carries_what_the_liaison_needs(server, rules, client,
                                                                  fake_webhook, category):
    case = await new_case(server, rules, openid=f"o-f9-card-{category}", category=category,
                          desired_outcome="要求单位把欠的社保补上")
    _, shown = await client.call("GET", url_of(case), LEADERSHIP)
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    for needed in (shown["category_label"], shown["severity_label"],
                   beijing_day(shown["deadline"]), "138****5678", "要求单位把欠的社保补上",
                   "2025年1月至6月", "3200", f"/console/cases/{case.case_no}"):
        assert needed in card, (category, needed, card)
    assert not unmasked(card, PHONE) and not unmasked(card, ID_NUMBER), card


async def test_a_major_cards_reason_and_call_to_all_reach_the_leadership_group(
        server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f9-major", severity="major",
                          severity_reasons=["headcount:60", "media"], headcount=60)
    found = [t for t in pushes(fake_webhook, "dev-key-leadership") if case.case_no in t]
    for _ in range(60):
        if len(found) >= 2:
            break
        await asyncio.sleep(0.05)
        found = [t for t in pushes(fake_webhook, "dev-key-leadership") if case.case_no in t]
    joined = "\n".join(found)
    assert "涉及约60人" in joined and "扬言媒体曝光" in joined and "@all" in joined, joined


@pytest.mark.parametrize("typed", [SPACED_PHONE, DASHED_PHONE, "138 1234 5678 打这个",
                                   f"身份证{X_ID}", f"身份证 {SPACED_ID}"],
                         ids=["spaced", "dashed", "trailing", "x-id", "spaced-id"])
async def test_numbers_typed_into_what_the_payer_wants_are_masked_on_the_card(
        server, rules, fake_webhook, typed):
    case = await new_case(server, rules, openid=f"o-f9-want-{typed[:3]}",
                          desired_outcome=f"请回电 {typed} 告诉我结果", description="滞纳金太多了")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "请回电" in card, card
    assert not unmasked(card, PHONE) and not unmasked(card, ID_NUMBER), card
    assert not unmasked(card, X_ID), card


# === 2. acting on the case ====================================================================


async def test_accept_with_the_forms_acceptor_fills_the_report_form(server, rules, client, sm,
                                                                     fake_api):
    case = await active_case(server, rules, sm, "o-f9-accept")
    status, answer = await client.call("POST", url_of(case, "accept"), TAX, json={
        "acceptor": "李红", "acceptor_phone": "020-82751234", "opinion": "先核对滞纳金计算"})
    assert status == 200, answer
    _, view = await client.call("GET", url_of(case), TAX)
    assert view["status"] == "accepted" and view["status_label"] == "办理中", view
    assert "李红" in json.dumps(view["report_form"], ensure_ascii=False), view["report_form"]
    heard = await payer_heard(fake_api, "o-f9-accept", "受理")
    assert any("受理" in t for t in heard), heard


async def test_a_note_stays_inside_and_shows_in_the_history(server, rules, client, sm,
                                                           fake_api):
    case = await active_case(server, rules, sm, "o-f9-note")
    status, answer = await client.call("POST", url_of(case, "note"), TAX,
                                       json={"text": "已电话联系单位财务，周三前回复"})
    assert status == 200, answer
    _, view = await client.call("GET", url_of(case), TAX)
    assert "周三前回复" in json.dumps(view["events"], ensure_ascii=False)
    await settle()
    assert not any("周三前回复" in t for t in fake_api.texts_to("o-f9-note"))


@pytest.mark.parametrize("question", [
    "麻烦把那几个月的工资条拍照发一下哈，劳动合同有的话也发下",
    "你说的单位全称是啥？营业执照上那个名字",
    "能不能发下社保缴费记录截图，支付宝或者粤税通里都能查",
], ids=["payslips", "employer-name", "record-screenshot"])
async def test_a_colloquial_question_reaches_the_payer_word_for_word(server, rules, client, sm,
                                                                    fake_api, question):
    openid = f"o-f9-ask-{abs(hash(question)) % 10000}"
    case = await active_case(server, rules, sm, openid)
    status, answer = await client.call("POST", url_of(case, "request-info"), TAX,
                                       json={"text": question})
    assert status == 200, answer
    heard = await payer_heard(fake_api, openid, question)
    assert any(question in t for t in heard), heard
    _, view = await client.call("GET", url_of(case), TAX)
    assert view["awaiting_info"], view


async def test_a_transfer_tells_the_liaison_its_reason_stays_internal(server, rules, client,
                                                                      sm, fake_api):
    """The payer hears only who handles the case now; the liaison who writes the reason must
    be told the payer never sees it (else they write it as if to the payer)."""
    case = await active_case(server, rules, sm, "o-f9-tr")
    reason = "属缴费基数核定，由人社牵头更合适"
    status, answer = await client.call("POST", url_of(case, "transfer"), TAX,
                                       json={"agency": "人社局", "reason": reason})
    assert status == 200, answer
    said = json.dumps(answer, ensure_ascii=False)
    assert "缴费人" in said and any(w in said for w in ("内部", "不告知", "不发给", "看不到")), said
    heard = await payer_heard(fake_api, "o-f9-tr", "转")
    assert heard and not any(reason in t for t in heard), heard
    _, view = await client.call("GET", url_of(case), HRSS)
    assert view["lead_agency"] == "hrss" and reason in json.dumps(view, ensure_ascii=False)


async def test_the_transfer_action_described_on_the_case_says_the_reason_is_internal(
        server, rules, client):
    case = await new_case(server, rules, openid="o-f9-tr-doc")
    _, view = await client.call("GET", url_of(case), TAX)
    described = json.dumps(view["actions"], ensure_ascii=False)
    assert "transfer" in described, described
    part = described[described.index("transfer"):][:300]
    assert any(w in part for w in ("内部", "不告知", "不发给", "看不到")), part


async def test_the_cli_transfer_says_the_reason_stays_internal(config, rules, capsys):
    case = await cli_case(config, rules, "o-f9-cli-tr")
    assert await run_cli(config, "case", "transfer", case.case_no, "--to", "人社",
                         "--reason", "属基数核定", "--agency", "tax") == 0
    out = capsys.readouterr().out
    assert any(w in out for w in ("内部", "不告知", "不发给", "看不到")), out


async def test_escalating_brings_in_the_leadership_office_with_a_later_deadline(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f9-esc")
    _, before = await client.call("GET", url_of(case), TAX)
    status, answer = await client.call("POST", url_of(case, "escalate"), TAX,
                                       json={"reason": "全厂48名职工同样欠缴，涉及多部门"})
    assert status == 200, answer
    _, after = await client.call("GET", url_of(case), TAX)
    assert after["severity"] == "major" and after["deadline"] > before["deadline"], after
    for _ in range(100):
        if any(case.case_no in t for t in pushes(fake_webhook, "dev-key-leadership")):
            break
        await asyncio.sleep(0.05)
    assert any(case.case_no in t for t in pushes(fake_webhook, "dev-key-leadership"))


async def test_the_result_reaches_the_payer_and_the_case_is_resolved(server, rules, client, sm,
                                                                     fake_api):
    case = await active_case(server, rules, sm, "o-f9-res")
    result = "已核实，滞纳金按规定减免一半，请于12月10日前缴清本金"
    await client.call("POST", url_of(case, "accept"), TAX, json={})
    status, answer = await client.call("POST", url_of(case, "resolve"), TAX,
                                       json={"result": result})
    assert status == 200, answer
    heard = await payer_heard(fake_api, "o-f9-res", result)
    assert any(result in t for t in heard), heard


# === 3. acting twice, and at once =============================================================


@pytest.mark.parametrize(("action", "body", "code"), [
    ("accept", {}, "already_accepted"),
    ("escalate", {"reason": "人数多，需会商"}, "already_major"),
])
async def test_the_same_action_twice_is_refused_in_words(server, rules, client, sm, action,
                                                         body, code):
    case = await new_case(server, rules, openid=f"o-f9-twice-{action}")
    assert (await client.call("POST", url_of(case, action), TAX, json=body))[0] == 200
    before = await kinds(sm, case)
    status, answer = await client.call("POST", url_of(case, action), TAX, json=body)
    assert status == 409, answer
    chinese_refusal(answer, code)
    assert await kinds(sm, case) == before


async def test_resolving_twice_tells_the_payer_once(server, rules, client, sm, fake_api):
    case = await active_case(server, rules, sm, "o-f9-res2")
    body = {"result": "单位已补缴，请在粤税通查询"}
    assert (await client.call("POST", url_of(case, "resolve"), TAX, json=body))[0] == 200
    status, answer = await client.call("POST", url_of(case, "resolve"), TAX, json=body)
    assert status == 409, answer
    chinese_refusal(answer)
    await payer_heard(fake_api, "o-f9-res2", "粤税通")
    await settle()
    assert sum("请在粤税通查询" in t for t in fake_api.texts_to("o-f9-res2")) == 1


async def test_asking_the_same_question_twice_asks_the_payer_once(server, rules, client, sm,
                                                                  fake_api):
    case = await active_case(server, rules, sm, "o-f9-ask2")
    body = {"text": "工资条发一下"}
    for _ in range(2):
        assert (await client.call("POST", url_of(case, "request-info"), TAX, json=body))[0] in (
            200, 409)
    await payer_heard(fake_api, "o-f9-ask2", "工资条发一下")
    await settle()
    assert sum("工资条发一下" in t for t in fake_api.texts_to("o-f9-ask2")) == 1


@pytest.mark.parametrize(("action", "body", "event"), [
    ("accept", {}, "accepted"),
    ("resolve", {"result": "已办结，单位已补缴"}, "resolved"),
    ("escalate", {"reason": "涉及全厂职工"}, "raised_major"),
    ("transfer", {"agency": "hrss", "reason": "属基数核定"}, "transferred"),
])
async def test_two_liaisons_clicking_at_once_act_once(server, rules, client, sm, action, body,
                                                      event):
    case = await new_case(server, rules, openid=f"o-f9-race-{action}")
    results = await asyncio.gather(*(client.call("POST", url_of(case, action), TAX, json=body)
                                     for _ in range(3)))
    statuses = sorted(s for s, _ in results)
    assert statuses[0] == 200 and all(s in (403, 409) for s in statuses[1:]), results
    assert (await kinds(sm, case)).count(event) == 1


async def test_a_transfer_to_the_agency_already_leading_is_refused(server, rules, client):
    case = await new_case(server, rules, openid="o-f9-tr-self")
    assert (await client.call("POST", url_of(case, "transfer"), TAX,
                              json={"agency": "hrss", "reason": "属基数核定"}))[0] == 200
    status, answer = await client.call("POST", url_of(case, "transfer"), HRSS,
                                       json={"agency": "人社", "reason": "再转一次"})
    assert status == 409, answer
    chinese_refusal(answer, "already_leads")


async def test_the_agency_that_transferred_away_cannot_resolve_but_is_told_why(server, rules,
                                                                               client):
    case = await new_case(server, rules, openid="o-f9-tr-gone")
    await client.call("POST", url_of(case, "transfer"), TAX,
                      json={"agency": "hrss", "reason": "属基数核定"})
    status, answer = await client.call("POST", url_of(case, "resolve"), TAX,
                                       json={"result": "已办"})
    assert status == 403, answer
    assert "区人力资源和社会保障局" in chinese_refusal(answer, "forbidden")
    assert (await client.call("POST", url_of(case, "note"), TAX,
                              json={"text": "已把材料交给人社"}))[0] == 200


# === 4. another agency's case: refused as if it did not exist =================================


@pytest.mark.parametrize(("method", "action", "body"), [
    ("GET", "", None), ("POST", "accept", {}), ("POST", "note", {"text": "看看"}),
    ("POST", "request-info", {"text": "发一下工资条"}),
    ("POST", "transfer", {"agency": "court", "reason": "拿过来办"}),
    ("POST", "escalate", {"reason": "提级"}), ("POST", "resolve", {"result": "已办"}),
], ids=["show", "accept", "note", "request-info", "transfer", "escalate", "resolve"])
async def test_another_agencys_case_is_answered_like_a_missing_one(server, rules, client, sm,
                                                                   method, action, body):
    case = await new_case(server, rules, openid=f"o-f9-pry-{action or 'show'}")
    missing = "ZY20000101-0001"
    kw = {} if body is None else {"json": body}
    before = await kinds(sm, case)
    status, answer = await client.call(method, url_of(case, action), HRSS, **kw)
    path = f"/api/cases/{missing}" + (f"/{action}" if action else "")
    status_missing, answer_missing = await client.call(method, path, HRSS, **kw)
    assert status == status_missing == 404, (answer, answer_missing)
    assert json.dumps(answer, ensure_ascii=False).replace(case.case_no, "N") == \
        json.dumps(answer_missing, ensure_ascii=False).replace(missing, "N")
    assert await kinds(sm, case) == before


@pytest.mark.parametrize("typed", ["tail", "lower", "spaced"])
async def test_another_agencys_case_typed_loosely_is_still_missing(server, rules, client, typed):
    """Typed loosely, the answer is the one a missing number typed the same way gets."""
    case = await new_case(server, rules, openid=f"o-f9-pry2-{typed}")
    missing = "ZY20000101-0001"

    def shown(no: str) -> str:
        return {"tail": no[-4:] + "x" if typed == "tail" and no == missing else no[-4:],
                "lower": no.lower(), "spaced": f" {no} "}[typed]
    status, answer = await client.call("GET", f"/api/cases/{shown(case.case_no)}", HRSS)
    assert status == 404, answer
    _, other = await client.call("GET", f"/api/cases/{shown(missing)}", HRSS)
    if typed != "tail":
        assert json.dumps(answer).replace(case.case_no, "N") == \
            json.dumps(other).replace(missing, "N"), (answer, other)
    assert answer["code"] == other["code"] == "not_found"


async def test_searching_for_another_agencys_case_finds_nothing(server, rules, client):
    case = await new_case(server, rules, openid="o-f9-pry-q")
    for q in (case.case_no, case.case_no[-4:], "某某制衣厂", "新塘镇"):
        status, body = await listed(client, f"q={q}", HRSS)
        assert status == 200 and case.case_no not in json.dumps(body), (q, body)


async def test_the_terminal_refuses_another_agencys_case_like_a_missing_one(config, rules,
                                                                            capsys):
    case = await cli_case(config, rules, "o-f9-cli-pry")
    capsys.readouterr()
    assert await run_cli(config, "case", "note", case.case_no, "--text", "看看",
                         "--agency", "court") == 3
    refused = capsys.readouterr().err.strip().replace(case.case_no, "N")
    assert await run_cli(config, "case", "note", "ZY20000101-0009", "--text", "看看",
                         "--agency", "court") == 3
    missing = capsys.readouterr().err.strip().replace("ZY20000101-0009", "N")
    assert refused == missing, (refused, missing)


# === 5. archived and withdrawn cases ==========================================================


async def archived(server, rules, client, openid: str):
    case = await new_case(server, rules, openid=openid)
    await client.call("POST", url_of(case, "accept"), TAX, json={})
    await client.call("POST", url_of(case, "resolve"), TAX, json={"result": "已补缴"})
    services = server.app["services"]
    await Scheduler(services.sessionmaker, server.app["config"]).run_once(
        utcnow() + timedelta(days=30))
    return case


@pytest.mark.parametrize(("action", "body"), [
    ("accept", {}), ("request-info", {"text": "再发下工资条"}),
    ("transfer", {"agency": "hrss", "reason": "属基数核定"}),
    ("escalate", {"reason": "人多"}), ("resolve", {"result": "再办一次"}),
])
async def test_an_archived_case_refuses_every_change_in_words(server, rules, client, sm,
                                                              action, body):
    case = await archived(server, rules, client, f"o-f9-arch-{action}")
    assert "archived" in await kinds(sm, case)
    before = await kinds(sm, case)
    status, answer = await client.call("POST", url_of(case, action), TAX, json=body)
    assert status == 409, answer
    assert "归档" in chinese_refusal(answer, "archived")
    assert await kinds(sm, case) == before


async def test_an_archived_case_offers_no_actions_and_says_it_is_read_only(server, rules,
                                                                           client):
    case = await archived(server, rules, client, "o-f9-arch-view")
    _, view = await client.call("GET", url_of(case), TAX)
    offered = json.dumps(view["actions"], ensure_ascii=False)
    for action in ("accept", "resolve", "transfer", "escalate", "request-info"):
        assert f'"{action}"' not in offered, offered
    assert "归档" in view["next_step"], view["next_step"]


async def test_after_the_payer_withdraws_the_case_says_so_and_how_to_close_it(
        platform, http, bot_server):
    openid = "o-f9-withdraw"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "算了不想弄了，撤回吧")
    async with http.get(bot_server.make_url(f"/api/cases/{case_no}"), headers=TAX) as resp:
        view = await resp.json()
    assert "撤回" in view["next_step"] and ("办结" in view["next_step"]
                                           or "resolve" in view["next_step"]), view["next_step"]
    async with http.get(bot_server.make_url("/api/cases?limit=50"), headers=TAX) as resp:
        body = await resp.json()
    [item] = [c for c in body["cases"] if c["case_no"] == case_no]
    assert "撤回" in json.dumps(item, ensure_ascii=False), item


async def test_a_withdrawn_case_resolved_tells_the_payer_and_cannot_be_asked_again(
        platform, http, bot_server):
    openid = "o-f9-withdraw2"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "不办了，我撤回")
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/resolve"), headers=TAX,
                         json={"result": "按您的申请撤回，不再办理"}) as resp:
        assert resp.status == 200, await resp.text()
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/request-info"),
                         headers=TAX, json={"text": "再发下材料"}) as resp:
        assert resp.status == 409, await resp.text()


# === 6. lists as liaisons filter them =========================================================


async def three_cases(server, rules, client):
    """An accepted case, a resolved one, and an overdue one registered in October."""
    accepted = await new_case(server, rules, openid="o-f9-l-acc")
    await client.call("POST", url_of(accepted, "accept"), TAX, json={})
    resolved = await new_case(server, rules, openid="o-f9-l-res")
    await client.call("POST", url_of(resolved, "resolve"), TAX, json={"result": "已办"})
    overdue = await new_case(server, rules, openid="o-f9-l-old",
                             now=datetime(2026, 10, 9, 2, 0, tzinfo=timezone.utc))
    return accepted, resolved, overdue


@pytest.mark.parametrize(("query", "wanted"), [
    ("status=办理中", "accepted"), ("status=已办结", "resolved"), ("status=ACCEPTED", "accepted"),
    ("status=accepted%20", "accepted"), ("status=%E3%80%80办理中", "accepted"),
    ("overdue=1", "overdue"), ("severity=一般事项", "all"), ("severity=一般", "all"),
    ("category=滞纳金（利息）争议", "all"), ("agency=区税务局", "all"),
], ids=["zh-accepted", "zh-resolved", "upper", "trailing-space", "ideographic-space",
        "overdue", "zh-severity", "zh-severity-short", "zh-category", "agency-name"])
async def test_filters_typed_as_liaisons_type_them(server, rules, client, query, wanted):
    accepted, resolved, overdue = await three_cases(server, rules, client)
    status, body = await listed(client, query)
    assert status == 200, body
    expected = {"accepted": [accepted], "resolved": [resolved], "overdue": [overdue],
                "all": [accepted, resolved, overdue]}[wanted]
    assert sorted(numbers(body)) == sorted(c.case_no for c in expected), (query, body)
    assert body["total"] == len(expected)


async def test_status_overdue_in_chinese_lists_the_overdue_or_says_how(server, rules, client):
    _, _, overdue = await three_cases(server, rules, client)
    status, body = await listed(client, "status=逾期")
    if status == 200:
        assert numbers(body) == [overdue.case_no], body
    else:
        assert status == 400 and "overdue=1" in chinese_refusal(body), body


@pytest.mark.parametrize("query", ["q={half}", "q={half_lower}", "q={date}", "q={tail}",
                                   "q=%20{tail}%20", "q={fullwidth_tail}", "q={dashed_date}",
                                   "q={chinese_date}", "q={month}"],
                         ids=["half", "half-lower", "date", "tail", "spaced-tail",
                              "fullwidth-tail", "dashed-date", "chinese-date", "month"])
async def test_half_a_case_number_or_its_day_finds_it(server, rules, client, query):
    case = await new_case(server, rules, openid="o-f9-half")
    no = case.case_no
    day = no[2:10]
    filled = query.format(half=no[:len(no) // 2 + 1], half_lower=no[:len(no) // 2 + 1].lower(),
                          date=day, tail=no[-4:],
                          fullwidth_tail="".join(chr(ord(c) + 0xFEE0) for c in no[-4:]),
                          dashed_date=f"{day[:4]}-{day[4:6]}-{day[6:]}",
                          chinese_date=f"{day[:4]}年{int(day[4:6])}月{int(day[6:])}日",
                          month=f"{day[:4]}-{day[4:6]}")
    status, body = await listed(client, filled)
    assert status == 200 and no in numbers(body), (filled, body)


@pytest.mark.parametrize("query", ["from=2026-11-01&to=2026-11-30", "date=2026-11",
                                   "created_after=2026-11-01", "since=2026-11-01"])
async def test_a_date_range_parameter_is_refused_naming_what_is_available(server, rules,
                                                                          client, query):
    await three_cases(server, rules, client)
    status, body = await listed(client, query)
    assert status == 400, body
    message = chinese_refusal(body, "unknown_param")
    assert "q" in message and "status" in message, message


async def test_a_date_range_typed_into_the_search_is_not_an_empty_answer(server, rules, client):
    accepted, resolved, _ = await three_cases(server, rules, client)
    today = utcnow().astimezone(SHANGHAI).date()
    span = f"{today - timedelta(days=3):%Y-%m-%d}~{today + timedelta(days=1):%Y-%m-%d}"
    status, body = await listed(client, f"q={span}")
    if status == 200:
        assert sorted(numbers(body)) == sorted([accepted.case_no, resolved.case_no]), body
    else:
        assert status == 400 and chinese_refusal(body), body


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=abc", "limit=1e3",
                                   "limit=10000", "offset=-5", "offset=abc", "limit=5.5",
                                   "overdue=2", "sort=逾期", "sort=desc",
                                   "status=处理中ing", "severity=紧急", "category=社保"],
                         ids=lambda q: q)
async def test_odd_page_and_filter_values_are_a_400_in_words(server, rules, client, query):
    status, body = await listed(client, query)
    assert status == 400, body
    chinese_refusal(body)


async def test_a_page_past_the_end_is_empty_with_the_total(server, rules, client):
    await three_cases(server, rules, client)
    status, body = await listed(client, "limit=2&offset=99999")
    assert status == 200 and body["cases"] == [] and body["total"] == 3, body


async def test_pages_of_one_cover_every_case_once(server, rules, client):
    cases = await three_cases(server, rules, client)
    seen = []
    for offset in range(4):
        _, body = await listed(client, f"limit=1&offset={offset}&sort=oldest")
        seen += numbers(body)
    assert sorted(seen) == sorted(c.case_no for c in cases), seen


@pytest.mark.parametrize("query", ["status=accepted&status=resolved", "status=accepted,resolved",
                                   "status=办理中、已办结"], ids=["repeated", "comma", "dunhao"])
async def test_two_statuses_at_once_are_both_listed_or_refused_never_half(server, rules,
                                                                          client, query):
    accepted, resolved, _ = await three_cases(server, rules, client)
    status, body = await listed(client, query)
    if status == 200:
        assert sorted(numbers(body)) == sorted([accepted.case_no, resolved.case_no]), body
    else:
        assert status == 400, body
        chinese_refusal(body)


async def test_the_terminal_list_takes_a_chinese_status_name(config, rules, capsys):
    case = await cli_case(config, rules, "o-f9-cli-zh")
    assert await run_cli(config, "case", "accept", case.case_no) == 0
    capsys.readouterr()
    assert await run_cli(config, "case", "list", "--status", "办理中") == 0
    assert case.case_no in capsys.readouterr().out


@pytest.mark.parametrize("argv", [("--limit", "0"), ("--offset", "-1"), ("--status", "逾期了"),
                                  ("--sort", "逾期")], ids=lambda a: " ".join(a))
async def test_the_terminal_list_refuses_odd_values_in_one_chinese_line(config, capsys, argv):
    code = await run_cli(config, "case", "list", *argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code in (1, 2) and err and CJK.search(err[-1]) and "Traceback" not in "".join(err)


# === 7. bodies of the wrong shape =============================================================


@pytest.mark.parametrize("value", [123, 12.5, True, ["已联系"], {"text": "已联系"}],
                         ids=["int", "float", "bool", "list", "object"])
async def test_a_note_that_is_not_text_is_refused_in_words(server, rules, client, sm, value):
    case = await new_case(server, rules, openid="o-f9-type")
    status, answer = await client.call("POST", url_of(case, "note"), TAX, json={"text": value})
    assert status == 400, answer
    assert "文字" in chinese_refusal(answer, "text_required")
    assert "noted" not in await kinds(sm, case)


@pytest.mark.parametrize(("action", "body"), [
    ("note", {"text": None}), ("note", {}), ("request-info", {"text": "   \n\t "}),
    ("resolve", {"result": "\u200b\u200b"}), ("transfer", {"agency": "hrss", "reason": ""}),
    ("escalate", {"reason": "\u3000\u3000"}), ("note", {"text": "\ufeff"}),
], ids=["null", "missing", "whitespace", "zero-width", "empty-reason", "ideographic-space",
        "bom"])
async def test_an_empty_text_is_refused_in_words(server, rules, client, sm, action, body):
    case = await new_case(server, rules, openid=f"o-f9-empty-{action}")
    before = await kinds(sm, case)
    status, answer = await client.call("POST", url_of(case, action), TAX, json=body)
    assert status == 400, answer
    chinese_refusal(answer)
    assert await kinds(sm, case) == before


@pytest.mark.parametrize(("action", "body", "field"), [
    ("note", {"text": "已联系", "urgent": True}, "urgent"),
    ("resolve", {"reslut": "已办"}, "reslut"),
    ("transfer", {"agency": "hrss", "reason": "基数", "notify_payer": False}, "notify_payer"),
    ("accept", {"acceptor": "李红", "phone": "020-82751234"}, "phone"),
    ("request-info", {"text": "发工资条", "deadline": "3天"}, "deadline"),
])
async def test_an_extra_field_is_refused_and_changes_nothing(server, rules, client, sm, action,
                                                             body, field):
    case = await new_case(server, rules, openid=f"o-f9-extra-{action}")
    before = await kinds(sm, case)
    status, answer = await client.call("POST", url_of(case, action), TAX, json=body)
    assert status == 400, answer
    assert field in chinese_refusal(answer, "unknown_field")
    assert await kinds(sm, case) == before


@pytest.mark.parametrize("value", [7, None, ["hrss"], "", "社会保险局", "领导小组"],
                         ids=["int", "null", "list", "empty", "unknown", "office"])
async def test_a_transfer_to_an_agency_given_oddly_is_refused_in_words(server, rules, client, sm,
                                                                       value):
    case = await new_case(server, rules, openid="o-f9-agency")
    status, answer = await client.call("POST", url_of(case, "transfer"), TAX,
                                       json={"agency": value, "reason": "属基数核定"})
    assert status == 400, answer
    message = chinese_refusal(answer)
    assert "hrss" in message or "人社" in message, message
    assert "transferred" not in await kinds(sm, case)


@pytest.mark.parametrize(("action", "field", "cap"), [
    ("note", "text", 2000), ("request-info", "text", 500), ("resolve", "result", 500),
    ("transfer", "reason", 2000), ("escalate", "reason", 2000),
])
async def test_texts_at_the_cap_go_through_and_one_over_is_refused_with_the_count(
        server, rules, client, sm, action, field, cap):
    case = await new_case(server, rules, openid=f"o-f9-cap-{action}")
    body = {field: "长" * (cap + 1)}
    if action == "transfer":
        body["agency"] = "hrss"
    status, answer = await client.call("POST", url_of(case, action), TAX, json=body)
    assert status == 400, answer
    assert str(cap + 1) in chinese_refusal(answer), answer
    body[field] = "长" * cap
    status, answer = await client.call("POST", url_of(case, action), TAX, json=body)
    assert status == 200, answer


async def test_a_megabyte_note_is_a_json_refusal_in_words(server, rules, client):
    case = await new_case(server, rules, openid="o-f9-mb")
    status, answer = await client.call("POST", url_of(case, "note"), TAX,
                                       json={"text": "大" * 400_000})
    assert status in (400, 413), answer
    chinese_refusal(answer)


@pytest.mark.parametrize("raw", ["null", "[]", '"已联系"', "{oops", "", "\ufeff{\"text\": \"x\"}"],
                         ids=["null", "array", "string", "broken", "empty", "bom"])
async def test_a_body_that_is_not_an_object_is_refused_in_words(server, rules, client, sm, raw):
    case = await new_case(server, rules, openid="o-f9-raw")
    status, answer = await client.call("POST", url_of(case, "note"), {
        **TAX, "Content-Type": "application/json"}, data=raw.encode())
    if raw.startswith("\ufeff"):
        assert status in (200, 400), answer
        return
    assert status == 400, answer
    chinese_refusal(answer)
    assert "noted" not in await kinds(sm, case)


@pytest.mark.parametrize("text", ["已联系\x00单位", "已联系\x1b[31m单位\x1b[0m", "已联系\x07\x08单位",
                                  "已联系\u202e位单", "已联系\r\n单位\r\n"],
                         ids=["nul", "ansi", "bell", "bidi", "crlf"])
async def test_control_characters_in_a_co_handlers_note_never_reach_the_lead_group(
        server, rules, client, fake_webhook, text):
    case = await new_case(server, rules, openid=f"o-f9-ctl-{abs(hash(text)) % 1000}",
                          **CO_HANDLED)
    status, answer = await client.call("POST", url_of(case, "note"), COURT, json={"text": text})
    if status == 400:
        chinese_refusal(answer)
        return
    assert status == 200, answer
    for _ in range(100):
        found = [t for t in pushes(fake_webhook, "dev-key-zc-tax") if "已联系" in t]
        if found:
            break
        await asyncio.sleep(0.05)
    assert found, pushes(fake_webhook)
    body = json.loads(found[-1])
    content = body.get("markdown", body.get("text", {})).get("content", "")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", content), content


@pytest.mark.parametrize("phone", ["abc", "13", "0" * 40, "020-82751234\n转人工"],
                         ids=["letters", "short", "long", "newline"])
async def test_an_acceptor_phone_that_is_no_phone_is_refused(server, rules, client, sm, phone):
    case = await new_case(server, rules, openid="o-f9-aphone")
    status, answer = await client.call("POST", url_of(case, "accept"), TAX,
                                       json={"acceptor": "李红", "acceptor_phone": phone})
    assert status == 400, answer
    assert chinese_refusal(answer)
    assert answer["code"] in ("bad_phone", "text_too_long"), answer
    assert "accepted" not in await kinds(sm, case)


# === 8. numbers typed into notes, reasons and results: masked in pushes and logs ==============

SECRETS = [(PHONE, PHONE), (SPACED_PHONE, PHONE), (DASHED_PHONE, PHONE), ("+86 13812345678", PHONE),
           ("１３８１２３４５６７８", PHONE), (ID_NUMBER, ID_NUMBER), (X_ID, X_ID),
           (SPACED_ID, ID_NUMBER)]
SECRET_IDS = ["plain", "spaced", "dashed", "plus86", "fullwidth", "id", "x-id", "spaced-id"]


@pytest.mark.parametrize(("typed", "secret"), SECRETS, ids=SECRET_IDS)
async def test_a_number_in_a_co_handlers_note_is_masked_in_the_lead_group(
        server, rules, client, fake_webhook, typed, secret):
    case = await new_case(server, rules, openid="o-f9-sec-note", **CO_HANDLED)
    status, _ = await client.call("POST", url_of(case, "note"), COURT,
                                  json={"text": f"已联系缴费人，号码{typed}，单位称下周补缴"})
    assert status == 200
    for _ in range(100):
        found = [t for t in pushes(fake_webhook, "dev-key-zc-tax") if "单位称下周补缴" in t]
        if found:
            break
        await asyncio.sleep(0.05)
    assert found, pushes(fake_webhook)
    assert not unmasked(found[-1], secret), found[-1]


@pytest.mark.parametrize(("typed", "secret"), SECRETS[:3] + SECRETS[5:7],
                         ids=SECRET_IDS[:3] + SECRET_IDS[5:7])
async def test_a_number_in_a_transfer_reason_is_masked_for_the_new_lead(
        server, rules, client, fake_webhook, typed, secret):
    case = await new_case(server, rules, openid="o-f9-sec-tr")
    status, _ = await client.call("POST", url_of(case, "transfer"), TAX,
                                  json={"agency": "hrss", "reason": f"缴费人{typed}说是基数问题"})
    assert status == 200
    for _ in range(100):
        found = [t for t in pushes(fake_webhook, "dev-key-zc-hrss") if "基数问题" in t]
        if found:
            break
        await asyncio.sleep(0.05)
    assert found, pushes(fake_webhook)
    assert not unmasked(found[-1], secret), found[-1]


@pytest.mark.parametrize(("typed", "secret"), SECRETS[:2] + SECRETS[5:6],
                         ids=SECRET_IDS[:2] + SECRET_IDS[5:6])
async def test_a_number_in_an_escalation_reason_is_masked_for_the_leadership_office(
        server, rules, client, fake_webhook, typed, secret):
    case = await new_case(server, rules, openid="o-f9-sec-esc")
    status, _ = await client.call("POST", url_of(case, "escalate"), TAX,
                                  json={"reason": f"带头人{typed}扬言去市政府"})
    assert status == 200
    for _ in range(100):
        found = [t for t in pushes(fake_webhook) if "扬言去市政府" in t]
        if found:
            break
        await asyncio.sleep(0.05)
    assert found, pushes(fake_webhook)
    assert all(not unmasked(t, secret) for t in found), found


async def test_a_number_in_a_result_is_masked_for_the_group_that_transferred_away(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f9-sec-res")
    await client.call("POST", url_of(case, "transfer"), TAX,
                      json={"agency": "hrss", "reason": "属基数核定"})
    status, _ = await client.call("POST", url_of(case, "resolve"), HRSS,
                                  json={"result": f"已按基数补缴，如有疑问回电{SPACED_PHONE}"})
    assert status == 200
    await settle(1.0)
    for text in pushes(fake_webhook):
        assert not unmasked(text, PHONE), text


async def test_numbers_in_every_action_stay_out_of_the_logs(server, rules, client, capture):
    read, _ = capture
    case = await new_case(server, rules, openid="o-f9-log", **CO_HANDLED)
    url = url_of(case)
    await client.call("POST", f"{url}/note", COURT, json={"text": f"回电{DASHED_PHONE}"})
    await client.call("POST", f"{url}/accept", TAX, json={"acceptor": "李红",
                                                          "acceptor_phone": "020-82751234",
                                                          "opinion": f"身份证{SPACED_ID}"})
    await client.call("POST", f"{url}/request-info", TAX, json={"text": f"是不是{X_ID}？"})
    await client.call("POST", f"{url}/escalate", TAX, json={"reason": f"带头人{PHONE}"})
    await client.call("POST", f"{url}/note", TAX, json={"text": "\x00" + PHONE, "x": 1})
    await client.call("POST", f"{url}/resolve", TAX, json={"result": f"回电{SPACED_PHONE}"})
    await settle(1.0)
    for line in read():
        text = json.dumps(line, ensure_ascii=False)
        for secret in (PHONE, ID_NUMBER, X_ID):
            assert not unmasked(text, secret), text


async def test_a_phone_in_a_terminal_note_is_not_echoed_raw(config, rules, capsys):
    case = await cli_case(config, rules, "o-f9-cli-sec")
    capsys.readouterr()
    assert await run_cli(config, "case", "note", case.case_no, "--text",
                         f"\x1b[2J回电{SPACED_PHONE}") in (0, 1)
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
