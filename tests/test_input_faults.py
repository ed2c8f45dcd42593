"""Bad and unusual input at the WeChat callback, through the real gateway with real crypto:
a bad callback gets a clear HTTP status, an unusual message a helpful Chinese reply, and a
filing half done keeps its answers. Each test pins a problem found by probing."""
from __future__ import annotations

import pytest
from wechatpy.crypto import _get_signature

from bot.simulator import message_xml, text_xml
from tests.conftest import make_platform
from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question
from tests.test_gateway import processed_count

# Fields as the platform sends them (wechatpy.messages / the Official Account message docs).
MEDIA = {
    "video": {"MediaId": "m1", "ThumbMediaId": "t1"},
    "shortvideo": {"MediaId": "m2", "ThumbMediaId": "t2"},
    "location": {"Location_X": "23.13", "Location_Y": "113.81", "Scale": "15",
                 "Label": "广东省广州市增城区新塘镇"},
    "link": {"Title": "社保断缴怎么办", "Description": "转发", "Url": "http://127.0.0.1/"},
    "file": {"Title": "工资条.pdf", "Description": "", "FileKey": "k", "FileMd5": "0" * 32,
             "FileTotalLen": "1024"},
    "miniprogrampage": {"Title": "社保查询", "AppId": "wx0", "PagePath": "pages/index",
                        "ThumbUrl": "http://127.0.0.1/t", "ThumbMediaId": "t3"},
    "hologram": {"Foo": "bar"},
}
WHAT_INSTEAD = {"video": "截", "shortvideo": "截", "location": "镇（街道）", "link": "截图",
                "file": "拍照或截图", "miniprogrampage": "截图", "hologram": "文字"}


# --- callbacks ------------------------------------------------------------------------------


async def test_verification_without_echostr_is_400(http, bot_server, platform):
    """A correctly signed GET without echostr was answered 200 with an empty body."""
    async with http.get(bot_server.make_url("/wechat"), params=platform.query()) as resp:
        assert resp.status == 400


XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       '<xml><ToUserName>gh</ToUserName><FromUserName>o-xxe</FromUserName>'
       '<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&e;</Content>'
       '<MsgId>1</MsgId></xml>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">'
                    for i in range(8))
          + ']><xml><FromUserName>o-lol</FromUserName><MsgType>text</MsgType>'
            '<Content>&i;</Content></xml>')


@pytest.mark.parametrize("mode", ["aes", "plain"])
@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
async def test_entities_in_the_payload_are_refused(http, bot_server, config, mode, xml):
    """Guard: a DOCTYPE with entities, signed and encrypted or plain, is a 400 and nothing
    is handled (xmltodict refuses entity declarations)."""
    sender = make_platform(http, bot_server, config, mode)
    assert (await sender.post(xml)).status == 400
    assert await processed_count(config.database_url) == 0


@pytest.mark.parametrize("encrypt", ["!!!not base64!!!", "QUJD", ""])
async def test_an_encrypt_field_that_is_not_a_message_is_400(platform, config, encrypt):
    """Guard: correctly signed, but the Encrypt field is not base64 or far too short."""
    q = platform.query()
    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], encrypt)
    body = f"<xml><Encrypt>{encrypt}</Encrypt></xml>"
    assert (await platform.post("", query=q, body=body)).status == 400
    assert await processed_count(config.database_url) == 0


# --- unusual messages -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(MEDIA))
async def test_a_message_we_cannot_pass_on_says_what_to_send_instead(platform, kind):
    """Was "收到了。目前我只能处理文字、语音和图片…" for all of them: "received" although
    nothing reaches a liaison, and no word of a screenshot or the place's name."""
    reply = (await platform.post(message_xml(f"o-kind-{kind}", kind, MEDIA[kind]))).reply
    assert "收到了" not in reply and WHAT_INSTEAD[kind] in reply and "文字" in reply, reply


@pytest.mark.parametrize("kind", sorted(MEDIA))
async def test_a_message_we_cannot_pass_on_mid_form_repeats_the_question(platform, config,
                                                                         kind):
    """Mid-form a video, location, link, file or mini-program card got the reply for a payer
    with no filing ("请用文字描述您的问题" at the phone question) and no word of the form."""
    openid = f"o-kind-form-{kind}"
    await to_question(platform, openid, "电话")
    before = await slots_of(config, openid)
    delivery = await platform.post(message_xml(openid, kind, MEDIA[kind]))
    assert delivery.status == 200
    # a location's label is read as typed: here the town already given, so the question again
    assert "接着登记" in delivery.reply or kind == "location", delivery.reply
    assert "电话" in delivery.reply and "请用文字描述您的问题" not in delivery.reply
    assert await slots_of(config, openid) == before
    assert "几个人" in await say(platform, openid, "13912345678")


@pytest.mark.parametrize("typed", [
    "宏\u200b达\u200d电子厂",        # zero-width space and joiner pasted from a web page
    "\ufeff宏达电子厂",               # byte-order mark
    "\u202e宏达电子厂\u202c",         # right-to-left override: reversed on a liaison's card
    "\u2066宏达电子厂\u2069\u200e",   # bidi isolates and marks
])
async def test_invisible_characters_never_reach_an_answer(platform, config, typed):
    """They were stored in the employer as typed ("宏\\u200b达\\u200d电子厂")."""
    openid = f"o-invisible-{abs(hash(typed)) % 10**8}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, typed)
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂"


async def test_only_invisible_characters_is_an_empty_message(platform):
    """"\\u200b\\u200c" was read as text, not as the empty message it looks like."""
    empty = await say(platform, "o-invisible-only-a", "")
    assert await say(platform, "o-invisible-only-b", "\u200b\u200c\u2060\ufeff") == empty


@pytest.mark.parametrize("event,fields", [
    ("SCAN", {"EventKey": "123", "Ticket": "t"}),
    ("subscribe", {"EventKey": "scanbarcode|EAN_13|6901234567892", "Ticket": "t"}),
])
async def test_scanning_a_code_gets_an_answer(platform, event, fields):
    """A follower scanning a poster's QR code (SCAN), or following by scanning a product
    code (subscribe_scan_product), saw nothing at all."""
    delivery = await platform.post(message_xml(f"o-scan-{event}", "event",
                                               {"Event": event, **fields}))
    assert delivery.status == 200 and delivery.reply and "反映问题" in delivery.reply


async def test_text_xml_still_carries_markup_and_cdata_ends_as_typed(platform, config):
    """Guard: "<a>" and "]]>" typed by a payer survive the XML round trip into the form."""
    openid = "o-markup"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "<宏达>电子厂]]>")
    assert "<宏达>电子厂" in (await slots_of(config, openid))["employer"]


async def test_plain_mode_gets_the_same_answers(http, bot_server, config):
    """The same message kinds in plaintext mode (no encrypt_type) are answered alike."""
    plain = make_platform(http, bot_server, config, "plain")
    reply = (await plain.post(message_xml("o-plain-file", "file", MEDIA["file"]))).reply
    assert "拍照或截图" in reply
    assert (await plain.post(text_xml("o-plain-zw", "\u200b"))).status == 200


@pytest.mark.parametrize("mode", ["aes", "plain"])
async def test_control_characters_in_a_text_are_dropped_not_refused(http, bot_server, config,
                                                                     mode):
    """A text with C0 control characters (a backspace or a vertical tab pasted from another
    app) is not well-formed XML: it was refused with 400, so the platform gave up and the
    payer's answer was lost. They are dropped like the invisible characters."""
    sender = make_platform(http, bot_server, config, mode)
    openid = f"o-control-{mode}"
    await to_question(sender, openid, "单位")
    delivery = await sender.post(text_xml(openid, "宏达\x08电子厂\x0b\x1f"))
    assert delivery.status == 200 and delivery.reply
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂"
