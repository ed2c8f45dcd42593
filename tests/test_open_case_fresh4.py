"""After filing, round 4, through the gateway: progress checks with a mistyped or someone
else's case number, disputes after the 14-day rating window, a complaint about the handler
(who hears it), two open cases named loosely, and a payer changing their mind.

Privacy: a payer sees only their own cases — another payer's number reveals nothing of it."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import say
from tests.test_followup import file_case, resolved_case
from tests.test_open_case_fresh import archived_case
from tests.test_open_case_requests import case_of, group_messages, second_case

NOT_UNDERSTOOD = "没太明白"


# --- (a) disputing after the 14-day window -------------------------------------------------


@pytest.mark.parametrize("message", ["这个结果我不服", "我不认可这个处理结果", "凭什么这么处理",
                                     "结果不对，我要申诉"])
async def test_a_late_dispute_says_what_can_still_be_done(platform, http, bot_server, config,
                                                          message):
    openid = f"o-f4-late-{len(message)}-{message[0]}"
    case_no = await archived_case(platform, http, bot_server, config, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "行政复议" in reply and "《行政复议法》第二十条" in reply, reply
    assert "反映问题" in reply and NOT_UNDERSTOOD not in reply, reply


# --- (b) a complaint about the handler -----------------------------------------------------


@pytest.mark.parametrize("message", ["处理的人态度很差", "你们工作人员太敷衍了", "打电话一直不接"])
async def test_a_handler_complaint_says_the_leadership_office_heard_it(platform, config,
                                                                       message):
    openid = f"o-f4-handler-{len(message)}-{message[0]}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply, reply
    assert "领导小组办公室" in reply, reply


# --- (c) progress with a mistyped or someone else's number ---------------------------------


@pytest.mark.parametrize("shape", ["{lower}", "{spaced}", "{nodash}", "查询 {lower}",
                                   "{spaced} 进度", "{case}怎么样了"])
async def test_progress_with_a_loosely_typed_number(platform, config, shape):
    openid = f"o-f4-typo-{zlib.crc32(shape.encode())}"
    case_no = await file_case(platform, openid)
    message = shape.format(case=case_no, lower=case_no.lower(),
                           spaced=case_no.replace("-", " - "), nodash=case_no.replace("-", ""))
    reply = await say(platform, openid, message)
    assert case_no in reply and "当前" in reply and "单位欠缴" in reply, (message, reply)


@pytest.mark.parametrize("shape", ["{case}", "查询{case}", "{lower}进度", "{case}办得怎么样了",
                                   "帮我催一下{case}", "{case} 撤回"])
async def test_someone_elses_number_reveals_nothing(platform, config, shape):
    other = await file_case(platform, f"o-f4-owner-{zlib.crc32(shape.encode())}")
    openid = f"o-f4-snoop-{zlib.crc32(shape.encode())}"
    message = shape.format(case=other, lower=other.lower())
    reply = await say(platform, openid, message)
    assert "宏达" not in reply and "吴十" not in reply and "138" not in reply, (message, reply)
    assert "受理" not in reply or other not in reply, (message, reply)
    assert (await case_of(config, other)).status not in ("closed", "withdrawn"), reply
    assert await group_messages(config, other) == [], reply


# --- (d) two open cases named loosely --------------------------------------------------------


@pytest.mark.parametrize("message,newer", [
    ("第二个怎么样了", False),  # the list shows the newer case first
    ("第一个怎么样了", True),
    ("医保那个呢", True),
    ("宏图那个进度", True),
    ("社保那个呢", False),
])
async def test_two_open_cases_named_loosely(platform, config, message, newer):
    openid = f"o-f4-two-{len(message)}-{message[0]}{message[1]}"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    await say(platform, openid, "进度")
    reply = await say(platform, openid, message)
    mine, other = (second, first) if newer else (first, second)
    assert mine in reply and other not in reply and "当前" in reply, (message, reply)


async def test_a_handler_complaint_with_two_cases_names_the_office_after_the_pick(platform,
                                                                                  config):
    openid = "o-f4-handler-two"
    first = await file_case(platform, openid)
    await second_case(platform, openid)
    assert "哪一件" in await say(platform, openid, "办事的人态度太差了")
    reply = await say(platform, openid, first)
    assert first in reply and "领导小组办公室" in reply, reply


# --- (e) changing one's mind after withdrawing ---------------------------------------------


@pytest.mark.parametrize("message", ["算了还是继续办吧", "我反悔了，不撤了", "刚才说撤回的不算，继续处理"])
async def test_changing_ones_mind_after_withdrawing(platform, config, message):
    openid = f"o-f4-resume-{len(message)}-{message[0]}"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "我不想办了，撤回吧")
    reply = await say(platform, openid, message)
    assert case_no in reply and "继续" in reply, (message, reply)
    bodies = await group_messages(config, case_no)
    assert any("继续办理" in b for b in bodies), bodies


# --- urging, rating, status notices ------------------------------------------------------


@pytest.mark.parametrize("message", ["催一下", "能快点吗", "咋还没动静", "都一个礼拜了还没人联系我"])
async def test_urging_shows_the_case_and_deadline(platform, config, message):
    openid = f"o-f4-urge-{len(message)}-{message[0]}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, (message, reply)


@pytest.mark.parametrize("message", ["5分", "给五星", "3分吧 一般般", "满意 已解决"])
async def test_rating_after_result(platform, http, bot_server, config, message):
    openid = f"o-f4-rate-{len(message)}-{message[0]}"
    await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert "感谢" in reply, (message, reply)


async def test_material_to_an_open_case(platform, config):
    openid = "o-f4-material"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "我还有工资流水要补充")
    assert case_no in reply, reply


@pytest.mark.parametrize("message", ["不撤了", "不撤回了", "等等 我还是要办", "还是想继续处理"])
async def test_taking_back_a_withdrawal_is_not_a_second_withdrawal(platform, config, message):
    openid = f"o-f4-unwithdraw-{len(message)}-{message[-1]}"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "我不想办了，撤回吧")
    reply = await say(platform, openid, message)
    assert case_no in reply and "继续办理" in reply and "不想继续" not in reply, (message, reply)
    bodies = await group_messages(config, case_no)
    assert sum("申请撤回" in b for b in bodies) == 1, bodies
    assert any("要求继续办理" in b for b in bodies), bodies


async def archived_with_an_open_case(platform, http, bot_server, config, openid: str
                                     ) -> tuple[str, str]:
    """(archived 宏达 case resolved 20 days ago, open 宏图 case filed since)."""
    archived = await archived_case(platform, http, bot_server, config, openid)
    return archived, await second_case(platform, openid)


@pytest.mark.parametrize("message", ["这个结果我不服", "凭什么这么处理", "我要申请复议"])
async def test_a_late_dispute_with_another_case_open_is_no_new_registration(
        platform, http, bot_server, config, message):
    openid = f"o-f4-late-open-{len(message)}-{message[-1]}"
    archived, open_ = await archived_with_an_open_case(platform, http, bot_server, config,
                                                       openid)
    reply = await say(platform, openid, message)
    assert archived in reply and "行政复议" in reply and "六十日" in reply, (message, reply)
    assert "涉及几个人" not in reply and "新事项" not in reply, (message, reply)
    assert (await case_of(config, open_)).status not in ("closed", "resolved")


async def test_urging_the_open_case_is_still_an_urge_when_another_is_archived(
        platform, http, bot_server, config):
    openid = "o-f4-late-open-urge"
    _archived, open_ = await archived_with_an_open_case(platform, http, bot_server, config,
                                                       openid)
    reply = await say(platform, openid, "怎么还是没处理")
    assert open_ in reply and "行政复议" not in reply, reply
