"""WeCom group robot webhook: one async client, payload builders, backoff and rate limiting.

``POST {base}/cgi-bin/webhook/send?key=KEY`` with a JSON message; the answer is
``{"errcode": 0, "errmsg": "ok"}``. The client never raises for network trouble: it returns
a :class:`SendResult` whose ``outcome`` tells the outbox dispatcher what to do:

* ``sent`` — done.
* ``retry`` — try again later (timeout, connection error, HTTP 408/429/5xx, errcode 45009
  frequency limit, -1 system busy, 45033 concurrency limit, an unreadable answer). A 429
  holds the key for a minute as 45009 does (longer if its ``Retry-After`` says so). A
  redirect (a proxy's or a captive portal's 3xx) is never followed, which would post the
  card wherever ``Location`` points; the card waits, and the stuck alert names it.
* ``invalid_key`` — errcode 93000: the robot was removed or the key is wrong. Retrying cannot
  help; alert the admin group and fix ``liaison_groups``.
* ``rejected`` — any other errcode (40008 bad msgtype, 40058 content too long, …) or another
  HTTP 4xx. On 40058 the dispatcher sends the card again at once in numbered parts of half
  the size (:func:`split_text`), since WeCom may count a card we kept to 4096 bytes as
  longer; cutting it would lose what the payer said. HTTP
  404 lands here, not in ``invalid_key``: the real API answers a bad key with HTTP 200 +
  93000, so a 404 means ``wecom.webhook_base`` points at the wrong place, which is
  a configuration error for every key, not this one.

Duplicates: a timeout or a dropped connection after the request went out is ambiguous — WeCom
may have posted the message. The robot API has no idempotency key, so the dispatcher retries
(at-least-once: a late duplicate card is better than a lost case) and ``SendResult.ambiguous``
says when a duplicate is possible. A duplicate is the same card twice in the group, with the
same case number, which liaisons can recognise.
"""
from __future__ import annotations

import asyncio
import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

MARKDOWN_LIMIT = 4096  # bytes of UTF-8
TEXT_LIMIT = 2048  # bytes of UTF-8
SEND_PATH = "/cgi-bin/webhook/send"

RATE_LIMITED = 45009
TRANSIENT_ERRCODES = frozenset({-1, RATE_LIMITED, 45033})
INVALID_KEY_ERRCODES = frozenset({93000})
TOO_LONG_ERRCODES = frozenset({40058})  # "markdown.content exceed max length": WeCom's count
SHORTEST = 256  # bytes: below this a card no longer says what it is about
TOO_MANY = 429
RETRY_HTTP = frozenset({408, TOO_MANY})
RATE_WINDOW = 60.0  # seconds: WeCom counts 20 messages a minute per robot
RETRY_AFTER_CAP = 600.0
AMBIGUOUS_HTTP = frozenset({500, 502, 504})


@dataclass(frozen=True)
class SendResult:
    """What happened to one send. ``retry_after`` is a server-imposed minimum wait."""

    outcome: str  # "sent" | "retry" | "invalid_key" | "rejected"
    errcode: int | None = None
    detail: str = ""
    ambiguous: bool = False  # the message may have been posted although outcome != "sent"
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "sent"


def cut_utf8(text: str, max_bytes: int, ellipsis: str = "…") -> str:
    """``text`` if it fits in ``max_bytes`` of UTF-8, else a prefix + ``ellipsis`` that does.

    Cuts on a character boundary: a partial trailing sequence is dropped, never sent.
    """
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    room = max_bytes - len(ellipsis.encode("utf-8"))
    if room <= 0:
        return ""
    return data[:room].decode("utf-8", errors="ignore") + ellipsis


def markdown_payload(content: str) -> dict[str, Any]:
    """A markdown message, cut to 4096 bytes so WeCom never rejects it with 40058."""
    return {"msgtype": "markdown", "markdown": {"content": cut_utf8(content, MARKDOWN_LIMIT)}}


def text_payload(content: str, mention_all: bool = False) -> dict[str, Any]:
    """A text message (≤ 2048 bytes). Only text messages can @all, via
    ``mentioned_list: ["@all"]``; markdown can only mention single users."""
    body: dict[str, Any] = {"content": cut_utf8(content, TEXT_LIMIT)}
    if mention_all:
        body["mentioned_list"] = ["@all"]
    return {"msgtype": "text", "text": body}


def content_bytes(payload: dict[str, Any]) -> int:
    """UTF-8 bytes of the message's content (0 for a payload without one)."""
    body = payload.get(payload.get("msgtype") or "")
    content = body.get("content") if isinstance(body, dict) else None
    return len(content.encode("utf-8")) if isinstance(content, str) else 0


PART_MARK = " ({index}/{total})"
PART_ROOM = len(PART_MARK.format(index=99, total=99).encode("utf-8"))
# Where a text is best split: after a line or a sentence, else anywhere.
SPLIT_AFTER = ("\n", "。", "！", "？", "；", "!", "?", ";", "，", ",")


def utf8_prefix(text: str, max_bytes: int) -> str:
    """The longest start of ``text`` within ``max_bytes`` of UTF-8, ended after a line or a
    sentence when one falls in its last third; never inside a character."""
    piece = text.encode("utf-8")[:max(max_bytes, 0)].decode("utf-8", errors="ignore")
    if len(piece) >= len(text):
        return text
    best = max(piece.rfind(mark) for mark in SPLIT_AFTER)
    return piece[:best + 1] if best >= len(piece) * 2 // 3 else piece


def content_of(payload: dict[str, Any]) -> str | None:
    kind = payload.get("msgtype")
    body = payload.get(kind) if isinstance(kind, str) else None
    content = body.get("content") if isinstance(body, dict) else None
    return content if isinstance(content, str) else None


def title_and_rest(content: str) -> tuple[str, str]:
    """A card's first line (its title with the case number), repeated on every part, and
    the rest, which is divided; no title for a one-line text or one whose first line is
    most of it."""
    title, newline, rest = content.partition("\n")
    if not newline or len(title.encode("utf-8")) > len(content.encode("utf-8")) // 4:
        return "", content
    return title, rest


def split_text(title: str, rest: str, max_bytes: int) -> list[str] | None:
    """``rest`` in chunks that fit a part of ``max_bytes`` under ``title``; None when a
    part that small could no longer carry anything."""
    room = max_bytes - len(title.encode("utf-8")) - PART_ROOM - 1
    if room < SHORTEST // 2:
        return None
    chunks: list[str] = []
    while rest:
        piece = utf8_prefix(rest, room)
        if not piece:
            return None
        chunks.append(piece)
        rest = rest[len(piece):].lstrip("\n")
    return chunks


def part_payload(payload: dict[str, Any], title: str, chunk: str, index: int,
                 total: int) -> dict[str, Any]:
    """One numbered part of ``payload``: its title with "(index/total)", then ``chunk``."""
    kind = payload["msgtype"]
    mark = PART_MARK.format(index=index, total=total)
    content = f"{title}{mark}\n{chunk}" if title else f"{mark.strip()}\n{chunk}"
    return {**payload, kind: {**payload[kind], "content": content}}


class WebhookClient:
    """Sends one payload to one robot key. Shares the app's aiohttp session."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, timeout: float = 5.0):
        self.session = session
        self.url = base_url.rstrip("/") + SEND_PATH
        self.timeout = timeout

    async def send(self, key: str, payload: dict[str, Any]) -> SendResult:
        """POST ``payload`` to the robot ``key``; never raises for network problems.

        The key is a secret (anyone holding it can post to the group), so it never appears
        in ``detail``.
        """
        def redact(text: str) -> str:
            return text.replace(key, "***") if key else text

        try:
            async with self.session.post(
                self.url,
                params={"key": key},
                json=payload,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                allow_redirects=False,
            ) as resp:
                if resp.status != 200:
                    return _http_result(resp.status, resp.headers.get("Retry-After"))
                try:
                    body = await resp.json(content_type=None)
                except ValueError:
                    return SendResult("retry", detail="answer is not JSON", ambiguous=True)
        except (asyncio.TimeoutError, TimeoutError):
            return SendResult("retry", detail=f"timeout after {self.timeout:g}s", ambiguous=True)
        except aiohttp.ClientConnectorError as exc:  # nothing was sent
            return SendResult("retry", detail=redact(f"connect: {exc.__class__.__name__}"))
        except (aiohttp.ClientError, OSError) as exc:
            return SendResult("retry", detail=redact(f"{exc.__class__.__name__}: {exc}"),
                              ambiguous=True)
        return _errcode_result(body, redact)


def _http_result(status: int, retry_after: str | None = None) -> SendResult:
    if 300 <= status < 400:
        return SendResult("retry", detail=f"http {status} redirect (not followed)")
    if status in RETRY_HTTP or status >= 500:
        wait = _seconds(retry_after)
        if status == TOO_MANY:  # WeCom's minute window, as for 45009, unless told longer
            wait = max(wait or 0.0, RATE_WINDOW)
        return SendResult("retry", detail=f"http {status}", ambiguous=status in AMBIGUOUS_HTTP,
                          retry_after=wait)
    return SendResult("rejected", detail=f"http {status}")


def _seconds(retry_after: str | None) -> float | None:
    """A ``Retry-After`` of delta-seconds, capped at :data:`RETRY_AFTER_CAP`; an HTTP date or
    anything else is ignored (the backoff applies)."""
    try:
        seconds = float((retry_after or "").strip())
    except ValueError:
        return None
    if not 0 < seconds < float("inf"):
        return None
    return min(seconds, RETRY_AFTER_CAP)


def _errcode_result(body: Any, redact: Callable[[str], str]) -> SendResult:
    if not isinstance(body, dict) or "errcode" not in body:
        return SendResult("retry", detail="answer has no errcode", ambiguous=True)
    try:
        errcode = int(body["errcode"])
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON's Infinity
        return SendResult("retry", detail="answer has a bad errcode", ambiguous=True)
    detail = redact(str(body.get("errmsg") or ""))[:300]
    if errcode == 0:
        return SendResult("sent", errcode=0, detail=detail)
    if errcode in TRANSIENT_ERRCODES:
        wait = RATE_WINDOW if errcode == RATE_LIMITED else None
        return SendResult("retry", errcode=errcode, detail=detail, retry_after=wait)
    if errcode in INVALID_KEY_ERRCODES:
        return SendResult("invalid_key", errcode=errcode, detail=detail)
    return SendResult("rejected", errcode=errcode, detail=detail)


def backoff_delay(
    attempt: int, base: float = 2.0, cap: float = 600.0, rng: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number ``attempt`` (0 = first retry): full jitter,
    uniform in [0, min(cap, base * 2**attempt)), so many queued messages do not retry in
    lockstep against a recovering server. Use ``max(delay, result.retry_after)``."""
    ceiling = min(cap, base * 2 ** min(max(attempt, 0), 32))
    return rng() * ceiling


class KeyRateLimiter:
    """Per-robot sliding-window limiter (WeCom allows 20 messages a minute per robot).

    Pure: the caller passes ``now`` (seconds, any monotonic clock), so it can be driven by
    the database-backed dispatcher and by tests without sleeping. One instance per process;
    a 45009 answer from WeCom (another sender used the robot) is fed back with :meth:`block`.
    """

    def __init__(self, per_minute: int = 20, window: float = 60.0):
        if per_minute < 1:
            raise ValueError("per_minute must be >= 1")
        self.per_minute = per_minute
        self.window = window
        self._sent: dict[str, list[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def _prune(self, key: str, now: float) -> list[float]:
        """The sends still in the window, oldest first. Sends more than a window ahead of
        ``now`` (and such blocks) date from before the clock stepped back and would hold the
        key for the size of the step, so they are forgotten."""
        sent = [t for t in self._sent.get(key, ()) if now - self.window < t <= now + self.window]
        self._sent[key] = sent
        if self._blocked_until.get(key, now) > now + self.window:
            del self._blocked_until[key]
        return sent

    def next_allowed(self, key: str, now: float) -> float:
        """Seconds to wait before the next message to ``key`` may go; 0.0 means now."""
        sent = self._prune(key, now)
        wait = 0.0
        if len(sent) >= self.per_minute:
            wait = sent[len(sent) - self.per_minute] + self.window - now
        return max(wait, self._blocked_until.get(key, now) - now, 0.0)

    def record(self, key: str, now: float) -> None:
        """Count a message sent (or attempted) to ``key`` at ``now``."""
        bisect.insort(self._prune(key, now), now)

    def block(self, key: str, until: float) -> None:
        """Hold ``key`` until ``until`` (e.g. ``now + result.retry_after`` after 45009)."""
        self._blocked_until[key] = max(until, self._blocked_until.get(key, until))
