"""Engine and session factory; SQLite gets WAL and a busy timeout so workers can share it."""
from __future__ import annotations

import errno
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.store.sqlite_cursor import use_one_hop_cursors


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a file-based SQLite database (``data/`` on a fresh clone)."""
    parsed = make_url(url)
    if is_sqlite(url) and parsed.database and parsed.database != ":memory:":
        if Path(parsed.database).is_dir():
            # Refused before the driver opens it: aiosqlite's failing connect thread then
            # printed a traceback after the one-line error.
            raise IsADirectoryError(errno.EISDIR, "a folder, not a SQLite file",
                                    parsed.database)
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        _opens(parsed.database)


def _opens(path: str) -> None:
    """Open (or create) the file with the plain driver first: a file aiosqlite cannot open
    left its connect thread calling into a closed event loop, a traceback after the
    one-line error."""
    import sqlite3

    try:
        sqlite3.connect(path).close()
    except sqlite3.Error as exc:
        raise OSError(f"cannot open or create the SQLite file {path} ({exc})") from None


def check_sqlite_writable(url: str) -> None:
    """Raise the driver's OperationalError if the SQLite file cannot be written. A
    read-only file already at the newest schema needs no write to start, so the server
    listened and then lost every message it could not store."""
    import sqlite3

    conn = sqlite3.connect(make_url(url).database, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE disputebot_write_check (x INTEGER)")
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()


def make_engine(url: str) -> AsyncEngine:
    if is_sqlite(url):
        ensure_sqlite_dir(url)
        # One connection per process: SQLite writes one at a time anyway, and a single
        # aiosqlite thread avoids lock waits between this process's own connections.
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=1,
                                     max_overflow=0, pool_timeout=60)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "connect", use_one_hop_cursors)
        return engine
    # No pre-ping: a round trip on every checkout cost a quarter of the throughput. After a
    # database restart the first statement finds its connection dead, the pool drops all
    # its connections, and the group commit (every message's first statement) retries once.
    return create_async_engine(url, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_thread_engine(engine: AsyncEngine) -> Engine | None:
    """For SQLite, a plain engine on the same file for work run whole on one thread of its
    own (:mod:`bot.store.batch`): through aiosqlite every statement is several hand-offs
    between threads, which cost more than the statement. None for other databases, whose
    async drivers make no hand-offs."""
    if engine.dialect.name != "sqlite":
        return None
    url = engine.url.set(drivername="sqlite")
    thread_engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                                  pool_size=1, max_overflow=0)
    event.listen(thread_engine, "connect", _sqlite_pragmas)
    return thread_engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
