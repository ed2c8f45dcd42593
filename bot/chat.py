"""``disputebot chat``: talk to the bot as a payer, through the real signed and encrypted
gateway, with the WeChat API and the group robots faked on 127.0.0.1 so that late replies
and what the liaison groups receive are printed too."""
from __future__ import annotations

import asyncio
import dataclasses
import sys

import aiohttp
from aiohttp import web

from bot.config import Config
from bot.simulator import FakeWebhook, FakeWeChatAPI, Platform, event_xml, image_xml, text_xml
from bot.store.db import is_sqlite

HELP = "（输入文字发送；/关注 模拟关注；/图片 发送一张图片；/菜单 键名 点菜单；/退出 结束）"


async def _start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


def _print_new(label: str, items: list, seen: int, render) -> int:
    for item in items[seen:]:
        print(f"{label}{render(item)}")
    return len(items)


async def _read_line(prompt: str) -> str | None:
    line = await asyncio.to_thread(lambda: (print(prompt, end="", flush=True),
                                            sys.stdin.readline())[1])
    return None if line == "" else line.rstrip("\n")


async def run_chat(config: Config, openid: str, mode: str = "aes") -> int:
    from bot.app import build_app
    from bot.store.migrate import upgrade

    fake_api, fake_hook = FakeWeChatAPI(), FakeWebhook()
    runners = []
    api_runner, api_base = await _start(fake_api.app())
    hook_runner, hook_base = await _start(fake_hook.app())
    runners += [api_runner, hook_runner]
    config = dataclasses.replace(config, api_base=api_base, webhook_base=hook_base)
    if is_sqlite(config.database_url):
        await asyncio.to_thread(upgrade, config.database_url)
    bot_runner, bot_base = await _start(build_app(config))
    runners.append(bot_runner)
    seen_cs = seen_hook = 0
    print(f"与缴费服务号对话（openid={openid}）{HELP}")
    try:
        async with aiohttp.ClientSession() as session:
            platform = Platform(session, bot_base + "/wechat", config.token, config.aes_key,
                                config.appid, mode)
            while True:
                line = await _read_line("你> ")
                if line is None or line.strip() in ("/退出", "/quit", "/exit"):
                    break
                if not line.strip():
                    continue
                if line.startswith("/关注"):
                    xml = event_xml(openid, "subscribe")
                elif line.startswith("/图片"):
                    xml = image_xml(openid, "media-terminal-" + str(seen_cs + seen_hook))
                elif line.startswith("/菜单"):
                    xml = event_xml(openid, "CLICK", (line.split() + ["FILE_DISPUTE"])[1])
                else:
                    xml = text_xml(openid, line)
                delivery = await platform.post(xml)
                if delivery.status != 200:
                    print(f"[HTTP {delivery.status}] {delivery.body}")
                elif delivery.reply:
                    print(f"服务号> {delivery.reply}")
                await asyncio.sleep(0.3)
                seen_cs = _print_new("服务号(客服消息)> ", fake_api.texts_to(openid), seen_cs,
                                     str)
                seen_hook = _print_new("[联络群收到] ", fake_hook.posts.requests, seen_hook,
                                       lambda p: f"key={p['key']}\n{_content(p['body'])}")
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
    return 0


def _content(body: dict) -> str:
    kind = body.get("msgtype", "")
    return str((body.get(kind) or {}).get("content", body))
