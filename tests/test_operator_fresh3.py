"""The person who installs and runs the bot, blind round 3 (rounds 1-2: test_operator_fresh,
test_operator_fresh2): every ``--help``, a config file that is missing, unreadable or not
YAML, each environment override with a bad value, ``db upgrade`` twice, the JSONL tools fed
nothing, bytes, a megabyte or Ctrl-C, and a server stopped with SIGTERM mid-dialogue. Each
mistake is one line and a non-zero exit; nothing is a traceback or a silent wrong setting."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import DEFAULT_PATH
from bot.simulator import Platform, text_xml
from tests.test_cli import run_cli
from tests.test_multiworker import ROOT, Worker
from tests.test_operator_fresh import free_port, one_line
from tests.test_operator_fresh2 import _without_root


@pytest.fixture
def env(tmp_path) -> dict:
    """A free port and a throw-away database, so no mistake can reach a shared one."""
    return {"PORT": free_port(), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/op3.db"}


# --- help ---------------------------------------------------------------------------------

HELPS = [(), ("serve",), ("db",), ("db", "upgrade"), ("menu",), ("menu", "push"), ("chat",),
         ("nlu",), ("nlu", "train"), ("nlu", "parse"), ("nlu", "eval"), ("kb",), ("kb", "ask"),
         ("kb", "check"), ("case",), ("case", "list"), ("case", "show"), ("case", "accept"),
         ("case", "note"), ("case", "request-info"), ("case", "transfer"),
         ("case", "escalate"), ("case", "resolve")]


@pytest.mark.parametrize("words", HELPS, ids=lambda w: "-".join(w) or "top")
def test_every_help_is_a_usage_without_traceback(words, env):
    result = run_cli(*words, "--help", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.startswith("usage: disputebot"), result.stdout
    body = result.stdout.split("\n\n", 1)[1]
    assert "``" not in body, f"reStructuredText quoting shown to the operator:\n{body}"


@pytest.mark.parametrize("words", [(), ("db",), ("nlu",), ("kb",), ("case",), ("menu",)],
                         ids=lambda w: "-".join(w) or "top")
def test_a_command_without_its_subcommand_is_one_line(words, env):
    """``disputebot db`` alone names what to add; not a usage block, not a traceback."""
    result = run_cli(*words, env=env)
    line = one_line(result, 2)
    assert "disputebot" in line


# --- the config file ----------------------------------------------------------------------

def test_a_missing_config_file_is_one_line_naming_it(tmp_path, env):
    missing = tmp_path / "nowhere" / "config.yaml"
    line = one_line(run_cli("--config", str(missing), "serve", env=env), 2)
    assert str(missing) in line


def test_a_missing_config_from_the_environment_is_one_line(tmp_path, env):
    missing = tmp_path / "gone.yaml"
    line = one_line(run_cli("serve", env={**env, "DISPUTEBOT_CONFIG": str(missing)}), 2)
    assert str(missing) in line


def test_an_unreadable_config_file_is_one_line(tmp_path, env):
    path = tmp_path / "config.yaml"
    path.write_text(DEFAULT_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0)
    result = subprocess.run(_without_root([sys.executable, "-m", "bot.cli", "--config",
                                           str(path), "serve"]),
                            env={**os.environ, **env}, text=True, capture_output=True,
                            timeout=60, check=False)
    line = one_line(result, 2)
    assert str(path) in line and "read" in line


@pytest.mark.parametrize("content", [
    "wechat:\n  token: [dev\n",
    "server:\n\tport: 8080\n",
    "wechat: {token: dev-token\n",
])
def test_a_config_that_is_not_yaml_is_one_line_with_its_line(tmp_path, env, content):
    path = tmp_path / "config.yaml"
    path.write_text(content, encoding="utf-8")
    line = one_line(run_cli("--config", str(path), "serve", env=env), 2)
    assert str(path) in line and "line" in line


def _config(tmp_path, change) -> str:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("change,key", [
    (lambda raw: raw["server"].update(port=[8080]), "server.port"),
    (lambda raw: raw["server"].update(port="8080x"), "server.port"),
    (lambda raw: raw["server"].update(host=["127.0.0.1"]), "server.host"),
    (lambda raw: raw["wechat"].update(token=["dev-token"]), "wechat.token"),
    (lambda raw: raw["database"].update(url=5432), "database.url"),
    (lambda raw: raw["server"].update(reply_budget_seconds=True), "server.reply_budget_seconds"),
    (lambda raw: raw.update(logging={"level": "debug"}), "logging"),
])
def test_a_wrong_type_or_unknown_key_in_the_file_stops_serve(tmp_path, env, change, key):
    """A list for a port, a number for a URL, ``true`` for seconds or a section the bot does
    not know is named; the server does not start on something else."""
    overridden = {"server.port": "PORT", "database.url": "DATABASE_URL"}.get(key)
    env = {**env, "DATABASE_URL": env["DATABASE_URL"] if key != "database.url" else ""}
    if key == "server.port":
        env["PORT"] = ""
    assert overridden is None or not env[overridden]
    line = one_line(run_cli("--config", _config(tmp_path, change), "serve", env=env,
                            timeout=30), 2)
    assert key in line


# --- environment overrides ----------------------------------------------------------------

@pytest.mark.parametrize("var,value", [
    ("WECHAT_AES_KEY", "WLaU/DWyjPZPZunlBuYNkJRjR+BOHrY4QDvFWzyV3W"),       # 42
    ("WECHAT_AES_KEY", "WLaU/DWyjPZPZunlBuYNkJRjR+BOHrY4QDvFWzyV3WQ="),     # 44
    ("WECHAT_AES_KEY", "WLaU/DWyjPZPZunlBuYNkJRjR+BOHrY4QDvFWzyV3W!"),      # not base64
    ("WECHAT_AES_KEY", " WLaU/DWyjPZPZunlBuYNkJRjR+BOHrY4QDvFWzyV3W"),      # pasted space
    ("WECHAT_TOKEN", "令牌含中文"),
    ("WECHAT_TOKEN", "dev token"),
    ("WECHAT_TOKEN", "t" * 33),
    ("WECHAT_APPID", "wxd15ba7e5 c0de0001"),
    ("WECHAT_APPID", "gh_0123456789ab"),
    ("PORT", "abc"),
    ("PORT", "70000"),
    ("PORT", "-1"),
    ("PORT", "80.5"),
    ("DATABASE_URL", "oracle://scott:tiger@127.0.0.1/orcl"),
    ("DATABASE_URL", "sqlite+pysqlite:///x.db"),
    ("WECHAT_API_BASE", "api.weixin.qq.com"),
    ("WECHAT_API_BASE", "https://"),
    ("WECOM_WEBHOOK_BASE", "qyapi.weixin.qq.com"),
    ("WECOM_WEBHOOK_BASE", "htps://qyapi.weixin.qq.com"),
])
def test_a_bad_environment_value_is_one_line_naming_it(env, var, value):
    line = one_line(run_cli("serve", env={**env, var: value}, timeout=30), 2)
    assert var in line
    if var in ("WECHAT_TOKEN", "WECHAT_AES_KEY"):
        assert value.strip() not in line, "a secret was echoed"


@pytest.mark.parametrize("var,value", [("PORT", "70000"), ("WECHAT_AES_KEY", "short"),
                                       ("WECHAT_API_BASE", "api.weixin.qq.com")])
def test_other_commands_refuse_the_same_bad_value(env, var, value):
    """``db upgrade`` and ``kb check`` read the same configuration."""
    for words in (("db", "upgrade"), ("kb", "check")):
        one_line(run_cli(*words, env={**env, var: value}, timeout=30), 2)


# --- db upgrade ---------------------------------------------------------------------------

def test_db_upgrade_twice_is_quiet_and_succeeds(env):
    first = run_cli("db", "upgrade", env=env)
    second = run_cli("db", "upgrade", env=env)
    for result in (first, second):
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert second.stdout.strip() or second.stderr.strip(), "second run said nothing"


# --- the JSONL tools and the case CLI at odd input ----------------------------------------

@pytest.mark.parametrize("words", [("kb", "ask"), ("nlu", "parse")])
def test_empty_stdin_is_no_output_and_success(env, words):
    result = run_cli(*words, env=env, stdin="")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("words", [("kb", "ask"), ("nlu", "parse")])
def test_binary_stdin_answers_each_line_and_names_the_first_bad_one(env, words):
    data = b"\x00\x01\xff\xfe\n\x89PNG\r\n\x1a\n\xd5\xe2\xca\xc7\n"
    result = subprocess.run([sys.executable, "-m", "bot.cli", *words], input=data,
                            capture_output=True, env={**os.environ, **env}, timeout=60,
                            check=False)
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(rows) == data.count(b"\n") and result.returncode == 1
    assert "line 1" in stderr


@pytest.mark.parametrize("words", [("kb", "ask"), ("nlu", "parse")])
def test_a_megabyte_line_gets_one_answer(env, words):
    line = "公司不给交社保怎么办" * (1024 * 1024 // 30)
    result = run_cli(*words, env=env, stdin=line + "\n进度\n", timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(result.stdout.splitlines()) == 2


def test_case_list_ignores_stdin_it_does_not_read(env):
    result = run_cli("case", "list", env=env, stdin="\x00garbage\n")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def _interrupted(words: list[str], env: dict, first_line: str | None) -> subprocess.CompletedProcess:
    """Start a command, wait for it to be running, then press Ctrl-C (SIGINT)."""
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", *words], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"})
    if first_line is not None:
        proc.stdin.write(first_line + "\n")
        proc.stdin.flush()
        assert proc.stdout.readline(), "no answer before Ctrl-C"
    else:
        assert proc.stdout.readline(), "no banner before Ctrl-C"  # waiting for input now
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("words", [["kb", "ask"], ["nlu", "parse"]])
def test_ctrl_c_in_a_jsonl_tool_is_quiet(env, words):
    result = _interrupted(words, env, "灵活就业怎么交社保")
    assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr, \
        result.stderr
    assert result.returncode == 130


def test_ctrl_c_in_chat_is_quiet(env, tmp_path):
    result = _interrupted(["chat", "--mode", "plain"], env, None)
    assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr, \
        result.stderr
    assert result.returncode in (0, 130)


# --- SIGTERM mid-dialogue and a restart -------------------------------------------------

async def test_sigterm_mid_dialogue_then_restart_continues_the_form(config, http, tmp_path,
                                                                    fake_api):
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    cfg_path = tmp_path / "config.yaml"
    cfg_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "DISPUTEBOT_CONFIG": str(cfg_path),
           "DATABASE_URL": config.database_url, "WECHAT_API_BASE": config.api_base,
           "WECOM_WEBHOOK_BASE": config.webhook_base, "PYTHONUNBUFFERED": "1"}
    openid = "o-op3-sigterm"
    first = Worker("before", env, tmp_path)
    try:
        await first.ready(http)
        platform = Platform(http, first.url + "/wechat", config.token, config.aes_key,
                            config.appid)
        asked = (await platform.post(text_xml(openid, "新塘镇宏达厂一直没给我交社保，我叫陈大明"))).reply
        assert asked
    finally:
        await first.stop()
    stopped = first.log_path.read_text(encoding="utf-8", errors="replace")
    assert first.proc.returncode == 0 and "Traceback" not in stopped, stopped

    second = Worker("after", env, tmp_path, port=first.port)
    try:
        await second.ready(http)
        platform = Platform(http, second.url + "/wechat", config.token, config.aes_key,
                            config.appid)
        again = (await platform.post(text_xml(openid, "13800138000"))).reply
        assert again and again != asked
        assert "欢迎" not in again and "您好" not in again[:4], again
    finally:
        await second.stop()
    assert second.proc.returncode == 0, second.log_path.read_text(errors="replace")


# --- the README's first two commands ----------------------------------------------------

def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```", 2)[1]
    assert "pip install -e . && disputebot serve" in block
    assert "pip install -e '.[test]' && python -m pytest -q" in block
    scripts = __import__("tomllib").loads((ROOT / "pyproject.toml").read_text())["project"]
    assert scripts["scripts"]["disputebot"] == "bot.cli:main"
    assert "test" in scripts["optional-dependencies"]


def _serve_in(directory: Path, env: dict):
    log = open(directory / "serve.log", "wb")  # noqa: SIM115 - closed by the caller
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=directory,
                            env=env, stdout=log, stderr=subprocess.STDOUT), log


async def test_serve_as_written_starts_in_a_fresh_directory(tmp_path, http):
    """``disputebot serve`` with the shipped config, run from an empty directory (PORT only,
    so a test never takes 8080): it listens and creates its SQLite file under ``data/``."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DISPUTEBOT_CONFIG")}
    env.update(PORT=port, DISPUTEBOT_CONFIG=str(DEFAULT_PATH), PYTHONUNBUFFERED="1",
               PYTHONPATH=str(ROOT))
    proc, log = _serve_in(tmp_path, env)
    try:
        for _ in range(300):
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            await asyncio.sleep(0.1)
        else:
            pytest.fail("not listening")
        assert (tmp_path / "data" / "disputebot.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    assert proc.returncode == 0
    assert "Traceback" not in Path(tmp_path / "serve.log").read_text(errors="replace")
