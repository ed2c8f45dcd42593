"""Scoring a blind question set (tests/data/kb_*.jsonl): right answers, right declines and
wrong answers, counted apart because a wrong answer is worse than a decline."""
from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line]


def score_single(kb, name: str) -> tuple[int, int, int]:
    """(right answers, right declines, wrong answers) of each question asked alone."""
    right = declined = wrong = 0
    for row in rows(name):
        answer = kb.ask(row["question"])
        right += bool(row["entry_id"]) and answer.entry_id == row["entry_id"]
        declined += not row["entry_id"] and answer.declined
        wrong += not answer.declined and answer.entry_id != row["entry_id"]
    return right, declined, wrong
