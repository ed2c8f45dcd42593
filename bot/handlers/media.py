"""Messages that are not text: images may become evidence; for the rest the payer hears
what can be sent instead and, during a filing, the question to go on with."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.handlers.base import Context
from bot.handlers.open_case import open_case_numbers
from bot.handlers.recent import RecentHint
from bot.store.snapshot import payer_snapshot
from bot.texts import text

MEDIA = yaml.safe_load(Path(__file__).with_name("media.yaml").read_text(encoding="utf-8"))
UNSENDABLE = frozenset(MEDIA["material_kinds"])
PLACEHOLDERS = frozenset(MEDIA["placeholders"])
"""What the gateway cannot pass on to a liaison; a payer with an open case is told what can."""
LOOKED_AT_IMAGE = RecentHint("image", MEDIA["image_hint_minutes"])
"""A picture no form or case kept: the payer's next words may point at it ("你看下这个")."""


def image_kept_by_none(ctx: Context) -> list[str]:
    """A picture outside a form and any case: how it becomes evidence, and remembered for a
    few minutes so that "你看下这个" is read as about it."""
    LOOKED_AT_IMAGE.put(ctx, ctx.inbound.media_id or "image")
    return [text("image_no_draft")]


def media_reply(kind: str) -> list[str]:
    if kind == "voice":
        return [text("voice_unrecognised")]
    said = MEDIA["kinds_outside_form"].get(kind)
    return [said] if said else [what_to_send(kind) + "\n" + MEDIA["outside_form"]]


def what_to_send(kind: str) -> str:
    kinds = MEDIA["kinds"]
    return kinds.get(kind, kinds["unknown"])


def form_going_on(ctx: Context, row: dict) -> str:
    """The answers so far are kept, and the question the form waits on, worded as the form
    itself asks it."""
    question = ctx.services.extra["intake"].current_question(row)
    return MEDIA["in_form"].format(question=question)


def placeholder(message: str | None) -> bool:
    """The text WeChat sends in place of what it cannot pass on (a store sticker): no words
    of the payer's, so never a story, an answer or a request."""
    return (message or "").strip() in PLACEHOLDERS


async def in_form(ctx: Context) -> bool:
    """A location sent during a filing is its label typed as an answer (the form takes a
    place from it); elsewhere it is media the liaisons cannot see."""
    snapshot = await payer_snapshot(ctx.services.batch, ctx.inbound.openid)
    return snapshot is not None and snapshot.in_form


async def media_for_case(ctx: Context, kind: str | None = None) -> list[str]:
    """A video, location or file in the middle of a filing keeps the answers and asks the
    question again; with an open case, a file or video is most likely material for it (how
    to send it here: photos, screenshots, voice), not a request to describe the problem."""
    kind = kind or ctx.inbound.kind
    if kind == "unknown" and placeholder(ctx.text):
        kind = "placeholder"
    snapshot = await payer_snapshot(ctx.services.batch, ctx.inbound.openid)
    if snapshot is not None and snapshot.in_form:
        return [what_to_send(kind) + "\n" + form_going_on(ctx, snapshot.state)]
    numbers = await open_case_numbers(ctx) if kind in UNSENDABLE else []
    if not numbers:
        return media_reply(kind)
    return [text("media_open_case", cases="、".join(numbers))]
