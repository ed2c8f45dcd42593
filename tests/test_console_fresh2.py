"""Blind round 2 at the web console: the district office (领导小组办公室) and agency liaisons.

Written as the office clerk and as liaisons of 税务/人社/法院 at a desktop browser: the
statistics downloaded as a CSV with the page's filters (no personal data, figures that add
up to the case list); a sign-in page that stops guessing after a few wrong tokens, across
workers; a search by phone or ID number that keeps the number out of every URL; deadlines and
the overdue view across a weekend and a public holiday; a liaison opening another agency's
case by every door (refused like a missing case); numbers masked on every page and file; a
case transferred from 税务 to 人社 counted once and handled by the new lead.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

import tests.test_console as console_tests
import tests.test_liaison_api as api
from bot.store.models import Case, utcnow
from routing.deadlines import deadline_for, is_overdue
from tests.test_cases import ID_NUMBER, PHONE, T0, events, new_case
from tests.test_console import TOKENS, csrf_of, figure, read_csv, stored
from tests.test_liaison_api import HRSS

anon, rules, signed_in, client = (console_tests.anon, console_tests.rules,
                                  console_tests.signed_in, api.client)

BJ = timezone(timedelta(hours=8))
ROW = re.compile(r'<tr class="[^"]*" data-case="([^"]+)".*?</tr>', re.DOTALL)
X_ID = "44018319851231002X"
NOV = "from=2026-11-01&to=2026-11-30"


def rows_of(page: str) -> list[str]:
    return ROW.findall(page)


def digits_in(text: str, secret: str) -> bool:
    return secret in re.sub(r"[\s\-+%20]|%2B", "", text)


async def get(client, path: str) -> tuple[int, str]:
    async with client.get(path, allow_redirects=False) as resp:
        return resp.status, await resp.text()


async def wrong_sign_in(client, token: str = "dev-token-guess") -> tuple[int, str, dict]:
    csrf = await csrf_of(client, "/console/login")
    async with client.post("/console/login", data={"token": token, "csrf": csrf},
                           allow_redirects=False) as resp:
        return resp.status, await resp.text(), dict(resp.headers)


async def stats_csv(client, query: str = "") -> list[list[str]]:
    async with client.get("/console/stats.csv" + (f"?{query}" if query else "")) as resp:
        assert resp.status == 200, await resp.text()
        assert resp.content_type == "text/csv"
        assert "attachment" in resp.headers["Content-Disposition"]
        return await read_csv(resp)


def groups(rows: list[list[str]]) -> dict[str, dict[str, list[int]]]:
    """``{分组: {项目: [案件数, 逾期未办结]}}`` from the statistics CSV."""
    header, *body = rows
    assert header[:4] == ["分组", "项目", "案件数", "逾期未办结"], header
    out: dict[str, dict[str, list[int]]] = {}
    for row in body:
        if len(row) >= 4 and row[2].isdigit():
            out.setdefault(row[0], {})[row[1]] = [int(row[2]), int(row[3])]
    return out


async def five_cases(server, rules, sm):
    """Two late-fee (tax), one base (hrss leads), one major base, one medical-fee case; the
    base case and the late-fee one overdue."""
    made = [
        await new_case(server, rules, openid="o-g1", now=T0),
        await new_case(server, rules, openid="o-g2", now=T0 + timedelta(days=1)),
        await new_case(server, rules, openid="o-g3", now=T0, category="contribution_base"),
        await new_case(server, rules, openid="o-g4", now=T0 + timedelta(days=2),
                       category="contribution_base", severity="major",
                       severity_reasons=["protest"]),
        await new_case(server, rules, openid="o-g5", now=T0, category="assessed_amount",
                       description="医保费核定的应缴费额不对"),
    ]
    async with sm() as session:
        for i, case in enumerate(made):
            row = await session.get(Case, case.id)
            row.deadline = utcnow() + (timedelta(hours=-3) if i in (0, 2) else timedelta(days=9))
        await session.commit()
    return made


# === 1. the statistics as a CSV ==============================================================


async def test_office_downloads_the_statistics_of_november_as_csv(server, rules, sm, signed_in):
    await five_cases(server, rules, sm)
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, f"/console/stats?{NOV}")
    table = groups(await stats_csv(boss, NOV))
    assert table["总计"]["全部"] == [int(figure(page, "total")), int(figure(page, "open-late"))]
    assert table["总计"]["全部"] == [5, 2]


@pytest.mark.parametrize("group", ["问题类别", "事项等级", "牵头单位", "辖区", "时段"])
async def test_every_breakdown_in_the_statistics_csv_adds_up(server, rules, sm, signed_in,
                                                            group):
    await five_cases(server, rules, sm)
    boss, _ = await signed_in("leadership")
    table = groups(await stats_csv(boss, NOV))
    total, late = table["总计"]["全部"]
    assert sum(v[0] for v in table[group].values()) == total, table[group]
    assert sum(v[1] for v in table[group].values()) == late, table[group]


async def test_statistics_csv_names_things_in_chinese(server, rules, sm, signed_in):
    await five_cases(server, rules, sm)
    boss, _ = await signed_in("leadership")
    table = groups(await stats_csv(boss, NOV + "&by=week"))
    assert table["问题类别"]["滞纳金（利息）争议"][0] == 2
    assert table["事项等级"]["重大疑难事项"][0] == 1
    assert table["牵头单位"]["区税务局"][0] >= 2
    assert "2026-W48" in table["时段"]


async def test_statistics_csv_follows_the_range_and_agency_filters(server, rules, sm, signed_in):
    await five_cases(server, rules, sm)
    boss, _ = await signed_in("leadership")
    assert groups(await stats_csv(boss, "from=2026-11-24&to=2026-11-24"))["总计"]["全部"][0] == 1
    _, page = await get(boss, f"/console/stats?{NOV}&lead=hrss")
    narrowed = groups(await stats_csv(boss, f"{NOV}&lead=hrss"))["总计"]["全部"]
    assert narrowed[0] == int(figure(page, "total")) == 2


@pytest.mark.parametrize("who", ["tax", "hrss", "court"])
async def test_a_liaisons_statistics_csv_counts_only_what_they_see(server, rules, sm, signed_in,
                                                                   who):
    await five_cases(server, rules, sm)
    client, _ = await signed_in(who)
    _, page = await get(client, f"/console/stats?{NOV}&lead=leadership_office")
    table = groups(await stats_csv(client, f"{NOV}&lead=leadership_office"))
    assert table["总计"]["全部"][0] == int(figure(page, "total"))
    _, listed = await get(client, "/console/cases")
    assert table["总计"]["全部"][0] == len(rows_of(listed))


async def test_statistics_csv_holds_no_personal_data(server, rules, sm, signed_in):
    await new_case(server, rules, now=T0, employer="=CMD|'/c calc'!A1 电话13900001111",
                   description=f"身份证{X_ID} 手机 138 1234 5678", name="李小龙")
    boss, _ = await signed_in("leadership")
    async with boss.get(f"/console/stats.csv?{NOV}") as resp:
        body = (await resp.read()).decode("utf-8-sig")
    assert resp.status == 200
    for secret in (PHONE, ID_NUMBER, X_ID, "13900001111", "李小龙", "CMD", "张三"):
        assert not digits_in(body, secret) and secret not in body, secret


async def test_statistics_page_offers_the_csv_with_its_filters(signed_in):
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/stats?from=2026-10-01&to=2026-12-31&by=quarter")
    link = re.search(r'href="(/console/stats\.csv\?[^"]*)"', page)
    assert link, "no CSV link on the statistics page"
    for part in ("from=2026-10-01", "to=2026-12-31", "by=quarter"):
        assert part in link.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("query", ["from=2026-11-31", "from=2026-12-01&to=2026-11-01",
                                   "from=11/01/2026"])
async def test_statistics_csv_with_a_bad_range_is_a_friendly_400(signed_in, query):
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, "/console/stats.csv?" + query)
    assert status == 400 and re.search(r"[\u4e00-\u9fff]", page)


async def test_statistics_csv_needs_a_sign_in(anon):
    status, _ = await get(anon, f"/console/stats.csv?{NOV}")
    assert status == 303


# === 2. wrong tokens at the sign-in page ======================================================


async def test_five_wrong_tokens_lock_the_sign_in_even_for_the_right_one(anon):
    for _ in range(5):
        status, _, _ = await wrong_sign_in(anon)
        assert status == 401
    status, page, headers = await wrong_sign_in(anon, TOKENS["tax"])
    assert status == 429, page
    assert "次数过多" in page and "分钟" in page
    assert "dev-token-tax" not in page
    assert int(headers.get("Retry-After", "0")) > 0
    assert (await get(anon, "/console/cases"))[0] == 303


async def test_four_wrong_tokens_then_the_right_one_still_signs_in(anon):
    for _ in range(4):
        assert (await wrong_sign_in(anon, "dev-token-tx"))[0] == 401
    assert (await wrong_sign_in(anon, TOKENS["tax"]))[0] == 303


async def test_a_new_browser_from_the_same_address_is_still_locked(aiohttp_client, server, anon):
    for _ in range(5):
        await wrong_sign_in(anon)
    fresh = await aiohttp_client(server)
    status, page, _ = await wrong_sign_in(fresh, TOKENS["leadership"])
    assert status == 429 and "次数过多" in page


async def test_the_lock_holds_on_another_worker_sharing_the_database(aiohttp_server,
                                                                     aiohttp_client, anon,
                                                                     config, models):
    from bot.app import build_app

    for _ in range(5):
        await wrong_sign_in(anon)
    other = await aiohttp_client(await aiohttp_server(build_app(config, models=models)))
    status, _, _ = await wrong_sign_in(other, TOKENS["tax"])
    assert status == 429


async def test_sign_in_limit_is_in_the_configuration(base_config):
    raw = base_config.raw["console"]["sign_in_limit"]
    assert raw["max_failures"] == 5 and raw["window_minutes"] == 15
    assert raw["lock_minutes"] > 0


async def test_signed_in_liaisons_are_not_locked_out_by_someone_elses_guessing(signed_in, anon):
    tax, _ = await signed_in("tax")
    for _ in range(6):
        await wrong_sign_in(anon)
    assert (await get(tax, "/console/cases"))[0] == 200


# === 3. searching by phone or ID keeps the number out of URLs =================================


async def test_the_search_form_is_posted(signed_in):
    tax, _ = await signed_in("tax")
    _, page = await get(tax, "/console/cases")
    form = re.search(r'<form[^>]*>(?:(?!</form>).)*name="q"', page, re.DOTALL)
    assert form and 'method="post"' in form.group(0).lower()
    assert 'name="csrf"' in form.group(0)


@pytest.mark.parametrize("query", [PHONE, "138 1234 5678", "+86 138-1234-5678", ID_NUMBER])
async def test_posting_a_phone_or_id_search_finds_the_case_with_no_number_in_any_url(
        server, rules, signed_in, query):
    case = await new_case(server, rules, openid="o-p2")
    await new_case(server, rules, openid="o-p3", phone="13700002222",
                   id_number="440183197001012222")
    tax, csrf = await signed_in("tax")
    async with tax.post("/console/cases", data={"csrf": csrf, "q": query}) as resp:
        page = await resp.text()
        urls = [str(resp.url)] + [str(h.url) for h in resp.history]
        locations = [h.headers.get("Location", "") for h in resp.history]
    assert resp.status == 200 and rows_of(page) == [case.case_no]
    for url in urls + locations:
        assert not digits_in(url, PHONE[3:]) and not digits_in(url, ID_NUMBER[6:]), url
    assert not re.findall(r'href="[^"]*5678[^"]*"', page)


@pytest.mark.parametrize("query", [PHONE, ID_NUMBER, "138-1234-5678"])
async def test_an_old_bookmarked_phone_search_link_drops_the_number_from_the_url(
        server, rules, signed_in, query):
    case = await new_case(server, rules, openid="o-p4")
    tax, _ = await signed_in("tax")
    async with tax.get("/console/cases", params={"q": query}) as resp:
        page = await resp.text()
        assert resp.history and resp.history[0].status in (302, 303)
        final = str(resp.url)
    assert not digits_in(final, PHONE[3:]) and not digits_in(final, ID_NUMBER[6:]), final
    assert rows_of(page) == [case.case_no]


async def test_a_posted_phone_search_without_csrf_is_refused(server, rules, signed_in):
    await new_case(server, rules, openid="o-p5")
    tax, _ = await signed_in("tax")
    async with tax.post("/console/cases", data={"q": PHONE}, allow_redirects=False) as resp:
        assert resp.status == 403


async def test_a_posted_phone_search_stays_within_the_agency(server, rules, signed_in):
    await new_case(server, rules, openid="o-p6")  # tax alone
    hrss, csrf = await signed_in("hrss")
    async with hrss.post("/console/cases", data={"csrf": csrf, "q": PHONE}) as resp:
        assert resp.status == 200 and rows_of(await resp.text()) == []


@pytest.mark.parametrize("query", ["制衣厂", "新塘镇", "{tail}"])
async def test_a_plain_text_search_is_still_a_get_link(server, rules, signed_in, query):
    case = await new_case(server, rules, openid="o-p7")
    query = query.format(tail=case.case_no[-4:])
    tax, _ = await signed_in("tax")
    async with tax.get("/console/cases", params={"q": query}, allow_redirects=False) as resp:
        assert resp.status == 200
        assert case.case_no in rows_of(await resp.text())


# === 4. deadlines and the overdue view across a weekend and a holiday =========================


NEW_YEAR = {"deadlines": {"simple": 1, "general": 5, "major": 15},
            "calendar": {"holidays": ["2027-01-01"], "workdays": []}}


@pytest.mark.parametrize(("severity", "opened", "due"), [
    # Thu 31 Dec 15:00; Fri 1 Jan is a holiday, then the weekend → Mon 4 Jan 15:00.
    ("simple", datetime(2026, 12, 31, 15, 0, tzinfo=BJ), datetime(2027, 1, 4, 15, 0, tzinfo=BJ)),
    # Received on the holiday itself: counting starts Mon 4 Jan → end of Fri 8 Jan.
    ("general", datetime(2027, 1, 1, 10, 0, tzinfo=BJ), datetime(2027, 1, 9, 0, 0, tzinfo=BJ)),
    # Wed 30 Dec 9:00, five working days skipping the holiday and the weekend → Thu 7 Jan.
    ("general", datetime(2026, 12, 30, 9, 0, tzinfo=BJ), datetime(2027, 1, 7, 9, 0, tzinfo=BJ)),
])
def test_deadlines_over_new_year(severity, opened, due):
    assert deadline_for(severity, opened, NEW_YEAR) == due


def test_a_friday_deadline_is_overdue_on_saturday_morning():
    due = deadline_for("simple", datetime(2026, 12, 3, 18, 0, tzinfo=BJ), {})
    assert due == datetime(2026, 12, 4, 18, 0, tzinfo=BJ)
    assert not is_overdue(due, datetime(2026, 12, 4, 17, 59, tzinfo=BJ))
    assert is_overdue(due, datetime(2026, 12, 5, 9, 0, tzinfo=BJ))


async def test_a_case_from_friday_afternoon_shows_its_next_friday_deadline(server, rules,
                                                                          signed_in):
    opened = datetime(2026, 11, 20, 16, 30, tzinfo=BJ)
    case = await new_case(server, rules, openid="o-fri", now=opened.astimezone(timezone.utc))
    tax, _ = await signed_in("tax")
    _, page = await get(tax, f"/console/cases/{case.case_no}")
    assert "2026-11-27 16:30" in page


async def test_overdue_view_has_the_weekend_case_but_not_the_fresh_one(server, rules, sm,
                                                                       signed_in):
    old = await new_case(server, rules, openid="o-old",
                         now=datetime(2026, 11, 13, 8, 0, tzinfo=timezone.utc))
    fresh = await new_case(server, rules, openid="o-new", now=utcnow())
    boss, _ = await signed_in("leadership")
    _, page = await get(boss, "/console/cases?overdue=1")
    assert old.case_no in rows_of(page) and fresh.case_no not in rows_of(page)
    _, stats = await get(boss, "/console/stats")
    assert figure(stats, "open-late") == "1"


# === 5. a liaison at another agency's case ====================================================


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/console/cases/{no}"), ("GET", "/console/cases/{no}?contact=1"),
    ("POST", "/console/cases/{no}/note"), ("POST", "/console/cases/{no}/accept"),
    ("POST", "/console/cases/{no}/reveal"),
])
async def test_hrss_cannot_open_or_touch_a_tax_only_case(server, rules, sm, signed_in, method,
                                                         path):
    case = await new_case(server, rules, openid="o-x1")
    hrss, csrf = await signed_in("hrss")
    url = path.format(no=case.case_no)
    async with hrss.request(method, url, data={"csrf": csrf, "text": "看看", "acceptor": "王五"}
                            if method == "POST" else None, allow_redirects=False) as resp:
        page = await resp.text()
        assert resp.status in (403, 404), (url, resp.status)
    assert "某某制衣厂" not in page and "138****5678" not in page
    assert [e.kind for e in await events(sm, case)] == ["registered", "assigned"]


async def test_a_lower_case_case_number_does_not_open_another_agencys_case(server, rules,
                                                                          signed_in):
    case = await new_case(server, rules, openid="o-x2")
    court, _ = await signed_in("court")
    for no in (case.case_no.lower(), f" {case.case_no}", case.case_no + "%20"):
        status, page = await get(court, f"/console/cases/{no}")
        assert status == 404 and "某某制衣厂" not in page, no


async def test_the_api_refuses_hrss_on_a_tax_case_like_a_missing_one(server, rules, client):
    case = await new_case(server, rules, openid="o-x3")
    there = await client.call("GET", f"/api/cases/{case.case_no}", HRSS)
    missing = await client.call("GET", "/api/cases/ZY20000101-0009", HRSS)
    assert there[0] == missing[0] == 404
    assert there[1].get("code") == missing[1].get("code")


# === 6. a case transferred from 税务 to 人社 ====================================================


async def transferred(server, rules, signed_in):
    case = await new_case(server, rules, openid="o-tr", now=T0)
    tax, csrf = await signed_in("tax")
    async with tax.post(f"/console/cases/{case.case_no}/transfer",
                        data={"csrf": csrf, "agency": "hrss", "reason": "缴费基数问题归人社"},
                        allow_redirects=False) as resp:
        assert resp.status == 303
    return case


async def test_transferred_case_is_counted_once_under_its_new_lead(server, rules, signed_in):
    await transferred(server, rules, signed_in)
    boss, _ = await signed_in("leadership")
    table = groups(await stats_csv(boss, NOV))
    assert table["总计"]["全部"][0] == 1
    assert table["牵头单位"].get("区人力资源和社会保障局", [0])[0] == 1
    assert table["牵头单位"].get("区税务局", [0])[0] == 0


async def test_the_new_lead_can_accept_and_finds_it_in_its_export(server, rules, sm, signed_in):
    case = await transferred(server, rules, signed_in)
    hrss, csrf = await signed_in("hrss")
    async with hrss.post(f"/console/cases/{case.case_no}/accept",
                         data={"csrf": csrf, "acceptor": "赵六", "acceptor_phone": "020-1"},
                         allow_redirects=False) as resp:
        assert resp.status == 303
    assert (await stored(sm, case)).status == "accepted"
    async with hrss.get(f"/console/export.csv?{NOV}") as resp:
        _, *lines = await read_csv(resp)
    assert [r[0] for r in lines] == [case.case_no]
    assert not digits_in(str(lines), PHONE) and not digits_in(str(lines), ID_NUMBER)


# === 7. masked numbers on every page ==========================================================


@pytest.mark.parametrize("path", ["/console/cases", "/console/cases/{no}",
                                  "/console/stats?" + NOV, "/console/cases?overdue=0"])
async def test_an_x_id_and_a_spaced_phone_never_show_on_a_page(server, rules, signed_in, path):
    case = await new_case(server, rules, openid="o-m1", now=T0, id_number=X_ID,
                          description=f"身份证{X_ID}，电话 139 0000 1111，+86 13812345678",
                          desired_outcome="请打 139-0000-1111 回复")
    boss, _ = await signed_in("leadership")
    status, page = await get(boss, path.format(no=case.case_no))
    assert status == 200
    for secret in (X_ID, "13900001111", PHONE):
        assert not digits_in(page, secret), (path, secret)


async def test_the_case_export_masks_an_x_id_and_a_spaced_phone(server, rules, signed_in):
    await new_case(server, rules, openid="o-m2", now=T0, id_number=X_ID,
                   description=f"身份证{X_ID}，电话 139 0000 1111")
    boss, _ = await signed_in("leadership")
    async with boss.get(f"/console/export.csv?{NOV}") as resp:
        header, *lines = await read_csv(resp)
    flat = str(lines)
    assert not digits_in(flat, X_ID) and not digits_in(flat, "13900001111")
    assert dict(zip(header, lines[0]))["身份证号"].endswith("002X")


# === 8. the statistics agree with the case list ===============================================


@pytest.mark.parametrize("who", ["leadership", "tax", "hrss"])
async def test_statistics_total_equals_the_cases_listed(server, rules, sm, signed_in, who):
    await five_cases(server, rules, sm)
    client, _ = await signed_in(who)
    _, page = await get(client, "/console/stats")
    _, listed = await get(client, "/console/cases")
    assert figure(page, "total") == str(len(rows_of(listed)))
    _, late = await get(client, "/console/cases?overdue=1")
    assert figure(page, "open-late") == str(len(rows_of(late)))


async def test_category_counts_in_the_csv_match_the_filtered_lists(server, rules, sm, signed_in):
    await five_cases(server, rules, sm)
    boss, _ = await signed_in("leadership")
    table = groups(await stats_csv(boss, NOV))
    _, listed = await get(boss, "/console/cases?category=contribution_base")
    assert table["问题类别"]["缴费基数争议"][0] == len(rows_of(listed)) == 2



# --- second batch (written after the fixes, against them): the lock's end and reset, a
# spoofed X-Forwarded-For, the sealed search across pages, filters and sessions ---------------


async def test_the_lock_ends_after_its_minutes(server, sm, anon):
    from sqlalchemy import select

    from bot.store.models import SignInFailure

    for _ in range(5):
        await wrong_sign_in(anon)
    assert (await wrong_sign_in(anon, TOKENS["tax"]))[0] == 429
    async with sm() as session:
        for row in (await session.execute(select(SignInFailure))).scalars():
            row.created_at -= timedelta(minutes=16)
        await session.commit()
    assert (await wrong_sign_in(anon, TOKENS["tax"]))[0] == 303


async def test_a_right_token_resets_the_count(aiohttp_client, server, anon):
    for _ in range(4):
        await wrong_sign_in(anon)
    assert (await wrong_sign_in(anon, TOKENS["hrss"]))[0] == 303
    other = await aiohttp_client(server)
    for _ in range(4):
        assert (await wrong_sign_in(other))[0] == 401


async def test_a_forged_forwarded_for_header_does_not_escape_the_lock(anon):
    for n in range(5):
        csrf = await csrf_of(anon, "/console/login")
        async with anon.post("/console/login", data={"token": "guess", "csrf": csrf},
                             headers={"X-Forwarded-For": f"10.0.0.{n}"}) as resp:
            assert resp.status == 401
    csrf = await csrf_of(anon, "/console/login")
    async with anon.post("/console/login", data={"token": TOKENS["tax"], "csrf": csrf},
                         headers={"X-Forwarded-For": "10.9.9.9"},
                         allow_redirects=False) as resp:
        assert resp.status == 429


async def test_a_phone_search_keeps_its_number_sealed_across_pages(server, rules, signed_in):
    made = [await new_case(server, rules, openid=f"o-pg{i}") for i in range(22)]
    await new_case(server, rules, openid="o-pg-other", phone="13700003333")
    tax, csrf = await signed_in("tax")
    async with tax.post("/console/cases", data={"csrf": csrf, "q": PHONE}) as resp:
        page = await resp.text()
    assert len(rows_of(page)) == 20
    nxt = re.search(r'href="(/console/cases\?[^"]*page=2[^"]*)"', page)
    assert nxt and "qs=" in nxt.group(1) and "5678" not in nxt.group(1)
    _, second = await get(tax, nxt.group(1).replace("&amp;", "&"))
    assert len(rows_of(second)) == 2
    assert set(rows_of(page) + rows_of(second)) == {c.case_no for c in made}


async def test_changing_a_filter_keeps_the_sealed_phone_search(server, rules, signed_in):
    case = await new_case(server, rules, openid="o-kf")
    await new_case(server, rules, openid="o-kf2", phone="13700004444")
    tax, csrf = await signed_in("tax")
    async with tax.post("/console/cases", data={"csrf": csrf, "q": PHONE}) as resp:
        sealed = re.search(r'name="qs" value="([^"]+)"', await resp.text())
    assert sealed
    async with tax.post("/console/cases", data={"csrf": csrf, "q": "", "qs": sealed.group(1),
                                                "category": "late_fee"}) as resp:
        page = await resp.text()
        assert "category=late_fee" in str(resp.url) and "5678" not in str(resp.url)
    assert rows_of(page) == [case.case_no]


async def test_a_sealed_search_link_is_useless_in_another_session(server, rules, signed_in):
    await new_case(server, rules, openid="o-ss")
    other = await new_case(server, rules, openid="o-ss2", phone="13700005555")
    tax, csrf = await signed_in("tax")
    async with tax.post("/console/cases", data={"csrf": csrf, "q": PHONE}) as resp:
        link = str(resp.url.relative())
    assert "qs=" in link
    colleague, _ = await signed_in("tax")
    status, page = await get(colleague, link)
    assert status == 200 and other.case_no in rows_of(page)  # no search applied
    status, page = await get(tax, link.replace("qs=", "qs=AA"))
    assert status == 200
