"""Loading, schema validation and rendering of the YAML entries in knowledge/entries/.

Entries are data reviewed by people; the loader renders local values from config (contribution
base, deadlines) into `{placeholders}` so the answer quotes what this deployment publishes.
"""
from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ENTRIES_DIR = Path(__file__).resolve().parent / "entries"
MAX_ANSWER_CHARS = 300
MIN_PARAPHRASES = 4
REQUIRED = ("id", "question", "paraphrases", "answer", "source", "tags", "reviewed")
# libyaml's loader when PyYAML was built with it: a third of the start-up time otherwise
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """yaml.safe_load, through libyaml when available (same safe constructors)."""
    return yaml.load(text, Loader=_LOADER)  # a SafeLoader: no arbitrary objects


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    paraphrases: tuple[str, ...]
    answer: str  # rendered, placeholders filled
    source: str
    tags: tuple[str, ...]
    reviewed: str
    file: str = ""
    hotline: str | None = None
    # optional: words of which the question must contain one, or the entry ranks lower; for an
    # entry that is a special case of a sibling (不办登记 vs 不缴费, 不满15年 vs 满15年)
    requires: tuple[str, ...] = ()
    # optional: kinds of payer (lexicon.yaml `payer_groups`, e.g. 居民) the entry never answers:
    # an employer's duty is no answer for a child's 城乡居民医保 however many words they share
    excludes: tuple[str, ...] = ()
    # optional: the entry answers only questions about one of these payer groups (居民: a
    # resident's scheme has its own entry on a lapse, which no employee's question should get)
    only_for: tuple[str, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.question, *self.paraphrases)


@dataclass
class LoadResult:
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _fmt_money(value: Any) -> str:
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"


def _pct(ratio: Any) -> str:
    return f"{float(ratio) * 100:g}%"


def placeholders(raw_config: dict | None) -> dict[str, str]:
    """Values for `{name}` in answers, from config.raw; fall back to '以当地公布为准'."""
    raw = raw_config or {}
    base = raw.get("contribution_base") or {}
    lower_r, upper_r = base.get("lower_ratio"), base.get("upper_ratio")
    lower, upper = base.get("lower_monthly"), base.get("upper_monthly")
    avg = base.get("average_wage_monthly")
    year = base.get("year")
    try:
        if lower is None and avg and lower_r:
            lower = float(avg) * float(lower_r)
        if upper is None and avg and upper_r:
            upper = float(avg) * float(upper_r)
        year_txt = f"{int(year)}年" if year else ""
        if lower and upper:
            local = f"本地{year_txt}缴费基数下限为每月{_fmt_money(lower)}元、上限为每月{_fmt_money(upper)}元"
        elif lower_r and upper_r:
            local = (f"本地{year_txt}按社会平均工资的{_pct(lower_r)}至{_pct(upper_r)}确定上下限，"
                     "具体金额以当地公布为准")
        else:
            local = "本地具体上下限以当地公布为准"
    except (TypeError, ValueError):
        local = "本地具体上下限以当地公布为准"
    deadlines = raw.get("deadlines") or {}

    def days(key: str) -> str:
        value = deadlines.get(key)
        try:
            return f"{int(value)}个工作日内" if value is not None else "规定时限内"
        except (TypeError, ValueError):
            return "规定时限内"

    return {
        "contribution_base_local": local,
        "deadline_simple": days("simple"),
        "deadline_general": days("general"),
        "deadline_major": days("major"),
    }


class _Strict(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def render(template: str, values: dict[str, str]) -> str:
    return string.Formatter().vformat(template, (), _Strict(values))


def validate_raw(item: Any, where: str, values: dict[str, str]) -> list[str]:
    """Schema problems of one raw YAML entry, each as one line naming the entry."""
    if not isinstance(item, dict):
        return [f"{where}: entry is not a mapping"]
    eid = item.get("id") or "?"
    where = f"{where}:{eid}"
    problems = [f"{where}: missing field '{k}'" for k in REQUIRED if item.get(k) in (None, "")]
    paras = item.get("paraphrases")
    if paras is not None and (not isinstance(paras, list) or len(paras) < MIN_PARAPHRASES):
        problems.append(f"{where}: needs at least {MIN_PARAPHRASES} paraphrases")
    elif isinstance(paras, list) and any(not isinstance(p, str) or not p.strip() for p in paras):
        problems.append(f"{where}: empty paraphrase")
    requires = item.get("requires")
    if requires is not None and (not isinstance(requires, list)
                                 or any(not isinstance(w, str) or not w.strip() for w in requires)):
        problems.append(f"{where}: requires must be a list of words")
    for key in ("excludes", "only_for"):
        groups = item.get(key)
        if groups is not None and (not isinstance(groups, list) or not groups
                                   or any(not isinstance(w, str) or not w.strip() for w in groups)):
            problems.append(f"{where}: {key} must be a list of payer group names")
    tags = item.get("tags")
    if tags is not None and (not isinstance(tags, list) or not tags):
        problems.append(f"{where}: tags must be a non-empty list")
    reviewed = item.get("reviewed")
    if reviewed is not None and not isinstance(reviewed, dt.date):
        try:
            dt.date.fromisoformat(str(reviewed))
        except ValueError:
            problems.append(f"{where}: reviewed must be a date (YYYY-MM-DD)")
    answer = item.get("answer")
    if isinstance(answer, str):
        try:
            text = render(answer, values)
        except (KeyError, ValueError, IndexError) as exc:
            problems.append(f"{where}: bad placeholder in answer ({exc})")
        else:
            if len(text) > MAX_ANSWER_CHARS:
                problems.append(f"{where}: answer has {len(text)} chars (max {MAX_ANSWER_CHARS})")
    return problems


def load_entries(directory: Path | str | None = None, raw_config: dict | None = None) -> LoadResult:
    """Read every *.yaml under `directory`; invalid entries are reported and skipped."""
    directory = Path(directory) if directory else ENTRIES_DIR
    values = placeholders(raw_config)
    result = LoadResult()
    seen: set[str] = set()
    for path in sorted(directory.glob("*.y*ml")):
        try:
            data = load_yaml(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            result.problems.append(f"{path.name}: invalid YAML ({exc.__class__.__name__})")
            continue
        if isinstance(data, dict):
            data = data.get("entries") or []
        for item in data:
            problems = validate_raw(item, path.name, values)
            if not problems and item["id"] in seen:
                problems = [f"{path.name}:{item['id']}: duplicate id"]
            if problems:
                result.problems.extend(problems)
                continue
            seen.add(item["id"])
            result.entries.append(Entry(
                id=str(item["id"]),
                question=str(item["question"]).strip(),
                paraphrases=tuple(str(p).strip() for p in item["paraphrases"]),
                answer=render(str(item["answer"]), values).strip(),
                source=str(item["source"]).strip(),
                tags=tuple(str(t) for t in item["tags"]),
                reviewed=str(item["reviewed"]),
                file=path.name,
                hotline=str(item["hotline"]) if item.get("hotline") else None,
                requires=tuple(str(w) for w in item.get("requires") or ()),
                excludes=tuple(str(w).strip() for w in item.get("excludes") or ()),
                only_for=tuple(str(w).strip() for w in item.get("only_for") or ()),
            ))
    return result
