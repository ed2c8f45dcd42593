"""An answer typed at another question than the one asked goes to its own slot: an
out-of-area place ("深圳南山", "东莞长安") is the place, never the employer or the name; a bare
name or a period where the place is asked is the name or the period, without "没找到"; the
employer's name at the category question or a new one at the place question is taken and said."""
from __future__ import annotations

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question

NOT_FOUND = "没找到"


@pytest.mark.parametrize("place", ["深圳南山", "深圳南山区", "东莞长安镇", "佛山顺德", "广州天河那边"])
async def test_an_outside_place_at_the_employer_question_is_the_place(platform, config, place):
    openid = f"fs-emp-{place}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, place)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots["jurisdiction"] == place.removesuffix("那边"), slots
    assert "所在地" in reply and "单位" in reply, reply
    reply = await say(platform, openid, "腾飞科技有限公司")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "腾飞科技有限公司" and slots["jurisdiction"], slots
    assert "哪个区" not in reply, reply


async def test_a_new_employer_at_the_place_question_replaces_and_is_said(platform, config):
    openid = "fs-emp-again"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "华强电子厂")
    reply = await say(platform, openid, "腾飞科技有限公司")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "腾飞科技有限公司", slots
    assert "腾飞科技有限公司" in reply and "华强电子厂" in reply and "哪个区" in reply, reply


@pytest.mark.parametrize("name", ["王芳", "王姐", "老李", "陈秀英"])
async def test_a_bare_name_at_the_place_question_is_the_name(platform, config, name):
    openid = f"fs-name-{name}"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, name)
    slots = await slots_of(config, openid)
    assert slots["name"] == name and slots.get("jurisdiction") is None, slots
    assert NOT_FOUND not in reply and "哪个区" in reply and name in reply, reply
    reply = await say(platform, openid, "新塘镇")
    assert (await slots_of(config, openid))["jurisdiction"] == "新塘镇"
    assert "称呼" not in reply, reply


@pytest.mark.parametrize("period", ["2023年3月到现在", "去年5月开始", "2022年1月到2023年6月"])
async def test_a_period_at_the_place_question_is_said_as_noted(platform, config, period):
    openid = f"fs-period-{period}"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, period)
    slots = await slots_of(config, openid)
    assert slots.get("period") and slots.get("jurisdiction") is None, slots
    assert NOT_FOUND not in reply and "时间段" in reply and "哪个区" in reply, reply


@pytest.mark.parametrize("place", ["东莞长安", "深圳宝安区", "黄埔区"])
async def test_an_outside_place_at_the_name_question_is_no_name(platform, config, place):
    openid = f"fs-name-place-{place}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "华强电子厂")
    reply = await say(platform, openid, place)
    assert "称呼" in reply, reply
    reply = await say(platform, openid, "东莞长安")
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots["jurisdiction"] == place, slots
    assert "称呼" in reply, reply


@pytest.mark.parametrize("said,employer", [("厂里叫 鑫达五金", "鑫达五金"), ("公司叫腾飞", "腾飞"),
                                          ("厂名叫宏兴塑胶", "宏兴塑胶")])
async def test_the_employer_at_the_category_question_is_taken(platform, config, said, employer):
    openid = f"fs-cat-{employer}"
    reply = await say(platform, openid, "你好 我想投诉一下我们公司")
    assert "问题类型" in reply, reply
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots["employer"] == employer and slots.get("category") is None, slots
    assert "问题类型" in reply and employer in reply and "列表里的数字" not in reply, reply
    reply = await say(platform, openid, "深圳南山")
    slots = await slots_of(config, openid)
    assert slots["jurisdiction"] == "深圳南山" and slots["employer"] == employer, slots
    reply = await say(platform, openid, "1")
    assert "单位" not in reply.split("\n")[-1] and "哪个区" not in reply, reply


@pytest.mark.parametrize("period,shown", [("做了两年多了", "两年多"), ("2023年3月到现在", "2023年3月")])
async def test_a_period_at_the_employer_question_is_no_employer(platform, config, period, shown):
    openid = f"fs-emp-period-{period}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, period)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots.get("period"), slots
    assert shown in reply and "单位" in reply, reply


STORY = "我们老板不给我们买社保 咋整"


@pytest.mark.parametrize("fact,slot,value", [("东莞长安镇", "jurisdiction", "东莞长安镇"),
                                             ("做了两年多了", "period", "两年多")])  # rough: kept as said
async def test_a_place_or_period_after_a_story_starts_the_form_with_it(platform, config, fact,
                                                                         slot, value):
    openid = f"fs-story-{slot}"
    reply = await say(platform, openid, STORY)
    assert "反映问题" in reply, reply
    reply = await say(platform, openid, fact)
    slots = await slots_of(config, openid)
    assert slots["description"] == STORY and slots[slot] == value, slots
    assert slots["category"] == "employer_arrears" and slots.get("employer") is None, slots
    assert "单位" in reply and "没太明白" not in reply and "问题类型" not in reply, reply


async def test_a_bare_name_at_the_category_question_is_the_name(platform, config):
    openid = "fs-cat-name"
    reply = await say(platform, openid, "你好 我想投诉一下我们公司")
    assert "问题类型" in reply, reply
    reply = await say(platform, openid, "王芳")
    slots = await slots_of(config, openid)
    assert slots["name"] == "王芳" and slots.get("category") is None, slots
    assert "王芳" in reply and "问题类型" in reply, reply
