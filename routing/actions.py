"""What a liaison can do with a case: plain async functions over the caller's session.

The REST API, the CLI and a later web console all call these, so visibility lives here and
nowhere else: an agency sees only the cases it leads, co-handles or transferred away and
tracks (the leadership group office sees every case), and anything else is
:class:`NotFound` — a foreign case is not even confirmed to exist. Changing a case's course
(accept, ask the payer, transfer, resolve) is for the lead agency or the leadership office;
co-handlers and trackers may read and add notes. Every action appends a :class:`CaseEvent`
with the agency as actor; the first one sets ``first_action_at`` (the seeds' response
time). Callers commit, then wake the outbox.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, and_, cast, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import mask_id_number, mask_name, mask_phone, scrub
from bot.store.models import Case, CaseEvent, utcnow
from routing.cards import (
    EMOJI_JOINER,
    NOTE_CAP,
    act_link,
    load_labels,
    payer_names,
    quoted,
    safe_group_text,
)
from routing.cases import (
    CLOSED_STATUSES,
    add_event,
    add_note_rows,
    case_no_in,
    default_rules,
    enqueue_cards,
    events_of,
    group_for,
    normalize_case_no,
    tell_trackers,
    tracking_agencies,
)
from routing.deadlines import SHANGHAI, deadline_for, deadline_text, to_local
from routing.notices import (
    DETAIL_CAP,
    agency_names,
    enqueue_notice,
    load_notices,
    status_label,
)
from routing.outbox import enqueue_alert, group_text
from routing.rules import CATEGORIES, Route, Rules

LEADERSHIP = "leadership_office"
TEXT_CAP = 2000
CASE_NO_CAP = 40  # a case number is ~15 characters; anything longer cannot exist
# Control characters, and zero-width and bidi marks: invisible or reordering, so a note of
# only "\u200b" would read as empty and one with U+202E would read backwards (an emoji's
# joiner stays, see routing.cards).
_INVISIBLE = re.compile(EMOJI_JOINER + r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u2064\u2066-\u2069\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
OPERATOR = LEADERSHIP  # who the CLI acts as when no agency is given
NAME_CAP = 40
PHONE_CAP = 30
_STAFF_PHONE = re.compile(r"\+?\(?[0-9][0-9 ()\-－]{2,}(\s*(转|ext\.?|x)\s*[0-9]{1,6})?",
                          re.IGNORECASE)
# Event detail keys that hold the liaison's own data (受理人), not the payer's: never masked.
STAFF_FIELDS = ("acceptor", "acceptor_phone")


class ActionError(Exception):
    """Base of the errors an action reports to its caller (API status in ``status``).

    ``str(exc)`` is the English detail kept for existing API clients; ``code`` is the stable
    key and :attr:`message` the Chinese sentence liaisons read (notices.yaml ``errors``).
    """

    status = 400
    code = "bad_request"

    def __init__(self, detail: str, code: str | None = None, *, wording: str | None = None,
                 **values: Any) -> None:
        super().__init__(detail)
        if code:
            self.code = code
        self.wording = wording  # a finer message under the same stable code
        self.values = values

    @property
    def message(self) -> str:
        key = self.wording or self.code
        return error_message(key, **self.values) or _label_error(key, self.values) or str(self)


class BadRequest(ActionError):
    """Missing or invalid input."""


class NotFound(ActionError):
    """No such case for this agency (also: the case belongs to other agencies)."""

    status = 404


class Forbidden(ActionError):
    """The agency sees the case but may not do this (co-handlers cannot resolve)."""

    status = 403


class Conflict(ActionError):
    """The case's status does not allow this (resolving a resolved case)."""

    status = 409


class TransferBack(Conflict):
    """The case would go back to an agency that already transferred it away: the seeds
    forbid passing a case around (有权处理部门应当及时处理，不得推诿); the leadership office
    decides who leads a disputed case."""

    code = "transfer_back"


class Archived(Conflict):
    """The case's file is archived (案卷归档): read-only for everyone."""

    code = "archived"


def error_message(code: str, **values: Any) -> str:
    """The Chinese sentence for error ``code`` (notices.yaml ``errors``), "" when unknown."""
    template = (load_notices().get("errors") or {}).get(code)
    return template.format(**values) if isinstance(template, str) else ""


def _label_error(code: str, values: Mapping[str, Any]) -> str:
    """The sentence for an error this module's own texts name (labels.yaml ``errors``)."""
    template = (load_labels().get("errors") or {}).get(code)
    return template.format(**values) if isinstance(template, str) else ""


def field_name(name: str) -> str:
    """"result" → 办理结果: a form field as the liaison knows it."""
    return ((load_notices().get("errors") or {}).get("fields") or {}).get(name, name)


def category_label(key: str | None) -> str:
    """late_fee → 滞纳金（利息）争议, as on the group card."""
    return (load_labels().get("categories") or {}).get(key or "", key or "")


def choice_list(options: Mapping[str, str]) -> str:
    """"tax（区税务局）、hrss（…）": the accepted values with what they mean."""
    return "、".join(f"{key}（{label}）" if label and label != key else key
                    for key, label in options.items())


# --- visibility -------------------------------------------------------------------------


def can_see(case: Case, agency: str) -> bool:
    return agency == LEADERSHIP or case.lead_agency == agency or agency in (
        case.co_agencies or ()) or agency in (case.trackers or ())


def is_tracker(case: Case, agency: str) -> bool:
    """The agency passed the case on and only follows it (跟踪、反馈): no co-handler duty."""
    return agency in tracking_agencies(case)


def _trackers_after(case: Case, old: str | None, new: str) -> list[str]:
    """The lead a transfer leaves keeps tracking the case (对不属于本部门职责范围的，通知并
    移交有权处理的部门，并跟踪、反馈); the new lead stops being a mere tracker."""
    kept = [a for a in case.trackers or () if a != new]
    return kept + [old] if old and old != LEADERSHIP and old not in kept else kept


def can_steer(case: Case, agency: str) -> bool:
    return agency == LEADERSHIP or case.lead_agency == agency


def visible_filter(agency: str):
    """SQL filter matching :func:`can_see` (co-handlers and trackers matched in the JSON
    text)."""
    if agency == LEADERSHIP:
        return true()
    pattern = '%"' + agency.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'
    return or_(Case.lead_agency == agency,
               cast(Case.co_agencies, Text).like(pattern, escape="\\"),
               cast(Case.trackers, Text).like(pattern, escape="\\"))


_DAY = r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})日?"
_DATE = re.compile(_DAY)
_MONTH = re.compile(r"((?:19|20)\d{2})[-./年](\d{1,2})月?")
_DATE_RANGE = re.compile(_DAY + r"(?:~|至|到|—+|-+)" + _DAY)


def _day(year: str, month: str, day: str) -> datetime | None:
    try:
        return datetime(int(year), int(month), int(day), tzinfo=SHANGHAI)
    except ValueError:
        return None


def search_filter(text: str):
    """SQL filter for what a liaison types in the search box: the case number from a card
    (in any case or width, or only its tail, 0001), the employer or the town; a day
    (2026-11-27, 2026年11月27日) or month finds the cases registered then (the number
    carries the Beijing day), and two days joined by ~/至 the ones registered between them."""
    wanted = "".join(ch for ch in "".join(str(text).split()) if ch.isprintable())[:CASE_NO_CAP]
    typed = unicodedata.normalize("NFKC", wanted)
    span = _DATE_RANGE.fullmatch(typed)
    if span:
        first, last = _day(*span.groups()[:3]), _day(*span.groups()[3:])
        if first is not None and last is not None:
            first, last = min(first, last), max(first, last)
            return and_(Case.created_at >= first,
                        Case.created_at < last + timedelta(days=1))
    day, month = _DATE.fullmatch(typed), _MONTH.fullmatch(typed)
    if day and _day(*day.groups()):
        number = "{}{:0>2}{:0>2}".format(*day.groups())
    elif month and 1 <= int(month.group(2)) <= 12:
        number = "{}{:0>2}".format(*month.groups())
    else:
        number = case_no_in(wanted) or normalize_case_no(wanted)

    def like(value: str) -> str:
        return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    return or_(Case.case_no.like(like(number), escape="\\"),
               Case.employer.like(like(wanted), escape="\\"),
               Case.jurisdiction.like(like(wanted), escape="\\"))


def shown_case_no(case_no: Any) -> str:
    """The number as echoed in an error: normalised, printable, capped — a URL may carry
    anything (NUL, newlines, kilobytes of padding) and the message must stay one short line."""
    return shown_value(normalize_case_no(case_no))


def shown_value(value: Any) -> str:
    """Any other value as echoed in an error: as typed (a status or agency code is not
    upper-cased like a case number), printable and capped to one short line."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value).strip())
    return text if len(text) <= CASE_NO_CAP else text[: CASE_NO_CAP - 1] + "…"


def agency_key(value: Any, names: Mapping[str, str]) -> str | None:
    """The agency a liaison typed: its code in any case and spacing (" HRSS "), its display
    name with or without the leading 区 (区人力资源和社会保障局), or the short name liaisons
    use (人社局, labels.yaml ``agency_aliases``); None when it names no agency."""
    if not isinstance(value, str):
        return None
    wanted = "".join(value.split())
    aliases = load_labels().get("agency_aliases") or {}
    for key, name in names.items():
        full = "".join(name.split())
        said = {full, full.removeprefix("区"), *(aliases.get(key) or ())}
        if wanted.lower() == key.lower() or wanted in said:
            return key
    return None


def lead_of(value: str | None, names: Mapping[str, str]) -> str | None:
    """A list's ``agency`` filter (the office's 督办 per agency): the agency as typed, None
    for no filter; one that names no agency is refused, not answered with no cases."""
    if value is None or not value.strip():
        return None
    found = agency_key(value, names)
    if found is None:
        choices = "、".join(f"{k}（{n}）" for k, n in names.items() if k != LEADERSHIP)
        raise BadRequest(f"unknown agency {value[:40]!r}", "unknown_agency",
                         value=shown_value(value), choices=choices)
    return found


def actor_name(actor: str | None, names: Mapping[str, str]) -> str:
    """Who did it, as a liaison says it: 区税务局, 区税务局（命令行）, 系统."""
    words = load_labels().get("actors") or {}
    actor = actor or "system"
    agency = actor.removeprefix("cli:")
    if actor != agency:
        return words.get("terminal", "{agency}").format(agency=names.get(agency, agency))
    return names.get(actor) or words.get(actor, actor)


def _archived(case: Case) -> None:
    """An archived file (案卷归档) is sealed: every action is refused, notes too."""
    if case.status == "closed":
        raise Archived(f"case {case.case_no} is archived", case_no=case.case_no)


async def _load(session: AsyncSession, agency: str, case_no: str, *,
                for_update: bool = False) -> Case:
    """``for_update``: the row stays locked until the action commits (PostgreSQL; SQLite
    writes one at a time anyway), so of two liaisons acting at once the second sees what
    the first did instead of both passing the same checks."""
    wanted = normalize_case_no(case_no)
    # A NUL or a control character is in no case number, and PostgreSQL refuses NUL outright.
    if not wanted or len(wanted) > CASE_NO_CAP or not wanted.isprintable():
        raise NotFound(f"case {shown_case_no(case_no)} not found", "not_found",
                       case_no=shown_case_no(case_no))
    query = select(Case).where(Case.case_no == wanted)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = await session.scalar(query)
    if case is None or not can_see(case, agency):
        raise NotFound(f"case {shown_case_no(case_no)} not found", "not_found",
                       case_no=shown_case_no(case_no))
    return case


async def _steer(session: AsyncSession, agency: str, case_no: str, config: Any = None) -> Case:
    case = await _load(session, agency, case_no, for_update=True)
    _archived(case)
    if is_tracker(case, agency):  # a colleague transferred it meanwhile, or a stale card
        lead = case.lead_agency or ""
        raise Forbidden("only the lead agency or the leadership office may do this", "forbidden",
                        wording="tracker_forbidden", case_no=case.case_no,
                        lead=agency_names(getattr(config, "raw", None)).get(lead, lead))
    if not can_steer(case, agency):
        lead = case.lead_agency or ""
        raise Forbidden("only the lead agency or the leadership office may do this", "forbidden",
                        wording="co_forbidden", case_no=case.case_no,
                        lead=agency_names(getattr(config, "raw", None)).get(lead, lead))
    if case.status in CLOSED_STATUSES:
        raise Conflict(f"case {case.case_no} is {case.status}", "closed",
                       case_no=case.case_no, status=status_label(case.status))
    return case


async def _not_stopped(session: AsyncSession, case: Case) -> None:
    """The payer asked to stop (撤回, 问题已解决) and the lead has yet to close the case:
    taking it up again (受理, 提级), passing it on (转办: another agency would start the work
    the payer no longer wants) or asking the payer for more is refused; the liaison is told
    to verify and close it (notes still go in)."""
    wish = payer_wish(case, await events_of(session, case))
    if wish:
        raise Conflict(f"the payer asked to stop case {case.case_no} ({wish}); resolve it",
                       "payer_stopped", wording=f"payer_{'withdrew' if wish == 'withdraw' else wish}",
                       case_no=case.case_no)


def _optional_text(value: Any, name: str, cap: int = TEXT_CAP) -> str | None:
    """An optional field of the 报送单: absent or blank is None, anything else as
    :func:`_text` (a number or a list is refused, not stored as its repr)."""
    if value is None or isinstance(value, str) and not _INVISIBLE.sub("", value).strip():
        return None
    return _text(value, name, cap)


def _staff_phone(value: Any) -> str | None:
    """The acceptor's work phone (受理人电话): digits with the usual separators and an
    extension (020-8275 1234 转 8012); a staff number, so it is never masked."""
    phone = _optional_text(value, "acceptor_phone", PHONE_CAP)
    if phone is not None:  # a full-width input method types ０２０－８２７５…（…）
        phone = unicodedata.normalize("NFKC", phone)
    if phone is not None and not _STAFF_PHONE.fullmatch(phone):
        raise BadRequest("`acceptor_phone` is not a phone number", "bad_phone",
                         field=field_name("acceptor_phone"))
    return phone


def _text(value: Any, name: str, cap: int = TEXT_CAP) -> str:
    """A liaison's free text: a non-empty string of at most ``cap`` characters.

    NUL and other control characters are dropped (PostgreSQL refuses NUL in text and JSON,
    and they mean nothing to a reader); a lone surrogate (``"\\ud800"`` in JSON) cannot be
    encoded as UTF-8, so stored it would make every later read of the case fail.
    """
    label = field_name(name)
    if value is None:
        raise BadRequest(f"`{name}` must be a non-empty string", "text_required", field=label)
    if not isinstance(value, str):  # 5, true, ["…"]: not empty, but not text either
        raise BadRequest(f"`{name}` must be a non-empty string, not {type(value).__name__}",
                         "text_required", wording="text_type", field=label)
    if _SURROGATE.search(value):
        raise BadRequest(f"`{name}` is not valid Unicode text", "text_invalid", field=label)
    value = _INVISIBLE.sub("", value)
    if not value.strip():
        raise BadRequest(f"`{name}` must be a non-empty string", "text_required", field=label)
    value = value.strip()
    if len(value) > cap:
        raise BadRequest(f"`{name}` is longer than {cap} characters", "text_too_long",
                         field=label, length=len(value), cap=cap)
    return value


def _has_words(text: str) -> bool:
    """Letters or digits somewhere: "。", "..." or "😀👍" (filled only to get past the
    check) say nothing a reader could act on."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _reason(value: Any) -> str:
    """Why a case is transferred or escalated: the next group acts on it, so a reason
    without words is refused like an empty one."""
    why = _text(value, "reason")
    if not _has_words(why):
        raise BadRequest("`reason` must say why", "text_required", wording="reason_words",
                         field=field_name("reason"))
    return why


def _payer_text(value: Any, name: str) -> str:
    """Free text the payer receives word for word (a request, a result): capped at what one
    notice carries (notices.DETAIL_CAP), so nothing is cut off unseen on the payer's phone,
    and with words in it (a result of "。。。" would close the case telling the payer nothing)."""
    text = _text(value, name)
    if not _has_words(text):
        raise BadRequest(f"`{name}` must say something", "text_required",
                         wording="payer_text_words", field=field_name(name))
    if len(text) > DETAIL_CAP:
        raise BadRequest(f"`{name}` is longer than {DETAIL_CAP} characters (sent to the payer)",
                         "payer_text_too_long", field=field_name(name), length=len(text),
                         cap=DETAIL_CAP)
    return text


def _acted(session: AsyncSession, case: Case, agency: str, kind: str,
           detail: Mapping[str, Any], now: datetime) -> CaseEvent:
    if case.first_action_at is None:
        case.first_action_at = now
    case.updated_at = now
    return add_event(session, case, kind, agency, detail, now)


# --- views ------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return to_local(moment).isoformat() if moment else None


def is_overdue(case: Case, now: datetime) -> bool:
    return case.status not in CLOSED_STATUSES and case.deadline is not None and (
        case.deadline <= now)


_WISH_EVENTS = ("supplement", "resolved", "reopened")
_WISHES = ("withdraw", "settled")
_AFTER_WISH = ("note", "resolve")  # what :func:`_not_stopped` lets through


def payer_wish(case: Case, events: Sequence[Any]) -> str | None:
    """"withdraw" or "settled" while the payer's request to stop (撤回, 问题已解决) waits
    for the lead to close the case; a later 继续办理, result or reopening ends it."""
    if case.status in CLOSED_STATUSES:
        return None
    wish = None
    for event in events:
        asked = (event.detail or {}).get("request") if event.kind == "supplement" else None
        if asked in _WISHES:
            wish = asked
        elif asked == "resume" or event.kind in ("resolved", "reopened"):
            wish = None
    return wish


def summary(case: Case, now: datetime | None = None,
            names: Mapping[str, str] | None = None, wish: str | None = None) -> dict[str, Any]:
    """A case in a list: no personal data; ``wish`` (:func:`payer_wish`) is shown with its
    group heading (缴费人申请撤回), so a list shows which cases only wait to be closed."""
    names = names or {}
    titles = ((load_notices().get("group") or {}).get("payer_requests") or {})
    return {
        "case_no": case.case_no,
        "status": case.status,
        "status_label": status_label(case.status),
        "category": case.category,
        "severity": case.severity,
        "district": case.district,
        "lead_agency": case.lead_agency,
        "lead_name": names.get(case.lead_agency or "", case.lead_agency),
        "co_agencies": list(case.co_agencies or []),
        "trackers": list(case.trackers or []),
        "deadline": _iso(case.deadline),
        # as cards and notices write it: a deadline at midnight is "…24:00" of the day before
        "deadline_label": deadline_text(case.deadline, none="") or None,
        "overdue": is_overdue(case, now or utcnow()),
        "awaiting_info": bool(case.awaiting_info),
        "created_at": _iso(case.created_at),
        "resolved_at": _iso(case.resolved_at),
        # Once resolved a case is no longer overdue; the office still needs to see it was late.
        "resolved_late": bool(case.resolved_at and case.deadline
                              and case.resolved_at > case.deadline),
        "payer_request": wish,
        "payer_request_label": (titles.get(wish) or {}).get("title") if wish else None,
    }


def _masked_detail(detail: Mapping[str, Any], names: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: scrub(v, names) if isinstance(v, str) and k not in STAFF_FIELDS else v
            for k, v in (detail or {}).items()}


def report_form(case: Case, events: list[CaseEvent], contact: Mapping[str, Any],
                summary_text: str, show: Callable[[str], str] = scrub) -> dict[str, Any]:
    """The seeds' 社会保险费征缴争议事项处理报送单 (002 附件), field by field: 报送编号,
    联系人, 反映内容摘要, 受理人 (name, phone, time), 报送意见, and the day by which the
    handling is reported back (办理时限). ``missing`` names the fields still blank, so the
    acceptor sees what the form lacks; ``show`` masks the opinion like other free text."""
    accepted = [e for e in events if e.kind == "accepted"]
    filled: dict[str, Any] = {}
    for event in accepted:  # a case accepted again after 重新办理 keeps earlier entries
        filled.update({k: v for k, v in (event.detail or {}).items() if v})
    form = {
        "number": case.case_no,
        "contact": {"name": contact.get("name"), "phone": contact.get("phone")},
        "summary": summary_text,
        "received_at": _iso(case.created_at),
        "acceptor": {"agency": accepted[-1].actor if accepted else None,
                     "name": filled.get("acceptor"), "phone": filled.get("acceptor_phone"),
                     "accepted_at": _iso(accepted[0].at) if accepted else None},
        "opinion": show(filled["opinion"]) if filled.get("opinion") else None,
        "feedback_due": _iso(case.deadline),
    }
    blanks = {"acceptor": form["acceptor"]["name"], "acceptor_phone": form["acceptor"]["phone"],
              "opinion": form["opinion"]}
    form["missing"] = [field_name(k) for k, v in blanks.items() if not v]
    return form


def detail_view(case: Case, events: list[CaseEvent], reveal: bool,
                names: Mapping[str, str] | None = None,
                now: datetime | None = None) -> dict[str, Any]:
    """One case for a liaison; contact data and free text masked unless ``reveal``."""
    view = summary(case, now, names, wish=payer_wish(case, events))
    # The masked view hides the payer's name wherever they typed it ("我叫张三"), like the
    # group card does; otherwise contact.name "张*" would sit next to the full name.
    own = payer_names(case)
    show = (lambda v: v) if reveal else (lambda v: scrub(v, own))
    view.update({
        "jurisdiction": case.jurisdiction,
        "severity_reasons": list(case.severity_reasons or []),
        "employer": case.employer,
        "period": case.period,
        "amount": case.amount,
        "headcount": case.headcount,
        "description": show(case.description or ""),
        "desired_outcome": show(case.desired_outcome or "") or None,
        "evidence": list(case.evidence or []),
        "channel": case.channel,
        "needs_callback": bool(case.needs_callback),
        "rating": case.rating,
        "solved": case.solved,
        "first_action_at": _iso(case.first_action_at),
        "contact": {
            "name": case.name if reveal else mask_name(case.name),
            "phone": case.phone if reveal else mask_phone(case.phone),
            "id_number": case.id_number if reveal else mask_id_number(case.id_number),
            "revealed": reveal,
        },
        "events": [{"at": _iso(e.at), "actor": e.actor,
                    "actor_name": actor_name(e.actor, names or {}), "kind": e.kind,
                    "detail": dict(e.detail or {}) if reveal else _masked_detail(e.detail, own)}
                   for e in events],
    })
    view["report_form"] = report_form(case, events, view["contact"], view["description"], show)
    return view


# --- reading ----------------------------------------------------------------------------


@dataclass
class CaseList:
    """One page of an agency's cases and how many match in all, so a long list is never
    mistaken for the whole."""

    cases: list[Case]
    total: int
    offset: int
    limit: int
    wishes: dict[int, str] = field(default_factory=dict)


MAX_PAGE = 2000


_LIST_SEP = re.compile(r"[,，、;；|]")


def filter_choice(value: str, options: Mapping[str, str], kind: str) -> str | None:
    """The option a liaison means in a list filter: its code in any case and spacing, its
    Chinese label (办理中, 重大疑难事项), or a short form (labels.yaml ``filter_words``);
    None when it means none of them."""
    def bare(words: Any) -> str:
        return "".join(unicodedata.normalize("NFKC", str(words)).split())

    text = bare(value)
    for key, label in options.items():
        if text.lower() == key.lower() or text and text == bare(label):
            return key
    words = {bare(w): key for w, key in
             ((load_labels().get("filter_words") or {}).get(kind) or {}).items()}
    return words.get(text) or words.get(text.lower())


def _picked(value: str, options: Mapping[str, str], kind: str) -> str:
    found = filter_choice(value, options, kind)
    if found is None or found not in options:
        raise BadRequest(f"unknown {kind} {value[:40]!r}; one of: {', '.join(options)}",
                         f"unknown_{kind}", value=shown_value(value),
                         choices=choice_list(options))
    return found


def _statuses(value: str | Sequence[str] | None) -> tuple[list[str], bool]:
    """The statuses a list asks for (repeated, or joined by , 、) and whether 逾期 was among
    them: a second status is listed too, never silently dropped."""
    known = load_notices().get("statuses") or {}
    given = [value] if isinstance(value, str) else list(value or ())
    parts = [p for v in given for p in _LIST_SEP.split(v) if p.strip()]
    statuses, late = [], False
    for part in parts:
        found = filter_choice(part, known, "status")
        if found == "overdue":
            late = True
        elif found in known:
            statuses.append(found)
        else:
            raise BadRequest(f"unknown status {part[:40]!r}; one of: {', '.join(known)}",
                             "unknown_status", value=shown_value(part),
                             choices=choice_list(known))
    return statuses, late


def _order(sort: str | None) -> tuple:
    """The ORDER BY of ``sort`` (labels.yaml ``sorts``); the id breaks ties, so cases
    registered in the same second never repeat or go missing between pages."""
    sorts = load_labels().get("sorts") or {}
    if sort and sort not in sorts:
        raise BadRequest(f"unknown sort {sort[:40]!r}; one of: {', '.join(sorts)}",
                         "unknown_sort", value=shown_value(sort), choices=choice_list(sorts))
    return {
        "oldest": (Case.created_at.asc(), Case.id.asc()),
        "deadline": (Case.deadline.is_(None), Case.deadline.asc(), Case.id.asc()),
        "-deadline": (Case.deadline.is_(None), Case.deadline.desc(), Case.id.desc()),
    }.get(sort or "newest", (Case.created_at.desc(), Case.id.desc()))


async def list_cases(
    session: AsyncSession,
    agency: str,
    status: str | Sequence[str] | None = None,
    overdue: bool | None = None,
    category: str | None = None,
    *,
    severity: str | None = None,
    search: str | None = None,
    lead: str | None = None,
    sort: str | None = None,
    now: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
) -> CaseList:
    """The agency's cases, newest first unless ``sort`` says otherwise, optionally filtered
    (``lead``: only those this agency leads, :func:`lead_of`). An unknown status, category
    or severity is refused rather than answered with an empty list, which would read as "no
    cases"; ``search`` finds a case number, employer or place (:func:`search_filter`)."""
    severities = load_labels().get("severities") or {}
    if severity:
        severity = _picked(severity, severities, "severity")
    statuses, late = _statuses(status)
    if late and overdue is None:
        overdue = True
    if category:
        category = _picked(category, {c: category_label(c) for c in CATEGORIES}, "category")
    order = _order(sort)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise BadRequest(f"limit must be 1–{MAX_PAGE} and offset 0 or more", "bad_page",
                         max=MAX_PAGE)
    now = now or utcnow()
    where = [visible_filter(agency)]
    if statuses:
        where.append(Case.status.in_(statuses))
    if category:
        where.append(Case.category == category)
    if severity:
        where.append(Case.severity == severity)
    if search and search.strip():
        where.append(search_filter(search))
    if lead is not None:
        where.append(Case.lead_agency == lead)
    open_late = and_(Case.status.not_in(CLOSED_STATUSES), Case.deadline.is_not(None),
                     Case.deadline <= now)
    if overdue is not None:
        where.append(open_late if overdue else not_(open_late))
    total = await session.scalar(select(func.count()).select_from(Case).where(*where))
    rows = await session.execute(select(Case).where(*where).order_by(*order)
                                 .limit(limit).offset(offset))
    cases = [c for c in rows.scalars() if can_see(c, agency)]
    if not cases:
        return CaseList(cases, total or 0, offset, limit)
    history = await session.execute(
        select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.detail)
        .where(CaseEvent.case_id.in_([c.id for c in cases]), CaseEvent.kind.in_(_WISH_EVENTS))
        .order_by(CaseEvent.id))
    by_case: dict[int, list[Any]] = {}
    for event in history:
        by_case.setdefault(event.case_id, []).append(event)
    wishes = {c.id: w for c in cases if (w := payer_wish(c, by_case.get(c.id, ())))}
    return CaseList(cases, total or 0, offset, limit, wishes)


async def get_case(
    session: AsyncSession,
    agency: str,
    case_no: str,
    reveal_contact: bool = False,
    actor: str | None = None,
    *,
    config: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The case as a dict; revealing contact data writes the audit event "contact_viewed"
    (not an action: it does not set ``first_action_at``)."""
    now = now or utcnow()
    case = await _load(session, agency, case_no)
    if reveal_contact:
        add_event(session, case, "contact_viewed", actor or agency, {"agency": agency}, now)
        await session.flush()
    events = await events_of(session, case)
    names = agency_names(getattr(config, "raw", {}))
    view = detail_view(case, events, reveal_contact, names, now)
    view.update(next_steps(case, agency, names, now, events))
    return view


def next_steps(case: Case, agency: str, names: Mapping[str, str],
               now: datetime, events: Sequence[CaseEvent] = ()) -> dict[str, Any]:
    """What this agency may do with the case now, in words and as API calls, so a liaison
    holding only the group card knows the next move (notices.yaml ``next_step``); an
    agency tracking a case it transferred is told to whom (from ``events``)."""
    texts = load_notices().get("next_step") or {}
    specs = load_notices().get("actions") or {}
    deadline = deadline_text(case.deadline)
    if case.status == "closed":
        allowed, steps = [], [(load_labels().get("archived") or {}).get("next_step", "")]
    elif case.status in CLOSED_STATUSES:
        allowed, steps = ["note"], [texts["closed"].format(status=status_label(case.status))]
    elif is_tracker(case, agency):
        allowed, steps = ["note"], _tracking(case, agency, names, events, texts)
    elif not can_steer(case, agency):
        lead = names.get(case.lead_agency or "", case.lead_agency or "")
        allowed, steps = ["note"], [texts["co_handler"].format(lead=lead, deadline=deadline)]
    else:
        allowed = [a for a in specs if not (a == "accept" and case.status == "accepted"
                                            or a == "escalate" and case.severity == "major")]
        state = ("awaiting_info" if case.awaiting_info
                 else "accepted" if case.status == "accepted" else "new")
        steps = [texts[state].format(deadline=deadline)]
        wish = payer_wish(case, events)
        if wish:  # only closing it (or a note) is left: the other steps are refused
            allowed = [a for a in allowed if a in _AFTER_WISH]
            steps.insert(0, texts[f"payer_{wish}"])
        if is_overdue(case, now):
            steps.insert(0, texts["overdue"].format(deadline=deadline))
    if case.needs_callback and case.status not in CLOSED_STATUSES:
        steps.append(texts["callback"])
    base = f"/api/cases/{case.case_no}"
    targets = {a: n for a, n in names.items() if a not in (LEADERSHIP, case.lead_agency)}
    return {
        "tracking": is_tracker(case, agency),
        "category_label": category_label(case.category),
        "severity_label": (load_labels().get("severities") or {}).get(case.severity or "",
                                                                       case.severity),
        "next_step": "".join(steps),
        "actions": [{"action": a, "label": specs[a]["label"], "method": "POST",
                     "path": f"{base}/{a}", "body": dict(specs[a].get("body") or {}),
                     **({"agencies": targets} if a == "transfer" else {})}
                    for a in allowed],
    }


def after_action(name: str) -> str | None:
    """What the answer to action ``name`` tells the liaison about who reads its text (a
    transfer reason stays inside, a result goes to the payer word for word)."""
    return ((load_notices().get("actions") or {}).get(name) or {}).get("after")


def _tracking(case: Case, agency: str, names: Mapping[str, str],
               events: Sequence[CaseEvent], texts: Mapping[str, str]) -> list[str]:
    """"本单位已将案件转X办理，负责跟踪…", plus who leads now when X passed it on too."""
    lead = case.lead_agency or ""
    passed = [(e.detail or {}).get("to") for e in events
              if e.kind == "transferred" and (e.detail or {}).get("from") == agency]
    to = passed[-1] if passed and passed[-1] else lead
    steps = [texts["tracker"].format(to=names.get(to, to), lead=names.get(lead, lead))]
    if to != lead:
        steps.append(texts["tracker_moved"].format(lead=names.get(lead, lead)))
    return steps


# --- acting -----------------------------------------------------------------------------


async def accept(session: AsyncSession, agency: str, case_no: str, *,
                 acceptor: Any = None, acceptor_phone: Any = None, opinion: Any = None,
                 config: Any = None, now: datetime | None = None) -> Case:
    """The lead agency takes the case on (受理). The 报送单 fields the acceptor fills in —
    their name and phone (受理人信息) and the initial handling opinion (初步处理意见 /
    报送意见, 001 三.(一), 003 六.(一)) — are kept on the "accepted" event; each is optional
    so that a bare accept still works, and :func:`report_form` lists the blanks."""
    now = now or utcnow()
    filled = {"acceptor": _optional_text(acceptor, "acceptor", NAME_CAP),
              "acceptor_phone": _staff_phone(acceptor_phone),
              "opinion": _optional_text(opinion, "opinion")}
    case = await _steer(session, agency, case_no, config)
    await _not_stopped(session, case)
    if case.status == "accepted":
        raise Conflict(f"case {case.case_no} is already accepted", "already_accepted",
                       case_no=case.case_no)
    case.status = "accepted"
    _acted(session, case, agency, "accepted", {k: v for k, v in filled.items() if v}, now)
    await enqueue_notice(session, case, "accepted", config=config, now=now)
    await session.flush()
    return case


async def add_note(session: AsyncSession, agency: str, case_no: str, text: Any, *,
                   config: Any = None, now: datetime | None = None) -> Case:
    """An internal note (progress, a phone call made); lead and co-handlers alike.

    A note by another agency than the lead — a co-handler's written opinion (联办单位向受理
    单位提供书面意见, which the lead combines into its answer) or the office's 督办 — goes
    to the lead's group too, so the lead does not have to look for it."""
    now = now or utcnow()
    note = _text(text, "text")
    if not _has_words(note):  # "。。" tells the next reader nothing, like a bare result
        raise BadRequest("`text` must say something", "text_required", wording="note_words",
                         field=field_name("text"))
    case = await _load(session, agency, case_no)
    _archived(case)
    _acted(session, case, agency, "note", {"text": note}, now)
    raw = getattr(config, "raw", None)
    if raw and agency != case.lead_agency:
        target = group_for(default_rules(), case.lead_agency or "", case.district, raw)
        if target is not None:
            own = payer_names(case)
            body = group_text("co_note", case_no=case.case_no,
                              agency=agency_names(raw).get(agency, agency),
                              text=quoted(safe_group_text(note, NOTE_CAP, own)),
                              link=act_link(case.case_no))
            add_note_rows(session, case, target.key, body, kind="co_note",
                          agency=target.agency, now=now)
    await session.flush()
    return case


async def _last_request(session: AsyncSession, case: Case) -> str | None:
    asked = [e for e in await events_of(session, case) if e.kind == "info_requested"]
    return (asked[-1].detail or {}).get("text") if asked else None


async def request_info(session: AsyncSession, agency: str, case_no: str, text: Any, *,
                       config: Any = None, now: datetime | None = None) -> Case:
    """Ask the payer for more information; their next message becomes a supplement
    (the intake dialogue calls :func:`routing.cases.add_supplement`)."""
    now = now or utcnow()
    question = _payer_text(text, "text")
    case = await _steer(session, agency, case_no, config)
    await _not_stopped(session, case)
    if case.awaiting_info and await _last_request(session, case) == question:
        # A double click or a client retry would send the payer the same request twice.
        raise Conflict(f"the payer was already asked this for case {case.case_no}",
                       "info_already_requested", case_no=case.case_no)
    case.awaiting_info = True
    _acted(session, case, agency, "info_requested", {"text": question}, now)
    await enqueue_notice(session, case, "info_requested", question, config=config, now=now)
    return case


async def transfer(session: AsyncSession, agency: str, case_no: str, to_agency: Any,
                   reason: Any, *, config: Any, rules: Rules | None = None,
                   now: datetime | None = None) -> Case:
    """Hand the case to another lead agency: its group gets the card, the payer a notice,
    and the lead it leaves keeps seeing it as a tracker (read-only plus notes).

    The deadline stays: the payer's clock does not restart because of an internal hand-over.
    A lead may not hand the case back to an agency that transferred it away before
    (:class:`TransferBack`); only the leadership office may.
    """
    now = now or utcnow()
    raw = config.raw
    names = agency_names(raw)
    why = _reason(reason)
    targets = sorted(a for a in names if a != LEADERSHIP)
    choices = choice_list({a: names[a] for a in targets})
    if not isinstance(to_agency, str) or not to_agency.strip():
        raise BadRequest(f"`agency` must be one of: {', '.join(targets)}", "agency_required",
                         choices=choices)
    found = agency_key(to_agency, names)
    if found == LEADERSHIP:
        # The leadership office oversees every case but never leads one: a case
        # "transferred" to it would vanish from every handling agency's list.
        raise BadRequest(f"`agency` must be one of: {', '.join(targets)}; the leadership "
                         "office leads no case, escalate it instead",
                         "office_not_lead", choices=choices)
    if found is None:
        raise BadRequest(f"`agency` must be one of: {', '.join(targets)}", "unknown_agency",
                         value=shown_value(to_agency), choices=choices)
    to_agency = found
    case = await _steer(session, agency, case_no, config)
    await _not_stopped(session, case)
    if to_agency == case.lead_agency:
        raise Conflict(f"{to_agency} already leads case {case.case_no}", "already_leads",
                       agency=names.get(to_agency, to_agency), case_no=case.case_no)
    if agency != LEADERSHIP and any(
            e.kind == "transferred" and (e.detail or {}).get("from") == to_agency
            for e in await events_of(session, case)):
        raise TransferBack(f"{to_agency} already transferred case {case.case_no} away; "
                           f"ask the leadership office ({LEADERSHIP}) to decide who leads it",
                           agency=names.get(to_agency, to_agency), case_no=case.case_no)
    old = case.lead_agency
    case.status = "transferred"
    _acted(session, case, agency, "transferred", {"from": old, "to": to_agency, "reason": why},
           now)
    case.trackers = _trackers_after(case, old, to_agency)
    case.lead_agency = to_agency
    case.co_agencies = [a for a in case.co_agencies or [] if a != to_agency]
    case.status = "assigned"
    add_event(session, case, "assigned", agency, {"lead": to_agency, "by": "transfer"}, now)
    await session.flush()
    target = group_for(rules or default_rules(), to_agency, case.district, raw)
    if target is None:
        await enqueue_alert(session, raw, group_text(
            "alert_missing_group", case_no=case.case_no, district=case.district or "辖区外",
            agencies=names.get(to_agency, to_agency)), case_id=case.id, now=now)
    else:
        route = Route(lead=to_agency, co=list(case.co_agencies or []), groups=[target],
                      district=case.district, in_area=case.district is not None)
        enqueue_cards(session, case, route, [target], raw, now)
        note = group_text("transferred_in", case_no=case.case_no,
                          from_agency=names.get(old or "", old or "—"),
                          reason=safe_group_text(why, NOTE_CAP, payer_names(case), single_line=True))
        add_note_rows(session, case, target.key, note, kind="transfer",
                  agency=to_agency, now=now)
    await _tell_office(session, case, raw, now, "transferred_major",
                       from_agency=names.get(old or "", old or "—"),
                       to_agency=names.get(to_agency, to_agency),
                       reason=safe_group_text(why, NOTE_CAP, payer_names(case), single_line=True))
    _tell_co_handlers(session, case, raw, now, "co_transferred",
                      skip={target.key} if target else set(),
                      from_agency=names.get(old or "", old or "—"),
                      to_agency=names.get(to_agency, to_agency),
                      reason=safe_group_text(why, NOTE_CAP, payer_names(case), single_line=True))
    tell_trackers(session, case, raw, "tracked_transferred", now,
                  from_agency=names.get(old or "", old or "—"),
                  reason=safe_group_text(why, NOTE_CAP, payer_names(case), single_line=True))
    await enqueue_notice(session, case, "transferred", why, config=config, now=now)
    return case


async def _tell_office(session: AsyncSession, case: Case, raw: Mapping[str, Any],
                       now: datetime, text: str, **values: Any) -> None:
    """A change in the course of a major case, to the leadership group office, which
    oversees it (领导小组会商); other cases' changes stay with their lead."""
    if case.severity != "major":
        return
    target = group_for(default_rules(), LEADERSHIP, case.district, raw)
    if target is None:
        return
    note = group_text(text, case_no=case.case_no, link=act_link(case.case_no), **values)
    add_note_rows(session, case, target.key, note, kind=text,
                  agency=LEADERSHIP, now=now)


def _tell_lead(session: AsyncSession, case: Case, raw: Mapping[str, Any], now: datetime,
               text: str, actor: str, **values: Any) -> None:
    """What the leadership office did in a case it oversees, to the lead's group, which
    still answers for the case and would otherwise learn of it from the payer."""
    if actor == case.lead_agency:
        return
    target = group_for(default_rules(), case.lead_agency or "", case.district, raw)
    if target is None:
        return
    names = agency_names(raw)
    note = group_text(text, case_no=case.case_no, agency=names.get(actor, actor),
                      link=act_link(case.case_no), **values)
    add_note_rows(session, case, target.key, note, kind=text,
                  agency=case.lead_agency, now=now)


def _tell_co_handlers(session: AsyncSession, case: Case, raw: Mapping[str, Any],
                      now: datetime, text: str, skip: set[str], **values: Any) -> None:
    """A change co-handlers must know to give their written opinion in time (各联办单位在
    规定时限内向受理单位提供书面意见): a new lead to send it to, a new time limit; and the
    result, so a co-handler does not keep working on a closed case. Groups
    in ``skip`` (told otherwise) and the leadership office are left out; outside the area
    there are no co-handler groups."""
    if case.district is None:
        return
    told = set(skip)
    for agency in case.co_agencies or ():
        target = group_for(default_rules(), agency, case.district, raw)
        if agency in (LEADERSHIP, case.lead_agency) or target is None or target.key in told:
            continue
        told.add(target.key)
        note = group_text(text, case_no=case.case_no, deadline=deadline_text(case.deadline),
                          link=act_link(case.case_no), **values)
        add_note_rows(session, case, target.key, note, kind=text,
                  agency=agency, now=now)


async def escalate(session: AsyncSession, agency: str, case_no: str, reason: Any, *,
                   config: Any, rules: Rules | None = None,
                   now: datetime | None = None) -> Case:
    """Raise a case to 重大疑难事项 (提级): the seeds send a case the lead cannot settle to the
    leadership group (领导小组/专班会商), so its office becomes a co-handler and its group gets
    the card with @all, the lead group a note, the payer a notice with the new time limit.

    The limit becomes the major one counted from registration, never earlier than the one
    in force: the payer's clock does not restart, and escalating must not shorten it.
    """
    now = now or utcnow()
    raw = config.raw
    why = _reason(reason)
    case = await _steer(session, agency, case_no, config)
    await _not_stopped(session, case)
    if case.severity == "major":
        raise Conflict(f"case {case.case_no} is already major", "already_major",
                       case_no=case.case_no)
    old = case.severity
    case.severity = "major"
    case.deadline = max(d for d in (case.deadline, deadline_for("major", case.created_at, raw))
                        if d is not None)
    if LEADERSHIP not in (case.co_agencies or []):
        case.co_agencies = [*(case.co_agencies or []), LEADERSHIP]
    _acted(session, case, agency, "raised_major",
           {"severity": "major", "previous": old, "reason": why,
            "deadline": to_local(case.deadline).isoformat()}, now)
    await session.flush()
    rules = rules or default_rules()
    names = agency_names(raw)
    office = group_for(rules, LEADERSHIP, case.district, raw)
    if office is None:
        await enqueue_alert(session, raw, group_text(
            "alert_missing_group", case_no=case.case_no, district=case.district or "辖区外",
            agencies=names.get(LEADERSHIP, LEADERSHIP)), case_id=case.id, now=now)
    else:
        route = Route(lead=case.lead_agency or "", co=list(case.co_agencies or []),
                      groups=[office], district=case.district,
                      in_area=case.district is not None)
        enqueue_cards(session, case, route, [office], raw, now)
    lead = group_for(rules, case.lead_agency or "", case.district, raw)
    note = group_text("raised_major", case_no=case.case_no,
                      agency=names.get(agency, agency), deadline=deadline_text(case.deadline),
                      reason=safe_group_text(why, NOTE_CAP, payer_names(case), single_line=True))
    # The office's card says what the case is; the note after it says why it came to them.
    told = [t for t in (office, lead) if t is not None]
    for target in {t.key: t for t in told}.values():
        add_note_rows(session, case, target.key, note, kind="raised_major",
                  agency=target.agency, now=now)
    _tell_co_handlers(session, case, raw, now, "co_raised_major",
                      skip={t.key for t in (office, lead) if t is not None},
                      agency=names.get(agency, agency),
                      reason=safe_group_text(why, NOTE_CAP, payer_names(case), single_line=True))
    await enqueue_notice(session, case, "raised_major", config=config, now=now)
    return case


async def resolve(session: AsyncSession, agency: str, case_no: str, result_text: Any, *,
                  config: Any = None, now: datetime | None = None) -> Case:
    """Close the case with its result (办结): the payer is told the result, then asked to
    rate it 1–5 and say whether it is solved (the dialogue records the answer); agencies
    that transferred the case away hear the result in their group."""
    now = now or utcnow()
    result = _payer_text(result_text, "result")
    case = await _steer(session, agency, case_no, config)
    case.status = "resolved"
    case.resolved_at = now
    case.awaiting_info = False
    # A new result (after 重新办理) is rated afresh; the earlier verdict stays in the history.
    case.rating = case.solved = None
    _acted(session, case, agency, "resolved", {"result": result}, now)
    raw = getattr(config, "raw", None) or {}
    names = agency_names(raw)
    shown = safe_group_text(result, NOTE_CAP, payer_names(case), single_line=True)
    await _tell_office(session, case, raw, now, "resolved_major",
                       agency=names.get(agency, agency), result=shown)
    tell_trackers(session, case, raw, "tracked_resolved", now, result=shown)
    _tell_lead(session, case, raw, now, "office_resolved", agency, result=shown)
    lead_group = group_for(default_rules(), case.lead_agency or "", case.district, raw)
    _tell_co_handlers(session, case, raw, now, "co_resolved",
                      {lead_group.key} if lead_group else set(),
                      agency=names.get(agency, agency), result=shown)
    await enqueue_notice(session, case, "resolved", result, config=config, now=now)
    await enqueue_notice(session, case, "feedback_request", config=config, now=now)
    return case
