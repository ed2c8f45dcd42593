"""The NLU's period codes (P6M, 2025-10/.., 2019:P5M) as a payer would write them."""
from __future__ import annotations

import re


def _month(code: str) -> str:
    year, _, month = code.partition("-")
    return f"{year}年{int(month)}月" if month else f"{year}年"


def period_text(code: str) -> str:
    code = str(code)
    if m := re.fullmatch(r"P(\d+)M", code):
        return f"{m.group(1)}个月"
    if m := re.fullmatch(r"(\d{4}):P(\d+)M", code):
        return f"{m.group(1)}年中{m.group(2)}个月"
    if m := re.fullmatch(r"(\d{4}(?:-\d{1,2})?)/\.\.", code):
        return f"{_month(m.group(1))}起"
    if m := re.fullmatch(r"(\d{4}(?:-\d{1,2})?)/(\d{4}(?:-\d{1,2})?)", code):
        return f"{_month(m.group(1))}至{_month(m.group(2))}"
    if re.fullmatch(r"\d{4}(?:-\d{1,2})?", code):
        return _month(code)
    return code
