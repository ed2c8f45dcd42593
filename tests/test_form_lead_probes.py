"""Faults the lead engineer met filing as a payer at the start of stop 21: a period with
"从…开始到现在" at the name question stored the leftover "从到现在" as the name; a count beside
the payer ("我和另外两个同事", "全厂都没交 大概两百人") stored the wrong number; a story line at
the name question was only told it is no name; "我只是问问 不想登记" was asked for the unit
again; a town after the district was dropped; found material ("我又找到工资条了") got a
decline; a company name with 和, 能, 可 in it ("永和", "华能") was cut there; "没有了" at the
summary asked what to change."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import CASE_NO, say
from tests.test_dialogue_robustness import slots_of, to_question
from tests.test_gaps_fresh3 import file_case


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


@pytest.mark.parametrize("message", ["我只是问问 不想登记", "我不想登记 只是想问一下", "就想问下 不用登记",
                                     "别登记了 我就了解一下而已"])
async def test_not_wanting_to_register_asks_to_cancel(platform, config, message):
    openid = oid("askonly", message)
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, message)
    assert "取消" in reply and "单位的名称" not in reply, reply
    assert "不能准确回答" not in reply, reply
    reply = await say(platform, openid, "是的")
    assert "已取消" in reply, reply


@pytest.mark.parametrize("district_only,town,stored", [
    ("增城开发区的", "永宁", "永宁街道"),
    ("增城的", "新塘那边的厂 叫华丽服装厂", "新塘镇"),
])
async def test_a_town_after_the_district_makes_the_place_precise(platform, config, district_only,
                                                                 town, stored):
    openid = oid("town", district_only + town)
    await say(platform, openid, "公司这两年都按最低基数给我交社保 我工资一万多")
    await say(platform, openid, district_only)
    assert (await slots_of(config, openid)).get("jurisdiction") == "增城区"
    reply = await say(platform, openid, town)
    assert (await slots_of(config, openid)).get("jurisdiction") == stored
    assert stored in reply, reply


@pytest.mark.parametrize("message", ["我又找到工资条了 可以补充吗", "翻出来一张劳动合同", "我找到了当时的聊天记录",
                                     "刚拿到离职证明"])
async def test_found_material_opens_the_material_window(platform, config, message):
    openid = oid("found", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "不能准确回答" not in reply, reply
    assert "补充到事项" in reply, reply


@pytest.mark.parametrize("answer", ["广州增城永和精密制造有限公司", "广州华能新能源科技有限公司", "增城永和豆浆店",
                                    "广州可达电器厂", "增城会展服务有限公司", "广州现代汽车销售公司"])
async def test_a_full_company_name_is_stored_whole(platform, config, answer):
    openid = oid("employer", answer)
    await to_question(platform, openid, "单位")
    await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("employer") == answer


@pytest.mark.parametrize("message,employer", [
    ("我在可达电器厂上班 公司一直没给我交社保", "可达电器厂"),
    ("我和宏达公司签了合同 但是他们没给我交社保", "宏达公司"),
    ("我在永和豆浆店打工 老板不给交社保", "永和豆浆店"),
])
async def test_a_name_inside_a_story_starts_where_it_should(platform, config, message, employer):
    openid = oid("story-employer", message)
    await say(platform, openid, message)
    assert (await slots_of(config, openid)).get("employer") == employer


@pytest.mark.parametrize("answer", ["没有了", "没有要改的", "不用改了", "都对"])
async def test_nothing_to_change_at_the_summary_submits(platform, config, answer):
    openid = oid("summary", answer)
    await to_question(platform, openid, "请核对")
    reply = await say(platform, openid, answer)
    assert CASE_NO.search(reply) and "要修改哪一项" not in reply, reply


@pytest.mark.parametrize("message", ["你们这个能帮我查下社保交了没有吗", "帮我查一下我的社保",
                                     "能查一下我的医保交到几月份了吗"])
async def test_asking_to_look_up_ones_own_record_says_where(platform, message):
    reply = await say(platform, oid("record", message), message)
    assert "查询" in reply and "还没有登记过事项" not in reply, reply


async def test_asking_about_a_case_with_none_still_says_there_is_none(platform):
    reply = await say(platform, "lead21-record-none", "查一下我上次反映的事")
    assert "还没有登记过事项" in reply, reply
