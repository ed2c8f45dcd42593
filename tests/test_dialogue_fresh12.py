"""Misreadings found by persona probing, blind round 12, payers other than an employee whose
employer did not pay (a company's HR or accountant, a small shop owner, a self-employed payer,
a resident paying for the family, a payer complaining about a window clerk): each test pins a
class of misreading, driven through the real encrypted gateway."""
from __future__ import annotations

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question

# --- a unit's or a self-employed payer's own wishes -------------------------------------------

@pytest.mark.parametrize("wish", ["退款", "重新核定", "退滞纳金", "把年限算上", "有人管",
                                  "提高效率", "领导协调", "重新核算基数", "查到记录"])
async def test_a_payers_own_wish_is_taken(platform, config, wish):
    """"退款", "重新核定", "退滞纳金" at 您希望怎么处理 got the question again and again."""
    openid = f"f12-wish-{wish}"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, wish)
    assert "希望怎么处理" not in reply, reply
    assert (await slots_of(config, openid))["desired_outcome"] == wish


@pytest.mark.parametrize("wish", ["重新核定", "多退少补"])
async def test_a_wish_at_the_unit_question_is_the_wish_not_the_unit(platform, config, wish):
    """"重新核定" at the employer question was stored as the employer 重新核定."""
    openid = f"f12-wish-employer-{wish}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, wish)
    assert "单位" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots["desired_outcome"] == wish, slots
    await say(platform, openid, "宏达电子厂")
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂"


async def test_no_wish_in_particular_at_the_unit_question_is_no_wish(platform, config):
    openid = "f12-wish-employer-none"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "没有")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "无" and slots.get("desired_outcome") is None, slots


# --- a role beside the name -----------------------------------------------------------------------

@pytest.mark.parametrize("answer,name", [("李会计，李梅", "李梅"), ("张经理，张伟", "张伟"),
                                         ("代表吴强", "吴强"), ("职工代表吴强", "吴强")])
async def test_a_role_beside_the_name_is_no_part_of_it(platform, config, answer, name):
    """"李会计，李梅" stored the name 李会计; "代表吴强" stored 代表吴强."""
    openid = f"f12-role-{len(answer)}-{answer[0]}"
    await to_question(platform, openid, "称呼")
    assert "电话" in await say(platform, openid, answer)
    assert (await slots_of(config, openid))["name"] == name


# --- an amount typed alone ---------------------------------------------------------------------

@pytest.mark.parametrize("answer,amount,shown", [("五六百", 600, "约五六百元"),
                                                 ("一万出头", 10000, "一万出头")])
async def test_an_amount_at_the_name_question_is_no_name(platform, config, answer, amount, shown):
    """"五六百" was stored as the name 五六百, "一万出头" as the name 出头."""
    openid = f"f12-amount-name-{amount}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert "称呼" in reply and "电话" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots["amount"] == amount, slots
    assert slots["amount_said"][1] == shown, slots


@pytest.mark.parametrize("answer,shown", [("五六百", "金额：约五六百元"), ("一万出头", "金额：一万出头"),
                                          ("4800", "金额：4800元"), ("三千左右", "金额：约三千元")])
async def test_an_amount_alone_at_the_optional_question_is_no_period(platform, config, answer,
                                                                      shown):
    """"五六百" was shown as 时间段：五六百; "4800" got the question again without a word."""
    openid = f"f12-amount-extras-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    assert "请核对登记内容" in reply and shown in reply and "时间段" not in reply, reply
    assert (await slots_of(config, openid)).get("period") is None


async def test_a_year_alone_at_the_optional_question_is_no_amount(platform, config):
    openid = "f12-amount-year"
    await to_question(platform, openid, "时间段或金额")
    await say(platform, openid, "2023")
    assert (await slots_of(config, openid)).get("amount") is None


async def test_an_amount_with_a_decimal_point_is_no_category_choice(platform, config):
    """"2.3k" at the category list chose 2 (缴费基数和实际工资不符). (The first message used to
    be a bank deduction that failed; since NLU round 8 that is rightly 系统原因, so no list.)"""
    openid = "f12-amount-choice"
    reply = await say(platform, openid, "我想反映一下社保的问题")
    assert "问题类型" in reply, reply
    await say(platform, openid, "2.3k")
    slots = await slots_of(config, openid)
    assert slots.get("category") is None and slots["amount"] == 2300, slots


# --- half a year ----------------------------------------------------------------------------------

@pytest.mark.parametrize("answer,shown", [("去年下半年", "2025年7月至2025年12月"),
                                          ("2024年上半年", "2024年1月至2024年6月")])
async def test_half_a_year_is_kept(platform, config, answer, shown):
    """"去年下半年" was shown and stored as the whole year 2025."""
    openid = f"f12-half-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    assert shown in reply, reply


def test_half_a_year_then_on_is_an_open_period():
    from datetime import date

    from bot.nlu import dataset
    from bot.nlu.entities import EntityExtractor
    from bot.nlu.normalize import Normalizer

    rules = dataset.load_rules()
    extract = EntityExtractor(rules["entities"], ["新塘镇"]).extract
    norm = Normalizer(rules["replacements"])
    found = extract(norm("我去年下半年开始交的"), date(2026, 11, 25))
    assert [(e.type, e.value) for e in found] == [("period", "2025-07/..")]


# --- a unit's own dispute asks for the unit ----------------------------------------------------------

@pytest.mark.parametrize("first", [
    "我们单位对税务核定的社保费有异议",
    "我开了个小店，有3个员工，社保费核定的金额跟我算的不一样",
    "我是人事，公司去年被追缴了社保费一万多，我们觉得核定错了",
])
async def test_a_units_own_dispute_asks_for_the_unit(platform, config, first):
    """A unit disputing its assessment was never asked which unit it is: the agency could not
    find the payer's account."""
    openid = f"f12-unit-{len(first)}"
    reply = await say(platform, openid, first)
    assert "单位" in reply and "全称" in reply, reply
    await say(platform, openid, "宏达电子有限公司")
    assert (await slots_of(config, openid))["employer"] == "宏达电子有限公司"


async def test_a_window_complaint_still_asks_for_no_unit(platform, config):
    openid = "f12-unit-window"
    reply = await say(platform, openid, "办税大厅窗口那个工作人员态度太差了，问两句就不耐烦，我要投诉")
    assert "哪个区" in reply and "全称" not in reply, reply


@pytest.mark.parametrize("answer,stored", [
    ("统一社会信用代码91440101MA5CXXXX1Q", "统一社会信用代码91440101MA5CXXXX1Q"),
    ("宏达电子有限公司，信用代码91440101MA59ABCD2X",
     "宏达电子有限公司（统一社会信用代码91440101MA59ABCD2X）"),
    ("税号914401017123456789", "统一社会信用代码914401017123456789"),
])
async def test_a_units_code_is_kept_as_the_unit(platform, config, answer, stored):
    """"统一社会信用代码9144…" at the employer question got "请告诉我单位的名称": the surest way
    to find the unit was dropped."""
    openid = f"f12-code-{len(answer)}"
    await to_question(platform, openid, "单位")
    assert "哪个区" in await say(platform, openid, answer)
    assert (await slots_of(config, openid))["employer"] == stored


# --- no unit in a service complaint --------------------------------------------------------------

async def test_saying_no_unit_is_involved_stores_no_unit(platform, config):
    """"不是单位的问题，是窗口" in a service complaint got "已改为涉及单位：窗口"."""
    openid = "f12-no-unit"
    await say(platform, openid, "社保窗口办事效率太低，跑了三趟都没办完")
    reply = await say(platform, openid, "不是单位的问题，是窗口")
    assert "不涉及单位" in reply and "哪个区" in reply and "窗口" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None
    await say(platform, openid, "荔城街道")
    assert (await slots_of(config, openid))["jurisdiction"] == "荔城街道"


async def test_no_unit_beside_the_place_keeps_the_place(platform, config):
    openid = "f12-no-unit-place"
    await say(platform, openid, "给孩子交的城乡居民医保，钱扣了但是显示未缴费")
    reply = await say(platform, openid, "没单位")
    assert "没找到" not in reply and "哪个区" in reply, reply
    await say(platform, openid, "没单位，荔城街道")
    assert (await slots_of(config, openid))["jurisdiction"] == "荔城街道"


async def test_a_units_code_in_the_first_message_is_the_unit(platform, config):
    """"统一社会信用代码9144…，我们单位对…有异议" asked for the unit and then stored "会计"."""
    openid = "f12-code-first"
    reply = await say(platform, openid, "统一社会信用代码91440101MA59ABCD2X，我们单位对税务核定的社保费有异议")
    assert "哪个区" in reply and "全称" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots["employer"] == "统一社会信用代码91440101MA59ABCD2X", slots


async def test_the_payers_job_is_no_unit(platform, config):
    """"会计" at the unit question was stored as the unit 会计."""
    openid = "f12-job-unit"
    await say(platform, openid, "我们单位对税务核定的社保费有异议")
    reply = await say(platform, openid, "会计")
    assert "单位的名称" in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None


# --- a unit's own matter at the headcount question ---------------------------------------------

@pytest.mark.parametrize("answer", ["单位缴费，不涉及员工", "单位的事", "公司自己的事"])
async def test_a_units_own_matter_is_one_payer(platform, config, answer):
    """"单位缴费，不涉及员工" at 涉及几个人 got "请回复人数" again and again."""
    openid = f"f12-unit-count-{len(answer)}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, answer)
    assert "希望怎么处理" in reply, reply
    assert (await slots_of(config, openid))["headcount"] == 1


async def test_an_unclear_count_explains_how_a_unit_answers(platform, config):
    openid = "f12-unit-count-help"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "公司")
    assert "单位的事" in reply and "几个人" in reply, reply
    assert (await slots_of(config, openid)).get("headcount") is None


# --- a place in another province ------------------------------------------------------------------

@pytest.mark.parametrize("answer,stored", [("湖南长沙", "湖南长沙"), ("广西南宁那边", "广西南宁")])
async def test_a_place_in_another_province_is_taken(platform, config, answer, stored):
    """"湖南长沙" got "没找到“湖南长沙”" though the same reply says a place outside may be given."""
    openid = f"f12-province-{len(answer)}"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, answer)
    assert "没找到" not in reply and "称呼" in reply, reply
    assert (await slots_of(config, openid))["jurisdiction"] == stored


async def test_a_province_alone_is_too_vague(platform, config):
    openid = "f12-province-alone"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "湖南")
    assert "哪个区" in reply, reply
    assert (await slots_of(config, openid)).get("jurisdiction") is None


async def test_a_case_outside_the_district_is_told_it_is_passed_on(platform, config):
    """A case in 湖南长沙 was confirmed with "牵头办理：区税务局" and this district's time limit,
    though it goes to the transfer group for the office there; the payer is now told it is
    registered here and passed on, with no time limit it cannot keep. An in-area case still
    gets its lead and limit."""
    from tests.test_dialogue import ANSWERS, finish_form

    answers = {**ANSWERS, "哪个区": "湖南长沙"}
    reply = await say(platform, "f12-outside", "公司一直没给我交社保")
    await finish_form(platform, "f12-outside", reply, answers)
    done = await say(platform, "f12-outside", "确认")
    assert "已登记" in done and "不在本区" in done and "湖南长沙" in done and "转交" in done
    assert "办理时限" not in done, done
    reply = await say(platform, "f12-inside", "公司一直没给我交社保")
    await finish_form(platform, "f12-inside", reply, ANSWERS)
    inside = await say(platform, "f12-inside", "确认")
    assert "办理时限" in inside and "不在本区" not in inside, inside
