"""Blind round 23: payers on phones who dictate by voice (run-on sentences without punctuation,
设保/工司 homophones, 那个 嗯 就是说 fillers), answer two or three questions in one message in
odd orders or answer the next question instead of the current one, change their minds several
turns later (刚才说的单位不对, 前面电话写错了, 不是三个月 是五个月, 算了 不办了 → 等等 还是办吧),
wander off mid-form (a policy question, a complaint about waiting, 你是机器人吗), give very short
answers (嗯, 对, 没, 不知道, 随便), emoji, stickers, voice without recognition and pictures; relatives
filing for someone else and groups of workmates; and the operator restarting the server
mid-conversation. Written before reading the handlers; each conversation goes through the real
encrypted gateway."""
from __future__ import annotations

import pytest

from bot.simulator import image_xml, message_xml, voice_xml
from bot.store.models import Case
from tests.conftest import make_platform
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_fresh18 import last_line, line_of
from tests.test_dialogue_robustness import slots_of

SUMMARY = "请核对登记内容"
EMPLOYER_Q = "涉及的单位"
PLACE_Q = "哪个区"
NAME_Q = "称呼"
PHONE_Q = "联系电话"
HEADCOUNT_Q = "几个人"
WISH_Q = "希望怎么处理"
EXTRAS_Q = "时间段或金额"
FIRST = "公司一直没给我交社保"


async def speak(platform, openid: str, recognition: str | None) -> str:
    """A voice message as WeChat delivers it, with its speech recognition (or none)."""
    delivery = await platform.post(voice_xml(openid, recognition))
    assert delivery.status == 200, delivery.body
    return delivery.reply or ""


async def walk(platform, openid: str, cue: str, first: str = FIRST,
               answers: dict | None = None) -> str:
    """The first message, then the form's questions answered until the one with ``cue``."""
    answers = {**ANSWERS, **(answers or {})}
    reply = await say(platform, openid, first)
    for _ in range(12):
        if cue in last_line(reply):
            return reply
        reply = await say(platform, openid, next(a for c, a in answers.items() if c in reply))
    raise AssertionError(f"never asked {cue}: {reply}")


async def summary(platform, openid: str, first: str = FIRST, answers: dict | None = None) -> str:
    reply = await say(platform, openid, first)
    return await finish_form(platform, openid, reply, {**ANSWERS, **(answers or {})})


async def cases_of(config, openid: str) -> list[Case]:
    return await fetch(config.database_url, Case, openid=openid)


async def confirm(platform, config, openid: str, message: str = "确认") -> Case:
    done = await say(platform, openid, message)
    match = CASE_NO.search(done)
    assert match, done
    [case] = await fetch(config.database_url, Case, case_no=match.group())
    return case


# --- A. voice-to-text: run-on sentences, homophones, fillers --------------------------------------

@pytest.mark.parametrize("message", [
    "那个嗯就是说我们厂那个老版一直没给我们交设保已经半年多了我想问一下这个怎么办",
    "工司没给我买设保我想投诉一下",
    "嗯就是那个我在工司上班工司一直不给交射保扣了钱也不交",
])
async def test_a01_dictated_complaint_with_homophones_is_arrears(platform, config, message):
    openid = f"f23-a01-{message[:12]}"
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert "请选一下问题类型" not in reply, reply
    assert EMPLOYER_Q in last_line(reply), reply


async def test_a02_voice_employer_with_fillers(platform, config):
    openid = "f23-a02"
    await walk(platform, openid, EMPLOYER_Q)
    reply = await speak(platform, openid, "嗯那个就是广州宏达电子厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂", (slots, reply)
    assert PLACE_Q in last_line(reply), reply


async def test_a03_voice_name_with_fillers(platform, config):
    openid = "f23-a03"
    await walk(platform, openid, NAME_Q)
    reply = await speak(platform, openid, "嗯那个我姓张叫张伟")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "张伟", (slots, reply)
    assert PHONE_Q in last_line(reply), reply


@pytest.mark.parametrize("said", [
    "一三九一二三四五六七八",
    "幺三九幺二三四五六七八",
    "我的电话是那个139 1234 5678嗯",
])
async def test_a04_phone_dictated_in_words_or_groups(platform, config, said):
    openid = f"f23-a04-{said}"
    await walk(platform, openid, PHONE_Q)
    reply = await speak(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13912345678", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_a05_place_said_vaguely_with_fillers(platform, config):
    openid = "f23-a05"
    await walk(platform, openid, PLACE_Q)
    reply = await speak(platform, openid, "就是那个新塘那边嘛")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇", (slots, reply)
    assert NAME_Q in last_line(reply), reply


async def test_a06_dictated_wish_run_on(platform, config):
    openid = "f23-a06"
    await walk(platform, openid, WISH_Q)
    reply = await speak(platform, openid, "我就是想让工司把欠我的设保给我补上然后那个滞纳金也要他们出")
    slots = await slots_of(config, openid)
    assert "补" in (slots.get("desired_outcome") or ""), (slots, reply)
    assert EXTRAS_Q in last_line(reply), reply


async def test_a07_dictated_answer_with_a_trailing_full_stop(platform, config):
    openid = "f23-a07"
    await walk(platform, openid, PLACE_Q)
    reply = await speak(platform, openid, "新塘镇。")
    assert (await slots_of(config, openid)).get("jurisdiction") == "新塘镇", reply


async def test_a08_voice_confirm_with_a_full_stop_submits(platform, config):
    openid = "f23-a08"
    await summary(platform, openid)
    reply = await speak(platform, openid, "确认提交。")
    assert CASE_NO.search(reply), reply
    assert len(await cases_of(config, openid)) == 1


# --- B. several answers in one message, or the next question's answer -----------------------------

async def test_b01_phone_employer_and_period_at_the_employer_question(platform, config):
    openid = "f23-b01"
    await walk(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "13812345678 广州宏达电子厂 去年3月到8月")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678", (slots, reply)
    assert slots.get("employer") == "广州宏达电子厂", (slots, reply)
    assert slots.get("period"), (slots, reply)
    assert PLACE_Q in last_line(reply), reply
    assert "13812345678" not in reply, reply


async def test_b02_place_given_at_the_employer_question(platform, config):
    openid = "f23-b02"
    await walk(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "在新塘镇")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇", (slots, reply)
    assert not slots.get("employer"), (slots, reply)
    assert EMPLOYER_Q in last_line(reply), reply


async def test_b03_name_phone_and_place_at_the_place_question(platform, config):
    openid = "f23-b03"
    await walk(platform, openid, PLACE_Q)
    reply = await say(platform, openid, "我叫陈明 电话13712345678 在永宁街道")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "永宁街道", (slots, reply)
    assert slots.get("name") == "陈明", (slots, reply)
    assert slots.get("phone") == "13712345678", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_b04_phone_given_at_the_name_question(platform, config):
    openid = "f23-b04"
    await walk(platform, openid, NAME_Q)
    reply = await say(platform, openid, "电话13612345678")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13612345678", (slots, reply)
    assert not slots.get("name"), (slots, reply)
    assert NAME_Q in last_line(reply), reply


async def test_b05_headcount_and_wish_in_one_message(platform, config):
    openid = "f23-b05"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "就我一个 想要公司给我补缴")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 1, (slots, reply)
    assert "补缴" in (slots.get("desired_outcome") or ""), (slots, reply)
    assert EXTRAS_Q in last_line(reply), reply


async def test_b06_name_phone_and_headcount_at_the_name_question(platform, config):
    openid = "f23-b06"
    await walk(platform, openid, NAME_Q)
    reply = await say(platform, openid, "刘芳 13512345678 就我自己")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "刘芳", (slots, reply)
    assert slots.get("phone") == "13512345678", (slots, reply)
    assert slots.get("headcount") == 1, (slots, reply)
    assert WISH_Q in last_line(reply), reply


async def test_b07_everything_in_the_first_message_in_an_odd_order(platform, config):
    openid = "f23-b07"
    reply = await say(platform, openid,
                      "电话15012345678 宏达电子厂 新塘镇 欠了我五个月社保没交 我叫黄磊")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "15012345678", (slots, reply)
    assert slots.get("name") == "黄磊", (slots, reply)
    assert slots.get("jurisdiction") == "新塘镇", (slots, reply)
    assert "宏达电子厂" in (slots.get("employer") or ""), (slots, reply)
    assert slots.get("period") == "P5M", (slots, reply)
    for asked in (EMPLOYER_Q, PLACE_Q, NAME_Q, PHONE_Q):
        assert asked not in last_line(reply), reply


async def test_b08_period_and_amount_at_the_extras_question(platform, config):
    openid = "f23-b08"
    await walk(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "2023年5月到现在 每个月少交300多")
    slots = await slots_of(config, openid)
    assert (slots.get("period") or "").startswith("2023-05"), (slots, reply)
    assert SUMMARY in reply and "300" in reply, reply


async def test_b09_wish_given_at_the_headcount_question(platform, config):
    openid = "f23-b09"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "要求公司把社保补缴上")
    slots = await slots_of(config, openid)
    assert "补缴" in (slots.get("desired_outcome") or ""), (slots, reply)
    assert slots.get("headcount") is None, (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_b10_headcount_given_at_the_phone_question(platform, config):
    openid = "f23-b10"
    await walk(platform, openid, PHONE_Q)
    reply = await say(platform, openid, "就我一个人")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 1 and not slots.get("phone"), (slots, reply)
    assert PHONE_Q in last_line(reply), reply


async def test_b11_period_given_at_the_wish_question(platform, config):
    openid = "f23-b11"
    await walk(platform, openid, WISH_Q)
    reply = await say(platform, openid, "去年3月到今年5月")
    slots = await slots_of(config, openid)
    assert slots.get("period"), (slots, reply)
    assert not slots.get("desired_outcome"), (slots, reply)
    assert WISH_Q in last_line(reply), reply


async def test_b12_dictated_first_message_with_place_and_employer(platform, config):
    openid = "f23-b12"
    reply = await speak(platform, openid, "我在新塘那个宏达电子厂上班他们一直没给我交设保")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇", (slots, reply)
    assert "宏达电子厂" in (slots.get("employer") or ""), (slots, reply)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert NAME_Q in last_line(reply), reply


# --- C. changes of mind several turns later ----------------------------------------------------------

async def test_c01_employer_corrected_with_value_at_the_headcount_question(platform, config):
    openid = "f23-c01"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "刚才说的单位不对 是广州宏达电子科技有限公司")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子科技有限公司", (slots, reply)
    assert slots.get("headcount") is None, slots
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_c02_employer_said_wrong_without_value_asks_it_then_returns(platform, config):
    openid = "f23-c02"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "刚才说的单位不对")
    assert EMPLOYER_Q in last_line(reply) or "单位" in last_line(reply), reply
    reply = await say(platform, openid, "广州鸿达五金厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州鸿达五金厂", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_c03_phone_corrected_at_the_wish_question(platform, config):
    openid = "f23-c03"
    await walk(platform, openid, WISH_Q)
    reply = await say(platform, openid, "前面电话写错了 应该是13812345679")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345679", (slots, reply)
    assert not slots.get("desired_outcome"), slots
    assert WISH_Q in last_line(reply), reply


@pytest.mark.parametrize("message", ["不是三个月 是五个月", "不对不对 不是三个月是五个月了",
                                     "时间错了 欠了五个月"])
async def test_c04_duration_changed_at_the_summary(platform, config, message):
    openid = f"f23-c04-{message}"
    await summary(platform, openid, answers={EXTRAS_Q: "欠了三个月"})
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("period") == "P5M", (slots, reply)
    assert SUMMARY in reply and "五个月" in line_of(reply, "时长") + line_of(reply, "时间段"), reply


@pytest.mark.parametrize("quit_, back", [
    ("算了 不办了", "等等 还是办吧"),
    ("算了不弄了", "不不不 继续"),
    ("不搞了", "等下 我还是要登记"),
])
async def test_c05_giving_up_then_taking_it_back_keeps_the_draft(platform, config, quit_, back):
    openid = f"f23-c05-{quit_}"
    await walk(platform, openid, PLACE_Q)
    reply = await say(platform, openid, quit_)
    assert "取消" in reply, reply
    reply = await say(platform, openid, back)
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂", (slots, reply)
    assert PLACE_Q in last_line(reply), reply
    assert "已取消" not in reply, reply


async def test_c06_employer_typo_corrected_at_the_phone_question(platform, config):
    openid = "f23-c06"
    await walk(platform, openid, PHONE_Q, answers={"单位": "广州鸿达电子厂"})
    reply = await say(platform, openid, "哦对了单位名字打错了是宏达不是鸿达")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂", (slots, reply)
    assert PHONE_Q in last_line(reply), reply


async def test_c07_place_changed_two_turns_later(platform, config):
    openid = "f23-c07"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "前面地方说错了 不是新塘 是石滩")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "石滩镇", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_c08_headcount_changed_at_the_wish_question(platform, config):
    openid = "f23-c08"
    await walk(platform, openid, WISH_Q)
    reply = await say(platform, openid, "人数说错了 其实是十二个")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") == 12, (slots, reply)
    assert WISH_Q in last_line(reply), reply


async def test_c09_name_changed_at_the_extras_question(platform, config):
    openid = "f23-c09"
    await walk(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "刚才名字打错了 我叫李思")
    slots = await slots_of(config, openid)
    assert slots.get("name") == "李思" and not slots.get("period"), (slots, reply)
    assert EXTRAS_Q in last_line(reply), reply


async def test_c10_giving_up_at_the_summary_then_taking_it_back(platform, config):
    openid = "f23-c10"
    await summary(platform, openid)
    assert "取消" in await say(platform, openid, "算了 不办了")
    reply = await say(platform, openid, "等等 还是办吧")
    assert "确认" in last_line(reply) and "已取消" not in reply, reply
    assert await cases_of(config, openid) == []
    assert CASE_NO.search(await say(platform, openid, "确认")), "the kept draft is submitted"


# --- D. off-topic mid-form, then back to the form ---------------------------------------------------

async def test_d01_are_you_a_robot_at_the_place_question(platform, config):
    openid = "f23-d01"
    await walk(platform, openid, PLACE_Q)
    reply = await say(platform, openid, "你是机器人吗")
    slots = await slots_of(config, openid)
    assert not slots.get("jurisdiction"), (slots, reply)
    assert any(w in reply for w in ("机器人", "自动", "智能")), reply
    assert PLACE_Q in last_line(reply), reply


async def test_d02_real_person_or_robot_at_the_name_question(platform, config):
    openid = "f23-d02"
    await walk(platform, openid, NAME_Q)
    reply = await say(platform, openid, "你是真人还是机器人啊")
    slots = await slots_of(config, openid)
    assert not slots.get("name"), (slots, reply)
    assert NAME_Q in last_line(reply), reply


@pytest.mark.parametrize("message", ["等了半天了怎么还没好 你们效率太低了",
                                     "怎么这么麻烦啊问这么多"])
async def test_d03_complaint_about_waiting_at_the_phone_question(platform, config, message):
    openid = f"f23-d03-{message}"
    await walk(platform, openid, PHONE_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert not slots.get("phone") and slots.get("name") == "李四", (slots, reply)
    assert PHONE_Q in last_line(reply), reply


async def test_d04_policy_question_at_the_headcount_question(platform, config):
    openid = "f23-d04"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "公司不给交社保是不是违法的")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") is None, (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_d05_office_hours_question_is_no_wish(platform, config):
    openid = "f23-d05"
    await walk(platform, openid, WISH_Q)
    reply = await say(platform, openid, "你们几点下班")
    slots = await slots_of(config, openid)
    assert not slots.get("desired_outcome"), (slots, reply)
    assert WISH_Q in last_line(reply), reply


async def test_d06_cost_question_is_no_employer(platform, config):
    openid = "f23-d06"
    await walk(platform, openid, EMPLOYER_Q)
    reply = await say(platform, openid, "我想先问一下补缴的话要交多少钱")
    slots = await slots_of(config, openid)
    assert not slots.get("employer"), (slots, reply)
    assert EMPLOYER_Q in last_line(reply), reply


# --- E. very short answers, emoji, stickers, voice without text, pictures ----------------------------

@pytest.mark.parametrize("cue,message,slot", [
    (EMPLOYER_Q, "嗯", "employer"),
    (NAME_Q, "对", "name"),
    (EMPLOYER_Q, "👍", "employer"),
    (NAME_Q, "🙏🙏", "name"),
    (PHONE_Q, "[捂脸]", "phone"),
    (HEADCOUNT_Q, "【收到不支持的消息类型，暂无法显示】", "headcount"),
    (NAME_Q, "【收到不支持的消息类型，暂无法显示】", "name"),
    (WISH_Q, "嗯嗯", "desired_outcome"),
])
async def test_e01_short_noise_fills_nothing_and_the_question_is_asked_again(platform, config, cue,
                                                                            message, slot):
    openid = f"f23-e01-{cue}-{message}"
    await walk(platform, openid, cue)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert not slots.get(slot), (slots, reply)
    assert cue in last_line(reply), reply


async def test_e02_do_not_know_the_headcount(platform, config):
    openid = "f23-e02"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "不知道")
    slots = await slots_of(config, openid)
    assert slots.get("headcount") is None, (slots, reply)
    assert HEADCOUNT_Q in reply, reply


async def test_e03_whatever_is_no_wish(platform, config):
    openid = "f23-e03"
    await walk(platform, openid, WISH_Q)
    reply = await say(platform, openid, "随便")
    slots = await slots_of(config, openid)
    assert slots.get("desired_outcome") != "随便", (slots, reply)


@pytest.mark.parametrize("cue,message,slot", [
    (EMPLOYER_Q, "不知道", "employer"),
    (HEADCOUNT_Q, "随便", "headcount"),
    (NAME_Q, "随便", "name"),
])
async def test_e10_do_not_know_or_whatever_is_stored_as_nothing(platform, config, cue, message,
                                                               slot):
    openid = f"f23-e10-{cue}-{message}"
    await walk(platform, openid, cue)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get(slot) in (None, "", "无"), (slots, reply)
    assert slots.get(slot) != message, (slots, reply)


async def test_e04_none_at_the_extras_question_is_a_skip(platform, config):
    openid = "f23-e04"
    await walk(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, "没")
    slots = await slots_of(config, openid)
    assert not slots.get("period"), (slots, reply)
    assert SUMMARY in reply, reply


async def test_e05_do_not_know_the_place_lists_the_places(platform, config):
    openid = "f23-e05"
    await walk(platform, openid, PLACE_Q)
    reply = await say(platform, openid, "不知道")
    slots = await slots_of(config, openid)
    assert not slots.get("jurisdiction"), (slots, reply)
    assert "新塘" in reply, reply


async def test_e06_voice_without_recognition_asks_to_type_and_repeats(platform, config):
    openid = "f23-e06"
    await walk(platform, openid, NAME_Q)
    reply = await speak(platform, openid, None)
    slots = await slots_of(config, openid)
    assert not slots.get("name"), (slots, reply)
    assert NAME_Q in last_line(reply), reply


async def test_e07_picture_at_the_phone_question_is_evidence_and_the_question_stays(platform, config):
    openid = "f23-e07"
    await walk(platform, openid, PHONE_Q)
    delivery = await platform.post(image_xml(openid, "media-f23-e07"))
    slots = await slots_of(config, openid)
    assert slots.get("evidence") == ["media-f23-e07"], slots
    assert not slots.get("phone"), slots
    assert PHONE_Q in (delivery.reply or ""), delivery.reply


@pytest.mark.parametrize("message", ["？？", "[捂脸]", "等一下我看看"])
async def test_e08_noise_at_the_summary_does_not_submit(platform, config, message):
    openid = f"f23-e08-{message}"
    await summary(platform, openid)
    reply = await say(platform, openid, message)
    assert not CASE_NO.search(reply), reply
    assert await cases_of(config, openid) == []


@pytest.mark.parametrize("message", ["对 没问题", "没问题 提交", "对的 就这样"])
async def test_e09_plain_agreement_at_the_summary_submits(platform, config, message):
    openid = f"f23-e09-{message}"
    await summary(platform, openid)
    case = await confirm(platform, config, openid, message)
    assert case.employer == "广州宏达电子厂" and case.phone == "13912345678", case.__dict__


# --- F. relatives and groups ---------------------------------------------------------------------

async def test_f01_son_filing_for_his_father(platform, config):
    openid = "f23-f01"
    reply = await say(platform, openid, "我爸在宏达电子厂干了十年 厂里一直没给他交养老保险")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert "请选一下问题类型" not in reply, reply
    reply = await walk_on(platform, openid, reply, NAME_Q)
    reply = await say(platform, openid, "我是他儿子周杰 我爸叫周建国")
    slots = await slots_of(config, openid)
    assert slots.get("name") in {"周杰", "周建国"}, (slots, reply)
    assert PHONE_Q in last_line(reply), reply


@pytest.mark.parametrize("message,name", [
    ("我老婆的事 她叫林小红", "林小红"),
    ("帮我妈问的 她叫王秀英", "王秀英"),
    ("是我爸 叫周建国", "周建国"),
])
async def test_f02_relatives_name_at_the_name_question(platform, config, message, name):
    openid = f"f23-f02-{message}"
    await walk(platform, openid, NAME_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("name") == name, (slots, reply)
    assert PHONE_Q in last_line(reply), reply


@pytest.mark.parametrize("message,low,high", [
    ("我们车间一共23个人都没交", 23, 23),
    ("我和我老婆两个", 2, 2),
    ("三十来个工友", 30, 30),
    ("我们一起的有七八个", 7, 8),
    ("十几个吧", 10, 19),
])
async def test_f03_group_headcounts(platform, config, message, low, high):
    openid = f"f23-f03-{message}"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert isinstance(slots.get("headcount"), int) and low <= slots["headcount"] <= high, (
        slots, reply)
    assert WISH_Q in last_line(reply), reply


async def test_f04_group_said_in_the_first_message_reaches_the_summary(platform, config):
    openid = "f23-f04"
    reply = await summary(platform, openid, first="我们十几个工友 老板拖了半年社保没交",
                          answers={HEADCOUNT_Q: "十几个"})
    slots = await slots_of(config, openid)
    assert isinstance(slots.get("headcount"), int) and slots["headcount"] >= 10, (slots, reply)
    assert "十几" in line_of(reply, "涉及人数") or str(slots["headcount"]) in line_of(
        reply, "涉及人数"), reply


async def test_f05_husband_filing_for_his_wife_in_the_first_message(platform, config):
    openid = "f23-f05"
    reply = await say(platform, openid, "帮我老婆问一下 她单位一直没给她交生育保险")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert EMPLOYER_Q in last_line(reply), reply


async def walk_on(platform, openid: str, reply: str, cue: str) -> str:
    for _ in range(12):
        if cue in last_line(reply):
            return reply
        reply = await say(platform, openid, next(a for c, a in ANSWERS.items() if c in reply))
    raise AssertionError(f"never asked {cue}: {reply}")


# --- G. the operator restarts the server mid-conversation -----------------------------------------

async def restarted(aiohttp_server, http, config, models, old=None):
    from bot.app import build_app

    if old is not None:
        await old.close()
    server = await aiohttp_server(build_app(config, models=models))
    return server, make_platform(http, server, config)


async def test_g01_restart_between_questions_loses_nothing(aiohttp_server, http, config, models):
    openid = "f23-g01"
    server, platform = await restarted(aiohttp_server, http, config, models)
    await walk(platform, openid, PHONE_Q)
    server, platform = await restarted(aiohttp_server, http, config, models, server)
    reply = await say(platform, openid, "13912345670")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂" and slots.get("name") == "李四", slots
    assert slots.get("phone") == "13912345670", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_g02_restart_at_the_summary_then_confirm(aiohttp_server, http, config, models):
    openid = "f23-g02"
    server, platform = await restarted(aiohttp_server, http, config, models)
    await summary(platform, openid, answers={EXTRAS_Q: "欠了三个月"})
    server, platform = await restarted(aiohttp_server, http, config, models, server)
    case = await confirm(platform, config, openid)
    assert case.openid == openid and case.employer == "广州宏达电子厂", case.__dict__
    assert case.jurisdiction == "新塘镇" and case.phone == "13912345678", case.__dict__
    assert "三个月" in (case.period or "") and case.name == "李四", case.__dict__


async def test_g03_restart_while_cancel_is_pending(aiohttp_server, http, config, models):
    openid = "f23-g03"
    server, platform = await restarted(aiohttp_server, http, config, models)
    await walk(platform, openid, NAME_Q)
    assert "取消" in await say(platform, openid, "算了 不办了")
    server, platform = await restarted(aiohttp_server, http, config, models, server)
    reply = await say(platform, openid, "等等 还是办吧")
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇", (slots, reply)
    assert NAME_Q in last_line(reply), reply


async def test_g04_restart_in_the_middle_of_a_correction(aiohttp_server, http, config, models):
    openid = "f23-g04"
    server, platform = await restarted(aiohttp_server, http, config, models)
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, "前面电话写错了")
    assert "电话" in last_line(reply), reply
    server, platform = await restarted(aiohttp_server, http, config, models, server)
    reply = await say(platform, openid, "13812345670")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345670", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_g05_voice_answer_right_after_a_restart(aiohttp_server, http, config, models):
    openid = "f23-g05"
    server, platform = await restarted(aiohttp_server, http, config, models)
    await walk(platform, openid, EMPLOYER_Q)
    server, platform = await restarted(aiohttp_server, http, config, models, server)
    reply = await speak(platform, openid, "嗯就是广州宏达电子厂")
    slots = await slots_of(config, openid)
    assert slots.get("employer") == "广州宏达电子厂", (slots, reply)
    assert PLACE_Q in last_line(reply), reply


# --- H. written after the first fix, still before reading the handlers they reach ---------------

async def test_h01_dictated_facts_glued_together_at_the_employer_question(platform, config):
    openid = "f23-h01"
    await walk(platform, openid, EMPLOYER_Q)
    reply = await speak(platform, openid, "宏达电子厂在新塘镇我叫孙丽电话13412345678")
    slots = await slots_of(config, openid)
    assert "宏达电子厂" in (slots.get("employer") or ""), (slots, reply)
    assert slots.get("jurisdiction") == "新塘镇", (slots, reply)
    assert slots.get("name") == "孙丽" and slots.get("phone") == "13412345678", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


@pytest.mark.parametrize("said,stored", [
    ("新糖镇", "新塘镇"), ("增城新塘", "新塘镇"), ("荔城接道", "荔城街道"),
    ("石潭镇", "石滩镇"),
])
async def test_h02_place_names_misheard_by_dictation(platform, config, said, stored):
    openid = f"f23-h02-{said}"
    await walk(platform, openid, PLACE_Q)
    reply = await speak(platform, openid, said)
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == stored, (slots, reply)
    assert NAME_Q in last_line(reply), reply


async def test_h03_pension_homophone_in_the_first_message(platform, config):
    openid = "f23-h03"
    reply = await speak(platform, openid, "工司扣了我的养老保线钱但是一直没交上去")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)


async def test_h04_start_month_changed_at_the_summary(platform, config):
    openid = "f23-h04"
    await summary(platform, openid, answers={EXTRAS_Q: "2024年3月到8月"})
    reply = await say(platform, openid, "时间写错了 是2023年6月开始的")
    slots = await slots_of(config, openid)
    assert (slots.get("period") or "").startswith("2023-06"), (slots, reply)
    assert SUMMARY in reply, reply


async def test_h05_phone_corrected_in_spoken_digits(platform, config):
    openid = "f23-h05"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await speak(platform, openid, "电话错了 是一三八一二三四五六七九")
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345679", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


@pytest.mark.parametrize("message", ["你们是政府的吗", "???", "[动画表情]"])
async def test_h06_off_topic_or_noise_at_the_headcount_question(platform, config, message):
    openid = f"f23-h06-{message}"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("headcount") is None, (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


async def test_h07_location_sent_at_the_place_question(platform, config):
    openid = "f23-h07"
    await walk(platform, openid, PLACE_Q)
    delivery = await platform.post(message_xml(openid, "location", {
        "Location_X": "23.1289", "Location_Y": "113.6163", "Scale": "15",
        "Label": "广东省广州市增城区新塘镇港口大道"}))
    slots = await slots_of(config, openid)
    assert slots.get("jurisdiction") == "新塘镇", (slots, delivery.reply)
    assert NAME_Q in last_line(delivery.reply or ""), delivery.reply


async def test_h08_short_video_mid_form_keeps_the_question(platform, config):
    openid = "f23-h08"
    await walk(platform, openid, NAME_Q)
    delivery = await platform.post(message_xml(openid, "shortvideo", {
        "MediaId": "media-f23-h08", "ThumbMediaId": "thumb-f23-h08"}))
    slots = await slots_of(config, openid)
    assert not slots.get("name"), slots
    assert NAME_Q in last_line(delivery.reply or ""), delivery.reply


@pytest.mark.parametrize("message,low,high", [
    ("全车间的人都没交 大概五六十个", 50, 60),
    ("就我爸一个", 1, 1),
    ("我们宿舍四个都是", 4, 4),
])
async def test_h09_more_headcounts(platform, config, message, low, high):
    openid = f"f23-h09-{message}"
    await walk(platform, openid, HEADCOUNT_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert isinstance(slots.get("headcount"), int) and low <= slots["headcount"] <= high, (
        slots, reply)


@pytest.mark.parametrize("message", ["打我儿子电话吧 13812345678", "我爸没手机 打我的13812345678",
                                     "留我老婆的 138 1234 5678"])
async def test_h10_a_relatives_phone(platform, config, message):
    openid = f"f23-h10-{message}"
    await walk(platform, openid, PHONE_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("phone") == "13812345678", (slots, reply)
    assert HEADCOUNT_Q in last_line(reply), reply


@pytest.mark.parametrize("message,slot,stored", [
    ("人不是1个 是我们三个", "headcount", 3),
    ("单位没错 是地址错了 应该是永宁", "jurisdiction", "永宁街道"),
    ("前面名字写错了 应该是李斯", "name", "李斯"),
])
async def test_h11_corrections_at_the_summary(platform, config, message, slot, stored):
    openid = f"f23-h11-{message}"
    await summary(platform, openid)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get(slot) == stored, (slots, reply)
    assert slots.get("employer") == "广州宏达电子厂", slots
    assert SUMMARY in reply, reply


async def test_h12_picture_right_after_a_restart_is_kept(aiohttp_server, http, config, models):
    openid = "f23-h12"
    server, platform = await restarted(aiohttp_server, http, config, models)
    await walk(platform, openid, HEADCOUNT_Q)
    server, platform = await restarted(aiohttp_server, http, config, models, server)
    delivery = await platform.post(image_xml(openid, "media-f23-h12"))
    slots = await slots_of(config, openid)
    assert slots.get("evidence") == ["media-f23-h12"] and slots.get("name") == "李四", slots
    assert HEADCOUNT_Q in (delivery.reply or ""), delivery.reply


async def test_h13_cancel_at_the_summary_taken_back_after_a_restart(aiohttp_server, http, config,
                                                                   models):
    openid = "f23-h13"
    server, platform = await restarted(aiohttp_server, http, config, models)
    await summary(platform, openid)
    assert "取消" in await say(platform, openid, "算了 不办了")
    server, platform = await restarted(aiohttp_server, http, config, models, server)
    reply = await say(platform, openid, "不不 还是办吧")
    assert "已取消" not in reply, reply
    case = await confirm(platform, config, openid)
    assert case.employer == "广州宏达电子厂" and case.name == "李四", case.__dict__


async def test_h14_voice_greeting_then_the_complaint(platform, config):
    openid = "f23-h14"
    await speak(platform, openid, "喂喂你好有人吗")
    reply = await speak(platform, openid, "嗯就是那个我们工司拖欠设保好几个月了")
    slots = await slots_of(config, openid)
    assert slots.get("category") == "employer_arrears", (slots, reply)
    assert EMPLOYER_Q in last_line(reply), reply


# --- written after the fixes: other forms of the same families -------------------------------

@pytest.mark.parametrize("message,name", [
    ("给我老公办的，他叫何伟", "何伟"),
    ("我是她女儿 我叫陈静", "陈静"),
    ("这是帮我爸登记的 他叫周建国", "周建国"),
])
async def test_i01_more_relatives_at_the_name_question(platform, config, message, name):
    openid = f"f23-i01-{message}"
    await walk(platform, openid, NAME_Q)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get("name") == name, (slots, reply)
    assert PHONE_Q in last_line(reply), reply


@pytest.mark.parametrize("message,slot,stored", [
    ("名字没问题 电话错了 是13812345670", "phone", "13812345670"),
    ("电话是对的，人数改成3个", "headcount", 3),
    ("单位都对 名字写错了 是李斯", "name", "李斯"),
])
async def test_i02_a_field_said_right_beside_the_one_to_change(platform, config, message, slot,
                                                             stored):
    openid = f"f23-i02-{message}"
    await summary(platform, openid)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots.get(slot) == stored, (slots, reply)
    assert slots.get("employer") == "广州宏达电子厂" and slots.get("name") in ("李四", "李斯"), slots
    assert SUMMARY in reply, reply


@pytest.mark.parametrize("message", ["没。", "没呢"])
async def test_i03_more_bare_nones_at_the_extras_question(platform, config, message):
    openid = f"f23-i03-{message}"
    await walk(platform, openid, EXTRAS_Q)
    reply = await say(platform, openid, message)
    assert SUMMARY in reply, reply
