"""What a handler receives: the message, the NLU result and the services it may use."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, event, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.inbound import Inbound
from bot.store.models import DialogueState, OutboxItem
from bot.store.snapshot import PayerSnapshot
from routing.outbox import QUEUED


@dataclass
class Services:
    """Long-lived objects built once at start-up and shared by every handler."""

    config: Any
    sessionmaker: Any
    batch: Any = None
    """The group commit (bot.store.batch): per-message reads and writes of all messages in
    flight, one transaction for them all."""
    parser: Any = None
    kb: Any = None
    extra: dict = field(default_factory=dict)


def queued_messages(session) -> bool:
    """Did this session write outbox rows (cards, notices)? Only then is the dispatcher worth
    waking; otherwise it would query the outbox after every message for nothing. Rows
    written with Core statements (registration, supplements) are marked in ``session.info``."""
    if session.info.get(QUEUED):
        return True
    objects = list(session.new) + list(session.identity_map.values())
    return any(isinstance(obj, OutboxItem) for obj in objects)


def wake_outbox(services: Services) -> None:
    outbox = services.extra.get("outbox")
    if outbox is not None:
        outbox.notify()


@dataclass
class Context:
    inbound: Inbound
    services: Services
    text: str = ""
    nlu: Any = None
    snapshot: PayerSnapshot | None = None
    """Read before text messages are dispatched; None for events."""
    hints_said: dict = field(default_factory=dict)
    """Hints (bot.handlers.recent) changed while handling this message: later steps of the
    same message read them, not the snapshot's."""
    asked_kb: bool = False
    """The knowledge base answered this message; otherwise the payer's last policy topic is
    forgotten (a follow-up must follow an answer, not a form step or a greeting)."""
    no_grievance_read: tuple | None = None
    """(the NLU result, the text, whether it is no grievance): the form and the dispatcher
    both ask (``policy.no_grievance``); a text or reading changed since is read again."""


_LOCK_STATE = (select(DialogueState.__table__.c.version)
               .where(DialogueState.__table__.c.openid == bindparam("openid")).with_for_update())


class SessionOnUse:
    """The session of a form step run on the payer's snapshot, opened only if the step
    comes to read or write through it (the registration, a call-back's earlier case): the
    step then goes on in it instead of being run again from the start in a session of its
    own, and the caller saves the state in its transaction (``IntakeDialogue``)."""

    def __init__(self, sessionmaker, openid: str):
        self._sessionmaker, self._openid = sessionmaker, openid
        self.session: AsyncSession | None = None

    def __getattr__(self, name):
        if self.session is None:
            self.session = self._sessionmaker()
            if _dialect(self._sessionmaker) in ("postgresql", None):
                event.listen(self.session.sync_session, "after_begin", self._lock_state)
        return getattr(self.session, name)

    def _lock_state(self, _session, _transaction, connection) -> None:
        """On PostgreSQL the payer's state row is locked first, as the session's way
        (``load_state``) does: the registration's case-number row locked before it, by one
        worker, and after it, by another, could deadlock the two."""
        if connection.dialect.name == "postgresql":
            connection.execute(_LOCK_STATE, {"openid": self._openid})


def _dialect(sessionmaker) -> str | None:
    """The database the sessions of ``sessionmaker`` talk to, None if it cannot tell: on
    SQLite a step's session registers no lock listener (``event.listen`` per session was
    ~0.6 % of a warm server's samples for a statement SQLite never runs)."""
    bind = getattr(sessionmaker, "kw", {}).get("bind")
    dialect = getattr(bind, "dialect", None)
    return getattr(dialect, "name", None)


def in_session(session) -> bool:
    """Do reads go through ``session``? Yes for a session and for a step's session once
    opened: a read in the group commit would then wait for the connection the session
    holds (SQLite's only one) while the session waits for the read."""
    return isinstance(session, AsyncSession) or (
        isinstance(session, SessionOnUse) and session.session is not None)
