"""Words of harming oneself or others from a payer whose case is in hand reach that case's
liaison at once, so someone who knows the case can call: the payer is met with a calm reply
(smalltalk.at_risk), but a reply alone cannot look after them."""
from __future__ import annotations

from bot.handlers.base import Context, wake_outbox
from routing.cases import CLOSED_STATUSES, add_supplement, cases_of


async def tell_liaison(ctx: Context, risk: str) -> None:
    """The payer's words (masked) to the lead group of their newest open case, headed by
    ``risk`` (notices.yaml ``group.payer_requests``) and kept in its history. A liaison's
    open request for information stays open: these words are not that information."""
    if ctx.snapshot is None or not ctx.snapshot.cases:
        return
    async with ctx.services.sessionmaker() as session:
        case = next((c for c in await cases_of(session, ctx.inbound.openid)
                     if c.status not in CLOSED_STATUSES), None)
        if case is None:
            return
        waiting = case.awaiting_info
        await add_supplement(session, case, ctx.text, actor="payer", request=risk,
                             config=ctx.services.config)
        case.awaiting_info = waiting
        await session.commit()
    wake_outbox(ctx.services)
