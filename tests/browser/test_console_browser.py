"""The console in a real headless browser: a payer files a case through the gateway, the lead
agency's liaison signs in, filters the list, opens the case and resolves it, and the payer
is notified through the fake WeChat API.

Needs Debian's chromium (/usr/bin/chromium; ``apt-get install -y chromium``) and the
``playwright`` package (the ``test`` extra); Playwright's own browser download is never used.
Without them the test is skipped, unless DISPUTEBOT_REQUIRE_BROWSER=1, when it fails.
"""
from __future__ import annotations

import asyncio
import os
import re

import pytest
from sqlalchemy import select

from bot.store.models import Case
from tests.conftest import make_platform
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000


def browser_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found: apt-get install -y chromium"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "playwright not installed: pip install -e '.[test]'"
    return None


@pytest.fixture
def browser_ready():
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("DISPUTEBOT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DISPUTEBOT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
async def server(browser_ready, aiohttp_server, config, models):
    from bot.app import build_app

    return await aiohttp_server(build_app(config, models=models), host="127.0.0.1")


@pytest.fixture
async def browser_page(browser_ready, tmp_path):
    """A page in a fresh Chromium profile; a screenshot is left in tmp_path at the end."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
            locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.pages[0] if context.pages else await context.new_page()
        try:
            yield page
        finally:
            await page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
            await context.close()


async def file_case(http, server, config, openid: str) -> Case:
    platform = make_platform(http, server, config)
    reply = await say(platform, openid,
                      "我叫王五电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    await finish_form(platform, openid, reply, ANSWERS)
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    return case


async def wait_for_text(fake_api, openid: str, needle: str, timeout: float = 10.0) -> str:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        for text in fake_api.texts_to(openid):
            if needle in text:
                return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"no message with {needle!r}; got {fake_api.texts_to(openid)}")


async def test_liaison_resolves_a_filed_case_in_the_browser(server, browser_page, http, config,
                                                            fake_api):
    openid = "o-browser"
    case = await file_case(http, server, config, openid)
    token = next(t for t, agency in config.agency_tokens().items()
                 if agency == case.lead_agency)
    base = str(server.make_url("/console")).rstrip("/")
    page = browser_page

    await page.goto(base + "/cases")
    assert "/console/login" in page.url
    await page.fill("#token", "wrong-token")
    await page.click("form[action='/console/login'] button[type=submit]")
    await page.wait_for_selector("text=令牌不正确")
    await page.fill("#token", token)
    await page.click("form[action='/console/login'] button[type=submit]")
    await page.wait_for_url(re.compile(r"/console/cases$"))

    await page.select_option("select[name=category]", case.category)
    await page.select_option("select[name=jurisdiction]", case.district)
    await page.click("#filters button[type=submit]")
    await page.wait_for_url(re.compile(r"category=" + case.category))
    row = page.locator(f"tr[data-case='{case.case_no}']")
    await row.wait_for()
    assert await page.locator("tbody tr").count() == 1

    await row.locator("a").click()
    await page.wait_for_url(re.compile(re.escape(case.case_no) + "$"))
    assert "138****5678" in await page.inner_text("#contact")
    assert "欠了我半年社保" in await page.inner_text("#description")

    result = "经核查，宏达电子厂已为您补缴2025年1月至6月社保费。"
    await page.fill("#resolve-result", result)
    await page.click("#form-resolve button[type=submit]")
    await page.wait_for_url(re.compile(r"done=resolve"))
    assert await page.inner_text("#case-status") == "已办结"
    assert result in await page.inner_text("#timeline")

    notice = await wait_for_text(fake_api, openid, result)
    assert case.case_no in notice
    async with server.app["services"].sessionmaker() as session:
        stored = await session.scalar(select(Case).where(Case.id == case.id))
    assert stored.status == "resolved" and stored.resolved_at is not None
