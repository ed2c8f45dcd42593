"""Blind policy questions kb_fresh15.jsonl (employers, HR and accountants, retirees, residents,
students, flexible workers, the dispute mechanism itself) and the class fixes they showed
(knowledge/README.md, "Round 13")."""
from __future__ import annotations

import pytest

from knowledge import load_kb
from tests.kb_scoring import rows, score_single
from tests.test_conversations import Payer

DECLINE = "这个问题我还不能准确回答"


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def test_fresh15_set(kb):
    """90 questions written blind, 25 to decline. Baseline 59/65, 23/25, 7 wrong."""
    assert len(rows("kb_fresh15.jsonl")) == 90
    assert score_single(kb, "kb_fresh15.jsonl") == (65, 25, 0)


@pytest.mark.parametrize("question", ["社保争议去哪里反应", "在哪反应社保问题"])
def test_fan_ying_typed_as_reaction_is_where_to_file(kb, question):
    """反应 for 反映 gave mechanism_overview, arbitration_how or a decline."""
    assert kb.ask(question).entry_id == "mechanism_how_to_file"


def test_no_reaction_is_left_alone(kb):
    """投诉了没反应 is no reply, not a report: only reporting phrases are corrected."""
    assert kb.tokenizer.lexicon.correct("投诉了一个月都没反应") == "投诉了一个月都没反应"


@pytest.mark.parametrize("question", ["我妈到年纪了 养老保险才交了九年 咋办",
                                      "岁数到了 社保只交了八年 咋弄"])
def test_pension_age_said_as_age_reached_with_too_few_years(kb, question):
    """到年纪 / 岁数到了 is pension age: was flexible_enrol or declined."""
    assert kb.ask(question).entry_id == "pension_under_15_years"


def test_a_self_employed_payer_picking_the_lowest_grade(kb):
    """选最低档 by someone paying alone is the base grade (flexible_payment), not joining."""
    assert kb.ask("我是开滴滴的 自己交社保 可以挑最低的那档吗").entry_id == "flexible_payment"
    assert kb.ask("公司按最低档给我交社保 合法吗").entry_id == "base_too_low"


def test_an_arbitration_settlement_not_performed(kb):
    """老板不执行 an arbitral 调解书 was the tax office's enforcement; 第五十一条 settles it."""
    answer = kb.ask("仲裁调解书下来了 老板不执行怎么办")
    assert answer.entry_id == "mediation_agreement"
    assert "第五十一条" in answer.answer and "第五十一条" in answer.source


@pytest.mark.parametrize("question", ["投诉了社保问题 几个工作日给回复",
                                      "反映了社保的事 多少天有反馈"])
def test_how_many_days_until_a_reply(kb, question):
    """多少天 / 几个工作日 with 反馈 was how to file or the progress check."""
    assert kb.ask(question).entry_id == "mechanism_process"


@pytest.mark.parametrize("question", ["社保争议处理完了 我还是不服 咋整",
                                      "反映的问题办完了 对处理我不满意 还能找谁",
                                      "争议调处完了我不接受 下一步去哪"])
def test_a_finished_matter_disputed_is_what_to_do_next(kb, question):
    """处理完了 … 不服 was read as the progress (办结) or the process."""
    assert kb.ask(question).entry_id == "mechanism_disagree"


@pytest.mark.parametrize("question,hotline", [("公司交的社保能在所得税前扣吗", "12366"),
                                              ("老板交的那部分社保 能不能税前扣除", "12366"),
                                              ("厂里给买的补充医疗 住院后怎么报", "12393")])
def test_tax_deduction_and_supplementary_cover_are_declined(kb, question, hotline):
    """Tax law and top-up cover bought by the employer: withholding / medical_offsite before."""
    answer = kb.ask(question)
    assert answer.declined and answer.hotline == hotline


async def test_where_to_file_with_a_typo_in_a_chat(bot_server):
    payer = Payer(bot_server, "kb15-fanying")
    reply = await payer.say("社保争议去哪里反应")
    assert "受理专窗" in reply and DECLINE not in reply


async def test_tax_deduction_is_declined_in_a_chat(bot_server):
    payer = Payer(bot_server, "kb15-tax")
    reply = await payer.say("老板交的那部分社保 能不能税前扣除")
    assert DECLINE in reply and "12366" in reply
