"""进度: the payer's own cases, or one case's timeline. A number that is not the payer's
gets the same answer as one that does not exist, so nothing leaks about other payers."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from bot.handlers.base import Context
from bot.handlers.intake_spec import SPEC
from bot.store.models import Case
from bot.texts import text
from routing.cases import (
    case_for_payer,
    cases_of,
    events_of,
    normalize_case_no,
)
from routing.deadlines import to_local
from routing.notices import local_deadline, status_label

EVENT_NAMES = {
    "registered": "已登记", "assigned": "已转交{agency}", "accepted": "{agency}已受理",
    "note": "{agency}处理中", "info_requested": "办理人员请您补充材料",
    "supplement": "您补充了材料", "transferred": "已转交{agency}办理",
    "resolved": "已办结", "reopened": "已重新办理", "feedback": "您已评价",
    "supplement:urge": "您催办了", "supplement:withdraw": "您表示不再继续办理",
    "supplement:settled": "您告知问题已解决",
}


_DASHES = str.maketrans({c: "-" for c in "—–－‐‑‒―_﹣"})
_LOOSE_CASE = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,4})-*(\d{8})-*(\d{4})(?!\d)")
_NUMBERISH = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,4}-*\d{4,}|\d{10,}")
EXAMPLE = "ZY20261126-0001"
REOPEN = re.compile(r"^(我要|我想|请|麻烦|申请|要求|帮我)*(重新办理|重新处理|重办|再办|重新受理|"
                    r"重新打开|重新办)")
"""重新办理 and its polite forms. The NLU files them under progress checks (they are about a
case); the follow-up handler reopens a recently resolved case before they get here."""


def folded(message: str) -> str:
    """Full-width folded, every dash "-", spaces removed: "ＺＹ 2026 1126—0001" reads as a
    number once the payer's spacing and input method are taken out."""
    folded = unicodedata.normalize("NFKC", message or "").translate(_DASHES)
    return "".join(folded.split())


def loose_case_no(message: str) -> str | None:
    """A case number in ``message`` written with spaces, odd dashes or full-width digits."""
    found = _LOOSE_CASE.search(folded(message))
    return normalize_case_no(found.group(0)) if found else None


def looks_like_case_no(message: str) -> bool:
    """Letters and digits that were probably meant as a case number (a digit too few)."""
    return _NUMBERISH.search(folded(message)) is not None


def _date(value, fmt: str = "%m-%d") -> str:
    return to_local(value).strftime(fmt) if value else "—"


def category_label(case) -> str:
    return SPEC["category_choices"].get(case.category, case.category).split("、")[0]


async def progress(ctx: Context, session=None) -> list[str]:
    """``session``: the caller's open one (a form step holding SQLite's only pooled
    connection must not wait for a second)."""
    nlu = ctx.nlu
    entity = nlu.entity("case_no") if nlu is not None else None
    case_no = entity.value if entity is not None else loose_case_no(ctx.text)
    if case_no is None and REOPEN.match((ctx.text or "").strip()):
        return await nothing_to_reopen(ctx, session)
    unclear = case_no is None and looks_like_case_no(ctx.text)
    if case_no is None and ctx.snapshot is not None and not ctx.snapshot.cases:
        return [text("progress_none")]
    if session is None:
        async with ctx.services.sessionmaker() as own:
            return await _answer(own, ctx, case_no, unclear)
    return await _answer(session, ctx, case_no, unclear)


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
    return [text("reopen_none")]


async def _answer(session, ctx: Context, case_no: str | None, unclear: bool) -> list[str]:
    if case_no is not None:
        case = await case_for_payer(session, ctx.inbound.openid, case_no)
        if case is None:
            return [text("progress_not_found", case_no=case_no)]
        return [await timeline(session, ctx, case)]
    cases = await cases_of(session, ctx.inbound.openid)
    if not cases:
        return [text("progress_none")]
    lines = [text("progress_number_unclear", example=cases[0].case_no)] if unclear else []
    lines.append(text("progress_list_header"))
    for case in cases[:10]:
        lines.append(text("progress_item", case_no=case.case_no, category=category_label(case),
                          status=status_label(case.status),
                          updated=_date(case.updated_at), deadline=local_deadline(case.deadline)))
    lines.append(text("progress_footer"))
    return ["\n".join(lines)]


async def timeline(session, ctx: Context, case) -> str:
    agencies = ctx.services.config.raw.get("agencies") or {}
    lines = [text("progress_timeline_header", case_no=case.case_no, category=category_label(case),
                  status=status_label(case.status),
                  deadline=local_deadline(case.deadline))]
    for event in await events_of(session, case):
        if event.kind not in EVENT_NAMES:
            continue
        detail = event.detail or {}
        agency_key = (detail.get("agency") or detail.get("to") or detail.get("lead")
                      or (event.actor if event.actor in agencies else case.lead_agency))
        agency = (agencies.get(agency_key) or {}).get("name", "办理部门")
        name = EVENT_NAMES.get(f"{event.kind}:{detail.get('request')}", EVENT_NAMES[event.kind])
        lines.append(f"{_date(event.at, '%m-%d %H:%M')} " + name.format(agency=agency))
    return "\n".join(lines)


def without_case_no(message: str) -> str:
    """The message without a case number, so "撤回 ZY…" reads like "撤回"."""
    return _LOOSE_CASE.sub("", folded(message))
