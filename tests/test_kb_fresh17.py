"""Blind policy questions kb_fresh17.jsonl and kb_followups6.jsonl (employers and HR staff,
flexible workers, retirees, residents, moving cities, 失业金, 生育, 工伤, the dispute mechanism) and
the class fixes for the lead engineer's measured failures (knowledge/README.md, "Round 15")."""
from __future__ import annotations

import pytest

from knowledge import load_kb
from knowledge.followup import ask_after
from tests.kb_scoring import rows, score_followups, score_single

STORY = "我在厂里干了三年 老板一直没给我买社保 现在我要辞职了 能不能要求赔偿"


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def test_fresh17_set(kb):
    """86 questions written blind, 15 to decline. Baseline 70/71, 15/15, 1 wrong with the blind
    labels (71/71, 15/15, 0 with the one label corrected: 补交…要交滞纳金不 is late_fee)."""
    assert len(rows("kb_fresh17.jsonl")) == 86
    assert score_single(kb, "kb_fresh17.jsonl") == (71, 15, 0)


def test_followups6_set(kb):
    """22 exchanges written blind. Baseline with context 13/19, 2/3, 2 wrong with the blind
    labels, 14/20, 2/2, 1 wrong with the final ones (alone 5/20); after 19/20, 2/2, 0."""
    pairs = rows("kb_followups6.jsonl")
    assert len(pairs) == 22
    right, declined, wrong = score_followups(kb, pairs, with_context=True)
    assert right >= 19 and declined == 2 and wrong == 0, (right, declined, wrong)
    assert right > score_followups(kb, pairs, with_context=False)[0]


@pytest.mark.parametrize("question", [STORY, "公司不给买社保 可以要求赔钱吗", "社保没交 辞职能拿补偿吗",
                                      "公司没给我交社保 能要赔偿不", "没给买五险 辞职了能要补偿吗"])
def test_compensation_for_unpaid_insurance_is_the_remedies(kb, question):
    """The story got employer_annual_disclosure (its 要求 of 要求公开明细), 社保没交 辞职能拿补偿吗
    unemployment_benefit: a claim for money over unpaid insurance is a dispute with the employer
    (第八十三条); the answer names no amount, since the statutes here set none."""
    answer = kb.ask(question)
    assert answer.entry_id == "employee_remedies"
    assert "第八十三条" in answer.answer and "没有规定赔偿或补偿的数额" in answer.answer


@pytest.mark.parametrize("question,expected", [
    ("没交工伤保险 受伤了谁赔", "injury_without_insurance"),
    ("我姐在厂里干了三年没交社保 能补缴吗 还有能要赔偿吗", "back_payment")])
def test_compensation_rule_leaves_injuries_and_back_payment(kb, question, expected):
    assert kb.ask(question).entry_id == expected


@pytest.mark.parametrize("second", ["那我该怎么办", "那我要怎么弄", "这种情况怎么处理", "那怎么办呢",
                                    "咋整啊"])
def test_what_to_do_after_the_story(kb, second):
    """Only 那我该怎么办 reached the remedies: the story's topic words (欠缴) alone chose no
    entry, and 那怎么办呢 was read alone (呢 made it a contrast that asks)."""
    topic = ask_after(kb, STORY, None).topic
    assert ask_after(kb, second, topic).answer.entry_id == "employee_remedies"


@pytest.mark.parametrize("first", ["社保滞纳金怎么算", "养老保险交满15年能领吗"])
def test_what_to_do_after_no_grievance_is_declined(kb, first):
    """Nothing to act on: read as another aspect, 那怎么办呢 after 交满15年能领吗 got
    flexible_enrol and 那我该怎么办 after 滞纳金怎么算 the late fee again."""
    topic = ask_after(kb, first, None).topic
    for second in ("那怎么办呢", "那我该怎么办"):
        assert ask_after(kb, second, topic).answer.declined


def test_what_to_do_alone_stays_declined(kb):
    assert ask_after(kb, "那怎么办呢", None).answer.declined
    assert kb.ask("咋整啊").declined


@pytest.mark.parametrize("question", ["我交了15年了还要交吗", "交够十五年了 还用接着交不"])
def test_fifteen_years_paid_is_article_16(kb, question):
    """我交了15年了还要交吗 got medical_after_retirement (还要交)."""
    answer = kb.ask(question)
    assert answer.entry_id == "pension_15_years" and "第十六条" in answer.source


def test_medical_years_stay_medical(kb):
    assert kb.ask("医保交满15年了还要交吗").entry_id == "medical_after_retirement"


@pytest.mark.parametrize("question", ["去哪里交社保", "社保去哪里交啊", "在哪里交社保费"])
def test_where_to_pay(kb, question):
    """Declined before: who_collects now also says how contributions are paid (第六十条):
    the employer declares and withholds, a flexible worker pays the collection agency."""
    answer = kb.ask(question)
    assert answer.entry_id == "who_collects"
    assert "第六十条" in answer.source and "代扣代缴" in answer.answer and "灵活就业" in answer.answer


def test_where_a_flexible_worker_pays_stays_flexible_payment(kb):
    assert kb.ask("灵活就业社保在哪里交").entry_id == "flexible_payment"


@pytest.mark.parametrize("question", ["去哪里投诉", "在哪里投诉", "可以去哪儿投诉"])
def test_where_to_complain_at_all(kb, question):
    """去哪里投诉 got late_fee_objection (its paraphrase 滞纳金收多了去哪里申诉)."""
    assert kb.ask(question).entry_id == "report_violation"
    assert kb.ask("滞纳金算错了去哪里投诉").entry_id == "late_fee_objection"


@pytest.mark.parametrize("first,second,expected", [
    ("仲裁裁决不服怎么办", "多少天内要起诉", "arbitration_appeal"),
    ("退休了还要交医保吗", "那我老伴呢", "medical_after_retirement")])
def test_followups_glued_words_and_spouses(kb, first, second, expected):
    """多少天内要起诉 was cut 多久 / 内要 / 起诉 (内要 known to no entry) and 老伴 was no spouse."""
    assert ask_after(kb, second, ask_after(kb, first, None).topic).answer.entry_id == expected

