"""The person who runs ``disputebot serve``, blind round 7 (rounds 1-6: test_operator_fresh …
fresh6), written before reading the server, CLI or configuration code.

What this round probes: that each environment override (WECHAT_TOKEN, WECHAT_AES_KEY,
WECHAT_APPID, PORT) really replaces config.yaml's value in a running server and is never
echoed in its log; bad values not tried before (a 43-character key that is not base64, a
port out of range, a database nobody listens on, a scheme no driver serves) stop the command
with one line and a non-zero exit; a restart between two questions of a payer's form lets
the payer finish it; /healthz, /metrics and /api/stats on a real server, with /api/stats
refusing a missing or wrong token; ``--help`` of serve naming the variables it reads; and
log lines that stay JSON and free of phone and ID numbers written with dashes or spaces.
Every server is a real ``python -m bot.cli serve`` on 127.0.0.1; every wait is bounded.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from bot.simulator import Platform
from tests.test_cli import run_cli
from tests.test_dialogue import ANSWERS, finish_form
from tests.test_multiworker import ROOT, Worker
from tests.test_operator_fresh import free_port, one_line
from tests.test_operator_fresh6 import STORY, _json_lines, _platform, _serve_env

OTHER_KEY = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo"  # 43 base64 chars, not the shipped
LEADERSHIP = {"Authorization": "Bearer dev-token-leadership"}


@pytest.fixture
def env(tmp_path) -> dict:
    return {"PORT": free_port(), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/op7.db",
            "WECHAT_TOKEN": "", "WECHAT_AES_KEY": "", "WECHAT_APPID": "",
            "WECHAT_API_BASE": "", "WECOM_WEBHOOK_BASE": "", "DISPUTEBOT_CONFIG": ""}


# === 1. bad values: one line, non-zero exit ================================================

@pytest.mark.parametrize("value", ["!" * 43, "中" * 43, OTHER_KEY[:-1] + "="])
def test_an_aes_key_of_the_right_length_but_not_base64_is_one_line(env, value):
    line = one_line(run_cli("serve", env={**env, "WECHAT_AES_KEY": value}, timeout=30), 2)
    assert "WECHAT_AES_KEY" in line and value not in line


@pytest.mark.parametrize("value", ["-1", "65536", "99999", "80.5", "８０８０"])
def test_a_port_out_of_range_or_not_ascii_digits_is_one_line(env, value):
    line = one_line(run_cli("serve", env={**env, "PORT": value}, timeout=30), 2)
    assert "PORT" in line


@pytest.mark.parametrize("value", ["redis://127.0.0.1:6379/0", "mongodb://127.0.0.1/db",
                                   "oracle://scott:s3cret@127.0.0.1/db", "file:///tmp/x.db"])
@pytest.mark.parametrize("words", [("serve",), ("db", "upgrade")], ids=["serve", "upgrade"])
def test_an_unknown_database_scheme_is_one_line(env, value, words):
    line = one_line(run_cli(*words, env={**env, "DATABASE_URL": value}, timeout=30), 2)
    assert "DATABASE_URL" in line and "s3cret" not in line


@pytest.mark.parametrize("words", [("serve",), ("db", "upgrade")], ids=["serve", "upgrade"])
def test_a_database_nobody_listens_on_is_one_line_soon(env, words):
    url = f"postgresql+asyncpg://disputebot:s3cret@127.0.0.1:{free_port()}/disputebot"
    result = run_cli(*words, env={**env, "DATABASE_URL": url}, timeout=60)
    assert result.returncode != 0
    line = one_line(result, result.returncode)
    assert "s3cret" not in line and "127.0.0.1" in line


@pytest.mark.parametrize("var", ["WECHAT_API_BASE", "WECOM_WEBHOOK_BASE"])
def test_an_endpoint_with_an_unknown_scheme_is_one_line(env, var):
    line = one_line(run_cli("serve", env={**env, var: "gopher://127.0.0.1:70"}, timeout=30), 2)
    assert var in line


# === 2. overrides take effect in a running server, and are not echoed =====================

async def test_token_key_and_appid_from_the_environment_are_the_ones_used(config, http,
                                                                          tmp_path):
    token, appid = "op7-token-from-env", "wx0123456789abcdef"
    env = _serve_env(config, tmp_path, WECHAT_TOKEN=token, WECHAT_AES_KEY=OTHER_KEY,
                     WECHAT_APPID=appid)
    worker = Worker("overrides", env, tmp_path)
    try:
        await worker.ready(http)
        right = Platform(http, worker.url + "/wechat", token, OTHER_KEY, appid)
        assert await right.say("o-op7-env", "你好")
        stale = _platform(http, worker, config)  # config.yaml's token and key
        delivery = await stale.post(
            '<xml><ToUserName>x</ToUserName><FromUserName>o-op7-stale</FromUserName>'
            '<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>你好</Content>'
            '<MsgId>7700001</MsgId></xml>')
        assert delivery.status in (401, 403)
    finally:
        await worker.stop()
    output = worker.log_path.read_text(errors="replace")
    assert token not in output and OTHER_KEY not in output


def test_port_from_the_environment_is_where_serve_listens(tmp_path, env):
    import time
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT,
                            env={**os.environ, **env, "PORT": port, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(150):
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.status
                    break
            except OSError:
                time.sleep(0.1)
        assert body == 200, proc.poll()
    finally:
        proc.send_signal(15)
        out, err = proc.communicate(timeout=30)
    assert f"127.0.0.1:{port}" in out + err


# === 3. a restart between two questions of the form =======================================

async def test_a_restart_mid_form_lets_the_payer_finish_and_file(config, http, tmp_path):
    env = _serve_env(config, tmp_path)
    openid = "o-op7-restart"
    first = Worker("form1", env, tmp_path)
    try:
        await first.ready(http)
        asked = await _platform(http, first, config).say(openid, STORY)
        assert asked and "欢迎" not in asked
    finally:
        await first.stop()
    second = Worker("form2", env, tmp_path, port=first.port)
    try:
        await second.ready(http)
        platform = _platform(http, second, config)
        summary = await finish_form(platform, openid, asked, ANSWERS)
        assert "请核对登记内容" in summary
        done = await platform.say(openid, "确认")
        assert done and "ZY" in done, done
    finally:
        await second.stop()


async def test_two_restarts_in_a_row_keep_the_form(config, http, tmp_path):
    env = _serve_env(config, tmp_path)
    openid = "o-op7-twice"
    port = None
    asked = ""
    for name in ("t1", "t2", "t3"):
        worker = Worker(name, env, tmp_path, port=port)
        port = worker.port
        try:
            await worker.ready(http)
            platform = _platform(http, worker, config)
            if name == "t1":
                asked = await platform.say(openid, STORY)
            else:
                progress = await platform.say(openid, "进度")
                assert progress and "还在登记" in progress, progress
        finally:
            await worker.stop()
    assert asked


# === 4. /healthz, /metrics, /api/stats on a real server ====================================

async def _healthy(http, url: str, seconds: float = 30.0) -> dict:
    """/healthz's JSON once it answers 200: on a loaded machine a slow database check may answer
    503 for a moment, which is what the probe is for (the CI runs beside other work)."""
    end = asyncio.get_running_loop().time() + seconds
    while True:
        async with http.get(url + "/healthz") as resp:
            body = await resp.json()
            if resp.status == 200 or asyncio.get_running_loop().time() > end:
                assert resp.status == 200, body
                return body
        await asyncio.sleep(0.2)


async def test_probes_and_stats_on_a_running_server(config, http, tmp_path):
    env = _serve_env(config, tmp_path)
    worker = Worker("probes", env, tmp_path)
    try:
        await worker.ready(http)
        health = await _healthy(http, worker.url)
        async with http.get(worker.url + "/metrics") as resp:
            assert resp.status == 200 and resp.content_type == "text/plain"
            metrics = await resp.text()
        async with http.get(worker.url + "/api/stats") as resp:
            anonymous = resp.status
        async with http.get(worker.url + "/api/stats",
                            headers={"Authorization": "Bearer wrong"}) as resp:
            wrong = resp.status
        async with http.get(worker.url + "/api/stats", headers=LEADERSHIP) as resp:
            assert resp.status == 200
            stats = await resp.json()
    finally:
        await worker.stop()
    assert health.get("status") == "ok" or health.get("ok") is True
    assert "# TYPE" in metrics and "disputebot_messages_total" in metrics
    assert anonymous == 401 and wrong == 401
    assert "total" in stats


# === 5. help in plain words ================================================================

def test_serve_help_names_the_environment_variables_it_reads(env):
    result = run_cli("serve", "--help", env=env)
    assert result.returncode == 0
    for var in ("DATABASE_URL", "PORT", "WECHAT_TOKEN", "WECHAT_AES_KEY", "WECHAT_APPID",
                "WECHAT_API_BASE", "WECOM_WEBHOOK_BASE"):
        assert var in result.stdout, var


@pytest.mark.parametrize("words", [(), ("serve",), ("stats",), ("db", "upgrade"),
                                   ("case", "list")], ids=lambda w: "-".join(w) or "top")
def test_help_has_no_markup_or_placeholders(env, words):
    result = run_cli(*words, "--help", env=env)
    assert result.returncode == 0 and result.stdout.startswith("usage: disputebot")
    for junk in ("``", ":func:", ":class:", "%(", "==SUPPRESS==", "TODO"):
        assert junk not in result.stdout, (junk, result.stdout)


def test_top_help_says_what_each_command_is_for(env):
    top = run_cli("--help", env=env).stdout
    for command in ("serve", "db", "stats", "case"):
        lines = [line for line in top.splitlines() if line.strip().startswith(command + " ")
                 or line.strip() == command]
        assert lines, command
        assert any(len(line.strip()) > len(command) + 3 for line in lines), (command, top)


# === 6. logs: JSON lines, no phone or ID number in any spelling ===========================

async def test_log_lines_are_json_and_hide_phone_and_id_in_any_spelling(config, http,
                                                                         tmp_path):
    env = _serve_env(config, tmp_path)
    worker = Worker("logs7", env, tmp_path)
    openid = "o-op7-logs"
    try:
        await worker.ready(http)
        platform = _platform(http, worker, config)
        await platform.say(openid, STORY)
        await platform.say(openid, "我电话139-1234-5678，身份证44018319900215321x")
        await platform.say(openid, "电话 139 1234 5678")
        await asyncio.sleep(0.5)
    finally:
        await worker.stop()
    output = worker.log_path.read_text(errors="replace")
    for secret in ("139-1234-5678", "139 1234 5678", "13912345678", "44018319900215321x",
                   "44018319900215321X", openid):
        assert secret not in output, secret
    lines = [line for line in output.splitlines() if line.strip()]
    docs = _json_lines(output)
    assert docs and all({"ts", "level", "event"} <= set(d) for d in docs)
    for line in lines:
        if line.startswith("{"):
            json.loads(line)
