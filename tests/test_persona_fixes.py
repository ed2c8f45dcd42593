"""Payers as they are (from concurrent persona transcripts): an unhappy payer after a
liaison resolved the case, and an employer asking what they owe."""
from __future__ import annotations

from bot.store.models import Case
from tests.test_dialogue import fetch, say
from tests.test_followup import resolved_case


async def test_complaining_about_the_office_after_resolution_is_a_verdict(
        platform, http, bot_server, config):
    openid = "o-persona-angry"
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    reply = await say(platform, openid, "我要投诉你们")
    assert "重新办理" in reply and "哪个区" not in reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.solved is False


async def test_what_now_after_an_unsolved_verdict_repeats_the_options(
        platform, http, bot_server):
    openid = "o-persona-whatnow"
    await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    assert "行政复议" in await say(platform, openid, "单位根本没补")
    for question in ("那我还能怎么办", "那咋整嘛"):
        again = await say(platform, openid, question)
        assert "行政复议" in again and "重新办理" in again, question


async def test_reopen_typed_inside_a_new_form_reopens_the_resolved_case(
        platform, http, bot_server, config):
    openid = "o-persona-reopen"
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    assert "单位" in await say(platform, openid, "公司还欠我社保")
    assert case_no in await say(platform, openid, "重新办理")
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.status == "reopened"


async def test_an_employer_asking_what_to_pay_for_staff_is_answered(platform):
    for openid, question in (("o-boss-1", "我是开小店的老板，招了三个员工，社保我要给他们交多少"),
                             ("o-boss-2", "我开了个小饭馆，雇了两个人，要给他们买社保吗")):
        reply = await say(platform, openid, question)
        assert "哪个区" not in reply and "单位（公司/厂）" not in reply, reply
        assert "依据" in reply or "12" in reply, reply
