"""Blind policy questions kb_fresh14.jsonl and kb_followups4.jsonl, and the class fixes they
showed (knowledge/README.md, "Round 12")."""
from __future__ import annotations

import pytest

from knowledge import load_kb
from knowledge.followup import ask_after
from tests.kb_scoring import rows, score_followups, score_single
from tests.test_conversations import Payer

DECLINE = "这个问题我还不能准确回答"
UNEMPLOYMENT_MEDICAL = "应当缴纳的基本医疗保险费从失业保险基金中支付"


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def test_fresh14_set(kb):
    """90 phone questions written blind, 25 to decline. Baseline 60/65, 24/25, 5 wrong."""
    assert len(rows("kb_fresh14.jsonl")) == 90
    assert score_single(kb, "kb_fresh14.jsonl") == (65, 25, 0)


def test_followups4_set(kb):
    """40 exchanges written blind. Baseline with context 20/38, 4/4, 1 wrong (final labels)."""
    assert len(rows("kb_followups4.jsonl")) == 40
    right, declined, wrong = score_followups(kb, rows("kb_followups4.jsonl"), with_context=True)
    assert right >= 30 and declined == 4 and wrong == 0, (right, declined, wrong)
    assert right > score_followups(kb, rows("kb_followups4.jsonl"), with_context=False)[0]


# --- follow-ups --------------------------------------------------------------------------

@pytest.mark.parametrize("first,second", [("领失业金要什么条件", "那医保谁交"),
                                          ("失业金能领多久", "那医保谁交"),
                                          ("领取失业保险金期间 什么情况会停发", "那这期间医保谁交"),
                                          ("领失业金要什么条件", "那医保怎么办")])
def test_medical_insurance_after_unemployment_benefit_is_paid_by_the_fund(kb, first, second):
    """"那医保谁交" right after a question about drawing 失业金 was read alone (who pays an
    employee's medical insurance); it asks who pays it while drawing (第四十八条)."""
    assert ask_after(kb, second, first).answer.entry_id == "unemployment_medical"


@pytest.mark.parametrize("first,entry", [("养老保险由谁交", "medical_who_pays"),
                                         ("工伤保险费由谁交", "medical_who_pays"),
                                         ("失业保险由谁交", "medical_who_pays")])
def test_who_pays_medical_insurance_after_another_type_is_the_employees_rule(kb, first, entry):
    assert ask_after(kb, "那医保谁交", first).answer.entry_id == entry


@pytest.mark.parametrize("first,second,entry", [
    ("我是男的 交了生育保险有啥用", "那我老婆呢", "maternity_benefits"),
    ("生育津贴怎么算", "那我老婆没上班呢", "maternity_benefits"),
    ("退休以后还要交医保吗", "那我老婆呢", "medical_after_retirement"),
    ("领失业金要什么条件", "那我老公呢", "unemployment_benefit")])
def test_a_spouse_in_the_last_questions_place_gets_the_same_rule(kb, first, second, entry):
    """"那我老婆呢" was declined: 老婆 is a stop word and the last answer may not be given
    again; the same rule covers every insured adult, and maternity_benefits names the spouse."""
    assert ask_after(kb, second, first).answer.entry_id == entry


@pytest.mark.parametrize("first,second", [("退休以后还要交医保吗", "那我老婆没上班呢"),
                                          ("灵活就业社保怎么交", "那我老婆没上班呢"),
                                          ("退休以后还要交医保吗", "那我孩子呢")])
def test_a_spouse_with_a_situation_the_last_answer_does_not_know_is_still_declined(kb, first,
                                                                                    second):
    assert ask_after(kb, second, first).answer.declined


@pytest.mark.parametrize("first,second,entry", [
    ("受了工伤多长时间内要申请工伤认定", "要是超过了呢", "injury_application"),
    ("社保缴费基数上限是多少", "要是工资超过了呢", "contribution_base_bounds"),
    ("养老保险交满15年就能按月领吗", "要是没交满呢", "pension_under_15_years"),
    ("失业金能领多久", "中途找到工作了呢", "unemployment_stop")])
def test_what_happens_past_the_last_limit(kb, first, second, entry):
    """"要是超过了呢" was read alone (要是 was no opener); an answer that says what applies past
    its limit (单位未按时申请的…, 高于上限的按上限缴) may be given again."""
    assert ask_after(kb, second, first).answer.entry_id == entry


def test_past_a_limit_the_last_answer_does_not_settle_is_declined(kb):
    assert ask_after(kb, "要是超过了呢", "对社保局的决定不服 多久内可以申请行政复议").answer.declined


# --- single questions --------------------------------------------------------------------

@pytest.mark.parametrize("question,entry", [
    ("退修以后医保还要继续交吗", "medical_after_retirement"),
    ("跟公司因为社保的事闹掰了 去劳动仲栽有时间限制没", "arbitration_limit"),
    ("申请劳动仲裁有没有时限", "arbitration_limit"),
    ("俺爹在老家种了一辈子地 今年满六十了 能领啥养老钱不", "resident_pension"),
    ("我妈务农几十年 想问问她这样的养老保险怎么交", "resident_pension"),
    ("领失业金那几个月 医保还用我自己掏钱交吗", "unemployment_medical"),
    ("我在工地上从架子上摔下来 腿骨折了 老板压根没给我们买工伤保险 现在医药费谁出啊",
     "injury_without_insurance"),
    ("交了6年失业保险能领几个月失业金", "unemployment_duration"),
    (("我们是做小餐馆的 去年税务局来查 说我们欠了员工的社保 让我们补 还开了个决定书 我们觉得算得不对 "
      "决定书是今年一月份给的 我想问现在还能不能申请复议 复议的期限是多久"), "reconsideration_deadline")])
def test_typos_farmers_periods_and_stories(kb, question, entry):
    """退修 (退休), 仲栽 with 时间限制, a farmer told by the work, the months of drawing 失业金,
    and a story that says which insurance the question's costs are about."""
    assert kb.ask(question).entry_id == entry


@pytest.mark.parametrize("question", ["我交了二十年养老保险 退休以后一个月能领多少",
                                      "缴了十五年社保 以后每个月能拿多少"])
def test_the_payers_own_pension_from_their_years_is_declined_to_12333(kb, question):
    """Answered with the 15-year rule (pension_15_years): the amount is the office's figure."""
    answer = kb.ask(question)
    assert answer.declined and answer.hotline == "12333"


# --- whole conversations -----------------------------------------------------------------

async def test_who_pays_medical_insurance_after_unemployment_benefit_in_a_chat(bot_server):
    payer = Payer(bot_server, "fu4-unemployment")
    await payer.say("领失业金要什么条件")
    reply = await payer.say("那医保谁交")
    assert UNEMPLOYMENT_MEDICAL in reply and DECLINE not in reply


async def test_the_wife_after_maternity_insurance_in_a_chat(bot_server):
    payer = Payer(bot_server, "fu4-spouse")
    await payer.say("我是男的 交了生育保险有啥用")
    reply = await payer.say("那我老婆呢")
    assert "未就业配偶" in reply and DECLINE not in reply
