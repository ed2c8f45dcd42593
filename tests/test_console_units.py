"""Pieces of the console without a server: session cookies, statistics, charts, CSV cells."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from bot.console.charts import bar_chart
from bot.console.core import safe_next
from bot.console.export import BadPeriod, parse_period, to_csv
from bot.console.session import SessionCodec
from bot.console.stats import compute, percentile, period_key, period_range
from bot.store.models import Case

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


def with_token(config, agency: str, token: str):
    raw = {**config.raw, "agencies": {**config.raw["agencies"],
                                      agency: {**config.raw["agencies"][agency],
                                               "token": token}}}
    return dataclasses.replace(config, raw=raw)


def test_session_round_trip_expiry_and_token_rotation(base_config):
    codec = SessionCodec(base_config)
    session = codec.new("tax", now=1000)
    cookie = codec.dump(session)
    assert codec.load(cookie, now=1001) == session
    assert codec.load(cookie, now=1000 + codec.lifetime) is None  # expired
    assert codec.load(cookie[:-2] + "xx", now=1001) is None  # bad signature
    assert codec.agency_for_token("dev-token-tax") == "tax"
    assert codec.agency_for_token("") is None and codec.agency_for_token("dev-token") is None
    # Another process with the same configuration accepts it (several workers).
    assert SessionCodec(base_config).load(cookie, now=1001) == session
    # Rotating any agency token changes the key; rotating tax's ends tax's sessions.
    rotated = SessionCodec(with_token(base_config, "tax", "new-tax-token"))
    assert rotated.load(cookie, now=1001) is None


def test_csrf_token_is_bound_to_the_session(base_config):
    codec = SessionCodec(base_config)
    one, two = codec.new("tax"), codec.new("tax")
    assert codec.csrf_ok(one, codec.csrf_token(one))
    assert not codec.csrf_ok(one, codec.csrf_token(two))
    assert not codec.csrf_ok(one, None) and not codec.csrf_ok(None, "x")


@pytest.mark.parametrize(("target", "expected"), [
    ("/console/stats?by=month", "/console/stats?by=month"),
    ("https://evil.example/", "/console/cases"),
    ("//evil.example", "/console/cases"),
    ("/console/\\evil", "/console/cases"),
    (None, "/console/cases"),
])
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_percentile_interpolates():
    assert percentile([], 0.5) is None
    assert percentile([4.0], 0.9) == 4.0
    assert percentile([3.0, 1.0], 0.5) == 2.0
    assert percentile([1.0, 3.0, 5.0], 0.9) == pytest.approx(4.6)


def test_periods_are_beijing_weeks_and_months_without_gaps():
    sunday_night_utc = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # Monday in Beijing
    assert period_key(sunday_night_utc, "week") == "2026-W49"
    assert period_key(datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc), "month") == "2026-12"
    assert period_range(["2026-W45", "2026-W47"], "week") == ["2026-W45", "2026-W46",
                                                              "2026-W47"]
    assert period_range(["2026-W53", "2026-W52"], "week")[0] == "2026-W52"
    assert period_range(["2025-12", "2026-01"], "month") == ["2025-12", "2026-01"]


def case(**kw) -> Case:
    base = {"case_no": "ZY1", "category": "late_fee", "severity": "general",
            "status": "assigned", "lead_agency": "tax", "district": "增城区",
            "created_at": NOW - timedelta(days=1), "deadline": NOW + timedelta(days=3),
            "first_action_at": None, "resolved_at": None, "rating": None, "solved": None}
    return Case(**{**base, **kw})


def test_compute_counts_late_open_and_late_resolved_cases():
    cases = [
        case(),  # open, in time
        case(deadline=NOW - timedelta(hours=1)),  # open, overdue
        case(status="resolved", resolved_at=NOW, deadline=NOW - timedelta(days=1)),  # late
        case(status="resolved", resolved_at=NOW, deadline=NOW + timedelta(days=1)),
        case(deadline=None, district=None, rating=2, solved=False),
    ]
    stats = compute(cases, NOW, "week")
    assert (stats.late, stats.with_deadline) == (2, 4)
    assert stats.overdue_rate == 0.5
    assert stats.rating_average == 2 and stats.solved_share == 0
    assert dict(stats.breakdowns["district"].totals) == {"增城区": 4, "辖区外": 1}
    assert stats.resolution.count == 2 and stats.resolution.median == 24.0
    assert compute([], NOW).overdue_rate is None


def test_bar_chart_scales_to_the_longest_bar():
    chart = bar_chart("t", [("a", 10), ("b", 5), ("c", 0)])
    assert [b.width for b in chart.bars] == [360, 180, 0]
    assert bar_chart("t", []).bars == []


def test_export_period_and_formula_cells():
    start, end = parse_period("2026-11-23", "2026-11-23")
    assert start.isoformat() == "2026-11-23T00:00:00+08:00"
    assert (end - start) == timedelta(days=1)
    with pytest.raises(BadPeriod):
        parse_period("2026-11-24", "2026-11-23")
    with pytest.raises(BadPeriod):
        parse_period("2026/11/24", None)
    assert parse_period(None, "") == (None, None)
    text = to_csv([["=1+1", "@SUM(A1)", "-3", "普通"]])
    assert text.startswith("\ufeff编号")
    assert text.splitlines()[1] == "'=1+1,'@SUM(A1),'-3,普通"


def test_overdue_is_broken_down_by_agency_category_and_severity_for_the_office():
    cases = [
        case(deadline=NOW - timedelta(hours=1)),  # tax, late_fee, open, overdue
        case(lead_agency="hrss", category="contribution_base"),  # in time
        case(lead_agency="hrss", category="contribution_base", severity="major",
             status="resolved", resolved_at=NOW, deadline=NOW - timedelta(days=1)),  # late
        case(lead_agency="hrss", deadline=None),
    ]
    late = compute(cases, NOW).late_by
    agencies = {r.value: (r.total, r.open, r.with_deadline, r.late) for r in late["lead_agency"]}
    assert agencies == {"tax": (1, 1, 1, 1), "hrss": (3, 2, 2, 1)}
    assert [r.value for r in late["lead_agency"]] == ["hrss", "tax"]  # most late first
    assert {r.value: r.late for r in late["category"]} == {"late_fee": 1,
                                                           "contribution_base": 1}
    assert {r.value: r.rate for r in late["severity"]} == {"general": 0.5, "major": 1.0}
