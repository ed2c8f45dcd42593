"""Five payer-side gaps left by stop 19, each with colloquial variants, through the gateway:
an approximate period (十几年) stored as an exact one, a statement about material from a payer
with no case answered by the knowledge base (停工留薪), an approximate amount typed as a
correction at the summary read as a plain figure, a bare "3" with no case and no menu read as
a progress check, and "那怎么办呢" after another office's matter answered with the fallback."""
from __future__ import annotations

import re
import zlib

import pytest

from bot.simulator import event_xml
from bot.store.models import Case, CaseEvent, DialogueState
from tests.test_chat_fresh2 import FALLBACK
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

COMFORT = "别难过"
NO_CASE = "还没有登记过事项"
DECLINE = "不能准确回答"


def oid(prefix: str, message: str) -> str:
    return f"g2-{prefix}-{zlib.crc32(message.encode())}"


# --- 1. an approximate period is kept as said, never as an exact number of months --------

APPROXIMATE = [("公司十几年没给我交社保", "十几年"), ("公司七八年没给我交社保", "七八年"),
               ("厂里三四个月没交社保了", "三四个月"), ("公司大半年没给我交社保", "大半年"),
               ("单位一年多没给我交社保", "一年多"), ("老板10几年都没给我买社保", "10几年"),
               ("公司差不多十年没给我交社保", "差不多十年"), ("厂里三年左右没交社保", "三年左右"),
               ("公司将近两年没给我交社保", "将近两年"), ("老板好几年没给我们交社保了", "好几年"),
               ("公司两三年没给我交社保", "两三年"), ("单位半年多没交我社保", "半年多"),
               ("干了大半年了 社保一分没交", "大半年"), ("社保断了差不多快两年了", "快两年")]


@pytest.mark.parametrize("message,said", APPROXIMATE)
async def test_an_approximate_period_is_stored_and_shown_as_said(platform, config, message,
                                                                said):
    openid = oid("period", message)
    reply = await say(platform, openid, message)
    slots = await slots_of(config, openid)
    assert not re.fullmatch(r"P\d+M", str(slots.get("period"))), slots
    assert said in str(slots.get("period")), slots
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert f"时长：{said}" in summary and "个月：" not in summary, summary
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert said in case.period and not re.search(r"P\d+M|\d+个月", case.period.replace(
        said, "")), case.period


@pytest.mark.parametrize("answer,said", [("十几年", "十几年"), ("大概十几年吧", "十几年"),
                                         ("七八年", "七八年"), ("三四个月", "三四个月")])
async def test_an_approximate_period_at_the_optional_question(platform, config, answer, said):
    openid = oid("period-q", answer)
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert said in str(slots.get("period")) and "P" not in str(slots.get("period")), slots
    assert said in reply and "120个月" not in reply, reply


async def test_an_exact_duration_keeps_its_code(platform, config):
    openid = "g2-period-exact"
    await say(platform, openid, "公司三年没给我交社保")
    slots = await slots_of(config, openid)
    assert slots.get("period") == "P36M" and "三年" in str(slots.get("period_said")), slots


@pytest.mark.parametrize("story,said,raw", [("宏达电子厂还是没给我交社保，已经八个月了", "八个月", "P8M"),
                                            ("宏达电子厂十几年没给我交社保了", "十几年", "P120M")])
async def test_a_period_in_a_supplement_is_said_as_the_payer_said_it(platform, config, story,
                                                                    said, raw):
    openid = oid("supp", story)
    reply = await say(platform, openid, "我叫赵六，电话13512345678，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    assert case_no in await say(platform, openid, story)  # the same matter: offered at once
    assert case_no in await say(platform, openid, "1")
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    [added] = [e for e in events if e.kind == "supplement"]
    assert said in added.detail["text"] and raw not in added.detail["text"], added.detail


# --- 2. a statement about material from a payer with no case -------------------------------

STATEMENTS = ["我还有工资流水要补充", "我这边有合同可以发给你们", "我有工资条可以发过来",
              "我手上有劳动合同", "我还有聊天记录 要补充", "我这有银行流水 咋发给你们",
              "俺有录音", "我有证据", "我还有考勤记录", "我有社保缴费记录可以提供",
              "我这有工资条和合同 要不要发给你们", "我可以提供银行流水", "工资流水我也有",
              "我还有工资流水要补充的", "我还有工资流水要补冲", "我有合同 你们要不要", "有录音也有照片",
              "我手里有工资条截图", "我保留了工资条", "我有聊天截图 可以发给你们吗"]


@pytest.mark.parametrize("message", STATEMENTS)
async def test_material_offered_with_no_case_invites_a_registration(platform, config,
                                                                    message):
    openid = oid("material", message)
    reply = await say(platform, openid, message)
    assert "反映问题" in reply and "登记" in reply, reply
    assert "停工留薪" not in reply and FALLBACK not in reply and DECLINE not in reply, reply
    assert "依据" not in reply, reply  # no policy answer to a statement
    states = await fetch(config.database_url, DialogueState, openid=openid)
    assert not any(s.form or (s.slots or {}).get("description") for s in states), reply


@pytest.mark.parametrize("message", ["我还有工资流水要补充", "我这边有合同可以发给你们"])
async def test_the_knowledge_base_declines_a_statement_of_material(models, message):
    _, kb = models
    assert kb.ask(message).declined, kb.ask(message)


async def test_a_policy_question_about_a_record_is_still_answered(platform):
    reply = await say(platform, "g2-material-question", "怎么查询自己的社保缴费记录")
    assert "第七十四条" in reply, reply


# --- 3. an approximate amount typed as a correction at the summary -------------------------

ROUGH = [("约8000元", "约8000"), ("大概八千", "约八千"), ("8000左右", "8000"), ("金额是约8000元", "约8000"),
         ("金额改成大概8000", "8000"), ("差不多8千块", "8千"), ("金额不对 大约八千", "约八千"),
         ("8千左右吧", "8千"), ("金额应该是8000左右", "8000")]


@pytest.mark.parametrize("typed,shown", ROUGH)
async def test_an_approximate_amount_corrected_at_the_summary_stays_approximate(
        platform, config, typed, shown):
    openid = oid("amount", typed)
    await to_summary(platform, openid)
    reply = await say(platform, openid, typed)
    slots = await slots_of(config, openid)
    assert slots.get("amount") == 8000, slots
    said = str((slots.get("amount_said") or [None, ""])[1])
    assert shown in said and re.search("约|左右|大概|差不多", said), slots
    assert "金额：8000元" not in reply and "金额：8000.0" not in reply, reply
    line = next(line for line in reply.splitlines() if line.startswith("金额："))
    assert re.search("约|左右|大概|差不多", line), reply


# --- 4. a bare "3" with no case and no menu -----------------------------------------------

@pytest.mark.parametrize("typed", ["3", "3。", "３", " 3 ", "3."])
async def test_a_bare_three_with_no_case_and_no_menu_is_no_progress_check(platform, typed):
    reply = await say(platform, oid("three", typed), typed)
    assert NO_CASE not in reply, reply
    assert "反映问题" in reply and "进度" in reply, reply


@pytest.mark.parametrize("typed", ["3", "3。", "３"])
async def test_a_bare_three_after_the_menu_still_picks_progress(platform, typed):
    openid = oid("three-menu", typed)
    shown = await say(platform, openid, "那怎么办呢")
    assert "3." in shown, shown
    assert NO_CASE in await say(platform, openid, typed)


async def test_a_bare_three_after_the_welcome_picks_progress(platform):
    openid = "g2-three-welcome"
    shown = (await platform.post(event_xml(openid, "subscribe"))).reply
    assert "3." in shown, shown
    assert NO_CASE in await say(platform, openid, "3")


async def test_a_bare_three_after_the_bare_number_reply_picks_progress(platform):
    openid = "g2-three-twice"
    assert NO_CASE not in await say(platform, openid, "3")
    assert NO_CASE in await say(platform, openid, "3")


async def test_a_bare_three_with_a_case_shows_it(platform, config):
    openid = "g2-three-case"
    reply = await say(platform, openid, "我叫赵六，电话13512345678，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    assert case_no in await say(platform, openid, "3")


async def test_the_menu_is_no_longer_pending_after_another_reply(platform):
    openid = "g2-three-later"
    await say(platform, openid, "那怎么办呢")
    await say(platform, openid, "滞纳金怎么算")
    assert NO_CASE not in await say(platform, openid, "3")


# --- 5. "那怎么办呢" after another office's matter ---------------------------------------

OFFICE_STORIES = [("老板拖欠工资三个月了", "那怎么办呢", "12333"),
                  ("老板拖欠工资三个月了", "那我该怎么办", "12333"),
                  ("公司不给我交公积金", "那怎么办呢", "12345"),
                  ("老板跑路了 工资也没发", "那我该咋办啊", "12333"),
                  ("我想申请劳动仲裁", "那我该怎么办", "仲裁"),
                  ("厂里欠了我两个月工资", "咋整", "12333"),
                  ("公积金公司一直没给我交", "那咋办", "12345"),
                  ("工资被克扣了好几百", "那我现在该怎么办呢", "12333"),
                  ("老板拖欠工资三个月了", "这种情况怎么处理", "12333"),
                  ("我想去打劳动仲裁", "那怎么办", "仲裁"),
                  ("老板拖欠工资三个月了", "那我该找谁", "12333"),
                  ("老板拖欠工资三个月了", "那我要去哪投诉", "12333"),
                  ("公司不给我交公积金", "那应该去哪里反映", "12345"),
                  ("老板拖欠工资三个月了", "那咋弄啊", "12333")]


@pytest.mark.parametrize("story,then,office", OFFICE_STORIES)
async def test_what_to_do_after_another_offices_matter_gives_a_next_step(platform, story, then,
                                                                         office):
    openid = oid("office", story + then)
    await say(platform, openid, story)
    reply = await say(platform, openid, then)
    assert FALLBACK not in reply and COMFORT not in reply and DECLINE not in reply, reply
    assert office in reply and "反映问题" in reply, reply


@pytest.mark.parametrize("asked,then,hotline", [("养老金今年涨多少", "那怎么办呢", "12333"),
                                                ("医保报销比例是多少", "那我该怎么办", "12393")])
async def test_what_to_do_after_a_declined_question_names_its_hotline(platform, asked, then,
                                                                      hotline):
    openid = oid("declined", asked + then)
    assert hotline in await say(platform, openid, asked)
    reply = await say(platform, openid, then)
    assert FALLBACK not in reply and COMFORT not in reply and hotline in reply, reply


async def test_what_to_do_long_after_another_reply_is_not_the_office(platform):
    openid = "g2-office-later"
    await say(platform, openid, "老板拖欠工资三个月了")
    await say(platform, openid, "你好")
    reply = await say(platform, openid, "那怎么办呢")
    assert "劳动报酬" not in reply, reply


@pytest.mark.parametrize("story,then", [("公司没给我交社保还欠了我两个月工资", "那怎么办呢"),
                                        ("我在工地上摔伤了 老板不管", "那怎么办呢"),
                                        ("厂里三个月没交社保", "那我该怎么办")])
async def test_what_to_do_in_the_form_is_the_registration_not_a_decline(platform, config, story,
                                                                        then):
    openid = oid("form-todo", story + then)
    asked = await say(platform, openid, story)
    reply = await say(platform, openid, then)
    assert DECLINE not in reply and "12345" not in reply, reply
    assert "登记" in reply and asked.splitlines()[-1] in reply, reply
    slots = await slots_of(config, openid)
    assert then not in str(slots.get("description")) and then not in str(slots.get("employer"))
