"""When each payer last wrote: the platform allows customer-service messages for 48 h."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from bot.inbound import Inbound
from bot.store.models import Payer, utcnow

TABLE = Payer.__table__
UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


async def touch_payer(sessionmaker, inbound: Inbound) -> None:
    """Record contact in one upsert (every message pays for it, and two workers may see a
    payer's first message at once); an unsubscribe marks the payer as gone."""
    engine = sessionmaker.kw["bind"]
    gone = inbound.kind == "event" and inbound.event == "unsubscribe"
    values = {"subscribed": not gone}
    if not gone:
        values["last_message_at"] = utcnow()
    statement = UPSERT[engine.dialect.name](TABLE).values(openid=inbound.openid, **values)
    statement = statement.on_conflict_do_update(index_elements=[TABLE.c.openid], set_=values)
    async with engine.begin() as conn:
        await conn.execute(statement)

