"""Sessions on the embedded SQLite database hand each statement to aiosqlite's thread once
(bot/store/sqlite_cursor.py), and what SQLAlchemy reads from the cursor afterwards is
still right: rows, RETURNING, rowcount, new primary keys, errors, partial fetches."""
from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import is_sqlite, make_engine, make_sessionmaker
from bot.store.models import Case, DialogueState, Payer, utcnow


@pytest.fixture
async def sm(config):
    if not is_sqlite(config.database_url):
        pytest.skip("the one-hop cursor is for aiosqlite only")
    engine = make_engine(config.database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


def count_hops(session_connection) -> list[int]:
    """Calls into aiosqlite's queue from now on (wrapping the library's own method)."""
    raw = session_connection.driver_connection
    calls = [0]
    original = raw._execute

    async def counted(fn, *args, **kwargs):
        calls[0] += 1
        return await original(fn, *args, **kwargs)

    raw._execute = counted
    return calls


async def test_a_statement_is_one_hand_off_to_the_sqlite_thread(sm):
    """SQLAlchemy's adapter made four (open a cursor, execute, fetch, close)."""
    async with sm() as session:
        connection = await session.connection()
        await connection.exec_driver_sql("SELECT 1")
        hops = count_hops(await connection.get_raw_connection())
        for _ in range(5):
            assert (await session.execute(text("SELECT 41 + 1"))).scalar() == 42
        assert hops[0] == 5


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
