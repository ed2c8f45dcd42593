"""What every console page shares: its state, the session check, CSRF and error pages.

:func:`page` wraps each handler so no page can forget a check: without a signed-in session
a GET is redirected to the sign-in page (a POST answers 403); every POST must carry the
session's CSRF token in the form field ``csrf`` or gets 403; an action error becomes a
friendly page with its status (404 for a foreign case, like the REST API), and anything
unexpected is logged and shown as "try again later" (503), never a stack trace.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.console.render import error_text, labels, render
from bot.console.session import COOKIE, COOKIE_PATH, Session, SessionCodec
from routing import actions
from routing.notices import agency_names

log = logging.getLogger("disputebot.console")

PREFIX = "/console"
LOGIN = f"{PREFIX}/login"
HOME = f"{PREFIX}/cases"

_ERROR_KEYS = {404: "not_found", 403: "forbidden", 409: "conflict", 400: "bad_request"}


@dataclass
class Console:
    """Everything the handlers need, built once per application."""

    sessionmaker: async_sessionmaker
    config: Any
    notify: Callable[[], None]
    codec: SessionCodec
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, sessionmaker, config, notify) -> Console:
        return cls(sessionmaker=sessionmaker, config=config, notify=notify or (lambda: None),
                   codec=SessionCodec(config), names=agency_names(config.raw))

    def choices(self) -> dict[str, dict[str, str]]:
        """Filter values and their labels (the only values the list accepts)."""
        lab = labels()
        places = {name: name for name in self.config.district_names}
        leads = {k: v for k, v in self.names.items() if k != actions.LEADERSHIP}
        return {"status": lab["statuses"], "category": lab["categories"],
                "severity": lab["severities"], "jurisdiction": places, "lead": leads}

    def context(self, session: Session | None, **extra: Any) -> dict[str, Any]:
        """What every template gets: who is signed in and the CSRF token for forms."""
        agency = session.agency if session else None
        return {"agency": agency, "agency_name": self.names.get(agency or "", agency),
                "is_leadership": agency == actions.LEADERSHIP,
                "csrf": self.codec.csrf_token(session) if session else "", **extra}

    def set_cookie(self, request: web.Request, response: web.StreamResponse,
                   session: Session) -> None:
        # Secure whenever the browser came over HTTPS, also through a TLS-terminating proxy
        # (trusting the header can only make the cookie stricter).
        https = request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"
        response.set_cookie(COOKIE, self.codec.dump(session), path=COOKIE_PATH,
                            httponly=True, samesite="Strict", secure=https,
                            max_age=self.codec.lifetime)

    def error_page(self, session: Session | None, status: int, key: str,
                   message: str | None = None) -> web.Response:
        """``message`` (an action's own Chinese reason) wins over the text of ``key``."""
        return render("error.html", status=status,
                      **self.context(session, message=message or error_text(key),
                                     code=status))


Handler = Callable[[web.Request, Console, Session], Awaitable[web.StreamResponse]]


def session_of(console: Console, request: web.Request) -> Session | None:
    return console.codec.load(request.cookies.get(COOKIE))


def redirect(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location, headers={"Cache-Control": "no-store"})


def page(console: Console, handler: Handler, *, anonymous: bool = False) -> Callable:
    """Wrap ``handler`` with the session check, CSRF check and friendly errors."""

    @functools.wraps(handler)
    async def view(request: web.Request) -> web.StreamResponse:
        session = session_of(console, request)
        if not anonymous and (session is None or not session.signed_in):
            if request.method not in ("GET", "HEAD"):
                return console.error_page(None, 403, "csrf")
            target = request.rel_url.path_qs
            raise redirect(f"{LOGIN}?next={quote(target, safe='')}")
        if request.method == "POST":
            try:
                form = await request.post()
            except web.HTTPException:
                raise  # 413: the body is over the size limit
            except Exception:  # noqa: BLE001 - not UTF-8, broken multipart: the client's fault
                return console.error_page(session if session and session.signed_in else None,
                                          400, "bad_request")
            if not console.codec.csrf_ok(session, form.get("csrf")):
                return console.error_page(session if session and session.signed_in else None,
                                          403, "csrf")
        try:
            return await handler(request, console, session)
        except web.HTTPException:
            raise
        except actions.ActionError as exc:
            return console.error_page(session, exc.status,
                                      _ERROR_KEYS.get(exc.status, "bad_request"), exc.message)
        except Exception:  # logged; the liaison sees a friendly page
            log.exception("console page %s failed", request.path)
            return console.error_page(session, 503, "unavailable")

    return view


def safe_next(target: str | None) -> str:
    """Only a console path may follow sign-in (no open redirect to another site)."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and (
            "\\" not in target):
        return target
    return HOME
