"""Blind round 3 at the console and its API: the district office (领导小组办公室) that oversees
the joint mechanism's time limits and statistics, and the liaisons who use them.

Written from the README and seeds 001-004 before reading the console or API code, as the
office clerk preparing a monthly 综合分析 and as liaisons of 税务/人社/医保/法院: statistics
for a range and one agency when the dates or agency are typed badly (full-width digits, a
stray space, a NUL byte, SQL-ish text, 2025-02-29), never a 500; a case passed on twice
(税务 → 人社 → 医保) counted once under its last lead, tracked read-only by both earlier
agencies (首问责任制) and invisible to an agency with no part in it; an escalated case counted
as 重大 and no longer overdue; the overdue list (longest first, days overdue, no personal
data); archiving (归档) after a result, which must not change November's on-time figures, and
what an archived case still shows in the API, on its page, in the list and in the export;
exports that mask phone and ID numbers however typed; odd list queries (huge offsets, SQL-ish
sort or case numbers) answered with a clear 4xx.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

import tests.test_console as console_tests
import tests.test_liaison_api as api
from bot.store.models import Case, utcnow
from tests.test_cases import ID_NUMBER, PHONE, T0, events, new_case
from tests.test_console import TOKENS, read_csv
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh10 import run_scheduler

anon, rules, signed_in, client = (console_tests.anon, console_tests.rules,
                                  console_tests.signed_in, api.client)

HEALTHCARE = {"Authorization": "Bearer dev-token-healthcare"}
BJ = timezone(timedelta(hours=8))
NOV = "from=2026-11-01&to=2026-11-30"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ROW = re.compile(r'<tr class="[^"]*" data-case="([^"]+)".*?</tr>', re.DOTALL)
JOINERS = re.compile(r"[\s\-·~—_.]")


def table(body: dict, key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in body[key]:
        out[row["code"]] = out[row["label"]] = row["count"]
    return out


def unmasked(text: str, secret: str) -> bool:
    return secret.lower() in JOINERS.sub("", text).lower()


async def stats(client, query: str = "", headers=LEADERSHIP) -> dict:
    status, body = await client.call("GET", "/api/stats" + (f"?{query}" if query else ""),
                                     headers)
    assert status == 200, (query, body)
    return body


async def act(client, case_no: str, action: str, headers, body=None):
    return await client.call("POST", f"/api/cases/{case_no}/{action}", headers,
                             json=body if body is not None else {})


async def view(client, case_no: str, headers=LEADERSHIP) -> dict:
    status, body = await client.call("GET", f"/api/cases/{case_no}", headers)
    assert status == 200, body
    return body


async def get(client, path: str) -> tuple[int, str]:
    async with client.get(path, allow_redirects=False) as resp:
        return resp.status, await resp.text()


def clear_400(status: int, body: dict) -> None:
    assert status == 400, (status, body)
    assert body.get("code") and CHINESE.search(body.get("message", "")), body


async def passed_twice(server, rules, client):
    """A late-fee case 税务 passes to 人社, which passes it to 医保."""
    case = await new_case(server, rules, openid="o-f3-chain", now=T0)
    status, answer = await act(client, case.case_no, "transfer", TAX,
                               {"agency": "hrss", "reason": "涉及缴费基数核定，转人社"})
    assert status == 200, answer
    status, answer = await act(client, case.case_no, "transfer", HRSS,
                               {"agency": "healthcare", "reason": "实为医保费核定问题，转医保"})
    assert status == 200, answer
    return case


async def set_deadline(sm, case, deadline) -> None:
    async with sm() as session:
        row = await session.get(Case, case.id)
        row.deadline = deadline
        await session.commit()


async def archived(server, client, case, headers=TAX, result="经核实，滞纳金已按规定减免。"):
    status, answer = await act(client, case.case_no, "resolve", headers, {"result": result})
    assert status == 200, answer
    await run_scheduler(server, datetime.now().astimezone() + timedelta(days=30))
    return case


# === 1. the office's figures with a range typed badly ==========================================


@pytest.mark.parametrize("query", [
    "agency=%00",
    "from=2026-11-01%00",
    "period=%00",
    "period=%E6%9C%AC%E6%9C%88%00",            # 本月 + NUL
    "agency=%27%20OR%201%3D1%20--",            # ' OR 1=1 --
    "agency=tax%3BDROP%20TABLE%20cases",       # tax;DROP TABLE cases
    "from=2026-11-01%27%20OR%20%271%27%3D%271",
    "to=2026-11-31",
    "from=2025-02-29",
    "from=2026-11-01T00%3A00",
    "agency=" + "宏" * 500,
    "from=2026-11-01&to=3000-01-01",
], ids=lambda q: q[:36])
async def test_a_hostile_or_impossible_stats_query_is_a_clear_400(server, client, query):
    status, body = await client.call("GET", f"/api/stats?{query}", LEADERSHIP)
    clear_400(status, body)


async def test_the_cases_table_survives_a_sql_ish_agency(server, rules, client):
    await new_case(server, rules, openid="o-f3-sql", now=T0)
    await client.call("GET", "/api/stats?agency=x%27%3B%20DELETE%20FROM%20cases%3B--",
                      LEADERSHIP)
    assert (await stats(client, NOV))["total"] == 1


@pytest.mark.parametrize("typed", ["２０２６-１１-２３", "2026-11-23%20", "%202026-11-23"],
                         ids=["fullwidth", "trailing-space", "leading-space"])
async def test_a_date_typed_with_an_ime_is_read_or_refused_in_words(server, rules, client,
                                                                    typed):
    await new_case(server, rules, openid="o-f3-ime", now=T0)
    status, body = await client.call("GET", f"/api/stats?from={typed}&to={typed}", LEADERSHIP)
    if status == 200:
        assert body["total"] == 1 and body["period"]["from"] == "2026-11-23", body
    else:
        clear_400(status, body)


async def test_a_leap_day_is_a_date(server, client):
    body = await stats(client, "from=2028-02-29&to=2028-02-29")
    assert body["total"] == 0


async def test_one_beijing_day_counts_late_evening_and_not_past_midnight(server, rules, client):
    late = await new_case(server, rules, openid="o-f3-eve",
                          now=datetime(2026, 11, 24, 23, 30, tzinfo=BJ).astimezone(timezone.utc))
    early = await new_case(server, rules, openid="o-f3-morn",
                           now=datetime(2026, 11, 25, 0, 10, tzinfo=BJ).astimezone(timezone.utc))
    body = await stats(client, "from=2026-11-24&to=2026-11-24")
    assert body["total"] == 1
    assert late.case_no.startswith("ZY20261124") and early.case_no.startswith("ZY20261125")


async def test_a_start_alone_counts_from_that_day_on(server, rules, client):
    await new_case(server, rules, openid="o-f3-s1", now=T0 - timedelta(days=40))
    await new_case(server, rules, openid="o-f3-s2", now=T0)
    assert (await stats(client, "from=2026-11-01"))["total"] == 1
    assert (await stats(client, "to=2026-10-31"))["total"] == 1


@pytest.mark.parametrize("agency", ["hrss", "%20HRSS%20", "区人力资源和社会保障局",
                                    "%20区人力资源和社会保障局"])
async def test_office_narrows_to_one_agency_however_it_is_typed(server, rules, client, agency):
    await new_case(server, rules, openid="o-f3-a1", now=T0)
    await new_case(server, rules, openid="o-f3-a2", now=T0, category="contribution_base")
    body = await stats(client, f"{NOV}&agency={agency}")
    assert body["total"] == 1 and body["agency"] == "hrss", body


async def test_a_misspelt_stats_parameter_is_named(server, client):
    status, body = await client.call("GET", f"/api/stats?{NOV}&agnecy=tax", LEADERSHIP)
    clear_400(status, body)
    assert "agnecy" in body["message"] or "agnecy" in body.get("error", ""), body


# === 2. a case passed on twice =================================================================


async def test_a_case_passed_on_twice_is_counted_once_under_its_last_lead(server, rules,
                                                                          client):
    await passed_twice(server, rules, client)
    body = await stats(client, NOV)
    by = table(body, "by_agency")
    assert body["total"] == 1 and by.get("区医疗保障局") == 1, body["by_agency"]
    assert by.get("区税务局", 0) == 0 and by.get("区人力资源和社会保障局", 0) == 0


async def test_the_overdue_list_names_the_last_lead(server, rules, client, sm):
    case = await passed_twice(server, rules, client)
    await set_deadline(sm, case, utcnow() - timedelta(hours=5))
    overdue = (await stats(client, NOV))["overdue"]
    assert overdue["count"] == 1
    assert overdue["cases"][0]["lead"] == "区医疗保障局", overdue


@pytest.mark.parametrize("tracker", [TAX, HRSS], ids=["first", "middle"])
async def test_both_earlier_agencies_track_it_read_only(server, rules, client, tracker):
    case = await passed_twice(server, rules, client)
    seen = await view(client, case.case_no, tracker)
    assert seen["lead_agency"] == "healthcare"
    assert [a["action"] for a in seen["actions"]] == ["note"], seen["actions"]
    status, answer = await act(client, case.case_no, "resolve", tracker, {"result": "已办"})
    assert status in (403, 409) and CHINESE.search(answer["message"]), answer
    status, answer = await act(client, case.case_no, "note", tracker, {"text": "已向单位了解情况"})
    assert status == 200, answer


async def test_the_first_agency_narrowing_to_itself_sees_nothing_it_no_longer_leads(
        server, rules, client):
    await passed_twice(server, rules, client)
    assert (await stats(client, f"{NOV}&agency=tax", TAX))["total"] == 0
    assert (await stats(client, f"{NOV}&agency=healthcare", TAX))["total"] == 1


async def test_an_agency_with_no_part_sees_nothing_of_it_anywhere(server, rules, client):
    case = await passed_twice(server, rules, client)
    assert (await client.call("GET", f"/api/cases/{case.case_no}", COURT))[0] == 404
    status, listing = await client.call("GET", "/api/cases", COURT)
    assert status == 200 and listing["total"] == 0
    assert (await stats(client, f"{NOV}&agency=healthcare", COURT))["total"] == 0
    assert case.case_no not in json.dumps(await stats(client, NOV, COURT))


async def test_the_last_lead_can_settle_it_and_the_list_says_so(server, rules, client):
    case = await passed_twice(server, rules, client)
    status, answer = await act(client, case.case_no, "resolve", HEALTHCARE,
                               {"result": "医保费核定有误，已更正"})
    assert status == 200, answer
    by = table(await stats(client, NOV), "by_status")
    assert by["resolved"] == 1


async def test_passing_it_back_to_the_first_agency_is_refused_in_words(server, rules, client):
    case = await passed_twice(server, rules, client)
    status, answer = await act(client, case.case_no, "transfer", HEALTHCARE,
                               {"agency": "tax", "reason": "转回税务"})
    assert 400 <= status < 500 and CHINESE.search(answer["message"]), answer
    assert (await view(client, case.case_no))["lead_agency"] == "healthcare"


# === 3. escalation and the overdue list ========================================================


async def test_an_escalated_overdue_case_counts_as_major_and_no_longer_overdue(server, rules,
                                                                              client):
    case = await new_case(server, rules, openid="o-f3-esc", now=utcnow() - timedelta(days=8))
    before = await stats(client)
    assert before["overdue"]["count"] == 1, before["overdue"]
    status, answer = await act(client, case.case_no, "escalate", TAX,
                               {"reason": "涉及多部门，需领导小组研究"})
    assert status == 200, answer
    after = await stats(client)
    assert table(after, "by_severity")["major"] == 1
    assert after["overdue"]["count"] == 0, after["overdue"]


async def test_the_overdue_list_says_how_many_days_and_longest_first(server, rules, client, sm):
    one = await new_case(server, rules, openid="o-f3-d1", now=T0)
    three = await new_case(server, rules, openid="o-f3-d3", now=T0)
    await set_deadline(sm, one, utcnow() - timedelta(days=1, hours=2))
    await set_deadline(sm, three, utcnow() - timedelta(days=3, hours=2))
    rows = (await stats(client, NOV))["overdue"]["cases"]
    assert [r["case_no"] for r in rows] == [three.case_no, one.case_no]
    days = [next(v for k, v in r.items() if "day" in k) for r in rows]
    assert days[0] in (3, 4) and days[1] in (1, 2), rows


async def test_the_overdue_list_carries_no_personal_data(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f3-pd", now=T0, name="李四海",
                          employer="永发制衣有限公司")
    await set_deadline(sm, case, utcnow() - timedelta(days=2))
    text = json.dumps(await stats(client, NOV), ensure_ascii=False)
    for secret in (PHONE, ID_NUMBER, "李四海", "永发制衣", "138****5678"):
        assert secret not in text, secret


async def test_a_case_settled_late_is_not_overdue_and_not_on_time(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f3-late", now=T0)
    await set_deadline(sm, case, utcnow() - timedelta(days=1))
    assert (await act(client, case.case_no, "resolve", TAX, {"result": "已补缴"}))[0] == 200
    body = await stats(client, NOV)
    assert body["overdue"]["count"] == 0
    assert body["resolved"] == 1 and body["resolved_on_time"] == 0
    assert body["on_time_rate"] == 0


async def test_status_overdue_for_one_agency_lists_only_its_late_cases(server, rules, client,
                                                                      sm):
    tax_late = await new_case(server, rules, openid="o-f3-ol1", now=T0)
    hrss_late = await new_case(server, rules, openid="o-f3-ol2", now=T0,
                               category="contribution_base")
    await new_case(server, rules, openid="o-f3-ol3", now=utcnow())
    for case in (tax_late, hrss_late):
        await set_deadline(sm, case, utcnow() - timedelta(hours=2))
    status, body = await client.call("GET", "/api/cases?status=%E9%80%BE%E6%9C%9F&agency=hrss",
                                     LEADERSHIP)
    assert status == 200 and [c["case_no"] for c in body["cases"]] == [hrss_late.case_no]
    assert body["total"] == 1


# === 4. archiving: the figures stay, the case is read-only and still readable ==================


async def test_archiving_does_not_change_the_months_settled_figures(server, rules, client):
    case = await new_case(server, rules, openid="o-f3-arch1")
    assert (await act(client, case.case_no, "resolve", TAX, {"result": "已减免"}))[0] == 200
    before = await stats(client)
    await run_scheduler(server, datetime.now().astimezone() + timedelta(days=30))
    after = await stats(client)
    assert after["archived"] == 1
    for key in ("total", "resolved", "resolved_on_time", "on_time_rate", "settled_on_the_day"):
        assert after[key] == before[key], (key, before[key], after[key])
    assert after["overdue"]["count"] == 0


async def test_an_archived_case_still_shows_its_result_and_history(server, rules, client):
    case = await archived(server, client, await new_case(server, rules, openid="o-f3-arch2"))
    seen = await view(client, case.case_no, TAX)
    assert "归档" in seen["status_label"]
    assert "滞纳金已按规定减免" in json.dumps(seen, ensure_ascii=False)
    assert seen["actions"] == [], seen["actions"]
    assert seen.get("next_step") and CHINESE.search(seen["next_step"])
    assert seen["contact"]["phone"] == "138****5678"


async def test_an_archived_case_is_listed_under_its_own_status(server, rules, client):
    case = await archived(server, client, await new_case(server, rules, openid="o-f3-arch3"))
    await new_case(server, rules, openid="o-f3-open")
    status, body = await client.call("GET", "/api/cases?status=%E5%B7%B2%E5%BD%92%E6%A1%A3",
                                     TAX)  # 已归档
    assert status == 200 and [c["case_no"] for c in body["cases"]] == [case.case_no], body


async def test_an_archived_case_page_reads_but_offers_no_form(server, rules, client, signed_in):
    case = await archived(server, client, await new_case(server, rules, openid="o-f3-arch4"))
    tax, _ = await signed_in("tax")
    status, page = await get(tax, f"/console/cases/{case.case_no}")
    assert status == 200 and "已归档" in page and "滞纳金已按规定减免" in page
    assert not re.search(rf'action="/console/cases/{case.case_no}/(note|resolve|accept|'
                         r'transfer|escalate|request-info)"', page)
    assert PHONE not in page and ID_NUMBER not in page


async def test_an_archived_case_is_in_the_export_masked(server, rules, client, signed_in):
    case = await archived(server, client, await new_case(server, rules, openid="o-f3-arch5"))
    boss, _ = await signed_in("leadership")
    async with boss.get("/console/export.csv?from=2026-11-01&to=2026-12-31") as resp:
        assert resp.status == 200
        header, *lines = await read_csv(resp)
    row = next(dict(zip(header, line)) for line in lines if line[0] == case.case_no)
    assert "已归档" in json.dumps(row, ensure_ascii=False)
    assert not unmasked(json.dumps(row, ensure_ascii=False), PHONE)
    assert not unmasked(json.dumps(row, ensure_ascii=False), ID_NUMBER)


async def test_a_transferred_case_archived_stays_visible_to_its_first_agency(server, rules,
                                                                            client):
    case = await new_case(server, rules, openid="o-f3-arch6")
    assert (await act(client, case.case_no, "transfer", TAX,
                      {"agency": "hrss", "reason": "属人社"}))[0] == 200
    await archived(server, client, case, headers=HRSS, result="已责令单位补缴")
    seen = await view(client, case.case_no, TAX)
    assert "归档" in seen["status_label"] and "已责令单位补缴" in json.dumps(seen,
                                                                       ensure_ascii=False)


# === 5. exports mask numbers however typed ====================================================


FULL_PHONE = "１３９００００１１１１"
FULL_ID = "４４０１８３１９８５１２３１００２Ｘ"


@pytest.mark.parametrize("path", ["/console/export.csv?from=2026-11-01&to=2026-11-30",
                                  "/console/cases/{no}", "/console/cases"])
async def test_full_width_numbers_never_show_whole(server, rules, signed_in, path):
    case = await new_case(server, rules, openid="o-f3-fw", now=T0,
                          description=f"手机{FULL_PHONE}，身份证{FULL_ID}，公司不给交社保",
                          employer=f"宏达电子（老板电话{FULL_PHONE}）")
    boss, _ = await signed_in("leadership")
    status, text = await get(boss, path.format(no=case.case_no))
    assert status == 200
    flat = text.translate({0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF38: 0x58})
    assert not unmasked(flat, "13900001111") and not unmasked(flat, "44018319851231002X"), path


async def test_a_liaison_export_with_another_lead_does_not_widen(server, rules, signed_in,
                                                                 monkeypatch):
    tax_only = await new_case(server, rules, openid="o-f3-w1", now=T0)
    monkeypatch.setitem(TOKENS, "healthcare", "dev-token-healthcare")
    healthcare, _ = await signed_in("healthcare")
    for query in ("lead=tax", "agency=tax", "lead=leadership_office"):
        async with healthcare.get(f"/console/export.csv?{NOV}&{query}") as resp:
            body = (await resp.read()).decode("utf-8-sig")
        assert resp.status in (200, 400), (query, resp.status)
        assert tax_only.case_no not in body, query


# === 6. the console's statistics and export with odd filters ===================================


@pytest.mark.parametrize("path", [
    "/console/stats?lead=%00",
    "/console/stats?from=2026-11-01%00",
    "/console/stats?lead=%27%20OR%201%3D1--",
    "/console/stats.csv?lead=tax%3BDROP%20TABLE%20cases",
    "/console/stats.csv?period=%E6%9C%AC%E6%9C%88&from=2026-11-01",
    "/console/export.csv?from=2025-02-29",
    "/console/export.csv?lead=%00",
])
async def test_console_odd_filters_are_a_chinese_400_page(server, signed_in, path):
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, path)
    assert status == 400, (path, status, page[:300])
    assert CHINESE.search(page)


async def test_console_stats_for_one_agency_by_name(server, rules, signed_in):
    await new_case(server, rules, openid="o-f3-cn1", now=T0)
    await new_case(server, rules, openid="o-f3-cn2", now=T0, category="contribution_base")
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, f"/console/stats?{NOV}&lead={quote('区人力资源和社会保障局')}")
    assert status == 200
    assert re.search(r'data-figure="total">1<', page), page[:500]


# === 7. the case list with hostile input =======================================================


@pytest.mark.parametrize("query", [
    "offset=100000000000000000000",
    "offset=9223372036854775808",
    "limit=20&offset=9223372036854775807",
    "limit=1e3",
    "sort=deadline%3BDROP%20TABLE%20cases",
    "agency=%27%20OR%201%3D1--",
    "status=assigned%27%20OR%20%271%27%3D%271",
    "q=%00%00",
])
async def test_odd_list_queries_are_a_clear_answer(server, rules, client, query):
    await new_case(server, rules, openid="o-f3-list")
    status, body = await client.call("GET", f"/api/cases?{query}", TAX)
    assert status < 500, (query, status, body)
    if status == 200:
        assert body["cases"] == [] or query.startswith("q="), body
    else:
        clear_400(status, body)


async def test_a_sql_ish_search_finds_nothing_and_harms_nothing(server, rules, client):
    case = await new_case(server, rules, openid="o-f3-q")
    status, body = await client.call("GET", "/api/cases?q=" + quote("ZY%' OR '1'='1' --"), TAX)
    assert status == 200 and body["cases"] == [] and body["total"] == 0
    assert [c["case_no"] for c in (await client.call("GET", "/api/cases", TAX))[1]["cases"]] \
        == [case.case_no]


@pytest.mark.parametrize("suffix", ["'%20OR%20'1'='1", "%00", ";--", "%2F..%2F..%2Fetc"])
async def test_an_odd_case_number_is_answered_like_a_missing_one(server, rules, client, suffix):
    case = await new_case(server, rules, openid="o-f3-no")
    there = await client.call("GET", f"/api/cases/{case.case_no}{suffix}", TAX)
    missing = await client.call("GET", "/api/cases/ZY20000101-0009", TAX)
    assert there[0] in (400, 404), there
    assert there[0] == 400 or there[1].get("code") == missing[1].get("code"), there
    assert CHINESE.search(there[1].get("message", "")), there


async def test_another_agencys_contact_reveal_is_refused_and_not_logged(server, rules, client,
                                                                       sm):
    case = await new_case(server, rules, openid="o-f3-rev")
    status, body = await client.call("GET", f"/api/cases/{case.case_no}?contact=1", HEALTHCARE)
    assert status == 404 and PHONE not in json.dumps(body)
    assert "contact_viewed" not in [e.kind for e in await events(sm, case)]


# === 8. Beijing days, weeks and months at the edges ============================================


def at_bj(*args) -> datetime:
    return datetime(*args, tzinfo=BJ).astimezone(timezone.utc)


async def settle_at(sm, case, resolved_at) -> None:
    async with sm() as session:
        row = await session.get(Case, case.id)
        row.status, row.resolved_at = "resolved", resolved_at
        row.first_action_at = row.first_action_at or resolved_at
        await session.commit()


async def test_settled_on_the_day_is_a_beijing_day_not_a_utc_one(server, rules, client, sm):
    # 23:00 → 00:30 Beijing: the same UTC day, two Beijing days; not 当场办结.
    night = await new_case(server, rules, openid="o-f3-night", now=at_bj(2026, 11, 24, 23, 0))
    await settle_at(sm, night, at_bj(2026, 11, 25, 0, 30))
    # 07:00 → 09:00 Beijing: two UTC days, one Beijing day; 当场办结.
    morning = await new_case(server, rules, openid="o-f3-morning",
                             now=at_bj(2026, 11, 26, 7, 0))
    await settle_at(sm, morning, at_bj(2026, 11, 26, 9, 0))
    assert (await stats(client, NOV))["settled_on_the_day"] == 1


async def test_today_is_the_beijing_day(server, rules, client):
    now = datetime.now(BJ)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    await new_case(server, rules, openid="o-f3-yday",
                   now=(start - timedelta(minutes=10)).astimezone(timezone.utc))
    today = await new_case(server, rules, openid="o-f3-today",
                           now=(now - timedelta(seconds=5)).astimezone(timezone.utc))
    body = await stats(client, "period=today")
    assert body["total"] == 1, body
    assert (await stats(client, "period=%E4%BB%8A%E5%A4%A9"))["total"] == 1  # 今天
    assert today.case_no.startswith("ZY" + now.strftime("%Y%m%d"))


def period_rows(rows: list[list[str]]) -> dict[str, int]:
    _header, *body = rows
    return {r[1]: int(r[2]) for r in body if len(r) >= 3 and r[0] == "时段" and r[2].isdigit()}


async def stats_csv(client, query: str) -> list[list[str]]:
    async with client.get(f"/console/stats.csv?{query}") as resp:
        assert resp.status == 200, await resp.text()
        return await read_csv(resp)


async def test_weeks_across_new_year_follow_iso_weeks(server, rules, signed_in):
    await new_case(server, rules, openid="o-f3-w53", now=at_bj(2027, 1, 1, 10, 0))
    await new_case(server, rules, openid="o-f3-w01", now=at_bj(2027, 1, 4, 10, 0))
    boss, _ = await signed_in("leadership")
    weeks = period_rows(await stats_csv(boss, "from=2026-12-28&to=2027-01-10&by=week"))
    assert weeks.get("2026-W53") == 1 and weeks.get("2027-W01") == 1, weeks


async def test_months_and_quarters_split_at_beijing_midnight(server, rules, signed_in):
    await new_case(server, rules, openid="o-f3-m12", now=at_bj(2026, 12, 31, 23, 30))
    await new_case(server, rules, openid="o-f3-m01", now=at_bj(2027, 1, 1, 0, 30))
    boss, _ = await signed_in("leadership")
    months = period_rows(await stats_csv(boss, "from=2026-12-01&to=2027-01-31&by=month"))
    assert months.get("2026-12") == 1 and months.get("2027-01") == 1, months
    quarters = period_rows(await stats_csv(boss, "from=2026-12-01&to=2027-01-31&by=quarter"))
    assert quarters.get("2026-Q4") == 1 and quarters.get("2027-Q1") == 1, quarters


@pytest.mark.parametrize("query", ["from=1900-01-01&to=2999-12-31", "from=1900-01-01",
                                   "to=2999-12-31"])
async def test_the_widest_allowed_range_is_fine(server, rules, client, query):
    await new_case(server, rules, openid="o-f3-wide", now=T0)
    assert (await stats(client, query))["total"] == 1


@pytest.mark.parametrize("query", ["from=1899-12-31", "to=3000-01-01", "by=fortnight",
                                   "by=%00"])
async def test_just_outside_the_range_or_an_odd_breakdown_is_refused(server, client, signed_in,
                                                                     query):
    if query.startswith("by="):
        boss, _ = await signed_in("leadership")
        status, page = await get(boss, f"/console/stats?{NOV}&{query}")
        assert status == 400 and CHINESE.search(page), (status, page[:200])
    else:
        clear_400(*await client.call("GET", f"/api/stats?{query}", LEADERSHIP))


# === 9. the tracker's list after two transfers ================================================


async def test_the_first_agency_list_names_where_the_case_is_now(server, rules, client,
                                                                 signed_in):
    case = await passed_twice(server, rules, client)
    tax, _ = await signed_in("tax")
    _, page = await get(tax, "/console/cases")
    row = next(r for r in re.findall(r'<tr class="[^"]*" data-case="[^"]+".*?</tr>', page,
                                     re.DOTALL) if case.case_no in r)
    assert "区医疗保障局" in row or "医保" in row, row


async def test_the_first_agency_page_shows_both_moves_and_only_a_note_form(server, rules,
                                                                          client, signed_in):
    case = await passed_twice(server, rules, client)
    tax, _ = await signed_in("tax")
    status, page = await get(tax, f"/console/cases/{case.case_no}")
    assert status == 200
    assert "区人力资源和社会保障局" in page and "区医疗保障局" in page
    forms = set(re.findall(rf'action="/console/cases/{case.case_no}/([a-z\-]+)"', page))
    assert forms <= {"note", "contact"}, forms


async def test_a_tracker_narrowing_the_list_to_the_new_lead_finds_it(server, rules, client):
    case = await passed_twice(server, rules, client)
    await new_case(server, rules, openid="o-f3-own")
    status, body = await client.call("GET", "/api/cases?agency=healthcare", TAX)
    assert status == 200 and [c["case_no"] for c in body["cases"]] == [case.case_no], body
    status, body = await client.call("GET", "/api/cases?agency=leadership_office", TAX)
    assert status == 200 and body["cases"] == []


# === 10. what a liaison pastes into a form: NUL bytes, broken characters =======================


@pytest.mark.parametrize("action,field,extra", [
    ("note", "text", {}),
    ("request-info", "text", {}),
    ("resolve", "result", {}),
    ("transfer", "reason", {"agency": "hrss"}),
    ("escalate", "reason", {}),
    ("accept", "opinion", {"acceptor": "王五", "acceptor_phone": "020-82000000"}),
])
@pytest.mark.parametrize("junk", ["\x00", "\ud800"], ids=["nul", "lone-surrogate"])
async def test_pasted_control_or_broken_characters_are_never_a_500(server, rules, client, sm,
                                                                   action, field, extra, junk):
    case = await new_case(server, rules, openid=f"o-f3-junk-{action}-{ord(junk)}")
    raw = json.dumps({field: f"已核实{junk}单位欠缴情况", **extra})
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/{action}",
                                       {**TAX, "Content-Type": "application/json"},
                                       data=raw.encode())
    assert status < 500, (status, answer)
    if status != 200:
        assert CHINESE.search(answer.get("message", "")), answer
        return
    stored = json.dumps([e.detail for e in await events(sm, case)], ensure_ascii=False)
    assert "\\u0000" not in stored and "\\ud800" not in stored


@pytest.mark.parametrize("body", [b"csrf={csrf}&text=%E5%B7%B2%00%E6%A0%B8",
                                  b"csrf={csrf}&text=%FF%FE%E5%B7%B2"], ids=["nul", "bad-utf8"])
async def test_a_console_note_with_broken_bytes_is_never_a_500(server, rules, signed_in, body):
    case = await new_case(server, rules, openid="o-f3-cnote")
    tax, csrf = await signed_in("tax")
    async with tax.post(f"/console/cases/{case.case_no}/note",
                        data=body.replace(b"{csrf}", csrf.encode()),
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                        allow_redirects=False) as resp:
        assert resp.status < 500, (resp.status, await resp.text())


@pytest.mark.parametrize("query", ["q=%ED%A0%80", "q=%FF%FE", "agency=%FF", "status=%C0%AF"])
async def test_broken_bytes_in_a_list_query_are_never_a_500(server, rules, client, query):
    await new_case(server, rules, openid="o-f3-bytes")
    status, body = await client.call("GET", f"/api/cases?{query}", TAX)
    assert status < 500, (status, body)


@pytest.mark.parametrize("path", ["/api/stats?agency=%FF", "/api/stats?from=%ED%A0%80"])
async def test_broken_bytes_in_a_stats_query_are_a_400(server, client, path):
    clear_400(*await client.call("GET", path, LEADERSHIP))


@pytest.mark.parametrize("query", ["agency=hrss", "lead=hrss"])
async def test_the_page_narrows_by_agency_or_refuses_never_ignores(server, rules, signed_in,
                                                                  query):
    await new_case(server, rules, openid="o-f3-pa1", now=T0)
    await new_case(server, rules, openid="o-f3-pa2", now=T0, category="contribution_base")
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, f"/console/stats?{NOV}&{query}")
    if status == 200:
        assert re.search(r'data-figure="total">1<', page), query
    else:
        assert status == 400 and CHINESE.search(page)


# === 11. the case export takes the statistics' range and agency words ==========================


@pytest.mark.parametrize("query", ["period=fortnight", "period=month&from=2026-11-01",
                                   "lead=nobody", "lead=%27%20OR%201%3D1--", "from=1899-12-31"])
async def test_the_case_export_refuses_what_the_statistics_refuse(server, signed_in, query):
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, f"/console/export.csv?{query}")
    assert status == 400 and CHINESE.search(page), (query, status, page[:200])


async def test_the_case_export_for_this_month_and_one_lead(server, rules, signed_in):
    mine = await new_case(server, rules, openid="o-f3-e1")
    other = await new_case(server, rules, openid="o-f3-e2", category="contribution_base")
    old = await new_case(server, rules, openid="o-f3-e3", now=utcnow() - timedelta(days=400))
    boss, _ = await signed_in("leadership")
    async with boss.get("/console/export.csv?period=%E4%BB%8A%E5%B9%B4&lead=%E5%8C%BA%E7%A8%8E%E5%8A%A1%E5%B1%80") as resp:  # 今年, 区税务局
        assert resp.status == 200, await resp.text()
        _, *lines = await read_csv(resp)
    listed = [r[0] for r in lines]
    assert mine.case_no in listed and other.case_no not in listed and old.case_no not in listed


async def test_the_office_full_export_for_one_lead_is_audited_only_for_those_cases(
        server, rules, signed_in, sm):
    mine = await new_case(server, rules, openid="o-f3-f1", now=T0)
    other = await new_case(server, rules, openid="o-f3-f2", now=T0, category="contribution_base")
    boss, _ = await signed_in("leadership")
    async with boss.get(f"/console/export.csv?{NOV}&lead=hrss&full=1") as resp:
        assert resp.status == 200
        _, *lines = await read_csv(resp)
    assert [r[0] for r in lines] == [other.case_no]
    assert "contact_exported" in [e.kind for e in await events(sm, other)]
    assert "contact_exported" not in [e.kind for e in await events(sm, mine)]


# === 12. two values for one setting, a reversed range, one deadline in two places =============


@pytest.mark.parametrize("query", ["agency=tax&agency=hrss", "from=2026-11-01&from=2026-11-05",
                                   "to=2026-11-30&to=2026-11-10", "period=week&period=month"])
async def test_two_different_values_for_one_stats_setting_are_refused(server, rules, client,
                                                                       query):
    await new_case(server, rules, openid="o-f3-two", now=T0)
    await new_case(server, rules, openid="o-f3-two2", now=T0, category="contribution_base")
    status, body = await client.call("GET", f"/api/stats?{query}", LEADERSHIP)
    clear_400(status, body)


async def test_the_same_value_twice_is_just_that_value(server, rules, client):
    await new_case(server, rules, openid="o-f3-same", now=T0)
    assert (await stats(client, "agency=tax&agency=TAX"))["total"] == 1


@pytest.mark.parametrize("q", ["2026-11-24~2026-11-20", "2026-11-30~2026-11-01"])
async def test_a_reversed_registration_range_in_the_search_is_not_a_silent_empty_list(
        server, rules, client, q):
    case = await new_case(server, rules, openid="o-f3-rev-range", now=T0)
    status, body = await client.call("GET", "/api/cases?q=" + quote(q), TAX)
    if status == 200:
        assert [c["case_no"] for c in body["cases"]] == [case.case_no], body
    else:
        clear_400(status, body)


async def test_the_overdue_list_writes_a_deadline_as_the_case_list_does(server, rules, client,
                                                                        sm):
    case = await new_case(server, rules, openid="o-f3-dl", now=T0)
    await set_deadline(sm, case, utcnow() - timedelta(days=2))
    row = (await stats(client, NOV))["overdue"]["cases"][0]
    listed = (await client.call("GET", "/api/cases", LEADERSHIP))[1]["cases"][0]
    assert (row["deadline"], row["deadline_label"]) == (listed["deadline"],
                                                        listed["deadline_label"])


# --- second batch (written after the fixes above): the case list's settings given twice -------


@pytest.mark.parametrize("query", ["agency=tax&agency=hrss",
                                   "category=late_fee&category=contribution_base",
                                   "severity=major&severity=general", "overdue=1&overdue=0",
                                   "sort=oldest&sort=newest", "limit=1&limit=50"])
async def test_a_list_setting_given_twice_differently_is_refused(server, rules, client, query):
    await new_case(server, rules, openid="o-f3-l1", now=T0)
    await new_case(server, rules, openid="o-f3-l2", now=T0, category="contribution_base")
    clear_400(*await client.call("GET", f"/api/cases?{query}", LEADERSHIP))


async def test_several_statuses_and_a_repeated_same_agency_still_list(server, rules, client):
    case = await new_case(server, rules, openid="o-f3-l3", now=T0)
    status, body = await client.call(
        "GET", "/api/cases?status=assigned&status=resolved&agency=tax&agency=%20TAX", LEADERSHIP)
    assert status == 200 and [c["case_no"] for c in body["cases"]] == [case.case_no], body


async def test_the_statistics_page_with_two_leads_is_refused(server, signed_in):
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, f"/console/stats?{NOV}&lead=tax&lead=hrss")
    assert status == 400 and "只能填一个" in page, page[:300]
    status, page = await get(boss, f"/console/stats?{NOV}&by=%E6%9C%88")  # 月
    assert status == 200
