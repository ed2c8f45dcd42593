"""A local stand-in for the WeChat platform, its server API and the WeCom group robots.

Used by ``disputebot chat`` and by the tests: the platform side signs and encrypts with
wechatpy exactly as WeChat does, the fakes listen on 127.0.0.1 and record every request.
"""
from __future__ import annotations

import asyncio
import hashlib
import itertools
import secrets
import time
from dataclasses import dataclass, field

import aiohttp
import xmltodict
from aiohttp import web
from wechatpy.crypto import WeChatCrypto

_msg_ids = itertools.count(int(time.time() * 1000))


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(openid: str, msg_type: str, fields: dict, to: str = "gh_disputebot",
                create_time: int | None = None, msg_id: int | None = None) -> str:
    """Platform XML for a message (``msg_type`` text/voice/image/...) or an event."""
    parts = [
        f"<ToUserName>{_cdata(to)}</ToUserName>",
        f"<FromUserName>{_cdata(openid)}</FromUserName>",
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>",
        f"<MsgType>{_cdata(msg_type)}</MsgType>",
    ]
    for name, value in fields.items():
        parts.append(f"<{name}>{_cdata(str(value))}</{name}>")
    if msg_type != "event":
        parts.append(f"<MsgId>{msg_id or next(_msg_ids)}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def text_xml(openid: str, content: str, **kw) -> str:
    return message_xml(openid, "text", {"Content": content}, **kw)


def voice_xml(openid: str, recognition: str | None, **kw) -> str:
    fields = {"MediaId": "voice-" + secrets.token_hex(4), "Format": "amr"}
    if recognition is not None:
        fields["Recognition"] = recognition
    return message_xml(openid, "voice", fields, **kw)


def image_xml(openid: str, media_id: str, **kw) -> str:
    return message_xml(openid, "image", {"PicUrl": "http://127.0.0.1/pic", "MediaId": media_id},
                       **kw)


def event_xml(openid: str, event: str, key: str | None = None, **kw) -> str:
    fields = {"Event": event}
    if key is not None:
        fields["EventKey"] = key
    return message_xml(openid, "event", fields, **kw)


def sign(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


@dataclass
class Delivery:
    status: int
    body: str
    reply: str | None


class Platform:
    """The WeChat server side of the callback: signs, encrypts, posts, decrypts replies."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str, aes_key: str,
                 appid: str, mode: str = "aes"):
        self.session, self.url, self.token, self.mode = session, url, token, mode
        self.crypto = WeChatCrypto(token, aes_key, appid)

    def query(self, timestamp: str | None = None, nonce: str | None = None) -> dict:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(5)
        q = {"timestamp": timestamp, "nonce": nonce,
             "signature": sign(self.token, timestamp, nonce)}
        if self.mode != "plain":
            q["encrypt_type"] = "aes"
        return q

    def envelope(self, xml: str, query: dict) -> str:
        """The body as the platform sends it in this mode (with msg_signature in query)."""
        if self.mode == "plain":
            return xml
        encrypted = xmltodict.parse(
            self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
        )["xml"]
        query["msg_signature"] = encrypted["MsgSignature"]
        if self.mode == "compat":
            inner = xml[len("<xml>"):-len("</xml>")]
            return f"<xml>{inner}<Encrypt>{_cdata(encrypted['Encrypt'])}</Encrypt></xml>"
        return (f"<xml><ToUserName>{_cdata('gh_disputebot')}</ToUserName>"
                f"<Encrypt>{_cdata(encrypted['Encrypt'])}</Encrypt></xml>")

    async def post(self, xml: str, query: dict | None = None, body: str | bytes | None = None
                   ) -> Delivery:
        query = dict(query or self.query())
        payload = body if body is not None else self.envelope(xml, query)
        async with self.session.post(self.url, params=query, data=payload) as resp:
            text = await resp.text()
            return Delivery(resp.status, text, self.read_reply(text, query)
                            if resp.status == 200 else None)

    def read_reply(self, text: str, query: dict) -> str | None:
        """The text content of a passive reply (decrypted and signature-checked)."""
        if not text or text == "success":
            return None
        if self.mode != "plain":
            doc = xmltodict.parse(text)["xml"]
            text = self.crypto.decrypt_message(
                text, doc["MsgSignature"], doc["TimeStamp"], doc["Nonce"]
            )
        doc = xmltodict.parse(text)["xml"]
        return doc.get("Content")

    async def say(self, openid: str, content: str) -> str | None:
        return (await self.post(text_xml(openid, content))).reply


@dataclass
class Recorder:
    """Requests a fake server received, and the failures it should answer with next."""

    requests: list = field(default_factory=list)
    fail_next: list = field(default_factory=list)
    delay: float = 0.0
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, item) -> None:
        self.requests.append(item)
        self.event.set()

    async def wait_for(self, count: int, timeout: float = 15.0) -> list:
        """Wait until at least ``count`` requests arrived; the ceiling is generous because a
        loaded CI machine on PostgreSQL once took over 5 s for eleven cards."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while len(self.requests) < count:
            self.event.clear()
            remaining = end - loop.time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except asyncio.TimeoutError:
                break
        return self.requests


class FakeWeChatAPI:
    """Token, customer-service, template and menu endpoints of the WeChat server API."""

    def __init__(self):
        self.tokens = Recorder()
        self.messages = Recorder()
        self.templates = Recorder()
        self.menus = Recorder()
        self._serial = itertools.count(1)
        self.current_token: str | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom)
        app.router.add_post("/cgi-bin/message/template/send", self._template)
        app.router.add_post("/cgi-bin/menu/create", self._menu)
        return app

    async def _token(self, request: web.Request) -> web.Response:
        self.tokens.record(dict(request.query))
        self.current_token = f"token-{next(self._serial)}"
        return web.json_response({"access_token": self.current_token, "expires_in": 7200})

    async def _guarded(self, request: web.Request, recorder: Recorder) -> web.Response:
        body = await request.json()
        if recorder.delay:
            await asyncio.sleep(recorder.delay)
        if recorder.fail_next:
            failure = recorder.fail_next.pop(0)
            if isinstance(failure, int) and 400 <= failure < 600:
                return web.Response(status=failure)
            return web.json_response({"errcode": failure, "errmsg": "fake failure"})
        if request.query.get("access_token") != self.current_token:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        recorder.record(body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _custom(self, request):
        return await self._guarded(request, self.messages)

    async def _template(self, request):
        return await self._guarded(request, self.templates)

    async def _menu(self, request):
        return await self._guarded(request, self.menus)

    def texts_to(self, openid: str) -> list[str]:
        return [m["text"]["content"] for m in self.messages.requests
                if m.get("touser") == openid and m.get("msgtype") == "text"]


class FakeWebhook:
    """WeCom group robot webhook: records posts per key; answers errcodes on demand."""

    def __init__(self):
        self.posts = Recorder()
        self.down = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/cgi-bin/webhook/send", self._send)
        return app

    async def _send(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503)
        body = await request.json()
        if self.posts.delay:
            await asyncio.sleep(self.posts.delay)
        if self.posts.fail_next:
            failure = self.posts.fail_next.pop(0)
            if isinstance(failure, int) and 400 <= failure < 600:
                return web.Response(status=failure)
            return web.json_response({"errcode": failure, "errmsg": "fake failure"})
        self.posts.record({"key": request.query.get("key"), "body": body})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def to_key(self, key: str) -> list[dict]:
        return [p["body"] for p in self.posts.requests if p["key"] == key]
