"""Shared fixtures: a config on a temporary database, the fake WeChat API and group robot
webhook on 127.0.0.1, the bot itself, and the platform side that talks to it."""
from __future__ import annotations

import asyncio
import dataclasses
import os

import aiohttp
import pytest

from bot.config import load_config
from bot.simulator import FakeWebhook, FakeWeChatAPI, Platform
from bot.store.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL")


def database_urls() -> list[str]:
    urls = ["sqlite"]
    if PG_URL:
        urls.append("postgresql")
    return urls


@pytest.fixture(scope="session")
def base_config():
    return load_config(env={})


@pytest.fixture(scope="session")
def models(base_config):
    from bot.app import load_models

    return load_models(base_config)


@pytest.fixture
async def fake_api(aiohttp_server):
    fake = FakeWeChatAPI()
    fake.server = await aiohttp_server(fake.app())
    return fake


@pytest.fixture
async def fake_webhook(aiohttp_server):
    fake = FakeWebhook()
    fake.server = await aiohttp_server(fake.app())
    return fake


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite+aiosqlite:///{tmp_path}/bot.db"


@pytest.fixture
async def config(base_config, db_url, fake_api, fake_webhook):
    cfg = dataclasses.replace(
        base_config,
        database_url=db_url,
        api_base=str(fake_api.server.make_url("")).rstrip("/"),
        webhook_base=str(fake_webhook.server.make_url("")).rstrip("/"),
    )
    await asyncio.to_thread(upgrade, db_url)
    return cfg


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def bot_server(aiohttp_server, config, models):
    from bot.app import build_app

    return await aiohttp_server(build_app(config, models=models))


def make_platform(http, server, config, mode="aes") -> Platform:
    return Platform(http, str(server.make_url("/wechat")), config.token, config.aes_key,
                    config.appid, mode)


@pytest.fixture
def platform(http, bot_server, config):
    return make_platform(http, bot_server, config)
