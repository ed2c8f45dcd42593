"""Faults the lead engineer met filing as a payer at stop 33: a decorator's worker whose boss
never paid in, in 番禺 (outside the district), and a dismissed property-company worker whose
unemployment benefit was refused because the company paid in half a year late.

"在番禺区大石" at the place question got "没找到…" although the reply itself says a place
outside the district may be given; "公司少交了好几个月 入职半年以后才开始交的" after a
first message read as the catch-all category left the case as 其他 on the card."""
from __future__ import annotations

import zlib

import pytest

from tests import test_nlu_fresh15 as round15
from tests.test_dialogue import say
from tests.test_dialogue_robustness import ask_until, slots_of

parser = round15.parser  # the module's parser fixture

PLACE_Q = "哪个区、镇（街道）"
STORY = "老板一直没给我交社保"
UNIT = "鑫源装饰有限公司"


def oid(prefix: str, message: str) -> str:
    return f"lead33-{prefix}-{zlib.crc32(message.encode())}"


async def _at_place_question(platform, openid: str) -> None:
    reply = await say(platform, openid, STORY)
    reply = await ask_until(platform, openid, reply, PLACE_Q)
    assert PLACE_Q in reply, reply


# --- 1. a town of a district outside the area ------------------------------------------

@pytest.mark.parametrize(("said", "stored"), [
    ("在番禺区大石", "番禺区大石"),
    ("番禺大石", "番禺大石"),
    ("就在白云区太和", "白云区太和"),
    ("在番禺上班", "番禺"),
])
async def test_a_place_outside_the_area_is_taken_as_said(platform, config, said, stored):
    openid = oid("outside", said)
    await _at_place_question(platform, openid)
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert "没找到" not in reply, reply
    assert slots.get("jurisdiction") == stored, slots
    assert PLACE_Q not in reply, reply


async def test_a_unit_at_the_place_question_is_still_no_place(platform, config):
    openid = "lead33-not-a-place"
    await _at_place_question(platform, openid)
    await say(platform, openid, "番禺那个厂")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") is None, slots


# --- 2. the catch-all category made clear later ------------------------------------------

BENEFIT_STORY = "我被公司辞退了 想领失业金 但是说我失业保险交的不够一年"


async def test_a_later_clear_story_replaces_the_catch_all_category(platform, config):
    openid = "lead33-benefit"
    await say(platform, openid, BENEFIT_STORY)
    assert (await slots_of(config, openid)).get("category") == "other"
    reply = await say(platform, openid, "公司少交了好几个月 入职半年以后才开始交的")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", slots
    assert "问题类型已改为" in reply, reply
    assert "入职半年以后才开始交" in slots.get("description", ""), slots


async def test_a_set_category_still_needs_a_change_cue(platform, config):
    openid = "lead33-set"
    await say(platform, openid, "公司一直没给我交社保")
    assert (await slots_of(config, openid)).get("category") == "employer_arrears"
    reply = await say(platform, openid, "而且社保卡上的个人信息也登记错了")
    assert (await slots_of(config, openid)).get("category") == "employer_arrears", reply
    assert "问题类型已改为" not in reply, reply


# --- 3. a benefit word run into 厂里 is no unit -------------------------------------------

RUN_ON = ("你好我想问一下我爸爸今年六十了在厂里干了十几年厂里说他社保只交了八年不够十五年"
          "退休拿不到养老金厂里以前一直没给他交这个怎么办")


async def test_a_benefit_run_into_the_factory_is_not_stored_as_the_unit(platform, config):
    openid = "lead33-run-on"
    reply = await say(platform, openid, RUN_ON)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, slots
    assert "涉及的单位" in reply, reply
    await say(platform, openid, "厂名叫增城市新塘镇宏利牛仔服装厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "增城市新塘镇宏利牛仔服装厂", slots


# --- 4. a count after its noun, and what is left of it at the name question ---------------

@pytest.mark.parametrize(("said", "count"), [
    ("涉及员工12个", 12), ("员工12个", 12), ("工人有五十多个", 50),
    ("员工是20个", 20), ("员工们有三十多人", 30),
])
def test_a_count_after_its_noun_is_a_headcount(parser, said, count):
    found = [e.value for e in parser.parse(said).entities if e.type == "headcount"]
    assert found == [count], found


@pytest.mark.parametrize("said", ["员工3个月没发工资", "工人两千多块", "职工5号发工资",
                                  "同事2023年就走了"])
def test_time_or_money_after_a_noun_is_no_headcount(parser, said):
    assert not [e for e in parser.parse(said).entities if e.type == "headcount"], said


async def test_a_count_at_the_name_question_is_taken_and_no_name_is_made_of_the_rest(
        platform, config):
    openid = "lead33-count-at-name"
    reply = await say(platform, openid, "公司一直没给我交社保")
    reply = await ask_until(platform, openid, reply, "怎么称呼")
    reply = await say(platform, openid, "涉及员工12个")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 12, slots
    assert slots.get("name") is None, slots
    assert "怎么称呼" in reply, reply


# --- 5. a payment counted by 笔 ----------------------------------------------------------

@pytest.mark.parametrize(("said", "amount"), [("每笔1200多", 1200), ("一笔1380", 1380),
                                              ("两笔各1200", 1200)])
def test_a_figure_after_a_payment_counted_by_bi_is_money(parser, said, amount):
    found = [e.value for e in parser.parse(said).entities if e.type == "money"]
    assert found == [amount], found


async def test_an_amount_per_payment_at_the_name_question_is_noted(platform, config):
    openid = "lead33-per-payment"
    reply = await say(platform, openid, "我是灵活就业的 这个月社保扣了两次钱 银行卡被扣了两笔")
    reply = await ask_until(platform, openid, reply, "怎么称呼")
    reply = await say(platform, openid, "每笔1200多")
    slots = await slots_of(config, openid)
    assert slots.get("amount") == 1200, slots
    assert slots.get("name") is None and "怎么称呼" in reply, reply


# --- 6. found by this stop's own suite runs ---------------------------------------------

def test_a_rough_number_in_digits_asks_nothing(parser):
    """"10几年" is a rough span (as 十几年 was), not 几 asking how many: the story starts the
    form instead of getting the knowledge base's answer."""
    assert parser.parse("老板10几年都没给我买社保").intent == "file_dispute"
    from bot.handlers.answers import is_question

    assert not is_question("老板10几年都没给我买社保")
    assert is_question("要交几年才能领")
