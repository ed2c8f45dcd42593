"""First messages, fourth round: what a payer's very first message gets, with no case and
no form yet — a greeting with the question in it, a story with no question, a question
about the payer's own record (this bot cannot see records), pasted notices, voice-to-text
fillers, traditional characters and mixed English, a relative or an HR person writing,
a student, a retiree, anger, "人工", a bare phone or ID number (never echoed), "who runs
this", and another office's matter. Written before the handlers were read; each message
goes through the real gateway from a fresh openid."""
from __future__ import annotations

import zlib

import pytest

from tests.test_chat_fresh import draft_of
from tests.test_chat_fresh2 import FALLBACK
from tests.test_dialogue import say
from tests.test_first_messages import OUT_OF_SCOPE

OFFER = "反映问题"
GREETING_ONLY = "您好，我在。请直接说说您遇到的社保费问题"


def oid(prefix: str, message: str) -> str:
    return f"f4-{prefix}-{zlib.crc32(message.encode())}"


async def first(platform, config, prefix: str, message: str) -> tuple[str, str]:
    openid = oid(prefix, message)
    reply = await say(platform, openid, message)
    return reply, (await draft_of(config, openid)).get("description") or ""


# --- 1. a greeting with the question in it answers the question --------------------------

@pytest.mark.parametrize("message,topic", [
    ("在吗 我想问下社保断了怎么办", "断"),
    ("你好，请问公司不给交社保可以去哪里反映", OFFER),
    ("有人吗？社保补缴要怎么弄", "补缴"),
    ("您好 打扰了 想问一下灵活就业社保怎么交", "灵活就业")])
async def test_a_greeting_with_a_question_is_not_only_greeted(platform, config, message, topic):
    reply, _ = await first(platform, config, "hiq", message)
    assert GREETING_ONLY not in reply and FALLBACK not in reply, reply
    assert topic in reply, reply


# --- 2. a story without a question starts the register (or asks what they want) ----------

@pytest.mark.parametrize("message", [
    "我在电子厂干了两年多 老板一直没给我买社保",
    "嗯 那个 就是 我们公司 嗯 一直都没给我们交那个社保 就是 从去年开始",
    "那个就是我之前那个单位啊 他就是社保只交了一半 然后我问他他也不理我",
    "公司沒給我繳社保已經一年了",
    "HR说公司这半年的social insurance都没交",
    "gongsi meiyou gei wo jiao shebao zenme ban",
    "我爸的厂没给他交社保",
    "帮我妈问一下 她单位断缴了她半年社保",
    "你们这破号有什么用 妈的 公司三年没给我交社保 投诉无门"])
async def test_a_story_of_unpaid_contributions_is_registered(platform, config, message):
    reply, description = await first(platform, config, "story", message)
    assert description or OFFER in reply, reply
    assert FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply


# --- 3. the payer's own record: say where it is looked up -------------------------------

@pytest.mark.parametrize("message", [
    "帮我看看我社保交了几年", "帮我查下我的社保交到哪个月了", "我社保一共交了多少钱 你查一下",
    "能不能查一下我的养老保险缴费记录", "我想知道我医保还有没有在交"])
async def test_a_question_about_ones_own_record_says_where_to_look(platform, config, message):
    reply, description = await first(platform, config, "record", message)
    assert not description, reply
    assert "看不到" in reply and "经办机构" in reply, reply
    assert FALLBACK not in reply, reply


@pytest.mark.parametrize("message", [
    "我查了一下社保记录 公司三个月没给我交", "帮我查查 公司为什么没给我交社保",
    "退休了才发现公司少交了五年社保 养老金少发了", "你看看 我们厂断缴了半年社保"])
async def test_a_record_that_shows_unpaid_months_is_still_registered(platform, config, message):
    reply, description = await first(platform, config, "record-story", message)
    assert description, reply
    assert "看不到" not in reply, reply


@pytest.mark.parametrize("message", ["帮我查一下我反映的社保问题进度", "帮我查下社保投诉的结果"])
async def test_a_progress_check_is_not_taken_for_a_record(platform, config, message):
    reply, _ = await first(platform, config, "record-progress", message)
    assert "看不到" not in reply and "登记过事项" in reply, reply


# --- 4. pasted and forwarded text ------------------------------------------------------

@pytest.mark.parametrize("message", [
    "【温馨提示】您单位2026年10月社会保险费尚未足额缴纳，请及时补缴。这个短信是真的吗",
    ("转发：用人单位应当自用工之日起三十日内为其职工向社会保险经办机构申请办理社会保险登记。"
     "我们公司三个月了都没给我办 这个说的对吗")])
async def test_pasted_text_with_a_question_is_answered(platform, config, message):
    reply, _ = await first(platform, config, "paste", message)
    assert FALLBACK not in reply and GREETING_ONLY not in reply, reply


# --- 5. someone not a worker: HR, a student, a retiree ---------------------------------

@pytest.mark.parametrize("message", [
    "我是公司HR 想问下新员工入职多久要给交社保",
    "我是大学生 城乡居民医保要在哪里交",
    "我退休了 养老金这个月怎么还没发"])
async def test_not_a_worker_gets_an_answer_not_a_complaint_form(platform, config, message):
    reply, description = await first(platform, config, "role", message)
    assert not description, reply
    assert FALLBACK not in reply, reply


async def test_the_hr_question_quotes_the_thirty_days(platform, config):
    reply, _ = await first(platform, config, "hr30", "我是公司HR 想问下新员工入职多久要给交社保")
    assert "三十日" in reply or "30日" in reply, reply


async def test_a_retiree_is_sent_to_12333(platform, config):
    reply, _ = await first(platform, config, "pension", "我退休了 养老金这个月怎么还没发")
    assert "12333" in reply, reply


# --- 6. anger with no dispute in it gets a calm way on ------------------------------------

@pytest.mark.parametrize("message", ["垃圾公众号 什么都问不到", "你们这些人就是不干活 气死我了"])
async def test_anger_alone_gets_a_way_on(platform, config, message):
    reply, description = await first(platform, config, "angry", message)
    assert not description, reply
    assert FALLBACK not in reply and ("转人工" in reply or OFFER in reply), reply


# --- 7. asking for a person -----------------------------------------------------------------

@pytest.mark.parametrize("message", ["人工", "客服", "转人工客服", "我要找真人", "有没有人工服务"])
async def test_asking_for_a_person_says_how(platform, config, message):
    openid = oid("human", message)
    reply = await say(platform, openid, message)
    assert (await draft_of(config, openid)).get("category") is None, reply
    assert FALLBACK not in reply and "电话" in reply and "工作人员" in reply, reply


# --- 8. a bare phone or ID number is never echoed -------------------------------------------

@pytest.mark.parametrize("message,number", [
    ("13812345678", "13812345678"), ("138 1234 5678", "1234 5678"),
    ("440183199001011234", "440183199001011234"),
    ("我的身份证号44018319900101123X", "44018319900101123X")])
async def test_a_bare_number_is_not_echoed_and_asks_what_they_want(platform, config, message,
                                                                   number):
    reply, _ = await first(platform, config, "number", message)
    assert number not in reply and number.replace(" ", "") not in reply, reply
    assert reply, message


# --- 9. what this account is -------------------------------------------------------------

@pytest.mark.parametrize("message", ["这是什么公众号", "你们是谁啊", "这个号是哪个部门在管的",
                                     "你是机器人吗"])
async def test_what_this_account_is_is_explained(platform, config, message):
    reply, description = await first(platform, config, "who", message)
    assert not description, reply
    assert "社保" in reply and FALLBACK not in reply, reply


# --- 10. another office's matter names who handles it, never a form ----------------------

@pytest.mark.parametrize("message,office", [
    ("工伤认定去哪里申请", "社会保险行政部门"),
    ("我想申请劳动仲裁 要怎么弄", "仲裁委员会"),
    ("公司没给我交公积金", "公积金"),
    ("公积金怎么提取", "公积金"),
    ("个税多扣了怎么退", "税务"),
    ("個人所得稅要怎么申报", "税务")])
async def test_another_offices_matter_is_sent_there(platform, config, message, office):
    reply, description = await first(platform, config, "office", message)
    assert not description, reply
    assert office in reply and FALLBACK not in reply, reply
