"""Two real server processes sharing one database, as production runs several workers.

Each test starts two ``disputebot serve`` processes (on SQLite and on PostgreSQL, through the
``db_url`` parametrisation) against the fake WeChat API in this process. The reply budget is
set near zero so every answer goes out through the customer-service API: what the fake API
receives then shows how often a message was handled and how often a token was fetched.
"""
from __future__ import annotations

import asyncio
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

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """One ``disputebot serve`` subprocess; its output goes to a file for failure reports."""

    def __init__(self, name: str, env: dict, tmp_path: Path, extra: tuple[str, ...] = ()):
        self.name = name
        self.port = _free_port()
        self.log_path = tmp_path / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port), *extra],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
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
    """Environment for serve processes whose replies are always late (budget ~0)."""
    raw = yaml.safe_load(Path(DEFAULT_PATH).read_text(encoding="utf-8"))
    raw.setdefault("server", {})["reply_budget_seconds"] = 0.001
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
    """Two serve processes on one database; replies always late (budget ~0)."""
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
    assert all(d.body == "success" for d in deliveries)  # budget ~0: answered later
    await _settle(fake_api, len(payers) + 1)
    texts = fake_api.texts_to("o-multi-dup")
    assert texts, "the reply never went out"
    assert len(texts) == len(set(texts)), f"handled more than once: {texts}"

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
