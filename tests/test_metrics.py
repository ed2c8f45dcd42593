"""Prometheus metrics: counters the bot feeds, request latency, and the outbox backlog read
from the database at scrape time (on SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp import web

from bot import metrics
from bot.metrics import REGISTRY, latency_middleware, metrics_route
from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import OutboxItem, utcnow


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_observe_message_counts_by_kind_and_intent():
    before = sample("disputebot_messages_total", kind="text", intent="policy_question")
    metrics.observe_message("text", "policy_question")
    metrics.observe_message("text", "policy_question")
    assert sample("disputebot_messages_total", kind="text", intent="policy_question") == before + 2


def test_labels_never_carry_free_text():
    """A value that is not a plain identifier becomes ``other``, never a new series."""
    metrics.observe_message("text", "我的电话是13812345678 请回电")
    metrics.observe_case(None, "Major Case!")
    names = {s.labels.get("intent") for m in REGISTRY.collect() for s in m.samples
             if s.name == "disputebot_messages_total"}
    assert all(n is None or (len(n) <= 32 and n.isascii()) for n in names)
    assert "13812345678" not in "".join(str(n) for n in names)
    assert sample("disputebot_cases_registered_total", category="other",
                  severity="other") >= 1
    metrics.observe_message(None, None)
    assert sample("disputebot_messages_total", kind="unknown", intent="none") >= 1


def test_late_replies_and_cases_are_counted():
    late = sample("disputebot_replies_late_total")
    cases = sample("disputebot_cases_registered_total", category="arrears", severity="general")
    metrics.observe_late_reply()
    metrics.observe_case("arrears", "general")
    assert sample("disputebot_replies_late_total") == late + 1
    assert sample("disputebot_cases_registered_total", category="arrears",
                  severity="general") == cases + 1


@pytest.fixture
async def metrics_app(aiohttp_client):
    async def make(engine=None, token=None):
        app = web.Application(middlewares=[latency_middleware])

        async def hello(request):
            return web.Response(text="hi")

        async def boom(request):
            raise RuntimeError("boom")

        app.router.add_get("/hello/{name}", hello)
        app.router.add_get("/boom", boom)
        app.router.add_routes([metrics_route(get_engine=lambda _app: engine, token=token)])
        return await aiohttp_client(app)

    return make


async def test_request_latency_is_labelled_by_route_template(metrics_app):
    client = await metrics_app()
    labels = {"method": "GET", "route": "/hello/{name}", "status": "200"}
    before = sample("disputebot_http_request_duration_seconds_count", **labels)
    for who in ("a", "b", "c"):
        assert (await client.get(f"/hello/{who}")).status == 200
    assert sample("disputebot_http_request_duration_seconds_count", **labels) == before + 3
    assert (await client.get("/nowhere/13812345678")).status == 404
    assert (await client.get("/boom")).status == 500
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    body = await resp.text()
    assert 'route="/hello/{name}"' in body
    assert 'route="unmatched",status="404"' in body
    assert 'route="/boom",status="500"' in body
    assert "13812345678" not in body


async def test_metrics_can_require_a_bearer_token(metrics_app):
    client = await metrics_app(token="s3cret")
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer nope"})).status == 401
    ok = await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert ok.status == 200


async def test_outbox_backlog_is_read_from_the_database(config, metrics_app):
    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            old = utcnow() - timedelta(minutes=10)
            session.add_all([
                OutboxItem(channel="wecom", target="k1", payload={}, status="pending",
                           created_at=old),
                OutboxItem(channel="wecom", target="k1", payload={}, status="pending"),
                OutboxItem(channel="wechat", target="o-1", payload={}, status="failed"),
            ])
            await session.commit()
        client = await metrics_app(engine=engine)
        body = await (await client.get("/metrics")).text()
    finally:
        await engine.dispose()
    assert 'disputebot_outbox_items{status="pending"} 2.0' in body
    assert 'disputebot_outbox_items{status="failed"} 1.0' in body
    assert 'disputebot_outbox_items{status="sent"} 0.0' in body
    oldest = sample("disputebot_outbox_oldest_pending_seconds")
    assert 9 * 60 < oldest < 60 * 60


async def test_scrape_still_answers_when_the_database_is_down(metrics_app):
    engine = make_engine("postgresql+asyncpg://u:p@127.0.0.1:9/nowhere")
    errors = sample("disputebot_metrics_database_errors_total")
    try:
        client = await metrics_app(engine=engine)
        resp = await client.get("/metrics")
        assert resp.status == 200
        assert "disputebot_messages_total" in await resp.text()
    finally:
        await engine.dispose()
    assert sample("disputebot_metrics_database_errors_total") == errors + 1


async def test_metrics_mount_on_the_real_bot_app(aiohttp_client, config):
    """The lines the lead adds to bot/app.py: middleware + route on the built app."""
    from bot.app import build_app

    app = build_app(config, models=(None, None))
    app.middlewares.append(latency_middleware)
    app.router.add_routes([metrics_route()])
    client = await aiohttp_client(app)
    assert (await client.get("/healthz")).status == 200
    body = await (await client.get("/metrics")).text()
    assert 'route="/healthz",status="200"' in body
    assert 'disputebot_outbox_items{status="pending"}' in body
