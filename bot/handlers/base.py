"""What a handler receives: the message, the NLU result and the services it may use."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.inbound import Inbound
from bot.store.models import OutboxItem
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
