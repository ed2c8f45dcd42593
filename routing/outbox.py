"""Transactional outbox: messages are rows written with the change that caused them, and one
dispatcher per process sends them until each one succeeds or is known to be undeliverable.

Why a table and not a direct send: a case must never be registered without its card reaching
the liaison group, and a card must never go out for a case whose transaction rolled back.
Writing the row in the same transaction gives both; the dispatcher gives at-least-once
delivery across timeouts, WeCom outages and restarts.

Rules the dispatcher keeps:

* **Order per destination.** Rows form a lane per (channel, target) — a robot key or a
  payer's openid. Only a lane's oldest pending row (its *head*) may be sent; if it waits for
  a retry, the rows behind it wait too. So a group sees cards in case order and a payer gets
  "resolved" before "please rate".
* **Several workers.** A row is *claimed* before sending: ``claimed_until`` is set with a
  conditional UPDATE (SQLite; rowcount 1 means we won) or ``SELECT … FOR UPDATE SKIP
  LOCKED`` (PostgreSQL). A claim lasts ``claim_seconds`` (15 s: three times the 5 s HTTP
  timeout, so a live worker always records its result first), and a crashed worker's rows
  are taken over 15 s later; a restart resumes every pending row.
* **20 messages a minute per robot key**, counted in the database (rows sent in the last 60 s)
  so that all workers and a restarted process share the budget, plus the in-process
  :class:`~routing.webhook.KeyRateLimiter`, which also honours a 45009 answer. Rows beyond the
  budget simply stay pending.
* **Retry** (HTTP errors, timeouts, 45009): ``attempts + 1`` and ``next_attempt_at = now +
  max(backoff_delay(attempts), retry_after, 1 s)``. Group messages are retried forever (a
  lost case is worse than a late one) with an admin alert after 10 attempts; payer notices
  give up after 20.
* **A notice nothing can carry now** (the customer-service message refused — 45015, 48 h
  since the payer wrote — or not allowed, and no template configured or the template refused
  too, e.g. 43101) is neither retried nor given up: the row stays pending, marked with when
  it was refused, and is sent once the payer writes again (``payers.last_message_at`` newer
  than the refusal), which reopens the window. Its lane waits behind it, keeping the order.
* **93000 (invalid key) / other rejections**: the row fails at once and an alert goes to the
  admin group naming the agency, district and case — never the key, which is a secret. If
  config.yaml now names another key for the row's group (the robot was replaced), the row
  moves to that key instead.
* **Clock steps.** No wait is ever set beyond the backoff cap, so a retry time or claim more
  than ``CLOCK_STEP`` ahead dates from before the clock stepped back and counts as due.
* **Unforeseen errors** while sending are recorded as a retry with backoff (class name in
  ``last_error``), never left to the claim's expiry.

Duplicates. The robot API has no idempotency key. When a POST times out (or the connection
drops, or WeCom answers 500/502/504) after the request went out, WeCom may have posted the
message; the dispatcher cannot know and sends it again after the backoff. The group then sees
the same card twice — identical text, same case number — and ``last_error`` of the row says
"may have been delivered". This stays rare because: the timeout (5 s) is far above WeCom's
normal answer time; a claim outlives the timeout, so two workers never hold the same row at
the same time; a graceful shutdown (:meth:`OutboxDispatcher.stop`) lets the send in flight
finish instead of abandoning it; a connection that was refused (nothing sent) is not
ambiguous. A payer notice can be duplicated the same way (the payer reads the same notice
twice). Without a timeout, a duplicate needs a worker that sent but could not record the
result (it crashed, or the database stayed unwritable for the seconds :meth:`_sent` keeps
trying): its claim expires after 15 s and another worker sends the row again.
"""
from __future__ import annotations

import asyncio
import logging
import random
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logging_setup import redact_exception
from bot.store.models import OutboxItem, Payer, utcnow
from bot.store.outage import database_down
from bot.wechat_api import WeChatAPIError
from routing.cards import render_alert
from routing.notices import agency_names, load_notices
from routing.webhook import (
    SHORTEST,
    TOO_LONG_ERRCODES,
    KeyRateLimiter,
    WebhookClient,
    backoff_delay,
    content_bytes,
    content_of,
    markdown_payload,
    part_payload,
    split_text,
    title_and_rest,
)

log = logging.getLogger("disputebot.outbox")

CLAIM_SECONDS = 15.0
POLL_SECONDS = 0.5
MIN_RETRY_SECONDS = 1.0
RATE_WINDOW = timedelta(seconds=60)
CS_WINDOW = timedelta(hours=48)  # customer-service messages allowed after the payer wrote
CS_LIMIT = 5  # customer-service notices per payer message window
ALERT_AFTER_ATTEMPTS = 10
NOTICE_MAX_ATTEMPTS = 20
MAX_LANES = 16  # destinations served at once (bounds open connections and DB sessions)
# WeChat errcodes no retry can fix: bad openid, bad template, unsubscribed, refused.
# 48001: the account may not use this API (not verified, permission withdrawn).
PERMANENT_WECHAT = frozenset({40003, 40036, 40037, 43004, 43101, 47003, 48001})
# Customer-service message refused (48 h window over, quota used, not allowed for the
# account): a template may still work.
CS_REFUSED = frozenset({45015, 45047, 48001})
# A template refused for these reaches nobody later either; any other permanent refusal of
# the template leaves the notice for the payer's next message.
PAYER_GONE = frozenset({40003, 43004})
WAITING = "waiting_since"  # payload key: when the notice found no way to the payer
PIECES = "pieces"  # payload key: parts of a card the robot found too long, still to send
OPEN_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError)
# The dispatcher never sets a wait longer than the backoff cap (600 s); a retry time or claim
# further ahead than this was set before the clock stepped back (NTP, a restored VM snapshot)
# and is treated as due instead of holding the row for the size of the step.
CLOCK_STEP = timedelta(minutes=11)


SENT_RECORD_TRIES = 4
SENT_RECORD_WAIT = 0.25  # seconds, doubled per try: 1.75 s in all, well within the claim


class Unrecorded(Exception):
    """The message went out but its "sent" could not be recorded: the row stays claimed and
    is sent again only once the claim expires (the one duplicate left, see above)."""


def _due(at: datetime, now: datetime) -> bool:
    return at <= now or at > now + CLOCK_STEP


def _expired(claimed_until: datetime, now: datetime) -> bool:
    return claimed_until < now or claimed_until > now + CLOCK_STEP


def _api_error(exc: WeChatAPIError) -> str:
    return f"errcode {exc.errcode}: {exc.errmsg}"[:200] if exc.errmsg else f"errcode {exc.errcode}"


def _waiting(row: OutboxItem) -> datetime | None:
    """When a notice found no way to its payer, if it waits for their next message."""
    since = (row.payload or {}).get(WAITING)
    if not since:
        return None
    try:
        at = datetime.fromisoformat(since)
    except (TypeError, ValueError):
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _open_error(exc: BaseException) -> str:
    """A network failure as ``last_error``: only a refused connection sent nothing."""
    ambiguous = not isinstance(exc, aiohttp.ClientConnectorError)
    return exc.__class__.__name__ + (" (may have been delivered)" if ambiguous else "")


# --- writing rows (inside the caller's transaction) -----------------------------------


async def dialect_name(session: AsyncSession) -> str:
    """"sqlite", "postgresql", … of the session's connection."""
    return (await session.connection()).dialect.name


async def insert_ignore(session: AsyncSession, values: Mapping[str, Any]) -> bool:
    """Insert an outbox row unless one with the same ``dedup_key`` exists; True if inserted.

    ``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL (no aborted PostgreSQL transaction);
    a savepoint + IntegrityError elsewhere.
    """
    row = {"status": "pending", "attempts": 0, **values}
    name = await dialect_name(session)
    if name in ("sqlite", "postgresql"):
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(OutboxItem).values(**row).on_conflict_do_nothing(
            index_elements=["dedup_key"])
        result = await session.execute(stmt)
        return result.rowcount == 1
    try:
        async with session.begin_nested():
            session.add(OutboxItem(**row))
        return True
    except IntegrityError:
        return False


def webhook_item(key: str, body: dict[str, Any], **columns: Any) -> OutboxItem:
    """An unsaved outbox row for one robot message (``columns`` as :func:`webhook_values`
    takes them). ``agency``/``district``/``case_no`` are kept so a failure alert can name
    them without naming the key."""
    return OutboxItem(**webhook_values(key, body, **columns))


def webhook_values(
    key: str,
    body: dict[str, Any],
    *,
    kind: str,
    agency: str | None = None,
    district: str | None = None,
    case_id: int | None = None,
    case_no: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The columns of :func:`webhook_item`'s row, for a Core insert of many rows at once."""
    now = now or utcnow()
    return {"channel": "webhook", "target": key,
            "payload": {"kind": kind, "body": body, "agency": agency, "district": district,
                        "case_no": case_no},
            "case_id": case_id, "status": "pending", "attempts": 0,
            "next_attempt_at": now, "created_at": now}


QUEUED = "outbox_rows_queued"
"""``session.info`` key: :func:`insert_rows` wrote outbox rows in this session's transaction
(they are not ORM objects the session knows, see :func:`bot.handlers.base.queued_messages`)."""


async def insert_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Outbox rows (:func:`webhook_values`) in the caller's transaction, one Core insert for
    them all, in order; the session remembers it queued some, so the dispatcher is woken."""
    if rows:
        await session.execute(insert(OutboxItem.__table__), rows)
        session.info[QUEUED] = True


class _Replies:
    """The parts of a reply that could not go back in the passive answer (late, or past
    2,048 bytes), as outbox rows: kept in the database, so a crash or a WeChat hiccup does
    not lose them, and sent in order with the payer's notices. Written with the other
    per-message work of the messages in flight (:mod:`bot.store.batch`), in order."""

    writes = True

    def run(self, conn, items):
        now = utcnow()
        rows = [{"channel": "wechat", "target": openid, "payload": {"kind": "reply", "text": text},
                 "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
                for openid, texts in items for text in texts]
        if rows:
            conn.execute(insert(OutboxItem.__table__), rows)
        return [None] * len(items)


REPLIES = _Replies()


def admin_key(config_raw: Mapping[str, Any] | None) -> str | None:
    return ((config_raw or {}).get("liaison_groups") or {}).get("admin") or None


async def enqueue_alert(
    session: AsyncSession,
    config_raw: Mapping[str, Any] | None,
    text: str,
    *,
    case_id: int | None = None,
    dedup_key: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Queue a markdown alert for the admin group; False when none is configured or the
    ``dedup_key`` was already used."""
    key = admin_key(config_raw)
    if not key:
        log.error("admin alert not sent, liaison_groups.admin is not configured: %s", text)
        return False
    item = webhook_item(key, markdown_payload(render_alert(text)), kind="alert",
                        agency="admin", case_id=case_id, now=now)
    if dedup_key is None:
        session.add(item)
        return True
    return await enqueue_once(session, item, dedup_key)


async def enqueue_once(session: AsyncSession, item: OutboxItem, dedup_key: str) -> bool:
    """Queue ``item`` unless a row with ``dedup_key`` was ever queued (by any worker, before
    any restart); True if this call queued it."""
    values = {c: getattr(item, c) for c in ("channel", "target", "payload", "case_id", "status",
                                             "attempts", "next_attempt_at", "created_at")}
    return await insert_ignore(session, {**values, "dedup_key": dedup_key})


def group_text(name: str, **values: Any) -> str:
    """A group/alert text from notices.yaml ``group``."""
    return str((load_notices().get("group") or {})[name]).format(**values)


# --- sending ----------------------------------------------------------------------------


def _cap(value: Any, limit: int) -> str:
    text = str(value if value is not None else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The dispatcher's reads, built once with bound parameters: building a select cost more
# than SQLAlchemy's compiled cache saves, and a pass runs after every registration.
_HEADS = (select(OutboxItem).where(OutboxItem.id.in_(
    select(func.min(OutboxItem.id)).where(OutboxItem.status == "pending")
    .group_by(OutboxItem.channel, OutboxItem.target))).order_by(OutboxItem.id))
_TABLE = OutboxItem.__table__
_HEAD_ROWS = (select(_TABLE).where(_TABLE.c.id.in_(
    select(func.min(_TABLE.c.id)).where(_TABLE.c.status == "pending")
    .group_by(_TABLE.c.channel, _TABLE.c.target))).order_by(_TABLE.c.id))


class _Heads:
    """The heads read with the messages' batch (:mod:`bot.store.batch`): a pass runs after
    every commit that queued rows, and a session of its own for this one read (a checkout,
    a hand-off to the database thread, ORM rows with their JSON) was most of a pass that
    then found the robots' minute budget spent. Read-only rows, as :data:`_HEADS` gives."""

    writes = False

    def run(self, conn, items):
        heads = conn.execute(_HEAD_ROWS).all()
        return [heads for _ in items]


HEADS = _Heads()
_HEAD_OF = (select(OutboxItem)
            .where(OutboxItem.status == "pending", OutboxItem.channel == bindparam("channel"),
                   OutboxItem.target == bindparam("target"))
            .order_by(OutboxItem.id).limit(1))
_SENT_RECENTLY = select(func.count()).select_from(OutboxItem).where(
    OutboxItem.channel == "webhook", OutboxItem.target == bindparam("key"),
    OutboxItem.status == "sent", OutboxItem.sent_at > bindparam("since"),
    OutboxItem.sent_at < bindparam("until"))


class OutboxDispatcher:
    """Sends pending outbox rows: robot messages and payer notices. One per process."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker,
        webhook: WebhookClient,
        wechat_api: Any,
        config: Any,
        *,
        claim_seconds: float = CLAIM_SECONDS,
        poll_interval: float = POLL_SECONDS,
        limiter: KeyRateLimiter | None = None,
        rng: Callable[[], float] = random.random,
        max_lanes: int = MAX_LANES,
        batch: Any = None,
    ):
        self._sm = sessionmaker
        self._batch = batch
        self.webhook = webhook
        self.wechat_api = wechat_api
        self.config = config
        self.raw = getattr(config, "raw", {}) or {}
        self.per_minute = int((self.raw.get("wecom") or {}).get("rate_limit_per_minute", 20))
        self.limiter = limiter or KeyRateLimiter(self.per_minute)
        self.claim = timedelta(seconds=claim_seconds)
        self.poll_interval = poll_interval
        self.rng = rng
        self.names = agency_names(self.raw)
        self._wake = asyncio.Event()
        self._stopping = False
        self._lanes = asyncio.Semaphore(max_lanes)
        self._db_down = False  # the last pass could not read the queue (logged once)

    # -- loop ------------------------------------------------------------------------

    def notify(self) -> None:
        """Wake the loop now (call after committing rows) instead of at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the sends in flight, start no new ones, and let :meth:`run` return."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Send what is due, then sleep until notified or ``poll_interval`` passed."""
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bad pass (database down) must not end the loop
                if not database_down(exc):
                    log.exception("outbox pass failed")
                elif not self._db_down:
                    log.warning("outbox pass failed, database unavailable: %s",
                                exc.__class__.__name__)
                    self._db_down = True
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)
            except asyncio.TimeoutError:
                pass

    async def run_once(self, now: datetime | None = None) -> int:
        """Send every row that is due at ``now``; returns the number of send attempts.

        Lanes (one per destination) run concurrently, each strictly in row order. Each row
        is attempted at most once per call, so a failing destination cannot spin.
        """
        now = now or utcnow()
        attempted: set[int] = set()
        total = 0
        while not self._stopping:
            try:
                heads = await self._heads()
                woken = await self._woken(heads)
            except Exception as exc:
                if not database_down(exc):
                    raise
                # Nothing was claimed: every row stays for the next pass. One line per
                # outage, not a traceback every poll.
                if not self._db_down:
                    log.warning("outbox pass skipped, database unavailable: %s",
                                exc.__class__.__name__)
                self._db_down = True
                return total
            if self._db_down:
                log.info("outbox database reachable again")
                self._db_down = False
            heads = [row for row in heads if self._ready(row, now, woken)
                     and row.id not in attempted]
            if not heads:
                break
            results = await asyncio.gather(*(self._lane(row, now, attempted, woken)
                                             for row in heads), return_exceptions=True)
            done = 0
            for result in results:
                if isinstance(result, BaseException):
                    log.error("outbox lane failed: %s", result.__class__.__name__)
                else:
                    done += result
            total += done
            if not done:
                break
        return total

    # -- lanes -----------------------------------------------------------------------

    def _ready(self, row: OutboxItem, now: datetime, woken: frozenset[int] = frozenset()) -> bool:
        if row.channel == "wechat" and (self.wechat_api is None
                                        or (_waiting(row) is not None and row.id not in woken)):
            return False
        return _due(row.next_attempt_at, now) and (row.claimed_until is None
                                                   or _expired(row.claimed_until, now))

    async def _heads(self) -> list[OutboxItem]:
        """The oldest pending row of every (channel, target) lane; in the group commit's
        next batch when there is one (``batch``), as read-only rows."""
        if self._batch is not None:
            return list(await self._batch.run(HEADS, None))
        async with self._sm() as session:
            return list((await session.execute(_HEADS)).scalars())

    async def _woken(self, heads: list[OutboxItem]) -> frozenset[int]:
        """The waiting notices (see :data:`WAITING`) whose payer wrote since the refusal."""
        waiting = {row.target: (row.id, since) for row in heads
                   if row.channel == "wechat" and (since := _waiting(row)) is not None}
        if not waiting:
            return frozenset()
        async with self._sm() as session:
            wrote = await session.execute(
                select(Payer.openid, Payer.last_message_at).where(
                    Payer.openid.in_(list(waiting)), Payer.last_message_at.is_not(None)))
            return frozenset(waiting[openid][0] for openid, at in wrote
                             if at > waiting[openid][1])

    async def _head_of(self, channel: str, target: str) -> OutboxItem | None:
        async with self._sm() as session:
            return await session.scalar(_HEAD_OF, {"channel": channel, "target": target})

    async def _lane(self, row: OutboxItem | None, now: datetime, attempted: set[int],
                    woken: frozenset[int] = frozenset()) -> int:
        async with self._lanes:
            return await self._serve_lane(row, now, attempted, woken)

    async def _serve_lane(self, row: OutboxItem | None, now: datetime,
                          attempted: set[int], woken: frozenset[int] = frozenset()) -> int:
        """Send the lane's rows in order until one must wait (backoff, claim, rate, payer)."""
        sent = 0
        while row is not None and row.id not in attempted and not self._stopping:
            if not self._ready(row, now, woken):
                break
            if row.channel == "webhook" and not await self._rate_ok(row.target, now):
                break
            claimed = await self._claim(row.id, now)
            if claimed is None:
                break
            attempted.add(claimed.id)
            outcome = await self._deliver_or_retry(claimed, now)
            sent += 1
            if outcome == "retry":
                break
            row = await self._head_of(row.channel, row.target)
        return sent

    async def _rate_ok(self, key: str, now: datetime) -> bool:
        if self.limiter.next_allowed(key, now.timestamp()) > 0:
            return False
        async with self._sm() as session:
            recent = await session.scalar(_SENT_RECENTLY, {
                "key": key, "since": now - RATE_WINDOW, "until": now + RATE_WINDOW})
        return (recent or 0) < self.per_minute

    async def _claim(self, row_id: int, now: datetime) -> OutboxItem | None:
        """Take the row for ``claim`` seconds; None if another worker has it or it is done."""
        ahead = now + CLOCK_STEP
        free = (OutboxItem.id == row_id, OutboxItem.status == "pending",
                or_(OutboxItem.next_attempt_at <= now, OutboxItem.next_attempt_at > ahead),
                or_(OutboxItem.claimed_until.is_(None), OutboxItem.claimed_until < now,
                    OutboxItem.claimed_until > ahead))
        async with self._sm() as session:
            if await dialect_name(session) == "postgresql":
                row = await session.scalar(
                    select(OutboxItem).where(*free).with_for_update(skip_locked=True))
                if row is None:
                    await session.rollback()
                    return None
                row.claimed_until = now + self.claim
                await session.commit()
                return row
            row = await session.scalar(
                update(OutboxItem).where(*free).values(claimed_until=now + self.claim)
                .returning(OutboxItem).execution_options(synchronize_session=False))
            await session.commit()
            return row

    # -- recording results -------------------------------------------------------------

    async def _finish(self, row: OutboxItem, values: dict[str, Any],
                      alert: tuple[str, str] | None = None, now: datetime | None = None) -> None:
        """Record a result and release the claim; queue ``alert`` (text, dedup key) with it."""
        async with self._sm() as session:
            await session.execute(
                update(OutboxItem).where(OutboxItem.id == row.id)
                .values(claimed_until=None, attempts=OutboxItem.attempts + 1, **values)
                .execution_options(synchronize_session=False))
            if alert is not None:
                await enqueue_alert(session, self.raw, alert[0], case_id=row.case_id,
                                    dedup_key=alert[1], now=now)
            await session.commit()
        if alert is not None:
            self._wake.set()

    async def _sent(self, row: OutboxItem, now: datetime, payload: dict | None = None) -> str:
        """Record a send that happened. A database hiccup here must not turn into a retry,
        which would send the message a second time: tried again for a few seconds, then
        left to the claim's expiry (:class:`Unrecorded`)."""
        values: dict[str, Any] = {"status": "sent", "sent_at": now, "last_error": None}
        if payload is not None:
            values["payload"] = payload
        attempt = 0
        while True:
            try:
                await self._finish(row, values)
                return "sent"
            except Exception as exc:
                attempt += 1
                log.warning("outbox row %s sent, recording it failed (%s), attempt %d",
                            row.id, exc.__class__.__name__, attempt)
                if attempt == SENT_RECORD_TRIES:
                    raise Unrecorded(row.id) from exc
            await asyncio.sleep(SENT_RECORD_WAIT * 2 ** (attempt - 1))

    async def _retry(self, row: OutboxItem, now: datetime, error: str,
                     retry_after: float | None = None, alert: str | None = None) -> str:
        delay = max(backoff_delay(row.attempts, rng=self.rng), retry_after or 0.0,
                    MIN_RETRY_SECONDS)
        # Said at every retry, not only when it gives up hours later: the operator sees a
        # group robot that is down while it is down.
        log.warning("outbox row %s not sent, retrying in %.0f s: %s", row.id, delay,
                    redact_exception(error))
        await self._finish(row, {"next_attempt_at": now + timedelta(seconds=delay),
                                 "last_error": error[:500]},
                           (alert, f"stuck:{row.id}") if alert else None, now)
        return "retry"

    async def _failed(self, row: OutboxItem, now: datetime, error: str,
                      alert: str | None = None) -> str:
        log.warning("outbox row %s failed: %s", row.id, redact_exception(error))
        await self._finish(row, {"status": "failed", "last_error": error[:500]},
                           (alert, f"failed:{row.id}") if alert else None, now)
        return "failed"

    # -- delivery --------------------------------------------------------------------

    async def _deliver_or_retry(self, row: OutboxItem, now: datetime) -> str:
        """Deliver; a failure nobody foresaw is recorded as a retry with backoff, so the row
        shows its error and waits instead of being re-sent each time its claim expires."""
        try:
            return await self._deliver(row, now)
        except (asyncio.CancelledError, Unrecorded):
            raise
        except Exception as exc:  # noqa: BLE001 - its text may quote the payload
            log.error("outbox row %s: unexpected %s\n%s", row.id, exc.__class__.__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            return await self._retry(row, now, f"unexpected {exc.__class__.__name__}")

    async def _deliver(self, row: OutboxItem, now: datetime) -> str:
        if row.channel == "webhook":
            return await self._send_webhook(row, now)
        if row.channel == "wechat":
            return await self._send_wechat(row, now)
        return await self._failed(row, now, f"unknown channel {row.channel!r}")

    def _alert_text(self, name: str, row: OutboxItem, **extra: Any) -> str | None:
        """Alert about a robot row, or None for an alert row (never alert about alerts)."""
        payload = row.payload or {}
        if payload.get("kind") == "alert":
            log.error("admin group unreachable: %s",
                      redact_exception(extra.get("detail", name)))
            return None
        agency = payload.get("agency") or ""
        return group_text(name, agency=self.names.get(agency, agency or "未知单位"),
                          district=payload.get("district") or "未知辖区",
                          case_no=payload.get("case_no") or "—", **extra)

    async def _send_webhook(self, row: OutboxItem, now: datetime) -> str:
        key = row.target
        payload = dict(row.payload or {})
        body = payload.get("body") or {}
        pieces = payload.get(PIECES)
        if not pieces:
            self.limiter.record(key, now.timestamp())
            result = await self.webhook.send(key, body)
            size, content = content_bytes(body), content_of(body)
            if result.errcode not in TOO_LONG_ERRCODES or content is None:
                return await self._webhook_result(row, now, result)
            title, rest = title_and_rest(content)
            chunks = split_text(title, rest, size // 2)
            if not chunks:
                return await self._webhook_result(row, now, result)
            log.warning("outbox row %s: robot found the card too long, sending it in %d parts",
                        row.id, len(chunks))
            pieces = {"title": title, "left": chunks, "sent": 0}
        return await self._send_pieces(row, now, payload, dict(pieces))

    async def _send_pieces(self, row: OutboxItem, now: datetime, payload: dict[str, Any],
                           pieces: dict[str, Any]) -> str:
        """The parts of a card the robot found too long, in order, each within the robot's
        minute budget; a part refused as too long again has what is left split smaller and
        numbered on. What is left when one must wait is kept in the row (:data:`PIECES`),
        so no part goes twice."""
        key, body = row.target, payload.get("body") or {}
        while pieces["left"]:
            total = pieces["sent"] + len(pieces["left"])
            part = part_payload(body, pieces["title"], pieces["left"][0], pieces["sent"] + 1,
                                total)
            wait = self.limiter.next_allowed(key, now.timestamp())
            if wait > 0:
                return await self._hold(row, now, {**payload, PIECES: pieces}, wait)
            self.limiter.record(key, now.timestamp())
            result = await self.webhook.send(key, part)
            size = content_bytes(part)
            if result.errcode in TOO_LONG_ERRCODES and size > SHORTEST:
                finer = split_text(pieces["title"], "\n".join(pieces["left"]), size // 2)
                if finer:
                    pieces = {**pieces, "left": finer}
                    continue
            if not result.ok:
                await self._keep(row, {"payload": {**payload, PIECES: pieces}})
                return await self._webhook_result(row, now, result)
            pieces = {**pieces, "left": pieces["left"][1:], "sent": pieces["sent"] + 1}
            if pieces["left"]:
                await self._keep(row, {"payload": {**payload, PIECES: pieces}})
        return await self._sent(row, now, {**payload, PIECES: pieces})

    async def _keep(self, row: OutboxItem, values: dict[str, Any]) -> bool:
        """Record progress on a row still being sent (best effort: if it is lost, parts
        already posted go again, as after a timeout)."""
        try:
            async with self._sm() as session:
                await session.execute(
                    update(OutboxItem).where(OutboxItem.id == row.id).values(**values)
                    .execution_options(synchronize_session=False))
                await session.commit()
            return True
        except Exception as exc:  # noqa: BLE001 - logged; the send goes on
            log.warning("outbox row %s: recording its progress failed (%s)", row.id,
                        exc.__class__.__name__)
            return False

    async def _hold(self, row: OutboxItem, now: datetime, payload: dict[str, Any],
                    wait: float) -> str:
        """Parts left for the robot's next minute: not a failure, no attempt counted."""
        await self._keep(row, {"payload": payload, "claimed_until": None,
                               "next_attempt_at": now + timedelta(seconds=max(wait, 1.0))})
        return "retry"

    async def _webhook_result(self, row: OutboxItem, now: datetime, result: Any) -> str:
        key = row.target
        if result.ok:
            return await self._sent(row, now)
        detail = result.detail or result.outcome
        if result.outcome == "retry":
            if result.retry_after:
                self.limiter.block(key, now.timestamp() + result.retry_after)
            if result.ambiguous:
                detail += " (may have been delivered)"
            alert = None
            if row.attempts + 1 == ALERT_AFTER_ATTEMPTS:
                alert = self._alert_text("alert_stuck", row, attempts=row.attempts + 1,
                                         detail=detail)
            return await self._retry(row, now, detail, result.retry_after, alert)
        replacement = self._configured_key(row) if result.outcome == "invalid_key" else None
        if replacement and replacement != key:
            return await self._retarget(row, now, replacement)
        name = "alert_invalid_key" if result.outcome == "invalid_key" else "alert_rejected"
        code = f" errcode {result.errcode}" if result.errcode is not None else ""
        return await self._failed(row, now, f"{result.outcome}{code}: {detail}",
                                  self._alert_text(name, row, detail=detail))

    def _configured_key(self, row: OutboxItem) -> str | None:
        """The key the configuration now gives the row's group (district × agency, or the
        admin group): after an operator replaced a robot, rows queued for the old one go to
        the new one instead of failing."""
        payload = row.payload or {}
        groups = self.raw.get("liaison_groups") or {}
        agency, district = payload.get("agency"), payload.get("district")
        keys = groups.get(district) if district else None
        if isinstance(keys, Mapping) and agency:
            return keys.get(agency) or None
        if agency == "admin" and isinstance(groups.get("admin"), str):
            return groups["admin"]
        return None

    async def _retarget(self, row: OutboxItem, now: datetime, key: str) -> str:
        log.warning("outbox row %s: robot key replaced in the configuration, resending", row.id)
        await self._finish(row, {"target": key, "next_attempt_at": now,
                                 "last_error": "invalid_key: resent to the configured robot"})
        self._wake.set()
        return "retry"

    async def _customer_service_allowed(self, openid: str, now: datetime) -> bool | None:
        """True: send a customer-service message; False: use the template; None: the payer
        unsubscribed, send nothing."""
        async with self._sm() as session:
            payer = await session.get(Payer, openid)
            if payer is not None and payer.subscribed is False:
                return None
            if payer is None or payer.last_message_at is None:
                return False
            since = payer.last_message_at
            if now - since >= CS_WINDOW:
                return False
            payloads = (await session.execute(
                select(OutboxItem.payload).where(
                    OutboxItem.channel == "wechat", OutboxItem.target == openid,
                    OutboxItem.status == "sent", OutboxItem.sent_at >= since))).scalars()
            used = sum(1 for p in payloads if (p or {}).get("sent_via") == "custom")
        return used < CS_LIMIT

    def _template(self, payload: Mapping[str, Any]) -> tuple[str, dict[str, str]] | None:
        spec = self.raw.get("notice_template") or {}
        template_id, fields = spec.get("template_id"), spec.get("fields") or {}
        if not template_id or not fields:
            return None
        limit = int(spec.get("max_len", 20))  # "thing" fields take 20 characters
        values = payload.get("template") or {}
        return str(template_id), {str(field): _cap(values.get(name, ""), limit)
                                  for name, field in fields.items()}

    async def _send_wechat(self, row: OutboxItem, now: datetime) -> str:
        openid, payload = row.target, dict(row.payload or {})
        allowed = await self._customer_service_allowed(openid, now)
        if allowed is None:
            return await self._failed(row, now, "payer unsubscribed")
        if payload.get("kind") == "reply":
            return await self._send_reply(row, now)
        payload.pop(WAITING, None)
        via, refused = None, "customer-service window closed"
        try:
            if allowed:
                try:
                    await self.wechat_api.send_text(openid, payload.get("text") or "")
                    via = "custom"
                except WeChatAPIError as exc:
                    if exc.errcode not in CS_REFUSED:
                        raise
                    refused = _api_error(exc)
            if via is None:
                template = self._template(payload)
                if template is None:
                    return await self._wait_for_payer(
                        row, now, payload, f"{refused}; no notice_template configured")
                try:
                    await self.wechat_api.send_template(openid, *template)
                except WeChatAPIError as exc:
                    if exc.errcode not in PERMANENT_WECHAT or exc.errcode in PAYER_GONE:
                        raise
                    return await self._wait_for_payer(
                        row, now, payload, f"{refused}; template {_api_error(exc)}")
                via = "template"
        except WeChatAPIError as exc:
            if exc.errcode in PERMANENT_WECHAT:
                return await self._failed(row, now, _api_error(exc))
            return await self._notice_retry(row, now, _api_error(exc))
        except OPEN_ERRORS as exc:
            return await self._notice_retry(row, now, _open_error(exc))
        return await self._sent(row, now, {**payload, "sent_via": via})

    async def _wait_for_payer(self, row: OutboxItem, now: datetime, payload: dict[str, Any],
                              error: str) -> str:
        """Keep a notice no message can carry now until the payer writes again (their message
        reopens the customer-service window): no attempt limit, no retries meanwhile."""
        log.info("outbox row %s waits for the payer's next message: %s", row.id, error)
        await self._finish(row, {"payload": {**payload, WAITING: now.isoformat()},
                                 "next_attempt_at": now,
                                 "last_error": f"waiting for the payer to write: {error}"[:500]})
        return "retry"

    async def _send_reply(self, row: OutboxItem, now: datetime) -> str:
        """The rest of an answer to the payer's own message: always a customer-service
        message (the payer just wrote, and a template cannot carry it), outside the notices'
        budget."""
        try:
            await self.wechat_api.send_text(row.target, (row.payload or {}).get("text") or "")
        except WeChatAPIError as exc:
            if exc.errcode in PERMANENT_WECHAT or exc.errcode in CS_REFUSED:
                return await self._failed(row, now, _api_error(exc))
            return await self._notice_retry(row, now, _api_error(exc))
        except OPEN_ERRORS as exc:
            return await self._notice_retry(row, now, _open_error(exc))
        return await self._sent(row, now)

    async def _notice_retry(self, row: OutboxItem, now: datetime, error: str) -> str:
        if row.attempts + 1 >= NOTICE_MAX_ATTEMPTS:
            return await self._failed(row, now, f"gave up: {error}")
        return await self._retry(row, now, error)
