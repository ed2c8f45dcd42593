"""Perf round 9: a form step's session commits in the hand-off of its last statement.

A form step that used a session (the registration, "1" to "is it the same matter?", a
repeated call-back request) ends with the state's compare-and-set and then the session's
commit: on SQLite two hand-offs to aiosqlite's thread, the second only to say COMMIT. With
:func:`bot.store.sqlite_cursor.commit_if_one_row` the compare-and-set that wins (one row
changed) commits on the thread in its own hand-off; the session's commit then finds no
transaction open and makes none. A compare-and-set that loses commits nothing and the step
rolls back as before; a session with ORM changes still to flush commits the old way.

The checks run the same work with the early commit switched off (the code before) and on,
compare replies and rows, count the hand-offs, and test the edges: one statement takes the
commit and no later one, a lost compare-and-set or a failing commit keeps nothing, what a
reply reports is stored before the reply is sent. On PostgreSQL nothing changes (the
conversation checks run there too, without the SQLite counts)."""
from __future__ import annotations

import contextlib
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from bot.store import dialogue
from bot.store.dialogue import detached_state, save_state_in
from bot.store.models import Case, CaseEvent, DialogueState, OutboxItem
from bot.store.sqlite_cursor import commit_if_one_row
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

T0 = datetime(2026, 11, 29, 23, 0, tzinfo=timezone.utc)


@pytest.fixture
async def engine(config):
    from bot.store.db import make_engine

    engine = make_engine(config.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sm(engine):
    from bot.store.db import make_sessionmaker

    return make_sessionmaker(engine)


def _sqlite(config) -> bool:
    return config.database_url.startswith("sqlite")


class _HandOffs:
    """aiosqlite's hand-offs: the function each ran, the first words of its statements and
    whether it took the commit along."""

    def __init__(self, monkeypatch):
        import aiosqlite

        self.seen: list[tuple[str, list[str], bool]] = []
        original = aiosqlite.Connection._execute

        async def counted(connection, fn, *args, **kwargs):
            self.seen.append(_carried(fn, args, kwargs))
            return await original(connection, fn, *args, **kwargs)

        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)

    def names(self) -> list[str]:
        return [name for name, _statements, _commit in self.seen]


def _carried(fn, args, kwargs) -> tuple[str, list[str], bool]:
    def head(operation: str) -> str:
        return " ".join(operation.split()[:3])

    name = getattr(fn, "__name__", "")
    if name == "_run":
        return name, [head(args[1])], False
    if name == "_run_after":
        return name, [head(p[0]) for p in args[1]] + [head(args[2])], kwargs.get(
            "commit_one", False)
    if name == "_run_and_commit":
        return name, [head(p[0]) for p in args[1]], True
    return name, [], name == "commit"


def _before(monkeypatch):
    """The code before this round: the session's commit is a hand-off of its own."""
    monkeypatch.setattr(dialogue, "commit_if_one_row",
                        lambda when=True: contextlib.nullcontext())


def _state(openid: str, version: int, **changes):
    row = {"openid": openid, "form": "dispute", "requested_slot": "phone",
           "slots": {"name": "李四"}, "pending": {}, "version": version,
           "started_at": T0, "updated_at": T0}
    row.update(changes)
    return detached_state(row)


async def _stored(config, openid: str):
    """The payer's stored state as another connection reads it (version, slots), or None."""
    from bot.store.db import make_engine, make_sessionmaker

    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return (await session.execute(select(DialogueState.version, DialogueState.slots)
                                          .where(DialogueState.openid == openid))
                    ).one_or_none()
    finally:
        await engine.dispose()


async def _events(sm, openid: str) -> list[str]:
    async with sm() as session:
        case = await session.scalar(select(Case).where(Case.openid == openid))
        if case is None:
            return []
        return list((await session.execute(select(CaseEvent.kind).where(
            CaseEvent.case_id == case.id).order_by(CaseEvent.id))).scalars())


# --- the state's compare-and-set with the commit ------------------------------------------------

async def test_a_first_save_commits_in_its_own_hand_off(sm, config, monkeypatch):
    handoffs = _HandOffs(monkeypatch)
    async with sm() as session:
        await session.connection()
        handoffs.seen.clear()
        assert await save_state_in(session, _state("o-r9-first", 1), None, commit=True)
        if _sqlite(config):
            assert handoffs.seen == [("_run_after", ["INSERT INTO dialogue_states"], True)]
            assert (await _stored(config, "o-r9-first")) is not None  # stored before the commit
        handoffs.seen.clear()
        await session.commit()
        if _sqlite(config):
            assert handoffs.seen == []  # the session's commit had nothing left to do
    assert (await _stored(config, "o-r9-first"))[0] == 1


async def test_without_commit_the_save_waits_for_the_sessions_commit(sm, config, monkeypatch):
    handoffs = _HandOffs(monkeypatch)
    async with sm() as session:
        await session.connection()
        handoffs.seen.clear()
        assert await save_state_in(session, _state("o-r9-later", 1), None)
        assert (await _stored(config, "o-r9-later")) is None
        await session.commit()
    if _sqlite(config):
        assert handoffs.names()[0] == "_run" and "commit" in handoffs.names()
    assert (await _stored(config, "o-r9-later"))[0] == 1


async def test_a_compare_and_set_that_wins_commits_with_the_waiting_writes(
        sm, config, monkeypatch):
    """The writes held back by ``writes_together`` (a supplement's) ride along and commit."""
    from bot.store.sqlite_cursor import writes_together

    async with sm() as session:
        assert await save_state_in(session, _state("o-r9-cas", 1), None)
        await session.commit()
    handoffs = _HandOffs(monkeypatch)
    async with sm() as session:
        await session.connection()
        handoffs.seen.clear()
        with writes_together():
            await session.execute(text("UPDATE dialogue_states SET requested_slot = 'name' "
                                       "WHERE openid = 'o-r9-cas'"))
        assert await save_state_in(session, _state("o-r9-cas", 2, slots={"name": "王五"}), 1,
                                   commit=True)
        await session.commit()
    if _sqlite(config):
        assert handoffs.seen == [("_run_after", ["UPDATE dialogue_states SET",
                                                 "UPDATE dialogue_states SET"], True)]
    version, slots = await _stored(config, "o-r9-cas")
    assert (version, slots) == (2, {"name": "王五"})


async def test_a_compare_and_set_that_loses_commits_nothing(sm, config, monkeypatch):
    """A version another writer moved: no row changed, nothing committed, and the rollback
    undoes what the step wrote before in the same transaction."""
    async with sm() as session:
        assert await save_state_in(session, _state("o-r9-lost", 5), None)
        await session.commit()
    async with sm() as session:
        await session.execute(text("UPDATE dialogue_states SET slots = '{\"x\": 1}' "
                                   "WHERE openid = 'o-r9-lost'"))
        assert not await save_state_in(session, _state("o-r9-lost", 6), 4, commit=True)
        await session.rollback()
    assert await _stored(config, "o-r9-lost") == (5, {"name": "李四"})


async def test_a_first_save_that_finds_a_row_commits_nothing(sm, config):
    """The insert of a first row that another writer made meanwhile changes no row."""
    async with sm() as session:
        assert await save_state_in(session, _state("o-r9-race", 3), None)
        await session.commit()
    async with sm() as session:
        await session.execute(text("UPDATE dialogue_states SET version = 9 "
                                   "WHERE openid = 'o-r9-race'"))
        assert not await save_state_in(session, _state("o-r9-race", 1), None, commit=True)
        await session.rollback()
    assert (await _stored(config, "o-r9-race"))[0] == 3


async def test_a_statement_changing_two_rows_commits_nothing(sm, config):
    if not _sqlite(config):
        pytest.skip("the hand-off's commit: SQLite only")
    async with sm() as session:
        for openid in ("o-r9-two-a", "o-r9-two-b"):
            assert await save_state_in(session, _state(openid, 1), None)
        await session.commit()
    async with sm() as session:
        conn = await session.connection()
        with commit_if_one_row():
            result = await conn.execute(text("UPDATE dialogue_states SET version = 7 "
                                             "WHERE openid LIKE 'o-r9-two-%'"))
        assert result.rowcount == 2
        await session.rollback()
    assert (await _stored(config, "o-r9-two-a"))[0] == 1


async def test_only_the_next_statement_takes_the_commit(sm, config, monkeypatch):
    """A second statement inside the context runs in a transaction of its own and is rolled
    back with the session; the first one's commit stands."""
    if not _sqlite(config):
        pytest.skip("the hand-off's commit: SQLite only")
    async with sm() as session:
        for openid in ("o-r9-once-a", "o-r9-once-b"):
            assert await save_state_in(session, _state(openid, 1), None)
        await session.commit()
    handoffs = _HandOffs(monkeypatch)
    async with sm() as session:
        conn = await session.connection()
        handoffs.seen.clear()
        with commit_if_one_row():
            await conn.execute(text("UPDATE dialogue_states SET version = 2 "
                                    "WHERE openid = 'o-r9-once-a'"))
            await conn.execute(text("UPDATE dialogue_states SET version = 2 "
                                    "WHERE openid = 'o-r9-once-b'"))
        await session.rollback()
    assert [commit for _name, _s, commit in handoffs.seen[:2]] == [True, False]
    assert (await _stored(config, "o-r9-once-a"))[0] == 2
    assert (await _stored(config, "o-r9-once-b"))[0] == 1


async def test_when_false_changes_nothing(sm, config, monkeypatch):
    handoffs = _HandOffs(monkeypatch)
    async with sm() as session:
        conn = await session.connection()
        handoffs.seen.clear()
        with commit_if_one_row(False):
            await conn.execute(dialogue._FIRST[conn.dialect.name], {
                "openid": "o-r9-off", **dict(zip(dialogue.SAVED, dialogue.columns_of(
                    _state("o-r9-off", 1))))})
        took = [commit for _name, _s, commit in handoffs.seen]
        assert await _stored(config, "o-r9-off") is None
        await session.rollback()
    assert await _stored(config, "o-r9-off") is None
    if _sqlite(config):
        assert took == [False]


async def test_a_session_with_orm_changes_to_flush_commits_the_old_way(
        sm, config, monkeypatch):
    """An ORM object changed in the session is flushed by the session's commit, after the
    compare-and-set: that commit must stay the one that ends the transaction."""
    async with sm() as session:
        session.add(DialogueState(openid="o-r9-orm-a", slots={}, pending={}, version=1,
                                  updated_at=T0))
        assert await save_state_in(session, _state("o-r9-orm-b", 1), None)
        await session.commit()
    handoffs = _HandOffs(monkeypatch)
    async with sm() as session:
        orm = await session.scalar(select(DialogueState).where(
            DialogueState.openid == "o-r9-orm-a"))
        orm.slots = {"name": "赵六"}
        handoffs.seen.clear()
        assert await save_state_in(session, _state("o-r9-orm-b", 2), 1, commit=True)
        await session.commit()
    if _sqlite(config):
        assert not any(commit for _name, _s, commit in handoffs.seen[:1])
        assert handoffs.names()[-1] in ("commit", "_run_and_commit")
    assert (await _stored(config, "o-r9-orm-a"))[1] == {"name": "赵六"}
    assert (await _stored(config, "o-r9-orm-b"))[0] == 2


async def test_a_commit_that_fails_keeps_nothing_and_frees_the_connection(sm, config):
    """A deferred foreign key fails at the commit on the thread: the statement's call raises
    it, the transaction is rolled back there, and the next session starts clean."""
    if not _sqlite(config):
        pytest.skip("the hand-off's commit: SQLite only")
    from sqlalchemy.exc import IntegrityError

    async with sm() as session:
        await session.execute(text("PRAGMA defer_foreign_keys = ON"))
        await session.execute(text("INSERT INTO case_events (case_id, kind, actor, detail, at) "
                                   "VALUES (987654, 'note', 'payer', '{}', '2026-11-29')"))
        with pytest.raises(IntegrityError):
            await save_state_in(session, _state("o-r9-fk", 1), None, commit=True)
        await session.rollback()
    assert await _stored(config, "o-r9-fk") is None
    async with sm() as session:
        assert await save_state_in(session, _state("o-r9-fk-next", 1), None, commit=True)
        await session.commit()
        assert (await session.execute(text(
            "SELECT count(*) FROM case_events WHERE case_id = 987654"))).scalar() == 0
    assert (await _stored(config, "o-r9-fk-next"))[0] == 1


# --- in a conversation -----------------------------------------------------------------------

CLOCK = re.compile(r"\d{1,2}:\d{2}")


def _masked(replies: list[str]) -> list[str]:
    return [CLOCK.sub("HH:MM", CASE_NO.sub("ZY-N", reply)) for reply in replies]


async def _same_matter_conversation(platform, openid: str, handoffs: _HandOffs,
                                    windows: dict) -> list[str]:
    """Filing, registration, a second filing offered as the same matter, "1" (added to the
    case), a third filing offered mid-form and "2" (the form goes on), then 进度."""
    replies = [await say(platform, openid, "我叫赵六，电话13512345678，新塘镇宏达电子厂欠我社保")]
    replies.append(await finish_form(platform, openid, replies[-1], ANSWERS))
    for message, window in (("确认", "registered"),
                            ("宏达电子厂还是没给我交社保，已经八个月了", None),
                            ("1", "same"),
                            ("宏达电子厂又欠了我三个月的社保", None),
                            ("2", "new")):
        handoffs.seen.clear()
        replies.append(await say(platform, openid, message))
        if window:
            windows[window] = list(handoffs.seen)
    replies.append(await say(platform, openid, "进度"))
    return replies


def _cas(window) -> int:
    return next(i for i, (_name, statements, _c) in enumerate(window)
                if statements and statements[-1].startswith("UPDATE dialogue_states"))


def _ours(window) -> list[list[str]]:
    """The statements of the hand-offs that are not the outbox's passes (which land in a
    message's window or not)."""
    return [statements for _name, statements, _c in window
            if statements and not any("outbox" in s or "count(*)" in s for s in statements)]


async def test_the_same_conversation_replies_and_writes_the_same_in_fewer_hand_offs(
        platform, config, sm, monkeypatch):
    handoffs = _HandOffs(monkeypatch)
    seen = {}
    for way in ("after", "before"):
        if way == "before":
            _before(monkeypatch)
        windows: dict = {}
        replies = await _same_matter_conversation(platform, f"o-r9-conv-{way}", handoffs,
                                                  windows)
        seen[way] = (replies, windows, await _events(sm, f"o-r9-conv-{way}"))
    assert _masked(seen["after"][0]) == _masked(seen["before"][0])
    assert "补充" in seen["after"][0][4]
    assert CASE_NO.search(seen["after"][0][-1])  # 进度 lists the case
    assert seen["after"][2] == seen["before"][2]
    assert seen["after"][2].count("supplement") == 1
    async with sm() as session:
        cards = {way: len((await session.execute(select(OutboxItem.id).join(
            Case, Case.id == OutboxItem.case_id).where(
            Case.openid == f"o-r9-conv-{way}"))).all()) for way in ("after", "before")}
    assert cards["after"] == cards["before"] > 0
    if not _sqlite(config):
        return
    for window in ("registered", "same"):
        after, before = seen["after"][1][window], seen["before"][1][window]
        i, j = _cas(after), _cas(before)
        assert after[i][2] is True, (window, after)
        assert before[j][2] is False and before[j + 1][0] == "commit", (window, before)
        assert i + 1 == len(after) or after[i + 1][0] != "commit", (window, after)
        assert _ours(after) == _ours(before), window  # the same statements, hand-off by hand-off


async def test_a_reply_is_sent_after_what_it_reports_is_stored(platform, config, sm):
    """The registration's reply names a case that is already committed: read from another
    connection the moment the reply arrives."""
    openid = "o-r9-durable"
    reply = await say(platform, openid, "我叫钱七，电话13612345678，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    registered = await say(platform, openid, "确认")
    case_no = CASE_NO.search(registered).group(0)
    async with sm() as session:
        case = await session.scalar(select(Case).where(Case.case_no == case_no))
        state = await session.scalar(select(DialogueState).where(
            DialogueState.openid == openid))
    assert case is not None and case.openid == openid
    assert state is not None and not state.form
