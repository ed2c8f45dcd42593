"""Faults round 7, written blind: a card too long for the robot split into numbered parts,
the customer-service API refusing status notices (48001) or answering HTML and JSON that is no object, a token endpoint slower
than our timeout or gone, a robot rate-limiting for minutes (45009, 429), very large and
oddly labelled callbacks, a database file made immutable mid-run, a message resent across a
restart, and scheduler ticks after a long sleep or a clock jump. Local fakes on 127.0.0.1,
real wechatpy crypto; nothing of ours is mocked."""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import time
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import make_url

from bot.simulator import text_xml
from bot.store.db import make_engine, make_sessionmaker
from bot.store.tokens import TokenStore
from bot.wechat_api import WeChatAPI
from routing.outbox import OutboxDispatcher
from routing.scheduler import Scheduler
from routing.webhook import WebhookClient
from tests import test_cases as base
from tests.conftest import make_platform
from tests.test_cases import ID_NUMBER, PHONE, T0, drain, register, set_last_message
from tests.test_faults_fresh import Clock, FaultyAPI, FaultyRobot
from tests.test_faults_fresh3 import stored_keys
from tests.test_faults_fresh6 import StrictRobot
from tests.test_outbox import register_accepted, rows

engine, rules, sm = base.engine, base.rules, base.sm

TAX = "dev-key-zc-tax"
def db_path(config) -> str:
    return make_url(config.database_url).database


async def robot_server(aiohttp_server, handler):
    app = web.Application()
    app.router.add_post("/cgi-bin/webhook/send", handler)
    server = await aiohttp_server(app, host="127.0.0.1")
    return str(server.make_url("")).rstrip("/")


def dispatcher_for(sm, http, config, webhook_base=None, api_base=None, timeout=1.0,
                   clock=None):
    client = WeChatAPI(http, api_base or config.api_base, config.appid, config.appsecret,
                       TokenStore(sm), timeout=timeout, clock=clock or Clock())
    return OutboxDispatcher(sm, WebhookClient(http, webhook_base or config.webhook_base,
                                              timeout=timeout), client, config,
                            rng=lambda: 1.0)


# === Part B: a card too long for the robot goes as numbered parts =============================


def facts(n: int) -> str:
    return "".join(f"第{i}件事：厂里第{i}个月没交，电话{PHONE}。" for i in range(1, n + 1))


def contents(robot, key) -> list[str]:
    return [(p["body"].get("markdown") or p["body"].get("text") or {}).get("content", "")
            for p in robot.accepted if p["key"] == key]


@pytest.mark.parametrize("limit", [4096, 1500])
async def test_a_card_refused_as_too_long_arrives_whole_in_numbered_parts(
        sm, config, rules, http, aiohttp_server, limit):
    robot = StrictRobot(limit)
    base_url = await robot_server(aiohttp_server, robot.send)
    case = await register(sm, config, rules, openid="o-f7-parts", description=facts(90))
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    for minutes in (0, 1, 2, 5, 30):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    texts = [t for t in contents(robot, TAX) if case.case_no in t]
    assert len(texts) >= 2, texts
    total = len(texts)
    for i, text in enumerate(texts, 1):
        if limit == 4096:  # the robot counts as we do: one numbering
            assert f"({i}/{total})" in text, text[:80]
        else:  # a part we made is itself split: numbered within its part
            assert re.search(r"\(\d+/\d+\)", text.partition("\n")[0]), text[:80]
        assert len(text.encode("utf-8")) <= limit
        assert PHONE not in text and ID_NUMBER not in text
    joined = "".join(texts)
    positions = [joined.find(f"第{i}件事") for i in range(1, 91)]
    assert all(p >= 0 for p in positions), [i for i, p in enumerate(positions, 1) if p < 0]
    assert positions == sorted(positions)
    assert any(f"/console/cases/{case.case_no}" in t for t in texts)
    tax = [r for r in await rows(sm, "webhook") if r.target == TAX]
    assert {r.status for r in tax} == {"sent"}


async def test_two_long_cards_to_one_group_keep_their_order_part_by_part(
        sm, config, rules, http, aiohttp_server):
    robot = StrictRobot(1500)
    base_url = await robot_server(aiohttp_server, robot.send)
    first = await register(sm, config, rules, openid="o-f7-one", description=facts(40))
    second = await register(sm, config, rules, openid="o-f7-two", description=facts(40))
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    for minutes in (0, 1, 2, 5, 30):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    owners = [first.case_no if first.case_no in t else second.case_no if second.case_no in t
              else None for t in contents(robot, TAX)]
    owners = [o for o in owners if o]
    assert first.case_no in owners and second.case_no in owners
    last_first = max(i for i, o in enumerate(owners) if o == first.case_no)
    first_second = min(i for i, o in enumerate(owners) if o == second.case_no)
    assert last_first < first_second, owners


async def test_the_parts_of_long_cards_respect_twenty_a_minute(sm, config, rules, http,
                                                               aiohttp_server):
    robot = StrictRobot(1000)
    base_url = await robot_server(aiohttp_server, robot.send)
    for i in range(5):
        await register(sm, config, rules, openid=f"o-f7-rate{i}", description=facts(40))
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    per_minute = []
    for minute in range(12):
        before = len(contents(robot, TAX))
        await drain(dispatcher, T0 + timedelta(minutes=minute), rounds=40)
        per_minute.append(len(contents(robot, TAX)) - before)
    assert max(per_minute) <= 20, per_minute
    assert sum(per_minute) > 20, per_minute
    assert {r.status for r in await rows(sm, "webhook") if r.target == TAX} == {"sent"}


# === Part C: the customer-service API refusing or garbling a status notice ===================


class NoticeAPI(FaultyAPI):
    """FaultyAPI whose customer-service endpoint may answer a body that is no WeChat answer."""

    raw_modes: list[tuple[int, str, str]]

    def __init__(self):
        super().__init__()
        self.raw_modes = []
        self.custom_calls = 0
        self.token_delay = 0.0

    async def _custom(self, request):
        self.custom_calls += 1
        if self.raw_modes:
            status, ctype, text = self.raw_modes.pop(0)
            await request.read()
            return web.Response(status=status, content_type=ctype, text=text)
        return await super()._custom(request)

    async def _token(self, request):
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        return await super()._token(request)


@pytest.fixture
async def notice_api(aiohttp_server):
    return await NoticeAPI().serve(aiohttp_server)


async def delivered_once(sm, api, openid, case_no) -> None:
    texts = [m for m in api.sent if m.get("touser") == openid]
    templates = [m for m in api.templates if m.get("touser") == openid]
    assert len(texts) + len(templates) == 1, (texts, templates)
    [notice] = [r for r in await rows(sm, "wechat") if r.target == openid]
    assert notice.status == "sent", (notice.status, notice.last_error)
    assert case_no in json.dumps(texts + templates, ensure_ascii=False)


async def test_a_notice_refused_48001_goes_as_a_template(sm, config, rules, http, notice_api):
    """48001: this account may not use customer-service messages; the template may."""
    await set_last_message(sm, "o-f7-48001", T0 - timedelta(hours=1))
    case = await register_accepted(sm, config, rules, openid="o-f7-48001")
    notice_api.send_modes = ["48001"] * 10
    dispatcher = dispatcher_for(sm, http, config, api_base=notice_api.base)
    await drain(dispatcher, T0)
    await drain(dispatcher, T0 + timedelta(minutes=10))
    await delivered_once(sm, notice_api, "o-f7-48001", case.case_no)
    assert notice_api.custom_calls <= 2


async def test_a_notice_refused_48001_on_both_paths_is_not_retried_every_pass(
        sm, config, rules, http, notice_api):
    await set_last_message(sm, "o-f7-48001b", T0 - timedelta(hours=1))
    await register_accepted(sm, config, rules, openid="o-f7-48001b")
    notice_api.send_modes = ["48001"] * 40
    notice_api.template_modes = ["48001"] * 40
    dispatcher = dispatcher_for(sm, http, config, api_base=notice_api.base)
    for minutes in (0, 1, 2, 3, 10, 60, 600):
        await drain(dispatcher, T0 + timedelta(minutes=minutes))
    [notice] = [r for r in await rows(sm, "wechat") if r.target == "o-f7-48001b"]
    assert notice.status != "sent" and notice.last_error
    assert "48001" in notice.last_error, notice.last_error
    assert notice_api.custom_calls <= 3, notice_api.custom_calls


@pytest.mark.parametrize("status,ctype,text", [
    (200, "text/html", "<html><body>系统维护中</body></html>"),
    (200, "application/json", "null"),
    (200, "application/json", "[]"),
    (200, "application/json", '"ok"'),
    (200, "application/json", '{"errcode": "ok"}'),
    (200, "application/json", '{"errcode": 0'),
], ids=["html200", "null", "list", "string", "errcode-word", "cut"])
async def test_a_notice_answered_with_no_wechat_answer_is_kept_and_goes_once(
        sm, config, rules, http, notice_api, status, ctype, text):
    await set_last_message(sm, "o-f7-garble", T0 - timedelta(hours=1))
    case = await register_accepted(sm, config, rules, openid="o-f7-garble")
    notice_api.raw_modes = [(status, ctype, text)]
    dispatcher = dispatcher_for(sm, http, config, api_base=notice_api.base)
    await drain(dispatcher, T0)
    [notice] = [r for r in await rows(sm, "wechat") if r.target == "o-f7-garble"]
    assert notice.status == "pending" and notice.next_attempt_at > T0, notice.status
    await drain(dispatcher, T0 + timedelta(hours=2))
    texts = [m for m in notice_api.sent if m.get("touser") == "o-f7-garble"]
    templates = [m for m in notice_api.templates if m.get("touser") == "o-f7-garble"]
    assert len(texts) + len(templates) <= 1
    [notice] = [r for r in await rows(sm, "wechat") if r.target == "o-f7-garble"]
    assert notice.status in ("sent", "pending", "failed")
    if notice.status == "sent":
        assert case.case_no in json.dumps(texts + templates, ensure_ascii=False)


# === Part D: the token endpoint slow or gone ==================================================


async def test_a_token_endpoint_slower_than_our_timeout_holds_neither_cards_nor_the_pass(
        sm, config, rules, http, notice_api, fake_webhook):
    await set_last_message(sm, "o-f7-slowtok", T0 - timedelta(hours=1))
    case = await register_accepted(sm, config, rules, openid="o-f7-slowtok")
    notice_api.token_delay = 5.0
    clock = Clock()
    dispatcher = dispatcher_for(sm, http, config, api_base=notice_api.base, clock=clock)
    started = time.monotonic()
    await drain(dispatcher, T0)
    assert time.monotonic() - started < 4.0
    assert any(case.case_no in json.dumps(b, ensure_ascii=False)
               for b in fake_webhook.to_key(TAX))
    [notice] = [r for r in await rows(sm, "wechat") if r.target == "o-f7-slowtok"]
    assert notice.status == "pending" and notice.next_attempt_at > T0
    notice_api.token_delay = 0.0
    clock.seconds += 3600  # the hour passes for the client's token hold too
    await drain(dispatcher, T0 + timedelta(hours=1))
    await delivered_once(sm, notice_api, "o-f7-slowtok", case.case_no)


async def test_a_token_endpoint_that_is_gone_keeps_the_notice_and_never_logs_the_secret(
        sm, config, rules, http, aiohttp_server, caplog):
    app = web.Application()
    gone = await aiohttp_server(app, host="127.0.0.1")
    base_url = str(gone.make_url("")).rstrip("/")
    await gone.close()  # nothing listens there any more
    await set_last_message(sm, "o-f7-gone", T0 - timedelta(hours=1))
    await register_accepted(sm, config, rules, openid="o-f7-gone")
    dispatcher = dispatcher_for(sm, http, config, api_base=base_url)
    waits, now = [], T0
    for _ in range(3):
        await drain(dispatcher, now)
        [notice] = [r for r in await rows(sm, "wechat") if r.target == "o-f7-gone"]
        assert notice.status == "pending", notice.status
        waits.append((notice.next_attempt_at - now).total_seconds())
        now = notice.next_attempt_at
    assert waits == sorted(waits) and waits[-1] > waits[0], waits
    assert config.appsecret not in (notice.last_error or "")
    assert config.appsecret not in caplog.text


# === Part E: a robot rate-limiting for minutes ===============================================


async def test_a_robot_answering_45009_for_three_minutes_is_probed_once_a_minute(
        sm, config, rules, http, robot_f7):
    robot_f7.modes[TAX] = ["45009"] * 3
    cases = [await register(sm, config, rules, openid=f"o-f7-freq{i}") for i in range(4)]
    dispatcher = dispatcher_for(sm, http, config, webhook_base=robot_f7.base)
    for seconds in range(0, 300, 10):
        await drain(dispatcher, T0 + timedelta(seconds=seconds))
    posts = robot_f7.to_key(TAX)
    assert len(posts) <= 3 + 4 + 1, len(posts)  # three refusals, four cards, slack of one
    delivered = [n for b in posts[3:] for n in [c.case_no for c in cases]
                 if n in json.dumps(b, ensure_ascii=False)]
    assert delivered == [c.case_no for c in cases], delivered


@pytest.mark.parametrize("retry_after", ["soon", "Wed, 21 Oct 2015 07:28:00 GMT", "-5", "1e9"])
async def test_a_429_with_an_odd_retry_after_is_retried_and_goes_once(
        sm, config, rules, http, aiohttp_server, retry_after):
    calls = []

    async def limited(request):
        body = await request.json()
        calls.append(body)
        if len(calls) == 1:
            return web.Response(status=429, headers={"Retry-After": retry_after})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    base_url = await robot_server(aiohttp_server, limited)
    case = await register(sm, config, rules, openid="o-f7-429")
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    await drain(dispatcher, T0)
    await drain(dispatcher, T0 + timedelta(minutes=2))
    await drain(dispatcher, T0 + timedelta(minutes=30))
    tax = [r for r in await rows(sm, "webhook") if r.target == TAX]
    assert {r.status for r in tax} == {"sent"}, [(r.status, r.next_attempt_at) for r in tax]
    mine = [b for b in calls[1:] if case.case_no in json.dumps(b, ensure_ascii=False)]
    assert 1 <= len(mine) <= len(tax)


@pytest.fixture
async def robot_f7(aiohttp_server):
    fake = FaultyRobot()
    fake.base = await robot_server(aiohttp_server, fake.send)
    return fake


# === Part F: large and oddly labelled callbacks ===============================================


async def test_a_huge_text_message_is_refused_or_answered_quickly_and_others_still_are(
        platform):
    started = time.monotonic()
    try:
        delivery = await platform.post(text_xml("o-f7-huge", "社保" * 150_000,
                                                msg_id=7_700_002))
        status = delivery.status
    except aiohttp.ClientError:  # the server may cut the connection on a body over its limit
        status = 413
    assert time.monotonic() - started < 5
    assert status in (200, 400, 413), status
    after = await platform.post(text_xml("o-f7-after", "公司没给我交社保", msg_id=7_700_003))
    assert after.status == 200 and after.reply


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data",
                                          "text/html; charset=utf-16", "image/png"])
async def test_an_encrypted_callback_with_a_wrong_content_type_is_still_read(
        http, bot_server, config, platform, content_type):
    q = platform.query()
    body = platform.envelope(text_xml("o-f7-ctype", "你好，我想问社保断缴",
                                      msg_id=7_700_004), q)
    async with http.post(bot_server.make_url("/wechat"), params=q, data=body.encode(),
                         headers={"Content-Type": content_type}) as resp:
        text = await resp.text()
        assert resp.status == 200, (resp.status, text[:200])
    assert platform.read_reply(text, q)


async def test_a_callback_claiming_gzip_that_is_not_is_a_client_error(http, bot_server,
                                                                      platform):
    q = platform.query()
    body = platform.envelope(text_xml("o-f7-gz", "你好", msg_id=7_700_005), q)
    async with http.post(bot_server.make_url("/wechat"), params=q, data=body.encode(),
                         headers={"Content-Encoding": "gzip"}) as resp:
        assert 400 <= resp.status < 500, resp.status


# === Part G: the database file made read-only mid-run =========================================


def immutable(path: str, on: bool) -> None:
    """``chattr +i`` on the database file, its WAL files and its folder (root ignores file
    modes; the immutable flag stops root too)."""
    paths = [p for p in (path, path + "-wal") if os.path.exists(p)]  # -shm is mapped: SIGBUS
    paths.append(os.path.dirname(path))
    subprocess.run(["chattr", "+i" if on else "-i", *paths], check=True)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_database_made_read_only_mid_run_is_not_answered_success_and_resent_once(
        bot_server, platform, config):
    before = await platform.post(text_xml("o-f7-ro0", "你好", msg_id=7_700_006))
    assert before.status == 200
    await bot_server.app["services"].batch.flush()
    path = db_path(config)
    q = platform.query()
    xml = text_xml("o-f7-ro", "我想反映单位少缴社保", msg_id=7_700_007)
    immutable(path, True)
    try:
        started = time.monotonic()
        refused = await platform.post(xml, query=dict(q))
        took = time.monotonic() - started
        async with platform.session.get(bot_server.make_url("/healthz")) as resp:
            health = resp.status
    finally:
        immutable(path, False)
    assert took < 5.5, took
    if refused.status == 200:
        await bot_server.app["services"].batch.flush()
        assert "o-f7-ro:7700007" in await stored_keys(config.database_url), \
            "answered while nothing could be stored"
    assert health == 503, health
    again = await platform.post(xml, query=dict(q))
    assert again.status == 200
    await bot_server.app["services"].batch.flush()
    assert (await stored_keys(config.database_url)).count("o-f7-ro:7700007") == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_cards_while_the_file_is_read_only_are_sent_once_after(
        config, rules, http, robot_f7):
    engine = make_engine(config.database_url)
    sm = make_sessionmaker(engine)
    try:
        case = await register(sm, config, rules, openid="o-f7-rocard")
        dispatcher = dispatcher_for(sm, http, config, webhook_base=robot_f7.base)
        path = db_path(config)
        immutable(path, True)
        try:
            await drain(dispatcher, T0)
        except Exception as exc:  # noqa: BLE001 - the probe records what escaped
            escaped = exc
        else:
            escaped = None
        finally:
            immutable(path, False)
        assert escaped is None, repr(escaped)
        for minutes in (1, 5, 30, 120):
            await drain(dispatcher, T0 + timedelta(minutes=minutes))
        mine = [b for b in robot_f7.to_key(TAX) if case.case_no in json.dumps(b,
                                                                               ensure_ascii=False)]
        assert len(mine) == 1, len(mine)
    finally:
        await engine.dispose()


# === Part H: a message resent across a restart ================================================


async def test_a_message_answered_before_a_restart_and_resent_after_is_handled_once(
        aiohttp_server, http, config, models):
    from bot.app import build_app

    first = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, first, config)
    q = platform.query()
    xml = text_xml("o-f7-twice", "我在新塘镇上班，公司没交社保", msg_id=7_700_008)
    answered = await platform.post(xml, query=dict(q))
    assert answered.status == 200 and answered.reply
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    try:
        again = await make_platform(http, second, config).post(xml, query=dict(q))
        assert again.status == 200
        await second.app["services"].batch.flush()
        assert (await stored_keys(config.database_url)).count("o-f7-twice:7700008") == 1
        turns = await rows(second.app["services"].sessionmaker, "wechat")
        assert not [r for r in turns if r.target == "o-f7-twice"], \
            "the resend was answered again as a late reply"
    finally:
        await second.close()


# === Part I: scheduler ticks after a long sleep or a clock jump ===============================


def reminder_keys(all_rows, case_no: str) -> list[tuple[str, str]]:
    return [(r.dedup_key.split(":", 1)[0], r.target) for r in all_rows
            if r.dedup_key and case_no in r.dedup_key]


async def test_two_ticks_at_once_after_a_long_sleep_queue_each_reminder_once(sm, config, rules):
    case = await register(sm, config, rules, severity="simple", openid="o-f7-sleep")
    scheduler = Scheduler(sm, config)
    late = T0 + timedelta(days=5)
    await asyncio.gather(scheduler.run_once(late), scheduler.run_once(late))
    keys = reminder_keys(await rows(sm, "webhook"), case.case_no)
    assert keys and len(keys) == len(set(keys)), keys


async def test_a_clock_jumping_back_and_forth_sends_no_reminder_twice(sm, config, rules):
    case = await register(sm, config, rules, severity="simple", openid="o-f7-jump")
    scheduler = Scheduler(sm, config)
    late = T0 + timedelta(days=3)
    await scheduler.run_once(late)
    first = reminder_keys(await rows(sm, "webhook"), case.case_no)
    await scheduler.run_once(late - timedelta(days=2, hours=12))  # NTP pulls it back
    await scheduler.run_once(late + timedelta(minutes=1))
    assert reminder_keys(await rows(sm, "webhook"), case.case_no) == first


@pytest.mark.parametrize("weeks", [(datetime(2026, 10, 23, 10, 0), datetime(2026, 10, 30, 10, 0)),
                                   (datetime(2026, 3, 6, 10, 0), datetime(2026, 3, 13, 10, 0))],
                         ids=["nov-dst-abroad", "mar-dst-abroad"])
async def test_deadlines_a_week_apart_around_foreign_dst_dates_are_a_week_apart(
        sm, config, rules, weeks):
    """Beijing has no DST: a case on the Friday before Europe/US change their clocks is due
    exactly a week before the same case one Friday later (no holidays in between)."""
    beijing = timezone(timedelta(hours=8))
    a, b = (w.replace(tzinfo=beijing).astimezone(timezone.utc) for w in weeks)
    one = await register(sm, config, rules, openid="o-f7-dst1", now=a, severity="general")
    two = await register(sm, config, rules, openid="o-f7-dst2", now=b, severity="general")
    assert one.deadline and two.deadline
    assert two.deadline - one.deadline == timedelta(days=7), (one.deadline, two.deadline)
