"""Faults at the edges, round 2: callbacks an attacker or a broken relay sends, a database
locked under the gateway, and outbound sends that fail half-way (redirects, timeouts, the
"sent" record failing after the send). Earlier rounds: test_faults_fresh, test_inbound_fresh,
test_input_faults, test_outbox_e2e."""
from __future__ import annotations

import asyncio
import gzip
import time
from datetime import timedelta

import pytest
from aiohttp import web
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from wechatpy.crypto import PrpCrypto, _get_signature

from bot.simulator import text_xml
from bot.store.tokens import TokenStore
from bot.wechat_api import WeChatAPI, WeChatAPIError
from routing.outbox import OutboxDispatcher
from routing.webhook import WebhookClient, markdown_payload
from tests import test_cases as base
from tests import test_faults_fresh as fresh
from tests import test_metrics_logging as logging_tests
from tests.conftest import make_platform
from tests.test_cases import T0, card_texts, drain, register
from tests.test_faults_fresh import TAX, add_reply, robot_dispatcher
from tests.test_gateway import processed_count
from tests.test_outbox import errcode, rows

engine, rules, sm = base.engine, base.rules, base.sm
robot, api = fresh.robot, fresh.api
capture = logging_tests.capture
HRSS = "dev-key-zc-hrss"


@pytest.fixture(scope="module")
def models():
    """The callback faults do not depend on the classifier: the fallback answers."""
    return (None, None)


def plain(http, server, config):
    return make_platform(http, server, config, "plain")


# --- the signed query -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_signature_with_chinese_characters_is_403_not_500(http, bot_server, platform,
                                                                  method):
    q = platform.query()
    q["signature"] = "签名" + q["signature"][2:]
    q["echostr"] = "x"
    async with http.request(method, bot_server.make_url("/wechat"), params=q,
                            data=text_xml("o-sig-zh", "你好")) as resp:
        assert resp.status == 403


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_timestamp_of_400_digits_is_403_not_500(http, bot_server, platform, method):
    q = platform.query(timestamp="9" * 400)
    q["echostr"] = "x"
    async with http.request(method, bot_server.make_url("/wechat"), params=q,
                            data=text_xml("o-ts-huge", "你好")) as resp:
        assert resp.status == 403


@pytest.mark.parametrize("timestamp", ["0", "-1700000000", "4102444800", " 1e9", "１"])
async def test_timestamps_far_off_or_odd_are_403(platform, config, timestamp):
    q = platform.query(timestamp=timestamp)
    assert (await platform.post(text_xml("o-ts-odd", "你好"), query=q)).status == 403
    assert await processed_count(config.database_url) == 0


# --- the body ---------------------------------------------------------------------------------


async def test_a_chunked_body_over_the_limit_is_413(http, bot_server, config):
    sender = plain(http, bot_server, config)

    async def chunks():
        for _ in range(20):
            yield b" " * 8192

    async with http.post(bot_server.make_url("/wechat"), params=sender.query(),
                         data=chunks()) as resp:
        assert resp.status == 413
    assert await processed_count(config.database_url) == 0


async def test_a_body_of_exactly_the_limit_is_read(http, bot_server, config):
    sender = plain(http, bot_server, config)
    xml = text_xml("o-at-limit", "你好")
    body = xml.encode() + b" " * (config.max_body_bytes - len(xml.encode()))
    assert len(body) == config.max_body_bytes
    delivery = await sender.post("", body=body)
    assert delivery.status == 200 and delivery.reply


async def test_a_gzip_bomb_is_refused_quickly(http, bot_server, config):
    sender = plain(http, bot_server, config)
    xml = text_xml("o-gzip", "你好").encode()
    bomb = gzip.compress(xml[:-6] + b" " * 20_000_000 + xml[-6:])
    started = time.monotonic()
    async with http.post(bot_server.make_url("/wechat"), params=sender.query(), data=bomb,
                         headers={"Content-Encoding": "gzip"}) as resp:
        assert resp.status in (400, 413)
    assert time.monotonic() - started < 5
    assert await processed_count(config.database_url) == 0


async def test_a_parameter_entity_fetches_nothing(http, bot_server, config, aiohttp_server):
    fetched = []

    async def dtd(request):
        fetched.append(request.path)
        return web.Response(text='<!ENTITY secret "leak">')

    app = web.Application()
    app.router.add_get("/evil.dtd", dtd)
    evil = await aiohttp_server(app, host="127.0.0.1")
    xml = (f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM '
           f'"{evil.make_url("/evil.dtd")}"> %p;]>'
           "<xml><FromUserName>o-pe</FromUserName><MsgType>text</MsgType>"
           "<Content>&secret;</Content><MsgId>5</MsgId></xml>")
    delivery = await plain(http, bot_server, config).post(xml)
    assert delivery.status in (200, 400)
    assert fetched == []
    assert "leak" not in (delivery.reply or "")


async def test_an_encrypted_message_that_is_not_utf8_is_400(platform, config):
    q = platform.query()
    inner = b"<xml><FromUserName>o-gbk</FromUserName><MsgType>text</MsgType><Content>" + \
        "你好".encode("gbk") + b"\xff\xfe</Content><MsgId>6</MsgId></xml>"
    crypto = PrpCrypto(platform.crypto.key)
    encrypt = crypto.encrypt(inner, config.appid)
    encrypt = encrypt.decode() if isinstance(encrypt, bytes) else encrypt
    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], encrypt)
    body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    assert (await platform.post("", query=q, body=body)).status == 400
    assert await processed_count(config.database_url) == 0


@pytest.mark.parametrize("codec", ["base64", "rot13", "utf-7", "zlib", "idna"])
async def test_a_declared_encoding_that_is_no_text_codec_is_no_server_error(http, bot_server,
                                                                            config, codec):
    body = (f'<?xml version="1.0" encoding="{codec}"?>'.encode()
            + text_xml("o-codec", "你好").encode("gbk"))
    delivery = await plain(http, bot_server, config).post("", body=body)
    assert delivery.status in (200, 400)


# --- replays --------------------------------------------------------------------------------


async def test_a_captured_encrypted_query_replayed_as_plaintext_is_refused(
        http, bot_server, config, platform):
    """The signature covers only token, timestamp and nonce: a query captured from an
    encrypted callback, stripped of encrypt_type and msg_signature, must not carry a forged
    plaintext message for another payer."""
    q = platform.query()
    assert (await platform.post(text_xml("o-real", "你好", msg_id=881), query=q)).status == 200
    forged = {k: q[k] for k in ("timestamp", "nonce", "signature")}
    delivery = await plain(http, bot_server, config).post(
        text_xml("o-victim", "取消我的登记", msg_id=882), query=forged)
    assert delivery.status == 403
    assert await processed_count(config.database_url) == 1


async def test_a_plaintext_nonce_replayed_to_another_worker_is_refused(
        http, bot_server, config, aiohttp_server):
    """Two workers on one database (``--workers 2``): the replay goes to the other one."""
    from bot.app import build_app

    other = await aiohttp_server(build_app(config, models=(None, None)))
    first, second = plain(http, bot_server, config), plain(http, other, config)
    q = first.query()
    xml = text_xml("o-w1", "第一条", msg_id=991)  # once: a resend repeats its CreateTime too
    assert (await first.post(xml, query=q)).status == 200
    again = await second.post(text_xml("o-w2", "别人的话", msg_id=992), query=q)
    assert again.status == 403
    assert await processed_count(config.database_url) == 1
    resend = await second.post(xml, query=q)
    assert resend.status == 200  # the platform's own resend still passes


# --- webhook: redirects, an outage, the "sent" record failing ---------------------------------


async def test_a_redirect_never_posts_a_card_to_another_host(sm, config, rules, http, robot,
                                                             aiohttp_server):
    """A proxy or captive portal answering 307 would have the client post the card (a
    payer's case) to wherever Location points."""
    stolen = []

    async def elsewhere(request):
        stolen.append(await request.read())
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def redirect(request):
        raise web.HTTPTemporaryRedirect(str(thief.make_url("/steal")))

    thief_app = web.Application()
    thief_app.router.add_route("*", "/steal", elsewhere)
    thief = await aiohttp_server(thief_app, host="127.0.0.1")
    portal_app = web.Application()
    portal_app.router.add_post("/cgi-bin/webhook/send", redirect)
    portal = await aiohttp_server(portal_app, host="127.0.0.1")
    result = await WebhookClient(http, str(portal.make_url("")).rstrip("/"), timeout=1.0).send(
        TAX, markdown_payload("## 案件 张三"))
    assert not result.ok and stolen == []
    assert result.outcome == "retry"  # a misrouted base must not drop the card


@pytest.mark.parametrize("path", ["/cgi-bin/token", "/cgi-bin/message/custom/send"])
async def test_a_redirect_never_takes_a_payers_text_or_the_secret_to_another_host(
        sm, config, http, aiohttp_server, path):
    """The WeChat API client followed redirects: a 307 from a proxy in front of the API
    re-posted the payer's reply (or re-sent the token request) to wherever Location pointed."""
    stolen = []

    async def elsewhere(request):
        stolen.append(await request.read() or request.query_string)
        return web.json_response({"access_token": "T", "expires_in": 7200, "errcode": 0})

    async def redirect(request):
        raise web.HTTPTemporaryRedirect(str(thief.make_url("/steal")))

    async def token(request):
        return web.json_response({"access_token": "T", "expires_in": 7200})

    thief_app = web.Application()
    thief_app.router.add_route("*", "/steal", elsewhere)
    thief = await aiohttp_server(thief_app, host="127.0.0.1")
    portal_app = web.Application()
    portal_app.router.add_get("/cgi-bin/token", redirect if path == "/cgi-bin/token" else token)
    portal_app.router.add_post("/cgi-bin/message/custom/send", redirect)
    portal = await aiohttp_server(portal_app, host="127.0.0.1")
    client = WeChatAPI(http, str(portal.make_url("")).rstrip("/"), config.appid,
                       config.appsecret, TokenStore(sm), timeout=1.0)
    with pytest.raises(WeChatAPIError):
        await client.send_text("o-redirect", "您的案件ZY2026已受理，电话13812345678")
    assert stolen == []


async def test_a_webhook_down_then_back_delivers_every_card_once_in_order_within_the_rate(
        sm, config, rules, http, robot):
    tax_cases = [await register(sm, config, rules, openid=f"o-down-{i}") for i in range(25)]
    robot.modes[TAX] = ["html502", "reset", "html502", "-1"]
    robot.modes[HRSS] = ["reset"] * 3
    hrss_cases = [await register(sm, config, rules, openid=f"o-down-h{i}",
                                 category="contribution_base", description="基数")
                  for i in range(3)]
    dispatcher = robot_dispatcher(sm, http, config, robot)
    sent_at: list[tuple[int, str]] = []
    for seconds in range(0, 1800, 10):
        before = len(robot.requests)
        await drain(dispatcher, T0 + timedelta(seconds=seconds))
        sent_at += [(seconds, r["key"]) for r in robot.requests[before:]]
    assert {r.status for r in await rows(sm, "webhook")} == {"sent"}
    every = [c.case_no for c in tax_cases + hrss_cases]
    for key, numbers, failures in ((TAX, every, 4), (HRSS, [c.case_no for c in hrss_cases], 3)):
        posted = [next(n for n in every if n in t) for t in card_texts(robot, key)]
        assert len(posted) == len(numbers) + failures, key  # each failure retried once
        assert [n for i, n in enumerate(posted) if i == 0 or posted[i - 1] != n] == numbers
        times = [s for s, k in sent_at if k == key]
        for start in times:
            assert sum(1 for s in times if start <= s < start + 60) <= 20


async def test_a_failed_sent_record_does_not_post_the_card_twice(sm, engine, config, rules,
                                                                 http, robot):
    """The card went out; recording "sent" hit a database hiccup once. It was recorded as a
    retry and the card was posted again after the backoff."""
    case = await register(sm, config, rules)
    failures = [1]

    def fail_once(conn, cursor, statement, parameters, context, executemany):
        if (failures and statement.lstrip().upper().startswith("UPDATE OUTBOX ")
                and "'sent'" in repr(parameters) + statement.lower()):
            failures.pop()
            raise OperationalError(statement, parameters, Exception("database is locked"))

    event.listen(engine.sync_engine, "before_cursor_execute", fail_once)
    try:
        dispatcher = robot_dispatcher(sm, http, config, robot)
        for minutes in (0, 1, 15, 60):
            await drain(dispatcher, T0 + timedelta(minutes=minutes))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", fail_once)
    assert failures == []
    assert [case.case_no in t for t in card_texts(robot, TAX)] == [True]
    assert (await rows(sm, "webhook"))[0].status == "sent"


# --- WeChat API: timeouts and tokens mid-send -------------------------------------------------


def slow_api_dispatcher(sm, http, config, fake_api, timeout: float) -> OutboxDispatcher:
    client = WeChatAPI(http, config.api_base, config.appid, config.appsecret, TokenStore(sm),
                       timeout=timeout)
    return OutboxDispatcher(sm, WebhookClient(http, config.webhook_base, timeout=1.0), client,
                            config, rng=lambda: 1.0)


async def test_a_reply_that_timed_out_says_it_may_have_been_delivered(sm, config, http,
                                                                      fake_api):
    await add_reply(sm, "o-slow", "滞纳金按日万分之五计算")
    fake_api.messages.delay = 1.5
    await drain(slow_api_dispatcher(sm, http, config, fake_api, 0.5), T0)
    [reply] = await rows(sm, "wechat")
    assert reply.status == "pending" and reply.next_attempt_at > T0
    assert "may have been delivered" in (reply.last_error or "")


async def test_a_token_expired_mid_send_of_a_late_reply_is_renewed_and_sent_once(
        sm, config, http, fake_api):
    await add_reply(sm, "o-tok-mid", "第一段")
    await add_reply(sm, "o-tok-mid", "第二段")
    dispatcher = slow_api_dispatcher(sm, http, config, fake_api, 2.0)
    await drain(dispatcher, T0)
    fake_api.messages.fail_next = [errcode(42001)]
    await add_reply(sm, "o-tok-mid", "第三段")
    await drain(dispatcher, T0 + timedelta(seconds=1))
    assert fake_api.texts_to("o-tok-mid") == ["第一段", "第二段", "第三段"]
    assert len(fake_api.tokens.requests) == 2
    assert {r.status for r in await rows(sm, "wechat")} == {"sent"}


async def test_a_reply_refused_for_quota_45047_keeps_its_text_and_the_lane_moves_on(
        sm, config, http, fake_api):
    await add_reply(sm, "o-quota", "第一段")
    await add_reply(sm, "o-quota", "第二段")
    fake_api.messages.fail_next = [errcode(45047)]
    await drain(slow_api_dispatcher(sm, http, config, fake_api, 2.0), T0)
    first, second = await rows(sm, "wechat")
    assert first.status == "failed" and first.payload["text"] == "第一段"
    assert "45047" in (first.last_error or "")
    assert second.status == "sent" and fake_api.texts_to("o-quota") == ["第二段"]


# --- logs ----------------------------------------------------------------------------------------


@pytest.fixture
def json_log(capture):
    """The bot's JSON log lines as one text (test_metrics_logging's capture)."""
    return capture[1]


async def test_a_rejection_quoting_the_card_never_logs_its_text_or_numbers(
        sm, config, rules, http, aiohttp_server, json_log):
    """WeCom's errmsg can quote what it refused; the row keeps it for the operator, the log
    must not carry the payer's words, phone or ID number."""
    from tests.test_cases import ID_NUMBER, PHONE

    words = "公司从去年起一直少报我的缴费基数"

    async def refuse(request):
        content = (await request.json())["markdown"]["content"]
        return web.json_response({"errcode": 40058, "errmsg": f"invalid content: {content}"})

    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", refuse)
    wecom = await aiohttp_server(app, host="127.0.0.1")
    await register(sm, config, rules, description=f"{words}，电话{PHONE}，身份证{ID_NUMBER}",
                   employer="宏达秘密电子厂", desired_outcome="补缴三个月")
    dispatcher = OutboxDispatcher(sm, WebhookClient(http, str(wecom.make_url("")).rstrip("/")),
                                  None, config, rng=lambda: 1.0)
    await drain(dispatcher, T0)
    assert "failed" in {r.status for r in await rows(sm, "webhook")}
    out = json_log.getvalue()
    assert "40058" in out
    for secret in (words, PHONE, ID_NUMBER, "张三", "宏达秘密", "补缴三个月"):
        assert secret not in out, secret


async def test_a_refused_callback_logs_nothing_of_its_body(http, bot_server, config, json_log):
    from tests.test_cases import ID_NUMBER, PHONE

    sender = plain(http, bot_server, config)
    q = sender.query()
    q["signature"] = "0" * 40
    body = text_xml("o-refused-log", f"我叫张三，电话{PHONE}，身份证{ID_NUMBER}")
    assert (await sender.post("", query=q, body=body)).status == 403
    assert (await sender.post("", body=body.replace("</xml>", "<x></xml>"))).status == 400
    out = json_log.getvalue()
    assert "rejected callback" in out
    for secret in (PHONE, ID_NUMBER, "张三", "o-refused-log"):
        assert secret not in out, secret


# --- a late reply while the database and the WeChat API both hiccup ----------------------------


async def test_a_late_reply_survives_the_database_and_the_api_failing_together(
        aiohttp_server, http, config, fake_api):
    """The late answer could not be queued (the database failed for an instant) and the
    direct customer-service send met three "system busy" answers: the text was dropped."""
    import dataclasses

    from sqlalchemy.engine import Engine

    from bot.app import build_app

    slow = dataclasses.replace(config, reply_budget=0.001)
    server = await aiohttp_server(build_app(slow, models=(None, None)))
    failures = [1, 1]

    def queue_fails(conn, cursor, statement, parameters, context, executemany):
        if failures and statement.lstrip().upper().startswith("INSERT INTO OUTBOX "):
            failures.pop()
            raise OperationalError(statement, parameters, Exception("disk I/O error"))

    event.listen(Engine, "before_cursor_execute", queue_fails)
    try:
        fake_api.messages.fail_next = [errcode(-1)] * 3
        delivery = await make_platform(http, server, slow).post(
            text_xml("o-double-fault", "你好", msg_id=5501))
        assert delivery.status == 200
        await fake_api.messages.wait_for(1, timeout=20)
        await asyncio.sleep(0.5)
    finally:
        event.remove(Engine, "before_cursor_execute", queue_fails)
    assert len(fake_api.texts_to("o-double-fault")) == 1
