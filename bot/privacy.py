"""Masking of payers' personal data before it leaves the case record.

Group messages and logs are read by many people; the seeds require that the payer's data is
kept confidential ("办理过程中严格保密，不得泄露缴费人信息"). Full contact details stay in the
database and are read by the responsible liaison through the authenticated API only.

Payers type numbers on a phone keyboard in many ways: full-width (１３８…), in Chinese
numerals (一三八…, 幺三八…, 壹叁捌…), mixed, split by spaces, dashes or dots, with +86 in
front. ``privacy.yaml`` lists those characters; every one stands for exactly one digit, so
a mask keeps the text's length and the payer's own characters around the stars.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.word_patterns import one_of

_LOG_SALT = b"disputebot/openid-log/v1"
SPEC_PATH = Path(__file__).with_name("privacy.yaml")
_DIGITS = "0123456789"
_LINE_BREAKS = "\r\n"


@lru_cache(maxsize=1)
def _spec() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Every digit-like character (full-width, Chinese numerals, ID check X) → ASCII."""
    table = {ord(chr(0xFF10 + i)): str(i) for i in range(10)}
    for digit, chars in (_spec().get("numerals") or {}).items():
        table.update({ord(ch): str(digit) for ch in chars})
    table.update({ord(ch): "X" for ch in _spec().get("id_check", "")})
    return table


@lru_cache(maxsize=1)
def _hidden() -> re.Pattern | None:
    """Invisible characters (``privacy.yaml`` ``invisible``) next to a digit-like one."""
    chars = _spec().get("invisible") or ""
    if not chars:
        return None
    digit, run = _class(_DIGITS), "[" + "".join(re.escape(ch) for ch in chars) + "]+"
    return re.compile(f"(?<={digit}){run}|{run}(?={digit})")


def visible(text: str) -> str:
    """``text`` without the invisible characters that sit beside a digit: a number copied
    with zero-width characters inside reads as the number it shows."""
    hidden = _hidden()
    return hidden.sub("", text) if hidden is not None else text


def plain_joiners(text: str) -> str:
    """``text`` with every joiner of ``privacy.yaml`` as "-" and every invisible character
    as a space, keeping its length: readers that know only dashes and spaces inside a
    number (138-1234-5678) then see 138•1234•5678 too, at the same positions."""
    return (text or "").translate(_joiners_table())


@lru_cache(maxsize=1)
def _joiners_table() -> dict[int, str]:
    """Built once (it was built on every call, several times a message)."""
    spec = _spec()
    table = {ord(ch): "-" for ch in spec.get("joiners", "")}
    for low, high in _joiner_ranges():
        table.update({code: "-" for code in range(ord(low), ord(high) + 1)})
    table.update({ord(ch): " " for ch in spec.get("invisible", "")})
    return table


def _joiner_ranges() -> list[tuple[str, str]]:
    """The Unicode blocks of ``privacy.yaml`` ``joiner_ranges`` (emoji, arrows, shapes)."""
    return [(r[0], r[-1]) for r in _spec().get("joiner_ranges") or ()]


def _joiner_class_body() -> str:
    """Inside a regex class: every joiner character and block."""
    return re.escape(_spec().get("joiners", "-")) + "".join(
        f"{re.escape(low)}-{re.escape(high)}" for low, high in _joiner_ranges())


def _fold(text: str) -> str:
    return text.translate(_fold_table())


def _class(digits: str) -> str:
    """Regex class of every character that reads as one of ``digits``."""
    chars = set(digits) | {chr(c) for c, d in _fold_table().items() if d in digits}
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    """The number patterns, built from ``privacy.yaml``.

    Boundaries look only at Arabic digits: a Chinese numeral next to a number is usually a
    word (张三13812345678, 13812345678一直打不通), while 213812345678 is some other number.
    """
    spec = _spec()
    arabic, any_digit = "[0-9０-９]", _class(_DIGITS)
    # A line break inside a number (Enter pressed mid-number, "138\n1234 5678") splits it
    # like a space; up to two characters, so "\r\n" and a blank line still join.
    sp = re.escape(spec.get("spaces", " ") + _LINE_BREAKS)
    jn = _joiner_class_body()
    repeat = int(spec.get("joiner_repeat", 1))
    sep = f"(?:[{sp}]{{1,2}}|[{sp}]?[{jn}]{{1,{repeat}}}[{sp}]?)"
    id_jn = jn + re.escape(spec.get("id_joiners", ""))
    id_sep = f"(?:[{sp}]{{1,2}}|[{sp}]?[{id_jn}]{{1,{repeat}}}[{sp}]?)"
    start = f"(?<!{arabic})(?<!{arabic}[.．])"
    end = f"(?!{arabic})"

    def run(classes: list[str], splits=(), spaced: bool = False, joint: str = sep) -> str:
        """Digits of ``classes`` in order: a separator (``joint``) allowed after the
        ``splits``-th, and with ``spaced`` a run of spaces after any other."""
        out = classes[0]
        for n, cls in enumerate(classes[1:], start=1):
            gap = f"{joint}?" if n in splits else f"[{sp}]{{0,2}}" if spaced else ""
            out += gap + cls
        return out

    first = [_class(d) for d in spec.get("id_first_digits", ["12345678"])]
    check = _class(_DIGITS + "X")
    id18 = run(first + [any_digit] * (17 - len(first)) + [check], spec.get("id18_splits", ()),
               joint=id_sep)
    id15 = run(first + [any_digit] * (15 - len(first)), spec.get("id15_splits", ()),
               joint=id_sep)
    card_first = _class(spec.get("split_card_first_digit", _DIGITS))
    cards = "|".join([f"{any_digit}{{16,19}}"] + [
        run([card_first] + [any_digit] * (n - 1), spec.get("card_splits", ()), joint=id_sep)
        for n in range(19, 15, -1)])
    single = re.escape(spec.get("spaces", " "))
    one_by_one = (f"{any_digit}(?:[{single}]{any_digit}){{{int(spec.get('one_by_one_min_digits', 10)) - 1},}}"
                  f"(?:[{single}]{check})?")
    prefixes = one_of(spec.get("country_prefixes"))
    mobile_splits = spec.get("mobile_splits", ())
    mobile = run([_class("1"), _class("3456789")] + [any_digit] * 9, mobile_splits, spaced=True)
    # (139)8765-4321: the first three in brackets, the rest as usual.
    mobile = (f"(?:[(（]{_class('1')}{_class('3456789')}{any_digit}[)）]{sep}?"
              f"{run([any_digit] * 8, [n - 3 for n in mobile_splits if n > 3], spaced=True)}"
              f"|{mobile})")
    zero = _class("0")
    area = f"(?:[(（]{zero}{any_digit}{{2,3}}[)）]|{zero}{any_digit}{{2,3}})"
    local = (f"(?:{any_digit}{{4}}{sep}?{any_digit}{{3,4}}"
             f"|{any_digit}{{3}}{sep}?{any_digit}{{4}})")
    cues = one_of(spec.get("phone_cues"))
    fillers = re.escape(spec.get("cue_fillers", " :："))
    not_amount = f"(?![{sp}]*[{re.escape(spec.get('amount_units', '元'))}])"
    listed = re.escape(spec.get("mobile_list_joiners", ","))
    head = f"{_class('1')}{_class('3456789')}{any_digit}"
    four = f"{any_digit}{{4}}"
    abroad = one_of(spec.get("international_prefixes"))
    national = f"[(（]?{zero}?[)）]?{_class('123456789')}{any_digit}{{1,2}}[)）]?"
    lo, hi = spec.get("bare_local_digits", [7, 8])
    short = f"{any_digit}(?:{sep}?{any_digit}){{{lo - 1},{hi - 1}}}"
    lo_piece, hi_piece = spec.get("bare_piece_digits", [9, 14])
    piece = f"{any_digit}{{{lo_piece},{hi_piece}}}"
    id_part = f"{first[0]}{first[-1]}(?:{id_sep}?{any_digit}){{10,15}}"
    id_tail = f"{any_digit}(?:{id_sep}?{any_digit}){{3,16}}{id_sep}?{_only_check()}"
    return {
        "one_by_one": re.compile(f"{start}{one_by_one}{end}(?![{sp}]?{arabic}){not_amount}"),
        "id": re.compile(f"{start}(?:{id18}|{id15}){end}{not_amount}"),
        "card": re.compile(f"{start}(?:{cards}){end}{not_amount}"),
        "mobile": re.compile(f"{start}(?:(?:{prefixes}){sep}?)?{mobile}{end}"),
        "mobile_list": re.compile(f"{start}{head}[{sp}]?(?P<j>[{listed}])[{sp}]?{four}"
                                  f"[{sp}]?(?P=j)[{sp}]?{four}{end}{not_amount}"),
        "landline": re.compile(f"{start}{area}{sep}?{local}{end}"),
        "abroad_landline": re.compile(f"{start}(?:{abroad}){sep}?{national}{sep}?{local}{end}"),
        "cued_local": re.compile(f"((?i:{cues})[{fillers}]*)({short}){end}"),
        "bare_local": re.compile(f"[{sp}]*({short})[{sp}]*"),
        "bare_piece": re.compile(f"[{sp}]*({piece})[{sp}]*"),
        "id_part": re.compile(f"{start}{id_part}{end}{not_amount}"),
        "id_tail": re.compile(f"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ]){id_tail}(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
                              f"(?![{sp}]*{arabic}){not_amount}"),
    }


def _only_check() -> str:
    """Regex class of the ID check characters alone (X, x, ×…), no digit."""
    return "[" + "".join(re.escape(ch) for ch in _spec().get("id_check", "X")) + "]"


@lru_cache(maxsize=1)
def _exempt() -> dict[str, re.Pattern]:
    """What looks like a payer's number but is not: a bare date (20240301) or amount
    with cents (1200000.5), and an employer's public code after its name
    (统一社会信用代码 9144…)."""
    spec = _spec()
    cues = one_of(spec.get("employer_code_cues"))
    fillers = re.escape(spec.get("employer_code_fillers", " :："))
    sp = re.escape(spec.get("spaces", " "))
    char = "[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]"
    return {
        "bare_figure": re.compile(r"\s*(?:(?:19|20)\d\d\D?(?:0?[1-9]|1[0-2])\D?"
                                  r"(?:0?[1-9]|[12]\d|3[01])|\S*[.．]\d{1,2})\s*"),
        "employer_code": re.compile(f"(?:{cues})[{fillers}]*({char}(?:[{sp}-]?{char}){{14,19}})"),
        "reference": re.compile(f"(?:{one_of(spec.get('reference_cues'))})[{fillers}]*"
                                f"({char}(?:[{sp}-]?{char}){{5,24}})(?!{char})"),
        "range": re.compile(rf"\s*([0-9]+)[{sp}]*[{re.escape(spec.get('range_joiners', '-~'))}]"
                            rf"[{sp}]*([0-9]+)\s*"),
    }


@lru_cache(maxsize=1)
def _personal() -> dict[str, re.Pattern]:
    """Personal data that is not a phone or ID shape: a card or account after its name, an
    e-mail address, the numbers of a home address, a name given beside a relation."""
    spec = _spec()

    def words(key: str) -> str:
        return one_of(spec.get(key))

    char = f"(?:[0-9A-Za-zＡ-Ｚａ-ｚ_]|{_class(_DIGITS)})"
    edge = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ_*＊"
    units = re.escape(spec.get("amount_units", "元"))
    sp, ends = re.escape(spec.get("spaces", " ")), re.escape(spec.get("clause_ends", "，。"))
    at = re.escape(spec.get("email_at", "@"))
    stop = re.escape(spec.get("name_stop_chars", "") + spec.get("clause_ends", ""))
    name_char = f"(?:[\u4e00-\u9fff](?<![{stop}]))"
    return {
        "account": re.compile(
            f"(?i:{words('account_cues')})[{re.escape(spec.get('account_fillers', ' '))}]*"
            f"({char}(?:[{sp}-]?{char})*)(?![{edge}])(?![{sp}]*[{units}])"),
        "email": re.compile(rf"(?<![\w.%+-])([\w.%+-]+)[{at}][A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
                            re.ASCII),
        "address": re.compile(f"(?:(?:{words('home_address_cues')})|(?:^|(?<=[{ends}]))"
                              f"(?:{words('home_address_clause_cues')})"
                              f"(?!{words('home_address_cue_not_before')}))[^{ends}]*"),
        "name": re.compile(f"(?:(?:{words('name_relations')})(?:{words('name_verbs')})|"
                           f"(?:{words('name_labels')})"
                           f"[{re.escape(spec.get('name_label_fillers', ' '))}]*)"
                           f"({name_char}{{2,3}})"),
    }


def _is_range(text: str) -> bool:
    """Is ``text`` only a range of years or of round amounts (2023~2024, 4500~5000)?"""
    found = _exempt()["range"].fullmatch(_fold(text))
    if not found:
        return False
    low, high = found.group(1), found.group(2)
    years = all(len(n) == 4 and n[:2] in ("19", "20") for n in (low, high))
    if years:
        return int(low) <= int(high)
    zeros = "0" * int(_spec().get("range_round_zeros", 2))
    return low.endswith(zeros) and high.endswith(zeros) and int(low) < int(high)


def _mask_personal(text: str, keep: list[tuple[int, int]]) -> str:
    """Mask what :func:`_personal` finds; an employer's code (``keep``) stays."""
    found = _personal()
    out = _mask_matches(found["email"], text, lambda s: s[0] + "*" * (len(s) - 1), group=1)
    out = _mask_matches(found["account"], out, _mask_account, group=1, keep=keep)
    out = _mask_matches(found["address"], out, _mask_address_numbers)
    return _mask_matches(found["name"], out, mask_name, group=1)


def _mask_account(value: str) -> str:
    """All but the last 4 characters (2 of a short value); dates and short values stay."""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    if (len(positions) < int(_spec().get("account_min_chars", 6))
            or _exempt()["bare_figure"].fullmatch(_fold(value))):
        return value
    return _mask_positions(value, positions[: -4 if len(positions) >= 8 else -2])


def _mask_one_by_one(value: str) -> str:
    """A number typed a digit at a time: a phone when it starts with 0 or 1 and has at
    most 12 digits, else an ID or card."""
    digits = _positions(value)
    if len(digits) <= 12 and _fold(value[digits[0]]) in "01":
        return mask_phone(value)
    return mask_id_number(value)


def _mask_id_part(value: str) -> str:
    """The first digits of an ID told apart: all but the first 3 masked when a birth year
    and month stand where an ID has them; any other number stays."""
    positions = _positions(value)
    digits = "".join(_fold(value)[i] for i in positions)
    years = tuple(_spec().get("id_part_years", ["19", "20"]))
    if not digits[6:10].startswith(years) or not "01" <= digits[10:12] <= "12":
        return value
    return _mask_positions(value, positions[3:])


def _mask_id_tail(value: str) -> str:
    """The rest of an ID ending in its check character: all but the last 4 masked."""
    positions = _positions(value, _DIGITS + "X")
    if len(positions) < int(_spec().get("id_tail_min_chars", 6)):
        return value
    return _mask_positions(value, positions[:-4])


def _mask_piece(value: str) -> str:
    """All digits but the last 4 of a number sent alone in pieces."""
    return _mask_positions(value, _positions(value)[:-4])


def _mask_address_numbers(clause: str) -> str:
    """Door, building and room numbers of a home address, in digits or numerals before 号,
    栋…; dates and amounts stay."""
    spec = _spec()
    kept, door = (re.escape(spec.get(key, "")) for key in ("address_kept_units", "address_units"))
    numeral = _class(_DIGITS)
    numbers = f"[0-9０-９]+(?![0-9０-９]|[{kept}])|{numeral}+(?=[{door}])"
    return re.sub(numbers, lambda m: "*" * len(m.group()), clause)


def _positions(text: str, chars: str = _DIGITS) -> list[int]:
    """Positions of the characters of ``text`` that read as one of ``chars``."""
    return [i for i, ch in enumerate(_fold(text)) if ch in chars]


def _mask_positions(text: str, positions: list[int]) -> str:
    chars = list(text)
    for i in positions:
        chars[i] = "*"
    return "".join(chars)


def mask_phone(phone: str | None) -> str:
    """Mask a phone number: mobiles keep 3 + 4 digits, landlines the area code + last 4.

    Separators and the payer's digit characters are kept so the number still reads
    naturally ("020-****5678", "一三八****五六七八").
    """
    if not phone:
        return ""
    text = str(phone).strip()
    folded = _fold(text)
    digits = [i for i, ch in enumerate(folded) if ch in _DIGITS]
    plain = "".join(folded[i] for i in digits)
    digits, plain, abroad = _national(text, digits, plain)
    n = len(digits)
    if n == 0:
        return text
    if n == 11 and plain[0] == "1":
        return _mask_positions(text, digits[3:7])
    if abroad and plain[0] != "0" and n in (9, 10, 11):
        plain, digits, n = "0" + plain, [-1] + digits, n + 1  # +86 20… is 020…
    if plain.startswith("0") and n in (10, 11, 12):
        area = 3 if plain[1] in "12" else 4  # 010/02x are 3 digits, others 4
        keep_tail = 4 if n - area >= 8 else 3
        return _mask_positions(text, digits[area : n - keep_tail])
    if n <= 4:
        return _mask_positions(text, digits)
    if n <= 8:  # local number without area code: at least 4 masked, at most 4 kept
        return _mask_positions(text, digits[: max(4, n - 4)])
    return _mask_positions(text, digits[3 : n - 4])


def _national(text: str, digits: list[int], plain: str) -> tuple[list[int], str, bool]:
    """Drop a country code in front of a mobile (86…, +86…, 0086…) or, written +86 or
    0086, a landline without its 0 (+86 20 8765 4321); the flag says one was dropped."""
    written = text.startswith(("+", "＋"))
    for prefix in ("0086", "86"):
        rest = plain[len(prefix):]
        if not plain.startswith(prefix) or not rest:
            continue
        abroad = written or prefix == "0086"
        if len(rest) == 11 and rest[0] == "1" or abroad and 9 <= len(rest) <= 12:
            return digits[len(prefix):], rest, True
    return digits, plain, False


def mask_id_number(id_number: str | None) -> str:
    """Keep the first 3 and last 4 characters of the number: "440***********1234";
    separators typed inside it stay."""
    if not id_number:
        return ""
    text = str(id_number).strip()
    positions = _positions(text, _DIGITS + "X")
    if not positions:
        return "*" * len(text) if len(text) <= 7 else text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(positions) <= 7:
        return _mask_positions(text, positions)
    return _mask_positions(text, positions[3:-4])


def id_numbers_in(text: str) -> list[tuple[int, int, str]]:
    """Every ID number typed in ``text`` however it is split or written (1101 0519 9003
    0712 39, 一一零一…), as (start, end, its plain digits): what is masked is also read."""
    return [(m.start(), m.end(), re.sub(r"[^0-9X]", "", _fold(m.group())))
            for m in _patterns()["id"].finditer(text or "")]


def has_digits(text: str | None) -> bool:
    """Does ``text`` hold a digit however typed (8, ８, 八, 幺, ⑧)?"""
    return any(ch in _DIGITS for ch in _fold(text or ""))


def holds_personal_data(text: str | None) -> bool:
    """Does ``text`` carry something :func:`scrub` hides (a number, an account, an e-mail)?
    Such words are facts for a case, never a mere announcement of them."""
    shown = visible(str(text or ""))
    return scrub(shown) != shown


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
    payer's own ``names`` wherever they wrote them ("我叫刘强…" → "我叫刘*…"); then a card or
    account after its name (医保卡号, QQ, 微信号), e-mail addresses, the door numbers of a home
    address and a name given beside a relation (我老婆叫陈美丽).

    Invisible characters beside a digit are dropped first (:func:`visible`). IDs go
    first: an 18-digit ID contains 11-digit runs that would look like mobiles. A
    text that is only a 7-8 digit number is the rest of a phone sent in pieces, one of 9-14
    digits the rest of an ID or card; an ID told in parts (its first 12 digits, or a rest
    ending in X) is masked as such; an employer's code after its name stays readable for
    the liaison.
    """
    if not text:
        return ""
    out = visible(str(text))
    for name in names:
        if name and len(str(name).strip()) >= 2:
            out = out.replace(str(name).strip(), mask_name(name))
    patterns = _patterns()
    exempt = _exempt()
    keep = [m.span(1) for m in exempt["employer_code"].finditer(out)] + [
        m.span(1) for m in exempt["reference"].finditer(out) if not _personal_shape(m.group(1))]
    if (patterns["bare_local"].fullmatch(out) and not exempt["bare_figure"].fullmatch(_fold(out))
            and not _is_range(out)):
        return _mask_matches(patterns["bare_local"], out, mask_phone, group=1)
    out = _mask_matches(patterns["one_by_one"], out, _mask_one_by_one, keep=keep)
    out = _mask_matches(patterns["id"], out, mask_id_number, keep=keep)
    out = _mask_matches(patterns["card"], out, mask_id_number, keep=keep)
    out = _mask_matches(patterns["mobile"], out, mask_phone, keep=keep)
    out = _mask_matches(patterns["mobile_list"], out, mask_phone, keep=keep)
    out = _mask_matches(patterns["abroad_landline"], out, mask_phone, keep=keep)
    out = _mask_matches(patterns["landline"], out, mask_phone, keep=keep)
    out = _mask_matches(patterns["cued_local"], out, mask_phone, group=2, keep=keep)
    out = _mask_matches(patterns["id_part"], out, _mask_id_part, keep=keep)
    out = _mask_matches(patterns["id_tail"], out, _mask_id_tail, keep=keep)
    out = _mask_personal(out, keep)
    if "*" not in out and patterns["bare_piece"].fullmatch(out) and not (
            exempt["bare_figure"].fullmatch(_fold(out))):
        return _mask_matches(patterns["bare_piece"], out, _mask_piece, group=1)
    return out


def mask_for_payer(text: str | None, own_phones: tuple[str | None, ...] = ()) -> str:
    """What a liaison wrote to the payer (a request, a result) as the notice carries it:
    every ID number and the payer's own phone numbers masked, since the message is stored
    on the platform and shown on a lock screen, and the payer knows them anyway. Any other
    number stays readable: an office line or 12366 is there for the payer to call."""
    if not text:
        return ""
    out = visible(str(text))
    patterns = _patterns()
    out = _mask_matches(patterns["id"], out, mask_id_number)
    mine = {_plain_digits(p)[-11:] for p in own_phones if p and len(_plain_digits(p)) >= 7}
    if mine:
        def own(value: str) -> str:
            return mask_phone(value) if _plain_digits(value)[-11:] in mine else value
        for name in ("mobile", "mobile_list", "abroad_landline", "landline"):
            out = _mask_matches(patterns[name], out, own)
    return out


def _plain_digits(text: str) -> str:
    return "".join(ch for ch in _fold(str(text)) if ch in _DIGITS)


def _personal_shape(value: str) -> bool:
    """Is ``value`` (a number after a reference word) an ID or a mobile all the same?"""
    patterns = _patterns()
    return any(patterns[kind].search(value) for kind in ("id", "mobile", "one_by_one"))


def mobile_lists_in(text: str) -> list[tuple[int, int]]:
    """Where a mobile read out in 3-4-4 groups with the same comma or slash between them
    stands (我电话138，1234，5678; 一三九，八七六五，四三二一): ``privacy.yaml``
    ``mobile_list_joiners``, the shape the masking hides."""
    return [m.span() for m in _patterns()["mobile_list"].finditer(text or "")]


def mobile_list_joiners() -> str:
    """The characters between the groups of such a mobile (``mobile_list_joiners``)."""
    return str(_spec().get("mobile_list_joiners", ","))


def _mask_matches(pattern: re.Pattern, text: str, mask, group: int = 0,
                  keep: list[tuple[int, int]] = ()) -> str:
    """Apply ``mask`` to each match of ``pattern`` in ``text`` that overlaps no ``keep``
    span (an employer's public code)."""
    chars = list(text)
    for m in pattern.finditer(text):
        start, end = m.span(group)
        if any(start < k_end and k_start < end for k_start, k_end in keep):
            continue
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
