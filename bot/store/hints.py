"""Payer hints (:class:`~bot.store.models.PayerHint`): read with the payer snapshot, written
without holding up the reply, both in the group commit's batches."""
from __future__ import annotations

import functools
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, tuple_

from bot.store.batch import GroupCommit
from bot.store.models import PayerHint, utcnow
from bot.store.payers import UPSERT

TABLE = PayerHint.__table__
READ = (select(TABLE.c.openid, TABLE.c.kind, TABLE.c.text)
        .where(TABLE.c.openid.in_(bindparam("ids", expanding=True)),
               TABLE.c.until > bindparam("now")))


def read(conn, openids: list[str]) -> dict[str, dict[str, str]]:
    """Each payer's live hints, kind → text (part of the snapshot's batch)."""
    hints: dict[str, dict[str, str]] = {}
    for row in conn.execute(READ, {"ids": openids, "now": utcnow()}):
        hints.setdefault(row.openid, {})[row.kind] = row.text
    return hints


@functools.cache
def _upsert(dialect: str):
    statement = UPSERT[dialect](TABLE)
    return statement.on_conflict_do_update(
        index_elements=[TABLE.c.openid, TABLE.c.kind],
        set_={"text": statement.excluded.text, "until": statement.excluded.until})


_FORGET = delete(TABLE).where(tuple_(TABLE.c.openid, TABLE.c.kind).in_(
    bindparam("keys", expanding=True)))


class _Writes:
    """The last word per payer and kind wins; forgetting is a delete."""
    writes = True

    def run(self, conn, items):
        latest: dict[tuple[str, str], tuple[str, datetime] | None] = {}
        for openid, kind, value in items:
            latest[(openid, kind)] = value
        kept = [{"openid": o, "kind": k, "text": v[0], "until": v[1]}
                for (o, k), v in sorted(latest.items()) if v is not None]
        gone = [key for key, value in sorted(latest.items()) if value is None]
        if kept:
            conn.execute(_upsert(conn.dialect.name), kept)
        if gone:
            conn.execute(_FORGET, {"keys": gone})
        return [None] * len(items)


WRITES = _Writes()


def keep(batch: GroupCommit, openid: str, kind: str, text: str | None,
         lasts: timedelta) -> None:
    """Remember ``text`` for ``lasts`` (None forgets it)."""
    value = None if text is None else (text, utcnow() + lasts)
    batch.write_soon(WRITES, (openid, kind, value), "payer hint")


async def purge(engine) -> int:
    """Drop hints past their time (they are never read again)."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(TABLE).where(TABLE.c.until <= utcnow()))
        return result.rowcount or 0
