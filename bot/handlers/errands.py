"""Errands this account cannot run ("帮我打印一份缴费证明", "我要转移社保", "查询社保缴费记录"):
said plainly, with where they are done (the knowledge base's entry), never filed as a dispute
nor added to an open case, and never answered with "no case found"."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.handlers.base import Context
from bot.handlers.policy import entry_answer
from bot.texts import text

_WORDS = yaml.safe_load((Path(__file__).resolve().parent / "errands.yaml").read_text("utf-8"))
_ERRANDS = {key: (spec["what"], spec["entry"], spec.get("intro", "errand_cannot"),
                  re.compile(spec["pattern"]))
            for key, spec in _WORDS["errands"].items()}
_NOT = re.compile(_WORDS["not"])
_PROGRESS = re.compile(_WORDS["progress"])
_ASK = re.compile(_WORDS["ask"])
_HOW = re.compile(_WORDS["how"])


def errand(message: str | None) -> tuple[str, str, str] | None:
    """(what the payer asked for, its knowledge-base entry, the text said first) or None."""
    message = message or ""
    if _NOT.search(message) or _HOW.search(message) or not _ASK.search(message.strip()):
        return None
    for what, entry, intro, pattern in _ERRANDS.values():
        if pattern.search(message):
            return what, entry, intro
    return None


def asks_progress_too(message: str | None) -> bool:
    return bool(_PROGRESS.search(message or ""))


def errand_reply(ctx: Context, found: tuple[str, str, str]) -> str:
    what, entry, intro = found
    return "\n".join((text(intro, what=what), entry_answer(ctx, entry),
                      text("own_record_offer")))
