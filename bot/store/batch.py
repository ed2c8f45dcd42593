"""Group commit: the small writes every message makes (claim its id, note the payer's
contact, record the reply) are queued and written together, one transaction and one
multi-row statement per kind for all the messages in flight.

Why: through aiosqlite each statement costs several thread hops and each transaction a
commit; done per message they were most of the CPU a message took. Batches form by
themselves: whatever queued while the previous batch was being written goes in the next,
so a quiet server writes each message at once and a busy one writes dozens together.

The kinds are plain synchronous code on a :class:`~sqlalchemy.engine.Connection`. On SQLite
a whole batch runs on a thread of its own with its own connection (one hand-off instead of
one per statement); on PostgreSQL it runs through ``run_sync`` on the async connection.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from bot.metrics import observe_batch
from bot.store.db import make_thread_engine

log = logging.getLogger("disputebot.store")

MAX_BATCH = 200


class BatchKind(Protocol):
    """One kind of read or write; ``run`` gets every queued item of this kind in a batch and
    returns one result per item, in order."""

    writes: bool

    def run(self, conn: Connection, items: Sequence[Any]) -> list[Any]: ...


class GroupCommit:
    def __init__(self, engine: AsyncEngine):
        self._engine = engine
        self._thread_engine = make_thread_engine(engine)
        self._thread = (ThreadPoolExecutor(1, thread_name_prefix="group-commit")
                        if self._thread_engine is not None else None)
        self._queue: list[tuple[BatchKind, Any, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

    @property
    def sync_engine(self) -> Engine:
        """The engine whose connections the batches commit on."""
        return self._thread_engine or self._engine.sync_engine

    def submit(self, kind: BatchKind, item: Any) -> asyncio.Future:
        """Queue ``item``; the future resolves once its batch is committed."""
        future = asyncio.get_running_loop().create_future()
        self._queue.append((kind, item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return future

    async def run(self, kind: BatchKind, item: Any) -> Any:
        """``item``'s result, from the next batch."""
        return await self.submit(kind, item)

    def write_soon(self, kind: BatchKind, item: Any, what: str) -> None:
        """Queue without waiting (writes nobody needs to see before replying); a failure is
        logged, not raised."""

        def report(future: asyncio.Future) -> None:
            if not future.cancelled() and future.exception() is not None:
                log.warning("%s not written (%s)", what, future.exception().__class__.__name__)

        self.submit(kind, item).add_done_callback(report)

    async def flush(self) -> None:
        """Wait until everything queued so far is written (shutdown, tests)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def close(self) -> None:
        await self.flush()
        if self._thread is not None:
            self._thread.shutdown()
            self._thread_engine.dispose()

    async def _write_all(self) -> None:
        while self._queue:
            await asyncio.sleep(0)  # let requests that are ready to run join this batch
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            observe_batch(len(batch))
            try:
                results = await self._write_retrying(batch)
            except Exception as exc:  # noqa: BLE001 - every waiter gets the failure
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, _, future), result in zip(batch, results):
                if not future.done():
                    future.set_result(result)

    async def _write_retrying(self, batch) -> list[Any]:
        """Once more on a new connection when the database dropped the old one (restart)."""
        try:
            return await self._write(batch)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("database connection lost, retrying the batch on a new one")
            return await self._write(batch)

    async def _write(self, batch) -> list[Any]:
        if self._thread is not None:
            # Holding the process's only pooled SQLite connection keeps this process's
            # other sessions from writing meanwhile: two of its connections contending for
            # the lock would wait in SQLite's busy handler, which sleeps up to 100 ms.
            held = await self._hold_pooled()
            if held is None:  # the pool could not connect: a Connection raises it as ours
                async with self._engine.connect():
                    return await self._write_thread(batch)
            try:
                return await self._write_thread(batch)
            finally:
                await greenlet_spawn(held.close)
        async with self._engine.begin() as conn:
            return await conn.run_sync(_run_kinds, batch)

    async def _hold_pooled(self):
        """The pool's connection itself, unused: an ``AsyncConnection`` around it cost
        three times the calls (its events, proxies and a ``Connection``) for every batch.
        None if the driver failed to connect."""
        try:
            return await greenlet_spawn(self._engine.sync_engine.raw_connection)
        except self._engine.dialect.loaded_dbapi.Error:
            return None

    async def _write_thread(self, batch) -> list[Any]:
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._write_on_thread, batch)

    def _write_on_thread(self, batch) -> list[Any]:
        with self._thread_engine.begin() as conn:
            return _run_kinds(conn, batch)


def _run_kinds(conn: Connection, batch) -> list[Any]:
    by_kind: dict[BatchKind, list[int]] = {}
    for index, (kind, _, _) in enumerate(batch):
        by_kind.setdefault(kind, []).append(index)
    results: list[Any] = [None] * len(batch)
    # Writes first: a SQLite transaction that starts with a read and then writes fails at
    # once (no busy wait) if another worker wrote in between; one that starts with a write
    # waits its turn for the lock.
    for kind in sorted(by_kind, key=lambda kind: (not kind.writes,
                                                  not getattr(kind, "first", False))):
        indexes = by_kind[kind]
        outcome = kind.run(conn, [batch[i][1] for i in indexes])
        for i, result in zip(indexes, outcome):
            results[i] = result
    return results
