"""After filing, round 5, written blind, through the gateway: progress checks typed the way
payers type them (with one, several or no cases, and the list saying which case is which),
"我要投诉这个结果" about an archived case, material added in words, withdrawing and filing
again, and case numbers that are not the payer's own.

Privacy: a payer sees only their own cases — another payer's number reveals nothing of it
and nothing the payer sends with it reaches that case."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_fresh import archived_case
from tests.test_open_case_requests import case_of, group_messages, second_case, supplements

NOT_UNDERSTOOD = "没太明白"
NEW_FORM = "请选一下问题类型"
NO_CASE = "还没有登记过事项"
LEGAL = "行政复议"
TIME_LIMIT = "六十日"


def oid(prefix: str, message: str) -> str:
    return f"o-f5-{prefix}-{zlib.crc32(message.encode())}"


# --- (a) progress typed colloquially -------------------------------------------------------

COLLOQUIAL = ["我那个事咋样了", "进读", "查下进展", "案子到哪一步了", "我反映的事有结果没",
              "我投诉的那个办得咋样了"]


@pytest.mark.parametrize("message", COLLOQUIAL)
async def test_a_colloquial_progress_check_with_one_case_shows_it(platform, config, message):
    openid = oid("one", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, (message, reply)
    assert "宏达" in reply, (message, reply)  # which employer the case is about


@pytest.mark.parametrize("message", ["我那个事咋样了", "进读", "查下进展", "案子到哪一步了"])
async def test_a_colloquial_progress_check_with_two_cases_tells_them_apart(platform, config,
                                                                          message):
    openid = oid("two", message)
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, message)
    assert first in reply and second in reply, (message, reply)
    assert "宏达" in reply and "宏图" in reply, (message, reply)


@pytest.mark.parametrize("message", ["我那个事咋样了", "进读", "查下进展", "案子到哪一步了"])
async def test_a_colloquial_progress_check_with_no_case_says_there_is_none(platform, message):
    openid = oid("none", message)
    reply = await say(platform, openid, message)
    assert NO_CASE in reply and NEW_FORM not in reply, (message, reply)


async def test_the_progress_list_names_the_employer_of_each_case(platform, config):
    openid = "o-f5-list-employer"
    await file_case(platform, openid)
    await second_case(platform, openid)
    reply = await say(platform, openid, "进度")
    rows = [line for line in reply.splitlines() if CASE_NO.search(line)]
    assert len(rows) == 2 and any("宏达" in r for r in rows) and any("宏图" in r for r in rows), \
        reply


# --- (b) "我要投诉这个结果" about a closed case ----------------------------------------------


@pytest.mark.parametrize("message", ["我要投诉这个结果", "这个结果我要投诉", "我要投诉你们这个处理结果",
                                     "对处理结果不满意，我要投诉"])
async def test_complaining_about_an_archived_result_gives_the_case_and_legal_options(
        platform, http, bot_server, config, message):
    openid = oid("arch", message)
    case_no = await archived_case(platform, http, bot_server, config, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and LEGAL in reply and TIME_LIMIT in reply, (message, reply)
    assert NEW_FORM not in reply and "涉及几个人" not in reply, (message, reply)


async def test_complaining_about_a_fresh_result_gives_the_legal_options(platform, http,
                                                                        bot_server, config):
    openid = "o-f5-fresh-result"
    case_no = await resolved_case(platform, http, bot_server, openid, "经核查不予支持")
    reply = await say(platform, openid, "我要投诉这个结果")
    assert case_no in reply and LEGAL in reply and NEW_FORM not in reply, reply


# --- (c) material added in words -------------------------------------------------------------


@pytest.mark.parametrize("message,fact", [("补充一下 老板还欠我工资", "欠我工资"),
                                          ("再补充一点：公司还扣了我两千押金", "押金"),
                                          ("补充下，离职证明他们也不给开", "离职证明")])
async def test_text_material_after_filing_joins_the_case(platform, config, message, fact):
    openid = oid("supp", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NEW_FORM not in reply, (message, reply)
    [event] = await supplements(config, case_no)
    assert fact in event.detail["text"], event.detail


# --- (d) withdrawing, then filing again ---------------------------------------------------


async def test_filing_again_after_a_withdrawal_was_closed_registers_a_new_case(
        platform, http, bot_server, config):
    openid = "o-f5-refile"
    old = await file_case(platform, openid)
    await say(platform, openid, "我不想办了，撤回吧")
    assert await act(http, bot_server, old, "resolve", {"result": "缴费人申请撤回，予以办结"}) == 200
    reply = await say(platform, openid, "我想了想还是要投诉，宏达电子厂到现在还没给我交社保")
    assert "登记" in reply or NEW_FORM in reply or "?" in reply or "？" in reply, reply
    reply = await finish_form(platform, openid, reply, ANSWERS)
    new = CASE_NO.search(await say(platform, openid, "确认")).group()
    assert new != old
    assert (await case_of(config, new)).status not in ("resolved", "closed")


async def test_another_matter_right_after_withdrawing_is_a_new_form(platform, config):
    openid = "o-f5-withdraw-other"
    old = await file_case(platform, openid)
    await say(platform, openid, "撤回吧，不办了")
    reply = await say(platform, openid, "另外荔城街道的宏图公司多扣了我的医保费，要求退还")
    assert old not in reply or "登记" in reply, reply
    reply = await finish_form(platform, openid, reply, ANSWERS)
    assert CASE_NO.search(await say(platform, openid, "确认")).group() != old


# --- (e) case numbers that are not the payer's ---------------------------------------------


@pytest.mark.parametrize("shape", ["帮我查查{case}", "{case}是谁投诉的", "{case}的电话是多少",
                                   "我朋友的{case}怎么样了", "{case} 补充一下 老板还欠我工资"])
async def test_a_payer_with_a_case_asking_about_anothers_number_sees_only_their_own(
        platform, config, shape):
    other = await file_case(platform, oid("owner", shape))
    openid = oid("nosy", shape)
    mine = await second_case(platform, openid)
    reply = await say(platform, openid, shape.format(case=other))
    assert "宏达" not in reply and "吴十" not in reply and "138" not in reply, (shape, reply)
    assert "当前" not in reply or other not in reply, (shape, reply)
    assert await supplements(config, other) == [], reply
    assert await group_messages(config, other) == [], reply
    assert (await case_of(config, mine)).status not in ("closed", "resolved")


@pytest.mark.parametrize("typed", ["ZY20250101-0099", "进度 ZY20240315-0002", "zy202401010007"])
async def test_a_number_nobody_has_is_unknown(platform, config, typed):
    openid = oid("ghost", typed)
    await file_case(platform, openid)
    reply = await say(platform, openid, typed)
    assert "没有找到" in reply or "没认出" in reply or "尾号" in reply, (typed, reply)
    assert NOT_UNDERSTOOD not in reply, reply


# --- a new phone number typed after filing ---------------------------------------------------


@pytest.mark.parametrize("message", ["能不能打我另一个号13987654321", "打我另外一个手机139-8765-4321",
                                     "我还有个备用号码13987654321"])
async def test_another_number_to_call_reaches_the_liaison_not_a_case_number_error(
        platform, config, message):
    openid = oid("phone", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "没认出" not in reply and "编号" not in reply.split("。")[0], \
        (message, reply)
    bodies = await group_messages(config, case_no)
    assert bodies and all("8765" not in b for b in bodies), bodies
