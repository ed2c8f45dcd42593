"""Round 10 of blind NLU messages (nlu_fresh10.jsonl): floors for intent, category and severity."""
from pathlib import Path

import pytest

from bot.nlu import load_parser
from bot.nlu.dataset import read_labelled_jsonl
from bot.nlu.evaluate import evaluate
from tests.test_nlu_parser import _unseen, assert_round_floors

DISTRICTS = ["增城区", "荔城街道", "新塘镇", "石滩镇"]
FRESH10_FILE = Path(__file__).parent / "data" / "nlu_fresh10.jsonl"


@pytest.fixture(scope="module")
def parser():
    return load_parser(districts=DISTRICTS)


def test_hr_flexible_retiree_student_farm_and_relative_messages_keep_their_floor(parser):
    """nlu_fresh10.jsonl: 221 messages written before reading the training data: employers'
    HR and accountants, 个体户 and 灵活就业 payers, retirees, students' 城乡居民医保, farm,
    orchard and building-site workers, people writing for a parent, child or spouse;
    homophones (设保, 社宝, 鸡数, 缴费技术, 退废, 滞拿金, 纸纳金, 纪绿, 补教, 进渡), traditional
    characters, English and pinyin (jiao社保, base, refund, late fee, record, case), emoji,
    six voice transcripts of 150+ characters; majors (八十多个工人, 一百来号人一起去区政府,
    楼顶跳下去, 拿刀去找他, 报社记者, 发到抖音上, 喝农药, 同归于尽, 一百五十多万, 静坐, 上访)
    beside near-misses (我要投诉到底, 气死我了, 世界五百强, 二十几个人, 告到法院, 要命,
    死活想不通, 在报社上班, 做自媒体的, 一家五口); other offices' matters (工伤认定, 劳动仲裁,
    公积金, 工资, 个税) beside contribution disputes.
    Before: intent 0.9955 (220/221), category 0.9512 (156/164), major recall 24/25,
    false majors 2/196. After: 1.0, 1.0, 25/25, 0/196."""
    rows = _unseen(FRESH10_FILE, 215)
    categories = {row["category"] for row in rows if row["intent"] == "file_dispute"}
    for category in categories:
        assert sum(row["category"] == category for row in rows) >= 8, category
    ev = evaluate(parser, rows)
    assert_round_floors(ev, others=0.9)


def test_round10_filings_get_the_triage_of_the_seeds(parser):
    """Each filing of nlu_fresh10.jsonl labelled 简易 / 一般 / 重大 from the seeds: one office
    settles it, several handle it jointly, or it is major. Before: 155/164."""
    rows = [row for row in read_labelled_jsonl(FRESH10_FILE) if "severity" in row]
    wrong = [row["text"] for row in rows if parser.parse(row["text"]).severity != row["severity"]]
    assert len(rows) >= 160 and len(wrong) <= 1, wrong


@pytest.mark.parametrize("text, major", [
    ("老板再不补社保我就拿刀去找他", True),
    ("他要是还不交 我就揣着刀上他家门口", True),
    ("集团公司好几万员工 偏偏我这个外包的没有社保", False),
    ("我们是上市公司 好几千人 可我的缴费记录少了半年", False),
    ("上万人的大厂 唯独我的医保被停了", False),
    ("偏偏我们车间四十多个人的社保都断了", True),
    ("两百多个工人社保都没交 偏偏我还被开除了", True),
    ("切菜的时候刀把手割了 工伤保险没交", False),
])
def test_round10_major_signals_and_their_near_misses(parser, text, major):
    """Regression (nlu_fresh10): taking a knife to the boss was not major; a workforce of
    tens of thousands or thousands followed by "偏偏我…没有" or "可我的缴费记录少了" (one
    payer's harm) was a headcount of 30,000 / 3,000. "偏偏我们", or a crowd unpaid and
    "偏偏我" fired besides, is still the crowd."""
    assert (parser.parse(text).severity == "major") is major


@pytest.mark.parametrize("text, intent, category", [
    ("补教的申请被驳回了", "file_dispute", "back_payment"),
    ("居民医保交了 系统却说我没参保", "file_dispute", "payment_record"),
    ("厂里拖欠了我们两个月工资", "file_dispute", "other"),
    ("仲裁裁了公司要赔钱 公司到现在一分没给", "file_dispute", "other"),
])
def test_round10_category_families(parser, text, intent, category):
    """Regression (nlu_fresh10): 补教 (补缴) was nothing, paid-but-not-enrolled was a system
    failure, wages owed were arrears and an unpaid arbitration award a back payment."""
    result = parser.parse(text)
    assert result.intent == intent
    assert parser.category(text)[0] == category
