"""Faults the lead engineer met filing as a payer at stop 23 (items 1, 2, 5-9 of the notes): a
brand said with a self-correction at the unit question was not taken; a refusal to give the phone
at the name question was answered about the name; answers in the 报送单's order (a place at the
description question, a period at the category menu) went to the wrong field and the place menu
was repeated in full; 扣了工资里的社保钱 was declined as a wage matter; an opening that announces a
matter was declined; a count and a wish at the full-name question were refused or answered from
the KB; a self-employed payer was asked the count, a wish at the count question was refused and
"啥时候能退" mid-form was declined."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import ask_until, slots_of, to_question

MENU_LAST = "13. 仙村镇"


def oid(prefix: str, message: str) -> str:
    return f"lead23-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. a brand at the unit question, with a self-correction --------------------------------

@pytest.mark.parametrize("story,message,brand,wrong", [
    ("我在一家快递公司上班 公司没给我买社保", "顺丰那个 不对 是韵达", "韵达", "顺丰"),
    ("做快递的 老板一直没给买社保", "中通吧 哦不对 是圆通", "圆通", "中通"),
    ("我是快递员 公司没交社保", "京东", "京东", None),
    ("做快递的 老板一直没给买社保", "申通 不是 是极兔", "极兔", "申通"),
    ("我在一家快递公司上班 公司没给我买社保", "韵达的", "韵达", None),
    ("我跑外卖的 老板没给我买社保", "美团", "美团", None),
])
async def test_a_brand_at_the_unit_question_is_the_unit(platform, config, story, message, brand,
                                                         wrong):
    openid = oid("brand", story + message)
    reply = await say(platform, openid, story)
    await ask_until(platform, openid, reply, "全称")
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    employer = str(slots.get("employer"))
    assert employer.startswith(brand), (slots, reply)
    assert wrong is None or wrong not in employer, slots
    assert "全称" not in reply and "例如“广州宏达电子厂”" not in reply, reply


# --- 2. no phone, said at the name question -------------------------------------------------

@pytest.mark.parametrize("message", [
    "不想留电话", "电话就不留了吧", "手机号可以不给吗", "我不想给电话号码 怕被骚扰", "能不留手机号吗",
])
async def test_refusing_the_phone_at_the_name_question_is_answered_about_the_phone(
        platform, config, message):
    openid = oid("nophone", message)
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, message)
    assert "问您的称呼，是因为" not in reply, reply
    assert "电话" in reply and "称呼" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("phone") is None, slots


# --- 5. answers in the 报送单's order ----------------------------------------------------------

@pytest.mark.parametrize("message,place", [
    ("宝安区西乡街道", "西乡街道"),
    ("在新塘镇那边", "新塘镇"),
    ("增城石滩镇的", "石滩镇"),
    ("东莞长安镇", "长安镇"),
])
async def test_a_place_at_the_description_question_is_the_place(platform, config, message, place):
    openid = oid("place-desc", message)
    await say(platform, openid, "反映问题")
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert place in str(slots.get("jurisdiction")), (slots, reply)
    assert message not in str(slots.get("description")), slots
    assert "哪个区" not in reply, reply


@pytest.mark.parametrize("message", ["2024年1月到2024年12月", "从去年3月到现在", "2023年6月至今",
                                     "22年到24年"])
async def test_a_period_at_the_category_menu_is_the_period(platform, config, message):
    openid = oid("period-menu", message)
    await say(platform, openid, "反映问题")
    reply = await say(platform, openid, "社保的事 公司那边有点问题")
    assert "问题类型" in reply, reply
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("period"), (slots, reply)
    assert message not in str(slots.get("description")), slots
    assert "问题类型" in reply, reply


@pytest.mark.parametrize("message", ["要求按实际工资补足", "让公司把欠的都补上", "希望全额补缴"])
async def test_the_place_menu_is_not_repeated_after_an_answer_kept_elsewhere(platform, config,
                                                                             message):
    """The wish is kept and the places listed (test_dialogue_robustness); asked again, the
    numbered list is not sent in full once more."""
    openid = oid("menu-once", message)
    await to_question(platform, openid, "哪个区")
    kept = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("desired_outcome") == message, (slots, kept)
    assert "哪个" in kept, kept
    unsure = await say(platform, openid, "这个我不太清楚")
    again = await say(platform, openid, "李")
    replies = (kept, unsure, again)
    assert sum(MENU_LAST in r for r in replies) <= 1, replies
    assert all("哪个镇" in r or "哪个区" in r for r in replies), replies
    picked = await say(platform, openid, "7")
    assert (await slots_of(config, openid)).get("jurisdiction") == "新塘镇", picked


# --- 6. the employee's share deducted from wages is a social-insurance matter ---------------

@pytest.mark.parametrize("message", [
    "我想补充一下 公司还扣了我们工资里的社保钱",
    "对了 每个月工资里都扣了社保的钱",
    "厂里从工资里扣了养老保险 但是没交上去",
    "工资条上扣了五险 查了没有记录",
])
async def test_a_deducted_share_at_the_place_question_is_added_not_declined(platform, config,
                                                                            message):
    openid = oid("share-mid", message)
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, message)
    assert "劳动报酬" not in reply, reply
    assert "哪个" in reply, reply
    slots = await slots_of(config, openid)
    assert "扣" in str(slots.get("description")), slots


@pytest.mark.parametrize("message", [
    "公司扣了我们工资里的社保钱 但是没交",
    "老板每个月从工资扣医保 结果根本没交",
    "工资里扣了社保 社保局查不到记录",
])
async def test_a_deducted_share_at_first_contact_starts_the_form(platform, config, message):
    openid = oid("share-first", message)
    reply = await say(platform, openid, message)
    assert "劳动报酬" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)


@pytest.mark.parametrize("message", ["公司拖欠我三个月工资", "老板克扣工资 不发加班费"])
async def test_wages_owed_still_get_the_wage_decline(platform, message):
    reply = await say(platform, oid("wage", message), message)
    assert "劳动报酬" in reply, reply


# --- 7. an opening that announces a matter --------------------------------------------------

@pytest.mark.parametrize("greet", [None, "在吗"])
@pytest.mark.parametrize("message", ["我想问下我们厂社保的事", "想咨询一下社保的问题", "问个事",
                                     "请问一下 有个社保的事情想问问", "有点事想咨询下"])
async def test_an_announced_matter_is_invited_not_declined(platform, greet, message):
    openid = oid("announce", f"{greet}{message}")
    if greet:
        await say(platform, openid, greet)
    reply = await say(platform, openid, message)
    assert "不能准确回答" not in reply and "12345" not in reply, reply
    assert "没太明白" not in reply and "直接" in reply, reply


# --- 8. a count and a wish at the full-name question ----------------------------------------

async def to_full_name(platform, openid: str) -> None:
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我姓李")
    assert "全名" in reply, reply


@pytest.mark.parametrize("message", ["还有二十几个老乡也没买", "我们厂还有三十多个人也一样",
                                     "一起的还有十来个工友 都没交"])
async def test_a_count_at_the_full_name_question_is_kept(platform, config, message):
    openid = oid("count-name", message)
    await to_full_name(platform, openid)
    reply = await say(platform, openid, message)
    assert "不像是姓名" not in reply, reply
    assert "全名" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("headcount"), (slots, reply)
    assert message not in str(slots.get("name")), slots


@pytest.mark.parametrize("message", ["能不能帮我们把社保补上 还有滞纳金也让厂里出",
                                     "希望厂里把社保补齐 滞纳金也该他们出",
                                     "要求补缴 滞纳金让公司承担"])
async def test_a_wish_at_the_full_name_question_is_kept_without_a_kb_answer(platform, config,
                                                                            message):
    openid = oid("wish-name", message)
    await to_full_name(platform, openid)
    reply = await say(platform, openid, message)
    assert "万分之五" not in reply and "依据" not in reply, reply
    assert "全名" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("desired_outcome") == message, (slots, reply)


# --- 9. a self-employed payer; a wish at the count question; "when" mid-form ---------------

@pytest.mark.parametrize("message", [
    "你好 我是个体户 自己交的灵活就业社保 今年扣款扣了两次",
    "我是灵活就业的 自己交社保 这个月被扣了两遍钱",
    "个体户 自己在交社保 银行重复扣款了",
])
async def test_a_self_employed_payer_counts_as_one(platform, config, message):
    openid = oid("self", message)
    await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 1, slots


@pytest.mark.parametrize("message", ["退一笔给我", "把多扣的那笔退回来", "多扣的钱退给我就行"])
async def test_a_wish_at_the_count_question_is_kept(platform, config, message):
    openid = oid("wish-count", message)
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("desired_outcome") == message, (slots, reply)
    assert "几个人" in reply, reply


@pytest.mark.parametrize("cue", ["哪个区", "称呼"])
@pytest.mark.parametrize("message", ["啥时候能退", "多久能处理好啊", "要等多久才有结果", "大概几天能办完"])
async def test_when_it_will_be_settled_mid_form_gets_the_mechanism(platform, cue, message):
    openid = oid("when", cue + message)
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, message)
    assert "12345" not in reply and "我只解答" not in reply, reply
    assert "当场办结" in reply and "时限" in reply, reply
    assert cue in reply, reply
