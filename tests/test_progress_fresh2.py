"""Payers checking on their cases, round 2, written blind, through the gateway and the outbox:
colloquial and misspelt progress checks, case numbers typed in other cases, spaced or without
the dash, another payer's number (reveals nothing: the same answer as a number that does not
exist), two cases, withdrawn, archived, transferred (who handles it now, never a liaison's
name or phone) and overdue cases, a progress check in the middle of a new filing (the form
keeps its answers), and the notices a status change sends: one per change, in order, naming
the case and the employer, none for a repeated update; a payer who unsubscribed (43004) is
not retried forever; a notice the platform refuses after the 48-hour window (45015) is kept
for the next time the payer writes."""
from __future__ import annotations

import asyncio
import dataclasses
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.store.models import Case, utcnow
from routing.notices import local_deadline
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests.test_cases import T0, drain, make_dispatcher, set_last_message
from tests.test_dialogue import ANSWERS, say
from tests.test_followup import act, file_case
from tests.test_open_case_fresh import archived_case
from tests.test_open_case_requests import case_of, second_case, supplements
from tests.test_outbox import errcode, register_accepted, rows

engine, rules, sm, dispatcher = base.engine, base.rules, base.sm, base.dispatcher

NOT_UNDERSTOOD = "没太明白"
NO_CASE = "还没有登记过事项"
HISTORY = "已登记"
HRSS_NAME = "区人力资源和社会保障局"
ACCEPTOR, ACCEPTOR_PHONE = "王建军", "020-82751234"


def oid(prefix: str, message: str) -> str:
    return f"o-p2-{prefix}-{zlib.crc32(message.encode())}"


def spaced(case_no: str) -> str:
    """ZY20261126-0001 → ZY 20261126 0001."""
    head, tail = case_no.split("-")
    return f"{head[:2]} {head[2:]} {tail}"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def wait_texts(fake_api, openid: str, count: int, timeout: float = 5.0) -> list[str]:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while len(fake_api.texts_to(openid)) < count and loop.time() < end:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # and nothing more arrives just after
    return fake_api.texts_to(openid)


# --- (a) colloquial and misspelt checks with one case ------------------------------------

ONE_CASE = ["我的事咋样了", "到底有人管没有啊", "到哪一步了", "查一下", "近度查询", "进读查询",
            "我的事情现在办到哪了", "进杜", "帮我查查进度"]


@pytest.mark.parametrize("message", ONE_CASE)
async def test_a_colloquial_check_with_one_case_shows_it_and_its_employer(
        platform, config, message):
    openid = oid("one", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply and NOT_UNDERSTOOD not in reply, (message, reply)
    assert "请选一下问题类型" not in reply, (message, reply)


# --- (b) an own case number typed loosely ---------------------------------------------------

LOOSE = [str.lower, spaced, lambda n: n.replace("-", ""), full_width,
         lambda n: f"查询：{n.lower()}", lambda n: f"进度{n.replace('-', ' ')}",
         lambda n: f"{n.lower().replace('-', '')}到哪一步了"]


@pytest.mark.parametrize("form", range(len(LOOSE)))
async def test_an_own_case_number_typed_loosely_shows_its_timeline(platform, form):
    openid = f"o-p2-loose-{form}"
    case_no = await file_case(platform, openid)
    message = LOOSE[form](case_no)
    reply = await say(platform, openid, message)
    assert case_no in reply and HISTORY in reply, (message, reply)


# --- (c) someone else's case number ---------------------------------------------------------

def without(reply: str, *numbers: str) -> str:
    for n in numbers:
        reply = reply.replace(n, "<no>")
    return reply


@pytest.mark.parametrize("form", [lambda n: n, str.lower, lambda n: n.replace("-", ""),
                                  lambda n: f"进度 {n}", lambda n: f"{n}怎么样了"])
async def test_another_payers_number_gets_the_answer_of_a_number_that_does_not_exist(
        platform, form):
    other = "o-p2-stranger-" + str(id(form))
    stranger = await second_case(platform, other)  # 宏图, 医保
    openid = "o-p2-nosy-" + str(id(form))
    own = await file_case(platform, openid)
    head, tail = stranger.split("-")
    missing = f"{head}-{int(tail) + 50:04d}"
    asked = form(stranger)
    reply = await say(platform, openid, asked)
    baseline = await say(platform, openid, form(missing))
    for leak in ("宏图", "医保", "荔城"):
        assert leak not in reply, (asked, reply)
    assert without(reply, stranger, stranger.lower(), stranger.replace("-", "")) == without(
        baseline, missing, missing.lower(), missing.replace("-", "")), (reply, baseline)
    assert own in reply or "进度" in reply, reply


async def test_urging_another_payers_number_forwards_nothing(platform, config):
    stranger = await second_case(platform, "o-p2-urge-stranger")
    openid = "o-p2-urge-nosy"
    own = await file_case(platform, openid)
    reply = await say(platform, openid, f"催一下{stranger.lower()}")
    assert "宏图" not in reply, reply
    assert await supplements(config, stranger) == []
    assert [e.detail["request"] for e in await supplements(config, own)] in ([], ["urge"])


# --- (d) two cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["我的事咋样了", "查一下", "近度"])
async def test_with_two_cases_both_are_listed_with_their_employers(platform, message):
    openid = oid("two", message)
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, message)
    assert first in reply and second in reply, (message, reply)
    assert "宏达" in reply and "宏图" in reply, (message, reply)


async def test_with_two_cases_the_one_named_by_employer_is_shown_alone(platform):
    openid = "o-p2-two-named"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    for message, wanted, other in (("宏达那个到哪一步了", first, second),
                                   ("医保那个咋样了", second, first)):
        reply = await say(platform, openid, message)
        assert wanted in reply and other not in reply and HISTORY in reply, (message, reply)


# --- (e) withdrawn, archived, transferred, overdue -----------------------------------------


async def test_a_case_the_payer_withdrew_shows_the_withdrawal(platform, config):
    openid = "o-p2-withdrawn"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "不办了，撤回吧")
    assert [e.detail["request"] for e in await supplements(config, case_no)] == ["withdraw"]
    reply = await say(platform, openid, f"进度 {case_no}")
    assert case_no in reply and "不再继续办理" in reply, reply


async def test_a_closed_withdrawn_case_shows_it_was_closed(platform, http, bot_server):
    openid = "o-p2-withdrawn-closed"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "不办了，撤回吧")
    assert await act(http, bot_server, case_no, "resolve", {"result": "缴费人申请撤回，予以办结"}) == 200
    reply = await say(platform, openid, "进度")
    assert case_no in reply and "已办结" in reply and "撤回" in reply, reply


async def test_an_archived_case_shows_its_status_and_result(platform, http, bot_server, config):
    openid = "o-p2-archived"
    case_no = await archived_case(platform, http, bot_server, config, openid)
    for message in ("进度", "我的事咋样了", case_no.lower()):
        reply = await say(platform, openid, message)
        assert case_no in reply and "已归档" in reply, (message, reply)
        assert "经核查不予支持" in reply, (message, reply)


async def test_a_transferred_case_names_the_new_agency_and_no_liaison(
        platform, http, bot_server):
    openid = "o-p2-transferred"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "accept",
                     {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE,
                      "opinion": "转人社核定基数"}) == 200
    assert await act(http, bot_server, case_no, "transfer",
                     {"agency": "hrss", "reason": f"属于基数核定，联系人{ACCEPTOR}"}) == 200
    for message in ("进度", "现在谁管我的事", f"进度 {case_no}", "到哪一步了"):
        reply = await say(platform, openid, message)
        assert case_no in reply and HRSS_NAME in reply, (message, reply)
        assert ACCEPTOR not in reply and "82751234" not in reply, (message, reply)


async def overdue(config, bot_server, case_no: str) -> None:
    """Move the case's deadline an hour into the past and run the scheduler (twice, as two
    workers would)."""
    sessionmaker = bot_server.app["services"].sessionmaker
    async with sessionmaker() as session:
        await session.execute(update(Case).where(Case.case_no == case_no).values(
            deadline=utcnow() - timedelta(hours=1)))
        await session.commit()
    scheduler = Scheduler(sessionmaker, bot_server.app["config"])
    for _ in range(2):
        await scheduler.run_once(utcnow())
    bot_server.app["outbox"].notify()


async def test_a_case_past_its_deadline_says_so_and_who_was_told(
        platform, config, bot_server, fake_api):
    openid = "o-p2-overdue"
    case_no = await file_case(platform, openid)
    await overdue(config, bot_server, case_no)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    for message in ("进度", "到哪一步了", f"进度 {case_no}"):
        reply = await say(platform, openid, message)
        assert case_no in reply and "超过办理时限" in reply and "督办" in reply, (message, reply)
        assert deadline in reply, (message, reply)
    told = [t for t in await wait_texts(fake_api, openid, 1) if "超过办理时限" in t]
    assert len(told) == 1 and case_no in told[0], told


# --- (f) asking progress in the middle of a new filing ------------------------------------


async def start_second_filing(platform, openid: str) -> str:
    reply = await say(platform, openid, "我在荔城街道的宏图公司，他们多扣了我的医保费，要求退还")
    for _ in range(4):  # answer until the form asks for the payer's name
        if "称呼" in reply:
            return reply
        for cue, answer in ANSWERS.items():
            if cue in reply:
                reply = await say(platform, openid, answer)
                break
        else:
            break
    return reply


@pytest.mark.parametrize("message", [
    "进度", "我之前那个事咋样了", "查一下上次的", "近度"])
async def test_progress_mid_form_answers_and_the_form_keeps_its_answers(platform, message):
    openid = oid("midform", message)
    case_no = await file_case(platform, openid)
    question = await start_second_filing(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply, (message, reply)
    assert "称呼" in reply or "继续" in reply, (message, reply)
    reply = await say(platform, openid, "李四")
    for _ in range(8):
        if "请核对登记内容" in reply:
            break
        for cue, answer in ANSWERS.items():
            if cue in reply:
                reply = await say(platform, openid, answer)
                break
        else:
            raise AssertionError((question, reply))
    assert "宏图" in reply and "荔城" in reply and "李四" in reply, reply


async def test_an_own_case_number_mid_form_shows_it_and_keeps_the_form(platform):
    openid = "o-p2-midform-number"
    case_no = await file_case(platform, openid)
    await start_second_filing(platform, openid)
    reply = await say(platform, openid, case_no.lower())
    assert case_no in reply and HISTORY in reply and "称呼" in reply, reply


# --- (g) status-change notices ---------------------------------------------------------------


async def test_each_status_change_sends_one_notice_in_order_with_case_and_employer(
        platform, http, bot_server, fake_api):
    openid = "o-p2-notices"
    case_no = await file_case(platform, openid)
    steps = [("accept", {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}, "已受理"),
             ("request-info", {"text": "请提供工资条"}, "补充材料"),
             ("transfer", {"agency": "hrss", "reason": "属于基数核定"}, "转由"),
             ("resolve", {"result": "已责令单位补缴"}, "已办结")]
    for count, (action, body, _) in enumerate(steps, 1):
        if action == "resolve":
            hrss = {"Authorization": "Bearer dev-token-hrss"}
            async with http.post(bot_server.make_url(f"/api/cases/{case_no}/resolve"),
                                 headers=hrss, json=body) as resp:
                assert resp.status == 200
        else:
            assert await act(http, bot_server, case_no, action, body) == 200
        await wait_texts(fake_api, openid, count)
    texts = [t for t in fake_api.texts_to(openid) if case_no in t]
    assert [next(w for _, _, w in steps if w in t) for t in texts[:4]] == [
        w for _, _, w in steps], texts
    for text in texts:
        assert case_no in text and "宏达" in text, text
        assert ACCEPTOR not in text and "82751234" not in text, text


async def test_a_repeated_update_sends_no_second_notice(platform, http, bot_server, fake_api):
    openid = "o-p2-repeat"
    case_no = await file_case(platform, openid)
    for _ in range(2):
        await act(http, bot_server, case_no, "accept")
        await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"})
    texts = await wait_texts(fake_api, openid, 3)
    assert len([t for t in texts if "已受理" in t]) == 1, texts
    assert len([t for t in texts if "工资条" in t]) == 1, texts


async def test_resolving_twice_sends_one_result(platform, http, bot_server, fake_api):
    openid = "o-p2-resolve-twice"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "resolve", {"result": "已责令单位补缴"}) == 200
    await act(http, bot_server, case_no, "resolve", {"result": "已责令单位补缴"})
    texts = await wait_texts(fake_api, openid, 3)
    assert len([t for t in texts if "已办结" in t]) == 1, texts


async def test_a_notice_to_an_unsubscribed_payer_fails_once_and_the_bot_goes_on(
        platform, http, bot_server, fake_api, config):
    openid = "o-p2-43004"
    case_no = await file_case(platform, openid)
    fake_api.messages.fail_next = [errcode(43004)]
    assert await act(http, bot_server, case_no, "accept") == 200
    for _ in range(60):
        [notice] = [r for r in await rows(bot_server.app["services"].sessionmaker, "wechat")
                    if r.target == openid and r.payload.get("notice") == "accepted"]
        if notice.status != "pending":
            break
        await asyncio.sleep(0.05)
    assert notice.status == "failed" and notice.attempts == 1, (notice.status, notice.attempts)
    assert fake_api.templates.requests == []
    reply = await say(platform, openid, "进度")  # the payer came back: answered as ever
    assert case_no in reply and "办理中" in reply, reply
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    assert any("工资条" in t for t in await wait_texts(fake_api, openid, 1)), fake_api.texts_to(
        openid)


async def test_a_notice_refused_after_the_window_is_kept_for_the_next_message(
        sm, config, rules, http, fake_api):
    """45015 and no template to fall back on: the notice is neither lost nor retried into a
    failure; it goes out as a customer-service message once the payer writes again."""
    raw = {k: v for k, v in config.raw.items() if k != "notice_template"}
    dispatcher = make_dispatcher(sm, http, dataclasses.replace(config, raw=raw))
    openid = "o-p2-45015"
    await set_last_message(sm, openid, T0 - timedelta(hours=47, minutes=59))
    fake_api.messages.fail_next = [errcode(45015)]
    case = await register_accepted(sm, config, rules, openid=openid)
    now = T0
    for _ in range(40):  # three days of retries
        await drain(dispatcher, now)
        now += timedelta(hours=2)
    [notice] = await rows(sm, "wechat")
    assert notice.status == "pending", (notice.status, notice.last_error)
    await set_last_message(sm, openid, now)
    await drain(dispatcher, now + timedelta(seconds=1))
    await drain(dispatcher, now + timedelta(minutes=15))
    texts = fake_api.texts_to(openid)
    assert len(texts) == 1 and case.case_no in texts[0] and "已受理" in texts[0], texts


async def test_a_notice_after_the_window_with_a_template_reaches_the_payer_once(
        sm, config, rules, dispatcher, fake_api):
    openid = "o-p2-45015-template"
    await set_last_message(sm, openid, T0 - timedelta(hours=47, minutes=59))
    fake_api.messages.fail_next = [errcode(45015)]
    case = await register_accepted(sm, config, rules, openid=openid)
    await drain(dispatcher, T0)
    await drain(dispatcher, T0 + timedelta(hours=1))
    assert len(fake_api.templates.requests) == 1
    assert case.case_no in str(fake_api.templates.requests[0])
    assert fake_api.texts_to(openid) == []
