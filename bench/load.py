"""Closed-loop load test of the real callback server, with two reference points.

    pip install -e '.[bench]'
    python bench/load.py --payers 32 --seconds 20

Each target runs in its own process on 127.0.0.1 and gets the same load: ``--payers``
simulated payers, each sending its next message as soon as the previous one is answered
(closed loop), signed and AES-encrypted exactly as the WeChat platform does
(:class:`bot.simulator.Platform`). Targets:

* ``ours`` — ``disputebot serve`` (one process, as documented), with a fresh SQLite database
  (or ``--database-url``), the fake WeChat API and group-robot webhook of
  ``bot/simulator.py`` served by this script. Payers hold real conversations: greetings,
  policy questions, dispute filings (answering whatever the bot asks until a case number
  comes back) and progress checks.
* ``bare`` — an aiohttp handler answering ``success`` without reading the body
  (``bench/peers/bare_aiohttp.py``): the ceiling of one Python process here.
* ``werobot`` — a WeRoBot echo bot in safe mode under gunicorn with 2 workers
  (``bench/peers/werobot_echo.py``): protocol work only, no dialogue or database.

Reported per target: messages per second, latency p50/p95/p99, errors (non-200, timeouts,
undecryptable replies), unanswered (no passive reply and no customer-service message after
it), late (answered through the customer-service API), server RSS and CPU per message; then
NLU parse and knowledge-base lookup time per message, measured in this process.

``--profile FILE`` runs ``ours`` under py-spy (spawn mode) and writes collapsed stacks to
FILE plus a summary of the hottest functions. Traffic never leaves 127.0.0.1, every loop is
bounded by ``--seconds``, and every process started here is stopped before exit.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config
from bot.simulator import FakeWebhook, FakeWeChatAPI, Platform, text_xml

CASE_NO = re.compile(r"[A-Z]{2,4}\d{8}-\d{4}")
DATA = ROOT / "tests" / "data"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# What a payer answers to each question of the intake form (cue in the bot's question).
FORM_ANSWERS = {
    "“确认”提交": "确认",  # the summary's reminder (it also mentions 单位: checked first)
    "同一件事": "1",  # a second filing about the same employer: add it to the open case
    "希望怎么处理": "要求单位补缴",
    "时间段或金额": "跳过",
    "问题类型": "1",
    "哪个区": "新塘镇",
    "哪个镇": "新塘镇",  # the place question again, with the list of places
    "几个人": "1",  # before 单位: the headcount hint mentions 单位的事
    "单位": None,  # per payer: its employer
    "称呼": "李四",
    "电话": None,  # per payer: its phone
    "问题": "公司一直没给我交社保",
}
GREETINGS = ["你好", "您好", "在吗", "hello", "早上好"]
FILINGS = [
    "我叫{name}电话{phone}，新塘镇{employer}欠了我半年社保，要求补缴",
    "{employer}一直没给我交社保，我在新塘镇上班，电话{phone}",
    "单位{employer}按最低基数给我交社保，实际工资八千多，想反映一下",
]
PROGRESS = ["进度", "查询进度", "我的案件办到哪了"]
# Endings payers add, so that repeated messages are rarely identical (the NLU keeps the
# last few analyses; a fixed pool of texts would measure that cache, not the parser).
ENDINGS = ["", "。", "？", "，谢谢", "啊", "～", "，麻烦了", "!", "。。", " 请问一下"]
# Share of conversations started by each kind (a filing is several messages).
SESSION_WEIGHTS = {"greeting": 25, "policy": 40, "filing": 15, "progress": 20}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


# --- processes ------------------------------------------------------------------------

def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's workers), from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children[ppid].append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def memory_mb(pids: list[int]) -> tuple[float, float, float]:
    """(current RSS, peak RSS, PSS) summed over ``pids``, in MiB. RSS counts pages that
    forked workers share once per process; PSS splits them, so it is the memory really used."""
    rss = hwm = pss = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm += int(line.split()[1])
        pss += sum(int(line.split()[1]) for line in rollup.splitlines()
                   if line.startswith("Pss:"))
    return rss / 1024, hwm / 1024, pss / 1024


@dataclass
class Server:
    name: str
    argv: list[str]
    port: int
    env: dict
    log_path: Path
    proc: subprocess.Popen | None = None
    pid: int | None = None  # the server itself (py-spy's child when profiling)

    def start(self) -> None:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.proc.pid

    async def ready(self, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}); see "
                                   f"{self.log_path}:\n{self.log_path.read_text()[-2000:]}")
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                await writer.wait_closed()
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"{self.name} did not listen on {self.port} in {timeout}s")
        if self.argv[0].endswith("py-spy"):  # the server is py-spy's child
            kids = [p for p in process_tree(self.proc.pid) if p != self.proc.pid]
            self.pid = kids[0] if kids else self.proc.pid

    def pids(self) -> list[int]:
        return process_tree(self.pid)

    def stop(self) -> None:
        """SIGTERM the server (py-spy then writes its file), then anything left in its
        process group (forked workers), SIGKILL after 20 s."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)  # the group: start_new_session=True
            except ProcessLookupError:
                break
            time.sleep(0.5 if sig == signal.SIGTERM else 0)
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        self._log.close()


# --- fakes of the platform's servers (this process) ------------------------------------

class TimedWeChatAPI(FakeWeChatAPI):
    """The fake API, also noting when each customer-service message arrived."""

    def __init__(self):
        super().__init__()
        self.arrivals: dict[str, list[float]] = defaultdict(list)

    async def _custom(self, request):
        response = await super()._custom(request)
        try:
            body = json.loads(await request.read())
            self.arrivals[body.get("touser", "")].append(time.monotonic())
        except ValueError:
            pass
        return response


async def serve_fake(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


# --- load -----------------------------------------------------------------------------

@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    no_reply: list[tuple[str, float]] = field(default_factory=list)
    cases: int = 0
    filings_abandoned: int = 0
    unknown_questions: Counter = field(default_factory=Counter)
    abandoned_at: Counter = field(default_factory=Counter)  # the bot's last words, to debug
    sent: int = 0


class Payer:
    def __init__(self, index: int, run_id: str, platform: Platform, stats: Stats,
                 rng: random.Random, questions: list[str], measure_from: float,
                 conversational: bool):
        self.openid = f"o-bench-{run_id}-{index:04d}"
        self.platform, self.stats, self.rng = platform, stats, rng
        self.questions, self.measure_from = questions, measure_from
        self.conversational = conversational
        self.employer = f"宏达{index}号电子厂"
        self.phone = f"139{rng.randrange(10**8):08d}"

    async def say(self, text: str, kind: str) -> str | None:
        started = time.monotonic()
        measured = started >= self.measure_from
        try:
            delivery = await self.platform.post(text_xml(self.openid, text))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            if measured:
                self.stats.errors[exc.__class__.__name__] += 1
            return None
        except Exception as exc:  # noqa: BLE001 - an undecryptable reply is an error
            if measured:
                self.stats.errors[f"reply:{exc.__class__.__name__}"] += 1
            return None
        elapsed = time.monotonic() - started
        if measured:
            self.stats.sent += 1
            if delivery.status != 200:
                self.stats.errors[f"http {delivery.status}"] += 1
                return None
            self.stats.latencies.append(elapsed)
            self.stats.by_kind[kind].append(elapsed)
            if not delivery.reply:
                self.stats.no_reply.append((self.openid, started))
        return delivery.reply

    async def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            await self.conversation(deadline)

    async def conversation(self, deadline: float) -> None:
        """One conversation of a kind drawn by :data:`SESSION_WEIGHTS`."""
        kind = self.rng.choices(*zip(*SESSION_WEIGHTS.items()))[0]
        if kind == "greeting":
            await self.say(self.varied(GREETINGS), kind)
        elif kind == "policy":
            await self.say(self.varied(self.questions), kind)
        elif kind == "progress":
            await self.say(self.varied(PROGRESS), kind)
        else:
            await self.file(deadline)

    def varied(self, texts: list[str]) -> str:
        return self.rng.choice(texts) + self.rng.choice(ENDINGS)

    async def file(self, deadline: float) -> None:
        first = self.varied(FILINGS).format(name="张三", phone=self.phone,
                                            employer=self.employer)
        reply = await self.say(first, "filing")
        if not self.conversational:
            return
        for _ in range(14):
            if reply is None or time.monotonic() >= deadline:
                return
            if CASE_NO.search(reply) and "进度" in reply:
                if time.monotonic() >= self.measure_from:
                    self.stats.cases += 1
                return
            if "请核对" in reply:
                reply = await self.say("确认", "filing")
                continue
            cue = next((c for c in FORM_ANSWERS if c in reply), None)
            if cue is None:  # a question this script does not know: give up the draft
                self.stats.unknown_questions[reply[:60]] += 1
                break
            answer = FORM_ANSWERS[cue] or (self.employer if cue == "单位" else self.phone)
            reply = await self.say(answer, "filing")
        self.stats.filings_abandoned += 1
        self.stats.abandoned_at[(reply or "")[:80]] += 1
        await self.say("取消", "filing")
        await self.say("是", "filing")


async def unanswered(stats: Stats, fake_api: TimedWeChatAPI | None, grace: float) -> tuple[int, int]:
    """(late, unanswered): passive-empty requests answered later through the API, or not."""
    if fake_api is None:
        return 0, len(stats.no_reply)
    end = time.monotonic() + grace
    while True:
        late = sum(1 for openid, t in stats.no_reply
                   if any(a >= t for a in fake_api.arrivals.get(openid, ())))
        if late == len(stats.no_reply) or time.monotonic() >= end:
            return late, len(stats.no_reply) - late
        await asyncio.sleep(0.25)


async def drive(server: Server, cfg, payers: int, seconds: float, warmup: float,
                conversational: bool, seed: int, fake_api: TimedWeChatAPI | None) -> dict:
    questions = [row["question"] for row in read_jsonl(DATA / "kb_heldout.jsonl")]
    stats = Stats()
    run_id = secrets.token_hex(3)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        platform = Platform(http, f"http://127.0.0.1:{server.port}/wechat", cfg.token,
                            cfg.aes_key, cfg.appid)
        start = time.monotonic()
        measure_from = start + warmup
        deadline = measure_from + seconds
        crowd = [Payer(i, run_id, platform, stats, random.Random(seed * 1000 + i), questions,
                       measure_from, conversational) for i in range(payers)]
        tasks = [asyncio.create_task(p.run(deadline)) for p in crowd]
        await asyncio.sleep(warmup)
        cpu_at = cpu_seconds(server.pids())
        client_at = time.process_time()
        wall_at = time.monotonic()
        await asyncio.gather(*tasks)
        wall = time.monotonic() - wall_at
        cpu = cpu_seconds(server.pids()) - cpu_at
        client_cpu = time.process_time() - client_at
        mem = memory_mb(server.pids())
    late, lost = await unanswered(stats, fake_api, grace=8.0)
    lat = sorted(stats.latencies)
    n = len(lat)
    return {
        "target": server.name, "payers": payers, "seconds": round(wall, 2), "messages": n,
        "throughput": n / wall if wall else 0.0,
        "p50_ms": percentile(lat, 50) * 1000, "p95_ms": percentile(lat, 95) * 1000,
        "p99_ms": percentile(lat, 99) * 1000, "max_ms": (lat[-1] * 1000) if lat else None,
        "errors": sum(stats.errors.values()), "error_kinds": dict(stats.errors),
        "late": late, "unanswered": lost,
        "rss_mb": round(mem[0], 1), "peak_rss_mb": round(mem[1], 1),
        "pss_mb": round(mem[2], 1),
        "cpu_ms_per_msg": (cpu * 1000 / n) if n else None,
        "cpu_util": cpu / wall if wall else None,
        "client_cpu_util": client_cpu / wall if wall else None,
        "filings_completed": stats.cases, "filings_abandoned": stats.filings_abandoned,
        "unknown_questions": dict(stats.unknown_questions.most_common(5)),
        "abandoned_at": dict(stats.abandoned_at.most_common(5)),
        "by_kind": {k: {"n": len(v), "p50_ms": percentile(sorted(v), 50) * 1000,
                        "p95_ms": percentile(sorted(v), 95) * 1000}
                    for k, v in sorted(stats.by_kind.items())},
    }


async def mean_batch(port: int) -> float | None:
    """Mean group-commit batch size, from ``disputebot_db_batch_items`` in /metrics."""
    async with aiohttp.ClientSession() as http, \
            http.get(f"http://127.0.0.1:{port}/metrics") as response:
        body = await response.text()
    found = dict(re.findall(r"^disputebot_db_batch_items_(sum|count) (\S+)$", body,
                            re.MULTILINE))
    count = float(found.get("count", 0))
    return round(float(found["sum"]) / count, 1) if count else None


# --- targets --------------------------------------------------------------------------

async def empty_database(url: str) -> None:
    """Drop our tables, as the SQLite default starts from a new file: rows an earlier run
    left (a backlog of cards its fake group robots never took) would be measured too."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.store.models import Base

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await engine.dispose()


def our_server(workdir: Path, database_url: str | None, api_base: str, webhook_base: str,
               profile: Path | None, profile_gil: bool = True, workers: int = 1) -> Server:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    cfg_path = workdir / "config.yaml"
    cfg_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    url = database_url or f"sqlite+aiosqlite:///{workdir}/bench.db"
    env = {**os.environ, "DISPUTEBOT_CONFIG": str(cfg_path), "DATABASE_URL": url,
           "WECHAT_API_BASE": api_base, "WECOM_WEBHOOK_BASE": webhook_base,
           "PYTHONUNBUFFERED": "1"}
    if not url.startswith("sqlite"):
        subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    port = free_port()
    argv = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port),
            "--workers", str(workers)]
    if profile is not None:
        argv = ["py-spy", "record", "--rate", "100", "--format", "raw", "-o", str(profile),
                *(["--gil"] if profile_gil else []), "--", *argv]
    return Server("ours", argv, port, env, workdir / "ours.log")


def bare_server(workdir: Path) -> Server:
    port = free_port()
    return Server("bare", [sys.executable, str(ROOT / "bench/peers/bare_aiohttp.py"),
                           "--port", str(port)], port, dict(os.environ), workdir / "bare.log")


def werobot_server(workdir: Path, cfg) -> Server:
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [str(gunicorn) if gunicorn.exists() else "gunicorn", "-w", "2",
            "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench" / "peers"),
            "--log-level", "warning", "werobot_echo:app"]
    env = {**os.environ, "WECHAT_TOKEN": cfg.token, "WECHAT_AES_KEY": cfg.aes_key,
           "WECHAT_APPID": cfg.appid}
    return Server("werobot", argv, port, env, workdir / "werobot.log")


# --- NLU and KB per message -----------------------------------------------------------

def component_timings(cfg, repeat: int = 3) -> dict:
    from bot.nlu import load_parser
    from knowledge import load_kb

    def timed(fn, items):
        for item in items:
            fn(item)
        samples = []
        for _ in range(repeat):
            for item in items:
                t0 = time.perf_counter()
                fn(item)
                samples.append(time.perf_counter() - t0)
        samples.sort()
        return {"calls": len(samples), "median_ms": statistics.median(samples) * 1000,
                "p95_ms": percentile(samples, 95) * 1000}

    t0 = time.perf_counter()
    parser = load_parser(districts=cfg.district_names)
    nlu_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb = load_kb(cfg)
    kb_load = time.perf_counter() - t0
    texts = [row["text"] for row in read_jsonl(DATA / "nlu_test.jsonl")]
    questions = [row["question"] for row in read_jsonl(DATA / "kb_heldout.jsonl")]
    return {"nlu_parse": {**timed(parser.parse, texts), "load_s": nlu_load},
            "kb_ask": {**timed(kb.ask, questions), "load_s": kb_load}}


# --- database statements per message (in-process) --------------------------------------

def serve_logging() -> None:
    """Logging as ``disputebot serve`` sets it up (INFO, JSON, the privacy filter), written to
    ``os.devnull``: ``--count-statements`` counts the line each message logs."""
    from bot.logging_setup import setup_logging

    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
    setup_logging(level="INFO", fmt="json", stream=sink)


async def count_statements(cfg, database_url: str | None, repeat: int = 5,
                           cprofile: str | None = None, mix: int = 0,
                           replies: str | None = None) -> dict:
    """Statements and transactions the real app runs per message, by conversation step.

    Runs ``build_app`` in this process (fakes for the platform's servers) with SQLAlchemy
    event hooks on its engine; each payer has one conversation of each kind, or ``mix``
    conversations drawn as a timed run draws them. ``replies`` writes each message and its
    reply (JSON lines), to compare two codes' replies on the same workload. Logging is set
    up as ``disputebot serve`` sets it up (INFO, JSON, the privacy filter), written to
    ``os.devnull``: the line each message logs is part of its cost. CPU per message is this
    process's CPU time (all its threads, the load generator's client included: the same for
    any server code) from a message's send to its reply, background work that lands in that
    window too; ``cprofile`` inflates it.
    """
    import dataclasses

    from sqlalchemy import event

    from bot.app import build_app

    serve_logging()
    workdir = Path(tempfile.mkdtemp(prefix="disputebot-stmts-"))
    url = database_url or f"sqlite+aiosqlite:///{workdir}/stmts.db"
    fake_api, fake_hook = TimedWeChatAPI(), FakeWebhook()
    api_runner, api_base = await serve_fake(fake_api.app())
    hook_runner, hook_base = await serve_fake(fake_hook.app())
    from bot.store.migrate import upgrade

    await asyncio.to_thread(upgrade, url)
    config = dataclasses.replace(cfg, database_url=url, api_base=api_base,
                                 webhook_base=hook_base)
    app = build_app(config)
    counts = Counter()

    sessions_engine, batch_engine = app["engine"].sync_engine, app["services"].batch.sync_engine

    def on_execute(conn, *_args, **_kw):
        counts["statements"] += 1
        if conn.engine is sessions_engine and batch_engine is not sessions_engine:
            counts["session_statements"] += 1

    def on_commit(*_args, **_kw):
        counts["commits"] += 1

    # The group commit may run on an engine of its own (SQLite): count both.
    for engine in {sessions_engine, batch_engine}:
        event.listen(engine, "before_cursor_execute", on_execute)
        event.listen(engine, "commit", on_commit)
    # Hand-offs to aiosqlite's thread (SQLite sessions: statements, commits, rollbacks; the
    # outbox's passes that land in a message's window too): each is a queue put, a thread
    # wake-up and an event-loop wake-up, whatever the statement.
    import aiosqlite

    handed_off = aiosqlite.Connection._execute

    async def counted_handoff(connection, fn, *args, **kwargs):
        counts["handoffs"] += 1
        return await handed_off(connection, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted_handoff
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    per_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    calls: dict[str, int] = {}
    profiled_messages: Counter = Counter()
    questions = [row["question"] for row in read_jsonl(DATA / "kb_heldout.jsonl")]
    profilers: dict = {}
    said: list[dict] = []
    if cprofile:
        import cProfile
        import pstats

        profilers = defaultdict(cProfile.Profile)
    try:
        async with aiohttp.ClientSession() as http:
            platform = Platform(http, f"http://127.0.0.1:{port}/wechat", cfg.token,
                                cfg.aes_key, cfg.appid)
            stats = Stats()
            for i in range(repeat):
                payer = Payer(i, "stmts", platform, stats, random.Random(i), questions, 0.0,
                              conversational=True)
                original = payer.say

                async def say(text, kind, _orig=original, payer_no=i):
                    await asyncio.sleep(0.05)  # let background work of the last one finish
                    before = dict(counts)
                    cpu_at = time.process_time()
                    profiled = cprofile and payer_no > 0  # the first one builds lazy tables
                    if profiled:
                        profilers[kind].enable()
                        profiled_messages[kind] += 1
                    try:
                        reply = await _orig(text, kind)
                    finally:
                        if profiled:
                            profilers[kind].disable()
                    per_kind[kind].append((*(counts[k] - before.get(k, 0) for k in (
                        "statements", "commits", "session_statements", "handoffs")),
                        time.process_time() - cpu_at))
                    said.append({"payer": payer_no, "kind": kind, "text": text,
                                 "reply": reply})
                    return reply

                payer.say = say
                if mix:  # as in a timed run: the payer's cases gather supplements
                    for _ in range(mix):
                        await payer.conversation(time.monotonic() + 30)
                    continue
                await payer.say(GREETINGS[0], "greeting")
                await payer.say(questions[i], "policy")
                await payer.file(time.monotonic() + 30)
                await payer.say(PROGRESS[0], "progress")
            if profilers:
                merged = pstats.Stats(*profilers.values())
                merged.dump_stats(cprofile)
                for kind, profiler in profilers.items():
                    profiler.dump_stats(f"{cprofile}.{kind}")
                    calls[kind] = (sum(row[1] for row in profiler.stats.values())
                                   / profiled_messages[kind])
    finally:
        aiosqlite.Connection._execute = handed_off
        await runner.cleanup()
        await api_runner.cleanup()
        await hook_runner.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    if replies:
        Path(replies).write_text("".join(json.dumps(row, ensure_ascii=False) + "\n"
                                         for row in said), encoding="utf-8")
    return {kind: {"messages": len(v),
                   "statements_per_msg": sum(row[0] for row in v) / len(v),
                   "commits_per_msg": sum(row[1] for row in v) / len(v),
                   "session_statements_per_msg": sum(row[2] for row in v) / len(v),
                   "handoffs_per_msg": sum(row[3] for row in v) / len(v),
                   "cpu_ms_per_msg": 1000 * sum(row[4] for row in v) / len(v),
                   **({"calls_per_msg": calls[kind]} if kind in calls else {})}
            for kind, v in sorted(per_kind.items())}


# --- profile summary ------------------------------------------------------------------

def summarise_profile(path: Path, top: int = 30) -> str:
    """Where the server's event-loop thread spends its time, from py-spy's collapsed stacks.

    Startup (imports, model loading) is left out: only samples under ``run_app`` count.
    ``idle`` is the loop waiting in ``select`` (for the network or the database threads);
    the rest is *busy*, broken down by inclusive share of the project's and the database
    layer's functions, then the hottest leaf functions.
    """
    busy_incl: Counter = Counter()
    busy_self: Counter = Counter()
    idle = busy = threads = 0
    interesting = ("bot/", "routing/", "knowledge/", "sqlalchemy/ext/asyncio/session.py",
                   "aiosqlite/", "wechatpy/", "rank_bm25", "jieba/")
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        if not any(f.startswith("run_app ") for f in frames):
            threads += n if any("_connection_worker_thread" in f for f in frames) else 0
            continue
        if frames[-1].startswith("EpollSelector.select"):
            idle += n
            continue
        busy += n
        busy_self[frames[-1]] += n
        for frame in set(frames):
            if any(part in frame for part in interesting):
                busy_incl[frame] += n
    total = idle + busy
    if not total:
        return "no samples under run_app"
    out = [(f"event-loop thread: {total} samples, idle (select) {100 * idle / total:.1f}%, "
            f"busy {100 * busy / total:.1f}%; database worker-thread samples: {threads}"),
           "", "inclusive % of busy  function (file)"]
    out += [f"{100 * n / busy:6.1f}  {f}" for f, n in busy_incl.most_common(top)]
    out += ["", "self % of busy  function (file)"]
    out += [f"{100 * n / busy:6.1f}  {f}" for f, n in busy_self.most_common(top)]
    return "\n".join(out)


# --- main -----------------------------------------------------------------------------

def table(results: list[dict]) -> str:
    rows = [("| target | msgs/s | p50 ms | p95 ms | p99 ms | errors | unanswered | late "
             "| RSS MiB | PSS MiB | CPU ms/msg |"),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        rows.append(
            f"| {r['target']} | {r['throughput']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['errors']} "
            f"| {'n/a' if r['target'] == 'bare' else r['unanswered']} | {r['late']} "
            f"| {r['rss_mb']:.0f} | {r['pss_mb']:.0f} | {r['cpu_ms_per_msg']:.2f} |")
    return "\n".join(rows)


async def main_async(args) -> int:
    cfg = load_config(env={})
    if args.count_statements:
        counted = await count_statements(cfg, args.database_url, repeat=args.repeat,
                                         cprofile=args.cprofile, mix=args.mix,
                                         replies=args.replies)
        print("| conversation step | messages | SQL statements / msg | of them outside the "
              "group commit | commits / msg | aiosqlite hand-offs / msg | Python calls / msg "
              "| CPU ms / msg |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for kind, v in counted.items():
            print(f"| {kind} | {v['messages']} | {v['statements_per_msg']:.1f} "
                  f"| {v['session_statements_per_msg']:.1f} | {v['commits_per_msg']:.1f} "
                  f"| {v['handoffs_per_msg']:.2f} "
                  f"| {v.get('calls_per_msg', float('nan')):.0f} "
                  f"| {v['cpu_ms_per_msg']:.2f} |")
        return 0
    load_before = os.getloadavg()
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    results: list[dict] = []
    workdir = Path(tempfile.mkdtemp(prefix="disputebot-bench-"))
    fake_api, fake_hook = TimedWeChatAPI(), FakeWebhook()
    api_runner, api_base = await serve_fake(fake_api.app())
    hook_runner, hook_base = await serve_fake(fake_hook.app())
    profile = Path(args.profile).resolve() if args.profile else None
    try:
        for name in targets:
            if name == "ours":
                if args.database_url:
                    await empty_database(args.database_url)
                server = our_server(workdir, args.database_url, api_base, hook_base, profile,
                                    profile_gil=args.profile_mode == "gil",
                                    workers=args.workers)
            elif name == "bare":
                server = bare_server(workdir)
            elif name == "werobot":
                server = werobot_server(workdir, cfg)
            else:
                raise SystemExit(f"unknown target {name!r} (ours, bare, werobot)")
            print(f"[{name}] starting: {' '.join(server.argv)}", file=sys.stderr)
            server.start()
            try:
                await server.ready()
                result = await drive(server, cfg, args.payers, args.seconds, args.warmup,
                                     conversational=name == "ours", seed=args.seed,
                                     fake_api=fake_api if name == "ours" else None)
                if name == "ours":
                    result["db_batch_mean"] = await mean_batch(server.port)
            finally:
                server.stop()
            if name == "ours":
                result["webhook_posts"] = len(fake_hook.posts.requests)
                result["token_fetches"] = len(fake_api.tokens.requests)
                log = server.log_path.read_text(encoding="utf-8", errors="replace")
                result["server_log_warnings"] = sum(1 for line in log.splitlines()
                                                    if " WARNING " in line or " ERROR " in line
                                                    or '"level":"warning"' in line
                                                    or '"level":"error"' in line)
            results.append(result)
            print(f"[{name}] {json.dumps(result, ensure_ascii=False)}", file=sys.stderr)
    finally:
        await api_runner.cleanup()
        await hook_runner.cleanup()
    components = None if args.no_components else component_timings(cfg)

    print()
    print(f"## Load: {args.payers} payers, closed loop, {args.seconds:g} s measured after "
          f"{args.warmup:g} s warm-up, {os.cpu_count()} cores, load average before "
          f"{load_before[0]:.2f}")
    print()
    print(table(results))
    by_name = {r["target"]: r for r in results}
    if "ours" in by_name:
        ours = by_name["ours"]
        print()
        for ref in ("bare", "werobot"):
            if ref in by_name and by_name[ref]["throughput"]:
                print(f"- ours / {ref}: {ours['throughput'] / by_name[ref]['throughput']:.2f}x "
                      f"throughput, p50 {ours['p50_ms'] / by_name[ref]['p50_ms']:.1f}x")
        print(f"- ours: {ours['filings_completed']} filings completed (case number shown), "
              f"{ours['filings_abandoned']} filings "
              f"abandoned, {ours['webhook_posts']} group-robot posts, "
              f"{ours['token_fetches']} token fetch(es), "
              f"{ours['server_log_warnings']} warning/error log lines; "
              f"{ours['db_batch_mean']} message reads/writes per database transaction "
              f"(mean, one worker's /metrics)")
        print()
        print("| conversation step | n | p50 ms | p95 ms |")
        print("|---|---:|---:|---:|")
        for kind, v in ours["by_kind"].items():
            print(f"| {kind} | {v['n']} | {v['p50_ms']:.1f} | {v['p95_ms']:.1f} |")
    if components:
        print()
        print("| component (in-process) | calls | median ms | p95 ms | load s |")
        print("|---|---:|---:|---:|---:|")
        for key, v in components.items():
            print(f"| {key} | {v['calls']} | {v['median_ms']:.3f} | {v['p95_ms']:.3f} "
                  f"| {v['load_s']:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "components": components},
                                              ensure_ascii=False, indent=2), encoding="utf-8")
    if profile is not None and profile.exists():
        summary = summarise_profile(profile)
        summary_path = profile.with_name(profile.name + ".summary.txt")
        summary_path.write_text(summary, encoding="utf-8")
        print()
        print(f"profile ({args.profile_mode}): {profile} (summary in {summary_path})")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"work files (logs, database): {workdir}")
    failed = [r["target"] for r in results if r["messages"] == 0]
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--payers", type=int, default=32, help="concurrent payers (closed loop)")
    ap.add_argument("--seconds", type=float, default=20.0, help="measured seconds per target")
    ap.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    ap.add_argument("--targets", default="bare,werobot,ours",
                    help="comma list of: ours, bare, werobot")
    ap.add_argument("--database-url", help="database for ours, emptied first (default: a fresh "
                    "SQLite file)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--profile", help="run ours under py-spy; collapsed stacks to this file")
    ap.add_argument("--profile-mode", choices=["gil", "wall"], default="gil",
                    help="gil: only the thread running Python code (CPU); wall: all threads")
    ap.add_argument("--count-statements", action="store_true",
                    help="only count SQL statements and commits per message (in-process)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="--count-statements: payers, one conversation of each kind each")
    ap.add_argument("--cprofile", help="--count-statements: write cProfile stats here and "
                    "count Python calls per message by step (event-loop thread, client "
                    "included)")
    ap.add_argument("--mix", type=int, default=0,
                    help="--count-statements: each payer holds this many conversations drawn "
                    "as a timed run draws them (its case gathers supplements), instead of one "
                    "of each kind")
    ap.add_argument("--replies", help="--count-statements: write each message and its reply "
                    "here (JSON lines), to compare two codes' replies")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (server logs)")
    ap.add_argument("--workers", type=int, default=1,
                    help="ours: disputebot serve --workers N (SO_REUSEPORT)")
    ap.add_argument("--no-components", action="store_true",
                    help="skip the in-process NLU/KB timing")
    args = ap.parse_args()
    if args.seconds <= 0 or args.seconds > 600 or args.payers < 1 or args.payers > 2000:
        ap.error("--seconds must be in (0, 600] and --payers in [1, 2000]")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
