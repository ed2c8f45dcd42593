"""Form answers as payers type them on a phone: an answer with more of the story beside it,
corrections with the new value, names with spaces, 忘了 at the optional question and
"我刚才说到哪了" after a pause. Each test is a bug found by driving such answers through the
real gateway; nothing already said may be lost."""
from __future__ import annotations

import re

import pytest

from bot.store.models import Case, DialogueState
from routing.notices import local_deadline
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
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


# --- round 2: answers in the payer's own words ------------------------------------------

@pytest.mark.parametrize("cue,answer,slot", [
    ("称呼", "好的好的我知道了谢谢你们啊", "name"),
    ("称呼", "OK收到，辛苦了", "name"),
    ("单位", "好的好的，明白了，谢谢啊", "employer"),
    ("哪个", "嗯嗯好的谢谢你", "jurisdiction"),
    ("几个人", "好的谢谢，麻烦你们了", "headcount"),
    ("希望怎么处理", "嗯嗯，收到，好的", "desired_outcome"),
])
async def test_a_chain_of_thanks_and_got_it_is_no_answer(platform, config, cue, answer, slot):
    """"好的好的我知道了谢谢你们啊" was stored as the name: only a whole reply equal to one
    filler word was caught, not a chain of them."""
    openid = f"fa-ack-{slot}-{len(answer)}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    assert cue in reply and ("不客气" in reply or reply.startswith("好的"))
    assert (await slots_of(config, openid)).get(slot) is None


@pytest.mark.parametrize("answer,name", [
    ("叫我小陈就行，麻烦你们了哈", "小陈"),
    ("你就叫我阿强吧，谢谢", "阿强"),
    ("大家都叫我阿强", "阿强"),
    ("我姓陈，叫我陈姐就好", "陈姐"),
    ("我姓李，木子李，叫李大明", "李大明"),
    ("叫我张先生就可以了", "张先生"),
    ("王师傅", "王师傅"),
])
async def test_a_form_of_address_is_taken_as_the_name(platform, config, answer, name):
    """"怎么称呼您" is answered with 小陈, 阿强, 陈姐, 王师傅: they were refused with thanks
    beside them, stored with their lead words (大家都叫我阿强), cut to the surname (李), or
    answered as a question (叫我张先生就可以了 → 12345)."""
    openid = f"fa-address-{len(answer)}-{answer[-1]}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert "电话" in reply and "12345" not in reply and "已记在登记内容" not in reply
    slots = await slots_of(config, openid)
    assert slots["name"] == name and slots["description"] == "公司一直没给我交社保"


@pytest.mark.parametrize("cue,answer,slot,value", [
    ("单位", "就是那个做衣服的厂，名字叫永发制衣", "employer", "永发制衣"),
    ("单位", "我也不太清楚全称，大家都叫它宏达", "employer", "宏达"),
    ("单位", "不知道全称，叫宏达", "employer", "宏达"),
    ("单位", "简称宏达，全称记不住了", "employer", "宏达"),
    ("单位", "招牌上写的是金龙大酒楼", "employer", "金龙大酒楼"),
    ("哪个", "那边叫仙村", "jurisdiction", "仙村镇"),
])
async def test_what_people_call_it_names_what_was_asked(platform, config, cue, answer, slot,
                                                        value):
    """At the employer question "名字叫永发制衣" was stored as the payer's name and the
    employer stayed empty; a short name people use (大家都叫它宏达) was refused."""
    openid = f"fa-called-{slot}-{len(answer)}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots[slot] == value and slots.get("name") in (None, "李四")
    assert slots["description"] == "公司一直没给我交社保"


async def test_two_fields_named_wrong_are_both_asked_again(platform, config):
    """"电话和名字都错了" asked only the phone again; the wrong name stayed."""
    openid = "fa-two-wrong"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "电话和名字都错了")
    assert "联系电话、姓名" in reply and "电话" in reply
    assert "称呼" in await say(platform, openid, "13700001111")
    reply = await say(platform, openid, "王五")
    assert "请核对登记内容" in reply and "王五" in reply and "137****1111" in reply
    slots = await slots_of(config, openid)
    assert (slots["name"], slots["phone"], slots["employer"]) == ("王五", "13700001111",
                                                                  "广州宏达电子厂")


@pytest.mark.parametrize("cue,answer,slot,value,said,noted", [
    ("电话", "13812345678，这个要多久才能处理好", "phone", "13812345678", "办理时限", None),
    # round 22: the worry is answered at once with the privacy entry (was noted: 一并答复)
    ("称呼", "李四。这个会不会被公司知道", "name", "李四", "保密", None),
    ("单位", "宏达厂，要交多少钱才能补上", "employer", "宏达厂", "依据", None),
])
async def test_a_question_beside_an_answer_is_answered_too(platform, config, cue, answer, slot,
                                                           value, said, noted):
    """The answer was taken and the question ignored (13812345678，这个要多久), or the
    question answered with 12345 and the answer dropped (李四。这个会不会被公司知道)."""
    openid = f"fa-beside-question-{slot}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    assert said in reply and "12345" not in reply
    slots = await slots_of(config, openid)
    assert slots[slot] == value
    assert noted in slots["description"] if noted else slots["description"] == "公司一直没给我交社保"


async def test_a_second_phone_number_is_kept_for_the_liaison(platform, config):
    openid = "fa-two-phones"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "13800138000或者13900139000")
    assert "139****9000" in reply and "备用电话" in reply and "几个人" in reply
    slots = await slots_of(config, openid)
    assert slots["phone"] == "13800138000" and "备用电话：13900139000" in slots["description"]


@pytest.mark.parametrize("answer,said", [
    ("号码就是这个微信号", "需要一个能找到您的号码"),
    ("好的好的，稍等我找一下", "不着急"),
])
async def test_a_phone_reply_without_digits_is_not_called_a_wrong_number(platform, config,
                                                                          answer, said):
    """Both got "这个号码好像不对：里面有不是数字的字符"."""
    openid = f"fa-no-digits-{len(answer)}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, answer)
    assert said in reply and "不是数字" not in reply
    assert (await slots_of(config, openid)).get("phone") is None
    assert "几个人" in await say(platform, openid, "13812345678")


async def test_not_wanting_to_give_the_name_is_no_name(platform, config):
    """"不方便说名字" was stored as the name."""
    openid = "fa-name-refused"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "不方便说名字")
    assert "不会公开" in reply and "陈先生" in reply
    assert (await slots_of(config, openid)).get("name") is None


async def test_a_vague_headcount_asks_for_an_estimate(platform, config):
    """"好几个吧，具体不清楚" got the 12345 decline (a question to the knowledge base)."""
    openid = "fa-vague-count"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "好几个吧，具体不清楚")
    assert "12345" not in reply and "几个人" in reply
    assert (await slots_of(config, openid)).get("headcount") is None


async def test_leaving_it_to_the_office_is_a_wish(platform, config):
    """"你们看着办吧" was asked again without a word on why."""
    openid = "fa-wish-office"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "你们看着办吧")
    assert "时间段或金额" in reply
    assert (await slots_of(config, openid))["desired_outcome"] == "你们看着办吧"


@pytest.mark.parametrize("answer", ["我住在石滩但是厂在新塘", "我家在荔城，公司在新塘镇那边"])
async def test_the_workplace_not_the_home_is_the_place(platform, config, answer):
    """The first place named was taken: where the payer lives, not where the employer is."""
    openid = f"fa-workplace-{len(answer)}"
    await to_question(platform, openid, "哪个")
    await say(platform, openid, answer)
    assert (await slots_of(config, openid))["jurisdiction"] == "新塘镇"


@pytest.mark.parametrize("cue,answer,said", [
    ("电话", "我的电话你们不是有吗", "需要一个能找到您的号码"),
    ("单位", "它叫什么来着，我想想", "简称"),
    ("哪个", "就在那个叫新塘的地方", "称呼"),
])
async def test_unexpected_words_at_a_question_get_a_fitting_reply(platform, config, cue, answer,
                                                                  said):
    """The first two got the 12345 decline as policy questions; "叫新塘的地方" was "没找到"."""
    openid = f"fa-unexpected-{len(answer)}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    assert said in reply and "12345" not in reply


@pytest.mark.parametrize("cue,answer,slot,value", [
    ("称呼", "李四李四", "name", "李四"),
    ("希望怎么处理", "好的，补缴就行，谢谢", "desired_outcome", "补缴就行"),
])
async def test_a_value_is_stored_without_what_surrounds_it(platform, config, cue, answer, slot,
                                                          value):
    openid = f"fa-bare-{slot}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    assert (await slots_of(config, openid))[slot] == value


# --- round 3: cancel, go on, skip and confirm as payers say them ---------------------------

async def _cancel_asked(platform, openid: str, cue: str = "电话") -> None:
    await to_question(platform, openid, cue)
    assert "确定要取消" in await say(platform, openid, "取消")


async def _form_of(config, openid: str) -> str | None:
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    return state.form


@pytest.mark.parametrize("answer", ["确定取消", "确认取消", "是的取消", "对 取消吧", "取消吧", "嗯", "对",
                                    "确定", "是的", "不办了", "不要了", "算了", "对的，取消", "是，不办了"])
async def test_a_clear_yes_at_the_cancel_question_cancels(platform, config, answer):
    """"确定取消" (and every yes but the few exact words 是/确定/嗯/对…) was read as "no":
    "好的，继续登记"."""
    openid = f"fa-cancel-yes-{answer}"
    await _cancel_asked(platform, openid)
    reply = await say(platform, openid, answer)
    assert "已取消" in reply and "继续登记" not in reply
    assert await _form_of(config, openid) is None


@pytest.mark.parametrize("answer", ["否", "不取消", "继续", "接着登记", "还是投诉吧", "不是，我要继续",
                                    "不不不，点错了", "好的，继续吧", "先别取消，我看看"])
async def test_a_clear_no_at_the_cancel_question_goes_on(platform, config, answer):
    openid = f"fa-cancel-no-{answer}"
    await _cancel_asked(platform, openid)
    reply = await say(platform, openid, answer)
    assert "继续登记" in reply and "联系电话" in reply and "12345" not in reply
    assert "办理人员会联系您" in reply
    assert (await slots_of(config, openid))["name"] == "李四"


@pytest.mark.parametrize("answer", ["啥意思", "你好"])
async def test_an_unclear_reply_at_the_cancel_question_asks_it_again(platform, config, answer):
    """Anything but a clear yes or no was taken as "no"."""
    openid = f"fa-cancel-unclear-{answer}"
    await _cancel_asked(platform, openid)
    reply = await say(platform, openid, answer)
    assert "确定要取消" in reply and "继续登记" not in reply and "12345" not in reply
    assert "已取消" in await say(platform, openid, "是")


async def test_a_question_at_the_cancel_question_is_answered_and_it_is_asked_again(platform,
                                                                                  config):
    openid = "fa-cancel-question"
    await _cancel_asked(platform, openid)
    reply = await say(platform, openid, "滞纳金怎么算")
    assert "万分之五" in reply and "确定要取消" in reply
    assert await _form_of(config, openid) is not None
    assert "继续登记" in await say(platform, openid, "否")


@pytest.mark.parametrize("answer,said", [
    ("我就问问 医保断交了怎么补", "补缴"),
    ("先不投诉了，我就咨询一下", None),
])
async def test_only_asking_at_the_cancel_question_cancels_and_answers(platform, config, answer,
                                                                     said):
    """"我就问问 医保断交了怎么补" was read as "no" ("好的，继续登记")."""
    openid = f"fa-cancel-ask-{len(answer)}"
    await _cancel_asked(platform, openid)
    reply = await say(platform, openid, answer)
    assert "已取消" in reply and "继续登记" not in reply
    assert said is None or said in reply
    assert await _form_of(config, openid) is None


@pytest.mark.parametrize("answer,said", [
    ("先不投诉了，我就咨询一下", None),
    ("我就问问 医保断交了怎么补", "补缴"),
])
async def test_only_asking_mid_form_answers_and_asks_to_cancel(platform, config, answer, said):
    """"先不投诉了，我就咨询一下" at the name question was asked the name again."""
    openid = f"fa-ask-only-{len(answer)}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert "确定要取消" in reply and (said is None or said in reply)
    assert "已取消" in await say(platform, openid, "是")


async def test_only_asking_how_long_gets_the_time_limit_not_a_decline(platform, config):
    openid = "fa-ask-only-how-long"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "我就问问，这个要多久")
    assert "办理时限" in reply and "12345" not in reply and "确定要取消" in reply


@pytest.mark.parametrize("cue,answer,slot,value", [
    ("几个人", "算了，就我一个", "headcount", 1),
    ("哪个", "新塘镇，算了", "jurisdiction", "新塘镇"),
    ("希望怎么处理", "算了，补缴就行", "desired_outcome", "补缴就行"),
])
async def test_a_sigh_beside_an_answer_is_no_cancel(platform, config, cue, answer, slot, value):
    """"算了，就我一个" asked whether to cancel the filing; the answer was lost."""
    openid = f"fa-sigh-{slot}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    assert "确定要取消" not in reply
    assert (await slots_of(config, openid))[slot] == value


async def test_a_form_value_at_the_cancel_question_goes_on_and_is_taken(platform, config):
    """The phone number typed at the cancel question was dropped ("好的，继续登记")."""
    openid = "fa-cancel-value"
    await _cancel_asked(platform, openid)
    reply = await say(platform, openid, "13812345678")
    assert "几个人" in reply
    assert (await slots_of(config, openid))["phone"] == "13812345678"


@pytest.mark.parametrize("answer", ["还是投诉吧", "继续", "接着来", "那就登记吧", "投诉", "继续登记"])
async def test_going_on_mid_form_repeats_the_question(platform, config, answer):
    """"还是投诉吧" got the knowledge base's 12345 decline; "接着来" and "那就登记吧" were
    stored as the name."""
    openid = f"fa-go-on-{answer}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert reply.startswith("好的，我们接着登记：") and "称呼" in reply and "12345" not in reply
    assert (await slots_of(config, openid)).get("name") is None


@pytest.mark.parametrize("answer", ["没了", "没有了", "没啥了", "就这些", "无", "不用了", "没什么要补充的",
                                    "确认", "好的确认", "提交", "没有，确认", "就这些吧，提交"])
async def test_nothing_more_at_the_optional_question_shows_the_summary(platform, config, answer):
    """"没了" and "好的确认" repeated the optional question (the payer was stuck); "不用了"
    asked whether to cancel; "就这些吧，提交" was stored as the period. 确认 there shows the
    summary first: nothing is registered that the payer has not seen."""
    openid = f"fa-skip-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    assert "请核对登记内容" in reply and "时间段：" not in reply
    slots = await slots_of(config, openid)
    assert slots.get("period") is None and slots.get("amount") is None
    assert not await fetch(config.database_url, Case, openid=openid)


async def test_nothing_more_then_confirm_registers(platform, config):
    openid = "fa-skip-then-confirm"
    await to_question(platform, openid, "时间段或金额")
    await say(platform, openid, "没了")
    assert "已登记" in await say(platform, openid, "好的确认")


@pytest.mark.parametrize("message,slot,value,said", [
    ("2023年1月到现在", "period", "2023-01/..", "已改为时间段：2023年1月起"),
    ("5000元", "amount", 5000, "已改为金额：5000元"),
    ("13700001111", "phone", "13700001111", "已改为联系电话：137****1111"),
    ("5个人", "headcount", 5, "已改为涉及人数：5"),
    ("2021年5月到2022年1月，每月600元", "amount", 600, "时间段：2021年5月至2022年1月；金额：600元"),
])
async def test_a_value_typed_at_the_summary_changes_its_field(platform, config, message, slot,
                                                             value, said):
    """A period already given, then another typed at the summary, was ignored and the
    summary shown unchanged; a new phone or headcount got only the confirm hint."""
    openid = f"fa-summary-value-{slot}-{len(message)}"
    reply = await say(platform, openid, "公司一直没给我交社保")
    await finish_form(platform, openid, reply, {**ANSWERS, "时间段或金额": "2022年3月到8月，每月800元"})
    reply = await say(platform, openid, message)
    assert said in reply and "请核对登记内容" in reply
    assert (await slots_of(config, openid))[slot] == value


async def test_a_story_at_the_summary_is_no_new_period(platform, config):
    openid = "fa-summary-story"
    reply = await say(platform, openid, "公司一直没给我交社保")
    await finish_form(platform, openid, reply, {**ANSWERS, "时间段或金额": "2022年3月到8月"})
    reply = await say(platform, openid, "还有，公司2023年开始就没交了")
    assert "已改为" not in reply


DEADLINE = re.compile(r"办理时限：(\d{4}年\d{1,2}月\d{1,2}日（周.）\d{1,2}:\d{2})前")


@pytest.mark.parametrize("how", ["form", "callback"])
async def test_the_registered_reply_gives_the_deadline_with_its_time(platform, config, how):
    """"办理时限：2026-12-03前": the case's deadline has a time of day, as the notices say."""
    openid = f"fa-deadline-{how}"
    if how == "form":
        await to_summary(platform, openid)
        reply = await say(platform, openid, "确认")
    else:
        await to_question(platform, openid, "电话")
        await say(platform, openid, "转人工")
        reply = await say(platform, openid, "13812345678")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(reply).group())
    found = DEADLINE.search(reply)
    assert found and found.group(1) == local_deadline(case.deadline), reply


@pytest.mark.parametrize("answer,count,said", [
    ("我们车间有十几个人", 10, "约十几人"),
    ("二十多个", 20, "约二十多人"),
    ("几十号人", 30, "约几十人"),
    ("三四个人吧", 3, "约三四人"),
])
async def test_a_rough_headcount_is_shown_as_said(platform, config, answer, count, said):
    """"我们车间有十几个人" was stored and shown as 10; the liaison read an exact count."""
    openid = f"fa-rough-count-{len(answer)}-{count}"
    await to_question(platform, openid, "几个人")
    await say(platform, openid, answer)
    reply = await finish_form(platform, openid, await say(platform, openid, "要求补缴"), ANSWERS)
    assert f"涉及人数：{said}" in reply
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert case.headcount == count and said in case.description


async def test_an_exact_headcount_after_a_rough_one_replaces_it(platform, config):
    openid = "fa-rough-then-exact"
    await to_question(platform, openid, "几个人")
    await say(platform, openid, "十几个")
    reply = await finish_form(platform, openid, await say(platform, openid, "要求补缴"), ANSWERS)
    assert "约十几人" in reply
    reply = await say(platform, openid, "人数改成12个")
    assert "涉及人数：12" in reply and "约十几人" not in reply


# --- round 4: answers out of step with the question ---------------------------------------

@pytest.mark.parametrize("fix,employer", [
    ("不对 是宏达电子", "宏达电子"),
    ("等一下 应该是宏发电子", "宏发电子"),
    ("不是宏达厂，是宏发厂", "宏发厂"),
])
async def test_a_correction_of_the_last_answer_at_the_next_question_fixes_it(
        platform, config, fix, employer):
    """"不对 是宏达电子" at the place question, just after "宏达厂": it was "没找到“不对是宏达
    电子”" (a place refusal) and the employer stayed wrong."""
    openid = f"fa-prev-fix-{len(fix)}-{employer}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "宏达厂")
    reply = await say(platform, openid, fix)
    assert f"已改为涉及单位：{employer}" in reply and "没找到" not in reply
    assert "哪个区" in reply.splitlines()[-1]
    slots = await slots_of(config, openid)
    assert slots["employer"] == employer and slots["requested_slot"] == "jurisdiction"
    reply = await say(platform, openid, "不对，是新塘镇")  # a real answer to the place question
    slots = await slots_of(config, openid)
    assert slots["jurisdiction"] == "新塘镇" and slots["employer"] == employer


@pytest.mark.parametrize("cue,first,fix,slot,value", [
    ("称呼", "李四", "不对 是李雷", "name", "李雷"),
    ("称呼", "李四", "刚才说错了，是李雷", "name", "李雷"),
    ("几个人", "3", "不是3个，是7个", "headcount", 7),
    ("希望怎么处理", "要求补缴", "不对 是要求退钱", "desired_outcome", "要求退钱"),
])
async def test_any_answer_just_given_can_be_corrected_at_the_next_question(
        platform, config, cue, first, fix, slot, value):
    """"不对 是要求退钱" cleared the wish and asked it again (the value was dropped for
    holding the field word 要求); "不是3个，是7个" kept 3."""
    openid = f"fa-prev-any-{slot}-{len(fix)}"
    await to_question(platform, openid, cue)
    await say(platform, openid, first)
    asked = (await slots_of(config, openid))["requested_slot"]
    reply = await say(platform, openid, fix)
    assert "已改为" in reply
    slots = await slots_of(config, openid)
    assert slots[slot] == value and slots["requested_slot"] == asked


@pytest.mark.parametrize("cue,answer,slot,value", [
    ("称呼", "不对，是李四", "name", "李四"),
    ("几个人", "不是我一个人，有5个", "headcount", 5),
    ("哪个区", "不是在新塘，是石滩", "jurisdiction", "石滩镇"),
    ("称呼", "不是本地人", "name", None),
    ("单位", "不对 是第2个", "employer", None),
])
async def test_a_correction_word_before_an_answer_to_the_question_asked_is_that_answer(
        platform, config, cue, answer, slot, value):
    """"不对，是李四" at the name question was refused (不对 is no name); "不是我一个人，有5个"
    stored 1 and "不是在新塘，是石滩" 新塘镇 (the negated value). Not a name or an employer:
    "不是本地人", "不对 是第2个"."""
    openid = f"fa-fix-current-{slot}-{len(answer)}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get(slot) == value


@pytest.mark.parametrize("answer,hint,employer", [
    ("利民制衣长", "像是单位的名称", "广州宏达电子厂"),
    ("张三丰的徒弟", "不像是姓名", "广州宏达电子厂"),
])
async def test_a_company_or_a_sentence_is_no_name(platform, config, answer, hint, employer):
    """"利民制衣长" (长 for 厂) was stored as the payer's name."""
    openid = f"fa-name-org-{len(answer)}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert hint in reply and reply.rstrip().endswith("（姓名）")
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots["employer"] == employer
    await say(platform, openid, "王伍")
    assert (await slots_of(config, openid))["name"] == "王伍"


async def test_the_employer_kind_typed_wrong_is_mended(platform, config):
    openid = "fa-employer-typo"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "利民制衣长")
    assert (await slots_of(config, openid))["employer"] == "利民制衣厂"


@pytest.mark.parametrize("cue,number", [
    ("电话", "1三8一二3四5六7八"),
    ("电话", "1三8 一二3四 5六7八"),
    ("几个人", "1三8 一二3四 5六7八"),
])
async def test_a_phone_in_mixed_numerals_never_joins_the_description(platform, config, cue,
                                                                       number):
    """At the phone question "1三8一二3四5六7八" was taken as the phone and also added to the
    description ("1三8****5六7八"): the leftover check missed the number in mixed digits."""
    openid = f"fa-mixed-phone-{cue}-{len(number)}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, number)
    slots = await slots_of(config, openid)
    assert "补充到问题描述" not in reply
    assert slots["description"] == "公司一直没给我交社保"
    if cue == "电话":
        assert slots["phone"] == "13812345678"


@pytest.mark.parametrize("first,answer", [
    ("我想头诉公司", None),
    ("公司一直没给我交社保", "头诉单位"),
    ("公司一直没给我交社保", "举报这家公司"),
])
async def test_a_filing_verb_before_company_names_no_employer(platform, config, first, answer):
    """"我想头诉公司" (头诉 = 投诉) started the form with the employer "头诉公司"."""
    openid = f"fa-filing-verb-{len(answer or first)}"
    if answer is None:
        reply = await say(platform, openid, first)
        assert "头诉公司" not in reply
    else:
        await to_question(platform, openid, "单位")
        reply = await say(platform, openid, answer)
        assert "单位的名称" in reply
    assert (await slots_of(config, openid)).get("employer") is None


async def test_a_fuller_form_of_the_last_answer_replaces_it(platform, config):
    """"宏达电子厂" at the place question just after "宏达厂" was ignored without a word."""
    openid = "fa-restated-employer"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "宏达厂")
    reply = await say(platform, openid, "宏达电子厂")
    assert "已改为涉及单位：宏达电子厂" in reply and "哪个区" in reply
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂"


@pytest.mark.parametrize("fix", ["不对", "不是这个", "错了吧"])
async def test_a_bare_no_after_an_answer_asks_that_question_again(platform, config, fix):
    """"不对" at the place question got "没找到“不对”"; "不是这个" stored 这个 as the employer."""
    openid = f"fa-bare-fix-{len(fix)}-{fix[-1]}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "宏达厂")
    reply = await say(platform, openid, fix)
    assert "没找到" not in reply and "单位" in reply
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None and slots["requested_slot"] == "employer"
    await say(platform, openid, "宏发电子厂")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "宏发电子厂" and slots["requested_slot"] == "jurisdiction"


@pytest.mark.parametrize("cue,first,fix,slot,value", [
    ("称呼", "李四", "名字错了，李雷", "name", "李雷"),
    ("希望怎么处理", "要求补缴", "不是，我想要退钱", "desired_outcome", "我想要退钱"),
])
async def test_the_value_after_a_comma_behind_a_correction_is_taken(platform, config, cue,
                                                                     first, fix, slot, value):
    """The field was cleared and asked again: the new value after the comma was dropped."""
    openid = f"fa-fix-comma-{slot}"
    await to_question(platform, openid, cue)
    await say(platform, openid, first)
    reply = await say(platform, openid, fix)
    assert "已改为" in reply
    assert (await slots_of(config, openid))[slot] == value


async def test_a_road_beside_the_town_is_no_name(platform, config):
    """"新塘镇荔新路" at the name question stored the name "荔新路"."""
    openid = "fa-road-name"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "新塘镇荔新路")
    assert "像是地址" in reply and (await slots_of(config, openid)).get("name") is None


@pytest.mark.parametrize("answer,phone,headcount", [
    ("13812345678 就我一个", "13812345678", 1),
    ("138一二345678 李四", "13812345678", None),
])
async def test_two_values_in_one_answer_are_both_taken(platform, config, answer, phone,
                                                       headcount):
    """"13812345678 就我一个": the count was dropped and asked next; "138一二345678 李四":
    "里面有不是数字的字符"."""
    openid = f"fa-two-values-{len(answer)}"
    await to_question(platform, openid, "电话")
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots["phone"] == phone and slots.get("headcount") == headcount


async def test_more_people_without_a_number_asks_for_an_estimate(platform, config):
    """"不止我一个，还有好几个" got the 12345 decline."""
    openid = "fa-vague-more"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "不止我一个，还有好几个")
    assert "12345" not in reply and "大概" in reply and "几个人" in reply
    assert (await slots_of(config, openid)).get("headcount") is None


# --- round 5: a persona probe (Sichuan and colloquial payers) ----------------------------

async def to_category(platform, openid: str) -> str:
    await say(platform, openid, "反映问题")
    reply = await say(platform, openid, "我的社保有些问题想反映一下")
    assert "问题类型" in reply, reply
    return reply


@pytest.mark.parametrize("cue,answer,hint", [
    ("问题类型", "啥子意思哦", "回复那一类前面的数字"),
    ("问题类型", "咋弄", "回复那一类前面的数字"),
    ("问题类型", "不懂", "回复那一类前面的数字"),
    ("问题类型", "我不会选", "回复那一类前面的数字"),
    ("哪个", "什么意思", "镇或街道的名字"),
    ("单位", "不懂", "哪家单位"),
    ("单位", "这是问什么", "哪家单位"),
    ("称呼", "看不懂", "怎么称呼您"),
    ("电话", "不懂什么意思", "电话号码"),
    ("几个人", "啥意思", "一共几个人"),
    ("希望怎么处理", "什么意思啊", "希望单位或办理部门怎么做"),
    ("希望怎么处理", "这个咋填", "希望单位或办理部门怎么做"),
    ("单位", "咋个弄哦", "哪家单位"),
    ("单位", "单位是指哪个单位", "哪家单位"),
    ("哪个", "不明白你的意思", "镇或街道的名字"),
    ("哪个", "所在地是指什么", "镇或街道的名字"),
    ("几个人", "什么叫涉及人数", "一共几个人"),
    ("电话", "没听懂", "电话号码"),
    ("时间段或金额", "啥意思", "涉及多少钱"),
])
async def test_not_understanding_a_question_gets_it_explained(platform, config, cue, answer,
                                                              hint):
    """"啥子意思哦" / "咋弄" / "不懂" at a form question got the 12345 decline ("我只解答社会保险
    费缴纳方面的问题"), and at the employer question "不懂" was stored as the employer."""
    openid = f"fa-meaning-{cue}-{answer}"
    if cue == "问题类型":
        await to_category(platform, openid)
    else:
        await to_question(platform, openid, cue)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, answer)
    assert hint in reply and cue in reply and "只解答" not in reply
    slots = await slots_of(config, openid)
    assert slots == {**before, "requested_slot": before["requested_slot"]}


@pytest.mark.parametrize("answer", ["喊他给我补起撒", "给我补起", "给我补", "帮我搞回来",
                                    "让他把社保交起", "把钱还我", "给我把记录搞对", "把我的社保弄好"])
async def test_a_colloquial_wish_is_stored(platform, config, answer):
    """"喊他给我补起撒" at the wish question was not read as a wish: the question came again."""
    openid = f"fa-wish-{answer}"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, answer)
    assert "时间段或金额" in reply
    assert (await slots_of(config, openid))["desired_outcome"] == answer


@pytest.mark.parametrize("answer,employer,place", [
    ("新塘镇宏达电子", "新塘镇宏达电子", "新塘镇"),
    ("新塘镇宏达", "新塘镇宏达", "新塘镇"),
    ("仙村永发制衣", "仙村永发制衣", "仙村镇"),
    ("新塘镇宏达电子厂", "新塘镇宏达电子厂", "新塘镇"),
    ("增城区新塘镇宏达", "增城区新塘镇宏达", "新塘镇"),
    ("宏达电子，在新塘镇", "宏达电子", "新塘镇"),
])
async def test_a_place_glued_before_the_employer_gives_both(platform, config, answer,
                                                            employer, place):
    """"新塘镇宏达电子" at the employer question stored only the place and asked for the
    employer again: the name after the place has no kind (厂, 公司) the parser knows."""
    openid = f"fa-glued-{answer}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots["employer"] == employer and slots["jurisdiction"] == place
    assert "称呼" in reply


@pytest.mark.parametrize("answer", ["新塘镇荔新路", "在新塘镇", "新塘镇那边"])
async def test_a_place_alone_at_the_employer_question_is_no_employer(platform, config, answer):
    openid = f"fa-glued-not-{answer}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("employer") is None


@pytest.mark.parametrize("story,amount", [
    ("公司按最低基数给我交社保，我工资八千，基数才三千多", None),
    ("工资5000但是按2000交的", None),
    ("基数按3000算的，实际工资6000", None),
    ("每月工资三千五，公司只按两千交", None),
    ("我底薪4000，公司没给我交社保", None),
    ("每个月扣我300块社保但是没交", 300),
    ("公司欠我5000块社保钱", 5000),
])
async def test_a_salary_or_a_base_is_not_the_amount_in_dispute(platform, config, story, amount):
    """"我工资八千，基数才三千多" showed "金额：8000元" in the summary."""
    openid = f"fa-salary-{len(story)}-{story[0]}"
    summary = await to_summary(platform, openid, story)
    assert ("金额" in summary) == (amount is not None)
    assert (await slots_of(config, openid)).get("amount") == amount


@pytest.mark.parametrize("second", ["我叫陈大明电话是一三八一二三四五六七八公司叫宏达电子厂在新塘镇",
                                    "反映问题"])
async def test_a_story_answered_as_a_question_becomes_the_description(platform, config, second):
    """The story was answered as a policy question; the next message started the form and
    asked "请用几句话说说您遇到的问题" again."""
    openid = f"fa-story-{len(second)}"
    story = "我在厂里干了五年，公司一直没给我买社保，现在离职了，这种情况怎么办"
    answered = await say(platform, openid, story)
    assert "反映问题" in answered
    reply = await say(platform, openid, second)
    assert "已把您刚才说的情况记为问题描述" in reply and "请用几句话" not in reply
    slots = await slots_of(config, openid)
    assert slots["description"] == story
    if second != "反映问题":
        assert slots["name"] == "陈大明" and slots["phone"] == "13812345678"
        assert slots["employer"] == "宏达电子厂" and slots["jurisdiction"] == "新塘镇"
    again = await say(platform, openid, "反映问题")
    assert "已把您刚才说的情况" not in again  # used once
