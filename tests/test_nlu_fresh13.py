"""Round 13 of blind NLU messages: first messages to the official account (the messages of
tests/test_chat_fresh9.py and more), each with the intent, category and severity a payer's
words call for. Severity per the seeds: 简易 (simple: a refund, a late fee, a service
complaint of one payer), 一般 (general), 重大 (major: twenty or more people, threats of
violence, self-harm or protest, the press, very large sums). Written blind."""
import pytest

from bot.nlu import load_parser

DISTRICTS = ["增城区", "荔城街道", "新塘镇", "石滩镇"]


@pytest.fixture(scope="module")
def parser():
    return load_parser(districts=DISTRICTS)


@pytest.mark.parametrize("text, intent", [
    ("人呢", "greet"),
    ("在么亲", "greet"),
    ("有人没有啊", "greet"),
    ("您好，打扰了", "greet"),
    ("灵活就业社保咋交啊", "ask_policy"),
    ("养老保险最少要交几年才能领", "ask_policy"),
    ("个体户能自己交社保吗", "ask_policy"),
    ("上次登记的社保那个事有结果了吗", "check_progress"),
    ("我的案子到哪一步了", "check_progress"),
    ("兼职刷单 日结三百 加我微信", "other"),
    ("代缴社保 价格优惠 加微信", "other"),
    ("专业代办社保挂靠 包过 有需要私聊VX", "other"),
    ("招聘普工 包吃住 月薪八千 有意者联系", "other"),
    ("低价出售茅台 需要的私聊", "other"),
    ("垃圾公众号", "other"),
])
def test_round13_first_messages_of_other_kinds(parser, text, intent):
    assert parser.parse(text).intent == intent


@pytest.mark.parametrize("text, category, severity", [
    ("老板不交社保😡😡 都干一年了", "employer_arrears", "general"),
    ("俺厂子社保拖了八个月没交了", "employer_arrears", "general"),
    ("单位给我交的社保基数按最低的 我工资7k+", "contribution_base", "general"),
    ("gongsi shebao jishu bao de tai di", "contribution_base", "general"),
    ("医保这个月被扣了两遍 钱要退给我", "refund", "simple"),
    ("晚交了三天就收了我好几百滞纳金 太离谱了", "late_fee", "simple"),
    ("社保缴费记录少了2019年一整年 那年我一直在厂里上班", "payment_record", "general"),
    ("办事大厅那个工作人员态度恶劣 还骂人", "service_complaint", "simple"),
    ("咱厂里的社保咋一直莫得交嘛", "employer_arrears", "general"),
    ("老板凭啥不给我交社保", "employer_arrears", "general"),
    ("为啥我们公司到现在都不给交社保啊？？", "employer_arrears", "general"),
    ("你们也不管管 我们老板一年多没交社保了", "employer_arrears", "general"),
    ("公司咋还不给俺上社保 都半年了", "employer_arrears", "general"),
    ("我们二十几个工友社保都没交 老板跑路了", "employer_arrears", "major"),
    ("全厂一百多号人 老板一直拖着社保不交", "employer_arrears", "major"),
    ("我们车间八十来个人 社保都断了三个月", "employer_arrears", "major"),
    ("公司三年没给交社保 再不解决我就发抖音曝光他们", "employer_arrears", "major"),
    ("我是公司老板 税务局给我们核定的社保费多算了好几个人 不合理", "assessed_amount",
     "general"),
    ("老板在微信群里说这个月开始不给我们交社保了", "employer_arrears", "general"),
    ("单位没给我交社保 到了退休年龄领不了养老金 怎么办", "employer_arrears", "general"),
])
def test_round13_filings_get_category_and_severity(parser, text, category, severity):
    result = parser.parse(text)
    assert (result.intent, result.category, result.severity) == (
        "file_dispute", category, severity), result


@pytest.mark.parametrize("text", ["老板不给交社保 怎么投诉", "公司不交社保去哪里投诉",
                                  "厂里欠了我半年社保 在哪反映"])
def test_round13_how_to_complain_beside_a_harm_keeps_its_category(parser, text):
    """Whether such a message files is the dialogue's decision (policy.files_by_asking_how;
    nlu_test.jsonl reads "单位没交社保可以去哪里投诉" as a question); the story's category is
    the classifier's."""
    assert parser.category(text)[0] == "employer_arrears"


@pytest.mark.parametrize("text, reproach, advert", [
    ("咱厂里的社保咋一直莫得交嘛", True, False),
    ("我们公司为啥到现在还不给交社保", True, False),
    ("为什么有些公司一直不给员工交社保", False, False),
    ("滞纳金咋收这么多嘛", False, False),
    ("代缴社保 价格优惠 加微信", False, True),
    ("兼职刷单 日结三百 加我微信", False, True),
    ("我找了代缴社保的中介 交了钱 结果没缴上 加了他微信也不回", False, False),
    ("我是兼职 公司不给交社保 可以加你们微信问吗", False, False),
])
def test_round13_reproach_and_advert_rules(parser, text, reproach, advert):
    """rules.yml reproach and advert: the payer's own workplace reproached, and an offer with
    a way to reach the seller and no harm done."""
    assert (parser.reproaches(text), parser.is_advert(text)) == (reproach, advert)
