"""Blind policy questions kb_fresh20.jsonl and kb_followups9.jsonl (the least-asked entries:
third-party injuries, 视同工伤, exclusions, fund vs employer, reconsideration cost and venue,
fund safety, mediation agreements, direct settlement, 计划生育, benefit fraud, arbitration time;
typos 滞拿金 / 社宝, Cantonese and Sichuan words, long stories, 养老金 said for 养老保险, numbers,
declines: 报销比例, 公积金, 个税, dismissal and contract termination) and the class fixes for their
misses (round 18 of the knowledge base)."""
from __future__ import annotations

import pytest

from knowledge import load_kb
from knowledge.followup import ask_after
from tests.kb_scoring import rows, score_followups, score_single


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def test_fresh20_set(kb):
    """112 questions written blind, 24 to decline. Baseline 77/88, 24/24, 5 wrong with the blind
    labels; one label corrected after the first run to what earlier rounds settled (交了12年 还差
    几年才能领养老金 is pension_under_15_years: 差几年 reads as 不足, and its answer names the 15
    years and paying on to them): 78/88, 24/24, 4 → 88/88, 24/24, 0."""
    assert len(rows("kb_fresh20.jsonl")) == 112
    assert score_single(kb, "kb_fresh20.jsonl") == (88, 24, 0)


def test_followups9_set(kb):
    """24 exchanges (25 follow-ups) written blind. Baseline with context 15/24, 1/1, 1 wrong;
    after 24/24, 1/1, 0."""
    pairs = rows("kb_followups9.jsonl")
    assert len(pairs) == 24
    right, declined, wrong = score_followups(kb, pairs, with_context=True)
    assert (right, declined, wrong) == (24, 1, 0)
    assert right > score_followups(kb, pairs, with_context=False)[0]


@pytest.mark.parametrize("question,expected", [
    ("行政复议要不要交钱啊", "reconsideration_process"),
    ("申请复议得掏钱不", "reconsideration_process"),
    ("复议是往市政府交吗", "reconsideration_where"),
    ("复议是不是向上一级税务局申请", "reconsideration_where"),
    ("做手术住院 医保该出的钱要我先垫上吗", "medical_settlement"),
    ("养老金是单位交还是个人交", "pension_who_pays"),
    ("骑车上班被车撞了 交警也没找到人 医药费工伤保险能先出吗", "injury_third_party"),
    ("药店拿别人的医保卡刷药套现 会怎么处罚", "benefit_fraud"),
    ("仲裁委收了材料五天了还不给立案 咋办", "arbitration_duration"),
    ("你们处理的结果我不认可 还能去哪", "mechanism_disagree"),
    ("伤残鉴定费是工伤保险基金出吗", "injury_fund_vs_employer"),
    ("前年在车间砸了脚 厂里说我自己不小心不给报 后来认定书下来说不是工伤 我觉得冤 想问下不服能咋办",
     "injury_appeal")])
def test_fresh20_class_fixes(kb, question, expected):
    """交钱 beside 复议 was paying contributions, 往市政府 named no venue, 垫 was no advance,
    养老金 paid was the pension drawn (withholding), 交警 and 医保卡 in a story declined the
    question as another office's topic, 立案 and 不认 / 冤 were unknown, 伤残鉴定 (an aspect only
    the assessment entries answered) declined the fund's costs, and 认定书 was no recognition."""
    assert kb.ask(question).entry_id == expected


@pytest.mark.parametrize("question", ["哪些情况算工伤", "什么情况算工伤"])
def test_what_counts_is_not_the_exclusions(kb, question):
    """Found beside the set: 哪些情况算工伤 got injury_excluded (its 什么情况不算工伤 differs by a
    weak 不); injury_excluded now requires a word of exclusion."""
    assert kb.ask(question).entry_id == "injury_what_counts"


@pytest.mark.parametrize("question", ["喝了酒上班摔伤了 算不算工伤", "员工自己弄伤自己 故意的 能认定工伤吗"])
def test_exclusions_still_answer_their_cases(kb, question):
    assert kb.ask(question).entry_id == "injury_excluded"


@pytest.mark.parametrize("question", ["工伤了 公司让我去他们指定的诊所 医药费要我先垫着 对吗",
                                      "下班路上被电动车撞了 对方全责 算工伤吗"])
def test_advance_and_collision_words_keep_their_entries(kb, question):
    """垫 and the third-party paraphrases must not pull an insured worker's treatment or a
    commuting accident to injury_third_party."""
    assert kb.ask(question).entry_id != "injury_third_party"


@pytest.mark.parametrize("first,second,expected", [
    ("劳动仲裁多长时间能出裁决", "那过了日子还没裁呢", "arbitration_duration"),
    ("单位不给员工交社保怎么办", "那已经从我工资里扣了呢", "deducted_not_paid"),
    ("调解协议签了有效吗", "那对方不照着办咋整", "mediation_agreement"),
    ("哪些情况算工伤", "那喝了酒出事的呢", "injury_excluded"),
    ("新公司多久要办社保登记", "那公司搬了地址要变更吗", "registration_change"),
    ("领失业金要什么条件", "那领的这段时间医保咋办", "unemployment_medical"),
    ("工伤待遇里的本人工资咋算", "那工资特别高的呢", "injury_wage_basis"),
    ("生育保险谁交", "那结扎手术能报吗", "maternity_family_planning"),
    ("工伤认定要交哪些材料", "要是单位咬定不是工伤呢", "injury_recognition_process")])
def test_followup9_class_fixes(kb, first, second, expected):
    """Declined or wrong before: 过了日子 / 特别高 were no overstep of the last answer's limit,
    照着办 / 搬 / 喝了酒 / 结扎手术…报 were words no entry knew, 领的这段时间 hid the opener
    这段时间, 已经扣了 got withholding, and 咬定 made the employer's denial a contested result."""
    topic = ask_after(kb, first, None).topic
    assert ask_after(kb, second, topic).answer.entry_id == expected


def test_what_reconsideration_costs_after_its_time_limit(kb):
    """"要交钱吗" after 行政复议多久内要申请 was declined (交钱 read as paying contributions);
    reconsideration_process quotes 第八十七条 (不得向申请人收取任何费用). This replaces the third
    case of test_policy_followups.test_an_aspect_no_entry_of_the_topic_names_is_declined."""
    topic = ask_after(kb, "行政复议多久内要申请", None).topic
    assert ask_after(kb, "要交钱吗", topic).answer.entry_id == "reconsideration_process"
