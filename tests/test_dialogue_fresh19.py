"""Blind round 19: payers filing through the form as they really type. Voice-to-text and
typos (公四, 设保, 幺三八), two answers in one message, changing their mind mid-form and at
the summary (不对不对 单位名字写错了, 算了 电话换一个), answering a question with a question,
不知道/忘了 for the optional facts, amounts and periods as people say them (贰仟伍佰, 去年下半年,
从二零一八年三月到今年, 两千五左右一个月), units with branch names and abbreviations, employees
of a 个体户 and of a 劳务派遣 company, retirees' medical insurance, cancelling and starting
again, a pause across a server restart, and the whole story at the first question. Written
before reading the handlers; each conversation goes through the real encrypted gateway."""
from __future__ import annotations

import datetime

import pytest

from bot.store.models import DialogueState
from tests.conftest import make_platform
from tests.test_dialogue import ANSWERS, _age_draft, fetch, finish_form, say
from tests.test_dialogue_fresh18 import CHOICE_LIST, THIS_YEAR, confirm, last_line, line_of
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

SUMMARY = "请核对登记内容"


# --- voice-to-text and typos ------------------------------------------------------------------

async def test_v01_typo_laden_first_message_is_understood(platform, config):
    openid = "f19-v01"
    reply = await say(platform, openid, "我们公四没给我交设保 都半年了")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert CHOICE_LIST not in reply and "单位" in last_line(reply), reply


async def test_v02_town_said_by_voice_with_filler(platform, config):
    openid = "f19-v02"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "在那个仙村那边")
    assert (await slots_of(config, openid)).get("jurisdiction") == "仙村镇"
    assert "称呼" in reply, reply


async def test_v03_name_spelled_out_by_voice(platform, config):
    openid = "f19-v03"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我姓黄 叫黄晓东 黄色的黄")
    assert (await slots_of(config, openid)).get("name") == "黄晓东"
    assert "电话" in last_line(reply), reply


async def test_v04_phone_dictated_with_yao_for_one(platform, config):
    openid = "f19-v04"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "幺三八 幺二三四 五六七八")
    assert (await slots_of(config, openid)).get("phone") == "13812345678"
    assert "几个人" in reply, reply


async def test_v05_headcount_in_dialect(platform, config):
    openid = "f19-v05"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "就俺一个")
    assert (await slots_of(config, openid)).get("headcount") == 1
    assert "希望怎么处理" in reply, reply


async def test_v06_wish_with_a_homophone_typo(platform, config):
    openid = "f19-v06"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "让公司把欠的社保不交上")
    assert "欠的社保" in ((await slots_of(config, openid)).get("desired_outcome") or "")
    assert "时间段或金额" in reply or SUMMARY in reply, reply


# --- two answers in one message ---------------------------------------------------------------

async def test_t01_branch_name_and_town_together(platform, config):
    openid = "f19-t01"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "鸿运物流有限公司增城分公司 在荔城")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "鸿运物流有限公司增城分公司", slots
    assert slots.get("jurisdiction") == "荔城街道", slots
    assert "称呼" in reply, reply


async def test_t02_name_and_mobile_with_a_comma(platform, config):
    openid = "f19-t02"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我叫王建国，手机15800001234")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王建国" and slots.get("phone") == "15800001234", slots
    assert "几个人" in reply, reply


async def test_t03_phone_and_headcount_together(platform, config):
    openid = "f19-t03"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "13600001234 就我一个人")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13600001234" and slots.get("headcount") == 1, slots
    assert "希望怎么处理" in reply, reply


async def test_t04_wish_and_period_together(platform, config):
    openid = "f19-t04"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "让公司补缴 从去年3月到现在")
    slots = await slots_of(config, openid)
    assert "补缴" in (slots.get("desired_outcome") or ""), slots
    assert slots.get("period") == f"{THIS_YEAR - 1}-03/..", slots
    assert SUMMARY in reply or "时间段或金额" in reply, reply


async def test_t05_town_and_name_together(platform, config):
    openid = "f19-t05"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "新塘镇 我叫陈大文")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇" and slots.get("name") == "陈大文", slots
    assert "电话" in last_line(reply), reply


# --- changing one's mind ----------------------------------------------------------------------

async def test_c01_unit_name_wrong_at_the_summary(platform, config):
    openid = "f19-c01"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "不对不对 单位名字写错了")
    assert "单位" in last_line(reply) and SUMMARY not in reply, reply
    reply = await say(platform, openid, "广州市宏达电子科技有限公司")
    assert "广州市宏达电子科技有限公司" in line_of(reply, "涉及单位"), reply
    assert (await slots_of(config, openid)).get("name") == "李四"


@pytest.mark.parametrize("message", ["算了 电话换一个", "电话换一个", "换个电话"])
async def test_c02_never_mind_change_the_phone_is_not_a_cancel(platform, config, message):
    openid = f"f19-c02-{message}"
    await to_summary(platform, openid)
    reply = await say(platform, openid, message)
    assert "确定要取消" not in reply and "电话" in last_line(reply), reply
    reply = await say(platform, openid, "13700002222")
    assert "137****2222" in line_of(reply, "联系电话") and SUMMARY in reply, reply


@pytest.mark.parametrize("message", ["电话换成13566667777", "电话改一下 13566667777",
                                     "换个号码吧13566667777"])
async def test_c03_new_phone_given_with_the_change(platform, config, message):
    openid = f"f19-c03-{len(message)}"
    await to_summary(platform, openid)
    reply = await say(platform, openid, message)
    assert (await slots_of(config, openid)).get("phone") == "13566667777"
    assert SUMMARY in reply and "135****7777" in reply, reply


async def test_c04_name_corrected_while_asked_for_the_phone(platform, config):
    openid = "f19-c04"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "等等 名字写错了 是李思不是李四")
    assert (await slots_of(config, openid)).get("name") == "李思"
    assert "电话" in last_line(reply), reply


async def test_c05_place_corrected_at_the_summary(platform, config):
    openid = "f19-c05"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "地方不对 是石滩不是新塘")
    assert (await slots_of(config, openid)).get("jurisdiction") == "石滩镇"
    assert "石滩镇" in line_of(reply, "所在地"), reply


async def test_c06_headcount_changed_at_the_summary(platform, config):
    openid = "f19-c06"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "人数改一下 是3个")
    assert (await slots_of(config, openid)).get("headcount") == 3
    assert SUMMARY in reply and "3" in line_of(reply, "涉及人数"), reply


# --- answering a question with a question -----------------------------------------------------

async def test_q01_what_is_a_full_name(platform, config):
    openid = "f19-q01"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "什么叫全称？")
    assert (await slots_of(config, openid)).get("employer") is None
    assert "单位" in last_line(reply), reply


async def test_q02_why_do_you_need_my_phone(platform, config):
    openid = "f19-q02"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "为什么要留电话？")
    assert (await slots_of(config, openid)).get("phone") is None
    assert "电话" in last_line(reply), reply


async def test_q03_town_answered_with_a_question_that_names_it(platform, config):
    openid = "f19-q03"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "厂在新塘那边 算哪个街道啊？")
    assert (await slots_of(config, openid)).get("jurisdiction") == "新塘镇"
    assert "称呼" in reply, reply


async def test_q04_must_i_fill_this_in(platform, config):
    openid = "f19-q04"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "这个一定要填吗？")
    slots = await slots_of(config, openid)
    assert slots.get("period") is None and slots.get("amount") is None, slots
    assert "跳过" in reply, reply


async def test_q05_must_it_be_the_full_name_with_the_short_name_beside(platform, config):
    openid = "f19-q05"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "要写全称吗 我只知道叫宏达")
    assert (await slots_of(config, openid)).get("employer") == "宏达", reply
    assert "哪个区" in reply, reply


@pytest.mark.parametrize("answer", ["我老婆也算吗？", "家里人算不算"])
async def test_q06_who_counts_at_the_headcount_question(platform, config, answer):
    openid = f"f19-q06-{answer}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("headcount") is None
    assert "12345" not in reply and "几个人" in last_line(reply), reply
    assert "一共几个人" in reply or "别人" in reply, reply


# --- 不知道 / 忘了 for the optional facts ------------------------------------------------------------

@pytest.mark.parametrize("answer", ["忘了 记不太清了", "不知道啊", "这个我真不记得了"])
async def test_u01_unknown_period_goes_to_the_summary(platform, config, answer):
    openid = f"f19-u01-{len(answer)}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("period") is None and slots.get("amount") is None, slots
    assert SUMMARY in reply and not line_of(reply, "时间段"), reply


async def test_u02_unknown_amount_but_years_is_kept_not_made_up(platform, config):
    openid = "f19-u02"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "具体多少钱不知道 反正好几年了")
    slots = await slots_of(config, openid)
    assert slots.get("amount") is None, slots
    assert "好几年" in str(slots.get("extras")) + str(slots.get("period_said")), slots
    assert SUMMARY in reply, reply


async def test_u03_unit_forgotten_but_described(platform, config):
    openid = "f19-u03"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "忘了叫啥了 就在新塘镇工业园里的一个电子厂")
    slots = await slots_of(config, openid)
    assert "电子厂" in (slots.get("employer") or ""), slots
    assert slots.get("jurisdiction") == "新塘镇", slots
    assert "称呼" in reply, reply


# --- amounts and periods as people say them -------------------------------------------------

@pytest.mark.parametrize("answer", ["两千五左右一个月", "差不多一个月两千五", "一个月两千五上下"])
async def test_a01_per_month_figure_is_an_amount_not_a_one_month_period(platform, config, answer):
    openid = f"f19-a01-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("amount") == 2500, slots
    assert slots.get("period") is None, slots
    assert not line_of(reply, "时长") and "两千五" in line_of(reply, "金额"), reply


async def test_a02_capital_numerals_per_month(platform, config):
    openid = "f19-a02"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "每个月贰仟伍佰元")
    assert (await slots_of(config, openid)).get("amount") == 2500
    assert "每月" in line_of(reply, "金额"), reply


@pytest.mark.parametrize("answer,period", [
    ("去年上半年 每月少交三百", f"{THIS_YEAR - 1}-01/{THIS_YEAR - 1}-06"),
    ("前年一整年", f"{THIS_YEAR - 2}-01/{THIS_YEAR - 2}-12"),
    ("2024.3-2024.9", "2024-03/2024-09"),
    ("24年3月至9月", "2024-03/2024-09"),
    ("从二零一八年三月到今年", f"2018-03/{THIS_YEAR}"),
])
async def test_a03_periods_as_people_say_them(platform, config, answer, period):
    openid = f"f19-a03-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    whole_year = period[:4] if period == f"{period[:4]}-01/{period[:4]}-12" else period
    assert slots.get("period") in {period, whole_year}, slots
    assert SUMMARY in reply, reply


async def test_a04_since_march_with_a_rough_total(platform, config):
    openid = "f19-a04"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "今年三月份到现在 一共少了一万多")
    slots = await slots_of(config, openid)
    assert slots.get("period") == f"{THIS_YEAR}-03/..", slots
    assert "一万多" in line_of(reply, "金额"), reply


async def test_a05_period_in_chinese_digits_in_the_first_message(platform, config):
    openid = "f19-a05"
    await say(platform, openid, "公司从二零一八年三月到今年都没给我交社保")
    assert (await slots_of(config, openid)).get("period") == f"2018-03/{THIS_YEAR}"


# --- units with branch names and abbreviations ------------------------------------------------

@pytest.mark.parametrize("answer,employer", [
    ("顺丰增城分公司", "顺丰增城分公司"),
    ("中国平安人寿保险股份有限公司广州分公司增城支公司",
     "中国平安人寿保险股份有限公司广州分公司增城支公司"),
    ("百佳超市新塘店", "百佳超市新塘店"),
    ("HD电子厂", "HD电子厂"),
])
async def test_g01_branch_and_abbreviated_unit_names_are_kept_whole(platform, config, answer,
                                                                    employer):
    openid = f"f19-g01-{answer}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("employer") == employer
    assert "哪个区" in reply or "称呼" in reply, reply


async def test_g02_unit_with_a_bracketed_plant(platform, config):
    openid = "f19-g02"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "广汽本田（增城工厂）")
    employer = (await slots_of(config, openid)).get("employer") or ""
    assert "广汽本田" in employer and "增城工厂" in employer, employer
    assert "哪个区" in reply or "称呼" in reply, reply


# --- employees of a 个体户, of a 劳务派遣 company -------------------------------------------------

async def test_h01_employee_of_a_getihu_is_asked_for_the_shop(platform, config):
    """个体户 here is the employer, not the payer: the shop still has to be named."""
    openid = "f19-h01"
    reply = await say(platform, openid, "我在一个个体户开的饭店打工 老板不给买社保")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert slots.get("employer") in (None, ""), slots
    assert "单位" in last_line(reply), reply


async def test_h02_getihu_shop_named_at_the_employer_question(platform, config):
    openid = "f19-h02"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "老板是个体户 没有公司名 店叫好又来超市")
    assert (await slots_of(config, openid)).get("employer") == "好又来超市"
    assert "哪个区" in reply, reply


async def test_h03_dispatch_worker_each_side_blames_the_other(platform, config):
    openid = "f19-h03"
    reply = await say(platform, openid, "我是劳务派遣的 派遣公司说社保用工单位交 用工单位说派遣公司交 "
                                        "结果谁都没给我交")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert CHOICE_LIST not in reply and "单位" in last_line(reply), reply


async def test_h04_dispatch_company_and_the_workplace_both_named(platform, config):
    openid = "f19-h04"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "派遣公司是广州众鑫人力资源有限公司，我在广汽本田上班")
    slots = await slots_of(config, openid)
    assert slots.get("employer", "").startswith("广州众鑫人力资源有限公司"), slots
    assert "广汽本田" in slots.get("employer", "") + slots.get("description", ""), slots
    assert "哪个区" in reply, reply


# --- retirees' medical insurance ---------------------------------------------------------------

async def test_r01_retiree_told_to_pay_medical_years_up(platform, config):
    openid = "f19-r01"
    reply = await say(platform, openid, "我退休了 医保说缴费年限不够 还要我补缴十年才能享受退休待遇 我觉得不合理")
    slots = await slots_of(config, openid)
    assert slots.get("category") in {"back_payment", "payment_record", "assessed_amount"}, (
        slots, reply)
    assert CHOICE_LIST not in reply, reply


async def test_r02_retiree_with_no_unit(platform, config):
    openid = "f19-r02"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "退休了 没有单位")
    assert (await slots_of(config, openid)).get("employer") == "无"
    assert "哪个区" in reply, reply


async def test_r03_retiree_names_the_former_unit(platform, config):
    openid = "f19-r03"
    reply = await say(platform, openid, "我刚退休 单位说我医保缴费年限不够要自己补交 但我算的是够的")
    if "单位" in last_line(reply):
        reply = await say(platform, openid, "已经退休了 原来的单位是增城糖厂")
        assert (await slots_of(config, openid)).get("employer") == "增城糖厂"
    assert "哪个区" in reply, reply


# --- cancelling and starting again -------------------------------------------------------------

async def test_j01_cancel_then_no_keeps_everything(platform, config):
    openid = "f19-j01"
    await to_question(platform, openid, "电话")
    assert "确定要取消" in await say(platform, openid, "算了")
    reply = await say(platform, openid, "不 还是继续吧")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("employer") == "广州宏达电子厂", slots
    assert "电话" in last_line(reply), reply


async def test_j02_cancelled_then_starts_over(platform, config):
    openid = "f19-j02"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, "不弄了")
    assert "已取消" in await say(platform, openid, "是的")
    reply = await say(platform, openid, "我又想了一下还是反映吧 厂里扣了我社保钱没交")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert slots.get("employer") is None and slots.get("name") is None, slots
    assert "单位" in last_line(reply), reply


async def test_j03_start_over_is_not_taken_as_a_name(platform, config):
    openid = "f19-j03"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "重新来吧 我前面填乱了")
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("employer") is None, (slots, reply)
    assert "不像是姓名" not in reply and "重新开始" in reply, reply


# --- a pause across a server restart --------------------------------------------------------------

async def test_p01_phone_after_a_restart_goes_on_to_headcount(aiohttp_server, http, config,
                                                              models):
    from bot.app import build_app

    openid = "f19-p01"
    first = await aiohttp_server(build_app(config, models=models))
    await to_question(make_platform(http, first, config), openid, "电话")
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, second, config)
    await _age_draft(config.database_url, openid, hours=2)
    reply = await say(platform, openid, "13811112222")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13811112222" and slots.get("name") == "李四", slots
    assert "几个人" in reply, reply


async def test_p02_where_was_i_after_a_restart(aiohttp_server, http, config, models):
    from bot.app import build_app

    openid = "f19-p02"
    first = await aiohttp_server(build_app(config, models=models))
    await to_question(make_platform(http, first, config), openid, "电话")
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, second, config)
    await _age_draft(config.database_url, openid, hours=3)
    reply = await say(platform, openid, "在吗 我刚才填到哪了")
    assert "电话" in last_line(reply), reply
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.slots.get("employer") == "广州宏达电子厂", state.slots


async def test_p03_confirm_after_a_restart_registers_the_case(aiohttp_server, http, config,
                                                               models):
    from bot.app import build_app

    openid = "f19-p03"
    first = await aiohttp_server(build_app(config, models=models))
    await to_summary(make_platform(http, first, config), openid,
                     answers={"时间段或金额": "去年下半年 每个月八百"})
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    case = await confirm(make_platform(http, second, config), config, openid)
    assert case.employer == "广州宏达电子厂" and case.phone == "13912345678"
    assert case.period == f"{THIS_YEAR - 1}-07/{THIS_YEAR - 1}-12" and case.amount == 800


# --- the whole story at the first question ------------------------------------------------------

STORY = ("我叫刘小红 电话13622225555 在荔城街道的增城新世纪商贸有限公司上班 公司从去年下半年开始"
         "就按最低基数给我交社保 我工资六千多 每个月少交四百左右 我们部门五个人都这样 希望按实际工资补缴")


async def test_s01_whole_story_after_asking_to_report(platform, config):
    openid = "f19-s01"
    assert "说说" in await say(platform, openid, "我要反映问题")
    reply = await say(platform, openid, STORY)
    slots = await slots_of(config, openid)
    assert slots.get("category") == "contribution_base", (slots, reply)
    assert slots.get("name") == "刘小红" and slots.get("phone") == "13622225555", slots
    assert slots.get("employer") == "增城新世纪商贸有限公司", slots
    assert slots.get("jurisdiction") == "荔城街道", slots
    assert slots.get("headcount") == 5, slots
    assert "按实际工资补缴" in (slots.get("desired_outcome") or ""), slots
    assert (slots.get("period") or "").startswith(f"{THIS_YEAR - 1}-07"), slots
    assert CHOICE_LIST not in reply, reply


async def test_s02_whole_story_to_the_stored_case(platform, config):
    openid = "f19-s02"
    reply = await say(platform, openid, STORY)
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert "四百" in line_of(summary, "金额"), summary
    case = await confirm(platform, config, openid)
    assert case.category == "contribution_base" and case.name == "刘小红"
    assert case.employer == "增城新世纪商贸有限公司" and case.jurisdiction == "荔城街道"
    assert case.headcount == 5 and case.amount == 400
    assert case.description.startswith("我叫刘小红") or "最低基数" in case.description


async def test_s03_several_slots_at_the_employer_question(platform, config):
    openid = "f19-s03"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "单位是增城新世纪商贸 在荔城 我叫刘小红 电话13622225555")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "增城新世纪商贸", slots
    assert slots.get("jurisdiction") == "荔城街道", slots
    assert slots.get("name") == "刘小红" and slots.get("phone") == "13622225555", slots
    assert "几个人" in reply, reply


# --- a typo-laden conversation through to the case -------------------------------------------------

async def test_m01_colloquial_conversation_to_the_case(platform, config):
    openid = "f19-m01"
    reply = await say(platform, openid, "老板扣了我工资里的社报钱 结果查了根本没交")
    answers = {**ANSWERS, "单位": "顺丰增城分公司", "哪个区": "在荔城那块",
               "称呼": "叫我小周就行 周文斌", "电话": "一五九 一二三四 五六七八",
               "几个人": "俺们班组七八个", "希望怎么处理": "把扣的钱给我交上",
               "时间段或金额": "去年下半年 每个月贰佰捌拾元"}
    summary = await finish_form(platform, openid, reply, answers)
    case = await confirm(platform, config, openid)
    assert case.category == "employer_arrears", summary
    assert case.employer == "顺丰增城分公司" and case.jurisdiction == "荔城街道"
    assert case.name == "周文斌" and case.phone == "15912345678"
    assert case.headcount in {7, 8}
    assert case.period == f"{THIS_YEAR - 1}-07/{THIS_YEAR - 1}-12" and case.amount == 280


# --- the pure parts behind the fixes above --------------------------------------------------------

@pytest.fixture(scope="module")
def extract():
    from bot.nlu import dataset
    from bot.nlu.entities import EntityExtractor
    from bot.nlu.normalize import Normalizer

    rules = dataset.load_rules()
    normalizer = Normalizer(rules["replacements"])
    extractor = EntityExtractor(rules["entities"], ["增城区", "荔城街道", "新塘镇", "石滩镇"])
    return lambda text: extractor.extract(normalizer(text), datetime.date(2026, 11, 25))


def _of(entities, kind):
    return [e.value for e in entities if e.type == kind]


@pytest.mark.parametrize("text,money", [("两千五左右一个月", 2500), ("800块一个月", 800)])
def test_n01_a_sum_then_yi_ge_yue_is_monthly_not_a_period(extract, text, money):
    found = extract(text)
    assert _of(found, "money") == [money] and _of(found, "period") == []


def test_n01b_one_month_alone_is_still_a_period(extract):
    assert _of(extract("断了一个月"), "period") == ["P1M"]


@pytest.mark.parametrize("text,money", [("每个月贰仟伍佰元", 2500), ("一共叁仟元", 3000)])
def test_n02_capital_numerals_are_money(extract, text, money):
    assert _of(extract(text), "money") == [money]


@pytest.mark.parametrize("text,employer", [
    ("鸿运物流有限公司增城分公司", "鸿运物流有限公司增城分公司"),
    ("百佳超市新塘店", "百佳超市新塘店"),
    ("广汽本田（增城工厂）", "广汽本田(增城工厂)"),
    ("社保通科技有限公司", "社保通科技有限公司"),
    ("宏达电子厂厂长不给交", "宏达电子厂"),
    ("宏达公司工厂", "宏达公司"),
    ("在石滩镇金源鞋厂做工厂里没交", "石滩镇金源鞋厂"),
])
def test_n03_branches_and_brackets_stay_in_the_name(extract, text, employer):
    assert _of(extract(text), "employer") == [employer]


def test_n04_the_insurance_before_a_generic_unit_names_no_one(extract):
    assert _of(extract("派遣公司说社保用工单位交 用工单位说派遣公司交"), "employer") == []


def test_n05_who_in_nobody_paid_asks_nothing():
    from bot.nlu import load_parser

    parser = load_parser(districts=["增城区"])
    assert not parser.is_question("结果谁都没给我交")
    assert parser.is_question("这个谁管")
