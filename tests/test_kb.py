"""Knowledge base: facts in answers, reply text, declines, robustness, held-out accuracy."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from knowledge import KbAnswer, load_kb

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def _rows(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_enough_entries(kb):
    assert len(kb.entries) >= 60
    assert all(len(e.paraphrases) >= 4 and len(e.answer) <= 300 for e in kb.entries)


@pytest.mark.parametrize("question,entry_id,must", [
    ("滞纳金咋算的", "late_fee", ["万分之五"]),
    ("晚交社保一天收多少滞纳金", "late_fee", ["万分之五"]),
    ("对社保局的决定不服多久内申请行政复议", "reconsideration_deadline", ["六十日"]),
    ("劳动仲裁时效多长", "arbitration_limit", ["一年"]),
    ("养老保险交满几年能按月领养老金", "pension_15_years", ["十五年"]),
    ("招了员工多少天内要办社保登记", "register_after_hiring", ["三十日"]),
    ("直接起诉社保部门的期限", "lawsuit_deadline", ["六个月"]),
    ("复议决定不服多少天内起诉", "lawsuit_after_reconsideration", ["十五日"]),
    ("工伤保险个人要交钱吗", "injury_who_pays", ["职工不缴纳"]),
    ("生育保险谁交", "maternity_who_pays", ["职工不缴纳"]),
])
def test_facts(kb, question, entry_id, must):
    a = kb.ask(question)
    assert not a.declined and a.entry_id == entry_id, (question, a.entry_id)
    for word in must:
        assert word in a.answer


def test_late_fee_cites_article_86(kb):
    a = kb.ask("滞纳金怎么算")
    assert "第八十六条" in a.source
    assert a.reply_text().endswith("（依据：《社会保险法》第八十六条）")
    assert "2‰" in a.answer and "取代" in a.answer  # the superseded rate is named as such


def test_reconsideration_cites_2023_article_20(kb):
    a = kb.ask("行政复议期限是多少天")
    assert a.entry_id == "reconsideration_deadline"
    assert "《行政复议法》第二十条" in a.source


def test_reply_text_ends_with_source(kb):
    for q in ["社保基数上下限是多少", "公司不交社保怎么办", "灵活就业怎么交社保"]:
        a = kb.ask(q)
        assert not a.declined
        assert a.reply_text().endswith(f"（依据：{a.source}）")


def test_contribution_base_is_local(kb):
    a = kb.ask("社保最低缴费基数是多少")
    assert a.entry_id == "contribution_base_bounds"
    assert "各地" in a.answer and "60%" in a.answer and "300%" in a.answer


def test_contribution_base_uses_config_values():
    cfg = SimpleNamespace(raw={"contribution_base": {
        "year": 2026, "average_wage_monthly": None, "lower_ratio": 0.6, "upper_ratio": 3.0,
        "lower_monthly": 4588, "upper_monthly": 26421}})
    a = load_kb(cfg).ask("社保缴费基数上下限")
    assert "4,588" in a.answer and "26,421" in a.answer and "2026年" in a.answer


def test_deadlines_from_config():
    cfg = SimpleNamespace(raw={"deadlines": {"simple": 1, "general": 5, "major": 15}})
    a = load_kb(cfg).ask("反映问题以后会怎么处理")
    assert a.entry_id == "mechanism_process"
    assert "5个工作日内" in a.answer and "15个工作日内" in a.answer


def test_grievance_is_dispute_like_with_offer(kb):
    a = kb.ask("公司没给我交社保")
    assert a.dispute_like
    assert a.declined or a.entry_id in {"employee_remedies", "report_violation"}
    assert "反映问题" in a.reply_text()
    b = kb.ask("公司不交社保怎么办")
    assert not b.declined and b.entry_id == "employee_remedies" and b.dispute_like
    text = b.reply_text()
    assert "反映问题" in text and text.endswith(f"（依据：{b.source}）")


def test_policy_question_is_not_dispute_like(kb):
    assert not kb.ask("滞纳金怎么算").dispute_like
    assert not kb.ask("养老保险要交多少年").dispute_like


@pytest.mark.parametrize("question,hotline", [
    ("公积金怎么提取", "12345"),
    ("护照怎么办理", "12345"),
    ("个税怎么算", "12366"),
    ("今天天气怎么样", "12345"),
    ("房贷利率是多少", "12345"),
])
def test_out_of_scope_declined(kb, question, hotline):
    a = kb.ask(question)
    assert a.declined and a.answer is None and a.entry_id is None
    assert a.hotline == hotline
    text = a.reply_text()
    assert text.startswith("这个问题我还不能准确回答") and hotline in text


def test_decline_hotline_by_topic(kb):
    a = kb.ask("医保卡密码忘了")
    assert a.declined and a.hotline == "12393"


@pytest.mark.parametrize("bad", ["", " ", "\n", "啊" * 5000, "😀🙏💰", "<b>社保</b><script>x</script>",
                                 "\x00\x01", "' OR 1=1 --", "ｓｈｅｂａｏ", "？？？"])
def test_bad_inputs_never_raise(kb, bad):
    a = kb.ask(bad)
    assert isinstance(a, KbAnswer)
    assert isinstance(a.reply_text(), str) and a.reply_text()


def test_non_string_input(kb):
    assert kb.ask(None).declined
    assert isinstance(kb.ask(12345), KbAnswer)


def test_also_offers_close_second(kb):
    a = kb.ask("社保交几年可以领养老金，不够怎么办")
    ids = {a.entry_id, *(i for i, _ in a.also)}
    assert {"pension_15_years", "pension_under_15_years"} <= ids
    assert "您是不是还想问" in a.reply_text()


@pytest.mark.parametrize("question,hotline", [
    ("今年退休金涨了多少", "12333"),
    ("养老金是每月几号发到卡里", "12333"),
    ("退休了被公司返聘社保还交不交", "12333"),
    ("养老保险视同缴费年限怎么认定", "12333"),
    ("职工医保门诊看病能报吗", "12393"),
    ("医保家庭共济怎么开通", "12393"),
])
def test_unanswered_aspect_declined(kb, question, hotline):
    """A social-insurance question no entry answers gets the decline, not the nearest entry
    (pension calculation, medical insurance after retirement…): a wrong answer is worse."""
    a = kb.ask(question)
    assert a.declined and a.answer is None and a.entry_id is None, (question, a.entry_id)
    assert a.hotline == hotline
    assert a.reply_text().startswith("这个问题我还不能准确回答") and hotline in a.reply_text()


@pytest.mark.parametrize("question,entry_id", [
    ("工伤评了九级伤残能拿多少补助", "disability_benefits"),
    ("停工留薪期一般多长", "injury_leave"),
    ("上下班路上被车撞了算不算工伤", "injury_what_counts"),
])
def test_work_injury_aspects_answered_by_their_entries(kb, question, entry_id):
    """伤残/停工留薪/算不算工伤 stay in scope.yaml `unanswered` as a guard: they are answered by
    the injury.yaml entries whose paraphrases name them, and declined if another entry wins."""
    a = kb.ask(question)
    assert a.entry_id == entry_id and not a.declined, (question, a.entry_id)
    assert a.source.startswith("《")


def test_unanswered_aspect_answered_by_entry_that_names_it(kb):
    """An aspect word is declined only when the chosen entry's own texts do not name it."""
    c = kb.candidates("单位地址变更社保登记期限")
    assert kb.decide(c).entry_id == "registration_change"
    named = replace(c, unanswered=(("地址变更", "12333"),))
    assert kb.decide(named).entry_id == "registration_change"
    other = replace(c, unanswered=(("返聘", "12333"),))
    a = kb.decide(other)
    assert a.declined and a.hotline == "12333"


def test_entry_about_another_insurance_type_is_never_the_answer(kb):
    c = kb.candidates("工伤保险费由谁交")
    assert kb.decide(c).entry_id == "injury_who_pays"
    hits = [replace(h, other_type=True) if kb.entries[h.index].id == "injury_who_pays" else h
            for h in c.hits]
    assert kb.decide(replace(c, hits=hits)).entry_id != "injury_who_pays"


def _score(kb, name: str, at_least: int) -> tuple[float, float, int]:
    """(in-scope accuracy, share of out-of-scope declined, wrong answers) on a labelled set.
    A wrong answer — another entry, or any entry for a question none answers — is worse than a
    decline, so it is counted on its own."""
    rows = _rows(name)
    assert len(rows) >= at_least
    ins = [r for r in rows if r["entry_id"]]
    outs = [r for r in rows if not r["entry_id"]]
    assert all(r["entry_id"] in kb.by_id for r in ins), f"{name} names an unknown entry"
    answers = [(r, kb.ask(r["question"])) for r in rows]
    right = sum(a.entry_id == r["entry_id"] for r, a in answers if r["entry_id"])
    declined = sum(a.declined for r, a in answers if not r["entry_id"])
    wrong = sum(not a.declined and a.entry_id != r["entry_id"] for r, a in answers)
    return right / len(ins), declined / len(outs), wrong


def test_heldout_accuracy(kb):
    right, declined, _ = _score(kb, "kb_heldout.jsonl", 120)
    assert right >= 0.90 and declined >= 0.95, (right, declined)


def test_fresh_set_accuracy(kb):
    """kb_fresh.jsonl was written after tuning and never tuned on (see knowledge/README.md);
    floors fixed before its first run."""
    right, declined, _ = _score(kb, "kb_fresh.jsonl", 60)
    assert right >= 0.85 and declined >= 0.90, (right, declined)


def test_fresh2_set_accuracy(kb):
    """kb_fresh2.jsonl: a second held-apart set written before the decline work on questions no
    entry answers (59 in-scope, 25 social-insurance questions without an entry, 15 off-topic).
    Never tuned on. Floors fixed right after its first run (59/59 right, 26/40 declined, 14 wrong
    answers), before any change they were meant to measure."""
    right, declined, wrong = _score(kb, "kb_fresh2.jsonl", 80)
    assert right >= 0.94 and declined >= 0.62 and wrong <= 15, (right, declined, wrong)


def test_fresh2_questions_no_entry_answers_are_declined(kb):
    """Its 7 remaining wrong answers (2026-11-26: 31/38 declined) were each a class of aspect no
    entry settles: family use of the medical account, two employers at once, the retirement
    procedure, buying years in one sum, how long a pension is paid, retirees' allowances, private
    injury settlements (scope.yaml unanswered, lexicon.yaml rewrites 共济/能同时交). After: 38/38,
    0 wrong; the floor keeps a margin of one."""
    right, declined, wrong = _score(kb, "kb_fresh2.jsonl", 80)
    assert right >= 0.94 and declined >= 0.97 and wrong <= 1, (right, declined, wrong)


def test_fresh3_set_accuracy(kb):
    """kb_fresh3.jsonl: 38 questions on the topics of the entries added 2026-11-25 (work-injury
    recognition and benefits, unemployment, family planning, fund, arbitration and
    reconsideration procedure), plus 14 that no entry answers (10 off-topic). Written before
    those entries; never used for paraphrases. Baseline before the entries: 0/38 right, 14/14
    declined, 25 wrong answers. After: 36/38 right, 14/14 declined, 1 wrong answer. Floors are
    the after-result minus a margin (2 questions right, 1 decline, 2 wrong answers)."""
    right, declined, wrong = _score(kb, "kb_fresh3.jsonl", 50)
    assert right >= 0.89 and declined >= 0.92 and wrong <= 3, (right, declined, wrong)


def test_fresh4_set_accuracy(kb):
    """kb_fresh4.jsonl: 82 colloquial phone questions (dialect, typos, long stories, one-liners):
    52 in-scope, 20 social-insurance questions no entry answers, 10 off-topic. Written before
    its first run. Baseline: 40/52 right, 26/30 declined, 5 wrong answers; its misses were then
    used to find the causes (typos, glued words, story clauses, context words, hotlines), so it
    is no longer blind. After: 50/52, 30/30, 1 wrong. Floors: the after-result minus a margin."""
    right, declined, wrong = _score(kb, "kb_fresh4.jsonl", 80)
    assert right >= 0.92 and declined >= 0.93 and wrong <= 3, (right, declined, wrong)


def test_fresh5_set_accuracy(kb):
    """kb_fresh5.jsonl: 80 phone questions written blind (colloquial, typos and homophones, no
    punctuation, long stories, Cantonese and northern dialect): 51 in-scope, 29 to decline or
    refer (personal figures, waiting periods, other offices, what the statutes leave open).
    Baseline: 30/51 right, 21/29 declined, 15 wrong answers. Its misses were then fixed by class
    (dialect, typos, work injuries told without 工伤, context words, stories, unsettled aspects),
    so it is no longer blind. After: 47/51, 28/29, 2 wrong. Floors: the after-result minus a
    margin (2 right, 1 decline, 2 wrong answers)."""
    right, declined, wrong = _score(kb, "kb_fresh5.jsonl", 80)
    assert right >= 0.88 and declined >= 0.93 and wrong <= 4, (right, declined, wrong)


def test_fresh6_set_accuracy(kb):
    """kb_fresh6.jsonl: 60 phone questions written blind (complaints wrapped round the question,
    the complaint process itself: 实名/匿名/时效/奖励, partial coverage, employer-side questions,
    resident schemes, typos of 社保 such as 射保/舍保/社报, voice-to-text run-ons): 35 in-scope,
    25 to decline or refer. Baseline: 24/35 right, 15/25 declined, 18 wrong answers. Its misses
    were then fixed by class (typos, Cantonese, anonymity, legality and partial coverage,
    employer-side refusals, unsettled aspects), so it is no longer blind. After: 35/35, 24/25,
    1 wrong. Floors: the after-result minus a margin (3 right, 1 decline, 2 wrong answers)."""
    right, declined, wrong = _score(kb, "kb_fresh6.jsonl", 60)
    assert right >= 0.91 and declined >= 0.92 and wrong <= 3, (right, declined, wrong)


def test_fresh7_set_accuracy(kb):
    """kb_fresh7.jsonl: 70 phone questions written blind (colloquial, typos, dialect, run-ons,
    traditional characters, complaints wrapped round the question; self-employed payers who
    stop paying, 新农合 asked first, 退休年龄/补缴/断缴/转移/异地就医/失业金/工伤认定 in many
    words): 45 in-scope, 25 to decline or refer. Baseline: 36/45 right, 24/25 declined,
    5 wrong answers. Its misses were then fixed by class (traditional characters, a
    self-payer's lapse, uninsured injuries, 咋定, 几个点, durations and amounts as story, the
    medical card used away from home, what someone who never paid will draw), so it is no
    longer blind. After: 45/45, 25/25, 0 wrong. Floors: the after-result minus a margin
    (2 right, 1 decline, 2 wrong answers)."""
    right, declined, wrong = _score(kb, "kb_fresh7.jsonl", 70)
    assert right >= 0.95 and declined >= 0.96 and wrong <= 2, (right, declined, wrong)


def test_fresh8_set_accuracy(kb):
    """kb_fresh8.jsonl: 80 phone questions written blind (employers asking about 小老板, 个体户,
    试用期, 实习生, 返聘, 派遣, 兼职; resignation and dismissal; students, retirees, farmers;
    生育津贴, 失业金, 工伤 time limits, 医保 waiting, 社保卡, moving cities, death benefits, 滞纳金,
    bases, the dispute procedure; tax, 公积金, 商业保险, other cities' amounts and retirement age to
    decline; typos, dialect, traditional characters, complaints round the question): 53 in-scope,
    27 to decline. Baseline: 41/53 right, 20/27 declined, 17 wrong answers (two labels corrected
    after the first run: a two-year late fee is worked out by late_fee's formula, and "基数有争议
    走什么程序" is the procedure entry). Its misses were then fixed by class (knowledge/README.md
    round 5), so it is no longer blind. After: 53/53, 27/27, 0 wrong. Floors: the after-result
    minus a margin (2 right, 1 decline, 2 wrong answers)."""
    right, declined, wrong = _score(kb, "kb_fresh8.jsonl", 80)
    assert right >= 0.96 and declined >= 0.96 and wrong <= 2, (right, declined, wrong)


@pytest.mark.parametrize("question,not_entry", [
    ("气死了 单位只交了一年社保 剩下的能补吗", "pension_survivor"),
    ("烦死了 公司不给交社保怎么办", "pension_survivor"),
])
def test_an_exclamation_is_not_a_death(kb, question, not_entry):
    """气死了 read as 死 (token 去世, and pension_survivor's `requires`): anger is no death."""
    assert "去世" not in kb.tokenizer.tokens(question)
    a = kb.ask(question)
    assert not a.declined and a.entry_id != not_entry, (question, a.entry_id)


def test_places_are_story_and_another_places_amount_is_declined(kb):
    """在广州交了三年 回江西老家 was declined (the places diluted the coverage; no 社保 word);
    广州灵活就业一个月交多少钱 got flexible_payment, which cannot give another city's figure."""
    a = kb.ask("在广州交了三年 回江西老家接着交 年限能合在一起算吗")
    assert a.entry_id == "transfer_pension", a.entry_id
    for question, hotline in [("杭州灵活就业一个月交多少钱", "12366"),
                              ("东莞失业金一个月能领多少", "12333")]:
        a = kb.ask(question)
        assert a.declined and a.hotline == hotline, (question, a.entry_id, a.hotline)
    assert kb.ask("深圳社保基数下限是多少").entry_id == "contribution_base_bounds"
    assert kb.ask("浙江省的缴费基数怎么定").entry_id == "contribution_base_how"


@pytest.mark.parametrize("question", ["申请了工伤认定一个多月了还没消息",
                                      "工伤认定交上去好久了一直没动静 要等多久"])
def test_waiting_for_an_injury_decision_is_not_the_time_limit_to_apply(kb, question):
    """Was injury_application (30 days / 1 year to apply): the payer waits for the decision
    (60 days, 条例第二十条)."""
    assert kb.ask(question).entry_id == "injury_recognition_process", question


def test_a_base_reported_too_low_is_base_too_low(kb):
    """工资基数太低 read as a low wage (低工资 → contribution_base_bounds)."""
    assert kb.ask("老板给我报的工资基数太低了 找谁").entry_id == "base_too_low"


@pytest.mark.parametrize("question,hotline", [
    ("实习生要不要交社保", None),
    ("实习生干活受伤算工伤吗", "12333"),
    ("孩子在学校交了学生医保 还要交居民医保吗", "12393"),
    ("居民医保交了有啥用", "12393"),
    ("单位没给交生育保险 生孩子的费用谁承担", "12393"),
    ("生育津贴到了单位账上 单位一直不发给我", "12393"),
])
def test_aspects_the_statutes_leave_open_are_declined(kb, question, hotline):
    """Interns, two medical schemes at once, what a resident scheme gives back, who pays a
    maternity benefit the employer's arrears left unpaid, an allowance kept by the employer:
    each got the nearest entry (injury_what_counts, resident_medical, maternity_*, enforcement)."""
    a = kb.ask(question)
    assert a.declined, (question, a.entry_id)
    assert hotline is None or a.hotline == hotline, (question, a.hotline)


@pytest.mark.parametrize("question,entry_id", [
    ("实习期要交社保吗", "probation_period"),
    ("新农合怎么交", "resident_medical"),
    ("工伤保险公司没给买 受伤了医药费谁出", "injury_without_insurance"),
])
def test_siblings_of_the_declined_aspects_are_still_answered(kb, question, entry_id):
    assert kb.ask(question).entry_id == entry_id, question


@pytest.mark.parametrize("question,entry_id", [
    ("老婆去世了 她养老保险里的钱能取出来吗", "pension_survivor"),
    ("员工因病去世了 丧葬补助金能领多少钱", "pension_survivor"),
    ("在车间出事故死亡了 丧葬补助金和抚恤金怎么领", "injury_death"),
])
def test_a_death_from_illness_is_not_a_work_death(kb, question, entry_id):
    """因病去世 got injury_death (因工死亡, 条例第三十九条) and 去世…钱能取出来吗 pension_account;
    injury_death now `requires` a work word."""
    assert kb.ask(question).entry_id == entry_id, question


def test_leaving_a_job_is_not_the_unemployed_medical_cover(kb):
    """辞职以后医保还能用多久 got unemployment_medical (领失业金期间): it `requires` 失业 now."""
    assert kb.ask("辞职以后医保还能用多久").entry_id != "unemployment_medical"
    assert kb.ask("领失业金期间医保谁交").entry_id == "unemployment_medical"


@pytest.mark.parametrize("question,entry_id", [
    ("我是小老板 开了个店 招了三个人 要给他们买社保吗", "individual_business_employees"),
    ("毕业了一直没找到工作 社保能自己交吗", "flexible_enrol"),
    ("公司辞退我还不给我补社保 找谁", "employee_remedies"),
    ("单位补缴社保产生的滞纳金 员工要承担吗", "late_fee"),
])
def test_employer_and_self_payer_questions_told_as_stories(kb, question, entry_id):
    """A count (三个) an entry's wording happens to contain was a topic word (register_after_hiring);
    没找到工作 was the end of unemployment benefit (unemployment_stop); 不给我补社保 was not read
    as arrears (declined); who bears the late fee got back_payment."""
    assert kb.ask(question).entry_id == entry_id, question


def test_few_years_paid_is_too_few_for_a_pension_only_near_retirement(kb):
    """干了三年…只交了一年 got pension_under_15_years (只交了 → 不足) and arbitration_limit."""
    a = kb.ask("干了两年 公司只交了一年社保 剩下的能补吗")
    assert a.entry_id in ("back_payment", "employee_remedies"), a.entry_id
    assert kb.ask("到退休年龄了只交了9年").entry_id == "pension_under_15_years"


@pytest.mark.parametrize("question,entry_id", [
    ("異地就醫怎麼結算", "medical_offsite"),
    ("滯納金怎麼算的", "late_fee"),
    ("社保斷繳了 之前交的會清零嗎", "flexible_stop"),
    ("工傷認定要準備哪些材料", "injury_recognition_process"),
])
def test_traditional_characters_are_read_as_simplified(kb, question, entry_id):
    """`kb ask` gets the payer's raw words: 異地就醫 was declined (no domain word) to 12345."""
    a = kb.ask(question)
    assert a.entry_id == entry_id and not a.declined, (question, a.entry_id)


@pytest.mark.parametrize("question", [
    "灵活就业的社保不交了会怎么样",
    "自由职业者社保交不起了怎么办",
    "打零工自己交的养老今年不想交了 有影响吗",
])
def test_a_self_payer_who_stops_paying_gets_the_lapse_not_enrolment(kb, question):
    """A payer with no employer who stops paying lets the contributions lapse (flexible_stop);
    flexible_enrol (how to join) was the answer."""
    assert kb.ask(question).entry_id == "flexible_stop", question


@pytest.mark.parametrize("question", ["老板不给工人交社保 个体户不交会怎么样",
                                      "公司不交社保会怎么样"])
def test_an_employer_not_paying_is_still_the_penalty(kb, question):
    a = kb.ask(question)
    assert a.entry_id != "flexible_stop", (question, a.entry_id)


@pytest.mark.parametrize("question", [
    "在厂里压伤了手 老板压根没给买工伤保险 医药费谁出",
    "公司根本没交工伤险 我在工地摔断腿了 谁管",
])
def test_an_uninsured_injury_is_the_employers_to_pay(kb, question):
    """Was injury_medical (the treatment an insured injury gets from the fund)."""
    a = kb.ask(question)
    assert a.entry_id == "injury_without_insurance", (question, a.entry_id)
    assert "第四十一条" in a.source


def test_an_insured_injurys_treatment_is_still_injury_medical(kb):
    assert kb.ask("工伤的医药费工伤保险给付吗").entry_id == "injury_medical"


@pytest.mark.parametrize("question,entry_id", [
    ("社保缴费基数是咋定的", "contribution_base_how"),
    ("养老保险个人交几个点", "contribution_rates"),
    ("医保单位交多少个点 个人交多少个点", "contribution_rates"),
])
def test_colloquial_words_for_rates_and_how_a_base_is_set(kb, question, entry_id):
    """咋定 (glued 怎么 + 定) was contribution_base_bounds; 几个点 (percentage points) declined."""
    assert kb.ask(question).entry_id == entry_id, question


@pytest.mark.parametrize("question", [
    "气死我了 公司干了四年一分钱社保都没交 我现在能怎么办",
    "太过分了 厂里干了三年多 2000块社保都没给交 我能怎么办",
])
def test_durations_and_amounts_in_a_complaint_do_not_dilute_the_question(kb, question):
    """四年/一分钱 are the payer's story: they counted as topic words no entry knows, so no
    entry covered enough and the question was declined to 12345."""
    assert kb.ask(question).entry_id == "employee_remedies", question


def test_durations_an_entry_uses_stay_topic_words(kb):
    assert kb.retriever.counts({"四年", "一分钱", "十五年", "养老"}) == {"四年", "一分钱"}


@pytest.mark.parametrize("question", ["人在外省打工 生病了医保卡在那边能用吗",
                                      "医保卡在外地能刷吗"])
def test_a_medical_card_used_away_from_home_is_offsite_settlement(kb, question):
    """医保卡 alone is out of scope (passwords, the card itself: 12393); used in another
    province it stands for the insurance (medical_offsite)."""
    assert kb.ask(question).entry_id == "medical_offsite", question


@pytest.mark.parametrize("question", ["医保卡密码忘了", "我妈她那个医保卡在药店买药能不能刷啊"])
def test_the_medical_card_itself_is_still_declined(kb, question):
    a = kb.ask(question)
    assert a.declined and a.hotline == "12393", (question, a.entry_id)


@pytest.mark.parametrize("question", ["我爸70了 没工作过 一个月能领多少养老金",
                                      "我妈一天社保没交过 老了能领多少钱"])
def test_what_someone_who_never_paid_will_draw_is_declined(kb, question):
    """Was pension_amount (how an employee pension is worked out): someone who never paid has
    none (第十六条) and no statute here sets what they get."""
    a = kb.ask(question)
    assert a.declined and a.hotline == "12333", (question, a.entry_id)


@pytest.mark.parametrize("question,entry_id", [
    ("工伤申请超过一年了怎么办", "injury_application"),
    ("申请工伤要什么材料", "injury_recognition_process"),
])
def test_applying_for_a_work_injury_is_injury_recognition(kb, question, entry_id):
    """工伤申请 is an application for injury recognition (条例第十七条): 超过一年 got the
    arbitration time limit (arbitration_limit)."""
    assert kb.ask(question).entry_id == entry_id, question


def test_paid_in_one_place_drawn_in_another_is_the_transfer(kb):
    """Was pension_15_years: 在深圳交的…回老家能领吗 is about two places (第十九条)."""
    a = kb.ask("在深圳交的社保 回老家能领养老金吗")
    assert a.entry_id == "transfer_pension" and "第十九条" in a.source


def test_fresh9_set_accuracy(kb):
    """kb_fresh9.jsonl: 90 phone questions written blind to stress retrieval (a topic named beside
    the one asked, negations such as 不是问养老 / 我没有工伤 / 公积金我不管, two questions in one
    message, long stories with the question at the end, fragments like 补缴? and 基数咋定, employers
    and employees on one topic, look-alikes such as 平安保险 / 车险 / 社保局电话, numbers and dates,
    hypotheticals, time limits, who to contact, Cantonese, Sichuan and northeastern phrasing,
    typos, traditional characters): 59 in-scope, 31 to decline. Baseline: 47/59 right, 23/31
    declined, 14 wrong answers. One label corrected after the first run, not the code: 退休金一个月
    能领多少 is pension_amount (how it is calculated, 12333 for the figure; kb_followups labels
    每个月能领多少 the same). Its misses were then fixed by class (knowledge/README.md round 6), so
    it is no longer blind. After: 59/60, 30/30, 1 wrong (灵活就业医保一个月多少钱 still gets
    flexible_enrol: a 医保 paraphrase for flexible_payment moved the follow-up 那医保呢 after
    灵活就业社保怎么交, which tests/test_policy_followups.py pins to flexible_enrol). Floors: the
    after-result minus a margin (2 right, 1 decline, 2 wrong answers)."""
    right, declined, wrong = _score(kb, "kb_fresh9.jsonl", 90)
    assert right >= 0.95 and declined >= 0.96 and wrong <= 3, (right, declined, wrong)


def test_fresh10_set_accuracy(kb):
    """kb_fresh10.jsonl: 90 phone questions written blind (older payers and relatives asking for
    someone, pregnancy and maternity, migrant and platform workers, civil servants, teachers and
    soldiers, medical-insurance details, pension payment and fraud, the complaint process itself,
    tax beside social insurance, run-on stories, dialect, traditional characters, English and
    pinyin words): 57 in-scope, 33 to decline. Two labels corrected after the first run, not the
    code: 跑网约车的 社保怎么交 is flexible_payment (that entry's question is 怎么缴) and 补缴社保的话
    会不会罚款 is penalty_not_paying (a fine only when still unpaid after the order, 第八十六条).
    Baseline with those labels: 45/57 right, 25/33 declined, 13 wrong answers. After round 7
    (knowledge/README.md): 54/57, 33/33, 0 wrong; the misses are 津贴…不给 (read as an allowance
    kept by the employer), 帮我查 (the bot cannot look a record up) and a story whose second
    question (赔偿) no entry answers. Floors: the after-result minus a margin."""
    right, declined, wrong = _score(kb, "kb_fresh10.jsonl", 90)
    assert right >= 0.91 and declined >= 0.96 and wrong <= 2, (right, declined, wrong)


@pytest.mark.parametrize("question", ["我妈60岁了还能交养老保险吗", "我爸六十二了 还能交社保吗",
                                      "到退休年龄了还能继续交养老保险吗"])
def test_paying_on_at_pension_age_is_the_fifteen_years_rule(kb, question):
    """Was pension_account (个人账户不得提前支取): at pension age one may pay on only up to 15
    years (《社会保险法》第十六条)."""
    assert kb.ask(question).entry_id == "pension_under_15_years", question


def test_paying_on_in_the_resident_scheme_at_sixty_is_still_declined(kb):
    assert kb.ask("我爸六十了还能交城乡居民养老吗").declined


@pytest.mark.parametrize("question", ["灵活就业医保一个月多少钱", "个体户医保一年交多少"])
def test_what_a_self_employed_payer_pays_for_medical_insurance(kb, question):
    """Was flexible_enrol: flexible_payment named only 养老保险, so a 医保 amount question took it
    for another insurance type."""
    assert kb.ask(question).entry_id == "flexible_payment", question
    assert kb.ask("自由职业者可以交职工医保吗").entry_id == "flexible_enrol"


@pytest.mark.parametrize("question", ["员工上班途中出车祸死亡 家属有丧葬补助金吗",
                                      "我老公下班路上出车祸走了 能领什么"])
def test_a_commuting_accident_death_is_a_work_death(kb, question):
    """Was pension_survivor (因病或者非因工死亡): 上下班途中 a traffic accident not mainly one's
    own fault is a work injury (《工伤保险条例》第十四条)."""
    a = kb.ask(question)
    assert a.entry_id == "injury_death" and "第十四条" in a.source, question


@pytest.mark.parametrize("question", [
    "我妈退休了 养老金这几个月少发了 能补发吗",
    "我爸在两个地方都领了养老金 重复领取要退吗",
    "养老金上涨是按什么比例",
    "我是公务员 养老保险怎么算",
    "教师的养老保险怎么交",
    "怀孕了被公司辞退 社保也停了 怎么办",
    "劳动合同没签 社保也没交 双倍工资能要吗",
    "送外卖的 平台不给交社保 我能告平台吗",
    "工地上摔伤了 包工头跑了 工伤找谁赔",
    "我婆婆农村的 新农合跟职工医保有啥区别",
])
def test_matters_the_statutes_here_leave_open_are_declined(kb, question):
    """Each got the nearest entry (pension_15_years, benefit_fraud, resident_pension,
    maternity_benefits, injury_recognition_process, flexible_enrol, injury_without_insurance,
    resident_medical): back pay of a pension, two pensions, civil servants and teachers,
    dismissal in pregnancy, double wages, platform riders, a vanished subcontractor and scheme
    comparisons are not settled by the statutes in /work/shared/policy."""
    assert kb.ask(question).declined, question


def test_a_subcontractor_who_paid_a_little_is_still_the_uninsured_injury(kb):
    q = ("俺在工地上干活，从架子上掉下来摔断了腿，包工头给垫了点医药费就不管了，"
         "公司也没给俺交过工伤保险，这个该找谁赔")
    assert kb.ask(q).entry_id == "injury_without_insurance"


def test_pension_conditions_are_the_fifteen_years(kb):
    """Was pension_amount: 领取条件 is 第十六条, not how the amount is calculated."""
    assert kb.ask("养老金领取条件是什么").entry_id == "pension_15_years"


def test_a_short_story_of_many_clauses_is_read_from_its_question(kb):
    """Was probation_period (a word of the story): five clauses in 49 characters."""
    q = "我在这个公司干了三年了 一开始说试用期不交 后来又说效益不好 现在我要走了 我想问下社保能让他补吗"
    assert kb.ask(q).entry_id == "back_payment"


def test_how_long_handling_takes_is_no_complaint_time_limit(kb):
    """Was declined as 投诉时效: 多久有结果 between 举报 and 超时 asks how long handling takes."""
    assert kb.ask("举报后多久有结果 超时了怎么办").entry_id == "mechanism_process"
    assert kb.ask("投诉有时效吗").declined


@pytest.mark.parametrize("question,entry_id", [
    ("个税app上看到的收入跟社保基数不一样 能举报吗", "base_too_low"),
    ("公司给我交的是商业保险 不是社保 合法吗", "employer_duties"),
    ("公司没交social insurance 怎么complain", "employee_remedies"),
])
def test_tax_commercial_insurance_and_english_words_as_the_payers_situation(kb, question, entry_id):
    """Were declined: 个税 and 商业保险 here say where the payer saw the wage or what the
    employer bought instead, not a second topic; English words are read as Chinese."""
    assert kb.ask(question).entry_id == entry_id, question


def test_fresh11_set_accuracy(kb):
    """kb_fresh11.jsonl: 90 questions written blind as they reach the district's channels (12345
    tickets in the operator's third person, voice-to-text without punctuation and with homophones
    such as 设保 / 滞纳进 / 角费, relatives asking for parents, employers' HR wording such as 缴费基数
    申报 / 稽核 / 滞纳金减免, small-business owners, questions about this service itself): 67 in-scope,
    23 to decline. Four labels corrected after the first run to agree with the older sets, not the
    code: 社保交满十五年就可以不交了吗 is pension_15_years (kb_dev), 个体户自己交社保怎么交 is
    flexible_enrol (个体户怎么交养老保险 in kb_fresh4), 怀孕了公司就停了我的社保 合法吗 is
    employer_duties (合法吗, round 3) and 能告几年前的 is arbitration_limit (the one-year limit of a
    claim against the employer). Baseline with those labels: 48/67 right, 16/23 declined, 17 wrong
    answers. After round 8 (knowledge/README.md): 67/67, 23/23, 0 wrong; it is no longer blind.
    Floors: the after-result."""
    right, declined, wrong = _score(kb, "kb_fresh11.jsonl", 90)
    assert right >= 0.99 and declined >= 0.99 and wrong == 0, (right, declined, wrong)


@pytest.mark.parametrize("question,entry_id", [
    ("来电人反映与单位因社保问题发生劳动争议，咨询申请劳动仲裁的时效。", "arbitration_limit"),
    ("来电人称其于2023年在某厂受伤，咨询工伤认定申请时限。", "injury_application"),
    ("来电人反映其所在公司自2023年起未为其缴纳社会保险费，咨询应向哪个部门反映。", "employee_remedies"),
    ("来电人反映其于2024年3月入职某公司，公司至今未为其办理社保登记，咨询用人单位应在多长时间内办理。",
     "register_after_hiring"),
])
def test_a_12345_ticket_is_read_from_what_the_caller_asks(kb, question, entry_id):
    """Were labour_dispute_steps or declined: 来电人反映其… is the operator's wording (cut out),
    the question follows 咨询, and 咨询应向哪个部门反映 asks about the story before it."""
    assert kb.ask(question).entry_id == entry_id, question


@pytest.mark.parametrize("question", ["交了滞纳进还要罚款吗 帮我爸问的他开厂的",
                                      "单位未按时足额缴纳社保费，除滞纳金外是否还会被罚款",
                                      "滞纳金交完了还会被罚吗"])
def test_a_fine_on_top_of_the_late_fee_is_the_penalty(kb, question):
    """Were late_fee: the fine after the order to pay is 第八十六条's penalty_not_paying."""
    assert kb.ask(question).entry_id == "penalty_not_paying", question


@pytest.mark.parametrize("question,entry_id", [
    ("单位欠缴社保 我能直接去法院告吗", "labour_dispute_steps"),
    ("公司欠我社保 可以去法院告公司吗", "labour_dispute_steps"),
    ("同事说公司少交了社保可以告 能告几年前的", "arbitration_limit"),
    ("不服社保局能直接去法院告吗", "lawsuit_deadline"),
])
def test_suing_the_employer_is_a_labour_dispute_not_an_administrative_suit(kb, question, entry_id):
    """Were lawsuit_deadline (six months against an agency): the employer is no agency."""
    assert kb.ask(question).entry_id == entry_id, question


@pytest.mark.parametrize("question", ["公司给我交的社保基数比工资低很多 去哪里投诉",
                                      "基数比实际工资低了一半 咋办"])
def test_a_base_below_the_wage_is_base_too_low_not_the_bounds(kb, question):
    """Were contribution_base_bounds: 基数比工资低 compares the base with the wage (少报); it is
    not a low wage (低工资) asking for the lower bound."""
    assert kb.ask(question).entry_id == "base_too_low", question
    assert kb.ask("工资只有两千 基数按多少交").entry_id == "contribution_base_bounds"


@pytest.mark.parametrize("question,hotline", [
    ("社保断交对买房有影响吗", "12345"), ("断缴社保对孩子上学有影响吗", "12345"),
    ("送外卖的能交工伤保险吗", "12333"), ("以前交的农保能和职工养老合并吗", "12333"),
    ("社保稽核发现我司少报基数，需补缴差额及滞纳金，滞纳金能否申请减免", "12366"),
    ("我司员工常驻外地，社保能否在工作地缴纳", "12333"), ("在这里反映问题要收费吗", "12345"),
    ("开个体户营业执照去哪办", "12345"),
])
def test_round8_aspects_no_statute_here_settles_are_declined(kb, question, hotline):
    """Were flexible_stop, flexible_enrol, resident_pension, base_too_low, transfer_pension,
    mechanism_scope and employer_registration: wrong answers; these are declined."""
    a = kb.ask(question)
    assert a.declined and a.hotline == hotline, (question, a.entry_id, a.hotline)


@pytest.mark.parametrize("question,entry_id", [
    ("买房要社保缴纳证明去哪打印", "payment_certificate"), ("滞纳金咋算的", "late_fee"),
    ("企业困难可以缓交社保吗", "no_deferral"), ("在深圳交的社保 回老家能领养老金吗", "transfer_pension"),
    ("劳动仲裁要交钱吗", "arbitration_how"),
])
def test_siblings_of_the_round8_declines_are_still_answered(kb, question, entry_id):
    assert kb.ask(question).entry_id == entry_id, question


@pytest.mark.parametrize("question,entry_id", [
    ("怀孕了公司就停了我的社保 合法吗", "employer_duties"),
    ("帮我妈问下 她在老家参保的 来这边住院能报吗", "medical_offsite"),
    ("我爸在老家交的医保 来深圳看病能报吗", "medical_offsite"),
    ("我在外地看病医保卡能直接刷吗", "medical_offsite"),
    ("生育津贴怎么算的 公司说没交够一年不给", "maternity_benefits"),
    ("老板让我签个不交社保的协议 不签就不要我 咋整", "mandatory_waiver"),
    ("老板说设保钱直接发工资里不给交了这样行吗", "mandatory_waiver"),
    ("社保补缴超过两年还能补吗", "back_payment"),
])
def test_round8_story_words_and_situations(kb, question, entry_id):
    """Were maternity_benefits, medical_lapse, declined, employer_duties or arbitration_limit:
    the pregnancy is when it happened; insured at home and treated here is the off-site cover;
    没交够一年不给 is the employer denying the allowance, not keeping it; an agreement to go
    without or the contribution paid as wages is the waiver; a period of arrears is back payment."""
    assert kb.ask(question).entry_id == entry_id, question


@pytest.mark.parametrize("question,entry_id", [
    ("你们是谁", "mechanism_overview"), ("这个公众号能干嘛", "mechanism_overview"),
    ("你们是政府的吗", "mechanism_overview"), ("登记了多久有人联系", "mechanism_process"),
    ("你们是哪个部门", "mechanism_overview"), ("这个公众号是干嘛的", "mechanism_overview"),
])
def test_questions_about_this_service(kb, question, entry_id):
    """Were declined (no social-insurance word): who runs this account and what it does."""
    assert kb.ask(question).entry_id == entry_id, question
    assert kb.ask("你是谁").declined


@pytest.mark.parametrize("question,entry_id", [
    ("滞纳进是怎么算的一天多少", "late_fee"), ("公司未为我角纳社保 我该找谁", "employee_remedies"),
    ("交了滞纳进还要罚款吗", "penalty_not_paying"), ("滞纳进能申请减免吗", None),
])
def test_voice_to_text_homophones(kb, question, entry_id):
    """滞纳进 / 角纳 / 补角 are how voice input writes 滞纳金 / 缴纳 / 补缴; corrected on the
    surface, so the rules that read the word (另罚, 滞纳金减免, 欠缴) see it too."""
    a = kb.ask(question)
    assert a.entry_id == entry_id and a.declined == (entry_id is None), (question, a.entry_id)


def test_fresh12_set_accuracy(kb):
    """kb_fresh12.jsonl: 90 questions written blind (retirees and back pay, students and new
    graduates, 新农合 and resident schemes, moving cities, 失业金 when the employer never paid,
    injuries without insurance, domestic and gig workers, traditional characters, pinyin and
    homophone typos, long stories with the question in the middle, two people's situations,
    figures and dates, this mechanism itself, angry wording): 65 in-scope, 25 to decline. One
    label corrected after the first run to agree with kb_fresh5 (调解不成怎么办 is
    labour_dispute_steps). Baseline with the blind labels: 52/65 right, 22/25 declined, 11 wrong
    answers. Labels corrected after the first run to agree with the older sets, not the code:
    调解不成怎么办 is labour_dispute_steps (kb_fresh5), 毕业一年了…社保我自己该怎么交 is flexible_enrol
    (自由职业怎么交社保 in kb_dev); and the two mediation-agreement questions (调解协议有法律效力吗, 司法确认)
    are mediation_agreement, the entry round 9 added (《劳动争议调解仲裁法》第十四条至第十六条). Baseline
    with the final labels: 52/67, 20/23, 11 wrong. After round 9 (knowledge/README.md): 67/67,
    23/23, 0 wrong; it is no longer blind. Floors: the after-result. At stop 26 the
    临时工不用交 question moved to temporary_workers, the entry added then for that claim."""
    right, declined, wrong = _score(kb, "kb_fresh12.jsonl", 90)
    assert right >= 1.0 and declined >= 1.0 and wrong == 0, (right, declined, wrong)


@pytest.mark.parametrize("question,entry_id", [
    # a student intern (scope.yaml 实习生), not an employee's probation; was payment_certificate
    ("我是大二学生 寒假去厂里实习 厂里要给交社保吗", None),
    # two medical schemes at once told with 又让 (能同时交); was resident_medical
    ("孩子在学校交了学生医保 村里又让交新农合 要交两份吗", None),
    # what someone who never paid draws, with more words between (未缴领多少); was pension_15_years
    ("我奶奶从来没交过养老保险 今年都70岁了每个月能领多少钱", None),
    # how long 失业金 is paid (领取期限); was unemployment_benefit
    ("被裁员了 失业保险金能领几个月", "unemployment_duration"),
    # the wage during work-injury leave, not unpaid wages (欠薪); was withholding
    ("工伤在家养了三个月 公司停了我的工资 这样合理吗", "injury_leave"),
    # whether arbitration is still possible (仲裁时效); was injury_application
    ("从去年5月公司就没交社保 现在申请劳动仲裁还来得及吗", "arbitration_limit"),
    # pinyin homophone of 生育保险; was declined with no domain word
    ("生于保险是公司交吗", "maternity_who_pays"),
    # a signed waiver told as a story (放弃); was back_payment
    (("在饭店干了两年，老板说交社保要从工资里扣，我就说不交了，后来让我签了个字，"
      "签了字单位就可以不给我交了吗，我现在想补上"), "mandatory_waiver"),
    # this service named as a joint mechanism (本服务); was declined
    ("你们这个协作机制是干什么的", "mechanism_overview"),
    # a plea after the question closes more story (lexicon pleas); was payment_certificate
    (("我老公去年十月在工地上摔下来了，当时就送医院了，包工头垫了一点钱后来就不管了，申请工伤认定要准备"
      "什么材料，现在我们家里困难，孩子还在上学，真不知道怎么办，求求你们帮帮忙"),
     "injury_recognition_process"),
    # a kind of staff the employer leaves uninsured (临时工…不用交 → 欠缴) with 说 / 同一个 as weak
    # words; was declined, and medical_after_retirement (不用交) with the weak words alone
    # (since stop 26 the entry for that very claim, temporary_workers, added then)
    ("我跟我弟在同一个公司 我有社保他没有 老板说他是临时工不用交 这样合法吗", "temporary_workers"),
    # 还有人管 / 前 / 很 are weak: the closed factory's arrears (company_closed); was pension_15_years
    ("我爸退休前那家厂子破产了，欠了他三年社保，现在养老金很低，这欠的社保还有人管吗", "company_closed"),
    # an insult at the offices is cut out and 没人管 about the employer's arrears is no 推诿; was
    # mechanism_first_responsibility
    ("你们都是吃干饭的吗 厂里欠我社保一年多了都没人管 我该怎么办", "employee_remedies"),
    # a mediation agreement (mediation_agreement, 劳动争议调解仲裁法第十四条至第十六条); was declined
    # and labour_dispute_steps
    ("调解协议签了 公司不履行怎么办", "mediation_agreement"),
    ("劳动争议调解达成的协议算数吗", "mediation_agreement"),
    # a failed mediation is the labour-dispute procedure; a marriage's or neighbours' is not ours
    ("调解不成怎么办", "labour_dispute_steps"),
    ("离婚调解协议有效吗", None),
    ("邻居吵架调解不成怎么办", None),
    # offices passing the matter on is still 首问责任制
    ("税务说找社保局 社保局说找税务 来回跑了三趟没人管", "mechanism_first_responsibility"),
])
def test_round9_class_fixes(kb, question, entry_id):
    a = kb.ask(question)
    if entry_id is None:
        assert a.declined, (question, a.entry_id)
    else:
        assert not a.declined and a.entry_id == entry_id, (question, a.entry_id)


def test_clause_word_lists_live_in_the_lexicon(kb):
    """这种情况 / 另外 / 真不知道怎么办 are read from lexicon.yaml like the other word lists."""
    lexicon = kb.tokenizer.lexicon
    assert lexicon.points_back.search("这种情况算不算工伤")
    assert lexicon.another_question.split("滞纳金怎么算 另外你们几点下班")[::2] == [
        "滞纳金怎么算", "你们几点下班"]
    assert not lexicon.another_question.search("还有没有别的办法")
    assert lexicon.pleas.fullmatch("真不知道怎么办")
    assert kb.ask("滞纳金怎么算 另外你们几点下班").entry_id == "late_fee"


def test_fresh13_set_accuracy(kb):
    """kb_fresh13.jsonl: 90 questions written blind (migrant workers and 灵活就业, small-shop owners
    and 个体户, domestic helpers, riders, part-timers, interns, a base below the wage, 补缴 of past
    years, minimum years, newborns' and students' 医保, reimbursement, injuries the employer did not
    insure, maternity, leaving a job, moving cities, typos 社报 / 养劳保险 / 射保, pinyin, one-liners,
    long rambling stories, traditional characters, angry wording): 65 in-scope, 25 to decline (tax,
    公积金, stocks, 个人养老金 products, a balance, the weather, retirement age, riders' platforms,
    domestic helpers' employers, part-timers, interns…). No label was changed after the first run.
    Baseline 57/65 right, 24/25 declined, 7 wrong; after round 10 (knowledge/README.md) 65/65,
    25/25, 0 wrong; it is no longer blind. Floors: the after-result."""
    right, declined, wrong = _score(kb, "kb_fresh13.jsonl", 90)
    assert right >= 1.0 and declined >= 1.0 and wrong == 0, (right, declined, wrong)


@pytest.mark.parametrize("question,entry_id", [
    # a rural worker told as where he came from (老家出来…打工 → 农民工); was declined
    ("老家出来在厂里打工的 能交社保不", "migrant_workers"),
    # no fixed employer is 灵活就业 (没有固定单位); was pension_who_pays
    ("我是做保洁的钟点工 没有固定单位 能交养老保险吗", "flexible_enrol"),
    # 一直 and 那家 are filler, not the enforcement entry's 一直欠社保不交; was enforcement
    ("那家公司一直没给我交社保 能让它补上吗", "back_payment"),
    # 补缴 with 怎么办 (entry wording 社保补缴怎么办); was declined below the fragment margin
    ("补缴怎么办", "back_payment"),
    # years bought in one sum, told with 把 (一次性把…交够 → 一次性补交); was pension_15_years
    ("能不能一次性把剩下几年的养老保险都交够", None),
    # 时间限制 is a time limit (多久) like 期限, not a topic word only arbitration_limit names;
    # was arbitration_limit
    ("申请工伤认定有没有时间限制", "injury_application"),
    ("工伤认定申请有时间限制吗", "injury_application"),
    # what a man's maternity insurance gives (有啥用 → 待遇, 老婆没上班 → 未就业配偶: 第五十四条);
    # was maternity_who_pays
    ("老婆没上班 男职工的生育保险有啥用", "maternity_benefits"),
    ("生育险男的交了有啥用", "maternity_benefits"),
    # a story before 我想问一下 (asks_after): the question is what follows; was declined
    (("你好，我们是一家刚开的小型物流公司，上个月陆续招了五个司机和两个仓管，有的是老乡带来的有的是"
      "招聘网站来的，工资按月发，听同行说招了人不办社保会被罚款，我想问一下招了人多少天之内要给员工办"
      "社保登记，小公司是不是也一样，谢谢"), "register_after_hiring"),
    # two asking clauses at the end of a story: the last alone (过了多久就不行了) names nothing and
    # the whole story buries the question, so both are read (kb._asking_run); was declined
    (("前年我在一家装修公司干活 说好转正给我交社保 结果干了一年多都没交 我找老板他就躲着 电话也不接 "
      "后来我就走了 听老乡说可以仲裁 一直忙着打工没去 仲裁是不是有时间限制 过了多久就不行了"),
     "arbitration_limit"),
    # 像我这样摆摊的 says who asks and points back at nothing (lexicon self_described); was declined
    (("我以前在电子厂上班，厂子效益不好我就出来了，现在在市场摆摊卖水果，就我一个人，这几年社保都断着"
      "没交，像我这样摆摊的能不能自己交社保"), "flexible_enrol"),
])
def test_round10_class_fixes(kb, question, entry_id):
    a = kb.ask(question)
    if entry_id is None:
        assert a.declined, (question, a.entry_id)
    else:
        assert not a.declined and a.entry_id == entry_id, (question, a.entry_id)


def test_asking_whether_to_pay_is_no_arrears(kb):
    """能不能自己交社保 / 要不要给他交社保 ask whether: 不 between a modal and its repeat is not the
    employer's refusal (欠缴), which 公司不给交社保 and 老板就是不交社保 still are."""
    tokens = kb.tokenizer.tokens
    for question in ("能不能自己交社保", "要不要给他交社保", "用不用交社保", "可不可以自己交养老保险"):
        assert "欠缴" not in tokens(question), question
    for question in ("公司不给交社保", "老板就是不交社保", "公司能不给员工交社保吗", "没给我交社保"):
        assert "欠缴" in tokens(question), question
