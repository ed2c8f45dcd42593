"""进度: the payer's own cases, or one case's timeline. A number that is not the payer's
gets the same answer as one that does not exist, so nothing leaks about other payers."""
from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.handlers.base import Context
from bot.handlers.contacts import contact_numbers
from bot.handlers.intake_spec import SPEC
from bot.privacy import plain_joiners
from bot.store.case_reads import WISH_EVENT, case_list
from bot.store.dialogue import (
    detached_state,
    load_state,
    open_marker,
    save_state,
    set_pending,
    touch,
)
from bot.store.models import Case, CaseEvent, utcnow
from bot.texts import text
from routing.actions import payer_wish
from routing.cards import load_labels
from routing.cases import (
    CLOSED_STATUSES,
    case_for_payer,
    cases_of,
    events_of,
    normalize_case_no,
)
from routing.deadlines import is_overdue, to_local
from routing.notices import local_deadline, named_employer, status_label

_DASHES = str.maketrans({c: "-" for c in "—–－‐‑‒―_﹣"})
_LOOSE_CASE = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,4})-*(\d{8})-*(\d{4})(?!\d)")
_JOINED = re.compile(f"{_LOOSE_CASE.pattern}(?:(?:和|跟|与|及|、|,|还有)+{_LOOSE_CASE.pattern})+")
"""Several numbers joined ("A和B", "A、B"): removed with their joiners, so "给A跟B补充" reads
like "给补充"."""
_NUMBERISH = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,4}-*\d{4,}|\d{10,}")
EXAMPLE = "ZY20261126-0001"
FOLLOWUP_WORDS = yaml.safe_load(
    (Path(__file__).resolve().parent / "followup.yaml").read_text("utf-8"))
"""Word lists for what payers say about their cases (this module, open_case, followup)."""
_CASE_WORDS = FOLLOWUP_WORDS["open_case"]
EVENT_NAMES = FOLLOWUP_WORDS["timeline"]
ROWS = EVENT_NAMES["rows"]
LISTED = 10  # cases in the 进度 list
RESULT_CAP = 40  # characters of a closed case's result in the progress list
_ORDINAL = re.compile(_CASE_WORDS["ordinal"])
AFTER_FILING = text("after_filing_words")
"""texts.yaml's further word lists for what payers say after filing (open_case reads them)."""
# "医保那个不用办了", "宏图那个撤了": the pointer may run straight into what is asked.
_ABOUT = re.compile(_CASE_WORDS["about"].replace(
    "(?=$|", "(?=$|" + AFTER_FILING["about_before_act"] + "|", 1))
_CLAUSE_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
_ABOUT_REST = re.compile(_CASE_WORDS["about_rest"])
_BARE_ROW = re.compile(r"[1-9]")
_GENERIC = set(_CASE_WORDS["about_generic"])
_NEWEST = re.compile(_CASE_WORDS["newest"])
_OLDEST = re.compile(_CASE_WORDS["oldest"])
_LAST = re.compile(_CASE_WORDS["last"])
_OTHER = re.compile(_CASE_WORDS["other"])
_FILED_WORD = re.compile(_CASE_WORDS["filed_word"])
_TAIL = re.compile(_CASE_WORDS["number_tail"])
_NUMBER_ONLY = re.compile(_CASE_WORDS["number_only"])
_TAIL_NOT = re.compile(_CASE_WORDS["number_tail_not"])
_SPOKEN = _CASE_WORDS["spoken_digits"]
_DIGIT_CHARS = "".join(c for c, v in _SPOKEN.items() if v.isdigit())
_SPOKEN_RUN = re.compile(f"[{_DIGIT_CHARS}](?:杠?[{_DIGIT_CHARS}]){{3,}}")
AGENCY_WORDS = load_labels().get("agency_aliases") or {}
"""The short names payers use for the agency that has a case ("税务那个", "人社局那个")."""
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"两": 2}
LIST_KEY = "progress_list"
"""Key in the dialogue state's ``pending`` after a numbered list was shown: {cases, until}.
A bare "2" points at its second row only while it is open."""
LIST_WINDOW = timedelta(minutes=10)
SHOWN_KEY = "progress_shown"
"""Key in ``pending`` after one of several cases was shown alone: {case_no, until}. "那另一个呢"
then means the payer's other case."""
REOPEN = re.compile(r"^(我要|我想|我|请|麻烦|申请|要求|帮我)*(重新办理|重新处理|重办|再办|重新受理|"
                    r"重新打开|重新办)")
"""重新办理 and its polite forms. The NLU files them under progress checks (they are about a
case); the follow-up handler reopens a recently resolved case before they get here."""
REOPEN_ASK = re.compile("(?:" + "|".join(
    f"(?:{p})" for p in FOLLOWUP_WORDS["feedback"]["reopen_ask"]) + ")"
    + FOLLOWUP_WORDS["feedback"]["reopen_ask_tail"])
""""能不能重新办一下": asking for it, which the follow-up handler answers within the 14 days;
after them (or with no case closed) it gets the same answer as 重新办理."""


def clauses(message: str) -> str:
    """A space typed between two Chinese clauses read as the comma it stands for, so "撤了
    第一个留着" does not fold into "撤了第一个留着" (case numbers are never Chinese)."""
    return _CLAUSE_SPACE.sub("，", message or "")


def spoken_figures(message: str) -> str:
    """"zy二零二六一一二六杠零零零一" → "zy20261126-0001": a number read out to voice-to-text."""
    return _SPOKEN_RUN.sub(lambda m: "".join(_SPOKEN[c] for c in m.group()), message)


FOLDED_KEPT = 256
_FOLDED: dict[str, str] = {}


def folded(message: str) -> str:
    """Full-width folded, every dash "-", spaces removed, spoken digits as figures:
    "ＺＹ 2026 1126—0001" reads as a number once the payer's spacing and input method are
    taken out. Remembered per text (the last `FOLDED_KEPT`): a message is searched for case
    numbers three to four times on its way (the open case, progress, the form)."""
    done = _FOLDED.get(message)
    if done is None:
        done = "".join(spoken_figures(unicodedata.normalize("NFKC", message or ""))
                       .translate(_DASHES).split())
        if isinstance(message, str):
            if len(_FOLDED) >= FOLDED_KEPT:
                _FOLDED.clear()
            _FOLDED[message] = done
    return done


def loose_case_no(message: str) -> str | None:
    """A case number in ``message`` written with spaces, odd dashes or full-width digits."""
    found = _LOOSE_CASE.search(folded(message))
    return normalize_case_no(found.group(0)) if found else None


def case_numbers(message: str) -> list[str]:
    """Every case number in ``message``, once each in the order typed ("A和B进度")."""
    found = (normalize_case_no(m.group(0)) for m in _LOOSE_CASE.finditer(folded(message)))
    return list(dict.fromkeys(found))


def looks_like_case_no(message: str) -> bool:
    """Letters and digits that were probably meant as a case number (a digit too few); a
    phone or ID number (能不能打我另一个号13987654321) is none."""
    message = folded(message)
    contacts = contact_numbers(plain_joiners(message))
    return any(m.group()[0].isalpha() or not any(a < m.end() and m.start() < b
                                                 for a, b in contacts)
               for m in _NUMBERISH.finditer(message))


def _searchable(case) -> str:
    return " ".join(filter(None, (case.employer, case.description, category_label(case),
                                  case.district, case.jurisdiction,
                                  *AGENCY_WORDS.get(case.lead_agency or "", ()))))


def _by_about(words: str, cases: list) -> tuple[list, str]:
    """The cases whose employer, description or category holds the longest tail of
    ``words`` ("查一下宏图" → 宏图) that any of them holds, and that tail; generic words
    (投诉, 上次) point at nothing."""
    for start in range(len(words) - 1):
        tail = words[start:]
        if tail in _GENERIC:
            continue
        hits = [c for c in cases if tail in _searchable(c)]
        if hits:
            return hits, tail
    return [], words


def points(message: str) -> bool:
    """Might ``message`` point at one of several cases ("第二个", "宏图那个", "最早那个")?
    Cheap: only then are the payer's cases read to see which."""
    message = folded(message)
    return (_BARE_ROW.fullmatch(message) is not None or _ORDINAL.search(message) is not None
            or _ABOUT.search(message) is not None or _extreme(message) is not None
            or _OTHER.search(message) is not None)


def _extreme(message: str, filed: bool = False) -> tuple[int, str] | None:
    """(1, words) for the newest case ("刚登记的那个"), (-1, words) for the oldest ("最早那个"):
    rows of the progress list, which shows the newest first. "最后那个" is the list's last
    row; with ``filed`` (no list on screen) "最后一个投诉" is the case filed last."""
    for row, pattern in ((1, _NEWEST), (-1, _OLDEST), (-1, _LAST)):
        found = pattern.search(message)
        if found is not None:
            if pattern is _LAST and _said_as_filed(message, found, filed):
                row = 1
            return row, found.group(0)
    return None


def _said_as_filed(message: str, found, filed: bool) -> bool:
    """A place said with a filing word after it and no list on screen ("我第一个投诉")."""
    return filed and _FILED_WORD.match(message[found.end():]) is not None


def extreme(message: str, count: int) -> int | None:
    """The row (1…count) that "最新的那个" or "最早那个" names in a list of ``count``."""
    found = _extreme(folded(message))
    return None if found is None or not count else (1 if found[0] == 1 else count)


def number_tail(message: str) -> str | None:
    """The last digits of a case number typed without the rest ("查一下0002" → "-0002",
    "202611260002" → "20261126-0002"): what the payer's own case number ends with."""
    message = folded(message)
    for found in _TAIL.finditer(message):
        if not _TAIL_NOT.search(message[:found.start()]):  # 工号1027, 电话尾号1027
            return f"{found.group(1) or ''}-{found.group(2)}"
    return None


def only_number(message: str) -> bool:
    """"0002", "编号0002": the message is a case number's last digits and nothing more."""
    message = folded(message)
    return _TAIL.search(message) is not None and _NUMBER_ONLY.match(
        _TAIL.sub("", message, count=1)) is not None


def by_tail(message: str, cases: list) -> tuple[object | None, str | None]:
    """The one of ``cases`` (the payer's own) whose number ends with the digits typed, and
    those digits; (None, digits) when none does; (None, None) when several do (registered
    on different days), as if no digits were typed. Other payers' numbers are never read,
    so nothing can be learnt about them."""
    tail = number_tail(message)
    if tail is None:
        return None, None
    hits = [c for c in cases if c.case_no.endswith(tail)]
    if len(hits) > 1:
        return None, None
    return (hits[0] if hits else None), tail.lstrip("-")


def ordinal(message: str) -> int | None:
    """The place a message names: "2", "第二个", "第2件"."""
    if message.isdigit():
        return int(message)
    found = _ORDINAL.fullmatch(message)
    if found is None:
        return None
    digit = found.group(1) or found.group(3)
    return _CN_DIGITS.get(digit) or int(digit)


def place(message: str) -> int | None:
    """The place "第二个 我补充下" or "2号那个帮我催一下" names anywhere in the message."""
    found = _ORDINAL.search(folded(message))
    return ordinal(found.group(0)) if found is not None else None


def referenced(message: str, cases: list, filed: bool = False,
               shown: str | None = None) -> tuple[object | None, str | None]:
    """The one case of ``cases`` (in the progress list's order) that ``message`` points at
    by its place ("第二个"), by what it is about ("宏图那个") or as the other one than the
    case just ``shown`` ("那另一个呢"), and the words that point; (None, words) when they
    point past the list or at several; (None, None) when nothing points. ``filed``
    (:func:`in_filing_order`): no list is on screen, so a place said with a filing word
    counts the cases as filed ("我第一个投诉" is the oldest)."""
    message = folded(message)
    found = _BARE_ROW.fullmatch(message) or _ORDINAL.search(message)
    if found is not None:
        index = ordinal(found.group(0))
        rows = cases[::-1] if _said_as_filed(message, found, filed) else cases
        return (rows[index - 1] if index <= len(rows) else None), found.group(0)
    other = _OTHER.search(message)
    if other is not None:
        rest = [c for c in cases if c.case_no != shown]
        known = shown is not None and len(rest) < len(cases)
        return (rest[0] if known and len(rest) == 1 else None), other.group(0)
    end = _extreme(message, filed)
    if end is not None and cases:
        return cases[0 if end[0] == 1 else -1], end[1]
    found = _ABOUT.search(message)
    if found is None:
        return None, None
    hits, tail = _by_about(found.group(1), cases)
    if not hits:
        return None, None
    pointer = tail + found.group(0)[len(found.group(1)):]
    return (hits[0] if len(hits) == 1 else None), pointer


def without_reference(message: str, words: str | None) -> str:
    """The message without the words pointing at a case, so "撤回第二个" reads like "撤回"."""
    if not words:
        return message
    return folded(clauses(message)).replace(words, "", 1).strip(",，、:： ")


def only_reference(message: str, words: str | None) -> bool:
    """"第二个呢", "宏图那个怎么样了": nothing but the pointer and how-is-it words."""
    return bool(words) and _ABOUT_REST.match(without_reference(message, words)) is not None


def _date(value, fmt: str = "%m-%d") -> str:
    return to_local(value).strftime(fmt) if value else "—"


def due_text(case, agencies: dict | None = None, result: str | None = None,
             name_lead: bool = False) -> str:
    """The time limit of a case in hand, and whether it passed (the scheduler reported it,
    so the payer reads here what the overdue notice said); for a closed one, when it was
    closed and with what result — its time limit no longer binds anyone. A case passed on
    (it has trackers) names the agency that has it now; so does every case when
    ``name_lead`` (a list whose open cases are at several agencies)."""
    if case.status in CLOSED_STATUSES:
        closed = text("progress_closed_at",
                      at=_date(case.resolved_at or case.updated_at, "%m-%d %H:%M"))
        if result:
            result = " ".join(str(result).split())
            result = result if len(result) <= RESULT_CAP else result[: RESULT_CAP - 1] + "…"
            closed += ROWS["result"].format(result=result)
        return closed
    due = text("progress_due", deadline=local_deadline(case.deadline))
    if case.deadline is not None and is_overdue(case.deadline, utcnow()):
        due += ROWS["overdue"]
    lead = (agencies or {}).get(case.lead_agency or "") or {}
    if getattr(case, "trackers", None) and lead.get("name"):
        due += ROWS["lead"].format(agency=lead["name"])
    elif name_lead and lead.get("name"):
        due += ROWS["lead_own"].format(agency=lead["name"])
    return due


def category_label(case) -> str:
    return SPEC["category_choices"].get(case.category, case.category).split("、")[0]


EMPLOYER_CAP = 20
"""Characters of the employer's name shown beside a case's category in the payer's lists."""


def case_about(case) -> str:
    """"单位欠缴（宏达电子厂）": the category with the employer, so a payer with several
    cases of one kind knows which is which."""
    employer = named_employer(getattr(case, "employer", None))
    if not employer:
        return category_label(case)
    if len(employer) > EMPLOYER_CAP:
        employer = employer[: EMPLOYER_CAP - 1] + "…"
    return text("case_about", category=category_label(case), employer=employer)


async def progress(ctx: Context, session=None) -> list[str]:
    """``session``: the caller's open one (a form step holding SQLite's only pooled
    connection must not wait for a second)."""
    nlu = ctx.nlu
    entity = nlu.entity("case_no") if nlu is not None else None
    case_no = entity.value if entity is not None else loose_case_no(ctx.text)
    if case_no is None and REOPEN.match((ctx.text or "").strip()):
        return await nothing_to_reopen(ctx, session)
    if case_no is None and REOPEN_ASK.search((ctx.text or "").strip()):
        archived = await _archived_options(ctx, session)
        if archived is not None:
            return archived
    unclear = case_no is None and looks_like_case_no(ctx.text)
    if case_no is None and ctx.snapshot is not None and not ctx.snapshot.cases:
        return [text("progress_none")]
    numbers = case_numbers(ctx.text)
    if len(numbers) > 1:
        if session is None:
            async with ctx.services.sessionmaker() as own:
                return await _several(own, ctx, numbers)
        return await _several(session, ctx, numbers)
    if session is not None:
        return await _answer(session, ctx, case_no, unclear)
    if case_no is None:  # the common 进度: the list, read in the group commit's batch
        cases, events = await case_list(ctx.services.batch, ctx.inbound.openid, LISTED)
        return await _answer_from(None, ctx, cases, unclear, events)
    async with ctx.services.sessionmaker() as own:
        return await _answer(own, ctx, case_no, unclear)


async def nothing_to_reopen(ctx: Context, session=None) -> list[str]:
    """重新办理 with no case resolved in the last 14 days: say whether one is already being
    handled again, or why none can be."""
    if session is None:
        async with ctx.services.sessionmaker() as own:
            return await nothing_to_reopen(ctx, own)
    case = await session.scalar(
        select(Case).where(Case.openid == ctx.inbound.openid, Case.status == "reopened")
        .order_by(Case.updated_at.desc()).limit(1))
    if case is not None:
        return [text("reopen_already", case_no=case.case_no)]
    return await _archived_options(ctx, session) or [text("reopen_none")]


async def _archived_options(ctx: Context, session=None) -> list[str] | None:
    """The payer's case archived last, 14 days past its result: 重新办理 no longer works, so
    what remains (the legal options, or filing again). None when no case was archived."""
    if session is None:
        async with ctx.services.sessionmaker() as own:
            return await _archived_options(ctx, own)
    archived = await session.scalar(
        select(Case).where(Case.openid == ctx.inbound.openid, Case.status == "closed")
        .order_by(Case.resolved_at.desc(), Case.id.desc()).limit(1))
    if archived is None:
        return None
    return [text("archived_options", case_no=archived.case_no, legal=text("legal_options"))]


async def _answer(session, ctx: Context, case_no: str | None, unclear: bool) -> list[str]:
    if case_no is not None:
        case = await case_for_payer(session, ctx.inbound.openid, case_no)
        if case is None:
            return await not_found(session, ctx, case_no)
        if ctx.snapshot is not None and ctx.snapshot.cases > 1:
            await _remember(session, ctx, SHOWN_KEY, {"case_no": case.case_no})
        return [await timeline(session, ctx, case)]
    return await _answer_from(session, ctx, await cases_of(session, ctx.inbound.openid),
                              unclear)


async def _several(session, ctx: Context, numbers: list[str]) -> list[str]:
    """"A和B进度": each own case's timeline; a number not the payer's gets one line that says
    only that it was not found (as a number that does not exist)."""
    parts = []
    for case_no in numbers:
        case = await case_for_payer(session, ctx.inbound.openid, case_no)
        parts.append(await timeline(session, ctx, case) if case is not None
                     else text("progress_not_found_one", case_no=case_no))
    return ["\n\n".join(parts)]


async def not_found(session, ctx: Context, case_no: str) -> list[str]:
    """A number that is not the payer's (mistyped, or someone else's): said not found, with
    the numbers of the payer's own cases so the right one is at hand (only the numbers: what
    the cases are about could be taken for the other number's). The answer is the same for
    another payer's number as for one that does not exist."""
    cases = await cases_of(session, ctx.inbound.openid)
    if not cases:
        return [text("progress_not_found", case_no=case_no)]
    line = (text("progress_not_found_one", case_no=case_no) if case_no[:1].isalpha()
            else text("progress_tail_unknown", digits=case_no))
    numbers = "、".join(c.case_no for c in cases[:10])
    return [line + text("progress_own_numbers", numbers=numbers)]


async def _answer_from(session, ctx: Context, cases: list, unclear: bool,
                       wish_events: dict | None = None) -> list[str]:
    """The answer about ``cases``; ``session`` None: one is opened only for a timeline.
    ``wish_events``: those of the listed cases, read with them (:func:`case_list`)."""
    if not cases:
        return [text("progress_none")]
    owned, digits = by_tail(ctx.text, cases)
    if owned is None and len(cases) > 1 and not unclear:
        owned, _ = referenced(ctx.text, cases, in_filing_order(ctx), last_shown(ctx))
    if owned is not None:
        if len(cases) > 1:
            await _remember(session, ctx, SHOWN_KEY, {"case_no": owned.case_no})
        return [await timeline(session, ctx, owned)]
    lines = [text("progress_tail_unknown", digits=digits)] if digits else (
        [text("progress_number_unclear", example=cases[0].case_no)] if unclear else [])
    lines.append(text("progress_list_header"))
    agencies = ctx.services.config.raw.get("agencies") or {}
    results = await _results(session, ctx, cases[:LISTED])
    wishes = await _wishes(session, ctx, cases[:LISTED], wish_events)
    leads = {c.lead_agency for c in cases[:LISTED] if c.status not in CLOSED_STATUSES}
    for index, case in enumerate(cases[:LISTED], 1):
        due = due_text(case, agencies, results.get(case.id), name_lead=len(leads) > 1)
        if case.id in wishes:
            due += ROWS[wishes[case.id]]
        item = text("progress_item", case_no=case.case_no, category=case_about(case),
                    status=status_label(case.status), updated=_date(case.updated_at),
                    due=due)
        lines.append(text("progress_numbered", index=index, item=item)
                     if len(cases) > 1 else item)
    if len(cases) > 1:
        await _remember(session, ctx, LIST_KEY, {"cases": [c.case_no for c in cases[:LISTED]]})
    lines.append(text("progress_footer"))
    return ["\n".join(lines)]


async def _results(session, ctx: Context, cases: list) -> dict[int, str]:
    """The result the liaison gave each closed case of ``cases`` (the latest, if reopened
    and resolved again); read only when one is closed, so the common list costs nothing."""
    closed = [c.id for c in cases if c.status in CLOSED_STATUSES]
    if not closed:
        return {}
    if session is None:
        async with ctx.services.sessionmaker() as own:
            return await _results(own, ctx, cases)
    rows = await session.execute(
        select(CaseEvent.case_id, CaseEvent.detail)
        .where(CaseEvent.case_id.in_(closed), CaseEvent.kind == "resolved")
        .order_by(CaseEvent.id))
    return {case_id: (detail or {})["result"] for case_id, detail in rows
            if (detail or {}).get("result")}


async def _wishes(session, ctx: Context, cases: list, events: dict | None = None
                  ) -> dict[int, str]:
    """Open cases of ``cases`` whose payer last said to stop (withdraw) or that it is
    settled, which the liaison has not yet closed (:func:`routing.actions.payer_wish`, as
    the liaison's list shows it): the list says so, or the payer who was told "转告办理人员"
    reads an unchanged 办理中 and asks again. ``events``: read with the cases in the group
    commit's batch (:func:`case_list`, the common 进度 opens no session); else in
    ``session``."""
    open_cases = [c for c in cases if c.status not in CLOSED_STATUSES]
    if not open_cases:
        return {}
    ids = tuple(c.id for c in open_cases)
    if events is None:
        events = {}
        rows = await session.scalars(select(CaseEvent).where(
            CaseEvent.case_id.in_(ids), WISH_EVENT).order_by(CaseEvent.id))
        for event in rows:
            events.setdefault(event.case_id, []).append(event)
    wishes = {c.id: payer_wish(c, events.get(c.id, ())) for c in open_cases}
    return {case_id: wish for case_id, wish in wishes.items() if wish}


async def _remember(session, ctx: Context, key: str, value: dict) -> None:
    """Mark what was shown (the numbered list, or one case of several) under ``key`` of
    ``pending`` for the next minutes, outside a form (there a bare number answers the
    form's question). Without a session, on the state read with the snapshot and saved in
    the next batch; a payer with no state row yet, or a save that lost a race, in one."""
    if ctx.snapshot is not None and ctx.snapshot.in_form:
        return
    shown = {**value, "until": (utcnow() + LIST_WINDOW).isoformat()}
    row = ctx.snapshot.state if ctx.snapshot is not None else None
    if session is None and row is not None:
        state = detached_state(row)
        read_version = state.version
        set_pending(state, key, shown)
        touch(state)
        if await save_state(ctx.services.batch, state, read_version):
            return
    if session is None:
        async with ctx.services.sessionmaker() as own:
            return await _remember(own, ctx, key, value)
    state = await load_state(session, ctx.inbound.openid)
    set_pending(state, key, shown)
    touch(state)
    await session.commit()


def list_shown(pending) -> bool:
    """Was a numbered progress list shown in the last minutes?"""
    return open_marker(pending, LIST_KEY, "cases") is not None


def last_shown(ctx: Context) -> str | None:
    """The number of the one case of several shown alone in the last minutes, if any."""
    snapshot = ctx.snapshot
    marker = open_marker((snapshot.state or {}).get("pending") if snapshot else None,
                         SHOWN_KEY, "case_no")
    return str(marker["case_no"]) if marker is not None else None


def in_filing_order(ctx: Context) -> bool:
    """No numbered list on screen: "我第一个投诉", "最后一个投诉" count the cases as the payer
    filed them, not as rows of a list they have not seen."""
    snapshot = ctx.snapshot
    return snapshot is not None and not list_shown((snapshot.state or {}).get("pending"))


async def timeline(session, ctx: Context, case) -> str:
    """The case's history for the payer; ``session`` None: read in a session of its own."""
    if session is None:
        async with ctx.services.sessionmaker() as own:
            return await timeline(own, ctx, case)
    agencies = ctx.services.config.raw.get("agencies") or {}
    lines = [text("progress_timeline_header", case_no=case.case_no, category=case_about(case),
                  status=status_label(case.status),
                  due=due_text(case))]  # its history says who has it now
    for event in await events_of(session, case):
        line = _event_line(event, case, agencies)
        if line:
            lines.append(f"{_date(event.at, '%m-%d %H:%M')} {line}")
    return "\n".join(lines)


def _event_line(event, case, agencies: dict) -> str | None:
    """One history line; None for internal events and for the re-assignment a transfer
    records beside its own event (the payer would read the same move twice). A transfer's
    reason is the liaisons' own words, like a note: it may name colleagues, the employer's
    people or internal remarks (seed 002 报送单: 办理过程中严格保密), so the payer reads which
    agency has the case and why cases move in general (texts.yaml transfer_header), never it."""
    detail = event.detail or {}
    if event.kind not in EVENT_NAMES or detail.get("by") == "transfer":
        return None

    def name(key) -> str:
        return (agencies.get(key) or {}).get("name", "办理部门")

    agency_key = (detail.get("agency") or detail.get("to") or detail.get("lead")
                  or (event.actor if event.actor in agencies else case.lead_agency))
    key = f"{event.kind}:{detail.get('request')}"
    if event.kind == "resolved" and detail.get("result"):
        key = "resolved:result"
    return EVENT_NAMES.get(key, EVENT_NAMES[event.kind]).format(
        agency=name(agency_key), result=detail.get("result"),
        **{"from": name(detail.get("from"))})


def without_case_no(message: str) -> str:
    """The message without a case number or its last digits, so "撤回 ZY…" and "撤回0002"
    read like "撤回"."""
    return _TAIL.sub("", _LOOSE_CASE.sub("", _JOINED.sub("", folded(clauses(message)))),
                     count=1)
