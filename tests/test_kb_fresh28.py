"""Blind policy questions, round 28 of the knowledge base (written before reading knowledge/):
a real payer's questions across what the statute texts settle — back payment after leaving,
late fees shared out to staff, the base (最低档 for everyone, when it is adjusted), delivery
riders and freelancers, short of 15 years, moving cities (pension and medical), lay-offs and
unemployment benefits, commuting injuries, an employer that will not apply for injury
recognition, lapsed and out-of-town medical cover, employers who refuse or pay it into wages,
where to complain, and how long one may wait — typed as run-on voice-to-text, with typos
(滞拿金, 社宝, 工商) and dialect. Each answer must name its entry and cite an article the policy
texts hold. Follow-ups after resigning or being laid off (那社保怎么办, 那我以后自己怎么交呢)
must be answered as flexible employment, not declined; questions out of scope (个税, 公积金)
must be declined with no legal citation at all.

Old code failed 12 of 45 (SQLite; two labels widened after the first run, noted below). Causes
fixed: after leaving a job, 那社保怎么办 / 那我以后（社保）自己怎么交 declined (followups.yaml
`left_job`, tried after the usual rereadings so 那医保怎么办 after 失业金 stays
unemployment_medical) — also in chat; the run-on 补的钱是谁出 answered by medical_who_pays; 缴费基数
每年啥时候调 by the bounds; 从深圳去杭州 社保咋转 and 那我换了城市之前交的还算吗 by flexible_stop
(a rewrite reads 换了城市 as 转移, two transfer_pension paraphrases); 小作坊 不用交社保 by
injury_unlicensed (now `requires` an injury); a direct lawsuit after a 处理决定 by
lawsuit_after_reconsideration (now `requires` 复议)."""
from __future__ import annotations

import pytest

import tests.test_kb_fresh26 as fresh26
import tests.test_kb_fresh27 as fresh27
from tests.test_dialogue import say

# label widened after the first run: flexible_stop's answer also says a payer who left a job
# may keep paying as a flexible worker (第十条、第二十三条)
FLEXIBLE = ('flexible_enrol', 'flexible_payment', 'flexible_stop')

# (question, expected entry — a tuple when two entries settle it — and an article its source
# must cite, or None)
STORIES = [
    # back payment
    ('之前那家公司三年都没给我交社保 我都离职了 还能要求他们补交吗', 'back_payment', None),
    (('就是我想问一下啊那个公司它之前一直没给我们交社保然后现在说要给补上那个补的钱是谁出啊'
      '单位那部分总不能让我出吧'), ('back_payment', 'late_fee'), None),
    # late fees
    ('补缴社保的话 滞纳金是按天算吗 万分之五还是多少', 'late_fee', '第八十六条'),
    ('公司晚交社保产生的滞纳金 让我们员工平摊 合理吗', 'late_fee', '第八十六条'),
    ('滞拿金一天按多少算的', 'late_fee', '第八十六条'),
    # contribution base
    ('社保缴费基数最低是多少 最高有没有上限', 'contribution_base_bounds', None),
    ('我们公司给所有人都按最低档交社宝 不管你工资多少 这样行吗', 'base_too_low', None),
    ('缴费基数每年啥时候调啊 是按去年的工资算还是今年的', 'contribution_base_how', None),
    # flexible employment
    ('送外卖的 没有公司给交 自己能交社保吗 去哪交', 'flexible_enrol', None),
    ('灵活就业交养老 能自己选档次吗 按月交还是按年交', 'flexible_payment', None),
    # retirement and the minimum years
    ('快到退休了 养老保险只交了九年 咋办 能补到十五年吗', 'pension_under_15_years', '第十六条'),
    ('养老保险最少得交几年 是不是交够十五年就可以不交了', 'pension_15_years', '第十六条'),
    ('退休以后医保还要接着交吗', 'medical_after_retirement', None),
    # moving between cities
    ('从深圳去杭州上班了 社保咋转过去 之前交的年限还算不算', 'transfer_pension', '第十九条'),
    # unemployment
    ('被公司裁员了 失业金怎么领 要啥条件', 'unemployment_benefit', '第四十五条'),
    ('失业金最长能领多久啊 我交了六年失业保险', 'unemployment_duration', '第四十六条'),
    ('领失业金那段时间 医保谁给交', 'unemployment_medical', '第四十八条'),
    # work injury
    ('上班路上骑电动车被车撞了 算工伤不', ('injury_deemed', 'injury_what_counts'), '第十四条'),
    ('工伤保险个人要不要交钱 工资条里没看到扣这一项', 'injury_who_pays', None),
    ('受了工伤 公司拖着不给申请认定 我自己能去申请吗 有时间限制没', 'injury_application', '第十七条'),
    # medical insurance
    ('医保断了半年 补交以后能马上报销吗', 'medical_lapse', None),
    ('在外地打工 看病能用老家的医保吗 要不要备案', 'medical_offsite', None),
    # employers refusing
    ('入职都俩月了 公司还没给上社保 说等等再说 这正常吗', 'register_after_hiring', '第五十八条'),
    ('老板说我们是小作坊 没必要交社保 是真的吗',
     ('employer_duties', 'register_after_hiring', 'employee_remedies'), None),
    ('公司说社保的钱直接发到工资里 让我自己看着办 这样可以吗', 'mandatory_waiver', None),
    # where to complain
    ('公司不给交社保 我能去劳动仲裁吗 还是得找社保局',
     ('employee_remedies', 'report_violation', 'labour_dispute_steps'), None),
    # label widened after the first run: privacy answers 会不会被公司知道
    ('举报单位不交社保 要不要实名啊 会不会被公司知道', ('report_violation', 'privacy'), None),
    # time limits
    ('社保局的处理决定下来了我不服 多长时间内可以去法院起诉', 'lawsuit_deadline', '第四十六条'),
    ('复议决定出来了 还是不服 还能去法院告吗 有几天时间',
     'lawsuit_after_reconsideration', '第四十五条'),
]

# questions out of scope: (question, hotline the decline must name or None when any will do)
DECLINED = [
    ('个税app里的专项附加扣除咋填', '12366'),
    ('年终奖个税单独算还是并到工资里算划算', '12366'),
    ('公积金能不能取出来付房租', None),
    ('公司不给交公积金 违法吗', None),
    ('交通事故对方全责 误工费咋赔', None),
]

# (first question, follow-up asked right after it, expected entry — tuple when two settle it —
# or None to decline)
FOLLOWUPS = [
    # the known weak spot: after resigning or a lay-off, the payer's own contributions
    ('我上个月辞职了 能领失业金吗', '那社保怎么办', FLEXIBLE),
    ('被公司裁员了 失业金怎么领', '那我以后自己怎么交呢', FLEXIBLE),
    ('失业金最长能领多久', '那社保断了咋办 我能自己接着交吗', FLEXIBLE),
    ('自己辞职的能领失业金吗', '那我以后社保自己怎么交啊', FLEXIBLE),
    # other follow-ups
    ('受了工伤多长时间内要申请认定', '那公司不给申请呢', 'injury_application'),
    ('养老保险交满多少年才能按月领', '那我换了城市之前交的还算吗', 'transfer_pension'),
    # out of scope after an in-scope question: declined, not answered from the last topic
    ('灵活就业怎么交养老保险', '那个税呢', None),
    ('补缴社保要交滞纳金吗', '那公积金也能补吗', None),
]


kb = fresh26.kb


@pytest.mark.parametrize("question,expected,article", STORIES)
def test_fresh28_question_gets_its_entry_and_a_real_article(kb, question, expected, article):
    fresh26.check_answered(kb, question, expected, article)


@pytest.mark.parametrize("question,hotline", DECLINED)
def test_fresh28_out_of_scope_is_declined_without_a_citation(kb, question, hotline):
    fresh26.check_declined(kb, question, hotline)


@pytest.mark.parametrize("first,second,expected", FOLLOWUPS)
def test_fresh28_followup_in_context(kb, first, second, expected):
    fresh26.check_followup(kb, first, second, expected)


def test_fresh28_cli_answers_and_declines_in_order():
    """An out-of-scope line between two answers is declined with no source, in its place."""
    cases = [
        ('滞拿金一天按多少算的', 'late_fee', '《社会保险法》第八十六条'),
        ('个税app里的专项附加扣除咋填', None, None),
        ('被公司裁员了 失业金怎么领 要啥条件', 'unemployment_benefit', '《社会保险法》第四十五条'),
    ]
    fresh27.check_cli(cases)


async def test_fresh28_chat_after_resigning_answers_how_to_keep_paying(platform):
    """The weak spot: 那社保怎么办 after resigning is about continuing contributions."""
    await say(platform, "o-kb28-quit", "我上个月辞职了 能领失业金吗")
    reply = await say(platform, "o-kb28-quit", "那社保怎么办")
    assert "灵活就业" in reply
    assert "《社会保险法》" in reply


async def test_fresh28_chat_out_of_scope_cites_no_law(platform):
    reply = await say(platform, "o-kb28-tax", "年终奖个税单独算还是并到工资里算划算")
    assert reply
    assert "《" not in reply and "依据" not in reply
