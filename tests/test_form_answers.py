"""Form answers as payers type them on a phone: an answer with more of the story beside it,
corrections with the new value, names with spaces, 忘了 at the optional question and
"我刚才说到哪了" after a pause. Each test is a bug found by driving such answers through the
real gateway; nothing already said may be lost."""
from __future__ import annotations

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_question, to_summary


@pytest.mark.parametrize("answer,employer,story", [
    ("广州某某电子厂，他们两年没给我交社保还扣我工资", "广州某某电子厂", "两年没给我交社保还扣我工资"),
    ("他们两年没给我交社保还扣我工资，广州某某电子厂", "广州某某电子厂", "两年没给我交社保还扣我工资"),
    ("宏达公司，而且离职的时候还不给开离职证明", "宏达公司", "离职的时候还不给开离职证明"),
])
async def test_a_complaint_typed_with_the_employer_keeps_both(platform, config, answer,
                                                             employer, story):
    """The employer is the company name only; the grievance joins the description (it was
    dropped when it came first or the classifier was unsure of it)."""
    openid = f"fa-employer-{len(answer)}-{answer[0]}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots["employer"] == employer
    assert story in slots["description"] and slots["description"].startswith("公司一直没给我交社保")
    assert "补充到问题描述" in reply


@pytest.mark.parametrize("cue,answer,slot,value,story", [
    ("哪个区", "在新塘镇那边，老板跑路了找不到人", "jurisdiction", "新塘镇", "老板跑路了找不到人"),
    ("称呼", "我叫李四，我在那里干了三年一直没交", "name", "李四", "我在那里干了三年一直没交"),
    ("称呼", "李四，厂里说交了但是我查不到记录", "name", "李四", "厂里说交了但是我查不到记录"),
    ("电话", "13812345678，老板还威胁说如果我投诉就开除我", "phone", "13812345678",
     "老板还威胁说如果我投诉就开除我"),
    ("几个人", "3个，我们都是被扣了钱没交上去的", "headcount", 3, "被扣了钱没交上去"),
    ("几个人", "我们车间20多个人都一样，已经找过劳动局了", "headcount", 20, "已经找过劳动局了"),
    ("几个人", "就我一个，希望尽快帮我补上", "headcount", 1, None),
])
async def test_facts_told_beside_an_answer_are_kept(platform, config, cue, answer, slot, value,
                                                   story):
    """The answer fills its slot and the rest of the message joins the description; the
    answer was dropped (李四, 就我一个) or the rest was (all the others)."""
    openid = f"fa-beside-{slot}-{len(answer)}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots[slot] == value
    if story:
        assert story in slots["description"]
    assert "13812345678" not in slots["description"]  # contact numbers stay out of the story


@pytest.mark.parametrize("answer", ["好的", "我叫李四", "就是那个宏达电子厂啊", "13812345678，谢谢",
                                    "13812345678，这个要多久才能处理好"])
async def test_a_plain_answer_adds_nothing_to_the_description(platform, config, answer):
    openid = f"fa-plain-{len(answer)}-{answer[-1]}"
    cue = "电话" if answer.startswith("138") else "称呼" if "李四" in answer or answer == "好的" \
        else "单位"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    assert "补充到问题描述" not in reply
    assert (await slots_of(config, openid))["description"] == "公司一直没给我交社保"


@pytest.mark.parametrize("where", ["summary", "question"])
async def test_a_correction_with_the_value_after_gai_cheng_takes_it(platform, config, where):
    """"人数改成5个": 改成 is both the correction word and the lead of the new value; the
    value was lost and the headcount asked again."""
    openid = f"fa-gaicheng-{where}"
    if where == "summary":
        await to_summary(platform, openid)
    else:
        await to_question(platform, openid, "几个人")
        await say(platform, openid, "1")
    reply = await say(platform, openid, "等等，人数改成5个")
    assert "已改为涉及人数：5" in reply
    assert (await slots_of(config, openid))["headcount"] == 5


async def test_a_name_typed_with_a_space_is_stored_without_it(platform, config):
    openid = "fa-name-space"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, "李 四")
    assert (await slots_of(config, openid))["name"] == "李四"


@pytest.mark.parametrize("answer", ["忘了", "我也记不清了"])
async def test_forgetting_the_optional_details_skips_them(platform, config, answer):
    openid = f"fa-forgot-{len(answer)}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    assert "请核对登记内容" in reply


@pytest.mark.parametrize("question", ["我刚才说到哪了", "刚才说到哪儿了？"])
async def test_where_were_we_recalls_the_form_not_the_case_list(platform, config, question):
    """It was answered as a progress query ("您还没有登记过事项")."""
    openid = f"fa-where-{len(question)}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, question)
    assert "还没有登记过事项" not in reply
    assert "已记下" in reply and "新塘镇" in reply and reply.rstrip().endswith(
        "办理人员会联系您。")
    slots = await slots_of(config, openid)
    assert slots["requested_slot"] == "phone" and slots["jurisdiction"] == "新塘镇"


@pytest.mark.parametrize("answer", ["不知道全称", "忘了叫什么了"])
async def test_not_knowing_the_employers_name_gets_a_hint_not_a_name(platform, config, answer):
    """"不知道全称" was stored as the employer's name; "忘了叫什么了" was answered as a policy
    question ("我只解答社会保险费缴纳方面的问题")."""
    openid = f"fa-emp-unsure-{len(answer)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    assert "简称" in reply and "不清楚" in reply and "12345" not in reply
    assert (await slots_of(config, openid)).get("employer") is None
    await say(platform, openid, "不清楚")
    assert (await slots_of(config, openid))["employer"] == "无"


@pytest.mark.parametrize("answer", ["先不提交", "我再想想"])
async def test_submitting_later_keeps_the_draft_and_says_how(platform, config, answer):
    """"先不提交" got the list of fields to change, as if something were wrong."""
    openid = f"fa-later-{len(answer)}"
    await to_summary(platform, openid)
    reply = await say(platform, openid, answer)
    assert "保留" in reply and "确认" in reply and "要修改哪一项" not in reply
    assert "已登记" in await say(platform, openid, "确认")


async def test_a_new_phone_and_name_given_unasked_replace_the_old_ones(platform, config):
    """"我的电话是137…，名字叫王五" at the headcount question, both already given: it was
    silently ignored (only empty fields took values) and the old ones registered."""
    openid = "fa-restated"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "我的电话是13700002222，名字叫王五")
    assert "王五" in reply and "137****2222" in reply and "几个人" in reply
    slots = await slots_of(config, openid)
    assert slots["phone"] == "13700002222" and slots["name"] == "王五"
    assert slots["jurisdiction"] == "新塘镇" and slots.get("headcount") is None
