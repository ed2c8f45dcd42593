"""Faults the lead engineer met filing as a payer at stop 30: a factory worker who half
remembers the factory's name, a unit's accountant disputing an assessment, a fitter whose
unit and town came in one message, a flexible worker charged twice. "叫什么名字我不太记得了 好像是
叫永利制衣" where the unit was asked was answered as a question outside social insurance;
"就我一个吧" there was asked for the unit's name again and the count was lost; "叫 金鑫装饰工程
在石滩" kept the town in the unit's name; a period or an amount given out of turn was stored
without a word; a full name said after "黄师傅" was read as a question about the phone."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of

START = "厂里一直没给我买社保"
EMPLOYER_Q = "涉及的单位"


def oid(prefix: str, message: str) -> str:
    return f"lead30-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. a half-remembered name is no question --------------------------------------------

@pytest.mark.parametrize("said,unit", [
    ("叫什么名字我不太记得了 好像是叫永利制衣", "永利制衣"),
    ("全称我不记得了 好像叫永利制衣", "永利制衣"),
    ("具体叫啥我忘了 大概是永利制衣厂", "永利制衣厂"),
])
async def test_a_half_remembered_unit_name_is_the_unit(platform, config, said, unit):
    openid = oid("half", said)
    assert EMPLOYER_Q in await say(platform, openid, START)
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert "12345" not in reply and "我只解答" not in reply, reply
    assert slots.get("employer") == unit, (slots, reply)
    assert slots.get("requested_slot") not in (None, "employer"), slots


async def test_a_forgotten_name_without_a_guess_is_asked_for_a_short_name(platform, config):
    openid = "lead30-forgot"
    await say(platform, openid, START)
    reply = await say(platform, openid, "叫什么名字我不太记得了")
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots.get("requested_slot") == "employer", slots
    assert "12345" not in reply and "简称" in reply, reply


# --- 2. a headcount where the unit is asked --------------------------------------------------

@pytest.mark.parametrize("said,count", [
    ("就我一个吧 其他人不知道", 1),
    ("就我一个人", 1),
    ("我们三个人都没交", 3),
])
async def test_a_headcount_at_the_unit_question_is_kept(platform, config, said, count):
    openid = oid("count", said)
    await say(platform, openid, START)
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == count, (slots, reply)
    assert slots.get("employer") is None and slots.get("requested_slot") == "employer", slots
    assert "涉及人数" in reply and EMPLOYER_Q in reply, reply


# --- 3. a configured town after the unit's name, without its 镇 ------------------------------

@pytest.mark.parametrize("said,unit,place", [
    ("叫 金鑫装饰工程 在石滩", "金鑫装饰工程", "石滩镇"),
    ("金鑫装饰工程 在石滩那边", "金鑫装饰工程", "石滩镇"),
    ("宏达电子厂，在新塘", "宏达电子厂", "新塘镇"),
])
async def test_a_town_said_short_after_the_unit_is_the_place(platform, config, said, unit,
                                                            place):
    openid = oid("town", said)
    await say(platform, openid, "老板说试用期不给买社保 过了试用期也不买 我都干了8个月了")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == unit, (slots, reply)
    assert slots.get("jurisdiction") == place, (slots, reply)


async def test_a_town_corrected_later_leaves_the_unit_name_alone(platform, config):
    openid = "lead30-town-fix"
    await say(platform, openid, "老板说试用期不给买社保 过了试用期也不买 我都干了8个月了")
    await say(platform, openid, "叫 金鑫装饰工程 在石滩")
    reply = await say(platform, openid, "不对 是在仙村镇")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "仙村镇", (slots, reply)
    assert slots.get("employer") == "金鑫装饰工程", (slots, reply)


# --- 4. a period or an amount given out of turn is said as noted ---------------------------

async def test_a_period_given_at_the_name_question_is_said_as_noted(platform, config):
    openid = "lead30-period-noted"
    await say(platform, openid, START)
    await say(platform, openid, "永利制衣厂")
    await say(platform, openid, "新塘镇")
    reply = await say(platform, openid, "前年三月到今年十月")
    slots = await slots_of(config, openid)
    assert slots.get("period"), slots
    assert "已记下" in reply and reply.count("时间段") == 1, reply
    assert "称呼" in reply or "姓名" in reply, reply


async def test_an_amount_given_at_the_place_question_is_said_as_noted(platform, config):
    openid = "lead30-amount-noted"
    await say(platform, openid, "我是灵活就业的 社保被扣了两次钱")
    await say(platform, openid, "没有单位")
    reply = await say(platform, openid, "扣了两笔 每笔1184.5元")
    slots = await slots_of(config, openid)
    assert slots.get("amount") == 1184.5, (slots, reply)
    assert "1184.5元" in reply and "已记下" in reply, reply


# --- 5. a full name after a name of address ---------------------------------------------------

@pytest.mark.parametrize("title,full", [("黄师傅", "黄志强"), ("陈会计", "陈小红"), ("小王", "王丽")])
async def test_a_full_name_after_a_form_of_address_replaces_it(platform, config, title, full):
    openid = oid("fullname", title)
    await say(platform, openid, START)
    await say(platform, openid, "永利制衣厂")
    await say(platform, openid, "新塘镇")
    await say(platform, openid, "去年三月到现在")
    await say(platform, openid, title)
    reply = await say(platform, openid, full)
    slots = await slots_of(config, openid)
    assert slots.get("name") == full, (slots, reply)
    assert "打电话向您核实" not in reply, reply
    assert "电话" in reply, reply  # the phone is still asked


async def test_a_name_unlike_the_one_given_at_the_phone_question_is_not_taken_silently(
        platform, config):
    openid = "lead30-othername"
    await say(platform, openid, START)
    await say(platform, openid, "永利制衣厂")
    await say(platform, openid, "新塘镇")
    await say(platform, openid, "去年三月到现在")
    await say(platform, openid, "黄志强")
    reply = await say(platform, openid, "13710023345")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "黄志强" and slots.get("phone") == "13710023345", slots
    assert "电话" not in reply and "几个人" in reply, reply  # the next question


# --- 6. a unit's name at the category menu ----------------------------------------------------

async def test_a_unit_name_at_the_category_menu_is_no_more_of_the_story(platform, config):
    openid = "lead30-menu-unit"
    first = await say(platform, openid, "我要投诉社保的问题")
    assert "问题类型" in first, first
    reply = await say(platform, openid, "广州市增城区顺景贸易有限公司")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州市增城区顺景贸易有限公司", (slots, reply)
    assert "顺景" not in slots.get("description", ""), slots
    assert "补充到问题描述" not in reply, reply
    reply = await say(platform, openid, "顺景贸易公司 他们一直少报我的工资基数")
    slots = await slots_of(config, openid)
    assert "少报我的工资基数" in slots.get("description", ""), (slots, reply)  # a story still joins


# --- 7. the month the payer joined -----------------------------------------------------------

@pytest.mark.parametrize("said", ["2025年3月入职的", "我是2025年3月进厂的"])
async def test_the_month_the_payer_joined_starts_a_period_to_now(platform, config, said):
    openid = oid("joined", said)
    await say(platform, openid, "老板说试用期不给买社保 过了试用期也不买")
    await say(platform, openid, "永利制衣厂")
    await say(platform, openid, "新塘镇")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("period") == "2025-03/..", (slots, reply)
    assert reply.count("2025年3月起") == 1 and "已记下" in reply, reply


async def test_a_join_month_with_a_leaving_month_stays_two_dates(platform, config):
    openid = "lead30-joined-left"
    await say(platform, openid, "老板说试用期不给买社保 过了试用期也不买")
    await say(platform, openid, "永利制衣厂")
    await say(platform, openid, "新塘镇")
    await say(platform, openid, "2025年3月入职 2025年8月离职")
    slots = await slots_of(config, openid)
    assert not str(slots.get("period")).endswith("/.."), slots


# --- 8. one, and maybe a few others ---------------------------------------------------------

@pytest.mark.parametrize("said", ["就他一个吧 好像还有几个老乡也是", "就我一个 还有几个工友也没买吧"])
async def test_one_and_a_few_others_asks_for_a_rough_count(platform, config, said):
    openid = oid("fewothers", said)
    await say(platform, openid, "公司一直没给我交社保")
    await say(platform, openid, "隆兴制衣厂")
    await say(platform, openid, "新塘镇")
    await say(platform, openid, "从前年开始 一直到现在")
    await say(platform, openid, "张建华")
    assert "几个人" in await say(platform, openid, "13926651234")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("headcount") is None and slots.get("requested_slot") == "headcount", (
        slots, reply)
    assert "大概的数" in reply, reply
    await say(platform, openid, "四五个吧")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 4 and slots.get("headcount_said") == "四五", slots
