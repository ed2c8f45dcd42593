"""Blind round 24: payers who name the unit by its shop sign or its address (门口写着XX超市,
就在XX路那个厂) or only generically (快递公司, 一家工厂, 私人老板), lead words before the unit
(另外, 还有, 对了), amounts in 万/千/块 with typos, periods told as seasons or festivals (过完年到现在,
去年国庆之后), payers who do not know their town (就在县城, 离新塘很近), yes/no summary questions
answered with a question back (这样就可以了吗？), and the whole story sent again at the summary with
one fact changed. Written before reading the handlers; each conversation goes through the real
encrypted gateway."""
from __future__ import annotations

import datetime
import zlib

import pytest

from bot.store.models import Case
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_dialogue_fresh18 import last_line
from tests.test_dialogue_robustness import ask_until, slots_of, to_question, to_summary

THIS_YEAR = datetime.date.today().year
SUMMARY = "请核对登记内容"
EMPLOYER_Q = "涉及的单位"
PLACE_Q = "哪个区"
NAME_Q = "称呼"
EXTRAS_Q = "时间段或金额"
PLACE_MENU = "13. 仙村镇"


def oid(prefix: str, message: str) -> str:
    return f"f24-{prefix}-{zlib.crc32(message.encode())}"


async def cases_of(config, openid: str) -> list[Case]:
    return await fetch(config.database_url, Case, openid=openid)


def asks_unit(reply: str) -> bool:
    return EMPLOYER_Q in reply or "全称" in reply


# --- A. the unit as a shop sign or an address ----------------------------------------------------

@pytest.mark.parametrize("message,unit", [
    ("门口写着好又多超市", "好又多超市"),
    ("门口招牌上写的是“旺佳便利店”", "旺佳便利店"),
    ("就在荔新路那个厂 叫宏达五金厂", "宏达五金厂"),
    ("牌子上写着金鹏物流", "金鹏物流"),
    ("不知道全称 门口写着永兴汽修", "永兴汽修"),
    ("店门口写着华联超市新塘店", "华联超市新塘店"),
])
async def test_a01_unit_given_by_its_sign(platform, config, message, unit):
    openid = oid("a01", message)
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == unit, (slots, reply)
    assert not asks_unit(last_line(reply)), reply


@pytest.mark.parametrize("message", [
    "就在荔新路那个厂", "那个厂", "私人老板", "一家工厂", "某某公司",
])
async def test_a02_unit_only_generic_or_an_address_is_asked_again(platform, config, message):
    openid = oid("a02", message)
    await to_question(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert not slots.get("employer"), (slots, reply)
    assert asks_unit(reply), reply


@pytest.mark.parametrize("story", [
    "我在快递公司送件 公司一直没给我交社保",
    "在快递公司干了一年多 社保一分没交",
    "在一家工厂做了两年 老板没给买社保",
    "给私人老板打工 社保从来没交过",
    "那个厂一直不给我们交社保",
])
async def test_a03_a_generic_unit_in_the_story_is_no_employer(platform, config, story):
    openid = oid("a03", story)
    reply = await say(platform, openid, story)
    slots = await slots_of(config, openid)
    assert slots.get("employer") in (None, ""), (slots, reply)
    reply = await ask_until(platform, openid, reply, "单位")
    assert asks_unit(reply), reply


@pytest.mark.parametrize("name,stored", [("宏达", "宏达"), ("金盛", "金盛")])
async def test_a04_a_short_name_after_a_delivery_story_gets_no_trade(platform, config, name, stored):
    openid = oid("a04", name)
    reply = await say(platform, openid, "我在快递公司送件 公司一直没给我交社保")
    reply = await ask_until(platform, openid, reply, "单位")
    reply = await say(platform, openid, name)
    if asks_unit(last_line(reply)):
        reply = await say(platform, openid, name)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == stored, (slots, reply)


@pytest.mark.parametrize("message", [
    "另外新塘镇宏达电子厂给我也没交社保",
    "还有宏达电子厂也欠了我社保",
    "对了 宏达电子厂没给我交社保",
    "然后宏达电子厂一直没交社保",
])
async def test_a05_lead_words_are_not_in_the_unit(platform, config, message):
    openid = oid("a05", message)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    employer = slots.get("employer") or ""
    assert employer.endswith("宏达电子厂"), (slots, reply)
    for lead in ("另外", "还有", "对了", "然后"):
        assert lead not in employer, slots


# --- B. amounts in 万/千/块 with typos -------------------------------------------------------------

@pytest.mark.parametrize("answer,amount", [
    ("大概一万二左右", 12000),
    ("三千快", 3000),
    ("差不多两千伍百块", 2500),
    ("1万5千多", 15000),
    ("八百决", 800),
    ("大概欠了2千块钱吧", 2000),
])
async def test_b01_amounts_with_typos(platform, config, answer, amount):
    openid = oid("b01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("amount") == amount, (slots, reply)
    assert SUMMARY in reply, reply


# --- C. periods told as seasons or festivals -------------------------------------------------------

@pytest.mark.parametrize("answer,starts", [
    ("过完年到现在", (f"{THIS_YEAR}-01", f"{THIS_YEAR}-02", f"{THIS_YEAR}-03")),
    ("去年国庆之后", (f"{THIS_YEAR - 1}-10",)),
    ("今年五一以后就没交了", (f"{THIS_YEAR}-05",)),
    ("从去年中秋开始", (f"{THIS_YEAR - 1}-09", f"{THIS_YEAR - 1}-10")),
    ("去年暑假以后", (f"{THIS_YEAR - 1}-07", f"{THIS_YEAR - 1}-08")),
    ("从去年元旦到现在", (f"{THIS_YEAR - 1}-01",)),
    ("今年春节后", (f"{THIS_YEAR}-01", f"{THIS_YEAR}-02", f"{THIS_YEAR}-03")),
])
async def test_c01_period_from_a_festival_or_season(platform, config, answer, starts):
    openid = oid("c01", answer)
    await to_question(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert (slots.get("period") or "").startswith(starts), (slots, reply)
    assert SUMMARY in reply, reply


# --- D. payers who do not know their town -------------------------------------------------------

@pytest.mark.parametrize("message", ["就在县城", "不清楚 离新塘很近", "我也不知道是哪个镇 就在城里"])
async def test_d01_unknown_town_gets_the_menu(platform, config, message):
    openid = oid("d01", message)
    await to_question(platform, openid, PLACE_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert not slots.get("jurisdiction"), (slots, reply)
    assert PLACE_MENU in reply, reply
    assert "没找到" not in reply, reply


# --- E. a question back at the summary ------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "这样就可以了吗？", "这样就行了吗", "是不是这样就好了？", "就这样吗", "提交了就可以了吗",
])
async def test_e01_a_question_back_at_the_summary_submits_nothing(platform, config, message):
    openid = oid("e01", message)
    await to_summary(platform, openid)
    reply = await say(platform, openid, message)
    assert not CASE_NO.search(reply), reply
    assert not await cases_of(config, openid), reply
    assert "确认" in reply, reply


async def test_e02_after_the_question_back_a_confirm_submits_once(platform, config):
    openid = "f24-e02"
    await to_summary(platform, openid)
    await say(platform, openid, "这样就可以了吗？")
    reply = await say(platform, openid, "确认")
    assert CASE_NO.search(reply), reply
    assert len(await cases_of(config, openid)) == 1


# --- F. the whole story again at the summary with one fact changed -----------------------------

STORY = "宏达电子厂没给我交社保 在新塘镇 我叫李四 电话13912345678"


@pytest.mark.parametrize("again,slot,value", [
    ("宏达电子厂没给我交社保 在石滩镇 我叫李四 电话13912345678", "jurisdiction", "石滩镇"),
    ("宏达电子厂没给我交社保 在新塘镇 我叫李四 电话13812345678", "phone", "13812345678"),
    ("金盛五金厂没给我交社保 在新塘镇 我叫李四 电话13912345678", "employer", "金盛五金厂"),
    ("宏达电子厂没给我交社保 在新塘镇 我叫王五 电话13912345678", "name", "王五"),
])
async def test_f01_story_again_with_one_fact_changed(platform, config, again, slot, value):
    openid = oid("f01", again)
    await to_summary(platform, openid, first=STORY)
    reply = await say(platform, openid, again)
    slots = await slots_of(config, openid)
    assert slots.get(slot) == value, (slots, reply)
    assert not CASE_NO.search(reply), reply
    assert not await cases_of(config, openid), reply
    assert SUMMARY in reply, reply


# --- G. 石潭 dictated for 石滩 -----------------------------------------------------------------

@pytest.mark.parametrize("said", ["石潭镇", "石潭"])
async def test_g01_shitan_misheard(platform, config, said):
    openid = oid("g01", said)
    await to_question(platform, openid, PLACE_Q)
    reply = await say(platform, openid, said)
    assert (await slots_of(config, openid)).get("jurisdiction") == "石滩镇", reply
