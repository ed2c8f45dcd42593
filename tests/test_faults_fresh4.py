"""Faults round 4: a notice refused after the 48-hour window is kept until the payer writes
again; a POST whose body stalls is answered 408; a GBK body without a declaration is read;
"你是AI吧" is a question about the bot."""
from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import datetime, timedelta

import pytest

from bot.simulator import sign, text_xml
from bot.store.models import utcnow
from tests import test_cases as base
from tests.conftest import make_platform
from tests.test_cases import T0, drain, make_dispatcher, set_last_message
from tests.test_chat_fresh import draft_of
from tests.test_dialogue import say
from tests.test_outbox import errcode, register_accepted, rows

engine, rules, sm = base.engine, base.rules, base.sm

BOT_IDENTITY = "智能助手"


def without_template(config):
    raw = {k: v for k, v in config.raw.items() if k != "notice_template"}
    return dataclasses.replace(config, raw=raw)


# --- 1. a notice the platform refuses after the 48-hour window -------------------------------


async def three_days_of_passes(dispatcher) -> datetime:
    now = T0
    for _ in range(36):
        await drain(dispatcher, now)
        now += timedelta(hours=2)
    return now


async def test_a_refused_notice_without_a_template_waits_for_the_payer_and_then_goes_out(
        sm, config, rules, http, fake_api):
    dispatcher = make_dispatcher(sm, http, without_template(config))
    openid = "o-f4-45015"
    await set_last_message(sm, openid, T0 - timedelta(hours=47, minutes=59))
    fake_api.messages.fail_next = [errcode(45015)] * 40
    case = await register_accepted(sm, config, rules, openid=openid)
    now = await three_days_of_passes(dispatcher)
    [notice] = await rows(sm, "wechat")
    assert notice.status == "pending", (notice.status, notice.last_error)
    assert notice.attempts == 1 and len(fake_api.messages.fail_next) == 39  # tried once
    assert "45015" in (notice.last_error or "")
    fake_api.messages.fail_next = []
    await set_last_message(sm, openid, now)
    await drain(dispatcher, now + timedelta(seconds=1))
    [text] = fake_api.texts_to(openid)
    assert case.case_no in text and "已受理" in text, text
    [notice] = await rows(sm, "wechat")
    assert notice.status == "sent" and notice.payload["sent_via"] == "custom"


async def test_a_notice_whose_template_is_refused_too_waits_for_the_payer(
        sm, config, rules, http, fake_api):
    dispatcher = make_dispatcher(sm, http, config)
    openid = "o-f4-43101"
    await set_last_message(sm, openid, T0 - timedelta(hours=1))
    fake_api.messages.fail_next = [errcode(45015)] * 40
    fake_api.templates.fail_next = [errcode(43101)] * 40  # template messages refused
    case = await register_accepted(sm, config, rules, openid=openid)
    now = await three_days_of_passes(dispatcher)
    [notice] = await rows(sm, "wechat")
    assert notice.status == "pending", (notice.status, notice.last_error)
    assert len(fake_api.messages.fail_next) == 39 and len(fake_api.templates.fail_next) == 39
    fake_api.messages.fail_next = fake_api.templates.fail_next = []
    await drain(dispatcher, now)  # nothing new from the payer: still nothing sent
    assert fake_api.texts_to(openid) == [] and fake_api.templates.requests == []
    await set_last_message(sm, openid, now)
    await drain(dispatcher, now + timedelta(seconds=1))
    [text] = fake_api.texts_to(openid)
    assert case.case_no in text and "已受理" in text, text


async def test_a_payer_who_writes_again_reads_the_kept_notice(
        aiohttp_server, config, models, rules, http, fake_api):
    """Through the running app: the payer's next message is what lets the notice go out."""
    from bot.app import build_app

    server = await aiohttp_server(build_app(without_template(config), models=models))
    sm = server.app["services"].sessionmaker
    openid = "o-f4-writes-again"
    await set_last_message(sm, openid, utcnow() - timedelta(hours=47, minutes=59))
    fake_api.messages.fail_next = [errcode(45015)] * 5  # the platform keeps refusing
    case = await register_accepted(sm, config, rules, openid=openid)
    server.app["outbox"].notify()
    for _ in range(100):
        [notice] = await rows(sm, "wechat")
        if notice.attempts:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.2)  # a few more polls: no retry
    [notice] = await rows(sm, "wechat")
    assert notice.status == "pending" and notice.attempts == 1, notice.last_error
    assert fake_api.texts_to(openid) == [] and len(fake_api.messages.fail_next) == 4
    fake_api.messages.fail_next = []
    platform = make_platform(http, server, config)
    await say(platform, openid, "你好")
    for _ in range(100):
        if any(case.case_no in t for t in fake_api.texts_to(openid)):
            break
        await asyncio.sleep(0.05)
    texts = [t for t in fake_api.texts_to(openid) if case.case_no in t]
    assert len(texts) == 1 and "已受理" in texts[0], fake_api.texts_to(openid)


# --- 2. a body that never arrives ------------------------------------------------------------


async def stalled_callback(aiohttp_server, config, models, nonce: str):
    """A signed callback whose headers promise 400 bytes and whose body stops after five, to
    a bot with a 0.5 s body timeout: the open (reader, writer)."""
    from bot.app import build_app

    server = await aiohttp_server(build_app(dataclasses.replace(config, body_timeout=0.5),
                                            models=models))
    timestamp = str(int(time.time()))
    query = f"timestamp={timestamp}&nonce={nonce}&signature={sign(config.token, timestamp, nonce)}"
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write((f"POST /wechat?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  "Content-Type: text/xml\r\nContent-Length: 400\r\n\r\n<xml>").encode())
    await writer.drain()
    return reader, writer


async def test_a_stalled_body_is_answered_408(aiohttp_server, config, models):
    reader, writer = await stalled_callback(aiohttp_server, config, models, "f4loris")
    try:
        status = await asyncio.wait_for(reader.readline(), 5.0)
    finally:
        writer.close()
    assert status.split()[1] == b"408", status


def test_the_body_timeout_is_configured_with_a_sane_default(base_config):
    from bot.config import KEYS

    assert "body_timeout_seconds" in KEYS["server"]
    assert 1 <= base_config.body_timeout <= 30


# --- 3. a GBK body without a declaration -------------------------------------------------------


async def test_a_gbk_body_without_a_declaration_is_read(http, bot_server, config):
    openid = "o-f4-gbk"
    sender = make_platform(http, bot_server, config, "plain")
    delivery = await sender.post("", body=text_xml(openid, "公司没给我交社保三个月了").encode("gbk"))
    assert delivery.status == 200 and delivery.reply, delivery
    assert "没给我交社保" in ((await draft_of(config, openid)).get("description") or ""), \
        delivery.reply


# --- 4. "你是AI吧" -----------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["你是AI吧", "你是ai吗", "是不是AI回复的", "AI客服？"])
async def test_ai_next_to_chinese_is_a_question_about_the_bot(platform, message):
    reply = await say(platform, f"o-f4-ai-{message}", message)
    assert BOT_IDENTITY in reply, reply


@pytest.mark.parametrize("message", ["mail", "he said no", "我发了email给你们"])
async def test_ai_inside_a_latin_word_is_not(platform, message):
    reply = await say(platform, f"o-f4-noai-{message}", message)
    assert BOT_IDENTITY not in reply, reply
