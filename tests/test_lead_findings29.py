"""Faults the lead engineer met filing as a payer at stop 29. "试用期半年" typed where the unit
was asked became the unit's name. A unit named with a place outside the district in one
message ("东莞市长安镇的一个五金厂 叫鸿发五金", "叫鸿发五金 在东莞市长安镇") lost the place, and at
the place question the list of the district's towns was shown again and again."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of
from tests.test_lead_findings28 import form_slots

START = "公司一直没给我交社保"
EMPLOYER_Q = "涉及的单位"
PLACE_Q = "哪个区"


def oid(prefix: str, message: str) -> str:
    return f"lead29-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. a length of time where the unit is asked ---------------------------------------------

@pytest.mark.parametrize("span", ["试用期半年", "干了三年多", "做了两个月", "已经一年半了", "半年"])
async def test_a_length_of_time_at_the_unit_question_is_no_unit(platform, config, span):
    openid = oid("span", span)
    first = await say(platform, openid, START)
    assert EMPLOYER_Q in first, first
    reply = await say(platform, openid, span)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, (slots, reply)
    assert slots.get("requested_slot") == "employer", (slots, reply)
    kept = slots.get("description", "") + str(slots.get("period_said"))
    assert span.replace("已经", "").rstrip("了").lstrip("干做了") in kept, slots  # not dropped
    if span.startswith("试用期"):
        assert span in slots.get("description", ""), slots  # what the span was, for the liaison
    assert EMPLOYER_Q in reply, reply
    reply = await say(platform, openid, "鸿发五金厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "鸿发五金厂", (slots, reply)


@pytest.mark.parametrize("unit", ["三和五金厂", "一年四季餐饮店", "百年老店"])
async def test_a_unit_whose_name_holds_a_number_is_still_the_unit(platform, config, unit):
    openid = oid("unitnum", unit)
    await say(platform, openid, START)
    reply = await say(platform, openid, unit)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == unit, (slots, reply)


async def test_a_length_of_time_at_the_place_question_keeps_the_place_asked(platform, config):
    openid = "lead29-span-place"
    await say(platform, openid, START)
    await say(platform, openid, "鸿发五金厂")
    reply = await say(platform, openid, "试用期半年")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") is None and slots.get("requested_slot") == "jurisdiction", (
        slots, reply)
    assert "试用期半年" in slots.get("description", ""), slots


# --- 2. a unit and a place outside the district in one message ---------------------------------

@pytest.mark.parametrize("said,unit,place", [
    ("东莞市长安镇的一个五金厂 叫鸿发五金", "鸿发五金", "东莞市长安镇"),
    ("叫鸿发五金 在东莞市长安镇", "鸿发五金", "东莞市长安镇"),
    ("鸿发五金厂 在东莞长安", "鸿发五金厂", "东莞长安"),
    ("在深圳宝安的宏达电子厂", "宏达电子厂", "深圳宝安"),
    ("宏达电子厂，深圳宝安区那边", "宏达电子厂", "深圳宝安区"),
])
async def test_a_unit_and_an_outside_place_at_the_unit_question(platform, config, said, unit,
                                                               place):
    openid = oid("unitplace", said)
    await say(platform, openid, START)
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer", "").startswith(unit), (slots, reply)
    assert place not in slots.get("employer", ""), slots
    assert slots.get("jurisdiction") == place, (slots, reply)
    assert PLACE_Q not in reply, reply


@pytest.mark.parametrize("said,unit,place", [
    ("东莞市长安镇的一个五金厂 叫鸿发五金", "鸿发五金", "东莞市长安镇"),
    ("在深圳宝安的宏达电子厂", "宏达电子厂", "深圳宝安"),
])
async def test_a_unit_and_an_outside_place_at_the_place_question(platform, config, said, unit,
                                                                place):
    """The unit named at its question stays; the place beside it at the place question is taken
    instead of the district's list shown again."""
    openid = oid("placeq", said)
    await say(platform, openid, START)
    first = await say(platform, openid, unit)
    assert PLACE_Q in first, first
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == place, (slots, reply)
    assert slots.get("employer", "").startswith(unit), (slots, reply)


async def test_a_registered_name_that_starts_with_its_city_keeps_it(platform, config):
    openid = "lead29-registered"
    await say(platform, openid, START)
    reply = await say(platform, openid, "深圳市鸿发五金制品有限公司")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "深圳市鸿发五金制品有限公司", (slots, reply)


async def test_an_inside_place_with_the_unit_still_works(platform, config):
    openid = "lead29-inside"
    await say(platform, openid, START)
    reply = await say(platform, openid, "新塘镇的一个五金厂 叫鸿发五金")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇" and slots.get("employer", "").startswith(
        "鸿发五金"), (slots, reply)


async def test_a_story_that_mentions_another_city_sets_no_place(platform, config):
    openid = "lead29-story-city"
    reply = await say(platform, openid, "我以前在深圳交过社保 现在新公司不给交")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") is None, (slots, reply)


# --- 3. "no" at the cancel question, and the answer after it -----------------------------------

BASE = "单位少给我交了社保 按最低基数交的 我工资八千多"


@pytest.mark.parametrize("said", ["不对 还是要弄 单位叫丰华物流", "不取消，丰华物流有限公司",
                                  "先别取消 公司名字叫丰华物流"])
async def test_going_on_with_the_answer_in_one_message_keeps_the_answer(platform, config, said):
    openid = oid("goon", said)
    await say(platform, openid, BASE)
    asked = await say(platform, openid, "算了 还是不弄了")
    assert "取消" in asked, asked
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer", "").startswith("丰华物流"), (slots, reply)
    assert slots.get("description", "").startswith(BASE[:10]), slots
    assert PLACE_Q in reply and "确定要取消" not in reply, reply


@pytest.mark.parametrize("said", ["不不不，点错了", "先别取消，我看看", "不是 我要继续"])
async def test_a_no_with_a_remark_goes_on_at_the_same_question(platform, config, said):
    openid = oid("goonplain", said)
    await say(platform, openid, BASE)
    await say(platform, openid, "算了 还是不弄了")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots.get("requested_slot") == "employer", (
        slots, reply)
    assert EMPLOYER_Q in reply, reply


async def test_yes_at_the_cancel_question_still_cancels(platform, config):
    openid = "lead29-goon-yes"
    await say(platform, openid, BASE)
    await say(platform, openid, "算了 还是不弄了")
    reply = await say(platform, openid, "是的 取消吧")
    slots = await slots_of(config, openid)
    assert not slots.get("description"), (slots, reply)


# --- 4. a hesitation beside a correction is no name ----------------------------------------------

@pytest.mark.parametrize("wait", ["等会", "等一下", "稍等"])
async def test_a_hesitation_before_a_correction_is_no_name(platform, config, wait):
    openid = oid("wait", wait)
    await say(platform, openid, BASE)
    await say(platform, openid, "丰华物流")
    asked = await say(platform, openid, "荔城")
    assert "怎么称呼" in asked, asked
    reply = await say(platform, openid, f"{wait} 不是荔城 是增江")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "增江街道", (slots, reply)
    assert slots.get("name") is None and slots.get("requested_slot") == "name", (slots, reply)
    await say(platform, openid, "李梅")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李梅", slots


# --- 5. where a retiree lives is no matter to register -----------------------------------------

MENU = "请选一下问题类型"


@pytest.mark.parametrize("first", [None, "我退休了 医保还要交吗"])
@pytest.mark.parametrize("said", ["我是在广州退休的 现在住增城", "我是去年在深圳退休的"])
async def test_where_a_payer_retired_starts_no_form(platform, config, first, said):
    openid = oid("retired", f"{first}{said}")
    if first:
        await say(platform, openid, first)
    reply = await say(platform, openid, said)
    assert MENU not in reply and EMPLOYER_Q not in reply, reply
    slots = await form_slots(config, openid)
    assert not slots.get("description"), (slots, reply)


@pytest.mark.parametrize("said", ["我是在广州退休的 单位一直没给我交医保", "公司没给我交社保",
                                  "我在新塘镇宏达电子厂上班 社保断了三个月"])
async def test_a_story_with_a_harm_still_starts_the_form(platform, config, said):
    openid = oid("harm", said)
    await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("description"), slots


# --- 6. a unit's accountant filing -------------------------------------------------------------

UNIT_STORY = "我是公司财务 税务局给我们核定的社保费基数太高了 我们不认可"
UNIT_NAME = "广州市增城区恒达包装有限公司"


async def test_the_town_beside_a_unit_named_with_its_district_is_the_place(platform, config):
    openid = "lead29-unit-town"
    asked = await say(platform, openid, UNIT_STORY)
    assert PLACE_Q in asked, asked
    reply = await say(platform, openid, f"我们公司是增城区荔湖街道的 叫{UNIT_NAME}")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "荔湖街道", (slots, reply)
    assert slots.get("employer") == UNIT_NAME, slots


@pytest.mark.parametrize("said,amount", [("大概多算了四万多", 40000), ("少算了两千", 2000),
                                         ("我算了一下 差不多三千", 3000)])
async def test_a_sum_reckoned_is_no_wish_to_cancel(platform, config, said, amount):
    openid = oid("reckon", said)
    await say(platform, openid, UNIT_STORY)
    await say(platform, openid, f"荔湖街道 {UNIT_NAME}")
    reply = await say(platform, openid, said)
    assert "取消" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("amount") == amount and slots.get("description"), (slots, reply)


@pytest.mark.parametrize("said", ["算了", "那就算了吧", "算了 不弄了"])
async def test_a_sigh_of_giving_up_still_asks_to_cancel(platform, config, said):
    openid = oid("sigh", said)
    await say(platform, openid, UNIT_STORY)
    reply = await say(platform, openid, said)
    assert "确定要取消" in reply, reply


async def test_a_unit_code_is_no_sum(platform, config):
    openid = "lead29-code-sum"
    await say(platform, openid, UNIT_STORY)
    await say(platform, openid, f"荔湖街道 {UNIT_NAME}")
    reply = await say(platform, openid, "统一社会信用代码91440183MA59BC7D1K")
    slots = await slots_of(config, openid)
    assert slots.get("amount") is None, (slots, reply)


@pytest.mark.parametrize("said", ["只有我们公司", "就我们单位", "我们公司自己的事"])
async def test_only_our_company_at_the_headcount_is_the_units_own_matter(platform, config, said):
    openid = oid("unitonly", said)
    await say(platform, openid, UNIT_STORY)
    await say(platform, openid, f"荔湖街道 {UNIT_NAME}")
    await say(platform, openid, "王会计 13922334455")
    slots = await slots_of(config, openid)
    assert slots.get("requested_slot") == "headcount", slots
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 1, (slots, reply)


# --- 7. who did it, said after a story answered as a question ---------------------------------

MEDICAL_STORY = "医保断交了三个月 现在看病不能报销了 怎么办"


@pytest.mark.parametrize("remark", ["是单位没交的", "公司没给交", "单位欠着没交"])
async def test_the_unit_named_as_the_cause_goes_on_with_the_story(platform, config, remark):
    openid = oid("cause", remark)
    first = await say(platform, openid, MEDICAL_STORY)
    assert "第二十三条" in first, first
    reply = await say(platform, openid, remark)
    assert "没太明白" not in reply and EMPLOYER_Q in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("description", "").startswith(MEDICAL_STORY[:8]), slots
    assert remark in slots.get("description", ""), slots
    assert slots.get("category") == "employer_arrears", slots


async def test_a_new_dispute_of_another_kind_after_the_story_is_its_own(platform, config):
    openid = "lead29-cause-other"
    await say(platform, openid, MEDICAL_STORY)
    await say(platform, openid, "另外单位少报了我的缴费基数 我要投诉")
    slots = await slots_of(config, openid)
    assert "断交" not in str(slots.get("description")), slots


@pytest.mark.parametrize("said", ["公司没给交", "老板不给办", "单位说不交"])
async def test_what_the_unit_did_at_the_unit_question_is_no_name(platform, config, said):
    openid = oid("didnot", said)
    await say(platform, openid, "我要投诉")
    await say(platform, openid, "公司没给交社保")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots.get("requested_slot") == "employer", (
        slots, reply)


@pytest.mark.parametrize("unit", ["说唱文化传媒有限公司", "讲堂教育培训中心"])
async def test_a_unit_whose_name_holds_a_story_word_is_kept(platform, config, unit):
    openid = oid("storyname", unit)
    await say(platform, openid, "我要投诉")
    await say(platform, openid, "公司没给交社保")
    reply = await say(platform, openid, unit)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == unit, (slots, reply)
