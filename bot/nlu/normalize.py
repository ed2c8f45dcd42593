"""Text normalisation that remembers where every character came from.

Payers type on phones: full-width digits, emoji, WeChat face codes (``[捂脸]``), runs of
``！！！``, homophone typos (社宝, 交社保) and pinyin or English words (gongsi没交shebao).
Classification and entity extraction run on the cleaned text, but entity spans must point
into the original message, so each output character keeps the index of the input character
it came from.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.word_patterns import words_regex

PINYIN = {str(k).lower(): str(v) for k, v in (yaml.safe_load(
    (Path(__file__).resolve().parent / "pinyin.yaml").read_text("utf-8")) or {}).items()}
"""Pinyin spellings of key terms (linghuo jiuye, tuixiu) read beside rules.yml's words."""

_WECHAT_FACE = re.compile(r"\[[\u4e00-\u9fff]{1,4}\]")
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"
    "\U00002600-\U000027bf"
    "\U0001f1e6-\U0001f1ff"
    "\u2b00-\u2bff"
    "\u2300-\u23ff"
    "\ufe0e\ufe0f\u200d\u20e3"
    "]"
)
_PUNCT_RUN = re.compile(r"([!?,.~。，！？、…\-=*#\s])\1+")
_SPACES = re.compile(r"\s+")
_LATIN_KEY = re.compile(r"^[a-z0-9' ]+$")
_HAS_LATIN = re.compile(r"[a-z]")
_ANY_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Normalized:
    """Cleaned text plus ``index[i]`` = position in the original text of ``text[i]``."""

    text: str
    index: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the cleaned text back to the original text."""
        if start >= end or not self.index:
            return start, end
        return self.index[start], self.index[end - 1] + 1


def _fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        ch = chr(code - 0xFEE0)
        code = ord(ch)
    elif code == 0x3000:
        ch = " "
    if ch.isascii():
        return " " if code < 32 or code == 127 else ch.lower()
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Zs"):
        return " "
    return ch


class _FoldTable(dict):
    """``str.translate`` table of `_fold_char`, filled as characters turn up: folding a
    message one character at a time in Python cost a call per character, several times a
    message. Bounded, so a flood of distinct characters cannot grow it without end."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < FOLD_TABLE_SIZE:
            self[code] = folded
        return folded


FOLD_TABLE_SIZE = 50_000
_FOLD = _FoldTable()


def word_map(mapping: dict[str, str] | None):
    """A function replacing whole words of ``mapping`` (longest first) in a text, for code
    that reads a payer's words without the full normalisation: the form checks a name or an
    employer on the Mandarin reading of dialect words (rules.yml ``dialect``)."""
    table = dict(mapping or {})
    if not table:
        return lambda text: text
    pattern = words_regex(table)
    # memoised: the form's checks read one message's words this way ~17 times
    return functools.lru_cache(maxsize=64)(
        lambda text: pattern.sub(lambda m: table[m.group(0)], text or ""))


def latin_map(replacements: dict[str, str] | None):
    """A function reading the pinyin and English words of rules.yml ``replacements`` as
    Chinese ("gongsi没交shebao" is "公司没交社保", "SB停了" is "社保停了"), leaving the rest of
    the payer's words as typed: what the dispatcher hands every handler, so the form stores
    and the knowledge base reads the Chinese."""
    table = {**PINYIN, **{str(k).lower(): str(v) for k, v in (replacements or {}).items()}}
    pattern = _latin_pattern(table, re.IGNORECASE)
    if pattern is None:
        return lambda text: text
    return lambda text: (pattern.sub(lambda m: table[m.group(0).lower()], text)
                         if text and _ANY_LATIN.search(text) else text or "")


def _latin_pattern(table: dict[str, str], flags: int = 0) -> re.Pattern | None:
    """The keys with Latin letters, longest first: letters-only keys match as whole words
    (so "hr" is not found inside "three" nor "ok" inside "book"); "sb断" anywhere."""
    keys = sorted((k for k in table if _HAS_LATIN.search(k)), key=len, reverse=True)
    whole = [re.escape(k) for k in keys if _LATIN_KEY.match(k)]
    mixed = [re.escape(k) for k in keys if not _LATIN_KEY.match(k)]
    parts = ([f"(?<![a-z0-9])(?:{'|'.join(whole)})(?![a-z0-9])"] if whole else []) + mixed
    return re.compile("|".join(parts), flags) if parts else None


def variant_table(pairs: str | None) -> dict[int, str]:
    """``str.translate`` table from rules.yml's ``traditional`` list ("這这 們们 …"): one
    character for one, so positions in the message stay valid."""
    table: dict[int, str] = {}
    for pair in (pairs or "").split():
        if len(pair) != 2:
            raise ValueError(f"rules.yml traditional: {pair!r} is not two characters")
        if pair[0] != pair[1]:
            table[ord(pair[0])] = pair[1]
    return table


class Normalizer:
    """Applies width folding, traditional → simplified characters, emoji stripping,
    punctuation collapsing, pinyin/English words and typo fixes."""

    def __init__(self, replacements: dict[str, str] | None = None,
                 variants: dict[int, str] | None = None) -> None:
        self.variants = dict(variants or {})
        table = {**PINYIN, **{str(k).lower(): str(v) for k, v in (replacements or {}).items()}}
        self._replacements = table
        self._latin = _latin_pattern(table)
        typos = [k for k in table if not _HAS_LATIN.search(k)]
        self._typo = words_regex(typos) if typos else None

    def __call__(self, raw: str) -> Normalized:
        text, index = raw.translate(self.variants).translate(_FOLD), list(range(len(raw)))
        text, index = _sub(_WECHAT_FACE, lambda m: "", text, index)
        text, index = _sub(_EMOJI, lambda m: "", text, index)
        text, index = _sub(_PUNCT_RUN, lambda m: m.group(1), text, index)
        text, index = _sub(_SPACES, lambda m: " ", text, index)
        if self._latin is not None and _HAS_LATIN.search(text):
            text, index = _sub(self._latin, lambda m: self._replacements[m.group(0)], text, index)
        if self._typo is not None:
            text, index = _sub(self._typo, lambda m: self._replacements[m.group(0)], text, index)
        start, end = 0, len(text)
        while start < end and text[start] == " ":
            start += 1
        while end > start and text[end - 1] == " ":
            end -= 1
        return Normalized(text[start:end], tuple(index[start:end]))


def _sub(pattern: re.Pattern, repl, text: str, index: list[int]) -> tuple[str, list[int]]:
    """``re.sub`` that carries the index list along; replaced chars map onto the match."""
    out: list[str] = []
    out_index: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_index.extend(index[pos : m.start()])
        new = repl(m)
        width = m.end() - m.start()
        out.append(new)
        out_index.extend(index[m.start() + min(k, width - 1)] for k in range(len(new)))
        pos = m.end()
    if pos == 0:
        return text, index
    out.append(text[pos:])
    out_index.extend(index[pos:])
    return "".join(out), out_index
