"""A unit's unified social credit code as payers type it on a phone: in groups with spaces or
dashes, in full-width characters, at any question or at the summary. The code is the surest way
for an agency to find the unit, so it is joined up, kept beside the unit's name, and a code of
the wrong length is sent back to be checked rather than stored. Words: intake.yaml."""
from __future__ import annotations

import re

from bot.handlers.intake_spec import SPEC

UNIT_CODE = re.compile(SPEC["unit_code"])
GROUPS = re.compile(SPEC["unit_code_groups"])
MISSHAPED = re.compile(SPEC["unit_code_misshaped"])
SEPARATORS = re.compile(r"[ \u3000\-－—]")
NO_UNIT = frozenset(SPEC["unit_code_no_unit"])
FULL_WIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                *range(0xFF41, 0xFF5B))}


def id_like(code: str) -> bool:
    """Eighteen characters that may as well be an ID number (17 digits, then a digit or X)."""
    return code[:17].isdigit()


def codes_joined(text: str) -> str | None:
    """The message with a grouped or full-width code written as one ("9144 0183 MA5C XXXX 1X"
    → "91440183MA5CXXXX1X"); None when it holds no such code, so other numbers stay as typed."""
    folded = (text or "").translate(FULL_WIDTH)
    changed = folded != text and bool(UNIT_CODE.search(folded))

    def join(match: re.Match) -> str:
        nonlocal changed
        joined = SEPARATORS.sub("", match.group(0))
        if len(joined) == 18 and UNIT_CODE.fullmatch(joined) and not id_like(joined):
            changed = True
            return joined
        return match.group(0)

    result = GROUPS.sub(join, folded)
    return result if changed else None


def code_joined(current: str | None, code: str) -> str:
    """The unit with ``code``: beside its name, in place of an older code, or alone when no
    unit was named (无, 不清楚)."""
    current = (current or "").strip()
    if UNIT_CODE.search(current):
        return UNIT_CODE.sub(code, current, count=1)[:200]
    if not current or current in NO_UNIT:
        return SPEC["unit_code_alone"].format(code=code)
    return SPEC["unit_code_beside"].format(name=current, code=code)[:200]


def misshaped_code(text: str) -> str | None:
    """"信用代码9144 0183 MA5C XXXX 1": the characters after a code's label when they are no
    code of 18; None when there is none or it is whole."""
    found = MISSHAPED.search((text or "").translate(FULL_WIDTH))
    if found is None:
        return None
    code = SEPARATORS.sub("", found["code"])
    return None if len(code) == 18 or not any(c.isdigit() for c in code) else code
