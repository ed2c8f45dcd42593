"""Blind policy questions, round 25 of the knowledge base (written before reading knowledge/):
what payers really type — a story that ends in a question, a question mixed with a complaint,
dialect (俺, 咋整, 嘛, 噻), typos (社宝, 投述, 时侯); each checked for its entry and the article it
cites, asked alone, through `disputebot kb ask` (one JSON line per question) and through the
chat gateway; out-of-scope questions (个税, 公积金, traffic fines — some carrying 滞纳金 or
公司不给交) declined with the office to call; and follow-ups read in the context of the answer
before them (那医保呢, 要是单位不给交呢, 多久能办好, 那如果是灵活就业呢).

Old code failed 21 of 72 (SQLite; one label widened after the first run, noted below). Causes
fixed: the employer's reported denial or excuse (老板说不算工伤, hr说资金紧张) read as the payer's
question (lexicon.yaml dismissals); 能算 matched only 视同工伤's texts; a contrast follow-up whose
own answer drops the last insurance type (工伤 → 灵活就业) is declined; 要是单位不给交呢 is what to
do about the refusal; 多久能办好 asks the handling time (结果), not a time limit; traffic fines out
of scope; two paraphrases (单位不交养老保险, 工伤认定材料交上去以后). Three left as strict xfails."""
from __future__ import annotations

import argparse
import io
import json

import pytest

from knowledge import load_kb
from knowledge.cli import register
from knowledge.followup import ask_after
from tests.test_dialogue import say

# (question, expected entry — a tuple when two entries settle it — and an article its source
# must cite, or None)
STORIES = [
    ('工地摔了 老板说不算工伤 哪些情况能算工伤', 'injury_what_counts', '第十四条'),
    ('俺在厂里搬货闪了腰 领导讲这个不算工伤 到底啥情况才算工伤嘛', 'injury_what_counts', '第十四条'),
    ('公司派我出差 路上出了车祸 人事说出差路上不算工伤 到底算不算', 'injury_what_counts', '第十四条'),
    ('我老公在单位加班到半夜 突然晕倒送医院 抢救了一天还是没了 这个能算工伤吗',
     'injury_deemed', '第十五条'),
    # label widened after the first run: 告 them is also the dispute procedure (as in round 23)
    ('公司三个月没给我交社保了 问hr hr说资金紧张让等等 这种能不能去告他们啊',
     ('employee_remedies', 'labour_dispute_steps'), None),
    ('俺们老板每个月从工资里扣社保的钱 结果一查根本没交上去 气死了 这钱能要回来不',
     'deducted_not_paid', '第六十条'),
    ('在公司干了五年 工资七八千 一直按最低档给我交 能让他按实际工资交吗', 'base_too_low', '第八十六条'),
    ('受伤两个月了 公司一直拖着不给报工伤 我自己去申请工伤认定有期限吗', 'injury_application', '第十七条'),
    ('公司倒闭了 老板也跑路了 欠了我们一年的社保 咋整啊', 'company_closed', None),
    ('滞纳金到底咋个算嘛 单位拖了半年没交', 'late_fee', '第八十六条'),
    ('社保交了十几年了 中途断了两年 退休的时侯会不会受影响', ('flexible_stop', 'pension_15_years'),
     '第十六条'),
    ('家里急用钱 养老保险个人账户里的钱能不能一次性取出来啊', 'pension_account', '第十四条'),
    ('老板娘说社保是我们员工自己的事 跟公司没关系 她说的对吗', ('employer_duties', 'employee_remedies'),
     None),
    # fixed in round 26: 律师 is an unanswered aspect only when asked about (lexicon 律师问题)
    ('想去劳动仲裁 但是我没钱请律师 仲裁要交钱吗', 'arbitration_how', '第五十三条'),
    ('仲裁裁决下来了我赢了 公司说不服要去法院告 那我该咋办', 'arbitration_appeal', None),
    ('在工地被别人开车撞了 肇事的人不给医药费 工伤保险管不管', 'injury_third_party', '第四十二条'),
    ('受了工伤 单位不让去医院 说自己买点药就行 治疗费到底谁出', 'injury_medical', None),
    ('伤残鉴定结果出来了 我觉得评低了 还能再鉴定一次吗', 'disability_assessment', None),
    ('工伤在家养着 停工留薪期公司只发一半工资 合法吗', 'injury_leave', '第三十三条'),
    ('查了一下社保记录 少了三个月 明明那几个月我都在上班的 咋回事', 'record_error', None),
    ('换工作那个月两家单位都给我交了社保 重复交的能退吗', 'duplicate_refund', None),
    ('想举报公司不交社保 又怕公司知道是我举报的 会不会泄露啊', 'privacy', '第八十一条'),
    ('公司不给交社宝 我能去哪投述', ('employee_remedies', 'report_violation'), None),
    ('入职时候公司让我签了自愿放弃社保的字 现在后悔了 还能让公司交吗', 'mandatory_waiver', None),
    ('我们厂工伤保险让工人自己出钱 每个月扣50块 这样对吗', 'injury_who_pays', None),
    ('俺是外地来打工的农村户口 公司说农民工不用交社保 是不是骗俺', 'migrant_workers', '第九十五条'),
    ('公司账上没钱 说社保先缓几个月再交 可以这样吗', 'no_deferral', None),
    ('被公司辞退了 交了三年社保 失业金要啥条件才能领噻', 'unemployment_benefit', '第四十五条'),
    # fixed in round 26: 招了人 reads as 招人 (lexicon rewrite), which outweighs 新开的 (成立)
    ('我是新开的小公司老板 招了人以后多久必须给他办社保', 'register_after_hiring', '第五十八条'),
    ('对税务局核定的社保费有意见 觉得算多了 能申请复议吗', 'late_fee_objection', None),
    ('工伤认定下来了 但说不是工伤 我不服 能去复议或者起诉吗', 'injury_appeal', '第五十五条'),
    ('工伤认定申请交上去了 要等多久才有结果啊 都一个月了', 'injury_recognition_process', '第二十条'),
    ('交了8年养老保险 到退休年龄了 不够15年 是不是白交了', 'pension_under_15_years', '第十六条'),
    ('劳动仲裁是不是过了一年就不能告了 我离职都快一年了', 'arbitration_limit', '第二十七条'),
    ('对社保局的处理决定不服 多少天之内能申请行政复议', 'reconsideration_deadline', '第二十条'),
]

# (question out of scope, hotline the decline must name or None when any office will do)
OUT_OF_SCOPE = [
    ('个税专项附加扣除 房贷利息那项咋填', '12366'),
    ('年终奖的个人所得税怎么算最划算', '12366'),
    ('个税年度汇算退的钱多久能到账', '12366'),
    ('公积金能不能取出来付房租', '12345'),
    ('公积金贷款额度咋算的 我交了五年', '12345'),
    ('公司不给交公积金 这个可以投诉吗', '12345'),
    ('闯红灯被拍了 罚款两百扣六分 能不能不交', None),
    ('交通违章罚款逾期不交 滞纳金是按天算的吗', None),
    ('违停罚单的滞纳金怎么算的 比罚款还多', None),
    ('买房的契税是百分之几', None),
    ('车险出险了保险公司拖着不赔 找谁投诉', None),
    ('房租太贵了 有没有住房补贴可以申请', None),
]

# (first question, follow-up asked right after it, expected entry — tuple when two settle it —
# or None to decline)
FOLLOWUPS = [
    ('工地摔了 老板说不算工伤 哪些情况能算工伤', '那如果是灵活就业呢', None),
    ('哪些情况能算工伤', '那如果是灵活就业呢', None),
    ('养老保险谁交', '那医保呢', 'medical_who_pays'),
    ('灵活就业人员可以自己交养老保险吗', '那医保呢', 'flexible_enrol'),
    ('养老保险要交满多少年才能按月领', '那医保呢', 'medical_after_retirement'),
    ('领失业金要什么条件', '那医保呢', 'unemployment_medical'),
    ('公司不给交养老保险怎么办', '那医保呢', 'employee_remedies'),
    ('试用期公司要给交社保吗', '要是单位不给交呢', 'employee_remedies'),
    ('工伤保险是谁交的', '要是单位不给交呢', ('injury_without_insurance', 'employee_remedies')),
    ('生育保险谁交', '要是单位不给交呢', 'employee_remedies'),
    ('新招的员工多久要给他交社保', '要是单位不给交呢',
     ('employee_remedies', 'penalty_not_registering', 'penalty_not_paying')),
    ('工伤认定怎么申请 要什么材料', '多久能办好', 'injury_recognition_process'),
    ('劳动仲裁去哪里申请', '多久能办好', 'arbitration_duration'),
    ('行政复议怎么申请', '多久能办好', 'reconsideration_process'),
    ('养老保险跨省怎么转', '多久能办好', None),
    ('单位不交社保会怎么处罚', '那公积金呢', None),
    # fixed in round 26: individual_business_employees requires hiring (雇, 请, 店…), no longer
    # 个体, which a flexible worker's 灵活就业 stood for
    ('灵活就业可以自己交社保吗', '那工伤保险呢', None),
]


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def accepted(expected) -> tuple:
    return expected if isinstance(expected, tuple) else (expected,)


@pytest.mark.parametrize("question,expected,article", STORIES)
def test_fresh25_story_ends_in_a_question(kb, question, expected, article):
    answer = kb.ask(question)
    assert not answer.declined and answer.entry_id in accepted(expected), answer.entry_id
    if article:
        assert article in answer.source, answer.source


@pytest.mark.parametrize("question,hotline", OUT_OF_SCOPE)
def test_fresh25_out_of_scope_is_declined(kb, question, hotline):
    answer = kb.ask(question)
    assert answer.declined, answer.entry_id
    if hotline:
        assert answer.hotline == hotline


@pytest.mark.parametrize("first,second,expected", FOLLOWUPS)
def test_fresh25_followup_in_context(kb, first, second, expected):
    topic = ask_after(kb, first, None).topic
    answer = ask_after(kb, second, topic).answer
    assert answer.entry_id in accepted(expected), answer.entry_id
    assert answer.declined == (expected is None)


def test_fresh25_followups_chain(kb):
    """Three turns: each follow-up read with the topic the one before left. The unit refusing
    to pay is read in 医保's terms: since stop 27 an entry says what a unit that does not pay
    the medical insurance owes and where the payer turns (unpaid_medical_costs), as
    injury_without_insurance does for 工伤; before it, the general employee_remedies."""
    topic = ask_after(kb, "养老保险谁交", None).topic
    second = ask_after(kb, "那医保呢", topic)
    assert second.answer.entry_id == "medical_who_pays"
    third = ask_after(kb, "要是单位不给交呢", second.topic)
    assert third.answer.entry_id == "unpaid_medical_costs"


def _ask_cli(lines: list[str]) -> list[dict]:
    parser = argparse.ArgumentParser(prog="disputebot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["kb", "ask"])
    args.stdin = io.StringIO("\n".join(lines) + "\n")
    args.stdout = io.StringIO()
    assert args.func(args, None) == 0
    return [json.loads(line) for line in args.stdout.getvalue().splitlines()]


def test_fresh25_cli_cites_the_settling_article():
    """`kb ask`, line for line: the entry and the statute + article that settles it, and a null
    answer for the questions out of scope."""
    cases = [
        ('工地摔了 老板说不算工伤 哪些情况能算工伤', 'injury_what_counts', '《工伤保险条例》第十四条'),
        ('单位拖了俩月社保 滞纳金咋算的', 'late_fee', '《社会保险法》第八十六条'),
        ('养老保险到底要交够多少年 退休才能月月领钱', 'pension_15_years', '《社会保险法》第十六条'),
        ('公司不交社保 我离职半年了还能去仲裁吗 有没有时间限制', 'arbitration_limit',
         '《劳动争议调解仲裁法》第二十七条'),
        ('对社保部门的决定不服 行政复议几天内要提', 'reconsideration_deadline', '《行政复议法》第二十条'),
        ('复议决定不服 要多少天内去法院起诉', 'lawsuit_after_reconsideration', '《行政诉讼法》第四十五条'),
        ('公积金怎么提取', None, None),
        ('个税怎么退', None, None),
        ('闯红灯罚款能不交吗', None, None),
    ]
    records = _ask_cli([q for q, _, _ in cases])
    assert [r["question"] for r in records] == [q for q, _, _ in cases]
    for (question, entry, article), record in zip(cases, records):
        assert record["entry_id"] == entry, question
        if entry:
            assert article in record["source"] and record["answer"], question
        else:
            assert record["answer"] is None and record["source"] is None, question


async def test_fresh25_chat_story_answers_what_counts(platform):
    reply = await say(platform, "o-kb25-story", "工地摔了 老板说不算工伤 哪些情况能算工伤")
    assert "《工伤保险条例》第十四条" in reply
    assert "第十六条" not in reply.split("依据")[-1]


async def test_fresh25_chat_story_offers_to_file(platform):
    """The boss refusing is a dispute in the making: after the answer, the bot offers to
    register it (or to get help), without starting a form unasked."""
    reply = await say(platform, "o-kb25-offer", "工地摔了 老板说不算工伤 哪些情况能算工伤")
    assert "第十四条" in reply
    assert "登记" in reply or "反映" in reply


async def test_fresh25_chat_followup_flexible_worker_is_declined(platform):
    openid = "o-kb25-flex"
    await say(platform, openid, "哪些情况能算工伤")
    reply = await say(platform, openid, "那如果是灵活就业呢")
    assert "12333" in reply
    assert "依据" not in reply


async def test_fresh25_chat_followup_medical_after_pension(platform):
    openid = "o-kb25-med"
    first = await say(platform, openid, "养老保险谁交")
    assert "第十条" in first or "第十二条" in first
    reply = await say(platform, openid, "那医保呢")
    assert "第二十三条" in reply


async def test_fresh25_chat_followup_how_long(platform):
    openid = "o-kb25-long"
    await say(platform, openid, "工伤认定怎么申请 要什么材料")
    reply = await say(platform, openid, "多久能办好")
    assert "第二十条" in reply


async def test_fresh25_chat_housing_fund_complaint_is_not_filed(platform):
    """公积金 is not a social-insurance contribution: declined with 12345, no form started."""
    reply = await say(platform, "o-kb25-fund", "公司不给交公积金 这个可以投诉吗")
    assert "12345" in reply
    assert "依据" not in reply
    assert not any(cue in reply for cue in ("哪个区", "称呼", "问题类型", "希望怎么处理"))
