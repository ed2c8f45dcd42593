"""WeCom webhook client against a fake robot server on 127.0.0.1 (routing/webhook.py)."""
import asyncio
import socket

import aiohttp
import pytest
from aiohttp import web

from routing.webhook import (
    KeyRateLimiter,
    WebhookClient,
    backoff_delay,
    markdown_payload,
    text_payload,
)

# Behaviour of the fake server per robot key.
ANSWERS = {
    "good-key": {"errcode": 0, "errmsg": "ok"},
    "busy-key": {"errcode": 45009, "errmsg": "api freq out of limit"},
    "system-busy-key": {"errcode": -1, "errmsg": "system busy"},
    "removed-key": {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"},
    "too-long-key": {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"},
}


@pytest.fixture
async def fake_wecom(aiohttp_server):
    """A fake qyapi.weixin.qq.com that records every request."""
    requests = []

    async def send(request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        requests.append({"key": key, "json": await request.json()})
        if key == "down-key":
            return web.Response(status=503, text="Service Unavailable")
        if key == "slow-key":
            await asyncio.sleep(2)
            return web.json_response({"errcode": 0, "errmsg": "ok"})
        if key == "garbage-key":
            return web.Response(text="<html>gateway</html>", content_type="text/html")
        return web.json_response(ANSWERS.get(key, {"errcode": 93000, "errmsg": "invalid"}))

    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", send)
    server = await aiohttp_server(app, host="127.0.0.1")
    server.requests = requests
    return server


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


def base_url(server) -> str:
    return str(server.make_url("/")).rstrip("/")


async def test_sent_posts_markdown_json_with_key_in_query(fake_wecom, session):
    client = WebhookClient(session, base_url(fake_wecom))
    result = await client.send("good-key", markdown_payload("## 案件 ZY1"))
    assert result.outcome == "sent" and result.ok and result.errcode == 0
    expected = {"msgtype": "markdown", "markdown": {"content": "## 案件 ZY1"}}
    assert fake_wecom.requests == [{"key": "good-key", "json": expected}]


@pytest.mark.parametrize(
    ("key", "outcome", "errcode"),
    [
        ("busy-key", "retry", 45009),
        ("system-busy-key", "retry", -1),
        ("removed-key", "invalid_key", 93000),
        ("too-long-key", "rejected", 40058),
        ("down-key", "retry", None),
        ("garbage-key", "retry", None),
    ],
)
async def test_answers_map_to_outcomes(fake_wecom, session, key, outcome, errcode):
    client = WebhookClient(session, base_url(fake_wecom))
    result = await client.send(key, text_payload("hi"))
    assert (result.outcome, result.errcode) == (outcome, errcode)
    assert key not in result.detail


async def test_frequency_limit_asks_to_wait_a_minute(fake_wecom, session):
    result = await WebhookClient(session, base_url(fake_wecom)).send("busy-key", text_payload("x"))
    assert result.retry_after == 60.0


async def test_http_503_is_retry_and_not_ambiguous(fake_wecom, session):
    result = await WebhookClient(session, base_url(fake_wecom)).send("down-key", text_payload("x"))
    assert result.outcome == "retry"
    assert result.detail == "http 503"
    assert not result.ambiguous


async def test_slow_answer_past_timeout_is_retry_and_may_be_a_duplicate(fake_wecom, session):
    client = WebhookClient(session, base_url(fake_wecom), timeout=0.3)
    result = await client.send("slow-key", text_payload("x"))
    assert result.outcome == "retry"
    assert result.ambiguous  # the server got it: a retry may post the card twice
    assert len(fake_wecom.requests) == 1


async def test_wrong_base_path_404_is_rejected_not_invalid_key(fake_wecom, session):
    client = WebhookClient(session, base_url(fake_wecom) + "/wrong-proxy-prefix")
    result = await client.send("good-key", text_payload("x"))
    assert result.outcome == "rejected"
    assert result.detail == "http 404"


async def test_connection_refused_is_retry_and_never_raises(session):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = WebhookClient(session, f"http://127.0.0.1:{port}", timeout=1.0)
    result = await client.send("secret-key", text_payload("x"))
    assert result.outcome == "retry"
    assert not result.ambiguous  # nothing was sent
    assert "secret-key" not in result.detail


def test_text_payload_mentions_all_only_when_asked():
    assert text_payload("hi") == {"msgtype": "text", "text": {"content": "hi"}}
    assert text_payload("hi", mention_all=True)["text"]["mentioned_list"] == ["@all"]


def test_payloads_are_cut_to_the_wecom_limits():
    md = markdown_payload("争" * 5000)["markdown"]["content"]
    txt = text_payload("争" * 5000)["text"]["content"]
    assert len(md.encode("utf-8")) <= 4096
    assert len(txt.encode("utf-8")) <= 2048


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap():
    top = [backoff_delay(a, base=2.0, cap=600.0, rng=lambda: 1.0) for a in range(12)]
    assert top[:4] == [2.0, 4.0, 8.0, 16.0]
    assert max(top) == 600.0
    assert backoff_delay(3, rng=lambda: 0.0) == 0.0
    assert backoff_delay(3, rng=lambda: 0.5) == 8.0
    assert backoff_delay(10_000, rng=lambda: 1.0) == 600.0


def test_rate_limiter_allows_20_a_minute_and_makes_the_21st_wait():
    limiter = KeyRateLimiter(per_minute=20)
    for i in range(20):
        now = 100.0 + i
        assert limiter.next_allowed("k", now) == 0.0
        limiter.record("k", now)
    assert limiter.next_allowed("k", 120.0) == pytest.approx(40.0)  # first left at 100 + 60
    assert limiter.next_allowed("other", 120.0) == 0.0  # per key
    assert limiter.next_allowed("k", 160.0) == 0.0  # window slid past the first send
    limiter.record("k", 160.0)
    assert limiter.next_allowed("k", 160.5) == pytest.approx(0.5)  # second left at 101


def test_rate_limiter_honours_a_block_after_45009():
    limiter = KeyRateLimiter()
    limiter.block("k", until=70.0)
    assert limiter.next_allowed("k", 10.0) == pytest.approx(60.0)
    assert limiter.next_allowed("k", 71.0) == 0.0
