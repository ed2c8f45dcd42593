"""An operator's mistakes with ``disputebot``, blind round 2 (round 1: test_operator_fresh):
a misspelt key, a value where a section belongs, a read-only database file and a second
server started on the port of a running one. Each is one line and a non-zero exit, before
the server listens: a server that started anyway ran on defaults, or lost messages."""
from __future__ import annotations

import os
import shutil
import socket
import stat

import pytest
import yaml

from bot.config import DEFAULT_PATH, ConfigError, load_config
from bot.store.migrate import upgrade
from tests.test_cli import run_cli
from tests.test_operator_fresh import free_port, one_line


@pytest.fixture
def env(tmp_path) -> dict:
    """A free port and a throw-away database, so no mistake can reach a shared one."""
    return {"PORT": free_port(), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/op.db"}


def _config(tmp_path, change) -> str:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("change,says", [
    (lambda raw: raw["server"].update(reply_budget="fast"),
     "unknown key server.reply_budget (did you mean server.reply_budget_seconds?)"),
    (lambda raw: raw["wechat"].update(aeskey="x"),
     "unknown key wechat.aeskey (did you mean wechat.aes_key?)"),
    (lambda raw: raw.update(servre=raw.pop("server")),
     "unknown section servre (did you mean server?)"),
    (lambda raw: raw.update(cases="ZY"), "cases must be a mapping"),
    (lambda raw: raw.update(deadlines="5"), "deadlines must be a mapping"),
    (lambda raw: raw["wecom"].update(rate_limit_per_minute="many"),
     "wecom.rate_limit_per_minute must be a whole number, 1 or more"),
    (lambda raw: raw["wecom"].update(rate_limit_per_minute=0),
     "wecom.rate_limit_per_minute must be a whole number, 1 or more"),
    (lambda raw: raw["deadlines"].update(general="five"), "deadlines.general must be a whole number, 0 or more"),
    (lambda raw: raw["cases"].update(draft_idle_minutes=2.5),
     "cases.draft_idle_minutes must be a whole number"),
])
def test_a_misspelt_key_or_a_wrong_value_is_named(tmp_path, change, says):
    """Regression: a misspelt key was ignored (the server ran on the default, 4 s), and a
    value in place of ``cases:`` or a word for a number passed until the first message or
    the outbox needed it (rate_limit_per_minute: many was a ValueError traceback at start)."""
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, change), env={})
    assert says in str(caught.value)


def test_the_shipped_config_passes_the_key_check():
    load_config(DEFAULT_PATH, env={})


def test_a_wrong_rate_limit_stops_serve_with_one_line_not_a_traceback(tmp_path, env):
    path = _config(tmp_path, lambda raw: raw["wecom"].update(rate_limit_per_minute="many"))
    line = one_line(run_cli("--config", path, "serve", env=env), 2)
    assert "wecom.rate_limit_per_minute" in line


def _without_root(command: list[str]) -> list[str]:
    """Root writes through file modes; drop that power (or skip where we cannot)."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file modes cannot be tested")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", *command]


def test_a_read_only_sqlite_file_stops_serve_with_one_line(tmp_path, env):
    """Regression: a read-only database already at the newest schema needed no write to
    start, so `serve` listened and then could store no message."""
    import subprocess
    import sys

    db = tmp_path / "ro.db"
    url = f"sqlite+aiosqlite:///{db}"
    upgrade(url)
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    result = subprocess.run(_without_root([sys.executable, "-m", "bot.cli", "serve"]),
                            env={**os.environ, **env, "DATABASE_URL": url}, text=True,
                            capture_output=True, timeout=60, check=False)
    line = one_line(result, 1)
    assert "readonly database" in line and "writable" in line and "DATABASE_URL" in line


def test_a_second_pool_on_the_port_of_a_running_one_is_refused(env):
    """Regression: a second `serve --workers 2` bound with SO_REUSEPORT beside the running
    pool (a listener bound as its workers bind) and took half its messages into the
    database it was given."""
    port = int(env["PORT"])
    with socket.socket() as running:
        running.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        running.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        running.bind(("127.0.0.1", port))
        running.listen()
        line = one_line(run_cli("serve", "--workers", "2", env=env, timeout=60), 1)
    assert line == (f"disputebot: cannot listen on 127.0.0.1:{port}: Address already in use "
                    f"(set PORT or server.port)")


def test_several_workers_on_port_zero_are_refused(env):
    """Regression: with PORT=0 each worker of `serve --workers 2` listened on a random port
    of its own."""
    line = one_line(run_cli("serve", "--workers", "2", env={**env, "PORT": "0"}, timeout=60), 2)
    assert "--workers needs a fixed port" in line and "PORT" in line
