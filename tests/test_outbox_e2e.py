"""End to end: a payer files through the encrypted WeChat gateway, the outbox running inside
the app delivers the card to the liaison group, and the payer hears "已受理" once the lead
agency accepts it."""
from __future__ import annotations

import asyncio
import re

import pytest

from tests.conftest import make_platform
from tests.test_dialogue import ANSWERS, finish_form, say

CASE_NO = re.compile(r"[A-Z]{2,4}\d{8}-\d{4}")


@pytest.fixture
def routed_server(bot_server):
    return bot_server


async def test_a_case_filed_in_the_dialogue_reaches_its_group_and_the_payer(
        routed_server, http, config, fake_webhook, fake_api):
    platform = make_platform(http, routed_server, config)
    openid = "o-e2e"
    reply = await say(platform, openid,
                      "我叫张三电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    await finish_form(platform, openid, reply, ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()

    await fake_webhook.posts.wait_for(2)
    tax = str(fake_webhook.to_key("dev-key-zc-tax"))
    assert case_no in tax and "13812345678" not in tax and "138****5678" in tax
    assert case_no in str(fake_webhook.to_key("dev-key-zc-hrss"))
    assert not fake_api.texts_to(openid)

    headers = {"Authorization": "Bearer dev-token-tax"}
    async with http.post(routed_server.make_url(f"/api/cases/{case_no}/accept"),
                         headers=headers) as resp:
        assert resp.status == 200
    await fake_api.messages.wait_for(1)
    assert any(case_no in text and "已受理" in text for text in fake_api.texts_to(openid))



async def test_a_reply_past_the_budget_goes_through_the_outbox(
        aiohttp_server, http, config, models, fake_api):
    """Past the passive-reply budget the platform gets ``success``; the answer becomes an
    outbox row (so it survives a restart) and reaches the payer as a customer-service text."""
    import dataclasses

    from sqlalchemy import select

    from bot.app import build_app
    from bot.store.models import OutboxItem

    slow = dataclasses.replace(config, reply_budget=0.001)
    server = await aiohttp_server(build_app(slow, models=models))
    platform = make_platform(http, server, slow)
    openid = "o-late"
    assert await say(platform, openid, "滞纳金怎么算") == ""
    await fake_api.messages.wait_for(1)
    [late] = fake_api.texts_to(openid)
    assert "万分之五" in late
    for _ in range(50):  # the row is marked sent just after the API answered
        async with server.app["services"].sessionmaker() as session:
            [row] = (await session.execute(
                select(OutboxItem).where(OutboxItem.target == openid))).scalars()
        if row.status == "sent":
            break
        await asyncio.sleep(0.1)
    assert row.payload == {"kind": "reply", "text": late} and row.status == "sent"
