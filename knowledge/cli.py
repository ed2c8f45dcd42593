"""`disputebot kb ask|check`, registered into the lead's bot/cli.py via `register(subparsers)`.

Handlers take (args, config). `kb check` exits with status 1 on any problem (sys.exit) so the
result is right whether or not the caller uses the handler's return value.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

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


class InputLines:
    """The lines of a JSONL command's input, without their line ends. Read as bytes when the
    stream has them: bytes that are not UTF-8 become U+FFFD (the locale's decoder would stop
    with a traceback, or pass them through and make the output invalid UTF-8). The first
    such line is reported on stderr, and ``status`` becomes 1."""

    def __init__(self, stream: Any, command: str) -> None:
        self.stream, self.command, self.status = stream, command, 0

    def __iter__(self):
        binary = getattr(self.stream, "buffer", None)
        for number, line in enumerate(binary if binary is not None else self.stream, 1):
            if isinstance(line, bytes):
                line = self._decode(line, number)
            yield line.rstrip("\r\n")

    def _decode(self, line: bytes, number: int) -> str:
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            if self.status == 0:
                self._bad(number)
            return line.decode("utf-8", errors="replace")

    def _bad(self, number: int) -> None:
        self.status = 1
        print(f"disputebot {self.command}: line {number} is not UTF-8; its bad bytes are "
              f"answered as U+FFFD (convert the input, e.g. iconv -f GBK -t UTF-8)",
              file=sys.stderr)


_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def jsonl_line(record: dict) -> str:
    """One JSON object and a newline. NEL, U+2028 and U+2029 are escaped as JSON allows:
    left raw, a reader splitting on Unicode line breaks (Python's ``splitlines``) would see
    one answer as two lines."""
    text = json.dumps(record, ensure_ascii=False)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text + "\n"


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
