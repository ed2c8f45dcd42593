"""How the bot reads a payer's message outside the intake form: a question about filing is
answered, a request to file starts the form, and only a real cancel wish is read as cancel.

Each case is a message a payer sent to the account, driven through the real gateway."""
from __future__ import annotations

import re

import pytest

from bot.store.models import DialogueState
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_dialogue_robustness import slots_of, to_summary

NOT_UNDERSTOOD = "我没太明白"
NOTHING_TO_CANCEL = "目前没有正在填写的登记"
HOW_TO_FILE = "按提示说明情况即可在线登记"
WHAT_IS_NEEDED = "受理时会登记"


async def in_form(config, openid: str) -> bool:
    states = await fetch(config.database_url, DialogueState, openid=openid)
    return bool(states and states[0].form)


def _id(message: str) -> str:
    return f"read-{abs(hash(message)) % 10**8}"


@pytest.mark.parametrize("message", [
    "家属要求认定工伤，可以吗？",                    # 要求 is what the family asks of the office
    "能投诉吗",
    "我能投诉吗",                                    # read as a progress check
    "能举报吗",                                      # read as a greeting
    "在哪投诉",                                      # read as cancel
    "我想问下能不能投诉单位不给交社保？",
    "我不知道该不该投诉",
    "要不要投诉啊 纠结",
    "俺们厂老细冇帮我买社保，可唔可以投诉啊",        # 冇帮我 is what the boss did not do
    "如果我投诉了 公司会不会开除我",
    "你们能帮我吗",
    "投诉有没有用啊",
])
async def test_a_question_about_filing_is_answered_with_the_offer_not_filed(
        platform, config, message):
    """Regression: these started the form as if the payer had asked for it, or were read as
    a greeting, a progress check or cancel ("您还没有登记过事项", "我没太明白")."""
    openid = _id(message)
    reply = await say(platform, openid, message)
    assert "反映问题" in reply, reply
    for wrong in (NOT_UNDERSTOOD, NOTHING_TO_CANCEL, "还没有登记过", "您好，我在", "全称是什么",
                  "请选一下问题类型"):
        assert wrong not in reply, reply
    assert not await in_form(config, openid)


@pytest.mark.parametrize("message", ["能投诉吗", "可以反映个问题不", "能告老板吗", "怎么举报"])
async def test_a_bare_question_about_filing_says_how_and_what_is_needed(platform, message):
    """"可以投诉吗" got an answer about the contribution base; "能不能投诉" a 12345 decline."""
    reply = await say(platform, _id(message), message)
    assert HOW_TO_FILE in reply and WHAT_IS_NEEDED in reply, reply


@pytest.mark.parametrize("message", [
    "公司不给我交社保，我要投诉",
    "我要投诉可以吗",
    "投诉单位",
    "我老公在工地上摔伤了老板不认账也没买工伤保险现在医药费都是我们自己出的你们能不能管管",
])
async def test_asking_for_action_still_starts_the_form(platform, config, message):
    openid = _id(message)
    reply = await say(platform, openid, message)
    assert HOW_TO_FILE not in reply and NOTHING_TO_CANCEL not in reply, reply
    assert await in_form(config, openid)


@pytest.mark.parametrize("message", ["这样正常不", "这合理不", "这样对不", "不清楚", "不对"])
async def test_a_no_outside_the_form_is_no_cancel(platform, message):
    """Regression: the classifier reads a short 不 as cancel; the payer heard "好的。目前没有
    正在填写的登记" to a question."""
    reply = await say(platform, _id(message), message)
    assert NOTHING_TO_CANCEL not in reply, reply


@pytest.mark.parametrize("message", ["不办了", "撤回", "算了不弄了", "不用", "现在不想投诉了可以吗"])
async def test_a_real_cancel_wish_is_still_cancel(platform, message):
    reply = await say(platform, _id(message), message)
    assert NOTHING_TO_CANCEL in reply, reply


@pytest.mark.parametrize("message,expected", [
    ("算了先不投诉了，我就问问", "请直接发您想咨询的政策问题"),
    ("不投诉了 我就咨询一下", "请直接发您想咨询的政策问题"),
    ("算了算了，还是先问问吧，滞纳金怎么算的", "万分之五"),
])
async def test_a_payer_who_drops_the_complaint_to_ask_is_invited_to_ask(platform, config,
                                                                       message, expected):
    openid = _id(message)
    reply = await say(platform, openid, message)
    assert expected in reply and NOTHING_TO_CANCEL not in reply, reply
    assert not await in_form(config, openid)


async def test_a_payer_with_a_case_asking_about_their_complaint_gets_its_progress(platform):
    """A question about filing from a payer who has a case, read as a progress check, is
    about that case."""
    openid = "read-own-case"
    await to_summary(platform, openid)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    reply = await say(platform, openid, "我反映的问题有结果了吗")
    assert case_no in reply, reply


@pytest.mark.parametrize("message", ["能帮我登记一下吗", "我想登记一下可以吗", "你好 我想反映个问题",
                                     "可以帮我投诉一下公司吗"])
async def test_a_polite_request_to_file_starts_the_form_with_nothing_stored(platform, config,
                                                                            message):
    """Regression: these were answered "我没太明白", "您还没有登记过事项" or a greeting, and
    "投诉一下公司" was stored as an employer called 一下公司."""
    openid = _id(message)
    reply = await say(platform, openid, message)
    assert re.search("说说(您遇到的|遇到了什么)问题", reply) and "一下" not in reply, reply
    assert await in_form(config, openid)
    assert not (await slots_of(config, openid)).get("employer")


@pytest.mark.parametrize("message,expected", [
    ("我不是要投诉 只是想了解一下缴费基数", "缴费基数"),
    ("不是投诉 就是问问", "请直接发您想咨询的政策问题"),
])
async def test_saying_it_is_no_complaint_gets_an_answer_not_the_form(platform, config,
                                                                    message, expected):
    """Regression: "我不是要投诉…" started the form at its 投诉; "不是投诉 就是问问" was
    "我没太明白"."""
    openid = _id(message)
    reply = await say(platform, openid, message)
    assert expected in reply, reply
    assert ("依据" in reply) == (expected == "缴费基数")  # the knowledge base's answer
    assert not await in_form(config, openid)


@pytest.mark.parametrize("message", [
    "我都打了十几次12345了 没人理",
    "打了好几次12366都打不通",
    "12333一直占线",
    "社保局和税务局推来推去的",
])
async def test_a_payer_who_tried_a_hotline_is_not_sent_back_to_it(platform, config, message):
    openid = _id(message)
    reply = await say(platform, openid, message)
    assert "之前没能帮到您" in reply and "登记" in reply
    assert "可拨打" not in reply and reply.count("非常抱歉") == 1
    assert not await in_form(config, openid)


async def test_a_complaint_beside_a_tried_hotline_is_filed(platform, config):
    openid = "read-tried-and-filed"
    reply = await say(platform, openid, "12345打了没人管，宏达电子厂欠了我一年社保")
    assert "之前没能帮到您" not in reply
    assert await in_form(config, openid)


@pytest.mark.parametrize("message,expected", [
    ("谢谢闺女", "不客气"),
    ("辛苦了同志", "不客气"),
    ("怎么不回我", "我在"),
    ("为啥不回我呀", "我在"),
])
async def test_thanks_with_a_form_of_address_and_nudges_get_a_fitting_reply(
        platform, message, expected):
    reply = await say(platform, _id(message), message)
    assert expected in reply and NOT_UNDERSTOOD not in reply


@pytest.mark.parametrize("message", [
    "gongsi没交shebao",                                  # was a greeting
    "my boss didn't pay social insurance for me 半年了",  # was "我没太明白"
    "投诉这个厂",                                         # was a KB answer about secrecy
    "举报这个厂",
    "我想举报这个厂子",
    "嗯那个滞纳金怎么这么多我就晚了几天",                 # was a 12366 decline
    "社保局那个人态度好差哦，问啥子都不耐烦",             # was a 12333 decline
    "厂头社保断了好几个月了，老板也不管，我们找哪个",     # was an answer on pension years
])
async def test_a_first_message_in_pinyin_or_naming_whom_to_report_starts_the_form(
        platform, config, message):
    openid = _id(message)
    reply = await say(platform, openid, message)
    for wrong in (NOT_UNDERSTOOD, "您好，我在", "还不能准确回答", "保密"):
        assert wrong not in reply, reply
    assert await in_form(config, openid)


async def test_a_pinyin_story_is_stored_in_chinese(platform, config):
    openid = "read-pinyin-story"
    await say(platform, openid, "laoban半年没给我们买shebao了")
    assert (await slots_of(config, openid))["description"] == "老板半年没给我们买社保了"


@pytest.mark.parametrize("message", ["sb断了 公司不管", "SB停了三个月 老板说没钱"])
async def test_sb_for_shebao_is_no_insult(platform, config, message):
    """Regression: "sb" (社保) was taken for the insult: "非常抱歉让您着急、生气了"."""
    openid = _id(message)
    reply = await say(platform, openid, message)
    assert "生气" not in reply, reply
    assert await in_form(config, openid)


@pytest.mark.parametrize("message", ["cancel", "唔搞喇", "拉倒吧不整了", "那个案子不用管了"])
async def test_dialect_and_english_cancel_wishes_are_cancel(platform, message):
    """Regression: "我没太明白" (or a progress reply) to these."""
    reply = await say(platform, _id(message), message)
    assert NOTHING_TO_CANCEL in reply, reply


@pytest.mark.parametrize("message,expected", [
    ("nihao", "您好，我在"), ("催下", "还没有登记过"), ("okk", "好的"), ("要得", "好的"),
    ("嗯呐", "好的"), ("thx", "不客气"), ("3q", "不客气"),
])
async def test_short_dialect_and_pinyin_replies_are_understood(platform, message, expected):
    """Regression: each got "抱歉，我没太明白"."""
    reply = await say(platform, _id(message), message)
    assert expected in reply and NOT_UNDERSTOOD not in reply, reply
