"""Faults and privacy round 9, written blind: the envelope saying one mode and the body
another (encrypt_type=aes over a plain body, an encrypted body without encrypt_type,
encrypt_type=raw), a msg_signature made for another body or nonce, a timestamp minutes in the
future, ciphertext whose AppId is empty or longer, whose declared length lies or whose padding
is no PKCS#7, malformed XML inside it, NUL bytes in a text or an openid; a text of WeChat's
2048-byte cap and over it, emoji and ANSI escapes; one message (an answer, a confirmation)
delivered several times at once or across a restart; a robot answering 93000 or 45009 to the
admin alert, a robot slower than the reply budget; a token refused as expired on the
template fallback, a token endpoint refusing our IP; the database unreachable for a while
(messages, confirmations, outbound passes, /healthz); and phone and ID numbers split by
invisible or odd separators. Local fakes on 127.0.0.1, real wechatpy crypto."""
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

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import event
from sqlalchemy.pool import Pool
from wechatpy.crypto import _get_signature

import tests.test_metrics_logging as logging_tests
from bot.privacy import scrub
from bot.simulator import _cdata, text_xml
from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Case
from routing.cards import safe_group_text
from tests import test_cases as base
from tests.conftest import make_platform
from tests.test_cases import ID_NUMBER, PHONE, T0, drain, register
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_robustness import slots_of, to_question
from tests.test_faults_fresh import FaultyAPI, api_dispatcher, our_logs
from tests.test_faults_fresh3 import on_every_connection, stored_keys
from tests.test_faults_fresh7 import dispatcher_for
from tests.test_faults_fresh8 import (
    ADMIN,
    TAX,
    card_of,
    encrypt_raw,
    no_traceback,
    nothing_handled,
    order_robot,  # noqa: F401 - fixture
    post_encrypted,
)
from tests.test_outbox import register_accepted, rows, set_last_message
from tests.test_privacy_fresh4 import random_query_values_dropped
from tests.test_privacy_fresh6 import shows

engine, rules, sm = base.engine, base.rules, base.sm
capture = logging_tests.capture


def has_chinese(text: str | None) -> bool:
    return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def form_cue(reply: str) -> bool:
    """The reply asks one of the filing form's questions."""
    return any(cue in reply for cue in ANSWERS) or "请核对登记内容" in reply


# === Part A: the envelope says one thing, the body another ====================================


async def test_encrypt_type_aes_over_a_plain_body_is_refused(platform, config, caplog):
    """The query says the body is encrypted; the body is a plain message and the
    msg_signature covers no Encrypt field: not what the platform sends."""
    openid = "o-f9-aesplain"
    q = platform.query()
    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], "")
    delivery = await platform.post("", query=q, body=text_xml(openid, "公司没给我交社保"))
    assert delivery.status in (400, 403), delivery.status
    await nothing_handled(config, openid)
    no_traceback(caplog)


async def test_an_encrypted_body_without_encrypt_type_is_never_silently_dropped(
        platform, config, caplog):
    """A relay stripped encrypt_type: the bot either reads the (signed) Encrypt field or
    refuses so that the platform retries; answering 200 having read nothing loses it."""
    openid = "o-f9-notype"
    q = platform.query()
    body = platform.envelope(text_xml(openid, "公司没给我交社保", msg_id=9_900_001), q)
    del q["encrypt_type"]
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status in (200, 400, 403), delivery.status
    if delivery.status == 200:
        assert f"{openid}:9900001" in await stored_keys(config.database_url)
    no_traceback(caplog)


async def test_a_plain_body_with_encrypt_type_raw_is_read(http, bot_server, config):
    """WeChat's documentation: encrypt_type=raw means not encrypted."""
    sender = make_platform(http, bot_server, config, "plain")
    q = sender.query()
    q["encrypt_type"] = "raw"
    delivery = await sender.post(text_xml("o-f9-raw", "公司没给我交社保"), query=q)
    assert delivery.status == 200 and has_chinese(delivery.reply), delivery


@pytest.mark.parametrize("how", ["zeros", "other-body", "other-nonce"])
async def test_a_wrong_msg_signature_is_403(platform, config, caplog, how):
    openid = f"o-f9-msgsig-{how}"
    q = platform.query()
    body = platform.envelope(text_xml(openid, "公司没给我交社保"), q)
    if how == "zeros":
        q["msg_signature"] = "0" * 40
    elif how == "other-body":
        other = dict(q)
        platform.envelope(text_xml(openid, "别的内容"), other)
        q["msg_signature"] = other["msg_signature"]
    else:
        q["msg_signature"] = _get_signature(platform.token, q["timestamp"], "abcdef",
                                            body.split("CDATA[")[-1].split("]]")[0])
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status == 403, delivery.status
    await nothing_handled(config, openid)
    no_traceback(caplog)


@pytest.mark.parametrize("minutes", [-20, 20])
async def test_a_timestamp_twenty_minutes_off_is_403(platform, config, minutes):
    q = platform.query(timestamp=str(int(time.time() + minutes * 60)))
    delivery = await platform.post(text_xml("o-f9-skew", "公司没给我交社保"), query=q)
    assert delivery.status == 403, delivery.status
    await nothing_handled(config, "o-f9-skew")


@pytest.mark.parametrize("appid", [b"", b"wxd15ba7e5c0de0001\x00", b"wxd15ba7e5c0de00011"],
                         ids=["empty", "nul-suffix", "one-longer"])
async def test_ciphertext_whose_appid_is_not_exactly_ours_is_refused(platform, config, caplog,
                                                                      appid):
    if appid.startswith(b"wxd15"):
        appid = config.appid.encode() + appid[len(b"wxd15ba7e5c0de0001"):]
    payload = text_xml("o-f9-appid", "公司没给我交社保").encode()
    delivery = await post_encrypted(platform, encrypt_raw(platform, config, payload, appid))
    assert delivery.status in (400, 403), delivery.status
    await nothing_handled(config, "o-f9-appid")
    no_traceback(caplog)


def encrypt_layout(config, payload: bytes, appid: bytes, length: int | None = None,
                   pad: int | None = None) -> str:
    """WeChat's ciphertext layout with a length or padding that lies."""
    key = base64.b64decode(config.aes_key + "=")
    size = len(payload) if length is None else length
    text = os.urandom(16) + struct.pack("I", socket.htonl(size)) + payload + appid
    fill = 32 - len(text) % 32
    text += bytes([fill if pad is None else pad]) * fill
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(text) + encryptor.finalize()).decode()


@pytest.mark.parametrize("length,pad", [(0x7FFFFFFF, None), (0, None), (None, 0), (None, 200)],
                         ids=["length-huge", "length-zero", "pad-zero", "pad-over-block"])
async def test_ciphertext_with_a_lying_length_or_padding_is_400(platform, config, caplog,
                                                                length, pad):
    payload = text_xml("o-f9-layout", "公司没给我交社保").encode()
    encrypt = encrypt_layout(config, payload, config.appid.encode(), length, pad)
    delivery = await post_encrypted(platform, encrypt)
    assert delivery.status == 400, delivery.status
    await nothing_handled(config, "o-f9-layout")
    no_traceback(caplog)


@pytest.mark.parametrize("xml", [
    ("<xml><ToUserName><![CDATA[gh_disputebot]]></ToUserName><FromUserName>"
     "<![CDATA[o-f9-bad]]></FromUserName><MsgType><![CDATA[text]]></MsgType>"
     "<Content><![CDATA[公司没给我交社保 13987654321</Content></xml>"),
    ("<xml><ToUserName><![CDATA[gh_disputebot]]></ToUserName><FromUserName>"
     "<![CDATA[o-f9-bad]]></FromUserName><MsgType><![CDATA[text]]></Content>"
     "<Content>公司没给我交社保 13987654321</MsgType></xml>"),
], ids=["unclosed-cdata", "crossed-tags"])
async def test_malformed_xml_inside_the_ciphertext_is_400_and_logs_no_number(
        platform, config, caplog, xml):
    caplog.set_level(logging.DEBUG)
    delivery = await post_encrypted(platform, encrypt_raw(platform, config, xml.encode(),
                                                          config.appid.encode()))
    assert delivery.status == 400, delivery.status
    await nothing_handled(config, "o-f9-bad")
    no_traceback(caplog)
    assert not shows("8765", our_logs(caplog))


# === Part B: what a payer's phone puts in a text ==============================================


async def test_a_text_of_exactly_2048_bytes_is_answered_in_time(platform):
    content = "公司没给我交社保，" + "老板一直拖着不办" * 84
    content += "a" * (2048 - len(content.encode()))
    assert len(content.encode()) == 2048
    started = time.monotonic()
    delivery = await platform.post(text_xml("o-f9-2048", content))
    assert time.monotonic() - started < 4.0
    assert delivery.status == 200 and has_chinese(delivery.reply), delivery


@pytest.mark.parametrize("size", [2049, 6000])
async def test_a_text_over_wechats_cap_is_no_server_error(platform, caplog, size):
    content = "社" * (size // 3) + "a" * (size % 3)
    delivery = await platform.post(text_xml(f"o-f9-over{size}", content))
    assert delivery.status in (200, 400, 413), delivery.status
    no_traceback(caplog)
    after = await platform.post(text_xml(f"o-f9-over{size}", "公司没给我交社保"))
    assert after.status == 200 and has_chinese(after.reply)


@pytest.mark.parametrize("typed", [
    "公司不给交社保😭😭😭",
    "社保断缴了🙏🏻求助",
    "老板跑路了👨‍👩‍👧 一家人社保都没交",
    "🇨🇳单位没给我买社保",
], ids=["crying", "skin-tone", "zwj-family", "flag"])
async def test_a_complaint_with_emoji_starts_the_filing(platform, typed):
    reply = await say(platform, f"o-f9-emoji-{abs(hash(typed)) % 10**6}", typed)
    assert form_cue(reply), reply


async def test_a_name_with_an_emoji_is_filed_and_its_card_sent(platform, fake_webhook):
    openid = "o-f9-emoji-name"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "李四🌸")
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert "李四" in summary, summary
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    posts = await card_of(fake_webhook, case_no)
    assert "李" in json.dumps(posts, ensure_ascii=False)


async def test_ok_with_an_emoji_at_the_confirmation_files_once(platform, config):
    openid = "o-f9-ok-emoji"
    await finish_form(platform, openid, await say(platform, openid, "公司一直没给我交社保"),
                      ANSWERS)
    filed = await say(platform, openid, "好的👌确认")
    assert CASE_NO.search(filed), filed
    assert len(await fetch(config.database_url, Case, openid=openid)) == 1


async def test_an_ansi_escape_in_a_text_never_comes_back(http, bot_server, config, caplog):
    sender = make_platform(http, bot_server, config, "plain")
    delivery = await sender.post(text_xml("o-f9-ansi", "\x1b[31m公司没给我交社保\x1b[0m"))
    assert delivery.status in (200, 400), delivery.status
    if delivery.status == 200 and delivery.reply:
        assert "\x1b" not in delivery.reply
    no_traceback(caplog)


@pytest.mark.parametrize("where", ["content", "openid"])
async def test_a_nul_byte_in_an_encrypted_message_is_no_server_error(platform, config, caplog,
                                                                     where):
    """PostgreSQL refuses NUL in text: it must never reach the database as one."""
    openid = "o-f9-nul\x00x" if where == "openid" else "o-f9-nul"
    content = "公司没给\x00我交社保" if where == "content" else "公司没给我交社保"
    payload = text_xml(openid, content, msg_id=9_900_010).encode()
    delivery = await post_encrypted(platform, encrypt_raw(platform, config, payload,
                                                          config.appid.encode()))
    assert delivery.status in (200, 400), delivery.status
    no_traceback(caplog)
    again = await platform.post(text_xml("o-f9-nul-after", "公司没给我交社保"))
    assert again.status == 200 and has_chinese(again.reply)


async def test_a_long_run_on_with_numbers_is_masked_on_the_card_and_in_the_logs(
        platform, fake_webhook, capture):
    read, _stream = capture
    openid = "o-f9-runon"
    story = ("我在宏达电子厂上班从前年开始就一直没给我交社保然后我问人事人事说等等再说"
             "结果等到现在都没有办我打了好几次电话都没人理" * 6
             + "我的电话是13987654321身份证是440113198506122601")
    assert len(story.encode()) < 2048
    summary = await finish_form(platform, openid, await say(platform, openid, story), ANSWERS)
    assert "请核对登记内容" in summary, summary
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    await card_of(fake_webhook, case_no)
    pushed = json.dumps(fake_webhook.posts.requests, ensure_ascii=False).replace(case_no, "")
    logged = random_query_values_dropped(json.dumps(read(), ensure_ascii=False)).replace(
        case_no, "")
    for secret in ("8765", "19850612"):
        assert not shows(secret, pushed), pushed[-800:]
        assert not shows(secret, logged), logged[-800:]


# === Part C: one message delivered several times ==============================================


async def test_an_answer_delivered_four_times_at_once_moves_the_form_one_step(platform, config):
    openid = "o-f9-dup-answer"
    await to_question(platform, openid, "电话")
    xml = text_xml(openid, "13912345678", msg_id=9_900_020)
    deliveries = await asyncio.gather(*(platform.post(xml) for _ in range(4)))
    assert all(d.status == 200 for d in deliveries), [d.status for d in deliveries]
    assert (await stored_keys(config.database_url)).count(f"{openid}:9900020") == 1
    assert (await slots_of(config, openid)).get("phone")
    nxt = await say(platform, openid, "1")
    assert "请核对登记内容" in nxt or form_cue(nxt), nxt


async def test_a_confirmation_delivered_three_times_at_once_files_one_case(
        platform, config, fake_webhook):
    openid = "o-f9-dup-confirm"
    await finish_form(platform, openid, await say(platform, openid, "公司一直没给我交社保"),
                      ANSWERS)
    xml = text_xml(openid, "确认", msg_id=9_900_021)
    deliveries = await asyncio.gather(*(platform.post(xml) for _ in range(3)))
    assert all(d.status == 200 for d in deliveries), [d.status for d in deliveries]
    cases = await fetch(config.database_url, Case, openid=openid)
    assert len(cases) == 1, [c.case_no for c in cases]
    await card_of(fake_webhook, cases[0].case_no)
    await asyncio.sleep(1.0)
    cards = [p for p in fake_webhook.posts.requests
             if cases[0].case_no in json.dumps(p, ensure_ascii=False) and p["key"] == TAX]
    assert len(cards) == 1, len(cards)


async def test_a_confirmation_resent_after_a_restart_files_one_case(aiohttp_server, http,
                                                                     config, models):
    from bot.app import build_app

    first = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, first, config)
    openid = "o-f9-restart-confirm"
    await finish_form(platform, openid, await say(platform, openid, "公司一直没给我交社保"),
                      ANSWERS)
    xml = text_xml(openid, "确认", msg_id=9_900_022)
    filed = await platform.post(xml)
    assert CASE_NO.search(filed.reply or ""), filed
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    try:
        again = await make_platform(http, second, config).post(xml)
        assert again.status == 200
        assert len(await fetch(config.database_url, Case, openid=openid)) == 1
    finally:
        await second.close()


# === Part D: the robot and the WeChat API misbehaving =========================================


async def test_a_93000_alert_to_the_admin_shows_no_phone_or_id(sm, config, rules, http,
                                                                order_robot):  # noqa: F811
    order_robot.modes[TAX] = ["93000"] * 5
    await register(sm, config, rules, openid="o-f9-93k")
    dispatcher = dispatcher_for(sm, http, config, webhook_base=order_robot.base)
    for minutes in (0, 1, 5):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    alerts = order_robot.texts(ADMIN)
    assert alerts, "no alert reached the admin group"
    joined = "\n".join(alerts)
    assert not shows(PHONE[3:7], joined) and not shows(ID_NUMBER[6:14], joined), joined


async def test_an_admin_alert_refused_45009_arrives_once_later(sm, config, rules, http,
                                                                order_robot):  # noqa: F811
    order_robot.modes[TAX] = ["93000"] * 5
    order_robot.modes[ADMIN] = ["45009"]
    await register(sm, config, rules, openid="o-f9-45009-admin")
    dispatcher = dispatcher_for(sm, http, config, webhook_base=order_robot.base)
    for minutes in (0, 1, 2, 5, 30):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    alerts = [t for t in order_robot.texts(ADMIN) if "93000" in t]
    assert len(alerts) == 1, alerts


async def test_a_robot_slower_than_the_reply_budget_does_not_delay_the_filing_reply(
        platform, fake_webhook):
    fake_webhook.posts.delay = 8.0
    openid = "o-f9-slowrobot"
    await finish_form(platform, openid, await say(platform, openid, "公司一直没给我交社保"),
                      ANSWERS)
    started = time.monotonic()
    filed = await say(platform, openid, "确认")
    assert time.monotonic() - started < 4.0
    assert CASE_NO.search(filed), filed


@pytest.mark.parametrize("errcode", ["40001", "42001"])
async def test_a_token_expired_on_the_template_fallback_is_renewed_and_sent_once(
        sm, config, rules, http, aiohttp_server, errcode):
    api = await FaultyAPI().serve(aiohttp_server)
    api.send_modes = ["45047"] * 5
    api.template_modes = [errcode]
    await set_last_message(sm, "o-f9-tpl", T0 - timedelta(hours=1))
    await register_accepted(sm, config, rules, openid="o-f9-tpl")
    dispatcher = api_dispatcher(sm, http, config, api)
    for minutes in (0, 1, 5):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    sent = [m for m in api.sent + api.templates if m.get("touser") == "o-f9-tpl"]
    assert len(sent) == 1, sent
    assert api.token_calls == 2, api.token_calls
    [notice] = [r for r in await rows(sm, "wechat") if r.target == "o-f9-tpl"]
    assert notice.status == "sent"


@pytest.mark.parametrize("errcode", ["40164", "40125"], ids=["ip-not-allowed", "bad-secret"])
async def test_a_token_endpoint_refusing_us_keeps_the_notice_and_is_not_hammered(
        sm, config, rules, http, aiohttp_server, caplog, errcode):
    caplog.set_level(logging.DEBUG)
    api = await FaultyAPI().serve(aiohttp_server)
    api.token_modes = [errcode] * 50
    await set_last_message(sm, "o-f9-ip", T0 - timedelta(hours=1))
    await register_accepted(sm, config, rules, openid="o-f9-ip")
    dispatcher = api_dispatcher(sm, http, config, api)
    for seconds in range(0, 120, 10):
        await drain(dispatcher, T0 + timedelta(seconds=seconds))
    assert api.token_calls <= 4, api.token_calls
    [notice] = [r for r in await rows(sm, "wechat") if r.target == "o-f9-ip"]
    assert notice.status in ("pending", "failed") and notice.last_error
    assert config.appsecret not in our_logs(caplog)
    no_traceback(caplog)


# === Part E: the database unreachable for a while =============================================


def refuse(dbapi_conn, _record):
    raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")


async def test_a_message_while_the_database_is_unreachable_is_503_then_handled_once(
        bot_server, platform, config, caplog):
    caplog.set_level(logging.DEBUG)
    await platform.post(text_xml("o-f9-down0", "你好", msg_id=9_900_030))
    await bot_server.app["services"].batch.flush()
    q = platform.query()
    xml = text_xml("o-f9-down", "公司没给我交社保，电话13987654321", msg_id=9_900_031)
    async with on_every_connection(bot_server, refuse):
        started = time.monotonic()
        refused = await platform.post(xml, query=q)
        assert time.monotonic() - started < 5
    assert refused.status == 503, refused.status
    no_traceback(caplog)
    assert not shows("8765", our_logs(caplog))
    again = await platform.post(xml, query=q)
    assert again.status == 200 and has_chinese(again.reply)
    await bot_server.app["services"].batch.flush()
    assert (await stored_keys(config.database_url)).count("o-f9-down:9900031") == 1


async def test_healthz_is_503_while_the_database_is_unreachable_and_200_after(http, bot_server):
    async with (on_every_connection(bot_server, refuse),
                http.get(bot_server.make_url("/healthz")) as resp):
        down = resp.status
    async with http.get(bot_server.make_url("/healthz")) as resp:
        up = resp.status
    assert (down, up) == (503, 200)


async def test_a_confirmation_while_the_database_is_unreachable_files_once_after(
        bot_server, platform, config, fake_webhook, caplog):
    openid = "o-f9-down-confirm"
    await finish_form(platform, openid, await say(platform, openid, "公司一直没给我交社保"),
                      ANSWERS)
    before = await slots_of(config, openid)
    q = platform.query()
    xml = text_xml(openid, "确认", msg_id=9_900_032)
    async with on_every_connection(bot_server, refuse):
        refused = await platform.post(xml, query=q)
    assert refused.status == 503, refused.status
    assert await fetch(config.database_url, Case, openid=openid) == []
    assert await slots_of(config, openid) == before
    no_traceback(caplog)
    again = await platform.post(xml, query=q)
    assert again.status == 200 and CASE_NO.search(again.reply or ""), again
    [case] = await fetch(config.database_url, Case, openid=openid)
    await card_of(fake_webhook, case.case_no)


async def test_an_outbound_pass_while_the_database_is_unreachable_loses_no_card(
        config, rules, http, order_robot, caplog):  # noqa: F811
    own = make_engine(config.database_url)
    own_sm = make_sessionmaker(own)
    try:
        case = await register(own_sm, config, rules, openid="o-f9-down-card")
        dispatcher = dispatcher_for(own_sm, http, config, webhook_base=order_robot.base)
        await own.dispose()
        event.listen(Pool, "connect", refuse)
        try:
            await drain(dispatcher, T0)
        except Exception as exc:  # noqa: BLE001 - the probe records what escaped
            escaped = exc
        else:
            escaped = None
        finally:
            event.remove(Pool, "connect", refuse)
        assert escaped is None, repr(escaped)
        for minutes in (1, 5, 30):
            await drain(dispatcher, T0 + timedelta(minutes=minutes))
        assert len(order_robot.texts(TAX)) >= 1
        mine = [t for t in order_robot.texts(TAX) if case.case_no in t]
        assert len(mine) == 1, len(mine)
        no_traceback(caplog)
    finally:
        await own.dispose()


# === Part F: numbers split by what a phone keyboard or a paste puts in ========================

TYPED = [
    ("电话139\u200b8765\u200b4321", "8765"),
    ("电话1\u00a03\u00a09\u00a08\u00a07\u00a06\u00a05\u00a04\u00a03\u00a02\u00a01", "8765"),
    ("电话139.8765.4321", "8765"),
    ("📞13987654321📞", "8765"),
    ("tel:+86-139-8765-4321", "8765"),
    ("身份证440113-1985-0612-2601", "19850612"),
    ("身份证号：440113 198506 122601", "19850612"),
    ("电话13987654321身份证440113198506122601", "19850612"),
]


@pytest.mark.parametrize(("typed", "secret"), TYPED)
def test_numbers_split_oddly_are_masked_on_cards_and_in_logs(typed, secret):
    for out in (safe_group_text(typed), scrub(typed)):
        assert not shows(secret, out), out


async def test_a_phone_typed_with_invisible_separators_is_stored_and_masked_on_the_card(
        platform, config, fake_webhook):
    openid = "o-f9-zwsp"
    await to_question(platform, openid, "电话")
    nxt = await say(platform, openid, "139\u200b8765\u200b4321")
    assert "电话" not in nxt or "几个人" in nxt, nxt
    slots = await slots_of(config, openid)
    assert str(slots.get("phone", "")).replace("\u200b", "") == "13987654321", slots
    summary = await finish_form(platform, openid, nxt, ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    assert "请核对登记内容" in summary
    await card_of(fake_webhook, case_no)
    pushed = json.dumps(fake_webhook.posts.requests, ensure_ascii=False).replace(case_no, "")
    assert not shows("8765", pushed), pushed[-800:]


async def test_a_message_without_msgtype_or_content_is_no_server_error(platform, caplog):
    xml = (f"<xml><ToUserName>{_cdata('gh_disputebot')}</ToUserName>"
           f"<FromUserName>{_cdata('o-f9-bare')}</FromUserName></xml>")
    delivery = await platform.post(xml)
    assert delivery.status in (200, 400), delivery.status
    no_traceback(caplog)


# === Part G: added after the first run (the loops, two workers, a bidi mark, two Encrypts) ====


async def test_a_confirmation_sent_to_two_workers_at_once_files_one_case(
        aiohttp_server, http, config, models):
    """Two processes behind one load balancer: the platform's retry lands on the other."""
    from bot.app import build_app

    one = await aiohttp_server(build_app(config, models=models))
    two = await aiohttp_server(build_app(config, models=models))
    try:
        first = make_platform(http, one, config)
        openid = "o-f9-two-workers"
        await finish_form(first, openid, await say(first, openid, "公司一直没给我交社保"),
                          ANSWERS)
        xml = text_xml(openid, "确认", msg_id=9_900_040)
        deliveries = await asyncio.gather(first.post(xml),
                                          make_platform(http, two, config).post(xml))
        assert all(d.status in (200, 503) for d in deliveries), [d.status for d in deliveries]
        assert len(await fetch(config.database_url, Case, openid=openid)) == 1
    finally:
        await two.close()
        await one.close()


async def test_a_right_to_left_override_in_a_name_never_reaches_the_card(platform,
                                                                         fake_webhook):
    """U+202E turns what follows around in the group chat: a name could spoof a case
    number or a phone. The card shows the name without it."""
    openid = "o-f9-rlo"
    await to_question(platform, openid, "称呼")
    summary = await finish_form(platform, openid, await say(platform, openid, "李\u202e四"),
                                ANSWERS)
    assert "\u202e" not in summary, summary
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    posts = await card_of(fake_webhook, case_no)
    assert "\u202e" not in json.dumps(posts, ensure_ascii=False)


async def test_two_encrypt_fields_in_one_body_are_refused(platform, config, caplog):
    q = platform.query()
    first = platform.envelope(text_xml("o-f9-twoenc", "你好"), q)
    other = dict(q)
    second = platform.envelope(text_xml("o-f9-twoenc", "公司没给我交社保"), other)
    inner = second.split("<Encrypt>")[1].split("</Encrypt>")[0]
    body = first.replace("</xml>", f"<Encrypt>{inner}</Encrypt></xml>")
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status in (400, 403), delivery.status
    await nothing_handled(config, "o-f9-twoenc")
    no_traceback(caplog)


async def test_the_running_bot_logs_no_traceback_while_the_database_is_unreachable(
        bot_server, platform, caplog):
    """The outbox loop polls every half second: an outage of a few seconds is one warning
    line, not a traceback per poll."""
    caplog.set_level(logging.INFO)
    await platform.post(text_xml("o-f9-loop0", "你好", msg_id=9_900_041))
    await bot_server.app["services"].batch.flush()
    async with on_every_connection(bot_server, refuse):
        await asyncio.sleep(2.0)
    await asyncio.sleep(1.0)
    logged = our_logs(caplog)
    assert "Traceback" not in logged, logged[-2000:]
    after = await platform.post(text_xml("o-f9-loop1", "公司没给我交社保", msg_id=9_900_042))
    assert after.status == 200 and has_chinese(after.reply)


async def test_the_scheduler_loop_logs_one_line_for_an_outage_and_reminds_after(
        config, rules, caplog):
    from routing.scheduler import Scheduler

    caplog.set_level(logging.INFO)
    own = make_engine(config.database_url)
    own_sm = make_sessionmaker(own)
    try:
        await register(own_sm, config, rules, openid="o-f9-sched", severity="simple")
        scheduler = Scheduler(own_sm, config, interval=0.05)
        await own.dispose()
        event.listen(Pool, "connect", refuse)
        task = asyncio.create_task(scheduler.run())
        try:
            await asyncio.sleep(0.6)
        finally:
            event.remove(Pool, "connect", refuse)
        await asyncio.sleep(0.3)
        scheduler.stop()
        await asyncio.wait_for(task, 5)
        logged = our_logs(caplog)
        assert "Traceback" not in logged, logged[-2000:]
        assert logged.count("database unavailable") <= 1, logged[-2000:]
        assert not task.exception()
        keys = [r.dedup_key for r in await rows(own_sm, "webhook") if r.dedup_key]
        assert any(k.startswith("overdue") and "o-f9" not in k for k in keys), keys
    finally:
        await own.dispose()
