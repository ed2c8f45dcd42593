"""The agency liaison's side, eighth round, written blind: a liaison of each agency (税务,
人社, 医保, 法院, 司法局, 信访局) who gets a pushed card in the WeCom group and must act on it
without calling the payer back, and the district office that oversees time limits and
figures. What each card carries, the actions through the API and the console, refused
transitions, two liaisons at once, another agency prying, the CSV and statistics, reminders
and overdue reports, odd and long notes, numbers in notes. Real HTTP app, real outbox, fake
robots and fake WeChat API on 127.0.0.1."""
from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from bot.store.models import utcnow
from routing.deadlines import add_working_days, deadline_text
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_console as console_tests
from tests import test_liaison_api as api
from tests import test_metrics_logging as logging_tests
from tests.test_cases import ID_NUMBER, PHONE, events, new_case
from tests.test_console import figure, read_csv
from tests.test_dialogue import say
from tests.test_followup import file_case
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh5 import cards_for
from tests.test_liaison_fresh7 import active_case, has_chinese, payer_heard, pushed_with, pushes

rules, client, signed_in = base.rules, api.client, console_tests.signed_in
capture = logging_tests.capture

HEALTHCARE = {"Authorization": "Bearer dev-token-healthcare"}
JUSTICE = {"Authorization": "Bearer dev-token-justice"}
PETITIONS = {"Authorization": "Bearer dev-token-petitions"}
AGENCY_HEADERS = {"tax": TAX, "hrss": HRSS, "healthcare": HEALTHCARE, "court": COURT,
                  "justice": JUSTICE, "petitions": PETITIONS}
# Monday 2026-11-23 10:00 in Beijing, and 23:30 UTC that day (Tuesday 07:30 in Beijing).
MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
LATE_MONDAY_UTC = datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc)
SPACED_PHONE = "+86 138 1234 5678"
X_ID = "44018319900101123X"


def beijing_day(iso: str) -> str:
    """The day cards and notices show for a deadline: one at midnight is "…24:00" of the day
    before (a case received on a weekend is due at the end of a working day)."""
    return deadline_text(datetime.fromisoformat(iso))[:10]


def group_posts(fake_webhook, key: str) -> list[str]:
    """Every message body posted to robot ``key``, as JSON text."""
    return [json.dumps(p["body"], ensure_ascii=False) for p in fake_webhook.posts.requests
            if p.get("key") == key]


@pytest.fixture
def console_as(aiohttp_client, server):
    """A console session of any agency (``dev-token-<agency>``), not only those the console
    tests name."""
    async def make(who: str):
        browser = await aiohttp_client(server)
        csrf = await console_tests.csrf_of(browser, "/console/login")
        async with browser.post("/console/login", data={"token": f"dev-token-{who}",
                                                        "csrf": csrf}) as resp:
            assert resp.status == 200, (who, resp.status)
        return browser
    return make


async def posted_to(fake_webhook, key: str, needle: str) -> list[str]:
    """Bodies posted to robot ``key`` naming ``needle``, once one has arrived (or after 5 s)."""
    for _ in range(100):
        found = [t for t in group_posts(fake_webhook, key) if needle in t]
        if found:
            return found
        await asyncio.sleep(0.05)
    return []


async def reaching(fake_webhook, key: str, needle: str, count: int) -> list[str]:
    """Bodies posted to ``key`` naming ``needle`` once ``count`` have arrived (or after 5 s),
    plus half a second for any extra one to show."""
    for _ in range(100):
        if len([t for t in group_posts(fake_webhook, key) if needle in t]) >= count:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    return [t for t in group_posts(fake_webhook, key) if needle in t]


async def run_scheduler(server, now) -> None:
    services = server.app["services"]
    await Scheduler(services.sessionmaker, server.app["config"]).run_once(now)
    server.app["outbox"].notify()


async def kinds(sm, case) -> list[str]:
    return [e.kind for e in await events(sm, case)]


# === 1. each agency's card is enough to act on ================================================


async def test_a_healthcare_led_card_carries_everything_the_liaison_needs(server, rules,
                                                                          client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-hc", category="payment_record",
                          description="医保缴费记录少了2024年的三个月", desired_outcome="补记医保缴费记录")
    _, shown = await client.call("GET", f"/api/cases/{case.case_no}", HEALTHCARE)
    assert shown["lead_agency"] == "healthcare", shown
    await cards_for(fake_webhook, case.case_no)
    [card] = [t for t in group_posts(fake_webhook, "dev-key-zc-healthcare") if case.case_no in t]
    for needed in (shown["category_label"], shown["severity_label"],
                   beijing_day(shown["deadline"]), "补记医保缴费记录", "138****5678",
                   f"/console/cases/{case.case_no}", "区医疗保障局"):
        assert needed in card, (needed, card)
    assert PHONE not in card and ID_NUMBER not in card


@pytest.mark.parametrize(("key", "description", "reasons"), [
    ("dev-key-zc-court", "老板跑路了，厂房都被查封了，社保欠了一年", []),
    ("dev-key-zc-justice", "单位说愿意调解，但一直拖着不补缴社保", []),
    ("dev-key-zc-petitions", "我们已经去信访局反映过两次了，单位还是不交社保", ["petition"]),
], ids=["court", "justice", "petitions"])
async def test_a_co_handling_group_gets_the_card_naming_the_lead_and_its_part(
        server, rules, fake_webhook, key, description, reasons):
    case = await new_case(server, rules, openid=f"o-f8-co-{key[-6:]}",
                          category="employer_arrears", description=description,
                          severity="major" if reasons else "general", severity_reasons=reasons)
    mine = await posted_to(fake_webhook, key, case.case_no)
    assert mine, (key, pushes(fake_webhook))
    assert "区税务局" in mine[0] and "协办" in mine[0] and "书面意见" in mine[0], mine[0]


@pytest.mark.parametrize(("severity", "expected"), [
    ("simple", "2026-11-24"), ("general", "2026-11-30"), ("major", "2026-12-14")])
async def test_the_cards_deadline_follows_the_severitys_working_days(server, rules, client,
                                                                     fake_webhook, severity,
                                                                     expected):
    case = await new_case(server, rules, openid=f"o-f8-dl-{severity}", now=MONDAY,
                          severity=severity,
                          severity_reasons=["headcount"] if severity == "major" else [])
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    _, shown = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert beijing_day(shown["deadline"]) == expected, shown["deadline"]
    assert f"办理时限：{expected}" in card, card


async def test_a_case_registered_after_midnight_in_beijing_shows_the_beijing_deadline(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-night", now=LATE_MONDAY_UTC)
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "办理时限：2026-12-01" in card and "登记时间：2026-11-24" in card, card


async def test_a_spaced_international_phone_and_an_x_id_are_masked_on_the_card(
        server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-mask",
                          description=f"打我电话{SPACED_PHONE}，身份证{X_ID}，公司不交社保")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "1234 5678" not in card and "19900101" not in card, card
    assert "公司不交社保" in card


async def test_a_phone_in_the_desired_outcome_is_masked_on_the_card(server, rules,
                                                                     fake_webhook):
    case = await new_case(server, rules, openid="o-f8-want",
                          desired_outcome="补缴社保，有结果打13912345678告诉我")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert "13912345678" not in card and "补缴社保" in card, card


async def test_a_major_card_reaches_the_office_group_with_all_mentioned(server, rules,
                                                                         fake_webhook):
    case = await new_case(server, rules, openid="o-f8-all", severity="major",
                          severity_reasons=["headcount"], headcount=45)
    assert await posted_to(fake_webhook, "dev-key-leadership", case.case_no), pushes(fake_webhook)
    assert await posted_to(fake_webhook, "dev-key-leadership", "@all"), \
        group_posts(fake_webhook, "dev-key-leadership")


# === 2. acting on a case: accept, transfer, escalate, note, close ============================


async def test_accepting_twice_is_refused_and_the_payer_hears_once(server, rules, client, sm,
                                                                    fake_api):
    case = await active_case(server, rules, sm, "o-f8-acc2")
    url = f"/api/cases/{case.case_no}/accept"
    assert (await client.call("POST", url, TAX, json={"acceptor": "王芳"}))[0] == 200
    status, answer = await client.call("POST", url, TAX, json={"acceptor": "王芳"})
    assert status == 409 and has_chinese(answer["message"]), answer
    assert (await kinds(sm, case)).count("accepted") == 1
    await asyncio.sleep(0.8)
    heard = [t for t in await payer_heard(fake_api, "o-f8-acc2", "受理") if "受理" in t]
    assert len(heard) == 1, heard


@pytest.mark.parametrize("target", ["tax", "区税务局", " TAX "])
async def test_transferring_to_ones_own_agency_is_refused_in_words(server, rules, client, sm,
                                                                    target):
    case = await new_case(server, rules, openid=f"o-f8-self-{target.strip()}")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": target, "reason": "转给自己试试"})
    assert status in (400, 409) and has_chinese(answer["message"]), (status, answer)
    assert "transferred" not in await kinds(sm, case)


async def test_after_a_transfer_the_old_lead_tracks_notes_and_hears_the_result(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-track")
    url = f"/api/cases/{case.case_no}"
    assert (await client.call("POST", f"{url}/transfer", TAX,
                              json={"agency": "hrss", "reason": "实为劳动关系认定"}))[0] == 200
    status, view = await client.call("GET", url, TAX)
    assert status == 200 and [a["action"] for a in view["actions"]] == ["note"], view["actions"]
    status, _ = await client.call("POST", f"{url}/request-info", TAX, json={"text": "补材料"})
    assert status in (403, 409), status
    assert (await client.call("POST", f"{url}/note", TAX, json={"text": "单位去年也有类似欠费"}))[0] \
        == 200
    assert await posted_to(fake_webhook, "dev-key-zc-hrss", "单位去年也有类似欠费"), \
        pushes(fake_webhook)[-2:]
    await client.call("POST", f"{url}/accept", HRSS, json={})
    assert (await client.call("POST", f"{url}/resolve", HRSS,
                              json={"result": "已认定劳动关系并通知单位补缴"}))[0] == 200
    assert await posted_to(fake_webhook, "dev-key-zc-tax", "已认定劳动关系"), \
        group_posts(fake_webhook, "dev-key-zc-tax")


async def test_a_transfer_reason_naming_the_payers_phone_is_masked_for_the_new_lead(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-trmask")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "healthcare", "reason": f"缴费人({SPACED_PHONE})说是医保断缴"})
    found = await pushed_with(fake_webhook, "医保断缴")
    assert found and all("1234 5678" not in t and "12345678" not in t for t in found), found


async def test_a_colloquial_healthcare_name_is_understood_or_refused_with_the_choices(
        server, rules, client):
    case = await new_case(server, rules, openid="o-f8-yibao")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": "医保局", "reason": "生育津贴问题"})
    if status == 200:
        assert answer["lead_agency"] == "healthcare", answer
    else:
        assert status == 400 and "区医疗保障局" in answer["message"], answer


async def test_escalation_by_healthcare_makes_it_major_with_the_major_time_limit(
        server, rules, client, sm, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-esc", category="payment_record",
                          description="医保断缴了半年，单位不认账")
    url = f"/api/cases/{case.case_no}"
    _, before = await client.call("GET", url, HEALTHCARE)
    status, _ = await client.call("POST", f"{url}/escalate", HEALTHCARE,
                                  json={"reason": "涉及全厂48名职工医保断缴"})
    assert status == 200
    _, after = await client.call("GET", url, HEALTHCARE)
    assert after["severity"] == "major" and after["severity_label"] != before["severity_label"]
    created = datetime.fromisoformat(after["created_at"])
    assert datetime.fromisoformat(after["deadline"]) >= add_working_days(created, 15), after
    assert await posted_to(fake_webhook, "dev-key-leadership", "48名职工"), pushes(fake_webhook)


async def test_a_co_handler_cannot_close_or_accept_but_can_give_its_opinion(server, rules,
                                                                            client, sm):
    case = await new_case(server, rules, openid="o-f8-cores", category="employer_arrears",
                          description="老板跑路了，欠了八个月社保")
    url = f"/api/cases/{case.case_no}"
    for action, body in (("resolve", {"result": "法院已立案"}), ("accept", {})):
        status, answer = await client.call("POST", f"{url}/{action}", COURT, json=body)
        assert status == 403 and has_chinese(answer["message"]), (action, status, answer)
    assert (await client.call("POST", f"{url}/note", COURT,
                              json={"text": "书面意见：可申请强制执行"}))[0] == 200
    assert "resolved" not in await kinds(sm, case) and "accepted" not in await kinds(sm, case)


async def test_resolving_twice_is_refused_and_the_payer_hears_one_result(server, rules, client,
                                                                          sm, fake_api):
    case = await active_case(server, rules, sm, "o-f8-res2")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/accept", TAX, json={})
    assert (await client.call("POST", f"{url}/resolve", TAX,
                              json={"result": "滞纳金已按规定核减"}))[0] == 200
    status, answer = await client.call("POST", f"{url}/resolve", TAX,
                                       json={"result": "滞纳金已全部免除"})
    assert status == 409 and has_chinese(answer["message"]), answer
    await asyncio.sleep(0.8)
    heard = await payer_heard(fake_api, "o-f8-res2", "核减")
    assert not any("全部免除" in t for t in heard), heard
    assert (await kinds(sm, case)).count("resolved") == 1


async def test_accepting_a_resolved_case_is_refused(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f8-accres")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/resolve", TAX, json={"result": "当场办结"})
    status, answer = await client.call("POST", f"{url}/accept", TAX, json={})
    assert status == 409 and has_chinese(answer["message"]), answer
    assert "accepted" not in await kinds(sm, case)


@pytest.mark.parametrize(("action", "hint"), [("close", ("resolve", "办结")),
                                              ("archive", ("归档",)),
                                              ("feedback", ("resolve", "note", "办结", "备注"))])
async def test_a_liaison_guessing_an_action_name_is_told_what_to_use(server, rules, client,
                                                                      sm, action, hint):
    case = await new_case(server, rules, openid=f"o-f8-guess-{action}")
    before = await kinds(sm, case)
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/{action}", TAX,
                                       json={"result": "已办结"})
    assert status in (404, 405) and has_chinese(answer["message"]), (status, answer)
    assert any(h in answer["message"] for h in hint), answer
    assert await kinds(sm, case) == before


async def rated(platform, client, openid: str, words: str) -> tuple[str, dict]:
    """A case the payer filed, its lead resolved and the payer then rated with ``words``."""
    case_no = await file_case(platform, openid)
    url = f"/api/cases/{case_no}"
    _, view = await client.call("GET", url, LEADERSHIP)
    lead = {"tax": TAX, "hrss": HRSS, "healthcare": HEALTHCARE}[view["lead_agency"]]
    await client.call("POST", f"{url}/accept", lead, json={})
    await client.call("POST", f"{url}/resolve", lead, json={"result": "已责令单位限期补缴"})
    await say(platform, openid, words)
    return case_no, (await client.call("GET", url, lead))[1]


async def test_the_payers_rating_and_not_solved_are_on_the_case(platform, server, client):
    _, view = await rated(platform, client, "o-f8-rate", "两分吧，单位还是没交")
    assert view["rating"] == 2 and view["solved"] is False, view
    assert view["events"][-1]["kind"] == "feedback", view["events"][-1]


async def test_a_not_solved_rating_is_pushed_to_the_lead_group(platform, server, client,
                                                               fake_webhook):
    case_no, _ = await rated(platform, client, "o-f8-rate2", "两分吧，单位还是没交")
    found = await pushed_with(fake_webhook, "还是没交")
    assert any(case_no in t for t in found), pushes(fake_webhook)[-3:]


@pytest.mark.parametrize("words,score", [("三分吧 只补了两年 前面两年没补", 3),
                                         ("给2分 剩下的几个月到现在也没退给我", 2)])
async def test_a_score_with_a_story_after_it_is_a_rating_not_a_new_filing(
        platform, server, client, fake_webhook, words, score):
    """Found by the lead engineer: a long rating reply with a complaint in it (read as
    file_dispute) started a new form and the rating was lost."""
    case_no, view = await rated(platform, client, f"o-f8-led{score}", words)
    assert view["rating"] == score and view["solved"] is False, view
    assert any(case_no in t for t in await pushed_with(fake_webhook, words[:6])), \
        pushes(fake_webhook)[-3:]


@pytest.mark.parametrize("why", ["就是前面两年的没补", "单位只补了一部分 还差五个月"])
async def test_what_is_still_wrong_after_reopening_joins_the_case(platform, server, client, why):
    """Found by the lead engineer: after 重新办理 the payer's next words (what is still
    wrong) were offered as a new filing; they join the reopened case."""
    openid = f"o-f8-reopen-{len(why)}"
    case_no, _ = await rated(platform, client, openid, "1分 没解决")
    assert case_no in await say(platform, openid, "重新办理")
    reply = await say(platform, openid, why)
    assert case_no in reply and "补充到事项" in reply and "新事项" not in reply, reply
    _, view = await client.call("GET", f"/api/cases/{case_no}", LEADERSHIP)
    assert any(why in str((e.get("detail") or {}).get("text") or "") for e in view["events"]), \
        view["events"][-3:]


# === 3. the console ===========================================================================


async def test_console_accept_twice_keeps_one_acceptance(server, rules, signed_in, sm):
    case = await new_case(server, rules, openid="o-f8-cacc")
    browser, csrf = await signed_in("tax")
    texts = []
    for _ in range(2):
        async with browser.post(f"/console/cases/{case.case_no}/accept",
                                data={"csrf": csrf, "acceptor": "赵六"}) as resp:
            texts.append(await resp.text())
            assert resp.status in (200, 409), resp.status
    assert (await kinds(sm, case)).count("accepted") == 1
    assert "已受理" in texts[1] or "已经受理" in texts[1], texts[1][-500:]


async def test_console_transfer_to_own_agency_is_refused_in_words(server, rules, signed_in, sm):
    case = await new_case(server, rules, openid="o-f8-cself")
    browser, csrf = await signed_in("tax")
    async with browser.post(f"/console/cases/{case.case_no}/transfer",
                            data={"csrf": csrf, "agency": "tax", "reason": "试试"}) as resp:
        text = await resp.text()
        assert resp.status in (200, 400, 409), resp.status
    assert "transferred" not in await kinds(sm, case)
    assert "本单位" in text or "自己" in text or "已是牵头" in text, text[-800:]


async def test_console_closing_an_archived_case_changes_nothing(server, rules, client,
                                                                signed_in, sm):
    case = await new_case(server, rules, openid="o-f8-carch")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/accept", TAX, json={})
    await client.call("POST", f"{url}/resolve", TAX, json={"result": "已补缴"})
    await run_scheduler(server, utcnow() + timedelta(days=30))
    assert "archived" in await kinds(sm, case)
    before = await kinds(sm, case)
    browser, csrf = await signed_in("tax")
    for action, form in (("resolve", {"result": "再次办结"}), ("transfer",
                                                             {"agency": "hrss", "reason": "x"})):
        async with browser.post(f"/console/cases/{case.case_no}/{action}",
                                data={"csrf": csrf, **form}) as resp:
            text = await resp.text()
        assert "归档" in text, text[-500:]
    assert await kinds(sm, case) == before
    status, answer = await client.call("POST", f"{url}/resolve", TAX, json={"result": "再办"})
    assert status == 409 and answer["code"] == "archived", answer


async def test_console_note_with_emoji_and_markup_is_shown_escaped(server, rules, signed_in):
    case = await new_case(server, rules, openid="o-f8-cemoji")
    browser, csrf = await signed_in("tax")
    note = "已联系单位👍 <img src=x onerror=alert(1)> 𠮷"
    async with browser.post(f"/console/cases/{case.case_no}/note",
                            data={"csrf": csrf, "text": note}) as resp:
        assert resp.status == 200
    async with browser.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
    assert "已联系单位👍" in page and "𠮷" in page, page[-800:]
    assert "<img src=x" not in page


# === 4. two liaisons at once ==================================================================


async def test_two_resolutions_at_once_close_the_case_once(server, rules, client, sm, fake_api):
    case = await active_case(server, rules, sm, "o-f8-race")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/accept", TAX, json={})
    first, second = await asyncio.gather(
        client.call("POST", f"{url}/resolve", TAX, json={"result": "甲：已补缴"}),
        client.call("POST", f"{url}/resolve", TAX, json={"result": "乙：已退费"}))
    assert sorted([first[0], second[0]]) == [200, 409], (first, second)
    assert (await kinds(sm, case)).count("resolved") == 1
    await payer_heard(fake_api, "o-f8-race", "已办结")  # waits for the resolution notice
    await asyncio.sleep(0.3)  # a second one would be sent right after it
    heard = await payer_heard(fake_api, "o-f8-race", "已办结")
    assert sum(("甲：已补缴" in t) + ("乙：已退费" in t) for t in heard) == 1, heard


async def test_a_transfer_and_a_resolution_at_once_do_not_both_happen(server, rules, client,
                                                                      sm):
    case = await new_case(server, rules, openid="o-f8-race2")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/accept", TAX, json={})
    moved, closed = await asyncio.gather(
        client.call("POST", f"{url}/transfer", TAX, json={"agency": "hrss", "reason": "属人社"}),
        client.call("POST", f"{url}/resolve", TAX, json={"result": "已处理"}))
    assert sorted([moved[0], closed[0]]) in ([200, 403], [200, 409]), (moved, closed)
    done = await kinds(sm, case)
    assert not ("transferred" in done and "resolved" in done), done


async def test_two_accepts_at_once_record_one(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f8-race3")
    url = f"/api/cases/{case.case_no}/accept"
    answers = await asyncio.gather(*(client.call("POST", url, TAX, json={"acceptor": who})
                                     for who in ("甲", "乙", "丙")))
    assert sorted(a[0] for a in answers) == [200, 409, 409], answers
    assert (await kinds(sm, case)).count("accepted") == 1


# === 5. another agency prying =================================================================


@pytest.mark.parametrize("q", [PHONE, "5678", "张三", "某某制衣厂", "新塘镇", "滞纳金"])
@pytest.mark.parametrize("who", ["court", "justice", "petitions", "healthcare"])
async def test_a_foreign_agencys_search_finds_nothing(server, rules, client, q, who):
    await new_case(server, rules, openid=f"o-f8-s-{who}-{len(q)}")  # late fee: tax alone
    status, answer = await client.call("GET", "/api/cases", AGENCY_HEADERS[who], params={"q": q})
    assert status == 200 and answer["cases"] == [] and answer["total"] == 0, (who, q, answer)


async def test_a_foreign_agency_filtering_by_the_lead_sees_no_count(server, rules, client):
    await new_case(server, rules, openid="o-f8-lead")
    _, answer = await client.call("GET", "/api/cases?agency=tax", JUSTICE)
    assert answer["total"] == 0 and answer["cases"] == [], answer


async def test_a_foreign_contact_reveal_is_a_plain_404_and_not_logged(server, rules, client,
                                                                       sm):
    case = await new_case(server, rules, openid="o-f8-reveal")
    got = await client.call("GET", f"/api/cases/{case.case_no}?contact=1", PETITIONS)
    none = await client.call("GET", "/api/cases/ZY20200101-0042?contact=1", PETITIONS)
    assert got[0] == none[0] == 404, (got, none)
    assert PHONE not in json.dumps(got[1]) and "张" not in json.dumps(got[1], ensure_ascii=False)
    assert "contact_viewed" not in await kinds(sm, case)


async def test_a_lower_case_number_of_a_foreign_case_is_like_a_missing_one(server, rules,
                                                                           client):
    case = await new_case(server, rules, openid="o-f8-lower")
    got = await client.call("GET", f"/api/cases/{case.case_no.lower()}", COURT)
    none = await client.call("GET", "/api/cases/zy20200101-0042", COURT)
    assert got[0] == none[0] == 404
    assert json.dumps(got[1]).replace(case.case_no.lower(), "N").replace(case.case_no, "N") == \
        json.dumps(none[1]).replace("zy20200101-0042", "N").replace("ZY20200101-0042", "N")


async def test_a_foreign_console_contact_reveal_changes_nothing(server, rules, signed_in, sm):
    case = await new_case(server, rules, openid="o-f8-crev")
    browser, csrf = await signed_in("court")
    async with browser.post(f"/console/cases/{case.case_no}/contact",
                            data={"csrf": csrf}) as resp:
        text = await resp.text()
        assert resp.status in (403, 404), resp.status
    assert PHONE not in text and "张三" not in text
    assert "contact_viewed" not in await kinds(sm, case)


async def test_a_foreign_full_export_is_refused_and_a_masked_one_omits_the_case(
        server, rules, signed_in):
    case = await new_case(server, rules, openid="o-f8-fexp")
    browser, _ = await signed_in("court")
    async with browser.get("/console/export.csv?full=1") as resp:
        assert resp.status == 403
        assert PHONE not in await resp.text()
    async with browser.get("/console/export.csv?from=2026-01-01") as resp:
        body = await resp.text()
    assert case.case_no not in body and "某某制衣厂" not in body


# === 6. CSV and statistics ====================================================================


async def test_the_csv_masks_spaced_phones_and_x_ids_in_text_and_notes(server, rules, client,
                                                                        signed_in):
    case = await new_case(server, rules, openid="o-f8-csv",
                          description=f"电话{SPACED_PHONE} 身份证{X_ID}，单位欠费",
                          employer='宏达"电子",有限公司🏭')
    await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                      json={"text": f"已回电{PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}"})
    browser, _ = await signed_in("tax")
    async with browser.get("/console/export.csv?from=2026-01-01") as resp:
        _header, *rows = await read_csv(resp)
    [row] = [r for r in rows if r[0] == case.case_no]
    flat = json.dumps(row, ensure_ascii=False)
    assert "1234 5678" not in flat and "19900101" not in flat and PHONE[3:7] + "-" not in flat
    assert '宏达"电子",有限公司🏭' in row, row


async def test_each_agencys_statistics_count_the_cases_it_can_list(server, rules, client,
                                                                    console_as):
    await new_case(server, rules, openid="o-f8-st1")
    await new_case(server, rules, openid="o-f8-st2", category="employer_arrears",
                   description="老板跑路，想调解")
    await new_case(server, rules, openid="o-f8-st3", category="payment_record",
                   description="医保记录少了", severity="major", severity_reasons=["petition"])
    for who in ("tax", "hrss", "healthcare", "court", "justice", "petitions", "leadership"):
        _, listed = await client.call("GET", "/api/cases", AGENCY_HEADERS.get(who, LEADERSHIP))
        browser = await console_as(who)
        async with browser.get("/console/stats") as resp:
            page = await resp.text()
        assert figure(page, "total") == str(listed["total"]), (who, listed["total"])


async def test_the_offices_overdue_rate_matches_the_overdue_list(server, rules, client,
                                                                  signed_in):
    old = utcnow() - timedelta(days=30)
    for i in range(2):
        await new_case(server, rules, openid=f"o-f8-od{i}", now=old)
        await new_case(server, rules, openid=f"o-f8-ok{i}")
    _, late = await client.call("GET", "/api/cases?overdue=1", LEADERSHIP)
    _, every = await client.call("GET", "/api/cases", LEADERSHIP)
    assert late["total"] == 2 and every["total"] == 4
    browser, _ = await signed_in("leadership")
    async with browser.get("/console/stats") as resp:
        page = await resp.text()
    assert figure(page, "overdue-rate") == "50.0%", figure(page, "overdue-rate")


async def test_the_office_lists_overdue_cases_of_one_lead_earliest_first(server, rules,
                                                                          client):
    base_time = utcnow() - timedelta(days=40)
    made = [await new_case(server, rules, openid=f"o-f8-ol{i}", now=base_time + timedelta(
        days=i), category="contribution_base", description="缴费基数按最低算") for i in range(3)]
    await new_case(server, rules, openid="o-f8-ol-tax", now=base_time)
    _, answer = await client.call("GET", "/api/cases?overdue=1&agency=hrss&sort=deadline",
                                  LEADERSHIP)
    assert [c["case_no"] for c in answer["cases"]] == [c.case_no for c in made], answer


# === 7. reminders and overdue reports =========================================================


async def test_the_co_handlers_group_is_reminded_of_its_opinion_the_day_before(
        server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-rem", category="contribution_base",
                          description="单位按最低基数给我交医保和养老")
    before = len(await reaching(fake_webhook, "dev-key-zc-healthcare", case.case_no, 1))
    await run_scheduler(server, case.deadline - timedelta(hours=10))
    mine = await reaching(fake_webhook, "dev-key-zc-healthcare", case.case_no, before + 1)
    assert len(mine) == before + 1, mine
    assert "书面意见" in mine[-1], mine[-1]


async def test_after_a_transfer_the_new_lead_is_reminded(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-remtr")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "healthcare", "reason": "属医保"})
    _, view = await client.call("GET", f"/api/cases/{case.case_no}", HEALTHCARE)
    deadline = datetime.fromisoformat(view["deadline"])
    before = len(await reaching(fake_webhook, "dev-key-zc-healthcare", case.case_no, 1))
    await run_scheduler(server, deadline - timedelta(hours=10))
    after = await reaching(fake_webhook, "dev-key-zc-healthcare", case.case_no, before + 1)
    assert len(after) == before + 1, after


async def test_overdue_is_reported_to_the_office_and_the_payer_once(server, rules, sm,
                                                                     fake_webhook, fake_api):
    case = await active_case(server, rules, sm, "o-f8-over")
    for hours in (1, 5):
        await run_scheduler(server, case.deadline + timedelta(hours=hours))
    office = await reaching(fake_webhook, "dev-key-leadership", case.case_no, 1)
    assert len(office) == 1, office
    heard = [t for t in await payer_heard(fake_api, "o-f8-over", "督办") if "督办" in t]
    assert len(heard) == 1, heard


async def test_a_resolved_case_is_never_reported_overdue(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-noover")
    await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX, json={"result": "已办"})
    await run_scheduler(server, case.deadline + timedelta(hours=2))
    await asyncio.sleep(1.0)
    assert not [t for t in group_posts(fake_webhook, "dev-key-leadership")
                if case.case_no in t]


async def test_the_overdue_report_masks_numbers_in_the_description(server, rules,
                                                                    fake_webhook):
    case = await new_case(server, rules, openid="o-f8-overmask",
                          description=f"电话{SPACED_PHONE}，身份证{X_ID}")
    await run_scheduler(server, case.deadline + timedelta(hours=1))
    await asyncio.sleep(1.0)
    for text in (t for t in pushes(fake_webhook) if case.case_no in t):
        assert "1234 5678" not in text and "19900101" not in text, text


# === 8. odd and long notes, numbers in notes ==================================================


async def test_emoji_and_rare_characters_in_a_note_round_trip(server, rules, client):
    case = await new_case(server, rules, openid="o-f8-uni")
    note = "👨‍👩‍👧 家属来电 𠮷𡈽 ✅ 已核实 ﹏ ①②③"
    assert (await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                              json={"text": note}))[0] == 200
    _, view = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert note in [e["detail"].get("text") for e in view["events"]], view["events"][-1]


async def test_a_note_of_two_thousand_emoji_is_kept_and_its_push_fits_the_robot(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-long", category="employer_arrears",
                          description="单位欠缴")
    note = "开始" + "😀" * 1996 + "结束"
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS,
                                       json={"text": note})
    assert status == 200, answer
    found = await pushed_with(fake_webhook, "开始😀")
    assert found, pushes(fake_webhook)[-2:]
    for post in fake_webhook.posts.requests:
        body = post["body"]
        content = (body.get("markdown") or body.get("text") or {}).get("content", "")
        assert len(content.encode("utf-8")) <= 4096, len(content.encode("utf-8"))


async def test_a_note_one_over_the_limit_is_refused_in_words(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f8-over2k")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                       json={"text": "备" * 2001})
    assert status == 400 and has_chinese(answer["message"]), answer
    assert "note" not in await kinds(sm, case)


@pytest.mark.parametrize("text", ["\u200b\u200b", "\u3000\u3000", "\n\t ", "\ufeff"])
async def test_a_blank_looking_note_is_refused(server, rules, client, sm, text):
    case = await new_case(server, rules, openid=f"o-f8-blank-{ord(text[0])}")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                                       json={"text": text})
    assert status == 400 and has_chinese(answer["message"]), (status, answer)
    assert "note" not in await kinds(sm, case)


async def test_a_co_handlers_note_with_numbers_is_masked_for_the_lead(server, rules, client,
                                                                      fake_webhook):
    case = await new_case(server, rules, openid="o-f8-conote", category="employer_arrears",
                          description="单位欠缴")
    await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS, json={
        "text": f"书面意见：缴费人手机{SPACED_PHONE}，身份证{X_ID.lower()}，建议由税务追缴"})
    found = await pushed_with(fake_webhook, "建议由税务追缴")
    assert found, pushes(fake_webhook)[-2:]
    for text in found:
        assert "1234 5678" not in text and "19900101" not in text, text


async def test_numbers_in_notes_and_console_actions_stay_out_of_the_logs(server, rules,
                                                                          client, signed_in,
                                                                          capture):
    read, _ = capture
    case = await new_case(server, rules, openid="o-f8-log")
    await client.call("POST", f"/api/cases/{case.case_no}/note", TAX,
                      json={"text": f"回电{SPACED_PHONE}未接"})
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "tax", "reason": f"身份证{X_ID}"})
    browser, csrf = await signed_in("tax")
    async with browser.post(f"/console/cases/{case.case_no}/note",
                            data={"csrf": csrf, "text": f"身份证{X_ID}核对无误"}):
        pass
    await asyncio.sleep(0.8)
    for line in read():
        text = json.dumps(line, ensure_ascii=False)
        assert "1234 5678" not in text and "19900101" not in text, text


async def test_a_request_for_info_of_exactly_500_characters_goes_through_501_does_not(
        server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f8-ri500")
    url = f"/api/cases/{case.case_no}/request-info"
    assert (await client.call("POST", url, TAX, json={"text": "补" * 501}))[0] == 400
    status, answer = await client.call("POST", url, TAX, json={"text": "请" + "补" * 499})
    assert status == 200, answer
    assert (await kinds(sm, case)).count("info_requested") == 1


async def test_the_justice_bureau_sees_only_cases_it_co_handles(server, rules, client):
    mine = await new_case(server, rules, openid="o-f8-j1", category="employer_arrears",
                          description="单位同意调解但没下文")
    await new_case(server, rules, openid="o-f8-j2")
    _, listed = await client.call("GET", "/api/cases", JUSTICE)
    assert [c["case_no"] for c in listed["cases"]] == [mine.case_no], listed
    _, view = await client.call("GET", f"/api/cases/{mine.case_no}", JUSTICE)
    assert [a["action"] for a in view["actions"]] == ["note"], view["actions"]
    assert re.search(r"书面意见|协办", view["next_step"]), view["next_step"]


# === 9. second batch: refunds, call-backs, trackers, the terminal ===========================

BANK_CARD = "6222021234567890123"


async def test_a_bank_card_number_in_a_refund_story_is_not_on_the_card(server, rules,
                                                                       fake_webhook):
    case = await new_case(server, rules, openid="o-f8-bank", category="refund",
                          description=f"多交了社保，请退到我的工商银行卡{BANK_CARD}",
                          desired_outcome=f"退回卡号 {BANK_CARD[:4]} {BANK_CARD[4:8]} "
                                          f"{BANK_CARD[8:12]} {BANK_CARD[12:16]} {BANK_CARD[16:]}")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert BANK_CARD not in card and "1234 5678" not in card, card
    assert "多交了社保" in card


async def test_a_liaisons_note_naming_the_payers_wechat_and_email_is_masked(server, rules,
                                                                           client,
                                                                           fake_webhook):
    case = await new_case(server, rules, openid="o-f8-wx", category="employer_arrears",
                          description="单位欠缴")
    await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS, json={
        "text": "缴费人微信号 zhangsan_1990，邮箱 zhangsan1990@163.com，已加好友沟通"})
    found = await pushed_with(fake_webhook, "已加好友沟通")
    assert found, pushes(fake_webhook)[-2:]
    for text in found:
        assert "zhangsan_1990" not in text and "zhangsan1990@163.com" not in text, text


async def test_a_call_back_case_card_says_the_payer_asked_for_a_call(server, rules,
                                                                      fake_webhook):
    case = await new_case(server, rules, openid="o-f8-cb", needs_callback=True,
                          description="转人工：想找工作人员说一下社保的事")
    [card, *_] = await cards_for(fake_webhook, case.case_no)
    assert re.search(r"回电|回拨|致电|来电", card), card


async def test_the_new_lead_must_accept_after_a_transfer(server, rules, client):
    case = await new_case(server, rules, openid="o-f8-reacc")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/accept", TAX, json={"acceptor": "李明"})
    await client.call("POST", f"{url}/transfer", TAX, json={"agency": "hrss", "reason": "属人社"})
    _, view = await client.call("GET", url, HRSS)
    assert view["lead_agency"] == "hrss" and "accept" in [a["action"] for a in view["actions"]]
    assert "受理" in view["next_step"], view["next_step"]
    assert (await client.call("POST", f"{url}/accept", HRSS, json={"acceptor": "周敏"}))[0] == 200


async def test_a_tracker_and_the_new_lead_both_export_the_transferred_case(server, rules,
                                                                          client, signed_in):
    case = await new_case(server, rules, openid="o-f8-trexp")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "healthcare", "reason": "属医保"})
    for who in ("tax", "leadership"):
        browser, _ = await signed_in(who)
        async with browser.get("/console/export.csv?from=2026-01-01") as resp:
            _header, *rows = await read_csv(resp)
        [row] = [r for r in rows if r[0] == case.case_no]
        assert PHONE not in json.dumps(row) and "区医疗保障局" in row, (who, row)


async def test_statistics_still_match_the_list_after_a_transfer(server, rules, client,
                                                                 signed_in):
    case = await new_case(server, rules, openid="o-f8-trst")
    await new_case(server, rules, openid="o-f8-trst2")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "hrss", "reason": "属人社"})
    for who, headers in (("tax", TAX), ("hrss", HRSS)):
        _, listed = await client.call("GET", "/api/cases", headers)
        browser, _ = await signed_in(who)
        async with browser.get("/console/stats") as resp:
            page = await resp.text()
        assert figure(page, "total") == str(listed["total"]), (who, listed["total"])


async def test_a_simple_case_past_its_one_day_limit_is_reported_to_the_office(
        server, rules, fake_webhook):
    """简易事项当场办结: its card already shows the one-day limit (no separate due-soon
    reminder, by design); once the day has passed the office is told."""
    case = await new_case(server, rules, openid="o-f8-simple", severity="simple")
    await cards_for(fake_webhook, case.case_no)
    await run_scheduler(server, case.deadline + timedelta(hours=1))
    office = await posted_to(fake_webhook, "dev-key-leadership", case.case_no)
    assert office and "简易" in office[-1], office


async def test_escalating_a_simple_case_gives_the_major_limit_and_tells_co_handlers(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-escs", severity="simple",
                          category="contribution_base", description="缴费基数按最低档，医保也是")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/escalate", HRSS, json={"reason": "全公司基数都按最低档"})
    _, view = await client.call("GET", url, HRSS)
    assert view["severity"] == "major"
    assert datetime.fromisoformat(view["deadline"]) >= add_working_days(
        datetime.fromisoformat(view["created_at"]), 15), view["deadline"]
    told = await posted_to(fake_webhook, "dev-key-zc-healthcare", "全公司基数都按最低档")
    assert told and beijing_day(view["deadline"]) in told[-1], told


async def test_the_terminal_refuses_a_transfer_to_ones_own_agency(server, rules, config,
                                                                  capsys):
    case = await new_case(server, rules, openid="o-f8-cli")
    status = await base_cli_run(config, "case", "transfer", case.case_no, "--agency", "区税务局",
                                "--to", "tax", "--reason", "试试")
    out = capsys.readouterr()
    assert status != 0 and has_chinese(out.err), (status, out)
    assert "transferred" not in [e.kind for e in await events(
        server.app["services"].sessionmaker, case)]


async def base_cli_run(config, *argv):
    from tests.test_cases_cli import run

    try:
        return await run(config, *argv)
    except SystemExit as exc:
        return exc.code


async def test_the_terminal_list_for_the_petitions_office_shows_only_its_cases(
        server, rules, config, capsys):
    mine = await new_case(server, rules, openid="o-f8-clip", severity="major",
                          severity_reasons=["petition"])
    other = await new_case(server, rules, openid="o-f8-clio")
    assert await base_cli_run(config, "case", "list", "--agency", "区信访局") == 0
    out = capsys.readouterr().out
    assert mine.case_no in out and other.case_no not in out, out


async def test_a_court_liaisons_console_overdue_list_holds_only_its_cases(server, rules,
                                                                         signed_in):
    old = utcnow() - timedelta(days=30)
    mine = await new_case(server, rules, openid="o-f8-cov1", now=old, category="employer_arrears",
                          description="老板跑路，法院已查封")
    other = await new_case(server, rules, openid="o-f8-cov2", now=old)
    browser, _ = await signed_in("court")
    async with browser.get("/console/cases?overdue=1") as resp:
        page = await resp.text()
    assert mine.case_no in page and other.case_no not in page


async def test_an_office_note_reaches_the_lead_group(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-onote")
    assert (await client.call("POST", f"/api/cases/{case.case_no}/note", LEADERSHIP,
                              json={"text": "请于周五前报送办理情况"}))[0] == 200
    assert await posted_to(fake_webhook, "dev-key-zc-tax", "请于周五前报送办理情况"), \
        pushes(fake_webhook)[-2:]


async def test_the_console_page_of_a_co_handler_offers_no_close_form(server, rules,
                                                                     console_as):
    case = await new_case(server, rules, openid="o-f8-cform", category="employer_arrears",
                          description="单位同意调解但一直拖")
    browser = await console_as("justice")
    async with browser.get(f"/console/cases/{case.case_no}") as resp:
        page = await resp.text()
        assert resp.status == 200
    assert f"/console/cases/{case.case_no}/resolve" not in page
    assert f"/console/cases/{case.case_no}/note" in page and "书面意见" in page


# === 10. third batch: races between agencies, dates at midnight, formulas ===================


async def test_a_lead_and_the_office_transferring_at_once_leave_a_consistent_lead(
        server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f8-race4")
    url = f"/api/cases/{case.case_no}/transfer"
    answers = await asyncio.gather(
        client.call("POST", url, TAX, json={"agency": "hrss", "reason": "属人社"}),
        client.call("POST", url, LEADERSHIP, json={"agency": "healthcare", "reason": "属医保"}))
    assert any(a[0] == 200 for a in answers), answers
    moves = [e for e in await events(sm, case) if e.kind == "transferred"]
    _, view = await client.call("GET", f"/api/cases/{case.case_no}", LEADERSHIP)
    assert moves and view["lead_agency"] == (moves[-1].detail or {}).get("to"), \
        (view["lead_agency"], [m.detail for m in moves])


async def test_the_same_request_for_material_twice_at_once_reaches_the_payer_once(
        server, rules, client, sm, fake_api):
    case = await active_case(server, rules, sm, "o-f8-race5")
    url = f"/api/cases/{case.case_no}/request-info"
    await asyncio.gather(*(client.call("POST", url, TAX, json={"text": "请补充社保缴费清单"})
                           for _ in range(2)))
    await asyncio.sleep(1.0)
    heard = [t for t in await payer_heard(fake_api, "o-f8-race5", "缴费清单") if "缴费清单" in t]
    assert len(heard) == 1, heard


async def test_a_case_passed_on_twice_cannot_return_to_either_and_both_hear_the_result(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-chain")
    url = f"/api/cases/{case.case_no}"
    assert (await client.call("POST", f"{url}/transfer", TAX,
                              json={"agency": "hrss", "reason": "属人社"}))[0] == 200
    assert (await client.call("POST", f"{url}/transfer", HRSS,
                              json={"agency": "healthcare", "reason": "实为医保断缴"}))[0] == 200
    for back in ("tax", "hrss"):
        status, answer = await client.call("POST", f"{url}/transfer", HEALTHCARE,
                                           json={"agency": back, "reason": "退回"})
        assert status == 409 and answer["code"] == "transfer_back", answer
    await client.call("POST", f"{url}/resolve", HEALTHCARE, json={"result": "已补记医保缴费"})
    for key in ("dev-key-zc-tax", "dev-key-zc-hrss"):
        assert await posted_to(fake_webhook, key, "已补记医保缴费"), key


@pytest.mark.parametrize("q", ["某某制衣厂", PHONE, "张三"])
async def test_a_foreign_console_search_shows_nothing(server, rules, signed_in, q):
    case = await new_case(server, rules, openid=f"o-f8-csrch-{len(q)}")
    browser, _ = await signed_in("court")
    async with browser.get("/console/cases", params={"q": q}) as resp:
        page = await resp.text()
    assert case.case_no not in page and "滞纳金太多" not in page


@pytest.mark.parametrize("employer", ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "＝1+2"])
async def test_the_csv_never_starts_a_cell_with_a_formula(server, rules, signed_in, employer):
    case = await new_case(server, rules, openid=f"o-f8-formula-{ord(employer[0])}",
                          employer=employer)
    browser, _ = await signed_in("tax")
    async with browser.get("/console/export.csv?from=2026-01-01") as resp:
        _header, *rows = await read_csv(resp)
    [row] = [r for r in rows if r[0] == case.case_no]
    for cell in row:
        assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), (cell, row)


async def test_the_export_and_statistics_count_days_in_beijing_time(server, rules, signed_in):
    late = await new_case(server, rules, openid="o-f8-bj1",
                          now=datetime(2026, 11, 23, 15, 30, tzinfo=timezone.utc))  # 23:30
    early = await new_case(server, rules, openid="o-f8-bj2",
                           now=datetime(2026, 11, 23, 16, 30, tzinfo=timezone.utc))  # 00:30
    browser, _ = await signed_in("tax")
    async with browser.get("/console/export.csv?from=2026-11-23&to=2026-11-23") as resp:
        assert [r[0] for r in (await read_csv(resp))[1:]] == [late.case_no]
    async with browser.get("/console/export.csv?from=2026-11-24&to=2026-11-24") as resp:
        assert [r[0] for r in (await read_csv(resp))[1:]] == [early.case_no]
    async with browser.get("/console/stats?from=2026-11-24&to=2026-11-24") as resp:
        assert figure(await resp.text(), "total") == "1"


async def test_escalating_a_case_already_past_its_limit_gives_a_limit_ahead(server, rules,
                                                                            client):
    case = await new_case(server, rules, openid="o-f8-escold",
                          now=utcnow() - timedelta(days=10))
    assert (await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                              json={"reason": "单位拒不配合，需领导小组会商"}))[0] == 200
    _, view = await client.call("GET", f"/api/cases/{case.case_no}", TAX)
    assert datetime.fromisoformat(view["deadline"]) > utcnow() and view["overdue"] is False, view


async def test_the_offices_overdue_report_names_the_current_lead_and_the_deadline(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-odlead")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "hrss", "reason": "属人社"})
    _, view = await client.call("GET", f"/api/cases/{case.case_no}", HRSS)
    await run_scheduler(server, datetime.fromisoformat(view["deadline"]) + timedelta(hours=1))
    office = await posted_to(fake_webhook, "dev-key-leadership", case.case_no)
    assert office and "区人力资源和社会保障局" in office[-1], office
    assert beijing_day(view["deadline"]) in office[-1], office


async def test_a_co_handling_petitions_office_cannot_escalate_or_transfer(server, rules,
                                                                          client, sm):
    case = await new_case(server, rules, openid="o-f8-petesc", severity="major",
                          severity_reasons=["petition"])
    url = f"/api/cases/{case.case_no}"
    for action, body in (("transfer", {"agency": "hrss", "reason": "x"}),
                         ("request-info", {"text": "补"})):
        status, answer = await client.call("POST", f"{url}/{action}", PETITIONS, json=body)
        assert status == 403 and has_chinese(answer["message"]), (action, status, answer)
    assert not {"transferred", "info_requested"} & set(await kinds(sm, case))


@pytest.mark.parametrize("reason", ["   ", "\u3000", "\u200b", "。", "...", "？？", "👍"])
@pytest.mark.parametrize("action", ["transfer", "escalate"])
async def test_a_transfer_or_escalation_without_a_real_reason_is_refused(server, rules, client,
                                                                         sm, reason, action):
    case = await new_case(server, rules, openid=f"o-f8-noreason-{action}-{ord(reason[0])}")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/{action}", TAX,
                                       json={"agency": "hrss", "reason": reason}
                                       if action == "transfer" else {"reason": reason})
    assert status == 400 and has_chinese(answer["message"]), (reason, status, answer)
    assert not {"transferred", "raised_major"} & set(await kinds(sm, case))


async def test_the_console_says_why_a_bare_punctuation_reason_is_refused(server, rules,
                                                                         signed_in, sm):
    case = await new_case(server, rules, openid="o-f8-cpunct")
    browser, csrf = await signed_in("tax")
    async with browser.post(f"/console/cases/{case.case_no}/transfer",
                            data={"csrf": csrf, "agency": "hrss", "reason": "。。"}) as resp:
        page = await resp.text()
    assert "理由" in page or "原因" in page, page[-600:]
    assert "transferred" not in await kinds(sm, case)


async def test_a_result_with_emoji_reaches_the_payer_intact(server, rules, client, sm,
                                                           fake_api):
    case = await active_case(server, rules, sm, "o-f8-resemoji")
    result = "单位已补缴✅ 祝您生活愉快👨‍👩‍👧"
    await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX, json={"result": result})
    heard = await payer_heard(fake_api, "o-f8-resemoji", "单位已补缴")
    assert any(result in t for t in heard), heard


# === 11. fourth batch: copied numbers, repeats, old ID numbers ==============================


async def test_a_guessed_console_url_of_a_foreign_case_reads_like_a_missing_one(
        server, rules, console_as):
    case = await new_case(server, rules, openid="o-f8-cguess")
    browser = await console_as("justice")
    async with browser.get(f"/console/cases/{case.case_no}") as resp:
        got = (resp.status, (await resp.text()).replace(case.case_no, "N"))
    async with browser.get("/console/cases/ZY20200101-0042") as resp:
        none = (resp.status, (await resp.text()).replace("ZY20200101-0042", "N"))
    assert got == none and got[0] == 404, got[0]


@pytest.mark.parametrize("typed", ["{no} ", " {no}", "{no}\n", "{no}。", "【{no}】", "{no_lower}"])
async def test_a_case_number_copied_from_a_card_with_extra_marks_is_found(server, rules,
                                                                         client, typed):
    case = await new_case(server, rules, openid=f"o-f8-copy-{len(typed)}-{typed[:1]}")
    q = typed.format(no=case.case_no, no_lower=case.case_no.lower())
    status, answer = await client.call("GET", "/api/cases", TAX, params={"q": q})
    assert status == 200 and [c["case_no"] for c in answer["cases"]] == [case.case_no], \
        (q, answer)


async def test_the_due_soon_reminder_is_sent_once_however_often_the_scheduler_runs(
        server, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-f8-once")
    before = len(await reaching(fake_webhook, "dev-key-zc-tax", case.case_no, 1))
    for hours in (20, 12, 6, 2):
        await run_scheduler(server, case.deadline - timedelta(hours=hours))
    after = await reaching(fake_webhook, "dev-key-zc-tax", case.case_no, before + 1)
    assert len(after) == before + 1, after


async def test_the_lead_can_still_note_on_a_resolved_case(server, rules, client):
    case = await new_case(server, rules, openid="o-f8-resnote")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/resolve", TAX, json={"result": "已办结"})
    assert (await client.call("POST", f"{url}/note", TAX,
                              json={"text": "回访：缴费人表示满意"}))[0] == 200


async def test_an_old_fifteen_digit_id_in_a_note_is_masked_in_the_push(server, rules, client,
                                                                       fake_webhook):
    case = await new_case(server, rules, openid="o-f8-id15", category="employer_arrears",
                          description="单位欠缴")
    await client.call("POST", f"/api/cases/{case.case_no}/note", HRSS,
                      json={"text": "缴费人老身份证440183900101123，已核对参保信息"})
    found = await pushed_with(fake_webhook, "已核对参保信息")
    assert found and all("440183900101123" not in t for t in found), found


async def test_the_co_handlers_overdue_notice_says_the_opinion_is_late(server, rules,
                                                                       fake_webhook):
    case = await new_case(server, rules, openid="o-f8-coover", category="employer_arrears",
                          description="单位说可以调解，一直没下文")
    await run_scheduler(server, case.deadline + timedelta(hours=1))
    told = await posted_to(fake_webhook, "dev-key-zc-justice", "超")
    told = [t for t in told if case.case_no in t] or told
    assert told and "书面意见" in told[-1], told


async def test_two_notes_at_once_are_both_kept(server, rules, client, sm):
    case = await new_case(server, rules, openid="o-f8-notes2")
    url = f"/api/cases/{case.case_no}/note"
    answers = await asyncio.gather(
        client.call("POST", url, TAX, json={"text": "甲：已电话联系单位"}),
        client.call("POST", url, TAX, json={"text": "乙：单位承诺月底补缴"}))
    assert [a[0] for a in answers] == [200, 200], answers
    texts = {(e.detail or {}).get("text") for e in await events(sm, case) if e.kind == "note"}
    assert texts == {"甲：已电话联系单位", "乙：单位承诺月底补缴"}, texts
