"""Working-day deadlines in Beijing time (UTC+8).

The seeds set time limits per severity (简易当场办结, 一般/重大按时限); config.yaml gives them
in working days. Working days skip weekends and public holidays but count make-up working
days (调休), which the State Council announces each year — hence the lists come from config,
not from a library: config.yaml ``calendar.holidays`` and ``calendar.workdays`` (dates), both
optional.

Deadlines keep the time of day: a general case opened Friday 16:00 is due five working days
later at 16:00. A case registered on a weekend or holiday (the WeChat channel never closes)
counts as received at the start of the next working day, so its limit is whole working days:
a simple case sent on Saturday is due at the end of Monday (Tuesday 00:00), not Monday at the
hour it was sent, and a general one sent on Sunday at the end of Friday (Saturday 00:00), not
Monday 00:00 after the weekend. A fixed UTC+8 offset is exact for China (no DST), so no tz database is needed.
"""
from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
DEFAULT_DAYS = {"simple": 1, "general": 5, "major": 15}


def to_local(moment: datetime) -> datetime:
    """``moment`` in UTC+8; a naive value is taken to be Beijing time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def deadline_text(moment: datetime | None, none: str = "—") -> str:
    """A deadline to the minute for liaisons, "2026-03-09 24:00" for Tuesday 00:00: a
    deadline at midnight is the end of the day before, as Chinese notices write it, so a
    weekend case due "2026-03-10 00:00" is not read as due before Tuesday starts."""
    if moment is None:
        return none
    local = to_local(moment)
    if (local.hour, local.minute) == (0, 0):
        return f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


def is_working_day(
    day: date,
    holidays: Container[date] = frozenset(),
    workdays_extra: Container[date] = frozenset(),
) -> bool:
    """Make-up workdays win over weekends; holidays lose to nothing else."""
    if day in workdays_extra:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: datetime,
    days: int,
    holidays: Iterable[date] = frozenset(),
    workdays_extra: Iterable[date] = frozenset(),
) -> datetime:
    """``start`` moved forward by ``days`` working days, same time of day, in UTC+8.

    Counting starts the day after ``start``, so a case opened on a Saturday with one working
    day is due on Monday at the same time.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    holidays, workdays_extra = frozenset(holidays), frozenset(workdays_extra)
    local = to_local(start)
    day, counted = local.date(), 0
    for _ in range(days * 7 + 400):  # bound: even a year of holidays ends
        if counted >= days:
            break
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays_extra):
            counted += 1
    else:
        raise ValueError("calendar has no working days ahead")
    return datetime.combine(day, local.timetz())


def counting_start(
    moment: datetime,
    holidays: Iterable[date] = frozenset(),
    workdays_extra: Iterable[date] = frozenset(),
) -> datetime:
    """When the time limit of a case received at ``moment`` starts to run (UTC+8): then, on
    a working day; else 00:00 of the next working day (非工作日受理的顺延至下一工作日)."""
    holidays, workdays_extra = frozenset(holidays), frozenset(workdays_extra)
    local = to_local(moment)
    day = local.date()
    if is_working_day(day, holidays, workdays_extra):
        return local
    for _ in range(400):
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays_extra):
            return datetime.combine(day, datetime.min.time(), SHANGHAI)
    raise ValueError("calendar has no working days ahead")


def _dates(values: Any) -> frozenset[date]:
    out = set()
    for value in values or ():
        if isinstance(value, datetime):
            out.add(value.date())
        elif isinstance(value, date):
            out.add(value)
        else:
            out.add(date.fromisoformat(str(value).strip()))
    return frozenset(out)


def calendar_from_config(config_raw: Mapping[str, Any] | None) -> tuple[frozenset, frozenset]:
    """(holidays, make-up workdays) from config.yaml ``calendar``; empty when absent."""
    calendar = (config_raw or {}).get("calendar") or {}
    return _dates(calendar.get("holidays")), _dates(calendar.get("workdays"))


def working_days_for(severity: str, config_raw: Mapping[str, Any] | None = None) -> int:
    """Working days allowed for ``severity`` (config ``deadlines``, else the defaults);
    an unknown severity gets the general limit."""
    table = {**DEFAULT_DAYS, **((config_raw or {}).get("deadlines") or {})}
    return int(table.get(severity, table["general"]))


def deadline_for(
    severity: str, created_at: datetime, config_raw: Mapping[str, Any] | None = None
) -> datetime:
    """When a case of ``severity`` opened at ``created_at`` must be handled (UTC+8)."""
    holidays, workdays = calendar_from_config(config_raw)
    start = counting_start(created_at, holidays, workdays)
    days = working_days_for(severity, config_raw)
    if days and start != to_local(created_at):
        # Whole working days from 00:00: the limit ends with the last of them (24:00), not
        # at 00:00 of whatever working day follows a weekend or holiday.
        last = add_working_days(start, days - 1, holidays, workdays)
        return last + timedelta(days=1)
    return add_working_days(start, days, holidays, workdays)


def is_due_soon(
    deadline: datetime,
    now: datetime,
    holidays: Iterable[date] = frozenset(),
    workdays_extra: Iterable[date] = frozenset(),
) -> bool:
    """True when the deadline is still ahead but within one working day of ``now``
    (the "due tomorrow" reminder). Friday 10:00 → a Monday 09:00 deadline is due soon."""
    if now >= deadline:
        return False
    return add_working_days(now, 1, holidays, workdays_extra) >= deadline


def is_overdue(deadline: datetime, now: datetime) -> bool:
    """True once the deadline has passed (the escalation trigger)."""
    return now >= deadline
