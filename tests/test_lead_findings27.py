"""Faults the lead engineer met filing as a payer at stop 27: after a self-payer's story answered
as a question ("灵活就业的社保 银行卡扣了两个月的钱 但是系统里显示没缴费 怎么回事"), a short remark
that starts the form ("没有单位 我自己交的") became the whole description, forgot the story and
asked for the category the story had already made plain; "那住院的钱能让公司出吗" (hospital costs
left to the payer by a unit that did not pay the medical insurance) was answered with work-injury
medical costs, and the same question with its story with medical care in another city."""
from __future__ import annotations

import zlib

import pytest

from bot.store.models import DialogueState
from knowledge import load_kb
from tests.test_dialogue import fetch, say
from tests.test_dialogue_robustness import slots_of


def oid(prefix: str, message: str) -> str:
    return f"lead27-{prefix}-{zlib.crc32(message.encode())}"


STORY = "灵活就业的社保 银行卡扣了两个月的钱 但是系统里显示没缴费 怎么回事"


@pytest.mark.parametrize("remark", ["没有单位 我自己交的", "我是自己交的 没单位", "是我个人交的"])
async def test_a_short_remark_after_a_story_goes_on_with_it(platform, config, remark):
    openid = oid("remark", remark)
    await say(platform, openid, STORY)
    reply = await say(platform, openid, remark)
    slots = await slots_of(config, openid)
    assert "银行卡扣了" in str(slots.get("description")), (slots, reply)
    assert slots.get("category") == "payment_record", (slots, reply)
    assert "问题类型" not in reply, reply
    reply = await say(platform, openid, "荔城街道")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "荔城街道", (slots, reply)
    assert remark in str(slots.get("description")), slots


async def test_a_new_dispute_of_its_own_after_a_story_is_not_joined_to_it(platform, config):
    """A complaint with a plain category of its own is its own description."""
    openid = oid("own", "new")
    await say(platform, openid, STORY)
    await say(platform, openid, "另外单位少报了我的缴费基数 我要投诉")
    slots = await slots_of(config, openid)
    assert "银行卡扣了" not in str(slots.get("description")), slots


async def test_without_a_story_the_remark_is_answered_for_a_self_payer(platform, config):
    """Since NLU round 16 (stop 30) a bare "没有单位 我自己交的" is no filing: it is answered with
    how a self-payer pays (第六十条), and a harm said next starts the form with it."""
    openid = oid("alone", "没有单位 我自己交的")
    reply = await say(platform, openid, "没有单位 我自己交的")
    assert "第六十条" in reply, reply
    reply = await say(platform, openid, "可是我交了钱 系统里查不到记录")
    slots = await slots_of(config, openid)
    assert "查不到记录" in slots.get("description", ""), (slots, reply)


@pytest.mark.parametrize("remark", ["哦", "好的 知道了", "谢谢"])
async def test_a_nod_after_a_story_starts_no_form(platform, config, remark):
    openid = oid("nod", remark)
    await say(platform, openid, STORY)
    reply = await say(platform, openid, remark)
    states = await fetch(config.database_url, DialogueState, openid=openid)
    assert all("银行卡扣了" not in str((s.slots or {}).get("description")) for s in states), reply


# --- 2. hospital costs an unpaid medical insurance left to the payer ------------------------

@pytest.mark.parametrize("question", ["那住院的钱能让公司出吗", "公司没给我交医保 我住院的钱能让公司出吗",
                                      "因为单位没交医保报销不了 可以找单位要吗"])
def test_costs_left_by_unpaid_medical_insurance_are_a_labour_dispute(question):
    """It was answered with work-injury medical costs or medical care in another city; the
    statutes say who pays the insurance, what the unit owes, and that a dispute over it is a
    labour dispute for mediation and arbitration, not who bears the bill."""
    answer = load_kb().ask(question)
    assert answer.entry_id == "unpaid_medical_costs", answer
    assert "第二条" in answer.source and "第八十六条" in answer.source, answer
    assert "工伤" not in answer.answer and "异地" not in answer.answer


async def test_the_costs_question_mid_form_is_answered_and_the_form_goes_on(platform, config):
    openid = oid("costs", "mid-form")
    await say(platform, openid, "公司没给我交医保 我生病住院报销不了")
    await say(platform, openid, "顺通物流")
    await say(platform, openid, "石滩镇")
    reply = await say(platform, openid, "那住院的钱能让公司出吗")
    assert "劳动争议调解仲裁法" in reply and "工伤保险基金" not in reply, reply
    assert "称呼" in reply, reply
    assert (await slots_of(config, openid)).get("employer") == "顺通物流"
