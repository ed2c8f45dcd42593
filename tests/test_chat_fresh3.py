"""First messages, third round: matters of another office that share words with a
contribution dispute (a lost 社保卡 is a service of the card office, severance after a
dismissal is a labour dispute) started a case form; 莫 for 没 (莫给, 莫交: 西南官话, 湘语)
was not read, so "公司10几年莫给我交社保" was declined; 十来年 / 十多年 / 二十来年 were no
period. Each goes through the real gateway from a fresh openid."""
from __future__ import annotations

import zlib

import pytest

from bot.nlu import load_parser
from tests.test_chat_fresh import draft_of
from tests.test_chat_fresh2 import FALLBACK
from tests.test_dialogue import say
from tests.test_first_messages import OUT_OF_SCOPE

OFFER = "反映问题"


def oid(prefix: str, message: str) -> str:
    return f"f3-{prefix}-{zlib.crc32(message.encode())}"


@pytest.fixture(scope="module")
def parser():
    return load_parser(districts=["增城区", "新塘镇"])


# --- 1. another office's matter is said as such, never a form --------------------------

CARD = ["我的社保卡丢了", "社保卡掉了怎么办", "补办社保卡", "医保卡丢了", "我社保卡不见了",
        "社保卡丢了咋办啊", "社保卡弄丢了 要补办", "我的医保卡掉了"]
SEVERANCE = ["公司把我辞退了 没给补偿", "辞退没赔偿", "裁员补偿 N+1", "公司裁员不给补偿",
             "老板把我开除了 一分钱赔偿都没有", "被辞退了 公司不给经济补偿", "公司辞退我不给赔偿金"]


@pytest.mark.parametrize("message", CARD + SEVERANCE)
async def test_another_offices_matter_names_who_handles_it(platform, config, message):
    openid = oid("office", message)
    reply = await say(platform, openid, message)
    description = (await draft_of(config, openid)).get("description")
    assert not description, (description, reply)
    assert any(hotline in reply for hotline in ("12333", "12393")), reply
    assert OFFER in reply and FALLBACK not in reply, reply
    if message in SEVERANCE:
        assert OUT_OF_SCOPE not in reply, reply


@pytest.mark.parametrize("message", [
    "公司把我辞退了 也没给交社保", "辞退了 没给补偿 社保也没交", "社保卡里查不到缴费记录",
    "辞退前几个月社保没交", "裁员了 还欠我半年社保", "社保卡里显示公司断缴了三个月"])
async def test_contributions_beside_it_are_still_registered(platform, config, message):
    openid = oid("ours", message)
    reply = await say(platform, openid, message)
    assert (await draft_of(config, openid)).get("description"), reply


# --- 2. 莫 for 没 ----------------------------------------------------------------------

def test_mo_for_not_is_read_and_mo_for_dont_is_kept(parser):
    """莫 before 给/交/买 is 没 (the parser's own normaliser); 莫急, 莫慌 and the surname stay."""
    normalize = parser._tools.normalize
    for said, meant in [("公司莫给我交社保", "没给"), ("老板莫交社保", "没"),
                        ("厂里一直莫买社保", "没买")]:
        assert meant in normalize(said).text, (said, normalize(said).text)
    for said in ["莫急 慢慢说", "莫慌", "我叫莫小红", "莫师傅", "莫给自己添堵"]:
        assert "没" not in normalize(said).text, (said, normalize(said).text)
    assert parser.parse("公司10几年莫给我交社保").intent == "file_dispute"


@pytest.mark.parametrize("message", ["公司10几年莫给我交社保", "老板莫给我们买社保",
                                     "厂里三年莫交社保了"])
async def test_mo_for_not_starts_the_form(platform, config, message):
    openid = oid("mo", message)
    reply = await say(platform, openid, message)
    assert (await draft_of(config, openid)).get("description"), reply
    assert OUT_OF_SCOPE not in reply, reply


# --- 3. 十来年, 十多年, 二十来年 -----------------------------------------------------

@pytest.mark.parametrize("message,span,months", [
    ("公司十来年没给我交社保", "十来年", 120), ("公司十多年没交社保", "十多年", 120),
    ("二十来年没交社保", "二十来年", 240), ("公司10几年没交社保", "10几年", 120),
    ("干了十几年 社保一直没交", "十几年", 120)])
def test_a_rough_count_of_years_is_a_period(parser, message, span, months):
    periods = [e for e in parser.parse(message).entities if e.type == "period"]
    assert [(message[e.start:e.end], e.value) for e in periods] == [(span, f"P{months}M")]


@pytest.mark.parametrize("message,said", [("公司十来年没给我交社保", "十来年"),
                                          ("公司十多年没交社保", "十多年"),
                                          ("老板二十来年没给我们交社保", "二十来年")])
async def test_a_rough_count_of_years_is_stored_as_typed(platform, config, message, said):
    openid = oid("period", message)
    reply = await say(platform, openid, message)
    slots = await draft_of(config, openid)
    assert said in str(slots.get("period")) and "P" not in str(slots.get("period")), (slots,
                                                                                    reply)
