"""Another process holding SQLite's write lock under the gateway, the outbox and /healthz:
messages wait and are handled once, cards go once, /healthz says messages are waiting.
SQLite only (no PostgreSQL variant to skip): the lock held here is SQLite's file lock.
Moved from test_faults_fresh2 (round 2 of the faults)."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.simulator import text_xml
from tests import test_cases as base
from tests import test_faults_fresh as fresh
from tests.test_cases import T0, card_texts, drain, register
from tests.test_faults_fresh import TAX, robot_dispatcher
from tests.test_gateway import processed_count
from tests.test_outbox import rows

engine, rules, sm = base.engine, base.rules, base.sm
robot = fresh.robot


@pytest.fixture(scope="module")
def models():
    """The lock is the subject, not the classifier: the fallback answers."""
    return (None, None)


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite+aiosqlite:///{tmp_path}/bot.db"


def hold_write_lock(url: str, seconds: float) -> threading.Thread:
    """Another process's writer: BEGIN IMMEDIATE on the SQLite file for ``seconds``."""
    path = make_url(url).database
    ready = threading.Event()

    def hold():
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    ready.wait(5)
    return thread


async def test_a_database_locked_for_a_second_delays_but_loses_nothing(platform, config):
    holder = hold_write_lock(config.database_url, 1.0)
    delivery = await platform.post(text_xml("o-locked", "你好", msg_id=4401))
    await asyncio.to_thread(holder.join)
    assert delivery.status in (200, 503)
    again = await platform.post(text_xml("o-locked", "你好", msg_id=4401))
    assert again.status == 200
    assert await processed_count(config.database_url) == 1
    assert delivery.reply or again.reply


async def test_healthz_answers_within_its_timeout_while_the_database_is_locked(
        http, bot_server, config):
    holder = hold_write_lock(config.database_url, 4.0)
    started = time.monotonic()
    async with http.get(bot_server.make_url("/healthz")) as resp:
        assert resp.status in (200, 503)
    assert time.monotonic() - started < 3.5
    await asyncio.to_thread(holder.join)


async def test_a_lock_longer_than_wechat_waits_is_answered_on_the_resend_once(
        http, bot_server, config, platform):
    """WeChat gives up on an answer after 5 s and resends: the message is handled once and
    the resend (or a customer-service message) carries the answer."""
    xml = text_xml("o-long-lock", "你好", msg_id=4402)
    q = platform.query()
    body = platform.envelope(xml, q)
    holder = hold_write_lock(config.database_url, 6.0)
    with pytest.raises(asyncio.TimeoutError):
        async with http.post(bot_server.make_url("/wechat"), params=q, data=body,
                             timeout=aiohttp.ClientTimeout(total=5)) as resp:
            await resp.read()
    resend = await platform.post(xml)
    await asyncio.to_thread(holder.join)
    assert resend.status in (200, 503)
    if resend.status == 503:
        resend = await platform.post(xml)
    assert resend.status == 200
    assert await processed_count(config.database_url) == 1


async def test_healthz_reports_messages_waiting_on_a_locked_database(http, bot_server, config,
                                                                    platform):
    """SELECT 1 still works while another process holds the write lock (WAL lets readers
    in), so /healthz said "ok" while every message waited for the lock."""
    holder = hold_write_lock(config.database_url, 4.0)
    waiting = asyncio.create_task(platform.post(text_xml("o-health-lock", "你好", msg_id=4403)))
    await asyncio.sleep(2.5)
    async with http.get(bot_server.make_url("/healthz")) as resp:
        status, doc = resp.status, await resp.json()
    await asyncio.to_thread(holder.join)
    assert (await waiting).status == 200
    assert status == 503 and doc.get("database"), doc
    async with http.get(bot_server.make_url("/healthz")) as resp:
        assert resp.status == 200


async def test_cards_wait_out_a_locked_database_and_go_once(sm, config, rules, http, robot):
    case = await register(sm, config, rules)
    holder = hold_write_lock(config.database_url, 1.5)
    await drain(robot_dispatcher(sm, http, config, robot), T0)
    await asyncio.to_thread(holder.join)
    await drain(robot_dispatcher(sm, http, config, robot), T0 + timedelta(minutes=15))
    assert [case.case_no in t for t in card_texts(robot, TAX)] == [True]
    assert (await rows(sm, "webhook"))[0].status == "sent"
