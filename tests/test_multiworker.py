"""Two real server processes sharing one database, as production runs several workers.

Each test starts two ``disputebot serve`` processes (on SQLite and on PostgreSQL, through the
``db_url`` parametrisation) against the fake WeChat API in this process. The reply budget is
set to zero so every answer goes out through the customer-service API: what the fake API
receives then shows how often a message was handled and how often a token was fetched.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import DEFAULT_PATH
from bot.simulator import Platform, text_xml
from tests.test_policy_followups import DECLINE, FLEXIBLE_PAYMENT

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """One ``disputebot serve`` subprocess; its output goes to a file for failure reports."""

    def __init__(self, name: str, env: dict, tmp_path: Path, extra: tuple[str, ...] = (),
                 port: int | None = None):
        self.name = name
        self.port = port or _free_port()
        self.log_path = tmp_path / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port), *extra],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C of the terminal: SIGINT to the whole group
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def ready(self, http, timeout: float = START_TIMEOUT) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            if self.proc.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.proc.returncode}:\n{self.output()}")
            try:
                async with http.get(self.url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            await asyncio.sleep(0.1)
        pytest.fail(f"{self.name} not ready after {timeout}s:\n{self.output()}")

    async def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            for _ in range(100):
                if self.proc.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def _late_reply_env(config, tmp_path: Path) -> dict:
    """Environment for serve processes whose replies are always late (budget 0)."""
    raw = yaml.safe_load(Path(DEFAULT_PATH).read_text(encoding="utf-8"))
    raw.setdefault("server", {})["reply_budget_seconds"] = 0
    cfg_path = tmp_path / "config.yaml"
    cfg_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return {
        **os.environ,
        "DISPUTEBOT_CONFIG": str(cfg_path),
        "DATABASE_URL": config.database_url,
        "WECHAT_API_BASE": config.api_base,
        "WECOM_WEBHOOK_BASE": config.webhook_base,
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
async def workers(config, http, tmp_path):
    """Two serve processes on one database; replies always late (budget 0)."""
    env = _late_reply_env(config, tmp_path)
    started = [Worker(f"worker{i}", env, tmp_path) for i in (1, 2)]
    try:
        await asyncio.gather(*(w.ready(http) for w in started))
        yield [Platform(http, w.url + "/wechat", config.token, config.aes_key, config.appid)
               for w in started]
    finally:
        await asyncio.gather(*(w.stop() for w in started))


async def _settle(fake_api, count: int, quiet: float = 0.5) -> None:
    """Wait for ``count`` customer-service messages, then a quiet spell for any extras."""
    await fake_api.messages.wait_for(count, timeout=10)
    seen = -1
    while seen != len(fake_api.messages.requests):
        seen = len(fake_api.messages.requests)
        await asyncio.sleep(quiet)


async def test_two_workers_fetch_one_token_and_handle_a_resend_once(workers, fake_api):
    """One test, so the two processes start once per backend (keeps the file ~15 s)."""
    first, second = workers

    # Six payers write at once, half to each worker: both need the token at the same time.
    payers = [f"o-multi-{i}" for i in range(6)]
    await asyncio.gather(*(
        (first if i % 2 else second).post(text_xml(openid, "你好"))
        for i, openid in enumerate(payers)
    ))
    await _settle(fake_api, len(payers))
    assert all(fake_api.texts_to(openid) for openid in payers)
    assert len(fake_api.tokens.requests) == 1  # both workers needed it at once

    # The platform resends one message to both workers while the first copy is handled.
    xml = text_xml("o-multi-dup", "你好", msg_id=880001)
    deliveries = await asyncio.gather(first.post(xml), second.post(xml),
                                      first.post(xml), second.post(xml))
    assert [d.status for d in deliveries] == [200] * 4
    assert all(d.body == "success" for d in deliveries)  # budget 0: answered later
    await _settle(fake_api, len(payers) + 1)
    texts = fake_api.texts_to("o-multi-dup")
    assert texts, "the reply never went out"
    assert len(texts) == len(set(texts)), f"handled more than once: {texts}"

    # A follow-up reaching the other worker is read with the question the first answered
    # (it was read alone, and declined, when each process kept its own memory).
    await first.post(text_xml("o-multi-follow", "灵活就业社保怎么交"))
    await _settle(fake_api, len(payers) + 2)
    answered = len(fake_api.texts_to("o-multi-follow"))
    await second.post(text_xml("o-multi-follow", "一个月大概多少钱"))
    await fake_api.messages.wait_for(len(fake_api.messages.requests) + 1, timeout=10)
    await _settle(fake_api, len(fake_api.messages.requests))
    follow_up = "".join(fake_api.texts_to("o-multi-follow")[answered:])
    assert FLEXIBLE_PAYMENT in follow_up and DECLINE not in follow_up, follow_up

    assert len(fake_api.tokens.requests) == 1


async def test_serve_with_two_workers_on_one_port_handles_each_message_once(
        config, http, tmp_path, fake_api):
    server = Worker("pool", _late_reply_env(config, tmp_path), tmp_path, ("--workers", "2"))
    try:
        await server.ready(http)
        platform = Platform(http, server.url + "/wechat", config.token, config.aes_key,
                            config.appid)
        xml = text_xml("o-pool-dup", "你好", msg_id=990001)
        others = [platform.post(text_xml(f"o-pool-{i}", "你好")) for i in range(6)]
        deliveries = await asyncio.gather(*(platform.post(xml) for _ in range(3)), *others)
        assert [d.status for d in deliveries] == [200] * 9
        await _settle(fake_api, 7)
        assert len(fake_api.texts_to("o-pool-dup")) == 1
        assert all(len(fake_api.texts_to(f"o-pool-{i}")) == 1 for i in range(6))
    finally:
        await server.stop()


# --- the parent of ``serve --workers N`` supervises its workers ---------------------------

def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _listens_on(pid: int, port: int) -> bool:
    """Whether ``pid`` holds a listening TCP socket on ``port`` (SO_REUSEPORT: each worker
    has its own)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(fields[9])
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return any(link == f"socket:[{inode}]" for link in links for inode in inodes)


async def _until(predicate, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() >= end:
            return False
        await asyncio.sleep(0.1)
    return True


async def _two_workers_listening(server: Worker, http) -> set[int]:
    await server.ready(http)
    assert await _until(lambda: len(_children(server.proc.pid)) == 2
                        and all(_listens_on(p, server.port)
                                for p in _children(server.proc.pid)), START_TIMEOUT), \
        server.output()
    return _children(server.proc.pid)


async def test_a_worker_killed_with_kill_9_is_replaced_and_the_replacement_serves(
        config, http, tmp_path):
    server = Worker("supervised", _late_reply_env(config, tmp_path), tmp_path,
                    ("--workers", "2"))
    try:
        first = await _two_workers_listening(server, http)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)

        def replaced() -> bool:
            now = _children(server.proc.pid)
            return len(now) == 2 and victim not in now and all(
                _listens_on(p, server.port) for p in now - first)

        assert await _until(replaced, START_TIMEOUT), server.output()
        [new] = _children(server.proc.pid) - first
        async with http.get(server.url + "/healthz") as resp:
            assert resp.status == 200
        died = [line for line in server.output().splitlines() if "worker died" in line]
        assert len(died) == 1 and f'"worker":{victim}' in died[0]
        assert "SIGKILL" in died[0]

        server.proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(server.proc.wait, 30) == 0
        assert not any(_alive(p) for p in _children(server.proc.pid) | {new})
    finally:
        await server.stop()


async def test_no_worker_outlives_a_kill_9_of_the_parent(config, http, tmp_path):
    server = Worker("orphans", _late_reply_env(config, tmp_path), tmp_path, ("--workers", "2"))
    try:
        workers = await _two_workers_listening(server, http)
        os.kill(server.proc.pid, signal.SIGKILL)
        await asyncio.to_thread(server.proc.wait, 10)
        assert await _until(lambda: not any(_alive(p) for p in workers), 10), \
            f"workers {[p for p in workers if _alive(p)]} still running"
        again = Worker("orphans-restart", _late_reply_env(config, tmp_path), tmp_path,
                       ("--workers", "2"), port=server.port)
        try:
            await again.ready(http)
        finally:
            await again.stop()
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        await server.stop()


async def test_ctrl_c_stops_the_parent_and_its_workers_with_status_0(config, http, tmp_path):
    """The terminal sends SIGINT to every process of the group; the parent forwards SIGTERM
    too: a worker's second signal must not cut its shutdown short."""
    server = Worker("ctrl-c", _late_reply_env(config, tmp_path), tmp_path, ("--workers", "2"))
    try:
        workers = await _two_workers_listening(server, http)
        os.killpg(server.proc.pid, signal.SIGINT)
        assert await asyncio.to_thread(server.proc.wait, 30) == 0, server.output()
        assert not any(_alive(p) for p in workers)
        assert "Traceback" not in server.output()
    finally:
        await server.stop()


def test_workers_that_keep_dying_at_start_make_the_parent_give_up_with_one_line():
    """A worker that exits before it listens (here at once, status 3) is a start failure:
    the parent gives up after a few instead of restarting them in a tight loop."""
    code = ("import sys; from bot.logging_setup import setup_logging; setup_logging(); "
            "from bot.supervisor import Supervisor; "
            "sys.exit(Supervisor(lambda listening: sys.exit(3), 2).run())")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 1
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    plain = [line for line in result.stderr.splitlines() if line.strip()
             and not line.startswith("{")]
    assert len(plain) == 1, result.stderr
    assert "giving up" in plain[0] and "exit code 3" in plain[0]
    started = [e for e in logged if e["event"] == "worker started"]
    assert 2 < len(started) <= 4, result.stderr
    assert all(e["status"] == "exit code 3" for e in logged if "died" in e["event"])
