"""Greetings, help and the catch-all reply."""
from __future__ import annotations

from bot.handlers.base import Context
from bot.texts import text


async def greet(ctx: Context) -> list[str]:
    return [text("greet")]


async def fallback(ctx: Context) -> list[str]:
    return [text("fallback")]


async def nothing_to_cancel(ctx: Context) -> list[str]:
    return [text("nothing_to_cancel")]
