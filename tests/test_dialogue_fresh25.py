"""Blind round 25: payers filing in the multi-turn form with colloquial, messy phone answers.
Payers who only want to pay pension or medical insurance themselves (and are filing nothing),
months said as people say them (十一 the National Day holiday vs 十一月, 春节后, 五一那会儿, 端午,
年后, 大前年, 上上个月) without a month invented where none was said, the story retold at the
summary with another town or unit (which must replace the old one in the description too),
brand names as the unit (美团, 顺丰, 饿了么, 海底捞, 富士康) and units with typos, changing one's
mind mid-form, answers in the wrong slot, emoji, and voice-to-text run-ons without punctuation.
Written before reading the handlers; each conversation goes through the real encrypted gateway."""
from __future__ import annotations

import datetime
import re
import zlib

import pytest

from bot.store.models import Case, DialogueState
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_dialogue_fresh18 import last_line
from tests.test_dialogue_robustness import ask_until, slots_of, to_question, to_summary

TODAY = datetime.date.today()
THIS_YEAR = TODAY.year
SUMMARY = "请核对登记内容"
EMPLOYER_Q = "涉及的单位"
PLACE_Q = "哪个区"
NAME_Q = "称呼"
PHONE_Q = "电话"
EXTRAS_Q = "时间段或金额"
FORM_CUES = ("我来帮您登记", EMPLOYER_Q, PLACE_Q, NAME_Q, "问题类型", SUMMARY, "几个人")


def oid(prefix: str, message: str) -> str:
    return f"f25-{prefix}-{zlib.crc32(message.encode())}"


def last_seen(month: int) -> int:
    """The year of the latest such month up to today, as a payer means a bare month."""
    return THIS_YEAR if month <= TODAY.month else THIS_YEAR - 1


def months_back(n: int) -> str:
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - n, 12)
    return f"{year}-{month + 1:02d}"


async def cases_of(config, openid: str) -> list[Case]:
    return await fetch(config.database_url, Case, openid=openid)


async def form_of(config, openid: str) -> str | None:
    states = await fetch(config.database_url, DialogueState, openid=openid)
    return states[0].form if states else None


def asks_unit(reply: str) -> bool:
    return EMPLOYER_Q in reply or "全称" in reply


# --- A. paying by oneself: a question, not a filing -------------------------------------------

@pytest.mark.parametrize("message", [
    "俺在家带娃没上班 想自己交个养老",
    "我想问下自己能不能交医保",
    "没单位了 想自己交社保咋弄",
    "我是打零工的 想自己买个养老保险",
    "辞职了 医保想自己接着交 怎么弄",
    "个体户自己交养老去哪交啊",
])
async def test_a01_paying_by_oneself_starts_no_filing(platform, config, message):
    openid = oid("a01", message)
    reply = await say(platform, openid, message)
    for cue in FORM_CUES:
        assert cue not in reply, reply
    assert not await form_of(config, openid), reply
    assert "灵活就业" in reply or "个人" in reply or "自己" in reply, reply
    assert "没太明白" not in reply, reply


# --- B. months and periods said as people say them ---------------------------------------------

@pytest.mark.parametrize("answer,starts", [
    ("十一之后就没交了", (f"{last_seen(10)}-10",)),
    ("十一以后", (f"{last_seen(10)}-10",)),
    ("去年十一以后就断了", (f"{THIS_YEAR - 1}-10",)),
    ("十一放假回来就没给交了", (f"{last_seen(10)}-10",)),
    ("十一月份开始没交", (f"{last_seen(11)}-11",)),
    ("去年十一月到现在", (f"{THIS_YEAR - 1}-11",)),
    ("五一那会儿开始没交的", (f"{last_seen(5)}-04", f"{last_seen(5)}-05")),
    ("端午以后就没交了", (f"{last_seen(6)}-05", f"{last_seen(6)}-06")),
    ("去年中秋前后开始", (f"{THIS_YEAR - 1}-09", f"{THIS_YEAR - 1}-10")),
    ("春节后就没交了", tuple(f"{last_seen(3)}-0{m}" for m in (1, 2, 3))),
    ("大前年就开始没交了", (f"{THIS_YEAR - 3}",)),
    ("上上个月开始", (months_back(2),)),
    ("去年下半年", (f"{THIS_YEAR - 1}-07",)),
])
async def test_b01_colloquial_period_starts_where_said(platform, config, answer, starts):
    openid = oid("b01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert (slots.get("period") or "").startswith(starts), (slots.get("period"), reply)
    assert SUMMARY in reply, reply


@pytest.mark.parametrize("answer,period", [
    ("去年十一月到今年三月", f"{THIS_YEAR - 1}-11/{THIS_YEAR}-03"),
    ("前年一整年都没交", f"{THIS_YEAR - 2}"),
    ("今年上半年", f"{THIS_YEAR}-01/{THIS_YEAR}-06"),
])
async def test_b02_colloquial_period_with_its_end(platform, config, answer, period):
    openid = oid("b02", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    got = (await slots_of(config, openid)).get("period") or ""
    accepted = {period}
    if "/" not in period:
        accepted |= {f"{period}/{period}", f"{period}-01/{period}-12"}
    assert got in accepted, (got, reply)
    assert SUMMARY in reply, reply


@pytest.mark.parametrize("answer", [
    "有一段时间了 记不清了", "好几年了", "年前就开始没交了", "很久了",
])
async def test_b03_no_month_said_none_invented(platform, config, answer):
    openid = oid("b03", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    period = (await slots_of(config, openid)).get("period") or ""
    assert not re.match(r"\d{4}-\d{2}", period) or period.startswith(f"{THIS_YEAR - 1}-12"), (
        period, reply)
    assert SUMMARY in reply, reply


# --- C. the story retold at the summary with another place or unit -----------------------------

FIRST = "我在新塘镇宏达电子厂上班 厂里一直没给我交社保"


@pytest.mark.parametrize("again", [
    "我在石滩镇宏达电子厂上班 厂里一直没给我交社保",
    "不对不对 我是在石滩镇的宏达电子厂上班 厂里一直没给我交社保",
    "说错了 是石滩镇宏达电子厂 一直没给我交社保",
])
async def test_c01_new_place_replaces_the_old_one_everywhere(platform, config, again):
    openid = oid("c01", again)
    await to_summary(platform, openid, first=FIRST)
    reply = await say(platform, openid, again)
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "石滩镇", (slots, reply)
    assert "新塘" not in (slots.get("description") or ""), slots
    assert "新塘" not in reply and SUMMARY in reply, reply
    reply = await say(platform, openid, "确认")
    assert CASE_NO.search(reply), reply
    [case] = await cases_of(config, openid)
    assert case.jurisdiction == "石滩镇" and "新塘" not in case.description, case.description


async def test_c02_new_unit_replaces_the_old_one_in_the_description(platform, config):
    openid = "f25-c02"
    await to_summary(platform, openid, first=FIRST)
    reply = await say(platform, openid, "我在新塘镇金盛五金厂上班 厂里一直没给我交社保")
    slots = await slots_of(config, openid)
    assert "金盛五金厂" in slots.get("employer") and "宏达" not in slots["employer"], slots
    assert "宏达" not in (slots.get("description") or ""), slots
    assert "宏达" not in reply, reply


# --- D. brand and shop names as the unit; units with typos ------------------------------------

@pytest.mark.parametrize("answer,brand", [
    ("在美团送外卖", "美团"),
    ("给顺丰跑件", "顺丰"),
    ("饿了么骑手", "饿了么"),
    ("在海底捞上班", "海底捞"),
    ("富士康", "富士康"),
    ("在京东物流当分拣员", "京东物流"),
    ("我在蜜雪冰城打工", "蜜雪冰城"),
])
async def test_d01_brand_as_the_unit(platform, config, answer, brand):
    openid = oid("d01", answer)
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, answer)
    employer = (await slots_of(config, openid)).get("employer") or ""
    assert brand in employer, (employer, reply)
    for extra in ("在", "给", "送外卖", "跑件", "骑手", "上班", "打工", "当"):
        assert extra not in employer.replace(brand, ""), employer
    assert not asks_unit(last_line(reply)), reply


@pytest.mark.parametrize("story,brand", [
    ("我在海底捞上班 一直没给我交社保", "海底捞"),
    ("我是美团骑手 站点从来没给我买社保", "美团"),
    ("在富士康干了两年 社保一直没交", "富士康"),
])
async def test_d02_brand_in_the_first_story(platform, config, story, brand):
    openid = oid("d02", story)
    reply = await say(platform, openid, story)
    employer = (await slots_of(config, openid)).get("employer") or ""
    assert brand in employer and len(employer) <= len(brand) + 6, (employer, reply)


@pytest.mark.parametrize("answer,core", [
    ("宏达电子场", "宏达电子"),
    ("金盛五金厂有现公司", "金盛五金"),
    ("广洲宏达电子厂", "宏达电子厂"),
])
async def test_d03_unit_with_a_typo_is_taken(platform, config, answer, core):
    openid = oid("d03", answer)
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, answer)
    employer = (await slots_of(config, openid)).get("employer") or ""
    assert core in employer, (employer, reply)
    assert not asks_unit(last_line(reply)), reply


# --- E. changing one's mind mid-form -----------------------------------------------------------

@pytest.mark.parametrize("stop,go_on", [
    ("不搞了", "等下 还是搞吧"),
    ("算了 不想弄了", "还是继续吧"),
    ("算了算了不弄了", "我想了想还是弄吧"),
])
async def test_e01_never_mind_then_go_on_keeps_the_form(platform, config, stop, go_on):
    openid = oid("e01", stop + go_on)
    await to_question(platform, openid, PLACE_Q)
    assert "确定要取消" in await say(platform, openid, stop)
    reply = await say(platform, openid, go_on)
    assert PLACE_Q in reply and "确定要取消" not in reply, reply
    assert (await slots_of(config, openid))["employer"] == "广州宏达电子厂"


async def test_e02_never_mind_at_the_summary_then_submit(platform, config):
    openid = "f25-e02"
    await to_summary(platform, openid)
    await say(platform, openid, "算了不弄了")
    reply = await say(platform, openid, "不不不 还是提交吧")
    assert "已删除" not in reply and "已取消" not in reply, reply
    if not CASE_NO.search(reply):
        reply = await say(platform, openid, "确认")
    assert CASE_NO.search(reply), reply
    assert len(await cases_of(config, openid)) == 1


# --- F. answers in the wrong slot --------------------------------------------------------------

async def test_f01_phone_at_the_name_question(platform, config):
    openid = "f25-f01"
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, "13912345678")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13912345678" and not slots.get("name"), (slots, reply)
    assert NAME_Q in last_line(reply), reply


async def test_f02_town_at_the_unit_question(platform, config):
    openid = "f25-f02"
    reply = await say(platform, openid, "厂里一直没给我交社保")
    reply = await ask_until(platform, openid, reply, EMPLOYER_Q)
    reply = await say(platform, openid, "石滩镇")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "石滩镇" and not slots.get("employer"), (slots, reply)
    assert asks_unit(reply), reply


async def test_f03_name_and_phone_in_one_go_at_the_name_question(platform, config):
    openid = "f25-f03"
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, "王芳 手机13812345678")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王芳" and slots.get("phone") == "13812345678", (slots, reply)


# --- G. emoji --------------------------------------------------------------------------------

@pytest.mark.parametrize("cue,answer,slot,value", [
    (EMPLOYER_Q, "宏达电子厂👍", "employer", "宏达电子厂"),
    (PLACE_Q, "新塘镇😭😭", "jurisdiction", "新塘镇"),
    (NAME_Q, "李四🙏", "name", "李四"),
    (NAME_Q, "[捂脸]我叫陈红", "name", "陈红"),
])
async def test_g01_emoji_are_dropped_from_answers(platform, config, cue, answer, slot, value):
    openid = oid("g01", answer)
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    got = (await slots_of(config, openid)).get(slot) or ""
    assert got == value, (got, reply)


async def test_g02_confirm_with_an_emoji_submits(platform, config):
    openid = "f25-g02"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "确认👌")
    assert CASE_NO.search(reply), reply


# --- H. voice-to-text run-ons ------------------------------------------------------------------

async def test_h01_run_on_story_fills_the_form(platform, config):
    openid = "f25-h01"
    reply = await say(platform, openid, "我是在新塘镇那个宏达电子厂上班的然后他们从去年三月份开始就"
                                        "一直没给我交社保我叫李四电话是13912345678")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "宏达电子厂", (slots, reply)
    assert slots.get("jurisdiction") == "新塘镇", slots
    assert slots.get("name") == "李四" and slots.get("phone") == "13912345678", slots
    assert (slots.get("period") or "").startswith(f"{THIS_YEAR - 1}-03"), slots


async def test_h02_run_on_unit_answer(platform, config):
    openid = "f25-h02"
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "就是那个叫金盛五金厂的嗯在石滩那边")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "金盛五金厂", (slots, reply)
    assert slots.get("jurisdiction") in (None, "石滩镇"), slots


async def test_h03_run_on_name_answer(platform, config):
    openid = "f25-h03"
    await to_question(platform, openid, NAME_Q)
    reply = await say(platform, openid, "嗯我姓张叫张伟就叫我张伟吧")
    assert (await slots_of(config, openid)).get("name") == "张伟", reply
