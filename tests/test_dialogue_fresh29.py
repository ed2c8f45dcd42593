"""Blind round 29: the multi-turn registration (the 报送单 of seed 002: contact name and phone,
a summary of what is reported) as payers on a phone fill it in. Two or three fields in one
answer, an answer to a different question than the one asked, an earlier field corrected several
turns later (刚才单位名字打错了 是…), a change of mind about the problem type or the agency,
hesitations (等一下 我问问我老公), a server restart in the middle (state lives in the database),
phone and ID numbers with spaces, full-width digits or one digit too many or too few, dates as
people say them (去年腊月, 19年到21年, 上上个月), amounts in mixed forms (三千二, 3k, 两万出头),
units by abbreviation or with the boss's name, cancelling then starting again, and the summary
answered colloquially (对的没问题, 嗯嗯提交吧, 不对 电话错了). Nothing captured may be lost and a bad
answer gets a helpful Chinese reply. Written before reading the handlers; each conversation goes
through the real encrypted gateway."""
from __future__ import annotations

import datetime
import zlib

import pytest

from tests.conftest import make_platform
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_dialogue_fresh18 import last_line, line_of
from tests.test_dialogue_fresh26 import (
    COUNT_Q,
    EMPLOYER_Q,
    EXTRAS_Q,
    NAME_Q,
    PHONE_Q,
    PLACE_Q,
    SUMMARY,
    THIS_YEAR,
    WISH_Q,
    cases_of,
    form_of,
)
from tests.test_dialogue_fresh27 import kept
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

FALLBACK = "没太明白"
PHONE = "13912345678"


def oid(prefix: str, message: str) -> str:
    return f"f29-{prefix}-{zlib.crc32(message.encode())}"


def month_back(count: int) -> str:
    """'YYYY-MM' of ``count`` months before this one."""
    today = datetime.date.today()
    index = today.year * 12 + today.month - 1 - count
    return f"{index // 12}-{index % 12 + 1:02d}"


async def restarted(aiohttp_server, http, config, models):
    """A fresh server on the same database, as after a deploy or a crash."""
    from bot.app import build_app

    return make_platform(http, await aiohttp_server(build_app(config, models=models)), config)


# --- A. two or three fields in one answer ---------------------------------------------------------

async def test_a01_unit_place_and_name_at_the_unit_question(platform, config):
    openid = "f29-a01"
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "宏达电子厂 在新塘镇 我叫王建国")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "宏达电子厂", (slots, reply)
    assert slots.get("jurisdiction") == "新塘镇" and slots.get("name") == "王建国", slots
    assert PHONE_Q in last_line(reply), reply


async def test_a02_name_phone_and_headcount_at_the_name_question(platform, config):
    openid = "f29-a02"
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, "李四 电话139 1234 5678 就我一个人")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("phone") == PHONE, (slots, reply)
    assert slots.get("headcount") == 1, slots
    assert WISH_Q in last_line(reply), reply


async def test_a03_place_and_phone_at_the_place_question(platform, config):
    openid = "f29-a03"
    await to_question(platform, openid, PLACE_Q)
    reply = await say(platform, openid, "新塘镇的 我电话13912345678")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇" and slots.get("phone") == PHONE, (slots, reply)
    assert NAME_Q in last_line(reply), reply


# --- B. an answer to a different question ---------------------------------------------------------

async def test_b01_a_phone_at_the_place_question_is_kept_and_the_place_asked_again(platform,
                                                                                   config):
    openid = "f29-b01"
    await to_question(platform, openid, PLACE_Q)
    reply = await say(platform, openid, "我电话是13912345678")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == PHONE and not slots.get("jurisdiction"), (slots, reply)
    assert PLACE_Q in reply and FALLBACK not in reply, reply


async def test_b02_a_wish_at_the_headcount_question_is_no_headcount(platform, config):
    openid = "f29-b02"
    await to_question(platform, openid, COUNT_Q)
    reply = await say(platform, openid, "我就想让公司把社保补上")
    slots = await slots_of(config, openid)
    assert not slots.get("headcount"), (slots, reply)
    assert slots.get("desired_outcome"), slots
    assert COUNT_Q in last_line(reply), reply


async def test_b03_a_headcount_at_the_wish_question_is_no_wish(platform, config):
    openid = "f29-b03"
    await to_question(platform, openid, WISH_Q)
    reply = await say(platform, openid, "我们一共三个人都没交")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 3 and not slots.get("desired_outcome"), (slots, reply)
    assert WISH_Q in last_line(reply), reply


# --- C. an earlier field corrected several turns later ----------------------------------------------

async def test_c01_unit_name_corrected_at_the_headcount_question(platform, config):
    openid = "f29-c01"
    await to_question(platform, openid, COUNT_Q)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, "刚才单位名字打错了 是广州宏达电子有限公司")
    after = await slots_of(config, openid)
    assert after.get("employer") == "广州宏达电子有限公司", (after, reply)
    assert not after.get("headcount"), after
    assert {**kept(before), "employer": "广州宏达电子有限公司"} == kept(after), (before, after)
    assert COUNT_Q in last_line(reply), reply


async def test_c02_name_corrected_at_the_wish_question(platform, config):
    openid = "f29-c02"
    await to_question(platform, openid, WISH_Q)
    reply = await say(platform, openid, "刚才名字打错了 是李思不是李四")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李思" and not slots.get("desired_outcome"), (slots, reply)
    assert WISH_Q in last_line(reply), reply


async def test_c03_place_corrected_at_the_extras_question(platform, config):
    openid = "f29-c03"
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "地方说错了 是永宁街道")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "永宁街道", (slots, reply)
    assert not slots.get("period") and not slots.get("amount"), slots


async def test_c04_unit_corrected_at_the_summary_with_the_boss_named(platform, config):
    openid = "f29-c04"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "单位名字打错了 应该是宏达电子厂 老板叫王强")
    employer = (await slots_of(config, openid)).get("employer") or ""
    assert employer.startswith("宏达电子厂") and "老板叫" not in employer, (employer, reply)
    assert SUMMARY in reply and not CASE_NO.search(reply), reply


# --- D. a change of mind about the problem type or the agency ---------------------------------------

async def test_d01_problem_type_changed_at_the_headcount_question(platform, config):
    """Rewritten after the first run: the blind version went on with finish_form straight
    away, whose 问题类型 cue also matches the reply's 问题类型已改为 line; the headcount is now
    answered first. The old code failed it for a real reason too: 单位 in the retold story was
    read as a correction of the unit, which was erased and asked again."""
    openid = "f29-d01"
    reply = await to_question(platform, openid, COUNT_Q)
    reply = await say(platform, openid, "我搞错了 不是没交 是单位把我工资基数报低了")
    assert "基数" in reply and COUNT_Q in last_line(reply), reply
    assert (await slots_of(config, openid)).get("employer") == "广州宏达电子厂", reply
    reply = await finish_form(platform, openid, await say(platform, openid, "1"), ANSWERS)
    assert "基数" in line_of(reply, "问题类型"), reply
    assert "李四" in reply, reply
    assert CASE_NO.search(await say(platform, openid, "确认"))
    [case] = await cases_of(config, openid)
    assert case.category == "contribution_base" and case.phone == PHONE, case


async def test_d02_problem_type_changed_at_the_summary(platform, config):
    openid = "f29-d02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "问题类型改成缴费基数不对")
    reply = await finish_form(platform, openid, reply, {**ANSWERS, "问题类型": "缴费基数"})
    assert "基数" in line_of(reply, "问题类型") and "李四" in reply, reply
    assert CASE_NO.search(await say(platform, openid, "确认"))
    [case] = await cases_of(config, openid)
    assert case.category == "contribution_base", case


@pytest.mark.parametrize("answer", ["我想找税务局 不找人社局", "还是交给医保局那边吧"])
async def test_d03_another_agency_keeps_the_form_and_every_answer(platform, config, answer):
    openid = oid("d03", answer)
    await to_question(platform, openid, NAME_Q)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, answer)
    after = await slots_of(config, openid)
    assert await form_of(config, openid) and not after.get("name"), (after, reply)
    assert kept(after) == kept(before) and FALLBACK not in reply, reply
    assert NAME_Q in last_line(reply), reply


# --- E. hesitations ---------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["等一下 我问问我老公", "稍等 我找下合同", "我看看啊",
                                    "等会 我去问下我儿子"])
async def test_e01_a_hesitation_at_the_phone_question_loses_nothing(platform, config, answer):
    openid = oid("e01", answer)
    await to_question(platform, openid, PHONE_Q)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, answer)
    after = await slots_of(config, openid)
    assert not after.get("phone") and kept(after) == kept(before), (after, reply)
    assert FALLBACK not in reply and "号码好像不对" not in reply, reply
    reply = await say(platform, openid, PHONE)
    assert (await slots_of(config, openid)).get("phone") == PHONE, reply
    assert COUNT_Q in reply, reply


async def test_e02_a_hesitation_at_the_unit_question_then_what_the_husband_said(platform, config):
    openid = "f29-e02"
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "等一下 我问问我老公")
    assert not (await slots_of(config, openid)).get("employer"), reply
    assert FALLBACK not in reply, reply
    reply = await say(platform, openid, "他说是宏达电子厂")
    assert (await slots_of(config, openid)).get("employer") == "宏达电子厂", reply
    assert PLACE_Q in reply, reply


# --- F. a server restart in the middle --------------------------------------------------------------

async def test_f01_restart_at_the_headcount_question(platform, config, aiohttp_server, http,
                                                     models):
    openid = "f29-f01"
    await to_question(platform, openid, COUNT_Q)
    before = await slots_of(config, openid)
    again = await restarted(aiohttp_server, http, config, models)
    reply = await say(again, openid, "2个")
    after = await slots_of(config, openid)
    assert after.get("headcount") == 2 and kept(after) == {**kept(before), "headcount": 2}, after
    assert WISH_Q in reply, reply


async def test_f02_hesitation_restart_then_back(platform, config, aiohttp_server, http, models):
    openid = "f29-f02"
    await to_question(platform, openid, NAME_Q)
    before = await slots_of(config, openid)
    await say(platform, openid, "等一下 我问问我老公")
    again = await restarted(aiohttp_server, http, config, models)
    reply = await say(again, openid, "我回来了")
    assert NAME_Q in reply, reply
    assert kept(await slots_of(config, openid)) == kept(before)


async def test_f03_restart_at_the_summary_then_a_correction_and_yes(platform, config,
                                                                    aiohttp_server, http, models):
    openid = "f29-f03"
    await to_summary(platform, openid)
    again = await restarted(aiohttp_server, http, config, models)
    reply = await say(again, openid, "不对 电话错了 是13700001111")
    assert SUMMARY in reply and not CASE_NO.search(reply), reply
    assert CASE_NO.search(await say(again, openid, "嗯嗯提交吧"))
    [case] = await cases_of(config, openid)
    assert case.phone == "13700001111" and case.name == "李四", case


# --- G. phone and ID numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["139 1234 5678", "１３９１２３４５６７８", "139-1234-5678",
                                    "+86 139 1234 5678", "13912345678。", "１３９ １２３４ ５６７８"])
async def test_g01_a_phone_as_typed(platform, config, answer):
    openid = oid("g01", answer)
    await to_question(platform, openid, PHONE_Q)
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("phone") == PHONE, reply
    assert COUNT_Q in reply, reply


@pytest.mark.parametrize("answer", ["1391234567", "139123456789", "139 1234 567"])
async def test_g02_a_phone_of_the_wrong_length_is_asked_again_helpfully(platform, config, answer):
    openid = oid("g02", answer)
    await to_question(platform, openid, PHONE_Q)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, answer)
    after = await slots_of(config, openid)
    assert not after.get("phone") and kept(after) == kept(before), (after, reply)
    assert "11位" in reply or "位数" in reply, reply
    assert COUNT_Q not in reply and FALLBACK not in reply, reply


async def test_g03_an_id_number_with_the_name_is_not_echoed(platform, config):
    openid = "f29-g03"
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, "李四 身份证44011119900101123X")
    assert (await slots_of(config, openid)).get("name") == "李四", reply
    assert "44011119900101123X" not in reply and "19900101" not in reply, reply
    assert PHONE_Q in reply, reply


async def test_g04_an_id_number_at_the_phone_question_is_no_phone(platform, config):
    openid = "f29-g04"
    await to_question(platform, openid, PHONE_Q)
    reply = await say(platform, openid, "440111 19900101 123X")
    slots = await slots_of(config, openid)
    assert not slots.get("phone"), (slots, reply)
    assert "19900101" not in reply and PHONE_Q in reply, reply
    assert "身份证" in reply, reply


# --- H. dates as people say them --------------------------------------------------------------------

@pytest.mark.parametrize("answer,starts", [
    ("19年到21年", ("2019/2021", "2019-01/2021-12")),
    ("上上个月", (month_back(2),)),
    ("上个月开始就没交了", (f"{month_back(1)}/..",)),
    ("前年十月到去年三月", (f"{THIS_YEAR - 2}-10/{THIS_YEAR - 1}-03",)),
    ("20年5月份到现在", ("2020-05",)),
    ("去年腊月", (f"{THIS_YEAR - 1}-12", f"{THIS_YEAR}-01", f"{THIS_YEAR}-02")),
    ("二零二一年底到现在", ("2021-12",)),
])
async def test_h01_periods_as_said(platform, config, answer, starts):
    openid = oid("h01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert (slots.get("period") or "").startswith(starts), (slots, reply)
    assert slots.get("amount") is None, slots
    assert SUMMARY in reply, reply


# --- I. amounts in mixed forms ----------------------------------------------------------------------

@pytest.mark.parametrize("answer,amount", [
    ("三千二", 3200), ("3k", 3000), ("两万出头", 20000), ("1.5万", 15000), ("3千5", 3500),
    ("2w左右", 20000), ("一共欠了四千五百块", 4500),
])
async def test_i01_amounts_as_typed(platform, config, answer, amount):
    openid = oid("i01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("amount") == amount and slots.get("period") is None, (slots, reply)
    assert SUMMARY in reply, reply


async def test_i02_a_period_and_a_mixed_amount_together(platform, config):
    openid = "f29-i02"
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "19年到21年 大概欠了两万出头")
    slots = await slots_of(config, openid)
    assert slots.get("period") in {"2019/2021", "2019-01/2021-12"}, (slots, reply)
    assert slots.get("amount") == 20000, slots


# --- J. units by abbreviation or with the boss's name -----------------------------------------------

@pytest.mark.parametrize("answer,employer", [
    ("宏达电子厂（老板王强）", "宏达电子厂"),
    ("王强开的那个厂 叫宏达电子", "宏达电子"),
    ("宏达电子厂 老板姓王", "宏达电子厂"),
])
async def test_j01_the_unit_with_the_boss_named(platform, config, answer, employer):
    openid = oid("j01", answer)
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, answer)
    got = (await slots_of(config, openid)).get("employer") or ""
    assert got.startswith(employer) and "老板" not in got and "开的" not in got, (got, reply)
    assert PLACE_Q in reply, reply


async def test_j02_only_the_boss_name_asks_for_the_unit_helpfully(platform, config):
    openid = "f29-j02"
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "厂名我不知道 老板叫王强")
    got = (await slots_of(config, openid)).get("employer") or ""
    assert "不知道" not in got and "老板叫" not in got, (got, reply)
    assert FALLBACK not in reply, reply


async def test_j03_an_abbreviation_is_taken_as_said(platform, config):
    openid = "f29-j03"
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "宏达")
    assert (await slots_of(config, openid)).get("employer") == "宏达", reply
    assert PLACE_Q in reply, reply


# --- K. cancelling then starting again --------------------------------------------------------------

async def test_k01_cancel_confirmed_then_a_new_filing_starts_clean(platform, config):
    openid = "f29-k01"
    await to_question(platform, openid, COUNT_Q)
    assert "确定要取消" in await say(platform, openid, "取消")
    await say(platform, openid, "确定")
    reply = await say(platform, openid, "我还是要登记 厂里一直没给我交社保")
    assert EMPLOYER_Q in reply and "李四" not in reply, reply
    slots = await slots_of(config, openid)
    assert not slots.get("name") and not slots.get("phone"), slots


async def test_k02_cancel_taken_back_keeps_everything(platform, config):
    openid = "f29-k02"
    await to_question(platform, openid, COUNT_Q)
    before = await slots_of(config, openid)
    assert "确定要取消" in await say(platform, openid, "不弄了")
    reply = await say(platform, openid, "不取消了 继续吧")
    assert COUNT_Q in reply, reply
    assert kept(await slots_of(config, openid)) == kept(before)


# --- L. the summary answered colloquially -----------------------------------------------------------

@pytest.mark.parametrize("answer", ["对的没问题", "嗯嗯提交吧", "没错 提交", "可以的", "好的就这样",
                                    "对对对", "没问题了 交吧"])
async def test_l01_yes_in_colloquial_forms_submits(platform, config, answer):
    openid = oid("l01", answer)
    await to_summary(platform, openid)
    done = await say(platform, openid, answer)
    assert CASE_NO.search(done), done
    assert len(await cases_of(config, openid)) == 1


async def test_l02_no_the_phone_is_wrong_asks_for_the_phone(platform, config):
    openid = "f29-l02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "不对 电话错了")
    assert PHONE_Q in reply and not CASE_NO.search(reply), reply
    assert await cases_of(config, openid) == []
    reply = await say(platform, openid, "137 0000 1111")
    assert SUMMARY in reply and "137****1111" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("employer") == "广州宏达电子厂", slots


async def test_l03_a_bare_no_asks_what_to_change(platform, config):
    openid = "f29-l03"
    await to_summary(platform, openid)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, "不对")
    assert not CASE_NO.search(reply) and FALLBACK not in reply, reply
    assert "修改" in reply or "哪" in reply, reply
    assert kept(await slots_of(config, openid)) == kept(before)


# --- M. more of the same, seen on phones ------------------------------------------------------------

async def test_m01_an_id_number_alone_at_the_name_question_is_no_name(platform, config):
    openid = "f29-m01"
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, "44011119900101123X")
    assert not (await slots_of(config, openid)).get("name"), reply
    assert NAME_Q in last_line(reply) and "19900101" not in reply, reply


async def test_m02_a_hesitation_at_the_summary_submits_nothing_and_keeps_it(platform, config):
    openid = "f29-m02"
    await to_summary(platform, openid)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, "等一下 我问问我老公")
    assert not CASE_NO.search(reply) and await cases_of(config, openid) == [], reply
    assert "确定要取消" not in reply and FALLBACK not in reply, reply
    assert kept(await slots_of(config, openid)) == kept(before)
    done = await say(platform, openid, "他说没问题 提交吧")
    assert CASE_NO.search(done), done


async def test_m03_cancel_pending_across_a_restart_then_taken_back(platform, config,
                                                                 aiohttp_server, http, models):
    openid = "f29-m03"
    await to_question(platform, openid, COUNT_Q)
    before = await slots_of(config, openid)
    assert "确定要取消" in await say(platform, openid, "取消")
    again = await restarted(aiohttp_server, http, config, models)
    reply = await say(again, openid, "不取消")
    assert COUNT_Q in reply, reply
    assert kept(await slots_of(config, openid)) == kept(before)


async def test_m04_a_lunar_month_range(platform, config):
    openid = "f29-m04"
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "前年腊月到去年正月")
    period = (await slots_of(config, openid)).get("period")
    assert period == f"{THIS_YEAR - 2}-12/{THIS_YEAR - 1}-01", (period, reply)


async def test_m05_phone_in_full_width_corrected_at_the_summary(platform, config):
    openid = "f29-m05"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "电话改成１３７ ０００ ０１１１１")
    assert (await slots_of(config, openid)).get("phone") == "13700001111", reply
    assert SUMMARY in reply and "137****1111" in reply, reply


async def test_m06_an_amount_per_month_for_half_a_year(platform, config):
    openid = "f29-m06"
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "一个月八百多 欠了半年")
    slots = await slots_of(config, openid)
    assert slots.get("period") == "P6M", (slots, reply)
    assert "800" in line_of(reply, "金额") or "八百" in line_of(reply, "金额"), reply
