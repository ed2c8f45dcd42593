"""Blind round 20: payers filing through the form in ways the earlier rounds did not meet.
Several answers in one long message out of order; correcting the unit two questions later
(其实不是那家公司 是它下面的劳务公司); phones with spaces, dashes, full-width digits, a landline
with its area code, or refused first and given after; a surname only (姓王), an English name,
long minority-ethnic names; periods and amounts as people say them (前年三月到去年底, 18年至21年,
入职到现在, 一千出头, 三四千, 1.2w); headcounts like 十几个人 and 整个车间; wishes like 要赔钱 and
不知道 你们看着办; changing the category midway; voice-to-text without punctuation and with
homophones (社宝, 单为, 交纳/缴纳); going silent and coming back (在吗, 刚才说到哪了); and asking
mid-form whether we are the government or will tell the boss (seed 002: 办理过程中严格保密，
不得泄露缴费人信息). Written before reading the handlers; each conversation goes through the
real encrypted gateway."""
from __future__ import annotations

import pytest

from tests.test_dialogue import ANSWERS, _age_draft, finish_form, say
from tests.test_dialogue_fresh18 import CHOICE_LIST, THIS_YEAR, confirm, last_line, line_of
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

SUMMARY = "请核对登记内容"


# --- several answers in one long message, out of order ----------------------------------------

async def test_o01_everything_at_the_employer_question_in_any_order(platform, config):
    openid = "f20-o01"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "电话13798761234 我叫郑国强 就我一个 在新塘镇 "
                                        "公司叫广州顺达物流有限公司")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州顺达物流有限公司", slots
    assert slots.get("jurisdiction") == "新塘镇" and slots.get("name") == "郑国强", slots
    assert slots.get("phone") == "13798761234" and slots.get("headcount") == 1, slots
    assert "希望怎么处理" in reply, reply


async def test_o02_name_question_answered_with_phone_first_then_name(platform, config):
    openid = "f20-o02"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "13600007777 姓名林美玲")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "林美玲" and slots.get("phone") == "13600007777", slots
    assert "几个人" in reply, reply


async def test_o03_headcount_and_wish_and_period_at_the_headcount_question(platform, config):
    openid = "f20-o03"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "我们三个人 希望公司把社保补上 是从今年一月开始没交的")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 3, slots
    assert "补上" in (slots.get("desired_outcome") or ""), slots
    assert slots.get("period") == f"{THIS_YEAR}-01/..", slots
    assert SUMMARY in reply, reply


async def test_o04_long_first_message_with_place_before_unit(platform, config):
    openid = "f20-o04"
    reply = await say(platform, openid, "你好 我在石滩镇上班 单位是增城金盛五金制品厂 从前年三月到去年底"
                                        "厂里一直没给我交社保 我姓何 叫何志明")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert slots.get("employer") == "增城金盛五金制品厂", slots
    assert slots.get("jurisdiction") == "石滩镇" and slots.get("name") == "何志明", slots
    assert slots.get("period") == f"{THIS_YEAR - 2}-03/{THIS_YEAR - 1}-12", slots
    assert CHOICE_LIST not in reply and "电话" in last_line(reply), reply


# --- correcting an earlier answer later on ---------------------------------------------------------

async def test_k01_not_that_company_but_its_labour_company(platform, config):
    openid = "f20-k01"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "其实不是那家公司 是它下面的劳务公司 叫宏达劳务服务有限公司")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "宏达劳务服务有限公司", slots
    assert slots.get("name") is None, slots
    assert "称呼" in last_line(reply), reply


async def test_k02_unit_said_wrong_at_the_headcount_question(platform, config):
    openid = "f20-k02"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "刚才单位说错了 应该是广州宏达电子科技有限公司")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子科技有限公司", slots
    assert slots.get("headcount") is None and slots.get("phone") == "13912345678", slots
    assert "几个人" in last_line(reply), reply


async def test_k03_phone_wrong_noticed_at_the_wish_question(platform, config):
    openid = "f20-k03"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "电话号码打错了 是13912345687")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13912345687", slots
    assert slots.get("desired_outcome") is None, slots
    assert "希望怎么处理" in reply, reply


async def test_k04_place_corrected_two_questions_later(platform, config):
    openid = "f20-k04"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "哦对了 刚才地方说错了 厂子其实在仙村")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "仙村镇", slots
    assert slots.get("phone") is None, slots
    assert "电话" in last_line(reply), reply


# --- phone numbers as people type them ---------------------------------------------------------------

@pytest.mark.parametrize("answer", ["138 0013 8000", "138-0013-8000", "１３８００１３８０００",
                                    "手机：138 0013 8000", "+86 138 0013 8000"])
async def test_p01_mobile_with_spaces_dashes_full_width_or_country_code(platform, config, answer):
    openid = f"f20-p01-{answer}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("phone") == "13800138000"
    assert "几个人" in reply, reply


@pytest.mark.parametrize("answer,phone", [("020-82712345", "020-82712345"),
                                          ("座机 020 8271 2345", "020-82712345"),
                                          ("(020)82712345", "020-82712345")])
async def test_p02_landline_with_area_code(platform, config, answer, phone):
    openid = f"f20-p02-{answer}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, answer)
    stored = (await slots_of(config, openid)).get("phone") or ""
    assert stored.replace("-", "") == phone.replace("-", ""), stored
    assert "几个人" in reply, reply


async def test_p03_refuses_the_phone_then_gives_it(platform, config):
    openid = "f20-p03"
    await to_question(platform, openid, "电话")
    refused = await say(platform, openid, "电话就不留了吧")
    assert (await slots_of(config, openid)).get("phone") is None
    assert "电话" in refused and "几个人" not in refused, refused
    reply = await say(platform, openid, "那好吧 15012348888")
    assert (await slots_of(config, openid)).get("phone") == "15012348888"
    assert "几个人" in reply, reply


async def test_p04_phone_in_the_summary_masked_after_spaces(platform, config):
    openid = "f20-p04"
    await to_summary(platform, openid, answers={"电话": "159 8765 4321"})
    summary = await say(platform, openid, "电话没问题吧 再给我看一下")
    assert "159****4321" in summary and "15987654321" not in summary, summary


# --- names: surname only, English, long minority names ---------------------------------------------

@pytest.mark.parametrize("answer", ["姓王", "我姓王", "免贵姓王"])
async def test_n01_surname_only_is_offered_mr_wang_and_that_is_taken(platform, config, answer):
    """A surname alone: the full name is asked once, with 王先生/王女士 offered instead."""
    openid = f"f20-n01-{answer}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert "不像是姓名" not in reply and "王先生" in reply, reply
    reply = await say(platform, openid, "叫我王先生就行")
    assert (await slots_of(config, openid)).get("name") == "王先生"
    assert "电话" in last_line(reply), reply


async def test_n01b_the_surname_said_again_is_taken(platform, config):
    openid = "f20-n01b"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, "姓王")
    reply = await say(platform, openid, "就姓王")
    assert ((await slots_of(config, openid)).get("name") or "").startswith("王")
    assert "电话" in last_line(reply), reply


@pytest.mark.parametrize("answer,name", [("叫我Tony就行", "Tony"), ("David Chen", "David Chen"),
                                         ("我英文名叫Amy", "Amy")])
async def test_n02_english_names(platform, config, answer, name):
    openid = f"f20-n02-{name}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("name") == name
    assert "电话" in last_line(reply), reply


@pytest.mark.parametrize("answer,name", [("阿卜杜热合曼·艾买提", "阿卜杜热合曼·艾买提"),
                                         ("我叫买买提江.吐尔逊", "买买提江·吐尔逊"),
                                         ("扎西次仁", "扎西次仁"),
                                         ("我叫欧阳娜娜", "欧阳娜娜")])
async def test_n03_long_and_minority_names_kept_whole(platform, config, answer, name):
    openid = f"f20-n03-{len(answer)}-{name[:2]}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    stored = (await slots_of(config, openid)).get("name") or ""
    assert stored.replace(".", "·").replace("•", "·") == name, stored
    assert "电话" in last_line(reply), reply
    description = (await slots_of(config, openid)).get("description") or ""
    assert name[:2] not in description and "补充" not in reply, (description, reply)


# --- periods as people say them -------------------------------------------------------------------------

@pytest.mark.parametrize("answer,periods", [
    ("前年三月到去年底", {f"{THIS_YEAR - 2}-03/{THIS_YEAR - 1}-12"}),
    ("18年至21年", {"2018/2021", "2018-01/2021-12"}),
    ("2019年到2021年都没交", {"2019/2021", "2019-01/2021-12"}),
    ("今年1到5月", {f"{THIS_YEAR}-01/{THIS_YEAR}-05"}),
    ("去年年底到现在", {f"{THIS_YEAR - 1}-12/.."}),
    ("从前年开始", {f"{THIS_YEAR - 2}/..", f"{THIS_YEAR - 2}-01/.."}),
])
async def test_t01_periods_as_people_say_them(platform, config, answer, periods):
    openid = f"f20-t01-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("period") in periods, slots
    assert SUMMARY in reply, reply


async def test_t02_since_joining_is_kept_in_words_not_made_up(platform, config):
    openid = "f20-t02"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "入职到现在一直没交")
    slots = await slots_of(config, openid)
    assert slots.get("period") is None or not slots["period"][:1].isdigit(), slots
    assert "入职" in line_of(reply, "时间段") + str(slots.get("extras")) + str(
        slots.get("period_said")), (slots, reply)
    assert SUMMARY in reply, reply


async def test_t03_since_joining_with_the_joining_date(platform, config):
    openid = "f20-t03"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "我22年5月入职的 入职到现在都没交")
    assert (await slots_of(config, openid)).get("period") == "2022-05/.."
    assert SUMMARY in reply, reply


# --- amounts as people say them -----------------------------------------------------------------------

@pytest.mark.parametrize("answer,amount,shown", [
    ("一千出头", 1000, "一千出头"),
    ("三四千吧", 4000, "三四千"),
    ("1.2w", 12000, "1.2w"),
    ("大概1.5万", 15000, "1.5万"),
    ("两万多块钱", 20000, "两万多"),
])
async def test_m01_rough_amounts(platform, config, answer, amount, shown):
    openid = f"f20-m01-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("amount") == amount, slots
    assert slots.get("period") is None, slots
    assert shown in line_of(reply, "金额") or str(amount) in line_of(reply, "金额"), reply
    assert SUMMARY in reply, reply


async def test_m01b_a_bit_over_a_sum_a_month_is_monthly_not_one_month(platform, config):
    openid = "f20-m01b"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "一千出头一个月")
    slots = await slots_of(config, openid)
    assert slots.get("amount") == 1000 and slots.get("period") is None, slots
    assert "每月" in line_of(reply, "金额") and not line_of(reply, "时长"), reply


async def test_m02_amount_and_period_with_w_in_one_breath(platform, config):
    openid = "f20-m02"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "前年三月到去年底 差不多少交了1.2w")
    slots = await slots_of(config, openid)
    assert slots.get("amount") == 12000, slots
    assert slots.get("period") == f"{THIS_YEAR - 2}-03/{THIS_YEAR - 1}-12", slots
    assert SUMMARY in reply, reply


# --- headcounts as people say them -------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["十几个人", "有十几个吧"])
async def test_h01_a_dozen_or_so(platform, config, answer):
    openid = f"f20-h01-{answer}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, answer)
    headcount = (await slots_of(config, openid)).get("headcount")
    assert isinstance(headcount, int) and 10 <= headcount < 20, headcount
    assert "希望怎么处理" in reply, reply


@pytest.mark.parametrize("answer", ["整个车间", "好多人", "全厂的人都没交"])
async def test_h02_many_without_a_number_is_not_one(platform, config, answer):
    openid = f"f20-h02-{answer}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, answer)
    headcount = (await slots_of(config, openid)).get("headcount")
    assert headcount is None or headcount > 1, headcount
    if headcount is None:
        assert "大概" in reply and "几个人" in reply, reply
    else:
        assert "希望怎么处理" in reply, reply


async def test_h03_whole_workshop_with_a_rough_number(platform, config):
    openid = "f20-h03"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "整个车间 四十来个人")
    assert (await slots_of(config, openid)).get("headcount") == 40
    assert "希望怎么处理" in reply, reply


# --- wishes ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer,kept", [("只要把社保补上就行", "补上"), ("要赔钱", "赔钱"),
                                         ("把少交的补齐 再给个说法", "补齐")])
async def test_w01_wishes_as_said(platform, config, answer, kept):
    openid = f"f20-w01-{answer}"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, answer)
    assert kept in ((await slots_of(config, openid)).get("desired_outcome") or "")
    assert "时间段或金额" in reply or SUMMARY in reply, reply


@pytest.mark.parametrize("answer", ["不知道 你们看着办", "你们看着处理吧", "我也不懂 听你们的"])
async def test_w02_leaving_the_wish_to_us_moves_on(platform, config, answer):
    openid = f"f20-w02-{answer}"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, answer)
    assert "时间段或金额" in reply or SUMMARY in reply, reply
    assert "希望怎么处理" not in last_line(reply), reply


# --- changing the category midway ---------------------------------------------------------------

async def test_c01_not_unpaid_but_underpaid_at_the_name_question(platform, config):
    openid = "f20-c01"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我刚才说错了 不是没交 是少交 按最低的基数交的")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "contribution_base", slots
    assert slots.get("name") is None, slots
    assert "称呼" in last_line(reply), reply


async def test_c02_category_changed_at_the_summary(platform, config):
    openid = "f20-c02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "一开始说没交 其实是少交了 基数按最低的")
    assert (await slots_of(config, openid)).get("category") == "contribution_base"
    assert SUMMARY in reply and "基数" in line_of(reply, "问题类型"), reply


async def test_c03_changed_category_reaches_the_case(platform, config):
    openid = "f20-c03"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "其实公司交了 就是交少了 按最低档交的")
    reply = await say(platform, openid, "13912345678")
    summary = await finish_form(platform, openid, reply, ANSWERS)
    case = await confirm(platform, config, openid)
    assert case.category == "contribution_base", summary


async def test_c04_a_changed_category_at_the_summary_is_no_confirmation(platform, config):
    """"其实是交少了 按最低档交的" once read as a "yes" and registered the case as arrears."""
    openid = "f20-c04"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "其实是交少了 按最低档交的")
    assert "已登记" not in reply and SUMMARY in reply, reply
    assert (await slots_of(config, openid)).get("category") == "contribution_base"
    case = await confirm(platform, config, openid)
    assert case.category == "contribution_base" and "最低档" in case.description


# --- voice-to-text artifacts ------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["我们单为没给我交社宝从去年开始就没交了",
                                     "嗯那个我在厂里上班老板一直不给买社宝说是试用期",
                                     "单为扣了我的社宝钱但是没有交纳"])
async def test_v01_unpunctuated_homophones_are_arrears(platform, config, message):
    openid = f"f20-v01-{len(message)}"
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert CHOICE_LIST not in reply and "单位" in last_line(reply), reply


async def test_v02_base_dispute_with_jiaona_and_jiaona_mixed(platform, config):
    openid = "f20-v02"
    reply = await say(platform, openid, "公司交纳社宝的基数比我实际工资低很多缴纳的基数才两千多")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "contribution_base", (slots, reply)
    assert CHOICE_LIST not in reply, reply


async def test_v03_unit_said_by_voice_with_a_homophone_and_town(platform, config):
    openid = "f20-v03"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "单为叫增城永盛服装厂在新塘那边")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "增城永盛服装厂", slots
    assert slots.get("jurisdiction") == "新塘镇", slots
    assert "称呼" in reply, reply


async def test_v04_period_by_voice_without_punctuation(platform, config):
    openid = "f20-v04"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "从二零二二年五月份到二零二四年底每个月少交三百块")
    slots = await slots_of(config, openid)
    assert slots.get("period") == "2022-05/2024-12", slots
    assert slots.get("amount") == 300, slots
    assert SUMMARY in reply, reply


# --- going silent and coming back ----------------------------------------------------------------------

async def test_s01_are_you_there_after_a_pause_then_where_were_we(platform, config):
    openid = "f20-s01"
    await to_question(platform, openid, "电话")
    await _age_draft(config.database_url, openid, minutes=45)
    first = await say(platform, openid, "在吗")
    assert "还没提交" in first, first
    reply = await say(platform, openid, "刚才说到哪了")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("employer") == "广州宏达电子厂", slots
    assert "电话" in last_line(reply), reply


async def test_s02_where_were_we_without_a_long_pause(platform, config):
    openid = "f20-s02"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "刚才说到哪了")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") is None and slots.get("phone") == "13912345678", slots
    assert "几个人" in last_line(reply), reply


async def test_s03_are_you_there_mid_form_is_no_answer(platform, config):
    openid = "f20-s03"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "在吗？")
    assert (await slots_of(config, openid)).get("name") is None
    assert "称呼" in last_line(reply), reply


async def test_s04_back_after_a_pause_with_the_answer_itself(platform, config):
    openid = "f20-s04"
    await to_question(platform, openid, "称呼")
    await _age_draft(config.database_url, openid, minutes=50)
    first = await say(platform, openid, "不好意思刚才有事 我叫罗志勇")
    slots = await slots_of(config, openid)
    if "还没提交" in first:
        first = await say(platform, openid, "1")
        assert "称呼" in first, first
        first = await say(platform, openid, "罗志勇")
        slots = await slots_of(config, openid)
    assert slots.get("name") == "罗志勇", slots
    assert "电话" in last_line(first), first


# --- who are you / will you tell my boss -----------------------------------------------------------------

@pytest.mark.parametrize("message", ["你们是政府的吗", "你们是哪个部门的？"])
async def test_g01_are_you_the_government_mid_form(platform, config, message):
    openid = f"f20-g01-{message}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, message)
    assert (await slots_of(config, openid)).get("name") is None
    assert "称呼" in last_line(reply), reply
    assert len(reply.strip().splitlines()) >= 2, reply


@pytest.mark.parametrize("message", ["会不会告诉我老板", "你们会把我电话给公司吗", "老板会知道是我举报的吗"])
async def test_g02_will_you_tell_my_boss_is_answered_with_confidentiality(platform, config,
                                                                          message):
    openid = f"f20-g02-{message}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("phone") is None and slots.get("name") == "李四", slots
    assert "保密" in reply, reply
    assert "电话" in last_line(reply), reply


async def test_g03_boss_question_at_the_unit_question(platform, config):
    openid = "f20-g03"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "我说了单位名字 老板会不会知道")
    assert (await slots_of(config, openid)).get("employer") is None
    assert "保密" in reply and "单位" in last_line(reply), reply


async def test_g05_worry_at_the_summary_keeps_the_summary_unconfirmed(platform, config):
    openid = "f20-g05"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "提交了公司会知道是我吗")
    assert "已登记" not in reply and "保密" in reply, reply
    case = await confirm(platform, config, openid)
    assert case.name == "李四"


# --- whole conversations to the registered case --------------------------------------------------------

async def test_z01_voice_payer_to_the_case(platform, config):
    openid = "f20-z01"
    reply = await say(platform, openid, "我们单为从去年开始就没给我交社宝了")
    answers = {**ANSWERS, "单位": "增城永盛服装厂", "哪个区": "新塘那边",
               "称呼": "姓王", "电话": "１３５ ００１３ ５０００", "几个人": "十几个人",
               "希望怎么处理": "只要把社保补上就行", "时间段或金额": "一千出头一个月"}
    summary = await finish_form(platform, openid, reply, answers)
    case = await confirm(platform, config, openid)
    assert case.category == "employer_arrears", summary
    assert case.employer == "增城永盛服装厂" and case.jurisdiction == "新塘镇"
    assert case.name.startswith("王") and case.phone == "13500135000"
    assert 10 <= case.headcount < 20 and "补上" in case.desired_outcome
    assert case.period == f"{THIS_YEAR - 1}/..", summary


async def test_z02_corrected_unit_and_category_reach_the_case(platform, config):
    openid = "f20-z02"
    reply = await say(platform, openid, "公司没给我交社保")
    reply = await finish_form(platform, openid, reply, {**ANSWERS, "单位": "广州宏达集团"})
    assert SUMMARY in reply
    reply = await say(platform, openid, "其实不是那家公司 是它下面的劳务公司 叫宏达劳务服务有限公司")
    assert "宏达劳务服务有限公司" in line_of(reply, "涉及单位") and SUMMARY in reply, reply
    case = await confirm(platform, config, openid)
    assert case.employer == "宏达劳务服务有限公司"


async def test_z03_landline_and_english_name_to_the_case(platform, config):
    openid = "f20-z03"
    reply = await say(platform, openid, "公司一直没给我交社保")
    answers = {**ANSWERS, "称呼": "叫我Tony就行", "电话": "020-82712345",
               "时间段或金额": "18年至21年"}
    summary = await finish_form(platform, openid, reply, answers)
    assert "Tony" in line_of(summary, "姓名"), summary
    case = await confirm(platform, config, openid)
    assert case.name == "Tony" and case.phone.replace("-", "") == "02082712345"
    assert case.period in {"2018/2021", "2018-01/2021-12"}


# --- the pure parts behind the fixes above --------------------------------------------------------

@pytest.fixture(scope="module")
def extract():
    import datetime

    from bot.nlu import dataset
    from bot.nlu.entities import EntityExtractor
    from bot.nlu.normalize import Normalizer

    rules = dataset.load_rules()
    normalizer = Normalizer(rules["replacements"])
    extractor = EntityExtractor(rules["entities"], ["增城区", "荔城街道", "新塘镇", "仙村镇"])
    return lambda text: extractor.extract(normalizer(text), datetime.date(2026, 11, 27))


def _of(entities, kind):
    return [e.value for e in entities if e.type == kind]


@pytest.mark.parametrize("text,period", [
    ("今年1到5月", "2026-01/2026-05"), ("去年3-9月没交", "2025-03/2025-09"),
    ("今年三到五月", "2026-03/2026-05"),
    ("我22年5月入职的 入职到现在都没交", "2022-05/.."), ("2019年5月进厂 到现在", "2019-05/.."),
])
def test_x01_month_spans_and_since_joining(extract, text, period):
    assert _of(extract(text), "period") == [period]


def test_x02_a_sum_a_bit_over_then_a_month_is_monthly(extract):
    found = extract("一千出头一个月")
    assert _of(found, "period") == []


def test_x03_a_labour_company_without_its_name_names_no_one(extract):
    found = extract("其实不是那家公司 是它下面的劳务公司 叫宏达劳务服务有限公司")
    assert _of(found, "employer") == ["宏达劳务服务有限公司"]


def test_x04_the_boss_after_the_word_name_is_no_name(extract):
    assert _of(extract("我说了单位名字 老板会不会知道"), "name") == []
