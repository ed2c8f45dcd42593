"""Blind policy questions, round 34 of the knowledge base (written before reading knowledge/):
what payers type on a phone — pinyin mixed into Chinese (居民yibao, 公司不交shebao, zhinajin), voice
homophones (制纳金, 断较, 医包), dialect (俺, 咋整, 啥, 中不中; Cantonese 冇, 点算), two asks in one
message, and the payers themselves: an employer's accountant (会计, 做账的), 跑滴滴 / 送外卖 flexible
workers, retirees and their children, students, 农民工 on a building site. Questions no text in
/work/shared/policy settles (社保卡补办, 报销比例, 养老金涨多少, 延迟退休, 公积金, 个税, a payer's own
record or figure) must be declined with a hotline, never answered by the nearest entry.

The known gap probed on purpose: pinyin inside a resident's question ("居民yibao", "城乡居民yibao断缴了")
was not read as 城乡居民医保, so the question got an employee's entry (medical_lapse, 第二十三条) or
no domain word at all. A resident's question must get a resident entry (resident_medical,
resident_medical_lapse: 《社会保险法》第二十五条) or a decline naming a residents' hotline; the
same pinyin in an employee's question must keep the employee's entry.

Every cited article must exist in /work/shared/policy (tests.test_kb_fresh26.missing_articles).

First run (55 probes): old code failed 13; with the second pass (five probes written after the fix:
full pinyin, duanjiao, 公司没交yibao…谁出, 冇同我哋, the maternity decline) 16 of 60. Causes fixed:
the KB read pinyin only as ranking synonyms, never on the surface, so the payer group (居民医保),
rewrites and scope words missed it (textnorm.Lexicon.correct now reads pinyin and English words
with the dispatcher's table, bot/nlu/normalize.latin_map, as the chat already did); the 欠费待遇
rewrite declined an employer's unpaid 医保 (谁出), which unpaid_medical_costs answers (narrowed to
生育); 没给我上/买社保 got deducted_not_paid (employee_remedies paraphrases); Cantonese 冇同我;
忘交 not read as a resident's lapse. kb_fresh15.jsonl's 居民yibao断了一年没交 was labelled
medical_lapse, the known gap itself: relabelled resident_medical_lapse.
"""
from __future__ import annotations

import pytest

import tests.test_kb_fresh26 as fresh26
import tests.test_kb_fresh27 as fresh27
from knowledge.check import run_check
from tests.test_kb_fresh31 import check_declined
from tests.test_kb_fresh33 import check_resident

kb = fresh26.kb
missing_articles = fresh26.missing_articles

# --- the known gap: pinyin in a resident's question ------------------------------------------

# (question, the resident entry that settles it)
RESIDENT_PINYIN = [
    ('城乡居民yibao断缴了', 'resident_medical_lapse'),
    ('城乡居民yibao断缴了 现在看病还能报吗', 'resident_medical_lapse'),
    ('俺家娃的居民yibao断了一年 住院还能报不', 'resident_medical_lapse'),
    ('居民yibao在哪交 一年交一回吗', 'resident_medical'),
    ('城乡居民 yi bao 啥时候开始交钱', 'resident_medical'),
    ('我妈在村里交的居民YiBao今年忘交了 看病咋办', 'resident_medical_lapse'),
]


@pytest.mark.parametrize("question,expected", RESIDENT_PINYIN)
def test_fresh34_resident_pinyin_gets_the_resident_entry(kb, question, expected):
    check_resident(kb, question)
    fresh26.check_answered(kb, question, expected, '第二十五条')


def test_fresh34_the_known_gap_is_not_the_employee_lapse(kb):
    answer = kb.ask('城乡居民yibao断缴了')
    assert answer.entry_id != 'medical_lapse', answer.entry_id
    assert '第二十三条' not in (answer.source or ""), answer.source
    assert '单位' not in (answer.answer or "").split('。')[0], answer.answer


# (question, expected entry or tuple, article the source must cite or None): pinyin that is not a
# resident's — the employee's entries must stay
PINYIN_STORIES = [
    ('公司没给交yibao 住院报不了 这钱谁出', 'unpaid_medical_costs', '第二十三条'),
    ('公司不给交shebao咋办', ('employee_remedies', 'penalty_not_paying', 'report_violation'), None),
    ('shebao晚交了俩月 zhinajin咋算', 'late_fee', '第八十六条'),
    ('yanglao交够十五年就能按月领了吗', 'pension_15_years', '第十六条'),
    ('退休了 yibao还要接着交不', 'medical_after_retirement', '第二十七条'),
]


@pytest.mark.parametrize("question,expected,article", PINYIN_STORIES)
def test_fresh34_pinyin_in_an_employee_question(kb, question, expected, article):
    fresh26.check_answered(kb, question, expected, article)


# --- colloquial, dialect, typos and homophones; payers by kind -------------------------------

STORIES = [
    # homophones and typos
    ('社保晚交了两个月 制纳金一天按多少算', 'late_fee', '第八十六条'),
    ('养老保险断较了三年 以前交的还算数不', 'flexible_stop', '第十六条'),
    ('失叶金咋领 俺被辞退了 交了三年', 'unemployment_benefit', '第四十五条'),
    # dialect
    ('俺们老板压根没给俺上社保 咋整', ('employee_remedies', 'penalty_not_paying', 'report_violation'),
     None),
    ('老细冇同我买社保 点算好', ('employee_remedies', 'penalty_not_paying', 'report_violation'), None),
    ('公司给俺交的社保基数忒低了 俺工资八千 按三千交的 中不中', 'base_too_low', None),
    ('工伤保险老板说要俺们自己出一半 有这说法不', 'injury_who_pays', '第三十三条'),
    ('试用期公司不给上社保 说转正了才给交 合法不', 'probation_period', '第五十八条'),
    # an employer's accountant
    ('我是公司会计 新招的员工多少天内要去办社保登记', 'register_after_hiring', '第五十八条'),
    ('做账的问下 员工个人那部分社保是公司代扣代缴吗', 'withholding', '第六十条'),
    ('我们公司刚注册 营业执照下来了 多久要去开社保户', 'employer_registration', '第五十七条'),
    ('公司这阵资金紧张 社保能不能缓交几个月', 'no_deferral', None),
    ('会计问一下 公司晚交了社保 滞纳金按万分之几算', 'late_fee', '第八十六条'),
    ('公司搬家换了地址 社保登记要去变更吗', 'registration_change', None),
    # flexible workers
    ('我跑滴滴的 没单位 自己能交社保不', ('flexible_enrol', 'flexible_payment'), '第十条'),
    ('自由职业 养老自己交了五年 现在交不起了 停了会咋样', 'flexible_stop', None),
    # retirees and their children
    ('俺爸退休了 医保还用接着交不', 'medical_after_retirement', '第二十七条'),
    ('我妈到退休年龄了 养老才交了十二年 咋办', 'pension_under_15_years', '第十六条'),
    ('退休金是咋算出来的 跟交的年限有关系不', 'pension_amount', '第十五条'),
    ('老爷子走了 他养老保险个人账户里的钱家里能领不', 'pension_survivor', '第十四条'),
    # migrant workers
    ('俺是农民工 在工地干活 老板说农民工不用交社保 真的假的', ('migrant_workers', 'employer_duties'),
     None),
    ('在工地摔伤了 包工头说没给买工伤保险 医药费谁出', 'injury_without_insurance', '第四十一条'),
    ('出来打工换了个城市 之前交的养老咋转过来', 'transfer_pension', '第十九条'),
]


@pytest.mark.parametrize("question,expected,article", STORIES)
def test_fresh34_question_gets_its_entry_and_a_real_article(kb, question, expected, article):
    fresh26.check_answered(kb, question, expected, article)


def test_fresh34_student_resident_medical(kb):
    """A student's 居民医保 paid through school is a resident's question."""
    check_resident(kb, '上大学了 学校让交居民医保 必须交吗')


# --- two asks in one message: one of the two, never a third ----------------------------------

TWO_ASKS = [
    ('滞纳金怎么算？还有公司不给交社保去哪告', ('late_fee', 'employee_remedies', 'report_violation')),
    ('养老要交满几年 另外断缴了以前交的还算不', ('pension_15_years', 'flexible_stop')),
    ('失业金能领多久啊 要是中间找到工作了还能接着领不', ('unemployment_duration', 'unemployment_stop')),
    ('居民yibao怎么交 断了一年还能补吗', ('resident_medical', 'resident_medical_lapse')),
]


@pytest.mark.parametrize("question,expected", TWO_ASKS)
def test_fresh34_two_asks_get_one_of_their_entries(kb, question, expected):
    fresh26.check_answered(kb, question, expected, None)


def test_fresh34_two_asks_one_out_of_scope(kb):
    answer = kb.ask('养老交满15年就能领吗 另外公积金能取出来不')
    assert not answer.declined and answer.entry_id == 'pension_15_years', answer.entry_id
    assert '第十六条' in answer.source and '公积金' not in answer.source, answer.source


# --- declines: no text in /work/shared/policy settles these ----------------------------------

DECLINED = [
    ('社保卡丢了咋补办', '12333'),
    ('住院报销比例是多少 职工医保', '12393'),
    ('今年养老金涨多少啊', '12333'),
    ('延迟退休了 我79年的哪年能退', '12333'),
    ('公积金贷款能贷多少', ('12329', '12345')),
    ('个税年度汇算咋弄', '12366'),
    ('帮我查下我社保交了多少个月了', None),
    ('种植牙医保能报不', '12393'),
    ('yibao卡密码忘了', '12393'),
    ('我是大学生 暑假去公司实习 公司要给我交社保吗', None),
]


@pytest.mark.parametrize("question,hotline", DECLINED)
def test_fresh34_unsettled_or_out_of_scope_is_declined(kb, question, hotline):
    check_declined(kb, question, hotline)


# --- follow-ups ------------------------------------------------------------------------------

FOLLOWUPS = [
    ('城乡居民yibao怎么交', '那断缴了呢', 'resident_medical_lapse'),
    ('公司不给交社保怎么办', '那滞纳金谁出', 'late_fee'),
]


@pytest.mark.parametrize("first,second,expected", FOLLOWUPS)
def test_fresh34_followup_in_context(kb, first, second, expected):
    fresh26.check_followup(kb, first, second, expected)


# --- `kb ask` ---------------------------------------------------------------------------------

def test_fresh34_cli_pinyin_lines():
    records = fresh27._ask_cli(['城乡居民yibao断缴了', '公司没给交yibao 住院报不了 这钱谁出',
                                'yibao卡密码忘了'])
    assert len(records) == 3
    assert records[0]["entry_id"] == 'resident_medical_lapse', records[0]
    assert '第二十五条' in records[0]["source"], records[0]
    assert records[1]["entry_id"] == 'unpaid_medical_costs', records[1]
    assert records[2]["answer"] is None and records[2]["source"] is None, records[2]


# --- second pass, written after the fix: the same classes in other words ---------------------

SECOND_PASS = [
    ('chengxiang jumin yibao 断交了 还能报销吗', 'resident_medical_lapse', '第二十五条'),
    ('新农合 duanjiao了两年 看病能报不', 'resident_medical_lapse', '第二十五条'),
    ('公司没交yibao 看病的钱谁出', 'unpaid_medical_costs', '第二十三条'),
    ('工地包工头冇同我哋买社保', ('employee_remedies', 'penalty_not_paying', 'report_violation'), None),
]


@pytest.mark.parametrize("question,expected,article", SECOND_PASS)
def test_fresh34_second_pass(kb, question, expected, article):
    fresh26.check_answered(kb, question, expected, article)


def test_fresh34_maternity_costs_of_arrears_stay_declined(kb):
    """Who pays a birth's costs when the employer did not pay maternity insurance is settled by
    no text here (欠费待遇, 12393); the medical costs are unpaid_medical_costs'. Narrowing the
    rewrite to 生育 must not answer the maternity question."""
    check_declined(kb, '生育保险公司没交 生孩子的钱谁出', '12393')


def test_fresh34_kb_check_passes():
    assert run_check() == []
