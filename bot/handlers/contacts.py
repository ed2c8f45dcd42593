"""Phone and ID numbers however a payer types them ("1三8 1234 5678", "020-87654321",
"139•8765•4321", zero-width characters pasted inside): where they stand in a reply, and whether
a phone number is one. Joiners and invisible characters are those of privacy.yaml, so what is
read here is what the masking hides."""
from __future__ import annotations

import functools
import re

from bot.privacy import mobile_list_joiners, mobile_lists_in, plain_joiners

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Words around a number typed as an answer: "座机020 8765 4321", "手机号是138…", "电话：…".
PHONE_CUE = re.compile(r"(我的|联系方式|联系电话|电话号码|手机号码|手机号|电话|手机|座机|号码|"
                       r"打这个|打|就是|是|为|[:：,，。.!！]+$|[:：])")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
NUMERALS = "0-9０-９零〇一幺二两三四五六七八九"
NUMBER_RUN = re.compile(rf"\+?[(（]?[{NUMERALS}](?:[\s\-－—()（）]*[{NUMERALS}]){{6,}}[XxＸ]?")
DIGITS = str.maketrans("０１２３４５６７８９零〇一幺二两三四五六七八九Ｘx", "01234567890011223456789XX")
ID_DIGITS = re.compile(r"^(?:\d{17}[\dX]|\d{15})$")


RUN_JOINERS = re.compile(r"[\s\-－—+()（）]")
PHONE_JOINERS = re.compile(r"[\s\-－—()（）]")
PHONE_DIGITS = str.maketrans("０１２３４５６７８９零〇一幺二两三四五六七八九", "01234567890011223456789")


def contact_numbers(text: str) -> list[tuple[int, int]]:
    """Where a phone or ID number stands however it is typed ("1三8一二3四5六7八", "138 1234
    5678", "020-87654321"), read as the phone question reads one: such a number is never
    more of the story, even when the entity extractor missed it."""
    return list(_contact_spans(text))


@functools.lru_cache(maxsize=64)
def _contact_spans(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`contact_numbers`, remembered: the steps of one form answer read it for the
    same text four or five times."""
    spans = []
    plain = plain_joiners(text)
    for found in NUMBER_RUN.finditer(plain):
        digits = RUN_JOINERS.sub("", found.group(0)).translate(DIGITS)
        if phone_problem(found.group(0))[0] or ID_DIGITS.match(digits):
            spans.append(found.span())
    # Read out in groups with commas (我电话换了，一三九，八七六五，四三二一): the masking's
    # 3-4-4 shape, so what a group never reads is what the case keeps.
    for start, end in mobile_lists_in(plain):
        if not any(a < end and start < b for a, b in spans) and phone_problem(plain[start:end])[0]:
            spans.append((start, end))
    return tuple(sorted(spans))


def phone_problem(raw: str) -> tuple[str | None, str | None]:
    """(normalised number, None) when valid, else (None, why) in words a payer understands."""
    plain = plain_joiners(raw)
    if any((a, b) == (0, len(plain)) for a, b in mobile_lists_in(plain)):
        plain = plain.translate({ord(ch): None for ch in mobile_list_joiners()})
    digits = PHONE_JOINERS.sub("", PHONE_CUE.sub("", plain))
    digits = digits.translate(PHONE_DIGITS)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if MOBILE.match(digits):
        return digits, None
    if LANDLINE.match(digits):
        area_len = 3 if digits[:3] in ("010", "020", "021", "022", "023", "024", "025", "027",
                                       "028", "029") else 4
        return f"{digits[:area_len]}-{digits[area_len:]}", None
    if not digits.isdigit():
        return None, "里面有不是数字的字符"
    if digits.startswith("1") and len(digits) != 11:
        return None, f"手机号应为11位，您输入的是{len(digits)}位"
    if digits.startswith("1"):
        return None, "手机号第二位应是3到9"
    return None, "座机请带区号，例如020-12345678"


def one_phone(text: str) -> str | None:
    """The one valid phone number in ``text`` (normalised), or None when there is none or
    more than one (then nobody can tell which the payer uses now)."""
    found = [phone_problem(text[a:b])[0] for a, b in contact_numbers(text)]
    numbers = [n for n in dict.fromkeys(found) if n]
    return numbers[0] if len(numbers) == 1 else None
