"""The routing background work inside the aiohttp app: outbox dispatcher and scheduler.

Registered with ``app.cleanup_ctx.append(routing_context)`` *after* the lifecycle that
creates ``app["http"]`` and ``app["wechat_api"]``: cleanup contexts start in order and stop
in reverse, so the dispatcher stops (finishing its sends in flight) before the HTTP session
it uses is closed.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from routing.outbox import OutboxDispatcher
from routing.scheduler import Scheduler
from routing.webhook import WebhookClient

log = logging.getLogger("disputebot.routing")

STOP_GRACE_SECONDS = 8.0  # above the 5 s HTTP timeout: let a send in flight finish


def outbox_notifier(app: web.Application) -> Callable[[], None]:
    """A ``notify`` for code built before start-up (routes): wakes ``app["outbox"]`` if it
    is running, does nothing otherwise (rows are then sent at the next poll or start)."""
    def notify() -> None:
        outbox = app.get("outbox")
        if outbox is not None:
            outbox.notify()
    return notify


async def routing_context(app: web.Application) -> AsyncIterator[None]:
    """Start the outbox dispatcher and the scheduler; stop them cleanly at shutdown."""
    services = app["services"]
    config, sessionmaker = services.config, services.sessionmaker
    webhook = WebhookClient(app["http"], config.webhook_base)
    dispatcher = OutboxDispatcher(sessionmaker, webhook, app["wechat_api"], config,
                                  batch=services.batch)
    scheduler = Scheduler(sessionmaker, config, notify=dispatcher.notify)
    app["outbox"] = dispatcher
    services.extra["outbox"] = dispatcher
    tasks = [asyncio.create_task(dispatcher.run(), name="outbox"),
             asyncio.create_task(scheduler.run(), name="scheduler")]
    try:
        yield
    finally:
        dispatcher.stop()
        scheduler.stop()
        _, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        services.extra.pop("outbox", None)
