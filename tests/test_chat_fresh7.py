"""First messages, seventh round: a greeting wrapped round the problem, traditional characters,
English or half-English, a pasted chat log, a pasted salary slip, the same message sent again,
only digits, anger at the bot, "is this official / a scam", asking for a person, another
city's rules, the employer's side writing, pinyin of key terms (灵活就业, 医保, 滞纳金), and a
payer with an open case asking 怎么办 about the same matter again. Written before the handlers
were read; each message goes through the real gateway from a fresh openid.
Unchanged code failed 16 of 50; two of those probes asked for the wrong reply and were
corrected (a harm asked as 该怎么弄 with no case facts gets the answer and the offer to register;
"1" is the menu's 反映问题), and "之前反映的那个事 还是没解决 怎么搞" asks after the case (its
progress is right), so it became its own test and another restated matter took its place.
With the guards added while fixing: unchanged code fails 16 of 53."""
from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
import yaml

from bot.nlu import dataset
from tests.test_chat_fresh import draft_of
from tests.test_chat_fresh2 import FALLBACK
from tests.test_dialogue import say
from tests.test_dialogue_fresh22 import OFFER as SAME_MATTER
from tests.test_dialogue_fresh22 import registered
from tests.test_first_messages import OUT_OF_SCOPE

OFFER = "反映问题"
PHONE_SHAPE = re.compile(r"1[3-9]\d{9}")


def oid(prefix: str, message: str) -> str:
    return f"f7-{prefix}-{zlib.crc32(message.encode())}"


async def first(platform, config, prefix: str, message: str) -> tuple[str, dict]:
    openid = oid(prefix, message)
    reply = await say(platform, openid, message)
    return reply, await draft_of(config, openid)


def understood(reply: str) -> None:
    assert reply and FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply


# --- 1. an open case and the same matter asked again as 怎么办 / 咋办 / 咋整 / 怎么搞 -------------

@pytest.mark.parametrize("message", [
    "公司又没交社保了。。怎么办",
    "社保还是没给我交 咋办",
    "老板到现在还是不给交社保 咋整啊",
    "公司那边社保还是一分没交 怎么搞",
])
async def test_same_matter_asked_as_how_to_is_offered_as_supplement(platform, config, message):
    openid = oid("open", message)
    case_no = await registered(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and SAME_MATTER in reply, reply


async def test_another_category_told_again_is_not_offered_as_that_case(platform, config):
    openid = oid("open", "refund")
    case_no = await registered(platform, openid)
    reply = await say(platform, openid, "医保又被重复扣了一次 怎么办")
    assert SAME_MATTER not in reply and case_no not in reply and FALLBACK not in reply, reply


async def test_the_registered_matter_still_unsolved_shows_that_case(platform, config):
    """"之前反映的…还是没解决" asks after the case itself (a progress reading), not a new
    telling of the matter: the case and where it stands, with its number."""
    openid = oid("open", "chase")
    case_no = await registered(platform, openid)
    reply = await say(platform, openid, "之前反映的那个社保没交的事 还是没解决 怎么搞")
    assert case_no in reply and FALLBACK not in reply, reply


async def test_another_matters_question_with_an_open_case_is_answered(platform, config):
    openid = oid("open", "flex")
    await registered(platform, openid)
    reply = await say(platform, openid, "灵活就业人员的社保怎么交")
    assert SAME_MATTER not in reply and "灵活就业" in reply, reply


# --- 2. a greeting wrapped round the problem -------------------------------------------------

async def test_a_greeting_with_a_how_to_is_read_as_without_it(platform, config):
    """A harm asked as 该怎么弄 with no case facts gets the knowledge base's answer and the
    offer to register (README), greeting or not; the probe first asked for the form."""
    reply, slots = await first(platform, config, "greet",
                               "你好你好 想问下 我们公司一直没给我买社保 该怎么弄")
    understood(reply)
    assert slots.get("description") or OFFER in reply, (slots, reply)


@pytest.mark.parametrize("message", [
    "在吗？？我们厂老板每月扣社保的钱 但是我查了根本没交",
    "哈喽 打扰一下 单位给我交的社保基数比我实际工资低好多",
    "早上好领导 我是新塘镇一个厂的 厂里三个月没交社保了",
])
async def test_a_greeting_with_the_problem_starts_the_form(platform, config, message):
    reply, slots = await first(platform, config, "greet", message)
    understood(reply)
    assert slots.get("description"), reply


# --- 3. traditional characters ---------------------------------------------------------------

@pytest.mark.parametrize("message", ["老闆拖欠我們的社保費已經一年了",
                                     "我們廠的社保基數一直按最低的交 我工資有七千多"])
async def test_a_traditional_complaint_starts_the_form(platform, config, message):
    reply, slots = await first(platform, config, "trad", message)
    understood(reply)
    assert slots.get("description"), reply


@pytest.mark.parametrize("message,topic", [("請問靈活就業人員社保怎麼交", "灵活就业"),
                                           ("您好 請問滯納金是怎麼計算的", "滞纳金"),
                                           ("醫保斷繳了會有什麼影響", "医保")])
async def test_a_traditional_question_is_answered(platform, config, message, topic):
    reply, slots = await first(platform, config, "tradq", message)
    understood(reply)
    assert topic in reply and not slots.get("description"), reply


# --- 4. English and half-English ----------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "hello, my company did not pay my social insurance for 6 months",
    "Hi 我的employer一直没交social insurance",
    "我的社保被company停了 what can I do",
])
async def test_an_english_complaint_is_read(platform, config, message):
    reply, slots = await first(platform, config, "en", message)
    understood(reply)
    assert slots.get("description") or OFFER in reply, (slots, reply)


async def test_an_english_record_question_is_answered(platform, config):
    reply, slots = await first(platform, config, "enq", "how to check my shebao record")
    understood(reply)
    assert "查" in reply and not slots.get("description"), reply


async def test_is_this_official_in_english_is_answered(platform, config):
    reply, slots = await first(platform, config, "enoff", "Is this account official?")
    assert reply and FALLBACK not in reply and not slots.get("description"), reply


# --- 5. a pasted chat log and a pasted salary slip ------------------------------------------

@pytest.mark.parametrize("message", [
    "以下是我和HR的聊天记录：\nHR：公司现在困难，社保先停一下\n我：那什么时候补？\nHR：等有钱了再说",
    "老板 10:21\n社保下个月再说吧\n我 10:22\n都拖了三个月了\n老板 10:30\n再说",
])
async def test_a_pasted_chat_log_starts_the_form(platform, config, message):
    reply, slots = await first(platform, config, "log", message)
    understood(reply)
    assert slots.get("description") and slots.get("category") == "employer_arrears", \
        (slots, reply)


async def test_a_salary_slip_with_a_complaint_starts_the_form(platform, config):
    message = ("2026年10月工资条 基本工资：4500 加班费：1200 应发：5700 养老保险（个人）：-360 "
               "医疗保险（个人）：-90 失业保险：-11.4 实发：5238.6 每个月都扣了 但我查社保根本没交")
    reply, slots = await first(platform, config, "slip", message)
    understood(reply)
    assert slots.get("description") and slots.get("category") == "employer_arrears", \
        (slots, reply)


async def test_a_bare_salary_slip_asks_what_the_problem_is(platform, config):
    reply, _ = await first(platform, config, "slip0",
                           "工资条\n基本工资 3800\n社保扣款 -423.5\n实发 3376.5")
    assert reply and FALLBACK not in reply, reply
    assert OFFER in reply or "什么问题" in reply or "请用几句话" in reply, reply


# --- 6. the same message sent again --------------------------------------------------------

async def test_a_complaint_sent_twice_is_not_stored_as_the_next_answer(platform, config):
    openid = oid("twice", "complaint")
    await say(platform, openid, "老板不给我交社保")
    reply = await say(platform, openid, "老板不给我交社保")
    slots = await draft_of(config, openid)
    assert reply and FALLBACK not in reply, reply
    assert "不给我交" not in (slots.get("employer") or "") and \
        "不给我交" not in (slots.get("name") or ""), slots


async def test_hello_three_times_is_answered_each_time(platform, config):
    openid = oid("twice", "hello")
    replies = [await say(platform, openid, "在吗") for _ in range(3)]
    assert all(r and FALLBACK not in r for r in replies), replies
    assert not (await draft_of(config, openid)).get("description")


async def test_a_question_sent_twice_is_answered_twice(platform, config):
    openid = oid("twice", "question")
    replies = [await say(platform, openid, "灵活就业怎么交社保") for _ in range(2)]
    assert all("灵活就业" in r and FALLBACK not in r for r in replies), replies


# --- 7. only digits ---------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["1", "123", "5000", "2024 3 5"])
async def test_only_digits_show_what_the_bot_does(platform, config, message):
    """"1" is the menu's first line (反映问题): the form asks for the story, which is right;
    the probe first asked for the menu itself."""
    reply, slots = await first(platform, config, "num", message)
    assert OFFER in reply or "请用几句话" in reply, reply
    assert not slots.get("description"), reply


# --- 8. anger at the bot, a person asked for --------------------------------------------------

@pytest.mark.parametrize("message", ["你这个破机器人听不懂人话是吧",
                                     "答非所问 垃圾",
                                     "问了半天白问 浪费老子时间"])
async def test_anger_at_the_bot_gets_a_calm_reply_and_a_person(platform, config, message):
    reply, slots = await first(platform, config, "angry", message)
    assert reply and FALLBACK not in reply and not slots.get("description"), reply
    assert "人工" in reply or "电话" in reply, reply


@pytest.mark.parametrize("message", ["我要人工服务", "能不能找个真人跟我说",
                                     "人工人工人工", "转接人工客服谢谢"])
async def test_a_person_asked_for_gets_the_call_back(platform, config, message):
    reply, _ = await first(platform, config, "human", message)
    assert FALLBACK not in reply and "电话" in reply, reply


# --- 9. is this official, is this a scam, will my data leak --------------------------------

@pytest.mark.parametrize("message", ["这个公众号是官方的吗", "你们是不是骗子啊 还要我填电话",
                                     "这是政府弄的吗 靠谱吗"])
async def test_is_this_official_is_answered_with_who_runs_it(platform, config, message):
    reply, slots = await first(platform, config, "official", message)
    understood(reply)
    assert not slots.get("description"), reply
    assert any(w in reply for w in ("人社", "税务", "医保", "部门", "机制")), reply


async def test_will_my_data_leak_is_answered(platform, config):
    reply, slots = await first(platform, config, "leak", "在这里填的信息会不会泄露出去")
    understood(reply)
    assert not slots.get("description") and "保密" in reply, reply


# --- 10. another city's rules ------------------------------------------------------------------

@pytest.mark.parametrize("message", ["深圳的社保基数是多少", "我在东莞上班 东莞的公司没交社保 能在你们这投诉吗"])
async def test_another_city_is_told_what_this_account_covers(platform, config, message):
    reply, _ = await first(platform, config, "city", message)
    assert reply and FALLBACK not in reply, reply
    assert any(w in reply for w in ("增城", "当地", "所在地", "12333")), reply
    assert ("深圳" if "深圳" in message else "东莞") in reply, reply


# --- 11. the employer's side ------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "我们是用人单位 想给员工补缴前两年的社保 怎么办理",
    "我们公司被员工投诉没交社保了 接下来会怎么处理",
    "我是企业会计 单位的社保费在哪里申报缴纳",
    "我是老板 员工自己写了自愿放弃社保的声明 这样我还要给他交吗",
])
async def test_the_employer_side_is_answered_not_filed(platform, config, message):
    reply, slots = await first(platform, config, "boss", message)
    understood(reply)
    assert not slots.get("description") and "单位名称" not in reply, (slots, reply)


# --- 12. pinyin of key terms --------------------------------------------------------------------

@pytest.mark.parametrize("message,topic", [("yibao duanjiao le zenme ban", "医保"),
                                           ("zhinajin zenme suan de", "滞纳金"),
                                           ("linghuo jiuye yanglao zenme jiao", "灵活就业")])
async def test_pinyin_key_terms_are_read(platform, config, message, topic):
    reply, slots = await first(platform, config, "py", message)
    understood(reply)
    assert topic in reply and not slots.get("description"), reply


def test_the_pinyin_table_is_no_part_of_the_trained_models_data():
    """bot/nlu/pinyin.yaml is read without retraining: none of its words occurs in a file the
    model is trained from, so the cached model is what a retrain would give."""
    table = yaml.safe_load((Path(dataset.__file__).parent / "pinyin.yaml").read_text("utf-8"))
    trained = "\n".join(p.read_text("utf-8") for p in dataset.TRAINING_FILES
                        if p.name != "rules.yml").lower()
    rules = {str(k).lower() for k in dataset.load_rules()["replacements"]}
    for key in table:
        assert not re.search(rf"(?<![a-z]){re.escape(key)}(?![a-z])", trained), key
        assert key not in rules, key
