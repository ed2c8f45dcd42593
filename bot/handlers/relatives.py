"""A relative asking after someone else's case ("我帮我老公查 他的编号是ZY…", "帮我妈查一下
进度"). Progress is shown only to the WeChat account that filed the case (seed 002: 办理过程中
严格保密，不得泄露缴费人信息), so the answer is the same whether the number exists or not: who
can see it, and what the relative can do. A number of the writer's own cases (filed for the
relative from this account) is simply shown."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.handlers.base import Context
from bot.handlers.progress import case_numbers, folded, progress
from bot.store.case_reads import cases_of
from bot.texts import text

_WORDS = yaml.safe_load((Path(__file__).resolve().parent / "relatives.yaml").read_text("utf-8"))
_FILL = {"others": "|".join(sorted(_WORDS["others"], key=len, reverse=True)),
         "roles": "|".join(sorted(_WORDS["roles"], key=len, reverse=True))}
_FOR_OTHER = re.compile("|".join(
    "(?:" + p.replace("{others}", _FILL["others"]).replace("{roles}", _FILL["roles"]) + ")"
    for p in _WORDS["for_other"]))
_ASKS = re.compile(_WORDS["asks_progress"])
_NOT = re.compile(_WORDS["not"])
OWN_LISTED = 5
"""Own case numbers named beside the answer (the full list is one "进度" away)."""


def for_other(message: str | None) -> bool:
    """Does the message ask after the progress of someone else's case?"""
    message = folded(message or "")
    if not _FOR_OTHER.search(message) or _NOT.search(message):
        return False
    return _ASKS.search(message) is not None or bool(case_numbers(message))


async def relative_progress(ctx: Context) -> list[str] | None:
    """The answer to a relative's check, or None when the message is no such check."""
    if not for_other(ctx.text):
        return None
    own = await cases_of(ctx.services.batch, ctx.inbound.openid)
    numbers = case_numbers(ctx.text)
    own_numbers = {c.case_no for c in own}
    if numbers and all(n in own_numbers for n in numbers):
        return await progress(ctx)  # filed for the relative from this account: it is theirs
    reply = text("relative_progress")
    if own:
        listed = "、".join(c.case_no for c in own[:OWN_LISTED])
        reply += "\n" + text("relative_progress_own", numbers=listed)
    else:
        reply += "\n" + text("relative_progress_none")
    return [reply]
