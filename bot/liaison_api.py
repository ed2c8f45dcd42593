"""REST JSON API for agency liaisons (联络员): list, read and act on their cases.

Thin on purpose: authentication, JSON in and out, and the mapping of action errors to HTTP
statuses. Visibility and every rule live in :mod:`routing.actions`, shared with the CLI.

* ``Authorization: Bearer <token>``; the token names the agency (config ``agencies`` /
  ``LIAISON_TOKEN_<KEY>``). Missing or unknown → 401.
* A case of another agency → 404, the same answer as a case that does not exist.
* Bad JSON, a missing field, or a field or query parameter the endpoint does not take
  (a "due" date, ?sevrity=) → 400 and nothing changed; never a 500 for bad input.
* ``GET /api/cases`` filters by status, category, severity, overdue and ``q`` (a case
  number or its tail, an employer or a town).
* ``GET /api/stats?from=&to=|period=&agency=`` gives the figures of the cases the agency
  sees (the office: all), registered in the period, of one lead agency if given
  (:mod:`bot.console.stats_json`).
* Every error body is ``{"error": <English detail, as before>, "code": <stable key>,
  "message": <Chinese sentence for the liaison>}``; unknown paths, wrong methods,
  oversized bodies and over-long query strings (414) answer the same way (not aiohttp's
  plain-text pages). The app takes :data:`HANDLER_ARGS` and :func:`request_line_limit`
  for the last: the HTTP parser reads lines up to :data:`PARSER_LINE_LIMIT`, and the
  middleware refuses any request line over :data:`REQUEST_LINE_LIMIT` (aiohttp's own
  limit, so the WeChat callback keeps it) before a handler runs.
"""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.console.scope import late_before, one_value, read_scope, visible_cases
from bot.console.stats_json import dimension_names, summary
from bot.store.models import utcnow
from routing import actions
from routing.notices import agency_names, load_notices

log = logging.getLogger("disputebot.liaison_api")


def _dumps(data: Any) -> str:
    """JSON with Chinese as is; falls back to \\u escapes when a stored string cannot be
    encoded as UTF-8 (a lone surrogate), so one bad value never turns a read into a 500."""
    out = json.dumps(data, ensure_ascii=False)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        out = json.dumps(data, ensure_ascii=True)
    return out


_TRUE, _FALSE = {"1", "true", "yes"}, {"0", "false", "no"}

REQUEST_LINE_LIMIT = 8190  # aiohttp's default max_line_size: what every route accepts
PARSER_LINE_LIMIT = 65536  # what the parser reads, so a longer line still reaches us
HANDLER_ARGS = {"max_line_size": PARSER_LINE_LIMIT}


def _error(status: int, exc: actions.ActionError, headers: dict | None = None) -> web.Response:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    body = {"error": str(exc), "code": exc.code, "message": exc.message}
    return web.json_response(body, status=status, headers=headers, dumps=_dumps)


def _plain(status: int, detail: str, code: str, headers: dict | None = None,
           **values: Any) -> web.Response:
    return _error(status, actions.ActionError(detail, code, **values), headers)


def _request_line_length(request: web.BaseRequest) -> int:
    """Bytes of "GET /path?query HTTP/1.1" as sent (the raw, still-encoded target)."""
    return len(request.method) + len(request.raw_path.encode("utf-8")) + len(" HTTP/1.1") + 1


@web.middleware
async def request_line_limit(request: web.Request, handler):
    """Refuse a request line over :data:`REQUEST_LINE_LIMIT` with 414, as JSON under /api/.

    The parser reads up to :data:`PARSER_LINE_LIMIT` only so that a liaison's over-long
    query gets the API's JSON answer; every other route keeps aiohttp's limit."""
    if _request_line_length(request) <= REQUEST_LINE_LIMIT:
        return await handler(request)
    if request.path.startswith("/api/"):
        return _plain(414, f"request line longer than {REQUEST_LINE_LIMIT} bytes", "uri_too_long",
                      limit=REQUEST_LINE_LIMIT)
    return web.Response(status=414, text="414: Request-URI Too Long")


def _flag(value: str | None, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise actions.BadRequest(f"`{name}` must be 1 or 0", "bad_flag", name=name)


def _int(value: str | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise actions.BadRequest(f"`{name}` must be a whole number", "bad_number", name=name)
    return int(value)


LIST_PARAMS = ("status", "category", "severity", "overdue", "q", "agency", "sort", "limit",
               "offset")
SHOW_PARAMS = ("contact",)
STATS_PARAMS = ("from", "to", "period", "agency")


async def _body(request: web.Request, allowed: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object of an action. A field the action does not take (a "due" date, a
    misspelt "reslut") is refused: ignoring it would answer 200 for something not done."""
    try:
        data = json.loads(await request.text() or "{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # [[[[…: too deep to parse
        raise actions.BadRequest("body is not valid JSON", "bad_json") from None
    if not isinstance(data, dict):
        raise actions.BadRequest("body must be a JSON object", "bad_json_object")
    _known(list(data), allowed, "unknown_field")
    return data


def _known(given: list[str], allowed: tuple[str, ...], code: str) -> None:
    extra = [actions.shown_value(k) for k in given if k not in allowed]
    if extra:
        raise actions.BadRequest(f"unknown {'field' if code == 'unknown_field' else 'parameter'}"
                                 f": {', '.join(extra)}; allowed: {', '.join(allowed)}", code,
                                 fields="、".join(extra), allowed="、".join(allowed) or "无")


def action_fields(name: str) -> tuple[str, ...]:
    """The body fields of action ``name`` (notices.yaml ``actions``)."""
    spec = (load_notices().get("actions") or {}).get(name) or {}
    return tuple(spec.get("body") or ())


def liaison_routes(
    sessionmaker: async_sessionmaker,
    config: Any,
    notify: Callable[[], None] | None = None,
) -> list[web.RouteDef]:
    """The ``/api/`` routes. ``notify`` is called after a commit that queued messages
    (``lambda: app["outbox"].notify()``; see :func:`routing.runtime.outbox_notifier`)."""
    tokens = config.agency_tokens()
    names = agency_names(config.raw)

    def agency_of(request: web.Request) -> str | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        found = None
        for known, agency in tokens.items():  # compare all: no timing hint of a near match
            if hmac.compare_digest(known.encode("utf-8"), token.encode("utf-8")):
                found = agency
        return found

    Handler = Callable[[web.Request, Any, str], Awaitable[Any]]

    def endpoint(handler: Handler, write: bool = False):
        async def view(request: web.Request) -> web.Response:
            agency = agency_of(request)
            if agency is None:
                return _plain(401, "missing or unknown bearer token", "unauthorized")
            try:
                async with sessionmaker() as session:
                    result = await handler(request, session, agency)
                    await session.commit()
            except actions.ActionError as exc:
                return _error(exc.status, exc)
            except web.HTTPRequestEntityTooLarge:
                return _plain(413, "request body too large", "too_large")
            except web.HTTPException:
                raise
            except Exception:  # logged (scrubbed); the client gets a retryable status
                log.exception("liaison API %s %s failed", request.method, request.path)
                return _plain(503, "temporarily unavailable, please retry", "unavailable")
            if write and notify is not None:
                notify()
            return web.json_response(result, dumps=_dumps)

        return view

    async def list_view(request, session, agency):
        q = request.query
        _known(list(q), LIST_PARAMS, "unknown_param")
        for key in LIST_PARAMS:  # only status takes several values
            if key == "agency":
                one_value(q, (key,), lambda v: actions.lead_of(v, names))
            elif key != "status":
                one_value(q, (key,), lambda v: v.strip().lower())
        page = await actions.list_cases(session, agency, status=q.getall("status", []),
                                        overdue=_flag(q.get("overdue"), "overdue"),
                                        category=q.get("category") or None,
                                        severity=q.get("severity") or None,
                                        search=q.get("q") or None,
                                        lead=actions.lead_of(q.get("agency"), names),
                                        sort=q.get("sort") or None,
                                        limit=_int(q.get("limit"), "limit", 500),
                                        offset=_int(q.get("offset"), "offset", 0))
        return {"agency": agency, "count": len(page.cases), "total": page.total,
                "offset": page.offset, "limit": page.limit,
                "cases": [actions.summary(c, names=names, wish=page.wishes.get(c.id))
                          for c in page.cases]}

    async def show_view(request, session, agency):
        _known(list(request.query), SHOW_PARAMS, "unknown_param")
        reveal = bool(_flag(request.query.get("contact"), "contact"))
        return await actions.get_case(session, agency, request.match_info["case_no"],
                                      reveal_contact=reveal, config=config)

    async def stats_view(request, session, agency):
        _known(list(request.query), STATS_PARAMS, "unknown_param")
        now = utcnow()
        scope = read_scope(request.query, names, now)
        cases = await visible_cases(session, agency, scope)
        late = await late_before(session, cases, agency, scope, config.raw)
        return summary(cases, now, scope, agency=agency, names=dimension_names(names),
                       late_before=late)

    def acting(run: Callable[..., Awaitable[Any]], name: str) -> Handler:
        fields = action_fields(name)

        async def handler(request, session, agency):
            body = await _body(request, fields)
            case = await run(session, agency, request.match_info["case_no"], body)
            answer = actions.summary(case, names=names)
            after = actions.after_action(name)
            return {**answer, "notice": after} if after else answer
        return handler

    async def do_accept(session, agency, case_no, body):
        return await actions.accept(session, agency, case_no, acceptor=body.get("acceptor"),
                                    acceptor_phone=body.get("acceptor_phone"),
                                    opinion=body.get("opinion"), config=config)

    async def do_note(session, agency, case_no, body):
        return await actions.add_note(session, agency, case_no, body.get("text"), config=config)

    async def do_request_info(session, agency, case_no, body):
        return await actions.request_info(session, agency, case_no, body.get("text"),
                                          config=config)

    async def do_transfer(session, agency, case_no, body):
        return await actions.transfer(session, agency, case_no, body.get("agency"),
                                      body.get("reason"), config=config)

    async def do_escalate(session, agency, case_no, body):
        return await actions.escalate(session, agency, case_no, body.get("reason"),
                                      config=config)

    async def do_resolve(session, agency, case_no, body):
        return await actions.resolve(session, agency, case_no, body.get("result"),
                                     config=config)

    async def unknown(request: web.Request) -> web.Response:
        """Any other path or method under /api/: JSON with a Chinese hint, like every
        other answer here, instead of aiohttp's plain "404: Not Found"."""
        path = request.path.rstrip("/")
        allowed = [m for m, p in routes if m != "*" and _matches(p, path)]
        # A trailing slash on a route the method does take ("GET /api/cases/N/") is no
        # endpoint: "GET not allowed, use GET" would make no sense.
        if allowed and request.method not in allowed:
            # PATCH/PUT on a case: a status is changed only by its actions, so name them.
            wording = "case_method_not_allowed" if _matches(case, path) else None
            return _plain(405, f"{request.method} not allowed", "method_not_allowed",
                          wording=wording, headers={"Allow": ", ".join(allowed)},
                          method=request.method, allowed="、".join(allowed))
        hint = _guessed_action(path)
        if hint:
            return _plain(404, "no such API endpoint", "no_endpoint",
                          wording="no_endpoint_guess", **hint)
        return _plain(404, "no such API endpoint", "no_endpoint")

    case = "/api/cases/{case_no}"
    routes = [("GET", "/api/cases"), ("GET", case), ("GET", "/api/stats")] + [
        ("POST", f"{case}/{name}")
        for name in ("accept", "note", "request-info", "transfer", "escalate", "resolve")]
    return [
        web.get("/api/cases", endpoint(list_view)),
        web.get(case, endpoint(show_view, write=False)),
        web.get("/api/stats", endpoint(stats_view)),
        web.post(case + "/accept", endpoint(acting(do_accept, "accept"), write=True)),
        web.post(case + "/note", endpoint(acting(do_note, "note"), write=True)),
        web.post(case + "/request-info", endpoint(acting(do_request_info, "request-info"), write=True)),
        web.post(case + "/transfer", endpoint(acting(do_transfer, "transfer"), write=True)),
        web.post(case + "/escalate", endpoint(acting(do_escalate, "escalate"), write=True)),
        web.post(case + "/resolve", endpoint(acting(do_resolve, "resolve"), write=True)),
        web.route("*", "/api/{tail:.*}", unknown),
    ]


def _guessed_action(path: str) -> dict[str, str] | None:
    """``/api/cases/{no}/close``: a liaison guessing an action's name (关闭, 归档, 反馈) is
    told which endpoint does it (notices.yaml ``api_guesses``); None for any other path."""
    parts = path.split("/")
    if len(parts) != 5 or parts[1:3] != ["api", "cases"]:
        return None
    guesses = load_notices().get("api_guesses") or {}
    verb = parts[4].strip().lower().replace("_", "-")
    target = (guesses.get("verbs") or {}).get(verb) or (
        verb if verb in (guesses.get("hints") or {}) else None)
    hint = (guesses.get("hints") or {}).get(target or "")
    return {"verb": verb, "hint": hint.format()} if hint else None


def _matches(pattern: str, path: str) -> bool:
    """Does ``path`` fit a route pattern whose ``{…}`` parts are one path segment each?"""
    want, have = pattern.split("/"), path.split("/")
    return len(want) == len(have) and all(
        w.startswith("{") or w == h for w, h in zip(want, have))
