"""Round 11 of blind NLU messages (nlu_fresh11.jsonl): floors for intent, category and severity."""
from pathlib import Path

import pytest

from bot.nlu import load_parser
from bot.nlu.dataset import read_labelled_jsonl
from bot.nlu.evaluate import evaluate
from tests.test_nlu_parser import _unseen, assert_round_floors

DISTRICTS = ["增城区", "荔城街道", "新塘镇", "石滩镇"]
FRESH11_FILE = Path(__file__).parent / "data" / "nlu_fresh11.jsonl"


@pytest.fixture(scope="module")
def parser():
    return load_parser(districts=DISTRICTS)


def test_riders_helpers_crews_self_payers_and_indirect_majors_keep_their_floor(parser):
    """nlu_fresh11.jsonl: 231 messages written before reading the training data: delivery
    riders and platform drivers, domestic helpers, crews paid by a 包工头, seasonal workers,
    shop owners paying for themselves (灵活就业), employers and HR about their own arrears,
    核定 and 滞纳金; traditional characters, pinyin fragments (gongsi, shebao, jishu, tuifei,
    zhinajin); very short messages (没交, 交不上, 补不上, 核定数不对); seven rambling voice
    transcripts; a complaint beside a progress check; majors said indirectly (几十个人约好明天
    去厂门口堵他, 准备找媒体曝光, 从你们楼上跳下去, 写好遗书, 提着汽油, 去北京讨个说法,
    高速路口拦车) beside near-misses (跳槽, 楼上的邻居, 在媒体上看到, 三十多年, 两百多个员工
    就我一个, 一百多万的房子, 听说别的厂有人去上访了 我不想闹).
    Before: intent 0.9697 (224/231), category 0.9458 (157/166), major recall 19/26, false
    majors 2/205. After: 1.0, 1.0, 26/26, 0/205."""
    rows = _unseen(FRESH11_FILE, 225)
    categories = {row["category"] for row in rows if row["intent"] == "file_dispute"}
    for category in categories - {None}:
        assert sum(row["category"] == category for row in rows) >= 8, category
    ev = evaluate(parser, rows)
    assert_round_floors(ev, others=0.9)


def test_round11_filings_get_the_triage_of_the_seeds(parser):
    """Each filing of nlu_fresh11.jsonl labelled 简易 / 一般 / 重大 from the seeds: one office
    settles it, several handle it jointly, or it is major. Before: 156/171; after: 171/171."""
    rows = [row for row in read_labelled_jsonl(FRESH11_FILE) if "severity" in row]
    wrong = [row["text"] for row in rows if parser.parse(row["text"]).severity != row["severity"]]
    assert len(rows) >= 170 and len(wrong) <= 1, wrong


@pytest.mark.parametrize("text, major", [
    ("再不给交社保 我就开车过去撞他", True),
    ("遗书都写好了 社保的事你们看着办", True),
    ("天台上站着呢 今天不解决我就跳", True),
    ("社保不给补 我要把这事发到今日头条", True),
    ("约了电视台的记者下周来厂里拍", True),
    ("我们六十多个季节工的社保都没交", True),
    ("两百多个家政阿姨的社保都没交", True),
    ("五十几个人说好了一起去人社局", True),
    ("公司欠了两百多万社保 房子都抵押了", True),
    ("我家房子一百多万 想贷款 社保断了两个月", False),
    ("首付两百多万都交了 社保却差一个月不让买", False),
    ("工友们都走了 就剩我还在要社保", False),
    ("跳槽以后新公司一直没交社保", False),
    ("楼上的住户说他们公司也没交社保", False),
    ("开车上班路上被撞了 公司没给交工伤", False),
])
def test_round11_major_signals_and_their_near_misses(parser, text, major):
    """Regression (nlu_fresh11): running the boss over, a farewell letter, "我就跳" on a roof,
    a post 发到今日头条, a reporter 约好了, seasonal workers and 家政阿姨 counted as people and
    "说好一起去" an office were not major; a house price (房子一百多万) was a million in
    dispute and "工友们都散了" a crowd. Arrears of millions stay major beside a house."""
    assert (parser.parse(text).severity == "major") is major


@pytest.mark.parametrize("text, intent", [
    ("没交", "file_dispute"),
    ("没给缴", "file_dispute"),
    ("我已经写好遗书了 这个事你们看着办吧", "file_dispute"),
    ("我是人事 公司补缴社保 滞纳金怎么计算", "ask_policy"),
    ("包工头说月底补 我先不告了", "cancel"),
])
def test_round11_short_harm_employer_questions_and_withdrawals(parser, text, intent):
    """Regression (nlu_fresh11): a bare 没交 was "other", a farewell letter over the matter
    was "other", an employer asking how its own late fee is computed filed a complaint, and
    a payer dropping the complaint once the 包工头 promised to pay filed one."""
    assert parser.parse(text).intent == intent
