"""Shaping data for the templates: case history entries and list rows with display names.

Kept out of the templates so they stay markup only, and out of the views so the views stay
request handling only.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.console.render import labels, local_time
from bot.privacy import scrub
from bot.store.models import Case
from routing import actions
from routing.cards import card_texts

_AGENCY_FIELDS = {"from", "to", "lead", "agency", "group"}


def _shown(key: str, value: Any, names: Mapping[str, str]) -> str:
    lab = labels()
    if key in _AGENCY_FIELDS and isinstance(value, str):
        return names.get(value, value)
    if key == "co" and isinstance(value, list):
        return "、".join(names.get(a, a) for a in value) or "—"
    if key == "deadline" and isinstance(value, str):
        return local_time(value)
    if key == "category":
        return lab["categories"].get(value, value)
    if key == "severity":
        return lab["severities"].get(value, value)
    if key == "channel" and isinstance(value, str):  # wechat → 微信公众号, as on the card
        return (card_texts().get("channels") or {}).get(value, value)
    if key == "kind" and isinstance(value, str):
        return lab["reminder_kinds"].get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return "—" if value in (None, "") else str(value)


def timeline(events: list[Mapping[str, Any]], names: Mapping[str, str]) -> list[dict]:
    """The events of :func:`routing.actions.detail_view` with Chinese labels."""
    lab = labels()
    shown_fields = lab["event_fields"]
    out = []
    for event in events:
        detail = event.get("detail") or {}
        out.append({
            "at": event.get("at"),
            "actor": event.get("actor_name") or actions.actor_name(event.get("actor"), names),
            "kind": event.get("kind"),
            "label": lab["events"].get(event.get("kind"), event.get("kind")),
            "fields": [(shown_fields[k], _shown(k, v, names))
                       for k, v in detail.items() if k in shown_fields],
        })
    return out


def list_row(case: Case, now: datetime, names: Mapping[str, str],
             agency: str = "") -> dict[str, Any]:
    """A case in the list: :func:`routing.actions.summary` plus the marks the page needs
    (``tracking``: ``agency`` transferred it away and follows it)."""
    row = actions.summary(case, now, names)
    row["major"] = case.severity == "major"
    row["tracking"] = actions.is_tracker(case, agency)
    row["jurisdiction"] = scrub(case.jurisdiction) if case.jurisdiction else None
    return row


def mask_typed_fields(detail: dict[str, Any]) -> None:
    """Phone, ID and card numbers a payer typed into 用人单位, 镇街 or 所属期 are masked like
    the description until the contact data is revealed (an audited POST)."""
    for key in ("employer", "jurisdiction", "period"):
        if detail.get(key):
            detail[key] = scrub(str(detail[key]))


def can_steer(detail: Mapping[str, Any], agency: str) -> bool:
    """Mirror of :func:`routing.actions.can_steer` for a detail dict (which forms to show)."""
    return agency == actions.LEADERSHIP or detail.get("lead_agency") == agency
