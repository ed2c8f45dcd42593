"""Payer notices about their case, queued in the outbox of the caller's transaction.

A notice carries both forms the platform may need, because only the dispatcher knows at send
time which one is allowed: a customer-service text (the payer wrote within 48 hours) or a
template message (status + short detail). Texts live in ``notices.yaml``.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import mask_for_payer
from bot.store.models import Case, OutboxItem, utcnow
from routing.deadlines import to_local

NOTICES_PATH = Path(__file__).resolve().parent / "notices.yaml"
KINDS = ("accepted", "transferred", "info_requested", "resolved", "reopened",
         "feedback_request", "raised_major", "overdue")
# Characters of liaison text quoted to the payer: with the notice around it, well inside one
# customer-service message (2,048 bytes); routing/actions.py refuses longer payer texts.
DETAIL_CAP = 500


@lru_cache(maxsize=2)
def load_notices(path: str | None = None) -> dict[str, Any]:
    """notices.yaml as a dict (cached)."""
    return yaml.safe_load(Path(path or NOTICES_PATH).read_text(encoding="utf-8")) or {}


def status_label(status: str | None) -> str:
    """The payer-facing name of a case status (已分派, 已办结, …)."""
    return (load_notices().get("statuses") or {}).get(status or "", status or "")


def agency_names(config_raw: Mapping[str, Any] | None) -> dict[str, str]:
    """Agency key → display name from config.yaml ``agencies``."""
    return {key: str((spec or {}).get("name") or key)
            for key, spec in ((config_raw or {}).get("agencies") or {}).items()}


def short_deadline(moment: datetime | None) -> str:
    """A deadline in few characters for a template field (20 at most): 12月3日16:00."""
    spec = load_notices().get("deadline") or {}
    return local_deadline(moment, spec.get("short_format"))


def local_deadline(moment: datetime | None, form: str | None = None) -> str:
    """A deadline as payers read it, in Beijing time: 2026年12月3日（周四）16:00.

    Deadlines keep the time of day they were set at, and escalation fires at that minute,
    so a date alone would let a payer think the whole day counts. A deadline at exactly
    midnight is the end of the day before (24:00), as Chinese notices write it.
    """
    spec = load_notices().get("deadline") or {}
    if moment is None:
        return spec.get("none", "—")
    local = to_local(moment)
    if (local.hour, local.minute) == (0, 0):
        day, clock = local - timedelta(days=1), "24:00"
    else:
        day, clock = local, f"{local.hour}:{local.minute:02d}"
    weekdays = spec.get("weekdays") or "一二三四五六日"
    return str(form or spec.get("format", "{year}年{month}月{day}日 {time}")).format(
        year=day.year, month=day.month, day=day.day, weekday=weekdays[day.weekday()],
        time=clock)


def _cap(text: str, limit: int) -> str:
    text = str(text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


EMPLOYER_CAP = 20  # characters of the employer's name beside the case number


def named_employer(value: Any) -> str:
    """The employer's name on one line, or "" when none was given or the payer said there
    is none ("无", kept on the case so the liaison's card can say so)."""
    employer = " ".join(str(value or "").split())
    return "" if employer == (load_notices().get("card") or {}).get("no_employer") else employer


def _about(case: Case) -> str:
    """"（宏达电子厂）" after the case number, so a payer with several cases knows which one
    the notice is about; nothing when no employer was given."""
    employer = named_employer(getattr(case, "employer", None))
    if not employer:
        return ""
    if len(employer) > EMPLOYER_CAP:
        employer = employer[: EMPLOYER_CAP - 1] + "…"
    return str(load_notices().get("about", "（{employer}）")).format(employer=employer)


def render_notice(case: Case, kind: str, detail: str = "",
                  names: Mapping[str, str] | None = None,
                  now: datetime | None = None) -> dict[str, Any]:
    """The outbox payload of a notice: customer-service text and template values."""
    spec = (load_notices().get("notices") or {}).get(kind)
    if spec is None:
        raise ValueError(f"unknown notice kind {kind!r}")
    lead = (names or {}).get(case.lead_agency or "") or load_notices().get("lead_fallback", "")
    values = {
        "case_no": case.case_no,
        "about": _about(case),
        "lead": lead,
        "deadline": local_deadline(case.deadline),
        "due": short_deadline(case.deadline),
        # A liaison may paste the payer's ID or phone into a request or result.
        "detail": _cap(mask_for_payer(detail, (getattr(case, "phone", None),)), DETAIL_CAP),
    }
    moment = to_local(now or utcnow())
    return {
        "kind": "notice",
        "notice": kind,
        "case_no": case.case_no,
        "text": spec["text"].format(**values),
        "template": {
            "case_no": case.case_no,
            "status": spec["status"],
            "detail": spec["detail"].format(**values),
            "time": moment.strftime("%Y-%m-%d %H:%M"),
        },
    }


def notice_item(case: Case, kind: str, detail: str = "", *, config: Any = None,
                now: datetime | None = None) -> OutboxItem:
    """An unsaved outbox row with notice ``kind`` for the payer of ``case`` (and no one
    else: the row's target and text come from this case only)."""
    now = now or utcnow()
    names = agency_names(getattr(config, "raw", None))
    return OutboxItem(
        channel="wechat",
        target=case.openid,
        payload=render_notice(case, kind, detail, names, now),
        case_id=case.id,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


async def enqueue_notice(
    session: AsyncSession,
    case: Case,
    kind: str,
    detail: str = "",
    *,
    config: Any = None,
    now: datetime | None = None,
) -> OutboxItem:
    """Queue notice ``kind`` for the payer of ``case`` in the caller's transaction.

    Pass ``config`` so the text names the lead agency by its display name; without it the
    notice says 承办单位. The row is sent after the caller commits (and calls
    ``app["outbox"].notify()`` to skip the poll delay).
    """
    item = notice_item(case, kind, detail, config=config, now=now)
    session.add(item)
    await session.flush()
    return item
