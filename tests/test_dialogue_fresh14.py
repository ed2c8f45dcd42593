"""Blind round 14: payers on a phone who change course mid-filing. A policy question and back,
算了 then 还是登记吧, 进度 of an older case, a second employer, late free-style corrections, an
answer with a correction of an earlier one, a pause to fetch the contract, 重新来, 上一步, a voice
note with three answers, a bare 不对 at the summary, 👌, 不用了谢谢 and a server restart.
Each conversation goes through the real encrypted gateway (or the in-process dispatcher for
voice) and checks what a payer expects: nothing captured is lost, the next question makes
sense, policy answers cite their source, exactly one case with the final values."""
from __future__ import annotations

import pytest

from bot.store.models import Case
from tests.conftest import make_platform
from tests.test_conversations import Payer
from tests.test_dialogue import ANSWERS, CASE_NO, _age_draft, fetch, finish_form, say
from tests.test_dialogue_robustness import ask_until, slots_of, to_question

FIRST = "公司一直没给我交社保"
NOT_UNDERSTOOD = "没太明白"


async def summary(platform, openid: str, reply: str, **answers) -> str:
    return await finish_form(platform, openid, reply, {**ANSWERS, **answers})


async def cases_of(config, openid: str) -> list[Case]:
    return await fetch(config.database_url, Case, openid=openid)


async def confirm(platform, config, openid: str, words: str = "确认") -> Case:
    done = await say(platform, openid, words)
    match = CASE_NO.search(done)
    assert match, done
    [case] = await fetch(config.database_url, Case, case_no=match.group())
    return case


async def register_older(platform, config, openid: str) -> Case:
    reply = await say(platform, openid, "我叫张三电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    await summary(platform, openid, reply)
    return await confirm(platform, config, openid)


# --- a policy question in the middle and back ------------------------------------------------

async def test_c01_late_fee_question_then_carry_on(platform, config):
    openid = "f14-c01"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "先问一下 滞纳金怎么算")
    assert "万分之五" in reply and "依据" in reply and "单位" in reply, reply
    reply = await say(platform, openid, "好 继续")
    assert "单位" in reply and NOT_UNDERSTOOD not in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None
    reply = await say(platform, openid, "广州宏达电子厂")
    await summary(platform, openid, reply)
    case = await confirm(platform, config, openid)
    assert case.employer == "广州宏达电子厂"
    assert len(await cases_of(config, openid)) == 1


async def test_c02_compensation_question_at_the_name_then_go_on(platform, config):
    openid = "f14-c02"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "对了问下 单位不给交社保我能要求赔偿吗")
    assert "依据" in reply and "称呼" in reply, reply
    reply = await say(platform, openid, "行 接着来吧")
    assert "称呼" in reply, reply
    assert (await slots_of(config, openid)).get("name") is None


async def test_c03_policy_question_at_the_summary_keeps_the_summary(platform, config):
    openid = "f14-c03"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    reply = await say(platform, openid, "先问下 滞纳金怎么算的")
    assert "万分之五" in reply and "依据" in reply, reply
    assert "确认" in reply, reply
    case = await confirm(platform, config, openid)
    assert case.name == "李四" and case.phone == "13912345678"


# --- 算了 … 还是登记吧 ----------------------------------------------------------------------

async def test_c04_never_mind_then_file_after_all_two_messages_later(platform, config):
    openid = "f14-c04"
    await to_question(platform, openid, "电话")
    await say(platform, openid, "算了")
    await say(platform, openid, "我再想想")
    reply = await say(platform, openid, "还是登记吧")
    assert "电话" in reply and "确定要取消" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots["name"] == "李四" and slots["employer"] == "广州宏达电子厂", slots


async def test_c05_never_mind_at_the_summary_then_file_after_all(platform, config):
    openid = "f14-c05"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    await say(platform, openid, "算了")
    reply = await say(platform, openid, "还是登记吧")
    assert "请核对登记内容" in reply or "确认" in reply, reply
    case = await confirm(platform, config, openid)
    assert case.employer == "广州宏达电子厂"
    assert len(await cases_of(config, openid)) == 1


# --- 进度 of an older case and a second employer in the middle -------------------------------

async def test_c06_progress_of_an_older_case_mid_filing(platform, config):
    openid = "f14-c06"
    older = await register_older(platform, config, openid)
    reply = await say(platform, openid, "单位按最低基数给我交社保，我工资八千五")
    reply = await say(platform, openid, "我上次那个投诉进度怎么样了")
    assert older.case_no in reply, reply
    assert "几个人" in reply, reply
    reply = await summary(platform, openid, await say(platform, openid, "1"))
    await confirm(platform, config, openid)
    assert len(await cases_of(config, openid)) == 2


async def test_c07_a_second_employer_mid_filing_does_not_replace_the_first(platform, config):
    openid = "f14-c07"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "还有 我之前在顺发五金厂干的时候也没交社保")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "广州宏达电子厂", slots
    assert slots.get("phone") is None and slots["name"] == "李四", slots
    assert "电话" in reply, reply


async def test_c08_another_employer_at_the_summary_is_kept_apart(platform, config):
    openid = "f14-c08"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    reply = await say(platform, openid, "另外我还要投诉另一家 顺发五金厂也欠我社保")
    slots = await slots_of(config, openid)
    assert slots["employer"] == "广州宏达电子厂", slots
    case = await confirm(platform, config, openid)
    assert case.employer == "广州宏达电子厂"


# --- late free-style corrections ---------------------------------------------------------------

async def test_c09_name_wrong_three_questions_later(platform, config):
    openid = "f14-c09"
    reply = await say(platform, openid, FIRST)
    reply = await ask_until(platform, openid, reply, "称呼")
    reply = await say(platform, openid, "李敏")
    reply = await ask_until(platform, openid, reply, "希望怎么处理")
    reply = await say(platform, openid, "名字写错了 是李明不是李敏")
    assert "希望怎么处理" in reply, reply
    slots = await slots_of(config, openid)
    assert slots["name"] == "李明" and slots.get("desired_outcome") is None, slots
    await summary(platform, openid, reply)
    assert (await confirm(platform, config, openid)).name == "李明"


async def test_c10_place_wrong_later_in_free_style(platform, config):
    openid = "f14-c10"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "不是新塘 是石滩")
    assert "几个人" in reply, reply
    slots = await slots_of(config, openid)
    assert slots["jurisdiction"] == "石滩镇" and slots.get("headcount") is None, slots


async def test_c11_employer_name_typo_fixed_by_the_changed_part(platform, config):
    openid = "f14-c11"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "厂名打错了 不是宏达 是宏发")
    assert "电话" in reply, reply
    assert (await slots_of(config, openid))["employer"] == "广州宏发电子厂"


async def test_c12_answer_and_correct_an_earlier_one_in_one_message(platform, config):
    openid = "f14-c12"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, "13812345678 对了名字写错了是李明")
    slots = await slots_of(config, openid)
    assert slots["phone"] == "13812345678" and slots["name"] == "李明", slots
    assert "几个人" in reply, reply


async def test_c13_headcount_and_a_place_correction_in_one_message(platform, config):
    openid = "f14-c13"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "3个 另外地方不是新塘是石滩")
    slots = await slots_of(config, openid)
    assert slots["headcount"] == 3 and slots["jurisdiction"] == "石滩镇", slots
    assert "几个人" not in reply, reply


async def test_c14_new_phone_said_while_asked_the_headcount(platform, config):
    openid = "f14-c14"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "手机号换成13700001111")
    assert "几个人" in reply, reply
    assert (await slots_of(config, openid))["phone"] == "13700001111"


# --- pauses -----------------------------------------------------------------------------------

async def test_c15_going_to_fetch_the_contract_and_back_an_hour_later(platform, config):
    openid = "f14-c15"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, "等一下 我去找下合同")
    assert NOT_UNDERSTOOD not in reply, reply
    before = await slots_of(config, openid)
    assert before.get("employer") is None and before["description"] == FIRST
    await _age_draft(config.database_url, openid, hours=1)
    reply = await say(platform, openid, "合同找到了 单位是广州宏达电子厂")
    assert "哪个" in reply, reply
    assert (await slots_of(config, openid))["employer"] == "广州宏达电子厂"


async def test_c16_asking_a_colleague_for_the_count_then_answering(platform, config):
    openid = "f14-c16"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "等会 我问问同事有几个")
    assert (await slots_of(config, openid)).get("headcount") is None
    assert NOT_UNDERSTOOD not in reply, reply
    reply = await say(platform, openid, "5个")
    assert (await slots_of(config, openid))["headcount"] == 5
    assert "希望怎么处理" in reply, reply


# --- starting over and going back ---------------------------------------------------------------

@pytest.mark.parametrize("words", ["重新来", "从头开始", "还是从头开始吧"])
async def test_c17_starting_over_clears_the_draft(platform, config, words):
    openid = f"f14-c17-{len(words)}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, words)
    assert "电话" not in reply, reply
    slots = await slots_of(config, openid)
    assert slots.get("name") is None and slots.get("employer") is None, slots


async def test_c18_starting_over_at_the_summary_registers_only_the_new_values(platform, config):
    openid = "f14-c18"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    await say(platform, openid, "从头开始")
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply, 称呼="王五")
    case = await confirm(platform, config, openid)
    assert case.name == "王五"
    assert len(await cases_of(config, openid)) == 1


@pytest.mark.parametrize("words", ["上一步", "返回", "返回上一步", "回到上一个问题", "我要返回",
                                   "我想回到上一步"])
async def test_c19_going_back_asks_the_previous_question(platform, config, words):
    openid = f"f14-c19-{words}"
    await to_question(platform, openid, "电话")
    reply = await say(platform, openid, words)
    assert "称呼" in reply and NOT_UNDERSTOOD not in reply, reply
    reply = await say(platform, openid, "王五")
    assert "电话" in reply, reply
    slots = await slots_of(config, openid)
    assert slots["name"] == "王五" and slots["employer"] == "广州宏达电子厂", slots


async def test_c20_going_back_twice(platform, config):
    openid = "f14-c20"
    await to_question(platform, openid, "几个人")
    assert "电话" in await say(platform, openid, "上一步")
    reply = await say(platform, openid, "上一步")
    assert "称呼" in reply, reply
    assert (await slots_of(config, openid))["phone"] == "13912345678"


# --- a voice note with several answers -------------------------------------------------------

async def test_c21_voice_note_with_three_answers(bot_server, config):
    payer = Payer(bot_server, "f14-c21")
    reply = await payer.until("单位", FIRST)
    reply = await payer.voice("嗯单位是广州宏达电子厂在石滩镇那边我叫陈大文")
    slots = await slots_of(config, "f14-c21")
    assert slots.get("employer") == "广州宏达电子厂", slots
    assert slots.get("jurisdiction") == "石滩镇" and slots.get("name") == "陈大文", slots
    assert "电话" in reply, reply


# --- the summary: a bare no, 👌, 嗯嗯 没问题 ---------------------------------------------------

@pytest.mark.parametrize("words", ["不对", "不对啊", "有问题", "错了", "不太对"])
async def test_c22_denying_at_the_summary_without_saying_what(platform, config, words):
    openid = f"f14-c22-{len(words)}-{words[0]}"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    reply = await say(platform, openid, words)
    assert "修改哪一项" in reply, reply
    assert await cases_of(config, openid) == []
    assert "电话" in await say(platform, openid, "电话")


@pytest.mark.parametrize("words", ["👌", "嗯嗯 没问题", "没问题 提交吧", "对的对的", "👍"])
async def test_c23_confirming_in_a_payers_words(platform, config, words):
    openid = f"f14-c23-{len(words)}-{words[0]}"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    case = await confirm(platform, config, openid, words)
    assert case.name == "李四"


@pytest.mark.parametrize("words", ["不用了谢谢", "没有了 谢谢", "好的 知道了", "ok 辛苦了"])
async def test_c24_closing_after_the_case_number(platform, config, words):
    openid = f"f14-c24-{len(words)}-{words[0]}"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    await confirm(platform, config, openid)
    reply = await say(platform, openid, words)
    assert NOT_UNDERSTOOD not in reply and "说说" not in reply, reply
    assert (await slots_of(config, openid)).get("description") is None
    assert len(await cases_of(config, openid)) == 1


# --- the server restarts in the middle ----------------------------------------------------------

async def test_c25_restart_at_the_phone_question(aiohttp_server, http, config, models):
    from bot.app import build_app

    openid = "f14-c25"
    first = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, first, config)
    await to_question(platform, openid, "电话")
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, second, config)
    reply = await say(platform, openid, "13912345678")
    assert "几个人" in reply, reply
    await summary(platform, openid, reply)
    case = await confirm(platform, config, openid)
    assert case.name == "李四" and case.employer == "广州宏达电子厂"
    assert len(await cases_of(config, openid)) == 1


async def test_c26_restart_at_the_summary_then_confirm(aiohttp_server, http, config, models):
    from bot.app import build_app

    openid = "f14-c26"
    first = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, first, config)
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, second, config)
    case = await confirm(platform, config, openid, "嗯嗯 没问题")
    assert case.phone == "13912345678"
    assert len(await cases_of(config, openid)) == 1


async def test_c27_restart_while_the_cancel_question_is_open(aiohttp_server, http, config,
                                                            models):
    from bot.app import build_app

    openid = "f14-c27"
    first = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, first, config)
    await to_question(platform, openid, "称呼")
    await say(platform, openid, "算了")
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, second, config)
    reply = await say(platform, openid, "还是登记吧")
    assert "称呼" in reply, reply
    assert (await slots_of(config, openid))["employer"] == "广州宏达电子厂"


# --- whole mixed journeys ----------------------------------------------------------------------

async def test_c28_question_correction_and_ok_hand(platform, config):
    openid = "f14-c28"
    reply = await say(platform, openid, FIRST)
    reply = await ask_until(platform, openid, reply, "哪个区")
    reply = await say(platform, openid, "新塘")
    reply = await say(platform, openid, "等等 先问下单位欠缴社保滞纳金怎么算")
    assert "依据" in reply and "称呼" in reply, reply
    reply = await say(platform, openid, "李敏")
    reply = await say(platform, openid, "不是新塘 是石滩")
    assert "电话" in reply, reply
    reply = await summary(platform, openid, reply)
    assert "石滩镇" in reply and "李敏" in reply, reply
    case = await confirm(platform, config, openid, "👌")
    assert case.jurisdiction == "石滩镇" and case.name == "李敏"
    reply = await say(platform, openid, "不用了谢谢")
    assert NOT_UNDERSTOOD not in reply, reply
    assert len(await cases_of(config, openid)) == 1


async def test_c29_progress_without_an_older_case_mid_filing(platform, config):
    openid = "f14-c29"
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, "我之前那个案子进度怎么样了")
    assert "称呼" in reply, reply
    assert (await slots_of(config, openid)).get("name") is None


async def test_c30_correction_at_the_summary_in_free_style(platform, config):
    openid = "f14-c30"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply, 称呼="李敏")
    reply = await say(platform, openid, "名字写错了 是李明不是李敏")
    assert "请核对登记内容" in reply and "李明" in reply, reply
    case = await confirm(platform, config, openid)
    assert case.name == "李明"




@pytest.mark.parametrize("keep", ["继续", "不用改", "对的"])
async def test_c20b_going_back_then_on_keeps_the_answer(platform, config, keep):
    openid = f"f14-c20b-{len(keep)}-{keep[0]}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, "返回")
    assert "13912345678" in reply or "139****5678" in reply, reply
    reply = await say(platform, openid, keep)
    assert "几个人" in reply, reply
    assert (await slots_of(config, openid))["phone"] == "13912345678"


async def test_c20c_going_back_at_the_summary_and_submitting_after(platform, config):
    openid = "f14-c20c"
    reply = await say(platform, openid, FIRST)
    await summary(platform, openid, reply)
    reply = await say(platform, openid, "上一步")
    assert "时间段或金额" in reply or "希望怎么处理" in reply, reply
    reply = await summary(platform, openid, await say(platform, openid, "要求补缴和滞纳金"))
    case = await confirm(platform, config, openid, "好的")
    assert case.desired_outcome == "要求补缴和滞纳金"


async def test_c20d_going_back_at_the_first_question(platform, config):
    openid = "f14-c20d"
    await say(platform, openid, "反映问题")
    reply = await say(platform, openid, "上一步")
    assert "第一项" in reply and NOT_UNDERSTOOD not in reply, reply


@pytest.mark.parametrize("message,slot,stored", [
    ("地方写错了 是石滩不是新塘", "jurisdiction", "石滩镇"),
    ("名字打错了，应该是李明，不是李四", "name", "李明"),
    ("单位写错了 不是宏达 是宏发", "employer", "广州宏发电子厂"),
    ("单位写错了 是顺发五金厂不是宏达", "employer", "顺发五金厂"),
])
async def test_c09b_new_value_said_before_the_old_one(platform, config, message, slot, stored):
    openid = f"f14-c09b-{slot}-{len(message)}"
    await to_question(platform, openid, "希望怎么处理")
    reply = await say(platform, openid, message)
    assert "希望怎么处理" in reply, reply
    assert (await slots_of(config, openid))[slot] == stored



@pytest.mark.parametrize("words", ["等下我去翻翻合同", "稍等 我去拿下工资条"])
async def test_c15b_fetching_a_paper_stores_nothing(platform, config, words):
    """"等下我去翻翻合同" at the unit question got "请告诉我单位的名称" as if a wrong answer."""
    openid = f"f14-c15b-{len(words)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, words)
    assert "不着急" in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None


@pytest.mark.parametrize("words", ["我先去吃个饭 回来再弄", "忙完再说"])
async def test_c16b_back_after_something_else_keeps_the_draft(platform, config, words):
    """"我先去吃个饭 回来再弄" at the count question got the headcount help."""
    openid = f"f14-c16b-{len(words)}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, words)
    assert "保留" in reply and "人数" not in reply.split("。")[0], reply
    reply = await say(platform, openid, "继续")
    assert "几个人" in reply, reply
    assert (await slots_of(config, openid))["phone"] == "13912345678"



@pytest.mark.parametrize("words", ["等等 还是办吧", "哎 等一下 还是登记吧"])
async def test_c04b_going_on_with_a_wait_word_at_the_cancel_question(platform, config, words):
    """"等等 还是办吧" at "确定要取消吗" got the 12345 decline and the cancel question again."""
    openid = f"f14-c04b-{len(words)}"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, "不办了")
    reply = await say(platform, openid, words)
    assert "称呼" in reply and "12345" not in reply and "确定要取消" not in reply, reply
    assert (await slots_of(config, openid))["employer"] == "广州宏达电子厂"


async def test_c05b_submit_meant_at_the_summarys_cancel_question(platform, config):
    """"算了" at the summary, then "不是 我是说提交": the cancel question was asked again."""
    openid = "f14-c05b"
    await summary(platform, openid, await say(platform, openid, FIRST))
    await say(platform, openid, "算了")
    reply = await say(platform, openid, "不是 我是说提交")
    assert "确定要取消" not in reply and "确认" in reply, reply
    await confirm(platform, config, openid)
    assert len(await cases_of(config, openid)) == 1


@pytest.mark.parametrize("cue,message", [
    ("希望怎么处理", "名字写错了，是李明，麻烦了"),
    ("时间段或金额", "名字写错了 是李明 谢谢"),
])
async def test_c12b_thanks_beside_a_correction_answer_nothing(platform, config, cue, message):
    openid = f"f14-c12b-{len(cue)}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert slots["name"] == "李明" and cue in reply, (reply, slots)
    assert slots.get("desired_outcome" if cue == "希望怎么处理" else "extras") is None, slots
