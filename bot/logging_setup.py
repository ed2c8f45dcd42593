"""Structured logs: one JSON object per line, safe to ship to a shared log store.

Log records name events, not people. Pass context as ``extra``::

    log.info("case registered", extra={"case_no": case.case_no, "openid": inbound.openid,
                                       "category": case.category})

and the line comes out as
``{"ts": "...", "level": "info", "logger": "disputebot.intake", "event": "case registered",
"case_no": "ZY20261124-0007", "payer": "3f9a0c1d2e4b", "category": "unpaid"}``.

Privacy rules (the seeds: "不得泄露缴费人信息"):

* an ``openid`` is never written: :class:`PrivacyFilter` replaces it by
  :func:`bot.privacy.hash_openid` as ``payer``;
* fields that hold personal data or what a payer typed (phone, ID number, name, message
  text, ...) are dropped, whatever a caller passes;
* as a safety net, the message and every string field go through :func:`bot.privacy.scrub`,
  which masks phone, ID and card numbers that slipped into a format string or an
  exception.

The filter sits on the handler, so it protects every logger, the libraries' included.
"""
from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
from datetime import datetime, timezone
from functools import lru_cache
from hashlib import blake2b
from typing import Any, TextIO
from urllib.parse import unquote

from bot.privacy import hash_openid, scrub

# Fields a caller may add with ``extra=``; anything else is left out of the JSON line.
ALLOWED_FIELDS = frozenset({
    "case_no", "payer", "intent", "kind", "event_type", "category", "severity", "agency",
    "channel", "status", "state", "attempt", "attempts", "duration_ms", "count", "error",
    "route", "method", "http_status", "worker", "outbox_id", "template",
})
# Never written, even if allowed by mistake: personal data and payer-typed text.
FORBIDDEN_FIELDS = frozenset({
    "openid", "phone", "mobile", "id_number", "idcard", "name", "text", "content",
    "message", "description", "address", "employer", "body", "xml",
})
_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message", "asctime", "taskName",
}
_HANDLER_MARK = "_disputebot_handler"
# An exception's text may quote what a payer typed: SQLAlchemy prints a failed statement's
# parameters, and an error message may carry a slot value. Operators need the type and
# place, not the words, so parameters and runs of Chinese text are cut out of it.
_STATEMENT_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background on|$))", re.DOTALL)
_CHINESE_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")


class PrivacyFilter(logging.Filter):
    """Hash openids, drop personal fields and scrub numbers out of every record.

    Mutates the record (message rendered and scrubbed, ``args`` cleared) so any formatter
    downstream sees only safe values.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_disputebot_clean", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the event
            message = str(record.msg)
        record.msg, record.args = _scrubbed(message), None
        fields = record.__dict__
        openid = fields.pop("openid", None)
        payer = None
        if openid is not None and not getattr(record, "payer", None):
            payer = _hashed(openid) if isinstance(openid, str) else scrub(hash_openid(openid))
        for key in fields.keys() - _RESERVED:
            if key in FORBIDDEN_FIELDS:
                del fields[key]
            elif isinstance(fields[key], str):
                fields[key] = _scrubbed(fields[key], decode=False)
        if payer is not None:
            record.payer = payer
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_exception(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        record._disputebot_clean = True
        return True


KEPT_TEXT = 200
"""Texts up to this length are scrubbed once and remembered (:func:`_scrubbed`)."""
KEPT_COUNT = 4096
_KEPT: dict[tuple[bytes, bool], str] = {}
"""Scrubbed short texts by the digest of the raw text: the raw text itself (a payer's
phone number in a short field) is never held."""


def _scrubbed(text: str, decode: bool = True) -> str:
    """:func:`scrub` (of the URL-decoded text when ``decode``), remembered for short texts.
    Every message logs one line whose event, kind, intent and hashed payer repeat from line
    to line; scrubbing them afresh (a dozen patterns each) was two thirds of that line's
    cost. ``scrub`` reads only the text and the fixed patterns, so a kept result is the
    same as a new one. Long texts (exceptions, access lines with a query) are not kept."""
    if len(text) > KEPT_TEXT:
        return scrub(_url_decoded(text) if decode else text)
    key = (blake2b(text.encode(), digest_size=16).digest(), decode)
    kept = _KEPT.get(key)
    if kept is None:
        if len(_KEPT) >= KEPT_COUNT:
            _KEPT.clear()
        kept = _KEPT[key] = scrub(_url_decoded(text) if decode else text)
    return kept


@lru_cache(maxsize=4096)
def _hashed(openid: str) -> str:
    """:func:`hash_openid`, scrubbed like every field (a digest's digits may match a phone
    number's piece), remembered for the payers writing now."""
    return scrub(hash_openid(openid))


def _url_decoded(text: str) -> str:
    """An access line's path and query as typed: a number in a URL is percent-encoded
    (139%208765%204321, %E4%B8%80… for 一…), which the masking would not read."""
    return unquote(text) if "%" in text else text


def redact_exception(text: str) -> str:
    """An exception's text without statement parameters, Chinese words or numbers."""
    text = _STATEMENT_PARAMETERS.sub("[parameters hidden]", text)
    return scrub(_CHINESE_RUN.sub("…", text))


_WRITTEN_FIELDS = ALLOWED_FIELDS - FORBIDDEN_FIELDS
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""``json.dumps(doc, ensure_ascii=False, separators=(",", ":"))`` without building an
encoder for every line."""


def _utc_second(second: int, _kept: dict[int, str] = {}) -> str:  # noqa: B006 - the memo
    """``2026-11-29T18:00:05`` for a whole second since the epoch, remembered for the last
    second: every line of that second shares it."""
    text = _kept.get(second)
    if text is None:
        _kept.clear()
        text = _kept[second] = datetime.fromtimestamp(second, timezone.utc).isoformat()[:-6]
    return text


def utc_millis(created: float) -> str:
    """``datetime.fromtimestamp(created, timezone.utc).isoformat(timespec="milliseconds")``
    with ``Z`` for ``+00:00``: the microseconds rounded half to even as ``datetime`` rounds
    them (a carry moves to the next second), then cut to milliseconds, the date and time
    formatted once a second instead of on every line."""
    second = math.floor(created)
    micros = round((created - second) * 1e6)
    if micros >= 1_000_000:
        second, micros = second + 1, micros - 1_000_000
    return f"{_utc_second(second)}.{micros // 1000:03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, event, then the allowed fields."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": utc_millis(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _WRITTEN_FIELDS and value is not None:
                doc[key] = value if isinstance(value, (int, float, bool)) else str(value)
        if record.exc_text:
            doc["exc"] = record.exc_text
        elif record.exc_info:
            doc["exc"] = redact_exception(self.formatException(record.exc_info))
        return _ENCODE(doc)


class TextFormatter(logging.Formatter):
    """Human-readable line for a terminal (``LOG_FORMAT=text``), same filtering."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s%(fields)s")

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in record.__dict__.items()
                          if k in ALLOWED_FIELDS and k not in FORBIDDEN_FIELDS
                          and v is not None)
        record.fields = f" [{fields}]" if fields else ""
        return super().format(record)


def setup_logging(level: str | int | None = None, fmt: str | None = None,
                  stream: TextIO | None = None) -> logging.Handler:
    """Install one privacy-filtered handler on the root logger (idempotent).

    ``level`` defaults to ``LOG_LEVEL`` (INFO), ``fmt`` to ``LOG_FORMAT`` (``json``;
    ``text`` for a terminal), ``stream`` to stderr — stdout stays clean for the JSONL
    commands.
    """
    level = level or os.environ.get("LOG_LEVEL", "INFO")
    fmt = (fmt or os.environ.get("LOG_FORMAT") or "json").lower()
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(PrivacyFilter())
    handler.setFormatter(TextFormatter() if fmt == "text" else JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    # rasa-sdk logs "Tried to access non existent slot" at INFO for every optional slot the
    # form looks at: several lines per message that say nothing about our service.
    logging.getLogger("rasa_sdk").setLevel(logging.WARNING)
    # Alembic announces each of its autogenerate plugins at INFO on every ``db upgrade``.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: payers' names and words,
    # which the privacy filter cannot recognise as it does numbers.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    # Neither formatter writes the caller's file and line, the thread or the process: every
    # message logs a line, and looking them up for each record (a walk up the stack, the
    # current thread and process) was a quarter of that line's cost.
    logging._srcfile = None  # the documented switch that skips findCaller
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    return handler


__all__ = ["JsonFormatter", "PrivacyFilter", "TextFormatter", "redact_exception", "setup_logging"]
