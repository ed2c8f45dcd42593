"""Perf round 6: the shortcuts give the answers of the long way. The knowledge base's BM25
sum over postings in one pass equals the per-term sum bit for bit; "is the matter still
there" read alone equals the full feedback reading; severity's signals read without first
looking for vetoes equal the old reading; the courtesy check skips only sure readings; the
open case's request is read the same whether or not its lazy readings are needed; and a
form step's session on SQLite registers no PostgreSQL lock listener."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event

from bot.handlers.base import SessionOnUse
from bot.handlers.followup import read_feedback, still_unsolved
from bot.nlu import load_parser
from knowledge import load_kb
from knowledge.retrieval import Postings

DATA = Path(__file__).resolve().parent / "data"

REPLIES = ["5", "单位还是没交", "我要复议", "这什么破结果", "已经补缴了吗", "谢谢 解决了",
           "还是没解决吗？", "三分吧 只补了两年 前面两年没补", "凭什么说已补缴", "好评", "",
           "单位根本没补，凭什么说已补缴", "结果是啥", "差评 一直没人管", "滞纳金怎么算"]


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _questions() -> list[str]:
    out = []
    for path in sorted(DATA.glob("kb_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            out += [row[key] for key in ("question", "first") if row.get(key)]
    return out


def _per_term(postings: Postings, terms: list[str]) -> np.ndarray:
    """The old way: one numpy add per known term, in order."""
    total = np.zeros(postings.size)
    for term in terms:
        posting = postings.terms.get(term)
        if posting is not None:
            total[posting[0]] += posting[1]
    return total


def _all_postings(kb) -> list[Postings]:
    return [p for _, words, bigrams in kb.retriever.indexes for p in (words, bigrams)]


def test_postings_scores_equal_the_per_term_sum_bit_for_bit(kb):
    rng = random.Random(6)
    for postings in _all_postings(kb):
        vocab = sorted(postings.terms)
        for _ in range(300):
            terms = rng.sample(vocab, rng.randint(0, min(30, len(vocab))))
            terms += ["没有这个词"] * rng.randint(0, 2)
            rng.shuffle(terms)
            new, old = postings.scores(terms), _per_term(postings, terms)
            assert new.dtype == old.dtype and new.shape == old.shape
            assert np.array_equal(new, old)


def test_postings_scores_of_no_known_term_are_zeros(kb):
    postings = _all_postings(kb)[0]
    assert not postings.scores([]).any()
    assert not postings.scores(["没有这个词"]).any()
    assert postings.scores(["没有这个词"]).shape == (postings.size,)


def test_real_questions_rank_the_same_as_the_per_term_sum(kb, monkeypatch):
    questions = _questions()[:150]
    fast = [kb.ask(q) for q in questions]
    monkeypatch.setattr(Postings, "scores", _per_term)
    slow = [kb.ask(q) for q in questions]
    assert [(a.entry_id, a.declined) for a in fast] == [(a.entry_id, a.declined) for a in slow]


@pytest.mark.parametrize("reply", REPLIES)
def test_still_unsolved_reads_what_the_full_feedback_reads(reply):
    assert still_unsolved(reply) is read_feedback(reply).still


def test_severity_signals_equal_the_reading_that_looks_for_vetoes_first():
    parser = load_parser()
    rules = parser._severity

    def old_signals(text, any_intent_only=False, headcount=0):
        found = []
        for sig in rules.signals:
            if any_intent_only and not sig.any_intent or headcount < sig.min_headcount:
                continue
            vetoes = [m.span() for m in sig.unless.finditer(text)] if sig.unless else []
            for m in sig.pattern.finditer(text):
                if not any(m.start() < e and s < m.end() for s, e in vetoes):
                    found.append(sig.name)
                    break
        return found

    texts = _questions()[:200] + ["我们厂三百多人都没交社保，准备去市政府上访", "不想活了",
                                  "记者已经联系我了 要曝光", "不会去上访的 放心", "五十个人集体讨薪"]
    for text in texts:
        for flags in ((False, 0), (True, 0), (False, 40)):
            assert rules.signals_in(text, *flags) == old_signals(text, *flags), text


class _Maker:
    """A sessionmaker stand-in whose sessions record the listeners registered on them."""

    def __init__(self, dialect: str | None):
        self.kw = {} if dialect is None else {"bind": type("E", (), {"dialect": type(
            "D", (), {"name": dialect})()})()}

    def __call__(self):
        return type("S", (), {"sync_session": object(), "no_autoflush": None})()


@pytest.mark.parametrize("dialect, listens", [("sqlite", False), ("postgresql", True),
                                               (None, True)])
def test_a_step_session_locks_the_state_row_only_where_it_may_be_needed(
        monkeypatch, dialect, listens):
    heard = []
    monkeypatch.setattr(event, "listen", lambda *args: heard.append(args[1]))
    on_use = SessionOnUse(_Maker(dialect), "o1")
    _ = on_use.no_autoflush
    assert (heard == ["after_begin"]) is listens
