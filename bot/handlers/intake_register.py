"""Registering the finished form as a case: the duplicate question, a repeated call-back
request, the case itself, and a complaint right after registering that may continue the
case just made (补充).

A mixin of :class:`bot.handlers.intake.IntakeDialogue`: the steps read its ``services``
and ``rules`` and fill the form through its ``_fill`` and ``_value``.
"""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.handlers.answers import MANDARIN, pick_number, said_of
from bot.handlers.base import Context, SessionOnUse, in_session
from bot.handlers.intake_spec import SPEC
from bot.metrics import observe_case
from bot.periods import period_text
from bot.privacy import mask_phone
from bot.store.case_reads import cases_of
from bot.store.dialogue import clear_form, set_pending
from bot.store.models import Case, utcnow
from bot.texts import text
from bot.word_patterns import words_regex
from routing.cases import (
    CLOSED_STATUSES,
    add_supplement,
    case_for_payer,
    find_open_case,
    register_case,
)
from routing.notices import agency_names, local_deadline, status_label

YES_WORDS = {"是", "是的", "确定", "对", "嗯", "好", "好的", "确认", "取消吧", "1"}
DUPLICATE_SAME = re.compile(r"(同一|(?<!有)一件事|一回事|补充|是的|对的|就是)")
DUPLICATE_NEW = re.compile(r"(不是|另|新的|新事|不同|两回事|别的|不一样)")
OTHER_EMPLOYER = words_regex(SPEC["other_employer_words"])


class RegistrationMixin:
    async def _finish(self, session, state, openid: str) -> list[str]:
        slots = state.slots
        if slots.get("needs_callback"):
            earlier = await recent_callback(session, openid)
            if earlier is not None:
                replies = await self._callback_again(
                    session, earlier, summary_for_case(slots))
                clear_form(state)
                return replies
        if not state.pending.get("duplicate_checked") and slots.get("category"):
            existing = await self._open_case_of(session, openid, slots["category"])
            if existing is not None:
                set_pending(state, "duplicate", existing.case_no)
                return [self._duplicate_question(existing)]
        return await self._register(session, state, openid)

    def _duplicate_question(self, case: Case) -> str:
        """"Is it the same matter?" with the open case's status and the agency that has it
        now (a case moved since the payer filed it is still theirs to add to)."""
        lead = agency_name(self.services.config, case.lead_agency)
        return text("duplicate_question", case_no=case.case_no, status=status_label(case.status),
                    where=text("duplicate_where", lead=lead) if lead else "")

    async def _offered_case(self, session, openid: str, case_no: str) -> Case | None:
        """The open case the duplicate question offered, by its number: not the newest open
        case of the form's category, which a changed category or a case closed meanwhile
        would miss (the question came back with an empty status, and "1" asked it again).
        A step on the snapshot opens its session here: the answer adds to this case or
        registers a new one in it, on the case as read under the session's lock."""
        if in_session(session) or isinstance(session, SessionOnUse):
            with session.no_autoflush:  # the form's pending changes wait for the commit
                return await case_for_payer(session, openid, case_no)
        return next((c for c in await cases_of(self.services.batch, openid)
                     if c.case_no == case_no), None)

    async def _open_case_of(self, session, openid: str, category: str | None) -> Case | None:
        """:func:`routing.cases.find_open_case`; on a step run on the snapshot (no session)
        read in the batch, so asking whether it is the same matter needs no session."""
        if in_session(session):
            with session.no_autoflush:  # the form's pending changes wait for the commit
                return await find_open_case(session, openid, category)
        return next((c for c in await cases_of(self.services.batch, openid)
                     if c.category == category and c.status not in CLOSED_STATUSES), None)

    async def _duplicate_answer(self, session, state, reply: str) -> list[str] | None:
        """1 adds to the open case, 2 registers (or, asked mid-form, goes on with the form);
        mid-form, anything else but a question about the offer is the form's (None): the
        offer is dropped and the summary asks again."""
        case_no = state.pending["duplicate"]
        choice = pick_number(reply, 2)
        if choice is None and DUPLICATE_NEW.search(reply):
            choice = 1
        elif choice is None and (reply in YES_WORDS or DUPLICATE_SAME.search(reply)):
            choice = 0
        offered = await self._offered_case(session, state.openid, case_no)
        gone = ""
        if offered is None or offered.status in CLOSED_STATUSES:
            choice = 1  # closed meanwhile: nothing open to add to
            gone = text("duplicate_gone", case_no=case_no, status=status_label(
                offered.status if offered is not None else "resolved")) + "\n"
        if choice == 0:
            await add_supplement(session, offered, summary_for_case(state.slots), actor="payer",
                                 config=self.services.config)
            clear_form(state)
            return [text("supplement_added", case_no=case_no)]
        if choice == 1:
            set_pending(state, "duplicate", None)
            set_pending(state, "duplicate_checked", True)
            if state.requested_slot is not None:  # offered mid-form: the form goes on
                return [gone + text("duplicate_new_goes_on")
                        + self._question(state.requested_slot, state.slots)]
            replies = await self._register(session, state, state.openid)
            return [gone + replies[0], *replies[1:]] if gone and replies else replies
        parser = self.services.parser
        asks = bool(parser and parser.is_question(reply))
        if state.requested_slot is not None and not asks:
            set_pending(state, "duplicate", None)  # "还有一件事": read by the form
            return None
        # "滞纳金怎么算" while the offer waits: answered, then the offer again (a bare
        # "请回复数字" left a policy question unanswered however often it was asked)
        answer = self._kb_answer(reply, SPEC["details_min_chars"]) if asks else None
        lead = answer + "\n\n" if answer else text("choose_number") + "\n"
        return [lead + self._duplicate_question(offered)]

    async def _callback_again(self, session, case: Case, words: str) -> list[str]:
        """The repeated request joins the first case as a supplement its group reads."""
        await add_supplement(session, case, text("callback_again_note", words=words),
                             actor="payer", request="callback", config=self.services.config)
        lead = agency_name(self.services.config, case.lead_agency)
        return [text("callback_again", case_no=case.case_no, lead=lead,
                     phone=mask_phone(case.phone))]

    async def _register(self, session, state, openid: str) -> list[str]:
        slots = state.slots
        fields = {key: slots.get(key) for key in (
            "name", "phone", "id_number", "jurisdiction", "employer", "period",
            "description", "desired_outcome")}
        fields.update(
            category=slots.get("category") or "other",
            severity=slots.get("severity") or "simple",
            severity_reasons=list(slots.get("severity_reasons") or []),
            amount=slots.get("amount") if isinstance(slots.get("amount"), (int, float)) else None,
            headcount=slots.get("headcount") if isinstance(slots.get("headcount"), int) else 1,
            evidence=list(slots.get("evidence") or []),
            channel="wechat",
            needs_callback=bool(slots.get("needs_callback")),
        )
        if slots.get("headcount_said") and slots.get("headcount"):
            fields["description"] = str(fields["description"] or "") + SPEC["replies"][
                "headcount_about_line"].format(count=slots["headcount_said"])
        backup = slots.get("alternate_phone")
        if backup and backup not in str(fields["description"] or ""):  # kept at 几个人
            fields["description"] = "；".join(filter(None, [str(fields["description"] or "").rstrip(
                "。；;，, "), SPEC["replies"]["alternate_phone_line"].format(phone=backup)]))
        if said_of(slots, "amount") and fields["amount"] is not None:
            fields["description"] = str(fields["description"] or "") + SPEC[
                "amount_said_line"].format(said=said_of(slots, "amount"))
        if said_of(slots, "period"):
            fields["period"] = SPEC["period_duration_case"].format(said=said_of(slots, "period"))
        case = await register_case(session, openid=openid, fields=fields,
                                   config=self.services.config, rules=self.rules)
        clear_form(state)
        observe_case(case.category, case.severity)
        lead = agency_name(self.services.config, case.lead_agency)
        deadline = local_deadline(case.deadline)
        if fields["needs_callback"]:
            return [text("registered_callback", case_no=case.case_no, lead=lead,
                         phone=mask_phone(fields["phone"]))
                    + SPEC["replies"]["callback_deadline"].format(deadline=deadline)]
        if case.district is None:
            return [text("registered_outside", case_no=case.case_no, lead=lead,
                         place=case.jurisdiction or "—")]
        return [text("registered", case_no=case.case_no, lead=lead, deadline=deadline)]

    # --- a complaint right after registering a case ------------------------------------

    async def _related_case(self, session, ctx: Context) -> Case | None:
        """The case just registered, when this complaint seems to continue it: same payer,
        within ``related_case_minutes`` of registration, no other employer or place named
        ("对了，他们也没给我交医保"). None for a payer without cases, without a query."""
        if ctx.snapshot is not None and not ctx.snapshot.cases:
            return None
        nlu = ctx.nlu
        if nlu is None or self._wants_human(ctx) or OTHER_EMPLOYER.search(
                MANDARIN(ctx.text)) or any(e.type == "employer" for e in nlu.entities):
            return None
        since = utcnow() - timedelta(minutes=int(SPEC["related_case_minutes"]))
        if in_session(session):
            with session.no_autoflush:
                case = await session.scalar(
                    select(Case).where(Case.openid == ctx.inbound.openid,
                                       Case.created_at >= since,
                                       Case.status.not_in(CLOSED_STATUSES))
                    .order_by(Case.created_at.desc(), Case.id.desc()).limit(1))
        else:  # a step on the snapshot, as in _open_case_of
            case = next((c for c in await cases_of(self.services.batch, ctx.inbound.openid)
                         if c.created_at >= since and c.status not in CLOSED_STATUSES), None)
        if case is None:
            return None
        places = {e.value for e in nlu.entities if e.type == "district"}
        if places and case.jurisdiction not in places:
            return None
        return case

    async def _offer_related(self, session, state, ctx: Context, case: Case) -> list[str]:
        """A new form that starts with what the case knows (employer, place, name, phone)
        and says so; the payer may instead reply 补充 to add the complaint to that case.
        The form goes on meanwhile, so a payer who means a new case answers as usual."""
        known = {f: getattr(case, f) for f in SPEC["related_case_fields"] if getattr(case, f)}
        state.slots = dict(known)
        replies = await self._fill(session, state, ctx)
        if not (known and state.slots.get("description")):
            return replies
        category = state.slots.get("category")
        if "employer" in known and category and category not in SPEC["employer_categories"]:
            state.slots = {**state.slots, "employer": None}  # "窗口态度差" has no employer
            del known["employer"]
        if not known:
            return replies
        set_pending(state, "related", case.case_no)
        if state.pending.get("duplicate"):
            return replies  # a case of the same category is open: its offer is the question
        values = "，".join(self._value(f, state.slots) for f in known)
        note = text("related_note", case_no=case.case_no, values=values)
        return [note + "\n" + replies[0], *replies[1:]]

    async def _add_to_related(self, session, state, case_no: str) -> list[str] | None:
        """补充: the complaint joins the case just registered instead of becoming a new one;
        None if that case is gone or closed meanwhile (the form goes on)."""
        with session.no_autoflush:
            case = await session.scalar(select(Case).where(
                Case.openid == state.openid, Case.case_no == case_no))
        set_pending(state, "related", None)
        if case is None or case.status in CLOSED_STATUSES:
            return None
        await add_supplement(session, case, summary_for_case(state.slots),
                             actor="payer", config=self.services.config)
        clear_form(state)
        return [text("supplement_added", case_no=case.case_no)]


def summary_for_case(slots: dict) -> str:
    """The supplement's text: a period as the payer said it ("八个月"), never the code (P8M)."""
    parts = [str(slots.get("description") or "")]
    if slots.get("desired_outcome"):
        parts.append(f"{SPEC['field_names']['desired_outcome']}：{slots['desired_outcome']}")
    if said_of(slots, "period"):
        parts.append(f"{SPEC['period_duration_label']}：{said_of(slots, 'period')}")
    elif slots.get("period"):
        parts.append(f"{SPEC['field_names']['period']}：{period_text(slots['period'])}")
    return "\n".join(parts)


async def recent_callback(session, openid: str) -> Case | None:
    """The payer's open call-back case from the last ``callback_repeat_minutes``: asking
    again must not give the liaison a second card for the same call."""
    since = utcnow() - timedelta(minutes=int(SPEC["callback_repeat_minutes"]))
    with session.no_autoflush:  # the caller's pending changes wait for its commit
        return await session.scalar(
            select(Case).where(Case.openid == openid, Case.needs_callback.is_(True),
                               Case.created_at >= since, Case.status.not_in(CLOSED_STATUSES))
            .order_by(Case.created_at.desc(), Case.id.desc()).limit(1))


def agency_name(config, agency: str | None) -> str:
    return agency_names(config.raw).get(agency or "", agency or "")
