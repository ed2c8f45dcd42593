"""Signing in with the agency's liaison token, and signing out.

The token is the same one the REST API takes as a bearer token (config ``agencies`` /
``LIAISON_TOKEN_<KEY>``); the leadership office's token sees every agency. The sign-in form
is itself CSRF-protected through an anonymous session, so another site cannot sign a
liaison into an account of its choosing. Wrong tokens are capped per address
(:mod:`bot.console.throttle`): past the limit the page answers 429 for a while.
"""
from __future__ import annotations

import math

from aiohttp import web

from bot.console.core import HOME, LOGIN, Console, redirect, safe_next
from bot.console.render import error_text, render
from bot.console.session import COOKIE, COOKIE_PATH, Session
from bot.console.throttle import SignInLimit
from bot.store.models import utcnow


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
    target = safe_next(str(form.get("next") or ""))
    limit = SignInLimit.from_config(console.config.raw)
    key, now = limit.address_key(request), utcnow()
    async with console.sessionmaker() as db:
        until = await limit.locked_until(db, key, now)
        if until is not None:
            minutes = max(1, math.ceil((until - now).total_seconds() / 60))
            response = render("login.html", status=429, **console.context(
                session, next=target,
                error=error_text("too_many_sign_ins").format(minutes=minutes)))
            response.headers["Retry-After"] = str(math.ceil((until - now).total_seconds()))
            return response
        agency = console.codec.agency_for_token(str(form.get("token") or ""))
        if agency is None:
            await limit.failed(db, key, now)
            return render("login.html", status=401, **console.context(
                session, next=target, error=error_text("bad_token")))
        await limit.succeeded(db, key)
    response = redirect(target)
    console.set_cookie(request, response, console.codec.new(agency))  # new id: no fixation
    raise response


async def logout(request: web.Request, console: Console,
                 session: Session) -> web.StreamResponse:
    response = redirect(LOGIN)
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    raise response
