"""`kb check` passes on the real entries and reports crafted bad ones, one line each."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.check import run_check
from knowledge.statutes import StatuteIndex, cn_to_int, parse_citations

GOOD = """
- id: good_one
  question: 滞纳金怎么算？
  paraphrases: [滞纳金咋算, 晚交社保罚多少, 欠费利息多少, 滞纳金比例]
  answer: 按日加收万分之五的滞纳金。
  source: 《社会保险法》第八十六条
  tags: [滞纳金]
  reviewed: 2026-11-25
"""


def _write(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "entries"
    d.mkdir()
    (d / "x.yaml").write_text(text, encoding="utf-8")
    return d


def test_real_entries_pass():
    assert run_check() == []


def test_check_works_without_shared_policy(monkeypatch):
    """Only knowledge/statutes/ is used, so CI without /work/shared/policy/ passes."""
    index = StatuteIndex.load()
    assert index.has("社会保险法", 86) and index.has("行政复议法", 20)
    assert index.resolve("行政复议法") == "行政复议法_2023修订"
    assert index.resolve("中华人民共和国行政诉讼法") == "行政诉讼法"


def test_good_crafted_entry_passes(tmp_path):
    assert run_check(_write(tmp_path, GOOD)) == []


def test_missing_paraphrases(tmp_path):
    bad = GOOD.replace("[滞纳金咋算, 晚交社保罚多少, 欠费利息多少, 滞纳金比例]", "[滞纳金咋算]")
    problems = run_check(_write(tmp_path, bad))
    assert any("paraphrases" in p and "good_one" in p for p in problems)


def test_missing_fields_and_long_answer(tmp_path):
    bad = GOOD.replace("  tags: [滞纳金]\n", "").replace("按日加收", "按日加收" + "很" * 300)
    problems = run_check(_write(tmp_path, bad))
    assert any("'tags'" in p for p in problems)
    assert any("max 300" in p for p in problems)


def test_article_that_does_not_exist(tmp_path):
    bad = GOOD.replace("第八十六条", "第九百条")
    problems = run_check(_write(tmp_path, bad))
    assert problems == ["x.yaml:good_one: 《社会保险法》 has no article 900"]


def test_unknown_statute_and_bare_source(tmp_path):
    bad = GOOD.replace("《社会保险法》第八十六条", "《社会保障法》第一条；听说的")
    problems = run_check(_write(tmp_path, bad))
    assert any("unknown statute" in p for p in problems)
    assert any("names no statute article" in p for p in problems)


def test_near_duplicate_question(tmp_path):
    dup = GOOD + GOOD.replace("good_one", "good_two").replace("滞纳金怎么算？", "滞纳金怎么算呢？")
    problems = run_check(_write(tmp_path, dup))
    assert any("near-duplicate" in p and "good_two" in p for p in problems)


def test_duplicate_id(tmp_path):
    dup = GOOD + GOOD.replace("滞纳金怎么算？", "别的问题完全不同的说法？").replace(
        "[滞纳金咋算, 晚交社保罚多少, 欠费利息多少, 滞纳金比例]", "[甲乙丙丁戊, 子丑寅卯, 东南西北中, 春夏秋冬]")
    assert any("duplicate id" in p for p in run_check(_write(tmp_path, dup)))


def test_missing_statutes_dir_is_reported(tmp_path):
    problems = run_check(_write(tmp_path, GOOD), statutes_dir=tmp_path / "nope")
    assert any("no statute texts" in p for p in problems)


def test_statutes_copy_matches_shared_policy_when_present():
    shared = Path("/work/shared/policy")
    if not shared.is_dir():
        pytest.skip("shared policy folder absent (CI)")
    ours = Path(__file__).resolve().parent.parent / "knowledge" / "statutes"
    for f in shared.glob("*.md"):
        if f.name != "README.md":
            assert (ours / f.name).read_bytes() == f.read_bytes(), f.name


def test_citation_parsing():
    assert cn_to_int("八十六") == 86 and cn_to_int("十") == 10 and cn_to_int("一百零三") == 103
    assert parse_citations("《社会保险法》第十条、第十二条；各地规定") == [("社会保险法", [10, 12])]
    assert parse_citations("《工伤保险条例》第十七条第二款") == [("工伤保险条例", [17])]


def test_copy_tree_still_checks(tmp_path):
    """The whole knowledge dir copied elsewhere (as in a CI checkout) still validates."""
    src = Path(__file__).resolve().parent.parent / "knowledge"
    shutil.copytree(src / "entries", tmp_path / "entries")
    shutil.copytree(src / "statutes", tmp_path / "statutes")
    assert run_check(tmp_path / "entries", tmp_path / "statutes") == []


def test_requires_met_by_every_own_text_passes(tmp_path):
    ok = GOOD.replace("  tags: [滞纳金]\n", "  requires: [滞纳金, 晚交, 利息, 比例]\n  tags: [滞纳金]\n")
    assert run_check(_write(tmp_path, ok)) == []


def test_requires_not_met_by_a_paraphrase_is_reported(tmp_path):
    """A `requires` rule would rank down the entry's own phrasing: kb check names it."""
    bad = GOOD.replace("  tags: [滞纳金]\n", "  requires: [算]\n  tags: [滞纳金]\n")
    problems = run_check(_write(tmp_path, bad))
    assert any("晚交社保罚多少" in p and "requires" in p for p in problems)
    assert any("欠费利息多少" in p for p in problems)
    assert not any("滞纳金咋算" in p or "滞纳金怎么算" in p for p in problems)


def test_requires_must_be_a_list_of_words(tmp_path):
    bad = GOOD.replace("  tags: [滞纳金]\n", "  requires: 滞纳金\n  tags: [滞纳金]\n")
    assert any("requires must be a list" in p for p in run_check(_write(tmp_path, bad)))
