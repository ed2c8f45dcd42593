"""Payer-side gaps left by round 5's stop, each with colloquial variants, through the gateway,
the liaison API and the scheduler: a vague period ("好几年") stays as vague as said wherever a
liaison reads it, a long unit name is kept whole, the archive notice fits what became of the
case (withdrawn, satisfied) and waits once for the payer's next message, another office's
matter said mid-form or beside an open case is answered without losing the form, and "单位说补了
可我查还是没有" after a request or a reopen joins the case instead of being a progress check."""
from __future__ import annotations

import asyncio
import dataclasses
import zlib
from datetime import timedelta

import pytest

from bot.store.models import OutboxItem, Payer, utcnow
from tests.conftest import make_platform
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_robustness import slots_of, to_question, to_summary
from tests.test_followup import TAX, act, file_case, resolved_case, waiting_for_payslip
from tests.test_gaps_fresh4 import NOT_UNDERSTOOD, SUMMARY, form_of
from tests.test_gaps_fresh4 import archive_by_scheduler as archive
from tests.test_open_case_requests import case_of, supplements
from tests.test_progress_fresh2 import wait_texts


def oid(prefix: str, message: str) -> str:
    return f"g5-{prefix}-{zlib.crc32(message.encode())}"


async def cards_of(config, case_no: str) -> str:
    case = await case_of(config, case_no)
    rows = await fetch(config.database_url, OutboxItem, case_id=case.id)
    return "\n".join(str(r.payload.get("body")) for r in rows if r.channel == "webhook")


async def api_case(http, bot_server, case_no: str) -> dict:
    async with http.get(bot_server.make_url(f"/api/cases/{case_no}"), headers=TAX) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


# --- 1. a vague period stays vague ------------------------------------------------------------

VAGUE_IN_STORY = [
    ("公司好几年都没给我交社保", "好几年"),
    ("单位很多年没交养老保险了", "很多年"),
    ("厂里多年来一直不给我们买社保", "多年"),
    ("在这干了几年了 社保一直没交", "几年"),
    ("老板好多年没给我交医保 我才发现", "好多年"),
]

PRECISE_WORDS = ("36", "3年", "三年", "P36M")


def vague_kept(period: str | None, words: str) -> bool:
    return bool(period) and words in period and not any(w in period for w in PRECISE_WORDS)


@pytest.mark.parametrize("message,words", VAGUE_IN_STORY)
async def test_a_vague_period_in_the_story_is_stored_as_said_not_as_36_months(
        platform, http, bot_server, config, message, words):
    openid = oid("vague", message)
    reply = await say(platform, openid, message)
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert words in summary and "36个月" not in summary, summary
    done = await say(platform, openid, "确认")
    case_no = CASE_NO.search(done).group()
    case = await case_of(config, case_no)
    assert vague_kept(case.period, words), case.period
    assert vague_kept((await api_case(http, bot_server, case_no)).get("period"), words)
    cards = await cards_of(config, case_no)
    assert "36个月" not in cards and words in cards, cards


@pytest.mark.parametrize("answer,words", [("很多年了", "很多年"), ("好几年", "好几年"),
                                          ("有好几年了吧", "好几年"), ("多年", "多年"),
                                          ("几年了记不清", "几年")])
async def test_a_vague_period_answered_to_the_question_is_stored_as_said(
        platform, config, answer, words):
    openid = oid("vague-answer", answer)
    summary = await to_summary(platform, openid, answers={"时间段或金额": answer})
    assert words in summary and "36个月" not in summary, summary
    done = await say(platform, openid, "确认")
    case = await case_of(config, CASE_NO.search(done).group())
    assert vague_kept(case.period, words), case.period


async def test_a_real_count_of_years_is_still_a_figure(platform, config):
    openid = "g5-vague-precise"
    summary = await to_summary(platform, openid, answers={"时间段或金额": "3年"})
    done = await say(platform, openid, "确认")
    case = await case_of(config, CASE_NO.search(done).group())
    assert "3年" in (case.period or "") and "几" not in case.period, (case.period, summary)


# --- 2. a long unit name is kept whole --------------------------------------------------------

LONG_NAMES = [
    "广州市增城区新塘镇某某村股份经济联合社下属某某服装加工厂",
    "广东某某建筑工程有限公司增城分公司（新塘第三项目部）",
    "增城区荔城街道某某物业管理有限公司（挂绿广场管理处）",
    "广州某某人力资源服务有限公司派驻新塘镇某某电子厂劳务派遣点",
]


@pytest.mark.parametrize("name", LONG_NAMES)
async def test_a_long_unit_name_is_kept_whole_and_shown_whole(platform, config, name):
    assert len(name) > 24
    openid = oid("unit", name)
    summary = await to_summary(platform, openid, answers={"单位": name})
    assert name in summary, summary
    done = await say(platform, openid, "确认")
    case = await case_of(config, CASE_NO.search(done).group())
    assert case.employer == name, case.employer


async def test_a_long_unit_name_in_the_first_message_is_kept_whole(platform, config):
    name = LONG_NAMES[0]
    openid = "g5-unit-first"
    reply = await say(platform, openid, f"我在{name}上班，厂里一直没给我交社保")
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert name in summary, summary


# --- 3. the archive notice fits what became of the case ---------------------------------------


@pytest.mark.parametrize("message", ["不想投诉了", "撤了吧 不弄了", "老板私下给我补了 这事就算了吧"])
async def test_a_withdrawn_case_is_archived_without_the_reopen_and_appeal_text(
        platform, http, bot_server, config, fake_api, message):
    openid = oid("archive-withdrawn", message)
    case_no = await file_case(platform, openid)
    await say(platform, openid, message)
    assert await act(http, bot_server, case_no, "resolve",
                     {"result": "缴费人电话确认撤回"}) == 200
    before = len(await wait_texts(fake_api, openid, 2))
    await archive(bot_server, case_no)
    texts = (await wait_texts(fake_api, openid, before + 1))[before:]
    [text] = [t for t in texts if case_no in t and "归档" in t]
    assert "撤回" in text and "重新办理" not in text and "行政复议" not in text, text


@pytest.mark.parametrize("rating", ["5分 已解决", "满意 问题解决了"])
async def test_a_satisfied_payer_gets_no_appeal_routes_at_archiving(
        platform, http, bot_server, config, fake_api, rating):
    openid = oid("archive-happy", rating)
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    assert "感谢" in await say(platform, openid, rating)
    assert (await case_of(config, case_no)).solved is True
    before = len(await wait_texts(fake_api, openid, 2))
    await archive(bot_server, case_no)
    texts = (await wait_texts(fake_api, openid, before + 1))[before:]
    [text] = [t for t in texts if case_no in t and "归档" in t]
    assert "行政复议" not in text and "不能再回复" not in text, text


async def test_an_unsolved_case_still_gets_the_ways_on_at_archiving(
        platform, http, bot_server, config, fake_api):
    openid = "g5-archive-unsolved"
    case_no = await resolved_case(platform, http, bot_server, openid, "经核查不予支持")
    await say(platform, openid, "2分 没解决")
    before = len(await wait_texts(fake_api, openid, 2))
    await archive(bot_server, case_no)
    texts = (await wait_texts(fake_api, openid, before + 1))[before:]
    [text] = [t for t in texts if "归档" in t]
    assert case_no in text and "行政复议" in text, text


@pytest.mark.parametrize("next_message", ["你好", "进度", "重新办理"])
async def test_an_archive_notice_outside_the_window_waits_once_for_the_next_message(
        aiohttp_server, config, models, http, fake_api, next_message):
    from bot.app import build_app

    raw = {k: v for k, v in config.raw.items() if k != "notice_template"}
    no_template = dataclasses.replace(config, raw=raw)
    server = await aiohttp_server(build_app(no_template, models=models))
    platform = make_platform(http, server, no_template)
    openid = oid("archive-wait", next_message)
    case_no = await resolved_case(platform, http, server, openid, "已责令单位补缴")
    await wait_texts(fake_api, openid, 2)
    sm = server.app["services"].sessionmaker
    async with sm() as session:
        payer = await session.get(Payer, openid)
        payer.last_message_at = utcnow() - timedelta(days=15)
        await session.commit()
    await archive(server, case_no)
    await asyncio.sleep(1.0)
    sent = len(fake_api.texts_to(openid))
    assert not any("归档" in t for t in fake_api.texts_to(openid)), fake_api.texts_to(openid)
    reply = await say(platform, openid, next_message)
    assert reply, reply
    texts = await wait_texts(fake_api, openid, sent + 1)
    await say(platform, openid, "好的")
    texts = await wait_texts(fake_api, openid, len(texts) + 1, timeout=2.0)
    archived = [t for t in texts if "归档" in t and case_no in t]
    assert len(archived) == 1, texts


# --- 4. another office's matter mid-form and beside an open case ------------------------------

MID_FORM = [
    ("对了 公司还拖了我俩月工资没发", "劳动行政部门"),
    ("还有公积金也一直没给交", "12345"),
    ("补充下 他们把我辞退了补偿金也不给", "12333"),
    ("工资也欠着呢 三个月了", "劳动行政部门"),
]


@pytest.mark.parametrize("message,office", MID_FORM)
async def test_another_offices_matter_mid_form_is_said_and_the_form_goes_on(
        platform, config, message, office):
    openid = oid("mid-form", message)
    question = await to_question(platform, openid, "单位")
    before = await slots_of(config, openid)
    reply = await say(platform, openid, message)
    assert office in reply, reply
    assert await form_of(config, openid) is not None, reply
    after = await slots_of(config, openid)
    kept = ("category", "employer", "jurisdiction", "name", "phone", "headcount")
    assert all(after.get(k) == before.get(k) for k in kept), (before, after)
    assert after.get("requested_slot") == "employer", after
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert SUMMARY in summary and question


async def test_another_offices_matter_mid_form_is_said_once(platform, config):
    openid = "g5-mid-form-once"
    await to_question(platform, openid, "单位")
    first = await say(platform, openid, "对了 公司还欠我两个月工资")
    assert "劳动行政部门" in first, first
    second = await say(platform, openid, "工资的事也挺急的 两个月工资没发")
    assert "劳动行政部门" not in second and await form_of(config, openid) is not None, second


BESIDE_CASE = [
    ("还有个事 公司还欠我三个月工资", "劳动行政部门"),
    ("对了 公积金他们也没给我交", "12345"),
    ("另外 辞退我的补偿金到现在也没给", "12333"),
]


@pytest.mark.parametrize("message,office", BESIDE_CASE)
async def test_another_offices_matter_beside_an_open_case_is_said(
        platform, config, message, office):
    openid = oid("beside-case", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert office in reply and NOT_UNDERSTOOD not in reply, reply
    assert (await case_of(config, case_no)).status not in ("closed",)


# --- 5. "单位说补了 可我查还是没有" in the supplement / reopen window ---------------------------

STILL_NOT_PAID = [
    "单位说补了 可我查还是没有",
    "你们说处理好了 但我查了还是欠费",
    "老板说交上了 我查了下还是断缴",
    "他们说已经补缴了，我在app上查还是没有记录",
    "说是补了 查了还是没有啊",
]


@pytest.mark.parametrize("message", STILL_NOT_PAID)
async def test_still_not_paid_after_answering_a_request_joins_the_case(
        platform, http, bot_server, config, message):
    openid = oid("still-info", message)
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    await say(platform, openid, "工资条上每个月八千 单位按最低基数交的")
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, reply
    texts = [e.detail.get("text", "") for e in await supplements(config, case_no)]
    assert any(message[-5:] in t for t in texts), (texts, reply)


@pytest.mark.parametrize("message", STILL_NOT_PAID)
async def test_still_not_paid_after_reopening_joins_the_case(
        platform, http, bot_server, config, message):
    openid = oid("still-reopen", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    await say(platform, openid, "2分 没解决")
    assert case_no in await say(platform, openid, "重新办理")
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, reply
    texts = [e.detail.get("text", "") for e in await supplements(config, case_no)]
    assert any(message[-5:] in t for t in texts), (texts, reply)


@pytest.mark.parametrize("message", STILL_NOT_PAID[:3])
async def test_still_not_paid_after_the_result_is_a_not_solved_answer(
        platform, http, bot_server, config, message):
    openid = oid("still-result", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    reply = await say(platform, openid, message)
    assert case_no in reply and "重新办理" in reply, reply
    assert (await case_of(config, case_no)).solved is False


async def test_a_plain_progress_check_in_the_window_is_still_progress(
        platform, http, bot_server, config):
    openid = "g5-still-progress"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    await say(platform, openid, "工资条上每个月八千")
    reply = await say(platform, openid, "查一下进度")
    assert case_no in reply, reply
    texts = [e.detail.get("text", "") for e in await supplements(config, case_no)]
    assert not any("进度" in t for t in texts), texts
