"""Blind policy questions, round 21 of the knowledge base: rumours and doubts (听说…是真的吗,
有人说…对吗), yes/no and negated questions (不是必须交的吧, 不犯法吧), comparisons (declined unless
an entry settles them), employers, HR staff and bookkeepers asking about their own duties and
penalties, numbers, dates and percentages, two questions in one message, pinyin typos (社报, 养老今,
滞纳斤, 失业今, 补教), English words (HR, boss, social security, deadline), full-width punctuation
and emoji; and questions that must be declined, with the office they must name."""
from __future__ import annotations

import pytest

from knowledge import load_kb

# (question, expected entry — a tuple when a message asks two things or two entries settle it —
# or None to decline, hotline the decline must give)
SET = [
    ('听说公司可以不给试用期员工交社保 是真的吗', 'probation_period', None),
    ('有人说公司可以不交社保 对吗', 'employer_duties', None),
    ('签了自愿放弃社保协议还能要求补缴吗', 'mandatory_waiver', None),
    ('听说交满15年就不用再交了 真的假的', 'pension_15_years', None),
    ('网上说滞纳金每天万分之五 是真的吗', 'late_fee', None),
    ('同事说社保断了以前交的就白交了 是这样吗', 'flexible_stop', None),
    ('听说工伤保险个人也要交一部分 对不对', 'injury_who_pays', None),
    ('听说现在社保都归税务局收了 是真的吗', 'who_collects', None),
    ('老板说我签了不交社保的承诺书 就不能去告他了 是真的吗', 'mandatory_waiver', None),
    ('听人说劳动仲裁过了一年就不能申请了 是不是真的', 'arbitration_limit', None),
    ('听说申请行政复议要交钱 真的吗', 'reconsideration_process', None),
    ('听说举报公司不交社保 老板会知道是我举报的 真的吗', 'privacy', None),
    ('听说养老保险可以跨省转 是真的吗', 'transfer_pension', None),
    ('有人说个人账户里的钱可以提前取出来 靠谱吗', 'pension_account', None),
    ('听说社保交得越多 退休领得越多 是不是真的', 'pension_amount', None),
    ('有人说失业金只要交满一年就能领 真的吗', 'unemployment_benefit', None),
    ('听说生育津贴是按公司平均工资算的 真的吗', 'maternity_benefits', None),
    ('单位不交社保算违法吗', 'employer_duties', None),
    ('公司到底可不可以不交社保', 'employer_duties', None),
    ('社保不是必须交的吧', 'employer_duties', None),
    ('工伤保险不是个人必须交的吧', 'injury_who_pays', None),
    ('员工自己不想交 公司就可以不给交了吧', 'mandatory_waiver', None),
    ('试用期不交社保不犯法吧', 'probation_period', None),
    ('公司只给我交了医保没交养老 这不算违法吧', 'employer_duties', None),
    ('补缴社保不用交滞纳金吧', ('back_payment', 'late_fee'), None),
    ('新员工入职不用马上办社保登记吧', 'register_after_hiring', None),
    ('不签劳动合同就不用交社保了吧', ('register_after_hiring', 'employer_duties'), None),
    ('社保是公司和个人一起交的吧？', 'insurance_types', None),
    ('工伤保险费个人不用交吧', 'injury_who_pays', None),
    ('从工资里扣了社保 结果公司没交上去 违法吧', 'deducted_not_paid', None),
    ('职工医保和居民医保有什么区别', None, '12393'),
    ('灵活就业交的养老和单位交的养老一样吗', None, '12333'),
    ('行政复议和劳动仲裁有什么不一样', None, '12333'),
    ('滞纳金和罚款是一回事吗', 'penalty_not_paying', None),
    ('城乡居民养老和职工养老哪个好', None, '12333'),
    ('我是老板 员工入职多久必须给他办社保', 'register_after_hiring', None),
    ('我们公司忘了给新员工交社保 现在补交会被罚吗', 'penalty_not_paying', None),
    ('HR问一下 公司少报了员工的缴费基数 会有什么处罚', ('penalty_not_paying', 'base_too_low'), None),
    ('作为用人单位 逾期不交社保 滞纳金从哪天开始算', 'late_fee', None),
    ('公司不办社保登记会被罚多少', 'penalty_not_registering', None),
    ('我是做会计的 老板让我按最低基数给所有人报 这样合规吗', 'base_too_low', None),
    ('会计问下 社保费是公司自己申报还是税务局核定', ('who_collects', 'no_declaration'), None),
    ('代账会计 公司账上没钱了 社保能缓交吗', 'no_deferral', None),
    ('我是HR 员工主动说不要社保 签了协议公司还有责任吗', 'mandatory_waiver', None),
    ('公司给员工交工伤保险 员工个人要出钱吗', 'injury_who_pays', None),
    ('老板问：单位应该给员工交哪几种保险', ('insurance_types', 'employer_duties'), None),
    ('公司被社保稽查罚款了 不服可以复议吗', 'reconsideration_deadline', None),
    ('公司让我自己交社保 他们不管 这样行吗', 'mandatory_waiver', None),
    ('我是个体户 雇了2个人 要给他们交社保吗', 'individual_business_employees', None),
    ('外国人在我们公司上班 HR要给他交社保吗', 'foreigners', None),
    ('员工离职了 公司在社保上要做什么', 'employer_leaving_duties', None),
    ('单位新成立 多少天内要去办社保登记？', 'employer_registration', None),
    ('公司每年要不要给员工公布社保缴费情况', 'employer_annual_disclosure', None),
    ('欠了社保费10000块 拖了30天 滞纳金多少', 'late_fee', None),
    ('2023年3月被辞退的 现在2024年5月了还能申请劳动仲裁吗', 'arbitration_limit', None),
    ('工资8000 公司按3000给我交社保 合法吗', 'base_too_low', None),
    ('养老保险单位交16% 个人交8% 对吗', 'contribution_rates', None),
    ('交了14年半养老保险 还差半年能领吗', 'pension_under_15_years', None),
    ('行政复议决定是6月1号收到的 现在还能去法院起诉吗', 'lawsuit_after_reconsideration', None),
    ('2019年的社保没交 现在还能补吗', 'back_payment', None),
    ('入职45天了公司还没给我交社保 超过时间了吗', 'register_after_hiring', None),
    ('工伤认定要在多少天内申请 还有工伤保险是谁交的', ('injury_application', 'injury_who_pays'), None),
    ('滞纳金怎么算 另外罚款是多少', ('penalty_not_paying', 'late_fee'), None),
    ('公司不交社保我想投诉 另外我能自己先交吗', ('employee_remedies', 'flexible_enrol'), None),
    ('缴费基数上限是多少 下限是多少', 'contribution_base_bounds', None),
    ('社保基数说的60%和300%是啥意思', 'contribution_base_bounds', None),
    ('万分之五是按天算还是按月算', 'late_fee', None),
    ('我交了社保12年 今年60岁到退休年龄了 怎么办', 'pension_under_15_years', None),
    ('公司不给交社报怎么办', 'employee_remedies', None),
    ('养老今交满多少年能领', 'pension_15_years', None),
    ('滞纳斤怎么算的', 'late_fee', None),
    ('HR说试用期不用交社保 是真的吗', 'probation_period', None),
    ('公司不交social security 可以投诉吗', 'employee_remedies', None),
    ('社保断交了怎么办？？？😭', 'flexible_stop', None),
    ('老板不给我买社保！！！去哪里举报？', ('employee_remedies', 'report_violation'), None),
    ('请问：工伤保险谁来交？', 'injury_who_pays', None),
    ('我的boss不给交五险 咋办', 'employee_remedies', None),
    ('公司HR说base按最低交 合理吗', 'base_too_low', None),
    ('医保断了🙃 还能用吗', 'medical_lapse', None),
    ('失业今怎么领', 'unemployment_benefit', None),
    ('社保补教要带什么材料', None, '12366'),
    ('公司不交设保 可以仲栽吗', ('employee_remedies', 'labour_dispute_steps'), None),
    ('行政复议的deadline是几天', 'reconsideration_deadline', None),
    ('灵活就业 社保 online 怎么交', 'flexible_payment', None),
    ('工伤认定结果不服👉怎么办', 'injury_appeal', None),
    ('公司不给上保险。。。我该怎么办', 'employee_remedies', None),
    ('公积金单位可以不给交吗', None, '12345'),
    ('年底个税汇算怎么弄', None, '12366'),
    ('听说养老金明年要涨 涨多少', None, '12333'),
    ('职工医保和居民医保报销比例有什么区别', None, '12393'),
    ('社保卡磁条坏了去哪换', None, '12333'),
    ('延迟退休是真的吗', None, '12333'),
    ('老板拖了我两个月工资不发 找哪个部门', None, '12333'),
    ('商业保险和社保哪个好', None, '12345'),
    ('帮我算算我退休能领多少', None, '12333'),
    ('我每个月社保扣多少钱 对不对', None, '12366'),
    ('离婚了养老保险要分吗', None, '12345'),
    ('医保门诊能报多少', None, '12393'),
    ('车险怎么买划算', None, '12345'),
    ('我们公司年终奖怎么发', None, '12345'),
    ('企业年金是必须交的吗', None, '12333'),
    ('听说可以一次性补缴15年养老 真的吗', None, '12333'),
    ('退休了返聘还要交社保吗', None, '12333'),
    ('兼职要交社保吗 HR说不用', None, None),
    ('合同到期公司不续签 给不给经济补偿', None, '12333'),
    ('个体户营业执照怎么办', None, '12345'),
]


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def score(kb, rows=None) -> tuple[int, int, int, int]:
    """(right answers, right declines, wrong answers, in-scope questions declined) over
    ``rows`` of (question, expected entry or entries or None, hotline), this round's SET by
    default."""
    right = declined = wrong = missed = 0
    for question, expected, _ in SET if rows is None else rows:
        answer = kb.ask(question)
        accepted = expected if isinstance(expected, tuple) else (expected,)
        if expected is None:
            declined += answer.declined
            wrong += not answer.declined
        elif answer.entry_id in accepted:
            right += 1
        elif answer.declined:
            missed += 1
        else:
            wrong += 1
    return right, declined, wrong, missed


def test_fresh23_set(kb):
    """81 to answer, 25 to decline. Old code with the blind labels: 63/82, 21/24, 14 wrong, 8
    declined; five labels were corrected after the first run (below), so old code: 67/81 right,
    21/25 declined, 10 wrong answers (6 with the wrong entry, 4 answered that must be declined)
    and 8 in-scope questions declined. After: 81/81, 25/25, 0, 0. Labels corrected: 补缴…不用交
    滞纳金吧 also accepts late_fee, 去哪里举报 report_violation, an HR's 少报基数…处罚 base_too_low
    (第八十六条), 自己申报还是核定 no_declaration (按上月110%), and the papers for 补缴 are declined
    like those for a transfer (办事材料: back_payment only says they are local)."""
    assert len(SET) == 106
    assert score(kb) == (81, 25, 0, 0)


def test_fresh23_declines_name_the_office(kb):
    """A decline says where to go: every labelled hotline of the set is the one given."""
    labelled = [(q, hotline) for q, expected, hotline in SET if expected is None and hotline]
    assert len(labelled) >= 20
    for question, hotline in labelled:
        answer = kb.ask(question)
        assert answer.declined and answer.hotline == hotline, question


@pytest.mark.parametrize("question,expected", [
    ("五险是不是强制要交的", "employer_duties"),
    ("社保是强制的吗", "employer_duties"),
    ("能不能不给员工交社保", "employer_duties"),
    ("社保是单位跟员工共同交的吗", "insurance_types"),
    ("单位和个人都要交社保吗", "insurance_types"),
    ("我的boss不给交社保 咋整", "employee_remedies"),
    ("养老今怎么算的", "pension_amount"),
    ("交了社保十年 到退休年龄了咋办", "pension_under_15_years"),
    ("滞纳金跟罚款是两回事吗", "penalty_not_paying"),
    ("职工医保跟新农合一样吗", None),
    ("养老保险和医保有区别吗", None),
    ("补交社保要准备什么资料", None),
    ("对核定的社保费不服 能复议吗", "late_fee_objection"),
    ("社保费核定有异议 能复议吗", "late_fee_objection")])
def test_fresh23_class_fixes(kb, question, expected):
    """Wrong or declined before: 强制 read as the office's enforcement (强制执行) and 可不可以不交
    named nothing the employer's duties know (now 合法); 单位和个人一起交 was all weak words (now
    共同缴纳, insurance_types); boss was no employer; 养老今 no pension; 交了社保十年 before
    retirement no shortfall (the insurance named between 交了 and the count); 滞纳金和罚款 named
    together got the late fee alone; two schemes compared with 一样吗 / 有区别吗 got one of them;
    the papers for 补缴 got the dispute's own materials; a fine (罚款, 稽查) or an assessment
    (核定) disputed before a reconsideration got the work-injury appeal."""
    assert kb.ask(question).entry_id == expected


def test_fresh23_own_deduction_names_the_tax_office(kb):
    """社保一个月扣我多少钱 is the payer's own figure: declined to 12366 (was 12345)."""
    answer = kb.ask("社保一个月扣我多少钱")
    assert answer.declined and answer.hotline == "12366"


@pytest.mark.parametrize("question,expected", [
    ("社会保障号码和身份证一样吗", "social_security_number"),
    ("个税app上看到的收入跟社保基数不一样 能举报吗", "base_too_low"),
    ("员工不想交社保公司可以不交吗", "mandatory_waiver"),
    ("医保是不是必须交的", None),
    ("可以不交社保吗", None),
    ("罚款跟滞纳金有啥不同", None),
    ("社保转移要带什么材料", None),
    ("给孩子买保险 买哪种好", None),
    ("被社保局罚了款 不服能申请复议吗", "reconsideration_deadline"),
    ("工伤认定结论不服 能复议吗", "injury_appeal"),
    ("工伤待遇核定不服怎么办", "injury_appeal")])
def test_fresh23_fixes_keep_their_neighbours(kb, question, expected):
    """一样吗 compares only two schemes or procedures named on both sides (not a number and an
    ID); the employee's own waiver stays the waiver; whether 医保 or 社保 must be paid, with no
    employer named, stays declined (a resident or a flexible worker is not obliged); a bare 买保险
    for a child stays out of scope."""
    assert kb.ask(question).entry_id == expected
