"""SQLAlchemy models: every piece of state the bot shares between workers and restarts."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class ClippedString(TypeDecorator):
    """A payer's or liaison's free text in a bounded column, cut to fit: PostgreSQL refuses
    a value over the length (SQLite keeps it), and a 300-character employer must not lose
    the whole registration on one backend."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        length = self.impl.length
        return value[:length] if isinstance(value, str) and length else value


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class ProcessedMessage(Base):
    """One row per inbound platform message, so a resend is recognised in any worker."""

    __tablename__ = "processed_messages"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="processing")
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    owner: Mapped[str | None] = mapped_column(String(160), nullable=True)
    """The process handling it (:mod:`bot.store.owner`)."""


class CallbackNonce(Base):
    """The body each signed (timestamp, nonce) of a callback came with, shared by every
    worker: in plaintext mode the signature covers neither body nor sender, so a captured
    query replayed to another worker with another message is refused
    (:class:`bot.gateway.NonceLog`)."""

    __tablename__ = "callback_nonces"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 (hex) of timestamp and nonce: fixed length whatever the query carried."""
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 (hex) of a plaintext body, or ``encrypted``."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class SignInFailure(Base):
    """A wrong token at the console's sign-in, shared by every worker: after too many from
    one address sign-in is refused for a while (:mod:`bot.console.throttle`)."""

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    """SHA-256 (hex) of the client address: the count needs no readable IP address."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class AccessToken(Base):
    """The platform access token, shared by all workers; ``lease_until`` elects one refresher."""

    __tablename__ = "access_tokens"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str | None] = mapped_column(Text, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Payer(Base):
    """What the platform rules need per follower: when they last wrote (48 h window)."""

    __tablename__ = "payers"
    openid: Mapped[str] = mapped_column(String(128), primary_key=True)
    last_message_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)


class DialogueState(Base):
    """Per-payer dialogue state: the active form, its slots and any pending question."""

    __tablename__ = "dialogue_states"
    openid: Mapped[str] = mapped_column(String(128), primary_key=True)
    form: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_slot: Mapped[str | None] = mapped_column(String(64), nullable=True)
    slots: Mapped[dict] = mapped_column(JSON, default=dict)
    pending: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PayerHint(Base):
    """Something a payer said a few minutes ago that may explain their next message (the
    policy question last answered, a story told before a form): kept here, not in one
    process, so the next message reads it on whichever worker it reaches and after a
    restart."""

    __tablename__ = "payer_hints"
    openid: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    until: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class CaseCounter(Base):
    """Daily sequence for readable case numbers (ZY20261124-0007)."""

    __tablename__ = "case_counters"
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """A registered dispute: the seeds' 报送单 plus routing and status."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    openid: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str | None] = mapped_column(ClippedString(64), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    id_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    jurisdiction: Mapped[str | None] = mapped_column(ClippedString(64), nullable=True)
    district: Mapped[str | None] = mapped_column(ClippedString(64), nullable=True)
    category: Mapped[str] = mapped_column(String(32), default="other")
    severity: Mapped[str] = mapped_column(String(16), default="simple")
    severity_reasons: Mapped[list] = mapped_column(JSON, default=list)
    employer: Mapped[str | None] = mapped_column(ClippedString(200), nullable=True)
    period: Mapped[str | None] = mapped_column(ClippedString(100), nullable=True)
    amount: Mapped[float | None] = mapped_column(Float, nullable=True)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str] = mapped_column(Text, default="")
    desired_outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(32), default="wechat")
    status: Mapped[str] = mapped_column(String(16), default="registered", index=True)
    needs_callback: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_agency: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    co_agencies: Mapped[list] = mapped_column(JSON, default=list)
    trackers: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    """Agencies that transferred the case away and still follow it (谁跟踪、谁反馈):
    they see it and add notes, and hear when it is resolved or reopened."""
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    awaiting_info: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    solved: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    first_action_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseEvent(Base):
    """Append-only history of a case: who did what, when."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(ClippedString(64))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class OutboxItem(Base):
    """A message to send (group card, payer notice), written in the same transaction as
    the change that caused it, and sent by the dispatcher until it succeeds."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


Index("ix_outbox_due", OutboxItem.status, OutboxItem.next_attempt_at)
# One lane per destination: its pending head, a group's posts of the last minute (the rate
# limit) and a payer's notices of the last 48 h are found without reading every row ever sent.
Index("ix_outbox_lane", OutboxItem.channel, OutboxItem.target, OutboxItem.status,
      OutboxItem.sent_at)
