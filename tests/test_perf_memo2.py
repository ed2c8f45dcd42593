"""Per-message work done once: a question's out-of-scope readings (knowledge/scope.py) come
from one pass, and the dialogue's saved columns are read as one tuple."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def kb():
    from knowledge import load_kb

    return load_kb(None)


def _questions() -> list[str]:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / "kb_heldout.jsonl"
    return [json.loads(line)["question"] for line in
            path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_both_out_of_scope_readings_come_from_one(kb):
    scope = kb.scope
    declined = mixed = 0
    for question in _questions() + ["公积金和社保都要交吗", "公积金怎么取", "我还有工资流水要补充"]:
        hotline, mentioned = scope.out_of_scope_reading(question)
        assert hotline == scope.out_of_scope_hotline(question), question
        assert mentioned == (None if hotline else scope.mentioned_out_of_scope(question))
        declined += bool(hotline)
        mixed += bool(mentioned)
    assert declined and mixed


def test_a_question_is_read_for_out_of_scope_words_once(kb, monkeypatch):
    """The knowledge base asked for the declining hotline, then for any mentioned one: the
    text flattened and its keywords looked up twice (~25 µs a question)."""
    from knowledge.scope import Scope

    flattened = []
    flat = Scope._flat

    def counted(self, query):
        flattened.append(query)
        return flat(self, query)

    monkeypatch.setattr(Scope, "_flat", counted)
    for question in ["公积金和社保都要交吗", "公司不给我交社保怎么办"]:
        flattened.clear()
        candidates = kb.candidates(question)
        assert candidates.hits and not candidates.oos_hotline
        assert len(flattened) == 1, flattened
    assert kb.candidates("公积金和社保都要交吗").mixed


def test_saved_columns_read_as_a_tuple_in_order():
    from bot.store.dialogue import SAVED, DetachedState, columns_of
    from bot.store.models import DialogueState

    values = {"form": "dispute", "requested_slot": "name", "slots": {"a": 1}, "pending": {"b": 2},
                  "version": 3, "started_at": None, "updated_at": None}
    for state in (DetachedState("o1", **values), DialogueState(openid="o1", **values)):
        assert columns_of(state) == tuple(values[column] for column in SAVED)
