"""When each payer last wrote: the platform allows customer-service messages for 48 h."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.inbound import Inbound
from bot.store.models import Payer, utcnow


async def touch_payer(sessionmaker, inbound: Inbound) -> None:
    """Record contact; an unsubscribe marks the payer as gone (no more notices). A first
    message arriving at two workers at once may race on the insert: the loser retries."""
    for attempt in range(2):
        try:
            async with sessionmaker() as session:
                payer = await session.get(Payer, inbound.openid)
                if payer is None:
                    payer = Payer(openid=inbound.openid)
                    session.add(payer)
                if inbound.kind == "event" and inbound.event == "unsubscribe":
                    payer.subscribed = False
                else:
                    payer.subscribed = True
                    payer.last_message_at = utcnow()
                await session.commit()
            return
        except IntegrityError:
            if attempt:
                raise


async def last_contact(sessionmaker, openid: str) -> datetime | None:
    async with sessionmaker() as session:
        payer = await session.get(Payer, openid)
        return payer.last_message_at if payer else None
