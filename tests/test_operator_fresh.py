"""An operator's first mistakes with ``disputebot``, blind round: each one is a single line
on stderr saying what is wrong and what to do, and a non-zero exit; never a traceback,
never a server that starts anyway."""
from __future__ import annotations

import asyncio
import socket

import pytest

from bot.config import ConfigError, load_config
from bot.store.migrate import upgrade
from tests.test_cli import run_cli

UNREACHABLE_PG = "postgresql://disputebot:s3cret@127.0.0.1:1/disputebot"


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def one_line(result, code: int) -> str:
    """The single stderr line of a command that failed with ``code``."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not line.startswith('{"ts"')]
    assert result.returncode == code and len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def env(tmp_path) -> dict:
    """A free port and a throw-away database, so no mistake can reach a shared one."""
    return {"PORT": free_port(), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/op.db"}


@pytest.mark.parametrize("content,says", [
    ("- wechat\n- server\n", "must be a mapping of sections"),
    ("wechat: dev-token\n", "wechat must be a mapping"),
    (b"wechat:\n  token: \xff\xfe\n", "is not UTF-8"),
])
def test_a_broken_config_file_is_one_line(tmp_path, content, says):
    """Regression: a config.yaml holding a list, a section holding a value or a GBK file
    stopped `serve` with an AttributeError or UnicodeDecodeError traceback."""
    path = tmp_path / "config.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=says):
        load_config(path, env={})


def test_towns_written_as_one_string_are_refused_not_split_into_characters():
    """Regression: ``towns: 新塘镇`` became the towns 新, 塘 and 镇."""
    import yaml

    from bot.config import DEFAULT_PATH

    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["jurisdictions"] = [{"name": "增城区", "towns": "新塘镇"}]
    with pytest.raises(ConfigError, match="towns of 增城区 must be a list"):
        load_config(_written(raw), env={})


def test_a_config_path_that_is_a_directory_is_one_line(tmp_path, env):
    line = one_line(run_cli("--config", str(tmp_path), "serve", env=env), 2)
    assert line == f"config: {tmp_path} is a directory, not a config.yaml file"


@pytest.mark.parametrize("server,key", [
    ({"reply_budget_seconds": "four"}, "server.reply_budget_seconds"),
    ({"max_body_bytes": -1}, "server.max_body_bytes"),
    ({"max_body_bytes": float("inf")}, "server.max_body_bytes"),
])
def test_a_bad_server_number_is_named(server, key):
    """Regression: "four" was a ValueError traceback and .inf an OverflowError one."""
    import yaml

    from bot.config import DEFAULT_PATH

    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["server"].update(server)
    with pytest.raises(ConfigError, match=key):
        load_config(_written(raw), env={})


def _written(raw: dict) -> str:
    import tempfile

    import yaml

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False,
                                     encoding="utf-8") as handle:
        yaml.safe_dump(raw, handle, allow_unicode=True)
    return handle.name


@pytest.mark.parametrize("url", [
    "sqlite:///:memory:",
    "sqlite+aiosqlite:///",
    "postgresql://u:p@127.0.0.1:abc/db",
])
def test_a_malformed_database_url_stops_serve_with_one_line(env, url):
    """Regression: these reached SQLAlchemy and ended in a TypeError or ValueError traceback
    (an in-memory SQLite would also give each connection a database of its own)."""
    line = one_line(run_cli("serve", env={**env, "DATABASE_URL": url}), 2)
    assert "DATABASE_URL" in line


@pytest.mark.parametrize("command", [("serve",), ("db", "upgrade"), ("chat",)])
def test_an_unreachable_postgresql_stops_the_command_with_one_line(env, command):
    """Regression: `serve` started anyway and logged an outbox traceback twice a second;
    `db upgrade` and `chat` ended in a ConnectionRefusedError traceback."""
    line = one_line(run_cli(*command, env={**env, "DATABASE_URL": UNREACHABLE_PG},
                            timeout=60), 1)
    assert "cannot use the database" in line and "DATABASE_URL" in line
    assert "127.0.0.1:1" in line and "s3cret" not in line


def test_serve_refuses_a_database_without_the_schema_and_names_the_fix(tmp_path):
    """PostgreSQL is migrated by `db upgrade`, not by `serve` (checked here on a SQLite file:
    the same Alembic check)."""
    from bot.cli import _schema_problem

    url = f"sqlite+aiosqlite:///{tmp_path}/empty.db"
    problem = asyncio.run(_schema_problem(url))
    assert "empty database" in problem and "disputebot db upgrade" in problem
    upgrade(url)
    assert asyncio.run(_schema_problem(url)) is None


def test_db_upgrade_to_an_unknown_revision_is_one_line(env):
    line = one_line(run_cli("db", "upgrade", "nosuchrev", env=env), 2)
    assert "nosuchrev" in line


@pytest.mark.parametrize("argv,says", [
    ((), "which command? one of serve, db, menu, chat, nlu, kb, case"),
    (("frob",), "invalid choice: 'frob'"),
    (("case",), "which command? one of list, show"),
    (("serve", "--port", "99999"), "--port: must be a number 0-65535"),
    (("serve", "--port", "abc"), "--port: must be a number 0-65535"),
    (("serve", "--workers", "0"), "--workers: must be a number 1-"),
])
def test_a_wrong_command_line_is_one_line_pointing_at_help(env, argv, says):
    """Regression: argparse printed its usage block before the error, and `--port 99999` or
    `--workers 0` started a server (on a port nobody asked for)."""
    line = one_line(run_cli(*argv, env=env, timeout=60), 2)
    assert says in line and "--help" in line


def test_a_host_that_does_not_exist_is_one_line(env):
    """Regression: HOST=999.1.1.1 ended in a socket.gaierror traceback."""
    line = one_line(run_cli("serve", env={**env, "HOST": "999.1.1.1"}, timeout=60), 1)
    assert "cannot listen on 999.1.1.1" in line and "HOST" in line


def test_menu_push_to_an_unreachable_api_is_one_line(env):
    """Regression: a wrong WECHAT_API_BASE ended in a ClientConnectorError traceback."""
    line = one_line(run_cli("menu", "push", env={**env, "WECHAT_API_BASE": "http://127.0.0.1:1"},
                            timeout=60), 1)
    assert "menu push" in line and "WECHAT_API_BASE" in line
