"""What the WeChat platform and real payers actually send to ``/wechat``, through the real
gateway with real wechatpy crypto on both sides: message kinds and events not covered
elsewhere, callback faults, retries, a burst, the log and a shutdown in the middle."""
from __future__ import annotations

import asyncio
import base64
import io
import logging
import time

import pytest
from wechatpy.crypto import _get_signature

from bot.logging_setup import setup_logging
from bot.simulator import Platform, _cdata, message_xml, text_xml
from tests.conftest import make_platform
from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question
from tests.test_gateway import processed_count

UNSUPPORTED = "【收到不支持的消息类型，暂无法显示】"


def header(openid: str, msg_type: str, create_time: int | None = None) -> str:
    parts = [f"<ToUserName>{_cdata('gh_disputebot')}</ToUserName>",
             f"<FromUserName>{_cdata(openid)}</FromUserName>"]
    if create_time is not None:
        parts.append(f"<CreateTime>{create_time}</CreateTime>")
    parts.append(f"<MsgType>{_cdata(msg_type)}</MsgType>")
    return "".join(parts)


def raw_event(openid: str, event: str, fields: dict, create_time: int | None = None,
              extra: str = "") -> str:
    body = "".join(f"<{k}>{_cdata(str(v))}</{k}>" for k, v in fields.items())
    return (f"<xml>{header(openid, 'event', create_time or int(time.time()))}"
            f"<Event>{_cdata(event)}</Event>{body}{extra}</xml>")


async def no_customer_messages(fake_api, openid: str, wait: float = 0.3) -> bool:
    await asyncio.sleep(wait)
    return fake_api.texts_to(openid) == []


def plain(http, bot_server, config):
    return make_platform(http, bot_server, config, "plain")


# --- events the platform pushes that no payer typed ---------------------------------------

SILENT_EVENTS = {
    "location-report": ("LOCATION", {"Latitude": "23.137466", "Longitude": "113.352425",
                                     "Precision": "119.385040"}),
    "view": ("VIEW", {"EventKey": "https://example.org/guide", "MenuId": "208396938"}),
    "template-blocked": ("TEMPLATESENDJOBFINISH", {"MsgID": "3487542469355618313",
                                                   "Status": "failed:user block"}),
    "mass-finished": ("MASSSENDJOBFINISH", {"MsgID": "1000001625", "Status": "sendsuccess",
                                            "TotalCount": "100", "FilterCount": "80",
                                            "SentCount": "75", "ErrorCount": "5"}),
    "kf-close": ("kf_close_session", {"KfAccount": "test1@test", "CloseType": "KF"}),
    "card-received": ("user_get_card", {"CardId": "pFS7Fjg8kV1IdDz01r4SQwMkuCKc",
                                        "IsGiveByFriend": "0", "UserCardCode": "12312312",
                                        "OuterId": "0"}),
    "unsubscribe": ("unsubscribe", {}),
    "unknown": ("some_future_event", {"Foo": "bar"}),
}


@pytest.mark.parametrize("name", sorted(SILENT_EVENTS))
async def test_a_pushed_event_is_answered_success_and_nothing_is_sent(platform, fake_api, name):
    event, fields = SILENT_EVENTS[name]
    openid = f"o-silent-{name}"
    delivery = await platform.post(raw_event(openid, event, fields))
    assert delivery.status == 200 and delivery.body == "success", delivery.body
    assert await no_customer_messages(fake_api, openid)


async def test_location_reports_every_five_seconds_never_flood_the_payer(platform, fake_api):
    openid = "o-location-flood"
    now = int(time.time())
    for i in range(4):
        delivery = await platform.post(raw_event(openid, "LOCATION", {
            "Latitude": "23.13", "Longitude": "113.81", "Precision": "30"},
            create_time=now - 15 + 5 * i))
        assert delivery.status == 200 and delivery.body == "success"
    assert await no_customer_messages(fake_api, openid)


async def test_location_report_mid_form_keeps_the_form_quiet(platform, config, fake_api):
    openid = "o-location-form"
    await to_question(platform, openid, "电话")
    before = await slots_of(config, openid)
    delivery = await platform.post(raw_event(openid, "LOCATION", {
        "Latitude": "23.13", "Longitude": "113.81", "Precision": "30"}))
    assert delivery.body == "success"
    assert await slots_of(config, openid) == before
    assert "几个人" in await say(platform, openid, "13912345678")


async def test_following_from_a_poster_qr_code_gets_the_welcome(platform):
    delivery = await platform.post(raw_event("o-qrscene", "subscribe",
                                             {"EventKey": "qrscene_123123", "Ticket": "TICKET"}))
    assert delivery.status == 200 and "反映问题" in (delivery.reply or "")


async def test_a_retried_event_is_handled_once_and_answered_alike(platform, config):
    xml = raw_event("o-event-retry", "subscribe", {}, create_time=int(time.time()))
    replies = [(await platform.post(xml)).reply for _ in range(3)]
    assert replies[0] and replies == [replies[0]] * 3
    assert await processed_count(config.database_url) == 1


async def test_two_events_in_the_same_second_are_not_duplicates(platform):
    """The platform pushes subscribe and a LOCATION report (or a click) in one second."""
    now = int(time.time())
    await platform.post(raw_event("o-same-second", "LOCATION", {
        "Latitude": "23.13", "Longitude": "113.81", "Precision": "30"}, create_time=now))
    welcome = await platform.post(raw_event("o-same-second", "subscribe", {}, create_time=now))
    assert welcome.reply and "反映问题" in welcome.reply


async def test_a_click_in_the_same_second_as_the_follow_gets_its_own_answer(platform):
    now = int(time.time())
    welcome = await platform.post(raw_event("o-click-same", "subscribe", {}, create_time=now))
    click = await platform.post(raw_event("o-click-same", "CLICK",
                                          {"EventKey": "CHECK_PROGRESS"}, create_time=now))
    assert welcome.reply and click.reply and click.reply != welcome.reply


# --- message kinds a payer can send ---------------------------------------------------------

async def test_a_sticker_or_chat_record_the_platform_cannot_show_asks_for_words(platform, config):
    """A sticker, a merged chat record (聊天记录) and other kinds reach a service account as
    this fixed text; it is not the payer's words."""
    reply = await say(platform, "o-unsupported", UNSUPPORTED)
    assert "文字" in reply and "截图" in reply, reply


async def test_a_chat_record_mid_form_is_never_stored_as_an_answer(platform, config):
    openid = "o-unsupported-form"
    await to_question(platform, openid, "单位")
    before = await slots_of(config, openid)
    reply = await say(platform, openid, UNSUPPORTED)
    assert await slots_of(config, openid) == before
    assert "单位" in reply, reply


async def test_music_gets_what_to_send_instead(platform):
    delivery = await platform.post(message_xml("o-music", "music", {
        "Title": "歌", "Description": "d", "MusicUrl": "http://127.0.0.1/m"}))
    assert delivery.status == 200 and "文字" in (delivery.reply or "")


async def test_empty_recognition_asks_for_text(platform):
    delivery = await platform.post(message_xml("o-voice-empty", "voice", {
        "MediaId": "v", "Format": "amr", "Recognition": ""}))
    assert delivery.status == 200 and "文字" in (delivery.reply or "")


async def test_an_empty_content_gets_a_reply(platform):
    xml = f"<xml>{header('o-empty-content', 'text', int(time.time()))}<Content></Content>" \
          f"<MsgId>5550001</MsgId></xml>"
    delivery = await platform.post(xml)
    assert delivery.status == 200 and delivery.reply


# --- odd but valid envelopes -------------------------------------------------------------------

async def test_a_message_without_create_time_is_answered(platform):
    xml = f"<xml>{header('o-no-time', 'text')}<Content>{_cdata('你好')}</Content>" \
          f"<MsgId>5550002</MsgId></xml>"
    delivery = await platform.post(xml)
    assert delivery.status == 200 and delivery.reply


async def test_a_create_time_that_is_not_a_number_is_answered(platform):
    xml = f"<xml>{header('o-bad-time', 'text')}<CreateTime>abc</CreateTime>" \
          f"<Content>{_cdata('你好')}</Content><MsgId>5550003</MsgId></xml>"
    delivery = await platform.post(xml)
    assert delivery.status != 500


async def test_a_msgid_beyond_64_bits_is_no_server_error(platform):
    delivery = await platform.post(text_xml("o-big-msgid", "你好",
                                            msg_id=18446744073709551615))
    assert delivery.status == 200 and delivery.reply


async def test_same_msgid_from_two_payers_both_get_answers(platform, config):
    a = await platform.post(text_xml("o-msgid-a", "你好", msg_id=888001))
    b = await platform.post(text_xml("o-msgid-b", "你好", msg_id=888001))
    assert a.reply and b.reply
    assert await processed_count(config.database_url) == 2


async def test_compat_mode_trusts_the_encrypted_sender_not_the_plain_one(http, bot_server,
                                                                         config):
    sender = make_platform(http, bot_server, config, "compat")
    q = sender.query()
    inner = text_xml("o-compat-real", "你好")
    body = sender.envelope(inner, q).replace("o-compat-real", "o-compat-spoof", 1)
    delivery = await sender.post("", query=q, body=body)
    assert delivery.status == 200 and delivery.reply
    assert await processed_count(config.database_url) == 1


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/json"])
async def test_content_type_does_not_matter(http, bot_server, config, platform, content_type):
    q = platform.query()
    body = platform.envelope(text_xml(f"o-ctype-{content_type}", "你好"), q).encode()
    headers = {"Content-Type": content_type} if content_type else {}
    async with http.post(bot_server.make_url("/wechat"), params=q, data=body,
                         headers=headers, skip_auto_headers=["Content-Type"]) as resp:
        assert resp.status == 200
        assert platform.read_reply(await resp.text(), q)


async def test_gbk_body_with_its_declaration_is_read(http, bot_server, config):
    sender = plain(http, bot_server, config)
    xml = text_xml("o-gbk", "公司没给我交社保").replace("<xml>", '<?xml version="1.0" '
                                                          'encoding="GBK"?><xml>', 1)
    delivery = await sender.post("", body=xml.encode("gbk"))
    assert delivery.status == 200 and delivery.reply


async def test_gbk_body_without_declaration_is_no_server_error(http, bot_server, config):
    sender = plain(http, bot_server, config)
    delivery = await sender.post("", body=text_xml("o-gbk2", "社保").encode("gbk"))
    assert delivery.status in (200, 400)


async def test_base64_wrapped_over_lines_is_read(platform):
    q = platform.query()
    envelope = platform.envelope(text_xml("o-b64-lines", "你好"), q)
    encrypt = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    wrapped = "\n".join(encrypt[i:i + 76] for i in range(0, len(encrypt), 76))
    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], wrapped)
    body = f"<xml><Encrypt><![CDATA[{wrapped}]]></Encrypt></xml>"
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status == 200 and delivery.reply


# --- bad callbacks: 4xx, never 500, nothing handled ----------------------------------------

async def test_timestamp_ten_minutes_ahead_is_403(platform, config):
    q = platform.query(timestamp=str(int(time.time()) + 600))
    assert (await platform.post(text_xml("o-future", "hi"), query=q)).status == 403
    assert await processed_count(config.database_url) == 0


async def test_timestamp_ten_minutes_old_is_403(platform):
    q = platform.query(timestamp=str(int(time.time()) - 600))
    assert (await platform.post(text_xml("o-past", "hi"), query=q)).status == 403


async def test_msg_signature_over_another_body_is_403(platform, config):
    q = platform.query()
    platform.envelope(text_xml("o-sig-a", "第一条"), q)
    signature = q["msg_signature"]
    body = platform.envelope(text_xml("o-sig-b", "第二条"), dict(q))
    q["msg_signature"] = signature
    assert (await platform.post("", query=q, body=body)).status == 403
    assert await processed_count(config.database_url) == 0


async def test_a_reused_nonce_with_another_body_is_refused(http, bot_server, config):
    """Plaintext mode signs only token, timestamp and nonce: a captured query replayed with
    another body must not be handled as a new message."""
    sender = plain(http, bot_server, config)
    q = sender.query()
    first = await sender.post(text_xml("o-nonce", "第一条", msg_id=777111), query=q)
    again = await sender.post(text_xml("o-nonce-evil", "别人的话", msg_id=777112), query=q)
    assert first.status == 200 and again.status == 403
    assert await processed_count(config.database_url) == 1


async def test_a_resend_with_the_same_nonce_and_body_is_still_answered(http, bot_server, config):
    sender = plain(http, bot_server, config)
    q = sender.query()
    xml = text_xml("o-nonce-retry", "你好", msg_id=777113)
    first = await sender.post(xml, query=q)
    second = await sender.post(xml, query=q)
    assert first.reply and second.reply == first.reply


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_are_405(http, bot_server, platform, method):
    async with http.request(method, bot_server.make_url("/wechat"),
                            params=platform.query()) as resp:
        assert resp.status == 405


async def test_head_is_no_server_error(http, bot_server, platform):
    async with http.head(bot_server.make_url("/wechat"), params=platform.query()) as resp:
        assert resp.status < 500


async def test_verification_echoes_as_plain_text(http, bot_server, platform):
    q = platform.query()
    q["echostr"] = "<script>alert(1)</script>"
    async with http.get(bot_server.make_url("/wechat"), params=q) as resp:
        assert resp.status == 200
        assert resp.content_type == "text/plain"


@pytest.mark.parametrize("mode", ["aes", "plain"])
async def test_an_empty_body_is_400(http, bot_server, config, mode, fake_api):
    sender = make_platform(http, bot_server, config, mode)
    q = sender.query()
    q["msg_signature"] = _get_signature(sender.token, q["timestamp"], q["nonce"], "")
    assert (await sender.post("", query=q, body=b"")).status == 400


async def test_a_truncated_aes_block_is_400(platform, config):
    q = platform.query()
    envelope = platform.envelope(text_xml("o-trunc", "你好"), q)
    encrypt = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    cut = base64.b64encode(base64.b64decode(encrypt)[:-5]).decode()
    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], cut)
    body = f"<xml><Encrypt><![CDATA[{cut}]]></Encrypt></xml>"
    assert (await platform.post("", query=q, body=body)).status == 400
    assert await processed_count(config.database_url) == 0


@pytest.mark.parametrize("xml", [
    ("<xml><FromUserName>o-x</FromUserName><MsgType>text</MsgType>"
     "<Content>a</Content><Content>b</Content><MsgId>1</MsgId></xml>"),
    ("<xml><FromUserName>o-y</FromUserName><MsgType>text</MsgType>"
     "<Content><b>x</b></Content><MsgId>2</MsgId></xml>"),
    "<xml><MsgType>text</MsgType><Content>no sender</Content><MsgId>3</MsgId></xml>",
    "<xml><FromUserName>o-z</FromUserName><Content>no type</Content><MsgId>4</MsgId></xml>",
    ("<xml><FromUserName><a>1</a></FromUserName><MsgType>text</MsgType>"
     "<Content>x</Content></xml>"),
    "<notxml><FromUserName>o-w</FromUserName></notxml>",
], ids=["two-contents", "nested-content", "no-sender", "no-type", "nested-sender", "root"])
@pytest.mark.parametrize("mode", ["aes", "plain"])
async def test_odd_xml_is_never_a_server_error(http, bot_server, config, xml, mode):
    sender = make_platform(http, bot_server, config, mode)
    delivery = await sender.post(xml)
    assert delivery.status in (200, 400), (delivery.status, delivery.body)


# --- a burst, payers side by side, the log ------------------------------------------------

async def test_a_burst_of_fifty_from_one_payer_answers_each_once(platform, config):
    openid, other = "o-burst", "o-burst-other"
    posts = [platform.post(text_xml(openid, f"第{i}条：公司没给我交社保")) for i in range(50)]
    posts.insert(25, platform.post(text_xml(other, "你好")))
    results = await asyncio.gather(*posts)
    assert [r.status for r in results] == [200] * 51
    assert all(r.reply or r.body == "success" for r in results)
    assert await processed_count(config.database_url) == 51
    alone = await say(platform, "o-burst-alone", "你好")
    assert results[25].reply == alone


async def test_nothing_a_payer_typed_reaches_the_log(platform, config):
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    handler = setup_logging(level="DEBUG", fmt="json", stream=stream)
    try:
        openid = "o-log-privacy"
        await to_question(platform, openid, "电话")
        await say(platform, openid, "13912345678 身份证440101199001011234 宏达秘密")
        await platform.post(message_xml(openid, "location", {
            "Location_X": "23.13", "Location_Y": "113.81", "Scale": "15",
            "Label": "广州市增城区新塘镇港口大道88号"}))
        await platform.post(raw_event(openid, "LOCATION", {
            "Latitude": "23.137466", "Longitude": "113.352425", "Precision": "1"}))
    finally:
        root.removeHandler(handler)
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    out = stream.getvalue()
    for secret in ("13912345678", "440101199001011234", "宏达秘密", "港口大道",
                   "23.137466", openid):
        assert secret not in out, secret


async def test_a_message_in_flight_at_sigterm_is_still_answered(config, http, fake_api,
                                                                tmp_path):
    """SIGTERM right after the platform got "success": the late reply still goes out."""
    import signal

    from tests.test_multiworker import Worker, _late_reply_env

    server = Worker("drain", _late_reply_env(config, tmp_path), tmp_path)
    try:
        await server.ready(http)
        sender = Platform(http, server.url + "/wechat", config.token, config.aes_key,
                          config.appid)
        delivery = await sender.post(text_xml("o-sigterm", "公司没给我交社保"))
        server.proc.send_signal(signal.SIGTERM)
        assert delivery.status == 200
        assert await asyncio.to_thread(server.proc.wait, 30) == 0, server.output()
        assert fake_api.texts_to("o-sigterm"), server.output()
        assert "Traceback" not in server.output()
    finally:
        await server.stop()


# --- second round ---------------------------------------------------------------------------

async def test_aes_declared_but_body_plain_is_400(platform, config):
    q = platform.query()
    q["msg_signature"] = "0" * 40
    delivery = await platform.post("", query=q, body=text_xml("o-aes-plain", "你好"))
    assert delivery.status in (400, 403)
    assert await processed_count(config.database_url) == 0


async def test_aes_without_msg_signature_is_403(platform, config):
    q = platform.query()
    body = platform.envelope(text_xml("o-no-msgsig", "你好"), q)
    del q["msg_signature"]
    assert (await platform.post("", query=q, body=body)).status == 403


async def test_the_openid_the_platform_adds_to_the_query_changes_nothing(platform):
    q = platform.query()
    q["openid"] = "o-query-openid"
    delivery = await platform.post(text_xml("o-query-openid", "你好"), query=q)
    assert delivery.status == 200 and delivery.reply


@pytest.mark.parametrize("prefix", ["\ufeff", "\n  ", '<?xml version="1.0" encoding="utf-8"?>\n'],
                         ids=["bom", "whitespace", "declaration"])
async def test_plain_body_with_a_prefix_is_read(http, bot_server, config, prefix):
    sender = plain(http, bot_server, config)
    delivery = await sender.post("", body=(prefix + text_xml(f"o-prefix-{len(prefix)}", "你好"))
                                 .encode("utf-8"))
    assert delivery.status == 200 and delivery.reply


async def test_a_click_with_an_empty_key_gets_help(platform):
    delivery = await platform.post(raw_event("o-click-empty", "CLICK", {"EventKey": ""}))
    assert delivery.status == 200 and delivery.reply


async def test_a_temp_session_event_is_silent(platform, fake_api):
    delivery = await platform.post(raw_event("o-tempsession", "user_enter_tempsession",
                                             {"SessionFrom": "sessionFrom"}))
    assert delivery.body == "success"


async def test_voice_of_only_punctuation_is_unrecognised(platform, config):
    openid = "o-voice-dot"
    await to_question(platform, openid, "单位")
    before = await slots_of(config, openid)
    delivery = await platform.post(message_xml(openid, "voice", {
        "MediaId": "v", "Format": "amr", "Recognition": "。"}))
    assert delivery.reply and "文字" in delivery.reply, delivery.reply
    assert await slots_of(config, openid) == before


async def test_voice_recognition_full_stop_is_not_stored(platform, config):
    openid = "o-voice-stop"
    await to_question(platform, openid, "单位")
    await platform.post(message_xml(openid, "voice", {
        "MediaId": "v", "Format": "amr", "Recognition": "宏达电子厂。"}))
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂"


async def test_voice_phone_in_chinese_digits_is_taken(platform, config):
    openid = "o-voice-phone"
    await to_question(platform, openid, "电话")
    delivery = await platform.post(message_xml(openid, "voice", {
        "MediaId": "v", "Format": "amr", "Recognition": "幺三九幺二三四五六七八。"}))
    assert "几个人" in (delivery.reply or ""), delivery.reply


async def test_voice_without_recognition_mid_form_repeats_the_question(platform, config):
    openid = "o-voice-none-form"
    await to_question(platform, openid, "单位")
    delivery = await platform.post(message_xml(openid, "voice", {"MediaId": "v", "Format": "amr"}))
    assert "单位" in (delivery.reply or ""), delivery.reply


def text_without_msgid(openid: str, content: str, create_time: int | None) -> str:
    return (f"<xml>{header(openid, 'text', create_time)}"
            f"<Content>{_cdata(content)}</Content></xml>")


@pytest.mark.parametrize("create_time", [int(time.time()), None], ids=["same-second", "no-time"])
async def test_two_texts_without_msgid_are_not_duplicates(platform, config, create_time):
    openid = f"o-no-msgid-{create_time is None}"
    first = await platform.post(text_without_msgid(openid, "你好", create_time))
    second = await platform.post(text_without_msgid(openid, "进度", create_time))
    assert first.reply and second.reply and second.reply != first.reply
    assert await processed_count(config.database_url) == 2


def test_the_dedup_key_of_a_long_view_url_fits_its_column():
    """The key column holds 200 characters (PostgreSQL refuses more): a VIEW event's key is
    a menu URL of any length."""
    from bot.inbound import Inbound

    url = "https://example.org/" + "a" * 400
    key = Inbound(openid="o" * 28, kind="event", event="view", event_key=url,
                  create_time=int(time.time())).dedup_key
    assert len(key) <= 200


LOCATION_REPORT = ("LOCATION", {"Latitude": "23.13", "Longitude": "113.81", "Precision": "30"})


@pytest.mark.parametrize("name", ["location-report", "template-blocked", "view"])
async def test_a_pushed_event_between_cancel_and_yes_changes_nothing(platform, config, name):
    """Location reports come every 5 s while the chat is open: one between 取消 and 是的
    must not make the payer's 是的 an answer to nothing."""
    openid = f"o-cancel-{name}"
    await to_question(platform, openid, "电话")
    asked = await say(platform, openid, "取消")
    baseline_openid = f"o-cancel-base-{name}"
    await to_question(platform, baseline_openid, "电话")
    await say(platform, baseline_openid, "取消")
    expected = await say(platform, baseline_openid, "是的")
    event, fields = SILENT_EVENTS[name]
    assert (await platform.post(raw_event(openid, event, fields))).body == "success"
    assert await say(platform, openid, "是的") == expected, asked


async def test_a_location_report_between_a_policy_answer_and_its_follow_up(platform):
    openid, baseline = "o-policy-loc", "o-policy-base"
    await say(platform, baseline, "社保断缴了有什么影响")
    expected = await say(platform, baseline, "那医保呢")
    await say(platform, openid, "社保断缴了有什么影响")
    await platform.post(raw_event(openid, *LOCATION_REPORT))
    assert await say(platform, openid, "那医保呢") == expected


async def payer_row(config, openid: str):
    from bot.store.models import Payer
    from tests.test_dialogue import fetch

    for _ in range(40):
        rows = await fetch(config.database_url, Payer, openid=openid)
        if rows:
            return rows[0]
        await asyncio.sleep(0.05)
    return None


async def test_a_delivery_report_after_unfollowing_does_not_resubscribe(platform, config):
    """The platform reports a template's failed delivery (用户拒收) after the payer left:
    the payer was marked subscribed again and the outbox would write to them again."""
    openid = "o-left-then-report"
    await say(platform, openid, "你好")
    await platform.post(raw_event(openid, "unsubscribe", {}))
    await platform.post(raw_event(openid, *SILENT_EVENTS["template-blocked"],
                                  create_time=int(time.time()) + 1))
    await asyncio.sleep(0.5)
    assert (await payer_row(config, openid)).subscribed is False


@pytest.mark.parametrize("name", ["location-report", "view", "template-blocked",
                                  "mass-finished", "kf-close", "card-received"])
async def test_a_pushed_event_opens_no_customer_service_window(platform, config, name):
    """Only a payer's message, a menu click, a follow or a scan lets the account write
    within 48 h; a location report or a delivery report does not."""
    openid = f"o-window-{name}"
    await platform.post(raw_event(openid, *SILENT_EVENTS[name]))
    await asyncio.sleep(0.5)
    row = await payer_row(config, openid)
    assert row is None or row.last_message_at is None


@pytest.mark.parametrize("mode", ["aes", "plain"])
async def test_a_reply_that_quotes_a_cdata_end_is_still_well_formed(http, bot_server, config,
                                                                    mode):
    """The summary quotes the employer as typed: "]]>" in it ended the reply's CDATA, the
    reply XML was broken and the platform showed the payer a service fault."""
    from tests.test_dialogue_robustness import to_summary

    sender = make_platform(http, bot_server, config, mode)
    summary = await to_summary(sender, f"o-cdata-{mode}", answers={"单位": "宏达]]>电子厂"})
    assert "宏达]]>电子厂" in summary
