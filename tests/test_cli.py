"""The `disputebot` command as an operator or a new user runs it."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_config


def run_cli(*args: str, env: dict | None = None, stdin: str = "", timeout: float = 60):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True,
                          capture_output=True, env=full_env, timeout=timeout, check=False)


@pytest.mark.parametrize("var,value", [
    ("WECHAT_AES_KEY", "too-short"),
    ("PORT", "eighty"),
    ("WECHAT_API_BASE", "ftp://127.0.0.1"),
    ("DATABASE_URL", "nonsense"),
    ("DATABASE_URL", "mysql://127.0.0.1/disputebot"),
])
def test_bad_config_stops_with_one_line_naming_the_key(var, value):
    result = run_cli("serve", env={var: value})
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and var in lines[0]


def test_environment_overrides_config_file():
    config = load_config(env={"WECHAT_TOKEN": "tok123", "PORT": "9000",
                              "DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    assert (config.token, config.port, config.database_url) == (
        "tok123", 9000, "sqlite+aiosqlite:///x.db")


@pytest.mark.parametrize("written,used", [
    ("postgresql://u:p@127.0.0.1/db", "postgresql+asyncpg://u:p@127.0.0.1/db"),
    ("postgres://u:p@127.0.0.1/db", "postgresql+asyncpg://u:p@127.0.0.1/db"),
    ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
])
def test_a_database_url_as_operators_write_it_runs_on_the_async_driver(written, used):
    assert load_config(env={"DATABASE_URL": written}).database_url == used


def test_a_port_in_use_stops_with_one_line(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", env={"PORT": str(port),
                                       "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_port_in_use_stops_several_workers_with_one_line(tmp_path):
    """Checked once by the parent before forking, not by each worker in turn."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--workers", "2",
                         env={"PORT": str(port),
                              "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"})
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0] == (f"disputebot: cannot listen on 127.0.0.1:{port}: Address already in "
                        f"use (set PORT or server.port)")


def test_missing_token_is_named():
    with pytest.raises(ConfigError, match="wechat.token"):
        load_config(env={"WECHAT_TOKEN": ""}, path=_config_without_token())


def _config_without_token():
    import tempfile

    import yaml

    from bot.config import DEFAULT_PATH

    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["wechat"].pop("token")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False,
                                     encoding="utf-8") as handle:
        yaml.safe_dump(raw, handle, allow_unicode=True)
    return handle.name


def test_chat_talks_to_the_bot_through_the_gateway(tmp_path):
    result = run_cli("chat", "--openid", "o-cli-chat", stdin="/关注\n你好\n/退出\n",
                     env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/chat.db"})
    assert result.returncode == 0, result.stderr
    assert "服务号> " in result.stdout
    assert "反映问题" in result.stdout


async def test_menu_push_creates_the_menu_through_the_api(fake_api, tmp_path):
    env = {"WECHAT_API_BASE": str(fake_api.server.make_url("")).rstrip("/"),
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/menu.db"}
    result = await asyncio.to_thread(run_cli, "menu", "push", env=env)
    assert result.returncode == 0, result.stderr
    [menu] = fake_api.menus.requests
    keys = {b["key"] for b in menu["button"]}
    assert keys == {"FILE_DISPUTE", "CHECK_PROGRESS", "ASK_POLICY"}
