"""An upgrade is all or nothing on SQLite: one stopped half-way (Ctrl-C or kill -9 on a
first start) must not leave tables without their alembic_version row, or every later start
fails on "table … already exists"."""
from __future__ import annotations

import sqlite3

import pytest

from bot.store.migrate import upgrade


def _tables(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_a_failing_revision_leaves_the_file_as_it_was_and_a_later_upgrade_works(tmp_path):
    path = tmp_path / "bot.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE callback_nonces (x INTEGER)")  # revision 0007 makes this table
    conn.commit()
    conn.close()

    with pytest.raises(Exception, match="already exists"):
        upgrade(f"sqlite+aiosqlite:///{path}")
    assert _tables(path) == {"callback_nonces"}

    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE callback_nonces")
    conn.commit()
    conn.close()
    upgrade(f"sqlite+aiosqlite:///{path}")
    assert {"cases", "outbox", "callback_nonces", "alembic_version"} <= _tables(path)


def test_an_upgrade_at_head_needs_no_write_slot(tmp_path):
    """A second worker starting while another holds SQLite's write lock finds the file at
    head without waiting for the lock (it waited out the busy timeout, then failed)."""
    path = tmp_path / "bot.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM processed_messages")
        upgrade(f"sqlite+aiosqlite:///{path}")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert "alembic_version" in _tables(path)
