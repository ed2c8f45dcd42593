"""Robustness outside the intake form: payers after registration (progress checks, ratings,
answers to a liaison's question, menu clicks) through the encrypted gateway, and liaisons
sending odd input to the REST API and the console. Each test pins one bug that was found
by probing with such input."""
from __future__ import annotations

import pytest

from bot.simulator import event_xml
from bot.store.models import Case, CaseEvent
from tests import test_console as console_base
from tests.test_cases import new_case
from tests.test_dialogue import fetch, say
from tests.test_followup import act, file_case, resolved_case

# Fixtures from the console tests (assigned, not imported, so linters see them used).
rules = console_base.rules
signed_in = console_base.signed_in

TAX = {"Authorization": "Bearer dev-token-tax"}


async def stored_case(config, case_no: str) -> Case:
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    return case


# --- payer: ratings after resolution ------------------------------------------------------


@pytest.mark.parametrize(("message", "rating", "solved", "cue"), [
    ("五星", 5, None, "解决了吗"),          # Chinese numeral: was "I don't understand"
    ("已解决", None, True, "打个分"),        # NLU says "cancel": was "nothing to cancel"
    ("还没解决", None, False, "行政复议"),    # NLU says "check_progress": was the case list
    ("不太满意", None, False, "行政复议"),    # contains 满意: was recorded as solved
    ("10分", None, None, "1-5分"),          # out of range: was "I don't understand"
])
async def test_rating_replies_after_resolution_are_understood(
        platform, http, bot_server, config, message, rating, solved, cue):
    openid = f"o-rate-{abs(hash(message)) % 10**8}"
    case_no = await resolved_case(platform, http, bot_server, openid)
    reply = await say(platform, openid, message)
    assert cue in reply
    case = await stored_case(config, case_no)
    assert (case.rating, case.solved) == (rating, solved)


async def test_reopen_right_after_resolution_reopens_and_a_repeat_says_so(
        platform, http, bot_server, config):
    openid = "o-reopen-direct"
    case_no = await resolved_case(platform, http, bot_server, openid)
    reply = await say(platform, openid, "重新办理")  # was: "目前没有正在填写的登记"
    assert case_no in reply and "重新打开" in reply
    case = await stored_case(config, case_no)
    assert case.status == "reopened" and case.solved is False
    again = await say(platform, openid, "重新办理")
    assert case_no in again and "重新办理中" in again


async def test_reopen_without_any_resolved_case_explains_instead_of_cancel_text(platform):
    reply = await say(platform, "o-reopen-none", "重新办理")
    assert "重新办理" in reply and "没有正在填写的登记" not in reply


# --- payer: answering a liaison's request for information ---------------------------------


async def test_an_acknowledgement_does_not_use_up_the_information_request(
        platform, http, bot_server, config):
    openid = "o-info-ack"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    for filler in ("好的", "😀😀", "[捂脸]"):
        reply = await say(platform, openid, filler)
        assert "请提供工资条" in reply and case_no in reply
    case = await stored_case(config, case_no)
    assert case.awaiting_info is True
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    assert not [e for e in events if e.kind == "supplement"]
    reply = await say(platform, openid, "工资条上每月九千，单位按四千二申报")
    assert "补充" in reply
    case = await stored_case(config, case_no)
    assert case.awaiting_info is False


async def test_menu_command_while_information_is_requested_starts_a_new_filing(
        platform, http, bot_server, config):
    openid = "o-info-menu"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    reply = await say(platform, openid, "反映问题")  # was stored as the "supplement"
    assert "登记" in reply and "已把您补充" not in reply
    assert (await stored_case(config, case_no)).awaiting_info is True


# --- payer: progress and menu --------------------------------------------------------------


async def test_case_numbers_typed_loosely_show_the_timeline(platform):
    openid = "o-loose-no"
    case_no = await file_case(platform, openid)
    prefix, day, seq = case_no[:2], case_no[2:10], case_no[11:]
    for typed in (f"进度 {prefix} {day} {seq}", f"{prefix}{day}—{seq}", f"{prefix}{day} {seq}",
                  " ".join(case_no)):
        reply = await say(platform, openid, typed)
        assert reply.startswith(case_no + "｜"), (typed, reply)
    other = await file_case(platform, "o-loose-other")
    reply = await say(platform, openid, f"进度 {other[:10]} {other[11:]}")
    assert "没有找到" in reply and "单位欠缴" not in reply


async def test_a_mistyped_case_number_is_pointed_out_with_the_list(platform):
    openid = "o-typo-no"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, f"进度 {case_no[:9]}-{case_no[11:]}")  # a digit short
    assert "没认出" in reply and case_no in reply


async def test_unknown_menu_click_gets_the_help_text(platform):
    delivery = await platform.post(event_xml("o-old-menu", "CLICK", "OLD_BUTTON"))
    assert delivery.status == 200 and delivery.reply and "反映问题" in delivery.reply


# --- liaison REST API -----------------------------------------------------------------------


async def call(http, server, method, path, headers=TAX, **kw):
    async with http.request(method, server.make_url(path), headers=headers, **kw) as resp:
        return resp.status, await resp.json(content_type=None)


async def test_deeply_nested_json_is_a_400_not_a_500(server, http, rules):
    case = await new_case(server, rules)
    status, body = await call(http, server, "POST", f"/api/cases/{case.case_no}/note",
                              data="[" * 100_000 + "]" * 100_000)
    assert status == 400 and "JSON" in body["error"]


async def test_a_lone_surrogate_is_refused_and_the_case_stays_readable(server, http, rules):
    case = await new_case(server, rules)
    status, _ = await call(http, server, "POST", f"/api/cases/{case.case_no}/note",
                           data='{"text": "\\ud800"}')
    assert status == 400
    assert (await call(http, server, "GET", f"/api/cases/{case.case_no}"))[0] == 200


async def test_control_characters_are_dropped_from_notes(server, http, rules, sm):
    case = await new_case(server, rules)
    status, _ = await call(http, server, "POST", f"/api/cases/{case.case_no}/note",
                           json={"text": "已联系\x00单位"})
    assert status == 200
    async with sm() as session:
        [note] = [e for e in (await session.execute(
            CaseEvent.__table__.select().where(CaseEvent.case_id == case.id))).mappings()
            if e["kind"] == "note"]
    assert note["detail"]["text"] == "已联系单位"


async def test_transfer_to_the_leadership_office_is_refused(server, http, rules):
    case = await new_case(server, rules)
    status, body = await call(http, server, "POST", f"/api/cases/{case.case_no}/transfer",
                              json={"agency": "leadership_office", "reason": "请领导处理"})
    assert status == 400 and "`agency`" in body["error"]
    assert (await call(http, server, "GET", f"/api/cases/{case.case_no}"))[0] == 200


async def test_transfer_reason_cannot_inject_markdown_into_the_group(
        server, http, rules, fake_webhook):
    case = await new_case(server, rules)
    status, _ = await call(http, server, "POST", f"/api/cases/{case.case_no}/transfer",
                           json={"agency": "hrss",
                                 "reason": "[点此](http://evil.example) 电话13812345678"})
    assert status == 200
    await fake_webhook.posts.wait_for(3)
    note = str(fake_webhook.to_key("dev-key-zc-hrss")[-1])
    assert "转办" in note and "](http" not in note and "13812345678" not in note


async def test_case_number_in_lower_case_finds_the_case(server, http, rules):
    case = await new_case(server, rules)
    assert (await call(http, server, "GET", f"/api/cases/{case.case_no.lower()}"))[0] == 200


# --- liaison console ----------------------------------------------------------------------


async def test_an_undecodable_form_is_a_400_page(server, signed_in, rules):
    tax, _ = await signed_in("tax")
    case = await new_case(server, rules)
    async with tax.post(f"/console/cases/{case.case_no}/note", data=b"\xff\xfe=\xff",
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                        allow_redirects=False) as resp:
        assert resp.status == 400


async def test_dates_at_the_end_of_the_calendar_are_a_400_page(signed_in):
    tax, _ = await signed_in("tax")
    for path in ("/console/stats?from=0001-01-01&to=9999-12-31",
                 "/console/export.csv?to=9999-12-31"):
        async with tax.get(path) as resp:
            assert resp.status == 400, path
