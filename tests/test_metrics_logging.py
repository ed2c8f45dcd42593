"""Structured logs: one JSON line per event, openids hashed, personal data never written."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logging_setup import setup_logging
from bot.privacy import hash_openid


@pytest.fixture
def capture():
    """The root handler that ``setup_logging`` installs, writing into a buffer."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    handler = setup_logging(level="DEBUG", fmt="json", stream=stream)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines, stream
    root.removeHandler(handler)
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def test_each_record_is_one_json_line_with_event_and_fields(capture):
    lines, stream = capture
    log = logging.getLogger("disputebot.intake")
    log.info("case registered", extra={"case_no": "ZY20261124-0007", "category": "arrears",
                                       "attempt": 2})
    assert stream.getvalue().count("\n") == 1
    (doc,) = lines()
    assert doc["event"] == "case registered" and doc["level"] == "info"
    assert doc["logger"] == "disputebot.intake"
    assert doc["case_no"] == "ZY20261124-0007" and doc["category"] == "arrears"
    assert doc["attempt"] == 2
    assert doc["ts"].endswith("Z")


def test_openid_is_written_only_as_its_hash(capture):
    lines, stream = capture
    logging.getLogger("disputebot.gateway").info("reply late", extra={"openid": "oABC-secret"})
    (doc,) = lines()
    assert doc["payer"] == hash_openid("oABC-secret")
    assert "oABC-secret" not in stream.getvalue()


def test_personal_fields_and_message_text_are_dropped(capture):
    lines, stream = capture
    logging.getLogger("disputebot.intake").info("slot filled", extra={
        "phone": "13812345678", "id_number": "440102199001011234", "address": "张三家",
        "text": "公司欠我社保三个月", "content": "公司欠我社保", "employer": "某某公司",
        "intent": "file_dispute",
    })
    (doc,) = lines()
    out = stream.getvalue()
    for secret in ("13812345678", "440102199001011234", "张三家", "欠我社保", "某某公司"):
        assert secret not in out
    assert doc["intent"] == "file_dispute"


def test_numbers_in_a_format_string_or_exception_are_masked(capture):
    lines, stream = capture
    log = logging.getLogger("some.library")
    log.warning("callback from %s failed", "13812345678")
    try:
        raise ValueError("bad id 440102199001011234 for 020-87654321")
    except ValueError:
        log.exception("handler failed")
    out = stream.getvalue()
    assert "13812345678" not in out and "138****5678" in out
    assert "440102199001011234" not in out and "87654321" not in out
    first, second = lines()
    assert first["event"] == "callback from 138****5678 failed"
    assert "ValueError" in second["exc"]


def test_setup_is_idempotent_and_text_format_is_filtered_too(capture):
    _lines, _stream = capture
    stream = io.StringIO()
    setup_logging(level="INFO", fmt="text", stream=stream)
    handler = setup_logging(level="INFO", fmt="text", stream=stream)
    try:
        ours = [h for h in logging.getLogger().handlers
                if getattr(h, "_disputebot_handler", False)]
        assert ours == [handler]
        logging.getLogger("x").info("call %s", "13812345678", extra={"openid": "o-1",
                                                                     "case_no": "ZY-1"})
        out = stream.getvalue()
        assert out.count("\n") == 1
        assert "138****5678" in out and "o-1" not in out and "case_no=ZY-1" in out
        assert f"payer={hash_openid('o-1')}" in out
    finally:
        logging.getLogger().removeHandler(handler)


def test_debug_records_are_dropped_below_the_level(capture):
    lines, _stream = capture
    setup_logging(level="WARNING", fmt="json", stream=_stream)
    logging.getLogger("x").info("not shown")
    logging.getLogger("x").warning("shown")
    assert [d["event"] for d in lines()] == ["shown"]
