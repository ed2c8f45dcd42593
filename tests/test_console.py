"""The liaison web console over real HTTP (aiohttp test client): sign-in, sessions and CSRF,
visibility, escaping, the action forms, statistics and the CSV export."""
from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import timedelta

import pytest
from yarl import URL

from bot.store.models import Case, utcnow
from routing.actions import can_see
from routing.rules import load_rules
from tests.test_cases import ID_NUMBER, PHONE, T0, events, new_case, set_last_message

TOKENS = {"tax": "dev-token-tax", "hrss": "dev-token-hrss", "court": "dev-token-court",
          "leadership": "dev-token-leadership"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="session")
def rules(base_config):
    return load_rules(config_raw=base_config.raw)


@pytest.fixture
async def anon(aiohttp_client, server):
    return await aiohttp_client(server)


async def csrf_of(client, path: str = "/console/cases") -> str:
    async with client.get(path) as resp:
        match = CSRF.search(await resp.text())
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def sign_in(client, who: str) -> str:
    """Sign ``client`` in; returns the session's CSRF token."""
    token = await csrf_of(client, "/console/login")
    async with client.post("/console/login", data={"token": TOKENS[who], "csrf": token},
                           allow_redirects=False) as resp:
        assert resp.status == 303, await resp.text()
    return await csrf_of(client)


@pytest.fixture
async def signed_in(aiohttp_client, server):
    """A factory: ``client, csrf = await signed_in("tax")``, one cookie jar per agency."""
    async def make(who: str):
        client = await aiohttp_client(server)
        return client, await sign_in(client, who)
    return make


async def stored(sm, case: Case) -> Case:
    async with sm() as session:
        return await session.get(Case, case.id)


# --- sign-in, sessions, CSRF ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/console/cases", "/console/cases/ZY20261123-0001",
                                  "/console/stats", "/console/export.csv?from=2026-11-01"])
async def test_without_a_session_pages_redirect_to_sign_in(anon, path):
    async with anon.get(path, allow_redirects=False) as resp:
        assert resp.status == 303
        location = URL(resp.headers["Location"])
        assert location.path == "/console/login" and location.query["next"] == path
    async with anon.get("/console/", allow_redirects=False) as resp:
        assert resp.status == 303 and resp.headers["Location"] == "/console/cases"


async def test_wrong_token_is_refused_and_right_token_signs_in(anon):
    token = await csrf_of(anon, "/console/login")
    async with anon.post("/console/login", data={"token": "dev-token-nope", "csrf": token},
                         allow_redirects=False) as resp:
        assert resp.status == 401
        assert "令牌不正确" in await resp.text()
    async with anon.get("/console/cases", allow_redirects=False) as resp:
        assert resp.status == 303
    async with anon.post("/console/login", data={"token": TOKENS["tax"], "csrf": token,
                                                 "next": "/console/stats"},
                         allow_redirects=False) as resp:
        assert resp.status == 303 and resp.headers["Location"] == "/console/stats"
        cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert "dev-token-tax" not in cookie
    async with anon.get("/console/cases") as resp:
        page = await resp.text()
        assert resp.status == 200 and "区税务局" in page
        assert resp.headers["Cache-Control"] == "no-store"
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]


async def test_sign_in_never_redirects_off_the_console(anon):
    for target in ("https://evil.example/", "//evil.example/console/", "/api/cases"):
        anon.session.cookie_jar.clear()
        token = await csrf_of(anon, "/console/login")
        async with anon.post("/console/login", data={"token": TOKENS["tax"], "csrf": token,
                                                     "next": target},
                             allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/console/cases"


async def test_sign_in_form_without_csrf_is_403(anon):
    async with anon.post("/console/login", data={"token": TOKENS["tax"]},
                         allow_redirects=False) as resp:
        assert resp.status == 403
    async with anon.get("/console/cases", allow_redirects=False) as resp:
        assert resp.status == 303


async def test_forged_or_tampered_session_cookie_is_ignored(aiohttp_client, server, signed_in):
    client, _ = await signed_in("tax")
    cookie = next(c for c in client.session.cookie_jar if c.key == "disputebot_console").value
    body, sig = cookie.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["a"] = "leadership_office"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    other = await aiohttp_client(server)
    for value in (f"{forged}.{sig}", "garbage", f"{body}.AAAA"):
        other.session.cookie_jar.clear()
        other.session.cookie_jar.update_cookies({"disputebot_console": value},
                                                server.make_url("/console/"))
        async with other.get("/console/cases", allow_redirects=False) as resp:
            assert resp.status == 303, value


async def test_post_without_its_csrf_token_is_403(server, signed_in, sm, rules):
    case = await new_case(server, rules)
    tax, csrf = await signed_in("tax")
    _, court_csrf = await signed_in("court")
    url = f"/console/cases/{case.case_no}/resolve"
    for data in ({"result": "办结"}, {"result": "办结", "csrf": "x" + csrf},
                 {"result": "办结", "csrf": court_csrf}):  # another session's token
        async with tax.post(url, data=data, allow_redirects=False) as resp:
            assert resp.status == 403
            assert "表单已过期" in await resp.text()
    async with tax.post(f"/console/cases/{case.case_no}/contact", data={},
                        allow_redirects=False) as resp:
        assert resp.status == 403
    async with tax.post("/console/logout", data={}, allow_redirects=False) as resp:
        assert resp.status == 403
    assert (await stored(sm, case)).status == "assigned"
    assert [e.kind for e in await events(sm, case)] == ["registered", "assigned"]


async def test_sign_out_ends_the_session(signed_in):
    client, csrf = await signed_in("tax")
    async with client.post("/console/logout", data={"csrf": csrf},
                           allow_redirects=False) as resp:
        assert resp.status == 303 and resp.headers["Location"] == "/console/login"
    async with client.get("/console/cases", allow_redirects=False) as resp:
        assert resp.status == 303


# --- visibility and escaping ---------------------------------------------------------------


async def test_another_agencys_case_is_404(server, signed_in, rules, sm):
    case = await new_case(server, rules)  # late fee: tax leads alone
    court, csrf = await signed_in("court")
    async with court.get(f"/console/cases/{case.case_no}") as resp:
        assert resp.status == 404
        page = await resp.text()
    assert "没有找到该案件" in page and "某某制衣厂" not in page
    for action, data in (("resolve", {"result": "x"}), ("note", {"text": "x"}),
                         ("accept", {})):
        async with court.post(f"/console/cases/{case.case_no}/{action}",
                              data={**data, "csrf": csrf}, allow_redirects=False) as resp:
            assert resp.status == 404
    async with court.post(f"/console/cases/{case.case_no}/contact", data={"csrf": csrf}) as resp:
        assert resp.status == 404
    async with court.get("/console/cases") as resp:
        assert case.case_no not in await resp.text()
    boss, _ = await signed_in("leadership")
    async with boss.get(f"/console/cases/{case.case_no}") as resp:
        assert resp.status == 200
    assert [e.kind for e in await events(sm, case)] == ["registered", "assigned"]


async def test_payer_html_is_escaped(server, signed_in, rules):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case = await new_case(server, rules, description=attack, employer="<b>厂</b>",
                          name="<i>张</i>", desired_outcome="</textarea><script>1</script>")
    tax, _ = await signed_in("tax")
    async with tax.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert "<script>" not in page and "<img" not in page and "<b>厂" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;b&gt;厂&lt;/b&gt;" in page


# --- the case page and its actions ---------------------------------------------------------


async def test_case_page_masks_contact_until_revealed_and_audits_it(server, signed_in, rules,
                                                                    sm):
    case = await new_case(server, rules)
    tax, csrf = await signed_in("tax")
    async with tax.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert "138****5678" in page and PHONE not in page and ID_NUMBER not in page
    assert "显示完整联系方式" in page and "media-1" in page and "滞纳金" in page
    assert "登记" in page and "分派" in page  # the timeline
    async with tax.post(f"/console/cases/{case.case_no}/contact", data={"csrf": csrf}) as resp:
        page = await resp.text()
        assert resp.status == 200
    assert PHONE in page and ID_NUMBER in page and "张三" in page
    viewed = [(e.actor, e.detail) for e in await events(sm, case) if e.kind == "contact_viewed"]
    assert viewed == [("tax", {"agency": "tax"})]
    assert (await stored(sm, case)).first_action_at is None  # viewing is not acting


async def test_actions_through_the_forms(server, signed_in, rules, sm, fake_api):
    await set_last_message(sm, "o-forms", utcnow())
    case = await new_case(server, rules, openid="o-forms")
    tax, csrf = await signed_in("tax")
    base = f"/console/cases/{case.case_no}"
    async with tax.post(base + "/accept", data={"csrf": csrf}, allow_redirects=False) as resp:
        assert resp.status == 303 and resp.headers["Location"] == base + "?done=accept"
    async with tax.post(base + "/note", data={"csrf": csrf, "text": "已电话联系单位"}) as resp:
        page = await resp.text()
    assert "备注已保存" in page and "已电话联系单位" in page
    async with tax.post(base + "/request-info", data={"csrf": csrf, "text": "请提供工资条"}) as resp:
        assert "已通知缴费人补充材料" in await resp.text()
    async with tax.post(base + "/resolve", data={"csrf": csrf, "result": "滞纳金已减免"}) as resp:
        page = await resp.text()
    assert "已办结" in page and "滞纳金已减免" in page
    kinds = [e.kind for e in await events(sm, case)]
    assert kinds[2:] == ["accepted", "note", "info_requested", "resolved"]
    texts = [m["text"]["content"] for m in await fake_api.messages.wait_for(4)]
    assert any("滞纳金已减免" in t for t in texts)


@pytest.mark.parametrize(("who", "action", "data", "status", "message"), [
    ("tax", "resolve", {"result": "  "}, 400, "填写的内容有误"),
    ("tax", "transfer", {"agency": "nobody", "reason": "x"}, 400, "填写的内容有误"),
    ("tax", "transfer", {"agency": "tax", "reason": "x"}, 409, "不允许此操作"),
    ("tax", "note", {"text": "x" * 2001}, 400, "不超过2000字"),
    ("hrss", "resolve", {"result": "x"}, 403, "只有牵头单位"),  # hrss co-handles
])
async def test_action_errors_are_friendly_pages(server, signed_in, rules, who, action, data,
                                                status, message):
    case = await new_case(server, rules, category="contribution_base") if who == "hrss" else (
        await new_case(server, rules))
    if who == "hrss":  # contribution base: hrss leads, tax co-handles; act as the co-handler
        who = "tax"
    client, csrf = await signed_in(who)
    async with client.post(f"/console/cases/{case.case_no}/{action}",
                           data={**data, "csrf": csrf}) as resp:
        page = await resp.text()
        assert resp.status == status, page
    assert message in page and case.case_no in page


async def test_resolving_twice_is_a_409_page(server, signed_in, rules):
    case = await new_case(server, rules)
    tax, csrf = await signed_in("tax")
    url = f"/console/cases/{case.case_no}/resolve"
    async with tax.post(url, data={"csrf": csrf, "result": "已办"}) as resp:
        assert resp.status == 200
    async with tax.post(url, data={"csrf": csrf, "result": "再办"}) as resp:
        assert resp.status == 409 and "不允许此操作" in await resp.text()


async def test_transfer_form_moves_the_case(server, signed_in, rules):
    case = await new_case(server, rules)
    tax, csrf = await signed_in("tax")
    async with tax.post(f"/console/cases/{case.case_no}/transfer",
                        data={"csrf": csrf, "agency": "hrss", "reason": "应由人社局牵头"},
                        allow_redirects=False) as resp:
        assert resp.status == 303
    async with tax.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
        assert resp.status == 200  # tax tracks it, read-only
    assert "负责跟踪" in page and 'id="form-resolve"' not in page and 'id="form-note"' in page
    async with tax.post(f"/console/cases/{case.case_no}/resolve",
                        data={"csrf": csrf, "result": "已办"}) as resp:
        assert resp.status == 403
    hrss, _ = await signed_in("hrss")
    async with hrss.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert "转办" in page and "应由人社局牵头" in page


# --- the list -----------------------------------------------------------------------------


async def test_list_filters_marks_sorts_and_pages(server, signed_in, rules, sm):
    general = [await new_case(server, rules, openid=f"o-{i}") for i in range(21)]
    major = await new_case(server, rules, openid="o-major", severity="major",
                           severity_reasons=["protest"])
    late = await new_case(server, rules, openid="o-late", now=utcnow() - timedelta(days=30))
    tax, _ = await signed_in("tax")

    def rows(page: str) -> list[str]:
        return re.findall(r'<tr class="([^"]*)" data-case="([^"]+)"', page)

    async with tax.get("/console/cases") as resp:
        first = rows(await resp.text())
    assert len(first) == 20
    assert first[0] == ("overdue ", late.case_no)  # earliest deadline first, marked
    async with tax.get("/console/cases?page=2") as resp:
        page = await resp.text()
    second = rows(page)
    assert len(second) == 3 and "第 2 页 / 共 2 页" in page
    shown = {no for _, no in first + second}
    assert shown == {c.case_no for c in [*general, major, late]}
    async with tax.get("/console/cases?severity=major") as resp:
        page = await resp.text()
    assert [no for _, no in rows(page)] == [major.case_no]
    assert "major" in rows(page)[0][0] and "重大疑难事项" in page
    async with tax.get("/console/cases?overdue=1") as resp:
        assert [no for _, no in rows(await resp.text())] == [late.case_no]
    async with tax.get("/console/cases?overdue=0&jurisdiction=增城区&status=assigned"
                       "&category=late_fee&sort=-deadline") as resp:
        found = rows(await resp.text())
    assert len(found) == 20 and late.case_no not in {no for _, no in found}
    async with tax.get("/console/cases?jurisdiction=荔城街道") as resp:
        assert rows(await resp.text()) == []
    async with tax.get("/console/cases?status=bogus&page=abc&sort=x") as resp:
        assert resp.status == 200 and len(rows(await resp.text())) == 20


# --- statistics and export ----------------------------------------------------------------


async def seed_for_stats(server, rules, sm) -> list[Case]:
    """Four cases with known times: first actions after 1, 3, 5 h; resolutions after 10 h,
    30 h and 20 days (the last one late); ratings 5 and 3; solved yes / no."""
    made = [await new_case(server, rules, openid=f"o-s{i}", now=T0) for i in range(3)]
    made.append(await new_case(server, rules, openid="o-s3", now=T0 + timedelta(days=1),
                               category="employer_arrears"))
    plan = [(1, 10, 5, True), (3, 30, 3, False), (5, 480, None, None)]
    async with sm() as session:
        for case, (first, done, rating, solved) in zip(made, plan):
            row = await session.get(Case, case.id)
            row.first_action_at = T0 + timedelta(hours=first)
            row.resolved_at = T0 + timedelta(hours=done)
            row.status, row.rating, row.solved = "resolved", rating, solved
        open_case = await session.get(Case, made[3].id)
        open_case.deadline = utcnow() + timedelta(days=30)
        await session.commit()
    return made


def figure(page: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert match, name
    return match.group(1)


async def test_stats_page_numbers_on_a_small_set(server, signed_in, rules, sm):
    made = await seed_for_stats(server, rules, sm)
    boss, _ = await signed_in("leadership")
    async with boss.get("/console/stats") as resp:
        page = await resp.text()
        assert resp.status == 200
    assert figure(page, "total") == "4"
    assert figure(page, "first-median") == "3.0 小时"
    assert figure(page, "first-p90") == "4.6 小时"
    assert figure(page, "resolve-median") == "30.0 小时"
    assert figure(page, "resolve-p90") == "390.0 小时"
    assert figure(page, "overdue-rate") == "25.0%"
    assert figure(page, "rating") == "4.00"
    assert figure(page, "solved") == "50.0%"
    assert page.count("<svg") == 5 and "2026-W48" in page
    assert "滞纳金（利息）争议" in page and "用人单位欠缴" in page
    async with boss.get("/console/stats?by=month&from=2026-11-24&to=2026-11-24") as resp:
        page = await resp.text()
    assert figure(page, "total") == "1" and "2026-11" in page
    async with boss.get("/console/stats?from=2026-13-01") as resp:
        assert resp.status == 400 and "日期格式" in await resp.text()
    court, _ = await signed_in("court")
    async with court.get("/console/stats") as resp:
        page = await resp.text()
    assert figure(page, "total") == str(sum(can_see(c, "court") for c in made))


async def read_csv(resp) -> list[list[str]]:
    body = await resp.read()
    assert body.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_csv_export_masked_vs_full(server, signed_in, rules, sm):
    first = await new_case(server, rules, now=T0, description="=HYPERLINK(\"x\") 电话13812345678")
    second = await new_case(server, rules, openid="o-2", now=T0 + timedelta(days=2))
    tax, _ = await signed_in("tax")
    async with tax.get("/console/export.csv?from=2026-11-23&to=2026-11-30") as resp:
        assert resp.status == 200 and resp.content_type == "text/csv"
        assert "attachment" in resp.headers["Content-Disposition"]
        rows = await read_csv(resp)
    header, *cases = rows
    assert header[0] == "编号" and len(cases) == 2
    assert [r[0] for r in cases] == [first.case_no, second.case_no]
    flat = str(cases)
    assert PHONE not in flat and ID_NUMBER not in flat and "张三" not in flat
    by_name = dict(zip(header, cases[0]))
    assert by_name["联系电话"] == "138****5678" and by_name["身份证号"] == "440***********1234"
    assert by_name["问题描述"].startswith("'=HYPERLINK")  # no formula in Excel
    async with tax.get("/console/export.csv?from=2026-11-24") as resp:
        assert [r[0] for r in (await read_csv(resp))[1:]] == [second.case_no]
    async with tax.get("/console/export.csv?full=1") as resp:
        assert resp.status == 403 and "仅限领导小组办公室" in await resp.text()
    assert not [e for e in await events(sm, first) if e.kind == "contact_exported"]
    async with tax.get("/console/export.csv?from=23/11/2026") as resp:
        assert resp.status == 400

    boss, _ = await signed_in("leadership")
    async with boss.get("/console/export.csv?from=2026-11-23&to=2026-11-23&full=1") as resp:
        header, *cases = await read_csv(resp)
    assert [r[0] for r in cases] == [first.case_no]
    by_name = dict(zip(header, cases[0]))
    assert by_name["联系电话"] == PHONE and by_name["身份证号"] == ID_NUMBER
    assert by_name["姓名"] == "张三"
    exported = [(e.actor, e.detail) for e in await events(sm, first)
                if e.kind == "contact_exported"]
    assert exported == [("leadership_office", {"agency": "leadership_office",
                                               "period": "2026-11-23~2026-11-23"})]
    assert not [e for e in await events(sm, second) if e.kind == "contact_exported"]


async def test_static_css_is_served_locally(anon):
    async with anon.get("/console/static/console.css") as resp:
        assert resp.status == 200 and "--brand" in await resp.text()
    async with anon.get("/console/login") as resp:
        page = await resp.text()
    assert "http://" not in page and "https://" not in page  # no CDN


async def test_cookie_is_secure_behind_an_https_proxy(anon):
    token = await csrf_of(anon, "/console/login")
    async with anon.post("/console/login", data={"token": TOKENS["tax"], "csrf": token},
                         headers={"X-Forwarded-Proto": "https"},
                         allow_redirects=False) as resp:
        assert "Secure" in resp.headers["Set-Cookie"]


async def test_an_unexpected_failure_is_a_friendly_page_not_a_500(signed_in, monkeypatch):
    from bot.console import cases as views

    async def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    tax, _ = await signed_in("tax")
    monkeypatch.setattr(views, "list_page", broken)
    async with tax.get("/console/cases") as resp:
        page = await resp.text()
        assert resp.status == 503
    assert "系统暂时无法处理该请求" in page and "database went away" not in page


async def test_transfer_back_is_not_offered_and_is_explained_when_forced(server, signed_in,
                                                                          rules):
    """Regression: the console offered the agency that had just passed the case on, and a
    refused hand-back read like a status problem. Now it is not offered to the lead, and a
    forced POST names the reason and the leadership office."""
    case = await new_case(server, rules)
    tax, tax_csrf = await signed_in("tax")
    async with tax.post(f"/console/cases/{case.case_no}/transfer",
                        data={"csrf": tax_csrf, "agency": "hrss", "reason": "应由人社局牵头"},
                        allow_redirects=False) as resp:
        assert resp.status == 303
    hrss, csrf = await signed_in("hrss")
    async with hrss.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert '<option value="tax">' not in page and '<option value="healthcare">' in page
    async with hrss.post(f"/console/cases/{case.case_no}/transfer",
                         data={"csrf": csrf, "agency": "tax", "reason": "退回"}) as resp:
        assert resp.status == 409
        page = await resp.text()
    assert "不能再转回" in page and "领导小组办公室" in page
    boss, _ = await signed_in("leadership")
    async with boss.get(f"/console/cases/{case.case_no}") as resp:
        assert '<option value="tax">' in await resp.text()


async def test_masked_csv_hides_the_payers_name_typed_into_their_text(server, signed_in,
                                                                       rules):
    """Regression: the masked export showed 姓名 "张*" but 问题描述 "我叫张三…"."""
    await new_case(server, rules, now=T0, description="我叫张三，滞纳金太多",
                   desired_outcome="张三要求减免")
    tax, _ = await signed_in("tax")
    async with tax.get("/console/export.csv?from=2026-11-23&to=2026-11-30") as resp:
        header, *cases = await read_csv(resp)
    by_name = dict(zip(header, cases[0]))
    assert "张三" not in str(cases)
    assert by_name["问题描述"] == "我叫张*，滞纳金太多" and by_name["诉求"] == "张*要求减免"


async def test_case_page_shows_period_and_channel_in_words(server, signed_in, rules):
    """Regression: the page showed the NLU's period code and the channel key ("wechat")."""
    case = await new_case(server, rules, period="2025-01/2025-06")
    tax, _ = await signed_in("tax")
    async with tax.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert "2025年1月至2025年6月" in page and "2025-01/2025-06" not in page
    assert "微信公众号" in page
