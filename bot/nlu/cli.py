"""``disputebot nlu train|parse|eval``: the NLU from the command line.

``parse`` writes exactly one JSON object per input line, so stdout can be piped into other
tools; all logging goes to stderr.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import dataset
from .evaluate import evaluate
from .parser import build_models, load_parser
from .training import MODEL_DIR, MODEL_FILE


def register(subparsers) -> None:
    """Add the ``nlu`` command with ``train``, ``parse`` and ``eval FILE``."""
    nlu = subparsers.add_parser("nlu", help="train, run and evaluate the Chinese NLU")
    sub = nlu.add_subparsers(dest="nlu_command", required=True)
    train = sub.add_parser("train", help="train the models and write the cache")
    train.set_defaults(func=cmd_train)
    parse = sub.add_parser("parse", help="stdin: one message per line; stdout: JSONL")
    parse.set_defaults(func=cmd_parse)
    ev = sub.add_parser("eval", help="score a labelled JSONL file")
    ev.add_argument("file", type=Path)
    ev.add_argument("--errors", type=int, default=30, help="how many mistakes to list")
    ev.set_defaults(func=cmd_eval)


def _districts(config) -> list[str]:
    return list(getattr(config, "district_names", None) or [])


def cmd_train(args: argparse.Namespace, config) -> int:
    """Retrain from the YAML data even if the cache is fresh."""
    started = time.perf_counter()
    models = build_models(MODEL_DIR, force=True)
    sizes = ", ".join(f"{k}: {len(m.labels)} labels/{len(m.vocab)} features"
                      for k, m in models.items())
    print(f"trained in {time.perf_counter() - started:.2f}s → {MODEL_DIR / MODEL_FILE} ({sizes})")
    return 0


def cmd_parse(args: argparse.Namespace, config) -> int:
    """One JSON object per stdin line, even for empty lines or undecodable ones (whose bad
    bytes read as U+FFFD, so line N of the output still answers line N; exit 1)."""
    from bot.jsonl_io import InputLines, jsonl_line

    parser = load_parser(districts=_districts(config))
    out = sys.stdout
    lines = InputLines(sys.stdin, "nlu parse")
    for text in lines:
        out.write(jsonl_line(parser.parse(text).to_dict()))
        out.flush()
    return lines.status


def cmd_eval(args: argparse.Namespace, config) -> int:
    """Accuracy, per-label precision/recall, confusion; 2 if the file is unreadable."""
    try:
        rows = dataset.read_labelled_jsonl(args.file)
    except (OSError, ValueError) as exc:
        print(f"nlu eval: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    if not rows:
        print(f"nlu eval: {args.file} has no examples", file=sys.stderr)
        return 2
    if not any("intent" in row for row in rows):
        print(f"nlu eval: {args.file} has no labelled examples (each line needs an \"intent\"; "
              f"to read unlabelled text use 'disputebot nlu parse')", file=sys.stderr)
        return 2
    result = evaluate(load_parser(districts=_districts(config)), rows)
    print(result.report(show_errors=args.errors))
    return 0
