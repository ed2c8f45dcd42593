"""Faults the lead engineer met filing as a payer at stop 26: a street address given where the
unit is asked ("地址是朝阳区建国路88号") was stored as the unit's name, and the same address where
the place is asked was "not found"; after a story answered as a question ("我想问下我们公司…一直
没给交社保"), the next message telling where the payer works ("在一家餐馆当服务员") started a new
form that had forgotten the story and asked for its category; "老板说试用期不交" where the unit
is asked was stored as the unit's name; a deduction that failed twice ("扣款失败了两次") was
filed as a double charge to be refunded; a payer who gave only a surname and then "确认" was
asked for the full name again and again; "我要撤销" at a question was taken as no answer (the act
classifier reads its 我要 as a correction, unsure); "能不能快点 我急着用" was declined as beyond the
bot's scope; "好的 我要投诉" after policy answers was stored as the story; the unit's name sent again
where the name is asked got the bare question again; "老板说临时工不用交社保 是不是真的" was answered with
the medical insurance after retirement, and its question, not the story's last clause, went
unanswered; "那我现在补交还来得及吗" got the arbitration time limit."""
from __future__ import annotations

import zlib

import pytest

from knowledge import load_kb
from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question


def oid(prefix: str, message: str) -> str:
    return f"lead26-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. a street address is where the unit is, not its name ---------------------------------

@pytest.mark.parametrize("message", ["地址是朝阳区建国路88号", "在建设路12号", "公司地址：新塘镇港口大道128号",
                                     "厂在府佑路3号那里", "就在解放大街二十号"])
async def test_an_address_where_the_unit_is_asked_is_no_unit_name(platform, config, message):
    openid = oid("unit", message)
    await to_question(platform, openid, "涉及的单位")
    reply = await say(platform, openid, message)
    assert (await slots_of(config, openid)).get("employer") in (None, ""), reply
    assert "名称" in reply or "名字" in reply, reply
    await say(platform, openid, "宏达电子厂")
    assert (await slots_of(config, openid)).get("employer") == "宏达电子厂"


async def test_an_outside_address_at_the_unit_question_gives_the_place(platform, config):
    openid = oid("unit-place", "朝阳区")
    await to_question(platform, openid, "涉及的单位")
    await say(platform, openid, "地址是北京市朝阳区建国路88号")
    assert "朝阳区" in str((await slots_of(config, openid)).get("jurisdiction")), (
        await slots_of(config, openid))


@pytest.mark.parametrize(("message", "place"), [
    ("朝阳区建国路88号", "朝阳区"),
    ("新塘镇港口大道128号", "新塘镇"),
    ("广州市增城区荔城街道府佑路3号", "荔城街道"),
    ("深圳宝安区西乡街道宝源路1002号", "宝安区"),
])
async def test_an_address_where_the_place_is_asked_gives_its_place(platform, config, message,
                                                                  place):
    openid = oid("place", message)
    await to_question(platform, openid, "哪个区、镇")
    reply = await say(platform, openid, message)
    assert "没找到" not in reply, reply
    assert place in str((await slots_of(config, openid)).get("jurisdiction")), reply


async def test_a_street_with_no_place_is_asked_again(platform, config):
    openid = oid("place", "建设路")
    await to_question(platform, openid, "哪个区、镇")
    reply = await say(platform, openid, "建设路12号")
    assert (await slots_of(config, openid)).get("jurisdiction") in (None, ""), reply
    assert "镇" in reply, reply


# --- 2. where the payer works, just after a story answered as a question ---------------------

@pytest.mark.parametrize("detail", ["在一家餐馆当服务员", "我在厂里做普工", "在工地上开塔吊", "我是在超市当收银员的"])
async def test_the_workplace_after_a_story_keeps_the_story(platform, config, detail):
    openid = oid("story", detail)
    await say(platform, openid, "你好 我想问下我们公司从入职到现在一直没给交社保 已经8个月了")
    reply = await say(platform, openid, detail)
    assert "问题类型" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert "没给交社保" in str(slots.get("description")), slots


# --- 3. what the boss said is no unit's name -------------------------------------------------

@pytest.mark.parametrize("message", ["老板说试用期不交", "人事讲过几天再交", "公司一直拖欠着"])
async def test_a_story_where_the_unit_is_asked_joins_the_description(platform, config, message):
    openid = oid("said", message)
    await to_question(platform, openid, "涉及的单位")
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("employer") in (None, ""), (slots, reply)
    assert message in str(slots.get("description")), slots
    assert "涉及的单位" in reply, reply


# --- 4. a failed deduction is no double charge -----------------------------------------------

@pytest.mark.parametrize("message", ["我是灵活就业的 今年社保扣款失败了两次 现在显示断缴 咋办",
                                     "医保扣费没成功 现在断了", "社保又扣款失败了 卡里明明有钱"])
async def test_a_failed_deduction_is_not_filed_as_a_refund(platform, config, message):
    openid = oid("failed", message)
    reply = await say(platform, openid, message)
    category = (await slots_of(config, openid)).get("category")
    assert category != "refund", (category, reply)


@pytest.mark.parametrize("message", ["社保扣了两次钱 要退一次", "这个月医保重复扣费了"])
async def test_a_double_charge_is_still_a_refund(platform, config, message):
    openid = oid("double", message)
    reply = await say(platform, openid, message)
    assert (await slots_of(config, openid)).get("category") == "refund", reply


# --- 5. a surname and then "确认": the surname will do ----------------------------------------

@pytest.mark.parametrize("reply", ["确认", "提交", "不方便说"])
async def test_a_surname_then_a_confirm_is_taken(platform, config, reply):
    openid = oid("surname", reply)
    await to_question(platform, openid, "怎么称呼")
    asked = await say(platform, openid, "我姓黄")
    assert "全名" in asked, asked
    answer = await say(platform, openid, reply)
    name = (await slots_of(config, openid)).get("name")
    assert name and name.startswith("黄"), (name, answer)
    assert "全名" not in answer, answer


async def test_a_surname_then_the_full_name_is_the_full_name(platform, config):
    openid = oid("surname", "黄小明")
    await to_question(platform, openid, "怎么称呼")
    await say(platform, openid, "我姓黄")
    await say(platform, openid, "黄小明")
    assert (await slots_of(config, openid)).get("name") == "黄小明"


# --- 6. cancelling and hurrying at a question -------------------------------------------------

@pytest.mark.parametrize("message", ["我要撤销", "我要取消", "我想撤销"])
async def test_a_cancel_with_i_want_asks_the_cancel_question(platform, message):
    openid = oid("cancel", message)
    await to_question(platform, openid, "怎么称呼")
    reply = await say(platform, openid, message)
    assert "确定要取消这次登记吗" in reply, reply


async def test_a_correction_that_says_cancel_still_corrects(platform, config):
    openid = oid("cancel", "correct")
    await to_question(platform, openid, "怎么称呼")
    reply = await say(platform, openid, "刚才的地址取消掉 是石滩镇")
    assert "确定要取消这次登记吗" not in reply, reply


@pytest.mark.parametrize("message", ["能不能快点 我急着用", "加急办一下", "我很着急", "尽快帮我办"])
async def test_a_hurry_at_a_question_is_answered_and_the_question_asked(platform, message):
    openid = oid("hurry", message)
    await to_question(platform, openid, "怎么称呼")
    reply = await say(platform, openid, message)
    assert "着急" in reply and "怎么称呼" in reply, reply
    assert "不能准确回答" not in reply, reply


# --- 7. a nod before the request; an answer given twice ------------------------------------------

@pytest.mark.parametrize("message", ["好的 我要投诉", "嗯 我想反映一下", "那我想投诉他们", "行 我要登记"])
async def test_a_request_to_file_with_a_nod_asks_for_the_story(platform, config, message):
    openid = oid("nod", message)
    await say(platform, openid, "补交社保要滞纳金吗")
    reply = await say(platform, openid, message)
    assert "遇到了什么问题" in reply, reply
    assert message not in str((await slots_of(config, openid)).get("description") or ""), reply


async def test_the_units_name_again_where_the_name_is_asked_says_it_is_noted(platform):
    openid = oid("again", "兴旺五金厂")
    reply = await say(platform, openid, "兴旺五金厂一直不给我交社保")
    reply = await say(platform, openid, "永宁街道")
    assert "怎么称呼" in reply, reply
    reply = await say(platform, openid, "兴旺五金厂")
    assert "已经记在涉及单位里" in reply and "怎么称呼" in reply, reply


# --- 8. temporary workers ---------------------------------------------------------------------

@pytest.mark.parametrize("question", ["临时工要交社保吗", "老板说临时工不用交社保 是不是真的",
                                      "他们说我们这些临时工不用交社保 我就想问问是不是真的",
                                      "公司说我们是临时的不用交社保 合法吗"])
def test_a_temporary_workers_question_gets_the_registration_duty(question):
    answer = load_kb(None).ask(question)
    assert not answer.declined and "第五十八条" in answer.source, (answer.entry_id, answer.answer)
    assert "临时工" in answer.answer


@pytest.mark.parametrize("question", ["小时工要不要交社保", "兼职送快递的 公司说兼职的不用交社保 真的吗"])
def test_hourly_and_part_time_work_still_goes_to_the_hotline(question):
    assert load_kb(None).ask(question).declined


@pytest.mark.parametrize("message", [
    "我在兴旺五金厂做了三年了 他们说我们这些临时工不用交社保 我就想问问是不是真的 我都五十多岁了",
    "喂 我是永宁那边的 在兴旺五金厂做了三年了 厂里说我们临时工不用交社保 是不是真的 我都五十多了",
])
async def test_a_question_before_a_short_last_remark_is_answered_first(platform, config, message):
    openid = oid("tail", message)
    reply = await say(platform, openid, message)
    assert "第五十八条" in reply and "我先帮您把这件事登记下来" in reply, reply
    assert reply.index("第五十八条") < reply.index("登记下来"), reply


async def test_a_question_then_a_request_to_file_goes_to_the_form(platform):
    reply = await say(platform, oid("tail", "投诉"), "老板说临时工不用交社保 是不是违法 我要投诉")
    assert "我先帮您把这件事登记下来" not in reply, reply


@pytest.mark.parametrize(("question", "entry"), [
    ("那我现在补交还来得及吗", "back_payment"),
    ("断交三个月了 现在补交还来得及吗", "back_payment"),
    ("被辞退一年多了 现在去仲裁还来得及吗", "arbitration_limit"),
])
def test_too_late_to_pay_back_is_about_back_payment_not_arbitration(question, entry):
    assert load_kb(None).ask(question).entry_id == entry
