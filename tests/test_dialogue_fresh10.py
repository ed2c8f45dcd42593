"""Misreadings found by persona probing (a payer who will not give a phone or a name, one who
says where they work when the employer is asked, one who wants to start over in their own
words, a company's HR clerk filing with their job before their name): each test pins a class
of misreading, driven through the real encrypted gateway."""
from __future__ import annotations

import pytest

from bot.store.models import DialogueState
from tests.test_dialogue import fetch, say
from tests.test_dialogue_robustness import slots_of, to_question

# --- a phone refused again is not asked the same way forever -------------------------------

@pytest.mark.parametrize("refusals", [("隐私，不想给", "不想给", "不给"),
                                      ("不方便留电话", "就不留了", "不留")])
async def test_a_refused_phone_gets_the_ways_on_not_the_same_reason_again(platform, config,
                                                                          refusals):
    """"隐私，不想给", "不想给", "不给" got the same "为什么要电话" three times, with no way on."""
    openid = f"f10-phone-refused-{len(refusals[0])}"
    await to_question(platform, openid, "电话")
    first = await say(platform, openid, refusals[0])
    assert "家人" in first and "当面" not in first, first
    for refusal in refusals[1:]:
        again = await say(platform, openid, refusal)
        assert "受理点" in again and "取消" in again and again != first, again
    assert (await slots_of(config, openid)).get("phone") is None


async def test_no_phone_said_twice_gets_the_ways_on(platform, config):
    openid = "f10-phone-none"
    await to_question(platform, openid, "电话")
    assert "家人" in await say(platform, openid, "我没有电话")
    assert "受理点" in await say(platform, openid, "真没有")


async def test_a_phone_after_refusing_is_still_taken(platform, config):
    openid = "f10-phone-later"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "不想给")
    await say(platform, openid, "不想给")
    assert "几个人" in await say(platform, openid, "那好吧 13912345678")
    assert (await slots_of(config, openid))["phone"] == "13912345678"


# --- "隐私" is no name ------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["隐私", "个人隐私", "不透露"])
async def test_privacy_at_the_name_question_is_a_refusal(platform, config, answer):
    """"隐私" at the name question was stored as the payer's name."""
    openid = f"f10-name-privacy-{len(answer)}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert "陈先生" in reply and "称呼" in reply, reply
    assert (await slots_of(config, openid)).get("name") is None


async def test_a_name_refused_again_gets_the_ways_on(platform, config):
    """"保密", "不说", "不想说" got the same reason three times."""
    openid = "f10-name-refused"
    await to_question(platform, openid, "称呼")
    first = await say(platform, openid, "保密")
    again = await say(platform, openid, "不说")
    assert again != first and "取消" in again and "陈先生" in again, again


# --- where the payer works is no employer ---------------------------------------------------

@pytest.mark.parametrize("answer,place", [("我在新塘镇上班", "新塘镇"), ("在新塘镇打工", "新塘镇"),
                                          ("我在荔城街道那边工作", "荔城街道"),
                                          ("新塘镇上班的", "新塘镇")])
async def test_where_the_payer_works_keeps_the_employer_question(platform, config, answer,
                                                                 place):
    """"我在新塘镇上班" at the employer question stored the employer "新塘镇上班" and the
    company was never asked for."""
    openid = f"f10-workplace-{len(answer)}-{place}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    assert "名称" in reply and "地点已记下" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots["jurisdiction"] == place, slots
    await say(platform, openid, "宏达电子厂")
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂"


# --- starting over in the payer's words -----------------------------------------------------

@pytest.mark.parametrize("words", ["从头再来吧", "推倒重来", "全部重新填", "重头来过", "重新弄一遍"])
async def test_starting_over_in_other_words_restarts(platform, config, words):
    """"从头再来吧" at the place question got "没找到“从头再来吧”" (read as a place)."""
    openid = f"f10-restart-{len(words)}-{words[0]}"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, words)
    assert "重新开始" in reply and "没找到" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None


# --- an HR clerk's job before the name -------------------------------------------------------

@pytest.mark.parametrize("answer,name", [("人事刘小姐", "刘小姐"), ("财务王会计", "王会计"),
                                         ("行政部张小姐", "张小姐"), ("HR小李", "小李")])
async def test_a_job_before_the_name_is_no_part_of_it(platform, config, answer, name):
    """An employer's clerk filing against an assessment: "人事刘小姐" got "不像是姓名" and the
    name question again; "HR小李" was stored as 人事小李."""
    openid = f"f10-role-{len(answer)}-{name}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert "电话" in reply, reply
    assert (await slots_of(config, openid))["name"] == name


@pytest.mark.parametrize("answer", ["会计", "人事部", "财务"])
async def test_a_job_alone_is_no_name(platform, config, answer):
    openid = f"f10-role-only-{len(answer)}-{answer[0]}"
    await to_question(platform, openid, "称呼")
    assert "姓名" in await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("name") is None


# --- an ID number typed beside another answer --------------------------------------------------

VALID_ID = "44010119800101128x"  # lowercase x, as typed on a phone; checksum valid


async def test_an_id_number_beside_the_name_leaves_the_name(platform, config):
    """"张三 身份证4401…x" at the name question got "“张三身份证”不像是姓名"."""
    openid = "f10-id-name"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, f"张三 身份证{VALID_ID}")
    assert "电话" in reply and "不像是姓名" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots["name"] == "张三" and slots["id_number"] == VALID_ID.upper(), slots


async def test_an_id_number_at_the_optional_question_is_said_as_noted(platform, config):
    """An ID number at the optional question was stored without a word: the same question
    came back as if nothing had been read."""
    openid = "f10-id-extras"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, f"身份证{VALID_ID}")
    assert "已记下身份证号：440" in reply and VALID_ID.upper() not in reply, reply


# --- an elderly payer's story told where something else is asked ----------------------------

ELDER_STORY = "我也搞不清是哪一类，反正就是厂里没给我交，我那时候每个月工资才一千多，老板每次都说交了交了"


async def test_a_story_at_the_name_question_joins_the_description(platform, config):
    """The story got a policy answer about 代扣代缴 ("搞不清是哪一类" read as a question) and
    the name question again; the story itself was lost."""
    openid = "f10-elder-story"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, ELDER_STORY)
    assert "已补充到问题描述" in reply and "依据" not in reply and "称呼" in reply, reply
    assert (await slots_of(config, openid))["description"].endswith("老板每次都说交了交了")


async def test_a_rough_sum_per_month_is_a_fact_not_a_question_nor_a_period(platform, config):
    """"…我那个时候一个月才几百块钱" was echoed as "您问的…已记在登记内容里" and "一个月"
    became the period (时长：一个月)."""
    openid = "f10-elder-money"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "我记得是新塘镇的宏达电子厂，做衣服的，后来搬走了，"
                                        "我那个时候一个月才几百块钱")
    assert "您问的" not in reply and "称呼" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("period") is None, slots
    # Kept in the payer's words: in the description, or as the sum said (每月几百块钱).
    assert (slots["description"].endswith("才几百块钱")
            or "每月几百块钱" in slots.get("amount_said", [])), slots


# --- everything in the first message, typed as a list ----------------------------------------

async def test_a_name_in_a_listed_first_message_is_not_asked_again(platform, config):
    """"张三 13800138000 宏达电子厂 新塘镇 没交社保 3个人 要求补缴": every fact was taken but the
    name, which was asked for again."""
    openid = "f10-listed"
    reply = await say(platform, openid, "张三 13800138000 宏达电子厂 新塘镇 没交社保 3个人 要求补缴")
    assert "称呼" not in reply, reply
    assert (await slots_of(config, openid))["name"] == "张三"


@pytest.mark.parametrize("message", ["王老板 13800138000 欠我社保", "宏达电子厂 13800138000 黄埔区"])
async def test_a_boss_or_a_place_in_a_list_is_no_name(platform, config, message):
    openid = f"f10-listed-not-{len(message)}"
    await say(platform, openid, message)
    states = await fetch(config.database_url, DialogueState, openid=openid)
    assert all((state.slots or {}).get("name") is None for state in states), states


# --- the same answer sent twice --------------------------------------------------------------

@pytest.mark.parametrize("cue,answer,next_cue", [("称呼", "李四", "电话"),
                                                 ("单位", "广州宏达电子厂", "哪个区")])
async def test_an_answer_sent_twice_is_said_as_noted(platform, config, cue, answer, next_cue):
    """"李四" sent twice: the second one, at the phone question, got "办理人员要打电话…" as if
    the payer refused the phone."""
    openid = f"f10-twice-{cue}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    reply = await say(platform, openid, answer)
    assert "已经记下" in reply and next_cue in reply and "核实情况" not in reply, reply
