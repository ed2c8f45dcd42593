"""After filing, round 7, written blind, through the gateway: progress checks by keyword and
typo (查寻, 近度, 进度呢), several cases at once (two numbers in one message, one own and one
someone else's), a case number typed with a Chinese dash, an underscore, without its prefix or
with a digit wrong, asking when it will be done, adding material to the case named by its
employer, withdrawing in other words, rating in stars and points, asking for the liaison's
WeChat, and reacting to the notice of a change (request for information, transfer, result).

Privacy (seed 002's 报送单: 办理过程中严格保密，不得泄露缴费人信息): another payer's number
reveals nothing and reaches nothing, whatever the payer asks to do with it."""
from __future__ import annotations

import zlib

import pytest

from routing.notices import local_deadline
from tests.test_dialogue import say
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_requests import case_of, group_messages, second_case, supplements
from tests.test_progress_fresh2 import wait_texts

NOT_UNDERSTOOD = "没太明白"
NEW_FORM = "请选一下问题类型"
HISTORY = "已登记"
ACCEPTOR, ACCEPTOR_PHONE = "孙立新", "020-82769900"
STRANGER_LEAKS = ("宏图", "医保", "荔城", "李四", "139")  # both phones end 5678


def oid(prefix: str, message: str) -> str:
    return f"o-f7-{prefix}-{zlib.crc32(message.encode())}"


def requests(events) -> list[str]:
    return [e.detail.get("request") for e in events]


def ok(reply: str) -> bool:
    return bool(reply) and NOT_UNDERSTOOD not in reply and NEW_FORM not in reply


async def about_a_stranger(platform, prefix: str, words: str) -> tuple[str, str, str]:
    """Another payer's case (宏图, 医保, 荔城, 李四), and what a payer with a case of their own
    gets for ``words`` naming it ({n}): (the stranger's number, the own one, the reply),
    checked to reveal none of the stranger's facts."""
    stranger = await second_case(platform, f"o-f7-{prefix}-owner")
    openid = f"o-f7-{prefix}"
    own = await file_case(platform, openid)
    reply = await say(platform, openid, words.format(n=stranger))
    for leak in STRANGER_LEAKS:
        assert leak not in reply, reply
    return stranger, own, reply


# --- (a) progress checks by keyword and typo, one case ---------------------------------------

KEYWORDS = ["进度呢", "查寻", "查寻进度", "我要查询", "帮我查一下进度", "近度如何",
            "我的申请到哪一步了？", "进度查一哈", "你好，想问下我那个事进展", "查下我的投诉"]


@pytest.mark.parametrize("message", KEYWORDS)
async def test_a_progress_keyword_or_typo_shows_the_own_case(platform, message):
    openid = oid("kw", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply and ok(reply), (message, reply)


# --- (b) several cases at once ---------------------------------------------------------------

@pytest.mark.parametrize("message", ["两个都查一下", "我的几个投诉都怎么样了", "全部查询"])
async def test_several_cases_in_one_check_are_all_listed(platform, message):
    openid = oid("all", message)
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, message)
    assert first in reply and second in reply and ok(reply), (message, reply)


async def test_both_numbers_in_one_message_show_both(platform):
    openid = "o-f7-both-numbers"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, f"{first}和{second.lower()}进度")
    assert first in reply and second in reply and "宏达" in reply and "宏图" in reply, reply


async def test_an_own_and_a_strangers_number_together_show_only_the_own(platform):
    own = await file_case(platform, "o-f7-mixed-first")
    stranger = await second_case(platform, "o-f7-mixed-second")
    reply = await say(platform, "o-f7-mixed-first", f"查一下{own}，还有{stranger}")
    assert own in reply and "宏达" in reply, reply
    for leak in STRANGER_LEAKS:
        assert leak not in reply, reply


# --- (c) a number typed wrong ----------------------------------------------------------------

SHAPES = [lambda n: n.replace("-", "—") + "进度",        # IME em dash
          lambda n: "查询" + n.replace("-", "一"),        # 一 for the dash
          lambda n: n.replace("-", "_") + " 到哪了",
          lambda n: "编号" + n[2:] + "查一下",            # no ZY
          lambda n: f"{n[:6]} {n[6:10]} {n[11:]}办到哪了"]  # spaces instead of the dash


@pytest.mark.parametrize("shape", range(len(SHAPES)))
async def test_an_own_number_typed_another_way_shows_its_timeline(platform, shape):
    openid = f"o-f7-shape-{shape}"
    case_no = await file_case(platform, openid)
    typed = SHAPES[shape](case_no)
    reply = await say(platform, openid, typed)
    assert case_no in reply and HISTORY in reply and ok(reply), (typed, reply)


@pytest.mark.parametrize("template", ["{n}进度", "催一下{n}", "{n}还要多久"])
async def test_a_number_with_a_wrong_digit_is_not_found_and_the_own_cases_offered(
        platform, config, template):
    openid = oid("digit", template)
    case_no = await file_case(platform, openid)
    wrong = case_no[:-1] + ("7" if case_no[-1] != "7" else "8")
    message = template.format(n=wrong)
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, (message, reply)
    assert await supplements(config, case_no) == [], (message, reply)  # nothing guessed


# --- (d) when will it be done ---------------------------------------------------------------

@pytest.mark.parametrize("message", ["什么时候能办好", "要等多久啊", "几号能出结果", "最迟哪天给答复"])
async def test_asking_when_it_will_be_done_gives_the_deadline(platform, config, message):
    openid = oid("when", message)
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    reply = await say(platform, openid, message)
    assert case_no in reply and deadline in reply and ok(reply), (message, reply)


# --- (e) adding material ---------------------------------------------------------------------

@pytest.mark.parametrize("message,fact", [
    ("我还有证据：劳动合同上写的月薪八千", "八千"),
    ("再补充一点，离职证明上写着2025年1月入职", "离职证明"),
])
async def test_material_in_other_words_joins_the_case(platform, config, message, fact):
    openid = oid("more", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    [event] = await supplements(config, case_no)
    assert fact in event.detail["text"], event.detail


async def test_material_naming_the_employer_joins_that_case_only(platform, config):
    openid = "o-f7-more-named"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, "宏图那个补充一下：扣款单上写的是医保个人部分")
    assert second in reply and ok(reply), reply
    [event] = await supplements(config, second)
    assert "扣款单" in event.detail["text"], event.detail
    assert await supplements(config, first) == []


async def test_material_for_a_strangers_number_reaches_nothing(platform, config):
    stranger, own, reply = await about_a_stranger(platform, "more-stranger",
                                                  "给{n}补充材料：工资条每月六千")
    assert ok(reply) and "新事项" not in reply, reply  # refused, not filed anew
    assert await supplements(config, stranger) == [] and await group_messages(config, stranger) == []
    assert await supplements(config, own) == [], reply  # not guessed onto the own case either


# --- (f) withdrawing ---------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["我不想投诉了，撤了吧", "撤销我的申请", "这个事不用你们管了，撤回"])
async def test_withdrawing_in_other_words_reaches_the_liaison(platform, config, message):
    openid = oid("wd", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    assert requests(await supplements(config, case_no)) == ["withdraw"], (message, reply)


async def test_withdrawing_an_own_number_typed_in_lowercase_reaches_that_case(platform, config):
    openid = "o-f7-wd-number"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, f"撤回 {second.lower()}")
    assert second in reply, reply
    assert requests(await supplements(config, second)) == ["withdraw"]
    assert await supplements(config, first) == []


async def test_withdrawing_a_strangers_number_reaches_nothing(platform, config):
    stranger, own, _ = await about_a_stranger(platform, "wd-stranger", "帮我把{n}撤了")
    assert await supplements(config, stranger) == [] and await supplements(config, own) == []
    assert (await case_of(config, stranger)).status not in ("resolved", "closed")


# --- (g) rating the result ---------------------------------------------------------------------

@pytest.mark.parametrize("message,rating", [("五星好评", 5), ("打5分", 5), ("给三颗星吧", 3),
                                            ("4星", 4)])
async def test_a_score_in_stars_or_points_is_recorded(platform, http, bot_server, config,
                                                      message, rating):
    openid = oid("rate", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert ok(reply), (message, reply)
    assert (await case_of(config, case_no)).rating == rating, (message, reply)


async def test_rating_a_strangers_case_changes_nothing(platform, http, bot_server, config):
    stranger = await resolved_case(platform, http, bot_server, "o-f7-rate-stranger-owner")
    openid = "o-f7-rate-stranger"
    await file_case(platform, openid)
    reply = await say(platform, openid, f"{stranger} 一星差评")
    assert "已责令" not in reply, reply  # the stranger's result
    assert (await case_of(config, stranger)).rating is None, reply


# --- (h) the liaison's contact -----------------------------------------------------------------

@pytest.mark.parametrize("message", ["把经办人微信推给我", "我想直接跟办事的人通个电话",
                                     "联系人是谁，怎么联系"])
async def test_asking_for_the_liaisons_contact_never_gives_it(platform, http, bot_server,
                                                             message):
    openid = oid("contact", message)
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "accept",
                     {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}) == 200
    reply = await say(platform, openid, message)
    assert case_no in reply and "区税务局" in reply and ok(reply), (message, reply)
    assert ACCEPTOR not in reply and "82769900" not in reply, (message, reply)


async def test_asking_for_the_liaison_of_a_strangers_case_reveals_nothing(
        platform, http, bot_server):
    stranger = await second_case(platform, "o-f7-contact-stranger-owner")
    assert await act(http, bot_server, stranger, "accept",
                     {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}) == 200
    openid = "o-f7-contact-stranger"
    await file_case(platform, openid)
    reply = await say(platform, openid, f"{stranger}是谁在办，电话多少")
    for leak in STRANGER_LEAKS + (ACCEPTOR, "82769900"):
        assert leak not in reply, reply


# --- (i) reacting to a status-change notice ------------------------------------------------

async def test_asking_what_is_wanted_after_a_request_for_information_repeats_it(
        platform, http, bot_server, fake_api):
    openid = "o-f7-notice-info"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供社保缴费清单"}) == 200
    assert any("缴费清单" in t for t in await wait_texts(fake_api, openid, 1))
    reply = await say(platform, openid, "要我提供什么？")
    assert "缴费清单" in reply and NOT_UNDERSTOOD not in reply, reply


async def test_asking_why_after_a_transfer_notice_names_the_new_agency(
        platform, http, bot_server, fake_api):
    openid = "o-f7-notice-transfer"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "transfer",
                     {"agency": "hrss", "reason": "属于劳动关系"}) == 200
    await wait_texts(fake_api, openid, 1)
    reply = await say(platform, openid, "咋给我转走了？")
    assert case_no in reply and "区人力资源和社会保障局" in reply and ok(reply), reply


@pytest.mark.parametrize("message", ["收到，谢谢", "知道了"])
async def test_an_acknowledgement_of_the_result_is_answered_and_no_score_guessed(
        platform, http, bot_server, config, fake_api, message):
    openid = oid("ack", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    await wait_texts(fake_api, openid, 1)
    reply = await say(platform, openid, message)
    assert ok(reply), (message, reply)
    assert (await case_of(config, case_no)).rating is None, (message, reply)


async def test_asking_whether_the_money_was_paid_after_the_result_shows_the_result(
        platform, http, bot_server, fake_api):
    openid = "o-f7-notice-paid"
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位限期补缴")
    await wait_texts(fake_api, openid, 1)
    reply = await say(platform, openid, "啥意思，钱到底补了没")
    assert case_no in reply and "限期补缴" in reply and ok(reply), reply
