"""The agency liaison's side, sixteenth round, written blind: a liaison acts on a pushed case
without calling the payer back (seed 002 附件 报送单: 报送编号, 联系人姓名/电话, 反映内容摘要,
受理时间, 报送意见, the reminder to keep the payer's details secret and to answer the payer
directly). Probed: the group card and the API view carry the summary, the payer's wish, the
time received, category, severity, deadline, lead and co-handling agencies; a liaison sees
its own and transferred-in cases only; transfer, request-info, escalate, resolve and note
reach the payer (or not, for notes) in plain Chinese; bad input (unknown case, wrong token,
blank or huge note, NUL bytes and lone surrogates in JSON, unknown fields) gets a clear status
and changes nothing; logs never hold a full phone or ID number."""
from __future__ import annotations

import json
import logging
import re
from datetime import datetime

import pytest

from routing.deadlines import SHANGHAI
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import ID_NUMBER, PHONE, new_case, set_last_message
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh10 import GROUP, MASKED_PHONE, unmasked
from tests.test_liaison_fresh14 import HEALTHCARE, act, chinese, private
from tests.test_liaison_fresh15 import JARGON, card_of, kinds, notices

rules, client, engine, sm = base.rules, api.client, base.engine, base.sm

FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
BASE = {"category": "contribution_base"}  # hrss leads, tax co-handles


async def view_as(client, case_no: str, headers=LEADERSHIP) -> tuple[int, dict]:
    return await client.call("GET", f"/api/cases/{case_no}", headers)


async def listed(client, headers) -> str:
    status, body = await client.call("GET", "/api/cases", headers)
    assert status == 200, body
    return json.dumps(body, ensure_ascii=False)


async def fresh_payer(sm, openid: str) -> None:
    await set_last_message(sm, openid, datetime.now().astimezone())


# === 1. the card is the 报送单 =================================================================


async def test_the_card_masks_the_contact_name_and_phone_but_keeps_the_surname(
        server, rules, fake_webhook):
    """Rewritten: the 报送单 lists 联系人姓名, but a group card is read by many; the card keeps
    the surname and points to the audited API for the full contact (routing/labels.yaml)."""
    case = await new_case(server, rules, openid="o-f16-contact", name="李桂芳")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "李" in card and "李桂芳" not in card and MASKED_PHONE.search(card), card
    assert "联络员接口" in card, card
    private(card)


async def test_the_card_summarises_what_was_reported_and_what_the_payer_wants(
        server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f16-summary",
                          description="单位2024年欠缴了八个月，现在税务局要我自己补",
                          desired_outcome="让单位补缴欠费")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "欠缴了八个月" in card, card
    assert "让单位补缴欠费" in card, card


async def test_the_card_shows_when_the_case_was_received(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f16-received", now=FRIDAY)
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "2026-11-27 10:00" in card, card


async def test_the_card_reminds_the_liaison_to_keep_it_secret_and_answer_the_payer(
        server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f16-remind")
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "保密" in card, card
    assert "缴费人" in card and "反馈" in card, card


async def test_a_lead_card_names_the_co_handling_agency_in_chinese(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f16-co", **BASE)
    card = await card_of(fake_webhook, GROUP["hrss"], case.case_no)
    assert "税务" in card, card
    assert not re.search(r"\b(tax|hrss)\b", card), card


async def test_a_co_handlers_card_names_the_lead_agency(server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f16-co-lead", **BASE)
    card = await card_of(fake_webhook, GROUP["tax"], case.case_no)
    assert "人社" in card or "人力资源和社会保障" in card, card


# === 2. the API view is enough to act =========================================================


async def test_the_view_gives_category_severity_deadline_and_agencies(server, rules, client):
    case = await new_case(server, rules, openid="o-f16-view", now=FRIDAY, **BASE)
    status, view = await view_as(client, case.case_no, HRSS)
    assert status == 200, view
    assert view["category"] == "contribution_base", view
    assert view["severity"] == "general", view
    assert view["deadline"].startswith("2026-12-04T10:00"), view
    assert view["lead_agency"] == "hrss", view
    assert "tax" in json.dumps(view), view


async def test_the_view_gives_the_summary_and_wish_and_the_name_on_request(server, rules,
                                                                          client):
    """Rewritten: the full name and phone come only with ?contact=1 (an audited look)."""
    case = await new_case(server, rules, openid="o-f16-view2", name="王建国",
                          desired_outcome="补缴养老保险")
    status, view = await view_as(client, case.case_no, TAX)
    dumped = json.dumps(view, ensure_ascii=False)
    assert status == 200 and "补缴养老保险" in dumped and "滞纳金" in dumped, view
    assert "王建国" not in dumped, view
    status, full = await client.call("GET", f"/api/cases/{case.case_no}?contact=1", TAX)
    dumped = json.dumps(full, ensure_ascii=False)
    assert status == 200 and "王建国" in dumped and PHONE in dumped, full


# === 3. who sees what ===========================================================================


async def test_a_co_handler_can_read_the_case(server, rules, client):
    case = await new_case(server, rules, openid="o-f16-co-read", **BASE)
    assert (await view_as(client, case.case_no, TAX))[0] == 200


async def test_an_unrelated_agency_neither_reads_nor_lists_the_case(server, rules, client):
    case = await new_case(server, rules, openid="o-f16-hidden", employer="东兴陶瓷厂")
    status, body = await view_as(client, case.case_no, HEALTHCARE)
    assert status == 404 and chinese(body), body
    assert "东兴陶瓷厂" not in json.dumps(body, ensure_ascii=False)
    assert case.case_no not in await listed(client, HEALTHCARE)


async def test_a_case_transferred_in_is_listed_for_the_new_agency_only(server, rules, client):
    case = await new_case(server, rules, openid="o-f16-tr-in")
    status, body = await act(client, case.case_no, "transfer", TAX,
                             {"agency": "healthcare", "reason": "属于医保缴费问题"})
    assert status == 200, body
    assert case.case_no in await listed(client, HEALTHCARE)
    assert case.case_no not in await listed(client, COURT)
    assert (await act(client, case.case_no, "accept", HEALTHCARE))[0] == 200


# === 4. actions tell the payer in plain Chinese ================================================


async def test_a_transfer_to_healthcare_tells_the_payer_the_new_office(server, rules, client, sm,
                                                                       fake_api):
    openid = "o-f16-tr-payer"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    await act(client, case.case_no, "transfer", TAX, {"agency": "healthcare", "reason": "医保事项"})
    told = [t for t in await notices(fake_api, openid, at_least=1) if case.case_no in t]
    assert told and "医疗保障" in told[-1] or told and "医保" in told[-1], told
    assert not JARGON.search(told[-1].replace(case.case_no, "")), told


@pytest.mark.parametrize("action, body", [
    ("request-info", {"text": "请补充2024年的工资流水"}),
    ("escalate", {"reason": "涉及三个部门"}),
    ("resolve", {"result": "单位已补缴2024年欠费"}),
], ids=["request-info", "escalate", "resolve"])
async def test_each_step_reaches_the_payer_in_plain_chinese(server, rules, client, sm, fake_api,
                                                           action, body):
    openid = f"o-f16-plain-{action}"
    await fresh_payer(sm, openid)
    case = await new_case(server, rules, openid=openid)
    status, answer = await act(client, case.case_no, action, TAX, body)
    assert status == 200, answer
    told = [t for t in await notices(fake_api, openid, at_least=1) if case.case_no in t]
    assert told, fake_api.texts_to(openid)
    assert chinese(told[-1]) and not JARGON.search(told[-1].replace(case.case_no, "")), told
    private(told[-1])


async def test_a_note_is_kept_on_the_case_and_masked(server, rules, client):
    case = await new_case(server, rules, openid="o-f16-note")
    status, _ = await act(client, case.case_no, "note", TAX,
                          {"text": f"已电话单位会计{PHONE}，约定周三补缴"})
    assert status == 200
    dumped = json.dumps((await view_as(client, case.case_no, TAX))[1], ensure_ascii=False)
    assert "约定周三补缴" in dumped
    assert not unmasked(dumped, PHONE), dumped


# === 5. bad input ===============================================================================


@pytest.mark.parametrize("action, body", [
    ("accept", {}), ("note", {"text": "看看"}), ("resolve", {"result": "已办"})],
    ids=["accept", "note", "resolve"])
async def test_an_unknown_case_is_a_404_in_chinese(server, client, action, body):
    status, body = await act(client, "ZY20261127-0999", action, TAX, body)
    assert status == 404 and chinese(body), (status, body)


async def test_a_wrong_token_on_an_action_is_401_and_changes_nothing(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f16-token")
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "resolve",
                             {"Authorization": "Bearer dev-token-taxx"}, {"result": "已办"})
    assert status == 401, body
    assert await kinds(sm, case) == before


@pytest.mark.parametrize("text", ["", "   ", "\n\t"], ids=["empty", "spaces", "whitespace"])
async def test_a_blank_note_is_a_400_and_records_nothing(server, rules, client, sm, text):
    case = await new_case(server, rules, openid=f"o-f16-blank-{len(text)}")
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "note", TAX, {"text": text})
    assert status == 400 and chinese(body), (status, body)
    assert await kinds(sm, case) == before


async def test_a_huge_note_is_refused_clearly_and_records_nothing(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f16-huge")
    before = await kinds(sm, case)
    status, _ = await act(client, case.case_no, "note", TAX, {"text": "很长" * 60000})
    assert status in (400, 413), status
    assert await kinds(sm, case) == before
    assert (await act(client, case.case_no, "note", TAX, {"text": "正常备注"}))[0] == 200


@pytest.mark.parametrize("text", ["已电话\u0000单位", "表情\ud83d坏了"], ids=["nul", "surrogate"])
async def test_odd_characters_in_a_note_are_not_a_500(server, rules, client, sm, text):
    case = await new_case(server, rules, openid=f"o-f16-odd-{ord(text[3])}")
    status, body = await act(client, case.case_no, "note", TAX, {"text": text})
    assert status in (200, 400), (status, body)
    if status == 400:
        assert chinese(body), body
    assert (await act(client, case.case_no, "note", TAX, {"text": "之后的备注"}))[0] == 200


async def test_unknown_fields_are_named_in_a_400_and_nothing_is_lost(server, rules, client,
                                                                     sm):
    """Rewritten: the API refuses unknown fields (a typo like "reslut" must not silently drop
    the result), naming them in Chinese; nothing is recorded, and the same text then goes in."""
    case = await new_case(server, rules, openid="o-f16-extra")
    before = await kinds(sm, case)
    status, body = await act(client, case.case_no, "note", TAX,
                             {"text": "备注内容", "priority": 9, "x": {"y": [1]}})
    assert status == 400 and chinese(body) and "priority" in body["message"], body
    assert await kinds(sm, case) == before
    assert (await act(client, case.case_no, "note", TAX, {"text": "备注内容"}))[0] == 200


# === 6. logs ====================================================================================


async def test_logs_never_hold_a_full_phone_or_id_number(server, rules, client, caplog,
                                                          fake_webhook):
    caplog.set_level(logging.DEBUG)
    case = await new_case(server, rules, openid="o-f16-logs",
                          description=f"手机{PHONE}，身份证{ID_NUMBER}，单位不交")
    await card_of(fake_webhook, GROUP["tax"], case.case_no)
    await act(client, case.case_no, "note", TAX, {"text": f"回电{PHONE}"})
    await act(client, case.case_no, "resolve", TAX, {"result": f"身份证{ID_NUMBER}已补缴"})
    # the database driver's own DEBUG echo of stored rows is not the app's log
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith(("aiosqlite", "sqlalchemy", "asyncpg")))
    assert not unmasked(logged, PHONE) and not unmasked(logged, ID_NUMBER), logged[-2000:]
