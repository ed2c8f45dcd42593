"""The per-message database work done together for all messages in flight (group commit),
and the form steps that run on a snapshot and save with a version check."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, select

from bot.handlers.base import Context
from bot.inbound import Inbound
from bot.store.batch import GroupCommit
from bot.store.case_reads import cases_of
from bot.store.db import make_engine, make_sessionmaker
from bot.store.dedup import DedupStore
from bot.store.dialogue import detached_state, save_state
from bot.store.models import Case, DialogueState, Payer
from bot.store.payers import touch_payer
from bot.store.snapshot import payer_snapshot
from tests.test_dialogue import say


@pytest.fixture
async def store(config):
    engine = make_engine(config.database_url)
    commits: list[int] = []
    batch = GroupCommit(engine)
    event.listen(batch.sync_engine, "commit", lambda conn: commits.append(1))
    yield engine, batch, commits
    await batch.close()
    await engine.dispose()


class Boom:
    writes = True

    def run(self, conn, items):
        raise RuntimeError("disk full")


async def test_concurrent_claims_share_a_transaction_and_one_copy_wins(store):
    engine, batch, commits = store
    dedup = DedupStore(make_sessionmaker(engine), batch)
    keys = [f"o-{i}:1" for i in range(40)] + ["o-7:1"] * 3
    results = await asyncio.gather(*(dedup.claim(key) for key in keys))
    assert [r is None for r in results].count(True) == 40
    copies = [results[7]] + results[40:]
    assert sum(r is None for r in copies) == 1
    assert all(r.state == "processing" for r in copies if r is not None)
    assert len(commits) < 5  # 43 claims, not 43 transactions


async def test_a_failing_batch_fails_every_waiter_and_writes_nothing(store):
    engine, batch, _ = store
    dedup = DedupStore(make_sessionmaker(engine), batch)
    outcomes = await asyncio.gather(batch.run(Boom(), None), dedup.claim("o-boom:1"),
                                    return_exceptions=True)
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert await dedup.claim("o-boom:1") is None  # rolled back, so the resend is handled


async def test_payer_contact_keeps_each_payers_latest_message(store):
    engine, batch, _ = store
    touch_payer(batch, Inbound(openid="o-left", kind="text", text="你好"))
    touch_payer(batch, Inbound(openid="o-left", kind="event", event="unsubscribe"))
    touch_payer(batch, Inbound(openid="o-stays", kind="text", text="你好"))
    await batch.flush()
    async with make_sessionmaker(engine)() as session:
        rows = {p.openid: p for p in (await session.execute(select(Payer))).scalars()}
    assert rows["o-left"].subscribed is False
    assert rows["o-stays"].subscribed is True and rows["o-stays"].last_message_at is not None


async def test_save_with_a_stale_version_is_refused(store):
    engine, batch, _ = store
    async with make_sessionmaker(engine)() as session:
        session.add(DialogueState(openid="o-v", form="dispute_form", slots={}, pending={},
                                  version=3))
        await session.commit()
    snapshot = await payer_snapshot(batch, "o-v")
    assert snapshot.in_form and snapshot.cases == 0
    first, second = detached_state(snapshot.state), detached_state(snapshot.state)
    first.version, first.slots = 4, {"name": "甲"}
    second.version, second.slots = 4, {"name": "乙"}
    assert await save_state(batch, first, read_version=3) is True
    assert await save_state(batch, second, read_version=3) is False
    async with make_sessionmaker(engine)() as session:
        assert (await session.get(DialogueState, "o-v")).slots == {"name": "甲"}


async def test_a_step_on_a_stale_snapshot_reruns_on_the_current_row(platform, server):
    """Another worker answered in between: its answer is kept, not overwritten."""
    openid = "o-stale-snapshot"
    services = server.app["services"]
    await say(platform, openid, "我要投诉单位")
    stale = await payer_snapshot(services.batch, openid)
    await say(platform, openid, "公司一直没给我交社保，已经半年了")
    ctx = Context(inbound=Inbound(openid=openid, kind="text", text="我叫王五"),
                  services=services, text="我叫王五", nlu=services.parser.parse("我叫王五"),
                  snapshot=stale)
    replies = await server.app["intake"].on_text(ctx)
    assert replies
    async with services.sessionmaker() as session:
        state = await session.get(DialogueState, openid)
    assert state.slots.get("description", "").startswith("公司一直没给我交社保")
    assert state.slots.get("name") == "王五"
    assert state.version == stale.state["version"] + 2


async def test_progress_asked_mid_form_on_the_locked_row_does_not_wait_for_a_connection(
        platform, server):
    """The locked rerun holds SQLite's only pooled connection: the progress answer inside it
    must use that session, not wait (60 s) for a second one."""
    from tests.test_followup import file_case

    openid = "o-stale-progress"
    services = server.app["services"]
    case_no = await file_case(platform, openid)
    await say(platform, openid, "我要投诉另一个单位")
    stale = await payer_snapshot(services.batch, openid)
    await say(platform, openid, "公司一直没给我交社保，已经半年了")
    ctx = Context(inbound=Inbound(openid=openid, kind="text", text="进度"),
                  services=services, text="进度", nlu=services.parser.parse("进度"),
                  snapshot=stale)
    replies = await asyncio.wait_for(server.app["intake"].on_text(ctx), 10)
    assert replies and case_no in replies[0]


async def test_cases_read_in_a_batch_are_each_payers_own_as_the_orm_reads_them(
        store, config):
    """The batch read behind 进度 gives each payer their own cases, newest first, with the
    same values a session's ORM load gives (times in UTC, JSON lists)."""
    from datetime import timedelta

    from routing.cases import cases_of as session_cases_of
    from routing.cases import default_rules
    from tests.test_cases import T0, register

    engine, batch, commits = store
    sm, rules = make_sessionmaker(engine), default_rules()
    for i, openid in enumerate(["o-reads-a", "o-reads-b", "o-reads-a"]):
        await register(sm, config, rules, openid=openid, now=T0 + timedelta(hours=i))
    commits.clear()
    mine, theirs, nobody = await asyncio.gather(
        cases_of(batch, "o-reads-a"), cases_of(batch, "o-reads-b"),
        cases_of(batch, "o-reads-none"))
    assert len(commits) == 1  # one batch for the three payers
    assert nobody == [] and [c.openid for c in theirs] == ["o-reads-b"]
    async with sm() as session:
        expected = await session_cases_of(session, "o-reads-a")
    assert [c.case_no for c in mine] == [c.case_no for c in expected]
    assert mine[0].created_at > mine[1].created_at
    columns = [c.key for c in Case.__table__.columns]
    assert ([[getattr(c, k) for k in columns] for c in mine]
            == [[getattr(c, k) for k in columns] for c in expected])
    assert mine[0].created_at.tzinfo is not None
