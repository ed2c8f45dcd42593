"""Payers who do not follow the form: corrections, noise, wrong answers, interruptions.

Each test is a bug found by driving randomised conversations through the real gateway.
"""
from __future__ import annotations

import pytest

from bot.store.models import Case, DialogueState
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say


async def slots_of(config, openid: str) -> dict:
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    return dict(state.slots or {})


async def to_summary(platform, openid: str, first: str = "公司一直没给我交社保",
                     answers: dict | None = None) -> str:
    reply = await say(platform, openid, first)
    return await finish_form(platform, openid, reply, {**ANSWERS, **(answers or {})})


async def ask_until(platform, openid: str, reply: str, cue: str) -> str:
    """Answer the form's questions until it asks the one containing ``cue``."""
    for _ in range(10):
        if cue in reply:
            return reply
        reply = await say(platform, openid, next(a for c, a in ANSWERS.items() if c in reply))
    raise AssertionError(f"never asked {cue}: {reply}")


async def to_question(platform, openid: str, cue: str) -> str:
    """A plain complaint, then the form's questions answered until the one with ``cue``."""
    reply = await say(platform, openid, "公司一直没给我交社保")
    return await ask_until(platform, openid, reply, cue)

# --- corrections -------------------------------------------------------------------------

async def test_naming_a_wrong_optional_field_stores_nothing_in_it(platform, config):
    openid = "r-amount-wrong"
    await to_summary(platform, openid)
    again = await say(platform, openid, "金额写错了")
    assert "时间段或金额" in again
    slots = await slots_of(config, openid)
    assert slots.get("period") is None and slots.get("extras") is None


async def test_naming_a_wrong_field_does_not_store_the_complaint_as_its_value(platform, config):
    openid = "r-name-wrong"
    await to_summary(platform, openid)
    again = await say(platform, openid, "姓名错了")
    assert "称呼" in again
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots["phone"] == "13912345678"


@pytest.mark.parametrize("answers,message,slot,stored,shown", [
    ({}, "不是新塘是荔城", "jurisdiction", "荔城街道", ("请核对登记内容", "荔城街道")),
    ({}, "名字不对，是李雷", "name", "李雷", ("请核对登记内容", "李雷")),
    ({"时间段或金额": "每月800元"}, "金额写错了应该是900", "amount", 900, ("900",)),
])
async def test_correction_with_the_new_value_takes_it(platform, config, answers, message, slot,
                                                      stored, shown):
    """"不是新塘是荔城": the old value after 不是; "名字不对，是李雷": the value after 是;
    "应该是900": a bare number for the amount."""
    openid = f"r-correct-{slot}"
    await to_summary(platform, openid, answers=answers)
    reply = await say(platform, openid, message)
    assert all(part in reply for part in shown), reply
    assert (await slots_of(config, openid))[slot] == stored


async def test_correcting_another_field_while_asked_something_else(platform, config):
    openid = "r-phone-while-outcome"
    reply = await say(platform, openid, "公司一直没给我交社保")
    reply = await ask_until(platform, openid, reply, "希望怎么处理")
    reply = await say(platform, openid, "电话写错了，是13900001111")
    assert "希望怎么处理" in reply
    slots = await slots_of(config, openid)
    assert slots["phone"] == "13900001111" and slots.get("desired_outcome") is None
    assert slots["name"] == "李四" and slots["employer"] == "广州宏达电子厂"


async def test_wish_correction_asks_the_wish_again(platform, config):
    openid = "r-outcome"
    await to_summary(platform, openid)
    again = await say(platform, openid, "诉求改一下")
    assert "希望怎么处理" in again
    reply = await say(platform, openid, "退钱")
    assert "请核对登记内容" in reply and "退钱" in reply


async def test_i_want_to_change_something_lists_the_fields(platform):
    openid = "r-modify"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "我要修改")
    assert "要修改哪一项" in reply
    assert "电话" in await say(platform, openid, "联系电话")


async def test_a_new_description_mid_form_is_not_a_correction(platform, config):
    """The act classifier takes some complaints for corrections ("…跟工资不符"): the filled
    employer must not be dropped for it."""
    openid = "r-story"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "公司社保基数报低了，跟工资不符")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "广州宏达电子厂" and slots["name"] == "李四"


async def test_name_called_differently(platform, config):
    openid = "r-not-called"
    await to_summary(platform, openid, answers={"称呼": "张三"})
    reply = await say(platform, openid, "我叫王五不叫张三")
    assert "王五" in reply
    assert (await slots_of(config, openid))["name"] == "王五"


# --- noise and wrong answers --------------------------------------------------------------

async def test_emoji_faces_and_laughter_are_no_name(platform, config):
    openid = "r-noise-name"
    reply = await say(platform, openid, "公司一直没给我交社保")
    reply = await ask_until(platform, openid, reply, "称呼")
    for noise in ("[捂脸]", "😂😂", "哈哈哈", "。。。", "喂喂喂", "emmm"):
        reply = await say(platform, openid, noise)
        assert "称呼" in reply, noise
    assert (await slots_of(config, openid)).get("name") is None


async def test_ok_is_no_headcount_and_no_employer(platform, config):
    openid = "r-ok"
    reply = await say(platform, openid, "公司一直没给我交社保")
    assert "单位" in reply
    assert "单位" in await say(platform, openid, "ok")
    assert (await slots_of(config, openid)).get("employer") is None
    reply = await ask_until(platform, openid, reply, "几个人")
    assert "几个人" in await say(platform, openid, "好的")
    assert (await slots_of(config, openid)).get("headcount") is None


async def test_progress_question_mid_form_is_answered_and_not_stored(platform, config):
    openid = "r-progress"
    reply = await say(platform, openid, "公司一直没给我交社保")
    assert "单位" in reply
    reply = await say(platform, openid, "查进度")
    assert "接着登记" in reply and "单位" in reply
    assert (await slots_of(config, openid)).get("employer") is None


async def test_a_wish_that_sounds_like_a_policy_topic_is_taken_as_the_wish(platform, config):
    openid = "r-wish"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "要求补交社保")
    assert "希望怎么处理" not in reply
    assert (await slots_of(config, openid))["desired_outcome"] == "要求补交社保"


async def test_digits_only_are_no_description(platform, config):
    openid = "r-digits"
    await say(platform, openid, "反映问题")
    await say(platform, openid, "1234")
    assert (await slots_of(config, openid)).get("description") is None


async def test_employer_sentences_and_wrong_answers(platform, config):
    openid = "r-employer"
    reply = await say(platform, openid, "公司一直没给我交社保")
    assert "单位" in reply
    for wrong in ("基数不对", "I want to complain my company", "我们公司说试用期不用交社保，我觉得不对"):
        await say(platform, openid, wrong)
        assert (await slots_of(config, openid)).get("employer") is None, wrong
    await say(platform, openid, "荔城好又多超市")
    assert (await slots_of(config, openid))["employer"] == "荔城好又多超市"


async def test_paying_by_oneself_means_no_employer(platform, config):
    openid = "r-self"
    reply = await say(platform, openid, "公司一直没给我交社保")
    assert "单位" in reply
    reply = await say(platform, openid, "我自己交的")
    assert "单位的名称" not in reply
    assert (await slots_of(config, openid))["employer"] == "无"


@pytest.mark.parametrize("cue,answer,slot,stored", [
    ("电话", "幺三八一二三四五六七八", "phone", "13812345678"),  # voice recognition
    ("称呼", "叫我刘芳就行", "name", "刘芳"),
])
async def test_answer_is_cleaned_before_it_is_stored(platform, config, cue, answer, slot, stored):
    openid = f"r-clean-{slot}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    assert (await slots_of(config, openid))[slot] == stored


async def test_continue_after_a_kept_cancel_is_no_wish(platform, config):
    openid = "r-continue"
    await to_question(platform, openid, "希望怎么处理")
    assert "确定要取消" in await say(platform, openid, "不弄了")
    assert "继续登记" in await say(platform, openid, "继续")
    assert "希望怎么处理" in await say(platform, openid, "继续")
    assert (await slots_of(config, openid)).get("desired_outcome") is None


# --- restart and the duplicate question ---------------------------------------------------

async def test_start_over_mid_form(platform, config):
    openid = "r-restart"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "重新开始")
    assert "重新开始" in reply and "说说" in reply
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("description") is None


async def test_unclear_answer_to_the_duplicate_question_repeats_it(platform, config):
    openid = "r-duplicate"
    await to_summary(platform, openid)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    # asked at once since round 22; declined, the form goes on to a new case
    assert case_no in await say(platform, openid, "公司还是没给我交社保，已经八个月了")
    again = await say(platform, openid, "啥意思")
    assert case_no in again and "同一件事" in again
    reply = await say(platform, openid, "不是同一件，另外登记")
    await finish_form(platform, openid, reply, ANSWERS)
    done = await say(platform, openid, "确认")
    assert CASE_NO.search(done) and case_no not in done


# --- answers to a different question than the one asked -----------------------------------

async def to_category_question(platform, openid: str) -> str:
    await say(platform, openid, "反映问题")
    reply = await say(platform, openid, "我的社保有些问题想反映一下")
    assert "问题类型" in reply, reply
    return reply


@pytest.mark.parametrize("person", ["张伟", "欧阳娜娜", "王老板", "李总", "老板叫张伟", "王老版"])
async def test_a_persons_name_is_no_employer(platform, config, person):
    """A boss or a bare personal name does not let the agency find the company: the company
    name is asked again politely, and a real one is then taken."""
    openid = f"r-person-{person}"
    assert "单位" in await say(platform, openid, "公司一直没给我交社保")
    reply = await say(platform, openid, person)
    assert "名称" in reply and "单位" in reply and "哪个区" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None
    await say(platform, openid, "伟业建材店")
    assert (await slots_of(config, openid))["employer"] == "伟业建材店"


@pytest.mark.parametrize("answer,stored", [
    ("张记餐馆", "张记餐馆"), ("伟业建材店", "伟业建材店"), ("个体户", "无"), ("无", "无"),
    ("不清楚", "无"),
])
async def test_real_employer_answers_are_still_taken(platform, config, answer, stored):
    openid = f"r-employer-ok-{answer}"
    await say(platform, openid, "公司一直没给我交社保")
    assert "哪个区" in await say(platform, openid, answer)
    assert (await slots_of(config, openid))["employer"] == stored


async def test_a_bare_name_sent_twice_is_taken_as_the_trade_name(platform, config):
    """Trade names can look like personal names (金龙): the payer who repeats one is heard."""
    openid = "r-trade-name"
    await say(platform, openid, "公司一直没给我交社保")
    assert "再发一次" in await say(platform, openid, "金龙")
    assert "哪个区" in await say(platform, openid, "金龙")
    assert (await slots_of(config, openid))["employer"] == "金龙"


async def test_a_second_grievance_at_the_category_question_reaches_the_case(platform, config):
    openid = "r-second-grievance"
    await to_category_question(platform, openid)
    reply = await say(platform, openid, "还有一个事，公司也没给我交医保")
    assert "补充到问题描述" in reply
    slots = await slots_of(config, openid)
    assert slots["category"] == "employer_arrears"
    assert "想反映一下" in slots["description"] and "也没给我交医保" in slots["description"]
    await finish_form(platform, openid, reply, ANSWERS)
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert "也没给我交医保" in case.description


@pytest.mark.parametrize("message,category,kept,dropped", [
    ("2，另外从去年开始基数就报低了", "contribution_base", "另外从去年开始基数就报低了", "2，"),
    ("还有医保也没交", "employer_arrears", "还有医保也没交", None),
])
async def test_details_at_the_category_question_keep_the_category_they_give(
        platform, config, message, category, kept, dropped):
    """The number in front is the category; 医保也没交 is arrears (as in the test above)."""
    openid = f"r-details-{category}"
    await to_category_question(platform, openid)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("category") == category
    assert slots["description"].endswith(kept)
    assert dropped is None or dropped not in slots["description"]
    assert ("问题类型" in reply) == (category is None) and "列表里的数字" not in reply


@pytest.mark.parametrize("message", ["就我一个", "就俺一个", "只有我自己", "我一个人"])
async def test_only_me_at_the_category_question_is_the_headcount(platform, config, message):
    openid = f"r-only-me-{message}"
    await to_category_question(platform, openid)
    reply = await say(platform, openid, message)
    assert "问题类型" in reply and "涉及人数：1" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("category") is None and slots["headcount"] == 1
    without_headcount = {cue: a for cue, a in ANSWERS.items() if cue != "几个人"}
    await finish_form(platform, openid, await say(platform, openid, "1"), without_headcount)


async def test_only_me_at_another_question_is_no_answer_to_it(platform, config):
    openid = "r-only-me-name"
    await to_question(platform, openid, "称呼")
    assert "称呼" in await say(platform, openid, "就我一个")
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots["headcount"] == 1


@pytest.mark.parametrize("message", ["我没有电话", "没有手机", "手机丢了", "没有"])
async def test_no_phone_is_told_why_a_number_is_needed(platform, config, message):
    openid = f"r-no-phone-{message}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, message)
    assert "家人" in reply and "座机" in reply and "不是数字" not in reply, reply
    assert (await slots_of(config, openid)).get("phone") is None
    await say(platform, openid, "020-87654321")
    assert (await slots_of(config, openid))["phone"] == "020-87654321"


async def test_a_wish_at_the_place_question_is_kept_and_the_places_listed(platform, config):
    openid = "r-wish-at-place"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "要求补交")
    assert "没找到" not in reply and "1. 荔城街道" in reply and "新塘镇" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") is None and slots["desired_outcome"] == "要求补交"
    reply = await say(platform, openid, "希望把滞纳金也免了")
    assert "新塘镇" in reply
    assert (await slots_of(config, openid))["desired_outcome"] == "要求补交；希望把滞纳金也免了"
    await say(platform, openid, "7")
    assert (await slots_of(config, openid))["jurisdiction"] == "新塘镇"


@pytest.mark.parametrize("message", ["不知道", "社保一直没交"])
async def test_no_place_at_the_place_question_lists_the_places(platform, config, message):
    openid = f"r-no-place-{message}"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, message)
    assert "没找到" not in reply and "1. 荔城街道" in reply, reply
    assert (await slots_of(config, openid)).get("jurisdiction") is None


# --- chatter and questions typed into an open form ---------------------------------------

@pytest.mark.parametrize("message", ["厂子裁员把我裁了，失业金能领几个月，我交了7年", "我交了3个月",
                                     "欠了我5000块", "我今年45岁", "几个人算多少钱"])
async def test_a_duration_amount_or_question_is_no_headcount(platform, config, message):
    """"…我交了7年" at the headcount question stored 7 people: any number in the reply was
    taken. Only a people count (7个人, 七名工人, 就我一个) is a headcount."""
    openid = f"r-no-count-{message}"
    await to_question(platform, openid, "几个人")
    assert "几个人" in await say(platform, openid, message)
    assert (await slots_of(config, openid)).get("headcount") is None
    await say(platform, openid, "七名工人")
    assert (await slots_of(config, openid))["headcount"] == 7


@pytest.mark.parametrize("cue,slot", [("单位", "employer"), ("哪个区", "jurisdiction"),
                                      ("称呼", "name"), ("电话", "phone"), ("几个人", "headcount"),
                                      ("希望怎么处理", "desired_outcome"),
                                      ("时间段或金额", "extras")])
@pytest.mark.parametrize("greeting", ["早上好，麻烦了", "你好，谢谢", "hello啊"])
async def test_a_greeting_fills_no_slot_and_the_question_is_asked_again(platform, config, cue,
                                                                       slot, greeting):
    """"早上好，麻烦了" at the headcount question stored 1 person (any wordy reply did)."""
    openid = f"r-greet-{slot}-{greeting}"
    await to_question(platform, openid, cue)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, greeting)
    assert cue in reply and "没找到" not in reply and "号码好像不对" not in reply, reply
    after = await slots_of(config, openid)
    assert after.get(slot) is None and after["requested_slot"] == before["requested_slot"]
    assert after.get("period") is None and after.get("amount") is None


@pytest.mark.parametrize("message", ["宽带坏了咋报修", "明天下雨不 请问一下",
                                     "退了休在超市打工，老板要给我交社保不", "宽带坏了"])
async def test_an_off_topic_question_at_the_wish_question_is_no_wish(platform, config, message):
    """Questions about something else were stored as the payer's wish."""
    openid = f"r-wish-question-{message}"
    await to_question(platform, openid, "希望怎么处理")
    assert "希望怎么处理" in await say(platform, openid, message)
    assert (await slots_of(config, openid)).get("desired_outcome") is None
    await say(platform, openid, "能不能帮我把钱要回来")
    assert (await slots_of(config, openid))["desired_outcome"] == "能不能帮我把钱要回来"


@pytest.mark.parametrize("message", ["宽带坏了咋报修", "失业金能领几个月啊"])
async def test_a_question_at_the_extras_question_is_no_period(platform, config, message):
    openid = f"r-extras-question-{message}"
    await to_question(platform, openid, "时间段或金额")
    assert "时间段或金额" in await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("extras") is None and slots.get("period") is None
