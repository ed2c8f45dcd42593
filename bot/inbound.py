"""The platform-neutral message the dispatcher works on, built from wechatpy's parse."""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

KEPT_CONTROLS = "\n\t"
"""Line breaks and tabs are how payers lay out a story; other control characters are not text."""
MEDIA_KINDS = {"video", "shortvideo", "location", "link", "file", "miniprogrampage"}
SCALAR_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Content",
                 "Event", "EventKey", "MediaId", "Recognition", "Label")
"""Fields read as one text: the platform never repeats or nests them, and a repeated
FromUserName or markup inside Content would be read as a Python list's or dict's repr."""


@dataclass(frozen=True)
class Inbound:
    openid: str
    kind: str
    text: str | None = None
    media_id: str | None = None
    event: str | None = None
    event_key: str | None = None
    msg_id: int | None = None
    create_time: int = 0

    @property
    def dedup_key(self) -> str:
        """Sender + MsgId (MsgId alone collided between users). Events have no MsgId (nor,
        from some relays, does a message): the second and what was sent tell two apart
        (two menu clicks, or 你好 then 进度, in one second), digested so a long VIEW URL
        stays within the key's 200 characters."""
        if self.msg_id and self.kind != "event":
            return f"{self.openid}:{self.msg_id}"
        kind = self.event or self.kind
        sent = "\x1f".join([kind, self.event_key or "", self.text or "", self.media_id or ""])
        digest = hashlib.sha256(sent.encode("utf-8")).hexdigest()[:16]
        return f"{self.openid}:{self.create_time}:{kind[:40]}:{digest}"


def visible(text: str | None) -> str:
    """Text without invisible characters (zero-width spaces and joiners, byte-order marks,
    right-to-left overrides, control characters): pasted from a web page or a chat they
    would be stored in an answer ("宏\u200b达") and reverse or hide words on a liaison's card."""
    text = str(text or "")
    if text.isprintable():  # nearly every message: one C-level pass, no per-character loop
        return text
    return "".join(ch for ch in text if ch in KEPT_CONTROLS
                   or unicodedata.category(ch) not in ("Cf", "Cc"))


def worded(recognition: str) -> bool:
    """Speech recognition of noise or silence can be a lone "。": that is no words at all
    and is asked again like a voice without recognition, never read as an answer."""
    return any(ch.isalnum() for ch in recognition)


def from_wechat(message) -> Inbound:
    """Map a wechatpy message or event to :class:`Inbound`."""
    raw = getattr(message, "_data", {}) or {}
    for name in SCALAR_FIELDS:
        if not isinstance(raw.get(name), str | None):
            raise TypeError(f"{name} is repeated or nested")
    kind = (raw.get("MsgType") or getattr(message, "type", "unknown") or "unknown").lower()
    common = {
        "openid": str(getattr(message, "source", "") or raw.get("FromUserName") or ""),
        "msg_id": int(getattr(message, "id", 0) or 0),
        "create_time": int(getattr(message, "time", 0) or 0),
    }
    if kind == "text":
        return Inbound(kind="text", text=visible(message.content), **common)
    if kind == "voice":
        recognition = visible(getattr(message, "recognition", None)).strip()
        return Inbound(kind="voice", text=recognition if worded(recognition) else None,
                       media_id=message.media_id, **common)
    if kind == "image":
        return Inbound(kind="image", media_id=message.media_id, **common)
    if kind == "event":
        event = str(raw.get("Event") or getattr(message, "event", "") or "").lower()
        key = raw.get("EventKey")
        return Inbound(kind="event", event=event, event_key=str(key) if key else None, **common)
    if kind == "location":  # the place's name as WeChat labels it, read as typed in a form
        label = visible(raw.get("Label") or getattr(message, "label", None)).strip()
        return Inbound(kind=kind, text=label or None, **common)
    if kind in MEDIA_KINDS:
        return Inbound(kind=kind, **common)
    return Inbound(kind="unknown", **common)
