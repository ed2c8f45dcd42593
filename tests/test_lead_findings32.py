"""Faults the lead engineer met filing as a payer at stop 32: a lorry driver paid in on the
lowest base, a unit's accountant contesting late fees, a domestic helper placed by an agency,
a food-delivery rider. "这个能投诉吗" asked in the middle of the form was sent to 12345;
"滞纳金能免吗" asked while filing a late-fee dispute was sent to another hotline instead of
to the department the case goes to; "我是众包的 没签合同" at the place question got
"没找到…" and was lost; "顺丰那个不是 是…物流有限公司" kept the company it denied; a unit
named at the place question after "没有单位" or after another name was dropped."""
from __future__ import annotations

import zlib

import pytest

from tests.test_dialogue import say
from tests.test_dialogue_robustness import slots_of, to_summary

EMPLOYER_Q = "涉及的单位"
PLACE_Q = "哪个区、镇（街道）"
BASE_STORY = "我在物流公司开货车 公司一直按最低档给我交社保 但我工资每个月都八九千"
LATE_FEE_STORY = ("您好，我是公司会计，税务局让我们补缴2022年的社保，还要交滞纳金，"
                  "可是当时是系统原因没扣款成功，不是我们故意不交的")
HELPER_STORY = "我是做保姆的 雇主家说好给我交社保的 结果一直没交"
RIDER_STORY = "外卖骑手 平台不给交社保 摔伤了也没人管"
HOTLINES = ("12345", "12366", "12333", "12393")


def oid(prefix: str, message: str) -> str:
    return f"lead32-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. "can this be complained about?" while it is being filed ---------------------------

@pytest.mark.parametrize("asked", ["这个能投诉吗", "这种事可以投诉不", "能不能投诉啊", "可以反映吗"])
async def test_asking_whether_it_can_be_filed_mid_form_is_told_yes(platform, config, asked):
    openid = oid("can", asked)
    await say(platform, openid, BASE_STORY)
    reply = await say(platform, openid, asked)
    slots = await slots_of(config, openid)
    assert not any(line in reply for line in HOTLINES), reply
    assert "可以" in reply and "登记" in reply, reply
    assert EMPLOYER_Q in reply and slots.get("requested_slot") == "employer", reply
    assert slots.get("employer") is None and slots.get("category") == "contribution_base"


# --- 2. a question on the matter being filed, which no entry answers -----------------------

@pytest.mark.parametrize("asked", ["滞纳金能免吗", "滞纳金可以申请减免吗"])
async def test_a_question_on_the_filed_matter_goes_to_its_department(platform, config, asked):
    openid = oid("fee", asked)
    await say(platform, openid, LATE_FEE_STORY)
    reply = await say(platform, openid, asked)
    slots = await slots_of(config, openid)
    assert not any(line in reply for line in HOTLINES), reply
    assert "登记" in reply and "核实" in reply, reply
    assert slots.get("requested_slot") == "employer" and EMPLOYER_Q in reply, reply
    assert slots.get("employer") is None, slots


async def test_an_unrelated_unanswered_question_still_gets_its_hotline(platform, config):
    openid = "lead32-unrelated"
    await say(platform, openid, LATE_FEE_STORY)
    reply = await say(platform, openid, "请问公积金贷款利率是多少")
    assert any(line in reply for line in HOTLINES) or "公积金" in reply, reply
    assert EMPLOYER_Q in reply, reply


# --- 3. a story detail where the place is asked --------------------------------------------

@pytest.mark.parametrize("detail", ["我是众包的 没签合同", "没有签劳动合同 也没有工资条",
                                    "公司一直不签合同"])
async def test_a_contract_detail_at_the_place_question_joins_the_story(platform, config,
                                                                       detail):
    openid = oid("detail", detail)
    await say(platform, openid, RIDER_STORY)
    await say(platform, openid, "美团")
    reply = await say(platform, openid, detail)
    slots = await slots_of(config, openid)
    assert "没找到" not in reply, reply
    assert "镇（街道）" in reply and slots.get("requested_slot") == "jurisdiction", reply
    assert slots.get("jurisdiction") is None, slots
    assert "合同" in slots.get("description", ""), slots
    assert slots.get("employer", "").startswith("美团"), slots


# --- 4. a pension is no amount in dispute; "当年单位" is no unit's name -----------------------

RETIREE_STORY = "我退休了 养老金每个月才两千出头 我算了一下应该有三千多 是不是当年单位给我交的基数太低了"


async def test_a_retirees_pension_is_no_amount_and_then_unit_no_name(platform, config):
    openid = "lead32-retiree"
    reply = await say(platform, openid, RETIREE_STORY)
    slots = await slots_of(config, openid)
    assert slots.get("amount") is None, slots
    assert slots.get("employer") is None, slots
    assert EMPLOYER_Q in reply or PLACE_Q not in reply, reply
    assert "养老金每个月才两千出头" in slots.get("description", ""), slots


@pytest.mark.parametrize("said", ["退休金一个月就一千八", "我的养老金每月2100元 太少了"])
async def test_a_pension_said_in_the_story_is_kept_in_words_only(platform, config, said):
    openid = oid("pension", said)
    await say(platform, openid, said + " 是单位以前给我少交了")
    slots = await slots_of(config, openid)
    assert slots.get("amount") is None, slots
    assert said.split()[0] in slots.get("description", ""), slots


@pytest.mark.parametrize("said", ["当年单位给我交的基数太低了", "那时候单位没给我交社保",
                                  "当时公司按最低档交的"])
async def test_a_unit_of_those_days_is_no_name(platform, config, said):
    openid = oid("then", said)
    await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, slots


# --- 5. a wish added at the summary ---------------------------------------------------------

@pytest.mark.parametrize("said,added", [("诉求再加一条 要求赔偿", "要求赔偿"),
                                        ("诉求还要加上赔偿损失", "赔偿损失")])
async def test_a_wish_added_at_the_summary_leaves_out_the_words_about_adding(platform, config,
                                                                           said, added):
    openid = oid("wish", said)
    await to_summary(platform, openid)
    before = (await slots_of(config, openid)).get("desired_outcome")
    reply = await say(platform, openid, said)
    wish = (await slots_of(config, openid)).get("desired_outcome")
    assert wish.startswith(before) and wish.endswith(added), (wish, reply)
    assert "诉求再" not in wish and "加上" not in wish, wish
    assert "请核对登记内容" in reply, reply


# --- 6. a case filed from someone else's account --------------------------------------------

@pytest.mark.parametrize("said", ["那是我老公用他手机登记的", "我老公登记的 帮他查一下进度",
                                  "是我儿子帮我登记的 用的他微信", "不是我登记的 是我同事"])
async def test_a_case_filed_from_another_account_gets_who_can_see_it(platform, said):
    openid = oid("other", said)
    await say(platform, openid, "进度")
    reply = await say(platform, openid, said)
    assert "登记时使用的那个微信号" in reply, reply
    assert "没太明白" not in reply and "还没有登记过" not in reply, reply


@pytest.mark.parametrize("said", ["帮我妈反映一下 她单位没交社保", "我帮我老公登记一下"])
async def test_filing_for_a_relative_is_still_a_filing(platform, said):
    reply = await say(platform, oid("for", said), said)
    assert "登记时使用的那个微信号" not in reply, reply


# --- 7. a complaint asked as a question, then the wish to file ------------------------------

TEMP_WORKER = "老板说我们是临时工不用交社保 是真的吗"


@pytest.mark.parametrize("then", ["那我要投诉他", "那我要告他", "我要举报他"])
async def test_the_story_in_a_policy_question_becomes_the_description(platform, config, then):
    openid = oid("temp", then)
    answer = await say(platform, openid, TEMP_WORKER)
    assert "第五十八条" in answer, answer
    reply = await say(platform, openid, then)
    slots = await slots_of(config, openid)
    assert "临时工" in slots.get("description", ""), (slots, reply)
    assert EMPLOYER_Q in reply and "说说遇到了什么问题" not in reply, reply


async def test_a_plain_policy_question_leaves_no_story(platform, config):
    openid = "lead32-plain"
    await say(platform, openid, "灵活就业社保怎么交")
    reply = await say(platform, openid, "那我要投诉")
    slots = await slots_of(config, openid)
    assert "灵活就业" not in slots.get("description", ""), (slots, reply)


# --- 8. the unit named again ---------------------------------------------------------------

async def test_a_unit_denied_in_the_same_breath_is_not_kept(platform, config):
    openid = "lead32-denied"
    await say(platform, openid, BASE_STORY)
    reply = await say(platform, openid, "顺丰那个不是 是一家叫广州捷运通物流有限公司的")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州捷运通物流有限公司", (slots, reply)


@pytest.mark.parametrize("said", [
    "哦 其实是通过家政公司介绍的 合同是跟家政公司签的 叫好帮手家政服务有限公司",
    "其实有单位 是好帮手家政服务有限公司",
])
async def test_a_unit_named_after_no_unit_replaces_it(platform, config, said):
    openid = oid("unit", said)
    await say(platform, openid, HELPER_STORY)
    await say(platform, openid, "雇主是个人 没有单位")
    reply = await say(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "好帮手家政服务有限公司", (slots, reply)
    assert slots.get("requested_slot") == "jurisdiction" and "镇（街道）" in reply, reply
    assert slots.get("jurisdiction") is None, slots
