"""Follow/unfollow and menu clicks; a click runs the same handler as the matching text."""
from __future__ import annotations

from bot.handlers.base import Context
from bot.handlers.media import MEDIA
from bot.handlers.progress import case_about
from bot.inbound import Inbound
from bot.store.case_reads import cases_of
from bot.texts import text
from routing.cases import CLOSED_STATUSES
from routing.notices import status_label

REPLY_KEYS = {event: key for key in ("welcome", "help") for event in MEDIA["events"][key]}
PAYER_ACTIONS = frozenset(MEDIA["events"]["payer_actions"])

MENU_INTENTS = {
    "FILE_DISPUTE": "file_dispute",
    "CHECK_PROGRESS": "check_progress",
    "ASK_POLICY": "ask_policy",
}

MENU = {
    "button": [
        {"type": "click", "name": "反映问题", "key": "FILE_DISPUTE"},
        {"type": "click", "name": "查询进度", "key": "CHECK_PROGRESS"},
        {"type": "click", "name": "政策咨询", "key": "ASK_POLICY"},
    ]
}


def menu_intent(event: str | None, key: str | None) -> str | None:
    """The intent a menu click stands for, or None for anything else."""
    if event == "click" and key:
        return MENU_INTENTS.get(key.strip().upper())
    return None


def event_reply(event: str | None) -> list[str]:
    """Replies for events that are not menu clicks we know.

    A click whose key we do not know (an old menu still cached in the app, a key renamed
    in the admin panel) or a follower scanning a poster's QR code gets the help text: the
    payer did something and must see an answer. Unsubscribe, view, location reports and the
    like get nothing (no one to tell).
    """
    key = REPLY_KEYS.get(event or "")
    return [text(key)] if key else []


def platform_notice(inbound: Inbound) -> bool:
    """An event the platform reports rather than something the payer did (a location every
    5 s, a template's delivery): it must not count as contact, which would reopen the
    customer-service window or mark a payer who left as following again."""
    return inbound.kind == "event" and inbound.event not in PAYER_ACTIONS


async def welcome_back(ctx: Context, replies: list[str]) -> list[str]:
    """A payer who follows the account again with cases still open hears them named: the
    notices of what happened while they were away were not sent (WeChat refuses messages to
    a non-follower), and they should not have to guess that a case goes on."""
    if ctx.inbound.event not in MEDIA["events"]["welcome"] or not replies:
        return replies
    open_cases = [c for c in await cases_of(ctx.services.batch, ctx.inbound.openid)
                  if c.status not in CLOSED_STATUSES]
    if not open_cases:
        return replies
    items = "\n".join(text("welcome_back_item", case_no=c.case_no, about=case_about(c),
                           status=status_label(c.status)) for c in open_cases[:5])
    return [*replies[:-1], replies[-1] + "\n\n" + text("welcome_back_cases", items=items)]
