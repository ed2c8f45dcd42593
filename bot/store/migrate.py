"""Alembic, driven from code: `disputebot db upgrade` and `serve` on embedded SQLite."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

from bot.store.db import ensure_sqlite_dir, is_sqlite

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest revision in migrations/versions."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision``. Blocking: call it outside a running event loop."""
    ensure_sqlite_dir(url)
    if revision == "head" and _sqlite_at_head(url):
        return
    command.upgrade(alembic_config(url), revision)


def _sqlite_at_head(url: str) -> bool:
    """Is this SQLite file already at the newest revision? Read without a lock: an upgrade
    takes SQLite's write lock for all of its run (see migrations/env.py), so a second
    worker starting beside a busy one waited for a write slot (up to the 30 s busy
    timeout) only to find nothing to do."""
    import sqlite3

    from sqlalchemy.engine import make_url

    if not is_sqlite(url) or make_url(url).database in (None, "", ":memory:"):
        return False
    head = head_revision()
    try:
        conn = sqlite3.connect(make_url(url).database, timeout=30)
        try:
            found = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return found == [head]
