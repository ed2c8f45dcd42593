"""Text normalisation and tokenisation shared by the index and the queries.

Payers type 咋/怎么, 社保/社会保险费, 公司/单位/老板 interchangeably; mapping every variant to one
canonical token on both sides lets BM25 match them. A private jieba.Tokenizer keeps our custom
words out of the global jieba used by other modules.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.nlu.dataset import load_rules
from bot.nlu.normalize import latin_map, variant_table
from bot.nlu.segment import private_tokenizer
from bot.word_patterns import one_of

try:  # the regex parser `_needed_chars` reads (Python 3.11+; before, sre_parse)
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _sre
    import sre_parse as _sre_parse
_ATOMIC_GROUP = getattr(_sre, "ATOMIC_GROUP", object())  # (?>…), 3.11+
_REPEATS = tuple(getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(_sre, name))

_MODAL = set("要能想会可该去来就还再都得")
# jieba also glues a question word or a pronoun to the next verb (咋查, 我交, 俺交): split those
# the same way, so 咋查 counts as 怎么 + 查询 and 我交了 as 缴费 like 交了 does
_GLUED = _MODAL | set("咋啥我俺你他她")
ANALYSES_KEPT = 512
_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-z‰%]+")


_CLEANED: dict[str, str] = {}


def clean(text: str) -> str:
    """NFKC, lower case, collapse everything that is not CJK/letter/digit to one space.

    Remembered per text (the last `ANALYSES_KEPT`): one question is cleaned again by each
    rule that reads it (scope's six, the follow-up reading, retrieval), ~8 times a policy
    question; the result depends on the text alone."""
    done = _CLEANED.get(text)
    if done is None:
        done = " ".join(_KEEP.findall(unicodedata.normalize("NFKC", text or "").lower()))
        if isinstance(text, str):
            if len(_CLEANED) >= ANALYSES_KEPT:
                _CLEANED.clear()
            _CLEANED[text] = done
    return done


def _bigrams(s: str) -> list[str]:
    return [s[i:i + 2] for i in range(len(s) - 1)] if len(s) >= 2 else ([s] if s else [])


class Analysis(NamedTuple):
    """What the ranking needs from one text.

    tokens: canonical, without stop words, plus the tokens the regex rewrites add.
    bigrams: character bigrams of the canonicalised text (robust to typos jieba splits oddly).
    topic_bigrams: the same over the text without weak words, so "…是公司交还是个人交" shared
    with another entry does not count as covering the question's topic.
    """

    tokens: list[str]
    bigrams: list[str]
    topic_bigrams: list[str]


NEVER = re.compile("(?!)")


def _needed_chars(pattern: re.Pattern) -> frozenset[str] | None:
    """Characters of which every match of `pattern` contains one, or None when that cannot
    be told. A rewrite whose characters a question lacks need not be searched: searching
    all 115 was half of `Tokenizer.analyse`."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        needs = _needed_in(list(_sre_parse.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - an internal parser may change: then search always
        return None
    return min(needs, key=len) if needs else None


def _needed_in(items) -> list[frozenset[str]]:
    """A sequence matches all its items, so it needs what each of them needs."""
    return [need for op, av in items for need in _needed_by(op, av)]


def _needed_by(op, av) -> list[frozenset[str]]:
    if op is _sre.LITERAL:
        return [frozenset(chr(av))]
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] <= 64:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # NEGATE, a category (\d, \w…), a wide range
                return []
        return [frozenset(chars)]
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return [] if add_flags & re.IGNORECASE else _needed_in(sub)
    if op is _ATOMIC_GROUP:
        return _needed_in(av)
    if op is _sre.BRANCH:  # one of the alternatives matches: what the smallest need of each
        union: set[str] = set()
        for alternative in av[1]:
            needs = _needed_in(alternative)
            if not needs:
                return []
            union |= min(needs, key=len)
        return [frozenset(union)]
    if op in _REPEATS:
        low, _high, sub = av
        return _needed_in(sub) if low >= 1 else []
    return []  # anchors, lookarounds (they consume nothing), any character, backrefs


def _alternation(alternatives: list | None, frame: str = "{}") -> re.Pattern:
    """One regex of a YAML list of alternatives, set in `frame`; a missing list never matches."""
    if not alternatives:
        return NEVER
    return re.compile(frame.format("|".join(str(a) for a in alternatives)))


@dataclass
class Lexicon:
    """Synonym groups, stop words and weak words loaded from data/lexicon.yaml."""

    synonyms: dict[str, str] = field(default_factory=dict)  # variant → canonical
    stopwords: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()  # kept for ranking, not counted as meaningful overlap
    words: tuple[str, ...] = ()  # extra jieba words
    rewrites: tuple[tuple[re.Pattern, str], ...] = ()  # pattern over cleaned text → extra token
    facets: dict[str, str] = field(default_factory=dict)  # canonical token → insurance type
    typos: tuple[tuple[str, str], ...] = ()  # (misspelling, correction) on the raw text
    variants: dict[int, str] = field(default_factory=dict)  # traditional → simplified
    # pinyin and English words (居民yibao, shebao) read as the dispatcher reads them for the chat
    latin: Callable[[str], str] = str
    counts: re.Pattern | None = None  # a duration or amount token (四年, 一分钱)
    places: frozenset[str] = frozenset()  # provinces and cities (深圳, 湖南): where, not what
    dismissals: tuple[re.Pattern, ...] = ()  # a topic the payer says is not the question
    asks_after: tuple[re.Pattern, ...] = ()  # a marker the question follows (…，咨询…)
    asks_story: tuple[re.Pattern, ...] = ()  # …unless it asks only where to go (向哪个部门)
    points_back: re.Pattern = NEVER  # 这种情况: the last clause needs the story before it
    pleas: re.Pattern = NEVER  # 真不知道怎么办 / 求求你们帮帮忙: a whole clause that asks nothing
    self_described: re.Pattern = NEVER  # 像我这样(自己做小生意的): says who, points back at nothing
    another_question: re.Pattern = NEVER  # 另外 / 顺便问一下 at a clause's start, one group
    # kinds of payer an entry may exclude (`excludes`): name → (words naming it, words unless)
    payer_groups: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: dict) -> Lexicon:
        synonyms: dict[str, str] = {}
        for canonical, variants in (raw.get("synonyms") or {}).items():
            for v in [canonical, *(variants or [])]:
                synonyms[clean(str(v)).replace(" ", "")] = str(canonical)
        # dialect words (老细, 点样) are read as Mandarin the same way as misspellings
        typos = {clean(str(k)).replace(" ", ""): str(v)
                 for section in ("typos", "dialect", "exclamations")
                 for k, v in (raw.get(section) or {}).items()}
        looping = [k for k, v in typos.items() if not k or k in v]
        if looping:
            raise ValueError(f"typos whose correction contains the misspelling: {looping}")
        places = tuple(str(p) for p in raw.get("places") or ())
        alternation = one_of(places)
        return cls(
            synonyms=synonyms,
            stopwords=frozenset(str(w) for w in raw.get("stopwords") or ()),
            weak=frozenset(str(w) for w in raw.get("weak") or ()),
            words=tuple(str(w) for w in raw.get("words") or ()),
            # "{places}" in a pattern stands for any place name of the list
            rewrites=tuple((re.compile(str(r["pattern"]).replace("{places}", alternation)),
                            str(r["add"]))
                           for r in raw.get("rewrites") or ()),
            facets={str(t): str(name) for name, toks in (raw.get("facets") or {}).items()
                    for t in toks or ()},
            typos=tuple(sorted(typos.items(), key=lambda kv: -len(kv[0]))),
            counts=re.compile(str(raw["counts"])) if raw.get("counts") else None,
            places=frozenset(places),
            dismissals=tuple(re.compile(str(p)) for p in raw.get("dismissals") or ()),
            asks_after=tuple(re.compile(str(p)) for p in raw.get("asks_after") or ()),
            asks_story=tuple(re.compile(str(p)) for p in raw.get("asks_story") or ()),
            points_back=_alternation(raw.get("points_back")),
            pleas=_alternation(raw.get("pleas"), "(?:{})"),
            self_described=_alternation(raw.get("self_described")),
            # the one group is the marker, so split(text)[::2] gives the questions
            another_question=_alternation(raw.get("another_question"),
                                          r"(?:^|[\s，。！？；,.!?;])({})"),
            latin=latin_map(load_rules().get("replacements")),
            variants={**variant_table(load_rules().get("traditional")),
                      **variant_table(raw.get("traditional"))},
            payer_groups={str(name): (tuple(str(w) for w in (group or {}).get("names") or ()),
                                      tuple(str(w) for w in (group or {}).get("unless") or ()))
                          for name, group in (raw.get("payer_groups") or {}).items()},
        )

    def correct(self, text: str) -> str:
        """`text` in simplified characters (醫 → 医: the NLU's table and lexicon.yaml's
        `traditional`) with the known misspellings of domain words fixed (社包 → 社保, 公伤 → 工伤)
        and pinyin and English words read as Chinese as the dispatcher reads them for the chat
        (居民yibao → 居民医保: rules.yml `replacements`, bot/nlu/pinyin.yaml), so `kb ask` and the
        chat read a question alike.

        Done on the surface, before anything reads the question, so that the rewrites, the
        domain gate, the out-of-scope and unanswered words all see the word a synonym alone
        would only fix for ranking ("不给俺上社包" must still read as 欠缴). Longest first; a
        correction never contains its misspelling, so correcting twice changes nothing.
        A topic the payer sets aside ("不是问养老 是问…", "公积金我不管", "我没有工伤 就是想知道…")
        is cut out the same way (`dismissals`): every rule would otherwise read it as the topic.
        Remembered per text (the last `ANALYSES_KEPT`): a question is corrected several times.
        """
        if not text or not (self.typos or self.variants or self.dismissals):
            return text
        memo = self.__dict__.get("_corrected")
        if memo is None or memo[0] != (self.typos, self.variants, self.dismissals):
            memo = self.__dict__["_corrected"] = ((self.typos, self.variants, self.dismissals), {})
        done = memo[1].get(text)
        if done is None:
            if len(memo[1]) >= ANALYSES_KEPT:
                memo[1].clear()
            done = memo[1][text] = self._correct(text)
        return done

    def _correct(self, text: str) -> str:
        text = self.latin(unicodedata.normalize("NFKC", text).lower().translate(self.variants))
        for wrong, right in self.typos:
            if wrong in text:
                text = text.replace(wrong, right)
        for pattern in self.dismissals:
            text = pattern.sub(" ", text)
        return text

    def facets_of(self, tokens: Iterable[str]) -> set[str]:
        """Insurance types (养老, 医疗…) that these canonical tokens name."""
        return {self.facets[t] for t in tokens if t in self.facets}


class Tokenizer:
    """jieba cut → synonym mapping → stop-word removal; built once per knowledge base."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._jieba = private_tokenizer()
        for word in {*lexicon.synonyms, *lexicon.words, *lexicon.places}:
            if len(word) > 1:
                self._jieba.add_word(word, freq=200000)
        self._rewrites_of: tuple | None = None
        self._rewrite_index: tuple[dict[str, tuple[int, ...]], tuple[int, ...]] = ({}, ())
        self._analyses: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._analyses_of: tuple = ()  # the lexicon and rewrites they were made with

    def _rewrites_for(self, flat: str) -> list[tuple[re.Pattern, str]]:
        """The rewrites that may match `flat`, in the lexicon's order: those with one of
        their needed characters (`_needed_chars`) in it, and those that need none."""
        rewrites = self.lexicon.rewrites
        if self._rewrites_of is not rewrites:
            index: dict[str, list[int]] = {}
            always = []
            for i, (pattern, _tok) in enumerate(rewrites):
                needs = _needed_chars(pattern)
                if needs is None:
                    always.append(i)
                for char in needs or ():
                    index.setdefault(char, []).append(i)
            self._rewrite_index = ({c: tuple(ids) for c, ids in index.items()}, tuple(always))
            self._rewrites_of = rewrites
        index, always = self._rewrite_index
        ids = set(always)
        for char in set(flat):
            found = index.get(char)
            if found:
                ids.update(found)
        return [rewrites[i] for i in sorted(ids)]

    def canonical_tokens(self, text: str) -> list[str]:
        """All tokens after synonym mapping, stop words included (for bigrams)."""
        out: list[str] = []
        for chunk in clean(text).split():
            for tok in self._jieba.lcut(chunk, HMM=True):
                tok = tok.strip()
                if not tok:
                    continue
                if tok in self.lexicon.synonyms:
                    out.append(self.lexicon.synonyms[tok])
                elif len(tok) == 2 and tok[0] in _GLUED and tok[1] in self.lexicon.synonyms:
                    # jieba glues modal verbs, question words and pronouns to the next
                    # character (要开, 能领, 咋查, 我交): split them
                    out.extend([self.lexicon.synonyms.get(tok[0], tok[0]),
                                self.lexicon.synonyms[tok[1]]])
                else:
                    out.append(tok)
        return out

    def analyse(self, text: str) -> Analysis:
        """Tokens, bigrams and topic bigrams of `text` from one jieba pass.

        Remembered per text (the last `ANALYSES_KEPT`): a policy question is analysed about
        six times (the ranking, the follow-up readings, the clauses), mostly the same texts;
        each call gets lists of its own."""
        memo, lexicon = self._analyses, self.lexicon
        of = self._analyses_of
        if not of or of[0] is not lexicon or of[1] is not lexicon.rewrites:
            memo.clear()
            self._analyses_of = (lexicon, lexicon.rewrites)
        kept = memo.get(text)
        if kept is None:
            if len(memo) >= ANALYSES_KEPT:
                memo.clear()
            kept = memo[text] = tuple(map(tuple, self._analyse(text)))
        return Analysis(list(kept[0]), list(kept[1]), list(kept[2]))

    def _analyse(self, text: str) -> Analysis:
        stop, weak = self.lexicon.stopwords, self.lexicon.weak
        text = self.lexicon.correct(text)
        kept = [t for t in self.canonical_tokens(text) if t not in stop]
        toks = list(kept)
        if self.lexicon.rewrites:
            flat = clean(text).replace(" ", "")
            toks += [tok for pat, tok in self._rewrites_for(flat)
                     if pat.search(flat) and tok not in toks]
        return Analysis(toks, _bigrams("".join(kept)),
                        _bigrams("".join(t for t in kept if t not in weak)))

    def tokens(self, text: str) -> list[str]:
        """Ranking tokens: canonical, without stop words, plus rewrite tokens."""
        return self.analyse(text).tokens

    def meaningful(self, tokens: list[str]) -> set[str]:
        """Tokens that carry topic: not weak, not single characters."""
        return {t for t in tokens if t not in self.lexicon.weak and len(t) > 1}
