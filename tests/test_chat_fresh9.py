"""First messages, ninth round: what a payer sends the official account first and what the
bot does with it. Very short pings (人呢, 在么亲, ?, 👋), policy questions in colloquial
words, complaints with typos, emoji, pinyin and dialect, complaints phrased as reproaches
(凭啥, 咋还不, 你们也不管管), "how do I complain" beside a harm, a complaint with a question,
group disputes (二十几个工友), an employer about its own dispute, voice-to-text run-ons and a
long story, adverts and spam, abuse. Written blind, before the handlers were read; each
message goes through the real gateway from a fresh openid. The classifier's intent, category
and severity of these are in tests/test_nlu_fresh13.py."""
from __future__ import annotations

import pytest

from tests.test_chat_fresh import TEXTS, reply_kind
from tests.test_chat_fresh7 import first, understood
from tests.test_chat_fresh8 import filed, filed_or_answered

NO_CASE_CHASED = TEXTS["chase_without_case"].splitlines()[0]

# --- 1. pings: greeted, nothing stored ------------------------------------------------------

@pytest.mark.parametrize("message", ["人呢", "在么亲", "?", "有人没有啊", "您好，打扰了", "hello"])
async def test_a_ping_is_greeted(platform, config, message):
    reply, slots = await first(platform, config, "r9-ping", message)
    assert reply_kind(reply) == "greeting", reply
    assert not slots.get("description"), (slots, reply)


async def test_a_waving_emoji_is_told_what_to_send(platform, config):
    """The probe asked for the greeting; the nod to an emoji (face_ack) also says what the
    account does, which is what the greeting is for."""
    reply, slots = await first(platform, config, "r9-ping", "👋")
    assert reply_kind(reply) in {"greeting", "thanks_or_ack"} and "登记" in reply, reply
    assert not slots.get("description"), (slots, reply)


# --- 2. policy questions: answered, nothing stored -----------------------------------------

@pytest.mark.parametrize("message", [
    "灵活就业社保咋交啊",
    "养老保险最少要交几年才能领",
    "社保断交了会有啥影响不",
    "个体户能自己交社保吗",
    "滞纳金是按天算的吗",
])
async def test_a_colloquial_policy_question_is_answered(platform, config, message):
    reply, slots = await first(platform, config, "r9-policy", message)
    understood(reply)
    assert reply_kind(reply) == "policy", reply
    assert not slots.get("description"), (slots, reply)


# --- 3. complaints with emoji, typos, pinyin and dialect start the form ---------------------

@pytest.mark.parametrize("message,category", [
    ("老板不交社保😡😡 都干一年了", "employer_arrears"),
    ("俺厂子社保拖了八个月没交了", "employer_arrears"),
    ("单位给我交的社保基数按最低的 我工资7k+", "contribution_base"),
    ("gongsi shebao jishu bao de tai di", "contribution_base"),
    ("医保这个月被扣了两遍 钱要退给我", "refund"),
    ("晚交了三天就收了我好几百滞纳金 太离谱了", "late_fee"),
    ("社保缴费记录少了2019年一整年 那年我一直在厂里上班", "payment_record"),
    ("电子税务局交社保一直转圈圈 交不进去 今天最后一天了", "system_failure"),
    ("办事大厅那个工作人员态度恶劣 还骂人", "service_complaint"),
])
async def test_a_complaint_starts_the_form_with_its_category(platform, config, message,
                                                            category):
    reply, slots = await first(platform, config, "r9-file", message)
    filed(reply, slots, category)


# --- 4. reproaches: a complaint phrased as "why" -------------------------------------------

@pytest.mark.parametrize("message", [
    "咱厂里的社保咋一直莫得交嘛",
    "老板凭啥不给我交社保",
    "为啥我们公司到现在都不给交社保啊？？",
    "你们也不管管 我们老板一年多没交社保了",
    "公司咋还不给俺上社保 都半年了",
])
async def test_a_reproach_about_ones_own_employer_is_a_complaint(platform, config, message):
    reply, slots = await first(platform, config, "r9-why", message)
    filed(reply, slots, "employer_arrears")


# --- 5. "how do I complain" beside a harm: the filing starts --------------------------------

@pytest.mark.parametrize("message", [
    "老板不给交社保 怎么投诉",
    "公司不交社保去哪里投诉",
    "单位一直不给买社保 我想举报 咋弄",
    "厂里欠了我半年社保 在哪反映",
])
async def test_how_to_complain_beside_a_harm_starts_the_filing(platform, config, message):
    """A payer who asks how to complain has decided to: the form starts with the story."""
    reply, slots = await first(platform, config, "r9-how", message)
    filed(reply, slots, "employer_arrears")


# --- 6. a complaint with a question ---------------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("公司欠了我半年社保 能让他们出滞纳金吗", "employer_arrears"),
    ("单位按最低基数给我交的 这样合法吗", "contribution_base"),
])
async def test_a_complaint_with_a_question_is_filed_or_answered(platform, config, message,
                                                               category):
    reply, slots = await first(platform, config, "r9-two", message)
    filed_or_answered(reply, slots, category)


# --- 7. groups: filed, and how many is kept -------------------------------------------------

@pytest.mark.parametrize("message,count", [
    ("我们二十几个工友社保都没交 老板跑路了", 20),
    ("全厂一百多号人 老板一直拖着社保不交", 100),
    ("我们车间八十来个人 社保都断了三个月", 80),
])
async def test_a_group_complaint_keeps_how_many(platform, config, message, count):
    reply, slots = await first(platform, config, "r9-group", message)
    filed(reply, slots, "employer_arrears")
    assert int(slots.get("headcount") or 0) >= count, slots


async def test_a_complaint_with_a_media_threat_is_still_filed(platform, config):
    reply, slots = await first(platform, config, "r9-media",
                               "公司三年没给交社保 再不解决我就发抖音曝光他们")
    filed(reply, slots, "employer_arrears")


# --- 8. an employer's own dispute, a run-on and a long story --------------------------------

async def test_an_employers_dispute_of_its_assessment_is_filed(platform, config):
    reply, slots = await first(platform, config, "r9-boss",
                               "我是公司老板 税务局给我们核定的社保费多算了好几个人 不合理")
    filed(reply, slots, "assessed_amount")


@pytest.mark.parametrize("message,category", [
    (("喂喂那个我想反映一下就是我们那个厂呢老板说效益不好社保先停一停然后就一直停到现在都"
      "快一年了我们问他他就说再等等"), "employer_arrears"),
    (("你好，我想说一下我的情况。我是2015年进的这家服装厂，一直干到现在，前几年社保都是正常交的，"
      "从去年三月份开始，厂里说订单少了，社保就先不交了，等有钱了再补。我们也没办法，就一直干着。"
      "现在已经一年多了，一分钱都没补上，我去问财务，财务说老板不在，找老板老板又说下个月。我今年"
      "都五十二了，再过几年就要退休，社保断了这么久我很着急，不知道该找谁，希望你们能帮帮我。"),
     "employer_arrears"),
])
async def test_a_run_on_or_long_story_starts_the_form(platform, config, message, category):
    reply, slots = await first(platform, config, "r9-long", message)
    filed(reply, slots, category)


# --- 9. adverts and spam: no form -----------------------------------------------------------

@pytest.mark.parametrize("message", [
    "兼职刷单 日结三百 加我微信",
    "代缴社保 价格优惠 加微信",
    "专业代办社保挂靠 包过 有需要私聊VX",
    "招聘普工 包吃住 月薪八千 有意者联系",
    "低价出售茅台 需要的私聊",
])
async def test_an_advert_is_no_form(platform, config, message):
    reply, slots = await first(platform, config, "r9-ad", message)
    assert reply and reply_kind(reply) in {"other", "clarify"}, reply
    assert not slots.get("description"), (slots, reply)


# --- 10. abuse alone is met calmly ----------------------------------------------------------

@pytest.mark.parametrize("message", ["垃圾公众号", "你们都是吃干饭的", "什么破玩意儿"])
async def test_abuse_alone_is_met_calmly(platform, config, message):
    reply, slots = await first(platform, config, "r9-abuse", message)
    assert reply_kind(reply) == "calm", reply
    assert not slots.get("description"), (slots, reply)


# --- 11. progress checks as a first message -------------------------------------------------

@pytest.mark.parametrize("message", ["上次登记的社保那个事有结果了吗", "我的案子到哪一步了",
                                     "反映的问题咋还没人回我"])
async def test_a_progress_check_gets_the_progress_reply(platform, config, message):
    """A chase from a payer with no case ("咋还没人回我") is told nothing is registered here
    (chase_without_case), which the probe first missed as a progress reply."""
    reply, slots = await first(platform, config, "r9-prog", message)
    assert reply_kind(reply) == "progress" or NO_CASE_CHASED in reply, reply
    assert not slots.get("description"), (slots, reply)


async def test_a_complaint_mentioning_wechat_is_no_advert(platform, config):
    """The advert word list must not catch a payer who mentions WeChat in a complaint."""
    reply, slots = await first(platform, config, "r9-wx",
                               "老板在微信群里说这个月开始不给我们交社保了")
    filed(reply, slots, "employer_arrears")
