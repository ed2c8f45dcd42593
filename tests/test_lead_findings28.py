"""Faults the lead engineer met filing as a payer at stop 28. A wife's story of her husband hurt
on a building site without insurance was answered with the work-injury rule; "那我要怎么弄" then
got the same answer word for word, and "他在城南建筑工地 老板姓刘" was declined as outside social
insurance (12345). "城南区" typed at the unit question became the unit, and at the place question
the fuzzy match made it 增城区. In the middle of the form "那能帮我查一下吗" was declined (12345)
and "你们能帮我处理吗" told a payer who was filing right then that they had filed nothing."""
from __future__ import annotations

import zlib

import pytest

from bot.store.models import DialogueState
from tests.test_dialogue import fetch, say
from tests.test_dialogue_robustness import slots_of, to_question

INJURY = "我老公在工地干活摔伤了 老板说没给他买社保 现在医药费谁出啊"
REMEDIES_STORY = "我在厂里干了三年 老板一直没给我买社保 现在我要辞职了 能不能要求赔偿"
EMPLOYER_Q = "涉及的单位"
PLACE_Q = "哪个区"
DECLINE = "我只解答社会保险费缴纳方面的问题"
NONE_FILED = "您还没有登记过事项"


async def form_slots(config, openid: str) -> dict:
    """The payer's form answers; empty when no dialogue state was ever written."""
    rows = await fetch(config.database_url, DialogueState, openid=openid)
    return dict(rows[0].slots or {}) if rows else {}


def oid(prefix: str, message: str) -> str:
    return f"lead28-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. "what do I do" after a story whose answer the payer already has ----------------------

@pytest.mark.parametrize("story,cited", [(INJURY, "第四十一条"), (REMEDIES_STORY, "第八十三条")])
@pytest.mark.parametrize("then", ["那我要怎么弄", "那我该怎么办", "这种情况怎么处理", "那怎么办呢"])
async def test_what_to_do_after_an_answered_story_starts_the_registration(platform, config,
                                                                          story, cited, then):
    openid = oid("next", story + then)
    first = await say(platform, openid, story)
    assert cited in first, first
    reply = await say(platform, openid, then)
    assert cited not in reply, reply  # not the same answer again
    assert "登记" in reply and DECLINE not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("description", "").startswith(story[:12]), (slots, reply)
    assert then not in str(slots.get("description")), slots
    assert slots.get("requested_slot"), slots


async def test_the_registration_so_started_can_be_turned_down(platform, config):
    openid = "lead28-next-cancel"
    await say(platform, openid, INJURY)
    await say(platform, openid, "那我要怎么弄")
    reply = await say(platform, openid, "取消")
    reply += await say(platform, openid, "是")
    slots = await form_slots(config, openid)
    assert not slots.get("description"), (slots, reply)


async def test_what_to_do_after_a_plain_question_is_still_no_registration(platform, config):
    openid = "lead28-next-plain"
    await say(platform, openid, "滞纳金怎么算")
    reply = await say(platform, openid, "那我该怎么办")
    assert "光知道规定" not in reply, reply
    slots = await form_slots(config, openid)
    assert not slots.get("description"), slots


# --- 2. where the story happened, with the boss named ------------------------------------------

@pytest.mark.parametrize("where,employer", [("他在城南建筑工地 老板姓刘", "城南建筑工地"),
                                            ("在宏达电子厂 老板叫王建国", "宏达电子厂")])
async def test_the_workplace_and_its_boss_after_a_story_start_the_form(platform, config, where,
                                                                       employer):
    openid = oid("where", where)
    await say(platform, openid, INJURY)
    reply = await say(platform, openid, where)
    assert DECLINE not in reply and "12345" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("employer") == employer, (slots, reply)
    assert "摔伤" in str(slots.get("description")), slots
    assert where.split()[-1] in str(slots.get("description")), slots


# --- 3. a district's name the configuration does not know ---------------------------------------

@pytest.mark.parametrize("place", ["城南区", "高新区", "城关县"])
async def test_a_district_name_at_the_unit_question_is_the_place(platform, config, place):
    openid = oid("unit-place", place)
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, place)
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == place and not slots.get("employer"), (slots, reply)


@pytest.mark.parametrize("typed,stored", [("城南区", "城南区"), ("城西区", "城西区"),
                                          ("增成区", "增城区"), ("荔城街到", "荔城街道")])
async def test_a_district_at_the_place_question_is_taken_as_typed_unless_a_typo(
        platform, config, typed, stored):
    openid = oid("place", typed)
    await to_question(platform, openid, PLACE_Q)
    reply = await say(platform, openid, typed)
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == stored, (slots, reply)


@pytest.mark.parametrize("unit", ["宏达电子厂", "新塘镇宏达电子", "增城区人民医院"])
async def test_units_are_still_units(platform, config, unit):
    openid = oid("unit", unit)
    await to_question(platform, openid, EMPLOYER_Q)
    await say(platform, openid, unit)
    slots = await slots_of(config, openid)
    assert slots.get("employer") and slots["employer"] in unit, slots


# --- 4. asking for help in the middle of the form -----------------------------------------------

SELF_PAYER = "我是个体户 今年的灵活就业社保费交不上了 系统一直提示缴费失败"


@pytest.mark.parametrize("asked", ["那能帮我查一下吗", "你们能帮我处理吗", "能帮我催一下吗",
                                   "可以帮我问问吗"])
async def test_help_asked_mid_form_is_the_registration(platform, config, asked):
    openid = oid("help", asked)
    first = await say(platform, openid, SELF_PAYER)
    question = first.splitlines()[-1]
    before = await slots_of(config, openid)
    reply = await say(platform, openid, asked)
    assert DECLINE not in reply and "12345" not in reply and NONE_FILED not in reply, reply
    assert "登记" in reply and question in reply, reply
    after = await slots_of(config, openid)
    assert after == before, (before, after)


async def test_progress_mid_form_without_a_case_says_it_is_not_filed_yet(platform, config):
    openid = "lead28-progress-form"
    await say(platform, openid, SELF_PAYER)
    reply = await say(platform, openid, "进度")
    assert NONE_FILED not in reply and "还没有提交" in reply, reply
    assert PLACE_Q in reply.splitlines()[-1] or "镇" in reply.splitlines()[-1], reply


async def test_progress_mid_form_with_a_case_still_lists_it(platform, config):
    from tests.test_dialogue import ANSWERS, finish_form

    openid = "lead28-progress-case"
    reply = await say(platform, openid, "公司一直没给我交社保")
    reply = await finish_form(platform, openid, reply, ANSWERS)
    reply = await say(platform, openid, "确认")
    assert "编号" in reply, reply
    await say(platform, openid, "还有一件事 我的医保扣了两次钱")
    reply = await say(platform, openid, "进度")
    assert "ZY" in reply and "还没有提交" not in reply, reply


# --- 5. withdrawing before anything is filed ------------------------------------------------------

@pytest.mark.parametrize("said", ["撤回", "我想撤回", "退出"])
async def test_withdraw_words_mid_form_ask_to_cancel_it(platform, config, said):
    openid = oid("withdraw", said)
    await to_question(platform, openid, PLACE_Q)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, said)
    assert "确定要取消这次登记吗" in reply and "没找到" not in reply, reply
    assert await slots_of(config, openid) == before
    reply = await say(platform, openid, "否")
    assert PLACE_Q in reply or "镇" in reply.splitlines()[-1], reply
    assert (await slots_of(config, openid)).get("employer") == before.get("employer")


async def test_withdrawing_the_last_step_still_goes_back(platform, config):
    openid = "lead28-withdraw-step"
    await to_question(platform, openid, PLACE_Q)
    reply = await say(platform, openid, "撤回上一步")
    assert "回到上一项" in reply and "确定要取消" not in reply, reply
