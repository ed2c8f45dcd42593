"""Masking of payers' personal data before it leaves the case record.

Group messages and logs are read by many people; the seeds require that the payer's data is
kept confidential ("办理过程中严格保密，不得泄露缴费人信息"). Full contact details stay in the
database and are read by the responsible liaison through the authenticated API only.

Matching runs on a copy with full-width digits (１３８…) folded to ASCII, so numbers typed on
a Chinese keyboard are caught too; every mask keeps the text's length, so the match offsets
apply to the original and the output keeps the payer's own characters.
"""
from __future__ import annotations

import hashlib
import re

_LOG_SALT = b"disputebot/openid-log/v1"
# Full-width digits and X map one-to-one to ASCII, so match offsets stay valid.
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")

# An 18-digit resident ID (last char may be X) or the old 15-digit form.
_ID_RE = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?!\d)")
# Bank-card-like runs (16-19 digits) that are not ID numbers; masked the same way.
_LONG_DIGITS_RE = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
# Mainland mobile, optionally +86 / 86, optionally split by spaces or dashes (138 1234 5678).
_MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
# Landline with area code: 020-87654321, 0751 1234567, (020)87654321.
_LANDLINE_RE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?\d{7,8}(?!\d)")
# A bare 7-8 digit local number counts as a phone only after a cue word, so amounts
# (欠费 12345678 元) stay readable.
_CUED_LOCAL_RE = re.compile(
    r"((?:电话|手机|座机|联系方式|号码|tel|phone)[\s:：是为]*)(\d{7,8})(?!\d)", re.IGNORECASE
)


def _digits(text: str) -> list[int]:
    """Positions of the digit characters in ``text``."""
    return [i for i, ch in enumerate(text) if ch.isdigit()]


def _mask_positions(text: str, positions: list[int]) -> str:
    chars = list(text)
    for i in positions:
        chars[i] = "*"
    return "".join(chars)


def mask_phone(phone: str | None) -> str:
    """Mask a phone number: mobiles keep 3 + 4 digits, landlines the area code + last 4.

    Separators are kept so the number still reads naturally ("020-****5678").
    """
    if not phone:
        return ""
    text = str(phone).strip()
    digits = _digits(text)
    n = len(digits)
    if n == 0:
        return text
    plain = "".join(text[i] for i in digits).translate(_FULLWIDTH)
    if plain.startswith("86") and n == 13 and plain[2] == "1":
        digits, n = digits[2:], 11  # +86 prefix: mask the national number
    if n == 11 and text[digits[0]] == "1":
        return _mask_positions(text, digits[3:7])
    if plain.startswith("0") and n in (10, 11, 12):
        area = 3 if plain[1] in "12" else 4  # 010/02x are 3 digits, others 4
        keep_tail = 4 if n - area >= 8 else 3
        return _mask_positions(text, digits[area : n - keep_tail])
    if n <= 4:
        return _mask_positions(text, digits)
    if n <= 8:  # local number without area code: at least 4 masked, at most 4 kept
        return _mask_positions(text, digits[: max(4, n - 4)] if n > 4 else digits)
    return _mask_positions(text, digits[3 : n - 4])


def mask_id_number(id_number: str | None) -> str:
    """Keep the first 3 and last 4 characters: "440***********1234"."""
    if not id_number:
        return ""
    text = str(id_number).strip()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(name: str | None) -> str:
    """Keep the first character, one star per remaining one: 张三 → 张*, 欧阳小明 → 欧***."""
    if not name:
        return ""
    text = str(name).strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


def scrub(text: str | None, names: tuple[str, ...] = ()) -> str:
    """Mask every ID number, card number and phone number found in free text, and the
    payer's own ``names`` wherever they wrote them ("我叫刘强…" → "我叫刘*…").

    IDs go first: an 18-digit ID contains 11-digit runs that would look like mobiles.
    """
    if not text:
        return ""
    out = str(text)
    for name in names:
        if name and len(str(name).strip()) >= 2:
            out = out.replace(str(name).strip(), mask_name(name))
    out = _mask_matches(_ID_RE, out, mask_id_number)
    out = _mask_matches(_LONG_DIGITS_RE, out, mask_id_number)
    out = _mask_matches(_MOBILE_RE, out, mask_phone)
    out = _mask_matches(_LANDLINE_RE, out, mask_phone)
    return _mask_matches(_CUED_LOCAL_RE, out, mask_phone, group=2)


def _mask_matches(pattern: re.Pattern, text: str, mask, group: int = 0) -> str:
    """Apply ``mask`` to each match found in the ASCII-folded copy of ``text``."""
    chars = list(text)
    for m in pattern.finditer(text.translate(_FULLWIDTH)):
        start, end = m.span(group)
        masked = mask(text[start:end])
        if len(masked) == end - start:  # every mask keeps length; guard anyway
            chars[start:end] = masked
    return "".join(chars)


def hash_openid(openid: str | None, salt: bytes = _LOG_SALT) -> str:
    """Short stable pseudonym for logs: first 12 hex digits of sha256(salt + openid).

    Lets operators follow one payer through the logs without writing the openid itself.
    """
    if not openid:
        return "-"
    return hashlib.sha256(salt + str(openid).encode("utf-8")).hexdigest()[:12]
