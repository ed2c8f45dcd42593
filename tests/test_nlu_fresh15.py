"""Round 15 of blind NLU messages: homophone typos (社报, 设保, 交/缴 mixed), voice-to-text
run-ons without punctuation, dialect-ish and English/pinyin-mixed phrasing, very short
messages, questions that are really complaints and complaints phrased as questions, group
and major signals (多人, 全厂, 上访, 群体, extreme words) with their negations, and amounts
and dates as entities. Severity per the seeds: 简易 (simple: one payer's refund or late fee,
settled at the counter), 一般 (general), 重大疑难 (major: many people, petitions, group
incidents, extreme acts, very large sums)."""
import pytest

from bot.nlu import load_parser

DISTRICTS = ["增城区", "荔城街道", "新塘镇", "石滩镇"]


@pytest.fixture(scope="module")
def parser():
    return load_parser(districts=DISTRICTS)


def triple(result):
    return (result.intent, result.category, result.severity)


@pytest.mark.parametrize("text, category", [
    ("公司没给我交社报", "employer_arrears"),
    ("老板一直不给我买设保 干了一年多了", "employer_arrears"),
    ("单位没缴社宝 我要投诉", "employer_arrears"),
    ("我的射保记录少了三个月 明明在上班", "payment_record"),
    ("社保交多了一个月 钱能退吗 我要退回来", "refund"),
    ("滞纳金交了好几百 我只晚缴了两天 不服", "late_fee"),
])
def test_round15_homophone_typos_still_file(parser, text, category):
    result = parser.parse(text)
    assert (result.intent, result.category) == ("file_dispute", category), result


@pytest.mark.parametrize("text, category, severity", [
    ("我跟你说我在那个厂干了三年老板一分钱社保都没给我交现在我走了他也不认账你们管不管",
     "employer_arrears", "general"),
    ("就是那个我上个月去交社保然后系统一直显示失败扣了钱又没到账怎么回事啊",
     "system_failure", "simple"),
    ("喂你好我想问一下就是我们公司给我们交的那个基数太低了我工资八千他按三千报的",
     "contribution_base", "general"),
    ("税务局那边说我们公司要补缴去年的社保费可是我们早就交过了凭什么还要再交",
     "assessed_amount", "general"),
])
def test_round15_voice_run_ons_file_with_category(parser, text, category, severity):
    result = parser.parse(text)
    assert triple(result) == ("file_dispute", category, severity), result


@pytest.mark.parametrize("text", [
    "俺们老板啥社保也不给上 咋整",
    "老细冇同我交社保喔",
    "阿拉老板勿拨我交社保",
    "company mei gei wo jiao shebao",
    "老板不交shebao 我要tousu",
    "boss没给我交social insurance 怎么投诉",
])
def test_round15_dialect_and_mixed_language_arrears(parser, text):
    result = parser.parse(text)
    assert (result.intent, result.category) == ("file_dispute", "employer_arrears"), result


@pytest.mark.parametrize("text, intent", [
    ("hi", "greet"),
    ("在？", "greet"),
    ("哈喽", "greet"),
    ("进度？", "check_progress"),
    ("不办了", "cancel"),
    ("算了 不投诉了", "cancel"),
    ("我之前那个投诉呢", "check_progress"),
    ("我上次那个社报投诉咋样了", "check_progress"),
    ("ZY20261120-0003 到哪一步了", "check_progress"),
    ("谢谢", "other"),
    ("今天天气咋样", "other"),
])
def test_round15_very_short_and_everyday_messages(parser, text, intent):
    assert parser.parse(text).intent == intent


@pytest.mark.parametrize("text", [
    "灵活就业社保一个月交多少钱",
    "社保断缴三个月有影响吗",
    "退休了还要交医保吗",
    "设保可以自己交吗 不通过公司",
    "离职以后社保怎么续交",
    "公司不给交社保的话 我应该去哪里投诉",
])
def test_round15_plain_questions_are_policy_questions(parser, text):
    assert parser.parse(text).intent == "ask_policy"


@pytest.mark.parametrize("text, category", [
    ("凭什么我的滞纳金比本金还多？", "late_fee"),
    ("公司三个月没给我交社保 这合法吗？", "employer_arrears"),
    ("为什么我多交的社保费到现在还没退给我？都半年了", "refund"),
    ("我明明交了钱 为啥记录里查不到？", "payment_record"),
])
def test_round15_complaints_phrased_as_questions_are_disputes(parser, text, category):
    result = parser.parse(text)
    assert (result.intent, result.category) == ("file_dispute", category), result


@pytest.mark.parametrize("text, category, severity", [
    ("全厂两百多号人社保都断了 老板不见人", "employer_arrears", "major"),
    ("我们多人一起反映 公司拖欠社保两年了", "employer_arrears", "major"),
    ("公司不交社保 我们准备集体去上访", "employer_arrears", "major"),
    ("再不解决我们就搞群体行动 拉横幅堵门", "employer_arrears", "major"),
    ("社保的事没人管 我就从楼上跳下去", "employer_arrears", "major"),
    ("老板再不给我补社保 我就做出极端的事", "employer_arrears", "major"),
    ("全体员工的社保都被公司停了", "employer_arrears", "major"),
])
def test_round15_group_and_extreme_signals_are_major(parser, text, category, severity):
    result = parser.parse(text)
    assert triple(result) == ("file_dispute", category, severity), result


@pytest.mark.parametrize("text", [
    "我不是要上访 就想问问公司欠我的社保能不能补",
    "我们没打算闹事 只是公司没给我交社保",
    "不是群体的事 就我一个人 公司没给我交社保",
    "我不会做极端的事 只是公司欠我的社保得给我补上",
    "也不是全厂的人 就我一个 老板没给我交社保",
])
def test_round15_negated_group_signals_stay_general(parser, text):
    result = parser.parse(text)
    assert triple(result) == ("file_dispute", "employer_arrears", "general"), result


def test_round15_one_payers_late_fee_is_simple(parser):
    result = parser.parse("我就晚缴了3天社保 被收了86块滞纳金 能不能免掉")
    assert triple(result) == ("file_dispute", "late_fee", "simple"), result


@pytest.mark.parametrize("text, amount", [
    ("公司欠我社保一万二", 12000),
    ("多扣了我356.5元社保费", 356.5),
    ("滞纳金收了我一千八百块", 1800),
    ("公司欠缴社保3.5万", 35000),
    ("社保费被多收了两千五", 2500),
])
def test_round15_amounts_are_money_entities(parser, text, amount):
    ent = parser.parse(text).entity("money")
    assert ent is not None and ent.value == amount, parser.parse(text).entities


@pytest.mark.parametrize("text, period", [
    ("2023年3月到6月公司没给我交社保", "2023-03/2023-06"),
    ("公司2022年全年没交社保", "2022"),
    ("2024年5月那个月的社保记录是空的", "2024-05"),
])
def test_round15_dates_are_period_entities(parser, text, period):
    ent = parser.parse(text).entity("period")
    assert ent is not None and ent.value == period, parser.parse(text).entities


def test_round15_a_crowd_with_a_big_sum_carries_both(parser):
    result = parser.parse("我们厂三十几个人 公司欠社保一共80多万")
    assert result.severity == "major", result
    assert result.entity("money") is not None and result.entity("money").value >= 800000
    assert result.entity("headcount") is not None and result.entity("headcount").value >= 20


def test_round15_petition_question_is_not_a_threat(parser):
    """Asking where the petition office is, with no grievance, is no major case."""
    result = parser.parse("信访局在哪里 几点上班")
    assert result.severity != "major", result
