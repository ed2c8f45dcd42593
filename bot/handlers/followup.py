"""After registration: the payer answers a liaison's request for information (often in
several messages and photos), and rates a resolved case (not solved → legal options, or
重新办理 reopens it)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.handlers.base import Context, wake_outbox
from bot.handlers.contacts import one_phone
from bot.handlers.intake import TRIGGERS
from bot.handlers.policy import ask_policy
from bot.handlers.progress import (
    FOLLOWUP_WORDS,
    REOPEN,
    category_label,
    loose_case_no,
    without_case_no,
)
from bot.handlers.smalltalk import only_anger
from bot.privacy import mask_phone
from bot.store.dialogue import load_state, open_marker, set_pending, touch
from bot.store.models import Case, CaseEvent, DialogueState, utcnow
from bot.store.snapshot import FEEDBACK_WINDOW
from bot.texts import text
from bot.word_patterns import one_of, words_regex
from routing.cases import add_supplement, case_for_payer, reopen_case, tell_lead
from routing.notices import local_deadline, named_employer

WORDS = FOLLOWUP_WORDS


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


QUESTION = re.compile(r"((吗|么|嘛|没有|没)[?？!！。.~～]*|[?？])$")
"""解决了吗 / 解决了没有: asking about progress, not answering "was it solved"."""
NOT_SOLVED = _any(WORDS["feedback"]["not_solved"])
STILL_UNSOLVED = _any(WORDS["feedback"]["still_unsolved"])
OBJECTS = _any(WORDS["feedback"]["objects"])
ASKS = re.compile(WORDS["feedback"]["asks"])
CHALLENGES = _any(WORDS["feedback"]["challenges"])
TOLD_STILL = re.compile(WORDS["feedback"]["told_still"])
NOT_QUESTION = re.compile(WORDS["feedback"]["not_question"])
REOPEN_ASK = re.compile(f"(?:{_any(WORDS['feedback']['reopen_ask']).pattern})"
                        + WORDS["feedback"]["reopen_ask_tail"])
ANSWERS = WORDS["case_answers"]
SOLVED = words_regex(WORDS["feedback"]["solved"])
MIDDLING = re.compile("^(?:" + one_of(WORDS["feedback"]["middling"])
                      + r")(吧|啦|了|呗|哈|哦|的)*[。.!！~～]*$")
STARS = re.compile(f"^[{WORDS['feedback']['stars']}]{{1,5}}$")
_BARE = re.compile(r"[\s，,。.!！?？~～吧啊呀吗嘛呢哈]+")
"""Punctuation and particles around a bare 重新办理."""
ASK_AGAIN = words_regex(WORDS["feedback"]["reopen"])
WHAT_NOW = _any(WORDS["feedback"]["what_now"])
CLAUSES = re.compile(r"[\s，,。.!！?？；;~～]+")
WHAT_NOW_CHARS = 20
""""那我还能怎么办" is short; a longer message with 怎么办 tells of a new matter."""
LATER = _any(WORDS["information"]["later"])
WHAT_NEEDED = _any(WORDS["information"]["what_needed"])
LATER_CHARS = 20
""""明天发你行不", "好的我找找": short; a longer message with a time word carries facts."""
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
# "5分", "五星", "5 颗星", "打4分"; not "十五分", "五分钟", "一分钱", "2.5分".
EXPLICIT_RATING = re.compile(r"(?<![\d.十百])([1-5一二两三四五])\s*(?:分|颗?星)(?![钟钱])")
ANY_SCORE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:分|颗?星)(?![钟钱])")
BARE_DIGIT = re.compile(r"(?<![\d.])([1-5])(?![\d.])")
FULL_MARKS = re.compile(r"满分")
NAMED_RATINGS = WORDS["feedback"]["named_ratings"]
LED_SCORE_OFFSET = 3  # "给3分", "打个3分": at most this many characters before a leading score
SHORT = 15
"""A message this short that mentions 解决/满意 or a score is an answer to "please rate";
a longer one is more likely a new question and is left to the other handlers."""
SKIP_INTENTS = {"check_progress", "cancel"}
SKIP_SURE = 0.5
"""A progress check or cancel the model is this sure of leaves the case's request open;
below it ("工资条我有" at 0.34 a progress check) the message is the information asked for."""
SUPPLEMENT_WINDOW = timedelta(minutes=10)
"""After the payer answers a liaison's request, what else they send within this time (the
next line, a photo of the payslip) joins the same case; each addition restarts it. Typing a
few lines or finding and photographing a document takes minutes, while a longer window
would start catching messages about other things."""
WINDOW_KEY = "supplement"
"""Key of the open window in the dialogue state's ``pending``: {case_no, until, count}. The
state is read with every message anyway, so no query is needed to see the window."""
FACTS = {"money", "period", "id_number", "phone", "employer", "name", "headcount"}
"""Entity types that make a message carry information for the case even if it also asks."""
GREET_SURE = 0.9
GREET_CHARS = 10
"""Greetings are short ("早上好，请问有人吗") and the model is sure of them (held-out ones
score above 0.97)."""
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_NOISE = re.compile(r"\[[\u4e00-\u9fff]{1,4}\]|[^\w\u4e00-\u9fff]", re.UNICODE)
FILLERS = set(WORDS["information"]["fillers"])


@dataclass(frozen=True)
class Feedback:
    rating: int | None = None
    solved: bool | None = None
    out_of_range: bool = False
    """A score was given but not 1–5 ("0分", "10分")."""
    middling: bool = False
    """还行吧 / 一般: a verdict without a score or solved/not solved."""
    still: bool = False
    """The matter is still there ("单位还是没交"): not solved, whatever the message's length."""
    led: bool = False
    """The message opens with a score ("三分吧 只补了两年 前面两年没补"): a rating, however
    long the story after it."""

    @property
    def empty(self) -> bool:
        return self.rating is None and self.solved is None and not self.middling


def read_feedback(reply: str) -> Feedback:
    """The rating (1–5) and solved/not solved a payer's reply carries, if any."""
    still = _still(reply)
    if still is None:
        return Feedback()
    solved = (False if still or NOT_SOLVED.search(reply)
              else True if SOLVED.search(reply) else None)
    rating = None
    explicit = EXPLICIT_RATING.search(reply)
    if explicit is not None:
        rating = int(_CN.get(explicit.group(1), explicit.group(1)))
    elif FULL_MARKS.search(reply):
        rating = 5
    elif (named := _named_rating(reply, solved)) is not None:
        rating = named
    elif STARS.match(reply.strip()):
        rating = len(reply.strip())
    else:
        bare = BARE_DIGIT.findall(reply)
        other_digits = re.findall(r"\d", reply)
        if len(bare) == 1 and len(other_digits) == 1 and len(reply) <= 10:
            rating = int(bare[0])  # "5", "2 没解决"; not "2024年3月" or a long message
    out_of_range = rating is None and ANY_SCORE.search(reply) is not None
    middling = rating is None and solved is None and bool(MIDDLING.match(reply.strip()))
    led = explicit is not None and explicit.start() <= LED_SCORE_OFFSET
    return Feedback(rating, solved, out_of_range, middling, still, led)


def still_unsolved(reply: str) -> bool:
    """:attr:`Feedback.still` of :func:`read_feedback` without reading a rating: the open
    case's handler asks it of every message from a payer with a case."""
    return bool(_still(reply))


def _still(reply: str) -> bool | None:
    """Whether the reply says the matter is still there; None for a question that reads
    nothing of a result (no feedback at all)."""
    challenged = bool(CHALLENGES.search(reply))
    told_still = bool(TOLD_STILL.search(reply))
    if QUESTION.search(reply) and not (challenged or told_still or NOT_QUESTION.search(reply)):
        return None
    return challenged or told_still or bool(STILL_UNSOLVED.search(reply)) or bool(
        OBJECTS.search(reply) and not ASKS.search(reply))


def _named_rating(reply: str, solved: bool | None) -> int | None:
    """差评 is the lowest score, 好评 the highest; never against what the reply says of the
    matter ("不给好评" is not solved, so no 5)."""
    for word, score in NAMED_RATINGS.items():
        if word in reply and not (solved is False and score > 3 or solved is True and score < 3):
            return int(score)
    return None


def _filler(ctx: Context, reply: str, intent: str, asked: str) -> bool:
    """Acknowledgements, greetings, emoji and stickers: not the information asked for. The
    model's "greet" counts only for a short message it is sure of that names nothing: short
    answers ("有的") and answers after a greeting ("您好，工资条有的") look like greetings too."""
    core = _NOISE.sub("", reply).lower()
    if not core or core in FILLERS:
        return True
    parts = [_NOISE.sub("", part).lower() for part in CLAUSES.split(reply)]
    if all(not part or part in FILLERS for part in parts):
        return True  # "就这些 谢谢", "好的，辛苦了": closing words, clause by clause
    parser = ctx.services.parser
    if parser is not None and parser.exact_intent(reply) in ("greet", "other"):
        return True
    nlu = ctx.nlu
    return (intent == "greet" and nlu is not None and nlu.intent_confidence >= GREET_SURE
            and len(core) <= GREET_CHARS and not nlu.entities
            and not _shared_bigrams(reply, asked))


async def _latest(session, openid: str, *conditions):
    query = (select(Case).where(Case.openid == openid, *conditions)
             .order_by(Case.updated_at.desc()).limit(1))
    return (await session.execute(query)).scalar_one_or_none()


async def _question(session, case: Case) -> str:
    """What the liaison asked for (the newest request), to remind the payer."""
    event = await session.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "info_requested")
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()).limit(1))
    asked = str(((event.detail or {}) if event is not None else {}).get("text") or "")
    return asked or "相关材料"


async def followup(ctx: Context) -> list[str] | None:
    """Answers that belong to an existing case; None when the message is about something else."""
    snapshot = ctx.snapshot
    if snapshot is None:
        return None
    if snapshot.in_form:
        return await _reopen_from_form(ctx) if snapshot.case_waiting else None
    if ctx.inbound.kind == "voice" and not ctx.text:
        return await voice_for_case(ctx) if snapshot.case_waiting or _open_window(
            (snapshot.state or {}).get("pending")) else None
    window = _open_window((snapshot.state or {}).get("pending"))
    if not snapshot.case_waiting and window is None:
        return None
    intent = ctx.nlu.intent if ctx.nlu else "other"
    reply = ctx.text.strip()
    named = _named_case_no(ctx, reply)
    if named is not None:
        reply = without_case_no(reply).strip()
    feedback = read_feedback(reply)
    reopen = bool(REOPEN.match(reply)) or (len(reply) <= SHORT and bool(ASK_AGAIN.search(reply))
                                           ) or _unsolved_then_reopen(reply, feedback)
    asks_reopen = not reopen and len(reply) <= WHAT_NOW_CHARS and bool(REOPEN_ASK.search(reply))
    openid = ctx.inbound.openid
    async with ctx.services.sessionmaker() as session:
        if named is not None:
            # "ZY… 重新办理", "ZY… 结果我不服": that resolved case; "进度 ZY…" and a number
            # of an open case are progress checks, whatever else they say.
            resolved = await _recently_resolved(session, openid, named)
            if resolved is None or not (reopen or asks_reopen or feedback.still
                                        or not feedback.empty):
                return None
        else:
            resolved = await _latest(session, openid, Case.status == "resolved",
                                     Case.resolved_at > utcnow() - FEEDBACK_WINDOW
                                     ) if snapshot.case_waiting else None
        rating_first = resolved is not None and (
            named is not None or reopen or asks_reopen or feedback.still or feedback.led or (
                len(reply) <= SHORT and not (feedback.empty and not feedback.out_of_range)))
        waiting = None if rating_first or not snapshot.case_waiting else await _latest(
            session, openid, Case.awaiting_info.is_(True))
        if waiting is not None:
            return await _answer_request(ctx, session, waiting, intent, reply)
        if window is not None and not rating_first:
            case = await _window_case(session, openid, window)
            if case is not None:
                replies = await _more_information(ctx, session, case, window, intent, reply)
                if replies is not None:
                    return replies
        if resolved is None:
            return None
        others = [] if named is not None else await _other_resolved(session, resolved)
        if (named is None and not (reopen or asks_reopen) and intent == "file_dispute"
                and len(reply) > SHORT and await _withdrawn_on_request(session, resolved)):
            return None  # the payer withdrew it and now tells the matter again: a new filing
        if reopen:
            return await _reopen(ctx, session, resolved, reply)
        if asks_reopen and not feedback.still:
            return [await _case_answer(session, resolved, others, ANSWERS["reopen_offer"])]
        if resolved.solved is False and len(reply) <= WHAT_NOW_CHARS and WHAT_NOW.search(reply):
            return [await _options(session, resolved, others)]  # "那我还能怎么办" after "没解决"
        if feedback.empty and not feedback.out_of_range:
            return None
        if (intent in ("file_dispute", "ask_policy") and len(reply) > SHORT
                and not (feedback.still or feedback.led)):
            return None  # a new complaint or question that happens to say 解决 or 3分
        if feedback.empty:
            return [text("feedback_rating_range")]
        return await _record(ctx, session, resolved, feedback, reply, others)


def _unsolved_then_reopen(reply: str, feedback: Feedback) -> bool:
    """"单位根本没补 我查了还是断的 重新投诉": the matter is still there and the last clause
    asks for 重新办理, so the case is reopened however long the message is."""
    if not (feedback.still or feedback.solved is False):
        return False
    last = next((c for c in reversed(CLAUSES.split(reply)) if c), "")
    return len(last) <= SHORT and bool(REOPEN.match(last) or ASK_AGAIN.search(last))


def _named_case_no(ctx: Context, reply: str) -> str | None:
    entity = ctx.nlu.entity("case_no") if ctx.nlu is not None else None
    return entity.value if entity is not None else loose_case_no(reply)


async def _recently_resolved(session, openid: str, case_no: str) -> Case | None:
    """The payer's case ``case_no`` if it was resolved within the rating window."""
    case = await case_for_payer(session, openid, case_no)
    fresh = (case is not None and case.status == "resolved" and case.resolved_at is not None
             and _aware(case.resolved_at) > utcnow() - FEEDBACK_WINDOW)
    return case if fresh else None


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


async def _withdrawn_on_request(session, case: Case) -> bool:
    """Was ``case`` closed after the payer asked to withdraw it? Its "result" is then the
    payer's own wish, so telling the matter again is no objection to a result."""
    rows = await session.execute(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id,
                                       CaseEvent.kind == "supplement"))
    return any((d or {}).get("request") == "withdraw" for d in rows.scalars())


async def _other_resolved(session, case: Case) -> list[Case]:
    """The payer's other cases resolved within the rating window, resolved last first:
    the answer is about ``case``, and these may be named instead."""
    rows = await session.execute(
        select(Case).where(Case.openid == case.openid, Case.id != case.id,
                           Case.status == "resolved",
                           Case.resolved_at > utcnow() - FEEDBACK_WINDOW)
        .order_by(Case.resolved_at.desc(), Case.id.desc()))
    return list(rows.scalars())


async def _result(session, case: Case) -> str:
    """The result the liaison gave when resolving the case (the newest one)."""
    rows = await session.execute(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id,
                                       CaseEvent.kind == "resolved")
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()))
    found = next((d["result"] for d in rows.scalars() if (d or {}).get("result")), None)
    return str(found or ANSWERS["no_result"])


def _about(case: Case) -> str:
    if named_employer(case.employer):
        return ANSWERS["about"].format(category=category_label(case), employer=case.employer)
    return ANSWERS["about_no_employer"].format(category=category_label(case))


async def _case_answer(session, case: Case, others: list[Case], body: str) -> str:
    """``body`` headed with the case it is about (number, what, when, result) and followed,
    with several resolved cases, by the others and how to name one."""
    day = local_deadline(case.resolved_at, ANSWERS["day"]) if case.resolved_at else ""
    parts = [ANSWERS["header"].format(case_no=case.case_no, about=_about(case), day=day,
                                      result=await _result(session, case)), body]
    if others:
        lines = [ANSWERS["other_line"].format(case_no=c.case_no, about=_about(c),
                                              result=await _result(session, c))
                 for c in others]
        parts.append(ANSWERS["others"].format(count=len(others), lines="\n".join(lines),
                                              case_no=case.case_no,
                                              example=others[0].case_no))
    return "\n".join(parts)


async def _options(session, case: Case, others: list[Case]) -> str:
    """The legal options and 重新办理, about ``case``."""
    return await _case_answer(session, case, others,
                              text("feedback_options", legal=text("legal_options")))


def _elsewhere(ctx: Context, intent: str, reply: str) -> bool:
    """进度 / 取消 / 反映问题 / "另外还有个事": the payer wants something else than to add to
    the case."""
    parser = ctx.services.parser
    sure = ctx.nlu is None or ctx.nlu.intent_confidence >= SKIP_SURE
    if TOLD_STILL.search(reply):
        sure = False  # "单位说补了 可我查还是没有": what the case is about, not a progress check
    return (intent in SKIP_INTENTS and sure or bool(TRIGGERS.match(reply))
            or (parser is not None and parser.opens_new_matter(reply)))


def _asks_instead(ctx: Context, intent: str, asked: str) -> bool:
    """A question that carries nothing for the case ("断缴会影响医保报销吗？"): it is answered
    by its own handler, not stored as the information asked for. A question that describes
    the dispute, names facts or the requested item ("工资条可以拍照吗") still goes to the
    liaison."""
    parser = ctx.services.parser
    if parser is None or not parser.is_question(ctx.text) or intent == "file_dispute":
        return False
    if _shared_bigrams(ctx.text, asked) >= 2:
        return False
    return not _facts(ctx) or intent == "ask_policy"


def _facts(ctx: Context) -> set[str]:
    return {e.type for e in ctx.nlu.entities} & FACTS if ctx.nlu is not None else set()


def _promises_later(ctx: Context, reply: str) -> bool:
    """明天发你 / 好的我找找: the payer will send it; nothing to add to the case yet."""
    return (len(reply) <= LATER_CHARS and bool(LATER.search(reply))
            and not re.search(r"\d", reply) and not _facts(ctx))


def _asks_what(ctx: Context, reply: str) -> bool:
    """要提供啥 / 还要补什么材料: the request is shown again (the NLU reads these as progress
    checks)."""
    return len(reply) <= LATER_CHARS and bool(WHAT_NEEDED.search(reply)) and not _facts(ctx)


def _shared_bigrams(message: str, asked: str) -> int:
    """Two shared character pairs are about one shared term (工资条, 身份证, 劳动合同)."""
    def pairs(value: str) -> set[str]:
        return {run[i : i + 2] for run in _HAN_RUN.findall(value or "")
                for i in range(len(run) - 1)}
    return len(pairs(message) & pairs(asked))


async def _answer_request(ctx: Context, session, case: Case, intent: str,
                          reply: str) -> list[str] | None:
    """The first reply to a liaison's request: stored, unless it is about something else."""
    if _asks_what(ctx, reply):
        return [text("info_waiting", case_no=case.case_no, question=await _question(session, case))]
    if _elsewhere(ctx, intent, reply):
        return None
    asked = await _question(session, case)
    if _promises_later(ctx, reply):
        return [text("info_later", case_no=case.case_no, question=asked)]
    if only_anger(ctx):
        return [text("anger_ack") + "\n" + text("info_waiting", case_no=case.case_no,
                                                 question=asked)]
    if _filler(ctx, reply, intent, asked):
        return [text("info_waiting", case_no=case.case_no, question=asked)]
    if _asks_instead(ctx, intent, asked):
        answer = await ask_policy(ctx)
        reminder = text("info_still_waiting", case_no=case.case_no, question=asked)
        return ["\n\n".join([*answer, reminder])]
    await _attach(ctx, session, case, reply)
    return [text("info_attached", case_no=case.case_no) + "\n"
            + text("info_more_hint", minutes=_minutes())]


async def _more_information(ctx: Context, session, case: Case, window: dict, intent: str,
                            reply: str) -> list[str] | None:
    """A message soon after the payer answered: more of the same answer, unless it is a
    question, a progress check or a new matter (those go to their own handlers)."""
    if _asks_what(ctx, reply):
        return [text("info_asked_was", case_no=case.case_no, count=max(_count(window), 1),
                     question=await _question(session, case))]
    if _NOISE.sub("", reply).lower() in FILLERS:  # "就这些", "没了": read as a cancel
        return [text("info_window_ack", case_no=case.case_no, count=max(_count(window), 1))]
    if _elsewhere(ctx, intent, reply) or only_anger(ctx):
        return None
    asked = await _question(session, case)
    if _promises_later(ctx, reply):
        case.awaiting_info = True  # more is coming after the window closes
        await session.commit()
        return [text("info_later", case_no=case.case_no, question=asked)]
    if _filler(ctx, reply, intent, asked):
        return [text("info_window_ack", case_no=case.case_no, count=max(_count(window), 1))]
    if _asks_instead(ctx, intent, asked):
        return None
    if window.get("for") == "contact":
        joined = str(window.get("held") or "") + reply  # "我另一个手机139·8765" + "4321，…"
        told = joined if one_phone(joined) else reply
        number = one_phone(told)
        if number:
            return await _new_number(ctx, session, case, told, number)
    count = await _attach(ctx, session, case, reply)
    return [text("info_added", case_no=case.case_no, count=count, minutes=_minutes())]


async def _new_number(ctx: Context, session, case: Case, reply: str, number: str) -> list[str]:
    """The number asked for after "我电话换了": it becomes the case's phone and reaches the
    liaison as 缴费人更新联系电话, as when it comes in the same message."""
    await add_supplement(session, case, text("contact_note", words=reply), actor="payer",
                         request="contact", config=ctx.services.config)
    case.phone = number
    state = await load_state(session, ctx.inbound.openid)
    set_pending(state, WINDOW_KEY, None)
    await session.commit()
    wake_outbox(ctx.services)
    return [text("contact_updated", cases=case.case_no, phone=mask_phone(number))]


def _minutes() -> int:
    return int(SUPPLEMENT_WINDOW.total_seconds() // 60)


def _count(window: dict) -> int:
    """Messages the window has collected; 0 if the stored count is unreadable."""
    try:
        return max(int(window.get("count") or 0), 0)
    except (TypeError, ValueError):
        return 0


def _open_window(pending, now: datetime | None = None) -> dict | None:
    """The supplement window in a dialogue state's ``pending`` if it is still open."""
    return open_marker(pending, WINDOW_KEY, "case_no", now)


async def _window_case(session, openid: str, window: dict) -> Case | None:
    """The payer's case the window is for, unless it was resolved meanwhile (then replies
    are ratings)."""
    case = await session.scalar(select(Case).where(
        Case.openid == openid, Case.case_no == str(window.get("case_no"))))
    return case if case is not None and case.status != "resolved" else None


async def _attach(ctx: Context, session, case: Case, content: str,
                  media_ids: tuple[str, ...] = (), media_kind: str = "image") -> int:
    """Store ``content`` as a supplement and open (or extend) the window, in one transaction;
    returns how many messages the window has collected."""
    await add_supplement(session, case, content, actor="payer", media_ids=media_ids,
                         media_kind=media_kind, config=ctx.services.config)
    now = utcnow()
    state = await load_state(session, ctx.inbound.openid)
    open_ = _open_window(state.pending, now)
    count = (_count(open_) + 1
             if open_ is not None and open_.get("case_no") == case.case_no else 1)
    _keep_window(state, case, count, now)
    await session.commit()
    wake_outbox(ctx.services)
    return count


def _keep_window(state, case: Case, count: int, now: datetime) -> None:
    """Open (or extend) the window in which what the payer sends joins ``case``."""
    set_pending(state, WINDOW_KEY, {"case_no": case.case_no, "count": count,
                                    "until": (now + SUPPLEMENT_WINDOW).isoformat()})
    touch(state)


async def attach_supplement(ctx: Context, session, case: Case, content: str) -> list[str]:
    """What the payer adds unasked ("我补充一下，…"): stored like an answer to a request, and
    what follows in the next minutes joins it too."""
    await _attach(ctx, session, case, content)
    return [text("info_attached", case_no=case.case_no) + "\n"
            + text("info_more_hint", minutes=_minutes())]


async def _reopen_from_form(ctx: Context) -> list[str] | None:
    """重新办理 typed while a new form is open (the payer began another complaint first):
    the recently resolved case is reopened; the draft stays for later."""
    reply = (ctx.text or "").strip()
    if not REOPEN.match(reply):
        return None
    async with ctx.services.sessionmaker() as session:
        resolved = await _latest(session, ctx.inbound.openid, Case.status == "resolved",
                                 Case.resolved_at > utcnow() - FEEDBACK_WINDOW)
        return None if resolved is None else await _reopen(ctx, session, resolved, reply)


async def _reopen(ctx: Context, session, case: Case, reply: str) -> list[str]:
    """重新办理: the payer says, in effect, "not solved"; record that, then reopen."""
    if case.solved is not False:
        case.solved = False
        session.add(CaseEvent(case_id=case.id, actor="payer", kind="feedback",
                              detail={"rating": case.rating, "solved": False}))
    await reopen_case(session, case, await _reopen_reason(session, case, reply),
                      config=ctx.services.config)
    # What is still wrong, said next, joins the case.
    _keep_window(await load_state(session, ctx.inbound.openid), case, 0, utcnow())
    await session.commit()
    wake_outbox(ctx.services)
    return [text("feedback_reopened", case_no=case.case_no) + "\n"
            + text("info_more_hint", minutes=_minutes())]


async def _reopen_reason(session, case: Case, reply: str) -> str:
    """Why the case is reopened, for its liaison: a bare "重新办理" says nothing, so the
    payer's own words of "not solved" since the result ("单位还是没交") are given instead."""
    if len(_BARE.sub("", ASK_AGAIN.sub("", REOPEN.sub("", reply.strip())))) > 1:
        return reply
    since = case.resolved_at or case.updated_at
    rows = await session.execute(
        select(CaseEvent.detail).where(CaseEvent.case_id == case.id,
                                       CaseEvent.kind == "feedback", CaseEvent.at >= since)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()))
    words = next((d["words"] for d in rows.scalars()
                  if (d or {}).get("solved") is False and (d or {}).get("words")), None)
    return words or reply


async def _record(ctx: Context, session, case: Case, feedback: Feedback, words: str = "",
                  others: list[Case] = ()) -> list[str]:
    """Store the rating and/or solved answer (a later answer replaces an earlier one; the
    history keeps both, with the payer's words) and ask for whichever half is still
    missing. "Not solved", said for the first time, reaches the lead group too: the seeds'
    跟踪回访 needs the agency to hear that its result did not settle the matter."""
    unsolved_now = feedback.solved is False and case.solved is not False
    if feedback.rating is not None:
        case.rating = feedback.rating
    if feedback.solved is not None:
        case.solved = feedback.solved
    session.add(CaseEvent(case_id=case.id, actor="payer", kind="feedback",
                          detail={"rating": case.rating, "solved": case.solved,
                                  "words": words}))
    config = ctx.services.config
    if unsolved_now and config is not None:
        await tell_lead(session, case, words, "unsolved", config.raw, utcnow())
    await session.commit()
    if unsolved_now:
        wake_outbox(ctx.services)
    if feedback.middling and case.rating is None and case.solved is None:
        return [text("feedback_thanks") + text("feedback_ask_both")]
    if case.solved is False:
        return [await _options(session, case, list(others))]
    if case.solved is None:
        return [text("feedback_thanks") + text("feedback_ask_solved")]
    if case.rating is None:
        return [text("feedback_thanks") + text("feedback_ask_rating")]
    return [text("feedback_thanks")]


async def _case_for_material(session, openid: str) -> tuple[Case | None, bool]:
    """The case a liaison waits on (True: this is the first answer), else the one the payer
    answered minutes ago (False), else None."""
    case = await _latest(session, openid, Case.awaiting_info.is_(True))
    if case is not None:
        return case, True
    state = await session.get(DialogueState, openid)
    window = _open_window(state.pending) if state is not None else None
    return (await _window_case(session, openid, window) if window else None), False


async def voice_for_case(ctx: Context) -> list[str] | None:
    """A voice message WeChat could not turn into text while a liaison waits for
    information: the recording itself joins the case (the payer has said what was asked),
    and the payer is asked to type the gist too; None when no case is waiting."""
    async with ctx.services.sessionmaker() as session:
        case, _ = await _case_for_material(session, ctx.inbound.openid)
        if case is None:
            return None
        await _attach(ctx, session, case, text("voice_supplement_note"),
                      media_ids=(ctx.inbound.media_id,) if ctx.inbound.media_id else (),
                      media_kind="voice")
    return [text("info_voice_attached", case_no=case.case_no)]


async def image_for_case(ctx: Context) -> list[str] | None:
    """A photo sent while a liaison waits for information (工资条, 劳动合同), or soon after
    the payer answered: it joins that case's evidence instead of being refused for lack of
    a form."""
    async with ctx.services.sessionmaker() as session:
        case, first = await _case_for_material(session, ctx.inbound.openid)
        if case is None:
            return None
        # No words of its own: the group line says "（1 张图片）" once, not a note and a count.
        count = await _attach(ctx, session, case, "", media_ids=(ctx.inbound.media_id,))
    if first:
        return [text("info_image_attached", case_no=case.case_no) + "\n"
                + text("info_more_hint", minutes=_minutes())]
    return [text("info_image_added", case_no=case.case_no, count=count, minutes=_minutes())]
