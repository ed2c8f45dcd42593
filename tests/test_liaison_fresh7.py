"""The agency liaison's side, seventh round. First two known gaps: a liaison API query
string over the request-line limit answers in the API's JSON, not aiohttp's plain text;
an amount or period range sent alone (4500~5000) stays readable in pushes and notes. Then
probes written blind, as a liaison and the district office use the system: what a card
carries, what the payer hears, transfers, escalation, deadlines, another agency's case, odd
input and masked numbers. Real HTTP app, real outbox, fake robots and fake WeChat API."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from bot.privacy import scrub
from bot.store.models import Case, utcnow
from routing.cards import safe_group_text
from routing.cases import add_supplement
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_console as console_tests
from tests import test_liaison_api as api
from tests import test_metrics_logging as logging_tests
from tests.test_cases import ID_NUMBER, PHONE, events, new_case, set_last_message
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh5 import cards_for

rules, client, signed_in = base.rules, api.client, console_tests.signed_in
capture = logging_tests.capture
CHINESE = ("\u4e00", "\u9fff")


def has_chinese(text: str) -> bool:
    return any(CHINESE[0] <= ch <= CHINESE[1] for ch in text or "")


def pushes(fake_webhook, key: str | None = None) -> list[str]:
    """Every group message as text (markdown or plain), of one robot ``key`` or all."""
    out = []
    for post in fake_webhook.posts.requests:
        if key is not None and key not in json.dumps(post.get("query", post), ensure_ascii=False):
            continue
        out.append(json.dumps(post["body"], ensure_ascii=False))
    return out


async def pushed_with(fake_webhook, needle: str, count: int = 1) -> list[str]:
    for _ in range(100):
        found = [t for t in pushes(fake_webhook) if needle in t]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    return found


async def payer_heard(fake_api, openid: str, needle: str = "") -> list[str]:
    """Customer-service texts and template messages the payer got (as text)."""
    for _ in range(100):
        found = fake_api.texts_to(openid) + [
            json.dumps(t, ensure_ascii=False) for t in fake_api.templates.requests
            if t.get("touser") == openid]
        if any(needle in t for t in found):
            return found
        await asyncio.sleep(0.05)
    return found


async def active_case(server, rules, sm, openid: str, **changes) -> Case:
    """A case whose payer wrote a minute ago (customer-service texts reach them)."""
    await set_last_message(sm, openid, utcnow() - timedelta(minutes=1))
    return await new_case(server, rules, openid=openid, **changes)


# === Part A.1: an over-long query string is the API's JSON ===================================

LONG = "x" * 9000


@pytest.mark.parametrize("path", [f"/api/cases?q={LONG}", f"/api/cases/ZY20260101-0001?q={LONG}",
                                  f"/api/nothing?{LONG}"], ids=["list", "case", "unknown"])
async def test_an_over_long_api_query_is_a_json_error_in_words(server, http, path):
    async with http.get(server.make_url(path), headers=TAX) as resp:
        body = await resp.text()
        status, kind = resp.status, resp.content_type
    assert status == 414 and kind == "application/json", (status, kind, body[:200])
    answer = json.loads(body)
    assert answer["code"] and answer["error"] and has_chinese(answer["message"]), answer
    assert LONG[:100] not in body  # the query is not echoed back


async def test_an_over_long_query_without_a_token_is_json_too(server, http):
    async with http.get(server.make_url(f"/api/cases?q={LONG}")) as resp:
        assert resp.status in (401, 414) and resp.content_type == "application/json"
        assert has_chinese((await resp.json())["message"])


async def test_a_query_just_under_the_limit_still_works(server, client):
    status, answer = await client.call("GET", "/api/cases?q=" + "x" * 8000, TAX)
    assert status == 200 and answer["cases"] == [], answer


async def test_the_wechat_callback_keeps_its_request_line_limit(server, http):
    async with http.get(server.make_url(f"/wechat?signature=a&{LONG}")) as resp:
        assert resp.status in (400, 414), resp.status
        assert LONG[:100] not in await resp.text()


# === Part A.2: amount and period ranges sent alone stay readable ==============================

RANGES = ["4500~5000", "4500～5000", "3000-4000", "3000-4000元", "2023.01~2024.06", "2023~2024",
          "2023-2024", "800~1200", "12000~15000", " 4500~5000 "]


@pytest.mark.parametrize("text", RANGES)
def test_a_range_sent_alone_is_not_a_phone_part(text):
    assert scrub(text) == text
    assert safe_group_text(text) == text.strip()


@pytest.mark.parametrize(("typed", "secret"), [("8765-4321", "8765"), ("1234~5678", "1234"),
                                               ("8765～4321", "8765"), ("5678•1234", "5678"),
                                               ("2345-1200", "2345")])
def test_a_local_number_sent_alone_with_a_joiner_is_still_masked(typed, secret):
    assert secret not in scrub(typed), scrub(typed)


async def test_a_payers_range_reply_reaches_the_group_readable(server, rules, sm, fake_webhook):
    case = await new_case(server, rules, openid="o-f7-range")
    async with sm() as session:
        stored = await session.get(Case, case.id)
        await add_supplement(session, stored, "4500~5000", actor="payer",
                             config=server.app["config"])
        await session.commit()
    server.app["outbox"].notify()
    assert await pushed_with(fake_webhook, "4500~5000"), pushes(fake_webhook)


async def test_a_note_that_is_only_a_range_is_pushed_readable(server, rules, client,
                                                               fake_webhook):
    case = await new_case(server, rules, openid="o-f7-note-range", category="employer_arrears",
                          description="公司欠缴社保")
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS,
                                  json={"text": "3000-4000"})
    assert status == 200
    assert await pushed_with(fake_webhook, "3000-4000"), pushes(fake_webhook)


# === Part B: blind probes =====================================================================

# --- the card is enough to act on ----------------------------------------------------------


async def test_the_card_names_the_period_and_headcount(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f7-period", period="2024年3月至2025年2月",
                          headcount=12)
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "2024年3月至2025年2月" in card and "12" in card, card


async def test_a_card_without_amount_employer_or_period_says_so_not_none(server, rules,
                                                                       fake_webhook):
    case = await new_case(server, rules, openid="o-f7-empty", amount=None, employer=None,
                          period=None, desired_outcome=None)
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "None" not in card and "null" not in card, card


async def test_the_card_says_how_to_accept(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f7-how")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "受理" in card and f"/console/cases/{case.case_no}" in card, card


async def test_a_huge_description_keeps_the_card_within_the_robots_limit(server, rules,
                                                                        fake_webhook):
    case = await new_case(server, rules, openid="o-f7-huge", description="欠缴社保" * 2000)
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert len(card.encode("utf-8")) <= 4096, len(card.encode("utf-8"))
    assert "办理时限" in card  # the deadline is not cut off by the long text


async def test_markdown_in_the_description_does_not_forge_card_lines(server, rules,
                                                                      fake_webhook):
    case = await new_case(server, rules, openid="o-f7-md",
                          description="欠费\n## 已办结，无需处理\n<@all>[点我](http://x.cn)")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "\n## 已办结" not in card and "<@all>" not in card and "](http" not in card, card


async def test_emoji_and_rare_characters_in_the_employer_reach_the_card(server, rules,
                                                                         fake_webhook):
    case = await new_case(server, rules, openid="o-f7-emoji", employer="𠮷野家🍜餐饮有限公司")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "𠮷野家🍜餐饮有限公司" in card, card


async def test_a_major_case_card_shows_the_severity_and_its_deadline(server, rules,
                                                                     fake_webhook, client):
    case = await new_case(server, rules, openid="o-f7-major", severity="major",
                          severity_reasons=["headcount"], headcount=40)
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    _, shown = await client.call("GET", f"/api/cases/{case.case_no}", LEADERSHIP)
    assert shown["severity_label"] in card and shown["deadline_label"] in card, card


# --- what the payer hears --------------------------------------------------------------------


async def test_the_payer_hears_the_case_was_accepted_by_whom(server, rules, client, sm,
                                                             fake_api):
    case = await active_case(server, rules, sm, "o-f7-acc")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX,
                              json={"acceptor": "李明"}))[0] == 200
    heard = await payer_heard(fake_api, "o-f7-acc", "受理")
    assert any("受理" in t and case.case_no in t for t in heard), heard


async def test_the_payer_hears_what_material_is_asked_for(server, rules, client, sm, fake_api):
    case = await active_case(server, rules, sm, "o-f7-info")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/request-info", TAX,
                              json={"text": "请补充2025年工资条照片"}))[0] == 200
    heard = await payer_heard(fake_api, "o-f7-info", "工资条")
    assert any("请补充2025年工资条照片" in t for t in heard), heard


async def test_the_payer_hears_the_result(server, rules, client, sm, fake_api):
    case = await active_case(server, rules, sm, "o-f7-res")
    await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX, json={})
    assert (await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX,
                              json={"result": "已核减滞纳金1200元"}))[0] == 200
    heard = await payer_heard(fake_api, "o-f7-res", "1200")
    assert any("已核减滞纳金1200元" in t for t in heard), heard


async def test_the_payer_hears_of_a_transfer_but_not_the_internal_reason(server, rules, client,
                                                                         sm, fake_api):
    case = await active_case(server, rules, sm, "o-f7-tr")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX, json={
        "agency": "hrss", "reason": "内部：该单位系人社重点监控对象"}))[0] == 200
    heard = await payer_heard(fake_api, "o-f7-tr", "人力资源")
    assert any("区人力资源和社会保障局" in t for t in heard), heard
    assert not any("重点监控" in t for t in heard), heard


async def test_a_note_is_not_sent_to_the_payer(server, rules, client, sm, fake_api):
    case = await active_case(server, rules, sm, "o-f7-quiet")
    await client.call("POST", f"/api/cases/{case.case_no}/note", TAX, json={"text": "内部备注勿外传"})
    await asyncio.sleep(0.5)
    assert not any("内部备注" in t for t in await payer_heard(fake_api, "o-f7-quiet")), \
        "a liaison's internal note reached the payer"


# --- transfer and escalation -----------------------------------------------------------------


async def test_the_new_lead_group_gets_a_card_with_the_reason(server, rules, client,
                                                              fake_webhook):
    case = await new_case(server, rules, openid="o-f7-newlead")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "hrss", "reason": "属劳动关系争议"})
    found = await pushed_with(fake_webhook, "属劳动关系争议")
    assert any(case.case_no in t for t in found), pushes(fake_webhook)

    def to_hrss() -> bool:  # the old lead's group is told too, and may hear first
        return any("dev-key-zc-hrss" in json.dumps(p, ensure_ascii=False)
                   for p in fake_webhook.posts.requests
                   if "属劳动关系争议" in json.dumps(p["body"], ensure_ascii=False))

    for _ in range(100):
        if to_hrss():
            break
        await asyncio.sleep(0.05)
    assert to_hrss(), pushes(fake_webhook)


async def test_a_resolved_case_cannot_be_transferred_or_escalated(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f7-closed")
    await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX, json={})
    await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX, json={"result": "已办"})
    before = len(await events(sm, case))
    for action, body in (("transfer", {"agency": "hrss", "reason": "x"}),
                         ("escalate", {"reason": "x"}), ("request-info", {"text": "补"})):
        status, answer = await client.call("POST", f"/api/cases/{case.case_no}/{action}", TAX,
                                           json=body)
        assert status == 409 and has_chinese(answer["message"]), (action, status, answer)
    assert len(await events(sm, case)) == before


async def test_escalating_twice_escalates_once(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f7-esc2")
    url = f"/api/cases/{case.case_no}/escalate"
    first = await client.call("POST", url, TAX, json={"reason": "涉及人数多"})
    second = await client.call("POST", url, TAX, json={"reason": "涉及人数多"})
    assert first[0] == 200 and second[0] == 409, (first, second)
    assert [e.kind for e in await events(sm, case)].count("raised_major") == 1


async def test_an_escalation_reaches_the_leadership_group_masked(server, rules, client,
                                                                  fake_webhook):
    case = await new_case(server, rules, openid="o-f7-escpush")
    await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                      json={"reason": f"缴费人{PHONE}称将集体上访"})
    found = await pushed_with(fake_webhook, "集体上访", count=2)  # the lead's and the office's
    assert found and all(PHONE not in t for t in found), found
    assert any("dev-key-leadership" in json.dumps(p, ensure_ascii=False)
               for p in fake_webhook.posts.requests
               if "集体上访" in json.dumps(p["body"], ensure_ascii=False))


async def test_an_escalation_without_a_reason_is_refused(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f7-escbare")
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": None}):
        status, answer = await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                                           json=body)
        assert status == 400 and has_chinese(answer["message"]), (body, status, answer)
    assert "raised_major" not in [e.kind for e in await events(sm, case)]


async def test_a_transfer_reason_too_long_is_refused(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f7-trlong")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": "hrss", "reason": "原因" * 5000})
    assert status == 400 and has_chinese(answer["message"]), (status, answer)
    assert "transferred" not in [e.kind for e in await events(sm, case)]


# --- deadlines and reminders -------------------------------------------------------------------


async def test_overdue_reminders_carry_no_raw_phone_or_id(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f7-late",
                          description=f"电话{PHONE}，身份证{ID_NUMBER}")
    services = server.app["services"]
    await Scheduler(services.sessionmaker, server.app["config"]).run_once(
        utcnow() + timedelta(days=12))
    server.app["outbox"].notify()
    await asyncio.sleep(1.0)
    texts = [t for t in pushes(fake_webhook) if case.case_no in t]
    assert len(texts) >= 2, texts  # the card and at least one reminder
    for text in texts:
        assert PHONE not in text and ID_NUMBER not in text and "19900101" not in text, text


async def test_the_list_marks_a_case_overdue_after_its_deadline(server, rules, client):
    case = await new_case(server, rules, openid="o-f7-ovl", now=utcnow() - timedelta(days=30))
    status, answer = await client.call("GET", "/api/cases?overdue=1", TAX)
    assert status == 200 and [c["case_no"] for c in answer["cases"]] == [case.case_no]
    assert answer["cases"][0]["overdue"] is True


async def test_a_deadline_is_later_than_registration(server, rules, client):
    case = await new_case(server, rules, openid="o-f7-dl")
    _, shown = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert shown["deadline"] > shown["created_at"], shown


# --- another agency's case ------------------------------------------------------------------


async def test_a_foreign_case_answers_exactly_like_a_missing_one(server, rules, client):
    case = await new_case(server, rules, openid="o-f7-foreign")
    missing = "ZY20200101-0009"
    for method, tail, body in (("GET", "", None), ("POST", "/note", {"text": "x"}),
                               ("POST", "/accept", {})):
        got = await client.call(method, f"/api/cases/{case.case_no}{tail}", COURT, json=body)
        none = await client.call(method, f"/api/cases/{missing}{tail}", COURT, json=body)
        assert got[0] == none[0] == 404, (got, none)
        assert json.dumps(got[1]).replace(case.case_no, "N") == \
            json.dumps(none[1]).replace(missing, "N"), (got, none)


async def test_another_agencys_case_is_not_in_the_console_list_or_csv(server, rules,
                                                                       signed_in):
    case = await new_case(server, rules, openid="o-f7-csv")
    browser, _ = await signed_in("court")
    for path in ("/console/cases", f"/console/cases?q={case.case_no}", "/console/export.csv",
                 "/console/stats"):
        async with browser.get(path) as resp:
            text = await resp.text()
            assert resp.status in (200, 404), (path, resp.status)
            shown = text.replace(f'value="{case.case_no}"', "")  # the search box keeps the query
            assert case.case_no not in shown and "某某制衣厂" not in shown, (path, shown[:300])


async def test_a_console_action_on_another_agencys_case_changes_nothing(server, rules,
                                                                         signed_in, sm):
    case = await new_case(server, rules, openid="o-f7-cact")
    browser, csrf = await signed_in("court")
    before = len(await events(sm, case))
    for action, form in (("accept", {}), ("note", {"text": "看看"}),
                         ("resolve", {"result": "已办"})):
        async with browser.post(f"/console/cases/{case.case_no}/{action}",
                                data={"csrf": csrf, **form}, allow_redirects=False) as resp:
            text = await resp.text()
            assert resp.status in (403, 404), (action, resp.status)
            assert "某某制衣厂" not in text and "滞纳金太多" not in text
    assert len(await events(sm, case)) == before


async def test_a_leadership_reader_sees_any_case_but_the_court_sees_none(server, rules,
                                                                         client):
    case = await new_case(server, rules, openid="o-f7-lead")
    assert (await client.call("GET", f"/api/cases/{case.case_no}", LEADERSHIP))[0] == 200
    _, listed = await client.call("GET", f"/api/cases?q={case.case_no[-4:]}", COURT)
    assert listed["cases"] == [], listed


# --- odd input -----------------------------------------------------------------------------


@pytest.mark.parametrize("case_no", ["ZY%2F..%2F..", "%E4%B8%AD%E6%96%87", "Z" * 3000,
                                     "ZY20260101-0001%00", "'%20OR%201=1--", "%F0%9F%98%80"])
async def test_odd_case_numbers_are_a_json_404(server, client, case_no):
    status, answer = await client.call("GET", f"/api/cases/{case_no}", TAX)
    assert status in (400, 404) and has_chinese(answer["message"]), (status, answer)


@pytest.mark.parametrize("q", ["%25", "%", "\\", "'", "*"])  # "_" reads as the "-" of a number
async def test_a_search_for_a_wildcard_character_matches_nothing(server, rules, client, q):
    await new_case(server, rules, openid=f"o-f7-wild-{ord(q[0])}")
    status, answer = await client.call("GET", "/api/cases", TAX, params={"q": q})
    assert status == 200 and answer["cases"] == [], (q, answer)


async def test_a_note_with_control_characters_is_refused_or_kept_clean(server, rules, client):
    case = await new_case(server, rules, openid="o-f7-ctl")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                       json={"text": "正常\x00备注\x1b[31m"})
    assert status in (200, 400), (status, answer)
    if status == 200:
        _, shown = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
        assert "\x00" not in json.dumps(shown, ensure_ascii=False)


@pytest.mark.parametrize("body", [{"acceptor": 123}, {"acceptor": ["李明"]},
                                  {"acceptor_phone": "abc"}, {"acceptor": "李" * 500},
                                  {"opinion": {"x": 1}}])
async def test_bad_accept_fields_are_a_400_and_nothing_is_accepted(server, rules, client, sm,
                                                                   body):
    case = await new_case(server, rules, openid="o-f7-badacc")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX,
                                       json=body)
    assert status == 400 and has_chinese(answer["message"]), (body, status, answer)
    assert "accepted" not in [e.kind for e in await events(sm, case)]


async def test_the_same_note_posted_twice_in_a_row_is_kept_twice(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f7-twice")
    for _ in range(2):
        assert (await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                  json={"text": "已电话联系单位"}))[0] == 200
    assert [e.kind for e in await events(sm, case)].count("note") == 2


async def test_a_json_body_sent_as_text_plain_is_read(server, rules, client):
    case = await new_case(server, rules, openid="o-f7-plain")
    status, answer = await client.call(
        "POST", f"/api/cases/{case.case_no}/note", {**TAX, "Content-Type": "text/plain"},
        data='{"text": "纯文本类型"}'.encode())
    assert status == 200, answer


async def test_a_form_encoded_body_is_a_400_in_words(server, rules, client):
    case = await new_case(server, rules, openid="o-f7-form")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                       data={"text": "表单"})
    assert status == 400 and has_chinese(answer["message"]), (status, answer)


async def test_a_body_in_gbk_is_a_400_not_a_500(server, rules, client):
    case = await new_case(server, rules, openid="o-f7-gbk")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note",
                                       {**TAX, "Content-Type": "application/json"},
                                       data='{"text": "中文备注"}'.encode("gbk"))
    assert status == 400 and has_chinese(answer["message"]), (status, answer)


# --- masked numbers in every outbound text ----------------------------------------------------


async def test_an_acceptors_opinion_naming_the_payers_numbers_is_masked_in_pushes(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f7-op")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX, json={
        "acceptor": "李明", "acceptor_phone": "020-12345678",
        "opinion": f"已致电{PHONE}，身份证{ID_NUMBER}核实"}))[0] == 200
    await asyncio.sleep(1.0)  # whatever the acceptance sends to groups has gone out
    for text in pushes(fake_webhook):
        assert PHONE not in text and "19900101" not in text, text


async def test_a_result_naming_the_payers_numbers_is_masked_in_pushes(server, rules, client,
                                                                      fake_webhook):
    case = await new_case(server, rules, openid="o-f7-resmask")
    await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX, json={})
    await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX,
                      json={"result": f"已电话{PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}告知减免"})
    found = await pushed_with(fake_webhook, "告知减免")
    for text in found:
        assert f"{PHONE[3:7]} {PHONE[7:]}" not in text, text


async def test_a_request_for_info_naming_an_id_is_masked_in_the_group(server, rules, client,
                                                                      fake_webhook):
    case = await new_case(server, rules, openid="o-f7-rimask")
    await client.call("POST", f"/api/cases/{case.case_no}/request-info", TAX,
                      json={"text": f"请核对身份证{ID_NUMBER}是否本人"})
    found = await pushed_with(fake_webhook, "是否本人")
    for text in found:
        assert "19900101" not in text, text


async def test_a_payers_supplement_with_a_chinese_numeral_phone_is_masked(server, rules, sm,
                                                                          fake_webhook):
    case = await new_case(server, rules, openid="o-f7-sup")
    async with sm() as session:
        stored = await session.get(Case, case.id)
        await add_supplement(session, stored, "新号码幺三九八七六五四三二一，请回电", actor="payer",
                             config=server.app["config"])
        await session.commit()
    server.app["outbox"].notify()
    found = await pushed_with(fake_webhook, "请回电")
    assert found and all("八七六五" not in t for t in found), found


# --- more blind probes: logs, reminders, passing a case back --------------------------------



async def test_api_calls_naming_a_phone_leave_no_raw_phone_in_the_logs(server, rules, client,
                                                                        capture):
    read, _ = capture
    case = await new_case(server, rules, openid="o-f7-logs")
    await client.call("GET", f"/api/cases/{PHONE}", TAX)
    await client.call("GET", f"/api/cases?q={PHONE}&bogus={ID_NUMBER}", TAX)
    await client.call("POST", f"/api/cases/{case.case_no}/note", TAX, json={"text": f"打{PHONE}"})
    await client.call("POST", f"/api/cases/{case.case_no}/note", TAX, data=f"{{{PHONE}")
    await asyncio.sleep(0.5)
    for line in read():
        text = json.dumps(line, ensure_ascii=False)
        assert PHONE not in text and ID_NUMBER not in text, text


async def test_a_due_soon_reminder_names_the_case_and_its_deadline(server, rules, client,
                                                                   fake_webhook):
    case = await new_case(server, rules, openid="o-f7-soon")
    _, shown = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    services = server.app["services"]
    await Scheduler(services.sessionmaker, server.app["config"]).run_once(
        case.deadline - timedelta(hours=12))
    server.app["outbox"].notify()
    texts = await cards_for(fake_webhook, case.case_no, count=2)
    assert len(texts) >= 2, texts
    reminder = texts[-1]
    assert shown["deadline_label"] in reminder and f"/console/cases/{case.case_no}" in reminder, \
        reminder


async def test_a_case_cannot_bounce_back_but_the_office_can_hand_it_back(server, rules,
                                                                          client, sm):
    """不得推诿: the new lead may not pass the case back; the office decides who leads."""
    case = await new_case(server, rules, openid="o-f7-back")
    url = f"/api/cases/{case.case_no}/transfer"
    assert (await client.call("POST", url, TAX, json={"agency": "hrss", "reason": "属人社"}))[0] \
        == 200
    status, answer = await client.call("POST", url, HRSS,
                                       json={"agency": "tax", "reason": "确属滞纳金争议"})
    assert status == 409 and "领导小组办公室" in answer["message"], answer
    status, answer = await client.call("POST", url, LEADERSHIP,
                                       json={"agency": "tax", "reason": "经协调由税务牵头"})
    assert status == 200 and answer["lead_agency"] == "tax", answer
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX, json={}))[0] \
        == 200
    assert (await client.call("POST", f"/api/cases/{case.case_no}/resolve", HRSS,
                              json={"result": "x"}))[0] in (403, 404)


@pytest.mark.parametrize("auth", ["Bearer DEV-TOKEN-TAX", "Bearer dev-token-tax\u00e9",
                                  "Bearer dev-token-tax dev-token-hrss", "Basic dev-token-tax",
                                  "Bearer " + "x" * 4000])
async def test_a_near_miss_token_is_a_401_in_words(server, client, auth):
    status, answer = await client.call("GET", "/api/cases", {"Authorization": auth})
    assert status == 401 and has_chinese(answer["message"]), (status, answer)


async def test_a_colloquial_agency_name_is_taken_or_refused_with_the_choices(server, rules,
                                                                             client):
    case = await new_case(server, rules, openid="o-f7-colloq")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": "人社局", "reason": "属劳动关系"})
    if status == 200:
        assert answer["lead_agency"] == "hrss", answer
    else:
        assert status == 400 and "区人力资源和社会保障局" in answer["message"], answer
