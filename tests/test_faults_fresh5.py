"""Faults round 5. A known leftover first: a stalled callback body is answered 408 and the
connection closed at once. Then blind probes of the HTTP gateway (odd but legal XML, odd
queries and methods, broken envelopes, a burst from one payer), the outbound clients (a
WeChat API or a WeCom robot answering what they should not) and the store (a full disk).
Every fault ends in a clear HTTP status or a queued retry: no 5xx, no lost message, no
duplicate."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from datetime import timedelta

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.simulator import event_xml, message_xml, text_xml
from bot.store.db import make_engine
from bot.store.models import ProcessedMessage
from bot.store.tokens import TokenStore
from bot.wechat_api import WeChatAPI
from routing.outbox import OutboxDispatcher
from routing.webhook import WebhookClient
from tests import test_cases as base
from tests.conftest import make_platform
from tests.test_cases import T0, drain, register, set_last_message
from tests.test_chat_fresh import draft_of
from tests.test_faults_fresh import Clock
from tests.test_faults_fresh3 import encrypted_body, on_every_connection
from tests.test_faults_fresh4 import stalled_callback
from tests.test_gateway import processed_count
from tests.test_outbox import register_accepted, rows

engine, rules, sm = base.engine, base.rules, base.sm

TAX = "dev-key-zc-tax"
ADMIN = "dev-key-admin"


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def plain(http, server, config):
    return make_platform(http, server, config, "plain")


async def stored_keys(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        keys = (await conn.execute(select(ProcessedMessage.key))).scalars().all()
    await engine.dispose()
    return list(keys)


# === Part A.2: after the 408 the connection is closed ========================================


async def test_a_stalled_body_gets_408_and_the_connection_closes_at_once(
        aiohttp_server, config, models):
    reader, writer = await stalled_callback(aiohttp_server, config, models, "f5loris")
    try:
        started = time.monotonic()
        answer = await asyncio.wait_for(reader.read(), 5.0)  # everything, up to EOF
        took = time.monotonic() - started
    finally:
        writer.close()
    assert answer.split()[1] == b"408", answer[:100]
    assert took < 2.0, took  # the bot hung up, it did not linger reading the rest


# === Part B: odd but legal XML =================================================================


def cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>"


def handwritten(openid: str, content: str, msg_id: int, sep: str = "", indent: str = "") -> str:
    fields = [("ToUserName", cdata("gh_disputebot")), ("FromUserName", cdata(openid)),
              ("CreateTime", str(int(time.time()))), ("MsgType", cdata("text")),
              ("Content", content), ("MsgId", str(msg_id))]
    inner = sep.join(f"{indent}<{k}>{v}</{k}>" for k, v in fields)
    return f"<xml>{sep}{inner}{sep}</xml>"


async def test_content_split_across_two_cdata_sections_is_read_whole(http, bot_server, config):
    openid = "o-f5-cdata"
    xml = handwritten(openid, cdata("公司没给我交") + cdata("社保三个月了"), 5001)
    delivery = await plain(http, bot_server, config).post(xml)
    assert delivery.status == 200 and delivery.reply, delivery
    assert "没给我交社保" in ((await draft_of(config, openid)).get("description") or ""), \
        delivery.reply


@pytest.mark.parametrize("mode", ["plain", "aes"])
async def test_a_bom_crlf_and_indentation_are_read(http, bot_server, config, mode):
    openid = f"o-f5-crlf-{mode}"
    xml = "\ufeff" + handwritten(openid, cdata("公司没给我交社保三个月了"), 5002,
                                 sep="\r\n", indent="  \t")
    sender = make_platform(http, bot_server, config, mode)
    if mode == "plain":
        delivery = await sender.post("", body=xml.encode("utf-8"))
    else:
        delivery = await sender.post(xml)
    assert delivery.status == 200 and delivery.reply, delivery
    assert "没给我交社保" in ((await draft_of(config, openid)).get("description") or ""), \
        delivery.reply


async def test_a_declaration_comments_extra_fields_and_any_order_are_read(http, bot_server,
                                                                          config):
    openid = "o-f5-order"
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- relay -->'
           f"<xml><MsgId>5003</MsgId><!-- x --><Content>{cdata('你好')}</Content>"
           f"<bizmsgmenuid>7</bizmsgmenuid><MsgType>\n  {cdata('text')}\n</MsgType>"
           f"<CreateTime>{int(time.time())}</CreateTime><Idx>1</Idx>"
           f"<FromUserName>{cdata(openid)}</FromUserName>"
           f"<ToUserName>{cdata('gh_disputebot')}</ToUserName></xml>")
    delivery = await plain(http, bot_server, config).post("", body=xml)
    assert delivery.status == 200 and delivery.reply, delivery
    assert await stored_keys(config.database_url) == [f"{openid}:5003"]


async def test_a_line_break_inside_the_text_is_part_of_the_message(platform, config):
    openid = "o-f5-inner-crlf"
    delivery = await platform.post(text_xml(openid, "公司没给我交\r\n社保三个月了", msg_id=5004))
    assert delivery.status == 200 and delivery.reply
    assert "交" in ((await draft_of(config, openid)).get("description") or ""), delivery.reply


@pytest.mark.parametrize("kind,fields", [
    ("miniprogrampage", {"Title": "社保查询", "AppId": "wx123", "PagePath": "pages/index",
                         "ThumbUrl": "http://127.0.0.1/t.png", "ThumbMediaId": "t"}),
    ("shortvideo", {"MediaId": "m", "ThumbMediaId": "t"}),
    ("music", {"Title": "歌", "MusicUrl": "http://127.0.0.1/m.mp3"}),
])
async def test_a_message_type_we_do_not_read_asks_for_words(platform, config, kind, fields):
    openid = f"o-f5-kind-{kind}"
    delivery = await platform.post(message_xml(openid, kind, fields, msg_id=5005))
    assert delivery.status == 200 and delivery.reply and has_chinese(delivery.reply), delivery
    assert await stored_keys(config.database_url) == [f"{openid}:5005"]


@pytest.mark.parametrize("event_name,key", [
    ("TEMPLATESENDJOBFINISH", None), ("MASSSENDJOBFINISH", None), ("LOCATION", None),
    ("VIEW", "http://127.0.0.1/page"), ("kf_close_session", None),
    ("view_miniprogram", "pages/index"), ("subscribe_msg_popup_event", None),
])
async def test_system_events_get_no_chat_reply(platform, event_name, key):
    delivery = await platform.post(event_xml("o-f5-ev", event_name, key=key))
    assert delivery.status == 200 and delivery.reply is None, delivery


async def test_a_subscribe_with_an_empty_event_key_is_welcomed(platform):
    xml = event_xml("o-f5-sub", "subscribe", key="")
    delivery = await platform.post(xml)
    assert delivery.status == 200 and delivery.reply and has_chinese(delivery.reply), delivery


async def test_an_empty_text_is_answered_not_refused(platform):
    delivery = await platform.post(text_xml("o-f5-empty", "", msg_id=5006))
    assert delivery.status == 200 and delivery.reply, delivery


async def test_character_references_and_escapes_in_plain_xml_are_read(http, bot_server, config):
    """Legal XML a relay may re-serialise into: no CDATA, &amp; and numeric references."""
    openid = "o-f5-refs"
    content = "A&amp;B&#20844;&#21496;没给我交社保三个月了"
    xml = handwritten(openid, content, 5012)
    delivery = await plain(http, bot_server, config).post("", body=xml)
    assert delivery.status == 200 and delivery.reply, delivery
    assert "公司没给我交社保" in ((await draft_of(config, openid)).get("description") or ""), \
        delivery.reply


async def test_an_encrypt_field_wrapped_in_line_breaks_is_read(platform, config):
    q = platform.query()
    body = platform.envelope(text_xml("o-f5-wrapped", "你好", msg_id=5013), q)
    body = body.replace("<Encrypt><![CDATA[", "<Encrypt>\r\n  <![CDATA[").replace(
        "]]></Encrypt>", "]]>\r\n</Encrypt>").replace("><", ">\r\n<")
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status == 200 and delivery.reply, delivery


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded",
                                          "application/octet-stream", "text/plain; charset=gbk"])
async def test_any_content_type_is_read_as_the_platforms_xml(http, bot_server, config,
                                                            platform, content_type):
    q = platform.query()
    body = platform.envelope(text_xml("o-f5-ctype", "你好", msg_id=5014), q).encode()
    headers = {"Content-Type": content_type} if content_type else {}
    async with http.post(bot_server.make_url("/wechat"), params=q, data=body,
                         headers=headers, skip_auto_headers=["Content-Type"]) as resp:
        assert resp.status == 200, (resp.status, await resp.text())
        assert platform.read_reply(await resp.text(), q)


# === Part C: odd queries, methods, ids and clocks ============================================


async def test_a_query_repeated_whole_by_a_relay_is_accepted(http, bot_server, config,
                                                              platform):
    q = platform.query()
    body = platform.envelope(text_xml("o-f5-dupq", "你好", msg_id=5007), q)
    pairs = list(q.items()) * 2
    async with http.post(bot_server.make_url("/wechat"), params=pairs, data=body) as resp:
        assert resp.status == 200, (resp.status, await resp.text())
    assert await stored_keys(config.database_url) == ["o-f5-dupq:5007"]


@pytest.mark.parametrize("name", ["signature", "timestamp", "nonce", "msg_signature",
                                  "encrypt_type"])
@pytest.mark.parametrize("bad_first", [True, False])
async def test_a_parameter_given_twice_with_two_values_is_refused(http, bot_server, config,
                                                                   platform, name, bad_first):
    q = platform.query()
    body = platform.envelope(text_xml("o-f5-twoq", "你好", msg_id=5008), q)
    other = {"timestamp": str(int(q["timestamp"]) - 1), "encrypt_type": "raw"}.get(name, "0" * 40)
    pairs = [(k, v) for k, v in q.items() if k != name]
    pairs += [(name, other), (name, q[name])] if bad_first else [(name, q[name]), (name, other)]
    async with http.post(bot_server.make_url("/wechat"), params=pairs, data=body) as resp:
        assert resp.status in (400, 403), (resp.status, await resp.text())
    assert await processed_count(config.database_url) == 0


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_on_the_callback_are_405(http, bot_server, platform, method):
    q = platform.query()
    async with http.request(method, bot_server.make_url("/wechat"), params=q,
                            data=b"<xml/>") as resp:
        assert resp.status == 405, resp.status


async def test_head_on_the_callback_is_no_server_error(http, bot_server, platform):
    q = dict(platform.query(), echostr="f5echo")
    q.pop("encrypt_type", None)
    async with http.head(bot_server.make_url("/wechat"), params=q) as resp:
        assert resp.status in (200, 405), resp.status
    async with http.head(bot_server.make_url("/wechat")) as resp:
        assert resp.status in (400, 403, 405), resp.status


async def test_a_get_with_a_message_body_is_not_a_message(http, bot_server, config, platform):
    q = platform.query()
    body = platform.envelope(text_xml("o-f5-get", "你好", msg_id=5009), q)
    async with http.get(bot_server.make_url("/wechat"), params=q, data=body) as resp:
        assert resp.status in (400, 403, 405), resp.status
    assert await processed_count(config.database_url) == 0


@pytest.mark.parametrize("msg_id", [2 ** 64 + 1, 2 ** 63, 10 ** 30 + 7])
async def test_a_huge_msgid_sent_twice_is_handled_once(platform, config, msg_id):
    xml = text_xml("o-f5-bigid", "你好", msg_id=msg_id)
    first, second = await platform.post(xml), await platform.post(xml)
    assert first.status == second.status == 200 and first.reply
    assert await processed_count(config.database_url) == 1


async def test_two_huge_msgids_differing_in_the_last_digit_are_two_messages(platform, config):
    a = await platform.post(text_xml("o-f5-bigids", "你好", msg_id=2 ** 64 + 1))
    b = await platform.post(text_xml("o-f5-bigids", "谢谢", msg_id=2 ** 64 + 2))
    assert a.reply and b.reply
    assert await processed_count(config.database_url) == 2


@pytest.mark.parametrize("offset,status", [(-290, 200), (290, 200), (-36000, 403),
                                           (36000, 403)])
async def test_a_platform_clock_a_little_off_is_fine_hours_off_is_403(platform, offset, status):
    q = platform.query(timestamp=str(int(time.time()) + offset))
    delivery = await platform.post(text_xml("o-f5-clock", "你好"), query=q)
    assert delivery.status == status


# === Part D: broken envelopes =================================================================


@pytest.mark.parametrize("appid", ["wxd15ba7e5c0de0001x", "WXD15BA7E5C0DE0001", "",
                                   "wxd15ba7e5c0de000", "wxd15ba7e5c0de0001 "])
async def test_an_envelope_for_a_near_miss_appid_is_refused(platform, config, appid):
    assert config.appid == "wxd15ba7e5c0de0001"
    q = platform.query()
    body = encrypted_body(platform, text_xml("o-f5-appid", "你好", msg_id=5010).encode(),
                          appid, q)
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status in (400, 403), delivery.status
    assert await processed_count(config.database_url) == 0


@pytest.mark.parametrize("cut", [1, 2, 3, 4, 16, "pad"])
async def test_a_truncated_encrypt_field_is_400(platform, config, cut):
    from wechatpy.crypto import _get_signature

    q = platform.query()
    body = platform.envelope(text_xml("o-f5-trunc", "你好", msg_id=5011), q)
    encrypt = body.split("<Encrypt><![CDATA[", 1)[1].split("]]>", 1)[0]
    short = encrypt.rstrip("=") if cut == "pad" else encrypt[:-cut]
    if short == encrypt:
        short = encrypt[:-5]
    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], short)
    delivery = await platform.post("", query=q, body=body.replace(encrypt, short))
    assert delivery.status == 400, delivery.status
    assert await processed_count(config.database_url) == 0


# === Part E: fifty messages in one second from one payer =====================================


async def test_fifty_messages_in_a_second_are_each_answered_once(http, bot_server, config,
                                                                 platform, fake_api):
    openid = "o-f5-burst"
    lines = ["在吗", "你好", "公司没交社保", "三个月了", "怎么办", "？？", "急", "人呢",
             "我要投诉", "算了"]
    xmls = [text_xml(openid, lines[i % len(lines)] + str(i), msg_id=6000 + i)
            for i in range(50)]
    deliveries = await asyncio.gather(*(platform.post(x) for x in xmls))
    statuses = [d.status for d in deliveries]
    assert all(s == 200 for s in statuses), statuses
    keys = await stored_keys(config.database_url)
    assert sorted(keys) == sorted(f"{openid}:{6000 + i}" for i in range(50))
    # the platform resends all of them: nothing is handled a second time
    again = await asyncio.gather(*(platform.post(x) for x in xmls))
    assert all(d.status == 200 for d in again)
    assert len(await stored_keys(config.database_url)) == 50


async def test_fifty_messages_past_the_reply_budget_are_each_answered_later(
        aiohttp_server, http, config, models, fake_api):
    """The same burst with a budget most of them miss: those answered ``success`` get their
    reply as a customer-service text, none lost, none left in the outbox."""
    from bot.app import build_app

    server = await aiohttp_server(build_app(dataclasses.replace(config, reply_budget=0.2),
                                            models=models))
    platform = make_platform(http, server, config)
    openid = "o-f5-burst-late"
    xmls = [text_xml(openid, f"公司没交社保{i}个月了怎么办", msg_id=6100 + i) for i in range(50)]
    deliveries = await asyncio.gather(*(platform.post(x) for x in xmls))
    assert all(d.status == 200 for d in deliveries), [d.status for d in deliveries]
    silent = sum(1 for d in deliveries if not d.reply)
    sm = server.app["services"].sessionmaker
    for _ in range(400):
        left = [r for r in await rows(sm, "wechat") if r.status != "sent"]
        if len(fake_api.texts_to(openid)) >= silent and not left:
            break
        await asyncio.sleep(0.05)
    assert len(fake_api.texts_to(openid)) >= silent, (silent, len(fake_api.texts_to(openid)))
    assert not left, [(r.status, r.last_error) for r in left]
    assert len(await stored_keys(config.database_url)) == 50


# === Part F: the store fills up ===============================================================


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_full_disk_asks_for_resends_and_each_is_handled_once(bot_server, platform,
                                                                     config):
    """SQLite's max_page_count caps the file at its present size, as a full disk does."""
    await platform.post(text_xml("o-f5-full-before", "你好", msg_id=7000))
    await bot_server.app["services"].batch.flush()

    def full(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
        cur.close()

    sent = []
    async with on_every_connection(bot_server, full):
        for i in range(1, 25):
            q = platform.query()
            xml = text_xml(f"o-f5-full-{i}", "公司没给我交社保" + "很久了" * 200, msg_id=7000 + i)
            started = time.monotonic()
            delivery = await platform.post(xml, query=q)
            assert delivery.status in (200, 503), delivery
            assert time.monotonic() - started < 5
            sent.append((xml, q, delivery.status))
    assert any(status == 503 for *_, status in sent), "the cap never bit"
    for xml, q, status in sent:
        if status == 503:
            resend = await platform.post(xml, query=q)
            assert resend.status == 200 and resend.reply, resend
    await bot_server.app["services"].batch.flush()
    keys = await stored_keys(config.database_url)
    for i in range(1, 25):
        assert keys.count(f"o-f5-full-{i}:{7000 + i}") == 1, i


# === Part G: the WeChat API answering what it should not ====================================


class FlakyAPI:
    """Token and customer-service endpoints; each send answers the next scripted mode."""

    def __init__(self):
        self.modes: list[str] = []
        self.token_modes: list[str] = []
        self.sent: list[dict] = []
        self.tries = 0
        self.token_calls = 0

    async def token(self, request):
        self.token_calls += 1
        mode = self.token_modes.pop(0) if self.token_modes else "ok"
        if mode == "cut":
            return await self._cut(request)
        return web.json_response({"access_token": "tok", "expires_in": 7200})

    async def _cut(self, request):
        resp = web.StreamResponse(headers={"Content-Type": "application/json",
                                           "Content-Length": "200"})
        await resp.prepare(request)
        await resp.write(b'{"errcode": 0, "err')
        await asyncio.sleep(0.05)
        request.transport.abort()
        return resp

    async def send(self, request):
        body = await request.json()
        self.tries += 1
        mode = self.modes.pop(0) if self.modes else "ok"
        if mode == "html200":
            return web.Response(text="<html><body>请登录</body></html>", content_type="text/html")
        if mode == "html502":
            return web.Response(status=502, content_type="text/html",
                                text="<html><h1>502 Bad Gateway</h1></html>")
        if mode == "cut":
            return await self._cut(request)
        if mode == "slow":
            await asyncio.sleep(3)
            return web.json_response({"errcode": -1, "errmsg": "system busy"})
        self.sent.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def texts_to(self, openid: str) -> list[str]:
        return [m["text"]["content"] for m in self.sent
                if m.get("touser") == openid and m.get("msgtype") == "text"]


@pytest.fixture
async def flaky_api(aiohttp_server):
    fake = FlakyAPI()
    app = web.Application()
    app.router.add_get("/cgi-bin/token", fake.token)
    app.router.add_post("/cgi-bin/message/custom/send", fake.send)
    app.router.add_post("/cgi-bin/message/template/send", fake.send)
    fake.server = await aiohttp_server(app, host="127.0.0.1")
    fake.base = str(fake.server.make_url("")).rstrip("/")
    return fake


def flaky_dispatcher(sm, http, config, api, clock=None) -> OutboxDispatcher:
    """``clock``: the monotonic seconds that hold token fetches after a failed one."""
    client = WeChatAPI(http, api.base, config.appid, config.appsecret, TokenStore(sm),
                       timeout=1.0, clock=clock or Clock())
    return OutboxDispatcher(sm, WebhookClient(http, config.webhook_base, timeout=1.0), client,
                            config, rng=lambda: 1.0)


@pytest.mark.parametrize("mode", ["html200", "html502", "cut", "slow"])
async def test_a_notice_the_api_garbled_is_kept_and_sent_once_later(sm, config, rules, http,
                                                                   flaky_api, mode):
    openid = f"o-f5-api-{mode}"
    await set_last_message(sm, openid, T0 - timedelta(minutes=5))
    flaky_api.modes = [mode]
    case = await register_accepted(sm, config, rules, openid=openid)
    dispatcher = flaky_dispatcher(sm, http, config, flaky_api)
    await drain(dispatcher, T0)
    [notice] = await rows(sm, "wechat")
    assert notice.status == "pending" and notice.attempts == 1, (notice.status,
                                                                 notice.last_error)
    assert notice.next_attempt_at > T0 and notice.last_error
    assert "<html" not in notice.last_error
    await drain(dispatcher, T0 + timedelta(minutes=30))
    [notice] = await rows(sm, "wechat")
    assert notice.status == "sent", (notice.status, notice.last_error)
    texts = [t for t in flaky_api.texts_to(openid) if case.case_no in t]
    assert len(texts) == 1, flaky_api.texts_to(openid)


async def test_a_token_answer_cut_mid_body_keeps_the_notice_pending(sm, config, rules, http,
                                                                   flaky_api):
    openid = "o-f5-token-cut"
    await set_last_message(sm, openid, T0 - timedelta(minutes=5))
    flaky_api.token_modes = ["cut"]
    case = await register_accepted(sm, config, rules, openid=openid)
    clock = Clock()
    dispatcher = flaky_dispatcher(sm, http, config, flaky_api, clock)
    await drain(dispatcher, T0)
    [notice] = await rows(sm, "wechat")
    assert notice.status == "pending" and flaky_api.tries == 0, notice.last_error
    clock.seconds += 30 * 60
    await drain(dispatcher, T0 + timedelta(minutes=30))
    assert [t for t in flaky_api.texts_to(openid) if case.case_no in t]
    assert (await rows(sm, "wechat"))[0].status == "sent"


# === Part H: the WeCom robot answering 429 ===================================================


class BusyRobot:
    def __init__(self):
        self.answers: dict[str, list[str]] = {}
        self.posts: list[dict] = []

    async def send(self, request):
        body = await request.json()
        queue = self.answers.get(request.query.get("key", ""))
        answer = queue.pop(0) if queue else "ok"
        if answer == "429":
            return web.Response(status=429, headers={"Retry-After": "120"},
                                text="Too Many Requests")
        if answer == "429json":
            return web.json_response({"errcode": 45009, "errmsg": "api freq out of limit"},
                                     status=429)
        if answer.isdigit():
            return web.json_response({"errcode": int(answer), "errmsg": "fake"})
        self.posts.append({"key": request.query.get("key"), "body": body})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def to_key(self, key):
        return [p for p in self.posts if p["key"] == key]


@pytest.fixture
async def busy_robot(aiohttp_server):
    fake = BusyRobot()
    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", fake.send)
    fake.server = await aiohttp_server(app, host="127.0.0.1")
    fake.base = str(fake.server.make_url("")).rstrip("/")
    return fake


def robot_dispatcher(sm, http, config, robot) -> OutboxDispatcher:
    client = WeChatAPI(http, config.api_base, config.appid, config.appsecret, TokenStore(sm),
                       timeout=1.0)
    return OutboxDispatcher(sm, WebhookClient(http, robot.base, timeout=1.0), client, config,
                            rng=lambda: 1.0)


@pytest.mark.parametrize("answer", ["429", "429json"])
async def test_a_429_holds_the_card_for_its_retry_after_and_it_goes_once(sm, config, rules,
                                                                         http, busy_robot,
                                                                         answer):
    busy_robot.answers = {TAX: [answer]}
    case = await register(sm, config, rules, openid="o-f5-429")
    dispatcher = robot_dispatcher(sm, http, config, busy_robot)
    await drain(dispatcher, T0)
    card = next(r for r in await rows(sm, "webhook") if r.target == TAX)
    assert card.status == "pending" and card.attempts == 1, card.last_error
    assert card.next_attempt_at >= T0 + timedelta(seconds=60), card.next_attempt_at
    await drain(dispatcher, T0 + timedelta(seconds=20))
    assert busy_robot.to_key(TAX) == []
    await drain(dispatcher, T0 + timedelta(minutes=10))
    sent = [p for p in busy_robot.to_key(TAX) if case.case_no in json.dumps(p["body"],
                                                                            ensure_ascii=False)]
    assert len(sent) == 1
    assert all(r.status == "sent" for r in await rows(sm, "webhook"))


async def test_93000_for_a_group_key_fails_its_cards_and_tells_the_admin_once_each(
        sm, config, rules, http, busy_robot):
    busy_robot.answers = {TAX: ["93000", "93000"]}
    first = await register(sm, config, rules, openid="o-f5-93000-a")
    dispatcher = robot_dispatcher(sm, http, config, busy_robot)
    await drain(dispatcher, T0)
    second = await register(sm, config, rules, openid="o-f5-93000-b", now=T0)
    await drain(dispatcher, T0 + timedelta(minutes=1))
    await drain(dispatcher, T0 + timedelta(hours=2))
    tax = [r for r in await rows(sm, "webhook") if r.target == TAX]
    assert {r.status for r in tax} == {"failed"}, [(r.status, r.last_error) for r in tax]
    alerts = [json.dumps(p["body"], ensure_ascii=False) for p in busy_robot.to_key(ADMIN)]
    for case in (first, second):
        assert sum(case.case_no in a for a in alerts) == 1, alerts
