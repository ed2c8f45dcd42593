"""Blind round on payers' worries about filing: the boss finding out, retaliation (穿小鞋,
被开除), anonymity, whether the phone or name goes to the company, leaving only a surname.

A worry said first or in the middle of the form is answered from the privacy entry (the
statutes on keeping the payer's information secret), nothing already given is lost, no worry is
stored as a unit, place, name or wish, and the question that was pending is asked again; a
worry said with 算了 also offers the choice to go on or to cancel."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import CASE_NO, say
from tests.test_dialogue_robustness import ask_until, slots_of

STORY = "公司没给我们交医保"
UNIT_Q = "单位"
PLACE_Q = "哪个区、镇（街道）"
NAME_Q = "称呼"
PHONE_Q = "电话"
SUMMARY = "请核对登记内容"
SECRET = "保密"
NOT_ANSWERED = ("已记在登记内容里", "没找到", "您问的")
FORM_SLOTS = ("employer", "jurisdiction", "name", "phone", "desired_outcome")


def oid(prefix: str, message: str) -> str:
    return f"worry1-{prefix}-{zlib.crc32(message.encode())}"


def assert_answered(reply: str) -> None:
    assert SECRET in reply, reply
    for wrong in NOT_ANSWERED:
        assert wrong not in reply, reply


def assert_not_stored(slots: dict, said: str) -> None:
    for key in FORM_SLOTS:
        assert said not in str(slots.get(key) or ""), (key, slots)
    compact = said.replace(" ", "")
    for key in FORM_SLOTS:
        value = str(slots.get(key) or "")
        assert not (value and value in compact and len(value) > 1), (key, slots)


async def at(platform, openid: str, cue: str) -> str:
    reply = await say(platform, openid, STORY)
    reply = await ask_until(platform, openid, reply, cue)
    assert cue in reply, reply
    return reply


# --- 1. a worry as the first message -------------------------------------------------------

@pytest.mark.parametrize("said", [
    "举报公司会不会被老板知道是我",
    "投诉了会不会被穿小鞋",
    "可以匿名举报吗",
    "你们会不会把我电话给公司啊",
    "我怕被开除 举报能保密吗",
    "只留个姓可以吗 怕公司知道",
    "我怕老板知道",
])
async def test_a_worry_first_is_answered_that_it_is_kept_secret(platform, config, said):
    reply = await say(platform, oid("first", said), said)
    assert_answered(reply)


# --- 2. a worry at the unit question -------------------------------------------------------

UNIT_WORRIES = [
    "那你们会不会把我的电话给公司",
    "算了 我怕被老板知道",
    "我怕被老板知道",
    "会不会被穿小鞋啊",
    "举报了会不会被开除",
    "可以匿名吗",
    "说了单位名字 公司会知道是我举报的吗",
]


@pytest.mark.parametrize("said", UNIT_WORRIES)
async def test_a_worry_at_the_unit_question_is_answered_and_the_unit_asked_again(
        platform, config, said):
    openid = oid("unit", said)
    await at(platform, openid, UNIT_Q)
    reply = await say(platform, openid, said)
    assert_answered(reply)
    assert UNIT_Q in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, slots
    assert_not_stored(slots, said)


@pytest.mark.parametrize("said", ["算了 我怕被老板知道", "算了吧 怕老板知道", "还是算了 怕被报复"])
async def test_giving_up_for_fear_is_reassured_and_offered_the_choice(platform, config, said):
    openid = oid("giveup", said)
    await at(platform, openid, UNIT_Q)
    reply = await say(platform, openid, said)
    assert SECRET in reply, reply
    assert "取消" in reply and "继续" in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None


async def test_going_on_after_the_fear_asks_the_unit_again_and_keeps_the_story(platform, config):
    openid = "worry1-goon"
    await at(platform, openid, UNIT_Q)
    await say(platform, openid, "算了 我怕被老板知道")
    reply = await say(platform, openid, "那还是继续吧")
    assert UNIT_Q in reply, reply
    slots = await slots_of(config, openid)
    assert "医保" in str(slots.get("description")), slots
    reply = await say(platform, openid, "广州宏达电子厂")
    assert (await slots_of(config, openid)).get("employer") == "广州宏达电子厂", reply


# --- 3. a worry at the place question ------------------------------------------------------

@pytest.mark.parametrize("said", [
    "算了我怕被老板知道",
    "你们不会告诉老板吧",
    "怕被穿小鞋",
    "会不会泄露我的信息",
    "担心公司打击报复",
    "要是被厂里知道了我就完了",
])
async def test_a_worry_at_the_place_question_is_answered_and_the_place_asked_again(
        platform, config, said):
    openid = oid("place", said)
    await at(platform, openid, PLACE_Q)
    reply = await say(platform, openid, said)
    assert SECRET in reply, reply
    assert "没找到" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") is None, slots
    assert slots.get("employer") == "广州宏达电子厂", slots
    if "算了" not in said:
        assert PLACE_Q in reply, reply


# --- 4. a worry at the name question -------------------------------------------------------

@pytest.mark.parametrize("said", [
    "那我不留名字可以吗",
    "能不能只留个姓",
    "只写个姓行不行",
    "名字要写真名吗",
])
async def test_not_leaving_a_name_is_told_a_surname_will_do(platform, config, said):
    openid = oid("name", said)
    await at(platform, openid, NAME_Q)
    reply = await say(platform, openid, said)
    assert "称呼" in reply, reply
    for wrong in NOT_ANSWERED:
        assert wrong not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("requested_slot") == "name", slots
    assert said not in str(slots.get("description")), slots


@pytest.mark.parametrize("said", ["名字会告诉公司吗", "我怕老板知道我的名字"])
async def test_a_name_worry_is_answered_and_the_name_asked_again(platform, config, said):
    openid = oid("name-worry", said)
    await at(platform, openid, NAME_Q)
    reply = await say(platform, openid, said)
    assert_answered(reply)
    assert NAME_Q in reply, reply
    assert (await slots_of(config, openid)).get("name") is None


async def test_a_surname_given_after_the_worry_is_the_name(platform, config):
    openid = "worry1-surname"
    await at(platform, openid, NAME_Q)
    await say(platform, openid, "那我不留名字可以吗")
    reply = await say(platform, openid, "周先生")
    assert (await slots_of(config, openid)).get("name") == "周先生", reply


# --- 5. a worry at the phone question ------------------------------------------------------

@pytest.mark.parametrize("said", [
    "电话会给公司吗",
    "电话一定要留吗",
    "不想留电话 怕公司打过来",
])
async def test_a_phone_worry_is_told_what_the_phone_is_for(platform, config, said):
    openid = oid("phone", said)
    await at(platform, openid, PHONE_Q)
    reply = await say(platform, openid, said)
    assert "联系" in reply, reply
    assert PHONE_Q in reply, reply
    for wrong in NOT_ANSWERED:
        assert wrong not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("phone") is None, slots
    assert slots.get("name") == "李四", slots


# --- 6. a worry at the summary -------------------------------------------------------------

@pytest.mark.parametrize("said", ["你们会不会告诉公司是我举报的", "登记了老板会知道吗"])
async def test_a_worry_at_the_summary_is_answered_and_nothing_is_filed(platform, config, said):
    openid = oid("summary", said)
    await at(platform, openid, SUMMARY)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, said)
    assert_answered(reply)
    assert not CASE_NO.search(reply), reply
    after = await slots_of(config, openid)
    for key in FORM_SLOTS:
        assert after.get(key) == before.get(key), (key, before, after)
    assert "确认" in reply, reply


async def test_giving_up_at_the_summary_for_fear_then_filing_after_all(platform, config):
    openid = "worry1-summary-giveup"
    await at(platform, openid, SUMMARY)
    reply = await say(platform, openid, "算了 怕被开除")
    assert SECRET in reply and "取消" in reply, reply
    reply = await say(platform, openid, "那继续吧")
    assert SUMMARY in reply or "确认" in reply, reply
    done = await say(platform, openid, "确认")
    assert CASE_NO.search(done), done


# --- 7. a unit said together with a worry --------------------------------------------------

async def test_a_unit_said_with_a_worry_is_kept_and_the_worry_answered(platform, config):
    openid = "worry1-unit-and-worry"
    await at(platform, openid, UNIT_Q)
    reply = await say(platform, openid, "广州宏达电子厂 不过别告诉他们是我说的")
    assert SECRET in reply, reply
    assert (await slots_of(config, openid)).get("employer") == "广州宏达电子厂", reply


@pytest.mark.parametrize("said", ["那我不留名字可以吗", "能不能只留个姓"])
async def test_leaving_no_name_asked_at_the_unit_question_is_answered_then_the_unit(
        platform, config, said):
    openid = oid("name-early", said)
    await at(platform, openid, UNIT_Q)
    reply = await say(platform, openid, said)
    assert "称呼" in reply and UNIT_Q in reply, reply
    for wrong in NOT_ANSWERED:
        assert wrong not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots.get("name") is None, slots
