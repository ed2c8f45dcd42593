"""Jinja2 rendering for the console: one autoescaping environment and the Chinese labels.

Autoescape is on for every template, so payer text (descriptions, names, employer) can never
become markup; nothing in the console marks payer text as safe. The labels come from the
YAML files the group cards and payer notices already use, so all three say the same words.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from aiohttp import web

from routing.cards import load_labels
from routing.deadlines import deadline_text, to_local
from routing.notices import load_notices

HERE = Path(__file__).resolve().parent
TEXTS_PATH = HERE / "texts.yaml"

SECURITY_HEADERS = {
    # Everything is served from here: no CDN, no inline script, no framing.
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages hold personal data: never in a shared cache
}


@lru_cache(maxsize=1)
def texts() -> dict[str, Any]:
    """texts.yaml as a dict (cached)."""
    return yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8")) or {}


def error_text(key: str) -> str:
    return (texts().get("errors") or {}).get(key, key)


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """Value → Chinese label for categories, severities, statuses and event kinds."""
    cards = load_labels()
    return {
        "categories": dict(cards.get("categories") or {}),
        "severities": dict(cards.get("severities") or {}),
        "statuses": dict(load_notices().get("statuses") or {}),
        "events": dict(texts().get("events") or {}),
        "event_fields": dict(texts().get("event_fields") or {}),
        "reminder_kinds": dict(texts().get("reminder_kinds") or {}),
    }


def _moment(value: Any) -> datetime | str | None:
    """An ISO string or datetime as a datetime; None for nothing, an unreadable string as
    it is."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def local_time(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An ISO string or datetime as Beijing time; "—" for nothing."""
    moment = _moment(value)
    if not isinstance(moment, datetime):
        return moment or "—"
    return to_local(moment).strftime(fmt)


def due_time(value: Any) -> str:
    """A deadline as the group card writes it: midnight is 24:00 of the day before, so a
    weekend case due "2026-12-01 00:00" is not read as due on Tuesday (deadline_text)."""
    moment = _moment(value)
    if not isinstance(moment, datetime):
        return moment or "—"
    return deadline_text(moment)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["localtime"] = local_time
    env.filters["due"] = due_time
    env.globals["labels"] = labels()
    env.globals["texts"] = texts()
    return env


def render(name: str, status: int = 200, **context: Any) -> web.Response:
    """A template as an HTML response with the console's security headers."""
    html = environment().get_template(name).render(**context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                        headers=SECURITY_HEADERS)
