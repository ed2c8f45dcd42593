"""Faults at the edges, round 3 (blind probes): payloads a broken relay or an attacker sends
(odd encodings, duplicated or nested fields, another account's payload, a body that never
ends), clocks that jump, a database that fills up or vanishes, and WeChat API answers that are
not what the documentation promises. Earlier rounds: test_faults_fresh, test_faults_fresh2,
test_input_faults, test_sqlite_lock."""
from __future__ import annotations

import asyncio
import contextlib
import os
import time

import pytest
from aiohttp import web
from sqlalchemy import event, select
from sqlalchemy.pool import Pool
from wechatpy.crypto import PrpCrypto, _get_signature

from bot.simulator import event_xml, text_xml
from bot.store.db import make_engine
from bot.store.models import ProcessedMessage
from bot.store.tokens import TokenStore
from bot.wechat_api import WeChatAPI, WeChatAPIError
from tests import test_cases as base
from tests.conftest import make_platform
from tests.test_gateway import processed_count

engine, sm = base.engine, base.sm


@pytest.fixture(scope="module")
def models():
    """The faults do not depend on the classifier: the fallback answers."""
    return (None, None)


def plain(http, server, config):
    return make_platform(http, server, config, "plain")


def encrypted_body(platform, inner: bytes, appid: str, query: dict) -> str:
    """An envelope whose Encrypt field is ``inner`` encrypted for ``appid``, signed."""
    encrypt = PrpCrypto(platform.crypto.key).encrypt(inner, appid)
    encrypt = encrypt.decode() if isinstance(encrypt, bytes) else encrypt
    query["msg_signature"] = _get_signature(platform.token, query["timestamp"], query["nonce"],
                                            encrypt)
    return (f"<xml><ToUserName><![CDATA[gh]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")


async def stored_keys(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        keys = (await conn.execute(select(ProcessedMessage.key))).scalars().all()
    await engine.dispose()
    return list(keys)


# --- encodings and sizes ----------------------------------------------------------------------


async def test_a_gbk_body_without_a_declaration_is_no_server_error(http, bot_server, config):
    body = text_xml("o-gbk-plain", "我的社保断交了").encode("gbk")
    delivery = await plain(http, bot_server, config).post("", body=body)
    assert delivery.status in (200, 400)


async def test_a_utf8_byte_order_mark_is_read(http, bot_server, config):
    body = b"\xef\xbb\xbf" + text_xml("o-bom", "你好", msg_id=3101).encode()
    delivery = await plain(http, bot_server, config).post("", body=body)
    assert delivery.status == 200 and delivery.reply


async def test_a_utf7_body_that_decodes_to_a_lone_surrogate_is_no_server_error(
        http, bot_server, config):
    """UTF-7 can spell half a surrogate pair; the reply (and its encryption) must not fail."""
    xml = text_xml("o-utf7", "AAAA", msg_id=3102).replace("AAAA", "+2AA-")
    body = b'<?xml version="1.0" encoding="utf-7"?>' + xml.encode("ascii")
    delivery = await plain(http, bot_server, config).post("", body=body)
    assert delivery.status in (200, 400)


async def test_a_one_megabyte_encrypted_body_is_413(http, bot_server, config, platform):
    q = platform.query()
    body = encrypted_body(platform, text_xml("o-mb", "x" * 1_000_000).encode(), config.appid, q)
    assert (await platform.post("", query=q, body=body)).status == 413
    assert await processed_count(config.database_url) == 0


async def test_a_slow_loris_body_does_not_hold_up_other_payers(http, bot_server, config,
                                                               platform):
    _reader, writer = await asyncio.open_connection(bot_server.host, bot_server.port)
    writer.write(b"POST /wechat?timestamp=1&nonce=2&signature=3 HTTP/1.1\r\n"
                 b"Host: x\r\nContent-Length: 4000\r\n\r\n<xml>")
    await writer.drain()
    try:
        started = time.monotonic()
        delivery = await platform.post(text_xml("o-loris-other", "你好", msg_id=3103))
        assert delivery.status == 200 and delivery.reply
        assert time.monotonic() - started < 3
    finally:
        writer.close()


# --- fields an honest platform never sends twice or nested ------------------------------------


async def test_two_senders_in_one_message_is_400(http, bot_server, config):
    xml = text_xml("o-dup-a", "取消我的登记", msg_id=3104).replace(
        "</FromUserName>", "</FromUserName><FromUserName><![CDATA[o-dup-b]]></FromUserName>", 1)
    delivery = await plain(http, bot_server, config).post(xml)
    assert delivery.status == 400
    assert await processed_count(config.database_url) == 0


async def test_markup_nested_in_content_is_400_not_read_as_a_python_dict(http, bot_server,
                                                                        config):
    xml = ("<xml><ToUserName>gh</ToUserName><FromUserName>o-nested</FromUserName>"
           "<CreateTime>1</CreateTime><MsgType>text</MsgType>"
           "<Content><b>公司</b><i>不交</i></Content><MsgId>3105</MsgId></xml>")
    delivery = await plain(http, bot_server, config).post(xml)
    assert delivery.status == 400
    assert await processed_count(config.database_url) == 0


async def test_two_msgids_in_one_message_is_400(http, bot_server, config):
    xml = text_xml("o-two-ids", "你好", msg_id=3106).replace(
        "</MsgId>", "</MsgId><MsgId>3107</MsgId>")
    delivery = await plain(http, bot_server, config).post(xml)
    assert delivery.status == 400


async def test_an_encrypted_message_for_another_appid_is_refused(platform, config):
    q = platform.query()
    body = encrypted_body(platform, text_xml("o-other-app", "你好", msg_id=3108).encode(),
                          "wx_someone_else", q)
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status in (400, 403)
    assert await processed_count(config.database_url) == 0


async def test_compat_outer_fields_never_override_the_encrypted_sender(http, bot_server,
                                                                        config):
    """Compatible mode repeats the fields in clear beside Encrypt: only the signed inner
    message counts, so an edited outer FromUserName cannot speak for another payer."""
    sender = make_platform(http, bot_server, config, "compat")
    q = sender.query()
    body = sender.envelope(text_xml("o-inner", "你好", msg_id=3109), q)
    body = body.replace("o-inner", "o-victim", 1)
    assert (await sender.post("", query=q, body=body)).status == 200
    assert await stored_keys(config.database_url) == ["o-inner:3109"]


# --- clocks and ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("create_time", ["99999999999999999999999999", "-1", "0",
                                         "32503680000", "abc"])
async def test_a_create_time_from_far_future_or_past_is_no_server_error(platform, create_time):
    xml = text_xml("o-ctime", "你好", msg_id=3110, create_time=create_time)
    assert (await platform.post(xml)).status in (200, 400)


@pytest.mark.parametrize("create_time", ["99999999999999999999999999", "-5"])
async def test_an_event_from_far_future_or_past_is_no_server_error(platform, create_time):
    xml = event_xml("o-ev-time", "CLICK", key="progress", create_time=create_time)
    assert (await platform.post(xml)).status in (200, 400)


async def test_the_same_msgid_with_other_content_is_not_handled_twice(platform, config):
    first = await platform.post(text_xml("o-same-id", "我要反映问题", msg_id=3111))
    second = await platform.post(text_xml("o-same-id", "取消", msg_id=3111))
    assert first.status == second.status == 200
    assert second.reply == first.reply
    assert await processed_count(config.database_url) == 1


async def test_two_payers_with_the_same_msgid_are_both_answered(platform, config):
    a = await platform.post(text_xml("o-id-a", "你好", msg_id=3112))
    b = await platform.post(text_xml("o-id-b", "你好", msg_id=3112))
    assert a.reply and b.reply
    assert await processed_count(config.database_url) == 2


@pytest.mark.parametrize("msg_id", ["99999999999999999999999999999", "-7", "12abc"])
async def test_an_odd_msgid_is_no_server_error(platform, msg_id):
    xml = text_xml("o-odd-id", "你好", msg_id=3113).replace("<MsgId>3113</MsgId>",
                                                           f"<MsgId>{msg_id}</MsgId>")
    assert (await platform.post(xml)).status in (200, 400)


# --- the database fills up or vanishes --------------------------------------------------------


@contextlib.asynccontextmanager
async def on_every_connection(bot_server, setup):
    """The bot's database connections reopened with ``setup(dbapi_conn, record)`` run on each
    (a read-only file, a full disk), and reopened without it afterwards."""
    engine = bot_server.app["engine"]
    batch_engine = bot_server.app["services"].batch.sync_engine

    async def reconnect():
        await engine.dispose()
        batch_engine.dispose()

    event.listen(Pool, "connect", setup)
    await reconnect()
    try:
        yield
    finally:
        event.remove(Pool, "connect", setup)
        await reconnect()


async def test_a_database_that_stops_taking_writes_asks_for_a_resend_handled_once(
        bot_server, platform, config):
    """A read-only database (a full disk, a file made read-only under the bot): SQLite's
    query_only refuses every write as a read-only file does, on the bot's own connections."""
    await platform.post(text_xml("o-ro-before", "你好", msg_id=3114))
    await bot_server.app["services"].batch.flush()

    def read_only(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only = 1")
        cur.close()

    q = platform.query()
    xml = text_xml("o-ro", "我要反映问题", msg_id=3115)
    async with on_every_connection(bot_server, read_only):
        started = time.monotonic()
        refused = await platform.post(xml, query=q)
        assert refused.status == 503
        assert time.monotonic() - started < 5  # within the platform's wait
    resend = await platform.post(xml, query=q)
    assert resend.status == 200 and resend.reply
    keys = await stored_keys(config.database_url)
    assert keys.count("o-ro:3115") == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # a file to delete
async def test_a_deleted_database_file_is_no_server_error(bot_server, platform, config):
    await platform.post(text_xml("o-del-before", "你好", msg_id=3116))
    path = config.database_url.split("///", 1)[1]
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    await bot_server.app["engine"].dispose()
    delivery = await platform.post(text_xml("o-del", "你好", msg_id=3117))
    assert delivery.status in (200, 503)


# --- the WeChat API answering what the documentation does not promise -------------------------


class TokenAPI:
    """A token endpoint answering ``expires_in`` as scripted, and a send endpoint that
    answers each of ``answers`` in turn (then errcode 0)."""

    def __init__(self, expires_in):
        self.expires_in = expires_in
        self.token_calls = 0
        self.sent: list[dict] = []
        self.answers: list = []

    async def token(self, request):
        self.token_calls += 1
        return web.json_response({"access_token": f"t{self.token_calls}",
                                  "expires_in": self.expires_in})

    async def send(self, request):
        body = await request.json()
        answer = self.answers.pop(0) if self.answers else {"errcode": 0, "errmsg": "ok"}
        if answer.get("errcode", 0) == 0 and "errcode" in answer:
            self.sent.append(body)
        return web.json_response(answer)


async def token_api(aiohttp_server, expires_in) -> TokenAPI:
    fake = TokenAPI(expires_in)
    app = web.Application()
    app.router.add_get("/cgi-bin/token", fake.token)
    app.router.add_post("/cgi-bin/message/custom/send", fake.send)
    fake.server = await aiohttp_server(app, host="127.0.0.1")
    fake.base = str(fake.server.make_url("")).rstrip("/")
    return fake


@pytest.mark.parametrize("expires_in", ["7200", None, "two hours", 10 ** 20, -5, 0])
async def test_a_token_with_an_odd_lifetime_still_sends_and_is_not_fetched_each_time(
        aiohttp_server, sm, config, http, expires_in):
    fake = await token_api(aiohttp_server, expires_in)
    client = WeChatAPI(http, fake.base, config.appid, config.appsecret, TokenStore(sm),
                       timeout=1.0)
    for n in range(3):
        await client.send_text("o-life", f"第{n}条")
    assert len(fake.sent) == 3
    assert fake.token_calls <= 2


@pytest.mark.parametrize("answer", [{}, {"errcode": None}, {"errmsg": "ok"}])
async def test_a_send_answer_without_an_errcode_is_not_counted_as_sent(
        aiohttp_server, sm, config, http, answer):
    """The webhook client treats such an answer as unknown; the WeChat API client took it
    for success and the outbox marked an unsent reply sent."""
    fake = await token_api(aiohttp_server, 7200)
    fake.answers = [answer]
    client = WeChatAPI(http, fake.base, config.appid, config.appsecret, TokenStore(sm),
                       timeout=1.0)
    with pytest.raises(WeChatAPIError):
        await client.send_text("o-noerr", "你好")


async def test_a_text_with_a_lone_surrogate_is_sent_not_raised(aiohttp_server, sm, config,
                                                                http):
    fake = await token_api(aiohttp_server, 7200)
    client = WeChatAPI(http, fake.base, config.appid, config.appsecret, TokenStore(sm),
                       timeout=1.0)
    await client.send_text("o-sur", "单位\ud800不交")
    [sent] = fake.sent
    assert sent["text"]["content"].startswith("单位") and sent["text"]["content"].endswith("不交")


async def test_a_token_endpoint_that_hangs_fails_within_the_timeout(aiohttp_server, sm,
                                                                   config, http):
    async def hang(request):
        await asyncio.sleep(30)
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/cgi-bin/token", hang)
    server = await aiohttp_server(app, host="127.0.0.1")
    client = WeChatAPI(http, str(server.make_url("")).rstrip("/"), config.appid,
                       config.appsecret, TokenStore(sm), timeout=0.5)
    started = time.monotonic()
    with pytest.raises((WeChatAPIError, asyncio.TimeoutError)):
        await client.send_text("o-hang", "你好")
    assert time.monotonic() - started < 5


# --- the WeCom robot answering numbers JSON allows but no errcode is ----------------------------


@pytest.mark.parametrize("errcode", ["Infinity", "NaN", "-Infinity", "1e400"])
async def test_a_webhook_errcode_of_infinity_is_retried_not_raised(aiohttp_server, http, errcode):
    from routing.webhook import WebhookClient, markdown_payload

    async def send(request):
        return web.Response(text=f'{{"errcode": {errcode}, "errmsg": "x"}}',
                            content_type="application/json")

    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", send)
    server = await aiohttp_server(app, host="127.0.0.1")
    result = await WebhookClient(http, str(server.make_url("")), timeout=1.0).send(
        "k", markdown_payload("## 案件"))
    assert result.outcome == "retry" and not result.ok


@pytest.mark.parametrize("errcode", ["Infinity", "NaN"])
async def test_a_send_errcode_of_infinity_is_an_api_error(aiohttp_server, sm, config, http,
                                                          errcode):
    async def token(request):
        return web.json_response({"access_token": "t", "expires_in": 7200})

    async def send(request):
        return web.Response(text=f'{{"errcode": {errcode}}}', content_type="application/json")

    app = web.Application()
    app.router.add_get("/cgi-bin/token", token)
    app.router.add_post("/cgi-bin/message/custom/send", send)
    server = await aiohttp_server(app, host="127.0.0.1")
    client = WeChatAPI(http, str(server.make_url("")).rstrip("/"), config.appid,
                       config.appsecret, TokenStore(sm), timeout=1.0)
    with pytest.raises(WeChatAPIError):
        await client.send_text("o-inf", "你好")


# --- the nonce log shared by workers (test_faults_fresh2 has the plaintext-to-plaintext case) --


async def another_worker(aiohttp_server, config):
    from bot.app import build_app

    return await aiohttp_server(build_app(config, models=(None, None)))


async def test_an_encrypted_query_replayed_as_plaintext_to_another_worker_is_refused(
        http, bot_server, config, platform, aiohttp_server):
    other = await another_worker(aiohttp_server, config)
    q = platform.query()
    assert (await platform.post(text_xml("o-enc-w1", "你好", msg_id=3201), query=q)).status == 200
    await bot_server.app["services"].batch.flush()
    forged = {k: q[k] for k in ("timestamp", "nonce", "signature")}
    delivery = await plain(http, other, config).post(
        text_xml("o-enc-victim", "取消我的登记", msg_id=3202), query=forged)
    assert delivery.status == 403
    assert await stored_keys(config.database_url) == ["o-enc-w1:3201"]


async def test_after_a_refused_replay_the_platforms_resend_still_passes_there(
        http, bot_server, config, aiohttp_server):
    other = await another_worker(aiohttp_server, config)
    first, second = plain(http, bot_server, config), plain(http, other, config)
    q = first.query()
    xml = text_xml("o-resend-w1", "第一条", msg_id=3203)
    assert (await first.post(xml, query=q)).status == 200
    assert (await second.post(text_xml("o-forge", "别人的话", msg_id=3204),
                              query=q)).status == 403
    resend = await second.post(xml, query=q)
    assert resend.status == 200 and resend.reply
    assert await stored_keys(config.database_url) == ["o-resend-w1:3203"]


async def test_two_copies_of_a_replay_at_once_are_both_refused(http, bot_server, config,
                                                               aiohttp_server):
    other = await another_worker(aiohttp_server, config)
    q = plain(http, bot_server, config).query()
    assert (await plain(http, bot_server, config).post(
        text_xml("o-burst-w1", "第一条", msg_id=3205), query=q)).status == 200
    forged = plain(http, other, config)
    copies = await asyncio.gather(*[forged.post(text_xml("o-burst", "别人的话", msg_id=3206),
                                                query=q) for _ in range(3)])
    assert [c.status for c in copies] == [403] * 3
    assert await stored_keys(config.database_url) == ["o-burst-w1:3205"]


async def test_old_nonces_are_purged_with_old_message_ids(bot_server, platform, config):
    from datetime import timedelta

    from bot.store.dedup import DedupStore
    from bot.store.models import CallbackNonce

    services = bot_server.app["services"]
    assert (await platform.post(text_xml("o-purge", "你好", msg_id=3207))).status == 200
    await services.batch.flush()
    engine = make_engine(config.database_url)
    async with engine.connect() as conn:
        assert len((await conn.execute(select(CallbackNonce.key))).all()) == 1
    await DedupStore(services.sessionmaker, services.batch).purge(timedelta(seconds=-1))
    async with engine.connect() as conn:
        assert (await conn.execute(select(CallbackNonce.key))).all() == []
    await engine.dispose()
