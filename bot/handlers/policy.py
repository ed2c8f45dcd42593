"""Policy questions: the knowledge base answers with its source, or declines."""
from __future__ import annotations

from bot.handlers.base import Context
from bot.texts import text

MENU_WORDS = {"政策咨询", "咨询", "政策", "我要咨询", "问问题"}


async def ask_policy(ctx: Context) -> list[str]:
    question = ctx.text.strip()
    if not question or question in MENU_WORDS or ctx.services.kb is None:
        return [text("ask_policy_prompt")]
    return [ctx.services.kb.ask(question).reply_text()]
