"""BM25 ranking of entries (rank-bm25) over jieba word tokens plus character bigrams.

Two views of each entry, averaged ("both", measured in bench/kb_bench.py --calibrate): every
question/paraphrase as its own document (best one counts: exact colloquial hits win) and all of
them concatenated (broad topical matches). Bigrams rescue typos and words jieba cuts oddly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from .entries import Entry
from .textnorm import Tokenizer


@dataclass(frozen=True)
class Hit:
    index: int  # position in the entry list
    score: float  # combined ranking score
    coverage: float  # idf-weighted share of the query's meaningful tokens found in the entry
    overlap: int  # meaningful query tokens (or bigrams) found in the entry


class Retriever:
    """Built once at load_kb; `search` only tokenises the query and scores."""

    def __init__(self, entries: list[Entry], tokenizer: Tokenizer, *, bigram_weight: float = 0.3,
                 doc_mode: str = "both", coverage_weight: float = 0.5,
                 unknown_idf_percentile: float = 50.0) -> None:
        """doc_mode: "max" (each text its own doc, best per entry), "concat" (one doc per
        entry) or "both" (mean of the two: exact paraphrase hits and broad topical matches)."""
        self.entries = entries
        self.tok = tokenizer
        self.bigram_weight = bigram_weight
        self.coverage_weight = coverage_weight
        self.entry_tokens: list[set[str]] = []
        self.entry_bigrams: list[set[str]] = []
        per_text: list[tuple[int, list[str], list[str]]] = []
        for i, e in enumerate(entries):
            toks_all: set[str] = set()
            bis_all: set[str] = set()
            for text in e.texts:
                toks, bis = tokenizer.tokens(text), tokenizer.bigrams(text)
                per_text.append((i, toks, bis))
                toks_all.update(toks)
                bis_all.update(bis)
            self.entry_tokens.append(toks_all)
            self.entry_bigrams.append(bis_all)
        self.vocab_w = set().union(*self.entry_tokens) if entries else set()
        self.vocab_b = set().union(*self.entry_bigrams) if entries else set()
        self.indexes: list[tuple[np.ndarray, BM25Okapi, BM25Okapi]] = []
        if doc_mode in ("max", "both"):
            owner = np.array([i for i, _, _ in per_text])
            self.indexes.append((owner, BM25Okapi([t or ["∅"] for _, t, _ in per_text]),
                                 BM25Okapi([b or ["∅"] for _, _, b in per_text])))
        if doc_mode in ("concat", "both"):
            docs_w: list[list[str]] = [[] for _ in entries]
            docs_b: list[list[str]] = [[] for _ in entries]
            for i, toks, bis in per_text:
                docs_w[i] += toks
                docs_b[i] += bis
            self.indexes.append((np.arange(len(entries)),
                                 BM25Okapi([d or ["∅"] for d in docs_w]),
                                 BM25Okapi([d or ["∅"] for d in docs_b])))
        if not self.indexes:
            raise ValueError(f"unknown doc_mode {doc_mode!r}")
        n = len(entries)
        df: dict[str, int] = {}
        for toks in self.entry_tokens:
            for t in toks:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self._term_cache: dict[tuple, np.ndarray] = {}
        # a word no entry uses: as informative as a typical word, not maximally (fillers like
        # 哪家/影响 are common in real questions; off-topic words are caught by scope.yaml)
        self.unknown_idf = (float(np.percentile(list(self.idf.values()), unknown_idf_percentile))
                            if self.idf else 1.0)

    def _per_entry(self, owner: np.ndarray, doc_scores: np.ndarray) -> np.ndarray:
        best = np.full(len(self.entries), 0.0)
        np.maximum.at(best, owner, doc_scores)
        return best

    def _scores(self, toks: list[str], bis: list[str]) -> np.ndarray:
        # terms no document contains score 0 but still cost a pass over every document in
        # rank_bm25: drop them (lossless) so long messages stay within the latency budget
        toks = [t for t in toks if t in self.vocab_w]
        bis = [b for b in bis if b in self.vocab_b]
        total = np.zeros(len(self.entries))
        for n, (owner, bm25_w, bm25_b) in enumerate(self.indexes):
            if toks:
                total += self._per_entry(owner, self._term_scores(n, "w", bm25_w, toks))
            if bis and self.bigram_weight:
                total += self.bigram_weight * self._per_entry(
                    owner, self._term_scores(n, "b", bm25_b, bis))
        return total / len(self.indexes)

    def _term_scores(self, n: int, kind: str, bm25, terms: list[str]) -> np.ndarray:
        """BM25 is a sum over query terms of per-term document scores, so each term's vector
        is computed once (rank_bm25 loops over every document in Python) and then reused."""
        total = None
        for term in terms:
            key = (n, kind, term)
            vector = self._term_cache.get(key)
            if vector is None:
                vector = self._term_cache[key] = bm25.get_scores([term])
            total = vector.copy() if total is None else total + vector
        return total

    def search(self, query: str, k: int = 3) -> tuple[list[Hit], list[str]]:
        """Top-k entries for `query` and the query's meaningful tokens."""
        toks = list(dict.fromkeys(self.tok.tokens(query)))  # repeats add cost, not meaning
        bis = list(dict.fromkeys(self.tok.bigrams(query)))
        meaningful = self.tok.meaningful(toks)
        if not toks and not bis:
            return [], []
        scores = self._scores(toks, bis)
        # re-rank the BM25 shortlist by how much of the query's topic words each entry covers:
        # "医保单位和个人都要交吗" must prefer the entry that mentions 医保 over one that only
        # matches the generic 单位/个人/交
        shortlist = [int(i) for i in np.argsort(-scores)[: max(8, k)] if scores[i] > 0]
        weak_chars = _weak_chars(self.tok.lexicon.weak)
        strong_bis = [b for b in bis if not set(b) <= weak_chars]
        total = sum(self.idf.get(t, self.unknown_idf) for t in meaningful)
        hits = []
        for i in shortlist:
            found = meaningful & self.entry_tokens[i]
            got = sum(self.idf.get(t, self.unknown_idf) for t in found)
            word_cov = got / total if total else 0.0
            bi_found = sum(1 for b in strong_bis if b in self.entry_bigrams[i])
            bi_cov = bi_found / len(strong_bis) if strong_bis else 0.0
            coverage = max(word_cov, bi_cov * 0.9)
            w = self.coverage_weight
            final = float(scores[i]) * ((1 - w) + w * coverage) if meaningful else float(scores[i])
            hits.append(Hit(i, final, coverage, len(found) or (1 if bi_found >= 2 else 0)))
        hits.sort(key=lambda h: -h.score)
        return hits[:k], sorted(meaningful)


_WEAK_CHARS_CACHE: dict[int, frozenset[str]] = {}


def _weak_chars(weak: frozenset[str]) -> frozenset[str]:
    """Characters of single-character weak words (怎, 么, 交…): bigrams made only of them."""
    key = id(weak)
    if key not in _WEAK_CHARS_CACHE:
        _WEAK_CHARS_CACHE[key] = frozenset("".join(w for w in weak))
    return _WEAK_CHARS_CACHE[key]
