"""Misreadings found by persona probing (a payer whose record is short by years, one who
gives the period again at the summary, one who says money per month, one who types run-on
answers, English, voice-to-text fillers or comes back the next day): each test pins a class
of misreading, driven through the real encrypted gateway."""
from __future__ import annotations

import pytest

from bot.store.models import Case
from tests.test_dialogue import CASE_NO, _age_draft, fetch, say
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

# --- how long is not when -----------------------------------------------------------------

@pytest.mark.parametrize("first,said", [
    ("我的缴费记录少了3年，明明交了的", "3年"),
    ("公司没给我交社保三年了", "三年"),
    ("在宏达电子厂干了二十年，社保一直没交", "二十年"),
])
async def test_a_duration_is_shown_as_said_not_as_months(platform, config, first, said):
    """"少了3年" was shown to the payer as "时间段：36个月" and sent as the period."""
    openid = f"f8-dur-{len(first)}-{said}"
    summary = await to_summary(platform, openid, first=first)
    assert f"时长：{said}" in summary and "个月" not in summary, summary
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert case.period == f"{said}（时长）"


async def test_a_clearer_period_at_the_summary_replaces_a_duration(platform, config):
    """"从2022年3月开始跑的一直到现在" joined the description and "24个月" stayed."""
    openid = "f8-period-later"
    await to_summary(platform, openid, first="宏达电子厂跑了两年了一直没给我交社保")
    reply = await say(platform, openid, "从2022年3月开始跑的一直到现在")
    assert "时间段已改为：2022年3月起" in reply and "时长" not in reply, reply
    assert (await slots_of(config, openid))["period"] == "2022-03/.."


async def test_a_forwarded_paragraph_keeps_its_clearest_period(platform, config):
    """A WeChat-forwarded story with line breaks: "干了5年" came first and the period was
    5 years though "从2021年开始" says when."""
    openid = "f8-forward"
    await say(platform, openid, "【转发】老乡帮我问一下：\n我在新塘镇宏达电子厂干了5年\n"
                                "厂里从2021年开始就没给我们交社保\n一共有二十多个人都这样\n"
                                "我叫王大明 电话13800138000")
    slots = await slots_of(config, openid)
    assert slots["period"] == "2021/.." and slots["name"] == "王大明", slots


# --- money as said ------------------------------------------------------------------------

@pytest.mark.parametrize("answer,shown", [("每个月少交了大概五六百", "每月约五六百元"),
                                          ("每月少交500到600块", "每月500到600块"),
                                          ("一个月差不多少交两千块", "每月约两千块")])
async def test_an_amount_per_month_or_rough_is_kept_as_said(platform, config, answer, shown):
    """"每个月少交了大概五六百" was stored and shown as 600元: per month and the range lost."""
    openid = f"f8-amount-{len(answer)}-{shown[-2]}"
    await to_question(platform, openid, "时间段或金额")
    summary = await say(platform, openid, answer)
    assert f"金额：{shown}" in summary, summary
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert shown in case.description and case.amount is not None


async def test_a_corrected_amount_drops_the_words_of_the_old_one(platform, config):
    openid = "f8-amount-fix"
    await to_question(platform, openid, "时间段或金额")
    await say(platform, openid, "每个月少交了大概五六百")
    reply = await say(platform, openid, "金额写错了应该是900")
    assert "金额：900元" in reply and "五六百" not in reply, reply


# --- names ---------------------------------------------------------------------------------

@pytest.mark.parametrize("answer,name", [("我叫刘强东北人来广州打工的", "刘强"),
                                         ("我叫张伟湖南人", "张伟"),
                                         ("我叫王建华老家是四川的", "王建华")])
async def test_where_the_payer_is_from_is_no_part_of_the_name(platform, config, answer, name):
    """"我叫刘强东北人来广州打工的" gave the name 刘强东北."""
    openid = f"f8-runon-{name}"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, answer)
    assert (await slots_of(config, openid))["name"] == name


async def test_a_name_beside_a_phone_at_another_question_is_kept(platform, config):
    """"13912345678 李四" where the employer was asked: the phone was taken, the name lost."""
    openid = "f8-name-phone"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "13912345678 李四")
    assert "姓名：李四" in reply, reply
    slots = await slots_of(config, openid)
    assert slots["name"] == "李四" and slots.get("employer") is None


@pytest.mark.parametrize("cue,answer,slot,stored", [
    ("称呼", "嗯我叫那个李四", "name", "李四"),
    ("称呼", "就嗯我一个吧", "headcount", 1),
])
async def test_voice_to_text_fillers_are_no_part_of_an_answer(platform, config, cue, answer,
                                                              slot, stored):
    """"嗯我叫那个李四" was "不像是姓名"; "就嗯我一个吧" was read as a name, not the count."""
    openid = f"f8-voice-{slot}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    assert (await slots_of(config, openid))[slot] == stored


async def test_a_wish_with_fillers_at_the_name_question_is_no_name(platform, config):
    openid = "f8-voice-wish"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "那个嗯希望给我补上啊")
    assert "不像是姓名" not in reply and "称呼" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and "补上" in slots["desired_outcome"]


# --- the category question ----------------------------------------------------------------

@pytest.mark.parametrize("answer", ["扣款扣了两次", "社保费重复扣了", "这个月扣了两次钱"])
async def test_a_double_charge_is_a_refund(platform, config, answer):
    """"扣款扣了两次" was read as 系统原因 (system_failure) and the words were lost."""
    openid = f"f8-refund-{len(answer)}"
    await say(platform, openid, "我想反映一下社保的问题")
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots["category"] == "refund" and answer in slots["description"], slots


@pytest.mark.parametrize("answer", ["李四", "王小明"])
async def test_a_name_at_the_category_question_is_no_category(platform, config, answer):
    """"李四" at the category question was stored as 其他. It is the payer's name (kept, since
    test_form_slots_fresh) and the categories are asked again."""
    openid = f"f8-catname-{answer}"
    await say(platform, openid, "我想反映一下社保的问题")
    reply = await say(platform, openid, answer)
    assert "回复数字" in reply and "10. 其他" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("category") is None and slots.get("name") == answer, slots


# --- English --------------------------------------------------------------------------------

@pytest.mark.parametrize("cue,answer,slot", [("问题", "Tom Li", "description"),
                                             ("称呼", "pay it back", "name"),
                                             ("单位", "Tom Li", "employer"),
                                             ("几个人", "all of us", "headcount")])
async def test_english_that_answers_nothing_gets_a_chinese_reask(platform, config, cue, answer,
                                                                 slot):
    """"Tom Li" was taken as the description, "pay it back" as the name "交 it back"."""
    openid = f"f8-en-{slot}"
    if slot == "description":
        await say(platform, openid, "我要投诉")
    else:
        await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    assert "请用中文回复" in reply and cue in reply, reply
    assert (await slots_of(config, openid)).get(slot) is None


async def test_an_english_name_at_the_name_question_is_taken(platform, config):
    openid = "f8-en-name"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "Tom Li")
    assert "电话" in reply and (await slots_of(config, openid))["name"] == "Tom Li"


# --- back the next day ----------------------------------------------------------------------

@pytest.mark.parametrize("back", ["继续吧", "接着填"])
async def test_coming_back_with_continue_asks_the_question(platform, config, back):
    """"继续吧" the next day got "回复“1”继续填写" instead of the question it asked for."""
    openid = f"f8-next-day-{back}"
    await to_question(platform, openid, "称呼")
    await _age_draft(config.database_url, openid, hours=20)
    reply = await say(platform, openid, back)
    assert "称呼" in reply and "回复“1”继续填写" not in reply, reply
    await say(platform, openid, "李四")
    assert (await slots_of(config, openid))["name"] == "李四"


async def test_coming_back_asking_where_it_was_gets_what_is_recorded(platform, config):
    openid = "f8-next-day-where"
    await to_question(platform, openid, "称呼")
    await _age_draft(config.database_url, openid, hours=20)
    reply = await say(platform, openid, "我昨天说到哪了")
    assert "已记下" in reply and "称呼" in reply, reply
