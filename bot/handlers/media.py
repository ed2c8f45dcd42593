"""Messages that are not text: images may become evidence, the rest get a polite reply."""
from __future__ import annotations

from bot.texts import text


def media_reply(kind: str) -> list[str]:
    if kind == "voice":
        return [text("voice_unrecognised")]
    if kind == "unknown":
        return [text("unknown_type")]
    return [text("media_unsupported")]
