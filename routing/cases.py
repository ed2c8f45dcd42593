"""Registering a case and reading it back, inside the caller's transaction.

Everything a registration causes — the case row, its history, one outbox row per group
message and the payer's "accepted" notice — is written in the caller's session, so either
all of it commits or none of it does (the transactional outbox; see routing/outbox.py).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.models import Case, CaseCounter, CaseEvent, OutboxItem, utcnow
from bot.store.sqlite_cursor import writes_together
from routing.cards import (
    PAYER_TEXT_CAP,
    act_link,
    load_labels,
    messages_for,
    note_messages,
    payer_names,
    quoted,
    render_card,
    safe_group_text,
)
from routing.deadlines import deadline_for, deadline_text, to_local
from routing.notices import agency_names, enqueue_notice, load_notices
from routing.outbox import (
    dialect_name,
    enqueue_alert,
    group_text,
    insert_rows,
    webhook_values,
)
from routing.rules import GroupTarget, Route, Rules, load_rules
from routing.webhook import markdown_payload

CLOSED_STATUSES = ("resolved", "closed")
OVERSIGHT_AGENCY = "leadership_office"


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """rules.yaml, for group look-ups outside registration (special groups only)."""
    return load_rules()


def _amount(value: Any) -> str | None:
    if value is None:
        return None
    if float(value).is_integer():
        return f"{int(value)}元"
    return f"{float(value):.2f}元"


def case_dict(case: Case) -> dict[str, Any]:
    """The case as a mapping for rendering (cards, reminders, API); amounts read "3000元"."""
    return {
        "case_no": case.case_no,
        "openid": case.openid,
        "name": case.name,
        "phone": case.phone,
        "id_number": case.id_number,
        "jurisdiction": case.jurisdiction,
        "district": case.district,
        "category": case.category,
        "severity": case.severity,
        "severity_reasons": list(case.severity_reasons or []),
        "employer": case.employer,
        "period": case.period,
        "amount": _amount(case.amount),
        "headcount": case.headcount,
        "description": case.description,
        "desired_outcome": case.desired_outcome,
        "evidence": list(case.evidence or []),
        "channel": case.channel,
        "status": case.status,
        "needs_callback": case.needs_callback,
        "lead_agency": case.lead_agency,
        "co_agencies": list(case.co_agencies or []),
        "deadline": case.deadline,
        "awaiting_info": case.awaiting_info,
        "rating": case.rating,
        "solved": case.solved,
        "first_action_at": case.first_action_at,
        "resolved_at": case.resolved_at,
        "created_at": case.created_at,
    }


async def next_case_no(session: AsyncSession, prefix: str, now: datetime) -> str:
    """``{prefix}{YYYYMMDD}-{NNNN}`` with the day in Beijing time.

    One upsert in the caller's transaction (``INSERT … ON CONFLICT (day) DO UPDATE SET
    last = last + 1 RETURNING last``): it creates the day's row at 1 or counts it up and
    holds the write lock (SQLite) or the row lock (PostgreSQL) until commit, so a concurrent
    registration waits and then gets the next number; two first registrations of a day do
    not collide (the second waits for the first's row, then counts it up).
    """
    day = to_local(now).strftime("%Y%m%d")
    statement = _COUNT_UP.get(await dialect_name(session), _COUNT_UP["sqlite"])
    number = (await session.execute(statement, {"day": day})).scalar_one()
    return f"{prefix}{day}-{int(number):04d}"


def _count_up(insert) -> Any:
    """The upsert of :func:`next_case_no` (it was an insert, an update and a select: three
    statements taking the same locks), built once per dialect."""
    counters = CaseCounter.__table__
    return (insert(counters).values(day=bindparam("day"), last=1)
            .on_conflict_do_update(index_elements=["day"], set_={"last": counters.c.last + 1})
            .returning(counters.c.last))


_COUNT_UP = {"sqlite": _count_up(sqlite_insert), "postgresql": _count_up(postgresql_insert)}


def group_for(rules: Rules, agency: str, district: str | None,
              config_raw: Mapping[str, Any]) -> GroupTarget | None:
    """The robot of ``agency`` for ``district`` (the transfer group outside the area)."""
    groups = config_raw.get("liaison_groups") or {}
    district_keys = groups.get(district) if district else None
    return rules._target(agency, district, district_keys, groups)  # one lookup rule for all


def note_rows(case: Case, key: str, note: str, *, kind: str, agency: str | None,
              now: datetime | None = None) -> list[dict[str, Any]]:
    """The outbox rows of one group note about ``case``: its context added, and split into
    numbered parts, in order, when too long for the robot (:func:`note_messages`)."""
    return [webhook_values(key, markdown_payload(message), kind=kind, agency=agency,
                           district=case.district, case_id=case.id, case_no=case.case_no,
                           now=now)
            for message in note_messages(case, note)]


def add_note_rows(session: AsyncSession, case: Case, key: str, note: str, *, kind: str,
                  agency: str | None, now: datetime | None = None) -> None:
    """:func:`note_rows` added to ``session`` (flushed in the order added)."""
    for values in note_rows(case, key, note, kind=kind, agency=agency, now=now):
        session.add(OutboxItem(**values))


def note_targets(case: Case, config_raw: Mapping[str, Any],
                 lead: str | None = None) -> list[GroupTarget]:
    """Groups told of a change in a case's course: the lead's, and for a major case the
    leadership group office's too — it oversees 重大疑难事项 (领导小组会商), so a transfer,
    reopening or result must not reach only the lead."""
    rules = default_rules()
    agencies = [lead or case.lead_agency or ""]
    if case.severity == "major":
        agencies.append("leadership_office")
    targets: list[GroupTarget] = []
    for agency in agencies:
        target = group_for(rules, agency, case.district, config_raw)
        if target is not None and target.key not in {t.key for t in targets}:
            targets.append(target)
    return targets


def tracking_agencies(case: Case) -> list[str]:
    """Agencies that passed the case on and only follow it (谁跟踪、谁反馈): an agency that
    leads or co-handles it again has that role instead."""
    return [a for a in case.trackers or ()
            if a != case.lead_agency and a not in (case.co_agencies or ())]


def tell_trackers(session: AsyncSession, case: Case, config_raw: Mapping[str, Any],
                  text: str, now: datetime | None = None, **values: Any) -> None:
    """Where the case goes next and how it ends (or starts again), to the groups of the
    agencies that transferred it away, so they can 跟踪、反馈 without asking; a group
    already told through :func:`note_targets` or the lead's own group is not told twice."""
    told = {t.key for t in note_targets(case, config_raw)}
    names = agency_names(config_raw)
    lead = case.lead_agency or ""
    for agency in tracking_agencies(case):
        target = group_for(default_rules(), agency, case.district, config_raw)
        if target is None or target.key in told:
            continue
        told.add(target.key)
        note = group_text(text, case_no=case.case_no, lead=names.get(lead, lead),
                          link=act_link(case.case_no), **values)
        add_note_rows(session, case, target.key, note, kind=text, agency=agency, now=now)


def add_event(session: AsyncSession, case: Case, kind: str, actor: str,
              detail: Mapping[str, Any] | None = None,
              now: datetime | None = None) -> CaseEvent:
    """Append to the case history (the caller's transaction)."""
    event = CaseEvent(case_id=case.id, kind=kind, actor=actor, detail=dict(detail or {}),
                      at=now or utcnow())
    session.add(event)
    return event


def _event_values(case: Case, kind: str, detail: Mapping[str, Any], now: datetime,
                  actor: str = "system") -> dict[str, Any]:
    """The columns of :func:`add_event`'s row."""
    return {"case_id": case.id, "kind": kind, "actor": actor, "detail": dict(detail),
            "at": now}


def enqueue_cards(session: AsyncSession, case: Case, route: Route,
                  targets: Iterable[GroupTarget], config_raw: Mapping[str, Any],
                  now: datetime | None = None) -> list[OutboxItem]:
    """One outbox row per message to each group (card, then @all text for major cases)."""
    rows = [OutboxItem(**values) for values in card_values(case, route, targets, config_raw,
                                                            now)]
    session.add_all(rows)
    return rows


def card_values(case: Case, route: Route, targets: Iterable[GroupTarget],
                config_raw: Mapping[str, Any], now: datetime | None = None
                ) -> list[dict[str, Any]]:
    """The columns of :func:`enqueue_cards`' rows, in order."""
    data = case_dict(case)
    card = render_card(data, route, agency_names(config_raw))
    return [webhook_values(target.key, body, kind="card", agency=target.agency,
                           district=case.district, case_id=case.id, case_no=case.case_no,
                           now=now)
            for target in targets for body in messages_for(target, card, data)]


_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def _amount_of(value: Any) -> tuple[float | None, str | None]:
    """(the figure to store, the words to keep) of an amount as a channel passed it: a number
    or a plain figure in text ("4600元", "￥12000", "1,280.50") is stored; a rough figure
    ("约5000元") is stored and kept as said; words with no figure ("五千多", "每月约五六百元")
    are kept as said only, never dropped."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float)):
        return float(value), None
    said = unicodedata.normalize("NFKC", str(value)).strip()
    if not said:
        return None, None
    spec = load_labels().get("amount_text") or {}
    bare = said
    for mark in spec.get("strip") or ():
        bare = bare.replace(unicodedata.normalize("NFKC", mark), "")
    if _FIGURE.fullmatch(bare) and math.isfinite(float(bare)):
        return float(bare), None
    for word in sorted(spec.get("rough") or (), key=len, reverse=True):
        figure = bare[len(word):]
        if bare.startswith(word) and _FIGURE.fullmatch(figure) and math.isfinite(float(figure)):
            return float(figure), said
    return None, said


def _with_amount_said(description: str, said: str | None) -> str:
    """The description with the amount's words appended, unless the payer's text has them."""
    if not said or said in description:
        return description
    line = str((load_labels().get("amount_text") or {}).get("said_line") or "{said}")
    return description + line.format(said=said)


def _int(value: Any, default: int = 1) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


async def register_case(
    session: AsyncSession,
    *,
    openid: str,
    fields: Mapping[str, Any],
    config: Any,
    rules: Rules,
    now: datetime | None = None,
) -> Case:
    """Create, number, route and announce a case in the caller's transaction (it commits).

    Writes events ``registered`` then ``assigned`` (actor "system"), one outbox row per group
    message, an admin alert when an agency has no group for the district, and the payer's
    "accepted" notice. After committing, call ``app["outbox"].notify()``.
    """
    if session.new:  # rows the caller queued keep their ids before the case's rows
        await session.flush()
    with session.no_autoflush:  # an object only changed is written at the commit
        return await _register(session, openid, fields, config, rules, now or utcnow())


async def _register(session: AsyncSession, openid: str, fields: Mapping[str, Any], config: Any,
                    rules: Rules, now: datetime) -> Case:
    """:func:`register_case`'s statements."""
    raw = config.raw
    prefix = str((raw.get("cases") or {}).get("number_prefix") or "ZY")
    category = str(fields.get("category") or "other")
    severity = str(fields.get("severity") or "general")
    reasons = [str(r) for r in fields.get("severity_reasons") or ()]
    text = "\n".join(str(fields.get(k) or "") for k in ("description", "desired_outcome"))
    amount, amount_said = _amount_of(fields.get("amount"))
    route = rules.route(category, severity, reasons, fields.get("jurisdiction"), text=text,
                        groups_config=raw, needs_callback=bool(fields.get("needs_callback")))
    values = {
        "case_no": await next_case_no(session, prefix, now),
        "openid": openid,
        "name": fields.get("name"),
        "phone": fields.get("phone"),
        "id_number": fields.get("id_number"),
        "jurisdiction": fields.get("jurisdiction"),
        "district": route.district,
        "category": category,
        "severity": severity,
        "severity_reasons": reasons,
        "employer": fields.get("employer"),
        "period": fields.get("period"),
        "amount": amount,
        "headcount": _int(fields.get("headcount")),
        "description": _with_amount_said(str(fields.get("description") or ""), amount_said),
        "desired_outcome": fields.get("desired_outcome"),
        "evidence": list(fields.get("evidence") or []),
        "channel": str(fields.get("channel") or "wechat"),
        "status": "assigned",  # "registered" then "assigned" in one transaction
        "needs_callback": bool(fields.get("needs_callback")),
        "lead_agency": route.lead,
        "co_agencies": list(route.co),
        "deadline": deadline_for(severity, now, raw),
        "awaiting_info": False,
        "created_at": now,
        "updated_at": now,
    }
    case = await _insert_case(session, values)
    # Rows the caller queued are flushed first, so these rows get their ids in the order
    # add_event and enqueue_cards would have given them (one executemany each instead of
    # one ORM INSERT per row); the ids are never read back, so both go to SQLite with the
    # session's next statement (writes_together).
    with writes_together():
        await session.execute(insert(CaseEvent.__table__), [
            _event_values(case, "registered", {"channel": case.channel, "category": category,
                                               "severity": severity}, now),
            _event_values(case, "assigned", {
                "lead": route.lead, "co": list(route.co), "district": route.district,
                "in_area": route.in_area, "groups": [t.agency for t in route.groups],
                "missing": list(route.missing)}, now)])
        await insert_rows(session, card_values(case, route, route.groups, raw, now))
    if route.missing:
        names = agency_names(raw)
        await enqueue_alert(session, raw, group_text(
            "alert_missing_group", case_no=case.case_no, district=route.district or "辖区外",
            agencies="、".join(names.get(a, a) for a in route.missing)),
            case_id=case.id, now=now)
    return case


_CASE_DEFAULTS = {"trackers": [], "rating": None, "solved": None, "first_action_at": None,
                  "resolved_at": None}
_INSERT_CASE = insert(Case.__table__).returning(Case.__table__.c.id)


async def _insert_case(session: AsyncSession, values: dict[str, Any]) -> Case:
    """The case row as one Core ``INSERT … RETURNING id``, and the case as a persistent
    object of ``session`` holding those values (as a flush of ``session.add(Case(...))``
    would leave it, without the unit of work)."""
    values = {**_CASE_DEFAULTS, **values}
    case = Case(id=(await session.execute(_INSERT_CASE, values)).scalar_one(), **values)
    make_transient_to_detached(case)
    session.add(case)
    return case


async def add_supplement(
    session: AsyncSession,
    case: Case,
    text: str,
    actor: str,
    *,
    media_ids: Iterable[str] = (),
    media_kind: str = "image",
    request: str = "supplement",
    config: Any = None,
    now: datetime | None = None,
) -> None:
    """Record what the payer added (event "supplement") and clear ``awaiting_info``.

    ``media_ids`` (of ``media_kind``: image or voice) join the case's evidence. With
    ``config`` the lead group gets a short, masked message, so the liaison learns that the
    information they asked for arrived. ``request`` says what the payer asks with it (urge,
    withdraw, settled, contact, callback): the group message is headed with it and says what
    to do (notices.yaml ``group.payer_requests``), and the event keeps it. A complaint
    about whoever handles the case reaches the leadership office's group too
    (:func:`_tell_oversight`).

    Rows the caller queued are flushed first (an object only changed waits for the commit),
    then the case's changes are one Core update (the loaded case shows them as stored, so
    the unit of work has nothing left to write for it), and the event and the group messages
    one Core insert each, in the order :func:`add_event` and ``session.add`` gave them, on
    every payer message that adds to a case.
    """
    now = now or utcnow()
    media = [str(m) for m in media_ids]
    detail: dict[str, Any] = {"text": str(text or "")}
    if request != "supplement":
        detail["request"] = request
    changes: dict[str, Any] = {"awaiting_info": False, "updated_at": now}
    if media:
        detail["media_ids"] = media
        changes["evidence"] = [*(case.evidence or []), *media]
    if session.new:
        await session.flush()
    with session.no_autoflush, writes_together():  # they go to SQLite with the next statement
        await session.execute(_CASE_CHANGED[frozenset(changes)], {"case_id": case.id, **changes})
        for column, value in changes.items():
            set_committed_value(case, column, value)
        await session.execute(insert(CaseEvent.__table__),
                              [_event_values(case, "supplement", detail, now, actor)])
        if config is not None:
            await tell_lead(session, case, text, request, config.raw, now,
                            media=(len(media), media_kind) if media else None)


def _case_changed(columns: Iterable[str]) -> Any:
    """``UPDATE cases SET <columns> WHERE id = :case_id``, for :func:`add_supplement`."""
    table = Case.__table__
    return (update(table).where(table.c.id == bindparam("case_id"))
            .values({column: bindparam(column) for column in columns}))


_CASE_CHANGED = {frozenset(columns): _case_changed(columns) for columns in (
    ("awaiting_info", "updated_at"), ("awaiting_info", "updated_at", "evidence"))}


async def tell_lead(session: AsyncSession, case: Case, text: str, request: str,
                    config_raw: Mapping[str, Any], now: datetime,
                    media: tuple[int, str] | None = None) -> None:
    """The lead group's short, masked message of what the payer said or asked (``request``,
    a key of notices.yaml ``group.payer_requests``), and the leadership office's where that
    request is one it oversees (:func:`_tell_oversight`, and ``group.major_requests`` of a
    major case)."""
    if not case.lead_agency:
        return
    # Kept inside the quote line by line: a payer's newline must not end the quote and let
    # the rest render as free markdown.
    shown = safe_group_text(text, PAYER_TEXT_CAP, payer_names(case))
    if media:
        shown = _with_media(shown, *media)
    body = group_text(
        "supplement", case_no=case.case_no, text=quoted(shown or "（无）"),
        link=act_link(case.case_no), **payer_request(request))
    leads = lead_targets(case, config_raw)
    if case.severity == "major" and request in (
            (load_notices().get("group") or {}).get("major_requests") or ()):
        leads += [t for t in note_targets(case, config_raw)
                  if t.key not in {lead.key for lead in leads}]
    rows = [row for target in leads
            for row in note_rows(case, target.key, body, kind="supplement",
                                 agency=target.agency, now=now)]
    rows += _tell_oversight(case, config_raw, request, shown, {t.key for t in leads}, now)
    await insert_rows(session, rows)


def _tell_oversight(case: Case, config_raw: Mapping[str, Any], request: str, shown: str,
                    told: set[str], now: datetime) -> list[dict[str, Any]]:
    """A complaint about whoever handles the case also reaches the leadership office's
    group: the complained-about agency's own group must not be the only one to hear it. A
    group already told as the lead's is not told twice. The outbox row's columns, or None."""
    spec = ((load_notices().get("group") or {}).get("oversight_requests") or {}).get(request)
    target = group_for(default_rules(), OVERSIGHT_AGENCY, case.district, config_raw)
    if not spec or target is None or target.key in told:
        return []
    names = agency_names(config_raw)
    lead = case.lead_agency or ""
    todo = str(spec.get("todo") or "").format(lead=names.get(lead, lead))
    body = group_text(
        "supplement", case_no=case.case_no, text=quoted(shown or "（无）"),
        link=act_link(case.case_no), title=str(spec.get("title") or ""), todo=todo)
    return note_rows(case, target.key, body, kind="supplement", agency=target.agency,
                     now=now)


def payer_request(request: str) -> dict[str, str]:
    """{title, todo} of the group message for what the payer asks; unknown kinds read as
    a plain supplement."""
    kinds = (load_notices().get("group") or {}).get("payer_requests") or {}
    spec = kinds.get(request) or kinds.get("supplement") or {}
    return {"title": str(spec.get("title") or ""), "todo": str(spec.get("todo") or "")}


def lead_targets(case: Case, config_raw: Mapping[str, Any]) -> list[GroupTarget]:
    """The lead's group for what the payer sends; a call-back case from outside the area
    also reaches the home district's lead, the office the payer was told will call."""
    rules = default_rules()
    lead = case.lead_agency or ""
    targets = [group_for(rules, lead, case.district, config_raw)]
    if case.needs_callback and case.district is None:
        targets = [*rules.callback_caller(lead, config_raw), *targets]
    out: list[GroupTarget] = []
    for target in targets:
        if target is not None and target.key not in {t.key for t in out}:
            out.append(target)
    return out


def _with_media(shown: str, count: int, kind: str) -> str:
    """The supplement's text with how many pictures or voices came with it."""
    media = group_text("media_voice" if kind == "voice" else "media_image", count=count)
    if shown:
        return group_text("media_with_text", text=shown, media=media)
    return group_text("media_only", media=media)


async def reopen_case(
    session: AsyncSession,
    case: Case,
    reason: str,
    *,
    config: Any,
    actor: str = "payer",
    now: datetime | None = None,
) -> Case:
    """The payer says the resolved case is not solved and asks to 重新办理 (跟踪回访).

    The case gets status ``reopened`` and a fresh deadline (a new time limit from now: the
    old one has usually passed), the lead group a note (and the leadership office's group
    for a major case), the groups of the agencies that transferred it away theirs, the
    payer the "reopened" notice.
    The scheduler keys reminders by deadline, so the new deadline is reminded again.
    """
    now = now or utcnow()
    case.status = "reopened"
    case.resolved_at = None
    case.awaiting_info = False
    case.deadline = deadline_for(case.severity, now, config.raw)
    case.updated_at = now
    add_event(session, case, "reopened", actor, {"reason": str(reason or ""),
                                                 "deadline": case.deadline.isoformat()}, now)
    shown = safe_group_text(reason, PAYER_TEXT_CAP, payer_names(case),
                            single_line=True) or "未说明"
    note = group_text("reopened", case_no=case.case_no, deadline=deadline_text(case.deadline),
                      reason=shown, link=act_link(case.case_no))
    for target in note_targets(case, config.raw):
        add_note_rows(session, case, target.key, note, kind="reopened", agency=target.agency,
                      now=now)
    tell_trackers(session, case, config.raw, "tracked_reopened", now, reason=shown,
                  deadline=deadline_text(case.deadline))
    await enqueue_notice(session, case, "reopened", config=config, now=now)
    return case


def _open_case_query(category_is_none: bool) -> Any:
    """:func:`find_open_case`'s select, built once; ``== None`` would be ``IS NULL``."""
    category = Case.category.is_(None) if category_is_none else (
        Case.category == bindparam("category"))
    return (select(Case).where(Case.openid == bindparam("openid"), category,
                               Case.status.not_in(CLOSED_STATUSES))
            .order_by(Case.created_at.desc(), Case.id.desc()).limit(1))


_OPEN_CASE = {False: _open_case_query(False), True: _open_case_query(True)}


async def find_open_case(session: AsyncSession, openid: str, category: str | None
                         ) -> Case | None:
    """The payer's newest unresolved case of ``category`` (a likely duplicate)."""
    return await session.scalar(_OPEN_CASE[category is None],
                                {"openid": openid, "category": category})


async def cases_of(session: AsyncSession, openid: str) -> list[Case]:
    """The payer's cases, newest first."""
    rows = await session.execute(
        select(Case).where(Case.openid == openid)
        .order_by(Case.created_at.desc(), Case.id.desc()))
    return list(rows.scalars())


_CASE_PARTS = re.compile(r"([A-Z]{2,4})-*(\d{8})-*(\d{4})")
_DASHES = str.maketrans({c: "-" for c in "—–－‐‑‒―_﹣"})


def normalize_case_no(case_no: Any) -> str:
    """``" zy20261126－0001 "`` → ``"ZY20261126-0001"``: full-width folded, spaces dropped,
    any dash made "-", upper case. Numbers are stored in this form only."""
    text = unicodedata.normalize("NFKC", str(case_no or "")).translate(_DASHES)
    text = "".join(text.split()).upper()
    parts = _CASE_PARTS.fullmatch(text)
    return f"{parts[1]}{parts[2]}-{parts[3]}" if parts else text


def case_no_in(text: Any) -> str | None:
    """The case number inside what a liaison pasted from a card or a chat line
    (``【ZY20261126-0001】``, ``ZY20261126-0001。``), normalised; None when there is none."""
    folded = "".join(unicodedata.normalize("NFKC", str(text or "")).translate(_DASHES)
                     .split()).upper()
    parts = _CASE_PARTS.search(folded)
    return f"{parts[1]}{parts[2]}-{parts[3]}" if parts else None


_CASE_FOR_PAYER = select(Case).where(Case.case_no == bindparam("case_no"),
                                     Case.openid == bindparam("openid"))
"""Built once: :func:`case_for_payer` runs on every answer to "is it the same matter?"."""


async def case_for_payer(session: AsyncSession, openid: str, case_no: str) -> Case | None:
    """The case numbered ``case_no`` if it belongs to ``openid``; None for anyone else's."""
    return await session.scalar(_CASE_FOR_PAYER, {"case_no": normalize_case_no(case_no),
                                                  "openid": openid})


async def events_of(session: AsyncSession, case: Case) -> list[CaseEvent]:
    """The case history, oldest first."""
    rows = await session.execute(
        select(CaseEvent).where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.at, CaseEvent.id))
    return list(rows.scalars())
