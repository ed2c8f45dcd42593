"""One hand-off per statement for SQLAlchemy sessions on aiosqlite.

SQLAlchemy's aiosqlite adapter awaits aiosqlite once to open a cursor, once to execute,
once to fetch the rows and once to close the cursor: four hand-offs to aiosqlite's thread
and back per statement, each a queue put, a thread wake-up and an event-loop wake-up. A
session that reads one row cost 1.2 ms of CPU this way, more than the rest of a greeting.
Here the cursor does all four on aiosqlite's thread in one hand-off (through aiosqlite's
own queue, so statements stay in order with everything else on that connection) and keeps
what SQLAlchemy reads afterwards (rows, description, rowcount, lastrowid).
"""
from __future__ import annotations

import collections
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.util import EMPTY_DICT


def _run(raw, operation: str, parameters, many: bool) -> tuple:
    cursor = raw.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection):
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description = None
        self._rowcount = -1
        self._lastrowid = None
        self._arraysize = 1  # sqlite3's default

    @property
    def description(self):
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self):
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _hop(self, operation: str, parameters, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            connection = self._connection
            (self._description, rows, self._rowcount,
             self._lastrowid) = await connection._execute(
                _run, connection._conn, operation, parameters, many)
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._hop(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._hop(operation, seq_of_parameters, True)

    async def _async_soft_close(self) -> None:
        """Nothing to close: the sqlite3 cursor was closed on the thread."""

    def close(self) -> None:
        self._rows.clear()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """Also skips the hand-off of a commit or rollback with no transaction open: a session
    that only read, and the pool's reset after a session already ended its transaction,
    each cost one for nothing. sqlite3 knows whether a transaction is open
    (``in_transaction``, SQLite's autocommit flag), and nothing runs on the connection
    while SQLAlchemy ends a transaction."""

    __slots__ = ()
    _cursor_cls = OneHopCursor

    def _idle(self) -> bool:
        raw = self._connection._connection
        return raw is not None and not raw.in_transaction

    def rollback(self) -> None:
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        if not self._idle():
            super().commit()


def use_one_hop_cursors(dbapi_connection, _record) -> None:
    """``connect`` listener: the pooled connection makes its cursors with one hand-off."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneHopConnection
