"""Messages that are not text: images may become evidence, the rest get a polite reply."""
from __future__ import annotations

from bot.handlers.base import Context
from bot.handlers.open_case import open_case_numbers
from bot.texts import text

UNSENDABLE = {"file", "video", "shortvideo", "link"}
"""What the gateway cannot pass on to a liaison; a payer with an open case is told what can."""


def media_reply(kind: str) -> list[str]:
    if kind == "voice":
        return [text("voice_unrecognised")]
    if kind == "unknown":
        return [text("unknown_type")]
    return [text("media_unsupported")]


async def media_for_case(ctx: Context) -> list[str]:
    """A file or video from a payer with an open case is most likely material for it: how
    to send it here (photos, screenshots, voice), not a request to describe the problem."""
    kind = ctx.inbound.kind
    numbers = await open_case_numbers(ctx) if kind in UNSENDABLE else []
    if not numbers:
        return media_reply(kind)
    return [text("media_open_case", cases="、".join(numbers))]
