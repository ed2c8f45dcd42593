"""What a payer with a case says about it outside the form — withdraw it, urge it, ask why
it moved or when it is due, send a new phone number or more material. It reaches the case's
liaison as a payer supplement: there is no withdrawal status, the liaison closes the case."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.handlers.base import Context, wake_outbox
from bot.handlers.closings import polite_close
from bot.handlers.contacts import contact_numbers, one_phone
from bot.handlers.policy import WORDS
from bot.handlers.progress import (
    AFTER_FILING,
    FOLLOWUP_WORDS,
    ROWS,
    by_tail,
    case_about,
    case_numbers,
    clauses,
    due_text,
    extreme,
    folded,
    in_filing_order,
    last_shown,
    list_shown,
    loose_case_no,
    not_found,
    number_tail,
    only_number,
    only_reference,
    ordinal,
    place,
    points,
    progress,
    referenced,
    timeline,
    without_case_no,
    without_reference,
)
from bot.privacy import has_digits, holds_personal_data, mask_phone
from bot.store.dialogue import load_state, open_marker, set_pending, touch
from bot.store.models import Case, CaseEvent, utcnow
from bot.texts import text
from bot.word_patterns import one_of, with_words
from routing.cases import (
    CLOSED_STATUSES,
    OVERSIGHT_AGENCY,
    add_supplement,
    case_for_payer,
    cases_of,
    default_rules,
    group_for,
)
from routing.deadlines import to_local, working_days_for
from routing.notices import local_deadline, status_label

OPEN_CASE = {key: re.compile(pattern) for key, pattern in WORDS["open_case"].items()}
MORE = {key: re.compile(with_words(**spec) if isinstance(spec, dict) else spec)
        for key, spec in AFTER_FILING.items() if isinstance(spec, (str, dict))}
EMPLOYER_GENERIC = set(AFTER_FILING["employer_generic"])
_MORE = FOLLOWUP_WORDS["open_case"]


def _progress_regex(patterns: list[str]) -> re.Pattern:
    """Each whole-message pattern may be typed inside brackets or quotes ("【进度】")."""
    head = "^" + _MORE["progress_head"]
    anchored = (head + p.removeprefix("^") if p.startswith("^") else p for p in patterns)
    return re.compile("(?:" + "|".join(f"(?:{p})" for p in anchored) + ")"
                      + _MORE["progress_tail"].lstrip("^"), re.IGNORECASE)


PROGRESS = _progress_regex(_MORE["progress_keywords"] + _MORE["progress"])
PROGRESS_KEYWORD = _progress_regex(_MORE["progress_keywords"])
"""进度 or 查询 however mistyped: a progress check even in the middle of a form."""
SUPPLEMENT = re.compile(_MORE["supplement"])
NAMED_MORE = re.compile(_MORE["named_more"])
SETTLED = re.compile(_MORE["settled"])
REPEAT = re.compile(_MORE["repeat"])
TRANSFER_AGAIN = re.compile(_MORE["transfer_again"])
PAST_LIMIT = re.compile(_MORE["past_limit"])
MATERIAL_HOW = re.compile(_MORE["material_how"])
MATERIAL_WORDS = re.compile(_MORE["material_words"])
RESULT_ASK = re.compile(_MORE["result_ask"])
STATUS_TERMS = _MORE["status_terms"]
STATUS_MEANING = re.compile(_MORE["status_meaning"].format(
    terms=one_of(STATUS_TERMS)))
CHOICE_KEY = "withdraw"
"""Key in the dialogue state's ``pending`` while a payer with several open cases is asked
which one to withdraw, urge, add a supplement or a photo to: {cases, words, note, until,
media}."""
SUPPLEMENT_NOTE = "supplement"
"""The ``note`` of a choice whose ``words`` are a supplement (otherwise a withdrawal note)."""
URGE_NOTE, IMAGE_NOTE, HANDLER_NOTE = "urge_note", "image", "handler_note"
CHOICE_WINDOW = timedelta(minutes=10)
ACTS = {"withdraw", "withdraw_maybe", "urge", "new_contact", "add_material", "supplement",
        "material_how", "handler", "resume"}
"""Requests that act on one case: pointed past the list or at several, which one is asked."""
CASE_FACTS = {"employer", "money", "headcount", "name", "id_number", "district"}
"""A message naming these tells a new matter's facts, not a wish about the case."""
MATERIAL_FACTS = {"money"}
"""...unless it names material and only what the material shows (an amount)."""


def _request(ctx: Context, message: str, verdicts: bool = True) -> str | None:
    """What the payer asks of their case, if anything: withdraw (or only maybe), urge, why
    it moved or who has it, its deadline, a new phone number, more material (announced or
    with its facts), how it stands (as typed on a phone: 进读, 在办吗), or objecting to a
    result (``verdicts``; the handler sees whether every case is closed)."""
    nlu, parser = ctx.nlu, ctx.services.parser
    if polite_close(message):
        return None  # "谢谢你们 希望尽快解决", "OK 知道了 等你们电话": a close, not a chase
    facts = nlu is not None and any(e.type in CASE_FACTS for e in nlu.entities)
    # Read only where a branch needs them: most messages return before either is asked.
    new_matter = lambda: parser is not None and parser.opens_new_matter(message)
    found = {key for key, pattern in OPEN_CASE.items() if pattern.search(message)}
    found |= {key for key in ("withdraw", "settled", "urge", "new_contact", "add_material",
                              "has_material") if MORE[key].search(message)}
    if SETTLED.search(message):
        found.add("settled")
    if PAST_LIMIT.search(message):
        found.add("urge")
    if "settled" in found and "withdraw" not in found and _verdict(message):
        found.discard("settled")  # "单位根本没补，凭什么说已补缴": the result disputed
    if MORE["resume"].search(message) and not OPEN_CASE["withdraw"].search(
            MORE["resume"].sub("", message)):
        return "resume"  # "我反悔了 还是继续办吧": only acted on after a withdrawal
    asks = lambda: parser is not None and parser.is_question(message)
    if MORE["own_phone"].search(message) and not contact_numbers(message):
        return "own_phone"  # "我登记的电话是多少": the payer's own number, shown to them
    if "withdraw" in found or "settled" in found and not ({"still_missing"} & found or asks()):
        return "withdraw"
    if "settled" in found and asks():
        return "status"  # "他们已经给我补缴了吗" asks how the case stands
    if "withdraw_maybe" in found:
        return "withdraw_maybe"
    if STATUS_MEANING.search(message):
        return "meaning"  # "受理了是啥意思": a word of a notice explained
    if "transfer" in found or TRANSFER_AGAIN.search(message):
        return "transfer"
    if verdicts and _verdict(message) and not (ctx.snapshot and ctx.snapshot.case_waiting):
        return "closed_verdict"  # "我要复议" long after the result: the follow-up handler's
        # rating window is over
    if SUPPLEMENT.match(folded(message)) and not new_matter() and (
            "add_material" not in found
            or "new_contact" not in found and holds_personal_data(message)):
        return "supplement"  # "我补充一下，公司还欠我去年的", "补充：我微信czq…，加我发截图"
    if MATERIAL_HOW.search(message) and MATERIAL_WORDS.search(message):
        return "material_how"  # "我还有录音怎么发给你们"
    if MORE["handler"].search(message) and not (facts or MORE["handler_not"].search(message)):
        return "handler"  # "处理的人态度很差", "我要投诉处理的人": whoever handles the case
    if MORE["contact_ask"].search(message):
        return "urge"  # "把经办人微信推给我": not handed out, the case urged instead
    if MORE["who"].search(message):
        return "transfer"  # "负责的人是谁": the timeline names who handles it now
    if "new_contact" in found and contact_numbers(message):
        return "new_contact"  # "原来那个号不用了，打186…" is no new matter
    if REPEAT.search(message) and "urge_not" not in found:
        return "repeat"  # "宏达那个事 你们到底管不管": the open case, unless another employer's
    if found & {"add_material", "has_material"} and facts and {
            e.type for e in nlu.entities} & CASE_FACTS <= MATERIAL_FACTS:
        return "supplement"  # "我这还有劳动合同，上面写的工资是六千": what it shows, for the case
    if facts or new_matter() or "urge_not" in found:
        return None
    waits = "urge_wait" in found and ("urge_about" in found or nlu is None
                                      or nlu.intent != "file_dispute")
    if found & {"urge", "contact_ask"} or waits:
        return "urge"
    if RESULT_ASK.search(message):
        return "result"  # "结果是啥", "结案了吗"
    if "deadline" in found and "other_process" not in found:
        return "due"
    for key in ("new_contact", "add_material", "has_material"):
        if key in found:
            return "add_material" if key == "has_material" else key
    if PROGRESS.match(message.strip()):
        return "status"  # "进读", "差询", "进度？", "在办吗"
    return None


async def about_open_case(ctx: Context) -> list[str] | None:
    """A payer who has a case, outside a form, withdrawing it ("算了不办了"), urging it
    ("能不能快点"), asking why it moved ("怎么又转了") or its deadline, sending a new phone
    number or announcing material; or answering which case to withdraw. None otherwise."""
    snapshot = ctx.snapshot
    if snapshot is None or snapshot.in_form or ctx.nlu is None:
        return None
    message = _without_kept(ctx, (ctx.text or "").strip())
    if not snapshot.cases:
        return [text("progress_none")] if _asks_after_a_case(message) else None
    if _rest_of_number(snapshot, message):
        return None  # "4321，晚上回电" after "我另一个手机139·8765": the number, not a case
    choice = _open_choice((snapshot.state or {}).get("pending"))
    bare_number = only_number(message) and not awaited(snapshot)
    request = "status" if bare_number else _request(ctx, without_case_no(message))
    if request is None and _more_about_named(message):
        request = "supplement"  # "ZY… 还有个情况，会计说…": about that case, not a new form
    pointing = points(message) and (snapshot.cases > 1 or extreme(message, 1) is not None
                                    or (place(message) or 1) > 1) \
        and not (message.isdigit() and _expects_answer(snapshot))
    if choice is None and request is None and not pointing:
        return None
    if choice is None and request == "status" and not pointing:
        return await progress(ctx)  # the common 进度: no session unless it needs one
    async with ctx.services.sessionmaker() as session:
        if choice is not None:
            replies = await _choose(ctx, session, choice, message)
            if replies is not None or (request is None and not pointing):
                return replies
        if pointing:
            message, request = await _pointed(ctx, session, message, request)
            if request is None:
                return None
        return await _REQUESTS[request](ctx, session, message)


async def _pointed(ctx: Context, session, message: str, request: str | None
                   ) -> tuple[str, str | None]:
    """"撤回第二个", "催一下宏图那个", "第二个呢": the request read without the words that
    point at a case (the handlers pick that case again from ``ctx.text``); nothing but the
    pointer asks how that case stands."""
    picked, words = referenced(message, await cases_of(session, ctx.inbound.openid),
                               in_filing_order(ctx), last_shown(ctx))
    if words is None:
        return message, request
    bare = without_reference(message, words)
    request = _request(ctx, without_case_no(bare)) or request
    if request is None and only_reference(message, words):
        request = "status"
    if picked is None and request in ACTS:
        return bare, "which"  # "催一下第五个" with two cases: never both
    return bare, request


def _more_about_named(message: str) -> bool:
    """"ZY… 还有个情况，…", "关于ZY…再说一下，…": a case number and more said about it
    (whose it is, and whether still open, the supplement handler sees)."""
    return bool(case_numbers(message)) and NAMED_MORE.match(without_case_no(message)) is not None


def _without_kept(ctx: Context, message: str) -> str:
    """"第二个撤了 第一个留着": the clause keeping a case is dropped (also from ``ctx.text``,
    which the handlers read for the pointer) so only the case withdrawn is pointed at."""
    spaced = clauses(message)
    rest = MORE["keep_clause"].sub("", spaced).strip("，, ")
    if rest == spaced.strip("，, ") or not rest:
        return message
    if not (OPEN_CASE["withdraw"].search(rest) or MORE["withdraw"].search(rest)):
        return message
    ctx.text = rest
    return rest


def _asks_after_a_case(message: str) -> bool:
    """"上次反映的事", "结果是啥", "我想补充材料" from a payer with no case here: there is
    none to show (not a policy question, not a greeting)."""
    return any(pattern.match(message) for pattern in (PROGRESS, RESULT_ASK,
                                                      OPEN_CASE["add_material"]))


def _expects_answer(snapshot) -> bool:
    """A bare "2" points at a row of the progress list only just after it was shown and when
    nothing else waits for an answer (a rating, a liaison's request, a supplement window)."""
    return awaited(snapshot) or not list_shown((snapshot.state or {}).get("pending"))


def awaited(snapshot) -> bool:
    """Does a rating, a liaison's request or a supplement window wait for what comes next
    ("4200" there is an answer, not a case number)?"""
    from bot.handlers.followup import WINDOW_KEY  # it imports this module

    window = open_marker((snapshot.state or {}).get("pending"), WINDOW_KEY, "case_no")
    return bool(snapshot.case_waiting) or window is not None


def _rest_of_number(snapshot, message: str) -> bool:
    """Digits sent while the rest of a number begun in the message before is awaited
    ("我另一个手机139·8765"), naming no case and asking no progress: the number's rest for
    the follow-up handler, never a case number's tail."""
    from bot.handlers.followup import WINDOW_KEY  # it imports this module

    window = open_marker((snapshot.state or {}).get("pending"), WINDOW_KEY, "case_no")
    return (window is not None and window.get("for") == "contact" and bool(window.get("held"))
            and has_digits(message) and not loose_case_no(message)
            and not PROGRESS_KEYWORD.search(message))


def _open_choice(pending) -> dict | None:
    return open_marker(pending, CHOICE_KEY, "cases")


async def _named_or_open(ctx: Context, session, stray_tail: bool = False
                         ) -> tuple[list[Case], str | None]:
    """The case the message names (else the payer's open cases, newest registered first,
    the progress list's order: "第1个" after "要撤回哪一件？" means its row 1), and the
    number named if it is not the payer's. ``stray_tail``: four digits that end none of the
    payer's cases are facts, not a number ("工牌号是A1027", "按基数3100交的" in a supplement)."""
    nlu = ctx.nlu
    several = case_numbers(ctx.text or "")
    if len(several) > 1:
        owned = [c for c in [await case_for_payer(session, ctx.inbound.openid, n)
                             for n in several] if c is not None]
        return (owned, None) if owned else ([], several[0])
    entity = nlu.entity("case_no") if nlu is not None else None
    case_no = entity.value if entity is not None else loose_case_no(ctx.text)
    if case_no is not None:
        case = await case_for_payer(session, ctx.inbound.openid, case_no)
        return ([case], None) if case is not None else ([], case_no)
    owned, digits = (by_tail(ctx.text, await cases_of(session, ctx.inbound.openid))
                     if number_tail(ctx.text) else (None, None))
    if owned is not None or digits is not None and not stray_tail:
        return ([owned], None) if owned is not None else ([], digits)
    if points(ctx.text):
        picked, _ = referenced(ctx.text, await cases_of(session, ctx.inbound.openid),
                               in_filing_order(ctx), last_shown(ctx))
        if picked is not None:
            return [picked], None
    rows = await session.execute(
        select(Case).where(Case.openid == ctx.inbound.openid,
                           Case.status.not_in(CLOSED_STATUSES))
        .order_by(Case.created_at.desc(), Case.id.desc()))
    cases = list(rows.scalars())
    named = _by_employer(ctx.text or "", cases) if len(cases) > 1 else None
    return ([named] if named is not None else cases), None


async def _cases_named(ctx: Context, session, closed: bool = False, stray_tail: bool = False
                       ) -> tuple[list[Case], list[str] | None]:
    """The cases the message names, else the payer's open ones (``_named_or_open``), the
    closed ones dropped unless ``closed``; and the reply refusing a number that is not the
    payer's (then no cases): not found, as a number that does not exist, with the payer's
    own cases listed."""
    cases, unknown = await _named_or_open(ctx, session, stray_tail)
    if unknown is not None:
        return [], await not_found(session, ctx, unknown)
    return (cases if closed else _open(cases)), None


def _each_named(ctx: Context) -> bool:
    """"催一下A和B", "A、B都撤了": the message names several case numbers, so each of the
    payer's own among them is acted on, none asked about."""
    return len(case_numbers(ctx.text or "")) > 1


def _open(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.status not in CLOSED_STATUSES]


def _by_employer(message: str, cases: list[Case]) -> Case | None:
    """"催一下宏达的": the one open case whose employer holds a run of the message's words
    (longest first; words every employer's name may hold, 公司 or 电子, name none)."""
    message = folded(message)
    for size in range(min(len(message), 8), 1, -1):
        for start in range(len(message) - size + 1):
            words = message[start:start + size]
            if words in EMPLOYER_GENERIC or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", words):
                continue
            hits = [c for c in cases if words in (c.employer or "")]
            if len(hits) == 1:
                return hits[0]
    return None


def _lead(ctx: Context, case: Case) -> str:
    agencies = ctx.services.config.raw.get("agencies") or {}
    return (agencies.get(case.lead_agency) or {}).get("name", "办理部门")


def _choice_lines(cases: list[Case]) -> str:
    return "\n".join(text("case_choice_line", index=i, case_no=c.case_no,
                          category=case_about(c), status=status_label(c.status))
                     for i, c in enumerate(cases, 1))


async def _forward(ctx: Context, session, case: Case, note: str, words: str,
                   request: str) -> None:
    """The payer's words to the case's liaison group as a supplement, marked with what the
    payer asks (the timeline names it; urges are counted by it)."""
    await add_supplement(session, case, text(note, words=words), actor="payer",
                         request=request, config=ctx.services.config)


async def _withdraw(ctx: Context, session, message: str) -> list[str]:
    """Forwarded to the liaison, who closes the case; a question about withdrawing is
    explained, several open cases are asked about, never guessed."""
    cases, refusal = await _cases_named(ctx, session, closed=True)
    if refusal:
        return refusal
    open_cases = _open(cases)
    bare = without_case_no(message)
    settled = not (OPEN_CASE["withdraw"].search(bare) or MORE["withdraw"].search(bare))
    if not open_cases:
        if settled or _a_verdict(ctx, message):
            return None  # "5 已解决", "问题已经解决了": the rating of a closed case
        return await _nothing_open(ctx, session, cases)
    parser = ctx.services.parser
    if parser is not None and parser.is_question(message):
        return [text("withdraw_how", example=open_cases[0].case_no)]
    note = "settled_note" if settled else "withdraw_note"
    if len(open_cases) > 1 and not (MORE["every"].search(bare) or _each_named(ctx)):
        await _ask_choice(ctx, session, open_cases, message, note)
        return [text("withdraw_which", count=len(open_cases), cases=_choice_lines(open_cases))]
    return await _withdrawn(ctx, session, open_cases, message, note)


async def _nothing_open(ctx: Context, session, cases: list[Case]) -> list[str] | None:
    """Withdrawing when the case was closed (perhaps a moment ago, while the payer typed):
    which one, and where its result is read."""
    closed = cases or await cases_of(session, ctx.inbound.openid)
    if not closed:
        return None
    latest = max(closed, key=lambda c: (_aware(c.resolved_at or c.updated_at), c.id))
    return [text("withdraw_nothing_open", case_no=latest.case_no)]


async def _ask_choice(ctx: Context, session, cases: list[Case], words: str, note: str,
                      media: tuple[str, ...] = ()) -> None:
    """Remember what the payer said (or the photo sent) while they are asked which case it
    is for, so that the answer ("2", "第二个", "宏图那个", a number) acts on it without it
    being sent again."""
    state = await load_state(session, ctx.inbound.openid)
    set_pending(state, CHOICE_KEY, {
        "cases": [c.case_no for c in cases], "words": words, "note": note,
        "media": list(media), "until": (utcnow() + CHOICE_WINDOW).isoformat()})
    touch(state)
    await session.commit()


async def _withdrawn(ctx: Context, session, cases: list[Case], words: str,
                     note: str) -> list[str]:
    reply = "settled_forwarded" if note == "settled_note" else "withdraw_forwarded"
    for case in cases:
        await _forward(ctx, session, case, note, words, note.removesuffix("_note"))
    await session.commit()
    wake_outbox(ctx.services)
    return ["\n\n".join(text(reply, case_no=c.case_no, lead=_lead(ctx, c)) for c in cases)]


async def _choose(ctx: Context, session, choice: dict, message: str) -> list[str] | None:
    """The answer to "which case?": a list number, a case number or 都撤回."""
    numbers = [str(n) for n in choice["cases"]]
    picked = await _picked(ctx, session, numbers, message)
    if picked is None:
        return None
    state = await load_state(session, ctx.inbound.openid)
    set_pending(state, CHOICE_KEY, None)
    touch(state)
    cases = _open([c for c in [await case_for_payer(session, ctx.inbound.openid, n)
                               for n in picked] if c is not None])
    words, note = str(choice.get("words") or message), str(choice.get("note") or "withdraw_note")
    if not cases:
        await session.commit()
        return await _nothing_open(ctx, session, [])
    if note == SUPPLEMENT_NOTE:
        return await _supplemented(ctx, session, cases, words)
    if note == URGE_NOTE:
        return await _urged(ctx, session, cases, words)
    if note == HANDLER_NOTE:
        return await _handler_forwarded(ctx, session, cases, words)
    if note == IMAGE_NOTE:
        return await _images_joined(ctx, session, cases, tuple(choice.get("media") or ()))
    return await _withdrawn(ctx, session, cases, words, note)


async def _picked(ctx: Context, session, numbers: list[str], message: str) -> list[str] | None:
    """The case numbers the answer to "which case?" names: a list number, 第二个, 最新的,
    宏图那个, a case number, or 都/全部 for all; None when it names none."""
    bare = folded(message).strip("。.!！~～")
    named = loose_case_no(message)
    place = ordinal(bare) or extreme(bare, len(numbers))
    if OPEN_CASE["all_cases"].match(bare) or MORE["urge_all"].search(bare):
        return numbers
    if place is not None and 1 <= place <= len(numbers):
        return [numbers[place - 1]]
    if named in numbers:
        return [named]
    if points(message):
        listed = [c for c in await cases_of(session, ctx.inbound.openid)
                  if c.case_no in numbers]
        listed.sort(key=lambda c: numbers.index(c.case_no))
        case, _ = referenced(message, listed)
        if case is not None:
            return [case.case_no]
    return None


async def _images_joined(ctx: Context, session, cases: list[Case],
                         media: tuple[str, ...]) -> list[str]:
    """The photo sent before "which case?" was answered joins the case picked."""
    for case in cases:
        await add_supplement(session, case, "", actor="payer", media_ids=media,
                             config=ctx.services.config)
    minutes = await _open_window(ctx, session, cases[0], count=1)
    wake_outbox(ctx.services)
    return ["\n\n".join(text("image_open_case", case_no=c.case_no, minutes=minutes)
                         for c in cases)]


async def _supplemented(ctx: Context, session, cases: list[Case], words: str) -> list[str]:
    from bot.handlers.followup import attach_supplement  # it imports this module

    replies = [(await attach_supplement(ctx, session, case, words))[0] for case in cases]
    return ["\n\n".join(replies)]


async def _which(ctx: Context, session, message: str) -> list[str]:
    """"催一下第五个" with two cases: the list, and how to name one of it."""
    cases = await cases_of(session, ctx.inbound.openid)
    _, words = referenced(ctx.text, cases, in_filing_order(ctx), last_shown(ctx))
    return [text("case_which", count=len(cases), cases=_choice_lines(cases), words=words,
                 example=f"{message}第1个")]


async def _withdraw_maybe(ctx: Context, session, message: str) -> list[str] | None:
    """A bare "算了" or "取消" may mean the case: asked, not forwarded."""
    cases, _ = await _named_or_open(ctx, session)
    open_cases = _open(cases)
    if not open_cases:
        return None
    if len(open_cases) == 1:
        return [text("withdraw_maybe", case_no=open_cases[0].case_no)]
    return [text("withdraw_maybe_many")]


def _today_start() -> datetime:
    local = to_local(utcnow())
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


async def _urged_today(session, case: Case) -> bool:
    """One urge a day per case reaches the group: repeated urging must not flood it."""
    rows = await session.execute(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id,
                                       CaseEvent.kind == "supplement",
                                       CaseEvent.at >= _today_start()))
    return any((detail or {}).get("request") == "urge" for detail in rows.scalars())


async def _asked_for(session, case: Case) -> str:
    event = await session.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case.id,
                                CaseEvent.kind == "info_requested")
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()).limit(1))
    return str(((event.detail or {}) if event is not None else {}).get("text") or "相关材料")


async def _urge(ctx: Context, session, message: str) -> list[str] | None:
    """催办: each open case's status and deadline; the urge goes to its liaison at most
    once a day, and not while the liaison waits for the payer."""
    cases, refusal = await _cases_named(ctx, session, closed=True)
    if refusal:
        return refusal
    open_cases = _open(cases)
    if not open_cases:
        return await _urge_closed(ctx, session, cases, message)
    if len(open_cases) == 1 or MORE["urge_all"].search(folded(message)) or _each_named(ctx):
        return await _urged(ctx, session, open_cases, message)
    latest = max(open_cases, key=lambda c: (_aware(c.updated_at), c.id))
    [reply] = await _urged(ctx, session, [latest], message)
    await _ask_choice(ctx, session, open_cases, message, URGE_NOTE)
    return [reply + "\n\n" + text("urge_others", case_no=latest.case_no,
                                   cases=_urge_lines(open_cases))]


def _aware(at: datetime | None) -> datetime:
    if at is None:
        return datetime.min.replace(tzinfo=timezone.utc)
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _urge_lines(cases: list[Case]) -> str:
    """The payer's open cases after a bare urge, with each time limit: only the case the
    payer dealt with last was urged (one group pressed, not all), the others can be picked."""
    return "\n".join(text("urge_choice_line", index=i, case_no=c.case_no,
                          category=case_about(c), status=status_label(c.status),
                          deadline=local_deadline(c.deadline))
                     for i, c in enumerate(cases, 1))


async def _urged(ctx: Context, session, cases: list[Case], message: str) -> list[str]:
    """Each case's status and deadline; the urge goes to its liaison at most once a day,
    and not while the liaison waits for the payer. A call or a superior asked for is
    answered with who calls and what happens when the time limit passes."""
    lines, sent = [], False
    if _asks_contact(message):
        lines.append(text("urge_no_phone"))
    for case in cases:
        values = {"case_no": case.case_no, "about": case_about(case),
                  "status": status_label(case.status),
                  "lead": _lead(ctx, case), "deadline": local_deadline(case.deadline),
                  **_level(ctx, case),
                  "overdue": ROWS["overdue"] if _overdue(case) else ""}
        if case.awaiting_info:
            lines.append(text("urge_awaiting", question=await _asked_for(session, case),
                              **values))
        elif await _urged_today(session, case):
            lines.append(text("urge_already", **values))
        else:
            await _forward(ctx, session, case, "urge_note", message, "urge")
            lines.append(text("urge_forwarded", **values))
            sent = True
    if sent:
        await session.commit()
        wake_outbox(ctx.services)
    lines = _opening_once(lines)
    phone = cases[0].phone
    if MORE["callback"].search(message) and phone and not _asks_contact(message):
        lines.append(text("urge_callback", phone=mask_phone(phone)))
    if MORE["leader"].search(message):
        lines.append(text("urge_leader"))
    return ["\n\n".join(lines)]


def _asks_contact(message: str) -> bool:
    return bool(OPEN_CASE["contact_ask"].search(message) or MORE["contact_ask"].search(message))


def _opening_once(lines: list[str]) -> list[str]:
    """Per-case replies joined into one message say their shared opening sentence
    ("理解您着急。") once: repeated before every case it reads like a bot stuttering."""
    head, dot, _ = (lines[-1] if lines else "").partition("。")
    opening, seen, out = head + dot, False, []
    for line in lines:
        if dot and seen and line.startswith(opening):
            line = line.removeprefix(opening)
        seen = seen or (bool(dot) and line.startswith(opening))
        out.append(line)
    return out


async def _urge_closed(ctx: Context, session, cases: list[Case], message: str
                       ) -> list[str] | None:
    """Urging when every case is closed: how to have it handled again. Within the rating
    window a verdict ("为什么还是没处理好") is left to the follow-up handler."""
    if _a_verdict(ctx, message):
        return None
    case = cases[0] if cases else (await cases_of(session, ctx.inbound.openid) or [None])[0]
    return [text("urge_closed", case_no=case.case_no)] if case is not None else None


def _a_verdict(ctx: Context, message: str) -> bool:
    """Within the rating window after resolution, does the message rate the case (the
    follow-up handler records it)?"""
    from bot.handlers.followup import read_feedback  # it imports this module

    snapshot = ctx.snapshot
    return bool(snapshot is not None and snapshot.case_waiting
                and not read_feedback(message).empty)


def _overdue(case: Case) -> bool:
    if case.deadline is None:
        return False
    deadline = case.deadline if case.deadline.tzinfo else case.deadline.replace(
        tzinfo=timezone.utc)
    return deadline < utcnow()


async def _repeat(ctx: Context, session, message: str) -> list[str] | None:
    """The matter said again, angrily ("金利鞋厂没交社保的事 你们到底管不管"): urged like
    催办, naming its case with status and deadline; an employer none of the open cases has
    is another matter, left to the form."""
    cases = _open(await cases_of(session, ctx.inbound.openid))
    if not cases:
        return None
    employer = ctx.nlu.entity("employer") if ctx.nlu is not None else None
    if employer is not None and _by_employer(employer.value, cases) is None \
            and _by_employer(message, cases) is None:
        return None
    return await _urge(ctx, session, message)


async def _transfer(ctx: Context, session, message: str) -> list[str] | None:
    """"怎么又转了", "谁在处理我的事": the timeline of the case that moved last (else the
    newest open one), which names who handles it now."""
    cases, refusal = await _cases_named(ctx, session, closed=True)
    if refusal:
        return refusal
    cases = cases or await cases_of(session, ctx.inbound.openid)
    if not cases:
        return None
    moved = await session.scalar(
        select(CaseEvent.case_id).where(CaseEvent.case_id.in_([c.id for c in cases]),
                                        CaseEvent.kind == "transferred")
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()).limit(1))
    case = next((c for c in cases if c.id == moved), cases[0])
    history = await timeline(session, ctx, case)
    if case.status in CLOSED_STATUSES:
        return [history]
    again = "\n" + text("transfer_nothing_again") if TRANSFER_AGAIN.search(message) else ""
    return [text("transfer_header", case_no=case.case_no, lead=_lead(ctx, case)) + "\n"
            + history + again]


async def _status(ctx: Context, session, message: str) -> list[str]:
    """"处理期限是几号", "他们已经给我补缴了吗": the list with each case's status and
    deadline."""
    return await progress(ctx, session)


def _level(ctx: Context, case: Case) -> dict[str, object]:
    """The case's triage level in the seeds' words and the working days it is given."""
    severities = text("due_severity")
    return {"severity": severities.get(case.severity, severities["general"]),
            "days": working_days_for(case.severity, ctx.services.config.raw)}


async def _due(ctx: Context, session, message: str) -> list[str]:
    """"还要几天", "多少个工作日能办完": each open case's time limit in working days and the
    day it ends; with none open, the list (a closed case's result instead of a limit)."""
    cases, refusal = await _cases_named(ctx, session)
    if refusal:
        return refusal
    if not cases:
        return await progress(ctx, session)
    severities, raw = text("due_severity"), ctx.services.config.raw
    return ["\n".join(text("due_rule", case_no=c.case_no, about=case_about(c),
                           severity=severities.get(c.severity, severities["general"]),
                           lead=_lead(ctx, c),
                           days=working_days_for(c.severity, raw),
                           deadline=local_deadline(c.deadline),
                           overdue=ROWS["overdue"] if _overdue(c) else "")
                      for c in cases)]


async def _new_contact(ctx: Context, session, message: str) -> list[str] | None:
    """A new phone number goes to the liaison of every open case; announced without the
    number, the next message is awaited for the newest case."""
    cases, unknown = await _named_or_open(ctx, session)
    cases = _open(cases)
    if unknown is not None or not cases:
        return None
    if (ctx.nlu is None or ctx.nlu.entity("phone") is None) and not contact_numbers(message):
        held = message if has_digits(message) else None  # "我另一个手机139·8765": its start
        return await _await_material(ctx, session, cases[0], "contact_ask_number",
                                     purpose="contact", held=held)
    number = one_phone(message)
    for case in cases:
        await _forward(ctx, session, case, "contact_note", message, "contact")
        if number:
            case.phone = number  # the liaison calls the number the payer uses now
    await session.commit()
    wake_outbox(ctx.services)
    cases_no = "、".join(c.case_no for c in cases)
    if number:
        return [text("contact_updated", cases=cases_no, phone=mask_phone(number))]
    return [text("contact_forwarded", cases=cases_no)]


async def _own_phone(ctx: Context, session, message: str) -> list[str] | None:
    """The phone registered on the case named (else the newest open one), whole: the payer
    asked for their own number in their own chat, and a masked one hides a wrong digit."""
    cases, unknown = await _named_or_open(ctx, session)
    if unknown is not None:
        return await not_found(session, ctx, unknown)
    cases = cases or await cases_of(session, ctx.inbound.openid)
    if not cases:
        return None
    case = cases[0]
    if not case.phone:
        return [text("own_phone_none", case_no=case.case_no)]
    return [text("own_phone", case_no=case.case_no, phone=case.phone)]


async def _supplement(ctx: Context, session, message: str) -> list[str] | None:
    """补充 with its facts: they join the only open case at once (and what follows in the
    next minutes too); with several, which one is asked. Left to the follow-up handler
    while a liaison waits for information, unless the request came after the payer's
    snapshot was read (the follow-up handler did not see it) or the payer named the case
    ("ZY… 补充：…", which the follow-up handler leaves to this one)."""
    from bot.handlers.followup import attach_supplement  # it imports this module

    cases, refusal = await _cases_named(ctx, session, stray_tail=True)
    if refusal:
        return refusal
    if not cases:
        return await _supplement_after_result(ctx, session)
    awaiting = [c for c in cases if c.awaiting_info]
    if awaiting and ctx.snapshot is not None and ctx.snapshot.case_waiting and not case_numbers(
            ctx.text):
        return None  # the follow-up handler passes over a message naming an open case
    if awaiting:  # the liaison asked after the snapshot was read: the facts are for that case
        return await attach_supplement(ctx, session, awaiting[0], ctx.text)
    if len(cases) > 1 and _each_named(ctx):
        return await _supplemented(ctx, session, cases, without_case_no(ctx.text))
    if len(cases) > 1:
        await _ask_choice(ctx, session, cases, ctx.text, SUPPLEMENT_NOTE)
        return [text("supplement_which", count=len(cases), cases=_choice_lines(cases))]
    return await attach_supplement(ctx, session, cases[0], ctx.text)


async def _supplement_after_result(ctx: Context, session) -> list[str] | None:
    """Facts for a case its liaison already resolved (within the 14 days of 重新办理): they
    reach the lead's group marked as coming after the result (跟踪回访), and the payer is
    told they were passed on and how to have the case handled again. An archived case
    takes none; a new form is the way then."""
    named, _ = await _cases_named(ctx, session, closed=True)
    done = [c for c in named or await cases_of(session, ctx.inbound.openid)
            if c.status == "resolved" and not _archived(c)]
    if not done:
        return None
    case = max(done, key=lambda c: (_aware(c.resolved_at or c.updated_at), c.id))
    await add_supplement(session, case, ctx.text or "", actor="payer",
                         request="after_result", config=ctx.services.config)
    await session.commit()
    wake_outbox(ctx.services)
    return [text("supplement_after_result", case_no=case.case_no, lead=_lead(ctx, case))]


def _verdict(message: str) -> bool:
    """"我要复议", "这什么破结果", "单位还是没给我交": unhappy with a result."""
    from bot.handlers.followup import still_unsolved  # it imports this module

    return still_unsolved(message)


async def _closed_verdict(ctx: Context, session, message: str) -> list[str] | None:
    """Unhappy with a result when every case is closed and the rating window is over: the
    legal options, and a new registration instead of 重新办理. A payer with an open case is
    read as if it said nothing of a result ("怎么还是没处理" urges)."""
    cases = await cases_of(session, ctx.inbound.openid)
    if cases and all(c.status in CLOSED_STATUSES for c in cases):
        return [text("archived_options", case_no=cases[0].case_no, legal=text("legal_options"))]
    other = _request(ctx, without_case_no(message), verdicts=False)
    if other:
        return await _REQUESTS[other](ctx, session, message)
    archived = [c for c in cases if _archived(c)]
    if archived and _objects(message):
        return [text("archived_options", case_no=archived[0].case_no,
                     legal=text("legal_options"))]
    return None


def _archived(case: Case) -> bool:
    """Closed and past the 14 days in which 重新办理 was possible."""
    from bot.store.snapshot import FEEDBACK_WINDOW

    return case.status in CLOSED_STATUSES and case.resolved_at is not None and (
        _aware(case.resolved_at) < utcnow() - FEEDBACK_WINDOW)


def _objects(message: str) -> bool:
    """"结果我不服", "凭什么这么处理": an objection to a result, which an open case without
    one cannot be meant by (unlike "怎么还是没处理", which urges it)."""
    from bot.handlers.followup import CHALLENGES, OBJECTS  # it imports this module

    return bool(OBJECTS.search(message) or CHALLENGES.search(message))


async def _add_material(ctx: Context, session, message: str) -> list[str] | None:
    """"我想加一张图片": what comes next joins the case (several open cases: which one?)."""
    cases, refusal = await _cases_named(ctx, session)
    if refusal:
        return refusal
    if not cases:
        return await _material_closed(ctx, session)
    if len(cases) > 1:
        return [text("material_which", count=len(cases), cases=_choice_lines(cases),
                     example=cases[0].case_no)]
    return await _await_material(ctx, session, cases[0], "material_window")


async def _material_closed(ctx: Context, session) -> list[str] | None:
    """More material when every case is closed: it can no longer join one, so how to have
    the matter handled again (a closed case takes no supplement)."""
    cases = await cases_of(session, ctx.inbound.openid)
    return [text("material_closed", case_no=cases[0].case_no)] if cases else None


async def _meaning(ctx: Context, session, message: str) -> list[str]:
    """"受理了是啥意思": what the status words asked about mean, then where the payer's case
    (the one named, else the newest) stands, so the word is read against it."""
    found = STATUS_MEANING.search(message)
    words = [w for w in found.groups() if w in STATUS_TERMS] if found else []
    keys = list(dict.fromkeys(STATUS_TERMS[w] for w in words))
    lines = [text(f"status_meaning_{key}") for key in keys]
    cases, _ = await _named_or_open(ctx, session)
    case = (cases or await cases_of(session, ctx.inbound.openid) or [None])[0]
    if case is not None:
        lines.append(text("status_meaning_case", case_no=case.case_no,
                          status=status_label(case.status), due=due_text(case)))
    return ["\n".join(lines)]


async def _result(ctx: Context, session, message: str) -> list[str]:
    """"结果是啥", "结案了吗": the history of the case named (else the one closed last),
    which ends with its result; with no case closed, the list with each time limit."""
    cases, refusal = await _cases_named(ctx, session, closed=True)
    if refusal:
        return refusal
    named = len(cases) == 1 and (loose_case_no(ctx.text) or number_tail(ctx.text)
                                 or points(ctx.text))
    closed = [c for c in await cases_of(session, ctx.inbound.openid)
              if c.status in CLOSED_STATUSES]
    closed.sort(key=lambda c: c.resolved_at or c.updated_at, reverse=True)
    case = cases[0] if named else (closed[0] if closed else None)
    if case is None:
        return await progress(ctx, session)
    return [await timeline(session, ctx, case)]


async def _await_material(ctx: Context, session, case: Case, reply: str,
                          count: int = 0, purpose: str | None = None,
                          held: str | None = None) -> list[str]:
    """Opens the supplement window for ``case`` and says so with the texts.yaml ``reply``;
    ``purpose`` "contact": the number sent next becomes the case's phone, read after
    ``held`` (the words that began it)."""
    minutes = await _open_window(ctx, session, case, count, purpose, held)
    return [text(reply, case_no=case.case_no, minutes=minutes)]


async def _open_window(ctx: Context, session, case: Case, count: int = 0,
                       purpose: str | None = None, held: str | None = None) -> int:
    """Opens the follow-up handler's supplement window for ``case`` (``count`` messages in it
    so far): the text or photo the payer sends next joins it there, as after a liaison's
    request. Returns its length in minutes."""
    from bot.handlers.followup import SUPPLEMENT_WINDOW, WINDOW_KEY  # it imports this module

    state = await load_state(session, ctx.inbound.openid)
    marker = {"case_no": case.case_no, "count": count,
              "until": (utcnow() + SUPPLEMENT_WINDOW).isoformat()}
    if purpose:
        marker["for"] = purpose
    if held:
        marker["held"] = held
    set_pending(state, WINDOW_KEY, marker)
    touch(state)
    await session.commit()
    return int(SUPPLEMENT_WINDOW.total_seconds() // 60)


async def _material_how(ctx: Context, session, message: str) -> list[str] | None:
    """"我还有录音怎么发给你们": what can be sent here, and the window opens for it (several
    open cases: which one?). A case whose liaison waits takes what comes next anyway."""
    cases, refusal = await _cases_named(ctx, session)
    if refusal:
        return refusal
    cases = [c for c in cases if c.awaiting_info] or cases
    if not cases:
        return await _material_closed(ctx, session)
    if len(cases) > 1:
        return [text("material_which", count=len(cases), cases=_choice_lines(cases),
                     example=cases[0].case_no)]
    minutes = await _open_window(ctx, session, cases[0])
    return [text("material_how", case_no=cases[0].case_no, minutes=minutes)]


async def image_for_open_case(ctx: Context) -> list[str] | None:
    """A photo from a payer with no form and no request for information: evidence for
    their only open case (what they send next joins it too); with several, which one is
    asked. None for a payer without an open case."""
    async with ctx.services.sessionmaker() as session:
        cases, _ = await _named_or_open(ctx, session)
        if not cases:
            return None
        if len(cases) > 1:
            await _ask_choice(ctx, session, cases, "", IMAGE_NOTE, (ctx.inbound.media_id,))
            return [text("image_which", count=len(cases), cases=_choice_lines(cases),
                         example=cases[0].case_no)]
        case = cases[0]
        # No words of its own: the group reads "（1 张图片）", not the picture twice.
        await add_supplement(session, case, "", actor="payer",
                             media_ids=(ctx.inbound.media_id,), config=ctx.services.config)
        replies = await _await_material(ctx, session, case, "image_open_case", count=1)
    wake_outbox(ctx.services)
    return replies


async def _handler(ctx: Context, session, message: str) -> list[str] | None:
    """"处理的人态度很差": recorded on the case for its lead to look into (several open
    cases: which one?)."""
    cases, refusal = await _cases_named(ctx, session)
    if refusal:
        return refusal
    if not cases:
        return None
    if len(cases) > 1:
        await _ask_choice(ctx, session, cases, ctx.text, HANDLER_NOTE)
        return [text("handler_which", count=len(cases), cases=_choice_lines(cases))]
    return await _handler_forwarded(ctx, session, cases, ctx.text)


async def _handler_forwarded(ctx: Context, session, cases: list[Case], words: str) -> list[str]:
    for case in cases:
        await _forward(ctx, session, case, "handler_note", words, "handler")
    await session.commit()
    wake_outbox(ctx.services)
    return ["\n\n".join(text("handler_forwarded", case_no=c.case_no, lead=_lead(ctx, c),
                               deadline=local_deadline(c.deadline)) + _overseen(ctx, c)
                          for c in cases)]


def _overseen(ctx: Context, case: Case) -> str:
    """The payer hears that the leadership group's office heard the complaint too (seed 001
    四: it oversees how the agencies perform), when its group exists for the district."""
    if group_for(default_rules(), OVERSIGHT_AGENCY, case.district,
                 ctx.services.config.raw) is None:
        return ""
    return "\n" + text("handler_overseen")


async def _resume(ctx: Context, session, message: str) -> list[str] | None:
    """"我反悔了 还是继续办吧": the open cases the payer asked to withdraw (or said were
    settled) go on; their liaison hears so before closing them. Nothing withdrawn: None."""
    cases, _ = await _named_or_open(ctx, session)
    withdrawn = [c for c in _open(cases)
                 if await _last_request(session, c) in ("withdraw", "settled")]
    if not withdrawn:
        if not _open(cases):
            return None
        # "还是继续办吧" with nothing withdrawn: the case goes on anyway, and how it stands.
        return [text("resume_nothing_withdrawn") + "\n\n" + "\n".join(
            await progress(ctx, session))]
    for case in withdrawn:
        await _forward(ctx, session, case, "resume_note", ctx.text, "resume")
    await session.commit()
    wake_outbox(ctx.services)
    return ["\n\n".join(text("resume_forwarded", case_no=c.case_no, lead=_lead(ctx, c),
                               deadline=local_deadline(c.deadline)) for c in withdrawn)]


async def _last_request(session, case: Case) -> str | None:
    rows = await session.execute(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id,
                                       CaseEvent.kind == "supplement")
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()))
    requests = [(d or {}).get("request") for d in rows.scalars()]
    return next((r for r in requests if r in ("withdraw", "settled", "resume")), None)


_REQUESTS = {"withdraw": _withdraw, "withdraw_maybe": _withdraw_maybe, "urge": _urge,
             "repeat": _repeat,
             "transfer": _transfer, "status": _status, "due": _due, "new_contact": _new_contact,
             "add_material": _add_material, "supplement": _supplement,
             "closed_verdict": _closed_verdict, "material_how": _material_how,
             "result": _result, "meaning": _meaning,
             "which": _which, "handler": _handler, "resume": _resume,
             "own_phone": _own_phone}


async def newest_open_case(ctx: Context) -> Case | None:
    async with ctx.services.sessionmaker() as session:
        return await session.scalar(
            select(Case).where(Case.openid == ctx.inbound.openid,
                               Case.status.not_in(CLOSED_STATUSES))
            .order_by(Case.updated_at.desc(), Case.id.desc()).limit(1))


async def open_case_numbers(ctx: Context) -> list[str]:
    """The numbers of the payer's open cases, newest first."""
    async with ctx.services.sessionmaker() as session:
        rows = await session.execute(
            select(Case.case_no).where(Case.openid == ctx.inbound.openid,
                                       Case.status.not_in(CLOSED_STATUSES))
            .order_by(Case.updated_at.desc(), Case.id.desc()))
        return list(rows.scalars())
