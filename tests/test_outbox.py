"""The outbox dispatcher against the fake WeCom robots and the fake WeChat API (127.0.0.1):
order per key, retries, restarts, rate limit, failures, several workers, payer notices."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update

from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Case, OutboxItem
from routing.actions import accept
from routing.notices import enqueue_notice
from tests import test_cases as base
from tests.test_cases import (
    T0,
    card_texts,
    drain,
    make_dispatcher,
    register,
    set_last_message,
)

# Fixtures shared with test_cases.py (assigned, not imported, so linters see them used).
dispatcher, engine, rules, sm = base.dispatcher, base.engine, base.rules, base.sm

TAX = "dev-key-zc-tax"


async def register_accepted(sm, config, rules, openid: str) -> Case:
    """A registered case its lead agency has accepted: the payer is owed "已受理"."""
    case = await register(sm, config, rules, openid=openid)
    async with sm() as session:
        case = await accept(session, case.lead_agency, case.case_no, config=config, now=T0)
        await session.commit()
        return case


def errcode(code: int) -> str:
    """An errcode answer for the fakes' ``fail_next``: bot/simulator.py reads every int >= 400
    as an HTTP status, so platform errcodes (45009, 93000, 43004…) are passed as strings;
    both clients read the errcode with int()."""
    return str(code)


async def rows(sm, channel: str | None = None) -> list[OutboxItem]:
    async with sm() as session:
        query = select(OutboxItem).order_by(OutboxItem.id)
        if channel:
            query = query.where(OutboxItem.channel == channel)
        return list((await session.execute(query)).scalars())


def case_numbers_in(texts: list[str], numbers: list[str]) -> list[str]:
    """For each card text, the case number it carries (in the order received)."""
    return [next(n for n in numbers if n in text) for text in texts]


# --- webhook deliveries -------------------------------------------------------------------


async def test_every_card_arrives_in_order_per_key_after_503s(
        sm, config, rules, dispatcher, fake_webhook):
    fake_webhook.down = True
    cases = []
    for i in range(4):
        category = "contribution_base" if i % 2 else "late_fee"  # hrss + tax, or tax only
        cases.append(await register(sm, config, rules, openid=f"o-{i}", category=category,
                                    description="基数"))
    now = T0
    for _ in range(3):
        await drain(dispatcher, now)
        now += timedelta(minutes=12)  # beyond the 600 s backoff cap
    assert fake_webhook.posts.requests == []
    assert all(r.status == "pending" for r in await rows(sm, "webhook"))
    fake_webhook.down = False
    await drain(dispatcher, now)
    numbers = [c.case_no for c in cases]
    assert case_numbers_in(card_texts(fake_webhook, TAX), numbers) == numbers
    assert case_numbers_in(card_texts(fake_webhook, "dev-key-zc-hrss"), numbers) == [
        numbers[1], numbers[3]]
    assert all(r.status == "sent" for r in await rows(sm))


async def test_pending_deliveries_resume_after_a_restart(
        config, rules, http, fake_webhook):
    engine = make_engine(config.database_url)
    sm = make_sessionmaker(engine)
    fake_webhook.down = True
    cases = [await register(sm, config, rules, openid=f"o-{i}") for i in range(3)]
    await drain(make_dispatcher(sm, http, config), T0)
    await engine.dispose()  # the process stops with three cards undelivered

    fake_webhook.down = False
    engine = make_engine(config.database_url)
    try:
        sm = make_sessionmaker(engine)
        await drain(make_dispatcher(sm, http, config), T0 + timedelta(minutes=5))
        assert {r.status for r in await rows(sm)} == {"sent"}
    finally:
        await engine.dispose()
    numbers = [c.case_no for c in cases]
    assert case_numbers_in(card_texts(fake_webhook, TAX), numbers) == numbers


async def test_a_crashed_workers_claim_expires_and_its_row_is_sent_once(
        sm, config, rules, http, fake_webhook):
    case = await register(sm, config, rules)
    card = (await rows(sm, "webhook"))[0]
    async with sm() as session:  # what a worker that died mid-send leaves behind
        await session.execute(update(OutboxItem).where(OutboxItem.id == card.id)
                              .values(claimed_until=T0 + timedelta(seconds=60)))
        await session.commit()
    fresh = make_dispatcher(sm, http, config)
    await drain(fresh, T0 + timedelta(seconds=30))
    assert fake_webhook.to_key(TAX) == []
    await drain(fresh, T0 + timedelta(seconds=61))
    assert len(fake_webhook.to_key(TAX)) == 1 and case.case_no in card_texts(fake_webhook, TAX)[0]


async def test_at_most_20_messages_a_minute_per_robot_key(
        sm, config, rules, dispatcher, fake_webhook):
    cases = [await register(sm, config, rules, openid="o-busy") for _ in range(25)]
    await drain(dispatcher, T0)
    assert len(fake_webhook.to_key(TAX)) == 20
    await drain(dispatcher, T0 + timedelta(seconds=45))
    assert len(fake_webhook.to_key(TAX)) == 20
    await drain(dispatcher, T0 + timedelta(seconds=61))
    numbers = [c.case_no for c in cases]
    assert case_numbers_in(card_texts(fake_webhook, TAX), numbers) == numbers


async def test_the_rate_limit_holds_for_a_restarted_process(
        sm, config, rules, http, fake_webhook):
    for _ in range(25):
        await register(sm, config, rules, openid="o-busy")
    await drain(make_dispatcher(sm, http, config), T0)
    await drain(make_dispatcher(sm, http, config), T0 + timedelta(seconds=10))  # new limiter
    assert len(fake_webhook.to_key(TAX)) == 20


async def test_frequency_limit_45009_is_retried_after_a_minute(
        sm, config, rules, dispatcher, fake_webhook):
    fake_webhook.posts.fail_next = [errcode(45009)]
    await register(sm, config, rules)
    await drain(dispatcher, T0)
    card = (await rows(sm, "webhook"))[0]
    assert card.status == "pending" and card.attempts == 1
    assert card.next_attempt_at >= T0 + timedelta(seconds=60)
    await drain(dispatcher, T0 + timedelta(seconds=30))
    assert fake_webhook.to_key(TAX) == []
    await drain(dispatcher, T0 + timedelta(seconds=61))
    assert len(fake_webhook.to_key(TAX)) == 1


async def test_invalid_key_93000_is_not_retried_and_alerts_the_admin_group(
        sm, config, rules, dispatcher, fake_webhook):
    fake_webhook.posts.fail_next = [errcode(93000)]
    case = await register(sm, config, rules)
    await drain(dispatcher, T0)
    await drain(dispatcher, T0 + timedelta(hours=1))
    card = (await rows(sm, "webhook"))[0]
    assert card.status == "failed" and card.attempts == 1
    assert fake_webhook.to_key(TAX) == []
    [alert] = card_texts(fake_webhook, "dev-key-admin")
    assert "区税务局" in alert and "增城区" in alert and case.case_no in alert
    assert TAX not in alert


async def test_two_dispatchers_on_one_database_never_send_a_row_twice(
        config, rules, http, fake_webhook):
    engines = [make_engine(config.database_url) for _ in range(2)]
    try:
        sm1, sm2 = (make_sessionmaker(e) for e in engines)
        cases = [await register(sm1, config, rules, openid=f"o-{i}",
                                category="contribution_base", description="医保缴费基数")
                 for i in range(10)]  # three groups each: hrss, tax, healthcare
        fake_webhook.posts.delay = 0.01
        first, second = make_dispatcher(sm1, http, config), make_dispatcher(sm2, http, config)
        attempts = 0
        for _ in range(5):
            done = await asyncio.gather(first.run_once(now=T0), second.run_once(now=T0))
            attempts += sum(done)
        numbers = [c.case_no for c in cases]
        posts = [(p["key"], case_numbers_in([str(p["body"])], numbers)[0])
                 for p in fake_webhook.posts.requests]
        assert len(posts) == 30 and set(Counter(posts).values()) == {1}
        for key in ("dev-key-zc-hrss", "dev-key-zc-tax", "dev-key-zc-healthcare"):
            assert case_numbers_in(card_texts(fake_webhook, key), numbers) == numbers
        assert attempts == 30  # every card attempted exactly once
    finally:
        for engine in engines:
            await engine.dispose()


# --- payer notices -------------------------------------------------------------------------


async def test_notice_is_a_customer_service_message_when_the_payer_wrote_recently(
        sm, config, rules, dispatcher, fake_api):
    await set_last_message(sm, "o-recent", T0 - timedelta(hours=2))
    case = await register_accepted(sm, config, rules, openid="o-recent")
    await drain(dispatcher, T0)
    [text] = fake_api.texts_to("o-recent")
    assert case.case_no in text and "回复“进度”" in text
    assert fake_api.templates.requests == []


async def test_notice_is_a_template_message_after_48_hours(
        sm, config, rules, dispatcher, fake_api):
    await set_last_message(sm, "o-quiet", T0 - timedelta(hours=49))
    case = await register_accepted(sm, config, rules, openid="o-quiet")
    await drain(dispatcher, T0)
    assert fake_api.messages.requests == []
    [sent] = fake_api.templates.requests
    assert sent["touser"] == "o-quiet" and sent["template_id"] == "dev-template-case-status"
    assert sent["data"]["keyword1"]["value"] == case.case_no
    assert sent["data"]["keyword2"]["value"] == "已受理"


async def test_after_five_customer_service_notices_the_rest_go_as_templates(
        sm, config, rules, dispatcher, fake_api):
    await set_last_message(sm, "o-chatty", T0 - timedelta(hours=1))
    case = await register_accepted(sm, config, rules, openid="o-chatty")
    async with sm() as session:
        case = await session.get(Case, case.id)
        for i in range(6):
            await enqueue_notice(session, case, "info_requested", f"第{i}次补充", config=config,
                                 now=T0)
        await session.commit()
    await drain(dispatcher, T0)
    assert len(fake_api.texts_to("o-chatty")) == 5
    assert len(fake_api.templates.requests) == 2
    assert [r.payload["sent_via"] for r in await rows(sm, "wechat")] == ["custom"] * 5 + [
        "template"] * 2


async def test_unsubscribed_payer_43004_fails_without_retry(
        sm, config, rules, dispatcher, fake_api):
    await set_last_message(sm, "o-gone", T0 - timedelta(hours=1))
    fake_api.messages.fail_next = [errcode(43004)]
    await register_accepted(sm, config, rules, openid="o-gone")
    await drain(dispatcher, T0)
    await drain(dispatcher, T0 + timedelta(hours=1))
    [notice] = await rows(sm, "wechat")
    assert notice.status == "failed" and notice.attempts == 1
    assert fake_api.messages.requests == [] and fake_api.templates.requests == []


async def test_closed_customer_service_window_falls_back_to_a_template(
        sm, config, rules, dispatcher, fake_api):
    await set_last_message(sm, "o-window", T0 - timedelta(hours=1))
    fake_api.messages.fail_next = [errcode(45015)]
    await register_accepted(sm, config, rules, openid="o-window")
    await drain(dispatcher, T0)
    assert len(fake_api.templates.requests) == 1
    assert (await rows(sm, "wechat"))[0].payload["sent_via"] == "template"


async def test_wechat_api_outage_is_retried_with_backoff(
        sm, config, rules, dispatcher, fake_api):
    await set_last_message(sm, "o-retry", T0 - timedelta(hours=1))
    fake_api.messages.fail_next = [503, -1]
    await register_accepted(sm, config, rules, openid="o-retry")
    await drain(dispatcher, T0)
    notice = (await rows(sm, "wechat"))[0]
    assert notice.status == "pending" and notice.attempts == 1
    await drain(dispatcher, T0 + timedelta(seconds=3))  # backoff 2 s, then errcode -1
    await drain(dispatcher, T0 + timedelta(seconds=10))
    assert len(fake_api.texts_to("o-retry")) == 1
    assert (await rows(sm, "wechat"))[0].attempts == 3
