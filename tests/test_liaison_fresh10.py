"""The agency liaison's side, tenth round, written blind: a liaison (or the district office)
who acts on a card pushed into the WeCom group without calling anyone back. Every kind of card
(new case, supplement, photo, transfer, escalation, reminder, overdue, result, withdrawal,
reopen) names the case, its category, the masked payer, the employer, the place, the deadline
(one at midnight as "…24:00") and the link to act; never a full phone or ID number (seed 002
附件: 办理过程中严格保密). A long note, reason or reopening arrives whole in numbered parts
within the robot's 4096 bytes; a group never hears of a case its agency has no part in; a day
with many cases keeps each group within twenty messages a minute."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, timezone

import pytest

from bot.simulator import image_xml
from routing.cases import reopen_case
from routing.deadlines import SHANGHAI, deadline_text
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import ID_NUMBER, PHONE, T0, drain, new_case, register
from tests.test_dialogue import say
from tests.test_faults_fresh7 import StrictRobot, contents, dispatcher_for, robot_server, rows
from tests.test_followup import file_case
from tests.test_liaison_api import COURT, HRSS, LEADERSHIP, TAX
from tests.test_liaison_fresh8 import rated

rules, client, engine, sm = base.rules, api.client, base.engine, base.sm

GROUP = {"tax": "dev-key-zc-tax", "hrss": "dev-key-zc-hrss",
         "healthcare": "dev-key-zc-healthcare", "court": "dev-key-zc-court",
         "justice": "dev-key-zc-justice", "petitions": "dev-key-zc-petitions",
         "leadership": "dev-key-leadership"}
TOKEN = {"tax": TAX, "hrss": HRSS, "leadership": LEADERSHIP, "court": COURT}
MASKED_PHONE = re.compile(r"1[3-9]\d\*{4}\d{4}")
JOINERS = re.compile(r"[\s\-·~—_.]")
OTHER_PHONE = "13698761234"
CO_HANDLED = {"category": "employer_arrears",
              "description": "老板跑路了，厂房都被查封了，社保欠了一年"}  # tax leads, court helps


def unmasked(text: str, secret: str) -> bool:
    return secret.lower() in JOINERS.sub("", text).lower()


def texts(fake_webhook, key: str) -> list[str]:
    """What the liaison reads in group ``key``: markdown or text content."""
    return [(p["body"].get("markdown") or p["body"].get("text") or {}).get("content", "")
            for p in fake_webhook.posts.requests if p.get("key") == key]


async def arrived(fake_webhook, key: str, needle: str, after: int = 0,
                  seconds: float = 5.0) -> list[str]:
    """Messages to ``key`` naming ``needle`` among those after the first ``after`` of the
    group, once one has arrived (or after ``seconds``)."""
    for _ in range(int(seconds / 0.05)):
        found = [t for t in texts(fake_webhook, key)[after:] if needle in t]
        if found:
            await asyncio.sleep(0.3)
            return [t for t in texts(fake_webhook, key)[after:] if needle in t]
        await asyncio.sleep(0.05)
    return []


async def view_of(client, case_no: str) -> dict:
    status, view = await client.call("GET", f"/api/cases/{case_no}", LEADERSHIP)
    assert status == 200, view
    return view


def enough_to_act(card: str, view: dict, *secrets: str) -> None:
    """The card alone lets the liaison act: which case, what, who (masked), where, by when,
    and where to click."""
    deadline = deadline_text(datetime.fromisoformat(view["deadline"]))
    for needed in (view["case_no"], view["category_label"], view["employer"],
                   view["jurisdiction"], deadline, f"/console/cases/{view['case_no']}"):
        assert needed and needed in card, (needed, card)
    assert MASKED_PHONE.search(card), card
    for secret in (PHONE, ID_NUMBER, "13912345678", OTHER_PHONE, *secrets):
        assert not unmasked(card, secret), (secret, card)


async def run_scheduler(server, now) -> None:
    await Scheduler(server.app["services"].sessionmaker, server.app["config"]).run_once(now)
    server.app["outbox"].notify()


async def lead_group(client, case_no: str) -> tuple[str, dict]:
    view = await view_of(client, case_no)
    return GROUP[view["lead_agency"]], view


# === 1. every kind of card is enough to act on ================================================


async def test_a_new_case_card(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f10-new", employer="穗丰五金加工厂",
                          jurisdiction="永宁街")
    key, view = await lead_group(client, case.case_no)
    [card, *_] = await arrived(fake_webhook, key, case.case_no)
    enough_to_act(card, view)


async def test_a_supplement_card(platform, server, client, fake_webhook):
    openid = "o-f10-supp"
    case_no = await file_case(platform, openid)
    key, view = await lead_group(client, case_no)
    await arrived(fake_webhook, key, case_no)
    n = len(texts(fake_webhook, key))
    await say(platform, openid, f"补充一下 {case_no} 老板姓陈，他手机{OTHER_PHONE}")
    [card, *_] = await arrived(fake_webhook, key, "老板姓陈", n)
    enough_to_act(card, view)


async def test_a_photo_card(platform, server, client, fake_webhook):
    openid = "o-f10-photo"
    case_no = await file_case(platform, openid)
    key, view = await lead_group(client, case_no)
    lead = TOKEN[view["lead_agency"]]
    await client.call("POST", f"/api/cases/{case_no}/request-info", lead,
                      json={"text": "拍一下工资条"})
    await arrived(fake_webhook, key, case_no)
    n = len(texts(fake_webhook, key))
    await platform.post(image_xml(openid, "media-f10-slip"))
    [card, *_] = await arrived(fake_webhook, key, case_no, n)
    assert any(w in card for w in ("图片", "照片")), card
    enough_to_act(card, view)


async def test_a_transfer_card_in_the_new_leads_group(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f10-tr")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": "hrss", "reason": "属于缴费基数核定"})
    assert status == 200, answer
    view = await view_of(client, case.case_no)
    await arrived(fake_webhook, GROUP["hrss"], "属于缴费基数核定")
    cards = [t for t in texts(fake_webhook, GROUP["hrss"]) if case.case_no in t]
    assert any("属于缴费基数核定" in t for t in cards), cards
    for card in cards:
        enough_to_act(card, view)


async def test_an_escalation_card_to_the_office(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f10-esc")
    n = len(texts(fake_webhook, GROUP["leadership"]))
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                                       json={"reason": "单位拒不配合，需要区里协调"})
    assert status == 200, answer
    view = await view_of(client, case.case_no)
    [card, *_] = await arrived(fake_webhook, GROUP["leadership"], "拒不配合", n)
    enough_to_act(card, view)


async def test_a_reminder_card_the_day_before(server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f10-rem")
    key, view = await lead_group(client, case.case_no)
    await arrived(fake_webhook, key, case.case_no)
    n = len(texts(fake_webhook, key))
    await run_scheduler(server, datetime.fromisoformat(view["deadline"]) - timedelta(hours=10))
    [card, *_] = await arrived(fake_webhook, key, case.case_no, n)
    enough_to_act(card, view)


async def test_an_overdue_card_lets_the_office_act_without_opening_the_case(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f10-over", employer="恒通物流有限公司")
    view = await view_of(client, case.case_no)
    await run_scheduler(server, datetime.fromisoformat(view["deadline"]) + timedelta(hours=1))
    [card, *_] = await arrived(fake_webhook, GROUP["leadership"], case.case_no)
    enough_to_act(card, view)
    assert view["lead_agency_label"] in card if "lead_agency_label" in view else True, card


async def test_a_result_card_to_the_co_handler(server, rules, client, fake_webhook):
    """The lead that resolved needs no card of its own result; the co-handler does, so it
    stops working on a closed case."""
    case = await new_case(server, rules, openid="o-f10-res", **CO_HANDLED)
    view = await view_of(client, case.case_no)
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/resolve", TAX, json={
        "result": f"已责令单位补缴，缴费人{PHONE}已知悉"})
    assert status == 200, answer
    [card, *_] = await arrived(fake_webhook, GROUP["court"], "已责令单位补缴")
    enough_to_act(card, view)


async def test_a_withdrawal_card(platform, server, client, fake_webhook):
    openid = "o-f10-wd"
    case_no = await file_case(platform, openid)
    key, view = await lead_group(client, case_no)
    await arrived(fake_webhook, key, case_no)
    n = len(texts(fake_webhook, key))
    await say(platform, openid, "单位已经补上了，我撤回吧不用办了")
    [card, *_] = await arrived(fake_webhook, key, case_no, n)
    assert "撤回" in card, card
    enough_to_act(card, view)


async def test_a_reopen_card(platform, server, client, fake_webhook):
    openid = "o-f10-reopen"
    case_no, _ = await rated(platform, client, openid, "1分 根本没补")
    key, view = await lead_group(client, case_no)
    n = len(texts(fake_webhook, key))
    assert case_no in await say(platform, openid, "重新办理")
    [card, *_] = await arrived(fake_webhook, key, case_no, n)
    assert any(w in card for w in ("重新", "重办", "再次")), card
    view = await view_of(client, case_no)
    enough_to_act(card, view)


async def test_a_co_handlers_reminder_names_the_payer_and_employer(server, rules, client,
                                                                   fake_webhook):
    case = await new_case(server, rules, openid="o-f10-corem", **CO_HANDLED)
    view = await view_of(client, case.case_no)
    await arrived(fake_webhook, GROUP["court"], case.case_no)
    n = len(texts(fake_webhook, GROUP["court"]))
    await run_scheduler(server, datetime.fromisoformat(view["deadline"]) - timedelta(hours=10))
    [card, *_] = await arrived(fake_webhook, GROUP["court"], case.case_no, n)
    enough_to_act(card, view)


async def test_the_agency_that_transferred_a_case_hears_its_result_enough_to_follow_up(
        server, rules, client, fake_webhook):
    case = await new_case(server, rules, openid="o-f10-track")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "hrss", "reason": "属于基数核定"})
    await client.call("POST", f"/api/cases/{case.case_no}/resolve", HRSS,
                      json={"result": "已核定基数，单位补缴差额"})
    view = await view_of(client, case.case_no)
    [card, *_] = await arrived(fake_webhook, GROUP["tax"], "已核定基数")
    enough_to_act(card, view)


async def test_the_leads_own_group_hears_the_escalation_with_the_case(server, rules, client,
                                                                      fake_webhook):
    case = await new_case(server, rules, openid="o-f10-esclead")
    await arrived(fake_webhook, GROUP["tax"], case.case_no)
    n = len(texts(fake_webhook, GROUP["tax"]))
    await client.call("POST", f"/api/cases/{case.case_no}/escalate", LEADERSHIP,
                      json={"reason": "涉及人数多，区里统筹"})
    view = await view_of(client, case.case_no)
    [card, *_] = await arrived(fake_webhook, GROUP["tax"], "区里统筹", n)
    enough_to_act(card, view)


# === 2. a deadline at midnight reads "…24:00" on every card ====================================

SATURDAY = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


async def midnight_case(server, rules, client, openid):
    case = await new_case(server, rules, openid=openid, now=SATURDAY)
    view = await view_of(client, case.case_no)
    deadline = datetime.fromisoformat(view["deadline"]).astimezone(SHANGHAI)
    assert (deadline.hour, deadline.minute) == (0, 0), deadline
    return case, view, deadline_text(datetime.fromisoformat(view["deadline"]))


async def test_a_midnight_deadline_on_the_new_case_card(server, rules, client, fake_webhook):
    case, _view, shown = await midnight_case(server, rules, client, "o-f10-mid-new")
    assert shown.endswith("24:00"), shown
    [card, *_] = await arrived(fake_webhook, GROUP["tax"], case.case_no)
    assert shown in card and " 00:00" not in card, card


async def test_a_midnight_deadline_on_the_reminder(server, rules, client, fake_webhook):
    case, view, shown = await midnight_case(server, rules, client, "o-f10-mid-rem")
    await arrived(fake_webhook, GROUP["tax"], case.case_no)
    n = len(texts(fake_webhook, GROUP["tax"]))
    await run_scheduler(server, datetime.fromisoformat(view["deadline"]) - timedelta(hours=10))
    [card, *_] = await arrived(fake_webhook, GROUP["tax"], case.case_no, n)
    assert shown in card and " 00:00" not in card, card


async def test_a_midnight_deadline_on_the_overdue_card(server, rules, client, fake_webhook):
    case, view, shown = await midnight_case(server, rules, client, "o-f10-mid-over")
    await run_scheduler(server, datetime.fromisoformat(view["deadline"]) + timedelta(hours=2))
    [card, *_] = await arrived(fake_webhook, GROUP["leadership"], case.case_no)
    assert shown in card and " 00:00" not in card, card


async def test_a_midnight_deadline_on_the_transfer_card(server, rules, client, fake_webhook):
    case, _, _ = await midnight_case(server, rules, client, "o-f10-mid-tr")
    await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                      json={"agency": "hrss", "reason": "属人社"})
    view = await view_of(client, case.case_no)
    shown = deadline_text(datetime.fromisoformat(view["deadline"]))
    [card, *_] = await arrived(fake_webhook, GROUP["hrss"], case.case_no)
    assert shown in card, (shown, card)


# === 3. numbers typed anywhere stay masked on every card =======================================


@pytest.mark.parametrize("typed", ["136 9876 1234", "136-9876-1234", "１３６９８７６１２３４"],
                         ids=["spaced", "dashed", "full-width"])
async def test_a_phone_in_a_supplement_is_masked_in_the_group(platform, server, client,
                                                               fake_webhook, typed):
    openid = f"o-f10-sm-{typed[:3]}{len(typed)}"
    case_no = await file_case(platform, openid)
    key, _ = await lead_group(client, case_no)
    await arrived(fake_webhook, key, case_no)
    n = len(texts(fake_webhook, key))
    await say(platform, openid, f"{case_no} 补充：会计的电话是{typed}，可以找她")
    [card, *_] = await arrived(fake_webhook, key, "会计的电话", n)
    assert not unmasked(card, OTHER_PHONE) and "１３６９８７６" not in card, card


async def test_an_id_in_an_escalation_reason_is_masked_for_the_office(server, rules, client,
                                                                      fake_webhook):
    case = await new_case(server, rules, openid="o-f10-escid")
    await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                      json={"reason": f"身份证{ID_NUMBER}的缴费人已多次来访"})
    [card, *_] = await arrived(fake_webhook, GROUP["leadership"], "多次来访")
    assert not unmasked(card, ID_NUMBER), card


# === 4. long notes arrive whole, in numbered parts, masked ====================================

STORY = "".join(f"〔{i:03d}〕单位第{i}次拖延补缴，联系人电话{PHONE}。" for i in range(1, 61))


def note_parts(messages: list[str], case_no: str) -> list[str]:
    """The messages of a note about ``case_no`` (not the case card itself)."""
    return [t for t in messages if case_no in t and "社保费征缴争议事项" not in t]


def whole_in_parts(parts: list[str], markers: list[str]) -> None:
    assert len(parts) >= 2, parts
    for i, part in enumerate(parts, 1):
        assert len(part.encode("utf-8")) <= 4096, len(part.encode("utf-8"))
        assert f"({i}/{len(parts)})" in part, part[:120]
        assert not unmasked(part, PHONE), part[:200]
    joined = "".join(parts)
    where = [joined.find(m) for m in markers]
    assert all(w >= 0 for w in where), [m for m, w in zip(markers, where) if w < 0]
    assert where == sorted(where)


MARKS = [f"〔{i:03d}〕" for i in range(1, 61)]


async def test_a_long_co_handling_note_reaches_the_lead_whole(server, rules, client,
                                                              fake_webhook):
    case = await new_case(server, rules, openid="o-f10-conote", **CO_HANDLED)
    n = len(texts(fake_webhook, GROUP["tax"]))
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", COURT,
                                       json={"text": STORY})
    assert status == 200, answer
    await arrived(fake_webhook, GROUP["tax"], "〔060〕", n)
    parts = note_parts(texts(fake_webhook, GROUP["tax"])[n:], case.case_no)
    whole_in_parts(parts, MARKS)


async def test_a_long_transfer_reason_reaches_the_new_lead_whole(server, rules, client,
                                                                 fake_webhook):
    case = await new_case(server, rules, openid="o-f10-trlong")
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": "hrss", "reason": STORY})
    assert status == 200, answer
    await arrived(fake_webhook, GROUP["hrss"], "〔060〕")
    parts = [t for t in note_parts(texts(fake_webhook, GROUP["hrss"]), case.case_no)
             if "〔" in t]
    whole_in_parts(parts, MARKS)


async def test_a_long_escalation_reason_reaches_the_office_whole(server, rules, client,
                                                                 fake_webhook):
    case = await new_case(server, rules, openid="o-f10-esclong")
    n = len(texts(fake_webhook, GROUP["leadership"]))
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/escalate", TAX,
                                       json={"reason": STORY})
    assert status == 200, answer
    await arrived(fake_webhook, GROUP["leadership"], "〔060〕", n)
    parts = [t for t in note_parts(texts(fake_webhook, GROUP["leadership"])[n:], case.case_no)
             if "〔" in t]
    whole_in_parts(parts, MARKS)


async def test_a_long_reopening_reason_reaches_the_lead_whole(sm, config, rules, http,
                                                             aiohttp_server):
    """The payer's words when asking to 重新办理 (what is still wrong) reach the lead whole,
    through the robot's own 4096-byte limit."""
    robot = StrictRobot(4096)
    base_url = await robot_server(aiohttp_server, robot.send)
    case = await register(sm, config, rules, openid="o-f10-relong")
    async with sm() as session:
        row = await session.get(type(case), case.id)
        await reopen_case(session, row, STORY, config=config, now=T0 + timedelta(days=3))
        await session.commit()
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    for minutes in (0, 1, 2, 5):
        await drain(dispatcher, T0 + timedelta(days=3, minutes=minutes), rounds=40)
    parts = [t for t in note_parts(contents(robot, GROUP["tax"]), case.case_no) if "〔" in t]
    whole_in_parts(parts, MARKS)


# === 5. a group hears only of its agency's cases ==============================================


async def test_a_tax_case_through_its_whole_life_never_reaches_the_court(server, rules, client,
                                                                        fake_webhook):
    case = await new_case(server, rules, openid="o-f10-iso", employer="金穗制衣厂")
    url = f"/api/cases/{case.case_no}"
    await client.call("POST", f"{url}/accept", TAX, json={"acceptor": "黄敏"})
    await client.call("POST", f"{url}/note", TAX, json={"text": "金穗已约谈"})
    await client.call("POST", f"{url}/escalate", TAX, json={"reason": "金穗拒不配合"})
    await client.call("POST", f"{url}/resolve", TAX, json={"result": "金穗已补缴"})
    await run_scheduler(server, case.deadline + timedelta(hours=3))
    await asyncio.sleep(1.0)
    for key in ("court", "justice", "petitions", "healthcare", "hrss"):
        leaked = [t for t in texts(fake_webhook, GROUP[key])
                  if case.case_no in t or "金穗" in t]
        assert not leaked, (key, leaked)


async def test_after_a_transfer_only_the_new_lead_hears_the_payers_supplement(
        platform, server, client, fake_webhook):
    openid = "o-f10-isotr"
    case_no = await file_case(platform, openid)
    _, view = await lead_group(client, case_no)
    new = "hrss" if view["lead_agency"] != "hrss" else "tax"
    await client.call("POST", f"/api/cases/{case_no}/transfer", TOKEN[view["lead_agency"]],
                      json={"agency": new, "reason": "职能划分"})
    await say(platform, openid, f"{case_no} 补充：单位在东区还有一个仓库")
    assert await arrived(fake_webhook, GROUP[new], "东区还有一个仓库")
    for key in ("court", "justice", "petitions", "healthcare"):
        assert not [t for t in texts(fake_webhook, GROUP[key]) if case_no in t], key


async def test_a_co_handling_group_sees_its_case_but_not_the_leads_other_cases(
        server, rules, client, fake_webhook):
    shared = await new_case(server, rules, openid="o-f10-share", **CO_HANDLED)
    alone = await new_case(server, rules, openid="o-f10-alone", employer="明辉电子厂")
    assert await arrived(fake_webhook, GROUP["court"], shared.case_no)
    await arrived(fake_webhook, GROUP["tax"], alone.case_no)
    await asyncio.sleep(0.5)
    assert not [t for t in texts(fake_webhook, GROUP["court"])
                if alone.case_no in t or "明辉" in t]


# === 6. a busy day keeps within twenty messages a minute per group =============================


async def test_thirty_cases_in_a_morning_keep_each_group_within_twenty_a_minute(
        sm, config, rules, http, aiohttp_server):
    robot = StrictRobot(4096)
    base_url = await robot_server(aiohttp_server, robot.send)
    for i in range(30):
        major = {"severity": "major", "severity_reasons": ["headcount:40"], "headcount": 40} \
            if i % 5 == 0 else {}
        await register(sm, config, rules, openid=f"o-f10-busy{i}", now=T0, **major)
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    per_minute: dict[str, list[int]] = {}
    for minute in range(8):
        before = {k: len(contents(robot, k)) for k in GROUP.values()}
        await drain(dispatcher, T0 + timedelta(minutes=minute), rounds=60)
        for k in GROUP.values():
            per_minute.setdefault(k, []).append(len(contents(robot, k)) - before[k])
    for key, counts in per_minute.items():
        assert max(counts) <= 20, (key, counts)
    assert sum(per_minute[GROUP["tax"]]) >= 30, per_minute
    assert {r.status for r in await rows(sm, "webhook")} == {"sent"}


async def test_a_busy_day_of_overdue_reports_keeps_the_office_within_twenty_a_minute(
        sm, config, rules, http, aiohttp_server):
    robot = StrictRobot(4096)
    base_url = await robot_server(aiohttp_server, robot.send)
    cases = [await register(sm, config, rules, openid=f"o-f10-od{i}", now=T0)
             for i in range(25)]
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    late = cases[0].deadline + timedelta(hours=1)
    await Scheduler(sm, config).run_once(late)
    per_minute = []
    for minute in range(6):
        before = len(contents(robot, GROUP["leadership"]))
        await drain(dispatcher, late + timedelta(minutes=minute), rounds=60)
        per_minute.append(len(contents(robot, GROUP["leadership"])) - before)
    assert max(per_minute) <= 20, per_minute
    told = "".join(contents(robot, GROUP["leadership"]))
    assert all(c.case_no in told for c in cases), per_minute
