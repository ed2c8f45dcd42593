"""A relative, friend or colleague asking after someone else's case ("我帮我老公查 他的编号是
ZY…", "帮我妈查一下进度", "我同事让我问问他的事"). Progress is shown only to the WeChat account
that filed the case (seed 002: 办理过程中严格保密，不得泄露缴费人信息), so the answer is the same
whether the number exists or not: who can see it, and what the asker can do, naming the other
person as they are (家人 only for a relative). A number of the writer's own cases (filed for
the other person from this account) is simply shown. Asked in the middle of a new filing, the
form's step passes its session and the form then asks its question again."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.handlers.base import Context, in_session
from bot.handlers.progress import case_numbers, folded, progress
from bot.store.case_reads import cases_of
from bot.texts import text
from routing.cases import cases_of as cases_in_session

_WORDS = yaml.safe_load((Path(__file__).resolve().parent / "relatives.yaml").read_text("utf-8"))
_FILL = {"others": "|".join(sorted(_WORDS["others"], key=len, reverse=True)),
         "roles": "|".join(sorted(_WORDS["roles"], key=len, reverse=True))}


def _patterns(key: str) -> re.Pattern:
    """relatives.yaml's ``key`` patterns, {others} and {roles} filled in, as one regex."""
    return re.compile("|".join(
        "(?:" + p.replace("{others}", _FILL["others"]).replace("{roles}", _FILL["roles"]) + ")"
        for p in _WORDS[key]))


_FOR_OTHER = _patterns("for_other")
_FILED_BY_OTHER = _patterns("filed_by_other")
_ASKS = re.compile(_WORDS["asks_progress"])
_NOT = re.compile(_WORDS["not"])
_BARE_REST = re.compile(_WORDS["bare_rest"])
_TIES = _WORDS["ties"]
_FAMILY = tuple(_WORDS["family"])
OWN_LISTED = 5
"""Own case numbers named beside the answer (the full list is one "进度" away)."""


def for_other(message: str | None) -> bool:
    """Does the message ask after the progress of someone else's case?"""
    message = folded(message or "")
    if _FILED_BY_OTHER.search(message):
        return True
    found = _FOR_OTHER.search(message)
    if not found or _NOT.search(message):
        return False
    if _ASKS.search(message) is not None or bool(case_numbers(message)):
        return True
    rest = message[:found.start()] + message[found.end():]  # "帮我朋友查一下": nothing else
    return _BARE_REST.match(rest) is not None


def who_of(message: str | None) -> tuple[str, str]:
    """(who, whose phone) as the answer names the other person: 家人 for a relative only."""
    message = message or ""
    for word, who in _TIES.items():
        if word in message:
            return who, "他/她"
    if any(word in message for word in _FAMILY):
        return "家人", "家人"
    return _WORDS["nobody"], "他/她"


async def relative_progress(ctx: Context, session=None, in_form: bool = False
                            ) -> list[str] | None:
    """The answer to someone else's check, or None when the message is no such check.

    ``session``: a form step's open one (reads go through it); ``in_form``: the form asks
    its question next, so no offer to start a filing."""
    if not for_other(ctx.text):
        return None
    if in_session(session):
        own = await cases_in_session(session, ctx.inbound.openid)
    else:
        own = await cases_of(ctx.services.batch, ctx.inbound.openid)
    numbers = case_numbers(ctx.text)
    own_numbers = {c.case_no for c in own}
    if numbers and all(n in own_numbers for n in numbers):
        # filed for the other person from this account: it is theirs
        return await progress(ctx, session if in_session(session) else None)
    who, whose = who_of(ctx.text)
    reply = text("relative_progress", who=who, whose=whose)
    if own:
        listed = "、".join(c.case_no for c in own[:OWN_LISTED])
        reply += "\n" + text("relative_progress_own", numbers=listed, who=who)
    elif not in_form:
        reply += "\n" + text("relative_progress_none", who=who)
    return [reply]
