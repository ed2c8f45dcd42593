"""Message deduplication in the database, so a platform resend is recognised by any worker
and after a restart. Plain Core statements: this runs twice for every message."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.models import ProcessedMessage, utcnow

TABLE = ProcessedMessage.__table__


@dataclass
class Seen:
    """What an earlier copy of the message left behind."""

    state: str
    reply: str | None


class DedupStore:
    def __init__(self, sessionmaker):
        self._engine = sessionmaker.kw["bind"]

    async def claim(self, key: str) -> Seen | None:
        """Record ``key`` as being handled; return the earlier record if it was seen before."""
        try:
            async with self._engine.begin() as conn:
                await conn.execute(TABLE.insert().values(
                    key=key, state="processing", created_at=utcnow()))
            return None
        except IntegrityError:
            return await self.get(key)

    async def get(self, key: str) -> Seen | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(
                select(TABLE.c.state, TABLE.c.reply).where(TABLE.c.key == key))).first()
        return Seen(row.state, row.reply) if row else None

    async def finish(self, key: str, state: str, reply: str | None = None) -> None:
        """``state`` is ``replied`` (passive reply, kept for a resend) or ``deferred``."""
        async with self._engine.begin() as conn:
            await conn.execute(update(TABLE).where(TABLE.c.key == key)
                               .values(state=state, reply=reply))

    async def wait_done(self, key: str, timeout: float, interval: float = 0.1) -> Seen | None:
        """Poll for the outcome of a copy being handled by another worker."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            seen = await self.get(key)
            if seen is None or seen.state != "processing" or loop.time() >= end:
                return seen
            await asyncio.sleep(interval)

    async def purge(self, older_than: timedelta = timedelta(days=2)) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                delete(TABLE).where(TABLE.c.created_at < utcnow() - older_than))
            return result.rowcount or 0
