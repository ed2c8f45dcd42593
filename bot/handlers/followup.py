"""After registration: the payer answers a liaison's request for information, and rates a
resolved case (not solved → legal options, or 重新办理 reopens it)."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.handlers.base import Context, wake_outbox
from bot.store.models import Case, CaseEvent, utcnow
from bot.store.snapshot import FEEDBACK_WINDOW
from bot.texts import text
from routing.cases import add_supplement, reopen_case

NOT_SOLVED = re.compile(r"(没解决|未解决|没有解决|不解决|还没解决|不满意|没用|没处理)")
SOLVED = re.compile(r"(已解决|解决了|满意|处理好了|搞定)")
REOPEN = re.compile(r"^(重新办理|重新处理|重办|再办)")
RATING = re.compile(r"(?<!\d)([1-5])\s*(分|星)?(?!\d)")
SKIP_INTENTS = {"check_progress", "cancel"}


async def _latest(session, openid: str, *conditions):
    query = (select(Case).where(Case.openid == openid, *conditions)
             .order_by(Case.updated_at.desc()).limit(1))
    return (await session.execute(query)).scalar_one_or_none()


async def followup(ctx: Context) -> list[str] | None:
    """Answers that belong to an existing case; None when the message is about something else."""
    intent = ctx.nlu.intent if ctx.nlu else "other"
    reply = ctx.text.strip()
    if intent in SKIP_INTENTS and not REOPEN.match(reply):
        return None
    snapshot = ctx.snapshot
    if snapshot is None or not snapshot.case_waiting or snapshot.in_form:
        return None
    openid = ctx.inbound.openid
    async with ctx.services.sessionmaker() as session:
        waiting = await _latest(session, openid, Case.awaiting_info.is_(True))
        if waiting is not None and intent != "greet":
            await add_supplement(session, waiting, reply, actor="payer",
                                 config=ctx.services.config)
            await session.commit()
            wake_outbox(ctx.services)
            return [text("info_attached", case_no=waiting.case_no)]
        resolved = await _latest(session, openid, Case.status == "resolved",
                                 Case.resolved_at > utcnow() - FEEDBACK_WINDOW)
        if resolved is None or (intent == "file_dispute" and not REOPEN.match(reply)):
            return None
        if REOPEN.match(reply) and resolved.solved is False:
            await reopen_case(session, resolved, reply, config=ctx.services.config)
            await session.commit()
            wake_outbox(ctx.services)
            return [text("feedback_reopened", case_no=resolved.case_no)]
        if resolved.rating is not None and resolved.solved is not None:
            return None
        rating = RATING.search(reply)
        solved = False if NOT_SOLVED.search(reply) else True if SOLVED.search(reply) else None
        if rating is None and solved is None:
            return None
        if rating is not None:
            resolved.rating = int(rating.group(1))
        if solved is not None:
            resolved.solved = solved
        session.add(CaseEvent(case_id=resolved.id, actor="payer", kind="feedback",
                              detail={"rating": resolved.rating, "solved": resolved.solved}))
        await session.commit()
        if resolved.solved is False:
            return [text("feedback_options")]
        if resolved.solved is None or resolved.rating is None:
            return [text("feedback_thanks") + text("feedback_invalid")]
        return [text("feedback_thanks")]
