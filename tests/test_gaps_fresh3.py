"""Four payer-side gaps found and left by round 18, each with colloquial variants, through the
gateway: "近度" (进度 mistyped) at the name question stored as the name, the unit's name said
after "对" ("叫啥来着 宏达 对 宏达电子") losing to the first guess, a total of years paid ("交了15
年了 系统显示只有12年") stored as the dispute's period, and a new mobile typed at the headcount
question dropped without a word."""
from __future__ import annotations

import zlib

import pytest

from bot.store.models import Case
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_robustness import slots_of, to_question


def oid(prefix: str, message: str) -> str:
    return f"g3-{prefix}-{zlib.crc32(message.encode())}"


async def file_case(platform, openid: str) -> str:
    reply = await say(platform, openid, "公司一直没给我交社保")
    await finish_form(platform, openid, reply, ANSWERS)
    return CASE_NO.search(await say(platform, openid, "确认")).group()


# --- 1. a mistyped 进度 at the name question is a progress check, not the name -------------

@pytest.mark.parametrize("message", ["近度", "近度？", "近度呢", "查下近度", "进读", "近度啊"])
async def test_a_mistyped_progress_check_at_the_name_question_is_no_name(platform, config,
                                                                         message):
    openid = oid("name", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "我在荔城街道的宏图公司，他们多扣了我的医保费，要求退还")
    for _ in range(4):
        if "称呼" in reply:
            break
        reply = await say(platform, openid, next(a for c, a in ANSWERS.items() if c in reply))
    assert "称呼" in reply, reply
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("name") in (None, "李四"), slots
    assert case_no in reply and "称呼" in reply, reply


# --- 2. the unit's name said after "对" wins ------------------------------------------------

@pytest.mark.parametrize("answer,employer", [
    ("叫啥来着 宏达 对 宏达电子", "宏达电子"),
    ("叫什么来着 宏达 对 宏达电子", "宏达电子"),
    ("叫啥来着，宏图，对，宏图科技", "宏图科技"),
    ("那个叫啥 利民 对对 利民制衣厂", "利民制衣厂"),
    ("叫啥来着 金源 对了 金源鞋业", "金源鞋业"),
    ("想不起来了 宏达 哦对 宏达电子", "宏达电子"),
])
async def test_the_name_said_after_dui_is_the_employer(platform, config, answer, employer):
    openid = oid("employer", answer)
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == employer, (slots, reply)


# --- 3. a total of years paid is no period --------------------------------------------------

@pytest.mark.parametrize("message,total", [
    ("交了15年了 系统显示只有12年", "15年"),
    ("我社保交了15年了，系统显示只有12年", "15年"),
    ("社保都缴了十五年了 查出来只有十二年", "十五年"),
    ("养老保险交了20年 系统里才18年", "20年"),
    ("我交了十几年社保了 网上查只有8年", "十几年"),
    ("累计交了16年 系统只显示13年", "16年"),
])
async def test_a_total_of_years_paid_is_not_stored_as_the_period(platform, config, message,
                                                                 total):
    openid = oid("total", message)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("period") is None and not slots.get("period_said"), slots
    assert total in slots.get("description", ""), slots
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert "时长：" not in summary, summary
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert not case.period and total in case.description, (case.period, case.description)


# --- 4. a new mobile at the headcount question is kept as a backup -------------------------

@pytest.mark.parametrize("answer,number", [
    ("13622223333", "13622223333"),
    ("我老婆的电话13987654321", "13987654321"),
    ("1个 另外这个号也能打13622223333", "13622223333"),
    ("136 2222 3333", "13622223333"),
    ("换个号码吧 18600001111", "18600001111"),
])
async def test_a_new_mobile_at_the_headcount_question_is_kept_as_a_backup(
        platform, config, answer, number):
    openid = oid("headcount", answer)
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13912345678", slots
    assert number not in slots.get("description", ""), slots
    assert "备用电话" in reply and number not in reply and number[-4:] in reply, reply
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert number not in summary, summary
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert case.phone == "13912345678" and f"备用电话：{number}" in case.description, (
        case.phone, case.description)


@pytest.mark.parametrize("message,said", [("公司没给我交3年社保", "3年"),
                                          ("单位欠交了两年社保", "两年"),
                                          ("老板说交了 其实没交了两年", "两年")])
async def test_years_not_paid_are_still_the_period(platform, config, message, said):
    openid = oid("unpaid", message)
    await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert said in str((slots.get("period_said") or [None, None])[1] or slots.get("period")), slots
