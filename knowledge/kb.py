"""KnowledgeBase: loads entries, lexicon and scope once, then answers questions.

`ask` never raises: the chat layer must always have something to send, so any unexpected error
becomes a polite decline pointing to 12345.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .answer import KbAnswer
from .entries import Entry, load_entries
from .retrieval import Retriever
from .scope import Scope
from .textnorm import Lexicon, Tokenizer

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_QUERY_CHARS = 120  # longer messages are grievances, not questions; keeps lookup fast


@dataclass(frozen=True)
class Settings:
    """Thresholds calibrated by bench/kb_bench.py --calibrate (see data/settings.yaml)."""

    min_score: float = 4.0
    min_coverage: float = 0.5
    also_ratio: float = 0.85
    also_max: int = 2
    bigram_weight: float = 0.3
    doc_mode: str = "both"
    coverage_weight: float = 0.5
    unknown_idf_percentile: float = 50.0

    @classmethod
    def from_dict(cls, raw: dict) -> Settings:
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)


def _read_yaml(name: str) -> dict:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8")) or {}


class KnowledgeBase:
    def __init__(self, entries: list[Entry], lexicon: Lexicon, scope: Scope,
                 settings: Settings) -> None:
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.scope = scope
        self.settings = settings
        self.tokenizer = Tokenizer(lexicon)
        self.retriever = Retriever(
            entries, self.tokenizer, bigram_weight=settings.bigram_weight,
            doc_mode=settings.doc_mode, coverage_weight=settings.coverage_weight,
            unknown_idf_percentile=settings.unknown_idf_percentile)

    def ask(self, question: Any) -> KbAnswer:
        """Best entry for `question`, or a decline naming the right hotline. Never raises."""
        try:
            return self._ask(str(question or "")[:MAX_QUERY_CHARS])
        except Exception:  # the payer must always get a reply
            log.exception("kb.ask failed")
            return KbAnswer(question=str(question)[:100], hotline=self.scope.default_hotline)

    def _ask(self, q: str) -> KbAnswer:
        dispute = self.scope.is_dispute_like(q)
        oos_hotline = self.scope.out_of_scope_hotline(q)
        if oos_hotline:
            return KbAnswer(question=q, dispute_like=False, hotline=oos_hotline,
                            out_of_scope=True)
        hits, _ = self.retriever.search(q, k=1 + self.settings.also_max)
        s = self.settings
        top = hits[0] if hits else None
        # "公积金和社保有什么区别": an off-topic word next to 社保 needs a much clearer match
        mixed = self.scope.mentioned_out_of_scope(q)
        min_score = s.min_score * (1.5 if mixed else 1.0)
        min_cov = max(s.min_coverage, 0.6) if mixed else s.min_coverage
        if top is None or top.score < min_score or top.coverage < min_cov or top.overlap < 1:
            hotline = mixed or self.scope.hotline_for(q)
            return KbAnswer(question=q, score=round(top.score, 3) if top else 0.0, dispute_like=dispute,
                            hotline=hotline)
        entry = self.entries[top.index]
        also = [
            (self.entries[h.index].id, self.entries[h.index].question)
            for h in hits[1:]
            if h.score >= s.also_ratio * top.score and h.coverage >= s.min_coverage
        ]
        return KbAnswer(
            question=q, answer=entry.answer, source=entry.source, entry_id=entry.id,
            score=round(top.score, 3), also=also, declined=False, dispute_like=dispute,
            hotline=entry.hotline or self.scope.hotline_for("", entry.tags),
        )


def load_kb(config: Any = None, *, entries_dir: Path | str | None = None,
            settings: dict | None = None) -> KnowledgeBase:
    """Load all YAML once and build the index. `config` is bot.config.Config or None."""
    raw = getattr(config, "raw", None) if config is not None else None
    if raw is None and isinstance(config, dict):
        raw = config
    loaded = load_entries(entries_dir, raw)
    for problem in loaded.problems:
        log.warning("kb entry skipped: %s", problem)
    merged = {**_read_yaml("settings.yaml"), **(settings or {})}
    return KnowledgeBase(
        loaded.entries,
        Lexicon.from_dict(_read_yaml("lexicon.yaml")),
        Scope.from_dict(_read_yaml("scope.yaml")),
        Settings.from_dict(merged),
    )
