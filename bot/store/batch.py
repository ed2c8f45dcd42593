"""Group commit: the small writes every message makes (claim its id, note the payer's
contact, record the reply) are queued and written together, one transaction and one
multi-row statement per kind for all the messages in flight.

Why: through aiosqlite each statement costs several thread hops and each transaction a
commit; done per message they were most of the CPU a message took. Batches form by
themselves: whatever queued while the previous batch was being written goes in the next,
so a quiet server writes each message at once and a busy one writes dozens together.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError

from bot.metrics import observe_batch

log = logging.getLogger("disputebot.store")

MAX_BATCH = 200


class BatchKind(Protocol):
    """One kind of read or write; ``run`` gets every queued item of this kind in a batch and
    returns one result per item, in order."""

    writes: bool

    async def run(self, conn, items: Sequence[Any]) -> list[Any]: ...


class GroupCommit:
    def __init__(self, engine):
        self._engine = engine
        self._queue: list[tuple[BatchKind, Any, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

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
        by_kind: dict[BatchKind, list[int]] = {}
        for index, (kind, _, _) in enumerate(batch):
            by_kind.setdefault(kind, []).append(index)
        results: list[Any] = [None] * len(batch)
        # Writes first: a SQLite transaction that starts with a read and then writes fails at
        # once (no busy wait) if another worker wrote in between; one that starts with a
        # write waits its turn for the lock.
        kinds = sorted(by_kind, key=lambda kind: not kind.writes)
        async with self._engine.begin() as conn:
            for kind in kinds:
                indexes = by_kind[kind]
                outcome = await kind.run(conn, [batch[i][1] for i in indexes])
                for i, result in zip(indexes, outcome):
                    results[i] = result
        return results
