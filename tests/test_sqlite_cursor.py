"""Sessions on the embedded SQLite database hand each statement to aiosqlite's thread once
(bot/store/sqlite_cursor.py), and what SQLAlchemy reads from the cursor afterwards is
still right: rows, RETURNING, rowcount, new primary keys, errors, partial fetches."""
from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Case, DialogueState, Payer, utcnow


@pytest.fixture
def db_url(tmp_path):
    """SQLite only (no PostgreSQL variant to skip): the one-hop cursor is aiosqlite's."""
    return f"sqlite+aiosqlite:///{tmp_path}/bot.db"


@pytest.fixture
async def sm(config):
    engine = make_engine(config.database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def hops(monkeypatch):
    """Calls into aiosqlite's queue, by function (wrapping the library's own method)."""
    import aiosqlite.core

    calls: list[str] = []
    original = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", "?"))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return calls


async def test_a_statement_is_one_hand_off_to_the_sqlite_thread(sm, hops):
    """SQLAlchemy's adapter made four (open a cursor, execute, fetch, close)."""
    async with sm() as session:
        await session.execute(text("SELECT 1"))
        hops.clear()
        for _ in range(5):
            assert (await session.execute(text("SELECT 41 + 1"))).scalar() == 42
        assert len(hops) == 5


async def test_a_session_that_only_read_ends_without_a_hand_off(sm, hops):
    """Its rollback, and the pool's reset when the connection went back, were two more."""
    async with sm() as session:
        await session.execute(text("SELECT 1"))
    hops.clear()
    async with sm() as session:
        await session.scalar(select(Payer).where(Payer.openid == "o-read-only"))
    assert len(hops) == 1
    async with sm() as session:
        session.add(Payer(openid="o-read-only", last_message_at=utcnow()))
        await session.commit()
    assert len(hops) == 3  # the insert and its commit; no reset afterwards
    async with sm() as session:
        session.add(Payer(openid="o-rolled-back", last_message_at=utcnow()))
        await session.flush()
        await session.rollback()
    async with sm() as session:  # a write that was rolled back is gone
        assert await session.get(Payer, "o-rolled-back") is None
        assert await session.get(Payer, "o-read-only") is not None


async def test_orm_reads_writes_and_counts_come_back_right(sm):
    now = utcnow()
    async with sm() as session:
        state = DialogueState(openid="o-cursor", slots={"a": 1}, pending={}, version=0)
        session.add(state)
        session.add(Payer(openid="o-cursor", last_message_at=now))
        await session.commit()
    async with sm() as session:
        loaded = await session.get(DialogueState, "o-cursor")
        assert loaded.slots == {"a": 1}
        changed = await session.execute(update(DialogueState)
                                        .where(DialogueState.openid == "o-cursor")
                                        .values(version=DialogueState.version + 1))
        assert changed.rowcount == 1
        missing = await session.execute(update(DialogueState)
                                        .where(DialogueState.openid == "nobody")
                                        .values(version=1))
        assert missing.rowcount == 0
        returned = await session.execute(
            update(DialogueState).where(DialogueState.openid == "o-cursor")
            .values(version=DialogueState.version + 1).returning(DialogueState.version))
        assert returned.scalar_one() == 2
        await session.commit()


async def test_new_rows_get_their_keys_and_several_rows_fetch_in_parts(sm):
    async with sm() as session:
        for i in range(3):
            session.add(Case(case_no=f"ZY20261126-09{i:02d}", openid="o-cursor-keys",
                             category="arrears", severity="general", status="registered",
                             created_at=utcnow(), updated_at=utcnow()))
        await session.flush()
        ids = (await session.execute(select(Case.id).where(
            Case.openid == "o-cursor-keys").order_by(Case.id))).scalars().all()
        assert len(ids) == 3 and len(set(ids)) == 3
        result = await session.execute(select(Case.case_no).where(
            Case.openid == "o-cursor-keys").order_by(Case.id))
        assert result.fetchmany(2) + result.fetchmany(2) == [
            ("ZY20261126-0900",), ("ZY20261126-0901",), ("ZY20261126-0902",)]
        many = await session.execute(insert(Payer).returning(Payer.openid), [
            {"openid": f"o-cursor-{i}", "last_message_at": utcnow()} for i in range(4)])
        assert sorted(many.scalars().all()) == [f"o-cursor-{i}" for i in range(4)]
        await session.commit()
    async with sm() as session:
        assert await session.scalar(select(func.count()).select_from(Case).where(
            Case.openid == "o-cursor-keys")) == 3


async def test_an_error_is_the_drivers_error_and_the_session_goes_on(sm):
    async with sm() as session:
        session.add(Payer(openid="o-cursor-dup", last_message_at=utcnow()))
        await session.commit()
    async with sm() as session:
        session.add(Payer(openid="o-cursor-dup", last_message_at=utcnow()))
        with pytest.raises(IntegrityError):
            await session.commit()
        await session.rollback()
        assert (await session.execute(text("SELECT 7"))).scalar() == 7
