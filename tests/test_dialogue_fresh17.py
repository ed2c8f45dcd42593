"""Blind round 17: what round 16 found and left. A story at the employer question whose last
clause is a fact, a vague duration (十几年) that is no exact period, an approximate amount
corrected at the summary, a dialect answer that is no question, a second mobile in the first
message, and a correction of a name never stored."""
from __future__ import annotations

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question, to_summary


async def test_s01_story_at_the_employer_question_keeps_the_fact_and_the_vague_duration(
        platform, config):
    """"叫什么来着哦对叫永兴纺织厂老板换了好几个都不给我们交": the unsure words dropped the
    whole clause, so 都不给我们交 was lost, and 十几年 was stored as exactly ten years."""
    openid = "f17-s01"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "我跟你说啊我在那个厂做了十几年了以前是国营的后来改制了叫什么来着"
                                        "哦对叫永兴纺织厂老板换了好几个都不给我们交")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "永兴纺织厂", slots
    assert "不给我们交" in slots.get("description", ""), slots
    assert (slots.get("period_said") or [None, None])[1] == "十几年", slots
    assert "哪个区" in reply, reply


async def test_s02_vague_duration_in_the_first_message_is_kept_as_said(platform, config):
    """"干了好几年" was kept as 几年: the 好 that makes it vague was lost."""
    openid = "f17-s02"
    await say(platform, openid, "我在厂里干了好几年了公司一直没给我交社保")
    slots = await slots_of(config, openid)
    assert (slots.get("period_said") or [None, None])[1] == "好几年", slots


async def test_s03_approximate_amount_corrected_at_the_summary_stays_approximate(platform, config):
    openid = "f17-s03"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "金额不对 应该是八千左右")
    assert "\n金额：约八千元" in reply or "\n金额：八千左右" in reply, reply


async def test_s04_dialect_employer_answer_is_no_question(platform, config):
    """"俺们厂叫金龙鞋厂 冇交 咋整": the whole message was quoted back as a question
    ("您问的…已记在登记内容里")."""
    openid = "f17-s04"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "俺们厂叫金龙鞋厂 冇交 咋整")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "金龙鞋厂", slots
    assert "您问的" not in reply and "咋整" not in reply, reply
    assert "咋整" not in slots.get("description", ""), slots
    assert "哪个区" in reply, reply


async def test_s05_second_mobile_in_the_first_message_is_kept_as_a_backup(platform, config):
    openid = "f17-s05"
    reply = await say(platform, openid, "我叫张伟 手机13812345678 老公的13987654321 "
                                        "公司一直没给我交社保")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678", slots
    assert "13987654321" in slots.get("description", ""), slots
    assert "备用电话" in reply and "139****4321" in reply, reply
    assert "13987654321" not in reply, reply


async def test_s06_correcting_a_name_never_stored_says_it_was_noted(platform, config):
    openid = "f17-s06"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "名字写错了 是李思")
    assert (await slots_of(config, openid)).get("name") == "李思"
    assert "已记下姓名：李思" in reply and "已改为" not in reply, reply
