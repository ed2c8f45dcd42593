"""The outbox's per-target windows (a group robot's posts of the last minute, a payer's
notices of the last 48 h) are read through the lane index down to ``sent_at``, so their cost
does not grow with every row ever sent to that target."""
from __future__ import annotations

import sqlite3
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bot.store.migrate import upgrade
from bot.store.models import OutboxItem, utcnow


def _plan(db_file, statement) -> str:
    compiled = statement.compile(dialect=sqlite_dialect.dialect(),
                                 compile_kwargs={"literal_binds": True})
    with sqlite3.connect(db_file) as conn:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {compiled}").fetchall()
    return " | ".join(str(row[-1]) for row in rows)


def test_sent_windows_use_the_lane_index_down_to_sent_at(tmp_path):
    db_file = tmp_path / "plan.db"
    upgrade(f"sqlite+aiosqlite:///{db_file}")
    now = utcnow()
    rate = select(func.count()).select_from(OutboxItem).where(
        OutboxItem.channel == "webhook", OutboxItem.target == "key",
        OutboxItem.status == "sent", OutboxItem.sent_at > now - timedelta(minutes=1),
        OutboxItem.sent_at < now + timedelta(minutes=1))
    notices = select(OutboxItem.payload).where(
        OutboxItem.channel == "wechat", OutboxItem.target == "openid",
        OutboxItem.status == "sent", OutboxItem.sent_at >= now - timedelta(hours=48))
    for statement in (rate, notices):
        plan = _plan(db_file, statement)
        assert "ix_outbox_lane" in plan and "sent_at>" in plan, plan
