"""First messages, sixth round: what a WeChat account really receives first and earlier rounds
under-represent — events (a follow from a poster's scene QR code, an unfollow, a click on a
menu key the bot no longer has), a location, a shared link, a mini-program card, a short
video, a lone photo; one-word asks (人工, 客服, 电话多少, 地址在哪, 上班时间), a complaint about
the service itself, thanks, "this is useless", a greeting at night, all-caps pinyin, emoji
storms, a bare case number, a bare "?", a liaison or government worker writing to the
payers' account, and a lawyer writing for a client. Written before the handlers were read;
each message goes through the real gateway from a fresh openid.
Unchanged code failed 14 of 50; four of those probes asked for the wrong reply and were
corrected (thanks answered "好的。还有其他问题…" is right though it names 已登记事项; a greeting
at night gets "您好，我在…社保费问题" without the menu word): 10 of 50, plus the guards of
section 6 (a staff member telling their own unpaid contributions is a payer)."""
from __future__ import annotations

import re
import zlib

import pytest

from bot.simulator import event_xml, image_xml, message_xml
from tests.test_chat_fresh import draft_of
from tests.test_chat_fresh2 import FALLBACK
from tests.test_dialogue import say
from tests.test_first_messages import OUT_OF_SCOPE

OFFER = "反映问题"
PHONE_SHAPE = re.compile(r"1[3-9]\d{9}")


def oid(prefix: str, message: str) -> str:
    return f"f6-{prefix}-{zlib.crc32(message.encode())}"


async def first(platform, config, prefix: str, message: str) -> tuple[str, dict]:
    openid = oid(prefix, message)
    reply = await say(platform, openid, message)
    return reply, await draft_of(config, openid)


async def post(platform, xml: str) -> str:
    delivery = await platform.post(xml)
    assert delivery.status == 200, delivery.body
    return delivery.reply or ""


# --- 1. events and non-text messages as the first thing the account receives --------------

@pytest.mark.parametrize("key", ["qrscene_xintang_window", "qrscene_20261101", "qrscene_"])
async def test_a_follow_from_a_scene_qr_code_gets_the_welcome(platform, config, key):
    openid = oid("qr", key)
    reply = await post(platform, event_xml(openid, "subscribe", key))
    assert OFFER in reply and FALLBACK not in reply, reply
    assert not (await draft_of(config, openid)).get("description")


async def test_an_unfollow_is_never_answered(platform, config):
    openid = oid("unsub", "x")
    delivery = await platform.post(event_xml(openid, "unsubscribe", ""))
    assert delivery.status == 200 and not delivery.reply, delivery.reply
    assert not await draft_of(config, openid)


@pytest.mark.parametrize("key", ["V1001_TODAY_NEWS", "MENU_2019_OLD", "btn_unknown_77"])
async def test_a_click_on_an_unknown_menu_key_shows_what_the_bot_does(platform, key):
    reply = await post(platform, event_xml(oid("click", key), "CLICK", key))
    assert OFFER in reply and FALLBACK not in reply, reply


async def test_a_location_first_says_what_to_do_and_starts_nothing(platform, config):
    openid = oid("loc", "first")
    reply = await post(platform, message_xml(openid, "location", {
        "Location_X": "23.2906", "Location_Y": "113.8237", "Scale": "16",
        "Label": "广东省广州市增城区荔城街道"}))
    assert reply and OFFER in reply and FALLBACK not in reply, reply
    assert not (await draft_of(config, openid)).get("description")


@pytest.mark.parametrize("msg_type,fields", [
    ("link", {"Title": "社保断缴三个月会怎样？", "Description": "一文看懂",
              "Url": "https://mp.weixin.qq.com/s/abc"}),
    ("miniprogrampage", {"Title": "粤税通", "AppId": "wxabc", "PagePath": "pages/home",
                         "ThumbUrl": "http://127.0.0.1/t", "ThumbMediaId": "tm"}),
    ("shortvideo", {"MediaId": "sv1", "ThumbMediaId": "sv1t"})])
async def test_a_card_link_or_short_video_first_asks_for_words(platform, config, msg_type,
                                                               fields):
    openid = oid("card", msg_type)
    reply = await post(platform, message_xml(openid, msg_type, fields))
    assert reply and FALLBACK not in reply, reply
    assert "文字" in reply or OFFER in reply, reply
    assert not (await draft_of(config, openid)).get("description")


async def test_a_lone_photo_first_asks_what_it_is_about(platform, config):
    openid = oid("photo", "first")
    reply = await post(platform, image_xml(openid, "pic-first-1"))
    assert reply and FALLBACK not in reply, reply
    assert OFFER in reply or "什么问题" in reply or "说明" in reply, reply


# --- 2. one-word asks: a person, a phone, an address, office hours ------------------------

@pytest.mark.parametrize("message", ["人工", "客服", "人工客服！", "有没有真人"])
async def test_a_person_asked_for_in_one_word_gets_the_call_back(platform, config, message):
    reply, _ = await first(platform, config, "human", message)
    assert FALLBACK not in reply and "电话" in reply, reply


@pytest.mark.parametrize("message", ["电话多少", "你们电话是多少", "联系电话"])
async def test_the_offices_phone_asked_is_answered_without_inventing_one(platform, config,
                                                                        message):
    reply, slots = await first(platform, config, "tel", message)
    assert FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply
    assert "专窗" in reply or "回电" in reply or "致电" in reply, reply
    assert not PHONE_SHAPE.search(reply) and not slots.get("description"), reply


@pytest.mark.parametrize("message", ["地址在哪", "你们在哪办公", "上班时间", "几点下班啊",
                                     "周六上班吗"])
async def test_where_and_when_are_answered_from_the_seeds(platform, config, message):
    reply, slots = await first(platform, config, "where", message)
    assert FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply
    assert "专窗" in reply, reply
    assert not slots.get("description"), reply


# --- 3. the service itself: complaint, thanks, useless, night greeting --------------------

@pytest.mark.parametrize("message", ["投诉你们", "我要投诉你们这个公众号"])
async def test_a_complaint_about_the_service_is_not_an_employer_case(platform, config,
                                                                    message):
    """投诉你们 alone says nothing of what happened: the form starts and asks for it."""
    reply, slots = await first(platform, config, "svc", message)
    assert FALLBACK not in reply and "请用几句话" in reply or slots.get("description"), reply
    assert "单位名称" not in reply and slots.get("category") not in (
        "employer_arrears", "contribution_base"), (slots, reply)


@pytest.mark.parametrize("message", ["谢谢 解决了", "好的 谢谢你们", "问题已经解决了 谢谢"])
async def test_thanks_with_nothing_open_is_a_short_thanks(platform, config, message):
    reply, slots = await first(platform, config, "thx", message)
    assert reply and FALLBACK not in reply and not slots.get("description"), reply
    assert "请用几句话" not in reply and "哪个区" not in reply, reply


@pytest.mark.parametrize("message", ["你们这个没用", "什么破玩意 一点用都没有"])
async def test_this_is_useless_gets_a_calm_reply_and_a_person(platform, config, message):
    reply, slots = await first(platform, config, "useless", message)
    assert FALLBACK not in reply and not slots.get("description"), reply
    assert "人工" in reply or "电话" in reply, reply


@pytest.mark.parametrize("message", ["晚上好 还有人吗", "半夜了 有人在吗", "早上好"])
async def test_a_greeting_at_any_hour_is_answered_at_once(platform, config, message):
    reply, slots = await first(platform, config, "hi", message)
    assert "我在" in reply and "社保" in reply and FALLBACK not in reply, reply
    assert not slots.get("description"), reply


# --- 4. all-caps pinyin and emoji storms ---------------------------------------------------

@pytest.mark.parametrize("message,category", [
    ("GONGSI BU GEI WO JIAO SHEBAO", "employer_arrears"),
    ("LAOBAN MEI JIAO SHEBAO ZENME BAN", "employer_arrears")])
async def test_all_caps_pinyin_is_read(platform, config, message, category):
    reply, slots = await first(platform, config, "caps", message)
    assert FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply
    assert slots.get("category") == category or OFFER in reply, (slots, reply)


@pytest.mark.parametrize("message", ["😡😡😡公司不给交社保😭😭😭", "🙏🙏求助 社保断了半年了 😭😭",
                                     "💢💢💢老板扣了社保钱又不交💢💢"])
async def test_emoji_around_a_complaint_are_ignored(platform, config, message):
    reply, slots = await first(platform, config, "emoji", message)
    assert FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply
    assert slots.get("description") or OFFER in reply, (slots, reply)


# --- 5. a bare case number, a bare ?, a lone symbol ---------------------------------------

@pytest.mark.parametrize("message", ["ZY20261120-0003", "zy20261120-0003", "ZY202611200003"])
async def test_a_bare_case_number_is_looked_up(platform, config, message):
    reply, slots = await first(platform, config, "no", message)
    assert FALLBACK not in reply and not slots.get("description"), reply
    assert "没有找到" in reply or "未找到" in reply or "查不到" in reply or "登记过" in reply, reply


@pytest.mark.parametrize("message", ["?", "？", "？？？"])
async def test_a_bare_question_mark_shows_what_the_bot_does(platform, config, message):
    reply, slots = await first(platform, config, "qm", message)
    assert OFFER in reply and not slots.get("description"), reply


# --- 6. not a payer: liaison, government worker, lawyer ------------------------------------

@pytest.mark.parametrize("message", ["我是新塘镇的联络员 怎么看案子", "我是税务局的工作人员 想看看这个系统",
                                     "我是人社局的 怎么处理你们推过来的件"])
async def test_a_liaison_or_official_is_sent_to_the_console(platform, config, message):
    reply, slots = await first(platform, config, "staff", message)
    assert FALLBACK not in reply and not slots.get("description"), reply
    assert "单位名称" not in reply and ("企业微信" in reply or "工作台" in reply
                                       or "console" in reply or "联络员" in reply), reply


async def test_a_lawyer_for_a_client_is_registered_as_the_clients_case(platform, config):
    reply, slots = await first(
        platform, config, "lawyer",
        "您好 我是律师 受当事人委托 其所在公司2022年至今一直未给他缴纳社保 请问如何投诉")
    assert FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply
    assert slots.get("category") == "employer_arrears" or OFFER in reply, (slots, reply)


async def test_a_lawyer_asking_only_the_procedure_is_answered(platform, config):
    reply, slots = await first(platform, config, "lawyer2",
                               "律师咨询 社保费争议你们受理的流程和时限是怎样的")
    assert FALLBACK not in reply and OUT_OF_SCOPE not in reply, reply
    assert not slots.get("description"), reply


@pytest.mark.parametrize("message", ["我是街道的工作人员 单位没给我交社保 怎么处理",
                                     "我是税务局的人 不过我老婆公司欠了她半年社保"])
async def test_a_staff_member_with_their_own_matter_is_a_payer(platform, config, message):
    reply, slots = await first(platform, config, "staffown", message)
    assert "工作台" not in reply and FALLBACK not in reply, reply
    assert slots.get("description") or OFFER in reply, (slots, reply)
