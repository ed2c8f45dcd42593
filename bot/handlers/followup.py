"""After registration: the payer answers a liaison's request for information, and rates a
resolved case (not solved → legal options, or 重新办理 reopens it)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from bot.handlers.base import Context, wake_outbox
from bot.handlers.intake import TRIGGERS
from bot.store.models import Case, CaseEvent, utcnow
from bot.store.snapshot import FEEDBACK_WINDOW
from bot.texts import text
from routing.cases import add_supplement, reopen_case

QUESTION = re.compile(r"((吗|么|嘛|没有|没)[?？!！。.~～]*|[?？])$")
"""解决了吗 / 解决了没有: asking about progress, not answering "was it solved"."""
# A negation shortly before 解决/满意 ("不太满意", "没有解决", "还是没给解决") wins over the
# positive words it contains.
NOT_SOLVED = re.compile(r"((不|没|未|别|无)[^，,。.!！?？、；;\s]{0,3}(解决|满意|处理好|办好|搞定)"
                        r"|解决不了|没用|没效果|差评|很差|太差)")
SOLVED = re.compile(r"(已解决|解决了|满意|处理好了|办好了|搞定|好评|没问题了|👍)")
REOPEN = re.compile(r"^(重新办理|重新处理|重办|再办|重新受理|重新打开)")
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
# "5分", "五星", "5 颗星", "打4分"; not "十五分", "五分钟", "一分钱", "2.5分".
EXPLICIT_RATING = re.compile(r"(?<![\d.十百])([1-5一二两三四五])\s*(?:分|颗?星)(?![钟钱])")
ANY_SCORE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:分|颗?星)(?![钟钱])")
BARE_DIGIT = re.compile(r"(?<![\d.])([1-5])(?![\d.])")
FULL_MARKS = re.compile(r"满分")
SHORT = 15
"""A message this short that mentions 解决/满意 or a score is an answer to "please rate";
a longer one is more likely a new question and is left to the other handlers."""
SKIP_INTENTS = {"check_progress", "cancel"}
_NOISE = re.compile(r"\[[\u4e00-\u9fff]{1,4}\]|[^\w\u4e00-\u9fff]", re.UNICODE)
FILLERS = {"好", "好的", "好滴", "嗯", "嗯嗯", "哦", "噢", "ok", "okay", "收到", "知道了", "明白了",
           "明白", "了解", "谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "好的谢谢", "谢了", "辛苦了",
           "行", "可以", "稍等", "等一下", "马上", "在吗", "你好", "您好", "哈哈"}


@dataclass(frozen=True)
class Feedback:
    rating: int | None = None
    solved: bool | None = None
    out_of_range: bool = False
    """A score was given but not 1–5 ("0分", "10分")."""

    @property
    def empty(self) -> bool:
        return self.rating is None and self.solved is None


def read_feedback(reply: str) -> Feedback:
    """The rating (1–5) and solved/not solved a payer's reply carries, if any."""
    if QUESTION.search(reply):
        return Feedback()
    solved = False if NOT_SOLVED.search(reply) else True if SOLVED.search(reply) else None
    rating = None
    explicit = EXPLICIT_RATING.search(reply)
    if explicit is not None:
        rating = int(_CN.get(explicit.group(1), explicit.group(1)))
    elif FULL_MARKS.search(reply):
        rating = 5
    else:
        bare = BARE_DIGIT.findall(reply)
        other_digits = re.findall(r"\d", reply)
        if len(bare) == 1 and len(other_digits) == 1 and len(reply) <= 10:
            rating = int(bare[0])  # "5", "2 没解决"; not "2024年3月" or a long message
    out_of_range = rating is None and ANY_SCORE.search(reply) is not None
    return Feedback(rating, solved, out_of_range)


def _filler(reply: str, intent: str) -> bool:
    """Acknowledgements, greetings, emoji and stickers: not the information asked for."""
    core = _NOISE.sub("", reply).lower()
    return not core or core in FILLERS or (intent == "greet" and len(core) <= 10)


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
    if snapshot is None or not snapshot.case_waiting or snapshot.in_form:
        return None
    intent = ctx.nlu.intent if ctx.nlu else "other"
    reply = ctx.text.strip()
    if ctx.nlu is not None and ctx.nlu.entity("case_no") is not None:
        return None  # "进度 ZY…": a progress check, whatever else it says
    reopen = bool(REOPEN.match(reply))
    feedback = read_feedback(reply)
    openid = ctx.inbound.openid
    async with ctx.services.sessionmaker() as session:
        resolved = await _latest(session, openid, Case.status == "resolved",
                                 Case.resolved_at > utcnow() - FEEDBACK_WINDOW)
        rating_first = resolved is not None and (reopen or (
            len(reply) <= SHORT and not (feedback.empty and not feedback.out_of_range)))
        waiting = None if rating_first else await _latest(
            session, openid, Case.awaiting_info.is_(True))
        if waiting is not None:
            if intent in SKIP_INTENTS or TRIGGERS.match(reply):
                return None  # 进度 / 取消 / 反映问题: the payer wants something else
            if _filler(reply, intent):
                return [text("info_waiting", case_no=waiting.case_no,
                             question=await _question(session, waiting))]
            await add_supplement(session, waiting, reply, actor="payer",
                                 config=ctx.services.config)
            await session.commit()
            wake_outbox(ctx.services)
            return [text("info_attached", case_no=waiting.case_no)]
        if resolved is None:
            return None
        if reopen:
            return await _reopen(ctx, session, resolved, reply)
        if feedback.empty and not feedback.out_of_range:
            return None
        if intent in ("file_dispute", "ask_policy") and len(reply) > SHORT:
            return None  # a new complaint or question that happens to say 解决 or 3分
        if feedback.empty:
            return [text("feedback_rating_range")]
        return await _record(session, resolved, feedback)


async def _reopen(ctx: Context, session, case: Case, reply: str) -> list[str]:
    """重新办理: the payer says, in effect, "not solved"; record that, then reopen."""
    if case.solved is not False:
        case.solved = False
        session.add(CaseEvent(case_id=case.id, actor="payer", kind="feedback",
                              detail={"rating": case.rating, "solved": False}))
    await reopen_case(session, case, reply, config=ctx.services.config)
    await session.commit()
    wake_outbox(ctx.services)
    return [text("feedback_reopened", case_no=case.case_no)]


async def _record(session, case: Case, feedback: Feedback) -> list[str]:
    """Store the rating and/or solved answer (a later answer replaces an earlier one; the
    history keeps both) and ask for whichever half is still missing."""
    if feedback.rating is not None:
        case.rating = feedback.rating
    if feedback.solved is not None:
        case.solved = feedback.solved
    session.add(CaseEvent(case_id=case.id, actor="payer", kind="feedback",
                          detail={"rating": case.rating, "solved": case.solved}))
    await session.commit()
    if case.solved is False:
        return [text("feedback_options")]
    if case.solved is None:
        return [text("feedback_thanks") + text("feedback_ask_solved")]
    if case.rating is None:
        return [text("feedback_thanks") + text("feedback_ask_rating")]
    return [text("feedback_thanks")]


async def image_for_case(ctx: Context) -> list[str] | None:
    """A photo sent while a liaison waits for information (工资条, 劳动合同): it joins that
    case's evidence instead of being refused for lack of a form."""
    openid = ctx.inbound.openid
    async with ctx.services.sessionmaker() as session:
        waiting = await _latest(session, openid, Case.awaiting_info.is_(True))
        if waiting is None:
            return None
        await add_supplement(session, waiting, text("image_supplement_note"), actor="payer",
                             media_ids=[ctx.inbound.media_id], config=ctx.services.config)
        await session.commit()
    wake_outbox(ctx.services)
    return [text("info_image_attached", case_no=waiting.case_no)]
