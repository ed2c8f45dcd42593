"""`kb ask` / `kb check` through a tiny argparse harness (the lead's bot/cli.py does the same)."""
from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from knowledge.cli import register


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="disputebot")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_ask_outputs_one_json_per_line():
    args = _parse(["kb", "ask"])
    args.stdin = io.StringIO("滞纳金咋算的\n\n公积金怎么提取\n😀\n")
    args.stdout = io.StringIO()
    assert args.func(args, None) == 0
    lines = args.stdout.getvalue().splitlines()
    assert len(lines) == 4  # line for line, the blank one declined
    records = [json.loads(line) for line in lines]
    for r in records:
        assert set(r) == {"question", "answer", "source", "entry_id", "score"}
    assert records[0]["entry_id"] == "late_fee" and "万分之五" in records[0]["answer"]
    assert all(r["answer"] is None and r["entry_id"] is None for r in records[1:])
    assert "滞纳金" in lines[0]  # ensure_ascii=False


def test_check_ok_on_real_entries():
    args = _parse(["kb", "check"])
    args.stdout = io.StringIO()
    assert args.func(args, None) == 0
    assert "ok" in args.stdout.getvalue()


def test_check_fails_on_bad_entries(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "- id: bad\n  question: 问题\n  paraphrases: [一]\n  answer: 答\n"
        "  source: 《社会保险法》第九百条\n  tags: [x]\n  reviewed: 2026-11-25\n", encoding="utf-8")
    args = _parse(["kb", "check", "--entries", str(tmp_path)])
    args.stdout = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        args.func(args, None)
    assert exc.value.code == 1
    assert "paraphrases" in args.stdout.getvalue()


def test_ask_subprocess_stdout_is_pure_jsonl():
    """No jieba banner or log line may leak into stdout."""
    import subprocess
    import sys
    code = ("import argparse,sys\nfrom knowledge.cli import register\n"
            "p=argparse.ArgumentParser();register(p.add_subparsers(dest='c'))\n"
            "a=p.parse_args(['kb','ask']);sys.exit(a.func(a,None))\n")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], input="社保交几年\n个税\n", text=True,
                         capture_output=True, check=True, cwd=root)
    lines = out.stdout.splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)


def test_ask_contract_types_and_order():
    """Answered: answer/source/entry_id strings; declined: all three null; score a number;
    one output line per input line (a blank one is declined), in input order."""
    questions = ["护照怎么办理", "灵活就业人员怎么交社保", "社保断缴了以前交的还算吗", "今天天气怎么样", ""]
    args = _parse(["kb", "ask"])
    args.stdin = io.StringIO("\n".join(questions) + "\n")
    args.stdout = io.StringIO()
    args.func(args, None)
    records = [json.loads(line) for line in args.stdout.getvalue().splitlines()]
    assert [r["question"] for r in records] == questions
    for r in records:
        assert isinstance(r["score"], (int, float))
        if r["answer"] is None:
            assert r["source"] is None and r["entry_id"] is None
        else:
            assert isinstance(r["source"], str) and r["source"]
            assert isinstance(r["entry_id"], str) and r["entry_id"]
    assert all(records[i]["answer"] is None for i in (0, 3, 4))
    assert records[1]["answer"] and records[2]["answer"]


def test_ask_answers_every_line_of_input_that_is_not_utf8_and_says_so(capsys):
    """Regression: bytes that are not UTF-8 stopped `kb ask` with a UnicodeDecodeError."""
    args = _parse(["kb", "ask"])
    args.stdin = io.TextIOWrapper(io.BytesIO("社保交几年\n".encode() + b"\xff\xfe\n\n"),
                                  encoding="utf-8")
    args.stdout = io.StringIO()
    assert args.func(args, None) == 1
    records = [json.loads(line) for line in args.stdout.getvalue().splitlines()]
    assert [r["question"] for r in records] == ["社保交几年", "\ufffd\ufffd", ""]
    assert "line 2 is not UTF-8" in capsys.readouterr().err


def test_ask_with_an_entries_folder_that_has_none_is_refused(tmp_path, capsys):
    """Regression: a mistyped --entries answered every question "declined" with exit 0."""
    args = _parse(["kb", "ask", "--entries", str(tmp_path / "nowhere")])
    args.stdin, args.stdout = io.StringIO("社保交几年\n"), io.StringIO()
    assert args.func(args, None) == 2
    assert args.stdout.getvalue() == ""
    assert "no entries in" in capsys.readouterr().err
