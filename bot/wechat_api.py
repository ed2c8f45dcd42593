"""One async client for the WeChat server API (customer-service and template messages).

wechatpy's client is synchronous and keeps its token per process; inside the server we
need non-blocking calls and one token shared by every worker, so this thin aiohttp client
takes the token from :class:`bot.store.tokens.TokenStore`.
"""
from __future__ import annotations

import json

import aiohttp

from bot.store.tokens import TokenStore

TOKEN_EXPIRED = {40001, 40014, 42001}


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
    ):
        self._http = session
        self._base = api_base.rstrip("/")
        self._appid = appid
        self._secret = appsecret
        self._tokens = tokens
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def fetch_token(self) -> tuple[str, int]:
        params = {"grant_type": "client_credential", "appid": self._appid, "secret": self._secret}
        async with self._http.get(
            f"{self._base}/cgi-bin/token", params=params, timeout=self._timeout
        ) as resp:
            data = await resp.json(content_type=None)
        if "access_token" not in data:
            raise WeChatAPIError(int(data.get("errcode", -1)), str(data.get("errmsg", "")))
        return data["access_token"], int(data.get("expires_in", 7200))

    async def access_token(self, force: bool = False) -> str:
        return await self._tokens.get(self.fetch_token, force=force)

    async def post(self, path: str, body: dict) -> dict:
        """POST with the shared token; a token the platform reports expired is renewed once."""
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        for attempt in range(2):
            token = await self.access_token(force=attempt > 0)
            async with self._http.post(
                f"{self._base}{path}",
                params={"access_token": token},
                data=data,
                headers={"Content-Type": "application/json; charset=utf-8"},
                timeout=self._timeout,
            ) as resp:
                resp.raise_for_status()
                result = await resp.json(content_type=None)
            errcode = int(result.get("errcode", 0) or 0)
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
