"""One hand-off per statement for SQLAlchemy sessions on aiosqlite.

SQLAlchemy's aiosqlite adapter awaits aiosqlite once to open a cursor, once to execute,
once to fetch the rows and once to close the cursor: four hand-offs to aiosqlite's thread
and back per statement, each a queue put, a thread wake-up and an event-loop wake-up. A
session that reads one row cost 1.2 ms of CPU this way, more than the rest of a greeting.
Here the cursor does all four on aiosqlite's thread in one hand-off (through aiosqlite's
own queue, so statements stay in order with everything else on that connection) and keeps
what SQLAlchemy reads afterwards (rows, description, rowcount, lastrowid).

Inside :func:`writes_together`, a write whose result nobody reads (an ``INSERT``, ``UPDATE``
or ``DELETE`` without ``RETURNING``) is not handed off on its own: it waits on the connection
and runs on aiosqlite's thread just before the connection's next statement, or just before
its commit, in that one hand-off. A supplement's three writes (the case, its event, the
group's card) ride with the state's compare-and-set; a registration's events and cards with
it too. Same statements, same order, same transaction; a rollback drops them unrun, as it
would have undone them.

Inside :func:`commit_if_one_row`, the next statement handed off commits the transaction on
aiosqlite's thread in the same hand-off when it changed exactly one row: the state's
compare-and-set that won is the last statement of a form step's session, and its commit was
a hand-off of its own. The session's own commit then finds no transaction open and makes
none (:class:`OneHopConnection`). A compare-and-set that lost commits nothing; its caller
rolls back as before. Nothing changes on PostgreSQL (asyncpg makes no thread hops).
"""
from __future__ import annotations

import collections
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.util import EMPTY_DICT, await_

_TOGETHER: ContextVar[bool] = ContextVar("disputebot_writes_together", default=False)
_COMMIT_NEXT: ContextVar[list | None] = ContextVar("disputebot_commit_next", default=None)
"""Set by :func:`commit_if_one_row`: a one-element list, emptied by the statement that
takes the commit along, so that no later statement does."""
_PENDING = "_disputebot_pending"
"""The waiting writes, an attribute of the aiosqlite connection they are for."""
_WRITE_ONLY: dict[str, bool] = {}


@contextmanager
def writes_together() -> Iterator[None]:
    """Writes whose results the caller never reads wait for the session's next statement
    or its commit and go to SQLite with it, in one hand-off (see the module's docstring).
    Only for writes that the caller does not read back and that need no check of their
    own: an error of theirs is raised by the statement or the commit they run with, which
    rolls back the same transaction."""
    token = _TOGETHER.set(True)
    try:
        yield
    finally:
        _TOGETHER.reset(token)


@contextmanager
def commit_if_one_row(when: bool = True) -> Iterator[None]:
    """The next statement goes to SQLite with the commit, which runs only if the statement
    changed exactly one row (see the module's docstring). ``when`` False: nothing changes.
    Only around a transaction's last statement, with nothing left for the session to flush:
    whatever followed it before the session's commit would run in a transaction of its
    own."""
    token = _COMMIT_NEXT.set([True] if when else None)
    try:
        yield
    finally:
        _COMMIT_NEXT.reset(token)


def _write_only(operation: str) -> bool:
    """An INSERT, UPDATE or DELETE without RETURNING: nothing of its result is read."""
    known = _WRITE_ONLY.get(operation)
    if known is None:
        head = operation.lstrip()[:6].upper()
        known = head in ("INSERT", "UPDATE", "DELETE") and "RETURNING" not in operation.upper()
        if len(_WRITE_ONLY) >= 256:
            _WRITE_ONLY.clear()
        _WRITE_ONLY[operation] = known
    return known


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


def _run_after(raw, pending: list, operation: str, parameters, many: bool,
               commit_one: bool = False) -> tuple:
    """The waiting writes, then the statement, on aiosqlite's thread in one hand-off; with
    ``commit_one``, the commit too if the statement changed exactly one row (a commit that
    fails is rolled back here, as in :func:`_run_and_commit`)."""
    for waiting in pending:
        _run(raw, *waiting)
    result = _run(raw, operation, parameters, many)
    if commit_one and result[2] == 1:
        try:
            raw.commit()
        except BaseException:
            if raw.in_transaction:
                raw.rollback()
            raise
    return result


def _run_and_commit(raw, pending: list) -> None:
    """The waiting writes and the commit. If any fails, the transaction is rolled back here:
    SQLAlchemy counts a commit that raised as the end of the transaction and returns the
    connection to the pool without the rollback a failed statement would have had."""
    try:
        for waiting in pending:
            _run(raw, *waiting)
        raw.commit()
    except BaseException:
        if raw.in_transaction:
            raw.rollback()
        raise


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
        connection = self._connection
        commit_next = _COMMIT_NEXT.get()
        commit = bool(commit_next)
        if commit:
            commit_next.clear()  # this statement takes the commit along, no later one
        elif _TOGETHER.get() and _write_only(operation):
            connection.__dict__.setdefault(_PENDING, []).append((operation, parameters, many))
            self._description, self._rowcount, self._lastrowid = None, -1, None
            self._rows = collections.deque()
            return
        pending = connection.__dict__.pop(_PENDING, None)
        async with self._adapt_connection._execute_mutex:
            if pending or commit:
                (self._description, rows, self._rowcount,
                 self._lastrowid) = await connection._execute(
                    _run_after, connection._conn, pending or [], operation, parameters, many,
                    commit_one=commit)
            else:
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

    def _take_pending(self) -> list | None:
        return self._connection.__dict__.pop(_PENDING, None)

    def rollback(self) -> None:
        self._take_pending()  # never run: the rollback would have undone them
        if not self._idle():
            super().rollback()

    def commit(self) -> None:
        pending = self._take_pending()
        if pending:  # the waiting writes and the commit in one hand-off
            try:
                await_(self._connection._execute(
                    _run_and_commit, self._connection._conn, pending))
            except Exception as error:  # noqa: BLE001 - translated as the adapter's commit
                self._handle_exception(error)
            return
        if not self._idle():
            super().commit()

    def close(self) -> None:
        self._take_pending()
        super().close()


def use_one_hop_cursors(dbapi_connection, _record) -> None:
    """``connect`` listener: the pooled connection makes its cursors with one hand-off."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = OneHopConnection
