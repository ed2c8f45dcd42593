"""Article index of the statute texts in knowledge/statutes/.

`kb check` must prove every cited article exists; the copies live in the repo so the check also
runs where /work/shared/policy/ is absent (CI clones only the repo).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

STATUTES_DIR = Path(__file__).resolve().parent / "statutes"

_NUM = "零〇一二两三四五六七八九十百千"
_ARTICLE_LINE = re.compile(rf"^\s*第([{_NUM}]+)条")
_CITATION = re.compile(r"《([^》]+)》((?:\s*[、和及与,，]?\s*第[^》；;。]*?条(?:第[^》；;。]*?款)?)+)")
_ARTICLE = re.compile(rf"第([{_NUM}\d]+)条")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """Chinese (or Arabic) numeral as used in article numbers → int; 0 when unparsable."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            return 0
    return total + digit


@dataclass
class StatuteIndex:
    """Statute title → set of article numbers; titles with editions default to the newest."""

    articles: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | str | None = None) -> StatuteIndex:
        directory = Path(directory) if directory else STATUTES_DIR
        index = cls()
        if not directory.is_dir():
            return index
        for path in sorted(directory.glob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            found = set()
            for line in path.read_text(encoding="utf-8").splitlines():
                m = _ARTICLE_LINE.match(line)
                if m:
                    found.add(cn_to_int(m.group(1)))
            if found:
                index.articles[path.stem] = found
        return index

    def resolve(self, title: str) -> str | None:
        """Map a cited title (《社会保险法》, 《中华人民共和国行政复议法》) to a file stem."""
        name = title.strip().removeprefix("中华人民共和国")
        name = re.sub(r"[（(]\s*(\d{4})\s*年?\s*(修订|修正)\s*[)）]", r"_\1\2", name)
        if name in self.articles:
            return name
        editions = sorted(s for s in self.articles if s.split("_", 1)[0] == name)
        return editions[-1] if editions else None

    def has(self, title: str, article: int) -> bool:
        stem = self.resolve(title)
        return stem is not None and article in self.articles[stem]


def parse_citations(source: str) -> list[tuple[str, list[int]]]:
    """All (title, [article numbers]) pairs cited in a source string."""
    out = []
    for m in _CITATION.finditer(source):
        numbers = [cn_to_int(a) for a in _ARTICLE.findall(m.group(2))]
        out.append((m.group(1), numbers))
    return out
