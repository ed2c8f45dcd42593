"""Blind round 28: what payers do while the filing form asks its questions, in shapes rounds 7-27
did not try. Years short of the minimum (还差两年缴费年限) are no period of arrears; periods as
people type them (18年到20年, 从去年6月份开始, 前年下半年, 这三个月, 2023.3-2024.1, 23年3月到24年1月份);
rough amounts (两千多, 四五千的样子, 三千来块, 差不多八千); a new phone mid-form or at the summary
(电话换一个 用139 1111 2222); a phone refused in other words (不方便留电话, 微信联系我); keyboard
mash or letters as a name (asdf, ddd), asked again politely with nothing else lost; a name with a
title (王师傅, 叫我张老师就行) or a surname spelled out (我姓李 木子李); the summary answered with a
yes and a correction in one breath (对 就是电话要改成…, 名字是王芳 不是李四); 你是机器人吗 at the
phone question or the summary; and 重新来 / 算了不弄了 then 还是弄吧. Written before reading the
handlers; each conversation goes through the real encrypted gateway."""
from __future__ import annotations

import datetime
import zlib

import pytest

from tests.test_dialogue import CASE_NO, say
from tests.test_dialogue_fresh18 import last_line, line_of
from tests.test_dialogue_fresh26 import (
    COUNT_Q,
    EMPLOYER_Q,
    EXTRAS_Q,
    FORM_CUES,
    NAME_Q,
    PHONE_Q,
    SUMMARY,
    THIS_YEAR,
    WISH_Q,
    cases_of,
    form_of,
)
from tests.test_dialogue_fresh27 import kept
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

FALLBACK = "没太明白"


def oid(prefix: str, message: str) -> str:
    return f"f28-{prefix}-{zlib.crc32(message.encode())}"


def last_months(count: int) -> str:
    """'YYYY-MM/YYYY-MM' for the last ``count`` months up to this one."""
    today = datetime.date.today()
    index = today.year * 12 + today.month - 1 - (count - 1)
    return f"{index // 12}-{index % 12 + 1:02d}/{today.year}-{today.month:02d}"


# --- A. years short of the minimum are no period of arrears ---------------------------------------

@pytest.mark.parametrize("answer", ["还差两年缴费年限", "缴费年限还差两年才够15年",
                                    "交了13年 还差两年"])
async def test_a01_years_short_at_the_extras_question_are_no_period(platform, config, answer):
    openid = oid("a01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("period") is None and slots.get("amount") is None, (slots, reply)
    assert "2年" not in line_of(reply, "时间段") and "2年" not in line_of(reply, "时长"), reply
    assert FALLBACK not in reply, reply


async def test_a02_years_short_in_the_first_message_are_no_period(platform, config):
    openid = "f28-a02"
    reply = await say(platform, openid, "公司一直没给我交社保 现在还差两年缴费年限才能退休")
    assert any(cue in reply for cue in FORM_CUES), reply
    slots = await slots_of(config, openid)
    assert slots.get("period") is None, slots


# --- B. periods in many shapes ---------------------------------------------------------------------

@pytest.mark.parametrize("answer,periods", [
    ("18年到20年", {"2018/2020", "2018-01/2020-12"}),
    ("从去年6月份开始", {f"{THIS_YEAR - 1}-06/.."}),
    ("前年下半年", {f"{THIS_YEAR - 2}-07/{THIS_YEAR - 2}-12"}),
    ("2023.3-2024.1", {"2023-03/2024-01"}),
    ("23年3月到24年1月份", {"2023-03/2024-01"}),
    ("2022年8月到今年5月", {f"2022-08/{THIS_YEAR}-05"}),
    ("去年6月到12月", {f"{THIS_YEAR - 1}-06/{THIS_YEAR - 1}-12"}),
    ("从21年开始一直没交", {"2021/..", "2021-01/.."}),
    ("2023/03-2023/08", {"2023-03/2023-08"}),
])
async def test_b01_periods_as_typed(platform, config, answer, periods):
    openid = oid("b01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("period") in periods, (slots, reply)
    assert slots.get("amount") is None, slots


async def test_b02_these_three_months(platform, config):
    openid = "f28-b02"
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "这三个月")
    period = (await slots_of(config, openid)).get("period")
    assert period in {"P3M", last_months(3)}, (period, reply)


async def test_b03_period_and_rough_amount_together(platform, config):
    openid = "f28-b03"
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "从去年6月份开始 一共欠了两千多")
    slots = await slots_of(config, openid)
    assert slots.get("period") == f"{THIS_YEAR - 1}-06/..", (slots, reply)
    assert slots.get("amount") == 2000, slots


# --- C. rough amounts ------------------------------------------------------------------------------

@pytest.mark.parametrize("answer,amount,shown", [
    ("两千多", 2000, "两千多"),
    ("四五千的样子", 5000, "四五千"),
    ("三千来块", 3000, "三千来"),
    ("差不多八千", 8000, "八千"),
    ("一万多点", 10000, "一万多"),
])
async def test_c01_rough_amounts(platform, config, answer, amount, shown):
    """Rewritten after the first run: 差不多八千 was expected shown as 8000; it is shown as said
    (约八千元), which is right."""
    openid = oid("c01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("amount") == amount and slots.get("period") is None, (slots, reply)
    line = line_of(reply, "金额")
    assert shown in line or str(amount) in line, reply


async def test_c02_a_vague_sum_with_i_dont_know_exactly_invents_nothing(platform, config):
    openid = "f28-c02"
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "好几千吧 具体多少不清楚")
    line = line_of(reply, "金额")
    assert "几千" in line and "3000" not in line, reply
    assert (await slots_of(config, openid)).get("period") is None


# --- D. a new phone ---------------------------------------------------------------------------------

async def test_d01_new_phone_with_spaces_at_the_headcount_question(platform, config):
    openid = "f28-d01"
    await to_question(platform, openid, COUNT_Q)
    reply = await say(platform, openid, "电话换一个 用139 1111 2222")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13911112222" and not slots.get("headcount"), (slots, reply)
    assert COUNT_Q in reply, reply


async def test_d02_new_phone_at_the_wish_question_is_no_wish(platform, config):
    openid = "f28-d02"
    await to_question(platform, openid, WISH_Q)
    reply = await say(platform, openid, "哦对了电话换一个 用13911112222 之前那个不用了")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13911112222", (slots, reply)
    assert not slots.get("desired_outcome"), slots
    assert WISH_Q in reply, reply


async def test_d03_new_phone_with_dashes_at_the_summary(platform, config):
    openid = "f28-d03"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "电话换成139-1111-2222")
    assert (await slots_of(config, openid)).get("phone") == "13911112222", reply
    assert "139****2222" in reply and SUMMARY in reply, reply


async def test_d04_change_the_phone_without_the_number_asks_for_it(platform, config):
    openid = "f28-d04"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "电话换一个")
    assert PHONE_Q in reply and not CASE_NO.search(reply), reply
    reply = await say(platform, openid, "13911112222")
    assert (await slots_of(config, openid)).get("phone") == "13911112222", reply
    assert SUMMARY in reply, reply


# --- E. a phone refused in other words --------------------------------------------------------------

@pytest.mark.parametrize("answer", ["不方便留电话", "没有电话 你们微信联系我吧",
                                    "电话不方便 有事在这里说就行"])
async def test_e01_phone_refused(platform, config, answer):
    openid = oid("e01", answer)
    await to_question(platform, openid, PHONE_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert not slots.get("phone") and slots.get("name") == "李四", (slots, reply)
    assert "号码好像不对" not in reply and "11位" not in reply and FALLBACK not in reply, reply
    assert any(word in reply for word in ("联系", "回访", "回电")), reply


# --- F. keyboard mash or letters as a name ----------------------------------------------------------

@pytest.mark.parametrize("answer", ["asdf", "ddd", "aaaaaa", "qwer", "123", "。。。"])
async def test_f01_mash_as_a_name_is_asked_again_politely(platform, config, answer):
    openid = oid("f01", answer)
    await to_question(platform, openid, NAME_Q)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, answer)
    after = await slots_of(config, openid)
    assert not after.get("name") and kept(after) == kept(before), (after, reply)
    assert NAME_Q in last_line(reply) and FALLBACK not in reply, reply
    assert PHONE_Q not in last_line(reply), reply


async def test_f02_a_real_name_after_mash_goes_on(platform, config):
    openid = "f28-f02"
    await to_question(platform, openid, NAME_Q)
    await say(platform, openid, "asdf")
    reply = await say(platform, openid, "王建国")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王建国" and slots.get("employer") == "广州宏达电子厂", slots
    assert PHONE_Q in reply, reply


# --- G. a name with a title, a surname spelled out ---------------------------------------------------

@pytest.mark.parametrize("answer,name", [("王师傅", "王师傅"), ("叫我张老师就行", "张老师")])
async def test_g01_a_title_is_how_to_address_the_payer(platform, config, answer, name):
    openid = oid("g01", answer)
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("name") == name, reply
    assert PHONE_Q in reply, reply


@pytest.mark.parametrize("answer,surname", [("我姓李 木子李", "李"), ("免贵姓张 弓长张", "张")])
async def test_g02_a_spelled_out_surname_is_no_full_name(platform, config, answer, surname):
    openid = oid("g02", answer)
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, answer)
    name = (await slots_of(config, openid)).get("name")
    assert name in (None, surname), (name, reply)
    assert "木子" not in str(name) and "弓长" not in str(name), name
    assert f"{surname}先生" in reply or "全名" in reply, reply
    reply = await say(platform, openid, f"{surname}娟")
    assert (await slots_of(config, openid)).get("name") == f"{surname}娟", reply


# --- H. the summary answered with a correction ------------------------------------------------------

async def test_h01_yes_with_a_new_phone_does_not_submit(platform, config):
    openid = "f28-h01"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "对 就是电话要改成13911112222")
    assert not CASE_NO.search(reply) and await cases_of(config, openid) == [], reply
    assert (await slots_of(config, openid)).get("phone") == "13911112222", reply
    assert SUMMARY in reply, reply


async def test_h02_yes_but_the_full_unit_name(platform, config):
    openid = "f28-h02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "是的 不过单位全称是广州宏达电子有限公司")
    assert not CASE_NO.search(reply) and await cases_of(config, openid) == [], reply
    assert (await slots_of(config, openid)).get("employer") == "广州宏达电子有限公司", reply
    assert SUMMARY in reply, reply


async def test_h03_roughly_but_the_period_was(platform, config):
    openid = "f28-h03"
    await to_summary(platform, openid, answers={EXTRAS_Q: "去年3月开始没交"})
    reply = await say(platform, openid, "差不多 就是时间是前年下半年")
    assert not CASE_NO.search(reply), reply
    period = (await slots_of(config, openid)).get("period")
    assert period == f"{THIS_YEAR - 2}-07/{THIS_YEAR - 2}-12", (period, reply)


async def test_h04_name_is_x_not_y(platform, config):
    openid = "f28-h04"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "名字是王芳 不是李四")
    assert (await slots_of(config, openid)).get("name") == "王芳", reply
    assert SUMMARY in reply, reply
    done = await say(platform, openid, "确认")
    assert CASE_NO.search(done), done
    [case] = await cases_of(config, openid)
    assert case.name == "王芳" and case.phone == "13912345678", case


async def test_h05_headcount_corrected_at_the_summary_in_words(platform, config):
    openid = "f28-h05"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "还有我两个同事也是 一共三个人")
    assert not CASE_NO.search(reply), reply
    assert (await slots_of(config, openid)).get("headcount") == 3, reply
    assert SUMMARY in reply, reply


# --- I. 你是机器人吗 mid-form --------------------------------------------------------------------------

async def test_i01_are_you_a_robot_at_the_phone_question(platform, config):
    openid = "f28-i01"
    await to_question(platform, openid, PHONE_Q)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, "你是机器人吗")
    after = await slots_of(config, openid)
    assert not after.get("phone") and kept(after) == kept(before), (after, reply)
    assert any(w in reply for w in ("机器人", "自动", "智能")), reply
    assert PHONE_Q in last_line(reply) and "号码好像不对" not in reply, reply


async def test_i02_are_you_a_robot_at_the_summary(platform, config):
    openid = "f28-i02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "你是机器人吗")
    assert not CASE_NO.search(reply) and await cases_of(config, openid) == [], reply
    assert any(w in reply for w in ("机器人", "自动", "智能")), reply
    assert await form_of(config, openid) and "确定要取消" not in reply, reply
    assert CASE_NO.search(await say(platform, openid, "确认"))


async def test_i03_are_you_a_robot_at_the_wish_question_is_no_wish(platform, config):
    openid = "f28-i03"
    await to_question(platform, openid, WISH_Q)
    reply = await say(platform, openid, "是不是机器人在回啊")
    assert not (await slots_of(config, openid)).get("desired_outcome"), reply
    assert WISH_Q in last_line(reply), reply


# --- J. restart words ---------------------------------------------------------------------------------

async def test_j01_never_mind_then_do_it_after_all_keeps_the_answers(platform, config):
    openid = "f28-j01"
    await to_question(platform, openid, PHONE_Q)
    before = await slots_of(config, openid)
    await say(platform, openid, "算了不弄了")
    reply = await say(platform, openid, "还是弄吧")
    assert PHONE_Q in reply and "确定要取消" not in reply, reply
    assert kept(await slots_of(config, openid)) == kept(before)


async def test_j02_do_it_after_all_after_a_confirmed_cancel_starts_the_form(platform, config):
    openid = "f28-j02"
    await to_question(platform, openid, PHONE_Q)
    assert "确定要取消" in await say(platform, openid, "算了不弄了")
    await say(platform, openid, "确定")
    reply = await say(platform, openid, "还是弄吧")
    assert FALLBACK not in reply, reply
    assert any(cue in reply for cue in FORM_CUES) or "登记" in reply, reply


async def test_j03_start_over_at_the_summary_forgets_the_old_answers(platform, config):
    openid = "f28-j03"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "重新来")
    assert not CASE_NO.search(reply), reply
    slots = await slots_of(config, openid)
    assert not slots.get("name") and not slots.get("phone"), slots
    assert "李四" not in reply, reply


async def test_j04_start_over_in_other_words_at_the_headcount_question(platform, config):
    openid = "f28-j04"
    await to_question(platform, openid, COUNT_Q)
    reply = await say(platform, openid, "我想重新填一遍")
    slots = await slots_of(config, openid)
    assert not slots.get("name") and not slots.get("employer"), (slots, reply)
    assert "几个人" not in last_line(reply) and FALLBACK not in reply, reply
    assert any(cue in reply for cue in FORM_CUES) or EMPLOYER_Q in reply, reply
