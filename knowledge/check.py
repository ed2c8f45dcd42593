"""`kb check`: schema, near-duplicate questions and cited articles, one line per problem.

Run in CI before merging entry edits: a paraphrase that collides with another entry's questions
silently steals its traffic, and a mistyped article number would be shown to payers as law.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from pathlib import Path

from .entries import Entry, load_entries
from .kb import load_lexicon
from .retrieval import PayerGroup, Requirement
from .statutes import StatuteIndex, parse_citations
from .textnorm import Tokenizer, clean

# Source parts that need no statute citation: local rules, current practice, the seed documents.
NON_STATUTE_SOURCES = ("各地规定", "以当地公布为准", "现行做法", "本地社保费征缴争议处理机制")
NEAR_DUPLICATE = 0.8  # char-bigram Jaccard between texts of different entries


def _bigrams(text: str) -> frozenset[str]:
    s = clean(text).replace(" ", "")
    return frozenset(s[i:i + 2] for i in range(len(s) - 1)) or frozenset([s])


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def check_sources(entries: list[Entry], statutes: StatuteIndex) -> list[str]:
    """Every source part is a known label or cites articles that exist in knowledge/statutes/."""
    problems = []
    for e in entries:
        for part in (p.strip() for p in e.source.replace(";", "；").split("；")):
            if not part:
                continue
            citations = parse_citations(part)
            if not citations:
                if part not in NON_STATUTE_SOURCES:
                    problems.append(f"{e.file}:{e.id}: source '{part}' names no statute article")
                continue
            for title, numbers in citations:
                if statutes.resolve(title) is None:
                    problems.append(f"{e.file}:{e.id}: unknown statute 《{title}》")
                    continue
                if not numbers:
                    problems.append(f"{e.file}:{e.id}: 《{title}》 cited without an article")
                for n in numbers:
                    if not statutes.has(title, n):
                        problems.append(f"{e.file}:{e.id}: 《{title}》 has no article {n}")
    return problems


def check_duplicates(entries: list[Entry], threshold: float = NEAR_DUPLICATE) -> list[str]:
    """Identical or near-identical question/paraphrase texts in two different entries."""
    problems = []
    texts = [(e, t, _bigrams(t)) for e in entries for t in e.texts]
    by_entry: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for e, t, g in texts:
        by_entry.setdefault(e.id, []).append((t, g))
    for a, b in combinations(entries, 2):
        for ta, ga in by_entry[a.id]:
            for tb, gb in by_entry[b.id]:
                sim = jaccard(ga, gb)
                if sim >= threshold:
                    problems.append(
                        f"{a.file}:{a.id} / {b.file}:{b.id}: near-duplicate questions "
                        f"'{ta}' ~ '{tb}' ({sim:.2f})")
    return problems


def check_requires(entries: list[Entry]) -> list[str]:
    """An entry's own question and paraphrases must name one of its `requires` words: otherwise
    the rule would rank down the very phrasings the entry was written for."""
    if not any(e.requires for e in entries):
        return []
    tokenizer = _tokenizer()
    problems = []
    for e in entries:
        need = Requirement.of(e.requires, tokenizer.lexicon.synonyms)
        for text in e.texts if e.requires else ():
            if not need.met(tokenizer.tokens(text), clean(text).replace(" ", "")):
                problems.append(f"{e.file}:{e.id}: '{text}' names none of requires "
                                f"{list(e.requires)}")
    return problems


def check_payer_groups(entries: list[Entry]) -> list[str]:
    """An entry's `excludes` and `only_for` name payer groups that lexicon.yaml `payer_groups`
    defines (a misspelt group would silently exclude nothing, or everything), none of its own
    texts is about a group it excludes, and each is about a group it is only for: otherwise the
    rule would drop the very phrasings the entry was written for."""
    if not any(e.excludes or e.only_for for e in entries):
        return []
    tokenizer = _tokenizer()
    lexicon = tokenizer.lexicon
    groups = {name: PayerGroup.of(names, unless, lexicon.synonyms)
              for name, (names, unless) in lexicon.payer_groups.items()}
    problems = []
    for e in entries:
        about = []
        for text in e.texts:
            corrected = lexicon.correct(text)
            tokens, flat = tokenizer.analyse(corrected)[0], clean(corrected).replace(" ", "")
            about.append((text, {n for n, g in groups.items() if g.named(tokens, flat)}))
        for key, names in (("excludes", e.excludes), ("only_for", e.only_for)):
            for name in names:
                group = groups.get(name)
                if group is None or not group.names.words:
                    problems.append(f"{e.file}:{e.id}: {key} unknown payer group '{name}' "
                                    f"(lexicon.yaml payer_groups: {sorted(groups)})")
        for text, named in about:
            if named & set(e.excludes):
                problems.append(f"{e.file}:{e.id}: '{text}' is about excluded payer group "
                                f"{sorted(named & set(e.excludes))}")
            if e.only_for and not named & set(e.only_for) and set(e.only_for) <= set(groups):
                problems.append(f"{e.file}:{e.id}: '{text}' is about none of only_for "
                                f"{list(e.only_for)}")
    return problems


@lru_cache(maxsize=1)
def _tokenizer() -> Tokenizer:
    """jieba is loaded once per process, and only when some entry has `requires`,
    `excludes` or `only_for`."""
    return Tokenizer(load_lexicon())


def run_check(entries_dir: Path | str | None = None, statutes_dir: Path | str | None = None,
              raw_config: dict | None = None) -> list[str]:
    """All problems found in the entries; an empty list means the knowledge base is valid."""
    loaded = load_entries(entries_dir, raw_config)
    problems = list(loaded.problems)
    if not loaded.entries and not problems:
        problems.append("no entries found")
    statutes = StatuteIndex.load(statutes_dir)
    if not statutes.articles:
        problems.append("no statute texts found (knowledge/statutes/*.md)")
    else:
        problems += check_sources(loaded.entries, statutes)
    problems += check_duplicates(loaded.entries)
    problems += check_requires(loaded.entries)
    problems += check_payer_groups(loaded.entries)
    return problems
