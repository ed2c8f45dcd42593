"""The flat XML the platform posts (the envelope around ``<Encrypt>``; a text, voice, image
or location message) read with ElementTree, which parses in C: xmltodict, which wechatpy
uses, makes a dozen Python calls per element, ~300 a message for the envelope and the
message. Anything else (an event, nested elements, attributes, a repeated tag, a DOCTYPE or a
comment, text between the elements, XML that ElementTree refuses) is left to wechatpy, so the
messages and the errors stay wechatpy's."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from wechatpy import parse_message
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage


def flat_fields(xml: str | bytes) -> dict | None:
    """The children of the ``<xml>`` root as xmltodict reads them (text stripped, an empty
    one None), or None when ``xml`` is not that simple."""
    if isinstance(xml, bytes):
        try:
            xml = xml.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if xml.count("<!") != xml.count("<![CDATA["):
        return None
    try:
        root = ET.fromstring(xml)
    except (ET.ParseError, ValueError, TypeError):
        return None
    if root.tag != "xml" or root.attrib or (root.text and root.text.strip()):
        return None
    fields: dict = {}
    for child in root:
        if len(child) or child.attrib or child.tag in fields or (
                child.tail and child.tail.strip()):
            return None
        fields[child.tag] = (child.text.strip() or None) if child.text else None
    return fields


def read_message(xml: str):
    """:func:`wechatpy.parse_message`, for a flat message other than an event without it."""
    fields = flat_fields(xml) if xml else None
    kind = fields.get("MsgType") if fields else None
    if not kind or kind.lower() == "event" or kind.lower().startswith("device_"):
        return parse_message(xml)
    return MESSAGE_TYPES.get(kind.lower(), UnknownMessage)(fields)
