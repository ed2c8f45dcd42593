"""Misreadings found by persona probing (a payer giving the facts of their own case as a
question, one asking for a call-back in their own words, one who only knows the boss, one
back after a long pause with the answer, one chasing a case never registered, a forwarded
message): each test pins a class of misreading, driven through the real encrypted gateway."""
from __future__ import annotations

import pytest

from bot.store.models import Case, DialogueState
from tests.test_dialogue import CASE_NO, _age_draft, fetch, say
from tests.test_dialogue_robustness import slots_of, to_question

FORM_STARTED = "涉及的单位"

# --- when and how much beside a harm are facts of a case ------------------------------------

@pytest.mark.parametrize("message,slot", [
    ("公司少交了我社保怎么办，从去年5月开始一直按3000交的", "period"),
    ("从2022年开始单位就没给我交医保，怎么办", "period"),
    ("公司去年开始没给我交社保，我该怎么办", "period"),
])
async def test_a_harm_with_when_or_how_much_starts_the_form(platform, config, message, slot):
    """"公司少交了我社保怎么办，从去年5月开始…" got the policy answer: period and money were
    no case facts, though the payer tells their own case."""
    openid = f"f9-facts-{len(message)}"
    reply = await say(platform, openid, message)
    assert FORM_STARTED in reply and "依据" not in reply, reply
    assert (await slots_of(config, openid)).get(slot)


@pytest.mark.parametrize("message", ["滞纳金一天多少钱", "一个月交3000的话退休能领多少",
                                     "单位一直按最低3000给我交社保，合法吗"])
async def test_numbers_in_a_plain_question_still_get_the_answer(platform, message):
    reply = await say(platform, f"f9-question-{len(message)}", message)
    assert "依据" in reply and FORM_STARTED not in reply, reply


# --- a call-back asked for in the payer's words keeps those words ----------------------------

@pytest.mark.parametrize("message", ["能不能让工作人员给我回个电话", "麻烦叫工作人员联系我",
                                     "让客服给我打个电话"])
async def test_a_callback_request_is_registered_with_the_payers_words(platform, config, message):
    """The dispatcher swapped the request for "转人工", which became the case description."""
    openid = f"f9-callback-{len(message)}"
    assert "联系电话" in await say(platform, openid, message)
    done = await say(platform, openid, "13700001111")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert case.needs_callback and case.description == message


async def test_a_callback_request_mid_form_asks_for_the_phone(platform, config):
    """Mid-form "能不能打电话跟我说一下" was declined as a question out of scope."""
    openid = "f9-callback-form"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "能不能打电话跟我说一下")
    assert "联系电话" in reply, reply
    assert (await slots_of(config, openid))["needs_callback"] is True


# --- what a payer knows of an employer they cannot name --------------------------------------

@pytest.mark.parametrize("answer", ["公司名字我不知道，只知道老板姓王", "老板姓王"])
async def test_the_boss_of_an_unnamed_employer_joins_the_description(platform, config, answer):
    """"老板姓王" was lost: only "不记得全称也没关系" and the question again."""
    openid = f"f9-boss-{len(answer)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    assert "单位" in reply, reply
    slots = await slots_of(config, openid)
    assert slots["description"].endswith("；老板姓王") and slots.get("employer") is None, slots


# --- back after a long pause with the answer -------------------------------------------------

@pytest.mark.parametrize("cue,answer,slot,stored,next_cue", [
    ("称呼", "李四", "name", "李四", "电话"),
    ("电话", "13912345678", "phone", "13912345678", "几个人"),
    ("哪个区", "新塘镇", "jurisdiction", "新塘镇", "称呼"),
])
async def test_an_answer_after_a_long_pause_is_taken(platform, config, cue, answer, slot,
                                                     stored, next_cue):
    """"李四" at the name question the next day got "回复“1”继续填写" and had to be typed again."""
    openid = f"f9-idle-{slot}"
    await to_question(platform, openid, cue)
    await _age_draft(config.database_url, openid, hours=20)
    reply = await say(platform, openid, answer)
    assert next_cue in reply and "继续填写" not in reply, reply
    assert (await slots_of(config, openid))[slot] == stored


async def test_something_else_after_a_long_pause_still_asks_to_continue(platform, config):
    openid = "f9-idle-other"
    await to_question(platform, openid, "电话")
    await _age_draft(config.database_url, openid, hours=20)
    assert "继续填写" in await say(platform, openid, "我叫张三")


# --- chasing a case that was never registered ------------------------------------------------

@pytest.mark.parametrize("message", ["工作人员一直没联系我", "怎么还没人给我打电话",
                                     "说好的回电呢"])
async def test_chasing_without_a_case_says_there_is_none(platform, config, message):
    """"工作人员一直没联系我" with no case started a form at the place question."""
    openid = f"f9-chase-{len(message)}"
    reply = await say(platform, openid, message)
    assert "还没有登记过事项" in reply and "转人工" in reply, reply
    states = await fetch(config.database_url, DialogueState, openid=openid)
    assert not any(state.form for state in states)


# --- forwarded messages ----------------------------------------------------------------------

@pytest.mark.parametrize("header", ["【转发】老乡帮我问一下：\n", "[转发] 帮朋友问一下：",
                                    "我替我哥问的："])
async def test_a_forwarding_header_is_no_part_of_the_description(platform, config, header):
    openid = f"f9-forward-{len(header)}"
    await say(platform, openid, header + "公司一直没给我交社保")
    assert (await slots_of(config, openid))["description"] == "公司一直没给我交社保"
