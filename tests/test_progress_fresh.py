"""Payers checking on their cases, written blind, through the gateway: the which-case lists
numbered like the progress list, the last digits of a case number (own or not, bare, with
撤回), "有人管没" and "上次反映的事", the newest or oldest case, the result of a closed case,
what a status word means, more material for a closed case, and the same questions from a
payer with no case."""
from __future__ import annotations

from routing.notices import local_deadline
from tests.test_dialogue import say
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_requests import case_of, second_case, supplements

NOT_UNDERSTOOD = "没太明白"
HISTORY = "已登记"  # a line of one case's timeline, never of the list


async def two_cases(platform, openid: str) -> tuple[str, str]:
    """(the older case: 宏达, 单位欠缴; the newer one: 宏图, 多缴 医保费)."""
    return await file_case(platform, openid), await second_case(platform, openid)


async def test_which_case_lists_are_numbered_like_the_progress_list(platform, config):
    openid = "o-pf-order"
    older, newer = await two_cases(platform, openid)
    await say(platform, openid, "催一下第二个")  # the older case changes last
    reply = await say(platform, openid, "撤回")
    assert f"1. {newer}" in reply and f"2. {older}" in reply, reply
    await say(platform, openid, "第1个")
    assert [e.detail["request"] for e in await supplements(config, newer)] == ["withdraw"]
    assert "withdraw" not in [e.detail["request"] for e in await supplements(config, older)]


async def test_the_last_digits_of_an_own_case_number_show_that_case(platform):
    openid = "o-pf-tail"
    older, newer = await two_cases(platform, openid)
    for message, wanted, other in ((f"查一下{older[-4:]}", older, newer),
                                   (f"{newer[-4:]}怎么样了", newer, older),
                                   (f"进度 {newer[-4:]}", newer, older),
                                   (f"ZY{older[-4:]}", older, newer),
                                   (f"查询 {older[2:]}", older, newer)):
        reply = await say(platform, openid, message)
        assert wanted in reply and other not in reply and HISTORY in reply, (message, reply)


async def test_the_last_digits_of_someone_elses_case_reveal_nothing(platform):
    stranger = await file_case(platform, "o-pf-stranger")
    openid = "o-pf-own"
    own = await file_case(platform, openid)
    reply = await say(platform, openid, f"查一下{stranger[-4:]}")
    assert stranger not in reply and HISTORY not in reply and own in reply, reply
    assert stranger[-4:] in reply, reply  # the payer is told which digits matched nothing


async def test_is_anyone_handling_it_shows_the_case(platform, config):
    openid = "o-pf-anyone"
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    for message in ("有人管没", "有没有人管啊", "有人处理没", "有人在跟吗", "有人管吗？"):
        reply = await say(platform, openid, message)
        assert case_no in reply and deadline in reply, (message, reply)


async def test_the_matter_reported_last_time_shows_the_case(platform, config):
    openid = "o-pf-last-time"
    case_no = await file_case(platform, openid)
    for message in ("上次反映的社保的事", "之前投诉的那个事怎么样了", "我上回反映的问题",
                    "前几天登记的事有消息没"):
        reply = await say(platform, openid, message)
        assert case_no in reply and "您是不是还想问" not in reply, (message, reply)


async def test_the_newest_or_oldest_case_is_picked(platform):
    openid = "o-pf-extremes"
    older, newer = await two_cases(platform, openid)
    for message, wanted, other in (("最早那个", older, newer), ("最早的那个怎么样了", older, newer),
                                   ("最新的那个", newer, older), ("刚登记的那个呢", newer, older),
                                   ("第一次反映的那个", older, newer)):
        reply = await say(platform, openid, message)
        assert wanted in reply and other not in reply and HISTORY in reply, (message, reply)


async def test_asking_for_the_result_of_a_closed_case_shows_it(platform, http, bot_server):
    result = "已责令单位于12月31日前补缴"
    for i, message in enumerate(["结果是啥", "处理结果呢", "结案了吗", "咋处理的"]):
        openid = f"o-pf-result-{i}"
        case_no = await resolved_case(platform, http, bot_server, openid, result)
        reply = await say(platform, openid, message)
        assert case_no in reply and result in reply, (message, reply)


async def test_asking_for_the_result_of_an_open_case_shows_its_deadline(platform, config):
    openid = "o-pf-no-result"
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    reply = await say(platform, openid, "有结果了吗")
    assert case_no in reply and deadline in reply, reply


async def test_more_material_for_a_closed_case_says_how_to_go_on(platform, http, bot_server):
    openid = "o-pf-closed-material"
    case_no = await resolved_case(platform, http, bot_server, openid)
    for message in ("我还要补充材料", "我想再补充点材料"):
        reply = await say(platform, openid, message)
        assert NOT_UNDERSTOOD not in reply and case_no in reply, (message, reply)
        assert "重新办理" in reply and "反映问题" in reply, (message, reply)


async def test_asking_how_to_send_material_for_a_closed_case_says_how_to_go_on(
        platform, http, bot_server):
    openid = "o-pf-closed-how"
    case_no = await resolved_case(platform, http, bot_server, openid)
    reply = await say(platform, openid, "我还有录音怎么发给你们")
    assert case_no in reply and "重新办理" in reply, reply


async def test_what_a_status_word_means_is_explained_with_the_cases_status(
        platform, http, bot_server):
    openid = "o-pf-meaning"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "accept", {"acceptor": "张科长"}) == 200
    for message, meaning in (("受理了是啥意思", "已经接手"), ("升级是什么意思", "会商"),
                             ("什么叫督办", "超过了办理时限"), ("转办是什么意思", "不用重新登记")):
        reply = await say(platform, openid, message)
        assert meaning in reply and case_no in reply and "办理中" in reply, (message, reply)
        assert "12345" not in reply, (message, reply)


async def test_the_oldest_of_a_single_case_is_that_case(platform):
    openid = "o-pf-extreme-one"
    case_no = await file_case(platform, openid)
    for message in ("最早那个", "刚登记的那个呢"):
        reply = await say(platform, openid, message)
        assert case_no in reply and NOT_UNDERSTOOD not in reply, (message, reply)


async def test_the_bare_last_digits_of_an_own_case_show_it(platform):
    openid = "o-pf-bare-tail"
    case_no = await file_case(platform, openid)
    for message in (case_no[-4:], f"编号{case_no[-4:]}", f"zy{case_no[-4:]}？"):
        reply = await say(platform, openid, message)
        assert case_no in reply and HISTORY in reply, (message, reply)


async def test_withdrawing_by_the_last_digits_acts_only_on_that_own_case(platform, config):
    openid = "o-pf-withdraw-tail"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, f"撤回{older[-4:]}")
    assert older in reply and newer not in reply and "转告" in reply, reply
    assert [e.detail["request"] for e in await supplements(config, older)] == ["withdraw"]
    assert await supplements(config, newer) == []


async def test_withdrawing_by_digits_of_no_own_case_withdraws_nothing(platform, config):
    stranger = await file_case(platform, "o-pf-withdraw-stranger")
    openid = "o-pf-withdraw-wrong"
    own = await file_case(platform, openid)
    reply = await say(platform, openid, f"撤回{stranger[-4:]}")
    assert stranger not in reply and "转告" not in reply, reply
    assert await supplements(config, own) == [] and await supplements(config, stranger) == []


async def test_asking_after_a_case_with_none_registered_says_so(platform):
    openid = "o-pf-no-case"
    for message in ("上次反映的社保的事", "结果是啥", "我想补充材料", "有结果了吗"):
        reply = await say(platform, openid, message)
        assert "还没有登记过事项" in reply, (message, reply)


async def test_bare_digits_sent_for_a_liaisons_request_join_the_case(
        platform, http, bot_server, config):
    openid = "o-pf-digits-answer"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供月工资"}) == 200
    reply = await say(platform, openid, "4200")
    assert "补充" in reply and "尾号" not in reply, reply
    assert "4200" in (await supplements(config, case_no))[-1].detail["text"]
