"""The agency liaison's side, sixth round, written blind: numbers joined with bullets,
tildes or invisible characters stay masked in group pushes and logs, the card header never
carries a raw phone, a case accepted twice at once is accepted once, an agency cannot act on
another's case, and odd bodies are a clear 4xx. Real HTTP app, real outbox, fake robots."""
from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.privacy import scrub
from routing.cards import safe_group_text
from tests import test_cases as base
from tests import test_liaison_api as api
from tests import test_metrics_logging as logging_tests
from tests.test_cases import events, new_case
from tests.test_dialogue import say
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh5 import cards_for, pushes_naming, stored

rules, client = base.rules, api.client
capture = logging_tests.capture
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def visible(text: str) -> str:
    """What a reader sees: zero-width characters take no room on the screen."""
    return text.translate(_INVISIBLE)

# (typed, what must not be seen) — the middle of a mobile, the birth date of an ID.
ODD_JOINS = [
    ("138•1234•5678", "1234"),
    ("138~1234~5678", "1234"),
    ("138～1234～5678", "1234"),
    ("138 ~ 1234 ~ 5678", "1234"),
    ("138∙1234∙5678", "1234"),
    ("138‧1234‧5678", "1234"),
    ("138\u200b1234\u200b5678", "1234"),
    ("1\u200b3\u200b8\u200c1\u200d2\u20603\ufeff45678", "1234"),
    ("440183•19900101•1234", "19900101"),
    ("440183~19900101~123X", "19900101"),
    ("4401\u200b8319900101\u200b1234", "19900101"),
]


@pytest.mark.parametrize(("typed", "secret"), ODD_JOINS)
def test_odd_joiners_and_invisible_characters_are_masked(typed, secret):
    out = visible(scrub(f"我电话{typed}，麻烦尽快处理"))
    assert secret not in out and "麻烦尽快处理" in out, out


@pytest.mark.parametrize(("typed", "secret"), ODD_JOINS)
def test_odd_joiners_are_masked_in_group_text(typed, secret):
    out = visible(safe_group_text(f"联系{typed}"))
    assert secret not in out, out


def test_a_log_line_masks_numbers_with_odd_joiners(capture):
    read, _ = capture
    for typed, _secret in ODD_JOINS:
        logging.getLogger("disputebot.test").warning("payer wrote %s", typed)
    lines = read()
    assert len(lines) == len(ODD_JOINS)
    for line, (_typed, secret) in zip(lines, ODD_JOINS):
        assert secret not in visible(line["event"]), line["event"]


@pytest.mark.parametrize("text", ["工资4500~5000元", "2023~2024年", "3•4•5月没交", "欠了3~5个月",
                                  "2024年1月~2024年12月", "基数从4500～5500"])
def test_plain_ranges_with_those_joiners_stay_readable(text):
    """Amounts and periods joined the same way are not numbers of a person."""
    assert scrub(text) == text


async def test_a_card_masks_odd_joins_in_description_and_employer(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f6-card",
                          description="老板电话138•1234•5678，我的身份证440183~19900101~1234",
                          employer="宏达厂（联系人138～8765～4321）")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    for secret in ("1234•5678", "19900101", "8765"):
        assert secret not in card, (secret, card)


@pytest.mark.parametrize("phone", ["13812345678\n## 已办结，无需处理", "13812345678<@all>",
                                   "138•1234•5678", "13812345678 或 13987654321",
                                   "[点我](http://x.cn)13812345678"])  # fits phone VARCHAR(32)
async def test_the_card_header_never_carries_a_raw_phone_or_markup(server, rules, fake_webhook,
                                                                   phone):
    case = await new_case(server, rules, openid="o-f6-head", phone=phone, id_number=None)
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    header = card.split("**反映内容**")[0]
    for secret in ("1234", "8765", "\n## 已办结", "<@all>", "](http"):
        assert secret not in header, (secret, header)


async def test_a_co_handlers_note_with_a_bulleted_phone_is_masked_in_the_push(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f6-note", category="employer_arrears",
                          description="公司欠缴社保")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS, json={
        "text": "已按138•1234•5678和138~8765~4321联系单位"}))[0] == 200
    pushed = await pushes_naming(fake_webhook, "联系单位")
    assert pushed
    for text in pushed:
        assert "1234•5678" not in text and "8765~4321" not in text, text


# --- double accept -------------------------------------------------------------------------


async def test_two_liaisons_accepting_at_once_accept_once(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f6-double")
    url = f"/api/cases/{case.case_no}/accept"
    answers = await asyncio.gather(
        client.call("POST", url, TAX, json={"acceptor": "李明"}),
        client.call("POST", url, LEADERSHIP, json={"acceptor": "王芳"}))
    assert sorted(s for s, _ in answers) == [200, 409], answers
    refused = next(a for s, a in answers if s == 409)
    assert refused["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in refused["message"])
    kinds = [e.kind for e in await events(sm, case)]
    assert kinds.count("accepted") == 1, kinds


async def test_accepting_an_accepted_case_again_is_a_409_in_words(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f6-again")
    url = f"/api/cases/{case.case_no}/accept"
    assert (await client.call("POST", url, TAX, json={}))[0] == 200
    status, answer = await client.call("POST", url, TAX, json={"acceptor": "李明"})
    assert status == 409 and "受理" in answer["message"], answer
    kinds = [e.kind for e in await events(sm, case)]
    assert kinds.count("accepted") == 1


# --- another agency's case -------------------------------------------------------------------


@pytest.mark.parametrize(("action", "body"), [
    ("accept", {}), ("note", {"text": "看看"}), ("request-info", {"text": "补材料"}),
    ("transfer", {"agency": "court", "reason": "x"}), ("escalate", {"reason": "x"}),
    ("resolve", {"result": "已办"})])
async def test_an_agency_with_no_part_cannot_act_on_another_agencys_case(
        server, rules, client, sm, action, body):
    case = await new_case(server, rules, openid=f"o-f6-foreign-{action}")
    before = [e.kind for e in await events(sm, case)]
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/{action}", COURT,
                                       json=body)
    assert status == 404 and "张" not in json.dumps(answer, ensure_ascii=False), answer
    assert [e.kind for e in await events(sm, case)] == before
    assert (await stored(server, case.case_no)).status == case.status


@pytest.mark.parametrize(("action", "body"), [
    ("accept", {}), ("request-info", {"text": "补材料"}), ("resolve", {"result": "已办"}),
    ("transfer", {"agency": "court", "reason": "x"})])
async def test_a_co_handler_cannot_steer_the_leads_case(server, rules, client, sm, action, body):
    case = await new_case(server, rules, openid=f"o-f6-co-{action}",
                          category="employer_arrears", description="公司欠缴社保")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/{action}", HRSS,
                                       json=body)
    assert status == 403 and answer["message"], answer
    assert (await stored(server, case.case_no)).status == case.status


# --- odd bodies ------------------------------------------------------------------------------


ODD_BODIES = [b"", b"   ", b"null", b"[]", b'"text"', b"123", b"true", b'{"text": 1e999}',
              b'{"text": NaN}', b"\xff\xfe\x00", b"{" * 5000, b'{"text": "a", "text": 5}',
              b'{"text": {"$gt": ""}}', b"text=hello"]


@pytest.mark.parametrize("raw", ODD_BODIES)
async def test_an_odd_note_body_is_a_4xx_in_words(server, rules, client, sm, raw):
    case = await new_case(server, rules, openid="o-f6-odd")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note",
                                       {**TAX, "Content-Type": "application/json"}, data=raw)
    assert 400 <= status < 500, (raw[:20], status, answer)
    assert answer["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in answer["message"])
    assert "note" not in [e.kind for e in await events(sm, case)]


@pytest.mark.parametrize("size", [2_001, 100_000, 3_000_000])
async def test_a_huge_note_is_refused_with_its_size(server, rules, client, sm, size):
    case = await new_case(server, rules, openid=f"o-f6-huge-{size}")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                       json={"text": "办" * size})
    assert status in (400, 413), (status, answer)
    assert answer["message"] and "note" not in [e.kind for e in await events(sm, case)]


@pytest.mark.parametrize("path", ["/api/cases?q=" + "宏" * 2000, "/api/cases?q=" + "宏" * 20000, "/api/cases/" + "Z" * 3000,
                                  "/api/cases?limit=99999999999", "/api/cases?q=%00",
                                  "/api/cases?status=assigned&status=resolved"],
                         ids=["q2k", "q20k", "long_no", "big_limit", "nul", "two_status"])
async def test_odd_reads_are_never_a_500(server, http, path):
    async with http.get(server.make_url(path), headers=TAX) as resp:
        status, answer = resp.status, await resp.text()
    assert 200 <= status < 500, (path[:60], status, answer[:200])


# --- what the payer sends about an open case reaches the group masked -------------------------


@pytest.mark.parametrize("message", [
    "我换号了，新号码139•8765•4321", "电话改成139~8765~4321了",
    "补充一下，老板电话139\u200b8765\u200b4321", "补充：我身份证440183•19900101•1234",
    "能不能打我另一个号139～8765～4321"])
async def test_a_payers_number_joined_oddly_reaches_the_liaison_masked(platform, config,
                                                                       message):
    """The number is read (no "没太明白", no case-number tail "8765") and forwarded; the
    group sees it masked."""
    from bot.store.models import OutboxItem
    from tests.test_dialogue import fetch
    from tests.test_followup import file_case
    from tests.test_open_case_requests import case_of

    openid = f"o-f6-payer-{len(message)}-{message[-2]}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "没太明白" not in reply and "尾号" not in reply, reply
    case = await case_of(config, case_no)
    rows = await fetch(config.database_url, OutboxItem, case_id=case.id)
    pushed = [visible(str(r.payload.get("body"))) for r in rows
              if r.channel == "webhook" and r.payload.get("kind") != "card"]
    assert pushed, (reply, [r.payload.get("kind") for r in rows])
    for body in pushed:
        assert "8765" not in body and "19900101" not in body, (message, body)
