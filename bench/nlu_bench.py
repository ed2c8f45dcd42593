"""NLU timing: model load (cold = retrain, cached = read artefact) and per-message parse.

Run: ``python bench/nlu_bench.py [--repeat N]``. Cold and cached loads run in fresh
interpreters so jieba and the model are really loaded from scratch.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOAD_SNIPPET = """
import sys, time
started = time.perf_counter()
from bot.nlu import load_parser
load_parser(districts=['增城区', '新塘镇'], model_dir=sys.argv[1] if len(sys.argv) > 1 else None)
print(time.perf_counter() - started)
"""


def timed_load(model_dir: str | None) -> float:
    argv = [sys.executable, "-c", LOAD_SNIPPET] + ([model_dir] if model_dir else [])
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def messages() -> list[str]:
    path = ROOT / "tests" / "data" / "nlu_test.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5, help="passes over the test messages")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as empty:
        cold = timed_load(empty)
    timed_load(None)
    cached = statistics.median(timed_load(None) for _ in range(3))

    from bot.nlu import load_parser

    parser = load_parser(districts=["增城区", "新塘镇"])
    texts = messages()
    for text in texts:
        parser.parse(text)
    samples = []
    for _ in range(args.repeat):
        for text in texts:
            started = time.perf_counter()
            parser.parse(text)
            samples.append(time.perf_counter() - started)
    samples.sort()
    median = statistics.median(samples) * 1000
    p95 = samples[int(len(samples) * 0.95)] * 1000
    long_text = "公司欠了我半年社保，" * 500
    started = time.perf_counter()
    parser.parse(long_text)
    long_ms = (time.perf_counter() - started) * 1000
    print(f"load, cold (train + write cache): {cold:.2f} s")
    print(f"load, cached (fresh process):     {cached:.2f} s")
    print(f"parse: {len(samples)} calls over {len(texts)} messages, "
          f"median {median:.3f} ms, p95 {p95:.3f} ms")
    print(f"parse of a {len(long_text)}-character message: {long_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
