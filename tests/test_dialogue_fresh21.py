"""Blind round 21: payers who change their minds and correct themselves, and messages that
answer the wrong question. Corrections at the summary as people say them (名字错了 应该是王晓,
电话最后一位是8不是6, 是宏达不是鸿达, 人数改成5个, 地址不是新塘 是永宁), two in one message, a
field the form never asked (诉求改一下); 上一步 and 等等 我说错了; a cancel taken back (取消 →
不对不对 别取消); the category changed at the summary; the previous answer sent again after the
form moved on; a phone given before it is asked; a restart whose old answers must not leak;
the same message twice (a WeChat retry with a new MsgId); the whole story again at the
summary; 确认 as people type it (确人, 好的确认, 提交吧); and refusals of the name or the phone
(a call-back needs a number: seeds 001/002 登记联系方式). Written before reading the handlers;
each conversation goes through the real encrypted gateway."""
from __future__ import annotations

import pytest

from bot.store.models import Case
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_dialogue_fresh18 import last_line, line_of
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

SUMMARY = "请核对登记内容"


async def cases_of(config, openid: str) -> list[Case]:
    return await fetch(config.database_url, Case, openid=openid)


# --- one correction at the summary, said colloquially -------------------------------------------

@pytest.mark.parametrize("answers,message,slot,stored,label", [
    ({"称呼": "王小"}, "名字错了 应该是王晓", "name", "王晓", "姓名"),
    ({"称呼": "王小"}, "名字写错了，是王晓不是王小", "name", "王晓", "姓名"),
    ({"称呼": "王小"}, "不是王小 是王晓", "name", "王晓", "姓名"),
    ({"单位": "广州鸿达电子厂"}, "单位写错了 是宏达不是鸿达", "employer", "广州宏达电子厂", "涉及单位"),
    ({"单位": "广州鸿达电子厂"}, "公司名字错了 不是鸿达 是宏达", "employer", "广州宏达电子厂",
     "涉及单位"),
    ({}, "人数改成5个", "headcount", 5, "涉及人数"),
    ({}, "人数不对 是五个人", "headcount", 5, "涉及人数"),
    ({}, "不止我一个 加上我一共6个人", "headcount", 6, "涉及人数"),
    ({}, "地址不是新塘 是永宁", "jurisdiction", "永宁街道", "所在地"),
    ({}, "地方错了，应该是石滩", "jurisdiction", "石滩镇", "所在地"),
    ({}, "单位名称改成广州宏达电子科技有限公司", "employer", "广州宏达电子科技有限公司", "涉及单位"),
])
async def test_a01_one_colloquial_correction_at_the_summary(platform, config, answers, message,
                                                           slot, stored, label):
    openid = f"f21-a01-{message}"
    await to_summary(platform, openid, answers=answers)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get(slot) == stored, (slots, reply)
    assert SUMMARY in reply and str(stored) in line_of(reply, label), reply
    assert slots.get("desired_outcome") == "要求单位补缴", slots


@pytest.mark.parametrize("phone,message,stored", [
    ("13912345676", "电话最后一位是8不是6", "13912345678"),
    ("13912345676", "手机号最后一个数字错了 应该是8", "13912345678"),
    ("13912345678", "电话尾号是5679 不是5678", "13912345679"),
    ("13912345678", "电话号码错了 13800001111", "13800001111"),
    # written after the fix, for the forms the fix reads besides the blind ones
    ("13912345676", "电话最后一位应该是八 不是六", "13912345678"),
    ("13912345678", "手机倒数第二位是9", "13912345698"),
])
async def test_a02_phone_digit_corrections_at_the_summary(platform, config, phone, message,
                                                         stored):
    openid = f"f21-a02-{message}"
    await to_summary(platform, openid, answers={"电话": phone})
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("phone") == stored, (slots, reply)
    assert SUMMARY in reply and f"{stored[:3]}****{stored[-4:]}" in reply, reply
    assert stored not in reply, reply


async def test_a03_phone_digit_corrected_at_a_later_question(platform, config):
    """Written after the fix: the same digit correction before the summary."""
    openid = "f21-a03"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "哦 电话最后一位是9 不是8")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13912345679" and slots.get("headcount") is None, (slots, reply)
    assert "几个人" in last_line(reply) and "13912345679" not in reply, reply


# --- two corrections in one message --------------------------------------------------------------

async def test_b01_name_and_phone_corrected_together(platform, config):
    openid = "f21-b01"
    await to_summary(platform, openid, answers={"称呼": "王小"})
    reply = await say(platform, openid, "名字错了是王晓 电话也错了是13812345678")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王晓" and slots.get("phone") == "13812345678", (slots, reply)
    assert SUMMARY in reply, reply


async def test_b02_headcount_and_place_corrected_together(platform, config):
    openid = "f21-b02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "人数改成3个，地方是永宁不是新塘")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 3 and slots.get("jurisdiction") == "永宁街道", (slots, reply)
    assert SUMMARY in reply, reply


async def test_b03_employer_and_name_corrected_together(platform, config):
    openid = "f21-b03"
    await to_summary(platform, openid, answers={"单位": "广州鸿达电子厂", "称呼": "王小"})
    reply = await say(platform, openid, "单位是宏达不是鸿达 名字是王晓不是王小")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂" and slots.get("name") == "王晓", (slots, reply)
    assert SUMMARY in reply, reply


# --- a field the form never asked -----------------------------------------------------------------

async def test_c01_wish_given_in_the_first_message_then_changed_at_the_summary(platform, config):
    openid = "f21-c01"
    reply = await say(platform, openid, "公司一直没给我交社保 我要求公司把社保补上")
    from tests.test_dialogue import ANSWERS, finish_form
    reply = await finish_form(platform, openid, reply, ANSWERS)
    assert "补上" in ((await slots_of(config, openid)).get("desired_outcome") or ""), reply
    reply = await say(platform, openid, "诉求改一下")
    assert "希望怎么处理" in reply, reply
    reply = await say(platform, openid, "补缴之外还要赔偿我的损失")
    slots = await slots_of(config, openid)
    assert "赔偿" in (slots.get("desired_outcome") or ""), (slots, reply)
    assert SUMMARY in reply, reply


async def test_c02_wish_changed_with_the_new_wish_in_the_same_message(platform, config):
    openid = "f21-c02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "诉求改成要求单位补缴并且支付滞纳金")
    slots = await slots_of(config, openid)
    assert "滞纳金" in (slots.get("desired_outcome") or ""), (slots, reply)
    assert slots.get("category") == "employer_arrears", slots
    assert SUMMARY in reply, reply


async def test_c03_amount_added_at_the_summary_after_skipping_it(platform, config):
    openid = "f21-c03"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "金额补充一下 每个月少交了800块")
    slots = await slots_of(config, openid)
    assert slots.get("amount") == 800, (slots, reply)
    assert SUMMARY in reply, reply


# --- 上一步 / 等等 我说错了 ------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["上一步", "返回上一步", "回到上一步"])
async def test_d01_back_one_step_asks_the_previous_question(platform, config, message):
    openid = f"f21-d01-{message}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, message)
    assert "称呼" in last_line(reply), reply
    reply = await say(platform, openid, "王晓")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王晓" and slots.get("phone") is None, slots
    assert "电话" in last_line(reply), reply


async def test_d02_wait_i_said_it_wrong_asks_the_previous_question(platform, config):
    openid = "f21-d02"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "等等 我说错了")
    assert "称呼" in reply, reply
    assert (await slots_of(config, openid)).get("phone") is None


async def test_d03_wait_i_said_it_wrong_with_the_right_name(platform, config):
    openid = "f21-d03"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "等等我说错了 我叫王晓")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王晓" and slots.get("phone") is None, (slots, reply)
    assert "电话" in last_line(reply), reply


async def test_d04_wait_i_said_it_wrong_at_the_summary_submits_nothing(platform, config):
    openid = "f21-d04"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "等等 我说错了")
    assert not CASE_NO.search(reply) and not await cases_of(config, openid), reply
    assert "修改" in reply or "哪" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("phone") == "13912345678", slots


async def test_d05_back_one_step_at_the_summary_submits_nothing(platform, config):
    openid = "f21-d05"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "上一步")
    assert not CASE_NO.search(reply) and not await cases_of(config, openid), reply
    assert SUMMARY not in reply or "修改" in reply, reply


# --- a cancel taken back -------------------------------------------------------------------------

@pytest.mark.parametrize("undo", ["不对不对 别取消", "点错了", "不取消", "算了不取消了 继续"])
async def test_e01_cancel_taken_back_mid_form_keeps_the_answers(platform, config, undo):
    openid = f"f21-e01-{undo}"
    await to_question(platform, openid, "电话")
    asked = await say(platform, openid, "取消")
    assert "取消" in asked, asked
    reply = await say(platform, openid, undo)
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("employer") == "广州宏达电子厂", (slots, reply)
    assert "电话" in last_line(reply), reply
    assert "已取消" not in reply, reply


async def test_e02_cancel_taken_back_at_the_summary_shows_it_again(platform, config):
    openid = "f21-e02"
    await to_summary(platform, openid)
    await say(platform, openid, "取消")
    reply = await say(platform, openid, "不不不 不要取消")
    assert "确认" in reply and "已取消" not in reply, reply
    done = await say(platform, openid, "确认")
    assert CASE_NO.search(done), done


# --- the category changed at the summary -----------------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("类型选错了 应该是滞纳金的问题", "late_fee"),
    ("不是欠缴 是基数不对 一直按最低的交", "contribution_base"),
    ("问题类型改成缴费年限不对", "payment_record"),
])
async def test_f01_category_changed_at_the_summary(platform, config, message, category):
    openid = f"f21-f01-{category}"
    await to_summary(platform, openid)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("category") == category, (slots, reply)
    assert slots.get("name") == "李四" and slots.get("phone") == "13912345678", slots
    assert not await cases_of(config, openid)
    assert SUMMARY in reply or "?" in last_line(reply) or "？" in last_line(reply), reply


# --- the previous answer sent again after the form moved on ----------------------------------------

async def test_g01_name_sent_again_at_the_phone_question(platform, config):
    openid = "f21-g01"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "李四")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("phone") is None, slots
    assert "电话" in last_line(reply), reply


async def test_g02_phone_sent_again_at_the_headcount_question(platform, config):
    openid = "f21-g02"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "13912345678")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13912345678" and slots.get("headcount") is None, slots
    assert "几个人" in last_line(reply), reply


async def test_g03_town_sent_again_at_the_name_question(platform, config):
    openid = "f21-g03"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "新塘镇")
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("jurisdiction") == "新塘镇", slots
    assert "称呼" in last_line(reply), reply


async def test_g04_employer_sent_again_at_the_place_question(platform, config):
    openid = "f21-g04"
    reply = await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "广州宏达电子厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂" and not slots.get("jurisdiction"), slots
    assert "哪个区" in reply or "镇" in last_line(reply), reply


async def test_g05_category_number_sent_again_at_the_employer_question(platform, config):
    openid = "f21-g05"
    reply = await say(platform, openid, "我要反映社保问题")
    assert "问题类型" in reply, reply
    reply = await say(platform, openid, "1")
    assert "单位" in reply, reply
    reply = await say(platform, openid, "1")
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, slots
    assert "单位" in last_line(reply), reply


async def test_g06_a_new_phone_at_the_headcount_question_replaces_the_old(platform, config):
    openid = "f21-g06"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "刚才电话给错了 13912345679")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13912345679" and slots.get("headcount") is None, slots
    assert "几个人" in last_line(reply), reply


# --- a phone given before it is asked ---------------------------------------------------------------

async def test_h01_phone_in_the_first_message_is_never_asked(platform, config):
    openid = "f21-h01"
    reply = await say(platform, openid, "公司一直没给我交社保 我电话13512345678")
    from tests.test_dialogue import ANSWERS, finish_form
    answers = {k: v for k, v in ANSWERS.items() if k != "电话"}
    reply = await finish_form(platform, openid, reply, answers)
    assert (await slots_of(config, openid)).get("phone") == "13512345678"
    assert "135****5678" in reply, reply


async def test_h02_phone_beside_the_employer(platform, config):
    openid = "f21-h02"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "广州宏达电子厂 有事打我手机13512345678")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂", slots
    assert slots.get("phone") == "13512345678", slots
    assert "电话" not in last_line(reply), reply


async def test_h03_phone_alone_at_the_place_question(platform, config):
    openid = "f21-h03"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "我先把电话给你 13512345678")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13512345678" and not slots.get("jurisdiction"), slots
    assert "13512345678" not in reply, reply


# --- restarting mid-way: the old answers do not leak ------------------------------------------------

@pytest.mark.parametrize("restart", ["重新开始", "我要重新填"])
async def test_i01_restart_mid_way_starts_a_clean_form(platform, config, restart):
    openid = f"f21-i01-{restart}"
    await to_question(platform, openid, "电话")
    await say(platform, openid, restart)
    reply = await say(platform, openid, "单位扣了我工资里的社保钱但是没交上去")
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("employer") is None, (slots, reply)
    assert "公司一直没给我交社保" not in (slots.get("description") or ""), slots


async def test_i02_restart_then_new_form_summary_has_no_old_values(platform, config):
    openid = "f21-i02"
    await to_question(platform, openid, "几个人")
    await say(platform, openid, "重新开始")
    from tests.test_dialogue import ANSWERS, finish_form
    reply = await say(platform, openid, "厂里拖了半年社保没交")
    reply = await finish_form(platform, openid, reply, {**ANSWERS, "称呼": "王晓",
                                                       "单位": "增城宏图制衣厂"})
    assert "李四" not in reply and "宏达" not in reply and "王晓" in reply, reply
    assert "公司一直没给我交社保" not in line_of(reply, "问题描述"), reply


# --- the same message twice (a retry with a new MsgId) ----------------------------------------------

async def test_j01_same_name_twice_is_not_taken_as_the_phone(platform, config):
    openid = "f21-j01"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, "王晓")
    reply = await say(platform, openid, "王晓")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王晓" and slots.get("phone") is None, slots
    assert "电话" in last_line(reply), reply


async def test_j02_confirm_twice_registers_one_case(platform, config):
    openid = "f21-j02"
    await to_summary(platform, openid)
    first = await say(platform, openid, "确认")
    number = CASE_NO.search(first)
    assert number, first
    second = await say(platform, openid, "确认")
    assert len(await cases_of(config, openid)) == 1, second
    assert "问题" not in last_line(second) or number.group() in second, second


async def test_j03_first_message_twice_keeps_one_description(platform, config):
    openid = "f21-j03"
    await say(platform, openid, "厂里拖了我半年社保没交")
    await say(platform, openid, "厂里拖了我半年社保没交")
    description = (await slots_of(config, openid)).get("description") or ""
    assert description.count("半年") == 1, description


async def test_j04_same_employer_twice_keeps_the_place_question(platform, config):
    openid = "f21-j04"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "增城宏图制衣厂")
    reply = await say(platform, openid, "增城宏图制衣厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "增城宏图制衣厂" and not slots.get("jurisdiction"), slots
    assert "宏图" not in (slots.get("description") or "").replace("增城宏图制衣厂", "", 0), slots
    assert "哪个区" in reply or "镇" in last_line(reply), reply


# --- the whole story again at the summary --------------------------------------------------------

async def test_k01_whole_story_again_at_the_summary(platform, config):
    openid = "f21-k01"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "公司一直没给我交社保")
    slots = await slots_of(config, openid)
    assert slots.get("description") == "公司一直没给我交社保", slots
    assert "确认" in reply and not await cases_of(config, openid), reply


async def test_k02_whole_story_again_with_a_new_fact_at_the_summary(platform, config):
    openid = "f21-k02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "就是公司一直没给我交社保，从去年三月开始的，问了人事也不理")
    slots = await slots_of(config, openid)
    description = slots.get("description") or ""
    assert description.count("公司一直没给我交社保") == 1 and "人事" in description, slots
    assert slots.get("name") == "李四" and slots.get("employer") == "广州宏达电子厂", slots
    assert SUMMARY in reply and not await cases_of(config, openid), reply


# --- 确认 as people type it -----------------------------------------------------------------------

@pytest.mark.parametrize("message", ["确人", "确认了", "好的确认", "对的没问题", "提交吧",
                                     "没问题 提交", "确定", "对 就这样"])
async def test_l01_confirm_typed_loosely_registers_the_case(platform, config, message):
    openid = f"f21-l01-{message}"
    await to_summary(platform, openid)
    done = await say(platform, openid, message)
    assert CASE_NO.search(done), done
    [case] = await cases_of(config, openid)
    assert case.name == "李四" and case.phone == "13912345678", case


# --- refusing the name or the phone ---------------------------------------------------------------

async def test_m01_name_refused_then_a_form_of_address_is_taken(platform, config):
    openid = "f21-m01"
    await to_question(platform, openid, "称呼")
    refused = await say(platform, openid, "不想说名字")
    assert (await slots_of(config, openid)).get("name") is None
    assert "先生" in refused and "电话" not in last_line(refused), refused
    reply = await say(platform, openid, "那就叫我王先生吧")
    assert (await slots_of(config, openid)).get("name") == "王先生"
    assert "电话" in last_line(reply), reply


async def test_m02_phone_refused_is_told_a_call_back_needs_it(platform, config):
    openid = "f21-m02"
    await to_question(platform, openid, "电话")
    refused = await say(platform, openid, "不给电话")
    slots = await slots_of(config, openid)
    assert slots.get("phone") is None and slots.get("headcount") is None, slots
    assert "电话" in refused and "几个人" not in refused and SUMMARY not in refused, refused


async def test_m03_name_refused_but_phone_given(platform, config):
    openid = "f21-m03"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "名字就不说了 电话13512345678")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13512345678" and slots.get("name") is None, (slots, reply)
    assert "先生" in reply or "称呼" in reply, reply


async def test_m04_phone_removed_at_the_summary_is_not_submitted_without_one(platform, config):
    openid = "f21-m04"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "电话还是别留了")
    assert not await cases_of(config, openid), reply
    assert "电话" in reply, reply
    done = await say(platform, openid, "确认")
    for case in await cases_of(config, openid):
        assert case.phone, (case, done)
