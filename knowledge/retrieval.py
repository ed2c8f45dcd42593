"""BM25 ranking of entries (rank-bm25) over jieba word tokens plus character bigrams.

BM25Okapi scoring with Lucene's idf (`BM25Lucene`): never negative, so a word crossing half of
the entries does not jump in weight as entries are added (settings.yaml `bm25`).

Two views of each entry, averaged ("both", measured in bench/kb_bench.py --calibrate): every
question/paraphrase as its own document (best one counts: exact colloquial hits win) and all of
them concatenated (broad topical matches). Bigrams rescue typos and words jieba cuts oddly.

BM25 alone prefers the entry whose paraphrase shares the most filler, so the shortlist is
re-ranked by coverage: how much of the question's topic words the entry knows. An entry that is
about one insurance type other than those the question names (养老 for a 医保 question) is
scaled down by `facet_penalty`: the type is the one word that must not be wrong. Entries that
name several types (rates, transfer, hotlines) are general and never penalised. Likewise an
entry with `requires` words (a special case of a sibling entry) ranks lower by
`requires_penalty` when the question contains none of them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from .entries import Entry
from .textnorm import Tokenizer, clean


class BM25Lucene(BM25Okapi):
    """BM25Okapi with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)), which is never negative.

    rank_bm25's Okapi idf, log((N - n + 0.5) / (n + 0.5)), goes negative for a term in more than
    half of the documents, and the library then floors it to epsilon x the average idf: a word
    such as 缴费 crossing 50 % of the entries jumps from a small positive weight to a floor that
    depends on every other word's idf. Lucene's form decreases smoothly with n instead.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        n_docs = self.corpus_size
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (n_docs - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


# a clause that asks something: a question word or particle, or 不 at its end (合法不, 算工伤不)
ASKS = re.compile(r"[吗呢么嘛怎咋啥哪几谁]|什么|多少|多久|多长|如何|能不能|可不可以|是不是|会不会|"
                   r"要不要|有没有|行不行|对不对|算不算|还是|不$")

BM25_VARIANTS = {"okapi": BM25Okapi, "lucene": BM25Lucene, "bm25l": BM25L, "bm25plus": BM25Plus}


class Postings:
    """Every term's BM25 scores over one rank_bm25 index, computed once at load time.

    BM25 is a sum over query terms of per-term document scores, and rank_bm25 computes a term's
    scores with a Python loop over every document. Doing that for the whole vocabulary up front
    (only for the documents that contain the term, through `get_batch_scores`) keeps the first
    lookup of a word as fast as the hundredth: no cold path at query time.
    """

    def __init__(self, bm25: BM25Okapi | BM25L | BM25Plus) -> None:
        self.size = bm25.corpus_size
        docs: dict[str, list[int]] = {}
        for d, freqs in enumerate(bm25.doc_freqs):
            for term in freqs:
                docs.setdefault(term, []).append(d)
        self.terms = {
            term: (np.array(ids, dtype=np.intp), np.array(bm25.get_batch_scores([term], ids)))
            for term, ids in docs.items()
        }

    def __contains__(self, term: str) -> bool:
        return term in self.terms

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for `terms` (distinct; unknown terms add nothing)."""
        found = [posting for posting in map(self.terms.get, terms) if posting is not None]
        if not found:
            return np.zeros(self.size)
        if len(found) == 1:
            total = np.zeros(self.size)
            total[found[0][0]] += found[0][1]
            return total
        # One pass over every posting instead of a numpy call per term; the sums run in the
        # same order (term by term, a document once per term), so the scores are identical.
        return np.bincount(np.concatenate([ids for ids, _ in found]),
                           weights=np.concatenate([values for _, values in found]),
                           minlength=self.size)


_YES_NO = re.compile(r"(\w)不\1")  # 算不算 → 算: an A-not-A question, no negation


@dataclass(frozen=True)
class Requirement:
    """An entry's `requires` words: surface substrings, and their canonical tokens so that a
    synonym the lexicon maps (破产 → 倒闭) also counts."""

    tokens: frozenset[str]
    words: tuple[str, ...]

    @classmethod
    def of(cls, words: tuple[str, ...], synonyms: dict[str, str]) -> Requirement:
        surface = tuple(w for w in (clean(w).replace(" ", "") for w in words) if w)
        return cls(frozenset(synonyms.get(w, w) for w in surface), surface)

    def met(self, tokens: list[str] | set[str], text: str) -> bool:
        """Whether a question (its ranking tokens, its cleaned text) names one of the words.
        A yes-no question (算不算, 能不能, 交不交) names no negation: 实习期间受伤了算不算工伤
        met injury_excluded's 不算 and got the exclusions."""
        if not self.words:
            return True
        asked = _YES_NO.sub(r"\1", text)
        return any(t in self.tokens for t in tokens) or any(w in asked for w in self.words)


@dataclass(frozen=True)
class PayerGroup:
    """A kind of payer an entry may exclude (lexicon.yaml `payer_groups`): a question belongs to
    it when it names one of `names` and none of `unless`. A child's 城乡居民医保 has no employer,
    so an employer's duty (unpaid_medical_costs, 第二十三条) answers it wrongly however many words
    (医保, 查不到, 报销不了) they share; 公司让我自己交居民医保 names an employer and stays his."""

    names: Requirement
    unless: Requirement

    @classmethod
    def of(cls, names: tuple[str, ...], unless: tuple[str, ...],
           synonyms: dict[str, str]) -> PayerGroup:
        return cls(Requirement.of(names, synonyms), Requirement.of(unless, synonyms))

    def named(self, tokens: list[str] | set[str], text: str) -> bool:
        """Whether a question (its ranking tokens, its cleaned text) is about this payer."""
        return (bool(self.names.words) and self.names.met(tokens, text)
                and not (self.unless.words and self.unless.met(tokens, text)))


@dataclass(frozen=True)
class Hit:
    index: int  # position in the entry list
    score: float  # combined ranking score
    coverage: float  # idf-weighted share of the query's meaningful tokens found in the entry
    overlap: int  # meaningful query tokens (or bigrams) found in the entry
    other_type: bool = False  # the entry is about one insurance type the question does not name


class Retriever:
    """Built once at load_kb; `search` only tokenises the query and scores."""

    def __init__(self, entries: list[Entry], tokenizer: Tokenizer, *, bigram_weight: float = 0.3,
                 doc_mode: str = "both", coverage_weight: float = 0.5,
                 unknown_idf_percentile: float = 50.0, facet_penalty: float = 1.0,
                 requires_penalty: float = 1.0, bm25: str = "lucene") -> None:
        """doc_mode: "max" (each text its own doc, best per entry), "concat" (one doc per
        entry) or "both" (mean of the two: exact paraphrase hits and broad topical matches)."""
        self.entries = entries
        self.tok = tokenizer
        self.bigram_weight = bigram_weight
        self.coverage_weight = coverage_weight
        self.facet_penalty = facet_penalty
        self.requires_penalty = requires_penalty
        self.entry_requires = [Requirement.of(e.requires, tokenizer.lexicon.synonyms)
                               for e in entries]
        self.groups = {name: PayerGroup.of(names, unless, tokenizer.lexicon.synonyms)
                       for name, (names, unless) in tokenizer.lexicon.payer_groups.items()}
        self.entry_excludes = [frozenset(e.excludes) for e in entries]
        self.entry_only_for = [frozenset(e.only_for) for e in entries]
        self.entry_tokens: list[set[str]] = []
        self.entry_bigrams: list[set[str]] = []
        per_text: list[tuple[int, list[str], list[str]]] = []
        for i, e in enumerate(entries):
            toks_all: set[str] = set()
            bis_all: set[str] = set()
            for text in e.texts:
                toks, bis, _ = tokenizer.analyse(text)
                per_text.append((i, toks, bis))
                toks_all.update(toks)
                bis_all.update(bis)
            self.entry_tokens.append(toks_all)
            self.entry_bigrams.append(bis_all)
        self.vocabulary: set[str] = set().union(*self.entry_tokens)
        # a count that is a lexicon key (十五年, 一年, 三十日) is a topic word; any other is story
        self.canonical = set(tokenizer.lexicon.synonyms.values())
        self.entry_facets = [f if len(f) == 1 else set()
                             for f in map(tokenizer.lexicon.facets_of, self.entry_tokens)]
        self.indexes: list[tuple[np.ndarray, Postings, Postings]] = []
        if doc_mode not in ("max", "concat", "both"):
            raise ValueError(f"unknown doc_mode {doc_mode!r}")
        if bm25 not in BM25_VARIANTS:
            raise ValueError(f"unknown bm25 variant {bm25!r}")
        variant = BM25_VARIANTS[bm25]

        def index(docs: list[list[str]]) -> Postings:
            return Postings(variant(docs))

        if not entries:  # an empty or broken entries directory: decline everything
            doc_mode = ""
        if doc_mode in ("max", "both"):
            owner = np.array([i for i, _, _ in per_text], dtype=np.intp)
            self.indexes.append((owner, index([t or ["∅"] for _, t, _ in per_text]),
                                 index([b or ["∅"] for _, _, b in per_text])))
        if doc_mode in ("concat", "both"):
            docs_w: list[list[str]] = [[] for _ in entries]
            docs_b: list[list[str]] = [[] for _ in entries]
            for i, toks, bis in per_text:
                docs_w[i] += toks
                docs_b[i] += bis
            self.indexes.append((np.arange(len(entries), dtype=np.intp),
                                 index([d or ["∅"] for d in docs_w]),
                                 index([d or ["∅"] for d in docs_b])))
        n = len(entries)
        df: dict[str, int] = {}
        for toks in self.entry_tokens:
            for t in toks:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        # a word no entry uses: as informative as a typical word, not maximally (fillers like
        # 哪家/影响 are common in real questions; off-topic words are caught by scope.yaml)
        self.unknown_idf = (float(np.percentile(list(self.idf.values()), unknown_idf_percentile))
                            if self.idf else 1.0)

    def _per_entry(self, owner: np.ndarray, doc_scores: np.ndarray) -> np.ndarray:
        best = np.full(len(self.entries), 0.0)
        np.maximum.at(best, owner, doc_scores)
        return best

    def _scores(self, toks: list[str], bis: list[str]) -> np.ndarray:
        total = np.zeros(len(self.entries))
        for owner, words, bigrams in self.indexes:
            if toks:
                total += self._per_entry(owner, words.scores(toks))
            if bis and self.bigram_weight:
                total += self.bigram_weight * self._per_entry(owner, bigrams.scores(bis))
        return total / len(self.indexes)

    def _weight(self, tokens: set[str]) -> float:
        return sum(self.idf.get(t, self.unknown_idf) for t in tokens)

    def story_tokens(self, query: str) -> set[str]:
        """Topic words that occur only in the story around a question, not in the question.

        Payers tell what happened before they ask ("去年从架子上掉下来摔断了腿，…，公司也没给俺交过
        工伤保险，这个该找谁赔"). A clause that names nothing any entry knows and asks nothing is
        story: its words are left out of the coverage (how much of the question an entry knows),
        which they would otherwise dilute until no entry covers enough. A clause that asks
        something keeps its unknown words (企业年金怎么领 must still count 年金).
        """
        clauses = clean(query).split()
        if len(clauses) < 2:
            return set()
        kept: set[str] = set()
        story: set[str] = set()
        for clause in clauses:
            words = self.tok.meaningful(self.tok.tokens(clause))
            if words & self.vocabulary or ASKS.search(clause):
                kept |= words
            else:
                story |= words
        return story - kept

    def counts(self, tokens: set[str]) -> set[str]:
        """Durations, amounts, counts and places ("公司干了四年一分钱社保都没交", "招了三个人",
        "在深圳交了五年 回湖南老家"): how long, how much and where are the payer's story, not the
        topic, so they are left out of the coverage like story clauses. A count that is a lexicon
        key (十五年, 一年) and a place an entry names stay topic words; a count an entry's
        wording happens to contain (入职三个月 → 三个) does not."""
        lexicon = self.tok.lexicon
        places = {t for t in tokens - self.vocabulary
                  if t in lexicon.places or t.rstrip("省市") in lexicon.places}
        if lexicon.counts is None:
            return places
        return places | {t for t in tokens - self.canonical if lexicon.counts.fullmatch(t)}

    def payers(self, tokens: list[str] | set[str], text: str) -> frozenset[str]:
        """The payer groups (lexicon.yaml `payer_groups`) a question is about."""
        return frozenset(name for name, group in self.groups.items() if group.named(tokens, text))

    def search(self, query: str, k: int = 3,
               payers: frozenset[str] = frozenset()) -> tuple[list[Hit], list[str]]:
        """Top-k entries for `query` and the query's ranking tokens (after synonyms/rewrites);
        `payers`: groups the story around the query named (its last clause may not)."""
        toks, bis, topic_bis = self.tok.analyse(query)
        toks, bis = list(dict.fromkeys(toks)), list(dict.fromkeys(bis))  # repeats add no meaning
        topic_bis = list(dict.fromkeys(topic_bis))
        meaningful = self.tok.meaningful(toks)
        if not self.indexes or not toks and not bis:
            return [], []
        counted = self.counts(meaningful)
        story = self.story_tokens(query) | counted
        if meaningful - story:
            meaningful -= story
        scores = self._scores([t for t in toks if t not in counted] or toks, bis)
        # re-rank the BM25 shortlist by how much of the query's topic words each entry covers:
        # "医保单位和个人都要交吗" must prefer the entry that mentions 医保 over one that only
        # matches the generic 单位/个人/交
        text = clean(query).replace(" ", "")
        # an entry that excludes the payer the question is about, or is only for another
        # payer, is no candidate at all
        payers = payers | self.payers(toks, text)
        shortlist = [int(i) for i in np.argsort(-scores) if scores[i] > 0
                     and not self.entry_excludes[i] & payers
                     and (not self.entry_only_for[i] or self.entry_only_for[i] & payers)
                     ][: max(8, k)]
        total = self._weight(meaningful)
        facets = self.tok.lexicon.facets_of(toks)
        hits = []
        for i in shortlist:
            found = meaningful & self.entry_tokens[i]
            word_cov = self._weight(found) / total if total else 0.0
            bi_found = sum(1 for b in topic_bis if b in self.entry_bigrams[i])
            bi_cov = bi_found / len(topic_bis) if topic_bis else 0.0
            coverage = max(word_cov, bi_cov * 0.9)
            w = self.coverage_weight
            final = float(scores[i]) * ((1 - w) + w * coverage) if meaningful else float(scores[i])
            other_type = bool(facets and self.entry_facets[i] and not facets & self.entry_facets[i])
            if other_type:
                final *= self.facet_penalty
            if not self.entry_requires[i].met(toks, text):
                final *= self.requires_penalty
            hits.append(Hit(i, final, coverage, len(found) or (1 if bi_found >= 2 else 0),
                            other_type))
        hits.sort(key=lambda h: -h.score)
        return hits[:k], toks
