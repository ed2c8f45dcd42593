"""Which cases a statistics answer covers, shared by ``GET /api/stats`` and the console's
综合分析 page and CSV files: a period (本周, 本月, a date range in Beijing days), and an agency
that narrows what the caller may see (never widens it). The office's mistakes (a date that
is no date, an end before the start, an unknown agency or period) are refused with a
Chinese message (notices.yaml ``errors``), never answered with other figures."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.console import stats as figures
from bot.console.export import BadPeriod, parse_period
from bot.console.render import texts
from bot.store.models import Case, CaseEvent
from routing import actions
from routing.deadlines import to_local

PERIODS_FILE = Path(__file__).with_name("periods.yaml")
EXPORT_LIMIT = 50_000


@lru_cache(maxsize=1)
def period_words() -> dict[str, list[str]]:
    """Span → the words an office clerk types for it (periods.yaml)."""
    return yaml.safe_load(PERIODS_FILE.read_text(encoding="utf-8"))["periods"]


def period_span(value: str, today: date) -> tuple[date, date]:
    """本周 / month / 今天 … → its first and last Beijing day around ``today``."""
    wanted = "".join(value.split()).lower()
    span = next((k for k, words in period_words().items()
                 if wanted in (k, *(w.lower() for w in words))), None)
    if span is None:
        choices = "、".join(f"{k}（{words[0]}）" for k, words in period_words().items())
        raise actions.BadRequest(f"unknown period {value[:40]!r}", "unknown_period",
                                 value=actions.shown_value(value), choices=choices)
    if span == "today":
        return today, today
    if span == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    first_month = {"month": today.month, "quarter": (today.month - 1) // 3 * 3 + 1,
                   "year": 1}[span]
    months = {"month": 1, "quarter": 3, "year": 12}[span]
    first = today.replace(month=first_month, day=1)
    year, month = divmod(first_month - 1 + months, 12)
    return first, date(today.year + year, month + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """The registration days ``first``–``last`` (either open) and the lead to keep."""

    first: str
    last: str
    start: datetime | None
    end: datetime | None
    lead: str | None

    @property
    def label(self) -> str:
        return f"{self.first or '…'}~{self.last or '…'}"


def one_value(query: Mapping[str, str], keys: tuple[str, ...], same=lambda v: v) -> None:
    """A setting given twice with different values (``agency=tax&agency=hrss``, or both
    ``agency`` and ``lead``) is refused: answering with the first of them would hand the
    office figures for something else than it asked for."""
    getall = getattr(query, "getall", None)
    typed = [v for key in keys for v in (getall(key, []) if getall else
                                         [query[key]] if key in query else [])]
    typed = [v for v in typed if isinstance(v, str) and v.strip()]
    if len({same(v) for v in typed}) > 1:
        raise actions.BadRequest(f"two values for {keys[0]}", "repeated_setting",
                                 name=keys[0], values="、".join(
                                     f"“{actions.shown_value(v)}”" for v in typed))


def read_scope(query: Mapping[str, str], names: Mapping[str, str], now: datetime) -> Scope:
    """``from``/``to`` or ``period``, and ``agency`` (or the console's ``lead``)."""
    today = to_local(now).date()
    one_value(query, ("from",), str.strip)
    one_value(query, ("to",), str.strip)
    one_value(query, ("period",), lambda v: period_span(v, today))
    one_value(query, ("agency", "lead"), lambda v: actions.lead_of(v, names))
    period = (query.get("period") or "").strip()
    first, last = (query.get("from") or "").strip(), (query.get("to") or "").strip()
    if period and (first or last):
        raise actions.BadRequest("give period or from/to, not both", "period_with_range")
    if period:
        first, last = (d.isoformat() for d in period_span(period, today))
    try:
        start, end = parse_period(first, last)
    except BadPeriod as exc:
        raise actions.BadRequest(str(exc), exc.code, **exc.values) from None
    lead = actions.lead_of(query.get("agency") or query.get("lead"), names)
    return Scope(first=first, last=last, start=start, end=end,
                 lead=None if lead == actions.LEADERSHIP else lead)


def where(agency: str, start: datetime | None, end: datetime | None) -> list:
    found = [actions.visible_filter(agency)]
    if start is not None:
        found.append(Case.created_at >= start)
    if end is not None:
        found.append(Case.created_at < end)
    return found


class Cases(list):
    """The cases of a scope; ``truncated`` when more than EXPORT_LIMIT matched, so a reader
    can be told the figures stop at the cap instead of reading a silently short count."""

    truncated: bool = False


async def visible_cases(db, agency: str, scope: Scope) -> Cases:
    """The cases ``agency`` may see registered in the scope, of its lead if one is given
    (the first EXPORT_LIMIT of them by registration time)."""
    query = select(Case).where(*where(agency, scope.start, scope.end))
    rows = list((await db.execute(
        query.order_by(Case.created_at, Case.id).limit(EXPORT_LIMIT + 1))).scalars())
    found = Cases(c for c in rows[:EXPORT_LIMIT] if actions.can_see(c, agency)
                  and (scope.lead is None or c.lead_agency == scope.lead))
    found.truncated = len(rows) > EXPORT_LIMIT
    return found


def cap_note() -> str:
    """What the JSON, the page and the command say when the figures stop at the cap."""
    return texts()["stats"]["capped"].format(limit=f"{EXPORT_LIMIT:,}")


async def late_before(db, cases: list[Case], agency: str, scope: Scope,
                      config_raw: Mapping) -> set[int]:
    """Cases resolved late and reopened since (their lateness is no longer on the row)."""
    ids = select(Case.id).where(*where(agency, scope.start, scope.end))
    rows = await db.execute(select(CaseEvent).where(
        CaseEvent.kind.in_(("resolved", "reopened")), CaseEvent.case_id.in_(ids)))
    return figures.resolved_late_before(cases, rows.scalars(), config_raw)
