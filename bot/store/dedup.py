"""Message deduplication in the database, so a platform resend is recognised by any worker
and after a restart. Claims and outcomes of concurrent messages are written together
(:mod:`bot.store.batch`): this runs twice for every message.

A claim is a lease: the worker handling a message renews it every few seconds (the
``created_at`` column) while the handler runs. A resend that finds a ``processing`` claim
nobody renewed for :data:`LEASE` takes it over, so a message whose worker was killed
(``kill -9``, a crash) is handled by the resend instead of being answered with nothing.

The claim also names its process (:mod:`bot.store.owner`). On the machine that made it,
the process table decides instead of the lease: a dead worker's claim is taken over at
once, and a live worker's never, even when its renewals wait behind a write lock held
longer than the lease (before, the resend then handled the message a second time)."""
from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.batch import GroupCommit
from bot.store.models import CallbackNonce, ProcessedMessage, utcnow
from bot.store.owner import current_owner, owner_gone

TABLE = ProcessedMessage.__table__
NONCES = CallbackNonce.__table__
INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
LEASE = timedelta(seconds=4)
"""A resend waiting on a claim (up to the 4 s reply budget) sees a dead worker's claim expire
and takes it over, while a live one, renewed every :data:`RENEW_SECONDS`, never expires."""
RENEW_SECONDS = 1.0


@dataclass
class Seen:
    """What an earlier copy of the message left behind."""

    state: str
    reply: str | None
    abandoned: bool = False
    """``processing``, but its worker is gone (:func:`abandoned`)."""


class _Claims:
    """Insert every key of the batch at once; the keys that were already there are resends.
    Sorted, so two PostgreSQL workers lock keys in one order and cannot deadlock."""

    writes = True
    statements: ClassVar[dict] = {
        dialect: insert(TABLE).on_conflict_do_nothing(index_elements=[TABLE.c.key])
        .returning(TABLE.c.key) for dialect, insert in INSERT.items()}

    def run(self, conn, keys):
        unique = sorted(set(keys))
        now, owner = utcnow(), current_owner()
        # One prepared statement with many parameter sets (SQLAlchemy renders them as one
        # multi-row INSERT): building a fresh multi-row statement per batch cost ~0.8 ms.
        won = set(conn.execute(
            self.statements[conn.dialect.name],
            [{"key": k, "state": "processing", "created_at": now, "owner": owner}
             for k in unique]).scalars())
        if won and utcnow() - now > LEASE / 4:
            # The insert waited for a write lock (another process held the database): the
            # lease starts now, or a resend queued behind it would find it expired at once.
            now = utcnow()
            conn.execute(update(TABLE).where(TABLE.c.key.in_(won)).values(created_at=now))
        earlier = {}
        if len(won) < len(unique):
            won |= self._take_over(conn, set(unique) - won, now, owner)
            rows = conn.execute(select(TABLE.c.key, TABLE.c.state, TABLE.c.reply)
                                .where(TABLE.c.key.in_(set(unique) - won)))
            earlier = {row.key: Seen(row.state, row.reply) for row in rows}
        results = []
        for key in keys:
            if key in won:
                won.discard(key)  # a second copy in the same batch is a resend
                results.append(None)
            else:
                results.append(earlier.get(key, Seen("processing", None)))
        return results


    @staticmethod
    def _take_over(conn, keys: set[str], now, owner: str) -> set[str]:
        """The keys among ``keys`` whose claim was abandoned (:func:`abandoned`), now ours.
        Each update is conditional on the claim as read: a renewal in between keeps it."""
        rows = conn.execute(select(TABLE.c.key, TABLE.c.created_at, TABLE.c.owner,
                                   (TABLE.c.created_at < now - LEASE).label("stale"))
                            .where(TABLE.c.key.in_(keys), TABLE.c.state == "processing"))
        taken = set()
        for row in rows.all():
            if not abandoned(row.owner, row.stale):
                continue
            updated = conn.execute(
                update(TABLE).where(TABLE.c.key == row.key, TABLE.c.state == "processing",
                                    TABLE.c.created_at == row.created_at)
                .values(created_at=now, owner=owner))
            if updated.rowcount == 1:
                taken.add(row.key)
        return taken


def abandoned(owner: str | None, stale: bool) -> bool:
    """A ``processing`` claim whose process is dead; where that cannot be known here, one
    nobody renewed within the lease."""
    gone = owner_gone(owner)
    return bool(stale) if gone is None else gone


class _Renewals:
    """Renew the claims of the messages this worker is still handling."""

    writes = True
    first = True
    """Before the claims of its batch: a resend must never see a lease its owner renewed in
    the same batch as stale."""

    def run(self, conn, key_lists):
        keys = sorted({key for keys in key_lists for key in keys})
        conn.execute(update(TABLE).where(TABLE.c.key.in_(keys), TABLE.c.state == "processing")
                     .values(created_at=utcnow()))
        return [None] * len(key_lists)


_OUTCOME = (update(TABLE).where(TABLE.c.key == bindparam("k"))
            .values(state=bindparam("s"), reply=bindparam("r")))


class _Outcomes:
    writes = True

    def run(self, conn, items):
        conn.execute(
            _OUTCOME,
            [{"k": key, "s": state, "r": reply} for key, state, reply in sorted(items, key=lambda item: item[0])])
        return [None] * len(items)


class _Nonces:
    """Record the body digest of each (timestamp, nonce) key, the first one to come winning;
    the result is the digest recorded for the item's key. One multi-row insert per batch,
    and a read only when a key was there already (a resend or a replay)."""

    writes = True
    statements: ClassVar[dict] = {
        dialect: insert(NONCES).on_conflict_do_nothing(index_elements=[NONCES.c.key])
        .returning(NONCES.c.key) for dialect, insert in INSERT.items()}

    def run(self, conn, items):
        first: dict[str, str] = {}
        for key, digest in items:
            first.setdefault(key, digest)
        now = utcnow()
        won = set(conn.execute(
            self.statements[conn.dialect.name],
            [{"key": k, "digest": d, "created_at": now} for k, d in sorted(first.items())]
        ).scalars())
        recorded = {k: d for k, d in first.items() if k in won}
        if len(won) < len(first):
            rows = conn.execute(select(NONCES.c.key, NONCES.c.digest)
                                .where(NONCES.c.key.in_(set(first) - won)))
            recorded.update({row.key: row.digest for row in rows})
        return [recorded.get(key, digest) for key, _ in items]


CLAIMS, OUTCOMES, RENEWALS, NONCE_BODIES = _Claims(), _Outcomes(), _Renewals(), _Nonces()


class DedupStore:
    def __init__(self, sessionmaker, writes: GroupCommit):
        self._engine = sessionmaker.kw["bind"]
        self._writes = writes

    async def claim(self, key: str) -> Seen | None:
        """Record ``key`` as being handled; return the earlier record if it was seen before."""
        return await self._writes.run(CLAIMS, key)

    async def renew(self, keys: list[str]) -> None:
        """Keep the claims of messages still being handled from looking abandoned."""
        if keys:
            await self._writes.run(RENEWALS, keys)

    async def release(self, key: str, every: float = 0.5) -> None:
        """Give up the claim of a message that could not be handled (the database failed
        under it), so the platform's resend handles it anew: tried until the database is
        back, for as long as the lease; after that the lease has run out anyway."""
        loop = asyncio.get_running_loop()
        end = loop.time() + LEASE.total_seconds()
        while loop.time() < end:
            with contextlib.suppress(Exception):
                async with self._engine.begin() as conn:
                    await conn.execute(delete(TABLE).where(TABLE.c.key == key,
                                                           TABLE.c.state == "processing"))
                return
            await asyncio.sleep(every)

    async def get(self, key: str) -> Seen | None:
        stale = TABLE.c.created_at < utcnow() - LEASE
        async with self._engine.connect() as conn:
            row = (await conn.execute(
                select(TABLE.c.state, TABLE.c.reply, TABLE.c.owner, stale.label("stale"))
                .where(TABLE.c.key == key))).first()
        if row is None:
            return None
        return Seen(row.state, row.reply,
                    row.state == "processing" and abandoned(row.owner, row.stale))

    async def finish(self, key: str, state: str, reply: str | None = None) -> None:
        """``state`` is ``replied`` (passive reply, kept for a resend) or ``deferred``."""
        await self._writes.run(OUTCOMES, (key, state, reply))

    def finish_soon(self, key: str, state: str, reply: str | None = None) -> None:
        """:meth:`finish` without waiting: the reply need not wait for its own record (a
        resend to this worker is answered from memory meanwhile); a failure is logged."""
        self._writes.write_soon(OUTCOMES, (key, state, reply), "message outcome")

    async def record_nonce(self, key: str, digest: str) -> str:
        """Record ``digest`` for ``key`` unless one is; the digest recorded for ``key``."""
        return await self._writes.run(NONCE_BODIES, (key, digest))

    def note_nonce_soon(self, key: str, digest: str) -> None:
        """Record ``digest`` for ``key`` with the next batch, without waiting."""
        self._writes.write_soon(NONCE_BODIES, (key, digest), "callback nonce")

    async def wait_done(self, key: str, timeout: float, interval: float = 0.1) -> Seen | None:
        """Poll for the outcome of a copy being handled by another worker."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            seen = await self.get(key)
            if (seen is None or seen.state != "processing" or seen.abandoned
                    or loop.time() >= end):
                return seen
            await asyncio.sleep(interval)

    async def purge(self, older_than: timedelta = timedelta(days=2)) -> int:
        """Drop message ids and callback nonces older than ``older_than`` (a nonce only
        matters while its timestamp is accepted, minutes); the count of message ids."""
        cutoff = utcnow() - older_than
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(TABLE).where(TABLE.c.created_at < cutoff))
            await conn.execute(delete(NONCES).where(NONCES.c.created_at < cutoff))
            return result.rowcount or 0
