"""Working-day deadlines (routing/deadlines.py)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from routing.deadlines import (
    SHANGHAI,
    add_working_days,
    calendar_from_config,
    deadline_for,
    is_due_soon,
    is_overdue,
)


def at(y, m, d, h=10, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def test_friday_plus_one_working_day_is_monday_same_time():
    assert add_working_days(at(2026, 3, 6, 16), 1) == at(2026, 3, 9, 16)  # Fri → Mon


def test_five_working_days_skip_the_weekend():
    assert add_working_days(at(2026, 3, 4), 5) == at(2026, 3, 11)  # Wed → next Wed


def test_saturday_start_counts_from_monday():
    assert add_working_days(at(2026, 3, 7), 1) == at(2026, 3, 9)


def test_holiday_is_skipped():
    holidays = {date(2026, 3, 9)}  # a Monday off
    assert add_working_days(at(2026, 3, 6), 1, holidays) == at(2026, 3, 10)


def test_make_up_workday_on_a_weekend_counts():
    # Spring Festival-style week: Mon-Fri off, the Saturday before is a make-up workday.
    holidays = {date(2026, 2, 16) + timedelta(days=i) for i in range(5)}
    workdays = {date(2026, 2, 14)}  # Saturday
    start = at(2026, 2, 13)  # Friday
    assert add_working_days(start, 1, holidays, workdays) == at(2026, 2, 14)
    assert add_working_days(start, 2, holidays, workdays) == at(2026, 2, 23)


def test_zero_days_is_the_start_in_beijing_time():
    utc = datetime(2026, 3, 6, 2, 0, tzinfo=timezone.utc)
    assert add_working_days(utc, 0) == at(2026, 3, 6, 10)


def test_utc_input_is_counted_on_beijing_dates():
    # 2026-03-06 17:00 UTC is already Saturday 01:00 in Beijing.
    utc = datetime(2026, 3, 6, 17, 0, tzinfo=timezone.utc)
    assert add_working_days(utc, 1) == at(2026, 3, 9, 1)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(at(2026, 3, 6), -1)


def test_deadline_for_uses_config_days_and_calendar():
    config = {
        "deadlines": {"simple": 1, "general": 5, "major": 15},
        "calendar": {"holidays": [date(2026, 3, 9), "2026-03-10"], "workdays": []},
    }
    assert deadline_for("simple", at(2026, 3, 6), config) == at(2026, 3, 11)
    assert deadline_for("general", at(2026, 3, 2), {}) == at(2026, 3, 9)
    assert deadline_for("major", at(2026, 3, 2), None) == at(2026, 3, 23)


def test_calendar_is_optional():
    assert calendar_from_config({}) == (frozenset(), frozenset())
    assert calendar_from_config(None) == (frozenset(), frozenset())


def test_due_soon_is_one_working_day_before():
    deadline = at(2026, 3, 9, 9)  # Monday 09:00
    assert is_due_soon(deadline, at(2026, 3, 6, 10))  # Friday: next working day is Monday
    assert not is_due_soon(deadline, at(2026, 3, 5, 8))  # Thursday: two working days ahead
    assert not is_due_soon(deadline, at(2026, 3, 9, 9))  # at the deadline: overdue instead
    assert is_overdue(deadline, at(2026, 3, 9, 9))
    assert not is_overdue(deadline, at(2026, 3, 9, 8, 59))
