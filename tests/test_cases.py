"""Registering cases: numbering, routing, history, outbox rows, payer look-ups.

Also holds the helpers the other routing test modules import (fixed clock, fields, the
dispatcher wired to the fakes on 127.0.0.1).
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Case, CaseEvent, OutboxItem, Payer
from bot.store.tokens import TokenStore
from bot.wechat_api import WeChatAPI
from routing.cases import (
    add_supplement,
    case_for_payer,
    cases_of,
    events_of,
    find_open_case,
    register_case,
)
from routing.outbox import OutboxDispatcher
from routing.rules import load_rules
from routing.webhook import WebhookClient

# Monday 2026-11-23 10:00 in Beijing.
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
PHONE = "13812345678"
ID_NUMBER = "440183199001011234"


def fields_for(**changes) -> dict:
    fields = {
        "name": "张三", "phone": PHONE, "id_number": ID_NUMBER, "jurisdiction": "新塘镇",
        "category": "late_fee", "severity": "general", "severity_reasons": [],
        "employer": "某某制衣厂", "period": "2025年1月至6月", "amount": 3200,
        "headcount": 1, "description": f"税务局加收的滞纳金太多，我的电话{PHONE}",
        "desired_outcome": "减免滞纳金", "evidence": ["media-1"], "channel": "wechat",
        "needs_callback": False,
    }
    fields.update(changes)
    return fields


@pytest.fixture
async def engine(config):
    engine = make_engine(config.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sm(engine):
    return make_sessionmaker(engine)


@pytest.fixture(scope="session")
def rules(base_config):
    return load_rules(config_raw=base_config.raw)


def make_dispatcher(sm, http, config, **kw) -> OutboxDispatcher:
    api = WeChatAPI(http, config.api_base, config.appid, config.appsecret, TokenStore(sm))
    return OutboxDispatcher(sm, WebhookClient(http, config.webhook_base, timeout=2.0), api,
                            config, rng=lambda: 1.0, **kw)


@pytest.fixture
def dispatcher(sm, http, config):
    return make_dispatcher(sm, http, config)


async def register(sm, config, rules, openid="o-payer-1", now=T0, **changes) -> Case:
    async with sm() as session:
        case = await register_case(session, openid=openid, fields=fields_for(**changes),
                                   config=config, rules=rules, now=now)
        await session.commit()
        return case


async def drain(dispatcher, now, rounds: int = 10) -> int:
    """run_once until nothing more is due at ``now``."""
    total = 0
    for _ in range(rounds):
        done = await dispatcher.run_once(now=now)
        total += done
        if not done:
            break
    return total


async def set_last_message(sm, openid: str, at: datetime | None) -> None:
    async with sm() as session:
        payer = await session.get(Payer, openid) or Payer(openid=openid)
        payer.last_message_at = at
        payer.subscribed = True
        session.add(payer)
        await session.commit()


async def new_case(server, rules, openid="o-payer", now=None, **changes) -> Case:
    """A case registered in the running app; the outbox is woken so its cards go out."""
    async with server.app["services"].sessionmaker() as session:
        case = await register_case(session, openid=openid, fields=fields_for(**changes),
                                   config=server.app["config"], rules=rules, now=now)
        await session.commit()
    server.app["outbox"].notify()
    return case


async def events(sm, case: Case) -> list[CaseEvent]:
    async with sm() as session:
        rows = await session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                     .order_by(CaseEvent.id))
        return list(rows.scalars())


def card_texts(fake_webhook, key: str) -> list[str]:
    out = []
    for body in fake_webhook.to_key(key):
        out.append(body.get("markdown", body.get("text", {})).get("content", ""))
    return out


# --- numbering ------------------------------------------------------------------------


async def test_case_numbers_are_readable_and_restart_each_beijing_day(sm, config, rules):
    first = await register(sm, config, rules, now=T0)
    second = await register(sm, config, rules, now=T0 + timedelta(hours=1))
    # 2026-11-23 16:30 UTC is already 2026-11-24 00:30 in Beijing: a new day, a new counter.
    next_day = await register(sm, config, rules, now=datetime(2026, 11, 23, 16, 30,
                                                                tzinfo=timezone.utc))
    assert [first.case_no, second.case_no, next_day.case_no] == [
        "ZY20261123-0001", "ZY20261123-0002", "ZY20261124-0001"]


async def test_case_numbers_stay_unique_under_concurrent_registration(config, rules):
    engines = [make_engine(config.database_url) for _ in range(3)]
    makers = [make_sessionmaker(e) for e in engines]
    try:
        cases = await asyncio.gather(*(
            register(makers[i % 3], config, rules, openid=f"o-{i}") for i in range(24)))
    finally:
        for engine in engines:
            await engine.dispose()
    numbers = sorted(c.case_no for c in cases)
    assert numbers == [f"ZY20261123-{n:04d}" for n in range(1, 25)]


# --- routing and what registration writes ---------------------------------------------


async def test_registration_writes_history_and_cards_without_a_payer_notice(sm, config, rules):
    """The dialogue's own reply tells the payer the number; "已受理" comes when the lead
    agency accepts the case."""
    case = await register(sm, config, rules)
    async with sm() as session:
        events = await events_of(session, case)
        rows = (await session.execute(select(OutboxItem).order_by(OutboxItem.id))).scalars()
        rows = list(rows)
    assert case.status == "assigned" and case.lead_agency == "tax"
    assert case.district == "增城区" and case.deadline == datetime(
        2026, 11, 30, 2, 0, tzinfo=timezone.utc)  # five working days, same time of day
    assert [(e.kind, e.actor) for e in events] == [("registered", "system"),
                                                   ("assigned", "system")]
    assert [(r.channel, r.target) for r in rows] == [("webhook", "dev-key-zc-tax")]


async def test_rolled_back_registration_leaves_no_case_and_no_message(sm, config, rules):
    async with sm() as session:
        await register_case(session, openid="o-x", fields=fields_for(), config=config,
                            rules=rules, now=T0)
        await session.rollback()
    async with sm() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
        assert await session.scalar(select(func.count()).select_from(OutboxItem)) == 0


@pytest.mark.parametrize(("category", "jurisdiction", "text", "keys"), [
    ("late_fee", "新塘镇", "滞纳金", ["dev-key-zc-tax"]),
    ("contribution_base", "增城区", "单位按最低基数给我交", ["dev-key-zc-hrss", "dev-key-zc-tax"]),
    ("assessed_amount", "荔城街道", "医保核定的金额不对", ["dev-key-zc-healthcare",
                                                         "dev-key-zc-hrss", "dev-key-zc-tax"]),
    ("late_fee", "天河区", "滞纳金", ["dev-key-transfer"]),
])
async def test_cards_go_to_the_groups_of_category_and_jurisdiction(
        sm, config, rules, dispatcher, fake_webhook, category, jurisdiction, text, keys):
    case = await register(sm, config, rules, category=category, jurisdiction=jurisdiction,
                          description=text)
    await drain(dispatcher, T0)
    assert sorted({p["key"] for p in fake_webhook.posts.requests}) == sorted(keys)
    for key in keys:
        assert case.case_no in card_texts(fake_webhook, key)[0]


async def test_cards_received_by_the_group_mask_phone_and_id(
        sm, config, rules, dispatcher, fake_webhook):
    await register(sm, config, rules, description=f"身份证{ID_NUMBER}，电话 {PHONE}")
    await drain(dispatcher, T0)
    posted = str(fake_webhook.posts.requests)
    assert PHONE not in posted and ID_NUMBER not in posted and "张三" not in posted
    assert "138****5678" in posted and "张*" in posted


async def test_major_case_goes_to_the_leadership_group_with_all(
        sm, config, rules, dispatcher, fake_webhook):
    case = await register(sm, config, rules, severity="major",
                          severity_reasons=["headcount:120", "protest"])
    await drain(dispatcher, T0)
    leadership = fake_webhook.to_key("dev-key-leadership")
    assert leadership[0]["msgtype"] == "markdown" and case.case_no in str(leadership[0])
    assert leadership[1]["text"]["mentioned_list"] == ["@all"]
    assert "leadership_office" in case.co_agencies


# --- payer-side look-ups --------------------------------------------------------------


async def test_payer_lookups_only_return_the_payers_own_cases(sm, config, rules):
    mine = await register(sm, config, rules, openid="o-me")
    other = await register(sm, config, rules, openid="o-other")
    async with sm() as session:
        assert (await case_for_payer(session, "o-me", mine.case_no)).id == mine.id
        assert await case_for_payer(session, "o-me", other.case_no) is None
        assert (await find_open_case(session, "o-me", "late_fee")).id == mine.id
        assert await find_open_case(session, "o-me", "refund") is None
        assert [c.case_no for c in await cases_of(session, "o-me")] == [mine.case_no]


async def test_supplement_is_recorded_clears_awaiting_info_and_tells_the_lead_group(
        sm, config, rules, dispatcher, fake_webhook):
    case = await register(sm, config, rules)
    async with sm() as session:
        case = await session.get(Case, case.id)
        case.awaiting_info = True
        await add_supplement(session, case, f"补充：工资条已拍照，电话{PHONE}", actor="payer",
                             media_ids=["media-2"], config=config, now=T0)
        await session.commit()
    async with sm() as session:
        case = await session.get(Case, case.id)
        kinds = [e.kind for e in await events_of(session, case)]
        assert await session.scalar(select(func.count()).select_from(CaseEvent)) == 3
    assert case.awaiting_info is False and case.evidence == ["media-1", "media-2"]
    assert kinds[-1] == "supplement"
    await drain(dispatcher, T0)
    texts = card_texts(fake_webhook, "dev-key-zc-tax")
    assert "缴费人补充材料" in texts[-1] and PHONE not in texts[-1]


async def test_supplement_and_reopen_notes_keep_payer_text_inside_their_quote(
        sm, config, rules, dispatcher, fake_webhook):
    """Regression: a multi-line supplement ended the quote after its first line, so the
    rest ("# …", "**…**") rendered as free markdown; the notes now also say where to act."""
    from routing.cases import reopen_case

    case = await register(sm, config, rules)
    async with sm() as session:
        case = await session.get(Case, case.id)
        await add_supplement(session, case, "第一行\n# 标题\n**加粗**\n\n\n> 引用",
                             actor="payer", media_ids=["media-9"], config=config, now=T0)
        await reopen_case(session, case, "还是没退\n# 没解决", config=config, now=T0)
        await session.commit()
    await drain(dispatcher, T0)
    supplement, reopened = card_texts(fake_webhook, "dev-key-zc-tax")[-2:]
    quote = supplement.split("\n\n")[0].splitlines()[1:]
    assert quote[0] == "> 第一行" and all(line.startswith("> ") for line in quote)
    assert "> ＃ 标题" in quote and "> ＊＊加粗＊＊" in quote and "> ＞ 引用（另附 1 张图片）" in quote
    assert f"/console/cases/{case.case_no}" in supplement
    assert "\n" not in reopened.split("（", 1)[1].split("）", 1)[0]  # reason on one line
    assert "还是没退 ＃ 没解决" in reopened and f"/console/cases/{case.case_no}" in reopened
