"""Signing in with the agency's liaison token, and signing out.

The token is the same one the REST API takes as a bearer token (config ``agencies`` /
``LIAISON_TOKEN_<KEY>``); the leadership office's token sees every agency. The sign-in form
is itself CSRF-protected through an anonymous session, so another site cannot sign a
liaison into an account of its choosing.
"""
from __future__ import annotations

from aiohttp import web

from bot.console.core import HOME, LOGIN, Console, redirect, safe_next
from bot.console.render import error_text, render
from bot.console.session import COOKIE, COOKIE_PATH, Session


async def login_form(request: web.Request, console: Console,
                     session: Session | None) -> web.StreamResponse:
    if session is not None and session.signed_in:
        raise redirect(HOME)
    fresh = session is None
    session = session or console.codec.new()
    response = render("login.html", **console.context(
        session, next=safe_next(request.query.get("next"))))
    if fresh:
        console.set_cookie(request, response, session)
    return response


async def login(request: web.Request, console: Console,
                session: Session | None) -> web.StreamResponse:
    form = await request.post()
    agency = console.codec.agency_for_token(str(form.get("token") or ""))
    target = safe_next(str(form.get("next") or ""))
    if agency is None:
        return render("login.html", status=401, **console.context(
            session, next=target, error=error_text("bad_token")))
    response = redirect(target)
    console.set_cookie(request, response, console.codec.new(agency))  # new id: no fixation
    raise response


async def logout(request: web.Request, console: Console,
                 session: Session) -> web.StreamResponse:
    response = redirect(LOGIN)
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    raise response
