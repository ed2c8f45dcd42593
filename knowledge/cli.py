"""`disputebot kb ask|check`, registered into the lead's bot/cli.py via `register(subparsers)`.

Handlers take (args, config). `kb check` exits with status 1 on any problem (sys.exit) so the
result is right whether or not the caller uses the handler's return value.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.jsonl_io import InputLines, jsonl_line

from .check import run_check
from .kb import load_kb


def _raw(config: Any) -> dict | None:
    return getattr(config, "raw", None) if config is not None else None


def cmd_ask(args: argparse.Namespace, config: Any) -> int:
    """One question per stdin line → one JSON object per stdout line (pure JSONL); a blank
    line gets a declined record too, so output line N always answers input line N."""
    kb = load_kb(config, entries_dir=getattr(args, "entries", None))
    if not kb.entries:
        where = getattr(args, "entries", None) or "the knowledge base"
        print(f"disputebot kb ask: no entries in {where} (give --entries a folder of entry "
              f"YAML files; 'disputebot kb check' lists the problems)", file=sys.stderr)
        return 2
    stdout = getattr(args, "stdout", None) or sys.stdout
    lines = InputLines(getattr(args, "stdin", None) or sys.stdin, "kb ask")
    for question in lines:
        a = kb.ask(question)
        stdout.write(jsonl_line({"question": question, "answer": a.answer, "source": a.source,
                                 "entry_id": a.entry_id, "score": a.score}))
        stdout.flush()
    return lines.status


def cmd_check(args: argparse.Namespace, config: Any) -> int:
    """Print one line per problem; exit 1 when there is any."""
    problems = run_check(getattr(args, "entries", None), getattr(args, "statutes", None),
                         _raw(config))
    out = getattr(args, "stdout", None) or sys.stdout
    for p in problems:
        out.write(p + "\n")
    if problems:
        sys.exit(1)
    out.write("kb check: ok\n")
    return 0


def register(subparsers: Any) -> None:
    """Add `kb ask` and `kb check` to the top-level CLI's subparsers."""
    kb = subparsers.add_parser("kb", help="policy knowledge base")
    sub = kb.add_subparsers(dest="kb_command", required=True)
    ask = sub.add_parser("ask", help="answer questions from stdin, JSONL on stdout")
    ask.add_argument("--entries", help="entries directory (default: knowledge/entries)")
    ask.set_defaults(func=cmd_ask)
    check = sub.add_parser("check", help="validate entries; nonzero exit on problems")
    check.add_argument("--entries", help="entries directory (default: knowledge/entries)")
    check.add_argument("--statutes", help="statute texts directory (default: knowledge/statutes)")
    check.set_defaults(func=cmd_check)
