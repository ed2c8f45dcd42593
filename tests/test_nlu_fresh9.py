"""Round 9 of blind NLU messages (nlu_fresh9.jsonl): floors for intent, category and severity."""
from pathlib import Path

import pytest

from bot.nlu import load_parser
from bot.nlu.evaluate import evaluate
from tests.test_nlu_parser import _unseen, assert_round_floors

DISTRICTS = ["增城区", "荔城街道", "新塘镇", "石滩镇"]
FRESH9_FILE = Path(__file__).parent / "data" / "nlu_fresh9.jsonl"


@pytest.fixture(scope="module")
def parser():
    return load_parser(districts=DISTRICTS)


def test_dialect_voice_long_employer_and_near_miss_messages_keep_their_floor(parser):
    """nlu_fresh9.jsonl: 198 messages written before reading the training data: voice-typed
    run-ons and homophones (叫社保, 射保, 鸡数, 只纳金, 记路, 闪腿, 救业), Cantonese (供社保,
    登唔入, 補繳唔到), Sichuan (莫得, 补起, 算球了), northern (老长时间, 贼离谱, 拉倒吧 不整了) and
    Hokkien (头家无共阮交, 欲按怎交, 攏無交) words, traditional characters, three- to
    six-character messages and five of 200+ characters, HR and accountants, 灵活就业, 城乡居民
    medical insurance, retirees; majors (砸老板的车, 在大厅点火, a post on 微博, villagers
    gathered at the village committee, 一百五十多万, 两百多个工人 拉横幅) beside near-misses
    (我们公司很大 好几千人 but only my own contributions, one angry payer, 三千多块, 九十来万,
    a 自媒体 job, 抖音上看到, 新闻上说).
    Before: intent 0.9747 (193/198), category 0.9792 (141/144), major recall 18/22,
    false majors 1/176. After: 1.0, 1.0, 22/22, 0/176."""
    rows = _unseen(FRESH9_FILE, 190)
    categories = {row["category"] for row in rows if row["intent"] == "file_dispute"}
    for category in categories:
        assert sum(row["category"] == category for row in rows) >= 8, category
    ev = evaluate(parser, rows)
    assert_round_floors(ev, others=0.9)


@pytest.mark.parametrize("text, major", [
    ("工资不发社保不交 我明天就去把他办公室的玻璃砸了", True),
    ("再不给补缴我就在社保局门口点火", True),
    ("我在论坛上发帖了 厂里欠了一年社保", True),
    ("全村的老人都聚在村委会门口 养老金三个月没发了", True),
    ("我们村两百多个老人的居民医保被重复扣了", True),
    ("我们单位很大 有两千多人 可是我的社保一直没给我交", False),
    ("公司欠我社保 气得我想把手机砸了", False),
    ("砸锅卖铁也要把社保补上", False),
    ("家里两个老人的医保交重复了", False),
])
def test_round9_major_signals_and_their_near_misses(parser, text, major):
    """Regression (nlu_fresh9): smashing the boss's car, setting a fire in the hall, a post
    on 微博, villagers gathered at the village committee and hundreds of 老人 were not major;
    a company's size followed by "但是我的社保没给我交" (one payer's harm) was a headcount
    of thousands. One's own phone, 砸锅卖铁 and two elderly parents stay ordinary."""
    assert (parser.parse(text).severity == "major") is major


def test_hokkien_cantonese_and_northern_words_read_as_mandarin(parser):
    """Regression (nlu_fresh9): Hokkien 头家无共阮交 (the boss did not pay mine), 攏無交 and
    欲按怎 (how), Cantonese 登唔入, northern 仨 were read as nothing."""
    assert parser.names_harm("头家无共阮交社保")
    assert parser.names_harm("几十个工人的社保攏無交")
    assert parser.is_question("灵活就业社保欲按怎交")
    assert parser.parse("電子稅務局登唔入").intent == "file_dispute"
    periods = [e.value for e in parser.parse("公司的社保断了仨月").entities if e.type == "period"]
    assert periods == ["P3M"]
