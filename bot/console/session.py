"""Console sessions as signed cookies, and the CSRF tokens bound to them.

Several workers may serve the console, so a session must be readable by any of them without
shared memory: the cookie itself carries the agency, a random session id and the expiry,
signed with HMAC-SHA256. The key is derived from the configuration secrets (WeChat token,
app secret and every agency token), so all workers agree on it and changing any token ends
every session. The cookie also carries a short fingerprint of the agency's current token:
rotating one agency's token ends that agency's sessions at once.

A visitor who has not signed in gets an anonymous session (no agency) so that the sign-in
form, too, carries a CSRF token. Signing in issues a new session id (no fixation).
The CSRF token is HMAC(key, "csrf" + session id): per session, nothing stored.

A search by phone or ID number travels in links as a sealed token (AES-GCM under a key
derived from the same secrets, bound to the session id): the number never shows in a URL,
an access log or the browser history, and a copied link is useless to another session.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

COOKIE = "disputebot_console"
COOKIE_PATH = "/console"
LIFETIME_SECONDS = 8 * 3600  # one working day; then sign in again


def derive_key(config: Any) -> bytes:
    """The signing key, the same in every worker that reads the same configuration."""
    parts = [b"disputebot/console/v1", str(config.token).encode(),
             str(getattr(config, "appsecret", "")).encode()]
    parts += [t.encode() for t in sorted(config.agency_tokens())]
    return hashlib.sha256(b"\0".join(parts)).digest()


def token_fingerprint(token: str) -> str:
    return hashlib.sha256(b"disputebot/console/fp\0" + token.encode()).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    sid: str
    agency: str | None  # None: anonymous (only the sign-in page)
    expires: int
    fingerprint: str = ""

    @property
    def signed_in(self) -> bool:
        return self.agency is not None


class SessionCodec:
    """Signs, verifies and authenticates sessions for one configuration."""

    def __init__(self, config: Any, lifetime: int = LIFETIME_SECONDS):
        self._key = derive_key(config)
        self._tokens = config.agency_tokens()  # token → agency
        self.lifetime = lifetime

    # --- tokens ---------------------------------------------------------------------

    def agency_for_token(self, token: str) -> str | None:
        """The agency a sign-in token names; compares against every token (no timing hint)."""
        token = (token or "").strip()
        found = None
        for known, agency in self._tokens.items():
            if hmac.compare_digest(known.encode("utf-8"), token.encode("utf-8")) and token:
                found = agency
        return found

    def _fingerprint_of(self, agency: str) -> str | None:
        for token, key in self._tokens.items():
            if key == agency:
                return token_fingerprint(token)
        return None

    # --- sessions -------------------------------------------------------------------

    def new(self, agency: str | None = None, now: float | None = None) -> Session:
        now = time.time() if now is None else now
        fp = self._fingerprint_of(agency) if agency else ""
        return Session(sid=secrets.token_urlsafe(18), agency=agency,
                       expires=int(now) + self.lifetime, fingerprint=fp or "")

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"session\0" + payload, hashlib.sha256).digest()

    def dump(self, session: Session) -> str:
        payload = json.dumps({"s": session.sid, "a": session.agency, "e": session.expires,
                              "f": session.fingerprint}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def load(self, cookie: str | None, now: float | None = None) -> Session | None:
        """The session in ``cookie``, or None when it is forged, expired or revoked."""
        if not cookie or "." not in cookie:
            return None
        body, _, sig = cookie.partition(".")
        try:
            payload, signature = _unb64(body), _unb64(sig)
        except (ValueError, TypeError):
            return None
        if not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            data = json.loads(payload)
            session = Session(sid=str(data["s"]), agency=data["a"], expires=int(data["e"]),
                              fingerprint=str(data.get("f") or ""))
        except (ValueError, KeyError, TypeError):
            return None
        if session.expires <= (time.time() if now is None else now):
            return None
        if session.agency is not None:
            current = self._fingerprint_of(session.agency)
            if current is None or not hmac.compare_digest(current, session.fingerprint):
                return None  # agency removed or its token rotated
        return session

    # --- sealed search terms -----------------------------------------------------------

    def _sealer(self) -> AESGCM:
        return AESGCM(hmac.new(self._key, b"search", hashlib.sha256).digest())

    def seal(self, session: Session, text: str) -> str:
        nonce = secrets.token_bytes(12)
        return _b64(nonce + self._sealer().encrypt(nonce, text.encode("utf-8"),
                                                   session.sid.encode()))

    def unseal(self, session: Session, token: str | None) -> str | None:
        """The text sealed for this session, or None (forged, foreign or garbled)."""
        try:
            raw = _unb64(token or "")
            if len(raw) <= 12:
                return None
            return self._sealer().decrypt(raw[:12], raw[12:], session.sid.encode()).decode()
        except (ValueError, TypeError, InvalidTag, UnicodeDecodeError):
            return None

    # --- CSRF -----------------------------------------------------------------------

    def csrf_token(self, session: Session) -> str:
        return _b64(hmac.new(self._key, b"csrf\0" + session.sid.encode(),
                             hashlib.sha256).digest())

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token:
            return False
        return hmac.compare_digest(self.csrf_token(session), str(token))
