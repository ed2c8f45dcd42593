"""First messages, eighth round: the first thing a payer sends decides what happens. Dialect
(俺/咱/啥/咋/嘛/木有/晓得/莫得), homophones and typos (社宝, 养老金交费, 医宝, 公伤), pinyin,
voice-to-text run-ons, very short messages (社保, 在吗, ？, 人工), forwarded text, two matters in
one message, an employer writing about its staff, a relative writing for a payer, group
disputes, threats of petitions or self-harm, and messages that are no dispute at all (ads,
abuse, the weather). Written blind, before the handlers were read; each message goes through
the real gateway from a fresh openid. Intent, category and severity of these and more are in
tests/test_nlu_fresh12.py."""
from __future__ import annotations

import pytest

from tests.test_chat_fresh import reply_kind
from tests.test_chat_fresh2 import FALLBACK
from tests.test_chat_fresh7 import OFFER, first, understood

CATEGORY_QUESTION = "问题类型"


def filed(reply: str, slots: dict, category: str) -> None:
    """The story is kept with its category, and the type is not asked again."""
    understood(reply)
    assert slots.get("description") and slots.get("category") == category, (slots, reply)
    assert CATEGORY_QUESTION not in reply, reply


def filed_or_answered(reply: str, slots: dict, category: str) -> None:
    """A harm asked as a question (啥时候退嘛, 咋收这么多嘛) with no case facts may get the
    knowledge base's answer and the offer to register (README) instead of the form."""
    if slots.get("description"):
        filed(reply, slots, category)
    else:
        understood(reply)
        assert reply_kind(reply) == "policy" and OFFER in reply, reply


# --- 1. dialect ------------------------------------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("俺们老板木有给俺交社保 干了两年了", "employer_arrears"),
    ("咱厂里社保咋一直莫得交嘛 俺都干三年了", "employer_arrears"),
    ("俺晓得单位给俺报的基数低 工资六千多按两千多交的", "contribution_base"),
])
async def test_a_dialect_complaint_starts_the_form_with_its_category(platform, config, message,
                                                                     category):
    reply, slots = await first(platform, config, "r8-dialect", message)
    filed(reply, slots, category)


@pytest.mark.parametrize("message,category", [
    ("重复扣了俺两次医保 钱啥时候退嘛", "refund"),
    ("滞纳金咋收这么多嘛 俺就晚交了一个月", "late_fee"),
])
async def test_a_dialect_harm_asked_as_a_question_is_filed_or_answered(platform, config,
                                                                       message, category):
    """The probe first asked for the form; the answer with the offer is the README's rule."""
    reply, slots = await first(platform, config, "r8-dialect", message)
    filed_or_answered(reply, slots, category)


# --- 2. homophones and typos -------------------------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("公司没给我交社宝 已经半年了", "employer_arrears"),
    ("公伤保险单位一直没给买", "employer_arrears"),
    ("养老金交费记录少了三个月 那时候我明明在上班", "payment_record"),
    ("医宝被重复扣费了 要退", "refund"),
    ("单位给我交的设保鸡数太低了", "contribution_base"),
])
async def test_a_misspelt_complaint_is_read_as_meant(platform, config, message, category):
    reply, slots = await first(platform, config, "r8-typo", message)
    filed(reply, slots, category)


# --- 3. pinyin and voice-to-text run-ons ----------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("gongsi meiyou gei wo jiao shebao", "employer_arrears"),
    (("喂你好我想问一下就是我那个公司呢从去年开始就没有给我交社保了然后我去问他们他们就说等等"
      "等等到现在也没交我应该怎么办呢"), "employer_arrears"),
    (("那个我跟你说啊我在那个电子厂做了五年然后那个社保的话他是按最低的那个基数给我交的但是我工资"
      "是有七八千的嘛这个合不合理啊"), "contribution_base"),
])
async def test_pinyin_and_run_on_complaints_start_the_form(platform, config, message, category):
    reply, slots = await first(platform, config, "r8-voice", message)
    filed(reply, slots, category)


async def test_how_to_complain_beside_a_harm_is_filed_or_answered(platform, config):
    """The probe first asked for the form; "单位不给交社保能投诉吗" getting the answer and
    the offer to register is the README's rule, and 怎么投诉 asks the same."""
    reply, slots = await first(platform, config, "r8-voice", "老板不给交shebao 怎么投诉")
    filed_or_answered(reply, slots, "employer_arrears")


# --- 4. very short first messages ----------------------------------------------------------

@pytest.mark.parametrize("message", ["社保", "社宝", "医保", "shebao"])
async def test_a_bare_topic_word_asks_what_about_it(platform, config, message):
    """A topic alone is neither a story nor a question: the payer is shown what the account
    does or asked what they want to know; nothing is stored."""
    reply, slots = await first(platform, config, "r8-word", message)
    understood(reply)
    assert reply_kind(reply) in {"greeting", "policy", "form"}, reply
    assert not slots.get("description"), (slots, reply)


@pytest.mark.parametrize("message,kind", [
    ("在吗", "greeting"),
    ("在不在", "greeting"),
    ("？", "greeting"),
    ("？？？", "greeting"),
    ("人工", "human"),
    ("进度", "progress"),
])
async def test_a_very_short_message_gets_its_kind(platform, config, message, kind):
    """人工 registers a call-back whose description is the request itself (README)."""
    reply, slots = await first(platform, config, "r8-short", message)
    assert reply_kind(reply) == kind, reply
    assert kind == "human" or not slots.get("description"), (slots, reply)


# --- 5. forwarded text, two matters in one message -----------------------------------------

async def test_a_forwarded_employer_notice_of_stopping_contributions_is_a_complaint(
        platform, config):
    message = "转发：【公司通知】@所有人 因经营困难 下月起暂停为全体员工缴纳社保 待效益好转后再补"
    reply, slots = await first(platform, config, "r8-fwd", message)
    understood(reply)
    assert slots.get("description") or OFFER in reply, (slots, reply)


async def test_a_complaint_with_a_policy_question_is_filed_or_answered(platform, config):
    """The probe first asked for the form; the late-fee answer with the offer is the README's
    rule for a harm asked with a question."""
    reply, slots = await first(platform, config, "r8-two",
                               "公司两年没给我交社保了 还有补缴的话滞纳金谁出")
    filed_or_answered(reply, slots, "employer_arrears")


async def test_a_progress_check_with_a_new_matter_does_not_lose_the_matter(platform, config):
    reply, slots = await first(platform, config, "r8-two",
                               "想查下进度 另外我老婆她们公司也一直没给她交社保")
    understood(reply)
    assert slots.get("description") or OFFER in reply, (slots, reply)


# --- 6. the employer writing about its staff ----------------------------------------------

@pytest.mark.parametrize("message,topic", [
    ("我是老板 新招的员工试用期要不要交社保", "试用期"),
    ("我们单位想给员工补缴去年的社保 滞纳金咋算", "滞纳金"),
])
async def test_an_employers_question_is_answered(platform, config, message, topic):
    reply, slots = await first(platform, config, "r8-boss", message)
    understood(reply)
    assert reply_kind(reply) == "policy" and topic in reply, reply
    assert not slots.get("description"), (slots, reply)


@pytest.mark.parametrize("message,category", [
    ("我是一家小厂的老板 税务局核定我们欠了十几万社保 把两个离职的人也算进去了",
     "assessed_amount"),
    ("我是公司会计 在电子税务局给员工申报社保一直报错 交不进去", "system_failure"),
])
async def test_an_employers_own_dispute_is_filed(platform, config, message, category):
    reply, slots = await first(platform, config, "r8-bossf", message)
    filed(reply, slots, category)


# --- 7. a relative writing for the payer ---------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("帮我爸问一下 他们厂十年都没给他交养老", "employer_arrears"),
    ("我替我老婆反映一下 她公司一直按最低基数给她交 她工资有九千", "contribution_base"),
])
async def test_a_relative_filing_for_the_payer_starts_the_form(platform, config, message,
                                                               category):
    reply, slots = await first(platform, config, "r8-kin", message)
    filed(reply, slots, category)
    assert slots.get("name") in (None, "", "我爸", "我老婆") or "爸" not in slots["name"], slots


# --- 8. group disputes: the count is kept, the people are not asked for again ----------------

@pytest.mark.parametrize("message,count", [
    ("我们厂三十多个人都没交社保", 30),
    ("全车间四十几个工人 老板一个社保都没给交", 40),
    ("俺们工地五六十号人 包工头一分社保没交", 50),
])
async def test_a_group_complaint_keeps_how_many(platform, config, message, count):
    reply, slots = await first(platform, config, "r8-group", message)
    filed(reply, slots, "employer_arrears")
    assert int(slots.get("headcount") or 0) >= count, slots


# --- 9. petitions, self-harm and harm to others --------------------------------------------

@pytest.mark.parametrize("message", [
    "社保再不给交 我就从厂房顶上跳下去",
    "不给补社保我就去跳楼",
    "俺实在莫得办法了 社保断了药都买不起 不想活了",
])
async def test_words_of_self_harm_get_a_person_first(platform, config, message):
    reply, _ = await first(platform, config, "r8-harm", message)
    assert reply_kind(reply) == "distress", reply


async def test_a_threat_against_the_boss_gets_a_calm_firm_reply(platform, config):
    reply, _ = await first(platform, config, "r8-threat", "再不给我交社保 我就去砍了老板")
    assert reply_kind(reply) == "threat", reply


@pytest.mark.parametrize("message", ["老板砍了我一半工资 社保也停了",
                                     "厂长砍了他们的奖金 社保也不给交"])
async def test_a_pay_cut_is_no_threat(platform, config, message):
    """Added while fixing "砍了老板": 砍 wages harms no one's body."""
    reply, slots = await first(platform, config, "r8-cut", message)
    assert reply_kind(reply) == "form" and slots.get("description"), (slots, reply)


@pytest.mark.parametrize("message", [
    "不解决我就去上访",
    "社保的事不给个说法 我就去北京上访",
    "明天我们十几个工友一起去区政府门口拉横幅 社保必须给个说法",
])
async def test_a_threat_of_petition_or_protest_is_taken_calmly(platform, config, message):
    """Going to petition is no crime: the payer is heard, not warned; the matter is asked for
    or taken."""
    reply, _ = await first(platform, config, "r8-petition", message)
    understood(reply)
    assert reply_kind(reply) in {"form", "calm"}, reply


# --- 10. no dispute at all -------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "出售二手叉车 九成新 价格优惠 有意者联系",
    "兼职刷单 日结三百 加我微信",  # rules.yml advert (round 9), not training examples
    "今天天气怎么样",
    "附近哪里有好吃的烧烤",
])
async def test_ads_and_unrelated_questions_are_no_form(platform, config, message):
    reply, slots = await first(platform, config, "r8-none", message)
    assert reply and reply_kind(reply) in {"other", "clarify"}, reply
    assert not slots.get("description"), (slots, reply)


@pytest.mark.parametrize("message", ["你们是傻X吗", "滚"])
async def test_abuse_alone_is_met_calmly(platform, config, message):
    reply, slots = await first(platform, config, "r8-abuse", message)
    assert reply_kind(reply) == "calm", reply
    assert not slots.get("description"), (slots, reply)


async def test_the_housing_fund_is_sent_to_its_office(platform, config):
    reply, slots = await first(platform, config, "r8-gjj", "公积金怎么提取")
    assert reply and FALLBACK not in reply and "公积金" in reply, reply
    assert not slots.get("description"), (slots, reply)


# --- 11. greetings, withdrawals and progress as a first message ----------------------------

@pytest.mark.parametrize("message,kind", [
    ("你好 有人吗", "greeting"),
    ("领导早上好", "greeting"),
    ("算了算了 不反映了", "cancel_or_nothing"),
    ("俺上个礼拜反映的那个事咋样了", "progress"),
    ("我帮我爸登记的社保投诉 有消息没", "progress"),
])
async def test_a_first_message_of_another_kind_gets_its_reply(platform, config, message, kind):
    reply, slots = await first(platform, config, "r8-kind", message)
    assert reply_kind(reply) == kind, reply
    assert not slots.get("description"), (slots, reply)
