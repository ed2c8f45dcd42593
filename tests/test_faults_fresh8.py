"""Faults and privacy round 8, written blind: callbacks with a query parameter missing, a
timestamp that is no timestamp or a year old, a body cut off or deeply nested, a payload whose
bytes are no UTF-8 or whose inner ToUserName or AppId is not the one it was sent to; a link,
file, short video, location without a label, unknown event or a message without MsgType in
the middle of a filing or at its confirmation; a group robot answering 45009, 93000, an HTML
page with status 200 or answering slowly, with the cards of one group kept in order; an
access token expired under a pass of many notices; and phone and ID numbers written with a
lower-case x, +86 / 0086 prefixes, spoken digits, em dashes and landlines with spaces — in
group cards, logs and /metrics labels. Local fakes on 127.0.0.1, real wechatpy crypto."""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import struct
import time
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from wechatpy.crypto import _get_signature

import tests.test_metrics_logging as logging_tests
from bot.privacy import scrub
from bot.simulator import Platform, _cdata, message_xml, text_xml
from bot.store.models import DialogueState
from routing.cards import safe_group_text
from routing.outbox import OutboxDispatcher
from routing.webhook import WebhookClient
from tests import test_cases as base
from tests.conftest import make_platform
from tests.test_cases import T0, drain, register
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_robustness import slots_of, to_question
from tests.test_faults_fresh import FaultyAPI, api_dispatcher, our_logs
from tests.test_gateway import processed_count
from tests.test_outbox import register_accepted, rows, set_last_message
from tests.test_privacy_fresh4 import random_query_values_dropped
from tests.test_privacy_fresh6 import shows

engine, rules, sm = base.engine, base.rules, base.sm
capture = logging_tests.capture

TAX = "dev-key-zc-tax"
ADMIN = "dev-key-admin"


async def nothing_handled(config, openid: str | None = None) -> None:
    assert await processed_count(config.database_url) == 0
    if openid:
        assert await fetch(config.database_url, DialogueState, openid=openid) == []


def no_traceback(caplog) -> None:
    logged = our_logs(caplog)
    assert "Traceback" not in logged, logged[-2000:]


# === Part A: callbacks that are not what the platform sends ==================================


@pytest.mark.parametrize("missing", ["timestamp", "nonce", "msg_signature"])
async def test_a_query_parameter_missing_is_a_client_error(platform, config, caplog, missing):
    openid = f"o-f8-miss-{missing}"
    q = platform.query()
    body = platform.envelope(text_xml(openid, "公司没给我交社保"), q)
    del q[missing]
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status in (400, 403), delivery.status
    await nothing_handled(config, openid)
    no_traceback(caplog)


async def test_plain_mode_without_a_signature_is_403(http, bot_server, config):
    sender = make_platform(http, bot_server, config, "plain")
    q = sender.query()
    del q["signature"]
    delivery = await sender.post(text_xml("o-f8-nosig", "你好"), query=q)
    assert delivery.status == 403
    await nothing_handled(config, "o-f8-nosig")


@pytest.mark.parametrize("stamp", ["abc", "99999999999999999999999", "millis"])
async def test_a_timestamp_that_is_no_current_unix_time_is_refused(platform, config, caplog,
                                                                  stamp):
    if stamp == "millis":  # a client sending milliseconds
        stamp = str(int(time.time() * 1000))
    q = platform.query(timestamp=stamp)
    delivery = await platform.post(text_xml("o-f8-stamp", "你好"), query=q)
    assert delivery.status in (400, 403), delivery.status
    await nothing_handled(config, "o-f8-stamp")
    no_traceback(caplog)


@pytest.mark.parametrize("age", [timedelta(days=1), timedelta(days=365)])
async def test_a_correctly_signed_callback_replayed_long_after_is_refused(platform, config,
                                                                          age):
    q = platform.query(timestamp=str(int(time.time() - age.total_seconds())))
    delivery = await platform.post(text_xml("o-f8-replay", "公司没给我交社保"), query=q)
    assert delivery.status == 403
    await nothing_handled(config, "o-f8-replay")


@pytest.mark.parametrize("mode", ["aes", "plain"])
async def test_a_body_cut_off_midway_is_400(http, bot_server, config, caplog, mode):
    sender = make_platform(http, bot_server, config, mode)
    q = sender.query()
    body = sender.envelope(text_xml("o-f8-cut", "公司没给我交社保，电话13987654321"), q)
    delivery = await sender.post("", query=q, body=body[: len(body) // 2])
    assert delivery.status == 400, delivery.status
    await nothing_handled(config, "o-f8-cut")
    no_traceback(caplog)


def encrypt_raw(platform: Platform, config, payload: bytes, appid: bytes) -> str:
    """What the platform would send if its plaintext were these bytes (WeChat's layout:
    16 random bytes, the length, the message, the AppId; PKCS#7 to 32; AES-256-CBC)."""
    key = base64.b64decode(config.aes_key + "=")
    text = os.urandom(16) + struct.pack("I", socket.htonl(len(payload))) + payload + appid
    pad = 32 - len(text) % 32
    text += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(text) + encryptor.finalize()).decode()


async def post_encrypted(platform: Platform, encrypt: str):
    q = platform.query()
    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], encrypt)
    body = (f"<xml><ToUserName>{_cdata('gh_disputebot')}</ToUserName>"
            f"<Encrypt>{_cdata(encrypt)}</Encrypt></xml>")
    return await platform.post("", query=q, body=body)


async def test_a_payload_whose_bytes_are_no_utf8_is_400(platform, config, caplog):
    xml = text_xml("o-f8-bytes", "公司没给我交社保").encode("utf-8")
    broken = xml.replace("公司".encode(), b"\xff\xfe\xc3")
    delivery = await post_encrypted(platform, encrypt_raw(platform, config, broken,
                                                          config.appid.encode()))
    assert delivery.status == 400, delivery.status
    await nothing_handled(config, "o-f8-bytes")
    no_traceback(caplog)


async def test_a_payload_for_another_appid_is_refused(http, bot_server, config, caplog):
    other = Platform(http, str(bot_server.make_url("/wechat")), config.token, config.aes_key,
                     "wx00000000000000aa")
    delivery = await other.post(text_xml("o-f8-appid", "公司没给我交社保"))
    assert delivery.status in (400, 403), delivery.status
    await nothing_handled(config, "o-f8-appid")
    no_traceback(caplog)


async def test_an_inner_to_user_name_unlike_the_envelopes_is_refused(platform, config):
    """The envelope says gh_disputebot; the signed and encrypted message inside was written to
    another account: a message copied from elsewhere, not one for us."""
    xml = message_xml("o-f8-to", "text", {"Content": "公司没给我交社保"},
                      to="gh_someone_else")
    delivery = await platform.post(xml)
    assert delivery.status in (400, 403), delivery.status
    await nothing_handled(config, "o-f8-to")


@pytest.mark.parametrize("mode", ["aes", "plain"])
async def test_a_deeply_nested_body_is_refused_quickly_without_a_traceback(
        http, bot_server, config, caplog, mode):
    sender = make_platform(http, bot_server, config, mode)
    depth = 3_000
    xml = ("<xml><FromUserName>o-f8-deep</FromUserName><MsgType>text</MsgType><Content>"
           + "<a>" * depth + "x" + "</a>" * depth + "</Content></xml>")
    started = time.monotonic()
    delivery = await sender.post(xml)
    assert time.monotonic() - started < 5
    assert delivery.status == 400, delivery.status
    await nothing_handled(config, "o-f8-deep")
    no_traceback(caplog)
    assert (await sender.post(text_xml("o-f8-deep-after", "你好"))).reply


async def test_a_body_of_many_megabytes_is_cut_off_and_the_next_is_answered(http, bot_server,
                                                                           config):
    sender = make_platform(http, bot_server, config, "plain")
    body = ("<xml><FromUserName>o-f8-mb</FromUserName><MsgType>text</MsgType><Content>"
            + "社" * 6_000_000 + "</Content></xml>").encode()
    started = time.monotonic()
    try:
        status = (await sender.post("", body=body)).status
    except aiohttp.ClientError:  # the server may close the connection on a body over its limit
        status = 413
    assert time.monotonic() - started < 10
    assert status in (400, 413), status
    await nothing_handled(config, "o-f8-mb")
    assert (await sender.post(text_xml("o-f8-mb-after", "你好"))).reply


# === Part B: unusual messages in the middle of a filing =======================================

ODD = {
    "link-with-numbers": ("link", {"Title": "我的工资条 电话13987654321", "Description": "转发",
                                   "Url": "http://127.0.0.1/x"}),
    "file": ("file", {"Title": "社保缴费明细.xlsx", "Description": "", "FileKey": "k8",
                      "FileMd5": "1" * 32, "FileTotalLen": "20480"}),
    "shortvideo": ("shortvideo", {"MediaId": "m8", "ThumbMediaId": "t8"}),
    "location-no-label": ("location", {"Location_X": "23.13", "Location_Y": "113.81",
                                       "Scale": "15"}),
    "unknown-type": ("redpacket", {"Amount": "8.88"}),
}


@pytest.mark.parametrize("name", sorted(ODD))
async def test_an_odd_message_at_the_name_question_keeps_every_answer(platform, config, name):
    kind, fields = ODD[name]
    openid = f"o-f8-odd-{name}"
    await to_question(platform, openid, "称呼")
    before = await slots_of(config, openid)
    assert before.get("employer"), before
    delivery = await platform.post(message_xml(openid, kind, fields))
    assert delivery.status == 200 and delivery.reply, delivery
    assert any("\u4e00" <= ch <= "\u9fff" for ch in delivery.reply)
    assert "称呼" in delivery.reply or "怎么称呼" in delivery.reply, delivery.reply
    assert await slots_of(config, openid) == before
    assert "13987654321" not in json.dumps(await slots_of(config, openid), ensure_ascii=False)
    await finish_form(platform, openid, await say(platform, openid, "李四"), ANSWERS)
    filed = await say(platform, openid, "确认")
    assert CASE_NO.search(filed), filed


async def test_a_location_without_a_label_asks_for_the_town_in_words(platform):
    reply = (await platform.post(message_xml("o-f8-loc", "location",
                                             ODD["location-no-label"][1]))).reply
    assert reply and "镇" in reply and "文字" in reply, reply


@pytest.mark.parametrize("name", ["unknown-event", "no-event"])
async def test_an_unknown_or_empty_event_mid_form_changes_nothing(platform, config, name):
    openid = f"o-f8-ev-{name}"
    await to_question(platform, openid, "电话")
    before = await slots_of(config, openid)
    fields = {"Event": "future_thing_v2", "EventKey": "x"} if name == "unknown-event" else {}
    delivery = await platform.post(message_xml(openid, "event", fields))
    assert delivery.status == 200
    assert await slots_of(config, openid) == before
    assert "几个人" in await say(platform, openid, "13912345678")


async def test_a_message_without_msgtype_mid_form_loses_no_answer(platform, config, caplog):
    openid = "o-f8-notype"
    await to_question(platform, openid, "电话")
    before = await slots_of(config, openid)
    xml = (f"<xml><ToUserName>{_cdata('gh_disputebot')}</ToUserName>"
           f"<FromUserName>{_cdata(openid)}</FromUserName><CreateTime>{int(time.time())}"
           f"</CreateTime><Content>{_cdata('13912345678')}</Content><MsgId>880201</MsgId></xml>")
    delivery = await platform.post(xml)
    assert delivery.status in (200, 400), delivery.status
    if delivery.status == 200 and delivery.reply:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in delivery.reply)
    after = await slots_of(config, openid)
    assert {k: v for k, v in after.items() if k in before} == before
    no_traceback(caplog)
    reply = await say(platform, openid, "13912345678")
    assert "几个人" in reply or "确认" in reply, reply


@pytest.mark.parametrize("kind", ["shortvideo", "file"])
async def test_an_odd_message_at_the_confirmation_neither_files_nor_forgets(platform, config,
                                                                           kind):
    openid = f"o-f8-confirm-{kind}"
    summary = await finish_form(platform, openid,
                                await say(platform, openid, "公司一直没给我交社保"), ANSWERS)
    assert "确认" in summary, summary
    before = await slots_of(config, openid)
    fields = ODD["shortvideo" if kind == "shortvideo" else "file"][1]
    delivery = await platform.post(message_xml(openid, kind, {**fields}))
    assert delivery.status == 200 and delivery.reply
    assert not CASE_NO.search(delivery.reply), delivery.reply
    assert await slots_of(config, openid) == before
    filed = await say(platform, openid, "确认")
    assert CASE_NO.search(filed), filed


# === Part C: a group robot that rate-limits, refuses or is slow ==============================


class OrderRobot:
    """A WeCom robot that answers by scripted mode and keeps only what it accepted."""

    def __init__(self):
        self.modes: dict[str, list[str]] = {}
        self.accepted: list[dict] = []
        self.calls = 0

    async def send(self, request: web.Request) -> web.StreamResponse:
        self.calls += 1
        key = request.query.get("key", "")
        body = await request.json()
        mode = self.modes[key].pop(0) if self.modes.get(key) else "ok"
        if mode == "html200":
            return web.Response(status=200, content_type="text/html",
                                text="<html><body>系统维护中</body></html>")
        if mode == "slowfail":
            await asyncio.sleep(1.5)
            return web.Response(status=502)
        if mode == "slowok":
            await asyncio.sleep(0.3)
        elif mode.isdigit():
            return web.json_response({"errcode": int(mode), "errmsg": "fake"})
        self.accepted.append({"key": key, "body": body})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def texts(self, key: str) -> list[str]:
        return [json.dumps(r["body"], ensure_ascii=False) for r in self.accepted
                if r["key"] == key]


@pytest.fixture
async def order_robot(aiohttp_server):
    fake = OrderRobot()
    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", fake.send)
    server = await aiohttp_server(app, host="127.0.0.1")
    fake.base = str(server.make_url("")).rstrip("/")
    return fake


def robot_dispatcher(sm, http, config, robot) -> OutboxDispatcher:
    from bot.store.tokens import TokenStore
    from bot.wechat_api import WeChatAPI
    api = WeChatAPI(http, config.api_base, config.appid, config.appsecret, TokenStore(sm),
                    timeout=1.0)
    return OutboxDispatcher(sm, WebhookClient(http, robot.base, timeout=1.0), api, config,
                            rng=lambda: 1.0)


def owners(texts: list[str], case_nos: list[str]) -> list[str]:
    return [next(c for c in case_nos if c in t) for t in texts
            if any(c in t for c in case_nos)]


@pytest.mark.parametrize("first", [["45009", "45009"], ["html200"], ["slowfail"], ["-1"]],
                         ids=["45009-twice", "html-200", "slow-then-502", "system-busy"])
async def test_cards_of_one_group_arrive_later_once_each_and_in_order(
        sm, config, rules, http, order_robot, first):
    order_robot.modes[TAX] = list(first)
    cases = [await register(sm, config, rules, openid=f"o-f8-ord{i}") for i in range(3)]
    numbers = [c.case_no for c in cases]
    dispatcher = robot_dispatcher(sm, http, config, order_robot)
    for minutes in (0, 1, 2, 3, 5, 10, 30, 60):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    got = owners(order_robot.texts(TAX), numbers)
    assert sorted(set(got)) == sorted(numbers), got
    assert len(got) == len(numbers), got  # once each
    assert got == numbers, got  # in the order the cases were registered
    assert {r.status for r in await rows(sm, "webhook") if r.target == TAX} == {"sent"}


async def test_a_slow_but_successful_robot_gets_each_card_once(sm, config, rules, http,
                                                               order_robot):
    order_robot.modes[TAX] = ["slowok"] * 5
    cases = [await register(sm, config, rules, openid=f"o-f8-slow{i}") for i in range(3)]
    dispatcher = robot_dispatcher(sm, http, config, order_robot)
    for minutes in (0, 1, 5):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    got = owners(order_robot.texts(TAX), [c.case_no for c in cases])
    assert got == [c.case_no for c in cases], got


async def test_93000_fails_the_cards_and_alerts_the_admin_once_for_each(
        sm, config, rules, http, order_robot):
    order_robot.modes[TAX] = ["93000"] * 20
    for i in range(3):
        await register(sm, config, rules, openid=f"o-f8-93k{i}")
    dispatcher = robot_dispatcher(sm, http, config, order_robot)
    for minutes in (0, 1, 2, 10, 60):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    tax_calls = 20 - len(order_robot.modes[TAX])
    assert tax_calls <= 3, tax_calls  # not retried every pass
    alerts = [t for t in order_robot.texts(ADMIN) if "93000" in t]
    assert len(alerts) == 3, alerts
    tax = [r for r in await rows(sm, "webhook") if r.target == TAX]
    assert {r.status for r in tax} == {"failed"} and len(tax) == 3


# === Part D: an access token expired under a pass of many notices ============================


class RotatingAPI(FaultyAPI):
    """A WeChat API whose token another server renewed: a call with ours gets ``stale``."""

    stale = 40001

    async def _guarded(self, request, modes, record):
        if request.query.get("access_token") != self.token:
            await request.read()
            return web.json_response({"errcode": self.stale, "errmsg": "token expired"})
        return await super()._guarded(request, modes, record)


@pytest.mark.parametrize("errcode", [40001, 42001, 40014])
async def test_an_expired_token_is_fetched_again_once_for_many_notices(sm, config, rules, http,
                                                                      aiohttp_server, errcode):
    api = await RotatingAPI().serve(aiohttp_server)
    api.stale = errcode
    dispatcher = api_dispatcher(sm, http, config, api)
    openids = [f"o-f8-tok{errcode}-{i}" for i in range(6)]
    for openid in openids:
        await set_last_message(sm, openid, T0 - timedelta(hours=1))
    await register_accepted(sm, config, rules, openid=openids[0])
    await drain(dispatcher, T0)
    assert api.token_calls == 1
    api.token = "renewed-by-another-server"  # ours is no longer valid
    for openid in openids[1:]:
        await register_accepted(sm, config, rules, openid=openid)
    await drain(dispatcher, T0 + timedelta(minutes=1))
    await drain(dispatcher, T0 + timedelta(minutes=5))
    assert api.token_calls == 2, api.token_calls
    for openid in openids:
        assert len([m for m in api.sent if m.get("touser") == openid]) == 1, openid
    assert {r.status for r in await rows(sm, "wechat")} == {"sent"}


# === Part E: numbers written this way, on cards, in logs and in /metrics =====================

# Mobile 139 8765 4321, landline 020-8234 5678 / 0755-823 4567, ID 440113 19850612 260x.
TYPED = [
    ("身份证号44011319850612260x", "19850612"),
    ("身份证４４０１１３１９８５０６１２２６０ｘ", "19850612"),
    ("手机+86 139 8765 4321", "8765"),
    ("手机0086 13987654321", "8765"),
    ("电话：139—8765—4321", "8765"),
    ("电话幺三九 八七六五 四三二幺", "八七六五"),
    ("座机0755-823 4567", "8234567"),
    ("联系电话139 8765 4321或020-82345678", "82345678"),
]


@pytest.mark.parametrize(("typed", "secret"), TYPED)
def test_these_numbers_are_masked_on_cards_and_in_logs(typed, secret):
    for out in (safe_group_text(typed), scrub(typed)):
        assert not shows(secret, out) and secret not in out, out


@pytest.mark.parametrize("text", ["欠了我8234元", "第3次了，共1234.5元"])
def test_amounts_and_dates_beside_them_stay(text):
    assert safe_group_text(text) == text and scrub(text) == text


async def card_of(fake_webhook, case_no: str) -> list:
    """The posts once one names ``case_no`` (its card may follow other posts)."""
    for _ in range(100):
        posts = fake_webhook.posts.requests
        if case_no in json.dumps(posts, ensure_ascii=False):
            await asyncio.sleep(0.3)
            return fake_webhook.posts.requests
        await asyncio.sleep(0.1)
    raise AssertionError(f"no card for {case_no}")


STORY = ("宏达电子厂从去年5月就没给我交社保，我手机+86 139-8765-4321，家里座机020 8234 5678，"
         "身份证44011319850612260x")
SECRETS = ("8765", "8234", "19850612")


async def test_a_story_with_these_numbers_is_masked_on_the_card_log_and_metrics(
        platform, bot_server, http, fake_webhook, capture):
    read, _stream = capture
    openid = "o-f8-story"
    await finish_form(platform, openid, await say(platform, openid, STORY), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    posts = await card_of(fake_webhook, case_no)
    pushed = json.dumps(fake_webhook.posts.requests, ensure_ascii=False).replace(case_no, "")
    assert "宏达电子厂" in pushed
    for path in ("/api/cases/+8613987654321", "/api/cases/44011319850612260x"):
        async with http.get(bot_server.make_url(path),
                            headers={"Authorization": "Bearer dev-token-tax"}) as resp:
            assert resp.status < 500
    async with http.get(bot_server.make_url("/metrics")) as resp:
        metrics = await resp.text()
    labels = "\n".join(line.rsplit(" ", 1)[0] for line in metrics.splitlines()
                       if not line.startswith("#"))
    logged = random_query_values_dropped(json.dumps(read(), ensure_ascii=False)).replace(
        case_no, "")
    assert posts
    for secret in SECRETS:
        assert not shows(secret, pushed), (secret, pushed[-1500:])
        assert not shows(secret, labels), (secret, labels[-1500:])
        assert not shows(secret, logged), (secret, logged[-1500:])


@pytest.mark.parametrize("asked", ["我登记的电话是多少", "我留的手机号对吗"])
async def test_the_payer_asking_for_their_own_phone_sees_it_readable(platform, config, caplog,
                                                                     asked):
    """Their own number, in their own chat, when they ask for it: masked it cannot be checked
    for a typo. It still never reaches the log."""
    caplog.set_level(logging.DEBUG)
    openid = f"o-f8-mine-{abs(hash(asked)) % 10**6}"
    await finish_form(platform, openid, await say(platform, openid, "公司一直没给我交社保"),
                      {**ANSWERS, "电话": "+86 139-8765-4321"})
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    reply = await say(platform, openid, asked)
    assert reply and "13987654321" in reply.replace(" ", "").replace("-", ""), reply
    assert case_no in reply, reply
    assert not shows("8765", our_logs(caplog).replace(case_no, ""))


@pytest.mark.parametrize("asked", ["你们登记处的电话是多少", "社保举报电话多少"])
async def test_asking_for_the_offices_phone_is_not_shown_the_payers(platform, asked):
    openid = f"o-f8-office-{len(asked)}"
    await finish_form(platform, openid, await say(platform, openid, "公司一直没给我交社保"),
                      {**ANSWERS, "电话": "13987654321"})
    await say(platform, openid, "确认")
    reply = await say(platform, openid, asked)
    assert reply and "13987654321" not in reply and "8765" not in reply, reply


async def test_a_card_of_a_filing_after_odd_messages_masks_the_link_title(
        platform, fake_webhook, caplog):
    caplog.set_level(logging.DEBUG)
    openid = "o-f8-linkmask"
    await to_question(platform, openid, "称呼")
    kind, fields = ODD["link-with-numbers"]
    await platform.post(message_xml(openid, kind, {**fields}))
    await finish_form(platform, openid, await say(platform, openid, "李四"), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    await card_of(fake_webhook, case_no)
    pushed = json.dumps(fake_webhook.posts.requests, ensure_ascii=False).replace(case_no, "")
    assert not shows("8765", pushed), pushed
    assert not shows("8765", our_logs(caplog).replace(case_no, ""))
