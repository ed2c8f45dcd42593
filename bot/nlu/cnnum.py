"""Chinese and mixed numerals as payers write them: 八千多, 一万二, 2万5, 1.2w, 9k, 十几."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9, "几": 3}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000, "k": 1000}
BIG_UNITS = {"万": 10000, "w": 10000, "亿": 100000000}
CN_NUM_CHARS = "零〇一二两俩三四五六七八九十百千万亿几"


def to_number(text: str) -> float | None:
    """Value of a numeral like ``一万二`` (12000), ``三千五`` (3500), ``2万5`` (25000).

    ``几`` counts as 3 when it leads (几十 → 30) and as 0 when it trails (十几 → 10), so a
    vague count is read as a conservative round figure. Returns None when nothing parses.
    """
    total = 0.0
    section = 0.0
    number: float | None = None
    last_unit = 0
    after_zero = False
    i, n = 0, len(text)
    seen = False
    while i < n:
        ch = text[i]
        decimal_point = ch == "." and number is not None and text[i + 1 : i + 2].isdigit()
        if ch.isdigit() or decimal_point:
            j = i
            while j < n and (text[j].isdigit() or text[j] == "."):
                j += 1
            try:
                number = float(text[i:j])
            except ValueError:
                return None
            seen = True
            i = j
            continue
        if ch in DIGITS:
            value = DIGITS[ch]
            if ch == "几" and last_unit:
                value = 0
            if ch in "零〇":
                after_zero = True
            number = float(value)
            seen = True
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if number is None:
                number = 1.0
            section += number * unit
            number = None
            last_unit = unit
            after_zero = False
            seen = True
        elif ch in BIG_UNITS:
            unit = BIG_UNITS[ch]
            if number is not None:
                section += number
            total = (total + section) * unit if total and unit > 10000 else total + section * unit
            section = 0.0
            number = None
            last_unit = unit
            after_zero = False
            seen = True
        else:
            return None
        i += 1
    if not seen:
        return None
    if number is not None:
        if last_unit >= 100 and not after_zero and number < 10 and text[-2:-1] not in "零〇":
            number *= last_unit / 10
        section += number
    return total + section


def as_int_if_whole(value: float) -> int | float:
    """Present 8000.0 as 8000 but keep 12.5 as it is."""
    return int(value) if float(value).is_integer() else round(value, 2)
