"""The WeChat callback gateway, exercised the way the platform calls it."""
from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.gateway import Gateway
from bot.simulator import (
    Platform,
    event_xml,
    image_xml,
    message_xml,
    sign,
    text_xml,
    voice_xml,
)
from bot.store.batch import GroupCommit
from bot.store.db import make_engine, make_sessionmaker
from bot.store.dedup import DedupStore
from bot.store.models import ProcessedMessage
from bot.texts import text
from tests.conftest import make_platform

OPENID = "o-gateway-payer"


@pytest.fixture(scope="module")
def models():
    """The gateway does not depend on the classifier: run it with the fallback only."""
    return (None, None)


async def processed_count(db_url: str) -> int:
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        count = (await conn.execute(select(func.count()).select_from(ProcessedMessage))).scalar()
    await engine.dispose()
    return count


async def test_url_verification_echoes_echostr(http, bot_server, config, platform):
    q = platform.query()
    q["echostr"] = "echo-123"
    async with http.get(bot_server.make_url("/wechat"), params=q) as resp:
        assert resp.status == 200
        assert await resp.text() == "echo-123"


async def test_url_verification_with_bad_signature_is_403(http, bot_server, platform):
    q = platform.query()
    q["signature"] = "0" * 40
    q["echostr"] = "x"
    async with http.get(bot_server.make_url("/wechat"), params=q) as resp:
        assert resp.status == 403


@pytest.mark.parametrize("mode", ["aes", "compat", "plain"])
async def test_text_gets_reply_in_every_mode(http, bot_server, config, mode):
    platform = make_platform(http, bot_server, config, mode)
    delivery = await platform.post(text_xml(OPENID + mode, "随便说点什么"))
    assert delivery.status == 200
    if mode != "plain":
        assert "<Encrypt>" in delivery.body and "随便" not in delivery.body
    assert delivery.reply


async def test_subscribe_gets_welcome_and_unsubscribe_gets_nothing(platform):
    welcome = (await platform.post(event_xml(OPENID, "subscribe"))).reply
    assert "反映问题" in welcome and "进度" in welcome and "政策" in welcome
    gone = await platform.post(event_xml(OPENID, "unsubscribe", create_time=int(time.time()) + 1))
    assert gone.status == 200 and gone.body == "success"


async def test_voice_without_recognition_asks_for_text(platform):
    reply = (await platform.post(voice_xml(OPENID, None))).reply
    assert reply == text("voice_unrecognised")


async def test_voice_with_recognition_is_handled_as_text(platform):
    as_text = (await platform.post(text_xml(OPENID, "你好"))).reply
    as_voice = (await platform.post(voice_xml(OPENID, "你好"))).reply
    assert as_voice == as_text


@pytest.mark.parametrize("kind,fields", [
    ("video", {"MediaId": "m1", "ThumbMediaId": "t1"}),
    ("location", {"Location_X": "23.1", "Location_Y": "113.2", "Scale": "15", "Label": "x"}),
    ("link", {"Title": "t", "Description": "d", "Url": "http://127.0.0.1/"}),
    ("file", {"Title": "a.pdf", "FileKey": "k"}),
    ("hologram", {"Foo": "bar"}),
])
async def test_other_message_types_get_a_polite_reply(platform, kind, fields):
    delivery = await platform.post(message_xml(OPENID, kind, fields))
    assert delivery.status == 200
    assert "文字" in delivery.reply


async def test_image_is_acknowledged(platform):
    delivery = await platform.post(image_xml(OPENID, "media-1"))
    assert delivery.status == 200 and "图片" in delivery.reply


async def test_bad_signature_is_403_and_nothing_stored(platform, config):
    q = platform.query()
    q["signature"] = "f" * 40
    delivery = await platform.post(text_xml(OPENID, "hi"), query=q)
    assert delivery.status == 403
    assert await processed_count(config.database_url) == 0


async def test_bad_msg_signature_is_403(platform, config):
    q = platform.query()
    body = platform.envelope(text_xml(OPENID, "hi"), q)
    q["msg_signature"] = "0" * 40
    delivery = await platform.post("", query=q, body=body)
    assert delivery.status == 403
    assert await processed_count(config.database_url) == 0


async def test_stale_timestamp_is_403(platform):
    q = platform.query(timestamp=str(int(time.time()) - 301))
    assert (await platform.post(text_xml(OPENID, "hi"), query=q)).status == 403


async def test_body_over_64kb_is_413(platform):
    delivery = await platform.post("", body=b"<xml>" + b"a" * 70000 + b"</xml>")
    assert delivery.status == 413


async def test_malformed_xml_is_400(http, bot_server, config):
    plain = make_platform(http, bot_server, config, "plain")
    assert (await plain.post("", body="<xml><MsgType>text")).status == 400
    assert (await plain.post("", body="not xml at all")).status == 400


async def test_undecryptable_payload_is_400(platform):
    q = platform.query()
    junk = "A" * 64
    from wechatpy.crypto import _get_signature

    q["msg_signature"] = _get_signature(platform.token, q["timestamp"], q["nonce"], junk)
    body = f"<xml><Encrypt><![CDATA[{junk}]]></Encrypt></xml>"
    assert (await platform.post("", query=q, body=body)).status == 400


async def test_payload_for_another_appid_is_400(http, bot_server, config):
    other = Platform(http, str(bot_server.make_url("/wechat")), config.token, config.aes_key,
                     "wx-some-other-app")
    assert (await other.post(text_xml(OPENID, "hi"))).status == 400


async def test_healthz_reports_database(http, bot_server):
    async with http.get(bot_server.make_url("/healthz")) as resp:
        assert resp.status == 200


async def test_healthz_is_503_when_database_unreachable(aiohttp_server, http, config):
    import dataclasses

    from bot.app import build_app

    broken = dataclasses.replace(config, database_url="postgresql+asyncpg://u:p@127.0.0.1:9/db")
    server = await aiohttp_server(build_app(broken, models=(None, None)))
    async with http.get(server.make_url("/healthz")) as resp:
        assert resp.status == 503


# The duplicate and budget rules, with a handler whose speed and calls we control.

class CountingHandler:
    def __init__(self, delay: float = 0.0, reply: str = "好的"):
        self.calls = 0
        self.delay = delay
        self.reply = reply

    async def __call__(self, inbound):
        self.calls += 1
        await asyncio.sleep(self.delay)
        return [self.reply]


@pytest.fixture
async def gateway_with(aiohttp_server, http, config, fake_api):
    engines, gateways, batches = [], [], []

    async def build(handler, budget=0.5):
        import dataclasses

        from bot.store.tokens import TokenStore
        from bot.wechat_api import WeChatAPI

        cfg = dataclasses.replace(config, reply_budget=budget)
        engine = make_engine(cfg.database_url)
        engines.append(engine)
        sm = make_sessionmaker(engine)
        api = WeChatAPI(http, cfg.api_base, cfg.appid, cfg.appsecret, TokenStore(sm))

        async def send_later(openid, texts):
            for t in texts:
                await api.send_text(openid, t)

        batch = GroupCommit(engine)
        batches.append(batch)
        gateway = Gateway(cfg, handler, DedupStore(sm, batch), send_later)
        gateways.append(gateway)
        app = web.Application()
        app.router.add_routes(gateway.routes())
        server = await aiohttp_server(app)
        return make_platform(http, server, cfg), gateway

    yield build
    for gateway in gateways:
        await gateway.drain()
    for batch in batches:
        await batch.close()
    for engine in engines:
        await engine.dispose()


async def test_retry_of_same_msgid_runs_handler_once(gateway_with):
    handler = CountingHandler()
    platform, _ = await gateway_with(handler)
    xml = text_xml(OPENID, "hello", msg_id=4242)
    first = await platform.post(xml)
    second = await platform.post(xml)
    assert handler.calls == 1
    assert first.reply == second.reply == "好的"


async def test_same_msgid_from_two_senders_is_not_a_duplicate(gateway_with):
    handler = CountingHandler()
    platform, _ = await gateway_with(handler)
    await platform.post(text_xml("o-a", "x", msg_id=777))
    await platform.post(text_xml("o-b", "x", msg_id=777))
    assert handler.calls == 2


async def test_duplicate_while_first_still_running_runs_handler_once(gateway_with):
    handler = CountingHandler(delay=0.3)
    platform, _ = await gateway_with(handler, budget=2.0)
    xml = text_xml(OPENID, "slowish", msg_id=99)
    results = await asyncio.gather(*(platform.post(xml) for _ in range(3)))
    assert handler.calls == 1
    assert [r.reply for r in results] == ["好的"] * 3


async def test_duplicate_seen_by_another_worker_runs_handler_once(gateway_with):
    handler_a, handler_b = CountingHandler(delay=0.3), CountingHandler()
    worker_a, _ = await gateway_with(handler_a, budget=2.0)
    worker_b, _ = await gateway_with(handler_b, budget=2.0)
    xml = text_xml(OPENID, "two workers", msg_id=1234)
    first = asyncio.create_task(worker_a.post(xml))
    await asyncio.sleep(0.1)
    second = await worker_b.post(xml)
    assert (await first).reply == "好的"
    assert second.reply == "好的"
    assert handler_a.calls + handler_b.calls == 1


async def test_handler_past_budget_answers_success_then_customer_service(gateway_with, fake_api):
    handler = CountingHandler(delay=0.6, reply="迟到的回复")
    platform, _ = await gateway_with(handler, budget=0.2)
    delivery = await platform.post(text_xml(OPENID, "slow"))
    assert delivery.status == 200 and delivery.body == "success"
    await fake_api.messages.wait_for(1)
    assert fake_api.texts_to(OPENID) == ["迟到的回复"]
    assert len(fake_api.tokens.requests) == 1


async def test_long_reply_is_cut_at_sentence_and_rest_sent_later(gateway_with, fake_api):
    long_text = "".join(f"第{i}句话说明社保费征缴政策的细节内容。" for i in range(200))
    platform, _ = await gateway_with(CountingHandler(reply=long_text))
    delivery = await platform.post(text_xml(OPENID, "long"))
    assert len(delivery.reply.encode("utf-8")) <= 2048
    assert delivery.reply.endswith("。")
    await fake_api.messages.wait_for(1)
    await asyncio.sleep(0.3)
    rest = fake_api.texts_to(OPENID)
    assert all(len(part.encode("utf-8")) <= 2048 for part in rest)
    assert delivery.reply + "".join(rest) == long_text


async def test_failed_handler_gets_apology_not_500(gateway_with):
    async def broken(inbound):
        raise RuntimeError("boom")

    platform, _ = await gateway_with(broken)
    delivery = await platform.post(text_xml(OPENID, "x"))
    assert delivery.status == 200 and "稍后" in delivery.reply


def test_signature_helper_matches_platform_rule():
    assert sign("t", "1", "n") == sign("t", "1", "n")
    assert sign("t", "1", "n") != sign("t", "2", "n")


async def test_database_down_asks_the_platform_to_resend(aiohttp_server, http, config):
    """No 500 and no lost message: the platform gets 503 and retries."""
    import dataclasses

    from bot.app import build_app

    broken = dataclasses.replace(config, database_url="postgresql+asyncpg://u:p@127.0.0.1:9/db")
    server = await aiohttp_server(build_app(broken, models=(None, None)))
    delivery = await make_platform(http, server, config).post(text_xml(OPENID, "你好"))
    assert delivery.status == 503


# --- claims are leases: a dead worker's message is handled by the resend ------------------

async def _claim_left_by(config, key: str, age_seconds: float, owner: str | None = None) -> None:
    """A ``processing`` claim as a worker leaves it when it is killed after claiming (no
    owner: as written before claims named their process, or on another host)."""
    from datetime import timedelta

    from bot.store.models import utcnow

    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            session.add(ProcessedMessage(key=key, state="processing", owner=owner,
                                         created_at=utcnow() - timedelta(seconds=age_seconds)))
            await session.commit()
    finally:
        await engine.dispose()


async def test_a_claim_nobody_renewed_is_taken_over_by_the_resend(gateway_with, config):
    from bot.store.dedup import LEASE

    handler = CountingHandler()
    platform, _ = await gateway_with(handler)
    await _claim_left_by(config, f"{OPENID}:5150", LEASE.total_seconds() + 1)
    delivery = await platform.post(text_xml(OPENID, "dead worker's message", msg_id=5150))
    assert delivery.reply == "好的" and handler.calls == 1


async def test_a_renewed_claim_is_not_taken_over(gateway_with, config):
    from bot.store.dedup import LEASE

    handler = CountingHandler()
    platform, gateway = await gateway_with(handler, budget=0.3)
    key = f"{OPENID}:5151"
    await _claim_left_by(config, key, LEASE.total_seconds() + 1)
    await gateway._dedup.renew([key])  # what the live owner's renewal loop does
    delivery = await platform.post(text_xml(OPENID, "live worker's message", msg_id=5151))
    assert handler.calls == 0 and delivery.body == "success"


async def test_a_database_failure_in_the_handler_is_a_503_and_the_resend_is_handled(
        gateway_with):
    from sqlalchemy.exc import OperationalError

    calls = []

    async def flaky(inbound):
        calls.append(inbound.msg_id)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("restarting"))
        return ["好的"]

    platform, _ = await gateway_with(flaky)
    xml = text_xml(OPENID, "during a database restart", msg_id=5152)
    first = await platform.post(xml)
    assert first.status == 503
    second = await platform.post(xml)
    assert second.status == 200 and second.reply == "好的" and len(calls) == 2


def test_postgres_shutting_down_or_refusing_counts_as_the_database_being_down():
    import asyncpg
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi as asyncpg_dbapi
    from sqlalchemy.exc import DBAPIError

    from bot.gateway import database_down

    def wrapped(error):
        return DBAPIError("SELECT 1", {}, asyncpg_dbapi.Error(str(error), error))

    assert database_down(wrapped(asyncpg.exceptions.CannotConnectNowError(
        "the database system is shutting down")))
    assert database_down(wrapped(asyncpg.exceptions.TooManyConnectionsError("too many")))
    assert not database_down(wrapped(asyncpg.exceptions.UniqueViolationError("duplicate")))
    assert not database_down(RuntimeError("a bug"))


async def test_a_resend_waiting_on_a_dead_workers_claim_takes_it_over_when_it_expires(
        gateway_with, config):
    from bot.store.dedup import LEASE

    handler = CountingHandler()
    platform, _ = await gateway_with(handler, budget=2.0)
    await _claim_left_by(config, f"{OPENID}:5153", LEASE.total_seconds() - 1)
    delivery = await platform.post(text_xml(OPENID, "killed a second ago", msg_id=5153))
    assert delivery.reply == "好的" and handler.calls == 1


# --- on the machine that made a claim, the process table decides, not the lease ----------

def _owner(pid: int, token: str = "feedbeef") -> str:
    from bot.store.owner import _MACHINE

    return f"{_MACHINE}:{pid}:{token}"


def _dead_pid() -> int:
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    return dead.pid


async def test_a_live_workers_claim_is_not_taken_over_though_its_renewals_are_late(
        gateway_with, config):
    """Its renewals wait behind another process's write lock: the lease ran out, the worker
    did not; the resend must not handle the message a second time."""
    from bot.store.dedup import LEASE

    handler = CountingHandler()
    platform, _ = await gateway_with(handler, budget=0.5)
    worker = await asyncio.create_subprocess_exec("sleep", "30")
    try:
        await _claim_left_by(config, f"{OPENID}:5160", LEASE.total_seconds() + 2,
                             owner=_owner(worker.pid))
        delivery = await platform.post(text_xml(OPENID, "slow worker's message", msg_id=5160))
    finally:
        worker.kill()
        await worker.wait()
    assert handler.calls == 0 and delivery.body == "success"


async def test_a_dead_workers_claim_is_taken_over_at_once(gateway_with, config):
    """No need to wait out the lease when the process table says the worker is gone."""
    handler = CountingHandler()
    platform, _ = await gateway_with(handler, budget=1.0)
    await _claim_left_by(config, f"{OPENID}:5161", 0, owner=_owner(_dead_pid()))
    delivery = await platform.post(text_xml(OPENID, "killed just now", msg_id=5161))
    assert delivery.reply == "好的" and handler.calls == 1


async def test_a_claim_of_an_earlier_run_with_this_process_id_is_taken_over(gateway_with, config):
    """A restarted container's server has the same process id as the one killed."""
    import os

    handler = CountingHandler()
    platform, _ = await gateway_with(handler, budget=1.0)
    await _claim_left_by(config, f"{OPENID}:5162", 0, owner=_owner(os.getpid(), "0ldrun00"))
    delivery = await platform.post(text_xml(OPENID, "before the restart", msg_id=5162))
    assert delivery.reply == "好的" and handler.calls == 1


def test_claim_owners_read_as_alive_dead_or_unknown():
    import os

    from bot.store.owner import current_owner, owner_gone

    assert owner_gone(current_owner()) is False
    assert owner_gone(_owner(_dead_pid())) is True
    assert owner_gone(_owner(os.getppid())) is False
    assert owner_gone("other-host/4026531836:12:abcd") is None
    assert owner_gone(None) is None and owner_gone("garbage") is None


async def test_a_late_reply_is_logged_with_where_the_handler_waited(gateway_with, caplog):
    """Operators read why a reply was late from the log line: the innermost coroutine the
    handler was waiting in, not only that it was late."""

    async def slow_database_lookup():
        await asyncio.sleep(0.6)

    async def handler(inbound):
        await slow_database_lookup()
        return ["好的"]

    platform, _ = await gateway_with(handler, budget=0.2)
    with caplog.at_level("INFO", logger="disputebot.gateway"):
        delivery = await platform.post(text_xml(OPENID, "slow", msg_id=8686))
    assert delivery.body == "success"
    late = [r.getMessage() for r in caplog.records if "reply late" in r.getMessage()]
    assert len(late) == 1
    chain = late[0].split("waiting in ")[1].split(" < ")
    assert [place.split(":")[0].rsplit(".", 1)[1] for place in chain[1:3]] == [
        "slow_database_lookup", "handler"], late[0]
    assert OPENID not in late[0]


async def test_a_handler_stuck_for_good_does_not_stop_the_shutdown(gateway_with, caplog):
    """A reply that never finishes (a handler waiting forever) kept the drain at shutdown
    waiting forever too: the server never exited. It is cancelled after the drain's time,
    with a log line that says where it waited."""
    handler = CountingHandler(delay=3600)
    platform, gateway = await gateway_with(handler, budget=0.2)
    assert (await platform.post(text_xml(OPENID, "stuck", msg_id=5151))).body == "success"
    await asyncio.wait_for(gateway.drain(timeout=0.3), 10)
    assert any("cancelling a reply still waiting" in r.getMessage()
               and "sleep" in r.getMessage() for r in caplog.records)
