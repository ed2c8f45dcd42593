"""The liaison's and the district office's side, second round, checked against the seeds:
the payer hears once when their case passes its time limit (督办), a payer's urge or
withdrawal reaches the group under its own heading, and a call-back request reaches the
office the payer is told will call. Real HTTP app, real outbox, real gateway."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.store.models import Case, OutboxItem, utcnow
from routing.cards import load_labels
from routing.notices import short_deadline
from routing.rules import CATEGORIES, GroupTarget
from routing.scheduler import Scheduler
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import (
    ID_NUMBER,
    PHONE,
    T0,
    card_texts,
    drain,
    new_case,
    register,
    set_last_message,
)
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_followup import file_case
from tests.test_journeys import group
from tests.test_liaison_api import HRSS, TAX

dispatcher, engine, rules, sm, client = base.dispatcher, base.engine, base.rules, base.sm, \
    api.client

TAX_GROUP = "dev-key-zc-tax"
OVERDUE = T0 + timedelta(days=8)  # a general case of Monday 10:00 was due last Monday 10:00


# --- 1. the payer is told once that the case passed its time limit -----------------------


async def test_the_payer_hears_once_that_the_case_is_overdue_and_is_urged(
        sm, config, rules, dispatcher, fake_api):
    await set_last_message(sm, "o-late-1", OVERDUE - timedelta(hours=1))
    mine = await register(sm, config, rules, openid="o-late-1")
    other = await register(sm, config, rules, openid="o-late-2", name="李四",
                           phone="13900001111")
    workers = [Scheduler(sm, config), Scheduler(sm, config)]
    for worker in workers:  # two workers, each ticking twice
        await worker.run_once(OVERDUE)
        await worker.run_once(OVERDUE + timedelta(minutes=1))
    await drain(dispatcher, OVERDUE + timedelta(minutes=2))
    texts = [t for t in fake_api.texts_to("o-late-1") if "办理时限" in t]
    assert len(texts) == 1, texts
    [told] = texts
    assert mine.case_no in told and other.case_no not in told and "李四" not in told
    assert "超过办理时限" in told and "督办" in told and "区税务局" in told, told
    assert "2026年11月30日" in told  # the deadline that passed
    # The quiet payer gets the template, once, about their own case only.
    sent = [s for s in fake_api.templates.requests if s.get("touser") == "o-late-2"]
    assert len(sent) == 1, sent
    assert sent[0]["data"]["keyword1"]["value"] == other.case_no
    assert "督办" in sent[0]["data"]["keyword2"]["value"] + sent[0]["data"]["keyword3"]["value"]


async def test_a_reopened_case_that_goes_overdue_again_is_told_again_but_a_resolved_one_is_not(
        sm, config, rules, dispatcher):
    case = await register(sm, config, rules, openid="o-late-3")
    await Scheduler(sm, config).run_once(OVERDUE)
    async with sm() as session:
        stored = await session.get(Case, case.id)
        stored.deadline = OVERDUE + timedelta(days=1)  # as if reopened with a new limit
        await session.commit()
    await Scheduler(sm, config).run_once(OVERDUE + timedelta(days=2))
    resolved = await register(sm, config, rules, openid="o-late-4")
    async with sm() as session:
        (await session.get(Case, resolved.id)).status = "resolved"
        await session.commit()
    await Scheduler(sm, config).run_once(OVERDUE + timedelta(days=2))
    rows = await fetch(config.database_url, OutboxItem, channel="wechat")
    notices = [r for r in rows if (r.payload or {}).get("notice") == "overdue"]
    assert sorted(r.target for r in notices) == ["o-late-3", "o-late-3"]


async def test_the_overdue_escalation_is_in_the_payers_timeline(platform, bot_server, config):
    case_no = await file_case(platform, "o-late-5")
    services = bot_server.app["services"]
    await Scheduler(services.sessionmaker, config).run_once(utcnow() + timedelta(days=30))
    history = await say(platform, "o-late-5", f"进度 {case_no}")
    assert "已报领导小组办公室督办" in history, history


# --- 2. each payer request has its own heading in the group -----------------------------


async def test_an_urge_and_a_withdrawal_say_what_the_payer_wants(platform, fake_webhook):
    urged = await file_case(platform, "o-head-1")
    await say(platform, "o-head-1", "能不能快点处理啊")
    card = [t for t in await group(fake_webhook, TAX_GROUP, "（缴费人催办）")
            if urged in t and "（缴费人催办）" in t][-1]
    assert card.startswith("**缴费人催办**") and "补充材料" not in card, card
    withdrawn = await file_case(platform, "o-head-2")
    await say(platform, "o-head-2", "算了不办了，我撤回")
    card = [t for t in await group(fake_webhook, TAX_GROUP, "不再继续办理")
            if withdrawn in t][-1]
    assert card.startswith("**缴费人申请撤回**") and "办结" in card, card


# --- 3. a call-back request reaches the office the payer is told will call --------------


async def test_a_call_back_from_outside_the_area_reaches_the_office_that_calls(
        platform, fake_webhook, config):
    openid = "o-away-callback"
    for message in ("宏达电子厂欠了我半年社保", "东莞市长安镇", "转人工"):
        await say(platform, openid, message)
    reply = await say(platform, openid, "13812345678")
    case_no = CASE_NO.search(reply).group()
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    lead = config.raw["agencies"][case.lead_agency]["name"]
    assert f"{lead}的工作人员会尽快致电" in reply, reply
    card = [t for t in await group(fake_webhook, TAX_GROUP, case_no) if case_no in t]
    assert card and "人工电话联系" in card[0] and "非本辖区" in card[0], card
    again = await say(platform, openid, "转人工")
    assert case_no in again
    assert any("再次要求人工回电" in t for t in
               await group(fake_webhook, TAX_GROUP, "再次要求人工回电"))


def test_an_away_call_back_is_routed_to_the_home_lead_and_the_transfer_group(config, rules):
    away = rules.route("late_fee", "simple", jurisdiction="北京市朝阳区", needs_callback=True,
                       groups_config=config.raw)
    assert away.groups == [GroupTarget(TAX_GROUP, "tax", False),
                           GroupTarget("dev-key-transfer", "tax", False)]
    assert away.district is None and not away.in_area
    plain = rules.route("late_fee", "simple", jurisdiction="北京市朝阳区",
                        groups_config=config.raw)
    assert plain.groups == [GroupTarget("dev-key-transfer", "tax", False)]


# --- probe: every pushed card lets the liaison act, masked, in the 报送单's order ---------

CARD_ORDER = ("> 缴费人：", "> 类别：", "> 用人单位：", "> 诉求：", "> 证据材料：", "> 登记时间：",
              "> 辖区：", "> 等级：", "> 牵头单位：", "> 协办单位：", "> 办理时限：", "**反映内容**",
              "**办理**")


@pytest.mark.parametrize("severity", ["simple", "general", "major"])
async def test_every_card_carries_the_form_masked_and_in_the_seeds_order(
        sm, config, rules, dispatcher, fake_webhook, severity):
    reasons = ["headcount:40"] if severity == "major" else []
    cases = [await register(sm, config, rules, openid=f"o-card-{category}", category=category,
                            severity=severity, severity_reasons=reasons,
                            description=f"我叫张三，身份证{ID_NUMBER}，电话{PHONE}，{category}")
             for category in CATEGORIES]
    await drain(dispatcher, T0, rounds=40)
    labels = load_labels()
    for case in cases:
        keys = [key for key in dict.fromkeys(p["key"] for p in fake_webhook.posts.requests)
                if any(case.case_no in t for t in card_texts(fake_webhook, key))]
        assert keys, case.case_no
        if severity == "major":
            assert "dev-key-leadership" in keys
        for key in keys:
            card = next(t for t in card_texts(fake_webhook, key)
                        if t.startswith("## ") and case.case_no in t)
            lines = card.splitlines()
            places = [next(i for i, line in enumerate(lines) if line.startswith(field))
                      for field in CARD_ORDER]
            assert places == sorted(places), (key, card)
            assert "> 缴费人：张*（138****5678，证件号 440***********1234）" in lines
            assert PHONE not in card and ID_NUMBER not in card and "张三" not in card, card
            assert labels["categories"][case.category] in card
            assert labels["severities"][severity] in card
            assert f"/console/cases/{case.case_no}" in card and "严格保密" in card


# --- probe: a quiet payer's template notice keeps the deadline ----------------------------


async def test_a_template_notice_keeps_the_deadline_within_the_field_limit(
        server, client, rules, fake_api):
    case = await new_case(server, rules, openid="o-tpl", category="contribution_base")
    assert case.lead_agency == "hrss"  # the longest agency name: 区人力资源和社会保障局
    assert (await client.call("POST", f"/api/cases/{case.case_no}/accept", HRSS))[0] == 200
    [sent] = await fake_api.templates.wait_for(1)
    detail = sent["data"]["keyword3"]["value"]
    assert detail.startswith(short_deadline(case.deadline) + "前办结"), detail
    assert len(detail) <= 20 and re.match(r"\d+月\d+日\d+:\d\d", detail), detail


# --- probe: co-handlers hear when the lead or the time limit changes ---------------------


async def test_co_handlers_hear_who_now_leads_and_a_raised_time_limit(
        server, client, rules, fake_webhook):
    case = await new_case(server, rules, openid="o-co", category="employer_arrears",
                          description="公司欠缴社保，医保也没交")
    assert case.lead_agency == "tax" and "hrss" in case.co_agencies
    url = f"/api/cases/{case.case_no}"
    assert (await client.call("POST", f"{url}/escalate", TAX,
                              json={"reason": "涉及多人"}))[0] == 200
    raised = [t for t in await group(fake_webhook, "dev-key-zc-hrss", "**提级**")
              if t.startswith("**提级**") and case.case_no in t]
    assert len(raised) == 1 and "书面意见" in raised[0] and "2026-" in raised[0], raised
    assert (await client.call("POST", f"{url}/transfer", TAX,
                              json={"agency": "healthcare", "reason": "医保欠费"}))[0] == 200
    moved = [t for t in await group(fake_webhook, "dev-key-zc-hrss", "牵头单位变更")
             if "牵头单位变更" in t]
    assert len(moved) == 1 and "区医疗保障局" in moved[0] and "书面意见" in moved[0], moved
    # The new lead gets its card and the old lead tracks it: neither hears it as a co-handler.
    assert not any("牵头单位变更" in t for t in card_texts(fake_webhook, "dev-key-zc-healthcare"))
    assert not any("牵头单位变更" in t for t in card_texts(fake_webhook, TAX_GROUP))


async def test_a_transfer_or_escalation_reason_naming_the_payer_reaches_groups_masked(
        server, client, rules, fake_webhook):
    """The reason a liaison types ("王五反映的问题不属我局") went to the new lead, the office
    and the co-handlers with the payer's full name; notes and results already masked it."""
    case = await new_case(server, rules, openid="o-named", category="employer_arrears",
                          name="王五", description="公司欠缴社保，医保也没交")
    url = f"/api/cases/{case.case_no}"
    assert (await client.call("POST", f"{url}/escalate", TAX,
                              json={"reason": "王五一家三口都受影响"}))[0] == 200
    assert (await client.call("POST", f"{url}/transfer", TAX,
                              json={"agency": "healthcare", "reason": "王五反映的问题不属我局"})
            )[0] == 200
    await group(fake_webhook, "dev-key-zc-hrss", "牵头单位变更")
    keys = {post["key"] for post in fake_webhook.posts.requests}
    said = [t for key in keys for t in card_texts(fake_webhook, key)
            if case.case_no in t and ("不属我局" in t or "一家三口" in t)]
    assert said and not any("王五" in t for t in said), said


async def test_a_group_added_between_passes_does_not_tell_the_payer_twice(
        sm, config, rules, dispatcher, fake_api):
    """The payer's overdue notice went with the first escalation row a pass inserted: a pass
    while the leadership group was not configured inserted the lead's copy (and told the
    payer), and the next pass, once the group was added, inserted the leadership row and
    told the payer again. The notice has a unique key of its own."""
    import copy
    import dataclasses

    await set_last_message(sm, "o-late-6", OVERDUE - timedelta(hours=1))
    await register(sm, config, rules, openid="o-late-6")
    raw = copy.deepcopy(config.raw)
    del raw["liaison_groups"]["leadership"]
    await Scheduler(sm, dataclasses.replace(config, raw=raw)).run_once(OVERDUE)
    await Scheduler(sm, config).run_once(OVERDUE + timedelta(minutes=1))
    rows = await fetch(config.database_url, OutboxItem)
    assert any(r.target == "dev-key-leadership" for r in rows)  # the second pass escalated
    notices = [r for r in rows if (r.payload or {}).get("notice") == "overdue"]
    assert [r.target for r in notices] == ["o-late-6"]
