"""A total headcount that counts the payer in ("三个 加上我四个") typed after the headcount was
taken: the total is the new headcount, and whatever else the message says is left to answer the
question asked. The NLU reads "三个" and "四个" as no people at all, or the first as the count;
here the number after 加上我 is the one that counts. Words: intake.yaml."""
from __future__ import annotations

import re

from bot.handlers.intake_spec import SPEC
from bot.nlu.cnnum import to_number

TOTAL = re.compile(SPEC["headcount_total"])
OTHERS = re.compile(SPEC["headcount_total_others"])
FIELD = re.compile(SPEC["headcount_total_field"])
FILLER = re.compile(r"[\s，,。.!！?？;；、~～…]+")
FULL_WIDTH_DIGITS = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}


def total_said(text: str) -> tuple[int, str] | None:
    """(the total, the rest of the message) when ``text`` gives a total that counts the payer
    in; None otherwise. The rest is empty when the message said nothing else."""
    plain = (text or "").translate(FULL_WIDTH_DIGITS)
    found = TOTAL.search(plain)
    if found is None:
        return None
    value = to_number(found["num"])
    if not value or value < 1 or value > 1_000_000:
        return None
    head = OTHERS.sub(" ", FIELD.sub(" ", plain[:found.start()]))  # "不止我一个" before "一个"
    rest = FIELD.sub(" ", head + " " + plain[found.end():])
    rest = FILLER.sub(" ", rest).strip()
    return int(value), rest if len(rest) > 1 else ""
