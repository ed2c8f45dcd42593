"""Round 12 of blind NLU messages (nlu_fresh12.jsonl): first messages, with floors for intent,
category and severity."""
from pathlib import Path

import pytest

from bot.nlu import load_parser
from bot.nlu.dataset import read_labelled_jsonl
from bot.nlu.evaluate import evaluate
from tests.test_nlu_parser import _unseen, assert_round_floors

DISTRICTS = ["增城区", "荔城街道", "新塘镇", "石滩镇"]
FRESH12_FILE = Path(__file__).parent / "data" / "nlu_fresh12.jsonl"


@pytest.fixture(scope="module")
def parser():
    return load_parser(districts=DISTRICTS)


def test_first_messages_of_every_kind_keep_their_floor(parser):
    """nlu_fresh12.jsonl: 73 first messages written before reading the training data: dialect
    (俺 木有 莫得 晓得 咋整 嘛), homophones and typos (社宝, 医宝, 公伤, 养老金交费, 设保鸡数,
    滞纳斤, 社报, 工作人圆, 记路), pinyin, voice-to-text run-ons, very short ones (没给交社保,
    基数不对, 进度, 不投了), employers asking about their staff or disputing their own 核定,
    relatives filing for a payer, groups (三十多个人, 五六十号人, 老板跑了 二十来个工人),
    petitions, self-harm, violence and the press beside near-misses (三百多人 就我一个, 在报社
    上班, 我不会去闹的, 三十多岁了, 信访维稳中心的窗口), ads, abuse and unrelated questions."""
    rows = _unseen(FRESH12_FILE, 73)
    ev = evaluate(parser, rows)
    assert_round_floors(ev, others=0.9)


def test_round12_filings_get_the_triage_of_the_seeds(parser):
    """Each filing of nlu_fresh12.jsonl labelled 简易 / 一般 / 重大 from the seeds."""
    rows = [row for row in read_labelled_jsonl(FRESH12_FILE) if "severity" in row]
    wrong = [row["text"] for row in rows if parser.parse(row["text"]).severity != row["severity"]]
    assert len(rows) >= 49 and not wrong, wrong


@pytest.mark.parametrize("text, major", [
    ("再不给我交社保 我就去砍了老板", True),
    ("逼急了我就宰了那个包工头", True),
    ("老板砍了我一半工资 社保也停了", False),
    ("厂长砍了他的奖金 社保也不给交", False),
    ("被老板砍了提成 社保基数也降了", False),
])
def test_round12_a_blade_taken_to_someone_is_major_and_a_pay_cut_is_not(parser, text, major):
    """Regression (nlu_fresh12): "砍了老板" was an ordinary arrears case; a boss who 砍了
    wages (砍工资, 砍奖金) harms no one's body."""
    assert (parser.parse(text).severity == "major") is major


@pytest.mark.parametrize("text, intent", [
    ("兼职刷单 日结三百 加我微信", "other"),
    ("帮我砍一刀 谢谢啦", "other"),
    ("咱厂里的社保咋一直莫得交嘛", "file_dispute"),
    ("你们单位为啥到现在还不给我交社保", "file_dispute"),
])
def test_round12_adverts_and_reproaches(parser, text, intent):
    """Regression (nlu_fresh12): a spam advert was a complaint, and "why is it still not
    paid" asked of one's own employer was a policy question. Round 12's training examples
    for them cost other readings and were withdrawn; rules.yml advert and reproach (round 13)
    read them instead."""
    assert parser.parse(text).intent == intent
