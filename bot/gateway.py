"""The WeChat callback: verify, decrypt, deduplicate, race the handler against the 5 s
rule, and answer with an (encrypted) passive reply.

The gateway knows nothing of NLU or dialogue: it hands an :class:`Inbound` to one
``handle`` coroutine and gets back the texts to say.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from xml.parsers.expat import ExpatError

from aiohttp import web
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply

from bot.config import Config
from bot.inbound import Inbound, from_wechat
from bot.metrics import observe_handler_error, observe_late_reply, observe_message
from bot.privacy import hash_openid
from bot.reply_split import split_reply
from bot.store.dedup import RENEW_SECONDS, DedupStore
from bot.store.outage import database_down
from bot.wechat_xml import flat_fields, read_message

log = logging.getLogger("disputebot.gateway")

Handle = Callable[[Inbound], Awaitable[list[str]]]
SendLater = Callable[[str, list[str]], Awaitable[None]]
NOT_XML = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
"""C0 controls XML 1.0 forbids even in CDATA; a payer can paste them (a backspace, a
vertical tab) and a message that carried one would be unreadable and lost."""
HAS_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Whether :data:`NOT_XML` has anything to drop: ``str.translate`` with a dict looks up
every character (~13 µs for a message), the search ~1 µs."""
DRAIN_SECONDS = 10.0
"""How long shutdown waits for late replies (within the supervisor's STOP_TIMEOUT after
aiohttp's own 60 s)."""
DECLARED = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
ENCRYPTED = b"encrypted"
"""What :class:`NonceLog` keeps for an encrypted callback (no SHA-256 digest is this short)."""
STALL_SECONDS = 2.0
"""A claim (a message's first write) waiting this long means the database does not take
writes (another process holds its lock): /healthz reports it, though SELECT 1 still works."""
SORRY = "抱歉，系统刚才开了个小差，请稍后再发一次。您已经填写的内容都还在。"


SIGNED_PARAMS = ("signature", "timestamp", "nonce", "msg_signature", "encrypt_type", "echostr")
"""Query parameters the answer depends on. One given twice with two values (a relay that
appends its own) is refused: which one counts would depend on who reads the query."""


def _ambiguous(query) -> bool:
    return any(len(set(query.getall(name, ()))) > 1 for name in SIGNED_PARAMS)


async def _answer_and_hang_up(request: web.Request, response: web.Response) -> web.Response:
    """Send ``response`` and close the connection at once: aiohttp would otherwise keep
    reading the unread body of a stalled client for up to 10 s (its lingering close)."""
    await response.prepare(request)
    await response.write_eof()
    request.protocol.force_close()
    return response


class StoreUnavailable(Exception):
    """The database cannot record or handle the message: answer 503 so the platform
    resends it."""


def waiting_in(task: asyncio.Task) -> str:
    """Where a suspended task waits, innermost first (``module.function:line`` of each
    coroutine on its await chain): a late reply's log line then says what it waited for."""
    places = []
    awaited = task.get_coro()
    while awaited is not None and len(places) < 12:
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
        if frame is not None:
            module = frame.f_globals.get("__name__", "?")
            places.append(f"{module}.{frame.f_code.co_name}:{frame.f_lineno}")
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
    return " < ".join(reversed(places)) or "?"


def cdata_safe(content: str) -> str:
    """wechatpy puts the reply in one CDATA section: a "]]>" quoted from what the payer
    typed would end it and break the reply's XML. Split there into two sections."""
    return content.replace("]]>", "]]]]><![CDATA[>")


def _addressed_elsewhere(envelope: dict | None, message) -> bool:
    """The envelope names one account and the signed message inside another: a message
    copied from another account's traffic, not one the platform sent us."""
    outer = (envelope or {}).get("ToUserName")
    inner = getattr(message, "target", None)
    return bool(outer and inner and outer != inner)


def decode_body(body: bytes) -> str:
    """UTF-8, as the platform sends it; a relay that re-encodes the body (GBK) says so in
    the XML declaration, or does not: a body that is no UTF-8 and declares nothing is tried
    as GB18030 before it is refused. GB2312 and GBK are read as GB18030, which contains them."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        declared = DECLARED.match(body)
        if declared is None:
            return body.decode("gb18030")
        codec = declared.group(1).decode("ascii").lower()
        return body.decode("gb18030" if codec.startswith("gb") else codec)


class NonceLog:
    """The body each (timestamp, nonce) was signed for. In plaintext mode the signature
    covers neither the body nor the sender, so a captured query must not carry another
    message; the platform's own resends repeat the body and pass. Kept for as long as a
    timestamp is accepted in this process, and in the database (``shared``) for every
    worker: a plaintext callback new to this process waits for its record (written in the
    group commit with the claims), an encrypted one only queues its marker."""

    def __init__(self, window: float, shared: DedupStore | None = None):
        self._window = 2 * window
        self._seen: OrderedDict[tuple[str, str], tuple[float, bytes, asyncio.Future | None]]
        self._seen = OrderedDict()
        self._shared = shared

    async def same_body(self, timestamp: str, nonce: str, body: bytes | None) -> bool:
        """``body`` None: an encrypted callback (its msg_signature covers the body). Its
        query, captured and stripped of encrypt_type, must not carry a plaintext body."""
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values()))[0] < now - self._window:
            self._seen.popitem(last=False)
        digest = ENCRYPTED if body is None else hashlib.sha256(body).digest()
        seen = self._seen.get((timestamp, nonce))
        if seen is not None:  # a resend (checked the first time) or a replay
            if not hmac.compare_digest(seen[1], digest):
                return False
            return True if seen[2] is None else await asyncio.shield(seen[2])
        if self._shared is None:
            self._seen[(timestamp, nonce)] = (now, digest, None)
            return True
        key = hashlib.sha256(f"{timestamp}\x1f{nonce}".encode()).hexdigest()
        if body is None:
            self._seen[(timestamp, nonce)] = (now, digest, None)
            self._shared.note_nonce_soon(key, ENCRYPTED.decode())
            return True
        # A task of its own: a request cancelled while waiting (the platform hung up) must
        # not leave the copies after it waiting on a verdict nobody gives.
        verdict = asyncio.ensure_future(self._shared_verdict(timestamp, nonce, key, digest, now))
        self._seen[(timestamp, nonce)] = (now, digest, verdict)
        return await asyncio.shield(verdict)

    async def _shared_verdict(self, timestamp: str, nonce: str, key: str, digest: bytes,
                              now: float) -> bool:
        try:
            recorded = await self._shared.record_nonce(key, digest.hex())
        except Exception as exc:  # noqa: BLE001 - the claim that follows meets it too
            log.warning("shared nonce check failed (%s)", exc.__class__.__name__)
            return True
        if recorded == digest.hex():
            return True
        # Another worker had it first: its body is the one the platform's resends carry.
        try:
            first = bytes.fromhex(recorded)
        except ValueError:  # the encrypted marker
            first = recorded.encode()
        self._seen[(timestamp, nonce)] = (now, first, None)
        return False


def _signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


class _QuickPrefixPrp(PrpCrypto):
    """The 16 random characters before each encrypted reply (the platform skips them) from
    one ``os.urandom`` call: wechatpy's ``random.sample`` of letters and digits took ~4 µs
    of Python per reply, this ~0.5 µs; still 16 letters and digits."""

    def get_random_string(self) -> str:
        return os.urandom(8).hex()


class _OneCipherCrypto(WeChatCrypto):
    """wechatpy's crypto with one AES-CBC cipher for the key, not a new one per message
    (``PrpCrypto`` is stateless: each call makes its own encryptor/decryptor)."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str):
        super().__init__(token, encoding_aes_key, app_id)
        self._prp = _QuickPrefixPrp(self.key)

    def _prp_for(self, _key: bytes) -> PrpCrypto:
        return self._prp

    def encrypt_message(self, msg, nonce, timestamp=None):
        return self._encrypt_message(msg, nonce, timestamp, self._prp_for)

    def decrypt_message(self, msg, signature, timestamp, nonce):
        return self._decrypt_message(msg, signature, timestamp, nonce, self._prp_for)


class Gateway:
    def __init__(
        self,
        config: Config,
        handle: Handle,
        dedup: DedupStore,
        send_later: SendLater,
        notice: Callable[[Inbound], bool] = lambda _inbound: False,
        prepare: Callable[[Inbound], None] = lambda _inbound: None,
    ):
        """``notice``: what the platform only reports (no payer's turn): answered
        ``success`` at once, without a claim or the handler. ``prepare``: called just
        before a message is claimed, to queue the handler's first reads beside the claim."""
        self._config = config
        self._notice = notice
        self._prepare = prepare
        self._handle = handle
        self._dedup = dedup
        self._send_later = send_later
        self._crypto = _OneCipherCrypto(config.token, config.aes_key, config.appid)
        self._inflight: dict[str, asyncio.Future] = {}
        self._background: set[asyncio.Task] = set()
        self._nonces = NonceLog(config.timestamp_tolerance, dedup)
        self._claiming: dict[int, float] = {}
        self._store_failed: tuple[float, str] | None = None

    def store_trouble(self) -> str | None:
        """Why messages cannot be recorded right now (writes stalled, or failed within the
        last few seconds), for /healthz; None when they can."""
        now = time.monotonic()
        if self._claiming:
            waited = now - min(self._claiming.values())
            if waited > STALL_SECONDS:
                return f"writes waiting {waited:.0f}s"
        if self._store_failed is not None and now - self._store_failed[0] < 2 * STALL_SECONDS:
            return self._store_failed[1]
        return None

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/wechat", self.verify), web.post("/wechat", self.receive)]

    def _check_signature(self, request: web.Request) -> bool:
        q = request.query
        signature, timestamp, nonce = q.get("signature"), q.get("timestamp"), q.get("nonce")
        if not (signature and timestamp and nonce):
            return False
        try:
            skew = abs(time.time() - int(timestamp))
        except (ValueError, OverflowError):  # OverflowError: hundreds of digits
            return False
        if skew > self._config.timestamp_tolerance:
            return False
        expected = _signature(self._config.token, timestamp, nonce)
        # As bytes: compare_digest refuses str with non-ASCII characters (TypeError, a 500).
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))

    async def verify(self, request: web.Request) -> web.Response:
        """URL verification when the server address is saved in the platform console."""
        if _ambiguous(request.query):
            return web.Response(status=400, text="ambiguous query")
        if not self._check_signature(request):
            return web.Response(status=403, text="invalid signature")
        echostr = request.query.get("echostr")
        if not echostr:
            return web.Response(status=400, text="missing echostr")
        return web.Response(text=echostr)

    async def _read_body(self, request: web.Request) -> bytes | None:
        """The body, or None past ``max_body_bytes``. The whole read has one deadline
        (``body_timeout``): a client that sends the headers and then stalls, or trickles the
        body, must not hold a connection and a handler open indefinitely."""
        limit = self._config.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            return None
        content = request.content
        if content.is_eof():  # all of it came with the headers: nothing to wait for
            body = content.read_nowait()
            return None if len(body) > limit else body
        body = bytearray()
        async with asyncio.timeout(self._config.body_timeout):
            async for chunk in request.content.iter_chunked(8192):
                body.extend(chunk)
                if len(body) > limit:
                    return None
        return bytes(body)

    async def receive(self, request: web.Request) -> web.Response:
        try:
            body = await self._read_body(request)
        except TimeoutError:
            log.warning("rejected callback: body not received within %ss",
                        self._config.body_timeout)
            return await _answer_and_hang_up(request, web.Response(
                status=408, text="request timeout", headers={"Connection": "close"}))
        if body is None:
            return web.Response(status=413, text="body too large")
        if _ambiguous(request.query):
            log.warning("rejected callback: a signed parameter given twice with two values")
            return web.Response(status=400, text="ambiguous query")
        if not self._check_signature(request):
            log.warning("rejected callback: bad signature or timestamp")
            return web.Response(status=403, text="invalid signature")
        q = request.query
        encrypted = q.get("encrypt_type", "raw").lower() == "aes"
        if not await self._nonces.same_body(q["timestamp"], q["nonce"],
                                            None if encrypted else body):
            log.warning("rejected callback: nonce reused for another body")
            return web.Response(status=403, text="nonce reused")
        try:
            if encrypted:
                envelope = flat_fields(body)
                xml = self._crypto.decrypt_message(
                    body if envelope is None else envelope, q.get("msg_signature", ""),
                    q["timestamp"], q["nonce"]
                )
            else:
                xml = decode_body(body)
            if HAS_NOT_XML.search(xml):
                xml = xml.translate(NOT_XML)
            message = read_message(xml)
            if message is None:
                raise ValueError("empty message")
            if encrypted and _addressed_elsewhere(envelope, message):
                log.warning("rejected callback: encrypted message for another account")
                return web.Response(status=400, text="wrong recipient")
            inbound = from_wechat(message)
        except InvalidSignatureException:
            log.warning("rejected callback: bad msg_signature")
            return web.Response(status=403, text="invalid msg_signature")
        except InvalidAppIdException:
            log.warning("rejected callback: payload for another appid")
            return web.Response(status=400, text="wrong appid")
        except (ExpatError, KeyError, ValueError, TypeError, UnicodeDecodeError,
                LookupError) as exc:
            log.warning("rejected callback: unreadable payload (%s)", exc.__class__.__name__)
            return web.Response(status=400, text="bad request")
        except Exception as exc:  # noqa: BLE001 - any decrypt failure is the sender's fault
            log.warning("rejected callback: cannot decrypt (%s)", exc.__class__.__name__)
            return web.Response(status=400, text="bad request")
        if not inbound.openid:
            return web.Response(status=400, text="no sender")
        if self._notice(inbound):
            observe_message(inbound.kind, inbound.event)
            return web.Response(text="success")
        try:
            reply = await self._reply_for(inbound)
        except StoreUnavailable as exc:
            self._store_failed = (time.monotonic(), exc.__cause__.__class__.__name__)
            log.warning("database unavailable (%s): asking the platform to resend",
                        exc.__cause__.__class__.__name__)
            return web.Response(status=503, text="retry later")
        if not reply:
            return web.Response(text="success")
        xml_reply = TextReply(
            source=message.target, target=message.source, content=cdata_safe(reply)
        ).render()
        if encrypted:
            xml_reply = self._crypto.encrypt_message(xml_reply, q["nonce"], q["timestamp"])
        return web.Response(text=xml_reply, content_type="application/xml")

    async def _reply_for(self, inbound: Inbound) -> str | None:
        """The passive reply text, or None for ``success``. Runs the handler at most once."""
        key = inbound.dedup_key
        budget = self._config.reply_budget
        running = self._inflight.get(key)
        if running is not None:
            try:
                return await asyncio.wait_for(asyncio.shield(running), budget)
            except Exception:  # noqa: BLE001 - timeout or failure: the first copy answers
                return None
        loop = asyncio.get_running_loop()
        started = loop.time()
        self._prepare(inbound)
        try:
            seen = await self._claim(key)
            if seen is not None and seen.state == "processing":
                seen = await self._dedup.wait_done(key, budget)
                if seen is None or seen.abandoned:  # released, or its worker died: ours now?
                    self._prepare(inbound)  # what was read beside the first claim is old
                    seen = await self._claim(key)
        except Exception as exc:
            raise StoreUnavailable from exc
        if seen is not None:
            return seen.reply if seen.state == "replied" else None

        future: asyncio.Future = loop.create_future()
        self._inflight[key] = future
        task = asyncio.create_task(self._run(inbound))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        try:
            texts = await asyncio.wait_for(asyncio.shield(task), budget)
            if loop.time() - started > budget:  # the claim and the handler took longer
                raise asyncio.TimeoutError
        except StoreUnavailable:
            self._settle(key, future, None)
            self._spawn(self._dedup.release(key))
            raise
        except asyncio.TimeoutError:
            observe_late_reply()
            log.info("reply late for %s (waiting in %s), sending via customer-service API",
                     hash_openid(inbound.openid), waiting_in(task))
            task.add_done_callback(lambda t: self._deliver_late(inbound, key, t, future))
            return None
        first = texts[0] if texts else None
        self._dedup.finish_soon(key, "replied", first)
        self._settle(key, future, first)
        if len(texts) > 1:
            self._spawn(self._send_later(inbound.openid, texts[1:]))
        return first

    async def _claim(self, key: str):
        """:meth:`DedupStore.claim`, timed for :meth:`store_trouble`."""
        ticket = object()
        self._claiming[id(ticket)] = time.monotonic()
        try:
            return await self._dedup.claim(key)
        finally:
            del self._claiming[id(ticket)]

    async def _run(self, inbound: Inbound) -> list[str]:
        try:
            texts = await self._handle(inbound)
        except Exception as exc:
            if database_down(exc):
                raise StoreUnavailable from exc
            log.exception("handler failed for %s", hash_openid(inbound.openid))
            observe_handler_error()
            texts = [SORRY]
        chunks: list[str] = []
        for text in texts or []:
            chunks.extend(split_reply(text))
        return chunks

    def _deliver_late(self, inbound: Inbound, key: str, task: asyncio.Task, future) -> None:
        """The platform got ``success`` already and will not resend: whatever happened, the
        payer hears the answer (or, the database having failed meanwhile, the apology)."""
        if task.cancelled():
            texts = []
        elif task.exception() is not None:
            texts = [SORRY]
        else:
            texts = task.result()

        async def finish() -> None:
            await self._record(key, "deferred")
            self._settle(key, future, None)
            if texts:
                await self._send_later(inbound.openid, texts)

        self._spawn(finish())

    async def _record(self, key: str, state: str, reply: str | None = None) -> None:
        """Remember the outcome for resends; if the database fails now, the reply still goes
        out and the in-process record still stops a resend to this worker."""
        try:
            await self._dedup.finish(key, state, reply)
        except Exception as exc:  # noqa: BLE001 - logged; the payer's reply matters more
            log.warning("recording message outcome failed (%s)", exc.__class__.__name__)

    def _settle(self, key: str, future: asyncio.Future, reply: str | None) -> None:
        if not future.done():
            future.set_result(reply)
        self._inflight.pop(key, None)

    def _spawn(self, coro) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def renew_claims(self, every: float = RENEW_SECONDS) -> None:
        """Renew the claims of the messages in flight, so no other worker takes them over
        (:data:`bot.store.dedup.LEASE`)."""
        while True:
            await asyncio.sleep(every)
            try:
                await self._dedup.renew(list(self._inflight))
            except Exception as exc:  # noqa: BLE001 - retried at the next round
                log.warning("renewing message claims failed (%s)", exc.__class__.__name__)

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Let late replies finish before shutdown; a handler still stuck after ``timeout``
        is logged with where it waits and cancelled, so a hang cannot stop the shutdown."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._background:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                for task in list(self._background):
                    log.warning("shutdown: cancelling a reply still waiting in %s",
                                waiting_in(task))
                    task.cancel()
                await asyncio.gather(*list(self._background), return_exceptions=True)
                return
            await asyncio.wait(list(self._background), timeout=left)
