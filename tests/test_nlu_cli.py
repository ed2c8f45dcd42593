"""``disputebot nlu parse|eval|train`` through a local argparse harness."""
import argparse
import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.nlu import cli

ROOT = Path(__file__).resolve().parent.parent
CONFIG = SimpleNamespace(district_names=["增城区", "新塘镇"])
FIELDS = ["text", "intent", "intent_confidence", "category", "category_confidence", "severity",
          "severity_reasons", "entities"]


def run(argv, stdin=""):
    parser = argparse.ArgumentParser(prog="disputebot")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args, CONFIG)


def test_parse_writes_one_json_object_per_line(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("你好\n\n公司欠了我半年社保，在新塘\n😀"))
    assert run(["nlu", "parse"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    rows = [json.loads(line) for line in lines]
    assert all(list(r) == FIELDS for r in rows)
    assert [r["intent"] for r in rows[:2]] == ["greet", "other"]
    assert rows[1]["text"] == ""
    assert rows[2]["intent"] == "file_dispute"
    assert {"type": "district", "value": "新塘镇", "start": 11, "end": 13} in rows[2]["entities"]
    assert "公司" in lines[2]


def test_parse_stdout_is_pure_jsonl_in_a_fresh_process():
    code = (
        "import argparse,sys,types\n"
        "from bot.nlu import cli\n"
        "p=argparse.ArgumentParser();cli.register(p.add_subparsers(dest='c'))\n"
        "a=p.parse_args(['nlu','parse'])\n"
        "sys.exit(a.func(a,types.SimpleNamespace(district_names=[])))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input="在吗\n取消\n", cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert [json.loads(line)["intent"] for line in out.splitlines()] == ["greet", "cancel"]


def test_eval_prints_accuracy_and_confusion(tmp_path, capsys):
    data = tmp_path / "small.jsonl"
    rows = [
        {"text": "公司欠了我三个月社保", "intent": "file_dispute", "category": "employer_arrears",
         "major": False},
        {"text": "滞纳金怎么算", "intent": "ask_policy", "category": None, "major": False},
        {"text": "不想活了", "intent": "other", "category": None, "major": True},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert run(["nlu", "eval", str(data)]) == 0
    out = capsys.readouterr().out
    assert "intent: accuracy 1.0000 (3 examples)" in out
    assert "confusion" in out
    assert "major: recall 1.0000 (1/1)" in out


@pytest.mark.parametrize("content", [None, "not json\n"])
def test_eval_of_unreadable_file_fails(tmp_path, content, capsys):
    path = tmp_path / "bad.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert run(["nlu", "eval", str(path)]) != 0
    assert "cannot read" in capsys.readouterr().err


def test_train_writes_the_cache(capsys):
    assert run(["nlu", "train"]) == 0
    assert "nlu-model.npz" in capsys.readouterr().out


def _parse_in_a_fresh_process(stdin: bytes) -> subprocess.CompletedProcess:
    """As ``disputebot nlu parse`` runs, with a strict UTF-8 stdin (PYTHONIOENCODING, or a
    locale like en_US.UTF-8): the decoder that used to stop with a traceback."""
    import os

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "bot.cli", "nlu", "parse"], input=stdin,
                          cwd=ROOT, capture_output=True, timeout=120, env=env, check=False)


def test_parse_answers_every_line_of_input_that_is_not_utf8_and_says_so():
    """Regression: GBK or broken bytes on stdin were a UnicodeDecodeError traceback (or,
    under C.UTF-8, raw bytes copied into the output, which then was not UTF-8)."""
    result = _parse_in_a_fresh_process("你好\n".encode() + "公司没交社保\n".encode("gbk")
                                       + b"\n\xff\n")
    lines = result.stdout.decode("utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines][::2] == ["你好", ""]
    assert len(lines) == 4 and all("\ufffd" in json.loads(lines[i])["text"] for i in (1, 3))
    err = [line for line in result.stderr.decode().splitlines() if not line.startswith("{")]
    assert result.returncode == 1 and len(err) == 1 and "line 2 is not UTF-8" in err[0]
    assert "Traceback" not in result.stderr.decode()


def test_parse_keeps_unicode_line_breaks_inside_one_output_line(monkeypatch, capsys):
    """Regression: U+2028 and NEL were written raw, so splitlines() read one answer as
    several lines and output line N no longer answered input line N."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("好\u2028的\n公司\x85没交\n"))
    assert run(["nlu", "parse"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["好\u2028的", "公司\x85没交"]


def test_eval_of_an_unlabelled_file_is_refused(tmp_path, capsys):
    """Regression: a file of plain {"text"} lines scored "accuracy 0.0000 (0 examples)"."""
    data = tmp_path / "plain.jsonl"
    data.write_text('{"text": "公司没交社保"}\n', encoding="utf-8")
    assert run(["nlu", "eval", str(data)]) == 2
    assert "no labelled examples" in capsys.readouterr().err
