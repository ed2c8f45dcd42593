"""The gateway reads a plain callback document with the C parser, not xmltodict, and gets
what xmltodict (and wechatpy's ``parse_message``) got: the same fields, message classes
and failures; anything out of the ordinary is still read by xmltodict."""
from __future__ import annotations

import pytest
import xmltodict
from wechatpy import parse_message

from bot.gateway import PLAIN_ENVELOPE, _envelope, flat_fields, parse_callback
from bot.simulator import event_xml, image_xml, text_xml, voice_xml

PLAIN = [
    text_xml("o1", "你好"),
    text_xml("o1", "  前后有空格\n第二行  "),
    text_xml("o1", "a]]]]><![CDATA[>b <&> 'q' \"q\""),
    text_xml("o1", ""),
    voice_xml("o1", "我想查进度"),
    voice_xml("o1", None),
    image_xml("o1", "MEDIA1"),
    event_xml("o1", "subscribe"),
    event_xml("o1", "subscribe", "qrscene_123"),
    event_xml("o1", "subscribe", "scanbarcode|x"),
    event_xml("o1", "CLICK", "PROGRESS"),
    ("<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&lt;b&gt; &amp; &#20320;</Content><MsgId>7</MsgId></xml>"),
    "<xml>\r\n <MsgType>device_text</MsgType>\n <Event>bind</Event>\n <Extra/></xml>",
    "<xml><MsgType>device_event</MsgType></xml>",
    "<xml><MsgType>link</MsgType><Title>  </Title><Url></Url></xml>",
    '<?xml version="1.0" encoding="gbk"?><xml><MsgType>text</MsgType><Content>社保</Content></xml>',
]

OTHER = [
    ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "x">]><xml><MsgType>text</MsgType>'
    "<Content>&a;</Content></xml>"),
    '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>',
    "<xml><MsgType>text</MsgType><Content>a<!-- c -->b</Content></xml>",
    "<xml><MsgType>text</MsgType><?pi x?><Content>a</Content></xml>",
    "<xml><MsgType>text</MsgType><Content>a</Content><Content>b</Content></xml>",
    "<xml><MsgType>text</MsgType><Content><b>a</b></Content></xml>",
    '<xml><MsgType>text</MsgType><Content lang="zh">a</Content></xml>',
    '<xml xmlns="urn:x"><MsgType>text</MsgType></xml>',
    '<xml xmlns:w="urn:x"><MsgType>text</MsgType><w:Content>a</w:Content></xml>',
    "<xml>stray<MsgType>text</MsgType></xml>",
    "<xml><MsgType>text</MsgType>tail</xml>",
    "<message><MsgType>text</MsgType></message>",
    '<xml id="1"><MsgType>text</MsgType></xml>',
    "<xml></xml>",
    "<xml/>",
    "<xml><MsgType>text</MsgType>",
    "<xml><Content>&nbsp;</Content></xml>",
    "not xml",
    "",
]


@pytest.mark.parametrize("xml", PLAIN)
def test_plain_documents_read_as_xmltodict_reads_them(xml):
    assert flat_fields(xml) == xmltodict.parse(xml)["xml"]


@pytest.mark.parametrize("xml", OTHER)
def test_anything_else_is_left_to_xmltodict(xml):
    assert flat_fields(xml) is None


ENVELOPES = [
    b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[QUJD+/9=]]></Encrypt></xml>",
    (b"<xml>\r\n  <ToUserName><![CDATA[gh-1]]></ToUserName>\n\t<Encrypt><![CDATA[QUJD]]>"
    b"</Encrypt>\n</xml>\n"),
]
ODD_ENVELOPES = [
    b"<xml>\x0c<ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt></xml>",
    b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt></xml>\x0b",
    b" <xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt></xml>",
    b"<xml><ToUserName><![CDATA[gh 1]]></ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt></xml>",
    b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[ QUJD]]></Encrypt></xml>",
    b"<xml><Encrypt><![CDATA[QUJD]]></Encrypt><ToUserName><![CDATA[gh_1]]></ToUserName></xml>",
    b"<xml><ToUserName>gh_1</ToUserName><Encrypt>QUJD</Encrypt></xml>",
    (b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt>"
    b"<Encrypt><![CDATA[QUJE]]></Encrypt></xml>"),
]


@pytest.mark.parametrize("body", ENVELOPES)
def test_the_platforms_envelope_reads_as_xmltodict_reads_it(body):
    assert PLAIN_ENVELOPE.fullmatch(body)
    assert _envelope(body) == xmltodict.parse(body)["xml"]


@pytest.mark.parametrize("body", ODD_ENVELOPES)
def test_other_envelopes_are_parsed(body):
    """Form feeds and vertical tabs are no XML white space (xmltodict refuses them), text
    in CDATA is stripped, fields come in any order or twice: parsed, not matched."""
    assert not PLAIN_ENVELOPE.fullmatch(body)
    try:
        expected = xmltodict.parse(body)["xml"]
    except Exception:  # noqa: BLE001 - left to wechatpy, which refuses it
        assert _envelope(body) == body
        return
    got = _envelope(body)
    assert got == body or got == expected


def _outcome(parse, xml):
    try:
        message = parse(xml)
    except Exception as exc:  # noqa: BLE001 - the failure is the outcome compared
        return ("raises", type(exc))
    if message is None:
        return None
    return type(message), message._data, [_read(message, name) for name in (
        "source", "target", "id", "time", "type", "content", "media_id", "recognition",
        "event", "key", "scene_id")]


def _read(message, name):
    try:
        return getattr(message, name, None)
    except Exception as exc:  # noqa: BLE001 - wechatpy's property fails on this input
        return ("raises", type(exc))


@pytest.mark.parametrize("xml", PLAIN + OTHER + [
    "<xml><Content>a</Content></xml>",
    "<xml><MsgType/></xml>",
    "<xml><MsgType>event</MsgType><Event/></xml>",
    "<xml><MsgType>text</MsgType><MsgId>abc</MsgId></xml>",
])
def test_messages_are_wechatpys_messages(xml):
    assert _outcome(parse_callback, xml) == _outcome(parse_message, xml)


async def test_an_encrypted_message_is_read_without_xmltodict(platform, monkeypatch):
    """Envelope and message were two xmltodict parses (~440 Python calls a message)."""
    parsed = []
    real = xmltodict.parse

    def counted(document, *args, **kwargs):
        parsed.append(document.decode() if isinstance(document, bytes) else document)
        return real(document, *args, **kwargs)

    monkeypatch.setattr(xmltodict, "parse", counted)
    assert await platform.say("o-flat-fields", "你好")
    sender = "<FromUserName><![CDATA[o-flat-fields]]>"
    envelope = "<ToUserName><![CDATA[gh_disputebot]]></ToUserName><Encrypt>"
    assert any("<MsgSignature>" in x for x in parsed)  # the simulator's own reads
    assert [x for x in parsed if sender in x or envelope in x] == []


@pytest.fixture(scope="module")
def kb():
    from knowledge import load_kb

    return load_kb(None)


def _questions() -> list[str]:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / "kb_heldout.jsonl"
    return [json.loads(line)["question"] for line in
            path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_both_out_of_scope_readings_come_from_one(kb):
    scope = kb.scope
    declined = mixed = 0
    for question in _questions() + ["公积金和社保都要交吗", "公积金怎么取", "我还有工资流水要补充"]:
        hotline, mentioned = scope.out_of_scope_reading(question)
        assert hotline == scope.out_of_scope_hotline(question), question
        assert mentioned == (None if hotline else scope.mentioned_out_of_scope(question))
        declined += bool(hotline)
        mixed += bool(mentioned)
    assert declined and mixed


def test_a_question_is_read_for_out_of_scope_words_once(kb, monkeypatch):
    """The knowledge base asked for the declining hotline, then for any mentioned one: the
    text flattened and its keywords looked up twice (~25 µs a question)."""
    from knowledge.scope import Scope

    flattened = []
    flat = Scope._flat

    def counted(self, query):
        flattened.append(query)
        return flat(self, query)

    monkeypatch.setattr(Scope, "_flat", counted)
    for question in ["公积金和社保都要交吗", "公司不给我交社保怎么办"]:
        flattened.clear()
        candidates = kb.candidates(question)
        assert candidates.hits and not candidates.oos_hotline
        assert len(flattened) == 1, flattened
    assert kb.candidates("公积金和社保都要交吗").mixed


def test_saved_columns_read_as_a_tuple_in_order():
    from bot.store.dialogue import SAVED, DetachedState, columns_of
    from bot.store.models import DialogueState

    values = {"form": "dispute", "requested_slot": "name", "slots": {"a": 1}, "pending": {"b": 2},
                  "version": 3, "started_at": None, "updated_at": None}
    for state in (DetachedState("o1", **values), DialogueState(openid="o1", **values)):
        assert columns_of(state) == tuple(values[column] for column in SAVED)
