"""The cap on wrong tokens at the console's sign-in (config ``console.sign_in_limit``).

Every wrong token is a row in ``sign_in_failures`` (the client address hashed), so every
worker sees the same count. When ``max_failures`` of them from one address fall within
``window_minutes``, sign-in from that address is refused for ``lock_minutes`` after the last
one, even with a right token: a guesser cannot tell a hit while locked. A right token outside
a lock clears the address's count. The token is an agency's shared secret, not a person's
account, so the count is per address.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import sign_in_limit
from bot.store.models import SignInFailure


@dataclass(frozen=True)
class SignInLimit:
    max_failures: int
    window: timedelta
    lock: timedelta
    trust_forwarded_for: bool

    @classmethod
    def from_config(cls, raw: dict[str, Any]) -> SignInLimit:
        values = sign_in_limit(raw)
        return cls(values["max_failures"], timedelta(minutes=values["window_minutes"]),
                   timedelta(minutes=values["lock_minutes"]), values["trust_forwarded_for"])

    def address_key(self, request: web.Request) -> str:
        """SHA-256 of the client address (the proxy's last X-Forwarded-For hop if trusted)."""
        address = request.remote or ""
        forwarded = request.headers.get("X-Forwarded-For", "")
        if self.trust_forwarded_for and forwarded.strip():
            address = forwarded.split(",")[-1].strip()
        return hashlib.sha256(b"disputebot/console/sign-in\0" + address.encode()).hexdigest()

    async def locked_until(self, db: AsyncSession, key: str, now: datetime) -> datetime | None:
        """When the lock on ``key`` ends, or None when it may sign in now."""
        since = now - self.window - self.lock
        rows = await db.execute(select(SignInFailure.created_at)
                                .where(SignInFailure.address == key,
                                       SignInFailure.created_at > since)
                                .order_by(SignInFailure.created_at))
        times = list(rows.scalars())
        until = None
        for i in range(self.max_failures - 1, len(times)):
            if times[i] - times[i - self.max_failures + 1] <= self.window:
                end = times[i] + self.lock
                until = end if until is None or end > until else until
        return until if until is not None and until > now else None

    async def failed(self, db: AsyncSession, key: str, now: datetime) -> None:
        """Record a wrong token (and drop rows too old to count for anyone)."""
        await db.execute(delete(SignInFailure).where(
            SignInFailure.created_at < now - self.window - self.lock))
        db.add(SignInFailure(address=key, created_at=now))
        await db.commit()

    async def succeeded(self, db: AsyncSession, key: str) -> None:
        await db.execute(delete(SignInFailure).where(SignInFailure.address == key))
        await db.commit()
