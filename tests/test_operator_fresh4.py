"""The district office (领导小组办公室) that oversees the mechanism, blind round 4 of the
operator rounds: deadlines and statistics, written before reading the console or API code.

What the seeds ask the office to track (综合分析, 跟踪回访, 案卷归档): counts by category,
severity, lead agency and status for a period (this week, this month, a date range), how
many cases are overdue and which, how many were settled on the day (当场办结 / 就地调处), the
share settled within the time limit, the payers' feedback and archiving. The office reads
them as JSON (``GET /api/stats``) and on the console; CSV files open in Excel (BOM, Chinese
headers) and take a date range and an agency. An operator's own mistake (a bad date, an end
before the start, an unknown agency, a range of centuries) is a 400 with a Chinese message,
never a 500; a liaison token sees only its own agency's numbers; no phone, ID number or name
is in any figure or file; restarting the server changes no figure.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

import tests.test_console as console_tests
import tests.test_liaison_api as api
from bot.console.scope import period_span
from bot.store.models import Case, utcnow
from tests.test_cases import ID_NUMBER, PHONE, T0, new_case
from tests.test_console import read_csv
from tests.test_liaison_api import HRSS, LEADERSHIP

anon, rules, signed_in, client = (console_tests.anon, console_tests.rules,
                                  console_tests.signed_in, api.client)

NOV = "from=2026-11-01&to=2026-11-30"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def table(body: dict, key: str) -> dict[str, int]:
    """A breakdown as ``{code or label: count}`` (both spellings point at the same count)."""
    out: dict[str, int] = {}
    for row in body[key]:
        out[row["code"]] = out[row["label"]] = row["count"]
    return out


async def office_set(server, rules, sm) -> dict[str, Case]:
    """Five November cases and one from October: two late-fee (tax leads), a base case and a
    major base case (人社 leads), a medical assessed amount (医保 leads). The first late-fee and
    the base case are past their deadline and still open; the second late-fee case was
    settled the same day, the major one three days late with a rating."""
    made = {
        "late_open": await new_case(server, rules, openid="o-o1", now=T0),
        "late_same_day": await new_case(server, rules, openid="o-o2", now=T0 + timedelta(days=1)),
        "base_open": await new_case(server, rules, openid="o-o3", now=T0,
                                    category="contribution_base"),
        "base_major": await new_case(server, rules, openid="o-o4", now=T0 + timedelta(days=2),
                                     category="contribution_base", severity="major",
                                     severity_reasons=["protest"]),
        "medical": await new_case(server, rules, openid="o-o5", now=T0,
                                  category="assessed_amount",
                                  description="医保费核定的应缴费额不对"),
        "october": await new_case(server, rules, openid="o-o6", now=T0 - timedelta(days=40)),
    }
    async with sm() as session:
        for key in ("late_open", "base_open"):
            row = await session.get(Case, made[key].id)
            row.deadline = utcnow() - timedelta(hours=3)
        for key in ("medical", "october"):
            row = await session.get(Case, made[key].id)
            row.deadline = utcnow() + timedelta(days=9)
        same_day = await session.get(Case, made["late_same_day"].id)
        same_day.status, same_day.resolved_at = "resolved", T0 + timedelta(days=1, hours=3)
        same_day.first_action_at = T0 + timedelta(days=1, hours=1)
        same_day.deadline = T0 + timedelta(days=8)
        same_day.rating, same_day.solved = 5, True
        major = await session.get(Case, made["base_major"].id)
        major.deadline = T0 + timedelta(days=3)
        major.status, major.resolved_at = "resolved", T0 + timedelta(days=6)
        major.rating, major.solved = 2, False
        await session.commit()
    return made


async def api_stats(client, query: str = NOV, headers=LEADERSHIP) -> dict:
    status, body = await client.call("GET", "/api/stats" + (f"?{query}" if query else ""),
                                     headers)
    assert status == 200, body
    return body


# === 1. the office's figures as JSON =======================================================


async def test_office_counts_the_cases_registered_in_november(server, client, rules, sm):
    made = await office_set(server, rules, sm)
    body = await api_stats(client)
    assert body["total"] == 5
    assert body["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert made["october"].case_no not in str(body)


@pytest.mark.parametrize("key", ["by_category", "by_severity", "by_agency", "by_status"])
async def test_every_breakdown_adds_up_to_the_total(server, client, rules, sm, key):
    await office_set(server, rules, sm)
    body = await api_stats(client)
    assert sum(row["count"] for row in body[key]) == body["total"] == 5, body[key]
    assert all(CHINESE.search(row["label"]) for row in body[key]), body[key]


async def test_counts_by_category_are_named_in_chinese(server, client, rules, sm):
    await office_set(server, rules, sm)
    by = table(await api_stats(client), "by_category")
    assert by["late_fee"] == 2 and by["contribution_base"] == 2 and by["assessed_amount"] == 1
    assert by["滞纳金（利息）争议"] == 2


async def test_counts_by_lead_agency(server, client, rules, sm):
    await office_set(server, rules, sm)
    by = table(await api_stats(client), "by_agency")
    assert (by["区税务局"], by["区人力资源和社会保障局"], by["区医疗保障局"]) == (2, 2, 1)


async def test_counts_by_severity(server, client, rules, sm):
    await office_set(server, rules, sm)
    by = table(await api_stats(client), "by_severity")
    assert by["major"] == 1 and by["general"] == 4 and by["重大疑难事项"] == 1


async def test_counts_by_status_separate_open_and_settled(server, client, rules, sm):
    await office_set(server, rules, sm)
    by = table(await api_stats(client), "by_status")
    assert by["resolved"] == 2
    assert sum(v for k, v in by.items() if k in ("registered", "assigned", "accepted",
                                                 "transferred", "reopened")) == 3


async def test_overdue_count_and_which_cases(server, client, rules, sm):
    made = await office_set(server, rules, sm)
    overdue = (await api_stats(client))["overdue"]
    assert overdue["count"] == 2
    listed = [row["case_no"] for row in overdue["cases"]]
    assert sorted(listed) == sorted([made["late_open"].case_no, made["base_open"].case_no])
    first = overdue["cases"][0]
    assert {"case_no", "category", "lead", "deadline"} <= set(first)
    assert CHINESE.search(first["category"]) and CHINESE.search(first["lead"])


async def test_overdue_cases_come_oldest_deadline_first(server, client, rules, sm):
    made = await office_set(server, rules, sm)
    async with sm() as session:
        row = await session.get(Case, made["base_open"].id)
        row.deadline = utcnow() - timedelta(days=4)
        await session.commit()
    listed = [row["case_no"] for row in (await api_stats(client))["overdue"]["cases"]]
    assert listed == [made["base_open"].case_no, made["late_open"].case_no]


async def test_settled_within_the_time_limit_rate(server, client, rules, sm):
    await office_set(server, rules, sm)
    body = await api_stats(client)
    assert body["resolved"] == 2 and body["resolved_on_time"] == 1
    assert body["on_time_rate"] == pytest.approx(0.5)


async def test_rate_is_empty_not_a_division_by_zero_when_nothing_is_settled(server, client,
                                                                           rules):
    await new_case(server, rules, now=T0)
    body = await api_stats(client)
    assert body["resolved"] == 0 and body["on_time_rate"] is None


async def test_settled_on_the_day_counts_same_day_results_only(server, client, rules, sm):
    await office_set(server, rules, sm)
    assert (await api_stats(client))["settled_on_the_day"] == 1


async def test_feedback_figures(server, client, rules, sm):
    await office_set(server, rules, sm)
    feedback = (await api_stats(client))["feedback"]
    assert feedback["rated"] == 2 and feedback["average"] == pytest.approx(3.5)
    assert (feedback["solved"], feedback["not_solved"]) == (1, 1)


async def test_archived_cases_are_counted(server, client, rules, sm):
    made = await office_set(server, rules, sm)
    async with sm() as session:
        row = await session.get(Case, made["late_same_day"].id)
        row.status = "closed"
        await session.commit()
    body = await api_stats(client)
    assert body["archived"] == 1 and table(body, "by_status")["已归档"] == 1
    assert body["resolved"] == 2, "an archived case was settled too"


async def test_one_agency_for_the_office(server, client, rules, sm):
    await office_set(server, rules, sm)
    body = await api_stats(client, NOV + "&agency=区人社局")
    assert body["total"] == 2 and body["agency"] == "hrss"
    assert (await api_stats(client, NOV + "&agency=HRSS"))["total"] == 2


@pytest.mark.parametrize("period", ["week", "month", "本周", "本月", "today"])
async def test_this_week_this_month_today(server, client, rules, period):
    await new_case(server, rules, openid="o-now")
    await new_case(server, rules, openid="o-old", now=utcnow() - timedelta(days=400))
    body = await api_stats(client, f"period={period}")
    assert body["total"] == 1
    assert body["period"]["from"] <= body["period"]["to"]


async def test_without_a_period_all_cases_are_counted(server, client, rules, sm):
    await office_set(server, rules, sm)
    assert (await api_stats(client, ""))["total"] == 6


# === 2. the operator's own mistakes ========================================================


@pytest.mark.parametrize("query", [
    "from=2026-13-01",
    "from=2026-02-30",
    "from=23/11/2026",
    "to=昨天",
    "from=2026-11-30&to=2026-11-01",
    "agency=nobody",
    "agency=区不存在局",
    "from=0001-01-01&to=9999-12-31",
    "period=fortnight",
    "period=month&from=2026-11-01",
    "sevrity=major",
])
async def test_a_bad_query_is_a_400_in_chinese(server, client, query):
    status, body = await client.call("GET", f"/api/stats?{query}", LEADERSHIP)
    assert status == 400, body
    assert body["code"] and CHINESE.search(body["message"]), body


async def test_end_before_start_says_so(server, client):
    _, body = await client.call("GET", "/api/stats?from=2026-11-30&to=2026-11-01", LEADERSHIP)
    assert "早于" in body["message"] or "晚于" in body["message"], body


async def test_a_full_year_is_fine(server, client, rules, sm):
    await office_set(server, rules, sm)
    assert (await api_stats(client, "from=2026-01-01&to=2026-12-31"))["total"] == 6


# === 3. who sees what ======================================================================


async def test_stats_need_a_token(server, client):
    assert (await client.call("GET", "/api/stats"))[0] == 401


async def test_a_liaison_sees_only_the_cases_of_its_agency(server, client, rules, sm):
    made = await office_set(server, rules, sm)
    body = await api_stats(client, NOV, HRSS)
    assert body["total"] == 3
    assert "late_fee" not in table(body, "by_category")
    assert [row["case_no"] for row in body["overdue"]["cases"]] == [made["base_open"].case_no]


async def test_a_liaison_cannot_widen_its_numbers_with_another_agency(server, client, rules,
                                                                    sm):
    """``agency`` narrows what the token sees, as in the case list: 人社 asking for 税务's
    figures gets only the tax-led cases it co-handles (none here), never all of them."""
    await office_set(server, rules, sm)
    body = await api_stats(client, NOV + "&agency=tax", HRSS)
    assert body["total"] == 0 and body["overdue"]["count"] == 0
    assert (await api_stats(client, NOV + "&agency=hrss", HRSS))["total"] == 2


async def test_the_court_with_no_cases_gets_zeros(server, client, rules, sm):
    await office_set(server, rules, sm)
    body = await api_stats(client, NOV, {"Authorization": "Bearer dev-token-court"})
    assert body["total"] == 0 and body["overdue"] == {"count": 0, "cases": []}


# === 4. privacy in every figure and file ===================================================


@pytest.mark.parametrize("path", ["/console/stats?" + NOV, "/console/stats.csv?" + NOV,
                                  "/console/export.csv?" + NOV])
async def test_no_phone_id_or_name_in_the_console_figures(server, rules, sm, signed_in, path):
    await office_set(server, rules, sm)
    boss, _ = await signed_in("leadership")
    async with boss.get(path) as resp:
        assert resp.status == 200
        text = (await resp.read()).decode("utf-8-sig")
    assert PHONE not in text and ID_NUMBER not in text and "张三" not in text


async def test_no_phone_id_or_name_in_the_json_figures(server, client, rules, sm):
    await office_set(server, rules, sm)
    text = str(await api_stats(client))
    assert PHONE not in text and ID_NUMBER not in text and "张三" not in text


# === 5. the console ========================================================================


async def console_get(client, path: str) -> tuple[int, str]:
    async with client.get(path, allow_redirects=False) as resp:
        return resp.status, await resp.text()


@pytest.mark.parametrize("query", ["from=2026-11-30&to=2026-11-01", "agency=nobody",
                                   "from=0001-01-01&to=9999-12-31", "period=fortnight"])
@pytest.mark.parametrize("page", ["/console/stats", "/console/stats.csv", "/console/export.csv"])
async def test_console_mistakes_are_a_400_page_in_chinese(server, signed_in, page, query):
    boss, _ = await signed_in("leadership")
    status, text = await console_get(boss, f"{page}?{query}")
    assert status == 400, text[:300]
    assert CHINESE.search(text) and "Traceback" not in text


async def test_console_stats_list_the_overdue_cases(server, rules, sm, signed_in):
    made = await office_set(server, rules, sm)
    boss, _ = await signed_in("leadership")
    _, page = await console_get(boss, f"/console/stats?{NOV}")
    assert made["late_open"].case_no in page and made["base_open"].case_no in page
    assert made["medical"].case_no not in page


async def test_console_stats_show_the_on_time_rate_and_same_day_count(server, rules, sm,
                                                                     signed_in):
    await office_set(server, rules, sm)
    boss, _ = await signed_in("leadership")
    _, page = await console_get(boss, f"/console/stats?{NOV}")
    assert "按期办结率" in page and "50.0%" in page
    assert "当场办结" in page


async def test_console_stats_this_month(server, rules, signed_in):
    await new_case(server, rules, openid="o-now")
    await new_case(server, rules, openid="o-old", now=utcnow() - timedelta(days=400))
    boss, _ = await signed_in("leadership")
    status, page = await console_get(boss, "/console/stats?period=month")
    assert status == 200
    assert re.search(r'data-figure="total">1<', page), page[:2000]


async def test_case_export_for_one_agency_opens_in_excel(server, rules, sm, signed_in):
    made = await office_set(server, rules, sm)
    boss, _ = await signed_in("leadership")
    async with boss.get(f"/console/export.csv?{NOV}&agency=hrss") as resp:
        assert resp.status == 200 and resp.content_type == "text/csv"
        header, *rows = await read_csv(resp)
    assert header[0] == "编号" and all(CHINESE.search(h) for h in header)
    assert sorted(r[0] for r in rows) == sorted([made["base_open"].case_no,
                                                 made["base_major"].case_no])


async def test_stats_csv_for_one_agency_in_a_range(server, rules, sm, signed_in):
    await office_set(server, rules, sm)
    boss, _ = await signed_in("leadership")
    async with boss.get(f"/console/stats.csv?{NOV}&agency=tax") as resp:
        assert resp.status == 200
        rows = await read_csv(resp)
    total = next(r for r in rows if r[0] == "总计")
    assert total[2] == "2", rows


# === 6. a restart changes no figure ========================================================


async def test_figures_are_the_same_after_a_restart(server, client, rules, sm, config, models,
                                                    aiohttp_server, http):
    from bot.app import build_app

    await office_set(server, rules, sm)
    before = await api_stats(client)
    again = await aiohttp_server(build_app(config, models=models))
    async with http.get(again.make_url(f"/api/stats?{NOV}"), headers=LEADERSHIP) as resp:
        assert resp.status == 200
        after = await resp.json()
    assert after == before


# === 7. the period words (unit) ============================================================


@pytest.mark.parametrize(("word", "today", "span"), [
    ("本月", date(2026, 12, 15), (date(2026, 12, 1), date(2026, 12, 31))),
    ("month", date(2026, 2, 10), (date(2026, 2, 1), date(2026, 2, 28))),
    ("本季度", date(2026, 11, 28), (date(2026, 10, 1), date(2026, 12, 31))),
    ("week", date(2026, 11, 28), (date(2026, 11, 23), date(2026, 11, 29))),
    ("今年", date(2026, 6, 1), (date(2026, 1, 1), date(2026, 12, 31))),
    (" Today ", date(2026, 11, 28), (date(2026, 11, 28), date(2026, 11, 28))),
])
def test_period_words_span_whole_beijing_days(word, today, span):
    assert period_span(word, today) == span
