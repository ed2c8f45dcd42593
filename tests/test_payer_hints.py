"""What a payer said a few minutes ago (the policy question last answered, a story told before
a form) is read with their next message on whichever worker it reaches, and after a restart:
it lives in the database (bot/store/hints.py), not in one process. Another worker reading
it: tests/test_multiworker.py."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.app import build_app
from bot.store import hints
from bot.store.models import PayerHint, utcnow
from tests.conftest import make_platform
from tests.test_dialogue import say
from tests.test_policy_followups import FLEXIBLE_PAYMENT

STORY = "我在厂里干了五年，公司一直没给我买社保，现在离职了，这种情况怎么办"


async def _settled(server) -> None:
    """The hint is written without holding up the reply; a payer's next message comes
    seconds later, a test's at once."""
    await server.app["services"].batch.flush()


async def _hint_rows(server) -> int:
    async with server.app["services"].sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(PayerHint))


async def test_a_story_told_before_a_restart_becomes_the_description_after_it(
        aiohttp_server, http, config, models):
    first = await aiohttp_server(build_app(config, models=models))
    assert "反映问题" in await say(make_platform(http, first, config), "hint-story", STORY)
    await _settled(first)
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, second, config)
    reply = await say(platform, "hint-story", "反映问题")
    assert "已把您刚才说的情况记为问题描述" in reply and "请用几句话" not in reply
    await _settled(second)
    assert "已把您刚才说的情况" not in await say(platform, "hint-story-other", "反映问题")


async def test_a_hint_past_its_minutes_is_not_used_and_is_purged(bot_server, http, config):
    platform = make_platform(http, bot_server, config)
    await say(platform, "hint-old", "灵活就业社保怎么交")
    await _settled(bot_server)
    engine = bot_server.app["services"].sessionmaker.kw["bind"]
    async with engine.begin() as conn:
        await conn.execute(update(PayerHint).values(until=utcnow() - timedelta(seconds=1)))
    reply = await say(platform, "hint-old", "一个月大概多少钱")
    assert FLEXIBLE_PAYMENT not in reply
    assert await hints.purge(engine) == 1
    assert await _hint_rows(bot_server) == 0


async def test_payers_who_asked_nothing_cost_no_hint_rows(bot_server, http, config):
    platform = make_platform(http, bot_server, config)
    for message in ("你好", "进度", "谢谢"):
        await say(platform, "hint-none", message)
    await _settled(bot_server)
    assert await _hint_rows(bot_server) == 0
