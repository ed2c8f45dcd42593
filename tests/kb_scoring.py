"""Scoring a blind question set (tests/data/kb_*.jsonl): right answers, right declines and
wrong answers, counted apart because a wrong answer is worse than a decline."""
from __future__ import annotations

import json
from pathlib import Path

from knowledge.followup import ask_after

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


def turns(pair: dict) -> list[tuple[str, list]]:
    """The follow-ups of an exchange with their labels: the second turn, and the third if any."""
    found = [(pair["second"], pair["entry_id"])]
    if "third" in pair:
        found.append((pair["third"], pair["third_entry_id"]))
    return [(q, expected if isinstance(expected, list) else [expected]) for q, expected in found]


def score_followups(kb, pairs: list[dict], with_context: bool) -> tuple[int, int, int]:
    """(right answers, right declines, wrong answers) for every follow-up of each exchange; with
    context, each turn is read with the topic the one before it left (as the handler keeps it)."""
    right = declined = wrong = 0
    for pair in pairs:
        topic = ask_after(kb, pair["first"], None).topic if with_context else None
        for question, expected in turns(pair):
            followup = ask_after(kb, question, topic)
            topic = followup.topic if with_context else None
            answer = followup.answer
            if answer.entry_id in expected:
                right += expected != [None]
                declined += expected == [None]
            else:
                wrong += not answer.declined
    return right, declined, wrong
