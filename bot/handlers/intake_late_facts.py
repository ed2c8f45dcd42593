"""Facts typed after their question has passed, at a later question or at the summary: a
total headcount that counts the payer in ("三个 加上我四个") replaces the count taken, and a
unit's credit code typed beside a change ("统一社会信用代码9144… 单位名称改成…") joins the unit
as changed. Whatever else the message says still answers the question asked, so nothing in it
is lost. A mixin of :class:`bot.handlers.intake.IntakeDialogue`. Words: intake.yaml."""
from __future__ import annotations

import re
from dataclasses import replace

from bot.handlers.answers import MANDARIN, PUNCTUATION
from bot.handlers.base import Context
from bot.handlers.headcount_total import total_said
from bot.handlers.intake_form import EMPLOYER_JOIN
from bot.handlers.intake_spec import SPEC
from bot.handlers.unit_codes import NO_UNIT, UNIT_CODE, code_joined
from bot.store.dialogue import set_pending
from bot.texts import text
from bot.word_patterns import words_regex

CODE_LABEL = re.compile(SPEC["unit_code_label_before"])
CODE_ASKED = re.compile(SPEC["unit_code_asked"])
GAP = re.compile(r"^[\s，,。；;、]+|[\s，,。；;、]+$")
UNIT_KEPT = words_regex(SPEC["unit_kept_words"])
UNIT_BOTH = words_regex(SPEC["unit_both_words"])


class LateFactsMixin:
    def _code_explained(self, state, reply: str) -> list[str] | None:
        """"什么叫统一社会信用代码?" at any question or at the summary: what the code is and
        where to find it, then the question again; the words are never the unit's name."""
        if UNIT_CODE.search(reply) or not CODE_ASKED.search(reply):
            return None
        said = SPEC["replies"]["unit_code_explained"]
        if state.requested_slot is None:
            return [said + "\n" + text("confirm_hint")]
        return [said + "\n" + self._question(state.requested_slot, state.slots)]

    @staticmethod
    def _note_unit_replaced(state, before: dict, slots: dict, said: list[str]) -> None:
        """A unit named at a later question replaced the one stored, and the reply says so
        ("单位已改为…（原来记的是…）"): the earlier one is remembered for one message, so the
        payer may keep it."""
        old, new, asked = before.get("employer"), slots.get("employer"), before.get(
            "requested_slot")
        replaced = (asked not in (None, "employer") and old not in (None, "无") and new
                    and str(old) not in str(new) and any(str(old) in line for line in said))
        set_pending(state, "unit_replaced", old if replaced else None)

    def _unit_replaced_answer(self, state, reply: str) -> list[str] | None:
        """Just after a unit was replaced: "还是原来那个" puts the earlier one back, "两个都是"
        keeps both; any other reply goes on as usual."""
        old = (state.pending or {}).get("unit_replaced")
        if old is None:
            return None
        set_pending(state, "unit_replaced", None)
        said = PUNCTUATION.sub("", MANDARIN(reply))
        if len(said) > SPEC["unit_choice_max_chars"]:
            return None  # "按之前的工资基数补": an answer, not the choice
        current = state.slots.get("employer")
        if UNIT_BOTH.search(said):
            key, employer = "unit_both_kept", f"{old}{EMPLOYER_JOIN}{current}"
        elif UNIT_KEPT.search(said):
            key, employer = "unit_earlier_kept", old
        else:
            return None
        state.slots = {**state.slots, "employer": employer}
        said_back = SPEC["replies"][key].format(employer=employer)
        if state.requested_slot is None:
            return [said_back + "\n" + self._summary(state.slots)]
        return [said_back + "\n" + self._question(state.requested_slot, state.slots)]

    def _late_total(self, state, reply: str) -> tuple[int, str] | None:
        """(total, rest) when ``reply`` gives a total headcount after the count was taken and
        another question (or the summary) is on; None otherwise."""
        if state.slots.get("headcount") is None or state.requested_slot == "headcount":
            return None
        return total_said(reply)

    async def _take_total(self, session, state, ctx: Context, count: int, rest: str,
                          start: bool) -> list[str]:
        """The total is the headcount; the rest of the message answers the question asked,
        else that question (or the summary) is shown again."""
        slots = {**state.slots, "headcount": count, "headcount_said": None}
        self._merge_severity(slots, None)
        state.slots = slots
        said = SPEC["replies"]["headcount_total_taken"].format(count=count)
        replies = None
        if rest:
            parser = self.services.parser
            replies = await self._step_read(session, state, replace(
                ctx, text=rest, nlu=parser.parse(rest) if parser else None), start)
            if state.slots.get("headcount") != count:  # the rest named a count of the others
                state.slots = {**state.slots, "headcount": count}
        if replies:
            return [said + "\n" + replies[0], *replies[1:]]
        if state.requested_slot is None:
            return [said + "\n" + self._summary(state.slots)]
        return [said + "\n" + self._question(state.requested_slot, state.slots)]

    async def _code_beside_change(self, session, state, ctx: Context,
                                  start: bool) -> list[str] | None:
        """A credit code typed at the summary beside a change of another kind ("单位名称改成
        …", "电话改成…"): the change is made first, then the code joins the unit as it now
        is. None when the message holds no code or nothing but the code."""
        found = UNIT_CODE.search(ctx.text)
        parser = self.services.parser
        if found is None or parser is None:
            return None
        before = CODE_LABEL.sub("", ctx.text[:found.start()])
        rest = GAP.sub("", before + " " + ctx.text[found.end():]).strip()
        if len(rest) < 2:
            return None
        rest_ctx = replace(ctx, text=rest, nlu=parser.parse(rest))
        act, confidence = parser.dialogue_act(rest)
        if self._find_correction(state, rest_ctx, act, confidence) is None:
            return None
        code = found.group(0).upper()
        replies = await self._step_read(session, state, rest_ctx, start)
        employer = code_joined(state.slots.get("employer"), code)
        state.slots = {**state.slots, "employer": employer}
        if state.requested_slot is not None:
            return replies  # the change asked something: the code waits in the unit meanwhile
        return [SPEC["replies"]["unit_code_joined"].format(employer=employer) + "\n"
                + self._summary(state.slots)]

    def _code_kept(self, before: dict, state, filled: list[str]) -> list[str]:
        """The unit renamed after its credit code was given ("单位名称改成…"): the name is
        corrected, the code stays with it, shown in the replies already made."""
        old = UNIT_CODE.search(str(before.get("employer") or ""))
        new = str(state.slots.get("employer") or "")
        if old is None or not new or UNIT_CODE.search(new) or new in NO_UNIT:
            return filled
        joined = code_joined(new, old.group(0))
        state.slots = {**state.slots, "employer": joined}
        label = SPEC["field_names"]["employer"]
        return [f.replace(f"{label}：{new}", f"{label}：{joined}") for f in filled]
