"""The office's figures as JSON (``GET /api/stats``): the same numbers as the console's
综合分析 page (:mod:`bot.console.stats`), plus the list of overdue cases for 督办 and how many
were settled on the day they were registered (简易事项当场办结). Counts, labels and case
numbers only: no name, phone, ID number or payer text, so the answer can be passed on."""
from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.console import stats as figures
from bot.console.render import labels
from bot.console.scope import Scope, cap_note
from bot.store.models import Case
from routing.cases import CLOSED_STATUSES
from routing.deadlines import deadline_text, to_local


def dimension_names(agencies: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Code → Chinese label for each dimension the figures break down by."""
    lab = labels()
    return {"category": lab["categories"], "lead_agency": dict(agencies), "district": {},
            "severity": lab["severities"], "status": lab["statuses"]}


def settled_on_the_day(case: Case) -> bool:
    """Resolved on the Beijing day it was registered (当场办结)."""
    return (case.status in CLOSED_STATUSES and case.resolved_at is not None
            and to_local(case.resolved_at).date() == to_local(case.created_at).date())


def overdue_cases(cases: Sequence[Case], now: datetime) -> list[Case]:
    """Open and past the deadline now (the list's 逾期 filter), longest overdue first."""
    late = [c for c in cases if c.status not in CLOSED_STATUSES and c.deadline is not None
            and c.deadline <= now]
    return sorted(late, key=lambda c: (c.deadline, c.id))


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def summary(cases: Sequence[Case], now: datetime, scope: Scope, *, agency: str,
            names: Mapping[str, Mapping[str, str]],
            late_before: Container[int] = frozenset()) -> dict[str, Any]:
    """``names``: display names per dimension (category, lead_agency, severity, status).
    Cases from :func:`bot.console.scope.visible_cases` carry ``truncated``: then ``note``
    says the figures stop at the cap."""
    result = figures.compute(cases, now, "month", late_before)
    open_late = overdue_cases(cases, now)
    late_ids = {c.id for c in open_late}

    def rows(dim: str) -> list[dict[str, Any]]:
        groups: dict[str, list[Case]] = {}
        for case in cases:
            groups.setdefault(figures.dimension_value(case, dim), []).append(case)
        return [{"code": value, "label": names[dim].get(value, value), "count": n,
                 "overdue": sum(c.id in late_ids for c in groups[value])}
                for value, n in result.breakdowns[dim].totals]

    def overdue_row(case: Case) -> dict[str, Any]:
        return {"case_no": case.case_no,
                "category": names["category"].get(case.category, case.category),
                "severity": names["severity"].get(case.severity, case.severity),
                "lead": names["lead_agency"].get(case.lead_agency or "", case.lead_agency),
                "status": names["status"].get(case.status, case.status),
                "deadline": to_local(case.deadline).isoformat(),  # as the case list
                "deadline_label": deadline_text(case.deadline),
                "days_overdue": (now - case.deadline).days}

    answered = result.answered_solved
    truncated = bool(getattr(cases, "truncated", False))
    return {
        "seen_by": agency,
        "agency": scope.lead,
        "period": {"from": scope.first or None, "to": scope.last or None},
        "total": result.total,
        "open": result.open,
        "by_category": rows("category"),
        "by_severity": rows("severity"),
        "by_agency": rows("lead_agency"),
        "by_status": rows("status"),
        "overdue": {"count": len(open_late), "cases": [overdue_row(c) for c in open_late]},
        "overdue_rate": _rate(result.overdue_rate),
        "resolved": result.closed,
        "resolved_on_time": result.closed_on_time,
        "on_time_rate": _rate(result.on_time_rate),
        "settled_on_the_day": sum(settled_on_the_day(c) for c in cases),
        "archived": sum(c.status == "closed" for c in cases),
        "feedback": {"rated": result.rated,
                     "average": None if result.rating_average is None
                     else round(result.rating_average, 2),
                     "solved": result.solved, "not_solved": answered - result.solved},
        "truncated": truncated,
        "note": cap_note() if truncated else None,
    }
