"""Open cases and progress, round 10, written blind, through the gateway, the liaison API and
console, and the fake WeChat API: a payer who already filed checks on it in words not tried
before (进读, 近读, 查寻进度, 有进展没, 办妥了没, 那另一个呢), picks one of two cases by its
number or employer and asks who handles it, adds facts later (补充 announced first and sent in
the next message, 对了忘了说…), withdraws (私了了, 不投诉了) and then changes their mind (还是
别撤了 继续查), complains the deadline passed (超时了咋还没人理) whether or not it really has,
asks to reopen a result they dislike in their own words, receives the notices a liaison's
console actions send, and does all this across a restart of the server in the middle."""
from __future__ import annotations

import re
import zlib

import pytest

from bot.app import build_app
from routing.notices import local_deadline
from tests.conftest import make_platform
from tests.test_console import sign_in
from tests.test_dialogue import CASE_NO, say
from tests.test_followup import act, file_case, resolved_case
from tests.test_journeys2 import wait_heard
from tests.test_open_case_fresh9 import cases_of, ok, requests
from tests.test_open_case_requests import case_of, second_case, supplements
from tests.test_progress_fresh2 import overdue

TAX_NAME = "区税务局"
HRSS_NAME = "区人力资源和社会保障局"
EMPTY_FIELD = re.compile(r"[（(][，,、：:]|[，,、：:][）)]|[（(][）)]|None|null")


def oid(prefix: str, message: str) -> str:
    return f"o-f10-{prefix}-{zlib.crc32(message.encode())}"


# --- (a) progress in words and typos not tried before ------------------------------------------

CHECKS = ["进读", "近读", "尽度查询", "查寻进度", "差一下进度", "进度咋样啦", "我的投诉有进展没",
          "那事办妥了没", "处理到啥程度了", "啥时候能有结果", "查询一下我的投诉", "我反映的问题有结果了吗",
          "你好，请问我的事情处理得怎么样了？", "进杜", "近渡", "进 度", "【进度】", "进度？？？",
          "查一下我那个进度啊谢谢", "上个月投诉的那个 现在什么情况", "俺的事弄到哪嘞",
          "我投诉嘅嘢有冇进展", "我嗰单嘢搞成点啊"]


@pytest.mark.parametrize("message", CHECKS)
async def test_a_progress_check_in_other_words_shows_the_case(platform, config, message):
    openid = oid("check", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply and ok(reply), (message, reply)
    assert not EMPTY_FIELD.search(reply), (message, reply)
    assert len(await cases_of(config, openid)) == 1
    assert await supplements(config, case_no) == [], (message, reply)


# --- (b) two cases: by number, by employer, "the other one", who handles it --------------------

async def test_a_case_number_with_a_question_shows_only_that_case(platform):
    openid = "o-f10-two-number"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, f"查下{second} 这个谁在办")
    assert second in reply and first not in reply and ok(reply), reply


async def test_the_other_one_after_a_check_shows_the_other_case(platform):
    openid = "o-f10-two-other"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, "宏达那个咋样了")
    assert first in reply and second not in reply, reply
    reply = await say(platform, openid, "那另一个呢")
    assert second in reply and first not in reply and ok(reply), reply


@pytest.mark.parametrize("message", ["现在是谁在处理我的事", "经办人是哪位", "哪个部门负责我这个投诉",
                                     "我这个归谁管", "负责人是谁", "谁在跟我这个案子"])
async def test_who_handles_it_names_the_agency(platform, message):
    openid = oid("who", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and TAX_NAME in reply and ok(reply), (message, reply)


async def test_who_handles_it_after_a_transfer_names_the_new_agency(platform, http, bot_server):
    openid = "o-f10-who-moved"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "transfer",
                     {"agency": "hrss", "reason": "属于基数核定"}) == 200
    reply = await say(platform, openid, "那现在归谁管了")
    assert case_no in reply and HRSS_NAME in reply and ok(reply), reply


# --- (c) adding facts later ---------------------------------------------------------------------

@pytest.mark.parametrize("message,kept", [
    ("对了忘了说 老板姓陈，厂里还有十几个人也没交", "姓陈"),
    ("补充：单位是从2023年3月开始停缴的", "2023年3月"),
    ("再补充一点，我入职的时候签过合同的", "合同"),
    ("还有 单位每个月工资里扣了我412块社保 但是没交上去", "412"),
])
async def test_a_fact_added_later_joins_the_open_case(platform, config, message, kept):
    openid = oid("more", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    if "同一件事" in reply:
        assert case_no in await say(platform, openid, "1")
    events = await supplements(config, case_no)
    assert len(events) == 1 and kept in events[0].detail["text"], (message, reply)
    assert len(await cases_of(config, openid)) == 1


@pytest.mark.parametrize("announce", ["我要补充证据", "我想补充一下材料", "补充"])
async def test_an_announced_addition_takes_the_next_message(platform, config, announce):
    openid = oid("announce", announce)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, announce)
    assert ok(reply), (announce, reply)
    reply = await say(platform, openid, "银行流水显示每个月都扣了社保412元")
    assert case_no in reply and ok(reply), (announce, reply)
    events = await supplements(config, case_no)
    assert len(events) == 1 and "412" in events[0].detail["text"], (announce, reply)


async def test_an_addition_named_for_the_second_case_joins_only_it(platform, config):
    openid = "o-f10-more-second"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, "医保那个补充一下：多扣的是2024年1月到6月的")
    assert second in reply and ok(reply), reply
    [event] = await supplements(config, second)
    assert "2024年1月" in event.detail["text"]
    assert await supplements(config, first) == []


# --- (d) withdrawing, and changing one's mind ---------------------------------------------------

@pytest.mark.parametrize("message", ["我跟老板私了了，不投诉了", "私了了 撤回吧", "不投诉了 谢谢你们",
                                     "撤回", "投诉撤回", "私了了", "和单位协商好了 不用你们管了"])
async def test_a_wish_to_withdraw_in_other_words_reaches_the_liaison(platform, config, message):
    openid = oid("wd", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    assert requests(await supplements(config, case_no)) in (["withdraw"], ["settled"]), reply


@pytest.mark.parametrize("again", ["算了还是别撤了 继续查吧", "刚才说撤回的不算，还是要投诉",
                                   "我改主意了，不撤了"])
async def test_changing_ones_mind_after_withdrawing_tells_the_liaison(platform, config, again):
    openid = oid("mind", again)
    case_no = await file_case(platform, openid)
    await say(platform, openid, "不办了 撤回吧")
    assert requests(await supplements(config, case_no)) == ["withdraw"]
    reply = await say(platform, openid, again)
    assert case_no in reply and ok(reply), (again, reply)
    got = requests(await supplements(config, case_no))
    assert len(got) == 2 and got[1] != "withdraw", (again, got)
    status = await say(platform, openid, "进度")
    assert case_no in status and "不再继续办理" not in status, status
    assert len(await cases_of(config, openid)) == 1


async def test_a_bare_never_mind_then_not_withdrawing_forwards_nothing(platform, config):
    openid = "o-f10-mind-before"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "算了")
    reply = await say(platform, openid, "不是 先不撤 再等等吧")
    assert ok(reply), reply
    assert await supplements(config, case_no) == [], reply
    status = await say(platform, openid, "进度")
    assert case_no in status and "不再继续办理" not in status, status


async def test_withdrawing_both_of_two_cases_withdraws_both(platform, config):
    openid = "o-f10-wd-both"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, "两个都不投诉了 撤回吧")
    assert first in reply and second in reply and ok(reply), reply
    assert requests(await supplements(config, first)) == ["withdraw"]
    assert requests(await supplements(config, second)) == ["withdraw"]


# --- (e) "the deadline passed and nobody answered" ----------------------------------------------

@pytest.mark.parametrize("message", ["超时了咋还没人理", "都过期限了还没处理", "说好的时间早过了 怎么回事",
                                     "15个工作日都过了 还没人联系我"])
async def test_a_complaint_about_an_overdue_case_urges_it(
        platform, config, bot_server, message):
    openid = oid("late", message)
    case_no = await file_case(platform, openid)
    await overdue(config, bot_server, case_no)
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    assert "超过办理时限" in reply or "督办" in reply, (message, reply)
    assert len(await cases_of(config, openid)) == 1


@pytest.mark.parametrize("message", ["超时了咋还没人理", "都过期限了还没处理"])
async def test_a_complaint_about_a_deadline_not_yet_passed_shows_the_deadline(
        platform, config, message):
    openid = oid("notlate", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    assert case_no in reply and deadline in reply and ok(reply), (message, reply)
    assert "超过办理时限" not in reply, (message, reply)
    assert len(await cases_of(config, openid)) == 1


# --- (f) a result the payer dislikes --------------------------------------------------------------

@pytest.mark.parametrize("message", ["这个结果我不认可，麻烦重新处理一下", "我不服 要求重新查",
                                     "单位根本没补 你们怎么就结案了 重新给我办", "申请重新办理",
                                     "麻烦再查一次", "我要复查"])
async def test_asking_to_reopen_a_disliked_result_reopens_it(
        platform, http, bot_server, config, message):
    openid = oid("reopen", message)
    case_no = await resolved_case(platform, http, bot_server, openid)
    reply = await say(platform, openid, message)
    if "重新办理" in reply and (await case_of(config, case_no)).status != "reopened":
        reply = await say(platform, openid, "重新办理")
    assert case_no in reply and ok(reply), (message, reply)
    assert (await case_of(config, case_no)).status == "reopened", (message, reply)
    assert len(await cases_of(config, openid)) == 1


@pytest.mark.parametrize("message", ["结果不满意", "这处理的什么呀 一点用没有"])
async def test_disliking_a_result_offers_the_ways_on(platform, http, bot_server, config, message):
    openid = oid("dislike", message)
    case_no = await resolved_case(platform, http, bot_server, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    assert "重新办理" in reply and "行政复议" in reply, (message, reply)
    assert len(await cases_of(config, openid)) == 1


# --- (g) status notices sent by the liaison's console ------------------------------------------

@pytest.mark.parametrize("action,data,words", [
    ("accept", {}, "受理"),
    ("request-info", {"text": "请提供近三个月工资条"}, "工资条"),
    ("resolve", {"result": "已责令单位补缴"}, "已责令单位补缴"),
])
async def test_a_console_action_tells_the_payer(
        platform, aiohttp_client, bot_server, fake_api, action, data, words):
    openid = f"o-f10-console-{action}"
    case_no = await file_case(platform, openid)
    client = await aiohttp_client(bot_server)
    csrf = await sign_in(client, "tax")
    async with client.post(f"/console/cases/{case_no}/{action}", data={"csrf": csrf, **data},
                           allow_redirects=False) as resp:
        assert resp.status in (200, 303), await resp.text()
    told = await wait_heard(fake_api, openid, 1)
    assert any(case_no in t and words in t for t in told), told
    assert all(not EMPTY_FIELD.search(t) for t in told), told


async def test_after_a_console_request_the_payers_answer_joins_the_case(
        platform, aiohttp_client, bot_server, config, fake_api):
    openid = "o-f10-console-answer"
    case_no = await file_case(platform, openid)
    client = await aiohttp_client(bot_server)
    csrf = await sign_in(client, "tax")
    async with client.post(f"/console/cases/{case_no}/request-info",
                           data={"csrf": csrf, "text": "请提供劳动合同"}) as resp:
        assert resp.status == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "合同在家里 我晚上拍照发你 合同写的月薪7000")
    assert case_no in reply and ok(reply), reply
    events = await supplements(config, case_no)
    assert events and "7000" in events[-1].detail["text"], reply


# --- (h) a restart of the server in the middle ----------------------------------------------------

async def restarted(aiohttp_server, http, config, models, old):
    """Close the running bot and start a new one on the same database."""
    await old.close()
    server = await aiohttp_server(build_app(config, models=models))
    return server, make_platform(http, server, config)


async def test_after_a_restart_a_progress_check_shows_the_case(
        platform, aiohttp_server, http, bot_server, config, models):
    openid = "o-f10-restart-check"
    case_no = await file_case(platform, openid)
    server, again = await restarted(aiohttp_server, http, config, models, bot_server)
    try:
        reply = await say(again, openid, "我那个事咋样了")
        assert case_no in reply and "宏达" in reply and ok(reply), reply
    finally:
        await server.close()


async def test_an_addition_announced_before_a_restart_is_taken_after_it(
        platform, aiohttp_server, http, bot_server, config, models):
    openid = "o-f10-restart-announce"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "我要补充证据")
    server, again = await restarted(aiohttp_server, http, config, models, bot_server)
    try:
        reply = await say(again, openid, "考勤记录我有 每天都打卡 工号0388")
        assert case_no in reply and ok(reply), reply
        events = await supplements(config, case_no)
        assert len(events) == 1 and "0388" in events[0].detail["text"], reply
    finally:
        await server.close()


async def test_a_withdraw_question_before_a_restart_is_answered_after_it(
        platform, aiohttp_server, http, bot_server, config, models):
    openid = "o-f10-restart-wd"
    case_no = await file_case(platform, openid)
    first = await say(platform, openid, "算了")
    server, again = await restarted(aiohttp_server, http, config, models, bot_server)
    try:
        if not await supplements(config, case_no):  # asked before forwarding: answer it now
            reply = await say(again, openid, "对 撤回")
            assert case_no in reply and ok(reply), (first, reply)
        assert requests(await supplements(config, case_no)) == ["withdraw"], first
    finally:
        await server.close()


async def test_a_liaison_update_after_a_restart_reaches_the_payer(
        platform, aiohttp_server, http, bot_server, config, models, fake_api):
    openid = "o-f10-restart-notice"
    case_no = await file_case(platform, openid)
    server, again = await restarted(aiohttp_server, http, config, models, bot_server)
    try:
        assert await act(http, server, case_no, "request-info", {"text": "请提供工资条"}) == 200
        told = await wait_heard(fake_api, openid, 1)
        assert any(case_no in t and "工资条" in t for t in told), told
        reply = await say(again, openid, "工资条上写着社保扣了412")
        assert case_no in reply and ok(reply), reply
        events = await supplements(config, case_no)
        assert events and "412" in events[-1].detail["text"]
    finally:
        await server.close()


async def test_an_update_queued_before_a_restart_is_delivered_once(
        platform, aiohttp_server, http, bot_server, config, models, fake_api):
    openid = "o-f10-restart-queued"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "resolve", {"result": "已责令单位补缴"}) == 200
    server, again = await restarted(aiohttp_server, http, config, models, bot_server)
    try:
        told = await wait_heard(fake_api, openid, 1)
        reply = await say(again, openid, "进度")
        assert case_no in reply and "已责令单位补缴" in reply, reply
        told = [t for t in fake_api.texts_to(openid) if "已责令单位补缴" in t]
        assert len(told) == 1, told
    finally:
        await server.close()


async def test_a_second_case_filed_after_a_restart_gets_a_new_number(
        platform, aiohttp_server, http, bot_server, config, models):
    openid = "o-f10-restart-second"
    first = await file_case(platform, openid)
    server, again = await restarted(aiohttp_server, http, config, models, bot_server)
    try:
        second = await second_case(again, openid)
        assert second != first and CASE_NO.fullmatch(second)
        reply = await say(again, openid, "两个都查下")
        assert first in reply and second in reply and ok(reply), reply
    finally:
        await server.close()


# --- (i) "the other one": regressions written after reading the code (not blind) ----------------

async def test_the_other_one_with_nothing_shown_before_is_asked_not_guessed(platform, config):
    openid = "o-f10-other-unknown"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, "另外那个催一下")
    assert ok(reply), reply
    assert first in reply and second in reply, reply  # which one? both listed
    assert await supplements(config, first) == [] and await supplements(config, second) == []


async def test_urging_the_other_one_after_a_check_urges_only_it(platform, config):
    openid = "o-f10-other-urge"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    assert second in await say(platform, openid, f"进度 {second}")
    reply = await say(platform, openid, "另一个帮我催一下")
    assert first in reply and ok(reply), reply
    assert requests(await supplements(config, first)) == ["urge"]
    assert await supplements(config, second) == []


async def test_another_matter_after_a_check_is_not_the_other_case(platform, config):
    openid = "o-f10-other-matter"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    await say(platform, openid, "宏达那个咋样了")
    reply = await say(platform, openid, "我还有另外一个事要反映")
    # no timeline: a form, which asks what the other matter is ("还有另外一个事" tells none)
    assert "当前：" not in reply and ("登记" in reply or "说说" in reply) and ok(reply), reply
    assert await supplements(config, first) == [] and await supplements(config, second) == []
