"""Statistics for 综合分析: counts per week/month/quarter, response and resolution times, overdue
rate overall and per category, lead agency, district and severity, and payer satisfaction, computed in Python over the agency's visible cases.

Pure functions over plain case rows, so the numbers can be checked by hand on a small set.
Conventions (shown on the page too):

* weeks are ISO weeks, months calendar months and quarters calendar quarters (2026-Q4),
  all in Beijing time, by registration;
* percentiles interpolate linearly between ranks (the median of 1 h and 3 h is 2 h);
* a case counts as overdue when it was resolved after its deadline or is still open past
  it; the rate is over cases that have a deadline;
* satisfaction is the average rating (1–5) of rated cases and the share answering
  "solved" among cases whose payer answered that question.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.store.models import Case, CaseEvent
from routing.cases import CLOSED_STATUSES
from routing.deadlines import deadline_for, to_local

DIMENSIONS = ("category", "lead_agency", "district", "severity")
PERIODS = ("week", "month", "quarter")
OUTSIDE = "辖区外"


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0–1) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def period_key(moment: datetime, by: str) -> str:
    """"2026-W48" (ISO week), "2026-11" (month) or "2026-Q4" (quarter), in Beijing time."""
    local = to_local(moment)
    if by == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "quarter":
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    return f"{local.year}-{local.month:02d}"


def period_range(keys: Iterable[str], by: str) -> list[str]:
    """Every period from the first to the last of ``keys``, so quiet weeks show as 0."""
    keys = sorted(set(keys))
    if not keys:
        return []
    out, current = [], keys[0]
    for _ in range(1000):  # bound: about 19 years of weeks
        out.append(current)
        if current >= keys[-1]:
            break
        current = _next_period(current, by)
    return out


def _next_period(key: str, by: str) -> str:
    if by == "week":
        year, week = key.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1) + timedelta(days=7)
        y, w, _ = monday.isocalendar()
        return f"{y}-W{w:02d}"
    if by == "quarter":
        year, quarter = (int(part) for part in key.split("-Q"))
        return f"{year + quarter // 4}-Q{quarter % 4 + 1}"
    year, month = (int(part) for part in key.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 3600)


def is_late(case: Case, now: datetime, late_before: Container[int] = frozenset()) -> bool:
    """Late now, or resolved late once before the payer had it reopened (``late_before``,
    see :func:`resolved_late_before`): a reopen gives a fresh deadline and clears
    ``resolved_at``, which must not erase the late handling from the figures."""
    if case.id in late_before:
        return True
    if case.deadline is None:
        return False
    if case.status in CLOSED_STATUSES:
        return case.resolved_at is not None and case.resolved_at > case.deadline
    return case.deadline <= now


def resolved_late_before(cases: Iterable[Case], events: Iterable[CaseEvent],
                         config_raw: Mapping[str, Any] | None = None) -> set[int]:
    """Ids of reopened cases that had been resolved after the deadline then in force.

    The first deadline is recomputed from the registration (as :func:`register_case` set
    it); each "reopened" event records the deadline it set. ``events`` are the cases'
    "resolved" and "reopened" events in any order."""
    by_case: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in events:
        by_case[event.case_id].append(event)
    late = set()
    for case in cases:
        history = sorted(by_case.get(case.id, ()), key=lambda e: (e.at, e.id or 0))
        if not any(e.kind == "reopened" for e in history):
            continue
        deadline = deadline_for(case.severity or "general", case.created_at, config_raw)
        for event in history:
            if event.kind == "resolved" and event.at > deadline:
                late.add(case.id)
            elif event.kind == "reopened" and (event.detail or {}).get("deadline"):
                deadline = datetime.fromisoformat(event.detail["deadline"])
    return late


@dataclass
class Durations:
    count: int
    median: float | None
    p90: float | None
    mean: float | None = None  # the office reports 平均办理用时 beside the median

    @classmethod
    def of(cls, hours: Iterable[float | None]) -> Durations:
        values = [h for h in hours if h is not None]
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.9),
                   sum(values) / len(values) if values else None)


@dataclass
class Breakdown:
    """Counts of one dimension: per value in total, and per period × value."""

    dimension: str
    totals: list[tuple[str, int]]  # (value, count), largest first
    periods: list[str]
    table: dict[str, dict[str, int]] = field(default_factory=dict)  # period → value → n


@dataclass(frozen=True)
class LateRow:
    """One value of a dimension (an agency, a category …): its cases, those still open,
    and how many of those with a deadline are late (督办: who is behind, on what)."""

    value: str
    total: int
    open: int
    with_deadline: int
    late: int

    @property
    def rate(self) -> float | None:
        return self.late / self.with_deadline if self.with_deadline else None


def late_by(cases: Sequence[Case], dimension: str, now: datetime,
            late_before: Container[int] = frozenset()) -> list[LateRow]:
    """:class:`LateRow` per value of ``dimension``, most late cases first."""
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        groups[dimension_value(case, dimension)].append(case)
    rows = [LateRow(value=value, total=len(group),
                    open=sum(c.status not in CLOSED_STATUSES for c in group),
                    with_deadline=sum(c.deadline is not None for c in group),
                    late=sum(c.deadline is not None and is_late(c, now, late_before)
                             for c in group))
            for value, group in groups.items()]
    return sorted(rows, key=lambda r: (-r.late, -r.total, r.value))


@dataclass
class Stats:
    total: int
    by: str
    periods: list[tuple[str, int]]
    breakdowns: dict[str, Breakdown]
    first_action: Durations
    resolution: Durations
    with_deadline: int
    late: int
    rated: int
    rating_average: float | None
    answered_solved: int
    solved: int
    late_by: dict[str, list[LateRow]] = field(default_factory=dict)
    open: int = 0
    open_late: int = 0  # open and past the deadline now: the list's 逾期 filter, same cases
    closed: int = 0  # resolved or archived, with a deadline
    closed_on_time: int = 0  # … and resolved within it (按期办结)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率: of the cases resolved, the share resolved within their time limit."""
        return self.closed_on_time / self.closed if self.closed else None

    @property
    def overdue_rate(self) -> float | None:
        return self.late / self.with_deadline if self.with_deadline else None

    @property
    def solved_share(self) -> float | None:
        return self.solved / self.answered_solved if self.answered_solved else None


def dimension_value(case: Case, dimension: str) -> str:
    """The value a case is counted under in a breakdown (辖区外 for no district)."""
    value = getattr(case, dimension, None)
    if dimension == "district" and not value:
        return OUTSIDE
    return str(value or "—")


def breakdown(cases: Sequence[Case], dimension: str, by: str,
              key: Callable[[Case], str] | None = None) -> Breakdown:
    key = key or (lambda c: period_key(c.created_at, by))
    totals = Counter(dimension_value(c, dimension) for c in cases)
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        table[key(case)][dimension_value(case, dimension)] += 1
    periods = period_range(table, by)
    return Breakdown(dimension=dimension,
                     totals=sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])),
                     periods=periods,
                     table={p: dict(table.get(p, {})) for p in periods})


def compute(cases: Sequence[Case], now: datetime, by: str = "week",
            late_before: Container[int] = frozenset()) -> Stats:
    """Every figure of the statistics page for ``cases`` (``late_before``: ids of cases
    resolved late before a reopen, :func:`resolved_late_before`)."""
    by = by if by in PERIODS else "week"
    per_period = Counter(period_key(c.created_at, by) for c in cases)
    periods = [(p, per_period.get(p, 0)) for p in period_range(per_period, by)]
    ratings = [c.rating for c in cases if c.rating is not None]
    answered = [c.solved for c in cases if c.solved is not None]
    with_deadline = [c for c in cases if c.deadline is not None]
    done = [c for c in with_deadline if c.status in CLOSED_STATUSES]
    return Stats(
        total=len(cases),
        by=by,
        periods=periods,
        breakdowns={d: breakdown(cases, d, by) for d in (*DIMENSIONS, "status")},
        first_action=Durations.of(_hours(c.created_at, c.first_action_at) for c in cases),
        resolution=Durations.of(_hours(c.created_at, c.resolved_at) for c in cases),
        with_deadline=len(with_deadline),
        late=sum(is_late(c, now, late_before) for c in with_deadline),
        rated=len(ratings),
        rating_average=sum(ratings) / len(ratings) if ratings else None,
        answered_solved=len(answered),
        solved=sum(1 for s in answered if s),
        late_by={d: late_by(cases, d, now, late_before) for d in DIMENSIONS},
        open=sum(c.status not in CLOSED_STATUSES for c in cases),
        open_late=sum(c.status not in CLOSED_STATUSES and c.deadline is not None
                      and c.deadline <= now for c in cases),
        closed=len(done),
        closed_on_time=sum(not is_late(c, now, late_before) for c in done),
    )


def label_totals(b: Breakdown, names: Mapping[str, str]) -> list[tuple[str, int]]:
    """The totals with display names (category 缴费基数争议, agency 区税务局, …)."""
    return [(names.get(value, value), n) for value, n in b.totals]
