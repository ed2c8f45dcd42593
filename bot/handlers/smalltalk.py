"""Greetings, help and the catch-all reply."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.handlers.base import Context
from bot.handlers.progress import loose_case_no, progress
from bot.store.models import Case
from bot.texts import text

THANKS = re.compile(r"^(谢谢|多谢|感谢|谢了|辛苦了|好的谢谢|谢谢你|谢谢您|thanks?|thank you)"
                    r"[!！。.~～啦了哈呀]*$", re.IGNORECASE)
# "你是机器人吗", "是真人吗", "你是AI吧": the payer asks who answers.
BOT_QUESTION = re.compile(r"(机器人|是真人|是不是人|是人吗|是人工吗|人工智能|自动回复|\bai\b)",
                          re.IGNORECASE)
REOPEN = re.compile(r"^(重新办理|重新处理|重办|再办|重新受理|重新打开)")


async def greet(ctx: Context) -> list[str]:
    return [text("greet")]


async def fallback(ctx: Context) -> list[str]:
    message = (ctx.text or "").strip()
    if message and loose_case_no(message):
        return await progress(ctx)  # "Z Y 2026 1126 0001": a number is a progress check
    if THANKS.match(message):
        return [text("thanks")]
    if BOT_QUESTION.search(message) and len(message) <= 15:
        return [text("bot_identity")]
    return [text("fallback")]


async def nothing_to_cancel(ctx: Context) -> list[str]:
    if REOPEN.match((ctx.text or "").strip()):
        return await _nothing_to_reopen(ctx)
    return [text("nothing_to_cancel")]


async def _nothing_to_reopen(ctx: Context) -> list[str]:
    """重新办理 with no recently resolved case (the follow-up handler reopens those)."""
    async with ctx.services.sessionmaker() as session:
        case = await session.scalar(
            select(Case).where(Case.openid == ctx.inbound.openid, Case.status == "reopened")
            .order_by(Case.updated_at.desc()).limit(1))
    if case is not None:
        return [text("reopen_already", case_no=case.case_no)]
    return [text("reopen_none")]
