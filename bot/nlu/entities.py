"""Regex-and-lexicon entity extraction over normalised text, spans mapped to the original.

Extractors run in a fixed order and claim their spans, so a phone number is never read as
money and a headcount (三千多个员工) never as an amount.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.word_patterns import one_of, words_regex

from ..privacy import id_numbers_in
from .cnnum import BIG_UNITS, CN_NUM_CHARS, as_int_if_whole, to_number
from .normalize import Normalized
from .types import Entity

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_CASE = re.compile(r"(?<![a-z0-9])([a-z]{2,4})-?(\d{8})-?(\d{4})(?![0-9])")
_ID18 = re.compile(r"(?<![0-9a-z])(\d{17}[0-9x])(?![0-9a-z])")
_ID15 = re.compile(r"(?<![0-9a-z])(\d{15})(?![0-9a-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?[(（]?(1[3-9]\d)[)）]?[- ]?(\d{4})[- ]?(\d{4})(?![0-9])")
_CORRECTION_START = set("写填错改打弄搞选有要")
_SPOKEN_DIGITS = str.maketrans("零〇一幺二两三四五六七八九", "0011223456789")
_DIGIT_CHARS = "0-9零〇一幺二两三四五六七八九"
# Voice input or mixed typing ("幺三八一二三四五六七八", "1三8一二3四5六7八"): digit by digit,
# never next to another numeral or a unit (十百千万), so amounts and dates stay out.
_SPOKEN_MOBILE = re.compile(rf"(?<![{_DIGIT_CHARS}十百千万])[1一幺][3-9三四五六七八九]"
                            rf"(?:[\s-]?[{_DIGIT_CHARS}]){{9}}"
                            rf"(?![{_DIGIT_CHARS}十百千万])")
_CLAUSE_END = re.compile(r"[，,。!！?？；;\s]+")
# Not inside a number typed in groups (a bank card 6222 0212 3456 7890 is no 0212 landline).
_LANDLINE = re.compile(r"(?<![0-9])(?<![0-9][- ])(?:\((0\d{2,3})\)|(0\d{2,3})[- ])"
                       r"(\d{7,8}|\d{3,4} \d{4})(?![0-9])")
_CN = "[" + CN_NUM_CHARS + "]"
_MONEY_ARABIC = re.compile(
    r"(?P<cur>[¥￥$]|rmb|人民币)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mag>[kw千万](?:\d(?![\d.]))?)?"
    r"(?:(?P<approx>多|余|来)(?P<big>[万亿])?)?\s*(?P<unit>元|块钱|块|圆|rmb)?"
)
_MONEY_CN = re.compile(
    r"(?P<num>[零〇一二两三四五六七八九十几][零〇一二两三四五六七八九十百千万几]*)"
    r"(?:(?P<approx>多|余|来)(?P<big>[万亿])?)?(?P<unit>元|块钱|块(?![儿去来走])|圆)?"
)
_NOT_MONEY_AFTER = "年月日号个人名天岁%位次期小周点分秒楼栋层户家条张套斤米公里岁级"
_YEAR = r"(?:(?:19|20)\d{2}|\d{2}|大前|[今去前明]|[二〇零一三四五六七八九]{4})年"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?|正月|冬月|腊月"
# The months people name the old way ("去年腊月"); the said year's month of that number: the
# record shows the year and month as said, not a converted lunar date.
_NAMED_MONTHS = {"正月": 1, "冬月": 11, "腊月": 12}
_POINT = re.compile(
    rf"(?P<y>{_YEAR})(?:(?P<h>[上下])半年|(?P<m>{_MONTH})|(?P<e>年?(?:[底末]|初(?![中级心步次]))))?|(?P<m2>{_MONTH})|(?P<rel>上个?月|这个月|本月|上上个月)"
)
_DURATION = re.compile(
    r"(?P<pre>大|小)?(?P<n>\d{1,2}|[一二两三四五六七八九十几]{1,3}|半)(?P<approx>来|多|几)?"
    r"(?P<half>个半|半)?"
    r"(?P<unit>个多月|个月|年)(?P<more>多|半)?"
)
_RANGE_SEP = re.compile(r"\s*(?:到|至|-|~|—|–)\s*")
_OPEN_END = re.compile(r"\s*(?:(?:开始|起)(?:\s*(?:一直)?(?:到|至)\s*(?:现在|今天|目前|今)(?:为止)?)?"
                       r"|以来|之后|以后|(?:一直)?(?:到现在|到今天|到目前)(?:为止)?|至今)")
_FROM = re.compile(r"(?:从|自)\s*$")
# "22年5月入职的 入职到现在都没交": the day the payer joined, then "since joining until now".
_JOINED_TILL_NOW = re.compile(
    r"\s*(?:入职|进厂|进的厂|进公司|进的公司|来上班|开始上班|上班|参加工作)(?:的|了)?[\s，,]*"
    r"(?:从|自)?(?:入职|进厂|进来|那时候?|那会儿?)?(?:一直)?(?:到现在|到今天|到目前|至今|以来)")
# "今年3月入职的" with no other date said: the period runs from joining, not that month alone.
_JOINED = re.compile(r"\s*(?:入职|进厂|进的厂|进公司|进的公司|来上班|开始上班|参加工作)")
# "今年1到5月", "去年3-9月": a year, then a span of months with 月 said only at its end.
# "前年七八月", "7、8月份": two months in a row said as a pair, the year optional.
_MONTH_SPAN = re.compile(
    r"(?P<y>(?:(?:19|20)\d{2}|\d{2}|[今去前]|[二〇零一三四五六七八九]{4})年)?\s*"
    r"(?P<a>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*(?P<sep>到|至|-|~|—|–|、)?\s*"
    r"(?P<b>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?")
_YEAR_JOIN = re.compile(r"\s*(?:有|的|共|一共|总共|内|里)?\s*$")


class EntityExtractor:
    """Finds the entity types of the NLU contract in a message."""

    def __init__(self, lexicon: dict[str, Any], districts: list[str] | None = None) -> None:
        self._surnames = sorted(lexicon.get("surnames") or [], key=len, reverse=True)
        self._name_stop = set(lexicon.get("name_stop") or "")
        self._name_not_start = tuple(lexicon.get("name_not_start") or ())
        self._emp_stop = set(lexicon.get("employer_stop") or "")
        self._emp_generic = set(lexicon.get("employer_generic") or [])
        self._emp_soft = set(lexicon.get("employer_soft_stop") or "")
        self._emp_lead = set(lexicon.get("employer_name_leads") or "")
        self._emp_strip = sorted(lexicon.get("employer_strip_prefix") or [], key=len, reverse=True)
        self._emp_cut = list(lexicon.get("employer_cut") or [])
        self._emp_topic = list(lexicon.get("employer_topic_leads") or [])
        self._emp_kinds = set(lexicon.get("employer_kinds_after_place") or ())
        suffixes = lexicon.get("employer_suffixes")
        self._emp_suffix = words_regex(suffixes) if suffixes else None
        self._emp_suffix_words = tuple(suffixes or ())
        self._emp_registered = tuple(lexicon.get("employer_registered_suffixes") or ())
        branches = lexicon.get("employer_branch_suffixes")
        self._emp_branch = re.compile(f"(?:{one_of(branches)})$") if branches else None
        self._emp_branch_gap = int(lexicon.get("employer_branch_gap") or 0)
        brands = lexicon.get("employer_brands")
        self._emp_brand = re.compile(one_of(brands)) if brands else None
        nouns = lexicon.get("headcount_nouns") or ["人"]
        noun_alt = one_of(nouns)
        all_alt = one_of(lexicon.get("headcount_all_nouns") or nouns)
        self._headcount = re.compile(
            rf"(?P<num>上百|上千|成百|\d+|[一二两三四五六七八九十百千几][零一二两三四五六七八九十百千万几]*)"
            rf"(?P<approx>多|余|来)?(?:个|名|位|号)?[ ]?(?P<noun>{noun_alt})"
        )
        self._headcount_all = re.compile(
            rf"全体(?:的)?(?:{noun_alt})?"
            rf"|(?:全厂|全公司|全店|全院|全校|全场)(?:的)?(?:{noun_alt}|(?=(?:社保|医保|养老保险|工资)?都|上下))"
            rf"|(?:所有|全部|整个厂的|整个公司的|厂里所有|公司所有)(?:的)?(?:{all_alt})"
        )
        leads = one_of(lexicon.get("headcount_count_leads") or ["有"])
        self._headcount_after = re.compile(
            rf"(?:{all_alt})(?:{leads})?[ ]?"
            rf"(?P<num>\d+|[一二两三四五六七八九十百千几][零一二两三四五六七八九十百千万几]*)"
            rf"(?:多|余|来)?(?:个|名|位|人)?(?![\d个名位人月年天日号点块元万千百多余来小星礼周岁])"
        )
        self._headcount_few = re.compile(
            r"我们(?P<num>[两三四五六七八九十几\d]{1,2})个(?!月|小时|星期|礼拜|工作日|多月|年)"
            r"|(?P<two>我们俩|我俩|夫妻俩|两口子)"
        )
        years = lexicon.get("headcount_school_years")
        self._school_year = re.compile(rf"(?:{one_of(years)})$") if years else None
        plus = lexicon.get("headcount_self_plus")
        self._headcount_plus = re.compile(rf"(?:{plus})$") if plus else None
        self._negation = _negation_pattern(lexicon.get("negation_leads") or [],
                                           lexicon.get("negation_turns") or [])
        tails = one_of(lexicon.get("bare_count_tails"))
        self._bare_count = re.compile(
            r"(?P<num>\d+|[一二两三四五六七八九十百千几][零一二两三四五六七八九十百千万几]*)(?:多|来|余)?"
            rf"[个名位](?=$|[，,。!！?？；;\s]|{tails})"
        )
        self._one_begins_word = lexicon.get("money_one_begins_word") or ""
        context = lexicon.get("money_context")
        self._per_month = re.compile(lexicon.get("per_month_after_sum") or "$^")
        self._capitals = str.maketrans(lexicon.get("capital_numerals") or {})
        self._money_context = re.compile(
            f"(?:{one_of(context)})" + r"[^\d，。,.!?；;]{0,4}$") if context else None
        cues = lexicon.get("years_count_before")
        self._years_before = re.compile(f"(?:{one_of(cues)})" + r"\s*$") if cues else None
        self._years_after = re.compile(lexicon.get("years_count_after") or "$^")
        self._fold = homophone_table(lexicon.get("place_homophones") or [])
        self._districts = _district_patterns(districts or [])
        self._folded_districts = _folded_patterns(districts or [], self._fold)

    def extract(self, norm: Normalized, today: date | None = None) -> list[Entity]:
        """All entities of ``norm`` sorted by start, spans in original-text coordinates."""
        text = norm.text
        found: list[tuple[int, int, str, Any]] = []
        taken: list[tuple[int, int]] = []

        def claim(start: int, end: int, type_: str, value: Any, exclusive: bool = True) -> bool:
            if exclusive and any(start < e and s < end for s, e in taken):
                return False
            taken.append((start, end))
            found.append((start, end, type_, value))
            return True

        steps: tuple[Callable[..., None], ...] = (
            self._case_numbers, self._id_numbers, self._phones, self._periods,
            self._headcounts, self._money, self._employers, self._districts_in, self._names,
        )
        today = today or date.today()  # once: nine steps asked the clock each
        for step in steps:
            step(text, claim, today)
        found = _without_negated(found, self._negated_spans(text))
        found.sort()
        out = []
        for start, end, type_, value in found:
            s, e = norm.span(start, end)
            out.append(Entity(type_, value, s, e))
        return out

    @staticmethod
    def _case_numbers(text: str, claim, today: date) -> None:
        for m in _CASE.finditer(text):
            claim(m.start(), m.end(), "case_no", f"{m[1].upper()}{m[2]}-{m[3]}")

    @staticmethod
    def _id_numbers(text: str, claim, today: date) -> None:
        for m in _ID18.finditer(text):
            if id_checksum_ok(m[1]):
                claim(m.start(), m.end(), "id_number", m[1].upper())
        for m in _ID15.finditer(text):
            if _valid_date("19" + m[1][6:12]):
                claim(m.start(), m.end(), "id_number", m[1])
        for start, end, digits in id_numbers_in(text):  # typed in groups: 1101 0519 …
            if id_checksum_ok(digits):
                claim(start, end, "id_number", digits)

    @staticmethod
    def _phones(text: str, claim, today: date) -> None:
        for m in _MOBILE.finditer(text):
            claim(m.start(), m.end(), "phone", m[1] + m[2] + m[3])
        for m in _SPOKEN_MOBILE.finditer(text):  # voice input: 幺三八一二三四五六七八
            digits = re.sub(r"[\s-]", "", m.group(0)).translate(_SPOKEN_DIGITS)
            if len(digits) == 11 and _MOBILE.fullmatch(digits):
                claim(m.start(), m.end(), "phone", digits)
        for m in _LANDLINE.finditer(text):
            claim(m.start(), m.end(), "phone", f"{m[1] or m[2]}-{m[3].replace(' ', '')}")

    def _periods(self, text: str, claim, today: date) -> None:
        items: list[list[Any]] = []
        for m in _MONTH_SPAN.finditer(text):
            first, last = _cn_or_int(m["a"]), _cn_or_int(m["b"])
            pair = m["sep"] in (None, "、")
            if pair and (last != (first or 0) + 1 or not m["sep"] and (
                    m["a"].isdigit() or m["b"].isdigit() or m.start("a") > 0
                    and text[m.start("a") - 1] in CN_NUM_CHARS)):
                continue  # "12月" is December; "十七八月" no pair; a pair is two months in a row
            if not m["y"]:
                if pair and first and last:
                    items.append([m.start(), m.end(), "point", f"--{first:02d}/--{last:02d}"])
                continue
            year = _point_value(_POINT.fullmatch(m["y"]), today)
            if year and first and last and 1 <= first < last <= 12:
                items.append([m.start(), m.end(), "point",
                              f"{year}-{first:02d}/{year}-{last:02d}"])
        for m in _POINT.finditer(text):
            if any(s <= m.start() < e for s, e, _, _ in items):
                continue
            years = self._years_counted(text, m)
            if years:
                items.append([m.start(), m.end() + (years % 12 > 0), "dur", years])
                continue
            value = _point_value(m, today)
            if value is not None:
                items.append([m.start(), m.end(), "point", value])
        for m in _DURATION.finditer(text):
            months = _duration_months(m)
            if months is None or any(s <= m.start() < e for s, e, _, _ in items):
                continue
            if m.group(0) == "一个月" and self._per_month.search(text, 0, m.end()):
                continue  # "两千五左右一个月": the sum is monthly
            items.append([m.start(), m.end(), "dur", months])
        items.sort()
        i = 0
        while i < len(items):
            start, end, kind, value = items[i]
            nxt = items[i + 1] if i + 1 < len(items) else None
            between = text[end : nxt[0]] if nxt else ""
            if kind == "point" and "/" in value:  # a half year: a range, or where one starts
                tail = _OPEN_END.match(text, end)
                if tail:
                    value, end = value.split("/")[0] + "/..", tail.end()
            elif kind == "point" and nxt and nxt[2] == "point" and _RANGE_SEP.fullmatch(between):
                value, end = f"{value}/{_inherit_year(value, nxt[3])}", nxt[1]
                i += 1
            elif (kind == "point" and nxt and nxt[2] == "dur" and len(value) == 4
                  and value.isdigit()  # a year ("2020年干了两年"), not "--04" ("四月两个月")
                  and _YEAR_JOIN.match(between) and len(between) <= 3):
                value, end = f"{value}:P{nxt[3]}M", nxt[1]
                i += 1
            elif kind == "point":
                tail = _OPEN_END.match(text, end) or _JOINED_TILL_NOW.match(text, end)
                if tail:
                    value, end = f"{value}/..", tail.end()
                elif _FROM.search(text[max(0, start - 2) : start]) or (
                        nxt is None and len(items) == 1 and _JOINED.match(text, end)):
                    value = f"{value}/.."
            else:
                value = f"P{value}M"
            if kind == "dur" or "/" in value or ":" in value or len(value) >= 4:
                claim(start, end, "period", _dated(value, today) if kind == "point" else value)
            i += 1

    def _years_counted(self, text: str, m: re.Match) -> int:
        """Months in "交了13年", "年限显示11年", "干了15年半": a two-digit count of years read
        as a duration by the words around it, where "13年进的厂" is the year 2013."""
        raw = m["y"][:-1] if m["y"] and not m["m"] else ""
        if not (len(raw) == 2 and raw.isdigit() and 10 <= int(raw) <= 45):
            return 0
        after = self._years_after.match(text, m.end())
        before = self._years_before and self._years_before.search(text, 0, m.start())
        if not (after or before):
            return 0
        return int(raw) * 12 + (6 if after and after.group().startswith("半") else 0)

    def _headcounts(self, text: str, claim, today: date) -> None:
        """"全厂都没交 大概两百人": a count said beside "everyone" is the count."""
        if not any(m["num"] not in ("上百", "成百", "上千") for m in self._headcount.finditer(text)):
            for m in self._headcount_all.finditer(text):
                claim(m.start(), m.end(), "headcount", -1)
        for m in self._headcount_few.finditer(text):
            value = 2 if m["two"] else to_number(m["num"])
            if value:
                claim(m.start(), m.end(), "headcount", int(value))
        for m in self._headcount.finditer(text):
            raw = m["num"]
            value = {"上百": 100, "成百": 100, "上千": 1000}.get(raw) or to_number(raw)
            if not value or value > 1_000_000:
                continue
            after = text[m.end() : m.end() + 2]
            if m["noun"] == "人" and after[:1] in ("民", "社", "家", "员") and after != "社保":
                continue
            if raw.isdigit() and text[m.start() - 1 : m.start()] in (".", "-"):
                continue
            if (self._school_year and value < 10 and m["noun"] == "学生" and not m["approx"]
                    and m.group().replace(" ", "") == raw + m["noun"]
                    and self._school_year.search(text, 0, m.start())):
                continue  # "大三学生": the third year, not three students
            if self._headcount_plus and self._headcount_plus.search(text, 0, m.start()):
                value += 1  # "我和另外两个同事", "除了我还有三个": the payer is one more
            claim(m.start(), m.end(), "headcount", int(value))
        for m in self._headcount_after.finditer(text):  # "涉及员工12个", "工人有五十多个"
            value = to_number(m["num"])
            if value and value <= 1_000_000:
                claim(m.start(), m.end(), "headcount", int(value))
        self._counts_after_negation(text, claim)

    def _negated_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each part of a clause that says what a value is not."""
        if self._negation is None:
            return []
        spans, pos = [], 0
        for sep in [*_CLAUSE_END.finditer(text), None]:
            end = sep.start() if sep else len(text)
            m = self._negation.match(text, pos, end)
            if m:
                spans.append((pos, m.end("body")))
            pos = sep.end() if sep else end
        return spans

    def _counts_after_negation(self, text: str, claim) -> None:
        """"不是3个，是7个", "不是我一个人，有5个": the count that corrects a negated count is
        people though no noun follows it."""
        negated = self._negated_spans(text)
        for i, (start, end) in enumerate(negated):
            part = text[start:end]
            if not (self._headcount.search(part) or self._bare_count.search(part)):
                continue
            stop = negated[i + 1][0] if i + 1 < len(negated) else len(text)
            for m in self._bare_count.finditer(text, end, stop):
                value = to_number(m["num"])
                beyond = len(_CLAUSE_END.findall(text, end, m.start())) > 1
                if value and value <= 1_000_000 and not beyond:
                    claim(m.start(), m.end(), "headcount", int(value))
                break

    def _money(self, text: str, claim, today: date) -> None:
        for m in _MONEY_ARABIC.finditer(text):
            if not m["num"]:
                continue
            before = text[m.start("num") - 1 : m.start("num")]
            if not m["cur"] and before.isascii() and before.isalpha():
                continue  # "MA59XXXX1K", "A1027": a code's letters and digits, no sum
            digits = m["num"].replace(",", "")  # a bank slip's 1,280 is 1280
            after = text[m.end() : m.end() + 1]
            explicit = m["cur"] or m["unit"] or m["mag"] or m["big"]
            if not explicit:
                if after and after in _NOT_MONEY_AFTER or len(digits) > 8:
                    continue
                if float(digits) < 100 or not self._has_money_context(text, m.start()):
                    continue
            elif not m["cur"] and not m["unit"] and after and after in _NOT_MONEY_AFTER:
                continue
            number = digits + (m["mag"] or "")
            value = _times_big(to_number(number), m["big"])
            if value is not None and value > 0:
                end = m.end()
                while end > m.start() and text[end - 1] == " ":
                    end -= 1
                start = m.start("cur") if m["cur"] else m.start("num")
                claim(start, end, "money", as_int_if_whole(value))
        for m in _MONEY_CN.finditer(text.translate(self._capitals)):
            raw, end = m["num"], m.end()
            if (len(raw) > 1 and raw.endswith("一") and not m["approx"] and not m["unit"]
                    and self._one_begins_word and text[end : end + 1] in self._one_begins_word):
                raw, end = raw[:-1], end - 1  # "四百二一共…": 一 begins 一共, no digit of 四百二
            after = text[end : end + 1]
            if not m["unit"]:
                if "千" not in raw and "万" not in raw and not m["big"] and not (
                    "百" in raw and self._has_money_context(text, m.start())
                ):
                    continue
                if after and after in _NOT_MONEY_AFTER:
                    continue
            value = _times_big(to_number(raw), m["big"])
            if value and value >= 1:
                claim(m.start(), end, "money", as_int_if_whole(value))

    def _has_money_context(self, text: str, pos: int) -> bool:
        if self._money_context is None:
            return False
        if re.match(r"\s*(?:/月|每月|一个月|块|元)", text[pos:].lstrip("0123456789.")):
            return True
        return bool(self._money_context.search(text[max(0, pos - 10) : pos]))

    def _districts_in(self, text: str, claim, today: date) -> None:
        if self._districts is None:
            return
        pattern, canonical = self._districts
        exact = []
        for m in pattern.finditer(text):
            claim(m.start(), m.end(), "district", canonical[m.group(0)], exclusive=False)
            exact.append(m.span())
        if self._folded_districts is None:
            return
        pattern, canonical = self._folded_districts
        for m in pattern.finditer(text.translate(self._fold)):
            if not any(m.start() < e and s < m.end() for s, e in exact):
                claim(m.start(), m.end(), "district", canonical[m.group(0)], exclusive=False)

    def _employers(self, text: str, claim, today: date) -> None:
        if self._emp_suffix is None:
            return
        found: list[tuple[int, int, str]] = []
        for m in self._emp_suffix.finditer(text):
            start = m.start()
            while start > 0 and m.start() - start < 24 and (
                    text[start - 1] not in self._emp_stop or self._inside_name(text, start - 1)):
                start -= 1
            prefix = text[start : m.start()]
            for word in self._emp_cut:
                cut = prefix.rfind(word)
                if cut >= 0:
                    start += cut + len(word)
                    prefix = text[start : m.start()]
            place = self._place_there_is(prefix)
            if place:
                start += place
                prefix = text[start : m.start()]
            changed = True
            while changed and prefix:
                changed = False
                for p in self._emp_strip:
                    if prefix.startswith(p) and len(prefix) > len(p):
                        prefix, start, changed = prefix[len(p) :], start + len(p), True
                        break
            if len(prefix) < 2 or prefix in self._emp_generic or prefix.isdigit() or any(
                    prefix.startswith(t) and prefix[len(t):] in self._emp_generic
                    for t in self._emp_topic) or (
                    text[start - 1 : start] != "(" and self._place_and_kind(prefix, m.group(0))):
                continue
            end = m.end()
            if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
                outer = start - 1  # "广汽本田(增城工厂)": the plant in brackets after the name
                while outer > 0 and start - outer < 24 and text[outer - 1] not in self._emp_stop:
                    outer -= 1
                if start - 1 - outer >= 2:
                    start, end = outer, end + 1
            found.append((start, end, m.group(0)))
        for i, (start, end, _) in enumerate(found):
            branch = next((s for s, e, tail in found[i + 1:]
                           if s <= start and 0 < e - len(tail) - end <= self._emp_branch_gap
                           and self._emp_branch is not None
                           and self._emp_branch.search(text[:e])), None)
            registered = any(s <= start and tail in self._emp_registered
                             and 0 <= e - len(tail) - end <= self._emp_branch_gap
                             for s, e, tail in found[i + 1:])
            if branch is None and not registered:  # "百佳超市新塘店": the branch's name holds the chain's
                claim(start, end, "employer", text[start:end])
        for m in self._emp_brand.finditer(text) if self._emp_brand else ():
            claim(m.start(), m.end(), "employer", m.group(0))  # "我在海底捞上班": a brand alone

    def _inside_name(self, text: str, i: int) -> bool:
        """Is the stop character at ``i`` part of the name ("永和豆浆店", "华能新能源", "可达电器厂")?
        Only a soft one, after the message's start, a separator or a word that leads a name
        (在, 是, 叫: "我在可达电器厂上班"), not after a pronoun ("我和宏达公司") or a unit
        ("公司和宏达厂")."""
        if text[i] not in self._emp_soft:
            return False
        j = i
        while j > 0 and not (text[j - 1] in self._emp_stop and text[j - 1] not in self._emp_soft):
            j -= 1
        region = text[j:i]
        if any(ch.isdigit() for ch in region) or region.endswith(self._emp_suffix_words):
            return False
        return j == 0 or text[j - 1] in self._emp_lead or not (
            text[j - 1].isalnum() or "\u4e00" <= text[j - 1] <= "\u9fff")

    def _place_and_kind(self, prefix: str, suffix: str) -> bool:
        """Is ``prefix`` + ``suffix`` only a place and a kind of workplace ("朱村街道工地",
        "新塘镇的工厂"), which says where the payer works but names no one?"""
        return (suffix in self._emp_kinds and self._districts is not None
                and self._districts[0].fullmatch(prefix.removesuffix("的")) is not None)

    def _place_there_is(self, prefix: str) -> int:
        """Where the name starts in ``prefix``: after the last known place followed by 有
        ("新塘有宏达厂": 有 as "there is"), else 0. 有 inside a name (宏有电子) stays."""
        if self._districts is None:
            return 0
        end = 0
        for m in self._districts[0].finditer(prefix):
            if prefix.startswith("有", m.end()):
                end = m.end() + 1
        return end

    def _names(self, text: str, claim, today: date) -> None:
        for m in re.finditer(r"(?:我叫|叫我|我的名字是|我名字叫|名字叫|本人|我是|鄙人)\s*", text):
            self._name_at(text, m.end(), claim, need_surname=True)
        for m in re.finditer(r"(?:姓名|名字|联系人|申请人|反映人)\s*[:：是叫为]?\s*", text):
            self._name_at(text, m.end(), claim, need_surname=False)
        for m in re.finditer(r"姓[\u4e00-\u9fff]{1,2}[，,\s]?叫(?=[\u4e00-\u9fff])", text):
            self._name_at(text, m.end(), claim, need_surname=True)  # 我姓黄叫黄丽
        for m in re.finditer(r"(?:我|本人|免贵|^|[，,。\s])姓", text):
            pos = m.end()
            for s in self._surnames:
                if text.startswith(s, pos):
                    after = text[pos + len(s) : pos + len(s) + 1]
                    if re.match(r"[，,\s]?叫", text[pos + len(s) :]):
                        break  # 我姓黄，叫黄丽: the full name follows
                    if not after or after in self._name_stop or after in "，,。 ":
                        claim(pos, pos + len(s), "name", s)
                    break

    def _name_at(self, text: str, pos: int, claim, need_surname: bool) -> None:
        surname = next((s for s in self._surnames if text.startswith(s, pos)), None)
        if need_surname and surname is None:
            return
        if surname is None and text[pos : pos + 1] in _CORRECTION_START:
            return  # "名字写错了" names no one
        if surname is None and text.startswith(self._name_not_start, pos):
            return  # "我说了单位名字 老板会不会知道": the boss is nobody's name
        end = pos + (len(surname) if surname else 0)
        limit = pos + 4
        while end < len(text) and end < limit and _is_cjk(text[end]):
            if text[end] in self._name_stop:
                break
            end += 1
        if end - pos >= 2 and all(_is_cjk(c) for c in text[pos:end]):
            claim(pos, end, "name", text[pos:end])


def _negation_pattern(leads: list[str], turns: list[str]) -> re.Pattern | None:
    """A clause opening with a negation ("不是…", "电话不是…"); ``body`` is what it denies,
    up to a turn word ("不是五个人而是八个人"). 是不是 and 要不是 are no negation."""
    if not leads:
        return None
    lead, turn = one_of(leads), one_of(turns)
    return re.compile(rf"[^，,。!！?？；;\s]{{0,4}}?(?<![是要])(?:{lead})(?P<body>.+?)(?=(?:{turn})|$)")


def _without_negated(found: list, negated: list[tuple[int, int]]) -> list:
    """Drops a value said in a negated part when a value of its type follows outside one."""
    def denied(start: int) -> bool:
        return any(s <= start < e for s, e in negated)

    return [item for item in found
            if not denied(item[0])
            or not any(other[2] == item[2] and other[0] > item[0] and not denied(other[0])
                       for other in found)]


def id_checksum_ok(number: str) -> bool:
    """True when an 18-character 身份证 number has a valid birth date and check digit."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if not _valid_date(number[6:14]):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def _valid_date(yyyymmdd: str) -> bool:
    try:
        date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def homophone_table(groups: list[str]) -> dict[int, str]:
    """``str.translate`` table folding each character of a homophone group onto the group's
    first one; folding keeps the length, so spans stay valid."""
    table = {}
    for group in groups:
        for ch in str(group)[1:]:
            table[ord(ch)] = str(group)[0]
    return table


def _folded_patterns(names: list[str], fold: dict[int, str]
                     ) -> tuple[re.Pattern, dict[str, str]] | None:
    """Full place names (with 镇/街道…) as typed with homophones ("新糖镇" → 新塘镇). Short
    forms are left out: folded, they hide in everyday words (中心 reads as 中新)."""
    canonical = {name.translate(fold): name for name in names if fold and len(name) >= 3}
    if not canonical:
        return None
    return words_regex(canonical), canonical


def _district_patterns(names: list[str]) -> tuple[re.Pattern, dict[str, str]] | None:
    canonical: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    for name in names:
        canonical[name] = name
        short = re.sub(r"(街道|镇|区|县|市|乡|街)$", "", name)
        if len(short) >= 2 and short != name:
            aliases.setdefault(short, set()).add(name)
    for short, owners in aliases.items():
        if len(owners) == 1 and short not in canonical:
            canonical[short] = next(iter(owners))
    if not canonical:
        return None
    return words_regex(canonical), canonical


def _cn_or_int(raw: str) -> int | None:
    value = to_number(raw)
    return int(value) if value is not None else None


def _point_value(m: re.Match, today: date) -> str | None:
    if m["rel"]:
        back = {"上个月": 1, "上月": 1, "上上个月": 2}.get(m["rel"], 0)
        month = today.month - back
        year = today.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return f"{year:04d}-{month:02d}"
    year = None
    if m["y"]:
        raw = m["y"][:-1]
        if raw in ("今", "去", "前", "明", "大前"):
            year = today.year + {"今": 0, "去": -1, "前": -2, "明": 1, "大前": -3}[raw]
        elif raw.isdigit():
            year = int(raw) if len(raw) == 4 else 2000 + int(raw)
            if len(raw) == 2 and year > today.year + 1:
                year -= 100
        else:
            digits = raw.translate(_SPOKEN_DIGITS)  # 二零二三 → 2023, digit by digit
            if not digits.isdigit():
                return None
            year = int(digits)
        if not 1950 <= year <= today.year + 1:
            return None
    if year and m["h"]:  # 去年下半年: July to December of last year
        first, last = (1, 6) if m["h"] == "上" else (7, 12)
        return f"{year:04d}-{first:02d}/{year:04d}-{last:02d}"
    month_raw = m["m"] or m["m2"]
    month = _NAMED_MONTHS.get(month_raw) or (
        _cn_or_int(re.sub(r"月份?$", "", month_raw)) if month_raw else None)
    if year and m["e"]:  # 去年底: December of last year; 前年初: January
        month = 1 if m["e"].endswith("初") else 12
    if month is not None and not 1 <= month <= 12:
        return None
    if year and month:
        return f"{year:04d}-{month:02d}"
    if year:
        return f"{year:04d}"
    return f"--{month:02d}" if month else None


def _dated(value: str, today: date) -> str:
    """"十一月开始没交", "11月到3月": months said without their year are the last such ones up
    to today (a range ending in that month, its start in the year before when later)."""
    first, _, last = value.partition("/")
    if not first.startswith("--"):
        return value
    start = int(first[2:])
    if last.startswith("--"):
        end = int(last[2:])
        year = today.year - (end > today.month)
        return f"{year - (start > end)}{first[1:]}/{year}{last[1:]}"
    first = f"{today.year - (start > today.month)}{first[1:]}"
    return f"{first}/{last}" if last else first


def _inherit_year(first: str, second: str) -> str:
    if second.startswith("--") and len(first) >= 7:
        return first[:4] + second[1:]
    return second


def _duration_months(m: re.Match) -> int | None:
    """Months of a duration; "十来年", "十多年", "10几年" are rough tens (the form keeps the words
    as typed), while 来/多 after any other figure is no count ("一来年纪大了")."""
    raw = m["n"]
    if m["approx"] and not raw.endswith(("十", "0")):
        return None
    if raw == "半":
        value = 0.5
    else:
        number = to_number(raw)
        if number is None or number <= 0:
            return None
        value = number
    if m["half"] or m["more"] == "半":
        value += 0.5
    unit = m["unit"]
    if unit == "年":
        if raw.isdigit() and int(raw) >= 10 and not m["approx"]:
            return None
        return int(value * 12)
    return max(1, int(value))


def _times_big(value: float | None, big: str | None) -> float | None:
    """"五百多万" is 5,000,000: the 万 after 多 multiplies the number before it."""
    if value is None or not big:
        return value
    return value * BIG_UNITS[big]
