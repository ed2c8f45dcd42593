"""Misreadings found by persona probing, blind round 11 (a payer called 陈姨 who gives her full
name too, a company clerk who gives only a surname, a mistyped ID number, a payer who stops
for today or says 算了 and then goes on, one who asks whether a question must be answered, one
who goes to ask their wife, one with two employers, voice input run on): each test pins a
class of misreading, driven through the real encrypted gateway."""
from __future__ import annotations

import pytest

from bot.store.models import Case
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

# --- the full name wins over how the payer is called -------------------------------------

@pytest.mark.parametrize("answer", ["大家都叫我陈姨，全名陈秀英", "我是老陈，陈秀英",
                                    "叫我陈姨就行，我叫陈秀英", "叫我小陈吧，身份证上是陈秀英"])
async def test_a_full_name_beside_a_kin_term_is_the_name(platform, config, answer):
    """"叫我陈姨就行，我叫陈秀英" stored the name 陈姨: the agency cannot find a payer by it."""
    openid = f"f11-kin-{len(answer)}-{answer[1]}"
    await to_question(platform, openid, "称呼")
    assert "电话" in await say(platform, openid, answer)
    assert (await slots_of(config, openid))["name"] == "陈秀英"


async def test_a_kin_term_alone_is_still_taken(platform, config):
    openid = "f11-kin-alone"
    await to_question(platform, openid, "称呼")
    assert "电话" in await say(platform, openid, "叫我陈姨就行")
    assert (await slots_of(config, openid))["name"] == "陈姨"


# --- a surname alone is no full name ----------------------------------------------------------

async def test_a_surname_alone_asks_for_the_full_name_politely(platform, config):
    """"我是公司的会计，姓刘" stored the name 刘 and moved on."""
    openid = "f11-surname"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我是公司的会计，姓刘")
    assert "全名" in reply and "刘会计" in reply and "电话" not in reply, reply
    assert (await slots_of(config, openid)).get("name") is None
    assert "电话" in await say(platform, openid, "刘小红")
    assert (await slots_of(config, openid))["name"] == "刘小红"


async def test_a_surname_said_again_is_taken(platform, config):
    openid = "f11-surname-again"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, "姓刘")
    assert "电话" in await say(platform, openid, "刘")
    assert (await slots_of(config, openid))["name"] == "刘"


async def test_a_surname_at_another_question_is_kept_for_the_name_question(platform, config):
    """At the employer question "我是公司的会计，姓刘" was noted as 姓名：刘."""
    openid = "f11-surname-early"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "我是公司的会计，姓刘")
    assert "姓名：刘" not in reply, reply
    for answer in ("宏达电子厂", "新塘镇"):
        reply = await say(platform, openid, answer)
    assert "您姓刘" in reply and "全名" in reply, reply


# --- an ID number with a wrong digit ------------------------------------------------------------

WRONG_ID = "440101198001011234"  # check digit should be X


async def test_a_wrong_id_beside_the_name_keeps_the_name_and_asks_again(platform, config):
    """"李四 身份证4401…1234" got "“李四身份证440101198001011”不像是姓名": name lost, and no
    word that the number itself is wrong."""
    openid = "f11-id-name"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, f"李四 身份证{WRONG_ID}")
    assert "好像不对" in reply and "再发一次" in reply and "电话" in reply, reply
    assert WRONG_ID not in reply
    slots = await slots_of(config, openid)
    assert slots["name"] == "李四" and slots.get("id_number") is None, slots


async def test_a_wrong_id_at_the_optional_question_is_no_period(platform, config):
    """At 时间段或金额 the wrong number was stored as the period and the summary shown."""
    openid = "f11-id-extras"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, f"身份证号{WRONG_ID}")
    assert "好像不对" in reply and "时间段或金额" in reply and "请核对登记内容" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("period") is None and slots.get("extras") is None, slots


async def test_a_wrong_id_in_the_first_message_is_said_and_the_rest_kept(platform, config):
    openid = "f11-id-first"
    reply = await say(platform, openid, f"我叫李四，身份证{WRONG_ID}，宏达电子厂没给我交社保")
    assert "好像不对" in reply, reply
    slots = await slots_of(config, openid)
    assert slots["name"] == "李四" and slots["employer"] == "宏达电子厂", slots


# --- stopping for now is no cancel ---------------------------------------------------------------

@pytest.mark.parametrize("words", ["我先不弄了，明天再继续", "先这样吧，回头再说", "我晚点再弄"])
async def test_stopping_for_now_keeps_the_draft(platform, config, words):
    """"我先不弄了，明天再继续" got "确定要取消…已填的内容会被删除"; "我晚点再弄" got "没找到
    “我晚点再弄”" (read as a place)."""
    openid = f"f11-pause-{len(words)}"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, words)
    assert "保留" in reply and "继续" in reply and "删除" not in reply and "没找到" not in reply
    assert (await slots_of(config, openid))["employer"] == "广州宏达电子厂"
    back = await say(platform, openid, "我回来了，继续吧")
    assert "哪个区" in back and "取消" not in back, back


async def test_a_story_with_later_in_it_is_no_pause(platform, config):
    openid = "f11-pause-story"
    await say(platform, openid, "我要投诉")
    reply = await say(platform, openid, "公司说改天再补社保")
    assert "保留" not in reply, reply
    assert (await slots_of(config, openid))["description"] == "公司说改天再补社保"


async def test_confirming_tomorrow_at_the_summary_submits_nothing(platform, config):
    """"我明天再确认" at the summary registered the case at once (read as 确认)."""
    openid = "f11-pause-summary"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "我明天再确认")
    assert "保留" in reply and not CASE_NO.search(reply), reply
    assert not await fetch(config.database_url, Case, openid=openid)


async def test_not_now_with_a_reason_keeps_the_draft(platform, config):
    """"先不填了，等我下班" at the name question got "请告诉我您的姓名"."""
    openid = "f11-pause-after-work"
    await to_question(platform, openid, "称呼")
    assert "保留" in await say(platform, openid, "先不填了，等我下班")
    assert (await slots_of(config, openid)).get("name") is None


async def test_not_now_at_the_optional_question_skips_it(platform, config):
    openid = "f11-pause-extras"
    await to_question(platform, openid, "时间段或金额")
    assert "请核对登记内容" in await say(platform, openid, "先不填了")


async def test_stopping_for_now_at_the_cancel_question_keeps_the_draft(platform, config):
    openid = "f11-pause-cancel"
    await to_question(platform, openid, "哪个区")
    await say(platform, openid, "算了不弄了")
    assert "保留" in await say(platform, openid, "明天再继续吧")
    assert (await slots_of(config, openid))["employer"] == "广州宏达电子厂"


@pytest.mark.parametrize("words", ["还是弄吧", "算了算了，还是办吧", "那还是填吧"])
async def test_going_on_after_saying_never_mind(platform, config, words):
    """"算了不弄了" then "还是弄吧" got the cancel question again."""
    openid = f"f11-go-on-{len(words)}"
    await to_question(platform, openid, "哪个区")
    await say(platform, openid, "算了不弄了")
    reply = await say(platform, openid, words)
    assert "哪个区" in reply and "确定要取消" not in reply, reply
    assert (await slots_of(config, openid))["employer"] == "广州宏达电子厂"


async def test_going_on_just_after_a_cancel_starts_a_new_filing(platform, config):
    """"算了不弄了", "嗯" (cancelled), then "还是弄吧" got "抱歉，我没太明白" and the menu."""
    openid = "f11-refile"
    await to_question(platform, openid, "哪个区")
    await say(platform, openid, "算了不弄了")
    assert "已删除" in await say(platform, openid, "嗯")
    reply = await say(platform, openid, "还是弄吧")
    assert "我来帮您登记" in reply and "没太明白" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None  # deleted, as promised
    await say(platform, openid, "公司一直没给我交社保")
    assert (await slots_of(config, openid))["description"] == "公司一直没给我交社保"


# --- "这个必须填吗" ---------------------------------------------------------------------------

@pytest.mark.parametrize("cue,words,needed", [
    ("几个人", "这个必须填吗", "需要填"), ("称呼", "这个必须填吗", "称呼也可以"),
    ("时间段或金额", "这个必须填吗", "可以不填"), ("单位", "单位名称一定要写全吗", "简称"),
    ("几个人", "可以不填吗", "需要填"), ("称呼", "必须实名吗", "称呼也可以"),
])
async def test_whether_a_question_must_be_answered_is_answered(platform, config, cue, words,
                                                               needed):
    """"这个必须填吗" got "我只解答社会保险费缴纳方面的问题。建议拨打12345"."""
    openid = f"f11-required-{cue}-{len(words)}"
    await to_question(platform, openid, cue)
    before = await slots_of(config, openid)
    reply = await say(platform, openid, words)
    assert needed in reply and cue in reply and "12345" not in reply, reply
    assert await slots_of(config, openid) == before


async def test_asking_what_can_be_wished_for_explains_the_question(platform, config):
    """"一般都怎么处理啊" at the wish question got "我只解答…建议拨打12345"."""
    openid = "f11-wish-options"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "一般都怎么处理啊")
    assert "要求单位补缴" in reply and "12345" not in reply, reply
    assert (await slots_of(config, openid)).get("desired_outcome") is None


# --- a changed phone number is a correction ------------------------------------------------

async def test_a_new_phone_number_replaces_the_old_one(platform, config):
    """"对了，电话号码换了一个，新的是137…" at the optional question was stored as the
    period; the old phone stayed."""
    openid = "f11-phone-changed"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "对了，电话号码换了一个，新的是13700001111")
    assert "137****1111" in reply and "时间段或金额" in reply, reply
    slots = await slots_of(config, openid)
    assert slots["phone"] == "13700001111" and slots.get("period") is None, slots


# --- recalling aloud is no question ----------------------------------------------------------

async def test_recalling_a_name_aloud_is_no_question_for_the_liaison(platform, config):
    """"俺们厂叫啥子来着，对了叫永发制衣厂": "您问的“俺们厂叫啥子来着”已记在登记内容里"."""
    openid = "f11-recall"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "俺们厂叫啥子来着，对了叫永发制衣厂")
    assert "您问的" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots["employer"] == "永发制衣厂" and "来着" not in slots["description"], slots


# --- going to ask someone ------------------------------------------------------------------

async def test_going_to_ask_for_the_employer_stores_nothing(platform, config):
    """"等一下我问问我老婆公司叫啥" stored the employer 老婆公司 and echoed it as a question."""
    openid = "f11-look-up"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "等一下我问问我老婆公司叫啥")
    assert "不着急" in reply and "您问的" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None
    await say(platform, openid, "问到了，叫宏达电子厂")
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂"


# --- two employers ---------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["宏达电子厂和永发制衣厂",
                                    "先在宏达电子厂干了两年，后来去了永发制衣厂，两个都没交"])
async def test_two_employers_are_both_kept(platform, config, answer):
    """Only the first was stored; 永发制衣厂 was lost."""
    openid = f"f11-two-employers-{len(answer)}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, answer)
    assert (await slots_of(config, openid))["employer"] == "宏达电子厂、永发制衣厂"


# --- voice input run on ------------------------------------------------------------------------

async def test_a_spoken_particle_is_no_part_of_the_employer(platform, config):
    """"…我们那个厂啊宏达电子厂在新塘镇…" stored the employer 厂啊宏达电子厂."""
    openid = "f11-voice"
    await say(platform, openid, "喂你好我想问一下就是我们那个厂啊宏达电子厂在新塘镇那边的老板一直没给"
                                "我们交社保我干了三年了一分都没交我叫王大明电话一三八一二三四五六七八")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "宏达电子厂" and slots["phone"] == "13812345678", slots
    assert slots["name"] == "王大明"


async def test_a_wish_run_on_into_other_facts_ends_before_them(platform, config):
    """The wish was stored as "要求补缴公司叫永发制衣厂在荔城街道"."""
    openid = "f11-wish-run-on"
    await say(platform, openid, "我们公司从前年开始就没交社保了一共二十多个人老板说没钱我们要求补缴"
                                "公司叫永发制衣厂在荔城街道")
    slots = await slots_of(config, openid)
    assert slots["desired_outcome"] == "要求补缴" and slots["jurisdiction"] == "荔城街道", slots
