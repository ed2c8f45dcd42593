"""Whole conversations, twelfth chat round: payers earlier rounds did not meet, each from the
first message to the filed case (or the answer), through the real gateway and dispatcher. A
delivery rider whose platform calls him a contractor (外包/众包); a domestic worker (保姆) sent
by a 家政公司 or hired by a family; a farmer turned factory worker whose 新农合 and employee
medical insurance were both deducted; a small restaurant owner who is himself the employer a
worker complained about and asks what he owes; an elderly payer who speaks every message
through voice-to-text with no punctuation; a pasted WeChat forward; a picture, voice,
location or link as the very first message; a policy question in the middle of the form and
back to the form; the same matter filed twice; swearing at the bot; traditional characters
and half-English; asking for a person (人工 / 转人工 / 我要找真人).
What a real payer needs: nothing captured is lost, the category and severity the seeds call
for, the case on the agency routing/rules.yaml derives (退费 → 税务, 医保/新农合 → 医保局
co-handling), no invented legal fact (the late fee is 万分之五 a day, 社会保险法 第八十六条;
whether a rider or a nanny is an employee is not the bot's to decide), and a clear next step.
Written blind, before the handlers were read. Unchanged code failed 12 of 48; four of those
probes asked for the wrong thing and were rewritten: a refund of a double-paid 新农合 is 简易
(simple), one payer's refund as in tests/test_nlu_fresh13.py, not 一般; and the late-fee answer
names the old 2‰ only to say the 万分之五 replaced it, which is right (``honest`` allows that).
The eight real ones: a rider told "你们是外包的 算个体户" was never asked for his unit (and,
found while fixing, "叫众联人力资源的公司签的" was stored as 众联人力资源的公司签); a nanny's
"没有单位 就是雇主家 姓陈" asked again (and 姓陈 taken for her own surname); 新农合 not read as
medical insurance for routing; an employer asking where to pay the arrears not told 税务; an
elderly voice run-on sent to the list of types; a pasted notice with "跟我有关系吗" filed as a
base dispute; "我要找真人 … 我电话… 新塘镇的" started a form instead of a call-back. All but the
elderly run-on are fixed; that one (e01) is a strict xfail: the examples that fix it flip other
borderline classifier tests on retraining."""
from __future__ import annotations

import pytest

from bot.simulator import image_xml, message_xml, voice_xml
from bot.store.models import Case
from tests.test_chat_fresh import draft_of, reply_kind
from tests.test_chat_fresh7 import OFFER, PHONE_SHAPE, understood
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_fresh27 import kept
from tests.test_dialogue_robustness import ask_until, slots_of
from tests.test_journeys2 import clean, the_case, wait_group
from tests.test_journeys3 import CHINESE, group

PHONE = "13912345678"
MASKED = "139****5678"
CATEGORY_Q = "问题类型"
SUMMARY = "请核对登记内容"
SAME = "同一件事"
# Legal claims the bot has no basis to make: who is an employee is for 劳动仲裁 to decide,
# and the 2‰ late fee of the old 条例 is superseded by the 社会保险法's 万分之五.
INVENTED = ("不属于劳动关系", "不是劳动关系", "属于劳动关系", "不需要交社保", "不用交社保",
            "不用给保姆交")
OLD_RATE = ("千分之二", "2‰")


async def post(platform, xml: str) -> str:
    delivery = await platform.post(xml)
    assert delivery.status == 200, delivery.body
    return delivery.reply or ""


def helpful(reply: str) -> None:
    """Understood, in Chinese, with no internal word or placeholder showing."""
    understood(reply)
    assert CHINESE.search(reply), reply
    clean(reply)


def honest(reply: str) -> None:
    """No legal fact the bot cannot stand behind."""
    for claim in INVENTED:
        assert claim not in reply, (claim, reply)
    if any(rate in reply for rate in OLD_RATE):  # only ever as the rate that was replaced
        assert "取代" in reply and "万分之五" in reply, reply


def filed(reply: str, slots: dict, category: str, severity: str = "general") -> None:
    """The story is kept with its category and triage, and the type is not asked."""
    helpful(reply)
    assert slots.get("description") and slots.get("category") == category, (slots, reply)
    assert slots.get("severity", "general") == severity, (slots, reply)
    assert CATEGORY_Q not in reply, reply


async def confirm(platform, openid: str, same: str = "2 不是 另外一件事") -> str:
    done = await say(platform, openid, "确认")
    if SAME in done:
        done = await say(platform, openid, same)
    match = CASE_NO.search(done)
    assert match, done
    helpful(done)
    return match.group()


async def file_from(platform, openid: str, reply: str, answers: dict | None = None) -> str:
    summary = await finish_form(platform, openid, reply, {**ANSWERS, **(answers or {})})
    helpful(summary)
    return await confirm(platform, openid)


async def cases_of(config, openid: str) -> list[Case]:
    return await fetch(config.database_url, Case, openid=openid)


async def card_of(fake_webhook, case: Case) -> str:
    texts = await wait_group(fake_webhook, group(case.lead_agency), case.case_no)
    return next(t for t in texts if case.case_no in t and "缴费人" in t)


# --- 1. a delivery rider whose platform calls him a contractor ----------------------------------

RIDER = ("我是送外卖的骑手 在新塘镇跑了两年了 站点说我们是外包的 签的是什么合作协议 "
         "算个体户 所以不给交社保 我想让他们把这两年的社保补上")


async def test_a01_the_riders_story_is_filed_as_arrears_without_deciding_his_status(
        platform, config):
    openid = "c12-a01"
    reply = await say(platform, openid, RIDER)
    slots = await draft_of(config, openid)
    filed(reply, slots, "employer_arrears")
    honest(reply)
    assert "骑手" in slots["description"] and "外包" in slots["description"], slots


async def test_a02_the_rider_names_platform_and_agency_at_the_unit_question(platform, config):
    """He does not know who his employer is: both names he gives reach the case."""
    openid = "c12-a02"
    await ask_until(platform, openid, await say(platform, openid, RIDER), "单位")
    nxt = await say(platform, openid, "美团的配送站 合同是跟一个叫众联人力资源的公司签的")
    helpful(nxt)
    assert "单位" not in nxt.splitlines()[-1] or "哪个区" in nxt, nxt
    employer = (await slots_of(config, openid)).get("employer") or ""
    assert "众联人力" in employer or "美团" in employer, employer
    assert not employer.endswith(("签", "的")), employer  # the name, not the sentence


async def test_a03_the_riders_case_reaches_the_tax_group_with_the_phone_masked(
        platform, config, fake_webhook):
    openid = "c12-a03"
    case_no = await file_from(platform, openid, await say(platform, openid, RIDER),
                              {"单位": "众联人力资源公司", "称呼": "小马"})
    case = await the_case(config, case_no)
    assert case.category == "employer_arrears" and case.lead_agency == "tax", case.lead_agency
    card = await card_of(fake_webhook, case)
    assert "骑手" in card and "众联人力" in card and MASKED in card and PHONE not in card, card


async def test_a04_a_riders_question_is_answered_with_a_next_step_and_no_verdict(
        platform, config):
    openid = "c12-a04"
    reply = await say(platform, openid, "外卖骑手平台说我们是众包 不是员工 那我的社保该谁交啊")
    helpful(reply)
    honest(reply)
    slots = await draft_of(config, openid)
    if not slots.get("description"):
        assert OFFER in reply or "登记" in reply or "12333" in reply, reply


# --- 2. a domestic worker (保姆) ----------------------------------------------------------------

NANNY = "我是做保姆的 是阳光家政公司派到雇主家的 干了三年 家政公司一直没给我交社保"


async def test_b01_a_nanny_sent_by_an_agency_is_filed_against_the_agency(platform, config):
    openid = "c12-b01"
    reply = await say(platform, openid, NANNY)
    slots = await draft_of(config, openid)
    filed(reply, slots, "employer_arrears")
    assert "保姆" in slots["description"], slots
    employer = slots.get("employer") or ""
    assert not employer or "家政" in employer, slots


async def test_b02_the_nannys_case_names_the_agency_on_the_card(platform, config,
                                                                fake_webhook):
    openid = "c12-b02"
    case_no = await file_from(platform, openid, await say(platform, openid, NANNY),
                              {"单位": "阳光家政服务有限公司", "称呼": "刘姐"})
    case = await the_case(config, case_no)
    assert "家政" in (case.employer or ""), case.employer
    card = await card_of(fake_webhook, case)
    assert "阳光家政" in card and "保姆" in card and MASKED in card, card


async def test_b03_a_family_hired_nanny_asking_is_not_told_a_made_up_rule(platform, config):
    openid = "c12-b03"
    reply = await say(platform, openid,
                      "我是住家保姆 雇主就是一家人 他们说个人雇保姆不用交社保 是不是真的")
    helpful(reply)
    honest(reply)
    assert reply_kind(reply) != "unknown" or "灵活就业" in reply or "12333" in reply, reply


async def test_b04_the_nanny_answering_family_at_the_unit_question_is_kept(platform, config):
    """A family is no company name, but it is the answer she has: kept, the form goes on."""
    openid = "c12-b04"
    reply = await say(platform, openid, "我当保姆五年了 雇主家一直没给我交社保 我想要个说法")
    reply = await ask_until(platform, openid, reply, "单位")
    nxt = await say(platform, openid, "没有单位 就是雇主家 姓陈 住在荔城街道")
    helpful(nxt)
    slots = await slots_of(config, openid)
    assert "保姆" in (slots.get("description") or ""), slots
    assert slots.get("requested_slot") != "employer", (slots, nxt)
    assert "陈" in (slots.get("employer") or ""), slots  # the family, as she named it
    assert "陈" not in str(slots.get("name_surname") or slots.get("name") or ""), slots
    assert "您姓陈" not in nxt, nxt  # the family's surname is not hers


# --- 3. a farmer turned factory worker: 新农合 and employee medical insurance ---------------------

DOUBLE = ("我是农村出来的 老家一直交新农合 今年进了新塘的电子厂 厂里也给我交了职工医保 "
          "两边都扣了钱 重复交了 新农合那份能退给我吗")
DOUBLE_BARE = "老家交的新农合跟厂里交的重复了 钱扣了两份 想把新农合那份退回来"


async def test_c01_the_double_payment_is_a_refund(platform, config):
    openid = "c12-c01"
    reply = await say(platform, openid, DOUBLE)
    slots = await draft_of(config, openid)
    if slots.get("description"):
        filed(reply, slots, "refund", "simple")
        assert "新农合" in slots["description"], slots
    else:
        helpful(reply)
        assert reply_kind(reply) == "policy" and OFFER in reply, reply


async def test_c02_the_bare_double_payment_is_filed_as_a_refund(platform, config):
    openid = "c12-c02"
    reply = await say(platform, openid, DOUBLE_BARE)
    slots = await draft_of(config, openid)
    filed(reply, slots, "refund", "simple")


async def test_c03_a_xinnonghe_refund_has_the_medical_insurance_office_on_it(
        platform, config, fake_webhook):
    """新农合 is the 城乡居民医保: its refund is medical insurance, so the medical-insurance
    office co-handles (rules.yaml refund → medical), even when the payer never says 医保."""
    openid = "c12-c03"
    case_no = await file_from(platform, openid, await say(platform, openid, DOUBLE_BARE),
                              {"希望怎么处理": "把新农合的钱退给我", "单位": "无"})
    case = await the_case(config, case_no)
    assert case.category == "refund" and case.lead_agency == "tax", case.category
    assert "healthcare" in case.co_agencies, case.co_agencies
    card = await card_of(fake_webhook, case)
    assert "新农合" in card and MASKED in card, card


async def test_c04_can_i_have_both_is_answered_and_nothing_stored(platform, config):
    openid = "c12-c04"
    reply = await say(platform, openid, "请问新农合和单位交的职工医保能不能同时参加")
    helpful(reply)
    honest(reply)
    assert "医保" in reply or "医疗保险" in reply or "新农合" in reply, reply
    assert not (await draft_of(config, openid)).get("description")


# --- 4. a small restaurant owner: the employer asks what he owes --------------------------------

OWNER = "我开了个小饭馆 有个服务员去告我没给她交社保 我现在要补多少钱 会不会罚款"


async def test_d01_the_owner_is_answered_not_filed_against_himself(platform, config):
    openid = "c12-d01"
    reply = await say(platform, openid, OWNER)
    helpful(reply)
    honest(reply)
    slots = await draft_of(config, openid)
    assert slots.get("category") != "employer_arrears", (slots, reply)
    assert "补缴" in reply or "滞纳金" in reply, reply


async def test_d02_the_owner_is_told_the_late_fee_from_the_statute(platform, config):
    openid = "c12-d02"
    await say(platform, openid, OWNER)
    reply = await say(platform, openid, "那滞纳金是怎么算的")
    helpful(reply)
    honest(reply)
    assert "万分之五" in reply and "八十六" in reply, reply


async def test_d03_the_owner_is_told_where_to_pay(platform, config):
    openid = "c12-d03"
    reply = await say(platform, openid, "我是饭店老板 想给员工把欠的社保补交上 要去哪里办")
    helpful(reply)
    honest(reply)
    assert "税务" in reply, reply


async def test_d04_the_owners_own_dispute_about_an_assessed_amount_is_filed(platform, config):
    """An employer is a payer too (缴费人): an assessment he disputes is a case."""
    openid = "c12-d04"
    reply = await say(platform, openid, "我是饭店老板 税务局核定我欠了两万多社保费 可那两个员工"
                                        "去年就辞职了 这个金额不对 我不认")
    slots = await draft_of(config, openid)
    filed(reply, slots, "assessed_amount")
    assert "饭店" in slots["description"], slots


# --- 5. an elderly payer speaking through voice-to-text, no punctuation ------------------------

ELDER = ("喂你好啊我是派潭镇的老黄啊我以前在那个派潭的永兴砖厂做了十年他们就给我交了三年的社保"
         "现在我要退休了人家说我年限不够拿不到养老金你们帮我问问那个厂要给我补上啊")


@pytest.mark.xfail(strict=True, reason="needs NLU training data: every retrain tried flipped "
                   "other borderline tests (see the report)")
async def test_e01_the_run_on_is_filed_with_the_place_and_the_pension_harm(platform, config):
    openid = "c12-e01"
    reply = await post(platform, voice_xml(openid, ELDER))
    slots = await draft_of(config, openid)
    filed(reply, slots, "employer_arrears")
    assert "养老金" in slots["description"] and "补上" in slots["description"], slots
    assert slots.get("jurisdiction") == "派潭镇", slots


async def test_e02_a_spoken_name_answer_is_read(platform, config):
    openid = "c12-e02"
    reply = await post(platform, voice_xml(openid, ELDER))
    reply = await ask_until(platform, openid, reply, "称呼")
    nxt = await post(platform, voice_xml(openid, "我姓黄叫黄桂英你们叫我黄阿姨就行了"))
    helpful(nxt)
    name = (await slots_of(config, openid)).get("name") or ""
    assert name in {"黄桂英", "黄阿姨"}, (name, nxt)


async def test_e03_spoken_digits_with_fillers_are_the_phone(platform, config):
    openid = "c12-e03"
    reply = await post(platform, voice_xml(openid, ELDER))
    reply = await ask_until(platform, openid, reply, "电话")
    nxt = await post(platform, voice_xml(openid, "电话啊我的电话是一三九一二三四五六七八记好了啊"))
    helpful(nxt)
    assert (await slots_of(config, openid)).get("phone") == PHONE, nxt


async def test_e04_the_elders_whole_voice_filing_reaches_the_group(platform, config,
                                                                   fake_webhook):
    openid = "c12-e04"
    reply = await post(platform, voice_xml(openid, ELDER))
    case_no = await file_from(platform, openid, reply, {"单位": "永兴砖厂"})
    case = await the_case(config, case_no)
    assert "hrss" in {case.lead_agency, *case.co_agencies}, case.co_agencies
    card = await card_of(fake_webhook, case)
    assert "永兴砖厂" in card and "派潭" in card and MASKED in card, card


# --- 6. a pasted WeChat forward -----------------------------------------------------------------

FORWARD = """[聊天记录]
工友群 的聊天记录
阿强 2026-11-20 09:12
兄弟们 我查了社保局小程序 宏发五金厂从今年五月开始就没给我们交社保了
阿强 2026-11-20 09:13
人事那边电话13711112222 打过去说下个月一起补 结果到现在都没补
小李 2026-11-20 09:20
我也是 五月开始断的
我 2026-11-20 09:31
我的也是断了半年 在中新镇这边的厂"""


async def test_f01_the_forward_is_filed_with_its_facts(platform, config):
    openid = "c12-f01"
    reply = await say(platform, openid, FORWARD)
    slots = await draft_of(config, openid)
    filed(reply, slots, "employer_arrears")
    assert "宏发五金厂" in slots["description"] and "五月" in slots["description"], slots
    assert "13711112222" not in reply, reply


async def test_f02_the_forward_card_masks_the_hr_phone_in_it(platform, config, fake_webhook):
    openid = "c12-f02"
    case_no = await file_from(platform, openid, await say(platform, openid, FORWARD),
                              {"单位": "宏发五金厂", "哪个区": "中新镇"})
    case = await the_case(config, case_no)
    card = await card_of(fake_webhook, case)
    assert "13711112222" not in card and PHONE not in card, card
    assert not PHONE_SHAPE.search(card), card
    assert "宏发五金厂" in card, card


async def test_f03_a_forwarded_notice_with_no_dispute_is_not_filed(platform, config):
    openid = "c12-f03"
    reply = await say(platform, openid, "【转发】关于调整2026年度社会保险缴费基数的通知\n各参保单位："
                                        "根据上级部门要求，现将本年度缴费基数调整事项通知如下。"
                                        "请各单位于规定时间内完成申报。\n这个是什么意思 跟我有关系吗")
    helpful(reply)
    honest(reply)
    assert not (await draft_of(config, openid)).get("category"), reply


# --- 7. a picture, voice, location or link as the very first message ----------------------------

FIRST_MEDIA = {
    "image": lambda o: image_xml(o, "pic-first-12"),
    "voice_silent": lambda o: voice_xml(o, None),
    "location": lambda o: message_xml(o, "location", {
        "Location_X": "23.13", "Location_Y": "113.82", "Scale": "15",
        "Label": "广东省广州市增城区新塘镇"}),
    "link": lambda o: message_xml(o, "link", {
        "Title": "单位不交社保怎么办", "Description": "转发的文章",
        "Url": "http://127.0.0.1/article-12"}),
}


@pytest.mark.parametrize("kind", list(FIRST_MEDIA))
async def test_g01_a_non_text_first_message_gets_a_chinese_next_step(platform, config, kind):
    openid = f"c12-g01-{kind}"
    reply = await post(platform, FIRST_MEDIA[kind](openid))
    helpful(reply)
    assert "文字" in reply or OFFER in reply or "说说" in reply or "登记" in reply, reply
    assert not (await draft_of(config, openid)).get("category"), reply


# --- 8. a policy question in the middle of the form, then back to the form ----------------------

async def test_h01_a_policy_question_at_the_unit_question_is_answered_and_reasked(
        platform, config):
    openid = "c12-h01"
    await ask_until(platform, openid,
                            await say(platform, openid, "公司一年多没给我交社保了"), "单位")
    before = kept(await slots_of(config, openid))
    nxt = await say(platform, openid, "对了问一下 补缴的话滞纳金是我出还是公司出")
    helpful(nxt)
    honest(nxt)
    assert "滞纳金" in nxt and "单位" in nxt, nxt
    assert kept(await slots_of(config, openid)) == before


async def test_h02_after_the_answer_the_form_finishes_with_the_first_story(platform, config):
    openid = "c12-h02"
    await ask_until(platform, openid,
                            await say(platform, openid, "公司一年多没给我交社保了"), "单位")
    await say(platform, openid, "对了问一下 补缴的话滞纳金是我出还是公司出")
    case_no = await file_from(platform, openid, await say(platform, openid, "广州宏达电子厂"))
    case = await the_case(config, case_no)
    assert "一年多" in case.description and "滞纳金是我出" not in case.description, \
        case.description
    assert case.employer == "广州宏达电子厂", case.employer


async def test_h03_a_medical_question_at_the_phone_question_keeps_the_phone_asked(
        platform, config):
    openid = "c12-h03"
    await ask_until(platform, openid,
                            await say(platform, openid, "公司一年多没给我交社保了"), "电话")
    before = kept(await slots_of(config, openid))
    nxt = await say(platform, openid, "社保断缴了 看病医保还能报销吗")
    helpful(nxt)
    assert "电话" in nxt, nxt
    after = kept(await slots_of(config, openid))
    assert after == before and "phone" not in after, after


async def test_h04_a_question_at_the_summary_does_not_lose_the_confirmation(platform, config):
    openid = "c12-h04"
    summary = await finish_form(platform, openid,
                                await say(platform, openid, "公司一年多没给我交社保了"), ANSWERS)
    assert SUMMARY in summary
    nxt = await say(platform, openid, "登记以后一般多久有人处理")
    helpful(nxt)
    case_no = await confirm(platform, openid)
    assert "一年多" in (await the_case(config, case_no)).description


# --- 9. the same matter filed twice ------------------------------------------------------------

async def _filed_once(platform, openid: str) -> str:
    return await file_from(platform, openid,
                           await say(platform, openid, "广州宏达电子厂从去年三月没给我交社保"))


async def test_i01_the_same_story_again_is_offered_as_a_supplement(platform, config):
    openid = "c12-i01"
    case_no = await _filed_once(platform, openid)
    reply = await say(platform, openid, "宏达电子厂从去年三月开始一直没给我交社保 你们快管管")
    helpful(reply)
    assert case_no in reply and ("补充" in reply or SAME in reply), reply
    assert len(await cases_of(config, openid)) == 1


async def test_i02_saying_it_is_the_same_at_confirmation_makes_no_second_case(platform,
                                                                              config):
    openid = "c12-i02"
    case_no = await _filed_once(platform, openid)
    reply = await say(platform, openid, "我要再登记一次 公司还是没交社保")
    for _ in range(12):
        if SAME in reply or SUMMARY in reply or case_no in reply:
            break
        reply = await say(platform, openid, next(a for c, a in ANSWERS.items() if c in reply))
    if SUMMARY in reply:
        reply = await say(platform, openid, "确认")
    if SAME in reply:
        reply = await say(platform, openid, "1 是同一件事")
    helpful(reply)
    assert [c.case_no for c in await cases_of(config, openid)] == [case_no], reply


async def test_i03_that_same_matter_named_again_points_to_the_case(platform, config):
    openid = "c12-i03"
    case_no = await _filed_once(platform, openid)
    reply = await say(platform, openid, "还是那个宏达电子厂不交社保的事 我再登记一次")
    helpful(reply)
    assert case_no in reply, reply
    assert len(await cases_of(config, openid)) == 1


# --- 10. swearing at the bot -------------------------------------------------------------------

async def test_j01_abuse_alone_gets_a_calm_offer_and_nothing_stored(platform, config):
    openid = "c12-j01"
    reply = await say(platform, openid, "你们这帮废物 什么破机器人 一点用都没有")
    helpful(reply)
    assert "废物" not in reply, reply
    assert not (await draft_of(config, openid)).get("description")


async def test_j02_abuse_with_a_dispute_in_it_is_filed(platform, config):
    openid = "c12-j02"
    reply = await say(platform, openid, "他妈的 公司三年没给老子交社保 你们到底管不管")
    slots = await draft_of(config, openid)
    filed(reply, slots, "employer_arrears")
    assert "三年" in slots["description"], slots


async def test_j03_swearing_at_the_phone_question_is_no_answer(platform, config):
    openid = "c12-j03"
    await ask_until(platform, openid, await say(platform, openid, "公司一年多没给我交社保了"),
                    "电话")
    before = kept(await slots_of(config, openid))
    reply = await say(platform, openid, "问问问 烦死了 你有病吧")
    helpful(reply)
    assert "电话" in reply, reply
    assert kept(await slots_of(config, openid)) == before


async def test_j04_swearing_after_filing_is_about_the_case_not_a_new_form(platform, config):
    openid = "c12-j04"
    case_no = await _filed_once(platform, openid)
    reply = await say(platform, openid, "都登记了还没人理 垃圾")
    helpful(reply)
    assert CATEGORY_Q not in reply and SUMMARY not in reply, reply
    assert case_no in reply or "登记" in reply, reply
    assert [c.case_no for c in await cases_of(config, openid)] == [case_no]


# --- 11. traditional characters and half-English ------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("公司一直沒有幫我繳社保 已經半年了", "employer_arrears"),
    ("老闆說我的繳費基數按最低的報 工資八千 只按三千多繳", "contribution_base"),
    ("boss不给我交social insurance 已经3个月了", "employer_arrears"),
    ("my company no pay 社保 for me, 6 months了", "employer_arrears"),
])
async def test_k01_traditional_or_half_english_stories_are_filed(platform, config, message,
                                                                  category):
    openid = f"c12-k01-{len(message)}-{ord(message[0])}"
    reply = await say(platform, openid, message)
    filed(reply, await draft_of(config, openid), category)


async def test_k02_a_traditional_town_name_is_the_place(platform, config):
    openid = "c12-k02"
    await ask_until(platform, openid, await say(platform, openid, "公司一直沒有幫我繳社保"),
                    "哪个区")
    reply = await say(platform, openid, "新塘鎮")
    helpful(reply)
    assert (await slots_of(config, openid)).get("jurisdiction") == "新塘镇", reply


# --- 12. asking for a person ------------------------------------------------------------------

@pytest.mark.parametrize("message", ["人工", "转人工", "我要找真人"])
async def test_l01_a_person_asked_for_first_asks_for_a_phone(platform, config, message):
    openid = f"c12-l01-{len(message)}"
    reply = await say(platform, openid, message)
    helpful(reply)
    assert reply_kind(reply) == "human" and "电话" in reply, reply


async def test_l02_a_real_person_asked_for_mid_form_keeps_the_story(platform, config):
    openid = "c12-l02"
    await ask_until(platform, openid,
                    await say(platform, openid, "宏达电子厂一年多没给我交社保了"), "单位")
    reply = await say(platform, openid, "我要找真人 不想跟机器说")
    helpful(reply)
    assert "人工" in reply or "回电" in reply or "联系" in reply or "工作人员" in reply, reply
    cases = await cases_of(config, openid)
    stories = [c.description for c in cases] + [(await draft_of(config, openid))
                                                .get("description") or ""]
    assert any("一年多" in s for s in stories), stories


async def test_l03_a_person_and_a_phone_in_one_message_gets_a_call_back(platform, config,
                                                                       fake_webhook):
    openid = "c12-l03"
    reply = await say(platform, openid, f"我要找真人 别让机器回我了 我电话{PHONE} 新塘镇的")
    helpful(reply)
    assert PHONE not in reply, reply
    [case] = await cases_of(config, openid)
    assert case.needs_callback and case.phone == PHONE, case
    card = (await wait_group(fake_webhook, group(case.lead_agency), case.case_no))[-1]
    assert MASKED in card and PHONE not in card, card
