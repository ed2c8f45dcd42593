"""Faults the lead engineer met filing as a payer at stop 25: "社保那块" (which part of a wage
and insurance story to file, just after the bot said it files the insurance part) was stored as
the unit's name; a payer giving up with a reason ("算了 还是不投诉了 怕影响我拿离职证明") was asked
for the unit again; a question about the matter being filed ("能退吗" after a double payment) was
declined as beyond the bot's scope; the liaison's card showed a severity reason as its code
(employer_gone); after filing, "我还有住院发票 怎么给你们" was declined as beyond scope and "那个编号多少来着"
was not understood; a story ending in a yes-or-no question ("…这个月的不给交 合理吗") started the form
with the question unanswered."""
from __future__ import annotations

import zlib
from pathlib import Path

import pytest
import yaml

from routing.cards import load_labels, reason_label, render_card
from routing.rules import load_rules
from tests.test_dialogue import CASE_NO, say
from tests.test_dialogue_robustness import ask_until, slots_of, to_question, to_summary
from tests.test_routing_cards import AGENCY_NAMES, CONFIG, make_case

CANCEL_Q = "确定要取消这次登记吗"
ROOT = Path(__file__).resolve().parents[1]


def oid(prefix: str, message: str) -> str:
    return f"lead25-{prefix}-{zlib.crc32(message.encode())}"


def kept(slots: dict) -> dict:
    return {k: v for k, v in (slots or {}).items() if k != "requested_slot"}


# --- 1. "社保那块" is no unit -------------------------------------------------------------------

@pytest.mark.parametrize("message", ["社保那块", "就社保的事", "社保那部分", "医保那块吧", "养老保险方面",
                                     "是社保的问题"])
async def test_the_insurance_part_is_not_the_units_name(platform, config, message):
    openid = oid("part", message)
    await to_question(platform, openid, "涉及的单位")
    reply = await say(platform, openid, message)
    assert "单位" in reply and "称呼" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") in (None, ""), reply


async def test_after_wages_and_insurance_the_part_then_the_unit(platform, config):
    openid = oid("wages", "工地")
    reply = await say(platform, openid, "我们工地二十多个人 老板跑路了 工资没发 社保也没交")
    assert "涉及的单位" in reply, reply
    reply = await say(platform, openid, "社保那块")
    assert "单位" in reply, reply
    await say(platform, openid, "宏达劳务有限公司")
    assert (await slots_of(config, openid)).get("employer") == "宏达劳务有限公司"


async def test_a_unit_named_after_the_insurance_office_is_still_a_unit(platform, config):
    openid = oid("real", "社保大厦")
    await to_question(platform, openid, "涉及的单位")
    await say(platform, openid, "社保大厦物业管理有限公司")
    assert (await slots_of(config, openid)).get("employer") == "社保大厦物业管理有限公司"


# --- 2. giving up, with a reason -----------------------------------------------------------------

GIVING_UP = [
    "算了 还是不投诉了 怕影响我拿离职证明",
    "不想弄了，太麻烦",
    "还是不告了，怕丢工作",
    "先不办了 等我问问家里人",
    "不想反映了，怕被老板报复",
    "算了不登记了因为老板说下个月给补",
]


@pytest.mark.parametrize("cue", ["涉及的单位", "哪个区", "称呼"])
@pytest.mark.parametrize("message", GIVING_UP)
async def test_giving_up_with_a_reason_asks_whether_to_cancel(platform, config, cue, message):
    openid = oid(f"quit-{cue}", message)
    await to_question(platform, openid, cue)
    before = kept(await slots_of(config, openid))
    reply = await say(platform, openid, message)
    assert CANCEL_Q in reply, reply
    assert kept(await slots_of(config, openid)) == before
    reply = await say(platform, openid, "否")
    assert cue in reply, reply
    assert kept(await slots_of(config, openid)) == before


@pytest.mark.parametrize("message", [
    "我本来不想投诉的 但是公司实在太过分了 三年没给我交社保",
    "我不想投诉 只想让公司把钱补上",
])
async def test_not_wanting_to_complain_inside_the_story_is_the_story(platform, config, message):
    openid = oid("story", message)
    await say(platform, openid, "反映问题")
    reply = await say(platform, openid, message)
    assert CANCEL_Q not in reply, reply


# --- 3. a question about the matter being filed ---------------------------------------------------

@pytest.mark.parametrize("question", ["能退吗", "咋退", "钱能要回来不", "那我以后自己怎么交"])
async def test_a_question_about_the_matter_is_not_beyond_scope(platform, config, question):
    openid = oid("matter", question)
    reply = await say(platform, openid, "我家老人的城乡居民医保今年交了两次 钱扣了两回")
    reply = await ask_until(platform, openid, reply, "哪个区")
    before = kept(await slots_of(config, openid))
    reply = await say(platform, openid, question)
    assert "只解答社会保险费" not in reply, reply
    assert "哪个区" in reply, reply
    assert kept(await slots_of(config, openid)) == before


# --- 4. every severity reason has a name on the card -----------------------------------------------

def test_every_severity_signal_has_a_label():
    signals = yaml.safe_load((ROOT / "bot/nlu/data/rules.yml").read_text("utf-8"))[
        "severity"]["signals"]
    labels = load_labels()["reasons"]
    assert set(signals) - set(labels) == set()


def test_an_employer_gone_case_shows_its_reason_in_chinese():
    rules = load_rules(config_raw=CONFIG)
    case = make_case(severity="major", severity_reasons=["employer_gone", "headcount:25"])
    route = rules.route(case["category"], case["severity"], case["severity_reasons"],
                        case["jurisdiction"], case["description"])
    card = "\n".join(render_card(case, route, AGENCY_NAMES).parts)
    assert "employer_gone" not in card
    assert reason_label("employer_gone", load_labels()["reasons"]) in card


# --- 5. after filing: how to send a receipt, which number it was ------------------------------------

async def filed(platform, openid: str) -> str:
    await to_summary(platform, openid)
    reply = await say(platform, openid, "确认")
    return CASE_NO.search(reply).group()


@pytest.mark.parametrize("message", ["我还有住院发票 怎么给你们", "病历怎么发给你们", "缴费凭证在哪上传",
                                     "银行流水能发吗"])
async def test_asking_how_to_send_a_receipt_after_filing(platform, message):
    openid = oid("receipt", message)
    await filed(platform, openid)
    reply = await say(platform, openid, message)
    assert "只解答" not in reply and "没太明白" not in reply, reply
    assert "发" in reply and ("照片" in reply or "截图" in reply), reply


@pytest.mark.parametrize("message", ["那个编号多少来着", "我的登记编号忘了", "受理号是啥", "编号在哪看"])
async def test_asking_for_the_case_number_lists_the_cases(platform, message):
    openid = oid("number", message)
    case_no = await filed(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply, reply


# --- 6. a story ending in a yes-or-no question gets its answer before the form ----------------------

@pytest.mark.parametrize("message", [
    "我想问一下 我辞职了 公司说社保只交到上个月 这个月的不给交 合理吗",
    "你好 我是跑滴滴的 自己交的灵活就业养老 这个月扣款失败了 会不会断缴",
])
async def test_a_story_ending_in_a_question_is_answered_then_filed(platform, config, message):
    openid = oid("storyq", message)
    reply = await say(platform, openid, message)
    assert "依据：" in reply and "我先帮您把这件事登记下来" in reply, reply
    assert reply.index("依据：") < reply.index("登记下来"), reply
    # The form's first question: the unit, the category, or (a failed deduction being a
    # system failure since stop 26, of no unit) the place.
    assert any(q in reply for q in ("涉及的单位", "问题类型", "哪个区、镇")), reply
    assert message[-6:] in str((await slots_of(config, openid)).get("description")), reply


@pytest.mark.parametrize("message", [
    "公司三年没给我交社保 现在怎么办",
    "厂里欠了我半年社保 你们管不管",
    "老板一直不给我交社保 我想投诉他",
])
async def test_a_story_asking_for_help_goes_straight_to_the_form(platform, message):
    reply = await say(platform, oid("storyhelp", message), message)
    assert "我先帮您把这件事登记下来" not in reply, reply
