"""Corrections during intake: finding which field a message corrects ("电话写错了",
"不是新塘是荔城", "不对 是宏达电子"), its new value, and asking the field again.

A mixin of :class:`bot.handlers.intake.IntakeDialogue`: the steps fill the form through
the dialogue's ``_fill``, ``_reask`` and ``_changed_line``.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace

from bot.handlers.answers import (
    ADDRESS,
    LETTERS,
    PUNCTUATION,
    bare_fix,
    category_said,
    changed_category,
    facts_beside,
    is_acknowledgement,
    is_filler,
    is_wait,
    organisation,
    previous_fix,
)
from bot.handlers.base import Context
from bot.handlers.intake_form import asks_employer, run_form, spoken_amount
from bot.handlers.intake_message import tracker_message
from bot.handlers.intake_spec import SPEC
from bot.handlers.self_fix import masked
from bot.nlu.cnnum import as_int_if_whole, to_number
from bot.periods import period_text
from bot.texts import text
from bot.word_patterns import one_of, words_regex

CHANGE_CUES = one_of(SPEC["change_cues"])
CORRECTION_CUE = re.compile(r"(不对|不是|不叫|不在|错了|写错|填错|打错|选错|搞错|弄错|改成|改为|"
                            rf"改一下|改下|修改|应该是|更正|换成|重新写|重新填|{CHANGE_CUES})")
# The new value after a correction: "…，是荔城", "…应该是900", "改成139…".
NEW_VALUE = re.compile(r"(?:应该是|应为|改成|改为|换成|写成|更正为|是)[:：\s]*"
                       r"(?P<value>[^，,。！!？?；;\s][^，,。！!？?；;]*?)[。！!~～\s]*$")
YEAR_ONLY = re.compile(r"\d{4}")
YEAR_MONTH = re.compile(r"(\d{4})(?=-\d)")
NEGATED = re.compile(r"(不是|不叫|不在|而非|并非)\s*$")
WRONG_PART = re.compile(r"(?:不是|不叫)\s*(?P<old>[\u4e00-\u9fffA-Za-z0-9]+?)(?=[\s，,]|而是|是|$)")
# "是李明不是李敏": the old value said after the new one is no part of it.
OLD_AFTER = re.compile(r"[\s，,]*(?:而)?(?:不是|不叫|不在|而非|并非)[^，,。！!？?；;是叫]*$")
SLOT_ALIASES = {"outcome": "desired_outcome"}
CORRECTION_VERB = re.compile(r"(写错|填错|打错|选错|搞错|弄错|改成|改为|改一下|改下|修改|更正|换成|重新写|"
                             rf"重新填|不叫|{CHANGE_CUES})")
CHANGE_ONLY = re.compile(CHANGE_CUES)
SUMMARY_CHANGE = words_regex(SPEC["summary_change_cues"])
SUMMARY_BUT = re.compile(SPEC["summary_but_cue"])
SUMMARY_FIELD_IS = re.compile(SPEC["summary_field_is"])
MODIFY = re.compile(r"(修改|改一下|改下|更正|要改|改改|改个)")
NEAR = 6  # at most this many characters between the field word and 写错/不对
ENTITY_SLOTS = {"district": "jurisdiction", "phone": "phone", "name": "name",
                "employer": "employer", "headcount": "headcount", "money": "amount",
                "period": "period", "id_number": "id_number"}
NOTED = ("employer", "jurisdiction", "name", "phone", "headcount", "desired_outcome")
UNSURE = words_regex(SPEC["unsure_words"])
FIELD_JOINS = re.compile(r"和|跟|与|以及|还有|及|、|，|,|也|都")
LAST_CLAUSE = re.compile(r"[，,。！!\s]+(?=[^，,。！!\s]+$)")
ASIDES = re.compile(rf"[\s，,。；;！!]+|{one_of(SPEC['correction_asides'])}")
NO_EMPLOYER_CUE = words_regex(SPEC["no_employer_cues"])
AMOUNT_LEAD = re.compile(f"(?:{one_of(SPEC['amount_about_words'])})$")
AMOUNT_TAIL = re.compile(
    one_of(SPEC["amount_about_words"] + SPEC["bare_amount_no_unit_tails"]))
FIX_CLAUSE = re.compile(rf"[，,。；;！!\s]+|{one_of(SPEC['fix_joins'])}")
PHONE_TAIL = re.compile(one_of(SPEC["phone_tail_words"]))
PHONE_POSITION = re.compile(SPEC["phone_position"])
DIGIT_WORDS = SPEC["phone_digit_words"]
SAID_DIGITS = re.compile(rf"[0-9０-９{''.join(DIGIT_WORDS)}]+")
FIELD_RIGHT = re.compile(rf"^\S{{1,6}}?(?:都|也|倒是|是)?(?<![不没非])"
                         rf"(?:{one_of(SPEC['field_right_words'])})"
                         rf"(?:{one_of(SPEC['field_right_tails'])})*$")
FIELD_RIGHT_WORD = re.compile(one_of(SPEC["field_right_words"]))
CLAUSE_MARKS = re.compile(r"([，,。；;！!\s]+)")
NOT_DIGITS = re.compile(rf"(?:而?不是|并非|而非)\s*[0-9０-９{''.join(DIGIT_WORDS)}]+")


class CorrectionsMixin:
    def _employer_denied(self, state, ctx: Context) -> list[str] | None:
        """"不是单位的问题，是窗口" where no unit is asked: said so, and the question again; a
        message with a value in it ("没单位，新塘镇") is answered as usual."""
        if (asks_employer(state.slots) or not NO_EMPLOYER_CUE.search(ctx.text)
                or ctx.nlu is None or ctx.nlu.entities):
            return None
        return [SPEC["replies"]["employer_not_involved"] + "\n"
                + self._question(state.requested_slot, state.slots)]

    def _fields_said_right_dropped(self, ctx: Context) -> Context:
        """"单位没错 是地址错了 应该是永宁": a clause saying a field is right names no field to
        change (else 单位 is the field found first); it is dropped before corrections are read."""
        parser = self.services.parser
        if parser is None or not FIELD_RIGHT_WORD.search(ctx.text or ""):
            return ctx  # no clause can say a field is right
        parts = CLAUSE_MARKS.split(ctx.text or "")
        kept = [p for p in parts if not (FIELD_RIGHT.match(p) and parser.correction_slot(p))]
        said = "".join(kept).strip("，,。；;！! ")
        if len(kept) == len(parts) or not said:
            return ctx
        return replace(ctx, text=said, nlu=parser.parse(said))

    def _find_correction(self, state, ctx: Context, act: str, confidence: float
                         ) -> tuple[str, Context | None] | None:
        """Is this message a correction of a field ("电话写错了", "不是新塘是荔城", "金额不对，
        应该是900", "我叫王五不叫张三")? Then (slot, the new value as a message of its own, or
        None when the payer only named the field). A correction says what is wrong next to
        the field it names, or brings a new value for a filled field; a story that merely
        contains 不对 somewhere is not one. Never changes the state."""
        reply = ctx.text
        parser = self.services.parser
        at_summary = state.requested_slot is None
        digits = _phone_digits_fixed(state.slots.get("phone"), reply, parser)
        if digits is not None:
            return "phone", replace(ctx, text=digits, nlu=parser.parse(digits))
        cues = [m.span() for m in CORRECTION_CUE.finditer(masked(reply))] + [
            m.span() for m in SUMMARY_CHANGE.finditer(reply) if at_summary] + [
            m.span() for m in SUMMARY_BUT.finditer(reply) if at_summary] + [
            m.span() for m in SUMMARY_FIELD_IS.finditer(reply) if at_summary]
        if parser is None or ctx.nlu is None or not cues:
            return None
        span = parser.correction_span(reply)
        named = None
        if span is not None:
            slot, start, end = span
            slot = SLOT_ALIASES.get(slot, slot)
            near = any(s - end <= NEAR and start - e <= NEAR for s, e in cues)
            if slot in SPEC["field_names"] and near:
                named = slot
        fresh = {}
        for entity in ctx.nlu.entities:
            slot = ENTITY_SLOTS.get(entity.type)
            if slot is None or slot in fresh or any(
                    entity.start < e and s < entity.end for s, e in cues):
                continue
            if NEGATED.search(reply[max(0, entity.start - 4):entity.start]):
                continue  # "不是新塘": the old value
            if state.slots.get(slot) not in (None, entity.value) or slot == named:
                fresh[slot] = reply[entity.start:entity.end]
        if named is None and len(fresh) == 1:
            named = next(iter(fresh))
        by_old = named is None and (named := _slot_of_old_value(state.slots, reply)) is not None
        if named == "employer" and named not in fresh and _category_retold(
                parser, reply, state.slots.get("category")):
            return None  # "搞错了 不是没交 是单位把我基数报低了": the problem type, not the unit
        if named == "employer" and not asks_employer(state.slots):
            return None  # "不是单位的问题，是窗口": a service complaint names no employer
        if named is not None and named == state.requested_slot and state.slots.get(
                named) is None and all(CHANGE_ONLY.fullmatch(reply[s:e]) for s, e in cues):
            return None  # "…叫永兴纺织厂老板换了好几个" at the employer question: its answer
        if named is not None and state.slots.get(named) is None and len(
                LETTERS.findall(reply)) > SPEC["correction_max_story_chars"]:
            return None  # "…人事那边换了好几个人…" in a long story: nothing there to correct
        if named is None:
            if MODIFY.search(reply) and len(reply) <= 12:
                return "", None
            return None
        if named not in fresh and not by_old and (
                len(reply) > 40 or act not in ("correct", "deny")
                and not CORRECTION_VERB.search(reply)
                and not (at_summary and (SUMMARY_CHANGE.search(reply)
                                         or SUMMARY_BUT.search(reply)
                                         or SUMMARY_FIELD_IS.match(reply)))):
            return None
        value = fresh.get(named)
        if value is None:
            head = OLD_AFTER.sub("", _without_thanks(reply)) or reply  # "应该是李明，不是李四"
            said = [c for c in cues if c[1] <= len(head)] or cues
            last = max(e for _, e in said)
            tail = (NEW_VALUE.search(head[last:]) or NEW_VALUE.search(head[said[0][1]:])
                    or NEW_VALUE.search(head[said[-1][0]:])  # "人数改成5个": 改成 is both
                    or NEW_VALUE.search(head[said[0][0]:])  # "类型改成缴费年限不对": 不对 is last
                    or (NEW_VALUE.search(head) if by_old else None))  # "是王晓不是王小"
            value = tail.group("value").strip() if tail else _value_after(head[last:])
            value = OLD_AFTER.sub("", value).strip() or None if value else value
            if value is not None and parser.correction_slot(value) == parser.correction_slot(
                    reply) and span is not None and value.find(reply[span[1]:span[2]]) >= 0 and (
                    CORRECTION_CUE.search(value) or value == reply[span[1]:span[2]]):
                value = None  # "…是名字写错了": the tail names the field again, no value
        if value is None:
            return named, None
        value = _patched(named, value, reply, state.slots.get(named))
        if named == "period":
            value = _year_moved(parser, value, reply, state.slots.get("period"))
        return named, replace(ctx, text=value, nlu=parser.parse(value))

    async def _several_fixes(self, session, state, ctx: Context) -> list[str] | None:
        """"单位写错了应该是广州宏达电子有限公司 电话也错了137…" at the summary: each field
        named with its new value is changed, not only the first; None unless the message
        holds at least two such fixes of different fields."""
        parser = self.services.parser
        if parser is None:
            return None
        segments: list[tuple[str, str]] = []  # (slot, text)
        for clause in filter(None, (c.strip() for c in FIX_CLAUSE.split(ctx.text))):
            slot = SLOT_ALIASES.get(parser.correction_slot(clause) or "",
                                    parser.correction_slot(clause))
            slot = slot or _slot_of_old_value(state.slots, clause)  # "地方是永宁不是新塘"
            if slot in SPEC["field_names"] and (not segments or segments[-1][0] != slot):
                segments.append((slot, clause))
            elif segments:
                segments[-1] = (segments[-1][0], segments[-1][1] + "，" + clause)
        fixes = []
        for slot, part in segments:
            value = self._fix_value(state, slot, part)
            if value is None or slot in [s for s, _ in fixes]:
                return None
            fixes.append((slot, value))
        if len(fixes) < 2:
            return None
        before, replies = dict(state.slots), None
        for slot, value in fixes:
            fixed = replace(ctx, text=value, nlu=parser.parse(value))
            replies = await self._apply_correction(session, state, fixed, slot, fixed)
            if state.requested_slot is not None:
                return replies  # a value the form rejects: its question is asked
        changed = [s for s, _ in fixes if state.slots.get(s) != before.get(s)]
        if not changed:
            return replies
        items = "；".join(self._changed_line(s, state.slots) for s in changed)
        return [text("corrected", items=items) + "\n" + self._summary(state.slots)]

    def _fix_value(self, state, slot: str, part: str) -> str | None:
        """The new value one clause of a correction gives its field: a number or name the
        parser finds for it, or what follows 是/应该是/改成 after the field word."""
        parser = self.services.parser
        nlu = parser.parse(part)
        kinds = [k for k, s in ENTITY_SLOTS.items() if s == slot]
        for entity in nlu.entities:
            if entity.type in kinds and not NEGATED.search(part[max(0, entity.start - 4):
                                                                entity.start]):
                return part[entity.start:entity.end]
        span = parser.correction_span(part)
        after = part[span[2]:] if span else part
        head = OLD_AFTER.sub("", after) or after
        found = NEW_VALUE.search(head)
        value = found.group("value").strip() if found else None
        if not value or CORRECTION_CUE.search(value) or parser.correction_slot(value) not in (
                None, slot) or not LETTERS.search(value):
            return None
        return _patched(slot, value, part, state.slots.get(slot))

    async def _previous_fixed(self, state, ctx: Context) -> tuple[str, Context] | None:
        """"不对 是宏达电子" at the place question, just after the employer was answered: (the
        slot answered last, the value as a message of its own). When the value answers the
        question asked now ("不对，是李四" at the name question), (that slot, the value) if the
        whole message would not; None when the value answers neither."""
        asked, parser = state.requested_slot, self.services.parser
        last = (state.pending or {}).get("answered")
        if not (last in NOTED or last == "category") or last == asked or state.slots.get(
                last) is None:
            last = None
        if asked is None or parser is None:
            return None
        if bare_fix(ctx.text):
            return (last, None) if last else None
        found = previous_fix(ctx.text)
        if found is None:
            return await self._restated_answer(state, ctx, last)
        value, led = found
        fixed = replace(ctx, text=value, nlu=parser.parse(value))
        answer = await self._answers(state, fixed, asked) if led else None
        if answer is not None:  # "不对，是李四"; "不是在新塘，是石滩": not the town negated
            whole = await self._answers(state, ctx, asked)
            return None if whole == answer else (asked, fixed)
        if last and (led or _names_like(last, value, state.slots.get(last))) and (
                await self._answers(state, fixed, last) is not None):
            return last, fixed
        return None

    async def _restated_answer(self, state, ctx: Context, last: str | None
                               ) -> tuple[str, Context] | None:
        """"宏达电子厂" at the place question just after "宏达厂": a fuller form of the answer
        just given, which answers nothing asked now, replaces it."""
        old, reply = str(state.slots.get(last) or ""), PUNCTUATION.sub("", ctx.text)
        if last not in SPEC["restate_slots"] or reply == old:
            return None
        match = difflib.SequenceMatcher(None, old, reply).find_longest_match(
            0, len(old), 0, len(reply))
        if match.size < SPEC["restate_min_shared"] or await self._answers(
                state, ctx, state.requested_slot) is not None:
            return None
        return (last, ctx) if await self._answers(state, ctx, last) not in (None, old) else None

    async def _answers(self, state, ctx: Context, slot: str):
        """What ``ctx`` would fill ``slot`` with if ``slot`` were asked now (a dry run of the
        form), or None."""
        slots = {**state.slots, slot: None, "requested_slot": slot}
        updated, _ = await run_form(self.action, ctx.inbound.openid, slots, tracker_message(ctx))
        return updated.get(slot)

    async def _apply_correction(self, session, state, ctx: Context, slot: str,
                                value: Context | None) -> list[str]:
        """Clear ``slot`` and ask it again; with the new value in the message, take it at once.
        The other fields are kept; a new value the form rejects leaves the question asked."""
        before, was = dict(state.slots), state.requested_slot
        asked = self._reask(state, slot)
        if value is None:
            return self._reask_others(state, ctx, slot, asked)
        kept = (dict(state.slots), state.requested_slot, dict(state.pending or {}))
        if slot == "amount" and value.nlu.entity("money") is None:
            spoken = spoken_amount(value.text)  # "八千左右": kept as said, 约八千元
            number = spoken[0] if spoken else to_number(re.sub(r"(元|块钱|块)$", "", value.text))
            if number is not None and number > 0:
                amount = as_int_if_whole(number)
                said = [amount, spoken[1]] if spoken and spoken[1] else None
                state.slots = {**state.slots, "amount": amount, "amount_said": said}
                value = replace(value, text="", nlu=value.nlu)
        filled = await self._fill(session, state, value)
        taken = [s for s in ([slot] if slot not in SPEC["optional_slots"]
                             else SPEC["optional_slots"]) if state.slots.get(s) is not None]
        if not taken:
            state.slots, state.requested_slot, state.pending = kept
            return filled
        if slot == "employer":
            filled = self._code_kept(before, state, filled)  # a name fixed keeps its code
        changed = [s for s in taken if state.slots.get(s) != before.get(s)] or taken
        items = "；".join(self._changed_line(s, state.slots) for s in changed)
        beside = await self._answer_beside_fix(session, state, ctx, value.text, was)
        told = "" if beside else self._facts_beside_fix(state, ctx, value.text)
        filled = beside or filled
        said = ("noted" if was is not None and all(before.get(s) is None for s in changed)
                else "corrected")  # "名字写错了 是李思" at the name question: nothing to change
        return [text(said, items=items) + told + "\n" + filled[0]] + filled[1:]

    def _facts_beside_fix(self, state, ctx: Context, value: str) -> str:
        """"单位写错了 应该是宏发五金厂 而且他们还扣了我押金不退": more of the matter told
        beside the new value joins the description (and the reply says so), never lost."""
        rest = "，".join(part for part in ASIDES.split(ctx.text) if part and LETTERS.search(part)
                        and not CORRECTION_CUE.search(part) and value not in part
                        and part not in value and not _says_digits(part))
        description = str(state.slots.get("description") or "")
        facts = facts_beside(rest, [], {}, description) if rest else None
        if not facts or facts in description:
            return ""
        self._append_description(state, facts)
        return "\n" + text("details_added")

    async def _answer_beside_fix(self, session, state, ctx: Context, value: str,
                                 was: str | None) -> list[str] | None:
        """"13812345678 对了名字写错了是李明" at the phone question: the clause beside the
        correction answers the question that was asked, and is taken too."""
        parser = self.services.parser
        if was in (None, "description", "extras") or state.slots.get(was) is not None or (
                parser is None):
            return None
        rest = "，".join(part for part in ASIDES.split(ctx.text) if part and LETTERS.search(part)
                        and not CORRECTION_CUE.search(part) and value not in part
                        and part not in value and not _says_digits(part))
        if not rest or is_acknowledgement(rest) or is_filler(rest):
            return None
        beside = replace(ctx, text=rest, nlu=parser.parse(rest))
        if await self._answers(state, beside, was) is None:
            return None
        state.slots = {**state.slots, "requested_slot": was}
        state.requested_slot = was
        return await self._fill(session, state, beside)

    def _reask_others(self, state, ctx: Context, slot: str, asked: list[str]) -> list[str]:
        """"电话和名字都错了": every field the correction names is cleared, the first asked
        now and the others after it (the form asks each empty field in turn)."""
        parser = self.services.parser
        named = []
        for part in FIELD_JOINS.split(ctx.text):
            found = parser.correction_slot(part) if parser is not None and part else None
            found = SLOT_ALIASES.get(found or "", found)
            if found in SPEC["field_names"] and found not in named and found != slot and (
                    found not in SPEC["optional_slots"] or slot not in SPEC["optional_slots"]):
                named.append(found)
        if not named:
            return asked
        cleared = {other: None for other in named}
        if any(other in SPEC["optional_slots"] for other in named):
            cleared["extras"] = None
        state.slots = {**state.slots, **cleared}
        fields = "、".join(SPEC["field_names"][s] for s in [slot, *named])
        return [SPEC["replies"]["reask_several"].format(fields=fields) + "\n" + asked[0],
                *asked[1:]]


def _names_like(slot: str, value: str, old) -> bool:
    """Without 是 before it, a correction's value must look like its slot's: "不对 宏达电子"
    (a company, or like the old one), "错了 李雷" (a name); "不是要投诉" names nothing."""
    shared = difflib.SequenceMatcher(None, str(old), value).find_longest_match(
        0, len(str(old)), 0, len(value)).size >= SPEC["restate_min_shared"]
    if slot == "employer":
        return organisation(value) is not None or shared
    if slot == "name":
        return bool(ADDRESS.match(value)) or shared
    return slot not in SPEC["restate_slots"]


def _without_thanks(reply: str) -> str:
    """"是李明，麻烦了": thanks after the new value are no part of it."""
    head = reply
    while True:
        parts = LAST_CLAUSE.split(head.rstrip("，,。！! "), maxsplit=1)
        if len(parts) < 2 or not is_acknowledgement(parts[1]):
            return head
        head = parts[0]


def _patched(slot: str, value: str, reply: str, old) -> str:
    """"不是宏达 是宏发" for 广州宏达电子厂: the part said wrong is replaced inside the unit's
    name, not the whole name by 宏发; a full new name ("是顺发五金厂") replaces it."""
    if slot == "amount":
        return _amount_as_said(value, reply)
    wrong = WRONG_PART.search(reply)
    if slot != "employer" or not isinstance(old, str) or wrong is None or (
            organisation(value) is not None):
        return value
    part = wrong["old"]
    if part == old or part not in old or value in old:
        return value
    return old.replace(part, value, 1)


def _year_moved(parser, value: str, reply: str, old) -> str:
    """"时间是前年不是去年" for 去年3月起: only the year was said wrong, so the months stay and
    move to the year said (前年3月起), rather than the whole of that year replacing them."""
    codes = [e.value for e in parser.parse(value).entities if e.type == "period"]
    if len(codes) != 1 or not YEAR_ONLY.fullmatch(str(codes[0])) or not WRONG_PART.search(
            reply) or not isinstance(old, str) or not (months := YEAR_MONTH.findall(old)):
        return value
    shift = int(codes[0]) - int(months[0])
    if not shift:
        return value
    return period_text(YEAR_MONTH.sub(lambda m: str(int(m[1]) + shift), old))


def _amount_as_said(value: str, reply: str) -> str:
    """"应该是八千左右": the figure with the words around it that make it approximate, so the
    summary says 约八千元, not 8000元."""
    start = reply.find(value)
    if start < 0:
        return value
    lead = AMOUNT_LEAD.search(reply[:start])
    tail = AMOUNT_TAIL.match(reply, start + len(value))
    said = (lead.group(0) if lead else "") + value + (tail.group(0) if tail else "")
    return said if said != value and spoken_amount(said) else value


def _value_after(rest: str) -> str | None:
    """"名字错了，李雷", "不是，我想要退钱": the clause after the correction word is the new
    value when nothing but a comma stands between them."""
    found = re.match(r"^[了啦呀啊吧]*[\s，,。.!！:：]+(?P<value>[^，,。！!？?；;]+)[。！!~～\s]*$",
                     rest)
    value = found["value"].strip() if found else ""
    if not LETTERS.search(value) or CORRECTION_CUE.search(value) or UNSURE.search(value) or (
            len(value) > SPEC["where_max_chars"]) or is_wait(value):
        return None
    return value


def _slot_of_old_value(slots: dict, reply: str) -> str | None:
    """"不是王小 是王晓", "地方是永宁不是新塘": the field holding the value said wrong (the whole
    value, or a part of it at least old_value_min_chars long), when only one holds it."""
    found = set()
    for wrong in WRONG_PART.finditer(reply):
        old = wrong["old"]
        exact = [s for s in SPEC["old_value_slots"] if str(slots.get(s) or "") == old]
        within = [s for s in SPEC["old_value_slots"] if len(old) >= SPEC["old_value_min_chars"]
                  and old in str(slots.get(s) or "")]
        found.update(exact or within)
    return found.pop() if len(found) == 1 else None


def _digits(said: str) -> str:
    return "".join(DIGIT_WORDS.get(c, c) for c in said).translate(
        str.maketrans("０１２３４５６７８９", "0123456789"))


def _phone_digits_fixed(old, reply: str, parser) -> str | None:
    """"电话最后一位是8不是6", "尾号是5679 不是5678", "倒数第二位是3": the stored phone with the
    digits said put in, or None when the message corrects no digits of it."""
    if not isinstance(old, str) or not old or parser is None or len(reply) > 40:
        return None
    tail, position = PHONE_TAIL.search(reply), PHONE_POSITION.search(reply)
    if tail is None and position is None or (
            parser.correction_slot(reply) != "phone" and not (tail and "尾号" in tail.group())):
        return None
    cut = (tail or position).end()
    said = SAID_DIGITS.findall(NOT_DIGITS.sub("", reply[cut:]))
    if not said:
        return None
    new = _digits(said[-1])
    places = [i for i, c in enumerate(old) if c.isdigit()]
    if position is not None and tail is None:
        at = to_number(position["at"])
        if at is None or len(new) != 1 or not 1 <= at <= len(places):
            return None
        index = places[-int(at)] if position["end"] else places[int(at) - 1]
    else:
        if len(new) >= len(places):
            return None
        index = places[-len(new)]
        if places[-1] - index != len(new) - 1:
            return None  # the tail crosses a dash
    fixed = old[:index] + new + old[index + len(new):]
    return fixed if fixed != old else None


def _says_digits(part: str) -> bool:
    """"电话最后一位是9": a clause of a phone digit correction, no answer beside it (一位 is
    no headcount)."""
    return bool(PHONE_TAIL.search(part) or PHONE_POSITION.search(part))


def _category_retold(parser, reply: str, current: str | None) -> bool:
    """Does the message take back the kind of problem (see
    :func:`bot.handlers.answers.changed_category`)? Then a field word in it (单位把我基数报低了)
    is part of the new story, not a field to correct."""
    said = category_said(reply)
    name, confidence = (said, 1.0) if said else parser.category(reply)
    return changed_category(reply, {"name": name, "confidence": confidence}, current) is not None
