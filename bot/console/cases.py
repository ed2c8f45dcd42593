"""The case list, the case page and the action forms, all over :mod:`routing.actions`.

Every change goes through the same action functions as the REST API and the CLI, inside
one session per request: commit, then ``notify()`` so the outbox sends the payer's notice
at once. After a change the browser is redirected to the case page (post/redirect/get), so
a reload never repeats an action. Revealing the contact data is a POST too: it writes the
audit event "contact_viewed" and must not happen by following a link. Opening a case page
is written to the audit log (agency and case number, never contact data): a page view is not
a change to the case, so it stays out of the case's history.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.console import present
from bot.console.core import PREFIX, Console, redirect
from bot.console.listing import Filters, is_contact, list_page
from bot.console.render import render, texts
from bot.console.session import Session
from bot.periods import period_text
from bot.store.models import utcnow
from routing import actions
from routing.cards import card_texts, load_labels, reason_label
from routing.notices import DETAIL_CAP

audit = logging.getLogger("disputebot.console.audit")
ACTIONS = ("accept", "note", "request-info", "transfer", "escalate", "resolve")


def case_url(case_no: str, **query: str) -> str:
    base = f"{PREFIX}/cases/{quote(case_no, safe='')}"
    return f"{base}?{urlencode(query)}" if query else base


def _list_url(filters: Filters) -> str:
    query = filters.query()
    return f"{PREFIX}/cases?{urlencode(query)}" if query else f"{PREFIX}/cases"


def _sealed_search(console: Console, session: Session, filters: Filters,
                   token: str | None) -> Filters:
    """``filters`` searching for the phone or ID number sealed in ``token`` (if it is one)."""
    text = console.codec.unseal(session, token)
    if text and is_contact(text):
        return dataclasses.replace(filters, q=text, sealed=token)
    return filters


async def case_list(request: web.Request, console: Console,
                    session: Session) -> web.StreamResponse:
    choices = console.choices()
    filters = Filters.from_query(request.query, choices)
    if is_contact(filters.q):  # an old link or a typed URL: take the number out of it
        raise redirect(_list_url(dataclasses.replace(
            filters, sealed=console.codec.seal(session, filters.q))))
    if not filters.q and request.query.get("qs"):
        filters = _sealed_search(console, session, filters, request.query.get("qs"))
    now = utcnow()
    async with console.sessionmaker() as db:
        found = await list_page(db, session.agency, filters, now)
    rows = [present.list_row(c, now, console.names, session.agency) for c in found.cases]
    return render("cases.html", **console.context(
        session, page=found, rows=rows, filters=filters, choices=choices,
        link=lambda **changes: f"{PREFIX}/cases?" + urlencode(filters.query(**changes))))


async def search(request: web.Request, console: Console,
                 session: Session) -> web.StreamResponse:
    """The filter form, posted so a phone or ID number typed into it never becomes part of
    a URL: redirects to the list with the number sealed (other searches stay plain links)."""
    form = await request.post()
    filters = Filters.from_query(form, console.choices())
    if is_contact(filters.q):
        filters = dataclasses.replace(filters, sealed=console.codec.seal(session, filters.q))
    elif not filters.q and form.get("qs"):  # the filters changed beside a sealed search
        filters = _sealed_search(console, session, filters, str(form.get("qs")))
    raise redirect(_list_url(dataclasses.replace(filters, page=1)))


# The free-text field of each action form, given back after a refusal.
TYPED_FIELDS = {"accept": "opinion", "note": "text", "request-info": "text",
                "transfer": "reason", "escalate": "reason", "resolve": "result"}


async def case_page(request: web.Request, console: Console, session: Session, *,
                    reveal: bool = False, error: str | None = None, status: int = 200,
                    typed: tuple[str, str] | None = None) -> web.StreamResponse:
    """Render one case (``reveal``: with full contact data, logged as an audit event).

    ``typed`` is (action, text) of a refused form: the text goes back into that form, or
    beside the error when the form is no longer offered, so a refusal never throws away
    what the liaison wrote."""
    case_no = request.match_info["case_no"]
    async with console.sessionmaker() as db:
        detail = await actions.get_case(db, session.agency, case_no, reveal_contact=reveal,
                                        actor=session.agency, config=console.config)
        if reveal:
            await db.commit()
    # As the group card shows them: the NLU's period code (2025-01/2025-06) and the channel
    # key (wechat) mean nothing to a liaison.
    if detail.get("period"):
        detail["period"] = period_text(detail["period"])
    if not reveal:
        present.mask_typed_fields(detail)
    channel = detail.get("channel") or ""
    detail["channel"] = (card_texts().get("channels") or {}).get(channel, channel)
    done = (texts().get("done") or {}).get(request.query.get("done") or "")
    steer = present.can_steer(detail, session.agency)
    open_case = detail["status"] not in ("resolved", "closed")
    # Agencies that already passed the case on are not offered to a lead: handing it back
    # is refused (actions.TransferBack); the leadership office may still choose them.
    passed = set() if session.agency == actions.LEADERSHIP else {
        (e.get("detail") or {}).get("from") for e in detail["events"]
        if e.get("kind") == "transferred"}
    targets = {k: v for k, v in console.names.items()
               if k != detail.get("lead_agency") and k != actions.LEADERSHIP and k not in passed}
    offered = {a["action"] for a in detail["actions"]}
    return render("case.html", status=status, **console.context(
        session, case=detail, offered=offered,
        typed={typed[0]: typed[1]} if typed else {},
        kept=typed[1] if typed and typed[0] not in offered else None, timeline=present.timeline(detail["events"], console.names),
        reasons=[reason_label(r, load_labels().get("reasons") or {})
                 for r in detail.get("severity_reasons") or []],
        can_steer=steer and open_case, open_case=open_case, done=done, error=error,
        can_note=any(a["action"] == "note" for a in detail["actions"]),
        tracking=detail["tracking"], payer_cap=DETAIL_CAP,
        transfer_targets=targets, names=console.names))


async def show_case(request: web.Request, console: Console,
                    session: Session) -> web.StreamResponse:
    response = await case_page(request, console, session)
    if response.status == 200:
        case_no = request.match_info["case_no"]
        audit.info("case_viewed %s by %s", case_no, session.agency,
                   extra={"agency": session.agency, "case_no": case_no})
    return response


async def reveal_contact(request: web.Request, console: Console,
                         session: Session) -> web.StreamResponse:
    return await case_page(request, console, session, reveal=True)


async def _run(action: str, db: Any, console: Console, agency: str, case_no: str,
               form: Any) -> None:
    text = form.get("text")
    config = console.config
    if action == "accept":
        await actions.accept(db, agency, case_no, acceptor=form.get("acceptor"),
                             acceptor_phone=form.get("acceptor_phone"),
                             opinion=form.get("opinion"), config=config)
    elif action == "note":
        await actions.add_note(db, agency, case_no, text, config=config)
    elif action == "request-info":
        await actions.request_info(db, agency, case_no, text, config=config)
    elif action == "transfer":
        await actions.transfer(db, agency, case_no, form.get("agency") or None,
                               form.get("reason"), config=config)
    elif action == "escalate":
        await actions.escalate(db, agency, case_no, form.get("reason"), config=config)
    elif action == "resolve":
        await actions.resolve(db, agency, case_no, form.get("result"), config=config)
    else:
        raise actions.NotFound(action)


async def act(request: web.Request, console: Console, session: Session) -> web.StreamResponse:
    action = request.match_info["action"]
    case_no = request.match_info["case_no"]
    form = await request.post()
    try:
        async with console.sessionmaker() as db:
            await _run(action, db, console, session.agency, case_no, form)
            await db.commit()
    except (actions.BadRequest, actions.Forbidden, actions.Conflict) as exc:
        # The action's own reason (a transfer back, a closed case, which field is empty).
        field = TYPED_FIELDS.get(action)
        text = str(form.get(field) or "") if field else ""
        return await case_page(request, console, session, error=exc.message,
                               status=exc.status, typed=(action, text) if text.strip() else None)
    console.notify()
    raise redirect(case_url(case_no, done=action))
