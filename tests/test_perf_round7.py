"""Perf round 7: what is now remembered or skipped gives the answers of the long way.

The knowledge base's text cleaning, its follow-up reading of a question and progress's
folding of a message for case numbers are remembered per text: each memo gives what the
unremembered function gives, stays bounded, and is dropped when the rules or the lexicon the
reading depends on are replaced. The form's "a new employer at the place question" test now
decides on the stored employer and the asked slot before it trims the reply: it still fires
where it did and stays silent where it did, in unit checks and in a conversation."""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.handlers import progress
from bot.handlers.answers import ORG_END, ORG_TAIL, PUNCTUATION
from bot.handlers.intake_form import ValidateDisputeForm
from knowledge import followup, load_kb, textnorm
from knowledge.kb import KnowledgeBase
from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question

DATA = Path(__file__).resolve().parent / "data"

FORM_REPLIES = ["那怎么办呢", "咋整", "那我该怎么办", "那去哪里办", "那医保呢", "一个月大概多少钱",
                "那不交有什么后果", "好的 那一个月多少钱", "公司辞退我 要赔N加1吗", "腾飞科技有限公司",
                "新塘", "13912345678", "就我一个", "2023年3月到现在", "", "  ", "呢", "今天天气怎么样",
                "不是问养老 是问医保", "社包断了咋办", "醫保怎麼交", "想想", "那起诉呢",
                "要是单位不给交呢", "网上能办吗", "ZY20261126-0001", "谢谢"]
CASE_TEXTS = ["ZY20261126-0001", "ＺＹ 2026 1126—0001", "zy二零二六一一二六杠零零零一",
              "查一下 ZY-2026-1126-0001 和 ZY20261126-0002 的进度", "第二个", "那另一个呢",
              "编号后四位0001", "我的进度", "", "撤了 第一个 留着", "zy 2026 1126 0001 撤回"]


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _questions(limit: int = 200) -> list[str]:
    out = []
    for path in sorted(DATA.glob("kb_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            out += [row[key] for key in ("question", "first") if row.get(key)]
    return out[:limit]


# --- textnorm.clean ----------------------------------------------------------------------

def _clean_long_way(text):
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(re.findall(r"[\u4e00-\u9fff0-9a-z‰%]+", text))


@pytest.mark.parametrize("text", ["社保 断缴了，怎么办？", "ＡＢＣ社保１２３", "醫保", "", None,
                                  "  养老   保险  ", "5‰的滞纳金", "OK!!!好的", "100%"])
def test_clean_gives_the_long_way_first_and_again(text):
    textnorm._CLEANED.clear()
    first, again = textnorm.clean(text), textnorm.clean(text)
    assert first == again == _clean_long_way(text)


def test_clean_of_real_questions_equals_the_long_way():
    textnorm._CLEANED.clear()
    for question in _questions() * 2:  # the second pass reads the memo
        assert textnorm.clean(question) == _clean_long_way(question), question


def test_clean_memo_stays_bounded_and_keeps_no_none():
    textnorm._CLEANED.clear()
    textnorm.clean(None)
    assert None not in textnorm._CLEANED
    for i in range(textnorm.ANALYSES_KEPT * 2 + 5):
        assert textnorm.clean(f"问题{i}号") == f"问题{i}号"
        assert len(textnorm._CLEANED) <= textnorm.ANALYSES_KEPT


def test_clean_of_a_text_seen_before_the_memo_was_cleared_is_the_same():
    textnorm._CLEANED.clear()
    before = textnorm.clean("社保，断了")
    for i in range(textnorm.ANALYSES_KEPT + 1):
        textnorm.clean(f"填充{i}")
    assert textnorm.clean("社保，断了") == before == "社保 断了"


# --- followup.reading ----------------------------------------------------------------------

@pytest.mark.parametrize("text", FORM_REPLIES)
def test_reading_remembered_equals_a_fresh_reading(kb, text):
    kb.__dict__.pop("_readings", None)
    first = followup.reading(kb, text)
    assert followup.reading(kb, text) == first == followup._reading(kb, text)


def test_reading_of_real_questions_equals_a_fresh_reading(kb):
    kb.__dict__.pop("_readings", None)
    questions = _questions(150)
    remembered = [followup.reading(kb, q) for q in questions + questions]
    assert remembered == [followup._reading(kb, q) for q in questions + questions]


def test_what_to_do_is_still_read_as_what_to_do(kb):
    for text in ("那怎么办呢", "咋整", "那我该怎么办"):
        assert followup.reading(kb, text).kind == "what_to_do", text
        assert followup.reading(kb, text).kind == "what_to_do", text  # remembered


def test_reading_memo_is_dropped_when_the_rules_are_replaced(kb, monkeypatch):
    kb.__dict__.pop("_readings", None)
    assert followup.reading(kb, "那怎么办呢").kind == "what_to_do"
    monkeypatch.setattr(followup, "RULES", dataclasses.replace(
        followup.RULES, what_to_do=re.compile("(?!)")))
    assert followup.reading(kb, "那怎么办呢").kind != "what_to_do"
    assert followup.reading(kb, "那怎么办呢") == followup._reading(kb, "那怎么办呢")


def test_reading_memo_is_dropped_when_the_lexicon_typos_change(kb):
    kb.__dict__.pop("_readings", None)
    lexicon = kb.tokenizer.lexicon
    typos = lexicon.typos
    before = followup.reading(kb, "那咋弄呢嘞")
    try:
        lexicon.typos = (("咋弄呢嘞", "怎么办呢"),) + typos
        after = followup.reading(kb, "那咋弄呢嘞")
        assert after == followup._reading(kb, "那咋弄呢嘞")
        assert after.kind == "what_to_do"
    finally:
        lexicon.typos = typos
    assert followup.reading(kb, "那咋弄呢嘞") == before


def test_reading_memo_stays_bounded(kb):
    kb.__dict__.pop("_readings", None)
    for i in range(followup.READINGS_KEPT + 20):
        followup.reading(kb, f"那第{i}个呢")
        assert len(kb._readings[1]) <= followup.READINGS_KEPT


def test_two_knowledge_bases_keep_their_own_readings(kb):
    other = KnowledgeBase(kb.entries, kb.tokenizer.lexicon, kb.scope, kb.settings)
    assert followup.reading(other, "那医保呢") == followup.reading(kb, "那医保呢")
    assert other._readings is not kb._readings
    assert other._readings[0][1] is other.tokenizer and kb._readings[0][1] is kb.tokenizer


# --- progress.folded -------------------------------------------------------------------------

def _folded_long_way(message):
    folded = progress.spoken_figures(unicodedata.normalize("NFKC", message or "")).translate(
        progress._DASHES)
    return "".join(folded.split())


@pytest.mark.parametrize("text", CASE_TEXTS + [None])
def test_folded_gives_the_long_way_first_and_again(text):
    progress._FOLDED.clear()
    assert progress.folded(text) == progress.folded(text) == _folded_long_way(text)


def test_spoken_case_number_is_still_found_after_it_was_remembered():
    progress._FOLDED.clear()
    for _ in range(2):
        assert progress.loose_case_no("zy二零二六一一二六杠零零零一") == "ZY20261126-0001"
        assert progress.case_numbers("查一下 ZY20261126-0001 和 ZY2026 1126—0002 的进度") == [
            "ZY20261126-0001", "ZY20261126-0002"]


def test_case_readers_answer_as_with_the_long_way(monkeypatch):
    progress._FOLDED.clear()
    texts = CASE_TEXTS * 2
    remembered = [(progress.loose_case_no(t), progress.case_numbers(t)) for t in texts]
    monkeypatch.setattr(progress, "folded", _folded_long_way)
    assert remembered == [(progress.loose_case_no(t), progress.case_numbers(t)) for t in texts]


def test_folded_memo_stays_bounded_and_keeps_no_none():
    progress._FOLDED.clear()
    progress.folded(None)
    assert None not in progress._FOLDED
    for i in range(progress.FOLDED_KEPT * 2 + 3):
        assert progress.folded(f"ZY {i}") == f"ZY{i}"
        assert len(progress._FOLDED) <= progress.FOLDED_KEPT


# --- the form: a new employer at the place question ---------------------------------------------

def _tracker(text, slots, employers=()):
    entities = [{"entity": "employer", "value": name} for name in employers]
    return SimpleNamespace(get_slot=slots.get,
                           latest_message={"text": text, "entities": entities})


def _employer_again_long_way(tracker):
    """The order before this round: the reply trimmed first, every condition after."""
    current = tracker.get_slot("employer")
    reply = ORG_TAIL.sub("", PUNCTUATION.sub("", (tracker.latest_message.get("text") or "")
                                             .strip()))
    named = [str(e.get("value")) for e in tracker.latest_message.get("entities") or []
             if e.get("entity") == "employer"]
    if (current is None or tracker.get_slot("requested_slot") != "jurisdiction"
            or named != [reply] or not ORG_END.search(reply) or reply == current
            or reply in str(current)):
        return None
    return reply


CASES = [
    ("腾飞科技有限公司", {"employer": "华强电子厂", "requested_slot": "jurisdiction"},
     ["腾飞科技有限公司"], "腾飞科技有限公司"),
    ("腾飞科技有限公司。", {"employer": "华强电子厂", "requested_slot": "jurisdiction"},
     ["腾飞科技有限公司"], "腾飞科技有限公司"),
    ("腾飞科技有限公司啊", {"employer": "华强电子厂", "requested_slot": "jurisdiction"},
     ["腾飞科技有限公司"], "腾飞科技有限公司"),
    ("腾飞科技有限公司", {"requested_slot": "jurisdiction"}, ["腾飞科技有限公司"], None),
    ("腾飞科技有限公司", {"employer": "华强电子厂", "requested_slot": "name"},
     ["腾飞科技有限公司"], None),
    ("华强电子厂", {"employer": "华强电子厂", "requested_slot": "jurisdiction"},
     ["华强电子厂"], None),
    ("新塘", {"employer": "华强电子厂", "requested_slot": "jurisdiction"}, [], None),
    ("腾飞科技有限公司在新塘", {"employer": "华强电子厂", "requested_slot": "jurisdiction"},
     ["腾飞科技有限公司"], None),
    ("", {"employer": "华强电子厂", "requested_slot": "jurisdiction"}, [], None),
]


@pytest.mark.parametrize("text, slots, employers, expected", CASES)
def test_employer_again_answers_as_the_long_way(text, slots, employers, expected):
    form = ValidateDisputeForm.__new__(ValidateDisputeForm)
    tracker = _tracker(text, slots, employers)
    assert form._employer_again(tracker) == expected == _employer_again_long_way(tracker)


async def test_a_new_employer_at_the_place_question_still_replaces_the_stored_one(
        platform, config):
    openid = "perf7-emp-again"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "华强电子厂")
    reply = await say(platform, openid, "腾飞科技有限公司")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "腾飞科技有限公司", slots
    assert "腾飞科技有限公司" in reply and "华强电子厂" in reply, reply


async def test_a_place_at_the_place_question_keeps_the_employer(platform, config):
    openid = "perf7-emp-place"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "华强电子厂")
    await say(platform, openid, "新塘")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "华强电子厂" and slots.get("jurisdiction"), slots
