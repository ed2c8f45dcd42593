"""Message deduplication in the database, so a platform resend is recognised by any worker
and after a restart."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.store.models import ProcessedMessage, utcnow


@dataclass
class Seen:
    """What an earlier copy of the message left behind."""

    state: str
    reply: str | None


class DedupStore:
    def __init__(self, sessionmaker):
        self._sm = sessionmaker

    async def claim(self, key: str) -> Seen | None:
        """Record ``key`` as being handled; return the earlier record if it was seen before."""
        async with self._sm() as session:
            session.add(ProcessedMessage(key=key, state="processing"))
            try:
                await session.commit()
                return None
            except IntegrityError:
                await session.rollback()
        return await self.get(key)

    async def get(self, key: str) -> Seen | None:
        async with self._sm() as session:
            row = await session.get(ProcessedMessage, key)
            return Seen(row.state, row.reply) if row else None

    async def finish(self, key: str, state: str, reply: str | None = None) -> None:
        """``state`` is ``replied`` (passive reply, kept for a resend) or ``deferred``."""
        async with self._sm() as session:
            row = await session.get(ProcessedMessage, key)
            if row is not None:
                row.state, row.reply = state, reply
                await session.commit()

    async def release(self, key: str) -> None:
        """Forget a claim whose handling failed, so the platform's resend is handled."""
        async with self._sm() as session:
            await session.execute(delete(ProcessedMessage).where(ProcessedMessage.key == key))
            await session.commit()

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
        async with self._sm() as session:
            result = await session.execute(
                delete(ProcessedMessage).where(ProcessedMessage.created_at < utcnow() - older_than)
            )
            await session.commit()
            return result.rowcount or 0


__all__ = ["DedupStore", "Seen"]
