"""Assemble the aiohttp application: storage, models, dispatcher, gateway, background work."""
from __future__ import annotations

import asyncio
import logging
import os

import aiohttp
from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from sqlalchemy import text as sql

from bot.config import Config
from bot.console import console_routes
from bot.dispatcher import Dispatcher
from bot.gateway import Gateway
from bot.handlers import events
from bot.handlers.base import Services, wake_outbox
from bot.handlers.followup import followup, image_for_case
from bot.handlers.intake import IntakeDialogue
from bot.handlers.policy import ask_policy
from bot.handlers.progress import progress
from bot.handlers.smalltalk import nothing_to_cancel
from bot.liaison_api import HANDLER_ARGS, liaison_routes, request_line_limit
from bot.metrics import latency_middleware, metrics_route
from bot.privacy import hash_openid
from bot.store import hints
from bot.store.batch import GroupCommit
from bot.store.db import make_engine, make_sessionmaker
from bot.store.dedup import DedupStore
from bot.store.tokens import TokenStore
from bot.wechat_api import WeChatAPI
from routing.outbox import REPLIES
from routing.rules import load_rules
from routing.runtime import outbox_notifier, routing_context

log = logging.getLogger("disputebot.app")
LATE_SEND_SECONDS = 300.0
"""How long a late reply that neither the outbox nor the API takes is tried again."""
FLUSH_SECONDS = 10.0
"""How long shutdown waits for the outbox to send the replies drained into it."""


@web.middleware
async def unreadable_body(request: web.Request, handler) -> web.StreamResponse:
    """A body that cannot be decoded as its headers say (``Content-Encoding: gzip`` on plain
    bytes) is the sender's fault: 400, not a 500 with a traceback."""
    try:
        return await handler(request)
    except RequestPayloadError:
        return web.Response(status=400, text="bad request")

def load_models(config: Config) -> tuple[object, object]:
    """The NLU parser and the knowledge base, loaded once per process."""
    from bot.nlu import load_parser
    from knowledge import load_kb

    return load_parser(districts=config.district_names), load_kb(config)


async def healthz(request: web.Request) -> web.Response:
    engine = request.app["engine"]
    stalled = request.app["gateway"].store_trouble()  # before SELECT 1, which may wait too
    try:
        async with asyncio.timeout(3):
            async with engine.connect() as conn:
                await conn.execute(sql("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return web.json_response({"status": "unavailable", "database": exc.__class__.__name__},
                                 status=503)
    trouble = stalled or request.app["gateway"].store_trouble()
    if trouble:  # readable, but messages cannot be recorded (a write lock held elsewhere)
        return web.json_response({"status": "unavailable", "database": trouble}, status=503)
    return web.json_response({"status": "ok"})


async def purge_stale_rows(dedup: DedupStore, engine, stop: asyncio.Event,
                           every: float = 3600.0) -> None:
    """The platform resends within seconds, so message ids are kept two days; payer hints
    are dropped once past their minutes (they may hold what the payer wrote). Stops between
    rounds, never mid-statement: an aiosqlite statement cancelled half-way leaves a
    connection whose closing never finishes."""
    while not stop.is_set():
        try:
            await dedup.purge()
            await hints.purge(engine)
        except Exception as exc:  # noqa: BLE001 - retried at the next round
            log.warning("purging stale rows failed (%s)", exc.__class__.__name__)
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


def build_app(config: Config, models: tuple[object, object] | None = None) -> web.Application:
    """The whole bot as one aiohttp application; ``models`` lets tests share a loaded NLU."""
    app = web.Application(middlewares=[latency_middleware, request_line_limit,
                                       unreadable_body],
                          handler_args=HANDLER_ARGS)
    engine = make_engine(config.database_url)
    sessionmaker = make_sessionmaker(engine)
    parser, kb = models if models is not None else load_models(config)
    batch = GroupCommit(engine)
    services = Services(config=config, sessionmaker=sessionmaker, batch=batch,
                        parser=parser, kb=kb)
    app["config"], app["engine"], app["services"] = config, engine, services

    async def send_later(openid: str, texts: list[str]) -> None:
        """Through the outbox, so the texts survive a restart; straight to the API only when
        the database cannot take them. Both failing, the outbox is tried again, then the
        API, for up to :data:`LATE_SEND_SECONDS`: the platform got ``success`` and will not
        resend, so a text given up here is lost."""
        loop = asyncio.get_running_loop()
        end, pause = loop.time() + LATE_SEND_SECONDS, 0.5
        while texts:
            try:
                await batch.run(REPLIES, (openid, texts))
                wake_outbox(services)
                return
            except Exception as exc:  # noqa: BLE001 - the payer's reply matters more
                log.warning("queueing a reply failed (%s); sending it directly",
                            exc.__class__.__name__)
            texts = await send_directly(openid, texts)
            if texts and loop.time() >= end:
                log.error("reply to %s not delivered: %d part(s) given up after %.0f s",
                          hash_openid(openid), len(texts), LATE_SEND_SECONDS)
                return
            if texts:
                await asyncio.sleep(pause)
                pause = min(2 * pause, 30.0)

    async def send_directly(openid: str, texts: list[str]) -> list[str]:
        """Send ``texts`` in order through the API; returns those not sent."""
        api: WeChatAPI = app["wechat_api"]
        for index, content in enumerate(texts):
            for attempt in range(3):
                try:
                    await api.send_text(openid, content)
                    break
                except Exception as exc:  # noqa: BLE001 - logged, retried
                    log.warning("customer-service send to %s failed (%s), attempt %d",
                                hash_openid(openid), exc.__class__.__name__, attempt + 1)
                    await asyncio.sleep(0.5 * 2**attempt)
            else:
                return texts[index:]
        return []

    intake = IntakeDialogue(services, load_rules(config_raw=config.raw))
    services.extra["intake"] = intake

    async def file_dispute(ctx):
        return await intake.on_text(ctx, start=True)

    async def on_image(ctx):
        """Evidence for the draft being filled, else material a liaison asked for."""
        return await intake.on_image(ctx) or await image_for_case(ctx)

    gateway_dedup = DedupStore(sessionmaker, batch)
    dispatcher = Dispatcher(
        services,
        intents={"file_dispute": file_dispute, "ask_policy": ask_policy,
                 "check_progress": progress, "cancel": nothing_to_cancel},
        dialogues=[followup, intake.on_text],
        on_image=on_image,
    )
    gateway = Gateway(config, dispatcher.handle, gateway_dedup, send_later,
                      notice=events.platform_notice, prepare=dispatcher.prepare)
    app["dispatcher"], app["gateway"], app["intake"] = dispatcher, gateway, intake
    app.router.add_routes(gateway.routes())
    app.router.add_get("/healthz", healthz)
    app.router.add_routes([metrics_route(token=os.environ.get("METRICS_TOKEN"))])
    app.router.add_routes(console_routes(sessionmaker, config, outbox_notifier(app)))

    async def lifecycle(app: web.Application):
        http = aiohttp.ClientSession()
        app["http"] = http
        app["wechat_api"] = WeChatAPI(http, config.api_base, config.appid, config.appsecret,
                                      TokenStore(sessionmaker))
        services.extra["wechat_api"] = app["wechat_api"]
        stop_purging = asyncio.Event()
        purger = asyncio.create_task(purge_stale_rows(gateway_dedup, engine, stop_purging))
        renewer = asyncio.create_task(gateway.renew_claims())
        yield
        stop_purging.set()
        renewer.cancel()
        await purger
        await gateway.drain()
        await batch.close()
        await http.close()
        await engine.dispose()

    async def drain_before_routing_stops(app: web.Application):
        """Torn down first: late replies still being handled at a SIGTERM are queued and
        then sent while the outbox still runs, not left queued until the next start (its
        dispatcher stops without taking up what was queued in its last instant)."""
        yield
        await gateway.drain()
        try:
            await asyncio.wait_for(app["outbox"].run_once(), FLUSH_SECONDS)
        except Exception as exc:  # noqa: BLE001 - the rows stay queued for the next start
            log.warning("flushing the outbox at shutdown failed (%s)", exc.__class__.__name__)

    app.cleanup_ctx.append(lifecycle)
    app.cleanup_ctx.append(routing_context)
    app.cleanup_ctx.append(drain_before_routing_stops)
    app.router.add_routes(liaison_routes(sessionmaker, config, outbox_notifier(app)))
    return app
