"""Policy questions: the knowledge base answers with its source, or declines."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.handlers.base import Context
from bot.texts import text

MENU_WORDS = {"政策咨询", "咨询", "政策", "我要咨询", "问问题"}
WORDS = yaml.safe_load((Path(__file__).resolve().parent / "chat.yaml").read_text("utf-8"))


def _alternation(key: str) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(WORDS[key], key=len, reverse=True)))


TOPICS = _alternation("policy_topics")
ASKING = _alternation("policy_ask_words")
_NOISE = re.compile(r"[\s，。！？,.!?~～…、:：;；\"'“”]")


def vague_topic(question: str) -> str | None:
    """The topic of a question that names nothing but a topic ("社保", "我想问下医保的事"),
    which the knowledge base can only decline; None for a concrete question."""
    bare = _NOISE.sub("", question or "")
    topics = TOPICS.findall(bare)
    if not topics or ASKING.sub("", TOPICS.sub("", bare)):
        return None
    return topics[0]


async def ask_policy(ctx: Context) -> list[str]:
    question = ctx.text.strip()
    if not question or question in MENU_WORDS or ctx.services.kb is None:
        return [text("ask_policy_prompt")]
    topic = vague_topic(question)
    if topic is not None:
        return [text("ask_policy_topic", topic=topic)]
    return [ctx.services.kb.ask(question).reply_text()]
