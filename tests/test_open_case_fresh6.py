"""After filing, round 6, written blind, through the gateway: payers who already have a case
check on it in their own words (typos, a number in lowercase or with spaces, someone else's
number), tell two cases of different kinds apart, urge it (also claiming a deadline passed
that did not), ask who handles it and for a phone, add material, withdraw and then change
their mind, ask how many days are left, answer a status notice, rate a result in everyday
words, ask to reopen an archived case, and write while a liaison changes the case.

Privacy (seed 002's 报送单: 办理过程中严格保密，不得泄露缴费人信息): another payer's number
reveals nothing; a liaison's own name and phone are never handed out."""
from __future__ import annotations

import asyncio
import zlib

import pytest

from bot.simulator import image_xml
from bot.store.models import Case, DialogueState
from routing.notices import local_deadline
from tests.test_dialogue import fetch, say
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_fresh import archived_case
from tests.test_open_case_requests import case_of, group_messages, second_case, supplements
from tests.test_progress_fresh2 import overdue, wait_texts

NOT_UNDERSTOOD = "没太明白"
NEW_FORM = "请选一下问题类型"
HISTORY = "已登记"
LEGAL = "行政复议"
OVERDUE = "超过办理时限"
ACCEPTOR, ACCEPTOR_PHONE = "赵志刚", "020-82760011"


def oid(prefix: str, message: str) -> str:
    return f"o-f6-{prefix}-{zlib.crc32(message.encode())}"


def requests(events) -> list[str]:
    return [e.detail.get("request") for e in events]


# --- (a) progress checks in many wordings, one case ----------------------------------------

WORDINGS = ["办得怎么样了", "有人管吗", "我那个投诉到哪一步啦", "查一下我的", "近度", "进渡",
            "进渡怎么样了", "我的事还有人管没", "请问我反映的问题进展如何", "上回登记那个有消息没"]


@pytest.mark.parametrize("message", WORDINGS)
async def test_a_progress_check_in_everyday_words_shows_the_case(platform, message):
    openid = oid("one", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply, (message, reply)
    assert NOT_UNDERSTOOD not in reply and NEW_FORM not in reply, (message, reply)


# --- (b) an own number typed loosely --------------------------------------------------------

def lower_spaced(n: str) -> str:
    """ZY20261126-0001 → zy 20261126 - 0001"""
    head, tail = n.split("-")
    return f"{head[:2].lower()} {head[2:]} - {tail}"


SHAPES = [lambda n: f"查一下 {n.lower()}", lower_spaced,
          lambda n: f"{n[:2].lower()} {n[2:]}办得怎么样了",
          lambda n: f"我的编号是{n.lower().replace('-', ' ')}，到哪了"]


@pytest.mark.parametrize("shape", range(len(SHAPES)))
async def test_an_own_number_in_lowercase_or_with_spaces_shows_its_timeline(platform, shape):
    openid = f"o-f6-loose-{shape}"
    case_no = await file_case(platform, openid)
    typed = SHAPES[shape](case_no)
    reply = await say(platform, openid, typed)
    assert case_no in reply and HISTORY in reply, (typed, reply)


# --- (c) someone else's number ---------------------------------------------------------------

NOSY = ["帮我看看{n}办得怎么样了", "{n}这个是我老婆的，帮她查下", "{low}谁在办",
        "{n}的联系电话给我一下", "催一下{low}"]


@pytest.mark.parametrize("shape", NOSY)
async def test_another_payers_number_reveals_nothing_and_reaches_nothing(
        platform, config, shape):
    stranger = await second_case(platform, oid("stranger", shape))  # 宏图, 医保, 荔城, 李四
    openid = oid("nosy", shape)
    own = await file_case(platform, openid)
    reply = await say(platform, openid, shape.format(n=stranger, low=stranger.lower()))
    for leak in ("宏图", "医保", "荔城", "李四", "139", "5678"):
        assert leak not in reply, (shape, reply)
    assert await supplements(config, stranger) == [], reply
    assert await group_messages(config, stranger) == [], reply
    assert NOT_UNDERSTOOD not in reply, (shape, reply)
    assert (await case_of(config, own)).status not in ("resolved", "closed")


# --- (d) two open cases of different categories ---------------------------------------------

@pytest.mark.parametrize("message", ["办得怎么样了", "进渡", "有人管吗"])
async def test_two_cases_of_different_kinds_are_both_shown_and_told_apart(platform, message):
    openid = oid("two", message)
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, message)
    assert first in reply and second in reply, (message, reply)
    assert "宏达" in reply and "宏图" in reply, (message, reply)


async def test_a_photo_with_two_cases_is_attached_to_the_one_named_next(platform, config):
    openid = "o-f6-two-photo"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    ask = (await platform.post(image_xml(openid, "media-f6-which"))).reply
    assert first in ask and second in ask, ask
    reply = await say(platform, openid, "医保那个")
    assert second in reply, reply
    assert "media-f6-which" in (await case_of(config, second)).evidence
    assert "media-f6-which" not in ((await case_of(config, first)).evidence or "")


async def test_withdrawing_with_two_cases_asks_which_and_takes_the_answer(platform, config):
    openid = "o-f6-two-withdraw"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    ask = await say(platform, openid, "撤回")
    assert first in ask and second in ask, ask
    assert await supplements(config, first) == [] and await supplements(config, second) == []
    reply = await say(platform, openid, "宏图那个")
    assert second in reply, reply
    assert requests(await supplements(config, second)) == ["withdraw"]
    assert await supplements(config, first) == []


# --- (e) urging ------------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["催一下", "帮忙催催", "麻烦你们快一点处理行不行"])
async def test_an_urge_shows_the_deadline_and_reaches_the_liaison(platform, config, message):
    openid = oid("urge", message)
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    reply = await say(platform, openid, message)
    assert case_no in reply and deadline in reply, (message, reply)
    assert requests(await supplements(config, case_no)) == ["urge"], message


@pytest.mark.parametrize("message", ["都超过时限了", "早就过期限了吧，怎么还没处理",
                                     "说好的时限都过了"])
async def test_claiming_the_deadline_passed_when_it_has_not_gives_the_real_deadline(
        platform, config, message):
    openid = oid("claim", message)
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    reply = await say(platform, openid, message)
    assert case_no in reply and deadline in reply, (message, reply)
    assert OVERDUE not in reply and "督办" not in reply, (message, reply)
    assert NEW_FORM not in reply, (message, reply)


@pytest.mark.parametrize("message", ["都超过时限了", "时限过了怎么还没人管"])
async def test_complaining_about_a_deadline_that_really_passed_says_it_was_reported(
        platform, config, bot_server, message):
    openid = oid("late", message)
    case_no = await file_case(platform, openid)
    await overdue(config, bot_server, case_no)
    reply = await say(platform, openid, message)
    assert case_no in reply and OVERDUE in reply and "督办" in reply, (message, reply)
    assert NEW_FORM not in reply, (message, reply)


# --- (f) who handles it, and their phone -------------------------------------------------

@pytest.mark.parametrize("message", ["现在是谁在负责我这个事", "经办人电话多少",
                                     "给我个负责人的手机号", "哪个部门在办"])
async def test_asking_who_handles_it_names_the_agency_never_the_liaisons_contact(
        platform, http, bot_server, message):
    openid = oid("who", message)
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "accept",
                     {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}) == 200
    reply = await say(platform, openid, message)
    assert case_no in reply and "区税务局" in reply, (message, reply)
    assert ACCEPTOR not in reply and "82760011" not in reply, (message, reply)
    assert NOT_UNDERSTOOD not in reply, (message, reply)


# --- (g) adding material ------------------------------------------------------------------

@pytest.mark.parametrize("message,fact", [
    ("补个材料：我打印了缴费记录，2024年3月到8月都是空的", "缴费记录"),
    ("还有个情况要补充，入职的时候老板说试用期不交社保", "试用期"),
])
async def test_material_in_words_joins_the_open_case(platform, config, message, fact):
    openid = oid("text", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NEW_FORM not in reply, (message, reply)
    [event] = await supplements(config, case_no)
    assert fact in event.detail["text"], event.detail


async def test_two_photos_in_a_row_both_join_the_one_open_case(platform, config):
    openid = "o-f6-photos"
    case_no = await file_case(platform, openid)
    for media in ("media-f6-a", "media-f6-b"):
        reply = (await platform.post(image_xml(openid, media))).reply
        assert case_no in reply, reply
    evidence = (await case_of(config, case_no)).evidence
    assert "media-f6-a" in evidence and "media-f6-b" in evidence, evidence


# --- (h) withdrawing, then changing one's mind -----------------------------------------------

@pytest.mark.parametrize("change", ["算了还是别撤", "我想了想，还是继续办吧", "刚才说撤回的不算，继续处理"])
async def test_taking_back_a_withdrawal_keeps_the_case_and_tells_the_liaison(
        platform, config, change):
    openid = oid("unwithdraw", change)
    case_no = await file_case(platform, openid)
    first = await say(platform, openid, "撤回")
    assert case_no in first, first
    assert requests(await supplements(config, case_no)) == ["withdraw"], first
    reply = await say(platform, openid, change)
    assert case_no in reply and "继续" in reply, (change, reply)
    assert NOT_UNDERSTOOD not in reply and NEW_FORM not in reply, (change, reply)
    asked = requests(await supplements(config, case_no))
    assert asked[0] == "withdraw" and len(asked) == 2 and asked[1] != "withdraw", asked
    messages = await group_messages(config, case_no)
    assert len(messages) == 2 and "继续" in messages[-1], messages
    assert (await case_of(config, case_no)).status not in ("resolved", "closed")
    progress = await say(platform, openid, f"进度 {case_no}")
    assert "不再继续办理" not in progress or "继续办理" in progress.split("不再继续办理")[-1], \
        progress


# --- (i) the deadline in days --------------------------------------------------------------

@pytest.mark.parametrize("message", ["还要几天", "多少个工作日能办完", "大概啥时候能有结果"])
async def test_asking_how_long_gives_the_cases_deadline(platform, config, message):
    openid = oid("days", message)
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    reply = await say(platform, openid, message)
    assert case_no in reply and deadline in reply, (message, reply)
    assert "工作日" in reply, (message, reply)
    assert NEW_FORM not in reply, (message, reply)


# --- (j) answering a status notice ---------------------------------------------------------

@pytest.mark.parametrize("message", ["好的", "谢谢", "好的谢谢你们", "收到"])
async def test_thanks_after_the_accepted_notice_is_answered_and_changes_nothing(
        platform, http, bot_server, config, fake_api, message):
    openid = oid("ack", message)
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "accept") == 200
    assert any("已受理" in t for t in await wait_texts(fake_api, openid, 1))
    reply = await say(platform, openid, message)
    assert reply and NOT_UNDERSTOOD not in reply and NEW_FORM not in reply, (message, reply)
    assert await supplements(config, case_no) == []
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert not state.form


async def test_still_not_satisfied_after_the_result_notice_gives_options(
        platform, http, bot_server, config):
    openid = "o-f6-still"
    case_no = await resolved_case(platform, http, bot_server, openid, "经核查不予支持")
    reply = await say(platform, openid, "还是不满意")
    assert case_no in reply and LEGAL in reply and "重新办理" in reply, reply
    assert NEW_FORM not in reply, reply
    assert (await case_of(config, case_no)).solved is not True


# --- (k) rating in everyday words ----------------------------------------------------------

@pytest.mark.parametrize("message,rating", [("给个差评", 1), ("差评", 1), ("太差了，一星", 1)])
async def test_a_rating_in_everyday_words_is_recorded(platform, http, bot_server, config,
                                                      message, rating):
    openid = oid("rate", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert NOT_UNDERSTOOD not in reply and NEW_FORM not in reply, (message, reply)
    case = await case_of(config, case_no)
    assert (case.rating, case.solved) == (rating, False), (message, reply)
    assert "重新办理" in reply, (message, reply)


@pytest.mark.parametrize("message,solved", [("不咋地", False), ("挺满意的", True)])
async def test_a_verdict_in_everyday_words_is_recorded_and_a_score_asked(
        platform, http, bot_server, config, message, solved):
    """As 满意 / 没解决 are: the verdict is kept, the score is asked for (never guessed)."""
    openid = oid("verdict", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert NOT_UNDERSTOOD not in reply and NEW_FORM not in reply, (message, reply)
    assert (await case_of(config, case_no)).solved is solved, (message, reply)
    if not solved:
        assert "重新办理" in reply, (message, reply)


@pytest.mark.parametrize("message", ["一般般", "还行吧", "马马虎虎"])
async def test_a_middling_word_asks_for_a_score_and_the_score_is_kept(
        platform, http, bot_server, config, message):
    openid = oid("mid", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    ask = await say(platform, openid, message)
    assert "1-5" in ask and NOT_UNDERSTOOD not in ask, (message, ask)
    await say(platform, openid, "3")
    assert (await case_of(config, case_no)).rating == 3


# --- (l) reopening an archived case --------------------------------------------------------

@pytest.mark.parametrize("message", ["能不能重新办一下", "我要求重新处理", "重新办理"])
async def test_asking_to_reopen_an_archived_case_says_what_remains(
        platform, http, bot_server, config, message):
    openid = oid("reopen", message)
    case_no = await archived_case(platform, http, bot_server, config, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "归档" in reply and LEGAL in reply, (message, reply)
    assert NOT_UNDERSTOOD not in reply, (message, reply)
    assert (await case_of(config, case_no)).status == "closed"


# --- (m) a message while the liaison changes the case -----------------------------------

async def test_a_progress_check_while_the_case_is_resolved_loses_nothing(
        platform, http, bot_server, config, fake_api):
    openid = "o-f6-race-progress"
    case_no = await file_case(platform, openid)
    reply, status = await asyncio.gather(
        say(platform, openid, "办得怎么样了"),
        act(http, bot_server, case_no, "resolve", {"result": "已责令单位补缴"}))
    assert status == 200 and case_no in reply, reply
    assert (await case_of(config, case_no)).status == "resolved"
    after = await say(platform, openid, "办得怎么样了")
    assert case_no in after and "已办结" in after and "已责令单位补缴" in after, after
    texts = await wait_texts(fake_api, openid, 1)
    assert len([t for t in texts if "已办结" in t and case_no in t]) == 1, texts


async def test_withdrawing_while_the_case_is_resolved_keeps_the_result(
        platform, http, bot_server, config):
    openid = "o-f6-race-withdraw"
    case_no = await file_case(platform, openid)
    reply, status = await asyncio.gather(
        say(platform, openid, "不办了，撤回"),
        act(http, bot_server, case_no, "resolve", {"result": "已责令单位补缴"}))
    assert status == 200 and case_no in reply, reply
    assert (await case_of(config, case_no)).status == "resolved"
    after = await say(platform, openid, f"进度 {case_no}")
    assert "已办结" in after and "已责令单位补缴" in after, after


async def test_material_sent_while_the_liaison_asks_for_information_is_kept(
        platform, http, bot_server, config, fake_api):
    openid = "o-f6-race-info"
    case_no = await file_case(platform, openid)
    reply, status = await asyncio.gather(
        say(platform, openid, "补充一下：工资条上每月九千，单位按最低基数交"),
        act(http, bot_server, case_no, "request-info", {"text": "请提供劳动合同"}))
    assert status == 200 and case_no in reply, reply
    for _ in range(50):  # the two transactions commit in either order
        events = [e for e in await supplements(config, case_no) if "九千" in str(e.detail)]
        if events:
            break
        await asyncio.sleep(0.1)
    assert len(events) == 1, (reply, [e.detail for e in await supplements(config, case_no)])
    texts = await wait_texts(fake_api, openid, 1)
    assert any("劳动合同" in t and case_no in t for t in texts), texts  # the request is not lost
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.status not in ("resolved", "closed")
