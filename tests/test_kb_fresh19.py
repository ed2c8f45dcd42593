"""Blind policy questions kb_fresh19.jsonl and kb_followups8.jsonl (pinyin fragments gongshang /
zhinajin, 俺 / 屋头老汉儿, long stories, agency work, emigration, dismissal of an injured worker) and
the class fixes for their misses (round 17 of the knowledge base)."""
from __future__ import annotations

import pytest

from knowledge import load_kb
from knowledge.followup import ask_after
from tests.kb_scoring import rows, score_followups, score_single


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def test_fresh19_set(kb):
    """110 questions written blind, 23 to decline. Baseline 82/87, 19/23, 6 wrong (two labels
    corrected after the first run to what earlier rounds settled: 失业金每个月发多少 is
    unemployment_duration, which quotes 第四十七条's floor; 商业保险能代替社保吗 is employer_duties);
    after 87/87, 23/23, 0."""
    assert len(rows("kb_fresh19.jsonl")) == 110
    assert score_single(kb, "kb_fresh19.jsonl") == (87, 23, 0)


def test_followups8_set(kb):
    """22 exchanges written blind. Baseline with context 13/21, 0/1, 2 wrong with the corrected
    labels (那一个月能领多少钱 is unemployment_duration as above; 那补上以后多久能恢复 after 医保断缴 is
    medical_lapse, whose answer says 重新参保后多久恢复待遇 is local); after 22/22, 0 wrong."""
    pairs = rows("kb_followups8.jsonl")
    assert len(pairs) == 22
    right, declined, wrong = score_followups(kb, pairs, with_context=True)
    assert (right, declined, wrong) == (22, 0, 0)
    assert right > score_followups(kb, pairs, with_context=False)[0]


@pytest.mark.parametrize("question", [
    "劳务派遣的社保应该谁交 派遣公司还是用工单位",
    "被派遣到别的公司上班 社保该谁给交",
    "工伤鉴定了个七级 还能在公司干下去吗 公司能辞退我不",
    "我怀孕了 公司能不能辞退我 社保咋办",
    "社保交了十年了 能一次性退出来吗 我要出国定居了",
    "以后要定居国外了 养老保险交的钱能拿走吗"])
def test_aspects_no_statute_settles_are_declined(kb, question):
    """Agency work, whether an employer may dismiss, and drawing contributions on emigrating got
    register_after_hiring, disability_benefits and unemployment_stop (移居境外 ends 失业金 only)."""
    assert kb.ask(question).declined


@pytest.mark.parametrize("question", ["领着失业金呢 要移民去国外了 这钱还给发不",
                                      "出国定居了失业金还能领吗",
                                      "领失业金的时候找到新工作了 失业金还发吗"])
def test_unemployment_stop_still_answers_for_unemployment_benefit(kb, question):
    assert kb.ask(question).entry_id == "unemployment_stop"


@pytest.mark.parametrize("question", ["在深圳交的社保 孩子上学积分够不够", "我社保交了三年 落户够不够"])
def test_whether_contributions_meet_a_school_or_hukou_rule_is_declined(kb, question):
    """Got payment_certificate: what a school or hukou needs is set by those offices (社保用途)."""
    assert kb.ask(question).declined


@pytest.mark.parametrize("question,expected", [
    ("我邻居他妈死了好几年了 家里还一直在领养老金 这个会怎么处理", "benefit_fraud"),
    ("前年在一家公司干了八个月 他们一直没给交社保 当时不懂 现在离职一年多了才知道可以维权 还来得及吗",
     "arbitration_limit"),
    ("我是外地来的 在小区门口开了个早餐店 没雇人 想给自己交个养老 不知道能不能交", "flexible_enrol"),
    ("摆了个水果摊 没请帮手 社保能自己交吗", "flexible_enrol"),
    ("gongshang认定不服 能告吗", "injury_appeal"),
    ("失业金每个月发多少 够生活不", "unemployment_duration"),
    ("单位多久之内要给新来的员工上社保", "register_after_hiring"),
    ("复议完了还是不服呢", "lawsuit_after_reconsideration")])
def test_fresh19_class_fixes(kb, question, expected):
    """邻居他妈 was read as a second topic (邻居), the story's 来得及 and 没雇人 had no word the
    entries know, gongshang was no 工伤, 失业金…发多少 went to flexible_payment, 新来的员工 was no
    hire and 复议完了还是不服 got mechanism_disagree."""
    assert kb.ask(question).entry_id == expected


@pytest.mark.parametrize("question", ["单位不给报工伤怎么办", "公司不给报工伤咋整"])
def test_employer_not_filing_the_injury_is_the_application(kb, question):
    """Found beside the set: 不给报 was cut as 报销 and got medical_reimbursement_scope."""
    assert kb.ask(question).entry_id == "injury_application"


def test_a_shop_owner_hiring_staff_is_not_self_employed(kb):
    assert kb.ask("开了个饭馆 雇了两个服务员 要给她们交社保吗").entry_id != "flexible_enrol"


def test_a_worker_in_a_shop_refused_insurance_stays_a_grievance(kb):
    """The new paraphrases moved BM25 statistics: this told story tipped to register_after_hiring
    until employee_remedies named 上班 itself."""
    assert kb.ask("我在饭店上班，老板不给交社保怎么办").entry_id == "employee_remedies"


def test_leaving_without_asking_about_time_is_not_the_time_limit(kb):
    """The 来得及 rewrite needs the time asked: a story of leaving that asks to back-pay is not it."""
    assert kb.ask("我姐在工厂干了五年 一直没社保 现在离职了 想问能补缴吗 还有能要赔偿吗").entry_id \
        != "arbitration_limit"


@pytest.mark.parametrize("first,second,expected", [
    ("养老保险得交满多少年才能领", "那我到时候交不满呢", "pension_under_15_years"),
    ("退休后医保还要交吗", "那年限交不够呢", "medical_after_retirement"),
    ("工伤认定去哪里申请", "那要是公司不肯申请呢", "injury_application"),
    ("单位不给员工办社保登记会怎么罚", "那要是单位连社保费都不交呢", "penalty_not_paying"),
    ("单位不交社保会受到什么处罚", "那不办登记呢", "penalty_not_registering"),
    ("单位多久之内要给新来的员工上社保", "那还在试用期呢", "probation_period"),
    ("欠缴社保的滞纳金咋算", "那对算出来的金额有异议找谁", "late_fee_objection"),
    ("劳动仲裁裁决不服怎么办", "那个十五天从哪天算", "arbitration_appeal"),
    ("行政复议怎么申请", "那复议完了还是不服呢", "lawsuit_after_reconsideration")])
def test_followup8_class_fixes(kb, first, second, expected):
    """Declined or wrong before: 到时候 and 交不满 were unknown words, a shortfall (交不够, 不肯申请)
    could not get the last answer again though it says 未达到 / 未按时 itself, 登记 and 欠缴 did not
    swap, 新来的 and 算出来 were unknown, and the 十五天 of an award had no paraphrase."""
    topic = ask_after(kb, first, None).topic
    assert ask_after(kb, second, topic).answer.entry_id == expected


def test_shortfall_does_not_repeat_an_answer_that_says_nothing_of_it(kb):
    """pension_15_years says nothing of falling short: 交不满 goes to pension_under_15_years."""
    topic = ask_after(kb, "养老保险得交满多少年才能领", None).topic
    assert ask_after(kb, "那交不够呢", topic).answer.entry_id != "pension_15_years"
