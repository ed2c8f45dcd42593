"""The agency liaison's side, fifth round, written blind: a liaison acts on a pushed card
without calling the payer back, agencies pass cases on, one agency guesses another's case
numbers, two liaisons act at once, every endpoint gets bad input, a major case escalates,
cases go overdue, and numbers written in odd ways stay masked in cards, pages and logs.
Real HTTP app, real outbox, fake robots on 127.0.0.1."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from urllib.parse import quote

import pytest

from bot.store.models import utcnow
from routing.cards import load_labels
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_liaison_api as api
from tests import test_liaison_fresh4 as fresh4
from tests.test_cases import ID_NUMBER, PHONE, events, new_case
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX

rules, client = base.rules, api.client
console_as, stored = fresh4.console_as, fresh4.stored


async def polled(find, enough=bool):
    """What ``find()`` gives once it is ``enough`` (group pushes leave in the background), or
    after five seconds what it gives then."""
    for _ in range(100):
        found = find()
        if enough(found):
            return found
        await asyncio.sleep(0.05)
    return found


async def cards_for(fake_webhook, case_no: str, count: int = 1) -> list[str]:
    """Markdown cards naming ``case_no`` that reached any group."""
    return await polled(lambda: [
        p["body"]["markdown"]["content"] for p in fake_webhook.posts.requests
        if p["body"].get("msgtype") == "markdown" and case_no in p["body"]["markdown"]["content"]
    ], lambda found: len(found) >= count)


async def pushes_naming(fake_webhook, words: str) -> list[str]:
    """The group pushes (each body as JSON text) naming ``words``, once one has arrived."""
    return await polled(lambda: [
        body for body in (json.dumps(p["body"], ensure_ascii=False)
                          for p in fake_webhook.posts.requests)
        if words in body])


# --- 1. the card is enough to act on ------------------------------------------------------


async def test_the_card_has_everything_the_report_form_needs(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f5-card", amount=4800,
                          desired_outcome="补缴2025年社保")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    labels = load_labels()
    for needed in (case.case_no, labels["categories"]["late_fee"],
                   labels["severities"]["general"], "某某制衣厂", "4800", "补缴2025年社保",
                   "新塘镇", "办理时限", "2026-", "反映内容", "滞纳金",
                   f"/console/cases/{case.case_no}"):
        assert needed in card, (needed, card)
    assert PHONE not in card and ID_NUMBER not in card and "张三" not in card


async def test_a_card_does_not_ask_for_a_call_back_nobody_asked_for(server, rules,
                                                                     fake_webhook):
    quiet = await new_case(server, rules, openid="o-f5-quiet", needs_callback=False)
    asked = await new_case(server, rules, openid="o-f5-call", needs_callback=True)
    [quiet_card, *_] = await cards_for(fake_webhook, quiet.case_no)
    [asked_card, *_] = await cards_for(fake_webhook, asked.case_no)
    assert "回复方式" not in quiet_card and "回复方式" in asked_card


async def test_a_major_case_card_is_marked_and_the_office_is_called_with_all(
        server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f5-major", severity="major",
                          severity_reasons=["headcount:60"], headcount=60)
    cards = await cards_for(fake_webhook, case.case_no)
    assert any("重大" in c and "60" in c for c in cards), cards
    mentions = await polled(lambda: [
        p for p in fake_webhook.posts.requests if p["body"].get("msgtype") == "text"
        and case.case_no in p["body"]["text"]["content"]])
    assert "dev-key-leadership" in {p["key"] for p in fake_webhook.posts.requests}
    assert mentions and all("@all" in p["body"]["text"].get("mentioned_list", [])
                            for p in mentions)


async def test_the_card_deadline_is_the_one_the_api_gives(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f5-due")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    _, view = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    day = view["deadline_label"][:10]
    assert day in card, (day, card)


# --- 2. transfers ---------------------------------------------------------------------------


async def test_after_a_transfer_the_old_lead_only_tracks(server, rules, client):
    case = await new_case(server, rules, openid="o-f5-moved")
    url = f"/api/cases/{case.case_no}"
    assert (await client.call("POST", f"{url}/transfer", TAX,
                              json={"agency": "hrss", "reason": "属于人社职责"}))[0] == 200
    status, view = await client.call("GET", url, TAX)
    assert status == 200 and view["lead_agency"] == "hrss"
    for action, body in (("resolve", {"result": "x"}), ("accept", {}),
                         ("request-info", {"text": "补材料"}),
                         ("transfer", {"agency": "court", "reason": "x"})):
        status, answer = await client.call("POST", f"{url}/{action}", TAX, json=body)
        assert status == 403, (action, answer)
    assert (await client.call("POST", f"{url}/accept", HRSS, json={}))[0] == 200


async def test_a_case_cannot_be_transferred_to_its_own_lead(server, rules, client):
    case = await new_case(server, rules, openid="o-f5-self")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": "tax", "reason": "x"})
    assert 400 <= status < 500 and answer["message"], answer
    assert (await stored(server, case.case_no)).lead_agency == "tax"


async def test_an_agency_with_no_part_in_a_case_never_sees_it_after_transfers(
        server, rules, client):
    case = await new_case(server, rules, openid="o-f5-chain")
    url = f"/api/cases/{case.case_no}"
    assert (await client.call("POST", f"{url}/transfer", TAX,
                              json={"agency": "hrss", "reason": "人社"}))[0] == 200
    _, listed = await client.call("GET", "/api/cases", COURT)
    assert case.case_no not in json.dumps(listed)
    assert (await client.call("GET", url, COURT))[0] == 404


# --- 3. guessing another agency's case numbers ----------------------------------------------


@pytest.mark.parametrize("spelled", [
    lambda no: no.lower(), lambda no: " " + no + " ", lambda no: no[2:],
    lambda no: no.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    lambda no: quote(no + "\x00"), lambda no: no + "%20", lambda no: no + "/",
])
async def test_another_agencys_case_number_in_any_spelling_is_not_found(
        server, rules, client, spelled):
    case = await new_case(server, rules, openid="o-f5-guess")
    path = f"/api/cases/{spelled(case.case_no)}"
    status, body = await client.call("GET", path, COURT)
    assert status == 404, body
    assert "张" not in json.dumps(body, ensure_ascii=False)


async def test_a_case_id_or_a_list_filter_does_not_open_another_agencys_case(
        server, rules, client):
    case = await new_case(server, rules, openid="o-f5-id")
    for path in (f"/api/cases/{case.id}", f"/api/cases?q={case.case_no}",
                 "/api/cases?agency=tax", "/api/cases?q=%25", "/api/cases?q=_"):
        status, body = await client.call("GET", path, COURT)
        assert status in (200, 404) and case.case_no not in json.dumps(body), (path, body)


async def test_the_console_does_not_open_another_agencys_case_by_any_url(
        server, rules, console_as):
    case = await new_case(server, rules, openid="o-f5-curl")
    court, csrf = await console_as("court")
    for path in (f"/console/cases/{case.case_no}", f"/console/cases/{case.case_no.lower()}",
                 f"/console/cases/{case.id}", f"/console/cases?q={case.case_no}"):
        async with court.get(path) as resp:
            page = await resp.text()
        assert "某某制衣厂" not in page and "138" not in page, path
    async with court.post(f"/console/cases/{case.case_no}/contact",
                          data={"csrf": csrf}) as resp:
        assert PHONE not in await resp.text()


# --- 4. two liaisons at once ---------------------------------------------------------------


async def test_a_transfer_and_a_resolve_at_once_leave_one_consistent_case(
        server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f5-race")
    url = f"/api/cases/{case.case_no}"
    answers = await asyncio.gather(
        client.call("POST", f"{url}/transfer", TAX, json={"agency": "hrss", "reason": "人社"}),
        client.call("POST", f"{url}/resolve", TAX, json={"result": "已减免"}))
    assert sorted(s for s, _ in answers) in ([200, 403], [200, 409]), answers
    final = await stored(server, case.case_no)
    kinds = [e.kind for e in await events(sm, case)]
    assert ("transferred" in kinds) != ("resolved" in kinds), kinds
    assert (final.status == "resolved") == ("resolved" in kinds)


async def test_the_lead_and_the_office_escalating_at_once_escalate_once(
        server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f5-esc2")
    url = f"/api/cases/{case.case_no}/escalate"
    answers = await asyncio.gather(
        client.call("POST", url, TAX, json={"reason": "涉及多人"}),
        client.call("POST", url, LEADERSHIP, json={"reason": "领导关注"}))
    assert 200 in [s for s, _ in answers], answers
    kinds = [e.kind for e in await events(sm, case)]
    assert kinds.count("raised_major") == 1, kinds


# --- 5. bad input to every endpoint ---------------------------------------------------------


BAD_BODIES = [
    ("accept", {"acceptor": 5}), ("accept", {"acceptor": ["李明"]}),
    ("accept", {"acceptor_phone": "打我手机"}), ("accept", {"opinion": {"a": 1}}),
    ("accept", {"acceptor": "李" * 500}),
    ("note", {"text": None}), ("note", {"text": "\u200b\u200b"}), ("note", {"text": False}),
    ("request-info", {"text": ["补"]}), ("request-info", {}),
    ("transfer", {"agency": 5, "reason": "x"}), ("transfer", {"agency": "hrss", "reason": ""}),
    ("transfer", {"agency": ["hrss"], "reason": "x"}),
    ("escalate", {"reason": 1.5}), ("resolve", {"result": "结" * 100000}),
    ("resolve", {"result": "\ud800"}), ("resolve", {"result": True}),
]


@pytest.mark.parametrize(("action", "body"), BAD_BODIES)
async def test_bad_input_to_every_action_is_a_400_with_chinese_and_changes_nothing(
        server, rules, client, sm, action, body):
    case = await new_case(server, rules, openid=f"o-f5-bad-{action}")
    before = [e.kind for e in await events(sm, case)]
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/{action}",
                                       {**TAX, "Content-Type": "application/json"},
                                       data=json.dumps(body).encode())
    assert status in (400, 413), (status, answer)
    assert answer["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in answer["message"])
    assert [e.kind for e in await events(sm, case)] == before
    assert (await stored(server, case.case_no)).status == case.status


@pytest.mark.parametrize("query", ["status=nope", "severity=huge", "category=<script>",
                                   "overdue=maybe", "limit=-1", "offset=abc", "sort=evil"])
async def test_a_bad_list_query_is_a_400_not_an_empty_list(server, client, query):
    status, answer = await client.call("GET", f"/api/cases?{query}", TAX)
    assert status == 400 and answer["code"] and answer["message"], (query, answer)


async def test_unicode_and_emoji_notes_come_back_whole(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f5-emoji")
    text = "已联系单位👍，𠮷野家员工；ＡＢＣ　全角；עברית"
    status, _ = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                  json={"text": text})
    assert status == 200
    notes = [e.detail["text"] for e in await events(sm, case) if e.kind == "note"]
    assert notes == [text]


async def test_script_in_a_note_and_the_url_is_inert_in_the_console(
        server, rules, client, console_as):
    case = await new_case(server, rules, openid="o-f5-xss",
                          employer='<img src=x onerror=alert(1)>厂',
                          description='<script>alert("x")</script>欠费')
    assert (await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                              json={"text": '"><svg onload=alert(2)>'}))[0] == 200
    tax, _ = await console_as("tax")
    async with tax.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    for raw in ("<script>alert", "<img src=x", "<svg onload"):
        assert raw not in page, raw
    async with tax.get("/console/cases/%3Cscript%3Ealert(1)%3C%2Fscript%3E") as resp:
        assert resp.status == 404 and "<script>alert(1)" not in await resp.text()
    async with tax.get("/console/cases?q=%3Cscript%3Ealert(3)%3C/script%3E") as resp:
        assert "<script>alert(3)" not in await resp.text()


async def test_a_console_form_with_missing_or_huge_fields_is_refused_in_words(
        server, rules, console_as):
    case = await new_case(server, rules, openid="o-f5-form")
    tax, csrf = await console_as("tax")
    url = f"/console/cases/{case.case_no}"
    for action, data in (("note", {}), ("resolve", {"result": "办" * 50000}),
                         ("transfer", {"agency": "nobody", "reason": "x"}),
                         ("accept", {"acceptor_phone": "<b>x</b>"})):
        async with tax.post(f"{url}/{action}", data={"csrf": csrf, **data}) as resp:
            page = await resp.text()
            assert resp.status in (400, 413), (action, resp.status)
        assert "<b>x</b>" not in page
    assert (await stored(server, case.case_no)).status == case.status


async def test_a_console_action_without_csrf_changes_nothing(server, rules, console_as, sm):
    case = await new_case(server, rules, openid="o-f5-csrf")
    tax, _ = await console_as("tax")
    async with tax.post(f"/console/cases/{case.case_no}/resolve",
                        data={"result": "已办"}) as resp:
        assert resp.status in (400, 403)
    assert "resolved" not in [e.kind for e in await events(sm, case)]


# --- 6. escalation and overdue ---------------------------------------------------------------


async def test_an_overdue_case_is_escalated_once_and_listed_as_overdue(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f5-late")
    later = case.deadline + timedelta(hours=1)
    scheduler = Scheduler(server.app["services"].sessionmaker, server.app["config"])
    await scheduler.run_once(later)
    await scheduler.run_once(later + timedelta(minutes=5))
    server.app["outbox"].notify()
    await asyncio.sleep(0.3)
    overdue = [p for p in fake_webhook.posts.requests if p["key"] == "dev-key-leadership"
               and case.case_no in json.dumps(p["body"], ensure_ascii=False)
               and "逾期" in json.dumps(p["body"], ensure_ascii=False)]
    assert len(overdue) == 1, overdue


async def test_resolving_an_overdue_case_still_works_and_is_marked_late(server, rules,
                                                                        client, sm):
    case = await new_case(server, rules, openid="o-f5-lateres",
                          now=utcnow() - timedelta(days=40))
    status, view = await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX,
                                     json={"result": "已补缴"})
    assert status == 200 and view["status"] == "resolved"
    # No longer overdue, but the office reading the list must still see it was late.
    _, listed = await client.call("GET", "/api/cases?status=resolved", TAX)
    [row] = [c for c in listed["cases"] if c["case_no"] == case.case_no]
    assert row["overdue"] is False and row["resolved_late"] is True, row
    on_time = await new_case(server, rules, openid="o-f5-ontime")
    _, view = await client.call("POST", f"/api/cases/{on_time.case_no}/resolve", TAX,
                                json={"result": "已补缴"})
    assert view["resolved_late"] is False


# --- 7. numbers written in odd ways stay masked where a liaison reads ---------------------


ODD = "电话138 1234\n5678，备用+86 139-8765-4321，身份证44018319900101123x"


async def test_odd_numbers_in_the_description_are_masked_on_the_card_and_console(
        server, rules, console_as, fake_webhook):
    case = await new_case(server, rules, openid="o-f5-odd", description=ODD)
    cards = await cards_for(fake_webhook, case.case_no)
    tax, _ = await console_as("tax")
    async with tax.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    for shown in [*cards, page]:
        for secret in ("1234\n5678", "1234<br>5678", "8765", "19900101"):
            assert secret not in shown, (secret, shown[:400])


async def test_odd_numbers_in_a_liaisons_note_are_masked_in_the_group_push(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f5-oddnote", category="employer_arrears",
                          description="公司欠缴社保")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS, json={
        "text": "已按１３８１２３４５６７８和138\n1234 5678联系"}))[0] == 200
    pushed = await pushes_naming(fake_webhook, "已按")
    assert pushed
    for text in pushed:
        assert "１２３４" not in text and "1234\\n5678" not in text, text


@pytest.mark.parametrize(("typed", "kept"), [
    ("０２０－８２７５１２３４", "020-82751234"),
    ("（020）8275 1234 转 8012", "(020)8275 1234 转 8012"),
    ("０２０　８２７５１２３４", "020 82751234"),
])
async def test_an_acceptor_phone_typed_in_full_width_is_taken(server, rules, client,
                                                              typed, kept):
    """A Chinese input method in full-width mode types ０２０－…: the same staff phone."""
    case = await new_case(server, rules, openid="o-f5-fwphone")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/accept", TAX,
                                       json={"acceptor": "李明", "acceptor_phone": typed})
    assert status == 200, answer
    _, view = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert view["report_form"]["acceptor"]["phone"] == kept
