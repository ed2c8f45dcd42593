"""The intake form is servable to a Rasa deployment: run the rasa-sdk action server on our
module and post a webhook request to it, as Rasa would."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys

import pytest

from bot.handlers.intake_form import FORM, domain


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def action_server():
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "rasa_sdk", "--actions", "bot.handlers.intake_form",
        "--port", str(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its Sanic workers are stopped with it (_stop)
    )
    url = f"http://127.0.0.1:{port}"
    import aiohttp

    async with aiohttp.ClientSession() as session:
        for _ in range(150):
            try:
                async with session.get(url + "/health") as resp:
                    if resp.status == 200:
                        break
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        else:
            await _stop(proc)
            pytest.fail("rasa-sdk action server did not start")
        yield session, url
    await _stop(proc)


async def _stop(proc) -> None:
    """SIGTERM to the server's whole process group, SIGKILL if it lingers: killing only the
    main process left Sanic's spawned worker and resource tracker running after the tests."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, signum)
        except ProcessLookupError:
            return
        try:
            await asyncio.wait_for(proc.wait(), 10)
            return
        except asyncio.TimeoutError:
            continue


async def test_action_server_validates_phone_and_requests_next_slot(action_server):
    session, url = action_server
    tracker = {
        "sender_id": "o-rasa",
        "slots": {"description": "公司欠缴社保半年", "category": "employer_arrears",
                  "employer": "宏达电子厂", "jurisdiction": "新塘镇", "name": "张三",
                  "requested_slot": "phone"},
        "latest_message": {"text": "13812345678", "intent": {"name": "other"},
                           "entities": [{"entity": "phone", "value": "13812345678"}]},
        "events": [], "paused": False, "followup_action": None,
        "active_loop": {"name": FORM}, "latest_action_name": "action_listen",
    }
    body = {"next_action": f"validate_{FORM}", "sender_id": "o-rasa", "tracker": tracker,
            "domain": domain(), "version": "3.1.0"}
    async with session.post(url + "/webhook", json=body) as resp:
        assert resp.status == 200
        result = await resp.json()
    slot_events = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert slot_events["phone"] == "13812345678"
    assert slot_events["requested_slot"] == "headcount"


async def test_action_server_rejects_a_bad_phone_with_a_reason(action_server):
    session, url = action_server
    tracker = {
        "sender_id": "o-rasa", "slots": {"requested_slot": "phone"},
        "latest_message": {"text": "123", "intent": {"name": "other"}, "entities": []},
        "events": [], "paused": False, "followup_action": None,
        "active_loop": {"name": FORM}, "latest_action_name": "action_listen",
    }
    body = {"next_action": f"validate_{FORM}", "sender_id": "o-rasa", "tracker": tracker,
            "domain": domain(), "version": "3.1.0"}
    async with session.post(url + "/webhook", json=body) as resp:
        result = await resp.json()
    slot_events = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert slot_events["phone"] is None
    assert any("座机" in r.get("text", "") or "手机" in r.get("text", "")
               for r in result["responses"])
