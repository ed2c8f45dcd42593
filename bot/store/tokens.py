"""The platform access token, shared through the database by every worker.

A new token invalidates the old one and fetches are limited (2000 a day), so exactly one
worker refreshes: it takes a short lease with a conditional UPDATE; the others wait for
the row to change.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from bot.store.models import AccessToken, utcnow

Fetcher = Callable[[], Awaitable[tuple[str, int]]]
MARGIN = timedelta(minutes=5)
LEASE = timedelta(seconds=15)


class TokenStore:
    def __init__(self, sessionmaker, name: str = "wechat"):
        self._sm = sessionmaker
        self._name = name
        self._lock = asyncio.Lock()
        self._cached: tuple[str, datetime] | None = None

    async def _read(self) -> AccessToken | None:
        async with self._sm() as session:
            return await session.get(AccessToken, self._name)

    async def _ensure_row(self) -> None:
        async with self._sm() as session:
            if await session.get(AccessToken, self._name) is None:
                session.add(AccessToken(name=self._name))
                try:
                    await session.commit()
                except IntegrityError:
                    await session.rollback()

    async def _take_lease(self, stale: str | None = None) -> bool:
        """Lease the refresh, but only while the stored token still needs one: a worker
        that read the row just before another stored a new token must not fetch again."""
        now = utcnow()
        needs_refresh = [AccessToken.token.is_(None), AccessToken.expires_at.is_(None),
                         AccessToken.expires_at <= now + MARGIN]
        if stale is not None:
            needs_refresh.append(AccessToken.token == stale)
        async with self._sm() as session:
            result = await session.execute(
                update(AccessToken)
                .where(AccessToken.name == self._name)
                .where(or_(AccessToken.lease_until.is_(None), AccessToken.lease_until < now))
                .where(or_(*needs_refresh))
                .values(lease_until=now + LEASE)
            )
            await session.commit()
            return result.rowcount == 1

    async def get(self, fetch: Fetcher, force: bool = False, wait: float = 20.0) -> str:
        """A valid token; ``fetch`` is called only by the worker that wins the lease."""
        async with self._lock:
            if not force and self._cached and self._cached[1] - MARGIN > utcnow():
                return self._cached[0]
            await self._ensure_row()
            stale = self._cached[0] if force and self._cached else None
            loop = asyncio.get_running_loop()
            end = loop.time() + wait
            while True:
                row = await self._read()
                fresh = (
                    row is not None and row.token and row.expires_at
                    and row.expires_at - MARGIN > utcnow() and row.token != stale
                )
                if fresh:
                    self._cached = (row.token, row.expires_at)
                    return row.token
                if await self._take_lease(stale):
                    return await self._fetch_and_store(fetch)
                if loop.time() >= end:
                    raise TimeoutError("access token refresh did not finish in time")
                await asyncio.sleep(0.2)

    async def _fetch_and_store(self, fetch: Fetcher) -> str:
        try:
            token, expires_in = await fetch()
        except BaseException:
            async with self._sm() as session:
                await session.execute(
                    update(AccessToken).where(AccessToken.name == self._name)
                    .values(lease_until=None)
                )
                await session.commit()
            raise
        expires_at = utcnow() + timedelta(seconds=int(expires_in))
        async with self._sm() as session:
            await session.execute(
                update(AccessToken).where(AccessToken.name == self._name)
                .values(token=token, expires_at=expires_at, lease_until=None)
            )
            await session.commit()
        self._cached = (token, expires_at)
        return token
