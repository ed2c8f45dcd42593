"""Telling a lost or refused database connection from a bug: the gateway asks for a resend,
the outbox and scheduler skip a pass, and none of them logs a traceback for an outage."""
from __future__ import annotations

import aiohttp
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def database_down(exc: BaseException) -> bool:
    """A lost or refused database connection (a restart, a network cut), as opposed to a
    bug: the work is worth doing again once the database answers."""
    if isinstance(exc, aiohttp.ClientError):
        return False
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout | OSError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    # PostgreSQL's connection exceptions (08…), shutdown and start-up (57P0…) and too many
    # connections (53…): "the database system is shutting down" while it restarts.
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    return exc.connection_invalidated or sqlstate.startswith(("08", "57P", "53"))
