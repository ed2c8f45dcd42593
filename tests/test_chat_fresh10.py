"""First messages, tenth round: the first thing a payer sends the official account from a fresh
openid, and what the bot does with it. Elderly voice-to-text run-ons, migrant workers in
dialect, an employer's HR or accountant about the company's own dispute, relatives writing
for someone, a pasted story, a bare number or case number, swearing and threats, English and
pinyin, emoji and repeated punctuation, traditional characters. Filings are checked for the
category and the severity the seeds call for (group disputes, threats of extreme acts, large
sums and petitions are 重大). Written blind, before the handlers were read; the classifier's
intent, category and severity of these are in tests/test_nlu_fresh14.py.
Unchanged code failed 5 of 53 here (3 of 40 in the first batch, 2 of 13 in the second). Two
probes asked for the wrong thing and were rewritten (docstrings say why): the traditional
"怎麼辦" complaint and the pasted story whose HR said 全公司都这样."""
from __future__ import annotations

import pytest

from tests.test_chat_fresh import TEXTS, reply_kind
from tests.test_chat_fresh2 import FALLBACK
from tests.test_chat_fresh7 import OFFER, first, understood
from tests.test_chat_fresh8 import filed, filed_or_answered

NO_CASE_CHASED = TEXTS["chase_without_case"].splitlines()[0]


def filed_as(reply: str, slots: dict, category: str, severity: str) -> None:
    """The story is kept with its category and the triage the seeds call for."""
    filed(reply, slots, category)
    assert slots.get("severity", "general") == severity, (slots, reply)


# --- 1. greetings in many hands: greeted, nothing stored ------------------------------------

@pytest.mark.parametrize("message", [
    "喂 喂 有人吗",
    "在吗在吗！！！！",
    "你好呀😊😊",
    "您好 請問有人在嗎",
    "nihao",
    "Hi there",
])
async def test_a_greeting_is_greeted(platform, config, message):
    reply, slots = await first(platform, config, "r10-hi", message)
    assert reply_kind(reply) == "greeting", reply
    assert not slots.get("description"), (slots, reply)


# --- 2. policy questions: answered, nothing stored -----------------------------------------

@pytest.mark.parametrize("message", [
    "社保断了几个月 可以一次性补缴吗",
    "單位社保繳費基數是怎麼定的",
    "灵活就业人员医保每年啥时候交？？？",
    "滞纳金是怎么算的 一天万分之几",
])
async def test_a_policy_question_is_answered(platform, config, message):
    reply, slots = await first(platform, config, "r10-policy", message)
    understood(reply)
    assert reply_kind(reply) == "policy", reply
    assert not slots.get("description"), (slots, reply)


# --- 3. one payer's complaint: the form starts, category and severity right -----------------

@pytest.mark.parametrize("message,category,severity", [
    ("俺在工地干了两年 老板一分社保都没给俺交", "employer_arrears", "general"),
    (("我跟你说啊我在这个厂里面做了十几年了现在快退休了才发现他们社保一直按最低档给我交的"
      "我工资一直都是五六千的"), "contribution_base", "general"),
    ("帮我爸问一下 他厂里一直没给他交社保 他今年都58了", "employer_arrears", "general"),
    ("滞纳金凭什么收这么多！！！！！😤😤 我就晚了几天", "late_fee", "simple"),
    ("laoban bu gei wo jiao shebao", "employer_arrears", "general"),
    ("My employer has not paid my social insurance for 6 months", "employer_arrears",
     "general"),
    ("查社保记录发现2021年有5个月是空的 当时我明明在公司上班", "payment_record", "general"),
    ("他妈的老板又不交社保了 操", "employer_arrears", "general"),
])
async def test_a_payers_complaint_is_filed_with_its_triage(platform, config, message, category,
                                                          severity):
    reply, slots = await first(platform, config, "r10-file", message)
    filed_as(reply, slots, category, severity)


async def test_a_traditional_complaint_asked_as_what_to_do_is_filed_or_answered(platform,
                                                                              config):
    """Rewritten: the probe asked for the form, but the simplified "公司三个月没缴社保了 怎么办"
    gets the knowledge base's answer and the offer to register, as earlier rounds settled for a
    harm asked as 怎么办 with no case facts; traditional characters must read the same."""
    reply, slots = await first(platform, config, "r10-trad", "公司三個月沒繳社保了 怎麼辦")
    filed_or_answered(reply, slots, "employer_arrears")


# --- 4. the employer's side about its own dispute -------------------------------------------

@pytest.mark.parametrize("message,category,severity", [
    ("我们是企业HR 税务局核定我们公司的社保费比实际工资总额高了不少 想申请复核",
     "assessed_amount", "general"),
    ("我是公司会计 这个月单位社保费被扣了两次 多扣的钱怎么退回来", "refund", "simple"),
])
async def test_an_employers_own_dispute_is_filed(platform, config, message, category,
                                                 severity):
    reply, slots = await first(platform, config, "r10-boss", message)
    filed_as(reply, slots, category, severity)


# --- 5. major: many people, large sums, petitions -------------------------------------------

@pytest.mark.parametrize("message,count", [
    ("我们工地三十多个农民工 老板跑了 社保一分没交", 30),
    ("我们一百多个工友都签了联名信 反映公司两年没交社保", 100),
])
async def test_a_group_dispute_is_filed_as_major(platform, config, message, count):
    reply, slots = await first(platform, config, "r10-group", message)
    filed_as(reply, slots, "employer_arrears", "major")
    assert int(slots.get("headcount") or 0) >= count, slots


async def test_a_very_large_assessment_is_filed_as_major(platform, config):
    reply, slots = await first(platform, config, "r10-sum",
                               "税务局要我们企业补缴社保费一百二十多万 我们不认可这个数")
    filed_as(reply, slots, "assessed_amount", "major")


async def test_a_threat_to_petition_with_the_whole_village_is_taken_calmly(platform, config):
    reply, slots = await first(platform, config, "r10-petition",
                               "社保的事再不给解决 我们全村人一起去市政府上访")
    understood(reply)
    assert reply_kind(reply) in {"form", "calm"}, reply
    if slots.get("description"):
        assert slots.get("severity") == "major", slots


# --- 6. threats of extreme acts -------------------------------------------------------------

async def test_a_threat_of_dying_together_with_the_boss_gets_a_calm_firm_reply(platform, config):
    reply, _ = await first(platform, config, "r10-threat",
                           "公司欠我社保十几万 再不给补 我就跟老板同归于尽")
    assert reply_kind(reply) in {"threat", "distress"}, reply


@pytest.mark.parametrize("message", ["社保的事再没人管 我就喝农药", "活不下去了 社保断了病也看不起"])
async def test_words_of_self_harm_get_a_person_first(platform, config, message):
    reply, _ = await first(platform, config, "r10-harm", message)
    assert reply_kind(reply) == "distress", reply


# --- 7. a pasted whole story ----------------------------------------------------------------

async def test_a_pasted_story_starts_the_form(platform, config):
    """Corrected: the probe expected 一般, but the story says the HR told them 全公司都这样 — the
    whole company's base is short, a group the seeds' 重大疑难 (普遍性) triage is meant for."""
    story = ("事情是这样的：我叫王某，2018年7月入职某某物流有限公司当司机，合同上写月薪六千。"
             "公司一直是按广州最低缴费基数给我交的社保，我跟人事提过好几次，人事说全公司都这样，"
             "不愿意改的可以走人。今年我体检查出问题，想看看以后的养老金，才发现差了很多。"
             "我想问问我这种情况能不能要求公司按实际工资补交？谢谢！！")
    reply, slots = await first(platform, config, "r10-story", story)
    filed_as(reply, slots, "contribution_base", "major")


# --- 8. a bare number, a case number, progress ----------------------------------------------

@pytest.mark.parametrize("message", ["ZY20261101-0012", "案件编号ZY20261015-0007"])
async def test_a_case_number_from_a_stranger_is_not_found(platform, config, message):
    reply, slots = await first(platform, config, "r10-no", message)
    assert FALLBACK not in reply and not slots.get("description"), reply
    assert reply_kind(reply) == "progress", reply


@pytest.mark.parametrize("message", ["13800138000", "123456"])
async def test_a_bare_number_is_not_taken_for_a_story(platform, config, message):
    """A phone number or digits alone say nothing of a dispute: nothing is stored as the
    story, and the reply says what the account does."""
    reply, slots = await first(platform, config, "r10-digits", message)
    assert reply and not slots.get("description"), (slots, reply)
    assert OFFER in reply or reply_kind(reply) in {"greeting", "progress", "clarify"}, reply


@pytest.mark.parametrize("message", ["我前几天登记的那个 处理到哪了？？", "查下进度",
                                     "我上个月反映的社保问题 到底有没有人管啊"])
async def test_a_progress_check_gets_the_progress_reply(platform, config, message):
    reply, slots = await first(platform, config, "r10-prog", message)
    assert reply_kind(reply) == "progress" or NO_CASE_CHASED in reply, reply
    assert not slots.get("description"), (slots, reply)


# --- 9. polite declines and calm answers ----------------------------------------------------

@pytest.mark.parametrize("message", ["帮我查一下快递到哪了", "我想办护照 去哪办"])
async def test_a_matter_outside_the_account_is_declined(platform, config, message):
    reply, slots = await first(platform, config, "r10-out", message)
    assert reply and reply_kind(reply) in {"other", "policy", "clarify"}, reply
    assert not slots.get("description"), (slots, reply)


@pytest.mark.parametrize("message", ["你妈的 什么破系统", "傻X公众号！！！"])
async def test_swearing_alone_is_met_calmly(platform, config, message):
    reply, slots = await first(platform, config, "r10-swear", message)
    assert reply_kind(reply) == "calm", reply
    assert not slots.get("description"), (slots, reply)


# --- 10. second batch: Cantonese, emoji alone, run-on questions, more majors -----------------

@pytest.mark.parametrize("message,category", [
    ("老细唔帮我买社保 做咗三年啦", "employer_arrears"),
    ("我哋公司冇俾我哋供社保", "employer_arrears"),
    ("zhinajin tai gao le wo jiu wan jiao le ji tian", "late_fee"),
    ("我们是小微企业 社保费申报的时候系统一直报错提交不了 申报期马上过了", "system_failure"),
])
async def test_a_dialect_pinyin_or_employer_complaint_is_filed(platform, config, message,
                                                               category):
    reply, slots = await first(platform, config, "r10-more", message)
    filed(reply, slots, category)


@pytest.mark.parametrize("message", [
    "SOS 老板跑路了 社保没交工资也没发 我们四十几个人",
    "公司欠缴我们社保费加滞纳金一共五百多万 一直拖着",
    "再不给我们补社保 我就去找记者上电视曝光",
])
async def test_many_people_large_sums_or_the_press_are_major(platform, config, message):
    reply, slots = await first(platform, config, "r10-major", message)
    filed_as(reply, slots, "employer_arrears", "major")


async def test_an_elderly_run_on_question_is_answered(platform, config):
    reply, slots = await first(platform, config, "r10-old",
                               "那个那个我是想问一下退休以后医保还要不要交的我老伴说要交满多少年才行")
    understood(reply)
    assert reply_kind(reply) == "policy", reply
    assert not slots.get("description"), (slots, reply)


@pytest.mark.parametrize("message", ["😭😭😭", "？？？！！！"])
async def test_emoji_or_punctuation_alone_says_what_to_send(platform, config, message):
    reply, slots = await first(platform, config, "r10-sym", message)
    assert reply and FALLBACK not in reply and not slots.get("description"), (slots, reply)
    assert OFFER in reply or "登记" in reply or reply_kind(reply) == "greeting", reply
