"""The intake dialogue loop: keeps the form's state in the database, handles interruptions
(policy questions, cancel, corrections, 转人工, idle drafts) and registers the case.

The form logic itself lives in :mod:`bot.handlers.intake_form` (rasa-sdk); this module
decides *when* to run it and what to say around it. Corrections are in
:mod:`bot.handlers.intake_corrections`, registering the case in
:mod:`bot.handlers.intake_register`. Diagram: ``intake.mmd``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from difflib import SequenceMatcher

from sqlalchemy.exc import IntegrityError

from bot.handlers.answers import (
    AMOUNT_ABOUT,
    AMOUNT_MORE,
    AMOUNT_VAGUE,
    CANCEL_CUE,
    LETTERS,
    MANDARIN,
    META,
    NO_EMPLOYER,
    NUMBER_ENTITIES,
    ORG_SUFFIX,
    OUTCOME,
    PHONE_WORDS,
    PUNCTUATION,
    WISH_TOPIC,
    WISH_VERB,
    alternatives,
    answer_clause,
    ask_only_rest,
    asks_meaning,
    asks_restart,
    asks_why,
    called,
    cancel_answer,
    category_said,
    changed_category,
    confirms,
    count_only,
    dates_spelled,
    english_name,
    english_only,
    facts_beside,
    facts_only,
    festival_period,
    filing_process,
    gives_up_for_a_reason,
    goes_back,
    goes_in_person,
    goes_on,
    is_acknowledgement,
    is_announcement,
    is_filler,
    is_junk,
    is_question,
    is_sigh,
    is_skip,
    is_wait,
    is_wish,
    keeps_answer,
    no_then_rest,
    numbered,
    only_asks,
    people_count,
    pick_number,
    puzzled,
    said_of,
    tells_story,
    thanks_in,
    vague_count,
    without_spans,
    words_beside,
)
from bot.handlers.base import (
    Context,
    Services,
    SessionOnUse,
    in_session,
    queued_messages,
    wake_outbox,
)
from bot.handlers.contacts import contact_numbers
from bot.handlers.intake_corrections import (
    ENTITY_SLOTS,
    NEAR,
    NOTED,
    SLOT_ALIASES,
    SUMMARY_FIELD_IS,
    UNSURE,
    CorrectionsMixin,
)
from bot.handlers.intake_form import (
    NAME_OWN_WORDS,
    PLEA_END,
    RECALLED_NAME,
    UNIT_CODE_LABEL_ONLY,
    ValidateDisputeForm,
    outside_place,
    owner_only_known,
    places_of,
    refuses_name,
    requests_wish,
    run_form,
    tracker_for,
)
from bot.handlers.intake_late_facts import LateFactsMixin
from bot.handlers.intake_message import tracker_message
from bot.handlers.intake_register import (
    OTHER_EMPLOYER,
    RegistrationMixin,
    agency_name,
    recent_callback,
)
from bot.handlers.intake_spec import SPEC
from bot.handlers.open_case import PROGRESS, PROGRESS_KEYWORD
from bot.handlers.policy import (
    RECENT,
    answer_instead_of_filing,
    asks_to_file,
    lean_on,
    names_harm,
    no_grievance,
)
from bot.handlers.progress import progress
from bot.handlers.recent import STORIES, STORY, RecentHint, remember_story
from bot.handlers.relatives import for_other, relative_progress
from bot.handlers.self_fix import self_corrected
from bot.handlers.smalltalk import (
    ANGER,
    BOT_QUESTION,
    asks_for_person,
    office_beside_contributions,
    office_of,
    only_anger,
)
from bot.handlers.unit_codes import UNIT_CODE, code_joined, codes_joined, id_like, misshaped_code
from bot.nlu.entities import id_checksum_ok
from bot.periods import period_text
from bot.privacy import id_numbers_in, mask_id_number, mask_phone, scrub
from bot.store.dialogue import (
    clear_form,
    columns_of,
    detached_state,
    load_state,
    save_state,
    save_state_in,
    set_pending,
    start_form,
    touch,
)
from bot.store.models import utcnow
from bot.texts import text
from bot.word_patterns import one_of, words_regex
from knowledge.followup import ask_after, reading
from routing.notices import named_employer

CANCEL_WORDS = {"取消", "不办了", "不登记了", "算了", "不弄了", "取消登记"}
SUMMARY_VALUES = set(SPEC["summary_value_slots"])
HEADCOUNT_LEADS = words_regex(SPEC["headcount_total_words"])
RETOLD_CLAUSE = re.compile(r"[，,。！!？?；;\s]+")
PLACE_END = re.compile(f"(?:{one_of(SPEC['place_name_ends'])})$")
HUMAN = re.compile(alternatives("human_request_words"))
STORY_QUESTION = re.compile(SPEC["story_question"])
STORY_QUESTION_NOT = re.compile(SPEC["story_question_not"])
HUMAN_MAX_CHARS = 15
PRIVACY_WORRY = re.compile(SPEC["privacy_worry"])
PRIVACY_WORRY_SAID = re.compile(SPEC["privacy_worry_said"])
OWN_NAME_REFUSAL = re.compile(SPEC["own_name_refusal"])
HUMAN_ASIDE = re.compile(alternatives("human_asides"))
CONTACT_ONLY = re.compile(alternatives("human_contact_words", "human_words")
                          + r"|[\s，。！？,.!?:：~～、]")
def _file_request() -> re.Pattern:
    """intake.yaml ``file_request``: asking to file without saying what happened yet."""
    parts = SPEC["file_request"]

    def part(key: str) -> str:
        return f"(?:{one_of(parts[key])})"

    greeting = rf"(?:{part('greetings')}[，,。！!\s]*)?"
    return re.compile(
        rf"^{greeting}(?:{part('leads')}?{part('wants')}?"
        rf"(?:还是)?{part('verbs')}{part('softeners')}?{part('counts')}?"
        rf"{part('objects')}?|{part('haves')}{part('counts')}?{part('objects')}"
        rf"{part('object_wants')}?{part('verbs')}{part('softeners')}?)"
        rf"{part('tails')}?[!！。.~～]*$", re.IGNORECASE)


TRIGGERS = _file_request()
CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff０-９Ａ-Ｚａ-ｚ]")
NOTED_BESIDE = NOTED + ("id_number", "period", "amount")  # said as noted wherever typed
SEVERITY_RANK = {"simple": 0, "general": 1, "major": 2}
SUPPLEMENT_CHOICE = re.compile(SPEC["supplement_choice"])
WHERE = words_regex(SPEC["where_words"])
LATER = words_regex(SPEC["later_words"])
SUMMARY_ASKED_BACK = words_regex(SPEC["summary_question_words"])
HUMAN_NOISE = re.compile(r"[\s，。！？,.!?~～…吧啊呀请]")
REQUIRED = words_regex(SPEC["required_words"])
WHO_COUNTS = re.compile(SPEC["headcount_who_counts"])
REQUIRED_HINT_LEAD = re.compile(rf"^(?:{alternatives('employer_hint_leads')})+")
WRONG_ID = re.compile(SPEC["wrong_id_shape"])
WRONG_ID_LABELLED = re.compile(SPEC["wrong_id_labelled"])
WRONG_ID_DIGITS = re.compile(SPEC["wrong_id_digits"])
WRONG_ID_LABELS = words_regex(SPEC["wrong_id_labels"])
LOOK_UP = words_regex(SPEC["look_up_words"])
LOOK_UP_CUE = words_regex(SPEC["look_up_cues"])
RECALL = words_regex(SPEC["recall_words"])
PAUSE = words_regex(SPEC["pause_words"])
RESTATE_LEAD = words_regex(SPEC["restate_leads"])
HOW_LONG = words_regex(SPEC["how_long_words"])
SUMMARY_ADDITION = re.compile(SPEC["summary_addition"])
ROUGH_NUMBER = re.compile(SPEC["rough_number"])
OFFICES_TOLD = "offices"
"""Key in ``pending`` of the other offices' matters already said during this form."""
PASTE_LABELS = words_regex(SPEC["paste_labels"])
PASTED_VALUES = {"name", "employer", "district", "phone", "id_number", "period", "money"}
CANCELLED = RecentHint("cancelled", SPEC["cancelled_minutes"])  # a marker only, no slots
LEFT_JOB = words_regex(SPEC["cancelled_left_job_words"])
STORY_WORKPLACE = re.compile(SPEC["story_workplace"])
MATTER_HELP = re.compile(SPEC["matter_help"])
FILING_ASK_ALONE = re.compile(SPEC["filing_ask_alone"])
OWNER_SAID = re.compile(f"(?:{SPEC['owner_clue']})[\u4e00-\u9fff]{{0,2}}")
MAJOR_HEADCOUNT = 30
SURE_CHAT = 0.5
MOBILE_RUN = re.compile(r"1[3-9]\d{9}")


def wrong_id_spans(message: str) -> list[tuple[int, int]]:
    """Where an ID number with a wrong check digit or length stands in ``message``."""
    spans = {m.span() for m in WRONG_ID.finditer(message or "") if not id_checksum_ok(m.group())}
    for found in WRONG_ID_LABELLED.finditer(message or ""):
        number = found.group("number")
        if not (len(number) == 18 and id_checksum_ok(number)) and not (
                len(number) == 15 and number.isdigit()) and not MOBILE_RUN.fullmatch(number):
            spans.add(found.span("number"))
    for start, end, digits in id_numbers_in(message):  # typed in groups: 1101 0519 …
        if WRONG_ID_DIGITS.fullmatch(digits) and not id_checksum_ok(digits):
            spans.add((start, end))
    return sorted(spans)


RETRY_LOCKED = object()


def _first_row(ctx: Context) -> dict:
    """The state a payer without a row starts from: what :func:`load_state` would add."""
    return {"openid": ctx.inbound.openid, "slots": {}, "pending": {}, "version": 0}


class IntakeDialogue(CorrectionsMixin, LateFactsMixin, RegistrationMixin):
    def __init__(self, services: Services, rules):
        self.services = services
        self.rules = rules
        self.action = ValidateDisputeForm(places_of(services.config.jurisdictions))
        cases = services.config.raw.get("cases") or {}
        self.idle = timedelta(minutes=int(cases.get("draft_idle_minutes", 30)))
        self.max_age = timedelta(days=int(cases.get("draft_max_age_days", 7)))

    # --- entry points ----------------------------------------------------------------

    async def on_text(self, ctx: Context, start: bool = False) -> list[str] | None:
        """Handle a text inside (or starting) a form; None lets the intent handlers answer."""
        snapshot = ctx.snapshot
        if ctx.inbound.kind == "voice" and not ctx.text:
            return self._unheard(snapshot)
        if snapshot is not None:
            filing = (ctx.nlu is not None and ctx.nlu.intent == "file_dispute"
                      and not no_grievance(ctx))
            reply = ctx.text.strip()
            start = start or (not snapshot.in_form and (
                bool(TRIGGERS.match(reply) or asks_restart(reply))
                or self._opens_with_facts(ctx) or self._refiles(ctx)
                or self._follows_story(ctx) or self._adds_to_story(ctx)
                or self._asks_what_next(ctx)))
            wants_human = self._wants_human(ctx)
            if not (start or snapshot.in_form or filing or wants_human):
                return None
            if filing and not (start or snapshot.in_form or wants_human):
                answered = answer_instead_of_filing(ctx)
                if answered is not None:
                    remember_story(ctx)
                    return answered
            row = snapshot.state if snapshot.state is not None else _first_row(ctx)
            # The answer to "is it the same matter?" too: its step opens its session at the
            # offered case (``_offered_case``) and the state is saved in that transaction.
            replies = await self._step_on_snapshot(ctx, row, start)
            if replies is not RETRY_LOCKED:
                return replies
        for attempt in range(2):
            try:
                async with self.services.sessionmaker() as session:
                    state = await load_state(session, ctx.inbound.openid)
                    replies = await self._step(session, state, ctx, start)
                    if replies is not None:
                        touch(state)
                    queued = queued_messages(session)
                    if replies is None and (state in session.new
                                            or not session.is_modified(state)):
                        await session.rollback()  # nothing to keep: no write, no commit
                    else:
                        if replies is None:
                            state.version = (state.version or 0) + 1
                        await session.commit()
                break
            except IntegrityError:
                if attempt:
                    raise
        if queued:
            wake_outbox(self.services)
        return replies

    def _question_answered_first(self, ctx: Context, replies: list[str]) -> list[str]:
        """"公司说这个月的不给交 合理吗", "扣款失败了 会不会断缴": a story ending in a question
        the knowledge base answers gets the answer before the filing goes on; the filing is
        what the payer came for, the question should not go unanswered."""
        kb = self.services.kb
        clauses = [c for c in RETOLD_CLAUSE.split(ctx.text.strip()) if c]
        asked = clauses[-1:]
        if len(clauses) > 1 and not STORY_QUESTION.search(clauses[-1]) and len(
                LETTERS.findall(clauses[-1])) <= SPEC["story_question_tail_chars"]:
            asked = clauses[-2:]  # "…是不是真的 我都五十多岁了": the question, then a remark
        if (not replies or kb is None or not STORY_QUESTION.search(asked[0] if asked else "")
                or any(STORY_QUESTION_NOT.search(c) for c in asked)):
            return replies
        answer = kb.ask(ctx.text.strip())
        if answer.declined or not answer.answer:
            return replies
        source = f"（依据：{answer.source}）" if answer.source else ""
        return [f"{answer.answer}{source}\n\n{SPEC['replies']['story_question_first']}"
                + replies[0], *replies[1:]]

    @staticmethod
    def _other_office_told(state, ctx: Context, replies: list[str]) -> list[str]:
        """"被辞退了 补偿金没给 社保也欠了半年": the contributions are filed, and the payer is
        told first who handles the other office's part (首问责任制), which the form cannot."""
        key = office_beside_contributions(ctx)
        if key is None or not replies:
            return replies
        set_pending(state, OFFICES_TOLD, [key])
        return [text(f"{key}_beside") + text("office_beside_filing") + "\n" + replies[0],
                *replies[1:]]

    @staticmethod
    def _other_office_mid_form(state, ctx: Context, replies: list[str] | None
                               ) -> list[str] | None:
        """"对了 公司还拖了我俩月工资" said while the form runs: the form reads the message as
        ever (its question goes on), and who handles that part is said first, once a form."""
        key = office_of(ctx.text or "")
        told = list((state.pending or {}).get(OFFICES_TOLD) or [])
        if key is None or key in told or not replies or not state.form:
            return replies
        set_pending(state, OFFICES_TOLD, [*told, key])
        return [text(f"{key}_beside") + text("office_beside_form") + "\n" + replies[0],
                *replies[1:]]

    def _unheard(self, snapshot) -> list[str] | None:
        """A voice message without recognised text during a form: nothing is stored and the
        question is asked again, so the payer knows what to type."""
        row = snapshot.state if snapshot is not None and snapshot.in_form else None
        if row is None:
            return None
        question = self._question(row.get("requested_slot"), dict(row.get("slots") or {}))
        return [text("voice_unrecognised") + "\n" + text("resume_question") + question]

    async def _step_on_snapshot(self, ctx: Context, row: dict, start: bool):
        """The common step, run on the state already read with the snapshot. One that only
        changes the form is saved in the next batch; one that comes to use a session (the
        registration) goes on in it, and the state is saved in its transaction. A save that
        loses a race with another writer returns RETRY_LOCKED: the step runs again on the
        locked row."""
        state = detached_state(row)
        first = ctx.snapshot.state is None  # no row yet: saved by an insert, if still none
        # Changes always assign fresh dicts (JSON columns only notice those), so comparing
        # the column values before and after tells whether anything is left to save.
        read_version, before = state.version, columns_of(state)
        on_use = SessionOnUse(self.services.sessionmaker, ctx.inbound.openid)
        try:
            try:
                replies = await self._step(on_use, state, ctx, start)
            except IntegrityError:
                if on_use.session is None:
                    raise
                return RETRY_LOCKED  # a row another writer inserted first: on the locked row
            # As the session's way: a new row without a reply, or no change, is not kept.
            unchanged = replies is None and (first or columns_of(state) == before)
            if on_use.session is not None:
                return await self._save_in_session(on_use.session, state, replies, unchanged,
                                                   None if first else read_version)
        finally:
            if on_use.session is not None:
                await on_use.session.close()  # rolls back what was not committed
        if unchanged:
            return None
        if replies is not None:
            touch(state)
        else:
            state.version = (read_version or 0) + 1
        if not await save_state(self.services.batch, state, None if first else read_version):
            return RETRY_LOCKED
        return replies

    async def _save_in_session(self, session, state, replies, unchanged, read_version):
        """Commit what the step wrote in its session with the state's compare-and-set; if
        the state changed since the snapshot (or a row was inserted meanwhile), nothing is
        committed and the step runs again on the locked row (RETRY_LOCKED)."""
        if unchanged:
            await session.rollback()  # as the session's way: nothing to keep, no commit
            return None
        if replies is not None:
            touch(state)
        else:
            state.version = (read_version or 0) + 1
        try:
            if not await save_state_in(session, state, read_version, commit=True):
                await session.rollback()
                return RETRY_LOCKED
            queued = queued_messages(session)
            await session.commit()
        except IntegrityError:
            await session.rollback()
            return RETRY_LOCKED
        if queued:
            wake_outbox(self.services)
        return replies

    async def on_image(self, ctx: Context) -> list[str] | None:
        """An image during a form becomes evidence; otherwise None."""
        async with self.services.sessionmaker() as session:
            state = await load_state(session, ctx.inbound.openid)
            if not state.form:
                await session.rollback()
                return None
            slots = dict(state.slots)
            slots["evidence"] = list(slots.get("evidence") or []) + [ctx.inbound.media_id]
            state.slots = slots
            touch(state)
            await session.commit()
        return [text("evidence_added", count=len(slots["evidence"])) + "\n"
                + self._question(state.requested_slot, slots)]

    # --- the state machine -----------------------------------------------------------

    async def _step(self, session, state, ctx: Context, start: bool) -> list[str] | None:
        in_form = bool(state.form) and not start
        replies = await self._step_checked(session, state, ctx, start)
        return self._other_office_mid_form(state, ctx, replies) if in_form else replies

    async def _step_checked(self, session, state, ctx: Context, start: bool
                            ) -> list[str] | None:
        """A mistyped ID number ("身份证4401…1234" with a wrong check digit) is said to look
        wrong and asked for again; the rest of the message is read as usual (李四 beside it is
        the name), and the wrong number is never taken as a period, a name or a story."""
        wrong = wrong_id_spans(ctx.text)
        if not wrong or not state.form and not (start or ctx.nlu is not None
                                                and ctx.nlu.intent == "file_dispute"):
            return await self._step_read(session, state, ctx, start)
        numbers = "、".join(mask_id_number(ctx.text[a:b]) for a, b in wrong)
        notice = SPEC["replies"]["wrong_id"].format(number=numbers)
        asked = state.requested_slot if state.form else None
        if asked not in (None, "description"):
            masked = list(ctx.text)
            for a, b in wrong:
                masked[a:b] = [" "] * (b - a)
            ctx = replace(ctx, text="".join(masked))
            rest = WRONG_ID_LABELS.sub("", PUNCTUATION.sub("", ctx.text))
            if not LETTERS.search(rest):
                return [notice + "\n" + self._question(asked, state.slots)]
        replies = await self._step_read(session, state, ctx, start)
        if not replies:
            return [notice] if replies is not None else None
        return [notice + "\n" + replies[0], *replies[1:]]

    async def _step_read(self, session, state, ctx: Context, start: bool) -> list[str] | None:
        now = utcnow()
        if state.form and state.started_at and now - state.started_at > self.max_age:
            clear_form(state)
        ctx = self._self_corrected(state, ctx)
        intent = ctx.nlu.intent if ctx.nlu else "other"
        if not state.form:
            if self._wants_human(ctx):
                # 找人工 outside a form: the same call-back registration as inside one.
                earlier = await recent_callback(session, ctx.inbound.openid)
                if earlier is not None:
                    return await self._callback_again(session, earlier, ctx.text.strip())
                start_form(state, SPEC["form"])
                state.slots = {"needs_callback": True, "description": ctx.text.strip(),
                               "requested_slot": "phone"}
                state.requested_slot = "phone"
                if self._phone_given(ctx):
                    return await self._fill(session, state, ctx)  # "转人工，打我座机020-…"
                return [text("handoff_need_phone")]
            if not (start or intent == "file_dispute"):
                return None
            start_form(state, SPEC["form"])
            if self._refiles(ctx):
                CANCELLED.put(ctx, None)
                state.requested_slot = "description"
                state.slots = {"requested_slot": "description"}
                return [SPEC["replies"]["refile_after_cancel"]]
            if (TRIGGERS.match(ctx.text.strip()) or asks_restart(ctx.text)
                    or not ctx.text.strip() or self._bare_request(ctx)):
                state.requested_slot = "description"
                state.slots = {"requested_slot": "description"}
                story = None if asks_restart(ctx.text) else self._recent_story(ctx)
                if story is None:
                    return [text("intake_start")]
                return await self._with_story(session, state, story, None)
            related = await self._related_case(session, ctx)
            if related is not None:
                return await self._offer_related(session, state, ctx, related)
            if self._asks_what_next(ctx):
                story = self._recent_story(ctx)
                if story is not None:
                    replies = await self._with_story(session, state, story, None)
                    return [SPEC["replies"]["what_next_after_story"] + "\n" + replies[0],
                            *replies[1:]]
            if (facts_only(ctx.text, tracker_message(ctx)["entities"])
                    or self._follows_story(ctx) or self._adds_to_story(ctx)):
                story = self._recent_story(ctx)
                if story is not None:
                    return await self._with_story(session, state, story, ctx)
            replies = self._other_office_told(state, ctx, await self._fill(session, state, ctx))
            return replies if OFFICES_TOLD in (state.pending or {}) else (
                self._question_answered_first(ctx, replies))

        joined = codes_joined(ctx.text)
        if joined is not None:  # "9144 0183 MA5C XXXX 1X": the unit's code, read as one
            parser = self.services.parser
            ctx = replace(ctx, text=joined, nlu=parser.parse(joined) if parser else ctx.nlu)
        pending = dict(state.pending or {})
        spelled = dates_spelled(ctx.text) if pending.get("confirm") else None
        if spelled is not None and state.requested_slot is None:  # "时间是2023.5到现在"
            parser = self.services.parser
            ctx = replace(ctx, text=spelled, nlu=parser.parse(spelled) if parser else ctx.nlu)
        reply = ctx.text.strip()
        if state.updated_at and now - state.updated_at > self.idle and "idle" not in pending:
            if self._goes_on(reply):  # back next day with "继续吧"
                return [SPEC["replies"]["go_on"] + text("resume_question")
                        + self._question(state.requested_slot, state.slots)]
            if self._asks_where(reply):
                return [self._where(state)]  # "我昨天说到哪了"
            if not self._answers_pending(ctx, state.requested_slot):
                set_pending(state, "idle", True)
                return [text("idle_resume", summary=self._short(state.slots))]
        if pending.get("idle"):
            set_pending(state, "idle", None)
            if reply in ("2", "重新开始", "重新", "重来"):
                clear_form(state)
                start_form(state, SPEC["form"])
                state.slots = {"requested_slot": "description"}
                return [text("draft_restart") + text("intake_start")]
            if self._goes_on(reply):
                return [self._question(state.requested_slot, state.slots)]
        if state.requested_slot is not None and self._pauses(ctx, state.requested_slot):
            set_pending(state, "cancel", None)
            field = {**SPEC["field_names"], **SPEC["pause_field_names"]}[state.requested_slot]
            return [SPEC["replies"]["paused"].format(days=self.max_age.days, field=field)]
        kept = self._kept_with_answer(state, ctx) if pending.get("cancel") else None
        if kept is not None:  # "不对 还是要弄 单位叫丰华物流": going on, the rest answers
            set_pending(state, "cancel", None)
            ctx, reply = kept, kept.text
        elif pending.get("cancel"):
            answered = self._cancel_answer(state, ctx)
            if answered is not None:
                return answered
        unit_chosen = self._unit_replaced_answer(state, reply)
        if unit_chosen is not None:  # "还是原来那个" just after "单位已改为…"
            return unit_chosen
        parser = self.services.parser
        act, act_confidence = parser.dialogue_act(reply) if parser else ("other", 0.0)
        if self._worries_about_privacy(state, ctx):
            if CANCEL_CUE.search(MANDARIN(reply)):  # "算了 我怕被老板知道": the choice to go on
                set_pending(state, "cancel", True)
                return [self._privacy_answer() + "\n\n" + text("cancel_confirm")]
            return [self._privacy_answer() + "\n\n" + text("resume_question")
                    + self._question(state.requested_slot, state.slots)]
        if (state.requested_slot not in (None, "description", "name") and not state.slots.get("name")
                and OWN_NAME_REFUSAL.search(MANDARIN(reply))):  # "那我不留名字可以吗" at the unit
            return [SPEC["replies"]["name_refused_before"] + "\n\n" + text("resume_question")
                    + self._question(state.requested_slot, state.slots)]
        if for_other(ctx.text):  # "帮我妈查一下进度", "我同事让我问问他的事": never a value
            answer = await relative_progress(ctx, session, in_form=True)
            return ["\n\n".join(answer + [text("resume_question")
                                            + self._question(state.requested_slot, state.slots)])]
        explained = self._code_explained(state, reply)
        if explained is not None:  # "什么叫统一社会信用代码?"
            return explained
        total = self._late_total(state, reply) if not pending.get("which") else None
        if total is not None:  # "三个 加上我四个" after the count was taken: the new count
            return await self._take_total(session, state, ctx, *total, start)
        if pending.get("confirm"):
            coded = await self._code_beside_change(session, state, ctx, start)
            if coded is not None:  # "信用代码9144… 单位名称改成…": both
                return coded
        fixing = self._fields_said_right_dropped(ctx)
        correction = self._find_correction(state, fixing, act, act_confidence)
        denied = self._employer_denied(state, ctx) if correction is None else None
        if denied:
            return denied
        if correction is None and not pending.get("confirm"):
            fixed = await self._previous_fixed(state, ctx)
            if fixed is not None and fixed[0] == state.requested_slot:
                return await self._fill(session, state, fixed[1])
            if fixed is not None:
                return await self._apply_correction(session, state, ctx, *fixed)
        if pending.get("back") and correction is None and keeps_answer(reply):
            return self._back_kept(state)
        if correction is None and goes_back(reply):
            return self._go_back(state)
        if correction is None and asks_restart(reply):
            clear_form(state)
            start_form(state, SPEC["form"])
            state.requested_slot = "description"
            state.slots = {"requested_slot": "description"}
            return [text("draft_restart") + text("intake_start")]
        skipped = (correction is None and state.requested_slot == "extras" and is_skip(reply))
        if correction is None and not skipped and (reply in CANCEL_WORDS or (
                CANCEL_CUE.search(reply) and (intent == "cancel" or len(reply) <= 10)
                and not (act == "correct" and act_confidence >= SPEC["cancel_correct_confidence"])
                and not self._sighs_beside_an_answer(reply))
                or goes_in_person(reply) or gives_up_for_a_reason(reply)):
            set_pending(state, "cancel", True)
            if PRIVACY_WORRY.search(MANDARIN(reply)):  # "算了 不登记了 怕老板知道": say it is kept secret
                return [self._privacy_answer() + "\n\n" + text("cancel_confirm")]
            return [text("cancel_confirm")]
        if correction is None and self._only_asks(reply):
            set_pending(state, "cancel", True)
            answer = self._kb_answer(ask_only_rest(reply))
            return [answer + "\n\n" + text("cancel_confirm") if answer else text("cancel_confirm")]
        if pending.get("duplicate") and correction is None:
            answered = await self._duplicate_answer(session, state, reply)
            if answered is not None:
                return answered
        if pending.get("related") and correction is None and SUPPLEMENT_CHOICE.match(
                PUNCTUATION.sub("", MANDARIN(reply))):
            added = await self._add_to_related(session, state, pending["related"])
            if added is not None:
                return added
        if pending.get("which"):
            choices = pending["which"]
            picked = pick_number(reply, len(choices))
            if picked is None and parser is not None:
                named = SLOT_ALIASES.get(parser.correction_slot(reply) or "",
                                         parser.correction_slot(reply))
                picked = choices.index(named) if named in choices else None
            set_pending(state, "which", None)
            if correction is not None and correction[0]:  # "电话改成137…": the new value too
                return await self._apply_correction(session, state, fixing, *correction)
            if picked is not None:
                return self._reask(state, choices[picked])
        if skipped:
            return await self._fill(session, state, ctx)
        if correction is None and self._asks_where(reply):
            return [self._where(state)]
        if self._asks_if_bot(reply):
            return [SPEC["replies"]["bot_in_form"] + "\n" + text("resume_question")
                    + self._question(state.requested_slot, state.slots)]
        if HUMAN.search(reply) or self._human_word(reply) or asks_for_person(reply, ctx.nlu):
            state.slots = {**state.slots, "needs_callback": True}
            if not state.slots.get("description"):
                state.slots = {**state.slots, "description": reply}
            if not state.slots.get("phone"):
                state.slots = {**state.slots, "requested_slot": "phone"}
                state.requested_slot = "phone"
                return [text("handoff_need_phone")]
            return await self._finish(session, state, ctx.inbound.openid)
        coded = self._code_at_summary(state, reply) if pending.get("confirm") else None
        if coded is not None:
            return coded
        if pending.get("confirm") and (correction is None or not correction[0]):
            changed = self._recategorised(state, reply)  # "其实是交少了 按最低档交的": no "yes"
            if changed:
                self._append_description(state, reply)
                return [text("details_added") + changed + "\n" + self._summary(state.slots)]
        if correction is not None and not correction[0]:
            fields = [s for s in self.action.ask_order(tracker_for(state.openid, state.slots, {}))
                      if s != "extras" and state.slots.get(s) is not None]
            if fields:
                set_pending(state, "which", fields)
                names = [SPEC["field_names"][f] for f in fields]
                return [text("which_field", choices=numbered(names))]
            correction = None
        if correction is not None:
            several = await self._several_fixes(session, state, fixing) if pending.get(
                "confirm") else None
            return several or await self._apply_correction(session, state, fixing, *correction)

        if pending.get("confirm") and self._looks_up(reply):
            return [SPEC["replies"]["wait_summary"]]  # "等一下 我问问我老公": no detail, no yes
        if pending.get("confirm") and self._adds_at_summary(ctx):
            self._append_description(state, reply)
            self._more_people(state, ctx)
            changed = self._recategorised(state, reply)
            return [text("details_added") + changed + "\n" + self._summary(state.slots)]
        if pending.get("confirm"):
            retold = self._changed_in_retelling(state, ctx)
            if retold:  # the whole story again with one fact changed: that fact is the fix
                self._clear(state, retold)
                return await self._apply_correction(session, state, ctx, retold[0], ctx)
            typed = self._values_at_summary(state, ctx)
            if typed:
                self._clear(state, typed)
                return await self._apply_correction(session, state, ctx, typed[0],
                                                    self._typed_value(ctx, typed))
            if LATER.search(PUNCTUATION.sub("", MANDARIN(reply))) or self._pauses(ctx):
                return [SPEC["replies"]["later"].format(days=self.max_age.days)]
            if not confirms(reply) and SUMMARY_ASKED_BACK.search(reply):
                return [SPEC["replies"]["summary_asked_back"]]
            if act == "affirm" or confirms(reply):
                set_pending(state, "confirm", None)
                return await self._finish(session, state, ctx.inbound.openid)
            if act == "deny" and act_confidence >= 0.8:
                fields = [s for s in self.action.ask_order(tracker_for(state.openid, state.slots, {}))
                          if s != "extras"]
                set_pending(state, "which", fields)
                names = [SPEC["field_names"][f] for f in fields]
                return [text("which_field", choices=numbered(names))]
        asked = state.requested_slot
        if goes_on(reply) or TRIGGERS.match(reply):
            return [SPEC["replies"]["go_on"] + text("resume_question")
                    + self._question(asked, state.slots)]
        if asked is not None and self._looks_up(reply):
            return [SPEC["replies"]["wait"]]
        if asked in SPEC["required_help"] and self._asks_if_required(reply):
            rest = self._answer_beside_required(reply)
            if rest:  # "要写全称吗 我只知道叫宏达": asked, and answered in the same breath
                return await self._fill(session, state, replace(
                    ctx, text=rest, nlu=parser.parse(rest) if parser else None))
            return [SPEC["required_help"][asked] + "\n" + self._question(asked, state.slots)]
        if asked not in (None, "description", "desired_outcome") and asks_why(reply):
            return [self._why(asked) + "\n" + self._question(asked, state.slots)]
        if asked is not None and asks_meaning(reply):
            return [self._meaning(asked) + "\n" + self._question(asked, state.slots)]
        if asked == "phone" and self._asks_about_the_phone(reply):
            return [self._why(asked) + "\n" + self._question(asked, state.slots)]
        if asked == "name" and self._asks_about_the_phone(reply) and not NAME_OWN_WORDS.search(
                reply):  # "手机号可以不给吗" before the phone is asked
            return [SPEC["replies"]["phone_refused_at_name"] + "\n"
                    + self._question(asked, state.slots)]
        if asked == "headcount" and self._who_counts(reply):
            return [SPEC["replies"]["headcount_who_counts"] + "\n"
                    + self._question(asked, state.slots)]
        if asked == "headcount" and self._vague_count(reply):
            return [SPEC["replies"]["headcount_estimate"] + "\n"
                    + self._question(asked, state.slots)]
        if asked == "employer" and self._unsure_of_employer(reply):
            if pending.get("employer_unsure"):  # unsure again: no name to give, no loop
                set_pending(state, "employer_unsure", None)
                none = SPEC["employer_unsure_taken"]
                return await self._fill(session, state, replace(
                    ctx, text=none, nlu=parser.parse(none) if parser else None))
            set_pending(state, "employer_unsure", True)
            return [SPEC["replies"]["employer_unsure"] + "\n" + self._question(asked, state.slots)]
        if asked == "desired_outcome" and self._unsure_of_wish(reply):
            if pending.get("wish_unsure"):  # unsure again: no particular wish, no loop
                set_pending(state, "wish_unsure", None)
                none = SPEC["wish_unsure_taken"]
                return await self._fill(session, state, replace(
                    ctx, text=none, nlu=parser.parse(none) if parser else None))
            set_pending(state, "wish_unsure", True)
            return [SPEC["replies"]["wish_unsure"] + "\n" + self._question(asked, state.slots)]
        if puzzled(reply):
            help_ = self._meaning(asked) + "\n" if asked is not None else ""
            return [help_ + self._question(asked, state.slots)]  # "？？？": what is asked
        if self._what_to_do(reply):
            return [SPEC["replies"]["what_to_do_in_form"] + "\n" + text("resume_question")
                    + self._question(asked, state.slots)]
        about_filing = filing_process(reply)
        if about_filing is not None:
            return [self._about_filing(state, reply, about_filing) + "\n" + text(
                "resume_question") + self._question(asked, state.slots)]
        if only_anger(ctx):
            if asked == "description" and not self._angry_story(reply):
                return [text("anger_description")]
            if asked != "description":
                return [text("anger_in_form") + "\n" + text("resume_question")
                        + self._question(asked, state.slots)]
        interruption = await self._interruption(session, ctx, state, act, act_confidence)
        if interruption is not None:
            return interruption
        if is_junk(reply):
            return [text("junk") + "\n" + text("resume_question")
                    + self._question(asked, state.slots)]
        if pending.get("more"):
            set_pending(state, "more", None)
            if self._tells_more(ctx, act):
                return self._add_details(state, reply)
        if is_announcement(reply):
            set_pending(state, "more", True)
            return [text("more_to_say")]
        if is_wait(reply) and asked is not None:
            return [SPEC["replies"]["wait"]]
        surname_will_do = (asked == "name" and bool(state.slots.get("name_surname"))
                           and PUNCTUATION.sub("", reply) in SPEC["confirm_words"])
        if is_acknowledgement(reply) and not pending.get("confirm") and not surname_will_do:
            polite = SPEC["replies"]["ack_thanks" if thanks_in(reply) else "ack"]
            return [polite + text("resume_question") + self._question(asked, state.slots)]
        if self._not_an_answer(ctx, act) and not surname_will_do:  # "确认" takes the surname
            return [text("resume_question") + self._question(asked, state.slots)]
        if self._english_unread(ctx, asked):
            return [SPEC["english_reask"] + "\n" + self._question(asked, state.slots)]
        again = self._sent_again(state, reply)
        if again is not None:
            return [again + "\n" + self._question(asked, state.slots)]
        before = dict(state.slots)
        restated = self._restated(state, ctx)
        self._clear(state, restated)
        replies = await self._fill(session, state, ctx)
        kept = {slot: before[slot] for slot in restated if state.slots.get(slot) is None}
        state.slots = {**state.slots, **kept}  # a new value the form rejects loses no old one
        if pending.get("confirm") and state.requested_slot is None:
            retold = self._retold_facts(state, ctx)
            if retold:  # the story again, with more in it: the more joins the description
                self._append_description(state, retold)
                return [text("details_added") + "\n" + self._summary(state.slots)]
        if pending.get("confirm") and state.slots == {**before, "requested_slot": None}:
            more = self._tells_more(ctx, act)
            changed = self._recategorised(state, reply) if more else ""  # "其实是多交了 要退费"
            if changed or more and not is_wish(reply):
                self._append_description(state, reply)  # "而且还扣了押金不退": nothing is lost
                return [text("details_added") + changed + "\n" + self._summary(state.slots)]
            return [text("confirm_hint")]
        if self._story_unheard(state, ctx, act, asked, before, replies):
            return self._add_details(state, reply)
        noted = self._said_again(state, reply, asked, replies)
        if noted:
            return [noted + "\n" + replies[0], *replies[1:]]
        beside = self._answer_beside(state, ctx, asked)
        return [beside + "\n" + replies[0], *replies[1:]] if beside and replies else replies

    def _code_at_summary(self, state, reply: str) -> list[str] | None:
        """"信用代码9144 0183 MA5C XXXX 1X" at the summary: the code joins the unit (or is the
        unit when none was named) and the summary is shown again; a labelled code of another
        length than 18 is sent back to be checked, the unit unchanged."""
        found = UNIT_CODE.search(reply)
        if found is not None and not (id_like(found.group(0))
                                      and not UNIT_CODE_LABEL_ONLY.search(reply)):
            employer = code_joined(state.slots.get("employer"), found.group(0).upper())
            state.slots = {**state.slots, "employer": employer}
            return [SPEC["replies"]["unit_code_joined"].format(employer=employer) + "\n"
                    + self._summary(state.slots)]
        misshaped = misshaped_code(reply) if found is None else None
        if misshaped:
            return [SPEC["replies"]["unit_code_misshaped"].format(length=len(misshaped))
                    + "\n" + self._summary(state.slots)]  # never echoed: it may be an ID
        return None

    async def _duplicate_offer(self, session, state, ctx: Context,
                               before: dict) -> list[str] | None:
        """The category just became known mid-form and a case of it is open ("还是那个社保
        没交的事"): the supplement is offered now, not after every question again; not for
        another employer ("另外一家华新建材厂也没交")."""
        category = state.slots.get("category")
        if (state.requested_slot is None or not category or before.get("category") == category
                or (state.pending or {}).get("duplicate_checked")
                or state.slots.get("needs_callback") or OTHER_EMPLOYER.search(ctx.text)):
            return None
        existing = await self._open_case_of(session, state.openid, category)
        employer, known = state.slots.get("employer"), named_employer(
            existing.employer if existing is not None else None)
        if existing is None or employer and known and not any(
                employer[i:i + 2] in known for i in range(len(employer) - 1)):
            return None  # "宏达厂" is 广州宏达电子厂; "华新建材厂" another employer
        set_pending(state, "duplicate", existing.case_no)
        return [self._duplicate_question(existing)]

    def _sent_again(self, state, reply: str) -> str | None:
        """"李四" sent twice (pasted again, or the first send seemed lost): the second is the
        answer just taken, not an answer to the next question, and is said as already noted."""
        last = (state.pending or {}).get("answered")
        if last is None or last == state.requested_slot or state.slots.get(last) is None:
            return None
        if PUNCTUATION.sub("", reply) != PUNCTUATION.sub("", str(state.slots[last])):
            return None
        item = f"{SPEC['field_names'][last]}：{self._value(last, state.slots)}"
        return SPEC["replies"]["already_noted"].format(item=item)

    def _story_unheard(self, state, ctx: Context, act: str, asked: str | None, before: dict,
                       replies: list[str]) -> bool:
        """An elderly payer's story told at another question ("反正就是厂里没给我交，老板每次都说
        交了交了" where the name is asked): the form took nothing from it and said nothing about
        it, so it joins the description instead of being met with the bare question again."""
        fields = SPEC["slots"] + SPEC["optional_slots"]
        return (asked not in (None, "description", "extras")
                and all(state.slots.get(k) == before.get(k) for k in fields)
                and replies == [self._question(asked, state.slots)]
                and (len(LETTERS.findall(ctx.text)) >= SPEC["story_beside_min_chars"]
                     and bool(STORY.search(MANDARIN(ctx.text))) or tells_story(ctx.text)
                     and ctx.text.strip() not in str(state.slots.get("description") or ""))
                and self._tells_more(ctx, act))

    def _said_again(self, state, reply: str, asked: str | None, replies: list[str]) -> str:
        """"兴旺五金厂" where the name is asked, the unit already being 兴旺五金厂: the form took
        nothing new and would only ask again, so it says where that answer already is."""
        if asked in (None, "description", "extras") or replies != [self._question(
                asked, state.slots)]:
            return ""
        plain = PUNCTUATION.sub("", reply)
        slot = next((k for k in SPEC["restate_slots"] if k != asked and plain
                     and PUNCTUATION.sub("", str(state.slots.get(k) or "")) == plain), None)
        if slot is None:
            return ""
        return SPEC["replies"]["said_again"].format(value=reply.strip()[:30],
                                                    field=SPEC["field_names"][slot])

    def _kept_with_answer(self, state, ctx: Context) -> Context | None:
        """The message after "不对 还是要弄" at the cancel question, when it names what the
        form's question asks (a value the parser finds, a unit called by its name); None at
        the summary, whose answers are no values, and for anything else."""
        rest = no_then_rest(ctx.text.strip())
        parser = self.services.parser
        if not rest or parser is None or state.requested_slot is None:
            return None
        nlu = parser.parse(rest)
        if any(e.type in ENTITY_SLOTS for e in nlu.entities) or called(rest):
            return replace(ctx, text=rest, nlu=nlu)
        return None

    def _cancel_answer(self, state, ctx: Context) -> list[str] | None:
        """The reply to "确定要取消这次登记吗？": a clear yes cancels (with the answer to a
        question beside "我就问问"), a clear no goes on; a question is answered and the cancel
        question asked again, as is anything unclear. None: the reply carries form values
        (a phone, a place), so the payer goes on and the form takes them."""
        reply = ctx.text.strip()
        answer = cancel_answer(reply)
        if answer == "yes" or only_asks(reply) and answer is None:
            if LEFT_JOB.search(MANDARIN(str(state.slots.get("description") or ""))):
                lean_on(ctx, SPEC["cancelled_left_job_topic"])  # then "那我以后自己怎么交"
            clear_form(state)
            CANCELLED.put(ctx, "1")
            rest = ask_only_rest(reply) if only_asks(reply) else ""
            told = self._kb_answer(rest) if rest else None
            return [text("cancelled") + ("\n\n" + told if told else "")]
        rest = no_then_rest(reply) if answer is None else None
        if rest and PRIVACY_WORRY.search(MANDARIN(rest)):  # "那还是登记吧 你们保密就行"
            set_pending(state, "cancel", None)
            return [self._privacy_answer() + "\n\n" + text("cancel_kept") + "\n"
                    + self._question(state.requested_slot, state.slots)]
        if answer == "no" or ctx.nlu is not None and any(
                e.type in ENTITY_SLOTS for e in ctx.nlu.entities):
            set_pending(state, "cancel", None)
            if answer is None:
                return None
            return [text("cancel_kept") + "\n" + self._question(state.requested_slot, state.slots)]
        parser = self.services.parser
        told = (self._kb_answer(reply, SPEC["details_min_chars"])
                if parser is not None and parser.is_question(reply) else None)
        again = SPEC["replies"]["cancel_again"]
        return [told + "\n\n" + again if told else again]

    @staticmethod
    def _refiles(ctx: Context) -> bool:
        """"还是弄吧" just after cancelling: the payer wants to file after all."""
        in_form = ctx.snapshot is not None and ctx.snapshot.in_form
        return not in_form and goes_on(ctx.text) and CANCELLED.get(ctx) is not None

    @staticmethod
    def _pauses(ctx: Context, asked: str | None = None) -> bool:
        """"我先不弄了，明天再继续", "先这样吧，回头再说": the payer stops for now; the draft is
        kept, not offered for deletion nor read as a place or a name. At the optional
        question "先不填了" skips it."""
        plain = PUNCTUATION.sub("", MANDARIN(ctx.text or ""))
        if asked == "extras" and is_skip(plain.replace("先", "", 1)) or (
                asked in ("description", None) and STORY.search(plain)):
            return False
        values = ctx.nlu is not None and any(e.type in ENTITY_SLOTS for e in ctx.nlu.entities)
        return (bool(PAUSE.search(plain)) and not values
                and len(LETTERS.findall(plain)) <= SPEC["pause_max_chars"])

    @staticmethod
    def _looks_up(reply: str) -> bool:
        """"等一下我问问我老婆公司叫啥": the payer goes to find the answer; nothing said yet."""
        plain = PUNCTUATION.sub("", MANDARIN(reply))
        return (bool(LOOK_UP.search(plain)) and bool(LOOK_UP_CUE.search(plain))
                and len(LETTERS.findall(plain)) <= SPEC["look_up_max_chars"])

    @staticmethod
    def _asks_if_required(reply: str) -> bool:
        """"这个必须填吗", "可以不填吗": whether the question asked may be left out."""
        plain = PUNCTUATION.sub("", MANDARIN(reply))
        return (bool(REQUIRED.search(plain))
                and len(LETTERS.findall(plain)) <= SPEC["required_max_chars"])

    @staticmethod
    def _answer_beside_required(reply: str) -> str | None:
        """The clauses beside "要写全称吗" that answer the question ("我只知道叫宏达" → "叫宏达");
        None when nothing is beside it, or only 不知道 or another question."""
        clauses = [c for c in re.split(r"[，,。！!？?；;\s]+", reply or "") if c.strip()]
        rest = "，".join(c for c in clauses if not REQUIRED.search(MANDARIN(c)))
        rest = REQUIRED_HINT_LEAD.sub("", rest).strip("，")
        if not LETTERS.search(rest) or UNSURE.search(rest) or is_question(rest) or is_filler(rest):
            return None
        return rest

    @staticmethod
    def _sighs_beside_an_answer(reply: str) -> bool:
        """"算了，就我一个", "新塘镇，算了": a sigh beside an answer, no wish to cancel."""
        clauses = [c for c in re.split(r"[，,。！!？?；;\s]", MANDARIN(reply)) if c.strip()]
        rest = "".join(c for c in clauses if not is_sigh(c))
        return len(LETTERS.findall(rest)) >= 2 and not CANCEL_CUE.search(rest)

    @staticmethod
    def _goes_on(reply: str) -> bool:
        """"1" / "继续填写" of the continue-or-restart prompt, or "继续吧", "接着填"."""
        return reply in ("1", "继续填写") or goes_on(reply)

    @staticmethod
    def _asks_if_bot(reply: str) -> bool:
        """"你是真人吗", "是不是机器人在回复啊": who answers here; never a call-back request."""
        return (bool(BOT_QUESTION.search(reply))
                and len(LETTERS.findall(reply)) <= SPEC["bot_question_max_chars"])

    def _about_filing(self, state, reply: str, kind: str) -> str:
        """How long: the time limit comes with the case number. Who handles it: the agencies
        the routing rules give the category so far. What filing costs: no fact here says, so
        the question is noted for the liaison to answer."""
        replies = SPEC["replies"]
        if kind in ("how_long", "hurry"):
            return replies[kind]
        if kind == "who":
            return self._who_handles(state.slots)
        question = PUNCTUATION.sub("", reply)
        self._append_description(state, replies["question_noted_line"].format(question=question))
        return replies["question_noted"].format(question=question)

    def _who_handles(self, slots: dict) -> str:
        replies = SPEC["replies"]
        if not slots.get("category"):
            return replies["who_handles_later"]
        lead, co = self.rules.agencies(
            slots["category"], slots.get("severity") or "general",
            text=str(slots.get("description") or ""))
        names = [agency_name(self.services.config, a) for a in co]
        return replies["who_handles"].format(
            lead=agency_name(self.services.config, lead),
            co=replies["who_handles_co"].format(agencies="、".join(names)) if names else "")

    @staticmethod
    def _append_description(state, line: str) -> None:
        slots = dict(state.slots)
        current = str(slots.get("description") or "").rstrip("。；;，, ")
        slots["description"] = f"{current}；{line}" if current else line
        state.slots = slots

    def _kb_answer(self, question: str, decline_min_chars: int = 0) -> str | None:
        """The knowledge base's reply to ``question``, as mid-form; its decline only for a
        question of at least ``decline_min_chars`` characters ("啥意思" asks about the
        cancel question, not the knowledge base)."""
        if not question or not self.services.kb:
            return None
        if HOW_LONG.search(question):
            return SPEC["replies"]["how_long"]
        answer = self.services.kb.ask(question)
        if answer.declined and len(LETTERS.findall(question)) < decline_min_chars:
            return None
        return answer.reply_text()

    def _only_asks(self, reply: str) -> bool:
        """"先不投诉了，我就咨询一下", "我就问问 医保断交了怎么补": no case wanted; a story
        that merely says 不想投诉 beside what happened is not this."""
        if not only_asks(reply) or goes_on(reply):
            return False
        rest = ask_only_rest(reply)
        parser = self.services.parser
        return not rest or parser is not None and parser.is_question(rest)

    def _adds_at_summary(self, ctx: Context) -> bool:
        """"对了还有 单位也没交医保", "哦对了 厂里好几个同事也是这样": more of the matter told at
        the summary, which joins the description and is shown before it is confirmed; never a
        "yes" (对了) nor a field's new value. When and how much stay in the words."""
        reply = ctx.text.strip()
        cue = SUMMARY_ADDITION.search(reply)
        if cue is None or SUMMARY_FIELD_IS.match(reply):
            return False  # "还有人数是两个": a field's new value
        rest = reply[cue.end():]
        kinds = {e.type for e in ctx.nlu.entities} if ctx.nlu is not None else set()
        return (len(LETTERS.findall(rest)) >= SPEC["details_min_chars"]
                and not kinds - {"money", "period", "headcount"} and not is_wish(rest)
                and not (self.services.parser is not None and self._asks(rest)))

    @staticmethod
    def _more_people(state, ctx: Context) -> None:
        """"对了 我们厂一百多个人都没交" added at the summary: the larger count is taken and the
        severity follows, since how many are affected decides how the case is handled."""
        counts = [e.value for e in ctx.nlu.entities if e.type == "headcount"] if ctx.nlu else []
        try:
            known = int(state.slots.get("headcount") or 0)
        except (TypeError, ValueError):
            known = 0
        larger = [c for c in counts if isinstance(c, int) and c > known]
        slots = {**state.slots, "headcount": max(larger)} if larger else dict(state.slots)
        IntakeDialogue._merge_severity(slots, ctx.nlu)
        state.slots = slots

    @staticmethod
    def _changed_in_retelling(state, ctx: Context) -> list[str]:
        """The story sent again at the summary ("宏达电子厂没交社保 在石滩镇 我叫李四 电话…"): of
        the retold_fact_slots it names, some as filled and some changed; the changed ones."""
        if ctx.nlu is None:
            return []
        values = {ENTITY_SLOTS.get(e.type): str(e.value) for e in ctx.nlu.entities
                  if ENTITY_SLOTS.get(e.type) in SPEC["retold_fact_slots"]}
        filled = {slot: value for slot, value in values.items() if state.slots.get(slot)}
        changed = [slot for slot, value in filled.items() if str(state.slots[slot]) != value]
        if not changed:
            return []
        if len(filled) - len(changed) >= SPEC["retold_same_min"]:
            return changed
        description = PUNCTUATION.sub("", str(state.slots.get("description") or ""))
        plain = PUNCTUATION.sub("", ctx.text)  # "我在石滩镇宏达电子厂上班…": the story itself again
        shared = SequenceMatcher(None, description, plain).find_longest_match(
            0, len(description), 0, len(plain)).size
        return changed if description and shared >= SPEC["retold_min_shared"] else []

    def _values_at_summary(self, state, ctx: Context) -> list[str]:
        """The fields a message at the summary is only new values of ("2023年1月到现在",
        "5000元", "13700001111", "5个人", "2022年3月到5月，每月800元"): recognisable without
        naming the field. One field, or the optional ones together."""
        nlu = ctx.nlu
        if nlu is None or not nlu.entities:
            return []
        values = {ENTITY_SLOTS.get(e.type): e.value for e in reversed(nlu.entities)}
        if not set(values) <= SUMMARY_VALUES or len(values) > 1 and not set(values) <= set(
                SPEC["optional_slots"]):
            return []
        rest = words_beside(ctx.text, tracker_message(ctx)["entities"])
        if set(values) == {"headcount"}:
            rest = HEADCOUNT_LEADS.sub("", rest)  # "不止我一个 加上我一共6个人"
        if len(LETTERS.findall(rest)) > 2 or STORY.search(rest):
            return []  # "还有，公司2023年开始就没交了" tells more of the matter
        if all(str(state.slots.get(slot)) == str(value) for slot, value in values.items()):
            return []
        return list(values)

    @staticmethod
    def _retold_facts(state, ctx: Context) -> str | None:
        """"就是公司一直没给我交社保，从去年三月开始的，问了人事也不理" at the summary: the story
        told again (sharing retold_min_shared characters in a row with the description), and
        the clauses of it not yet in the description, when they tell more of the matter."""
        description = str(state.slots.get("description") or "")
        plain = PUNCTUATION.sub("", ctx.text)
        if not description or not plain:
            return None
        shared = SequenceMatcher(None, description, plain).find_longest_match(
            0, len(description), 0, len(plain)).size
        if shared < min(len(PUNCTUATION.sub("", description)), SPEC["retold_min_shared"]):
            return None
        new = []
        for clause in filter(None, RETOLD_CLAUSE.split(ctx.text)):
            said = PUNCTUATION.sub("", clause)
            known = SequenceMatcher(None, description, said).find_longest_match(
                0, len(description), 0, len(said)).size
            if said and known < len(said) * SPEC["retold_known_share"]:
                new.append(clause)
        facts = facts_beside("，".join(new), [], {}, description) if new else None
        return facts if facts and facts not in description else None

    def _typed_value(self, ctx: Context, typed: list[str]) -> Context:
        """The new headcount alone ("6个人" of "不止我一个 加上我一共6个人"), so the words leading
        to it are not read as a second count; other values go to the form as typed."""
        found = [e for e in ctx.nlu.entities if e.type == "headcount"] if ctx.nlu else []
        if typed != ["headcount"] or len(found) != 1 or self.services.parser is None:
            return ctx
        said = ctx.text[found[0].start:found[0].end]
        return replace(ctx, text=said, nlu=self.services.parser.parse(said))

    def _answer_beside(self, state, ctx: Context, asked: str | None) -> str:
        """"13812345678，这个要多久才能处理好": the answer is taken and the question beside it
        answered too (how long: with the case number; else the knowledge base), or noted in
        the description for the liaison to answer. Never a question with no answer. A privacy
        worry beside a name or phone taken ("李四。这个会不会被公司知道", "别让厂里知道是我")
        is answered at once with the knowledge base's privacy entry."""
        if self._worried_beside(state, ctx, asked):
            return self._privacy_answer()
        question = self._question_beside(ctx, asked)
        if question is None:
            return ""
        replies = SPEC["replies"]
        if HOW_LONG.search(question):
            return replies["how_long"]
        answer = self.services.kb.ask(question) if self.services.kb else None
        if answer is not None and not answer.declined:
            return answer.reply_text()
        self._append_description(state, replies["question_noted_line"].format(question=question))
        return replies["question_noted"].format(question=question)

    def _worried_beside(self, state, ctx: Context, asked: str | None) -> bool:
        """The question asked was answered by this message and the rest worries about the
        boss or the unit finding out."""
        if asked in (None, "description", "desired_outcome") or state.slots.get(asked) is None:
            return False
        if (state.pending or {}).get("answered") != asked:
            return False
        rest = list(ctx.text)
        for entity in (ctx.nlu.entities if ctx.nlu is not None else []):
            rest[entity.start:entity.end] = ["，"] * (entity.end - entity.start)
        return bool(PRIVACY_WORRY.search(MANDARIN("".join(rest))))

    def _question_beside(self, ctx: Context, asked: str | None) -> str | None:
        """The question clause of a message that also holds a value the form takes (a phone,
        a name, a place): the interruption check passed it over for that value."""
        parser = self.services.parser
        nlu = ctx.nlu
        if (parser is None or nlu is None or asked in (None, "description", "desired_outcome")
                or not (nlu.entities or answer_clause(ctx.text, asked))):
            return None
        kept = list(ctx.text)
        for entity in nlu.entities:
            if entity.type in NUMBER_ENTITIES:
                kept[entity.start:entity.end] = ["，"] * (entity.end - entity.start)
        clauses = [c.strip() for c in re.split(r"[，,。！!？?；;\n]", "".join(kept))]
        questions = [c for c in clauses
                     if parser.is_question(ROUGH_NUMBER.sub("三", PLEA_END.sub("", c)))
                     and not UNSURE.search(c) and not RECALL.search(MANDARIN(c))
                     and not answer_clause(c, asked)
                     and not (asked == "name" and refuses_name(c))
                     and len(LETTERS.findall(c)) >= SPEC["question_beside_min_chars"]]
        return questions[-1] if questions else None

    def _restated(self, state, ctx: Context) -> list[str]:
        """Filled contact fields the message names and gives a new value for, and nothing else
        ("我的电话是137…，名字叫王五" at the headcount question): the payer changed them,
        without 改. A bare number there is a misread question; the old value stays."""
        nlu = ctx.nlu
        if nlu is None or not nlu.entities or not facts_only(
                ctx.text, tracker_message(ctx)["entities"]):
            return []
        slots = []
        for entity in nlu.entities:
            slot = ENTITY_SLOTS.get(entity.type)
            lead = ctx.text[max(0, entity.start - NEAR):entity.start]
            if (slot in SPEC["restated_slots"] and slot != state.requested_slot
                    and state.slots.get(slot) not in (None, entity.value) and slot not in slots
                    and RESTATE_LEAD.search(lead)):
                slots.append(slot)
        return slots

    def _asks_about_the_phone(self, reply: str) -> bool:
        """"我的电话你们不是有吗", "要我手机号干嘛": a question about the number, without one."""
        parser = self.services.parser
        return (parser is not None and parser.is_question(reply) and not re.search(r"\d", reply)
                and bool(PHONE_WORDS.search(reply)))

    @staticmethod
    def _who_counts(reply: str) -> bool:
        """"我老婆也算吗？", "家里人算不算": who is counted, with no count said."""
        plain = PUNCTUATION.sub("", MANDARIN(reply))
        return (bool(WHO_COUNTS.search(plain)) and people_count(reply) is None
                and not re.search(r"\d", plain)
                and len(LETTERS.findall(plain)) <= SPEC["headcount_who_max_chars"])

    @staticmethod
    def _vague_count(reply: str) -> bool:
        """"好几个吧", "不止我一个，还有好多", "就他一个吧 好像还有几个老乡也是": people without a
        number (beside the payer alone), and nothing else said."""
        return (vague_count(reply) and people_count(reply) in (None, 1) and not STORY.search(reply)
                and len(LETTERS.findall(reply)) <= SPEC["where_max_chars"])

    @staticmethod
    def _unsure_of_employer(reply: str) -> bool:
        """"不知道全称", "忘了叫什么了", "不知道": no name, no count of people, and no 不清楚 that
        means "register without"."""
        plain = PUNCTUATION.sub("", MANDARIN(reply))
        return (bool(UNSURE.search(plain)) and plain not in SPEC["employer_unsure_final"]
                and not called(reply)
                and len(plain) <= SPEC["employer_unsure_max_chars"]
                and not ORG_SUFFIX.search(plain) and not NO_EMPLOYER.search(plain)
                and count_only(reply) is None  # "就我一个吧 其他人不知道" counts the people
                and not RECALLED_NAME.search(MANDARIN(reply))  # "叫啥来着 宏达 对 宏达电子"
                and not UNIT_CODE.search(reply))  # "名字记不清了 只有信用代码…": the code will do

    def _what_to_do(self, reply: str) -> bool:
        """"那怎么办呢", "咋整" mid-form: what to do next is this registration, not a policy
        question the knowledge base declines."""
        kb = self.services.kb
        return kb is not None and reading(kb, reply.strip()).kind == "what_to_do"

    @staticmethod
    def _unsure_of_wish(reply: str) -> bool:
        """"不知道", "我也不知道该怎么弄": the payer does not know what may be asked for."""
        plain = PUNCTUATION.sub("", MANDARIN(reply))
        return (bool(UNSURE.search(plain)) and len(plain) <= SPEC["wish_unsure_max_chars"]
                and not WISH_VERB.search(plain) and not WISH_TOPIC.search(plain))

    @staticmethod
    def _asks_where(reply: str) -> bool:
        """"我刚才说到哪了": a payer back after a pause wants the form, not the case list."""
        plain = PUNCTUATION.sub("", MANDARIN(reply))
        return len(plain) <= SPEC["where_max_chars"] and bool(WHERE.search(plain))

    def _where(self, state) -> str:
        """What is recorded so far, then the open question (or the summary's hint)."""
        slots = state.slots or {}
        lines = [f"{label}：{self._value(slot, slots)}" for slot, label in SPEC["field_names"].items()
                 if self._value(slot, slots) is not None]
        replies = SPEC["replies"]
        told = (replies["where_we_are"].format(lines="\n".join(lines)) if lines
                else replies["where_nothing_yet"])
        return told + "\n" + text("resume_question") + self._question(state.requested_slot, slots)

    @staticmethod
    def _wants_human(ctx: Context) -> bool:
        """转人工 / 找人工 / 我要人工客服 / 能不能让工作人员给我回个电话: a short request for a
        person, not a story that mentions one ("人工服务态度很差" is a complaint)."""
        message = (ctx.text or "").strip()
        if IntakeDialogue._human_word(message) or asks_for_person(message, ctx.nlu):
            return True
        found = HUMAN.search(message)
        if found is not None and IntakeDialogue._phone_given(ctx):
            rest = HUMAN.sub("", IntakeDialogue._without_phones(ctx, ("phone", "district")))
            return not CONTACT_ONLY.sub("", HUMAN_ASIDE.sub("", rest))
        if found is None or len(message) > HUMAN_MAX_CHARS:
            return False
        return not (found.group() == "真人" and BOT_QUESTION.search(message))  # 你是真人吗

    @staticmethod
    def _phone_given(ctx: Context) -> bool:
        return ctx.nlu is not None and ctx.nlu.entity("phone") is not None

    @staticmethod
    def _without_phones(ctx: Context, kinds: tuple[str, ...] = ("phone",)) -> str:
        """The message with its phone numbers (or other ``kinds`` of entity: "新塘镇的" beside
        the number says where to call about) cut out (positions are in ``ctx.text``)."""
        message = ctx.text or ""
        for phone in sorted((e for e in ctx.nlu.entities if e.type in kinds),
                            key=lambda e: -e.start):
            message = message[:phone.start] + message[phone.end:]
        return message.strip()

    def _opens_with_facts(self, ctx: Context) -> bool:
        """"新塘镇宏达电子厂" typed after "请直接说说您遇到的问题": the start of a report. The
        form starts with the employer and place kept, instead of "没太明白" and the same
        questions later."""
        nlu, parser = ctx.nlu, self.services.parser
        if nlu is None or nlu.intent in ("check_progress", "ask_policy") or (
                parser is not None and parser.is_question(ctx.text)):
            return False
        kinds = {e.type for e in nlu.entities}
        return bool(kinds & {"employer", "district"}) and "case_no" not in kinds and facts_only(
            ctx.text, tracker_message(ctx)["entities"])

    @staticmethod
    def _workplace_only(ctx: Context) -> bool:
        """"在一家餐馆当服务员", "我在厂里做普工": where or as what the payer works, naming no
        unit, place or time."""
        workplace = STORY_WORKPLACE.match(PUNCTUATION.sub("", ctx.text))
        return bool(workplace and (workplace.group("where") or workplace.group("job"))
                    and not tracker_message(ctx)["entities"])

    @staticmethod
    def _follows_story(ctx: Context) -> bool:
        """"东莞长安镇", "做了两年多了" just after a story answered as a question ("我们老板不给
        我们买社保 咋整"): where and how long of that story, so the form starts with it."""
        if STORIES.get(ctx) is None or ctx.nlu is None:
            return False
        if outside_place(ctx.text):
            return True
        entities = tracker_message(ctx)["entities"]
        kinds = {e["entity"] for e in entities}
        rest = words_beside(ctx.text, entities)
        workplace = STORY_WORKPLACE.match(OWNER_SAID.sub("", PUNCTUATION.sub(
            "", without_spans(ctx.text, entities))))  # "他在城南建筑工地 老板姓刘"
        if workplace and kinds <= {"district", "period", "employer"} and (
                kinds or workplace.group("where") or workplace.group("job")):
            return True  # "他是在石滩镇的一个砖厂", "在一家餐馆当服务员": where that story happened
        return (bool(kinds) and kinds <= {"district", "period"} and not STORY.search(rest)
                and len(LETTERS.findall(rest)) <= SPEC["story_fact_rest_chars"])

    @staticmethod
    def _asks_what_next(ctx: Context) -> bool:
        """"那我要怎么弄" just after a story answered as a question, when reading it with that
        story gives the answer the story already got: the payer has the rule and asks what to
        do next, which is having the matter handled, not the same answer again."""
        kb, story = ctx.services.kb, STORIES.get(ctx)
        if kb is None or story is None or reading(kb, ctx.text.strip()).kind != "what_to_do":
            return False
        again = ask_after(kb, ctx.text.strip(), RECENT.get(ctx)).answer
        told = ask_after(kb, story, None).answer
        return not again.declined and again.entry_id == told.entry_id

    @staticmethod
    def _adds_to_story(ctx: Context) -> bool:
        """"没有单位 我自己交的" just after a story answered as a question ("灵活就业的社保 银行卡
        扣了钱 系统里显示没缴费 怎么回事"): a short remark with no dispute of its own is more of
        that story, not a new description that forgets it."""
        parser = ctx.services.parser
        if (STORIES.get(ctx) is None or parser is None or ctx.nlu is None
                or ctx.nlu.intent not in ("file_dispute", "other")
                or not STORY.search(ctx.text) or parser.is_question(ctx.text)):
            return False
        if len(LETTERS.findall(ctx.text)) > SPEC["story_addition_max_chars"]:
            return False
        category, confidence = parser.category(ctx.text)
        return (confidence < SPEC["details_story_category_confidence"]
                or category == parser.category(STORIES.get(ctx))[0])  # "是单位没交的": the same

    @staticmethod
    def _answers_pending(ctx: Context, slot: str | None) -> bool:
        """"李四" at the name question, a number at the phone question, the first message
        after a long pause: plainly the answer, taken as going on instead of asking whether
        to go on and having it typed again."""
        kinds = SPEC["idle_answer_entities"].get(slot)
        if kinds is None:
            return False
        reply = ctx.text.strip()
        if answer_clause(reply, slot) == reply:
            return True
        entities = [{"entity": e.type, "value": e.value, "start": e.start, "end": e.end}
                    for e in (ctx.nlu.entities if ctx.nlu is not None else ())]
        return facts_only(reply, entities) and any(e["entity"] in kinds for e in entities)

    @staticmethod
    def _human_word(message: str) -> bool:
        """"人工", "找客服!": the whole message asks for a person."""
        return HUMAN_NOISE.sub("", message or "") in SPEC["human_words"]

    @staticmethod
    def _angry_story(reply: str) -> bool:
        """Anger that still says what went wrong ("垃圾公司，社保一直不给交"), beyond the anger
        words; "垃圾政府，什么都不管" says nothing to register."""
        rest = ANGER.sub("", MANDARIN(reply))
        return bool(STORY.search(rest)) and len(LETTERS.findall(rest)) >= SPEC[
            "anger_content_chars"]

    @staticmethod
    def _why(slot: str) -> str:
        """Why the question is asked, for a payer who wonders (or is annoyed) about it."""
        try:
            return text(f"why_{slot}")
        except KeyError:
            return text("anger_in_form")

    def _meaning(self, slot: str) -> str:
        """What the question at ``slot`` asks, in plain words with an example."""
        return SPEC["meaning_help"][slot].format(example=self.action._example())

    def _tells_more(self, ctx: Context, act: str) -> bool:
        """After "还有一件事": the next message with something to tell belongs in the
        description. One with facts the form takes (who, where, how many), a question or a
        reply like 好的 goes the usual way; an amount or a period stays in the words."""
        reply = ctx.text.strip()
        kinds = {e.type for e in ctx.nlu.entities} if ctx.nlu is not None else set()
        parser = self.services.parser
        return (len(LETTERS.findall(reply)) >= SPEC["details_min_chars"]
                and not kinds - {"money", "period"}
                and not self._not_an_answer(ctx, act) and not is_announcement(reply)
                and not (parser is not None and self._asks(reply)))

    def _add_details(self, state, reply: str) -> list[str]:
        """Add ``reply`` to the description and ask the question again."""
        self._append_description(state, reply)
        changed = self._recategorised(state, reply)
        return [text("details_added") + changed + "\n"
                + self._question(state.requested_slot, state.slots)]

    def _recategorised(self, state, reply: str) -> str:
        """The category taken back in words added to the description (see
        :func:`changed_category`): the category follows, and the notice says so; or ""."""
        parser = self.services.parser
        if parser is None:
            return ""
        said = category_said(reply)  # "其实是少交了 按最低档交的": named outright
        name, confidence = (said, 1.0) if said else parser.category(reply)
        changed = changed_category(reply, {"name": name, "confidence": confidence},
                                   state.slots.get("category"))
        if changed is None:
            return ""
        state.slots = {**state.slots, "category": changed}
        return SPEC["replies"]["category_changed"].format(
            label=SPEC["category_choices"][changed])

    def _not_an_answer(self, ctx: Context, act: str) -> bool:
        """Greetings, thanks, "好的", "哈哈" or only punctuation/emoji answer no question of
        the form; they must never be stored as a name, employer or wish. ("跳过", "无" and
        "不对" are answers: the form takes or explains them.)"""
        parser = self.services.parser
        reply = ctx.text.strip()
        if ctx.nlu is not None and ctx.nlu.entities:
            return False
        if reply in SPEC["skip_words"] or reply in SPEC["none_words"] or act == "deny":
            return False
        exact = parser.exact_intent(reply) if parser is not None else None
        return exact in ("greet", "other") or not CONTENT.search(reply) or is_filler(reply)

    @staticmethod
    def _english_unread(ctx: Context, asked: str | None) -> bool:
        """A reply in English only that answers nothing asked ("pay it back" at the name
        question, "Tom Li" where the story is asked): a Chinese re-ask, never a stored value.
        A name at the name question and a company with its kind are answers; the story, a wish
        or a change at the summary are read through the English word list when it finds one."""
        raw = ctx.inbound.text or ""
        if not english_only(raw) or not re.search(r"[A-Za-z]", ctx.text or ""):
            return False  # "xintang": read whole as Chinese (pinyin), so it is an answer
        if asked == "name" and english_name(raw) or asked == "employer" and ORG_SUFFIX.search(raw):
            return False
        if asked == "desired_outcome":
            return not is_wish(ctx.text)
        if asked in (None, "description", "extras"):
            return not (STORY.search(ctx.text) or is_wish(ctx.text))
        return True

    async def _interruption(self, session, ctx: Context, state, act: str, confidence: float
                            ) -> list[str] | None:
        """A policy or progress question in the middle of the form: answer it, then ask
        again."""
        nlu = ctx.nlu
        if nlu is not None and FILING_ASK_ALONE.match(ctx.text.strip()):
            return [SPEC["replies"]["help_with_matter"] + "\n\n" + text("resume_question")
                    + self._question(state.requested_slot, state.slots)]  # "这个能投诉吗"
        if nlu is None or act in ("affirm", "deny", "correct") and confidence >= 0.8 and not (
                self._asks_in_a_sentence(ctx, confidence)):
            return None
        progress_check = (nlu.intent == "check_progress" and nlu.intent_confidence >= 0.9
                          and not festival_period(ctx.text)) or (  # "过完年到现在": when
            PROGRESS_KEYWORD.match((ctx.text or "").strip())) or (  # "近度", "进读": 进度 mistyped
            state.requested_slot in SPEC["progress_asked_slots"]
            and PROGRESS.match((ctx.text or "").strip()))  # "有人管没" is never a name or phone
        if progress_check and all(e.type == "case_no" for e in nlu.entities):
            again = text("resume_question") + self._question(state.requested_slot, state.slots)
            if ctx.snapshot is not None and not ctx.snapshot.cases and not nlu.entities:
                key = "help_with_matter" if MATTER_HELP.search(ctx.text) else "progress_in_form"
                return [SPEC["replies"][key] + "\n\n" + again]  # "你们能帮我处理吗": none filed yet
            answer = await progress(ctx, session if in_session(session) else None)
            return ["\n\n".join(answer + [again])]
        if state.requested_slot == "employer" and (
                RECALLED_NAME.search(MANDARIN(ctx.text)) or called(ctx.text)
                or owner_only_known(ctx.text)):
            return None  # "叫啥来着 宏达 对 宏达电子", "叫什么速达配送": a name, it asks nobody
        if state.requested_slot in SPEC["verb_wish_slots"] and requests_wish(ctx.text):
            return None  # "能不能帮我们把社保补上 还有滞纳金也让厂里出": the wish, no query
        if state.requested_slot == "name" and refuses_name(ctx.text):
            return None  # "名字能不能不说": the form says why a name and takes a 称呼
        kinds = {e.type for e in nlu.entities}
        if state.requested_slot != "extras":
            kinds -= {"period", "money"}  # "仲裁时效1年从什么时候算起" names no headcount
        if kinds and state.requested_slot not in ("description", "desired_outcome"):
            return None
        parser = self.services.parser
        if parser is not None and not self._asks(ctx.text):
            return None  # "要求补缴社保" states a wish, whatever was asked; it asks nothing
        if self._answers_too(ctx.text, state.requested_slot):
            return None
        again = text("resume_question") + self._question(state.requested_slot, state.slots)
        surely_policy = nlu.intent == "ask_policy" and nlu.intent_confidence >= 0.8
        if OUTCOME.search(MANDARIN(ctx.text)) and not surely_policy:
            return None  # "希望把社保补上，不然老了怎么办": the wish is kept, the worry is no query
        # At the story and wish questions a question may be the answer ("为什么公司不给我交？",
        # "能不能让他们补上？"); one that wants nothing done ("这个算工伤吗") is no wish. At the
        # others (and at the summary) a question is never the name, phone or headcount.
        asked = state.requested_slot
        story = asked == "description" or asked == "desired_outcome" and is_wish(ctx.text)
        # A greeting or cancel the classifier hardly believes ("身体不好能办病退不啊" as a
        # greeting at 0.34) is still the question it reads as.
        chat = nlu.intent in ("greet", "cancel") and nlu.intent_confidence >= SURE_CHAT
        if not self.services.kb or chat or (story and not surely_policy):
            return None
        answer = self.services.kb.ask(ctx.text)
        if answer.declined and MATTER_HELP.search(ctx.text):
            return [SPEC["replies"]["help_with_matter"] + "\n\n" + again]  # "那能帮我查一下吗"
        if answer.declined and self._names_the_matter(state, ctx.text):
            return [SPEC["replies"]["asks_about_the_matter"] + "\n\n" + again]  # "滞纳金能免吗"
        if answer.declined and answer.out_of_scope and reading(
                self.services.kb, ctx.text).kind != "alone":
            # "能退吗", "那我以后自己怎么交": about the matter being filed, not beyond the bot's scope
            return [SPEC["replies"]["asks_about_the_matter"] + "\n\n" + again]
        return [answer.reply_text() + "\n\n" + again]

    def _bare_request(self, ctx: Context) -> bool:
        """"能帮我登记一下吗", "我想登记一下可以吗": asking to file and telling nothing yet (no
        category, no fact, no harm), so the story is asked for, not taken from these words."""
        nlu, parser = ctx.nlu, self.services.parser
        return (nlu is not None and parser is not None and asks_to_file(ctx.text)
                and nlu.category is None and not nlu.entities
                and not names_harm(parser, ctx.text))

    @staticmethod
    def _names_the_matter(state, question: str) -> bool:
        """Does ``question`` name the matter being filed ("滞纳金能免吗" in a late-fee case)?"""
        terms = SPEC["matter_terms"].get(state.slots.get("category") or "", [])
        return any(term in question for term in terms)

    def _worries_about_privacy(self, state, ctx: Context) -> bool:
        """"会不会告诉我老板" asked at a question after the story (or at the summary), with no
        value beside it: the worry is answered before anything else is read into it."""
        reply = ctx.text.strip()
        plain = MANDARIN(reply)
        kinds = {e.type for e in ctx.nlu.entities  # "名字会告诉公司吗" read as a unit is the worry
                 if not self._worry_words(ctx.text[e.start:e.end])} if ctx.nlu is not None else set()
        return (state.requested_slot != "description" and self.services.parser is not None
                and not kinds - {"period", "money"} and not contact_numbers(reply)
                and bool(PRIVACY_WORRY.search(plain))
                and (self._asks(reply) or bool(PRIVACY_WORRY_SAID.search(plain)))
                and not self._answers_too(reply, state.requested_slot))  # "李四。会被公司知道吗"

    @staticmethod
    def _worry_words(said: str) -> bool:
        """Does ``said`` fear the employer learning who filed, asked or said?"""
        plain = MANDARIN(said)
        return bool(PRIVACY_WORRY.search(plain) or PRIVACY_WORRY_SAID.search(plain))

    def _privacy_answer(self) -> str:
        """The knowledge base's answer on confidentiality, with its source."""
        kb = self.services.kb
        entry = kb.by_id.get(SPEC["privacy_entry"]) if kb is not None else None
        if entry is None:
            return SPEC["replies"]["privacy_kept"]
        return f"{entry.answer}\n（依据：{entry.source}）"

    @staticmethod
    def _answers_too(reply: str, asked: str | None) -> bool:
        """"叫我张先生就可以了", "李四。这个会不会被公司知道", "好几个吧，具体不清楚": the
        question asked is answered (or the payer is unsure of it); a question beside the
        answer is answered after it is taken, not instead."""
        if asked in (None, "description", "desired_outcome"):
            return False
        unsure = (UNSURE.search(MANDARIN(reply)) and not STORY.search(reply)
                  and len(LETTERS.findall(reply)) <= SPEC["employer_unsure_max_chars"])
        vague = asked == "headcount" and vague_count(reply) and not STORY.search(reply)
        clause = answer_clause(reply, asked)  # "…会不会把我的电话给公司" ends like a unit's name
        answered = clause is not None and not PRIVACY_WORRY.search(MANDARIN(clause))
        return bool(unsure or vague or answered)  # "不知道社保断了咋办" still asks

    def _asks(self, message: str) -> bool:
        """Does a clause of the message ask something? Not one that only says the payer is
        unsure of the form ("我也搞不清是哪一类") nor a rough number ("才几百块钱")."""
        return any(self.services.parser.is_question(ROUGH_NUMBER.sub("三", clause))
                   and not (UNSURE.search(clause) and META.search(clause))
                   for clause in re.split(r"[，,。；;\n]", message) if clause.strip())

    def _asks_in_a_sentence(self, ctx: Context, act_confidence: float) -> bool:
        """"身体不好能办病退不啊" reads like a "no" (不) to the act classifier: a guessed yes,
        no or correction that asks something in a sentence is a question to answer."""
        parser = self.services.parser
        return (act_confidence < 1.0 and parser is not None and parser.is_question(ctx.text)
                and len(LETTERS.findall(ctx.text)) >= SPEC["details_min_chars"])

    def _go_back(self, state) -> list[str]:
        """"上一步": the filled question before the one asked now is asked again; its answer is
        kept aside (pending "back") until a new one is given or the payer goes on."""
        self._restore_back(state)
        order = [s for s in self.action.ask_order(tracker_for(state.openid, state.slots, {}))
                 if s != "extras"]
        asked = state.requested_slot
        earlier = order[:order.index(asked)] if asked in order else order
        filled = [s for s in earlier if state.slots.get(s) is not None]
        if not filled:
            return [SPEC["replies"]["back_at_first"] + "\n" + self._question(asked, state.slots)]
        slot = filled[-1]
        shown, kept = self._value(slot, state.slots), state.slots[slot]
        question = self._reask(state, slot)
        set_pending(state, "back", {"slot": slot, "value": kept})
        return [SPEC["replies"]["back_to"].format(field=SPEC["field_names"][slot], value=shown)
                + "\n" + question[0]]

    def _restore_back(self, state) -> None:
        """The answer set aside by "上一步" comes back unless a new one was given since."""
        back = (state.pending or {}).get("back")
        set_pending(state, "back", None)
        if back and state.slots.get(back["slot"]) is None:
            state.slots = {**state.slots, back["slot"]: back["value"]}

    def _back_kept(self, state) -> list[str]:
        """"继续" after "上一步": the answer is kept and the next open question asked."""
        self._restore_back(state)
        order = self.action.ask_order(tracker_for(state.openid, state.slots, {}))
        slot = next((s for s in order if state.slots.get(s) is None), None)
        state.slots = {**state.slots, "requested_slot": slot}
        state.requested_slot = slot
        if slot is None:
            set_pending(state, "confirm", True)
            return [self._summary(state.slots)]
        return [SPEC["replies"]["go_on"] + self._question(slot, state.slots)]

    def _reask(self, state, slot: str) -> list[str]:
        """Clear ``slot`` and ask for it again; the optional fields (period, amount, ID number)
        are asked for together, by the optional question."""
        self._clear(state, [slot])
        slots = dict(state.slots)
        if slot in SPEC["optional_slots"]:
            slots["extras"], slot = None, "extras"
        if slot == "jurisdiction":
            slots["jurisdiction_choices"] = None
        slots["requested_slot"] = slot
        set_pending(state, "confirm", None)
        set_pending(state, "duplicate", None)
        state.slots, state.requested_slot = slots, slot
        return [self._question(slot, slots)]

    @staticmethod
    def _clear(state, names: list[str]) -> None:
        """Empty ``names`` to be filled anew, remembering the old unit and place so that the
        new ones can replace them in the description (_told_anew)."""
        old = {slot: state.slots[slot] for slot in names
               if slot in SPEC["description_follows"] and state.slots.get(slot)}
        if old:
            set_pending(state, "replaced", {**((state.pending or {}).get("replaced") or {}),
                                            **old})
        state.slots = {**state.slots, **{slot: None for slot in names}}

    @staticmethod
    def _told_anew(state, slots: dict) -> None:
        """"不对 是石滩镇": a unit or place replaced is replaced where the payer's story and
        the unit's name said it too ("我在新塘镇宏达电子厂上班" → "我在石滩镇宏达电子厂上班")."""
        replaced = dict((state.pending or {}).get("replaced") or {})
        told_anew = False
        for slot in [s for s in replaced if slots.get(s) is not None]:
            old, new = str(replaced.pop(slot)), str(slots[slot])
            if old == new:
                continue
            told_anew = True
            said_old, said_new = old, new
            if slot == "jurisdiction":
                said_old, said_new = PLACE_END.sub("", old) or old, PLACE_END.sub("", new) or new
            for field in ("description", "employer"):
                value = slots.get(field)
                if not isinstance(value, str) or field == slot:
                    continue
                if old in value:
                    slots[field] = value.replace(old, new)
                elif said_old != old and said_old in value:
                    slots[field] = value.replace(said_old, said_new)
        if told_anew and isinstance(slots.get("description"), str):  # not said twice
            slots["description"] = "；".join(dict.fromkeys(slots["description"].split("；")))
        set_pending(state, "replaced", replaced or None)

    def _self_corrected(self, state, ctx: Context) -> Context:
        """"新塘 不对不对 石滩": the message read with the value taken back cut out."""
        parser = self.services.parser
        if parser is None or ctx.nlu is None:
            return ctx
        said = self_corrected(ctx.text, ctx.nlu.entities, state.requested_slot if state.form
                              else None)
        return ctx if said is None else replace(ctx, text=said, nlu=parser.parse(said))

    async def _fill(self, session, state, ctx: Context) -> list[str]:
        slots = dict(state.slots)
        slots["requested_slot"] = state.requested_slot
        asked, before = state.requested_slot, dict(slots)
        message = self._pasted_category(tracker_message(ctx), slots)
        slots, said = await run_form(self.action, ctx.inbound.openid, slots, message)
        if asked:  # what "不对 是…" at the next question fixes: only the answer just given
            answered = slots.get(asked) is not None and slots[asked] != before.get(asked)
            set_pending(state, "answered", asked if answered else None)
        self._merge_severity(slots, ctx.nlu, asked)
        self._told_anew(state, slots)
        self._note_unit_replaced(state, before, slots, said)
        state.slots, state.requested_slot = slots, slots.get("requested_slot")
        back = (state.pending or {}).get("back")
        if back and slots.get(back["slot"]) is not None:
            set_pending(state, "back", None)  # answered anew after "上一步"
        noted = [f"{SPEC['field_names'][k]}：{self._value(k, slots)}" for k in NOTED_BESIDE
                 if k != asked and slots.get(k) is not None and (
                     before.get(k) is None
                     or k in ("desired_outcome", "jurisdiction") and before[k] != slots[k])]
        noted = [n for n in noted if not any(n in line for line in said)]  # said by the step
        if noted and state.requested_slot is not None and (
                before.get("description") or not slots.get("description")):
            said = [text("noted", items="；".join(noted))] + self._unrepeated(said, before, slots)
        offer = await self._duplicate_offer(session, state, ctx, before)
        if offer is not None:
            return offer
        if state.requested_slot is None:
            if slots.get("needs_callback"):
                return await self._finish(session, state, ctx.inbound.openid)
            set_pending(state, "confirm", True)
            return ["\n".join(said + [self._summary(slots)])]  # what was noted, then the summary
        if state.requested_slot == "jurisdiction":
            self._list_places_once(before, slots)
        return ["\n".join(said + [self._question(state.requested_slot, slots)])]

    def _list_places_once(self, before: dict, slots: dict) -> None:
        """The numbered list of places is shown once ("要求按实际工资补足" at the place question
        is kept and the places listed); asked again, the place question only recalls it."""
        if before.get("jurisdiction_choices") == self.action.place_list():
            slots["jurisdiction_listed"] = True

    def _pasted_category(self, message: dict, slots: dict) -> dict:
        """A labelled paste ("姓名：李红 电话：139… 单位：… 情况：厂里没给交社保"): the labels and
        values drown the story, so the category is read again from what is left."""
        guess, parser = message.get("category") or {}, self.services.parser
        values = [e for e in message["entities"] if e.get("entity") in PASTED_VALUES]
        if (parser is None or slots.get("category") is not None
                or len(values) < SPEC["paste_min_values"]
                or guess.get("confidence", 0) >= SPEC["category_min_confidence"]):
            return message
        rest = PASTE_LABELS.sub(" ", without_spans(message["text"], message["entities"]))
        name, confidence = parser.category(rest)
        if confidence <= guess.get("confidence", 0):
            return message
        return {**message, "category": {"name": name, "confidence": confidence}}

    @staticmethod
    def _unrepeated(said: list[str], before: dict, slots: dict) -> list[str]:
        """"我在新塘镇上班" at the employer question: the place is already said as noted, so
        "地点已记下" is not said twice; only that the company's name is still needed."""
        if before.get("jurisdiction") is not None or slots.get("jurisdiction") is None:
            return said
        again = SPEC["replies"]["employer_after_place"]
        return [again if line == text("employer_is_place") else line for line in said]

    @staticmethod
    def _merge_severity(slots: dict, nlu, asked: str | None = None) -> None:
        """The message's severity and reasons join the case's. A category the case is not of
        makes it no more than it is ("要求单位补缴" answering the wish reads as a 补缴 dispute:
        a late fee stays 简易), and only the story and category questions add its reason
        ("才交了不到半年" for when and how much, or at the summary, adds none)."""
        severity = slots.get("severity") or "simple"
        reasons = list(slots.get("severity_reasons") or [])
        if nlu is not None and nlu.intent in ("file_dispute", "other", "ask_policy"):
            own = [r for r in nlu.severity_reasons if not r.startswith("category:")
                   or r == f"category:{slots.get('category')}"]
            if (own or nlu.severity == "major") and \
                    SEVERITY_RANK.get(nlu.severity, 0) > SEVERITY_RANK[severity]:
                severity = nlu.severity
            told = nlu.severity_reasons if asked in ("description", "category") else own
            reasons += [r for r in told if r not in reasons]
        headcount = slots.get("headcount")
        if isinstance(headcount, int) and headcount >= MAJOR_HEADCOUNT:
            severity = "major"
            reason = f"headcount:{headcount}"
            if not any(r.startswith("headcount:") for r in reasons):
                reasons.append(reason)
        elif isinstance(headcount, int) and headcount > 1 and severity == "simple":
            severity = "general"
        slots["severity"], slots["severity_reasons"] = severity, reasons

    # --- a story told just before the form started -------------------------------------

    @staticmethod
    def _recent_story(ctx: Context) -> Context | None:
        """The story told just before, as the message it was (used once), or None."""
        told = STORIES.get(ctx)
        STORIES.put(ctx, None)
        parser = ctx.services.parser
        if told is None or parser is None:
            return None
        return replace(ctx, text=told, nlu=parser.parse(told))

    async def _with_story(self, session, state, story: Context, ctx: Context | None
                          ) -> list[str]:
        """The form started with the story told just before as its description, then the
        facts of ``ctx`` ("我叫陈大明电话是…公司叫宏达电子厂在新塘镇"), saying so."""
        state.requested_slot = "description"
        state.slots = {"requested_slot": "description"}
        replies = await self._fill(session, state, story)
        if ctx is not None and state.requested_slot is not None:
            remark = not tracker_message(ctx)["entities"] and (
                state.requested_slot != "employer"
                or names_harm(self.services.parser, ctx.text))  # "是单位没交的", "公司没给交"
            if remark or self._workplace_only(ctx):  # "在一家餐馆当服务员", "我自己交的"
                self._append_description(state, ctx.text.strip())
            else:
                replies = await self._fill(session, state, ctx)
        told = story.text if len(story.text) <= 60 else story.text[:60] + "…"
        note = SPEC["recent_story_note"].format(story=told)
        return [note + "\n" + replies[0], *replies[1:]]

    # --- texts -------------------------------------------------------------------------

    def current_question(self, row: dict) -> str:
        """The question a payer's form (a dialogue state row) waits on, as the form asks it:
        other handlers repeat it after a message the form cannot take (a video, a location)."""
        return self._question(row.get("requested_slot"), dict(row.get("slots") or {}))

    def _question(self, slot: str | None, slots: dict) -> str:
        if slot is None:
            return text("confirm_hint")
        if slot == "category":
            return text("ask_category", choices=numbered(list(SPEC["category_choices"].values())))
        if slot == "jurisdiction":
            choices = slots.get("jurisdiction_choices")
            if choices and choices == self.action.place_list() and slots.get(
                    "jurisdiction_listed"):
                return text("ask_jurisdiction_list_again", area=self.action.area(),
                            places="、".join(choices))
            if choices and choices == self.action.place_list():
                return text("ask_jurisdiction_list", choices=numbered(choices),
                            area=self.action.area())
            if choices:
                return text("jurisdiction_choices", choices=numbered(choices))
            return text("ask_jurisdiction", example=self.action._example())
        if slot == "extras":
            return text("ask_optional")
        if slot == "name" and slots.get("name_surname"):
            return SPEC["replies"]["name_surname_ask"].format(
                surname=slots["name_surname"], called=slots.get("name_call") or "")
        return text(f"ask_{slot}")

    def _value(self, slot: str, slots: dict) -> str | None:
        value = slots.get(slot)
        if value in (None, ""):
            return None
        if slot == "phone":
            return mask_phone(value)
        if slot == "headcount" and slots.get("headcount_said"):
            return SPEC["replies"]["headcount_about"].format(count=slots["headcount_said"])
        if slot == "category":
            return SPEC["category_choices"].get(value, value)
        if slot == "evidence":
            return f"{len(value)}张"
        if slot == "id_number":
            return str(value)[:3] + "*" * 11 + str(value)[-4:]
        if slot == "amount" and said_of(slots, "amount"):
            return said_of(slots, "amount")
        if slot == "amount":
            return f"{value:g}元" if isinstance(value, (int, float)) else str(value)
        if slot == "period":
            return said_of(slots, "period") or period_text(value)
        if slot == "description":
            value = scrub(str(value))
            return value[:120] + "…" if len(value) > 120 else value
        return str(value)

    @staticmethod
    def _label(slot: str, slots: dict) -> str:
        """The field's name; a duration ("3年") is how long, not when: 时长, not 时间段."""
        if slot == "period" and said_of(slots, "period"):
            return SPEC["period_duration_label"]
        return SPEC["field_names"][slot]

    def _changed_line(self, slot: str, slots: dict) -> str:
        """A changed field as "已改为" names it: an amount by its figure (the summary below
        shows it as said, 每月…), unless the figure is rough ("约8000元", "三千多元"): the
        payer gave no plain 8000."""
        said = said_of(slots, "amount") or ""
        rough = (SPEC["amount_about_mark"] in said or AMOUNT_ABOUT.search(said)
                 or AMOUNT_MORE.search(said) or AMOUNT_VAGUE.search(said))
        shown = {**slots, "amount_said": None} if slot == "amount" and not rough else slots
        return f"{self._label(slot, slots)}：{self._value(slot, shown)}"

    def _summary(self, slots: dict) -> str:
        lines = []
        for slot in SPEC["field_names"]:
            value = self._value(slot, slots)
            if value is not None:
                lines.append(f"{self._label(slot, slots)}：{value}")
        return text("summary", lines="\n".join(lines))

    def _short(self, slots: dict) -> str:
        description = str(slots.get("description") or "尚未填写问题描述")
        return description[:20] + ("…" if len(description) > 20 else "")
