"""Prometheus metrics: what operators watch on a running bot.

Counters and histograms live in this process. Under ``serve --workers N`` the workers share
one port and a scrape reaches whichever the kernel picks, so the parent sets
``PROMETHEUS_MULTIPROC_DIR`` before this module is imported and every scrape adds up all
workers' files (the pool's total, not one worker's share). The delivery backlog is read from
the shared database at scrape time, so every worker reports the same, true figure.

The gateway and dispatcher call the small ``observe_*`` functions; ``latency_middleware``
times every HTTP request; ``metrics_route()`` serves ``GET /metrics``. Labels carry only
closed vocabularies (message kind, intent, category, severity, route template, status):
never an openid, a case number or any text a payer typed.
"""
from __future__ import annotations

import hmac
import os
import re
import time
from collections.abc import Callable
from datetime import timezone

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

REGISTRY = CollectorRegistry(auto_describe=True)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# WeChat's passive reply must leave within 5 s; the buckets resolve that range finely.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0)

MESSAGES = Counter(
    "disputebot_messages", "Inbound platform messages handled, by message kind and intent.",
    ["kind", "intent"], registry=REGISTRY,
)
LATE_REPLIES = Counter(
    "disputebot_replies_late",
    "Replies that missed the passive-reply budget and went out through the "
    "customer-service API.", registry=REGISTRY,
)
CASES = Counter(
    "disputebot_cases_registered", "Dispute cases registered, by category and severity.",
    ["category", "severity"], registry=REGISTRY,
)
HANDLER_ERRORS = Counter(
    "disputebot_handler_errors", "Handler failures answered with the apology text.",
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "disputebot_http_request_duration_seconds", "HTTP request latency, by route and status.",
    ["method", "route", "status"], buckets=LATENCY_BUCKETS, registry=REGISTRY,
)
DELIVERIES = Gauge(
    "disputebot_outbox_items", "Outbox items (group cards, payer notices) by status, read "
    "from the database at scrape time.", ["status"], registry=REGISTRY,
    multiprocess_mode="mostrecent",
)
OLDEST_PENDING = Gauge(
    "disputebot_outbox_oldest_pending_seconds",
    "Age of the oldest pending outbox item (0 when none), read at scrape time.",
    registry=REGISTRY, multiprocess_mode="mostrecent",
)
DB_BATCHES = Histogram(
    "disputebot_db_batch_items", "Message reads and writes done together in one group-commit "
    "transaction (claims, payer contact, snapshots, form saves, outcomes).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 200), registry=REGISTRY,
)
SCRAPE_ERRORS = Counter(
    "disputebot_metrics_database_errors", "Scrapes whose database figures could not be read.",
    registry=REGISTRY,
)

_LABEL_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
_DIGITS_RE = re.compile(r"\d{5}")
# Outbox statuses that are always exported, even at zero, so alerts see a series.
_DELIVERY_STATES = ("pending", "failed", "sent")
_seen_states: set[str] = set()


def _label(value: object, default: str = "none") -> str:
    """A safe label value: an identifier of at most 32 characters, else ``other``.

    Callers pass closed vocabularies (intent and category names); this guards against a
    free-text value (a phone number, a sentence) ever becoming a label and a new series.
    """
    if value is None or value == "":
        return default
    text = str(value)
    if not _LABEL_RE.fullmatch(text) or _DIGITS_RE.search(text):
        return "other"
    return text.lower()


_CHILDREN_KEPT = 256
_message_children: dict = {}
_request_children: dict = {}


def _child(kept: dict, key: tuple, make: Callable[[], object]):
    """The labelled series for ``key``, remembered: ``labels()`` validates and locks on
    every call (~3 µs, twice a message) for the same few series. Bounded, as a relay's event
    name or an HTTP method is whatever the sender wrote: past the bound, made each time."""
    child = kept.get(key)
    if child is None:
        child = make()
        if len(kept) < _CHILDREN_KEPT:
            kept[key] = child
    return child


def observe_message(kind: str | None, intent: str | None = None) -> None:
    """One inbound message: ``kind`` text/voice/image/event/..., ``intent`` from NLU or the
    menu (``none`` when the message is not classified, e.g. an image)."""
    _child(_message_children, (kind, intent), lambda: MESSAGES.labels(
        kind=_label(kind, "unknown"), intent=_label(intent))).inc()


def observe_batch(items: int) -> None:
    DB_BATCHES.observe(items)


def observe_late_reply() -> None:
    """The handler missed the passive-reply budget; the reply goes out later."""
    LATE_REPLIES.inc()


def observe_case(category: str | None, severity: str | None) -> None:
    """A case was registered (call after the commit)."""
    CASES.labels(category=_label(category, "other"), severity=_label(severity, "simple")).inc()


def observe_handler_error() -> None:
    HANDLER_ERRORS.inc()


def _route_label(request: web.Request) -> str:
    """The route template (``/wechat``, ``/api/cases/{case_no}``), never the raw path."""
    route = getattr(request.match_info, "route", None)
    resource = getattr(route, "resource", None)
    if resource is None:
        return "unmatched"
    return resource.canonical


@web.middleware
async def latency_middleware(request: web.Request, handler):
    """Time every request into ``disputebot_http_request_duration_seconds``."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        route, method = _route_label(request), request.method
        _child(_request_children, (method, route, status), lambda: REQUEST_SECONDS.labels(
            method=method, route=route, status=str(status))).observe(
                time.perf_counter() - started)


async def refresh_delivery_gauges(engine) -> None:
    """Read the outbox backlog from the database into the gauges."""
    from sqlalchemy import func, select

    from bot.store.models import OutboxItem, utcnow

    async with engine.connect() as conn:
        rows = (await conn.execute(
            select(OutboxItem.status, func.count()).group_by(OutboxItem.status)
        )).all()
        oldest = (await conn.execute(
            select(func.min(OutboxItem.created_at)).where(OutboxItem.status == "pending")
        )).scalar()
    counts = {state: 0 for state in (*_DELIVERY_STATES, *_seen_states)}
    counts.update({_label(status): int(n) for status, n in rows})
    _seen_states.update(counts)  # a status that empties drops to 0, not a stale value
    for status, n in counts.items():
        DELIVERIES.labels(status=status).set(n)
    if oldest is not None and oldest.tzinfo is None:  # min() keeps the column type; guard
        oldest = oldest.replace(tzinfo=timezone.utc)
    OLDEST_PENDING.set(max(0.0, (utcnow() - oldest).total_seconds()) if oldest else 0.0)


def _exposed() -> CollectorRegistry:
    """This process's registry, or under ``--workers N`` every worker's files summed."""
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return REGISTRY
    from prometheus_client import multiprocess

    pooled = CollectorRegistry()
    multiprocess.MultiProcessCollector(pooled, path=directory)
    return pooled


def metrics_route(
    get_engine: Callable[[web.Application], object] | None = None,
    token: str | None = None,
    path: str = "/metrics",
) -> web.RouteDef:
    """``GET /metrics`` in the Prometheus text format.

    ``get_engine`` returns the app's SQLAlchemy engine (default ``app["engine"]``) for the
    delivery gauges; ``token``, when set, must come as ``Authorization: Bearer <token>`` —
    the callback server faces the internet, the figures are for operators only.
    """
    get_engine = get_engine or (lambda app: app.get("engine"))

    async def metrics(request: web.Request) -> web.Response:
        if token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return web.Response(status=401, text="unauthorized")
        engine = get_engine(request.app)
        if engine is not None:
            try:
                await refresh_delivery_gauges(engine)
            except Exception:  # noqa: BLE001 - the in-process figures still go out
                SCRAPE_ERRORS.inc()
        return web.Response(body=generate_latest(_exposed()),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    return web.get(path, metrics)


__all__ = [
    "REGISTRY", "latency_middleware", "metrics_route", "observe_case", "observe_handler_error",
    "observe_late_reply", "observe_message", "refresh_delivery_gauges",
]
