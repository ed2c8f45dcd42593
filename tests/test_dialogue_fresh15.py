"""Blind round 15: payers who answer out of order or several questions at once, correct an
earlier answer in their own words, change the kind of problem midway, dictate without
punctuation, write 粤语 or 四川话, traditional characters or full-width digits, misspell a
town, write amounts as 三千五 / 3k5 / ¥3,500 and dates as 去年腊月 / 上上个月, send a map
location for the town, ask a policy question in the middle, answer with an emoji, give up and
come back, and ask for 人工客服 with the number in the same message.
Each conversation goes through the real encrypted gateway; nothing captured may be lost."""
from __future__ import annotations

import pytest

from bot.simulator import message_xml
from bot.store.models import Case
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_fresh14 import FIRST, NOT_UNDERSTOOD, cases_of, confirm, summary
from tests.test_dialogue_robustness import slots_of, to_question

# --- several answers in one message, out of order ----------------------------------------------

async def test_r01_phone_and_employer_at_the_employer_question(platform, config):
    openid = "f15-r01"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "电话13812345678 单位是宏达电子厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "宏达电子厂" and slots.get("phone") == "13812345678", slots
    assert "单位" not in reply.splitlines()[-1] and "电话" not in reply.splitlines()[-1], reply


async def test_r02_name_and_town_at_the_place_question(platform, config):
    openid = "f15-r02"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "石滩镇 我叫陈大文")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "石滩镇" and slots.get("name") == "陈大文", slots
    assert "电话" in reply, reply


async def test_r03_wish_and_headcount_at_the_phone_question(platform, config):
    openid = "f15-r03"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "13812345678 就我一个人 要求补缴")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678" and slots.get("headcount") == 1, slots
    assert slots.get("desired_outcome"), slots
    assert "几个人" not in reply and "希望怎么处理" not in reply, reply


# --- corrections in the payer's own words --------------------------------------------------------

async def test_r04_said_wrong_just_now_the_town(platform, config):
    openid = "f15-r04"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "不对，刚才说错了，是石滩镇")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "石滩镇" and slots.get("name") is None, slots
    assert "称呼" in reply, reply


async def test_r05_employer_name_written_wrong_replaced_whole(platform, config):
    openid = "f15-r05"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "单位名字写错了，应该是广州顺发五金厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州顺发五金厂" and slots.get("phone") is None, slots
    assert "电话" in reply, reply


async def test_r06_phone_typed_wrong_the_right_one_is(platform, config):
    openid = "f15-r06"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "电话号码打错了 正确的是13700001111")
    assert (await slots_of(config, openid)).get("phone") == "13700001111", reply
    assert "几个人" in reply, reply


@pytest.mark.parametrize("fix", ["电话少打了一位 13812345678", "刚才手机号多打了一个8 应该是13812345678"])
async def test_r06b_phone_with_a_digit_left_out_or_added(platform, config, fix):
    openid = f"f15-r06b-{len(fix)}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, fix)
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678" and slots.get("headcount") is None, (slots, reply)
    assert "138****5678" in reply and "几个人" in reply, reply


async def test_r07_headcount_corrected_right_after(platform, config):
    openid = "f15-r07"
    await to_question(platform, openid, "几个人")
    await say(platform, openid, "1")
    reply = await say(platform, openid, "不对不对 是两个人")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 2 and slots.get("desired_outcome") is None, slots
    assert "希望怎么处理" in reply, reply


async def test_r08_category_changed_midway_keeps_the_rest(platform, config):
    openid = "f15-r08"
    await to_question(platform, openid, "电话")
    before = (await slots_of(config, openid)).get("category")
    reply = await say(platform, openid, "其实不是没交 是少交了 一直按最低基数交的")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "contribution_base" != before, slots
    assert slots.get("employer") == "广州宏达电子厂" and slots.get("name") == "李四", slots
    assert "缴费基数和实际工资不符" in reply and "电话" in reply, reply


# --- voice-style, dialect, traditional characters, full-width digits ---------------------------

async def test_r09_voice_run_on_names_factory_and_town(platform, config):
    openid = "f15-r09"
    await say(platform, openid, "喂你好我想问一下就是我们那个老板一直都没有给我们交社保"
                                "我在新塘镇那个宏达电子厂上班的")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇", slots
    assert "宏达电子厂" in (slots.get("employer") or ""), slots


@pytest.mark.parametrize("first", ["我间厂冇同我买社保", "老板硬是不给我们买社保嘛",
                                   "公司一直沒給我交社保"])
async def test_r10_dialect_or_traditional_complaint_starts_the_form(platform, config, first):
    openid = f"f15-r10-{ord(first[1])}"
    reply = await say(platform, openid, first)
    assert NOT_UNDERSTOOD not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("description") and slots.get("category") == "employer_arrears", (slots, reply)


async def test_r11_cantonese_only_me_is_the_headcount(platform, config):
    openid = "f15-r11"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "得我一个")
    assert (await slots_of(config, openid)).get("headcount") == 1, reply


async def test_r12_sichuan_name_with_a_particle(platform, config):
    openid = "f15-r12"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我叫王德福噻")
    assert (await slots_of(config, openid)).get("name") == "王德福", reply


async def test_r12b_cantonese_call_me_with_a_tail(platform, config):
    openid = "f15-r12b"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "叫我阿强就得")
    assert (await slots_of(config, openid)).get("name") == "阿强", reply


@pytest.mark.parametrize("answer", ["唔该 黄志明", "我姓黄 黄志明", "唔该晒 我姓黄 黄志明"])
async def test_r12c_full_name_after_thanks_or_the_surname(platform, config, answer):
    openid = f"f15-r12c-{len(answer)}"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get("name") == "黄志明", reply
    assert "电话" in reply and "全名" not in reply, reply


async def test_r13_cantonese_wish(platform, config):
    openid = "f15-r13"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "想佢哋帮我补返啲社保")
    assert (await slots_of(config, openid)).get("desired_outcome"), reply
    assert "希望怎么处理" not in reply, reply


async def test_r13b_cantonese_sort_it_out_is_a_wish(platform, config):
    openid = "f15-r13b"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, "帮我搞掂佢")
    assert (await slots_of(config, openid)).get("desired_outcome") == "帮我搞掂佢", reply


async def test_r14_traditional_town(platform, config):
    openid = "f15-r14"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, "新塘鎮")
    assert (await slots_of(config, openid)).get("jurisdiction") == "新塘镇", reply


@pytest.mark.parametrize("cue,answer,slot,stored", [("电话", "１３８１２３４５６７８", "phone", "13812345678"),
                                                    ("几个人", "３个", "headcount", 3)])
async def test_r15_full_width_digits(platform, config, cue, answer, slot, stored):
    openid = f"f15-r15-{slot}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    assert (await slots_of(config, openid)).get(slot) == stored, reply


async def test_r16_full_width_phone_in_the_first_message(platform, config):
    openid = "f15-r16"
    await say(platform, openid, "宏达电子厂欠我社保，我叫李明，电话：１３８１２３４５６７８")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678" and slots.get("name") == "李明", slots


# --- town typos and a map location ----------------------------------------------------------------

@pytest.mark.parametrize("typed,town", [("新唐镇", "新塘镇"), ("石摊", "石滩镇"),
                                        ("荔城街到", "荔城街道")])
async def test_r17_misspelt_town(platform, config, typed, town):
    openid = f"f15-r17-{town}"
    await to_question(platform, openid, "哪个区")
    reply = await say(platform, openid, typed)
    assert (await slots_of(config, openid)).get("jurisdiction") == town, reply


async def test_r18_location_message_at_the_place_question_keeps_the_form(platform, config):
    openid = "f15-r18"
    await to_question(platform, openid, "哪个区")
    delivery = await platform.post(message_xml(openid, "location", {
        "Location_X": "23.27", "Location_Y": "113.79", "Scale": "15",
        "Label": "广州市增城区石滩镇三江大道1号"}))
    assert delivery.status == 200
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂" and slots.get("category"), slots
    assert slots.get("jurisdiction") == "石滩镇", (slots, delivery.reply)
    assert "姓名" in delivery.reply  # the form goes on to the next question


async def test_r18_location_without_a_label_asks_for_the_town_typed(platform, config):
    openid = "f15-r18-bare"
    await to_question(platform, openid, "哪个区")
    delivery = await platform.post(message_xml(openid, "location", {
        "Location_X": "23.27", "Location_Y": "113.79", "Scale": "15", "Label": ""}))
    assert delivery.status == 200 and "打字" in delivery.reply, delivery.reply
    reply = await say(platform, openid, "石滩镇")
    assert (await slots_of(config, openid)).get("jurisdiction") == "石滩镇", reply


# --- amounts and dates at the optional question --------------------------------------------------

@pytest.mark.parametrize("answer,amount", [("欠了三千五", 3500), ("3k5", 3500), ("¥3,500", 3500),
                                           ("RMB 3,500", 3500), ("1,200.50元", 1200.5),
                                           ("叁仟伍佰元整", 3500), ("壹万元", 10000), ("３５００元", 3500)])
async def test_r19_amount_written_colloquially(platform, config, answer, amount):
    openid = f"f15-r19-{len(answer)}-{ord(answer[0])}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("amount") == amount, (slots, reply)


@pytest.mark.parametrize("answer", ["去年腊月开始就没交了", "上上个月开始没交"])
async def test_r20_period_as_the_lunar_month_or_two_months_ago(platform, config, answer):
    openid = f"f15-r20-{len(answer)}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("period") and slots.get("amount") is None, (slots, reply)


# --- a policy question in the middle, emoji, giving up and coming back ---------------------------

async def test_r21_policy_question_at_the_phone_question_then_the_number(platform, config):
    openid = "f15-r21"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "问一下 试用期单位可以不交社保吗")
    assert "试用期" in reply and "电话" in reply, reply
    assert (await slots_of(config, openid)).get("phone") is None
    reply = await say(platform, openid, "13812345678")
    assert (await slots_of(config, openid)).get("phone") == "13812345678", reply


@pytest.mark.parametrize("cue,emoji,slot", [("希望怎么处理", "🙏", "desired_outcome"),
                                            ("单位", "😭😭", "employer"),
                                            ("哪个区", "👍", "jurisdiction")])
async def test_r22_emoji_only_answer_fills_nothing(platform, config, cue, emoji, slot):
    openid = f"f15-r22-{slot}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, emoji)
    assert (await slots_of(config, openid)).get(slot) is None, reply
    assert cue in reply, reply


async def test_r23_give_up_then_go_on_after_all(platform, config):
    openid = "f15-r23"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "算了不弄了")
    reply = await say(platform, openid, "还是弄吧")
    assert "电话" in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李四" and slots.get("employer") == "广州宏达电子厂", slots
    reply = await summary(platform, openid, reply)
    case = await confirm(platform, config, openid)
    assert case.name == "李四"


async def test_r24_continue_filling_words_after_giving_up(platform, config):
    openid = "f15-r24"
    await to_question(platform, openid, "几个人")
    await say(platform, openid, "算了 不搞了")
    reply = await say(platform, openid, "还是继续填吧")
    assert "几个人" in reply, reply
    assert (await slots_of(config, openid)).get("phone") == "13912345678"


# --- 人工客服 with the number in the same message ---------------------------------------------

@pytest.mark.parametrize("message", ["我要人工客服 电话13912345678", "要人工 我手机13912345678",
                                     "人工客服 13912345678"])
async def test_r25_human_agent_with_a_number_registers_a_call_back(platform, config, message):
    openid = f"f15-r25-{len(message)}"
    reply = await say(platform, openid, message)
    match = CASE_NO.search(reply)
    assert match and "人工回电" in reply and "139****5678" in reply, reply
    [case] = await fetch(config.database_url, Case, case_no=match.group())
    assert case.needs_callback and case.phone == "13912345678"


async def test_r26_human_agent_with_a_number_mid_form_keeps_the_answers(platform, config):
    openid = "f15-r26"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "我要人工客服 电话13912345678")
    match = CASE_NO.search(reply)
    assert match and "人工回电" in reply and NOT_UNDERSTOOD not in reply, reply
    [case] = await fetch(config.database_url, Case, case_no=match.group())
    assert case.needs_callback and case.employer == "广州宏达电子厂" and case.name == "李四"


# --- category answer changed right away, the description corrected ------------------------------

@pytest.mark.parametrize("fix", ["不对 选错了 是1", "选错了 应该选1", "刚才选错了，是第一个", "点错了 选1"])
async def test_r27_category_choice_taken_back_at_the_next_question(platform, config, fix):
    openid = f"f15-r27-{len(fix)}-{ord(fix[-1])}"
    await say(platform, openid, "反映问题")
    reply = await say(platform, openid, "我的社保有些问题想反映一下")
    assert "问题类型" in reply, reply
    await say(platform, openid, "2")
    assert (await slots_of(config, openid)).get("category") == "contribution_base"
    reply = await say(platform, openid, fix)
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears" and slots.get("employer") is None, (
        slots, reply)
    assert "单位" in reply, reply


async def test_r27a_full_width_choice_at_the_category_question(platform, config):
    openid = "f15-r27a"
    await say(platform, openid, "反映问题")
    await say(platform, openid, "我的社保有些问题想反映一下")
    reply = await say(platform, openid, "２")
    assert (await slots_of(config, openid)).get("category") == "contribution_base", reply
    assert "问题类型" not in reply, reply


async def test_r27b_an_ordinal_at_the_employer_question_is_no_employer(platform, config):
    openid = "f15-r27b"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "第一个")
    assert (await slots_of(config, openid)).get("employer") is None, reply
    assert "单位" in reply, reply


async def test_r29_category_taken_back_at_the_summary(platform, config):
    openid = "f15-r29"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    reply = await say(platform, openid, "不对 其实是多交了 要退费")
    assert "多缴、重复缴费要退费" in reply and "确认" in reply, reply
    case = await confirm(platform, config, openid)
    assert case.category == "refund" and case.employer == "广州宏达电子厂"
    assert "多交了" in case.description


async def test_r30_more_of_the_story_keeps_the_category(platform, config):
    openid = "f15-r30"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "而且老板还扣了我押金不退")
    assert (await slots_of(config, openid)).get("category") == "employer_arrears"


async def test_r28_whole_form_with_dialect_and_full_width_registers_once(platform, config):
    openid = "f15-r28"
    reply = await say(platform, openid, "我间厂冇同我买社保")
    answers = {**ANSWERS, "电话": "１３９１２３４５６７８", "哪个区": "新塘鎮"}
    reply = await finish_form(platform, openid, reply, answers)
    case = await confirm(platform, config, openid)
    assert case.phone == "13912345678" and case.jurisdiction == "新塘镇"
    assert len(await cases_of(config, openid)) == 1
