"""Per-message work done once (stop 23): the knowledge base's analysis and correction of a
text are remembered per text, and the NLU folds characters with a translate table. Each
must give what the uncached code gave, and callers must not share mutable results."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from bot.nlu import normalize
from bot.nlu.normalize import Normalizer
from knowledge import load_kb
from knowledge.textnorm import Tokenizer

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def _questions() -> list[str]:
    rows = [json.loads(line) for line in (DATA / "kb_heldout.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows][:120]


def test_a_text_analysed_again_is_not_segmented_again(kb):
    """A policy question was analysed ~6 times a message (ranking, follow-up readings,
    clauses), each a jieba pass of ~100 µs; old code: 3 passes for 3 calls."""
    tokenizer = Tokenizer(kb.tokenizer.lexicon)
    cuts = []
    lcut = tokenizer._jieba.lcut

    def counting(*args, **kw):
        cuts.append(args[0])
        return lcut(*args, **kw)

    tokenizer._jieba.lcut = counting
    text = "公司不给我交社保怎么办"
    first = tokenizer.analyse(text)
    passes = len(cuts)
    assert passes >= 1
    assert tokenizer.analyse(text) == first
    assert tokenizer.tokens(text) == first.tokens
    assert len(cuts) == passes


def test_remembered_analyses_equal_fresh_ones_and_are_not_shared(kb):
    tokenizer = kb.tokenizer
    for question in _questions():
        fresh = tokenizer._analyse(question)
        assert tokenizer.analyse(question) == fresh
        assert tokenizer.analyse(question) == fresh  # the remembered one
    got = tokenizer.analyse("灵活就业养老保险怎么交")
    got.tokens.append("改了")
    got.bigrams.clear()
    again = tokenizer.analyse("灵活就业养老保险怎么交")
    assert "改了" not in again.tokens and again.bigrams


def test_a_changed_lexicon_is_seen(kb):
    tokenizer = Tokenizer(kb.tokenizer.lexicon)
    text = "我想问问补缴的事情"
    before = tokenizer.analyse(text).tokens
    assert "改写词" not in before
    tokenizer.lexicon = dataclasses.replace(
        kb.tokenizer.lexicon,
        rewrites=kb.tokenizer.lexicon.rewrites + ((re.compile("问问"), "改写词"),))
    assert "改写词" in tokenizer.analyse(text).tokens


def test_remembered_corrections_equal_fresh_ones_and_follow_the_lexicon(kb):
    lexicon = dataclasses.replace(kb.tokenizer.lexicon)
    for question in _questions() + ["不给俺上社包", "公伤只纳金", "老细唔同我买社保"]:
        assert lexicon.correct(question) == lexicon._correct(question)
        assert lexicon.correct(question) == lexicon._correct(question)
    assert lexicon.correct("社包断了") == "社保断了"
    lexicon.typos = (("断了", "停了"),) + lexicon.typos
    assert lexicon.correct("社包断了") == "社保停了"


def test_the_fold_table_folds_as_the_character_function():
    """Full-width forms, the ideographic space, controls and format characters, ASCII case:
    the table gives what `_fold_char` gave one character at a time, one for one."""
    codes = [*range(0x250), *range(0x2000, 0x2070), *range(0x3000, 0x3040),
             *range(0x4E00, 0x4E40), *range(0xFE00, 0x10000), 0x1F600, 0xE0001]
    text = "".join(chr(c) for c in codes)
    assert text.translate(normalize._FOLD) == "".join(normalize._fold_char(c) for c in text)
    norm = Normalizer()
    assert norm("ＡＢＣ\u3000社保\u200b吗？？").text == "abc 社保 吗?"


def test_the_fold_table_is_bounded(monkeypatch):
    table = normalize._FoldTable()
    monkeypatch.setattr(normalize, "FOLD_TABLE_SIZE", 10)
    text = "".join(chr(0x4E00 + i) for i in range(50))
    assert text.translate(table) == text
    assert len(table) == 10
