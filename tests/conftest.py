"""Shared fixtures: a config on a temporary database, the fake WeChat API and group robot
webhook on 127.0.0.1, the bot itself, and the platform side that talks to it."""
from __future__ import annotations

import asyncio
import dataclasses
import gc
import os

import aiohttp
import pytest

from bot.config import load_config
from bot.simulator import FakeWebhook, FakeWeChatAPI, Platform
from bot.store.migrate import upgrade

# --- Database selection: SQLite always, PostgreSQL when TEST_DATABASE_URL names a server. ---

def _per_worker(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a database of its own (NAME_gw0, NAME_gw1, …),
    made on first use by :func:`_create_worker_database`: every test empties its database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
        hide_password=False)


SHARED_PG_URL = os.environ.get("TEST_DATABASE_URL")
PG_URL = _per_worker(SHARED_PG_URL)


def require_pg() -> bool:
    """CI (CI=true, as the runner sets it) or DISPUTEBOT_REQUIRE_PG=1: no silent PG skip."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in ("", "0", "false", "no") or os.environ.get("DISPUTEBOT_REQUIRE_PG") == "1"


def pg_missing_reason() -> str:
    return ("PostgreSQL variant needs TEST_DATABASE_URL="
            "postgresql+asyncpg://USER:PW@127.0.0.1:5432/DB (.ci/run starts one)")


def _asyncpg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _reset_pg(url: str) -> None:
    """Empty the test schema: drop and recreate it (the owner's fast path), else drop every
    table in it. Leftover pooled connections hold no locks; lock_timeout turns a stuck
    session into a clear error instead of a hang."""
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
    try:
        await conn.execute("SET lock_timeout = '10s'")
        schema = await conn.fetchval("SELECT current_schema()") or "public"
        quoted = '"' + schema.replace('"', '""') + '"'
        try:
            async with conn.transaction():
                await conn.execute(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")
                await conn.execute(f"CREATE SCHEMA {quoted}")
        except asyncpg.InsufficientPrivilegeError:
            tables = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1", schema)
            if tables:
                names = ", ".join(f'{quoted}."' + t[0].replace('"', '""') + '"'
                                  for t in tables)
                await conn.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
    finally:
        await conn.close()


def _run_blocking(coro):
    """Run ``coro`` to its end on a private loop in a thread (the caller may sit in a loop)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def reset_pg_database(url: str) -> None:
    """Blocking: run :func:`_reset_pg` on a private loop (fixtures may sit inside a loop)."""
    import time
    import warnings

    started = time.monotonic()
    _run_blocking(_reset_pg(url))
    took = time.monotonic() - started
    if took > 3:
        warnings.warn(f"emptying the PostgreSQL test schema took {took:.1f} s", stacklevel=2)


class exclusive_database:
    """A file lock per database URL, so two pytest runs on this machine never share one
    PostgreSQL database at the same time (each test empties it)."""

    def __init__(self, url: str, wait: float = 900.0):
        import hashlib
        import tempfile

        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        self.path = os.path.join(tempfile.gettempdir(), f"disputebot-pgtest-{digest}.lock")
        self.wait = wait
        self._fh = None

    def __enter__(self):
        import fcntl
        import sys
        import time

        self._fh = open(self.path, "w")
        end = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > end:
                    raise RuntimeError(f"another test run holds {self.path}") from None
                if not told:
                    print(f"\nwaiting for another test run on the same PostgreSQL database "
                          f"({self.path})", file=sys.__stderr__)
                    told = True
                time.sleep(0.5)

    def __exit__(self, *exc):
        self._fh.close()


def database_urls() -> list[str]:
    """The backends this run can use: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""
    urls = ["sqlite"]
    if PG_URL:
        urls.append("postgresql")
    return urls


@pytest.fixture(scope="session")
def base_config():
    return load_config(env={})


@pytest.fixture(scope="session")
def models(base_config):
    from bot.app import load_models

    loaded = load_models(base_config)
    _freeze_long_lived()
    return loaded


# --- Routing rules parsed once per run, not once per bot. ---
#
# build_app reads and checks rules.yaml for every bot a test starts (pure-Python YAML: most
# of what starting a bot cost). A Rules object is never changed after it is built, and a
# server shares one between all its messages, so bots built from the same file (same path,
# size and mtime) and the same config share one too. A changed file, another path or
# another config is read afresh; errors are raised each time, never cached.

_rules_cache: dict[tuple, object] = {}


def _cached_load_rules(path=None, config_raw=None):
    import json
    from pathlib import Path

    import routing.rules as rules_module

    where = Path(path or rules_module.DEFAULT_PATH)
    try:
        stat = where.stat()
        raw = json.dumps(config_raw, sort_keys=True, default=repr)
    except (OSError, TypeError, ValueError):
        return rules_module.load_rules(path, config_raw=config_raw)
    key = (str(where.resolve()), stat.st_mtime_ns, stat.st_size, raw)
    if key not in _rules_cache:
        _rules_cache[key] = rules_module.load_rules(path, config_raw=config_raw)
    return _rules_cache[key]


def _share_rules_between_bots() -> None:
    import bot.app
    import routing.rules

    if bot.app.load_rules is routing.rules.load_rules:
        bot.app.load_rules = _cached_load_rules


_share_rules_between_bots()


# --- Garbage collection: the run's long-lived heap out of every full collection. ---
#
# The NLU model, the knowledge base, jieba's dictionary and the imported test modules live
# until the run ends, yet every full (generation 2) collection walked them again, and a
# run makes a few of those every ten tests. Frozen after collection and after the models
# load, they are left alone; what each test creates is still collected as before.


def _freeze_long_lived() -> None:
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session):
    _freeze_long_lived()


def pytest_sessionfinish(session, exitstatus):
    """A SQLite connection a test left open keeps aiosqlite's worker thread alive, and that
    thread is not a daemon: the interpreter would wait for it at exit, so a run that had
    finished its tests would never end (stop 32's CI reached 100 % and then timed out).
    Such threads are told to stop here, and counted on stderr so the leak gets found."""
    import sys
    import threading

    from aiosqlite import core

    worker = getattr(core, "_connection_worker_thread", None)
    stopped = 0
    for thread in threading.enumerate():
        queue = (getattr(thread, "_args", None) or (None,))[0]
        if (thread.is_alive() and not thread.daemon and worker is not None
                and getattr(thread, "_target", None) is worker and hasattr(queue, "put_nowait")):
            queue.put_nowait((None, lambda: core._STOP_RUNNING_SENTINEL))
            stopped += 1
    if stopped:
        print(f"\nconftest: stopped {stopped} aiosqlite thread(s) of connections left open",
              file=sys.__stderr__)


def pytest_runtest_logfinish(nodeid, location):
    """aiohttp keeps the last 1,024 (handler, apps) pairs in a module-level lru_cache, so
    every test's whole bot (engine, rules, NLU wiring) stayed reachable for a thousand
    tests more, and every full collection walked them. Emptied after each test: apps are
    never shared between tests."""
    from aiohttp import web_app

    clear = getattr(getattr(web_app, "_cached_build_middleware", None), "cache_clear", None)
    if clear is not None:
        clear()


@pytest.fixture
async def fake_api(aiohttp_server):
    fake = FakeWeChatAPI()
    fake.server = await aiohttp_server(fake.app())
    return fake


@pytest.fixture
async def fake_webhook(aiohttp_server):
    fake = FakeWebhook()
    fake.server = await aiohttp_server(fake.app())
    return fake


async def _create_worker_database(shared: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(shared), timeout=10)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            try:
                await conn.execute('CREATE DATABASE "' + name.replace('"', '""') + '"')
            except asyncpg.DuplicateDatabaseError:
                pass
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def _pg_session():
    """One PostgreSQL test run at a time per database on this machine (a file lock)."""
    with exclusive_database(PG_URL):
        if PG_URL != SHARED_PG_URL:
            from sqlalchemy.engine import make_url

            _run_blocking(_create_worker_database(SHARED_PG_URL, make_url(PG_URL).database))
        yield PG_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Every test that uses the database runs on SQLite and on PostgreSQL.

    The PostgreSQL variant gets an empty schema (the ``config`` fixture then runs the
    migrations). Without TEST_DATABASE_URL it is skipped, or fails when CI or
    DISPUTEBOT_REQUIRE_PG=1 is set: CI must never pass without PostgreSQL.
    """
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    if not PG_URL:
        if require_pg():
            pytest.fail(pg_missing_reason(), pytrace=False)
        pytest.skip(pg_missing_reason())
    url = request.getfixturevalue("_pg_session")
    if "config" in request.fixturenames and _run_blocking(_pg_emptied_at_head(url)):
        _pg_at_head.add(url)
    else:
        reset_pg_database(url)
    return url


# --- PostgreSQL: the tables emptied, not the schema remade, when it is already at head. ---
#
# Dropping the schema and running the upgrade's DDL again cost each PostgreSQL test a few
# hundred milliseconds of catalogue work; emptying the tables of a schema that is exactly
# what the upgrade makes costs a tenth of it. Only for tests that take ``config`` (which
# wants a database at head); a test of the migrations themselves still gets an empty schema.

_pg_at_head: set[str] = set()


def _pg_expected_tables() -> tuple[frozenset[str], str]:
    if "pg_tables" not in _schema_cache:
        from bot.store.migrate import head_revision
        from bot.store.models import Base

        _schema_cache["pg_tables"] = (frozenset(Base.metadata.tables) | {"alembic_version"},
                                      head_revision())
    return _schema_cache["pg_tables"]


async def _pg_emptied_at_head(url: str) -> bool:
    """Empty every table (identities restarted) if the schema holds exactly the tables the
    upgrade makes, at the head revision, and nothing else; False (nothing done) otherwise."""
    import asyncpg

    tables, head = _pg_expected_tables()
    conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
    try:
        await conn.execute("SET lock_timeout = '10s'")
        found = await conn.fetch(
            "SELECT c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')")
        if {r[0] for r in found} != tables or any(r[1] != "r" for r in found):
            return False
        if await conn.fetchval("SELECT string_agg(version_num, ',') FROM alembic_version") != head:
            return False
        names = ", ".join('"' + t + '"' for t in sorted(tables - {"alembic_version"}))
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return True
    finally:
        await conn.close()


# --- A migrated schema made once per run, not once per test. ---
#
# Every database test used to run Alembic (its env.py, every revision module, one DDL
# statement at a time) on its own new database. Each test still gets a new, empty database
# at the newest revision: on SQLite a copy of a file migrated once by Alembic itself, on
# PostgreSQL the statements Alembic writes for the same upgrade (its offline "--sql" mode),
# sent in one round trip. A database that already has content (a test that wrote to it
# before ``config``) still goes through Alembic.

_schema_cache: dict[str, object] = {}


def _sqlite_path(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database


def _sqlite_template() -> str:
    """A SQLite file Alembic brought to head, in a folder of its own for this run."""
    if "sqlite" not in _schema_cache:
        import shutil
        import sqlite3
        import tempfile

        folder = tempfile.mkdtemp(prefix="disputebot-schema-")
        path = os.path.join(folder, "template.db")
        upgrade(f"sqlite+aiosqlite:///{path}")
        conn = sqlite3.connect(path)  # fold a WAL left behind into the file itself
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        for suffix in ("-wal", "-shm"):
            if os.path.exists(path + suffix) and os.path.getsize(path + suffix):
                raise RuntimeError(f"SQLite template {path} kept a non-empty {suffix}")
        import atexit

        atexit.register(shutil.rmtree, folder, True)
        _schema_cache["sqlite"] = path
    return _schema_cache["sqlite"]


def _pg_upgrade_sql(url: str) -> str:
    """What ``alembic upgrade head --sql`` writes for PostgreSQL: the DDL and the
    alembic_version row, in one transaction."""
    if "postgresql" not in _schema_cache:
        import io

        from alembic import command

        from bot.store.migrate import alembic_config

        cfg = alembic_config(url)
        cfg.output_buffer = io.StringIO()
        command.upgrade(cfg, "head", sql=True)
        _schema_cache["postgresql"] = cfg.output_buffer.getvalue()
    return _schema_cache["postgresql"]


async def _pg_empty(conn) -> bool:
    return not await conn.fetchval(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'S')")


async def _pg_migrate(url: str, script: str) -> bool:
    """Run the upgrade script on an empty schema; False (nothing done) if it is not empty."""
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
    try:
        if not await _pg_empty(conn):
            return False
        await conn.execute(script)
        return True
    finally:
        await conn.close()


def migrate_test_database(url: str) -> None:
    """Bring a test database to head: a copy of the run's template when the database is
    new and empty, Alembic itself otherwise. Blocking: call it outside a running loop."""
    from bot.store.db import is_sqlite

    if is_sqlite(url):
        import shutil

        path = _sqlite_path(url)
        if path and path != ":memory:" and not os.path.exists(path):
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            shutil.copyfile(_sqlite_template(), path)
            return
    elif url in _pg_at_head:
        _pg_at_head.discard(url)
        return
    elif url == PG_URL and asyncio.run(_pg_migrate(url, _pg_upgrade_sql(url))):
        return
    upgrade(url)


@pytest.fixture
async def config(base_config, db_url, fake_api, fake_webhook):
    cfg = dataclasses.replace(
        base_config,
        # Conversation tests read the passive reply only; a step that misses the 4 s budget
        # on a busy machine is answered by customer-service message, which they do not read.
        # Speed is the benchmarks' business, not theirs; the budget's own behaviour is tested
        # with explicit budgets (test_gateway, test_outbox_e2e, test_multiworker).
        reply_budget=30.0,
        database_url=db_url,
        api_base=str(fake_api.server.make_url("")).rstrip("/"),
        webhook_base=str(fake_webhook.server.make_url("")).rstrip("/"),
    )
    await asyncio.to_thread(migrate_test_database, db_url)
    return cfg


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def bot_server(aiohttp_server, config, models):
    from bot.app import build_app

    return await aiohttp_server(build_app(config, models=models))


@pytest.fixture
def server(bot_server):
    """The fully wired bot under the name the liaison-side tests use."""
    return bot_server


@pytest.fixture
def sm(server):
    return server.app["services"].sessionmaker


def make_platform(http, server, config, mode="aes") -> Platform:
    return Platform(http, str(server.make_url("/wechat")), config.token, config.aes_key,
                    config.appid, mode)


@pytest.fixture
def platform(http, bot_server, config):
    return make_platform(http, bot_server, config)
