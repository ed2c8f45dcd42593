"""Storage behaviour that differs between backends, checked on SQLite and on PostgreSQL.

Every test here takes ``db_url``, so it runs once per backend; the PostgreSQL variant needs
TEST_DATABASE_URL (``.ci/run`` starts a server and sets it).
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from bot.simulator import text_xml
from bot.store.batch import GroupCommit
from bot.store.db import make_engine, make_sessionmaker
from bot.store.dedup import DedupStore
from bot.store.migrate import upgrade
from bot.store.models import Base, Case, CaseEvent, DialogueState, OutboxItem
from bot.store.tokens import TokenStore

ROOT = Path(__file__).resolve().parent.parent


async def _with_engine(db_url, body):
    engine = make_engine(db_url)
    try:
        return await body(engine, make_sessionmaker(engine))
    finally:
        await engine.dispose()


def _cli(*args: str, db_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, check=False,
                          capture_output=True, text=True, timeout=120)


async def test_db_upgrade_command_creates_every_model_table(db_url):
    result = await asyncio.to_thread(_cli, "db", "upgrade", db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "database at head" in result.stdout

    async def check(engine, _sm):
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            version = (await conn.execute(text("SELECT version_num FROM alembic_version")))
            return tables, version.scalar_one()

    tables, version = await _with_engine(db_url, check)
    assert set(Base.metadata.tables) <= tables
    assert version


async def test_migrations_go_down_to_base_and_up_again(db_url):
    await asyncio.to_thread(upgrade, db_url)
    from alembic import command

    from bot.store.migrate import alembic_config

    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "base")

    async def tables(engine, _sm):
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))

    assert not set(Base.metadata.tables) & await _with_engine(db_url, tables)
    await asyncio.to_thread(upgrade, db_url)
    assert set(Base.metadata.tables) <= await _with_engine(db_url, tables)


async def test_schema_matches_models_after_migrations(db_url):
    """No drift between bot/store/models.py and the Alembic revisions on this backend."""
    await asyncio.to_thread(upgrade, db_url)
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def diff(conn):
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)

    async def run(engine, _sm):
        async with engine.connect() as conn:
            return await conn.run_sync(diff)

    assert await _with_engine(db_url, run) == []


async def test_json_columns_round_trip_unicode_and_nesting(config):
    slots = {"诉求": "补缴社保", "金额": 12345.5, "人数": 3, "证据": ["合同.pdf", {"页": 2}],
             "确认": True, "空": None}

    async def body(_engine, sm):
        async with sm() as session:
            session.add(DialogueState(openid="o-json", slots=slots, pending={"ask": ["a", "b"]}))
            case = Case(case_no="ZY20260101-0001", openid="o-json", severity_reasons=["多人"],
                        evidence=[{"media_id": "m1", "kind": "image"}], co_agencies=["hrss"])
            session.add(case)
            await session.flush()
            session.add(CaseEvent(case_id=case.id, actor="bot", kind="created",
                                  detail={"路由": ["tax", "hrss"]}))
            session.add(OutboxItem(channel="wecom", target="k", payload={"msgtype": "markdown",
                                   "markdown": {"content": "**案件** ZY…"}}, case_id=case.id))
            await session.commit()
        async with sm() as session:
            state = await session.get(DialogueState, "o-json")
            case = (await session.execute(select(Case))).scalar_one()
            event = (await session.execute(select(CaseEvent))).scalar_one()
            item = (await session.execute(select(OutboxItem))).scalar_one()
            return state, case, event, item

    state, case, event, item = await _with_engine(config.database_url, body)
    assert state.slots == slots and state.pending == {"ask": ["a", "b"]}
    assert case.evidence == [{"media_id": "m1", "kind": "image"}]
    assert case.severity_reasons == ["多人"] and case.co_agencies == ["hrss"]
    assert event.detail == {"路由": ["tax", "hrss"]}
    assert item.payload["markdown"]["content"] == "**案件** ZY…"


async def test_datetimes_come_back_timezone_aware_in_utc(config):
    beijing = timezone(timedelta(hours=8))
    aware = datetime(2026, 3, 6, 17, 30, tzinfo=beijing)
    naive = datetime(2026, 3, 6, 9, 30)  # naive means UTC by convention

    async def body(_engine, sm):
        async with sm() as session:
            session.add(Case(case_no="ZY-A", openid="o-a", deadline=aware))
            session.add(Case(case_no="ZY-N", openid="o-n", deadline=naive))
            await session.commit()
        async with sm() as session:
            rows = (await session.execute(select(Case).order_by(Case.case_no))).scalars().all()
            due = (await session.execute(
                select(Case.case_no).where(Case.deadline <= datetime(2026, 3, 6, 9, 30,
                                                                     tzinfo=timezone.utc))
            )).scalars().all()
            return rows, due

    rows, due = await _with_engine(config.database_url, body)
    for row in rows:
        assert row.deadline.utcoffset() == timedelta(0)
        assert row.deadline == datetime(2026, 3, 6, 9, 30, tzinfo=timezone.utc)
        assert row.created_at.tzinfo is not None
    assert sorted(due) == ["ZY-A", "ZY-N"]


async def test_dedup_claim_is_exclusive_across_engines(config):
    """Two workers (two engines) claiming one key at once: exactly one wins."""
    engines = [make_engine(config.database_url) for _ in range(2)]
    batches = [GroupCommit(e) for e in engines]
    try:
        stores = [DedupStore(make_sessionmaker(e), b) for e, b in zip(engines, batches)]
        results = await asyncio.gather(*(stores[i % 2].claim("o-x:1") for i in range(6)))
        assert sum(r is None for r in results) == 1
        assert all(r.state == "processing" for r in results if r is not None)
        await stores[0].finish("o-x:1", "replied", "好的")
        assert (await stores[1].get("o-x:1")).reply == "好的"
    finally:
        for batch, engine in zip(batches, engines):
            await batch.close()
            await engine.dispose()


async def test_token_refresh_is_done_by_one_of_many_workers(config):
    engines = [make_engine(config.database_url) for _ in range(3)]
    calls = 0

    async def fetch():
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.2)
        return f"tok-{calls}", 7200

    try:
        stores = [TokenStore(make_sessionmaker(e)) for e in engines]
        tokens = await asyncio.gather(*(s.get(fetch) for s in stores))
    finally:
        for engine in engines:
            await engine.dispose()
    assert calls == 1 and set(tokens) == {"tok-1"}


FORM = {
    "希望怎么处理": "要求单位补缴", "时间段或金额": "跳过", "问题类型": "1", "哪个区": "新塘镇",
    "单位": "广州宏达电子厂", "称呼": "李四", "电话": "13912345678", "问题": "公司没给我交社保",
}


async def test_headcount_beyond_a_database_integer_is_not_a_crash(platform):
    """A payer who types a phone number as the head count must get a question back, not the
    apology: PostgreSQL's INTEGER is 32-bit, SQLite's is not."""
    from bot.gateway import SORRY

    openid = "o-pg-headcount"
    reply = (await platform.post(text_xml(openid, "我要反映公司不交社保的问题"))).reply or ""
    for _ in range(12):
        if "几个人" in reply:
            break
        cue = next((c for c in FORM if c in reply), None)
        assert cue, f"unexpected question: {reply}"
        reply = (await platform.post(text_xml(openid, FORM[cue]))).reply or ""
    else:
        pytest.fail("the form never asked for the head count")
    reply = (await platform.post(text_xml(openid, "13907444398"))).reply or ""
    for _ in range(12):  # whatever follows: finish the form and confirm it
        if reply == SORRY or "请核对" in reply or "几个人" in reply or "人数" in reply:
            break
        cue = next((c for c in FORM if c in reply), None)
        assert cue, f"unexpected question: {reply}"
        reply = (await platform.post(text_xml(openid, FORM[cue]))).reply or ""
    if "请核对" in reply:
        reply = (await platform.post(text_xml(openid, "确认"))).reply or ""
    assert reply and reply != SORRY


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_messages_right_after_the_database_dropped_its_connections_are_answered(
        platform, config):
    """A PostgreSQL restart (here: every backend terminated) leaves the pool's connections
    dead; with no pre-ping, the next message's first statement finds out, and it is still
    answered — not a 503, not the apology."""
    import asyncpg

    from bot.gateway import SORRY
    from tests.conftest import _asyncpg_dsn

    openid = "o-pg-restart"
    assert (await platform.post(text_xml(openid, "我要查进度"))).reply
    admin = await asyncpg.connect(_asyncpg_dsn(config.database_url))
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    finally:
        await admin.close()
    assert killed >= 1
    for message in ("滞纳金怎么算", "进度", "我要反映公司不交社保的问题"):
        delivery = await platform.post(text_xml(openid, message))
        assert delivery.status == 200 and delivery.reply and delivery.reply != SORRY, message
