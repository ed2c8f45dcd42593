"""Faults the lead engineer met filing as a payer at stop 31: a cleaner paid in on the lowest
base by a property company, a worker whose wage slip showed contributions never paid in, a
small restaurant owner contesting an assessment. "工资条上每个月都扣了社保 …查社保局那边根本
没有记录" got the category list instead of the unit question; "扣了差不多两年了" at the unit
question became the unit's name; "还有几个同事也一样 大概五六个" counted nobody; the registered
name "广州市宏景物业管理有限公司" was cut at 物业 (and dropped at the place question);
"在新塘那边 哦不对 是永宁街道" kept 新塘; a period at the headcount question was refused as a
count; "开小饭店" was stored as the unit and "老王家常菜馆" was no unit at all."""
from __future__ import annotations

import zlib

import pytest

from bot.handlers.answers import category_said, people_count
from tests.test_dialogue import CASE_NO, say
from tests.test_dialogue_robustness import slots_of

EMPLOYER_Q = "涉及的单位"
PLACE_Q = "哪个区、镇（街道）"
COUNT_Q = "涉及几个人"
MENU = "请选一下问题类型"
WITHHELD = "工资条上每个月都扣了社保 三百多 但是我去查社保局那边根本没有记录"


def oid(prefix: str, message: str) -> str:
    return f"lead31-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. withheld from the wage, never paid in ----------------------------------------------

@pytest.mark.parametrize("said", [
    WITHHELD,
    "公司每个月扣了社保钱 但是一直没交",
    "工资里扣了保险 可是社保局查不到",
    "厂里扣了我社保但是没交",
    "老板说工资里扣了社保 我查了缴费记录里没有",
])
def test_contributions_withheld_and_not_paid_in_are_arrears(said):
    assert category_said(said) == "employer_arrears"


@pytest.mark.parametrize("said,category", [
    ("我自己交的 查不到缴费记录", "payment_record"),
    ("孩子的城乡居民医保 学校说交了 但是医保局那边查不到 看病报销不了", "payment_record"),
    ("公司说交了 但是社保局查不到", "payment_record"),
    ("扣款扣了两次", "refund"),
    ("按最低档交的", "contribution_base"),
])
def test_other_named_categories_stay(said, category):
    assert category_said(said) == category


@pytest.mark.parametrize("said", ["工资扣了社保 没问题吧", "银行扣了钱但是没交上"])
def test_a_deduction_without_a_unit_withholding_it_names_no_arrears(said):
    assert category_said(said) != "employer_arrears"


async def test_a_withheld_wage_story_goes_on_to_the_unit_not_the_list(platform, config):
    openid = "lead31-withheld"
    reply = await say(platform, openid, WITHHELD)
    slots = await slots_of(config, openid)
    assert MENU not in reply and EMPLOYER_Q in reply, reply
    assert slots.get("category") == "employer_arrears", slots


# --- 2. how long it went on, where the unit is asked ----------------------------------------

@pytest.mark.parametrize("said", ["扣了差不多两年了", "扣我钱扣了一年多"])
async def test_how_long_it_went_on_is_no_unit_name(platform, config, said):
    openid = oid("span", said)
    await say(platform, openid, WITHHELD)
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, (slots, reply)
    assert slots.get("requested_slot") == "employer" and EMPLOYER_Q in reply, reply
    assert slots.get("period"), slots


# --- 3. a vague count and then a number --------------------------------------------------------

@pytest.mark.parametrize("said,count", [
    ("还有几个同事也一样 大概五六个", 6),
    ("几个老乡 有七八个吧", 8),
    ("大概五六个", 6),
])
def test_the_number_after_a_vague_count_is_the_count(said, count):
    assert people_count(said) == count


@pytest.mark.parametrize("said,count", [
    ("三个 加上我四个", 4),
    ("我们店三个员工 加上我是四个", 4),
    ("算上我4个人", 4),
    ("5个人 一共", 5),
])
def test_the_count_said_as_the_total_is_the_count(said, count):
    assert people_count(said) == count


@pytest.mark.parametrize("said", ["好几个", "几个人"])
def test_a_vague_count_alone_is_still_no_number(said):
    assert people_count(said) is None


async def test_a_number_after_a_vague_count_answers_the_headcount(platform, config):
    openid = "lead31-count"
    for said in (WITHHELD, "顺达五金制品厂", "石滩镇", "陈晓东", "15922317788"):
        reply = await say(platform, openid, said)
    assert COUNT_Q in reply, reply
    reply = await say(platform, openid, "还有几个同事也一样 大概五六个")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") in (5, 6) and slots.get("headcount_said") == "五六", slots
    assert slots.get("requested_slot") != "headcount", (slots, reply)


# --- 4. a registered name with a kind of business inside it ----------------------------------

@pytest.mark.parametrize("said,unit", [
    ("广州市宏景物业管理有限公司", "广州市宏景物业管理有限公司"),
    ("宏景物业管理有限公司", "宏景物业管理有限公司"),
    ("公司全称是广州市宏景物业管理有限公司", "广州市宏景物业管理有限公司"),
])
async def test_a_registered_name_replaces_the_generic_unit_at_the_place_question(
        platform, config, said, unit):
    openid = oid("registered", said)
    assert PLACE_Q in await say(platform, openid, "物业公司一直按最低档给我交社保 我工资有六千多")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == unit, (slots, reply)
    assert unit in reply and PLACE_Q in reply, reply


@pytest.mark.parametrize("said,unit", [
    ("顺景酒店管理有限公司", "顺景酒店管理有限公司"),
    ("百佳超市新塘店", "百佳超市新塘店"),
    ("鸿运物流有限公司增城分公司", "鸿运物流有限公司增城分公司"),
])
async def test_the_whole_registered_name_is_the_unit(platform, config, said, unit):
    openid = oid("whole", said)
    assert EMPLOYER_Q in await say(platform, openid, "单位一直没给我交社保")
    await say(platform, openid, said)
    assert (await slots_of(config, openid)).get("employer") == unit


# --- 5. a place corrected in the same message ------------------------------------------------

@pytest.mark.parametrize("said,place", [
    ("在新塘那边 哦不对 是永宁街道", "永宁街道"),
    ("新塘 不对不对 石滩", "石滩镇"),
    ("不是新塘 是石滩", "石滩镇"),
])
async def test_the_place_said_after_a_correction_is_the_place(platform, config, said, place):
    openid = oid("place", said)
    await say(platform, openid, "广州市宏景物业管理有限公司一直按最低档给我交社保")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == place, (slots, reply)


# --- 6. a period at the headcount question ------------------------------------------------------

async def test_a_period_at_the_headcount_question_is_noted_not_refused(platform, config):
    openid = "lead31-period"
    for said in ("物业公司一直按最低档给我交社保 但我工资有六千多 我要投诉", "广州市宏景物业管理有限公司",
                 "永宁街道", "刘桂芳", "13726548810"):
        reply = await say(platform, openid, said)
    assert COUNT_Q in reply, reply
    reply = await say(platform, openid, "从2022年开始一直这样")
    slots = await slots_of(config, openid)
    assert "2022" in str(slots.get("period")), slots
    assert "请回复人数" not in reply and COUNT_Q in reply, reply
    assert slots.get("requested_slot") == "headcount", slots


# --- 7. the owner's own trade is no unit; a restaurant's name is one ------------------------

async def test_an_owners_trade_is_no_unit_and_a_restaurant_name_is(platform, config):
    openid = "lead31-owner"
    reply = await say(platform, openid, "我是开小饭店的 税务局给我核定的社保费太高了 我们店就三个员工 "
                                        "每个月要交四千多 不合理")
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and EMPLOYER_Q in reply, (slots, reply)
    await say(platform, openid, "个体户 营业执照上是 老王家常菜馆")
    assert (await slots_of(config, openid)).get("employer") == "老王家常菜馆"


# --- 8. a payer who would rather not give a name ----------------------------------------------

HOTEL = ("我是在增城一家酒店做服务员的 他们说试用期三个月不买社保 现在都五个月了还没买", "碧桂园凤凰酒店",
         "荔湖街道")
NAME_Q = "怎么称呼您"


async def at_the_name_question(platform, openid: str) -> None:
    for said in HOTEL:
        reply = await say(platform, openid, said)
    assert NAME_Q in reply, reply


@pytest.mark.parametrize("said,name", [
    ("那叫我小李吧", "小李"),
    ("那就叫我小李", "小李"),
    ("不想说名字 叫我小李吧", "小李"),
    ("不想留名 就叫我李先生", "李先生"),
])
async def test_a_form_of_address_offered_is_the_name(platform, config, said, name):
    openid = oid("called", said)
    await at_the_name_question(platform, openid)
    reply = await say(platform, openid, said)
    assert (await slots_of(config, openid)).get("name") == name, reply


@pytest.mark.parametrize("said", ["我不想说名字可以吗", "名字能不能不说", "可以不留名字吗"])
async def test_not_wanting_to_give_a_name_is_told_a_form_of_address_will_do(platform, config,
                                                                         said):
    openid = oid("refused", said)
    await at_the_name_question(platform, openid)
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("requested_slot") == "name", slots
    assert "称呼也可以" in reply and "您问的" not in reply, reply
    assert said not in str(slots.get("description")), slots


# --- 9. cancelling for fear of the boss, then filing after all ---------------------------------

async def test_a_payer_afraid_of_the_boss_is_told_it_is_secret_and_can_file_after_all(
        platform, config):
    openid = "lead31-afraid"
    for said in ("公司拖欠我们社保快一年了", "永发制衣厂", "新塘", "赵敏", "13711112222", "二十来个"):
        reply = await say(platform, openid, said)
    reply = await say(platform, openid, "补缴")
    assert "请核对登记内容" in reply, reply
    reply = await say(platform, openid, "算了 还是不登记了 怕老板知道")
    assert "保密" in reply and "确定要取消" in reply, reply
    reply = await say(platform, openid, "那还是登记吧 你们保密就行")
    assert "继续登记" in reply and "12345" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") == "永发制衣厂"
    done = await say(platform, openid, "确认")
    assert CASE_NO.search(done), done


# --- 10. a parent filing for a child's resident medical insurance ------------------------------

async def test_a_parent_names_herself_with_her_role_at_the_category_question(platform, config):
    openid = "lead31-parent"
    reply = await say(platform, openid, "孩子的城乡居民医保 学校说交了 但是医保局那边查不到 看病报销不了")
    assert MENU not in reply, reply
    for said in ("没有单位 是学校代收的", "荔城"):
        await say(platform, openid, said)
    reply = await say(platform, openid, "家长 陈美玲")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "payment_record" and slots.get("name") == "陈美玲", slots
    assert slots.get("employer") in (None, "无"), slots
