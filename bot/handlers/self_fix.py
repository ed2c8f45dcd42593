"""A value corrected inside one message ("新塘 不对不对 石滩", "3个 哦不对 是4个", "138… 打错了
139…", "不是新塘镇 是石滩镇"): the later value of the same kind after a correction cue wins.

One rule for every slot and every entry point: the message is read once with the value taken
back cut out, before the first message starts the form, before the correction check and before
the form, so none of them needs a rule of its own. "Of the same kind" is the NLU entity type;
where the asked slot takes the whole reply as its value (a name, a bare count), the two answers
to it are of one kind. Words that only look like a cue (不对劲, 不是我不想交, 说得不对的地方) are none.
"""
from __future__ import annotations

import re

from bot.handlers.answers import alternatives, category_said, people_count
from bot.handlers.intake_spec import SPEC

MARKS = r"\s，,。.、!！~～"
NEGATIONS = alternatives("value_correction_negations")
TURNS = alternatives("previous_fix_turns")
# "不对", "打错了", and a bare 不是 just before 是 ("申通 不是 是极兔"; not "宏达 不是本地的").
CUE = re.compile(rf"(?:{alternatives('value_correction_cues')}"
                 rf"|(?:{NEGATIONS})(?=[{MARKS}]*(?:{TURNS})))+")
NOT_CUE = re.compile(alternatives("value_correction_not_cues"))
NEGATION = re.compile(rf"(?:{NEGATIONS})\s*$")  # "不是新塘镇"
TURN = re.compile(rf"^[\s，,]*(?:{TURNS})[:：\s]*$")  # "，是石滩镇"
# After a value: a cue, then the value meant ("… 哦不对 是4个", "… 更正一下 李思").
FIX_TAIL = (rf"[{MARKS}]*(?:{alternatives('self_fix_interjections')})*(?:{CUE.pattern})[{MARKS}]*"
            rf"(?:(?:{alternatives('previous_fix_value_leads')})[:：\s]*)*(?P<new>[^{MARKS}；;].*?)"
            rf"[{MARKS}]*$")
TAIL_FIX = re.compile(FIX_TAIL)
# "2个 说错了 3个": the whole reply, the old value set apart ("名字写错了 是李思" names a field).
ANSWER_FIX = re.compile(rf"^(?P<old>[^\s，,。；;]+?)(?=[{MARKS}]){FIX_TAIL}")
# "等一下 应该是宏发电子": a pause before the cue, no value taken back (the last answer is fixed).
NO_VALUE = re.compile(rf"(?:{alternatives('previous_fix_pauses', 'previous_fix_leads')}"
                      rf"|{alternatives('self_fix_interjections')})+")
CLAUSE_BREAK = re.compile(r"[\s，,。；;!！?？]")
DIGIT = re.compile(r"[0-9０-９]")
FIGURE = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万]")
CLAUSE_MARK = re.compile(r"[，,。；;!！?？]")


def masked(text: str) -> str:
    """The text with the look-alikes of a cue blanked, spans kept (the correction check
    reads its cues in it too)."""
    return NOT_CUE.sub(lambda m: " " * len(m.group()), text)


def _cuts(text: str, entities) -> list[tuple[int, int]]:
    """From each value taken back to the later value of its kind that replaces it."""
    blank = masked(text)
    cues = [m.span() for m in CUE.finditer(blank)]
    ordered = sorted(entities, key=lambda e: e.start)
    cuts = []
    for i, old in enumerate(ordered):
        new = next((e for e in ordered[i + 1:] if e.type == old.type), None)
        if new is None or new.value == old.value or old.end > new.start:
            continue
        negated = NEGATION.search(blank[:old.start])
        if any(old.end <= s and e <= new.start for s, e in cues):
            cuts.append((old.start, new.start))
        elif negated and TURN.match(blank[old.end:new.start]):  # "不是新塘镇 是石滩镇"
            cuts.append((negated.start(), new.start))
    tail = TAIL_FIX.search(blank)  # "名字李四 更正一下 李思": no entity marks 李思
    if not cuts and tail and ordered and ordered[-1].end == tail.start() and _one_value(
            tail["new"], ordered[-1].type in SPEC["value_correction_figure_kinds"]):
        cuts.append((ordered[-1].start, tail.start("new")))
    if cues:  # "公司没给我交社保 哦不对 其实交了 是按最低档交的": the problem type, its words
        start, end = cues[-1]
        old, new = category_said(text[:start]), category_said(text[end:])
        if old and new and old != new:
            marks = list(CLAUSE_MARK.finditer(blank, 0, start))
            cuts.append((marks[-1].end() if marks else 0, end))
    return cuts


def _one_value(said: str, figure: bool) -> bool:
    """One clause with no cue in it (and a figure where the kind is a number): a value."""
    return not (CUE.search(said) or CLAUSE_BREAK.search(said)
                or figure and not FIGURE.search(said))


def _same_kind(asked: str, old: str, new: str) -> bool:
    """Both said values answer ``asked``: a count both, a number both ("刚才手机号多打了一个8
    应该是138…" at the count question takes back no count)."""
    if asked == "headcount":
        return people_count(old) is not None and people_count(new) is not None
    if asked == "phone":
        least = SPEC["value_correction_phone_digits"]
        return all(len(DIGIT.findall(v)) >= least for v in (old, new))
    return not NO_VALUE.fullmatch(old)


def _answer_fixed(text: str, asked: str) -> str | None:
    """The reply after its cue, when the reply is nothing but a value, a cue and a value."""
    found = ANSWER_FIX.match(masked(text.strip()))
    if found is None or not _one_value(found["new"], False) or not _same_kind(
            asked, found["old"], found["new"]):
        return None
    return text.strip()[found.start("new"):found.end("new")]


def self_corrected(text: str, entities, asked: str | None) -> str | None:
    """The message with each value taken back cut out ("我在新塘镇 哦不对 是石滩镇的厂" →
    "我在石滩镇的厂"), or None when it corrects nothing; ``asked`` is the slot asked now."""
    cuts = _cuts(text, entities)
    if not cuts:
        return _answer_fixed(text, asked) if asked in SPEC["self_fix_slots"] else None
    kept, at = [], 0
    for start, end in sorted(cuts):
        kept.append(text[at:start] if start >= at else "")
        at = max(at, end)
    return "".join(kept) + text[at:]
