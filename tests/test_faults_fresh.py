"""Faults an operator meets on the outbound paths (WeCom group robots, WeChat API): each one
against a fake server on 127.0.0.1 that misbehaves the way production does. For every fault:
no row lost, nothing sent twice, retries back off, failures visible, no phone/ID in logs."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import timedelta

import pytest
from aiohttp import web
from sqlalchemy import update

from bot.store.models import OutboxItem
from bot.store.tokens import TokenStore
from bot.wechat_api import WeChatAPI, WeChatAPIError
from routing.actions import accept
from routing.outbox import OutboxDispatcher
from routing.webhook import WebhookClient, markdown_payload
from tests import test_cases as base
from tests.test_cases import ID_NUMBER, PHONE, T0, card_texts, drain, register
from tests.test_outbox import errcode, register_accepted, rows, set_last_message

engine, rules, sm = base.engine, base.rules, base.sm

TAX = "dev-key-zc-tax"
ADMIN = "dev-key-admin"


# --- a WeCom robot that fails the ways a proxy, a load balancer or WeCom itself do ----------


class FaultyRobot:
    """Answers each key by its mode; records every request that reached it."""

    def __init__(self):
        self.requests: list[dict] = []
        self.modes: dict[str, list[str]] = {}

    async def send(self, request: web.Request) -> web.StreamResponse:
        key = request.query.get("key", "")
        body = await request.json()
        self.requests.append({"key": key, "body": body})
        mode = self.modes[key].pop(0) if self.modes.get(key) else "ok"
        if mode == "html502":
            return web.Response(status=502, content_type="text/html",
                                text="<html><body><h1>502 Bad Gateway</h1>nginx</body></html>")
        if mode == "nonjson":
            return web.Response(text="ok", content_type="text/plain")
        if mode == "empty":
            return web.Response(body=b"", content_type="application/json")
        if mode == "noerrcode":
            return web.json_response({"msg": "proxy says hi"})
        if mode == "strcode":
            return web.json_response({"errcode": "45009", "errmsg": "api freq out of limit"})
        if mode == "endless":
            resp = web.StreamResponse(headers={"Content-Type": "application/json"})
            await resp.prepare(request)
            await resp.write(b'{"errcode": 0,')
            await asyncio.sleep(30)
            return resp
        if mode == "reset":
            request.transport.abort()
            await asyncio.sleep(0.1)
            return web.Response()
        if mode.lstrip("-").isdigit():
            return web.json_response({"errcode": int(mode), "errmsg": "fake"})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def to_key(self, key: str) -> list[dict]:
        return [r["body"] for r in self.requests if r["key"] == key]


@pytest.fixture
async def robot(aiohttp_server):
    fake = FaultyRobot()
    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", fake.send)
    fake.server = await aiohttp_server(app, host="127.0.0.1")
    fake.base = str(fake.server.make_url("")).rstrip("/")
    return fake


# --- a WeChat API whose token endpoint can be down ----------------------------------------


class FaultyAPI:
    """Token and message endpoints with scripted answers ("html503", "nonjson", errcodes)."""

    def __init__(self):
        self.token_modes: list[str] = []
        self.send_modes: list[str] = []
        self.template_modes: list[str] = []
        self.token_calls = 0
        self.sent: list[dict] = []
        self.templates: list[dict] = []
        self.token = None

    async def _token(self, request):
        self.token_calls += 1
        mode = self.token_modes.pop(0) if self.token_modes else "ok"
        if mode == "html503":
            return web.Response(status=503, content_type="text/html", text="<html>down</html>")
        if mode == "nonjson":
            return web.Response(text="<html>login portal</html>", content_type="text/html")
        if mode.lstrip("-").isdigit():
            return web.json_response({"errcode": int(mode), "errmsg": "fake"})
        self.token = f"tok-{self.token_calls}"
        return web.json_response({"access_token": self.token, "expires_in": 7200})

    async def _guarded(self, request, modes, record):
        body = await request.json()
        mode = modes.pop(0) if modes else "ok"
        if mode.lstrip("-").isdigit():
            return web.json_response({"errcode": int(mode), "errmsg": "fake"})
        if mode == "html502":
            return web.Response(status=502, content_type="text/html", text="<html>bad</html>")
        if request.query.get("access_token") != self.token:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        record.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _custom(self, request):
        return await self._guarded(request, self.send_modes, self.sent)

    async def _template(self, request):
        return await self._guarded(request, self.template_modes, self.templates)

    async def serve(self, aiohttp_server):
        """This fake as the WeChat API on 127.0.0.1 (token, customer-service, template)."""
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom)
        app.router.add_post("/cgi-bin/message/template/send", self._template)
        self.server = await aiohttp_server(app, host="127.0.0.1")
        self.base = str(self.server.make_url("")).rstrip("/")
        return self


@pytest.fixture
async def api(aiohttp_server):
    return await FaultyAPI().serve(aiohttp_server)


def robot_dispatcher(sm, http, config, robot, api=None, **kw) -> OutboxDispatcher:
    api_client = WeChatAPI(http, api.base if api else config.api_base, config.appid,
                           config.appsecret, TokenStore(sm), timeout=1.0)
    return OutboxDispatcher(sm, WebhookClient(http, robot.base, timeout=1.0), api_client,
                            config, rng=lambda: 1.0, **kw)


class Clock:
    """Monotonic seconds the test moves, as the dispatcher's ``now`` moves."""

    def __init__(self):
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def api_dispatcher(sm, http, config, api, clock=None) -> OutboxDispatcher:
    client = WeChatAPI(http, api.base, config.appid, config.appsecret, TokenStore(sm),
                       timeout=1.0, clock=clock or Clock())
    return OutboxDispatcher(sm, WebhookClient(http, config.webhook_base, timeout=1.0), client,
                            config, rng=lambda: 1.0)


def our_logs(caplog) -> str:
    """What the bot logged, tracebacks included (the fake servers' access logs and the SQL
    driver's debug lines are not the bot's)."""
    fmt = logging.Formatter()
    return "\n".join(fmt.format(r) for r in caplog.records
                     if not r.name.startswith(("aiohttp.access", "aiosqlite", "sqlalchemy")))


async def add_reply(sm, openid: str, text: str) -> None:
    """A late passive reply queued as a customer-service text (what the gateway writes)."""
    async with sm() as session:
        session.add(OutboxItem(channel="wechat", target=openid,
                               payload={"kind": "reply", "text": text},
                               next_attempt_at=T0, created_at=T0))
        await session.commit()


# --- webhook client: answers that are not a WeCom answer ---------------------------------


@pytest.mark.parametrize("mode", ["html502", "nonjson", "empty", "noerrcode", "reset"])
async def test_unusable_answers_are_retried_never_raise_and_never_count_as_sent(
        robot, http, mode):
    robot.modes["k-secret"] = [mode]
    result = await WebhookClient(http, robot.base, timeout=1.0).send(
        "k-secret", markdown_payload("## 案件"))
    assert result.outcome == "retry" and not result.ok
    assert "k-secret" not in result.detail and "<html" not in result.detail


async def test_errcode_sent_as_a_string_is_still_a_frequency_limit(robot, http):
    robot.modes["k"] = ["strcode"]
    result = await WebhookClient(http, robot.base).send("k", markdown_payload("x"))
    assert (result.outcome, result.errcode, result.retry_after) == ("retry", 45009, 60.0)


async def test_a_body_that_never_ends_times_out_and_is_marked_ambiguous(robot, http):
    robot.modes["k"] = ["endless"]
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await WebhookClient(http, robot.base, timeout=0.5).send("k", markdown_payload("x"))
    assert loop.time() - started < 3
    assert result.outcome == "retry" and result.ambiguous


# --- outbox with a faulty robot -------------------------------------------------------------


@pytest.mark.parametrize("mode", ["html502", "nonjson", "empty", "reset", "-1"])
async def test_a_card_survives_a_bad_answer_and_is_delivered_once_later(
        sm, config, rules, http, robot, mode):
    robot.modes[TAX] = [mode]
    case = await register(sm, config, rules)
    dispatcher = robot_dispatcher(sm, http, config, robot)
    await drain(dispatcher, T0)
    [card] = await rows(sm, "webhook")
    assert card.status == "pending" and card.attempts == 1 and card.last_error
    assert card.next_attempt_at > T0
    await drain(dispatcher, T0 + timedelta(minutes=15))
    delivered = [t for t in card_texts(robot, TAX) if case.case_no in t]
    assert len(robot.to_key(TAX)) == 2 and len(delivered) == 2  # the failed try + one send
    assert (await rows(sm, "webhook"))[0].status == "sent"


async def test_repeated_system_busy_backs_off_longer_each_time(sm, config, rules, http, robot):
    robot.modes[TAX] = ["-1"] * 4
    await register(sm, config, rules)
    dispatcher = robot_dispatcher(sm, http, config, robot)
    now, waits = T0, []
    for _ in range(4):
        await drain(dispatcher, now)
        [card] = await rows(sm, "webhook")
        waits.append((card.next_attempt_at - now).total_seconds())
        now = card.next_attempt_at
    assert waits == sorted(waits) and waits[-1] > waits[0]
    assert len(robot.to_key(TAX)) == 4


async def test_45009_holds_the_whole_key_for_a_minute_but_not_other_keys(
        sm, config, rules, http, robot):
    robot.modes[TAX] = ["45009"]
    for i in range(3):
        await register(sm, config, rules, openid=f"o-{i}", category="contribution_base",
                       description="基数")  # hrss + tax
    dispatcher = robot_dispatcher(sm, http, config, robot)
    await drain(dispatcher, T0)
    await drain(dispatcher, T0 + timedelta(seconds=30))
    assert len(robot.to_key(TAX)) == 1
    assert len(robot.to_key("dev-key-zc-hrss")) == 3
    await drain(dispatcher, T0 + timedelta(seconds=61))
    assert len(robot.to_key(TAX)) == 4
    assert {r.status for r in await rows(sm, "webhook")} == {"sent"}


async def test_an_invalid_admin_key_does_not_start_a_storm_of_alerts(
        sm, config, rules, http, robot):
    """Every key answers 93000 (the bot's WeCom app was removed): each card fails once and
    its alert to the (also removed) admin robot fails once; nothing loops."""
    for key in (TAX, ADMIN):
        robot.modes[key] = ["93000"] * 50
    await register(sm, config, rules)
    dispatcher = robot_dispatcher(sm, http, config, robot)
    for minutes in (0, 15, 60, 180):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    assert len(robot.to_key(TAX)) == 1
    assert len(robot.to_key(ADMIN)) <= 1
    assert {r.status for r in await rows(sm)} == {"failed"}


async def test_a_burst_to_one_group_never_exceeds_20_in_any_minute(
        sm, config, rules, http, robot):
    cases = [await register(sm, config, rules, openid=f"o-{i}") for i in range(45)]
    dispatcher = robot_dispatcher(sm, http, config, robot)
    sent_at = []
    for seconds in range(0, 200, 5):
        before = len(robot.to_key(TAX))
        await drain(dispatcher, T0 + timedelta(seconds=seconds))
        sent_at += [seconds] * (len(robot.to_key(TAX)) - before)
    assert len(sent_at) == 45
    for start in sent_at:
        assert sum(1 for s in sent_at if start <= s < start + 60) <= 20
    numbers = [c.case_no for c in cases]
    got = [next(n for n in numbers if n in t) for t in card_texts(robot, TAX)]
    assert got == numbers


async def test_a_card_far_over_4096_bytes_keeps_its_number_and_action_as_valid_utf8(
        sm, config, rules, http, robot):
    story = ("公司从2019年起一直少报我的缴费基数😡，" * 300) + "最后这句不会显示"
    case = await register(sm, config, rules, description=story, employer="宏达" * 200,
                          desired_outcome="补缴" * 500)
    await drain(robot_dispatcher(sm, http, config, robot), T0)
    assert robot.to_key(TAX)
    for body in robot.requests:
        content = body["body"].get("markdown", body["body"].get("text", {}))["content"]
        raw = content.encode("utf-8")
        assert len(raw) <= 4096 and raw.decode("utf-8") == content
    text = card_texts(robot, TAX)[0]
    assert case.case_no in text and f"/console/cases/{case.case_no}" in text


async def test_a_group_removed_from_config_leaves_no_row_pending_forever(
        sm, config, rules, http, robot):
    await register(sm, config, rules)
    groups = {k: v for k, v in config.raw["liaison_groups"].items() if k != "增城区"}
    raw = {**config.raw, "liaison_groups": groups}
    trimmed = dataclasses.replace(config, raw=raw)
    robot.modes[TAX] = ["93000"]  # the operator deleted the robot along with the group
    dispatcher = robot_dispatcher(sm, http, trimmed, robot)
    await drain(dispatcher, T0)
    await drain(dispatcher, T0 + timedelta(hours=1))
    assert [r.status for r in await rows(sm, "webhook") if r.target == TAX] == ["failed"]
    assert len(robot.to_key(TAX)) == 1


# --- the clock jumps backwards (NTP step, VM restored from a snapshot) ---------------------


async def test_a_retry_is_not_stalled_by_the_clock_jumping_back_an_hour(
        sm, config, rules, http, robot):
    robot.modes[TAX] = ["html502"]
    await register(sm, config, rules)
    dispatcher = robot_dispatcher(sm, http, config, robot)
    await drain(dispatcher, T0)
    back = T0 - timedelta(hours=1)
    await drain(dispatcher, back + timedelta(minutes=11))  # longer than the longest backoff
    assert (await rows(sm, "webhook"))[0].status == "sent"


async def test_a_claim_from_before_the_clock_jumped_back_does_not_hold_a_row_for_an_hour(
        sm, config, rules, http, robot):
    await register(sm, config, rules)
    [card] = await rows(sm, "webhook")
    async with sm() as session:  # a worker died mid-send, then the clock stepped back 1 h
        await session.execute(update(OutboxItem).where(OutboxItem.id == card.id)
                              .values(claimed_until=T0 + timedelta(seconds=60)))
        await session.commit()
    await drain(robot_dispatcher(sm, http, config, robot), T0 - timedelta(minutes=55))
    assert (await rows(sm, "webhook"))[0].status == "sent"


async def test_the_rate_limit_does_not_freeze_a_group_after_the_clock_jumps_back(
        sm, config, rules, http, robot):
    for i in range(25):
        await register(sm, config, rules, openid=f"o-{i}")
    dispatcher = robot_dispatcher(sm, http, config, robot)
    await drain(dispatcher, T0)
    assert len(robot.to_key(TAX)) == 20
    back = T0 - timedelta(hours=1)
    await drain(dispatcher, back + timedelta(minutes=2))
    assert len(robot.to_key(TAX)) == 25


# --- WeChat API: tokens ---------------------------------------------------------------------


async def test_an_expired_token_is_renewed_once_and_the_text_sent_once(sm, config, http, api):
    client = WeChatAPI(http, api.base, config.appid, config.appsecret, TokenStore(sm))
    await client.send_text("o-1", "你好")
    api.send_modes = ["42001"]
    await client.send_text("o-1", "第二条")
    assert [m["text"]["content"] for m in api.sent] == ["你好", "第二条"]
    assert api.token_calls == 2


async def test_a_token_rejected_twice_raises_after_two_fetches_not_a_loop(sm, config, http, api):
    client = WeChatAPI(http, api.base, config.appid, config.appsecret, TokenStore(sm))
    api.send_modes = ["40001", "40001", "40001"]
    with pytest.raises(WeChatAPIError):
        await client.send_text("o-1", "x")
    assert api.token_calls == 2 and api.sent == []


@pytest.mark.parametrize("mode", ["html503", "nonjson", "40125", "-1"])
async def test_a_token_endpoint_that_is_down_keeps_the_notice_pending_with_backoff(
        sm, config, rules, http, api, mode, caplog):
    caplog.set_level(logging.DEBUG)
    await set_last_message(sm, "o-tok", T0 - timedelta(hours=1))
    await register_accepted(sm, config, rules, openid="o-tok")
    api.token_modes = [mode] * 2
    clock = Clock()
    dispatcher = api_dispatcher(sm, http, config, api, clock)
    await drain(dispatcher, T0)
    [notice] = await rows(sm, "wechat")
    assert notice.status == "pending" and notice.attempts == 1 and notice.last_error
    assert notice.next_attempt_at > T0
    assert config.appsecret not in notice.last_error + our_logs(caplog)
    for minutes in (30, 120):
        clock.seconds += minutes * 60
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    assert len(api.sent) == 1 and (await rows(sm, "wechat"))[0].status == "sent"
    assert api.token_calls == 3


async def test_a_token_outage_does_not_spend_the_daily_token_quota(sm, config, rules, http, api):
    """Fetches are limited to 2000 a day: ten waiting notices must not mean ten fetches a
    round, or the quota is gone before the endpoint is back."""
    for i in range(10):
        await set_last_message(sm, f"o-{i}", T0 - timedelta(hours=1))
        await register_accepted(sm, config, rules, openid=f"o-{i}")
    api.token_modes = ["html503"] * 100
    clock = Clock()
    dispatcher = api_dispatcher(sm, http, config, api, clock)
    for seconds in range(0, 60, 3):
        clock.seconds += 3
        await drain(dispatcher, T0 + timedelta(seconds=seconds))
    assert api.token_calls <= 5
    assert {r.status for r in await rows(sm, "wechat")} == {"pending"}


# --- WeChat API: the 48-hour customer-service window ----------------------------------------


async def test_a_late_reply_outside_the_48h_window_fails_once_and_is_kept(
        sm, config, http, api):
    await set_last_message(sm, "o-old", T0 - timedelta(hours=1))  # our view; WeChat disagrees
    await add_reply(sm, "o-old", "滞纳金按日万分之五计算")
    api.send_modes = ["45015"] * 20
    dispatcher = api_dispatcher(sm, http, config, api)
    for hours in (0, 1, 3, 24):
        await drain(dispatcher, T0 + timedelta(hours=hours))
    [reply] = await rows(sm, "wechat")
    assert reply.status == "failed" and "45015" in (reply.last_error or "")
    assert reply.payload["text"] == "滞纳金按日万分之五计算"
    assert len(api.send_modes) >= 19  # tried once (maybe twice), not every pass


async def test_a_notice_whose_template_also_fails_waits_for_the_payer_not_retried_forever(
        sm, config, rules, http, api):
    await set_last_message(sm, "o-win", T0 - timedelta(hours=1))
    case = await register_accepted(sm, config, rules, openid="o-win")
    api.send_modes = ["45015"] * 20
    api.template_modes = ["43101"] * 20  # the payer refused template messages
    dispatcher = api_dispatcher(sm, http, config, api)
    for hours in (0, 1, 3, 24):
        await drain(dispatcher, T0 + timedelta(hours=hours))
    [notice] = await rows(sm, "wechat")  # kept for when the payer writes again (45015)
    assert notice.status == "pending" and notice.last_error.startswith("waiting for the payer")
    assert notice.case_id == case.id
    assert len(api.send_modes) + len(api.template_modes) >= 37


async def test_customer_service_quota_45047_falls_back_to_a_template(
        sm, config, rules, http, api):
    await set_last_message(sm, "o-quota", T0 - timedelta(hours=1))
    case = await register_accepted(sm, config, rules, openid="o-quota")
    api.send_modes = ["45047"]
    await drain(api_dispatcher(sm, http, config, api), T0)
    assert api.sent == []
    [sent] = api.templates
    assert sent["data"]["keyword1"]["value"] == case.case_no
    assert (await rows(sm, "wechat"))[0].status == "sent"


# --- what the operator sees ----------------------------------------------------------------


async def test_failures_never_log_or_store_the_phone_or_id_number(
        sm, config, rules, http, robot, api, caplog):
    caplog.set_level(logging.DEBUG)
    robot.modes[TAX] = ["html502", "93000"]
    await set_last_message(sm, "o-priv", T0 - timedelta(hours=1))
    case = await register(sm, config, rules, openid="o-priv",
                          description=f"身份证{ID_NUMBER}，电话{PHONE}，单位不交")
    async with sm() as session:
        await accept(session, case.lead_agency, case.case_no, config=config, now=T0)
        await session.commit()
    api.send_modes = ["45015", "-1"]
    api.template_modes = ["-1", "43101"]
    dispatcher = robot_dispatcher(sm, http, config, robot, api=api)
    for minutes in (0, 15, 60):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    stored = " ".join(f"{r.last_error}" for r in await rows(sm))
    for secret in (PHONE, ID_NUMBER):
        assert secret not in our_logs(caplog) and secret not in stored
        assert secret not in str(robot.to_key(ADMIN))


async def test_a_failed_card_shows_in_metrics(sm, config, rules, http, robot, aiohttp_server,
                                              models):
    from bot.app import build_app

    robot.modes[TAX] = ["93000"]
    await register(sm, config, rules)
    await drain(robot_dispatcher(sm, http, config, robot), T0)
    server = await aiohttp_server(build_app(config, models=models))
    async with http.get(server.make_url("/metrics")) as resp:
        text = await resp.text()
    assert 'disputebot_outbox_items{status="failed"} 1.0' in text


async def test_a_card_posted_but_not_acknowledged_is_not_posted_again_in_the_same_pass(
        sm, config, rules, http, robot):
    robot.modes[TAX] = ["endless"]
    await register(sm, config, rules)
    dispatcher = robot_dispatcher(sm, http, config, robot)
    await drain(dispatcher, T0)
    assert len(robot.to_key(TAX)) == 1
    [card] = await rows(sm, "webhook")
    assert card.status == "pending" and card.next_attempt_at > T0
    assert card.claimed_until is None or card.claimed_until <= card.next_attempt_at


async def test_cards_queued_for_a_replaced_robot_go_to_its_replacement(
        sm, config, rules, http, robot):
    """The operator replaced the tax group's robot (new key in config.yaml) and restarted
    while cards were pending: the old key answers 93000, the cards reach the new robot."""
    cases = [await register(sm, config, rules, openid=f"o-{i}") for i in range(2)]
    groups = dict(config.raw["liaison_groups"])
    groups["增城区"] = {**groups["增城区"], "tax": "dev-key-zc-tax-new"}
    replaced = dataclasses.replace(config, raw={**config.raw, "liaison_groups": groups})
    robot.modes[TAX] = ["93000"] * 5
    dispatcher = robot_dispatcher(sm, http, replaced, robot)
    for seconds in (0, 1, 2, 3):
        await drain(dispatcher, T0 + timedelta(seconds=seconds))
    texts = card_texts(robot, "dev-key-zc-tax-new")
    assert [next(c.case_no for c in cases if c.case_no in t) for t in texts] == [
        c.case_no for c in cases]
    assert {r.status for r in await rows(sm, "webhook")} == {"sent"}
    assert robot.to_key(ADMIN) == []


async def test_an_escalation_with_no_group_in_config_reaches_the_admin_group_once(
        sm, config, rules, caplog):
    """The leadership robot was removed from config.yaml: the overdue case's escalation has
    nowhere to go. The admin group is told once (not a log line every 30 s and nothing
    in the store)."""
    from routing.scheduler import Scheduler

    caplog.set_level(logging.WARNING)
    case = await register(sm, config, rules, severity="simple")
    groups = {k: v for k, v in config.raw["liaison_groups"].items() if k != "leadership"}
    trimmed = dataclasses.replace(config, raw={**config.raw, "liaison_groups": groups})
    scheduler = Scheduler(sm, trimmed)
    overdue = T0 + timedelta(days=1, minutes=1)
    for minutes in (0, 1, 2):
        await scheduler.run_once(overdue + timedelta(minutes=minutes))
    alerts = [r for r in await rows(sm, "webhook") if r.target == ADMIN]
    assert len(alerts) == 1 and case.case_no in str(alerts[0].payload)
    assert our_logs(caplog).count(case.case_no) <= 1


# --- through the real gateway: WeChat's own retries meet a slow answer and a stale token ---


async def test_a_late_answer_to_a_message_wechat_sent_three_times_arrives_once(
        aiohttp_server, http, config, models, fake_api):
    """WeChat resends a message it got no answer for (same MsgId, three tries); past the
    reply budget each try gets ``success``, and the token has just been invalidated on the
    platform side: the payer still receives the late answer exactly once."""
    from bot.app import build_app
    from bot.simulator import text_xml
    from tests.conftest import make_platform

    slow = dataclasses.replace(config, reply_budget=0.001)
    server = await aiohttp_server(build_app(slow, models=models))
    platform = make_platform(http, server, slow)
    fake_api.messages.fail_next = [errcode(40001)]
    xml = text_xml("o-resend", "滞纳金怎么算", msg_id=987654321)
    for _ in range(3):
        assert (await platform.post(xml)).status == 200
    await fake_api.messages.wait_for(1)
    await asyncio.sleep(1.0)  # room for a duplicate to show up
    texts = fake_api.texts_to("o-resend")
    assert len(texts) == 1 and "万分之五" in texts[0]
    assert len(fake_api.tokens.requests) == 2  # the first token, then one renewal
