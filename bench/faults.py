"""Fault scenarios against the real ``disputebot serve`` process.

    python bench/faults.py [--database-url URL] [--only name,name] [--keep]

Each scenario starts ``disputebot serve`` as a subprocess (helpers of ``bench/load.py``)
against a fake WeChat API and fake WeCom group robots served by this script, all on
127.0.0.1, then breaks something and checks what the platform and the liaison groups see.
One line per scenario: ``PASS name: detail`` or ``FAIL name: detail`` (``SKIP`` when a
scenario does not apply, e.g. ``db_locked`` off SQLite); exit status 1 if any failed. Every
process started here is stopped before exit (SIGTERM, then SIGKILL of its process group).

Scenarios: ``load_3000``, ``same_message_3x``, ``kill9_mid_dialogue``,
``kill9_mid_delivery``, ``webhook_outage``, ``db_locked``, ``kill9_one_worker``,
``kill9_parent``, ``pg_restart`` (only with a PostgreSQL ``--database-url`` and
``pg_ctlcluster`` on this machine: it restarts the server, so give it a database of its own,
e.g. ``disputebot_faults``).

Isolation: with the default (SQLite) each scenario gets a fresh database file in a temporary
folder. With ``--database-url`` that database is emptied first (our tables dropped: an earlier
run's cases would make this run's filings additions to them) and all scenarios share it (use
one of its own, never the test database), so every scenario's config uses robot keys of its
own (``dev-key-zc-tax-<scenario>``) and the checks only count rows and posts of those keys.
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from load import (
    CASE_NO,
    DATA,
    FORM_ANSWERS,
    GREETINGS,
    PROGRESS,
    ROOT,
    Server,
    TimedWeChatAPI,
    empty_database,
    free_port,
    read_jsonl,
    serve_fake,
)
from sqlalchemy import func, select

from bot.config import load_config
from bot.simulator import FakeWebhook, Platform, text_xml
from bot.store.db import is_sqlite, make_engine
from bot.store.models import OutboxItem, ProcessedMessage

SORRY_MARK = "开了个小差"  # bot.gateway.SORRY: the handler failed
PLATFORM_TIMEOUT = 5.0  # WeChat waits 5 s for an answer, then resends (3 tries in all)

RESULTS: list[tuple[str, str, str]] = []
SERVERS: list[Server] = []


def report(status: str, name: str, detail: str) -> None:
    RESULTS.append((status, name, detail))
    print(f"{status} {name}: {detail}", flush=True)


def verdict(name: str, problems: list[str], detail: str) -> None:
    """PASS with the detail, or FAIL naming every problem before it."""
    if problems:
        report("FAIL", name, "; ".join(problems) + " | " + detail)
    else:
        report("PASS", name, detail)


# --- processes ------------------------------------------------------------------------

def stop_all() -> None:
    for server in SERVERS:
        try:
            server.stop()
        except Exception as exc:  # noqa: BLE001 - keep stopping the others
            print(f"stopping {server.name} (pid {server.pid}): {exc!r}", file=sys.stderr)
    SERVERS.clear()


def kill9(server: Server) -> None:
    """SIGKILL the server itself (no shutdown code runs), then reap it and its group."""
    os.kill(server.pid, signal.SIGKILL)
    server.proc.wait(timeout=10)
    server.stop()  # kills anything left in the process group, closes the log
    SERVERS.remove(server)


def graceful_stop(server: Server) -> None:
    server.stop()
    SERVERS.remove(server)


class TrackingWebhook(FakeWebhook):
    """The fake group robot, also counting posts being answered right now (in flight)."""

    def __init__(self):
        super().__init__()
        self.inflight = 0
        self.arrived = 0  # every POST that reached us, whatever the answer

    async def _send(self, request):
        self.inflight += 1
        self.arrived += 1
        try:
            return await super()._send(request)
        finally:
            self.inflight -= 1


@dataclass
class Env:
    """One scenario's world: database, fakes, a config with robot keys of its own."""

    name: str
    workdir: Path
    database_url: str
    fake_api: TimedWeChatAPI
    hook: TrackingWebhook
    api_base: str
    hook_base: str
    runners: list = field(default_factory=list)
    starts: int = 0
    keys: set = field(default_factory=set)
    cfg_path: Path | None = None

    def config_file(self) -> Path:
        if self.cfg_path is None:
            raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
            suffix = "-" + self.name.replace("_", "")
            groups = raw["liaison_groups"]
            for name, value in list(groups.items()):
                if isinstance(value, dict):
                    groups[name] = {a: k + suffix for a, k in value.items()}
                    self.keys.update(groups[name].values())
                else:
                    groups[name] = value + suffix
                    self.keys.add(groups[name])
            self.cfg_path = self.workdir / f"config-{self.name}.yaml"
            self.cfg_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        return self.cfg_path

    async def start_server(self, workers: int = 1, port: int | None = None) -> Server:
        self.starts += 1
        env = {**os.environ, "DISPUTEBOT_CONFIG": str(self.config_file()),
               "DATABASE_URL": self.database_url, "WECHAT_API_BASE": self.api_base,
               "WECOM_WEBHOOK_BASE": self.hook_base, "PYTHONUNBUFFERED": "1"}
        env.pop("METRICS_TOKEN", None)
        port = port or free_port()
        argv = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
        if workers > 1:
            argv += ["--workers", str(workers)]
        server = Server(f"{self.name}#{self.starts}", argv, port, env,
                        self.workdir / f"{self.name}-{self.starts}.log")
        server.start()
        SERVERS.append(server)
        await server.ready()
        return server

    async def close(self) -> None:
        for runner in self.runners:
            await runner.cleanup()


async def make_env(name: str, workdir: Path, database_url: str | None) -> Env:
    url = database_url or f"sqlite+aiosqlite:///{workdir}/{name}.db"
    fake_api, hook = TimedWeChatAPI(), TrackingWebhook()
    api_runner, api_base = await serve_fake(fake_api.app())
    hook_runner, hook_base = await serve_fake(hook.app())
    return Env(name, workdir, url, fake_api, hook, api_base, hook_base,
               runners=[api_runner, hook_runner])


def platform_for(http: aiohttp.ClientSession, server: Server, cfg) -> Platform:
    return Platform(http, f"http://127.0.0.1:{server.port}/wechat", cfg.token, cfg.aes_key,
                    cfg.appid)


async def handled_messages(http: aiohttp.ClientSession, server: Server) -> float:
    """Handler runs so far in this server process (``disputebot_messages_total``)."""
    async with http.get(f"http://127.0.0.1:{server.port}/metrics") as resp:
        body = await resp.text()
    return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
               if line.startswith("disputebot_messages_total"))


async def db_rows(url: str, query):
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return list(await conn.execute(query))
    finally:
        await engine.dispose()


# --- conversations --------------------------------------------------------------------

def answer_for(reply: str, employer: str, phone: str) -> str | None:
    if "请核对" in reply:
        return "确认"
    cue = next((c for c in FORM_ANSWERS if c in reply), None)
    if cue is None:
        return None
    return FORM_ANSWERS[cue] or (employer if cue == "单位" else phone)


async def file_case(platform: Platform, openid: str, index: int,
                    say=None, max_messages: int = 14) -> tuple[str | None, int, str]:
    """A whole filing; (case number or None, messages sent, last reply)."""
    employer, phone = f"宏达{index}号电子厂", f"139{index:08d}"
    say = say or (lambda text: platform.say(openid, text))
    reply = await say(f"{employer}一直没给我交社保，我在新塘镇上班，电话{phone}")
    sent = 1
    while sent < max_messages:
        if reply is None:
            return None, sent, "<no passive reply>"
        if CASE_NO.search(reply) and "进度" in reply:
            return CASE_NO.search(reply).group(), sent, reply
        answer = answer_for(reply, employer, phone)
        if answer is None:
            return None, sent, reply
        reply = await say(answer)
        sent += 1
    return None, sent, reply or ""


async def settle(predicate, timeout: float, interval: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= end:
            return False
        await asyncio.sleep(interval)


# --- 1. load_3000 ---------------------------------------------------------------------

@dataclass
class Sent:
    openid: str
    text: str
    at: float
    status: int | None = None
    reply: str | None = None
    body: str = ""
    error: str | None = None


async def load_3000(env: Env, cfg, http, total: int = 3000, payers: int = 500,
                    concurrency: int = 32, filers: int = 9) -> None:
    name = "load_3000"
    server = await env.start_server()
    platform = platform_for(http, server, cfg)
    questions = [row["question"] for row in read_jsonl(DATA / "kb_heldout.jsonl")]
    rng = random.Random(7)
    quota = [12] * filers + [0] * (payers - filers)
    rest = total - sum(quota)
    for i in range(filers, payers):  # spread the rest evenly (5 or 6 each)
        quota[i] = rest // (payers - filers) + (1 if i - filers < rest % (payers - filers)
                                                 else 0)
    log: list[Sent] = []
    cases: list[str] = []
    filing_failures: list[str] = []
    handled_before = await handled_messages(http, server)

    async def run_payer(i: int) -> None:
        openid = f"o-fault-load-{i:04d}"
        count = 0

        async def say(text: str) -> str | None:
            nonlocal count
            count += 1
            item = Sent(openid, text, time.monotonic())
            log.append(item)
            try:
                delivery = await platform.post(text_xml(openid, text))
                item.status, item.reply, item.body = delivery.status, delivery.reply, \
                    delivery.body
            except Exception as exc:  # noqa: BLE001 - counted as an error
                item.error = exc.__class__.__name__
            return item.reply

        if i < filers:
            case_no, _sent, last = await file_case(platform, openid, 1000 + i, say=say,
                                                   max_messages=quota[i] - 1)
            if case_no:
                cases.append(case_no)
            else:
                filing_failures.append(last[:50])
        while count < quota[i]:
            kind = rng.choices(["greeting", "policy", "progress"], [30, 45, 25])[0]
            text = {"greeting": lambda: rng.choice(GREETINGS),
                    "policy": lambda: rng.choice(questions),
                    "progress": lambda: rng.choice(PROGRESS)}[kind]()
            await say(text)

    queue: asyncio.Queue = asyncio.Queue()
    for i in rng.sample(range(payers), payers):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            await run_payer(queue.get_nowait())

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.monotonic() - started

    def late_ok(item: Sent) -> bool:
        return any(a >= item.at for a in env.fake_api.arrivals.get(item.openid, ()))

    deferred = [s for s in log if s.status == 200 and not s.reply]
    await settle(lambda: all(late_ok(s) for s in deferred), 15)
    await asyncio.sleep(1.0)  # a quiet spell for any extra customer-service message
    handled = await handled_messages(http, server) - handled_before
    errors = Counter(s.error or f"http {s.status}" for s in log
                     if s.error or s.status != 200)
    unanswered = [s for s in deferred if not late_ok(s)]
    sorry = sum(1 for s in log if s.reply and SORRY_MARK in s.reply)
    sorry += sum(1 for m in env.fake_api.messages.requests
                 if SORRY_MARK in m.get("text", {}).get("content", ""))
    per_payer = Counter(s.openid for s in log)
    answered = Counter(s.openid for s in log if s.status == 200 and (s.reply or late_ok(s)))
    short = [o for o, n in per_payer.items() if answered[o] != n]
    # Customer-service texts to one payer twice, beyond what repeated deferred questions explain.
    dup_cs = 0
    for openid in per_payer:
        texts = Counter(t for t in env.fake_api.texts_to(openid) if not CASE_NO.search(t))
        excess = sum(n - 1 for n in texts.values() if n > 1)
        asked = Counter(s.text for s in deferred if s.openid == openid)
        dup_cs += max(0, excess - sum(n - 1 for n in asked.values() if n > 1))
    # The group cards of the filings (fewer than 20 per robot key: no rate-limit wait).
    cards_done = False
    for _ in range(40):
        cards = await webhook_expectations(env)
        if cards and all(r[3] == "sent" for r in cards):
            cards_done = True
            break
        await asyncio.sleep(0.25)
    missing_cards, dup_cards, _order = delivery_check(env, cards)
    rows = await db_rows(env.database_url, select(ProcessedMessage.state, func.count())
                         .where(ProcessedMessage.key.like("%o-fault-load-%"))
                         .group_by(ProcessedMessage.state))
    states = {state: n for state, n in rows}
    stored = sum(states.values())
    graceful_stop(server)
    problems = []
    if len(log) != total:
        problems.append(f"sent {len(log)} != {total}")
    if errors:
        problems.append(f"errors {dict(errors)}")
    if unanswered:
        problems.append(f"{len(unanswered)} unanswered")
    if short:
        problems.append(f"{len(short)} payers with replies != messages sent")
    if handled != total:
        problems.append(f"handler ran {handled:.0f} times for {total} messages")
    if dup_cs:
        problems.append(f"{dup_cs} duplicate customer-service texts")
    if sorry:
        problems.append(f"{sorry} apology replies (handler failed)")
    if filing_failures:
        problems.append(f"{len(filing_failures)} filings without a case number: "
                        f"{filing_failures[:2]}")
    if not cards_done or missing_cards or dup_cards:
        problems.append(f"group cards: {len(cards)} rows, missing {missing_cards[:3]}, "
                        f"{dup_cards} duplicates")
    if stored and stored != total:  # keys in the table: one per message
        problems.append(f"{stored} processed_messages rows for {total} messages")
    detail = (f"{len(log)} msgs from {len(per_payer)} payers in {wall:.1f} s "
              f"({len(log) / wall:.0f}/s, concurrency {concurrency}), errors 0"
              if not errors else f"{len(log)} msgs in {wall:.1f} s")
    detail += (f", late {len(deferred)}" + (" (all answered by CS)" if deferred else "")
               if not unanswered else "")
    detail += (f", handler runs {handled:.0f}, dedup rows {states}, {len(cases)}/{filers} "
               f"filings got a case number "
               f"({len(cards)} group cards, all posted once), duplicate CS texts {dup_cs}")
    verdict(name, problems, detail)


# --- 2. same_message_3x ---------------------------------------------------------------

async def same_message_3x(env: Env, cfg, http) -> None:
    name = "same_message_3x"
    server = await env.start_server()
    platform = platform_for(http, server, cfg)
    openid = "o-fault-same"
    opening = await platform.say(openid, "反映问题")  # a dialogue: a second run would show
    before = await handled_messages(http, server)
    xml = text_xml(openid, "公司一直没给我交社保，已经半年了", msg_id=990000 + random.randrange(9999))
    query = platform.query()
    body = platform.envelope(xml, query)  # one encrypted body, posted three times
    deliveries = await asyncio.gather(*(platform.post(xml, query=query, body=body)
                                        for _ in range(3)))
    await asyncio.sleep(2.0)
    handled = await handled_messages(http, server) - before
    statuses = [d.status for d in deliveries]
    replies = [d.reply for d in deliveries if d.reply]
    cs = env.fake_api.texts_to(openid)
    next_reply = await platform.say(openid, "要求单位补缴")
    graceful_stop(server)
    problems = []
    if statuses != [200] * 3:
        problems.append(f"statuses {statuses}")
    if handled != 1:
        problems.append(f"handled {handled:.0f} times")
    answers = len(set(replies)) + len(cs)
    if answers != 1:
        problems.append(f"{len(set(replies))} distinct passive replies + {len(cs)} CS messages")
    if not next_reply or SORRY_MARK in next_reply:
        problems.append(f"dialogue broken afterwards: {next_reply!r}")
    detail = (f"3x200, handler ran {handled:.0f}x, {len(replies)} copies got the same passive "
              f"reply ({len(set(replies))} distinct), {len(cs)} CS messages; opening "
              f"{(opening or '')[:12]!r}…")
    verdict(name, problems, detail)


# --- 3. kill9_mid_dialogue ------------------------------------------------------------

async def kill9_mid_dialogue(env: Env, cfg, http) -> None:
    name = "kill9_mid_dialogue"
    server = await env.start_server()
    platform = platform_for(http, server, cfg)
    openid, employer, phone = "o-fault-kill-dialogue", "宏达77号电子厂", "13900000077"
    opening = await platform.say(openid, "反映问题")
    reply = await platform.say(openid, "公司一直没给我交社保，已经半年了")
    answered = 1
    for _ in range(2):  # two more answers, then the crash
        answer = answer_for(reply or "", employer, phone)
        if answer is None or answer == "确认":
            break
        reply = await platform.say(openid, answer)
        answered += 1
    pending = reply or ""
    kill9(server)
    server = await env.start_server()
    platform = platform_for(http, server, cfg)
    answer = answer_for(pending, employer, phone)
    after = await platform.say(openid, answer) if answer else None
    problems = []
    if answer is None:
        problems.append(f"pending question not recognised: {pending[:40]!r}")
    elif not after or after == opening or after == pending or SORRY_MARK in after:
        problems.append(f"after restart got {(after or '')[:40]!r} (pending was "
                        f"{pending[:30]!r}, opening {(opening or '')[:20]!r})")
    elif answer_for(after, employer, phone) is None:
        problems.append(f"after restart got an unexpected reply {after[:40]!r}")
    case_no = None
    if not problems:
        reply, sent = after, 0
        while sent < 10 and reply and not (CASE_NO.search(reply) and "进度" in reply):
            nxt = answer_for(reply, employer, phone)
            if nxt is None:
                break
            reply = await platform.say(openid, nxt)
            sent += 1
        match = CASE_NO.search(reply or "")
        case_no = match.group() if match and "进度" in reply else None
        if case_no is None:
            problems.append(f"filing did not complete: {(reply or '')[:40]!r}")
    graceful_stop(server)
    detail = (f"{answered} answers, kill -9, restart: pending {pending[:18]!r}… → next "
              f"{(after or '')[:18]!r}…, case {case_no}")
    verdict(name, problems, detail)


# --- 4/5. deliveries --------------------------------------------------------------------

async def webhook_expectations(env: Env) -> list[tuple[int, str, str | None]]:
    """(id, key, case number) of every robot row for this scenario's keys, in id order."""
    rows = await db_rows(env.database_url, select(OutboxItem.id, OutboxItem.target,
                                                  OutboxItem.payload, OutboxItem.status)
                         .where(OutboxItem.channel == "webhook").order_by(OutboxItem.id))
    return [(r.id, r.target, (r.payload or {}).get("case_no"), r.status) for r in rows
            if r.target in env.keys]


def posted(env: Env) -> list[tuple[str, str | None, str]]:
    out = []
    for p in env.hook.posts.requests:
        text = json.dumps(p["body"], ensure_ascii=False)
        match = CASE_NO.search(text)
        out.append((p["key"], match.group() if match else None, text))
    return out


def delivery_check(env: Env, expected) -> tuple[list[str], int, list[str]]:
    """(missing "key:case", duplicate posts, keys whose first posts are out of row order)."""
    posts = posted(env)
    have = Counter((k, c) for k, c, _ in posts)
    missing = [f"{k[-12:]}:{c}" for _, k, c, _ in expected if have[(k, c)] == 0]
    dups = sum(n - 1 for n in Counter((k, t) for k, _, t in posts).values() if n > 1)
    out_of_order = []
    by_key = defaultdict(list)
    for _, k, c, _ in expected:
        by_key[k].append(c)
    for key, cases in by_key.items():
        seen = []
        for k, c, _ in posts:
            if k == key and c not in seen:
                seen.append(c)
        if seen != [c for c in dict.fromkeys(cases) if c in seen]:
            out_of_order.append(key)
    return missing, dups, out_of_order


async def file_many(platform: Platform, prefix: str, n: int, base: int) -> tuple[list, list]:
    results = await asyncio.gather(*(file_case(platform, f"{prefix}-{i}", base + i)
                                     for i in range(n)))
    cases = [c for c, _, _ in results if c]
    failures = [last[:40] for c, _, last in results if not c]
    return cases, failures


async def kill9_mid_delivery(env: Env, cfg, http, n_cases: int = 6) -> None:
    name = "kill9_mid_delivery"
    env.hook.posts.delay = 2.0  # a slow WeCom: each post takes 2 s
    server = await env.start_server()
    platform = platform_for(http, server, cfg)
    cases, failures = await file_many(platform, "o-fault-kdeliv", n_cases, 2000)
    await settle(lambda: len(env.hook.posts.requests) >= 2 and env.hook.inflight > 0, 30, 0.05)
    inflight = env.hook.inflight
    posted_before = len(env.hook.posts.requests)
    expected_at_kill = await webhook_expectations(env)
    kill9(server)
    killed_at = time.monotonic()
    await asyncio.sleep(2.5)  # the in-flight posts finish on WeCom's side (or not)
    posted_at_kill = len(env.hook.posts.requests)
    env.hook.posts.delay = 0.0
    server = await env.start_server()
    expected = await webhook_expectations(env)

    async def all_done() -> bool:
        rows = await webhook_expectations(env)
        return rows and all(r[3] == "sent" for r in rows)

    end = time.monotonic() + 100  # claims of the killed process expire after 60 s
    while time.monotonic() < end:
        if await all_done():
            break
        await asyncio.sleep(1.0)
    took = time.monotonic() - killed_at
    await asyncio.sleep(0.5)
    expected = await webhook_expectations(env)
    missing, dups, out_of_order = delivery_check(env, expected)
    graceful_stop(server)
    case_missing = [c for c in cases if not any(c == pc for _, pc, _ in posted(env))]
    problems = []
    if failures or len(cases) != n_cases:
        problems.append(f"filings failed: {failures[:2]}")
    if posted_before == len(expected_at_kill):
        problems.append("everything was delivered before the kill (nothing pending)")
    if missing or case_missing:
        problems.append(f"undelivered {missing[:4]} cases without a post {case_missing}")
    if dups > inflight:
        problems.append(f"{dups} duplicates > {inflight} in flight at the kill")
    if out_of_order:
        problems.append(f"out of order for {len(out_of_order)} keys")
    detail = (f"{len(cases)} cases, {len(expected)} cards; at kill -9: {posted_before} posted, "
              f"{inflight} in flight (WeCom recorded {posted_at_kill - posted_before} of them "
              f"after the kill), {len(expected_at_kill) - posted_before} pending; all delivered "
              f"{took:.0f} s after the kill (15 s claim of the dead process), duplicates "
              f"{dups} (≤ {inflight} in flight), order per key kept")
    verdict(name, problems, detail)


async def webhook_outage(env: Env, cfg, http, n_cases: int = 6, down_for: float = 8.0) -> None:
    name = "webhook_outage"
    env.hook.down = True
    server = await env.start_server()
    platform = platform_for(http, server, cfg)
    t0 = time.monotonic()
    cases, failures = await file_many(platform, "o-fault-outage", n_cases, 3000)
    await asyncio.sleep(max(0.0, down_for - (time.monotonic() - t0)))
    refused = env.hook.arrived
    env.hook.down = False
    up_at = time.monotonic()

    async def all_sent() -> bool:
        rows = await webhook_expectations(env)
        return bool(rows) and all(r[3] == "sent" for r in rows)

    while time.monotonic() - up_at < 90 and not await all_sent():
        await asyncio.sleep(0.5)
    took = time.monotonic() - up_at
    expected = await webhook_expectations(env)
    missing, dups, out_of_order = delivery_check(env, expected)
    graceful_stop(server)
    problems = []
    if failures or len(cases) != n_cases:
        problems.append(f"filings failed: {failures[:2]}")
    if missing:
        problems.append(f"undelivered: {missing[:4]}")
    if out_of_order:
        problems.append(f"out of order for keys {[k[-14:] for k in out_of_order]}")
    if dups:
        problems.append(f"{dups} duplicate posts")
    keys = len({k for _, k, _, _ in expected})
    detail = (f"{len(cases)} cases, {len(expected)} cards to {keys} keys; webhook down "
              f"{down_for:.0f} s ({refused} refused attempts), all delivered {took:.1f} s "
              f"after it came back, in row order per key, {dups} duplicates")
    verdict(name, problems, detail)


# --- 6. db_locked -----------------------------------------------------------------------

async def db_locked(env: Env, cfg, http, hold: float = 3.0, name: str = "db_locked") -> None:
    if not is_sqlite(env.database_url):
        report("SKIP", name, "needs SQLite (BEGIN EXCLUSIVE on the database file)")
        return
    server = await env.start_server()
    platform = platform_for(http, server, cfg)
    path = env.database_url.split("///", 1)[1]
    openid = f"o-fault-{name}"
    await platform.say(openid, "你好")  # the payer exists; the token is fetched
    before = await handled_messages(http, server)
    health: list[tuple[float, int | str]] = []
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    locked_at = time.monotonic()

    async def probe_health() -> None:
        while time.monotonic() - locked_at < hold + 0.5:
            t = time.monotonic()
            try:
                async with http.get(f"http://127.0.0.1:{server.port}/healthz",
                                    timeout=aiohttp.ClientTimeout(total=5)) as resp:
                    health.append((round(t - locked_at, 1), resp.status))
            except Exception as exc:  # noqa: BLE001
                health.append((round(t - locked_at, 1), exc.__class__.__name__))
            await asyncio.sleep(0.5)

    async def platform_sends() -> list[tuple[int | str, str | None, float]]:
        """As WeChat: the same message, resent after 5 s without an answer, 3 tries."""
        xml = text_xml(openid, "查询进度")
        tries = []
        for _ in range(3):
            t = time.monotonic()
            try:
                delivery = await asyncio.wait_for(platform.post(xml), PLATFORM_TIMEOUT)
                tries.append((delivery.status, delivery.reply, time.monotonic() - t))
                if delivery.status == 200:
                    break
            except asyncio.TimeoutError:
                tries.append(("timeout", None, time.monotonic() - t))
        return tries

    async def release() -> None:
        await asyncio.sleep(hold)
        conn.execute("COMMIT")
        conn.close()

    sent_at = time.monotonic()
    tries, _, _ = await asyncio.gather(platform_sends(), probe_health(), release())
    if not tries[-1][1]:  # no passive reply: the answer must come as a CS message
        await settle(
            lambda: any(a >= sent_at for a in env.fake_api.arrivals.get(openid, ())), 10)
    handled = await handled_messages(http, server) - before
    late = [t for t in env.fake_api.texts_to(openid)]
    health_after = None
    async with http.get(f"http://127.0.0.1:{server.port}/healthz") as resp:
        health_after = resp.status
    graceful_stop(server)
    log_text = server.log_path.read_text(encoding="utf-8", errors="replace")
    errors_logged = [line for line in log_text.splitlines()
                     if "Traceback" in line or "ERROR" in line or '"level":"error"' in line]
    statuses = [t[0] for t in tries]
    final = tries[-1]
    answered = bool(final[1]) or bool(late)
    problems = []
    if any(s not in (200, "timeout") for s in statuses):
        problems.append(f"HTTP {statuses}")
    if not answered:
        problems.append("never answered")
    if final[1] and SORRY_MARK in final[1]:
        problems.append("answered with the apology text")
    if handled != 1:
        problems.append(f"handler ran {handled:.0f} times")
    health_codes = Counter(str(h[1]) for h in health)
    detail = (f"lock held {hold:.0f} s; platform tries {[(s, round(d, 1)) for s, _, d in tries]}"
              f" ({'passive reply' if final[1] else 'success + CS message' if late else '—'}),"
              f" handler ran {handled:.0f}x; /healthz while locked {dict(health_codes)}, after "
              f"{health_after}; {len(errors_logged)} error lines in the server log")
    verdict(name, problems, detail)


# --- 7/8/9. several workers, database restart ----------------------------------------------

PG_CLUSTER = ("15", "main")  # pg_ctlcluster VERSION NAME restart


def children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``: the workers of ``serve``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            state, ppid = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        if int(ppid) == pid and state != "Z":
            found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def listens_on(pid: int, port: int) -> bool:
    """``pid`` holds a listening socket on ``port`` (SO_REUSEPORT: one per worker)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(f"socket:[{fields[9]}]")
    try:
        return any(os.readlink(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def serving(server: Server, workers: int) -> set[int]:
    """The workers, once ``workers`` of them listen (else an empty set)."""
    now = children(server.pid)
    ok = len(now) == workers and all(listens_on(p, server.port) for p in now)
    return now if ok else set()


@dataclass
class Message:
    """One payer message as the platform delivers it: resent (same MsgId) when a try fails
    or gets no answer within 5 s, 3 tries in all."""

    openid: str
    text: str
    at: float = 0.0
    tries: list = field(default_factory=list)  # (HTTP status or error name, seconds)
    reply: str | None = None
    done_at: float = 0.0

    @property
    def delivered(self) -> bool:
        return any(status == 200 for status, _ in self.tries)


async def wechat_post(platform: Platform, msg: Message) -> Message:
    xml = text_xml(msg.openid, msg.text)
    msg.at = time.monotonic()
    for _ in range(3):
        t = time.monotonic()
        try:
            delivery = await asyncio.wait_for(platform.post(xml), PLATFORM_TIMEOUT)
            msg.tries.append((delivery.status, round(time.monotonic() - t, 2)))
            if delivery.status == 200:
                msg.reply = delivery.reply
                break
        except asyncio.TimeoutError:
            msg.tries.append(("timeout", PLATFORM_TIMEOUT))
        except (aiohttp.ClientError, OSError) as exc:
            msg.tries.append((exc.__class__.__name__, round(time.monotonic() - t, 2)))
        await asyncio.sleep(max(0.0, t + PLATFORM_TIMEOUT - time.monotonic()))
    msg.done_at = time.monotonic()
    return msg


@dataclass
class Load:
    """Payers writing for ``seconds`` (greetings, policy questions, progress; the first
    ``filers`` file a case first), each waiting for the answer before the next message."""

    env: Env
    platform: Platform
    prefix: str
    seconds: float
    payers: int = 120
    concurrency: int = 16
    filers: int = 4
    pause: float = 0.02
    log: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    stopped: bool = False  # lanes finish the message they are on, then stop

    async def say(self, openid: str, text: str) -> str | None:
        msg = Message(openid, text)
        self.log.append(msg)
        await wechat_post(self.platform, msg)
        return msg.reply

    async def run(self) -> None:
        questions = [row["question"] for row in read_jsonl(DATA / "kb_heldout.jsonl")]
        rng = random.Random(11)
        end = time.monotonic() + self.seconds
        turn = iter(range(10**9))

        async def lane(slot: int) -> None:
            if slot < self.filers:
                openid = f"{self.prefix}-filer-{slot}"
                case_no, _, last = await file_case(self.platform, openid, 4000 + slot,
                                                   say=lambda text: self.say(openid, text))
                (self.cases if case_no else self.failures).append(case_no or last[:40])
            while time.monotonic() < end and not self.stopped:
                openid = f"{self.prefix}-{next(turn) % self.payers:04d}"
                text = rng.choice([rng.choice(GREETINGS), rng.choice(questions),
                                   rng.choice(PROGRESS)])
                await self.say(openid, text)
                await asyncio.sleep(self.pause)

        await asyncio.gather(*(lane(i) for i in range(self.concurrency)))

    def late_ok(self, msg: Message) -> bool:
        return any(a >= msg.at for a in self.env.fake_api.arrivals.get(msg.openid, ()))

    async def outcome(self) -> tuple[list[str], str]:
        """(problems, detail) once late answers had time to arrive."""
        waiting = [m for m in self.log if m.delivered and not m.reply]
        await settle(lambda: all(self.late_ok(m) for m in waiting), 15)
        await asyncio.sleep(1.0)
        statuses = Counter(str(s) for m in self.log for s, _ in m.tries)
        given_up = [m for m in self.log if not m.delivered]
        silent = [m for m in waiting if not self.late_ok(m)]
        sorry = sum(1 for m in self.log if m.reply and SORRY_MARK in m.reply)
        resent = sum(1 for m in self.log if len(m.tries) > 1)
        rows = await db_rows(self.env.database_url,
                             select(ProcessedMessage.state, func.count())
                             .where(ProcessedMessage.key.like(f"%{self.prefix}-%"))
                             .group_by(ProcessedMessage.state))
        states = dict(rows)
        dup_cs = 0
        for openid in {m.openid for m in self.log}:
            texts = Counter(t for t in self.env.fake_api.texts_to(openid)
                            if not CASE_NO.search(t))
            excess = sum(n - 1 for n in texts.values() if n > 1)
            asked = Counter(m.text for m in waiting if m.openid == openid)
            dup_cs += max(0, excess - sum(n - 1 for n in asked.values() if n > 1))
        cards = [r for r in await webhook_expectations(self.env) if r[2] in self.cases]
        twice = [k for k, n in Counter((r[1], r[2]) for r in cards).items() if n > 1]
        problems = []
        if given_up:
            problems.append(f"{len(given_up)} messages never got a 200 in 3 tries "
                            f"(lost): {[m.tries for m in given_up[:3]]}")
        if silent:
            problems.append(f"{len(silent)} messages got 200 'success' and never an answer "
                            f"(lost): tries {[m.tries for m in silent[:3]]}")
        bad = {s: n for s, n in statuses.items() if s.isdigit() and s not in ("200", "503")}
        if bad:
            problems.append(f"HTTP {bad}")
        if sorry:
            problems.append(f"{sorry} apology replies (handler failed)")
        if self.failures or len(self.cases) != self.filers:
            problems.append(f"filings failed: {self.failures[:2]}")
        if twice:
            problems.append(f"cases registered or carded twice: {twice[:2]}")
        if dup_cs:
            problems.append(f"{dup_cs} duplicate customer-service texts")
        detail = (f"{len(self.log)} msgs, tries {dict(statuses)}, {resent} resent, "
                  f"{len(waiting)} answered late by CS, lost {len(given_up) + len(silent)}, "
                  f"dedup rows {states} ('processing' = a claim nobody finishes: a dead "
                  f"worker's or an outcome write that failed), {len(self.cases)}/"
                  f"{self.filers} filings, "
                  f"duplicate CS texts {dup_cs}")
        return problems, detail


async def kill9_one_worker(env: Env, cfg, http, seconds: float = 12.0,
                           rounds: int = 3) -> None:
    """``rounds`` kills, each when most payers wait for an answer (so the victim is likely
    to hold messages it claimed and not yet answered), after the last replacement listens."""
    name = "kill9_one_worker"
    server = await env.start_server(workers=2)
    if not await settle(lambda: serving(server, 2), 30):
        raise RuntimeError(f"two workers never listened; see {server.log_path}")
    load = Load(env, platform_for(http, server, cfg), "o-fault-kworker", seconds)
    kills: list[dict] = []

    def busy() -> bool:
        return sum(1 for m in load.log[-64:] if not m.tries) >= load.concurrency // 4

    async def kill_one() -> None:
        await settle(lambda: len(load.log) >= 300, seconds)
        for _ in range(rounds):
            before = serving(server, 2)
            if not before or not await settle(busy, 5, 0.002):
                break
            victim = min(before)
            os.kill(victim, signal.SIGKILL)
            kill = {"victim": victim, "at_msgs": len(load.log), "at": time.monotonic()}
            kills.append(kill)
            if not await settle(lambda v=victim: (now := serving(server, 2)) and v not in now,
                                30, 0.05):
                break
            kill["replaced"] = time.monotonic() - kill["at"]
            await asyncio.sleep(1.0)

    await asyncio.gather(load.run(), kill_one())
    problems, detail = await load.outcome()
    now = serving(server, 2)
    graceful_stop(server)
    logged = [line for line in server.log_path.read_text(errors="replace").splitlines()
              if "worker died" in line]
    if len(kills) != rounds or any("replaced" not in k for k in kills):
        problems.append(f"{len(kills)} kills, replaced: {[k.get('replaced') for k in kills]} "
                        f"(workers now {sorted(now)})")
    unlogged = [k["victim"] for k in kills if not any(
        f'"worker":{k["victim"]}' in line and "SIGKILL" in line for line in logged)]
    if unlogged:
        problems.append(f"deaths not logged: {unlogged}")
    replaced = ", ".join(f"{k.get('replaced', float('nan')):.1f}" for k in kills)
    detail = (f"--workers 2, {len(kills)} × kill -9 of a worker with payers waiting "
              f"(after {[k['at_msgs'] for k in kills]} msgs); replacement listening "
              f"{replaced} s later; " + detail
              + f"; log: {logged[-1][logged[-1].find('event') - 1:][:110] if logged else '-'}")
    verdict(name, problems, detail)


async def kill9_parent(env: Env, cfg, http) -> None:
    name = "kill9_parent"
    server = await env.start_server(workers=2)
    if not await settle(lambda: serving(server, 2), 30):
        raise RuntimeError(f"two workers never listened; see {server.log_path}")
    workers = serving(server, 2)
    load = Load(env, platform_for(http, server, cfg), "o-fault-kparent", 60.0, filers=0,
                concurrency=8, pause=0.05)
    running = asyncio.create_task(load.run())
    await settle(lambda: len(load.log) >= 100, 10)
    in_flight = [m for m in load.log if not m.done_at]
    os.kill(server.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    await asyncio.to_thread(server.proc.wait, 10)
    gone = await settle(lambda: not any(alive(p) for p in workers), 10, 0.05)
    took = time.monotonic() - killed_at
    left = [p for p in workers if alive(p)]
    graceful_stop(server)  # reaps the group; the measurement is done
    restarted = await env.start_server(workers=2, port=server.port)
    restart_took = time.monotonic() - killed_at
    load.platform = platform_for(http, restarted, cfg)
    load.stopped = True
    await running
    reply = await platform_for(http, restarted, cfg).say("o-fault-kparent-after", "查询进度")
    problems, detail = await load.outcome()
    # The platform gives up after 3 tries in 10 s: no bot can answer while none listens.
    unheard = sum(1 for m in load.log if not m.delivered)
    problems = [p for p in problems if "never got a 200" not in p]
    graceful_stop(restarted)
    if not gone:
        problems.insert(0, f"workers {left} still running {took:.1f} s after the kill")
    if not reply or SORRY_MARK in reply:
        problems.append(f"restart on port {server.port} answered {reply!r}")
    drained = sum(1 for m in in_flight if m.tries and m.tries[0][0] == 200)
    refused = [m for m in load.log if m.delivered and len(m.tries) > 1]
    detail = (f"--workers 2, kill -9 of the parent: both workers gone {took:.1f} s later "
              f"(PR_SET_PDEATHSIG → graceful stop); {len(in_flight)} posts in flight at the "
              f"kill, {drained} of them answered by the orphaned workers; restart on the "
              f"same port serving {restart_took:.1f} s after the kill; {len(refused)} msgs "
              f"refused meanwhile were answered on a resend, {unheard} given up by the "
              f"platform; " + detail)
    verdict(name, problems, detail)


async def pg_restart(env: Env, cfg, http, seconds: float = 14.0) -> None:
    name = "pg_restart"
    if is_sqlite(env.database_url) or not shutil.which("pg_ctlcluster"):
        report("SKIP", name, "needs --database-url on PostgreSQL and pg_ctlcluster")
        return
    server = await env.start_server(workers=2)
    if not await settle(lambda: serving(server, 2), 30):
        raise RuntimeError(f"two workers never listened; see {server.log_path}")
    load = Load(env, platform_for(http, server, cfg), "o-fault-pgrestart", seconds)
    seen: dict = {}

    async def restart() -> None:
        await settle(lambda: len(load.log) >= 300, seconds)
        seen["at"] = time.monotonic()
        done = await asyncio.to_thread(subprocess.run, ["pg_ctlcluster", *PG_CLUSTER,
                                       "restart"], capture_output=True, text=True)
        seen["restart"] = time.monotonic() - seen["at"]
        seen["rc"] = done.returncode
        while time.monotonic() - seen["at"] < 30:
            try:
                async with http.get(f"http://127.0.0.1:{server.port}/healthz") as resp:
                    if resp.status == 200:
                        seen["healthy"] = time.monotonic() - seen["at"]
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)

    await asyncio.gather(load.run(), restart())
    problems, detail = await load.outcome()
    after = [m for m in load.log if m.at > seen.get("at", 0) + seen.get("healthy", 99)]
    answered_after = sum(1 for m in after if m.reply or load.late_ok(m))
    graceful_stop(server)
    if seen.get("rc") != 0:
        problems.append(f"pg_ctlcluster restart exited {seen.get('rc')}")
    if "healthy" not in seen:
        problems.append("/healthz never 200 again")
    if not after or answered_after != len(after):
        problems.append(f"after recovery {answered_after}/{len(after)} answered")
    detail = (f"--workers 2, pg_ctlcluster {' '.join(PG_CLUSTER)} restart after 300 msgs "
              f"(took {seen.get('restart', float('nan')):.1f} s), /healthz 200 again "
              f"{seen.get('healthy', float('nan')):.1f} s after it began, {answered_after}/"
              f"{len(after)} answered after that without a bot restart; " + detail)
    verdict(name, problems, detail)


# --- main ------------------------------------------------------------------------------

SCENARIOS = {
    "load_3000": load_3000,
    "same_message_3x": same_message_3x,
    "kill9_mid_dialogue": kill9_mid_dialogue,
    "kill9_mid_delivery": kill9_mid_delivery,
    "webhook_outage": webhook_outage,
    "db_locked": db_locked,
    # Held beyond the platform's 5 s wait: WeChat resends the same message while it is locked.
    "db_locked_7s": lambda env, cfg, http: db_locked(env, cfg, http, 7.0, "db_locked_7s"),
    "kill9_one_worker": kill9_one_worker,
    "kill9_parent": kill9_parent,
    "pg_restart": pg_restart,
}


async def main_async(args) -> int:
    cfg = load_config(env={})
    workdir = Path(tempfile.mkdtemp(prefix="disputebot-faults-"))
    names = [n.strip() for n in (args.only or ",".join(SCENARIOS)).split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s) {unknown}; choose from {list(SCENARIOS)}")
    if args.database_url and not is_sqlite(args.database_url):
        await empty_database(args.database_url)
        env = {**os.environ, "DATABASE_URL": args.database_url}
        await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot.cli", "db",
                                "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.monotonic()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=30)) as http:
        for name in names:
            env = await make_env(name, workdir, args.database_url)
            t0 = time.monotonic()
            try:
                await SCENARIOS[name](env, cfg, http)
            except Exception as exc:  # noqa: BLE001 - one scenario's crash is its FAIL
                report("FAIL", name, f"scenario crashed: {exc!r}"[:400])
            finally:
                stop_all()
                await env.close()
            print(f"  ({name}: {time.monotonic() - t0:.1f} s)", file=sys.stderr)
    print(f"  (total {time.monotonic() - started:.1f} s; logs in {workdir}"
          f"{'' if args.keep else ', removed'})", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if any(status == "FAIL" for status, _, _ in RESULTS) else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", help="database for every scenario (default: a fresh "
                    "SQLite file per scenario in a temporary folder)")
    ap.add_argument("--only", help="comma list of scenarios to run")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (server logs)")
    args = ap.parse_args()
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # runs finally/atexit: stop servers
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
