"""Three faults the lead engineer met filing as a payer at the start of stop 21: a period
with "从…开始到现在" at the name question stored the leftover "从到现在" as the name; a count
beside the payer ("我和另外两个同事", "全厂都没交 大概两百人") stored the wrong number; and a
story line at the name question ("他说试用期不交 后来一直拖") was only told it is no name."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question


def oid(prefix: str, message: str) -> str:
    return f"lead21-{prefix}-{zlib.crc32(message.encode())}"


@pytest.mark.parametrize("answer,period", [
    ("从2023年3月开始到现在", "2023-03/.."),
    ("从2021年3月份开始到现在都没交", "2021-03/.."),
    ("去年5月一直到现在", None),
    ("2022年开始一直到现在为止", "2022/.."),
])
async def test_a_period_at_the_name_question_is_no_name(platform, config, answer, period):
    openid = oid("period", answer)
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("name") is None, slots
    assert "称呼" in reply, reply
    assert slots.get("period") and slots["period"].endswith("/.."), slots
    if period:
        assert slots["period"] == period


@pytest.mark.parametrize("answer,count", [
    ("我和另外两个同事", 3),
    ("就我一个吧 还有两个同事也是", 3),
    ("除了我还有三个工友", 4),
    ("全厂都没交 大概两百人", 200),
    ("不是我一个人，有5个", 5),
    ("我们三个人", 3),
])
async def test_a_count_beside_the_payer_counts_the_payer_once(platform, config, answer, count):
    openid = oid("count", answer)
    await to_question(platform, openid, "几个人")
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == count, slots


@pytest.mark.parametrize("story", ["他说试用期不交 后来一直拖", "老板说试用期不给交 转正了也没交"])
async def test_a_story_line_at_the_name_question_joins_the_description(platform, config, story):
    openid = oid("story", story)
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, story)
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and "称呼" in reply, reply
    assert story in slots["description"], slots
    assert "补充到问题描述" in reply, reply
