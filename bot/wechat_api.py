"""One async client for the WeChat server API (customer-service and template messages).

wechatpy's client is synchronous and keeps its token per process; inside the server we
need non-blocking calls and one token shared by every worker, so this thin aiohttp client
takes the token from :class:`bot.store.tokens.TokenStore`.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import aiohttp

from bot.store.tokens import MARGIN, TokenStore

TOKEN_EXPIRED = {40001, 40014, 42001}
UNREADABLE = -3  # our code, not WeChat's: the answer was not a WeChat JSON answer
# After a failed token fetch, wait this long (doubling per failure, up to the cap) before the
# next one: fetches are limited to 2000 a day, and every pending notice would ask for one.
TOKEN_RETRY_SECONDS = 5.0
TOKEN_RETRY_CAP = 300.0
TOKEN_LIFETIME = 7200
"""Seconds a token lives, as documented; used when the answer's ``expires_in`` is no usable
number of seconds."""


class WeChatAPIError(Exception):
    def __init__(self, errcode: int, errmsg: str = ""):
        super().__init__(f"wechat api errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatAPI:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_base: str,
        appid: str,
        appsecret: str,
        tokens: TokenStore,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._http = session
        self._base = api_base.rstrip("/")
        self._appid = appid
        self._secret = appsecret
        self._tokens = tokens
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock
        self._token_failures = 0
        self._token_error: WeChatAPIError | None = None
        self._token_hold_until = 0.0
        self._renewing = asyncio.Lock()

    async def fetch_token(self) -> tuple[str, int]:
        """A new token; an answer that is not one (HTTP error page, errcode) raises
        :class:`WeChatAPIError`, and the next fetch waits (see ``TOKEN_RETRY_SECONDS``)."""
        if self._token_error is not None and self._clock() < self._token_hold_until:
            raise WeChatAPIError(self._token_error.errcode, self._token_error.errmsg)
        try:
            token = await self._fetch_token()
        except (WeChatAPIError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            self._hold_token_fetches(exc)
            raise
        self._token_failures, self._token_error = 0, None
        return token

    async def _fetch_token(self) -> tuple[str, int]:
        params = {"grant_type": "client_credential", "appid": self._appid, "secret": self._secret}
        async with self._http.get(
            f"{self._base}/cgi-bin/token", params=params, timeout=self._timeout,
            allow_redirects=False,
        ) as resp:
            data = await _read_json(resp)
        if not isinstance(data.get("access_token"), str) or not data["access_token"]:
            raise WeChatAPIError(_errcode(data, -1), f"no token: {data.get('errmsg', '')}")
        return data["access_token"], token_lifetime(data.get("expires_in"))

    def _hold_token_fetches(self, exc: Exception) -> None:
        self._token_failures += 1
        hold = min(TOKEN_RETRY_CAP, TOKEN_RETRY_SECONDS * 2 ** (self._token_failures - 1))
        self._token_hold_until = self._clock() + hold
        self._token_error = exc if isinstance(exc, WeChatAPIError) else WeChatAPIError(
            UNREADABLE, f"token endpoint: {exc.__class__.__name__}")

    async def access_token(self, force: bool = False) -> str:
        return await self._tokens.get(self.fetch_token, force=force)

    async def _renewed(self, rejected: str) -> str:
        """A token to replace ``rejected``. Sends that met the same expiry at once renew it
        once: each fetch ends the token before it, so a second would reject the first."""
        async with self._renewing:
            current = await self.access_token()
            if current != rejected:
                return current
            return await self.access_token(force=True)

    async def post(self, path: str, body: dict) -> dict:
        """POST with the shared token; a token the platform reports expired is renewed once."""
        # "replace": half a surrogate pair (a relay's UTF-7) must not keep the text from going.
        data = json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")
        token = await self.access_token()
        for attempt in range(2):
            if attempt:
                token = await self._renewed(token)
            async with self._http.post(
                f"{self._base}{path}",
                params={"access_token": token},
                data=data,
                headers={"Content-Type": "application/json; charset=utf-8"},
                timeout=self._timeout,
                allow_redirects=False,  # a redirect would carry the payer's text elsewhere
            ) as resp:
                resp.raise_for_status()
                result = await _read_json(resp, sent=True)
            errcode = _errcode(result, UNREADABLE)
            if errcode == UNREADABLE:
                raise WeChatAPIError(UNREADABLE, "answer has no errcode (may have been delivered)")
            if errcode in TOKEN_EXPIRED and attempt == 0:
                continue
            if errcode:
                raise WeChatAPIError(errcode, str(result.get("errmsg", "")))
            return result
        raise WeChatAPIError(42001, "access token expired twice")

    async def send_text(self, openid: str, content: str) -> dict:
        return await self.post(
            "/cgi-bin/message/custom/send",
            {"touser": openid, "msgtype": "text", "text": {"content": content}},
        )

    async def send_template(self, openid: str, template_id: str, data: dict) -> dict:
        fields = {k: {"value": v} for k, v in data.items()}
        return await self.post(
            "/cgi-bin/message/template/send",
            {"touser": openid, "template_id": template_id, "data": fields},
        )


async def _read_json(resp: aiohttp.ClientResponse, sent: bool = False) -> dict:
    """The JSON object of a 200 answer; a proxy's error page or a cut body raises
    :class:`WeChatAPIError` (``UNREADABLE``), saying whether the message may have gone out."""
    maybe = " (may have been delivered)" if sent else ""
    if resp.status != 200:
        raise WeChatAPIError(UNREADABLE, f"http {resp.status}{maybe}")
    try:
        data = await resp.json(content_type=None)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise WeChatAPIError(UNREADABLE, f"answer is not a JSON object{maybe}")
    return data


def _errcode(data: dict, default: int) -> int:
    """``errcode`` as a number; absent, ``default``; null or not a number, ``UNREADABLE``
    (a proxy's ``{}`` or ``{"errcode": null}`` is no proof that a message went out)."""
    try:
        return int(data.get("errcode", default))
    except (TypeError, ValueError, OverflowError):
        return UNREADABLE


def token_lifetime(value) -> int:
    """``expires_in`` in seconds. Missing, not a number, or too short to outlive the
    renewal margin (0, negative), or absurdly long: the documented lifetime. A token that
    really expires sooner is renewed on the 40001/42001 it then gets."""
    try:
        seconds = int(value)
    except (TypeError, ValueError, OverflowError):
        return TOKEN_LIFETIME
    if seconds <= MARGIN.total_seconds() or seconds > 10 * TOKEN_LIFETIME:
        return TOKEN_LIFETIME
    return seconds
