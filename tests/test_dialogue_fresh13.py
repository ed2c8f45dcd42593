"""Misreadings found by persona probing, blind round 13: voice-to-text without punctuation,
elderly payers answering several questions at once, numbers typed with spaces, dashes or +86,
ID numbers typed in groups, late corrections, a domestic helper, a delivery rider, a factory
that went bankrupt, a role named before the name, amounts like 2.3k and dates like 前年3月到去年底.
Each persona is driven through the real encrypted gateway."""
from __future__ import annotations

import io
import logging

import pytest

from bot.logging_setup import setup_logging
from bot.store.models import Case
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_robustness import slots_of, to_question

ID_SPACED = "1101 0519 9003 0712 39"
ID_PLAIN = "110105199003071239"


async def summary(platform, openid: str, reply: str, **answers) -> str:
    """Answer the remaining questions with the defaults (or ``answers`` by cue)."""
    return await finish_form(platform, openid, reply, {**ANSWERS, **answers})


async def registered(platform, config, openid: str) -> Case:
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    return case


# --- voice-to-text: no punctuation, homophones ------------------------------------------------

async def test_p01_voice_run_on_with_homophone_fills_the_form(platform, config):
    openid = "f13-p01"
    reply = await say(platform, openid, "我在荔城街道的顺发五金厂干了三年厂里一直不给买社宝"
                                        "我叫李明电话13812345678要求补缴")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李明" and slots.get("phone") == "13812345678", slots
    assert "顺发五金厂" in (slots.get("employer") or ""), slots
    assert slots.get("jurisdiction") == "荔城街道", slots
    assert "称呼" not in reply and "电话" not in reply.split("？")[-1], reply


async def test_p02_voice_homophone_question_gets_the_policy_answer(platform, config):
    """A question ("…这个对吗") typed with 社宝 for 社保 is answered, with how to register."""
    reply = await say(platform, "f13-p02", "老板说试用期不用交社宝这个对吗我都干了半年了")
    assert "试用期" in reply and "反映问题" in reply, reply


# --- several answers in one message --------------------------------------------------------------

async def test_p03_elderly_answers_several_questions_at_the_unit_question(platform, config):
    openid = "f13-p03"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "厂子叫宏达电子厂 在新塘镇 我叫王秀英 电话13800138000")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "宏达电子厂", slots
    assert slots.get("jurisdiction") == "新塘镇" and slots.get("name") == "王秀英", slots
    assert slots.get("phone") == "13800138000", slots
    assert "称呼" not in reply and "哪个" not in reply, reply


async def test_p04_name_age_and_spaced_phone_at_the_name_question(platform, config):
    openid = "f13-p04"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我叫王秀英 今年68了 电话138 0013 8000")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "王秀英" and slots.get("phone") == "13800138000", slots
    assert "电话" not in reply or "几个人" in reply, reply


# --- phone numbers typed oddly -----------------------------------------------------------------

@pytest.mark.parametrize("answer", ["138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                    "+8613812345678", "（+86）138-1234-5678"])
async def test_p05_phone_with_spaces_dashes_or_country_code(platform, config, answer):
    openid = f"f13-p05-{len(answer)}-{answer[:2]}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("phone") == "13812345678", reply
    assert "几个人" in reply or "希望" in reply, reply


async def test_p06_phone_with_dashes_in_the_first_message(platform, config):
    openid = "f13-p06"
    reply = await say(platform, openid, "宏达电子厂没给我交社保，电话：138-1234-5678，我叫赵敏")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678" and slots.get("name") == "赵敏", slots
    text = await summary(platform, openid, reply)
    assert "138****5678" in text


# --- ID numbers typed in groups ------------------------------------------------------------------

async def test_p07_spaced_id_at_the_optional_question_is_read_and_stored(platform, config,
                                                                         fake_webhook):
    openid = "f13-p07"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, f"身份证 {ID_SPACED}")
    slots = await slots_of(config, openid)
    assert slots.get("id_number") == ID_PLAIN, (slots, reply)
    assert slots.get("period") is None and slots.get("amount") is None, slots
    text = await summary(platform, openid, reply)
    assert "0519 9003" not in text and "051990030" not in text, text
    case = await registered(platform, config, openid)
    assert case.id_number == ID_PLAIN
    posts = await fake_webhook.posts.wait_for(2)
    assert all("0519" not in str(p) for p in posts)


async def test_p08_lowercase_x_id_in_the_first_message(platform, config):
    openid = "f13-p08"
    await say(platform, openid, "我身份证11010519491231002x 公司一直没给我交社保")
    assert (await slots_of(config, openid)).get("id_number") == "11010519491231002X"


async def test_p09_spaced_id_in_the_first_message_is_masked_in_the_push(platform, config,
                                                                         fake_webhook):
    openid = "f13-p09"
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    setup_logging(level="DEBUG", fmt="json", stream=stream)
    try:
        reply = await say(platform, openid, f"新塘镇宏达电子厂欠我社保一年了，我叫孙丽，身份证号"
                                            f"{ID_SPACED}，电话 139 8765 4321")
        slots = await slots_of(config, openid)
        await summary(platform, openid, reply)
        case = await registered(platform, config, openid)
        posts = await fake_webhook.posts.wait_for(2)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    assert slots.get("id_number") == ID_PLAIN and slots.get("phone") == "13987654321", slots
    assert "备用电话" not in slots["description"], slots
    assert case.id_number == ID_PLAIN and case.phone == "13987654321"
    for secret in ("0519 9003", "9003 0712", "8765", ID_PLAIN):
        assert all(secret not in str(p) for p in posts), secret
        assert secret not in stream.getvalue(), secret


async def test_p10_spaced_id_beside_the_name(platform, config):
    openid = "f13-p10"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, f"张伟 身份证{ID_SPACED}")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "张伟" and slots.get("id_number") == ID_PLAIN, slots
    assert "电话" in reply, reply


async def test_p11_spaced_id_with_a_wrong_check_digit_is_said(platform, config):
    openid = "f13-p11"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "身份证 1101 0519 9003 0712 34")
    slots = await slots_of(config, openid)
    assert slots.get("id_number") is None and slots.get("period") is None, slots
    assert "身份证" in reply, reply


# --- late corrections ------------------------------------------------------------------------

async def test_p12_phone_corrected_three_turns_later(platform, config):
    openid = "f13-p12"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "13912345678")
    await say(platform, openid, "1")
    reply = await say(platform, openid, "刚才电话说错了，是13987654321")
    assert (await slots_of(config, openid)).get("phone") == "13987654321", reply
    assert "希望怎么处理" in reply, reply


async def test_p13_phone_said_wrong_without_the_new_number_reasks_it(platform, config):
    openid = "f13-p13"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "13912345678")
    await say(platform, openid, "1")
    reply = await say(platform, openid, "刚才电话说错了")
    assert "电话" in reply, reply


# --- a question for an answer -------------------------------------------------------------------

async def test_p14_why_a_name_is_asked(platform, config):
    openid = "f13-p14"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "要名字干嘛？")
    assert (await slots_of(config, openid)).get("name") is None
    assert "称呼" in reply, reply


async def test_p15_a_question_at_the_headcount_question_is_no_count(platform, config):
    openid = "f13-p15"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "算上我老婆算两个吗？")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") in (None, 2), slots
    assert "几个人" in reply or slots.get("headcount") == 2, reply


# --- who the employer is ------------------------------------------------------------------------

async def test_p16_domestic_helper_employer_is_the_family(platform, config):
    openid = "f13-p16"
    first = await say(platform, openid, "我在雇主家做保姆三年了，说好的社保一直没给交")
    await to_question_after(platform, openid, "单位", first)
    reply = await say(platform, openid, "在陈先生家做保姆")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "陈先生家", slots
    assert slots.get("name") is None, slots
    assert "单位" not in reply, reply


async def test_p17_delivery_rider_names_the_platform(platform, config):
    openid = "f13-p17"
    reply = await say(platform, openid, "我是美团外卖骑手，跑了两年了，站点从来没给交过社保")
    slots = await slots_of(config, openid)
    if slots.get("employer") is None:
        reply = await to_question_after(platform, openid, "单位", reply)
        await say(platform, openid, "美团外卖新塘配送站")
        slots = await slots_of(config, openid)
    assert "美团" in (slots.get("employer") or ""), slots


@pytest.mark.parametrize("answer,unit", [("在美团送外卖", "美团"), ("给顺丰送快递", "顺丰"),
                                         ("给王阿姨家带孩子", "王阿姨家")])
async def test_p17b_a_unit_named_with_the_job(platform, config, answer, unit):
    """"在美团送外卖" was stored as the employer 在美团送外卖."""
    openid = f"f13-p17b-{unit}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("employer") == unit


@pytest.mark.parametrize("answer", ["以前的厂子早倒闭了", "原来那个厂早就倒闭了", "那家公司已经注销了"])
async def test_p18_a_bankrupt_factory_is_no_employer_name(platform, config, answer):
    openid = f"f13-p18-{len(answer)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, slots
    assert "原来单位的名称" in reply and "单位" in reply, reply
    assert slots["description"].endswith(answer), slots


async def test_p19_a_bankrupt_factory_with_its_name(platform, config):
    openid = "f13-p19"
    await to_question(platform, openid, "单位")
    await say(platform, openid, "原来那个厂倒闭了，叫宏达电子厂")
    assert (await slots_of(config, openid)).get("employer") == "宏达电子厂"


# --- a role named before the name ----------------------------------------------------------------

async def test_p20_hr_manager_then_own_name_at_the_name_question(platform, config):
    openid = "f13-p20"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "人事部张经理说的不给交，我叫张伟")
    assert (await slots_of(config, openid)).get("name") == "张伟", reply


async def test_p21_hr_manager_then_own_name_in_the_first_message(platform, config):
    openid = "f13-p21"
    await say(platform, openid, "人事部张经理说临时工不给交社保，我叫张伟，电话13812345678")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "张伟" and slots.get("phone") == "13812345678", slots


# --- amounts and dates said back --------------------------------------------------------------------

@pytest.mark.parametrize("answer,shown", [
    ("2.3k", "金额：2300元"), ("4800块", "金额：4800元"), ("三千多", "金额：三千多元"),
    ("欠了2.3k左右", "金额：约2.3k元"), ("一共4800块钱", "金额：4800元"),
    ("一共欠了三千多", "金额：三千多元"), ("两千来块", "金额：两千来块")])
async def test_p22_amount_is_said_back_in_the_summary(platform, config, answer, shown):
    openid = f"f13-p22-{answer}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    text = await summary(platform, openid, reply)
    assert shown in text, text


async def test_p23_amount_reaches_the_registered_case(platform, config):
    openid = "f13-p23"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "4800块")
    await summary(platform, openid, reply)
    case = await registered(platform, config, openid)
    assert case.amount == 4800


@pytest.mark.parametrize("answer", ["前年3月到去年底", "前年三月到去年年底"])
async def test_p24_relative_years_period(platform, config, answer):
    """"去年底" was read as the year 2025 alone (时间段：2024年3月至2025年)."""
    openid = f"f13-p24-{len(answer)}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("period") == "2024-03/2025-12", (slots, reply)


async def test_p25_period_and_k_amount_in_one_answer(platform, config):
    openid = "f13-p25"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, "前年3月到去年底 一共欠了2.3k")
    slots = await slots_of(config, openid)
    assert slots.get("period") == "2024-03/2025-12" and slots.get("amount") == 2300, slots
    text = await summary(platform, openid, reply)
    assert "2300" in text or "2.3k" in text, text


@pytest.mark.parametrize("cue,answer,wish,slot,value", [
    ("希望怎么处理", "要求补缴 大概欠了三千多", "要求补缴", "amount", 3000),
    ("几个人", "就我一个 要求补缴 前年3月到去年底", "要求补缴", "period", "2024-03/2025-12"),
    ("希望怎么处理", "要求退还多扣的800元", "要求退还多扣的800元", "amount", 800)])
async def test_p25b_a_wish_ends_before_an_amount_or_period_said_after_it(platform, config, cue,
                                                                          answer, wish, slot,
                                                                          value):
    """An elderly payer answering on: "要求补缴 大概欠了三千多" stored the wish with the amount in it."""
    openid = f"f13-p25b-{len(answer)}"
    await to_question(platform, openid, cue)
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("desired_outcome") == wish and slots.get(slot) == value, slots


# --- filing for someone else ------------------------------------------------------------------

async def test_p26_filing_for_the_mother(platform, config):
    openid = "f13-p26"
    first = await say(platform, openid, "我帮我妈问一下，她厂里没给她交社保")
    await to_question_after(platform, openid, "称呼", first)
    reply = await say(platform, openid, "我妈叫刘桂兰")
    assert (await slots_of(config, openid)).get("name") == "刘桂兰", reply


# --- noise mid-form -------------------------------------------------------------------------------

@pytest.mark.parametrize("noise", ["😂😂", "？", "👍", "。。。"])
async def test_p27_noise_at_the_phone_question_stores_nothing(platform, config, noise):
    openid = f"f13-p27-{len(noise)}-{ord(noise[0])}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, noise)
    assert "电话" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("phone") is None and slots.get("name") == "李四", slots


# --- 不对 at the confirmation --------------------------------------------------------------------

async def test_p28_not_right_then_one_field_changed(platform, config):
    openid = "f13-p28"
    reply = await say(platform, openid, "公司一直没给我交社保")
    await summary(platform, openid, reply)
    again = await say(platform, openid, "不对")
    assert "确认" not in again or "哪" in again or "修改" in again, again
    changed = await say(platform, openid, "电话改成13700001111")
    assert "137****1111" in changed, changed
    case = await registered(platform, config, openid)
    assert case.phone == "13700001111" and case.name == "李四"


async def test_p29_not_right_with_the_new_employer(platform, config):
    openid = "f13-p29"
    reply = await say(platform, openid, "公司一直没给我交社保")
    await summary(platform, openid, reply)
    changed = await say(platform, openid, "不对，单位是宏达科技有限公司")
    assert "宏达科技有限公司" in changed and "请核对" in changed, changed
    case = await registered(platform, config, openid)
    assert case.employer == "宏达科技有限公司"


async def test_p30_whole_voice_filing_registers_with_everything(platform, config, fake_webhook):
    openid = "f13-p30"
    reply = await say(platform, openid, "我叫黄丽电话138 1234 5678在新塘镇宏达电子厂上班"
                                        "前年3月到去年底厂里没给交社宝大概欠了4800块要求补缴")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678" and slots.get("name") == "黄丽", slots
    assert slots.get("period") == "2024-03/2025-12", slots
    text = await summary(platform, openid, reply)
    assert "4800" in text and "138****5678" in text, text
    case = await registered(platform, config, openid)
    assert case.amount == 4800 and "宏达电子厂" in case.employer
    posts = await fake_webhook.posts.wait_for(2)
    assert all("1234 5678" not in str(p) and "13812345678" not in str(p) for p in posts)


async def to_question_after(platform, openid: str, cue: str, reply: str | None = None) -> str:
    """Answer the defaults from the bot's last question on until it asks ``cue``."""
    reply = reply or ""
    for _ in range(10):
        if cue in reply:
            return reply
        answer = next((a for c, a in ANSWERS.items() if c in reply), None)
        if answer is None:
            answer = "1"
        reply = await say(platform, openid, answer)
    raise AssertionError(f"never asked {cue}: {reply}")
