"""Whole intake conversations through the encrypted HTTP gateway, as a payer has them."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.simulator import image_xml, text_xml
from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Case, CaseEvent, DialogueState
from tests.conftest import make_platform

CASE_NO = re.compile(r"[A-Z]{2,4}\d{8}-\d{4}")


async def say(platform, openid: str, message: str) -> str:
    delivery = await platform.post(text_xml(openid, message))
    assert delivery.status == 200, delivery.body
    return delivery.reply or ""


async def fetch(db_url: str, model, **where):
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            return list((await session.execute(query)).scalars())
    finally:
        await engine.dispose()


async def finish_form(platform, openid: str, reply: str, answers: dict[str, str]) -> str:
    """Answer whatever the bot asks until it shows the summary."""
    for _ in range(12):
        if "请核对登记内容" in reply:
            return reply
        for cue, answer in answers.items():
            if cue in reply:
                reply = await say(platform, openid, answer)
                break
        else:
            raise AssertionError(f"unexpected question: {reply}")
    raise AssertionError("form never finished")


ANSWERS = {
    "希望怎么处理": "要求单位补缴",
    "时间段或金额": "跳过",
    "问题类型": "1",
    "哪个区": "新塘镇",
    "单位": "广州宏达电子厂",
    "称呼": "李四",
    "电话": "13912345678",
    "几个人": "1",
    "问题": "公司一直没给我交社保",
}


async def test_one_message_filing_registers_a_case(platform, config):
    openid = "o-one-message"
    reply = await say(platform, openid,
                      "我叫张三电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    assert "张三" not in reply or "请核对" in reply or "?" not in reply
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert "138****5678" in summary and "13812345678" not in summary
    assert "张三" in summary and "新塘镇" in summary
    done = await say(platform, openid, "确认")
    case_no = CASE_NO.search(done).group()
    assert "进度" in done
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.openid == openid and case.phone == "13812345678" and case.name == "张三"
    assert case.category == "employer_arrears" and case.jurisdiction == "新塘镇"
    assert "欠了我半年社保" in case.description
    assert case.lead_agency and case.deadline is not None


async def test_slot_by_slot_with_invalid_phone_and_correction(platform, config):
    openid = "o-slot-by-slot"
    assert "说说" in await say(platform, openid, "反映问题")
    reply = await say(platform, openid, "我们单位的缴费基数按最低的报，实际工资九千多")
    for _ in range(6):
        if "电话" in reply:
            break
        reply = await say(platform, openid, next(a for c, a in ANSWERS.items() if c in reply))
    bad = await say(platform, openid, "1381234")
    assert "11位" in bad
    reply = await say(platform, openid, "13812345678")
    reply = await finish_form(platform, openid, reply, ANSWERS)
    assert "138****5678" in reply
    again = await say(platform, openid, "电话填错了")
    assert "电话" in again
    reply = await say(platform, openid, "13700001111")
    assert "137****1111" in reply
    done = await say(platform, openid, "确认")
    case_no = CASE_NO.search(done).group()
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.phone == "13700001111"
    assert case.category == "contribution_base"


async def test_policy_question_mid_form_is_answered_then_question_repeated(platform):
    openid = "o-interrupt"
    await say(platform, openid, "公司欠缴我的养老保险三个月了")
    reply = await say(platform, openid, "滞纳金怎么算")
    assert "万分之五" in reply
    assert "接着登记" in reply


async def test_cancel_asks_then_discards_the_draft(platform, config):
    openid = "o-cancel"
    await say(platform, openid, "单位扣了我的社保钱但是没交")
    assert "确定要取消" in await say(platform, openid, "取消")
    assert "已取消" in await say(platform, openid, "是")
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.form is None and state.slots == {}


async def test_restart_mid_form_continues_where_it_was(aiohttp_server, http, config, models):
    from bot.app import build_app

    openid = "o-restart"
    first = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, first, config)
    asked = await say(platform, openid, "公司没给我交医保，我叫王五")
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, second, config)
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.form and state.slots.get("name") == "王五"
    reply = await say(platform, openid, next(a for c, a in ANSWERS.items() if c in asked))
    assert reply != asked


async def test_duplicate_filing_adds_to_the_open_case(platform, config, fake_webhook):
    openid = "o-duplicate"
    reply = await say(platform, openid, "我叫赵六，电话13512345678，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    # asked at once (round 22), no longer after every form question again and 确认
    question = await say(platform, openid, "宏达电子厂还是没给我交社保，已经八个月了")
    assert case_no in question and "同一件事" in question
    added = await say(platform, openid, "1")
    assert case_no in added
    cases = await fetch(config.database_url, Case, openid=openid)
    assert len(cases) == 1
    events = await fetch(config.database_url, CaseEvent, case_id=cases[0].id)
    assert any(e.kind == "supplement" for e in events)
    # The lead group hears of the supplement, as for any other one (regression: it did not).
    posts = await fake_webhook.posts.wait_for(3)  # the card to tax and hrss, then this
    assert any(case_no in str(p) and "八个月" in str(p) for p in posts[2:])
    card = posts[0]["body"]["markdown"]["content"]
    level = next(line for line in card.splitlines() if "等级" in line)
    assert level.count("需多部门联合办理") <= 1  # regression: each reason label once


async def test_progress_shows_own_cases_and_hides_foreign_ones(platform, config):
    owner, stranger = "o-owner", "o-stranger"
    reply = await say(platform, owner, "我叫钱七电话13612345678，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, owner, reply, ANSWERS)
    case_no = CASE_NO.search(await say(platform, owner, "确认")).group()
    mine = await say(platform, owner, "进度")
    assert case_no in mine
    timeline = await say(platform, owner, f"进度 {case_no}")
    assert case_no in timeline and "登记" in timeline
    foreign = await say(platform, stranger, f"进度 {case_no}")
    missing = await say(platform, stranger, "进度 ZY20990101-9999")
    assert foreign.replace(case_no, "X") == missing.replace("ZY20990101-9999", "X")
    assert "13612345678" not in foreign


async def test_image_during_form_is_kept_as_evidence(platform, config):
    openid = "o-evidence"
    await say(platform, openid, "公司停缴了我的社保")
    delivery = await platform.post(image_xml(openid, "media-evidence-1"))
    assert "证据" in delivery.reply
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.slots["evidence"] == ["media-evidence-1"]


async def test_handoff_to_human_registers_a_callback_case(platform, config):
    openid = "o-human"
    await say(platform, openid, "社保记录少了两年")
    reply = await say(platform, openid, "转人工")
    if "电话" in reply:
        reply = await say(platform, openid, "13812345678")
    assert CASE_NO.search(reply)
    [case] = await fetch(config.database_url, Case, openid=openid)
    assert case.needs_callback is True


async def _age_draft(db_url: str, openid: str, **delta) -> None:
    from datetime import timedelta

    from bot.store.models import utcnow

    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            state = await session.get(DialogueState, openid)
            moment = utcnow() - timedelta(**delta)
            state.updated_at = moment
            state.started_at = moment
            await session.commit()
    finally:
        await engine.dispose()


async def test_correction_with_the_new_value_in_the_same_message(platform, config):
    openid = "o-correct-inline"
    await say(platform, openid, "单位按最低基数给我交社保，我工资八千五")
    await say(platform, openid, "永宁")
    reply = await say(platform, openid, "不对，是荔城")
    assert "取消" not in reply
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.slots["jurisdiction"] == "荔城街道"


async def test_correcting_an_optional_field_asks_the_optional_question_again(platform, config):
    openid = "o-correct-amount"
    reply = await say(platform, openid, "公司一直没给我交社保")
    reply = await finish_form(platform, openid, reply, {**ANSWERS, "时间段或金额": "每月800元"})
    again = await say(platform, openid, "金额写错了")
    assert "时间段或金额" in again
    reply = await say(platform, openid, "每月900元")
    assert "请核对登记内容" in reply and "900" in reply
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.slots["amount"] == 900


async def test_idle_draft_asks_to_continue_or_restart(platform, config):
    openid = "o-idle"
    await say(platform, openid, "公司欠缴我的社保，我叫孙八")
    await _age_draft(config.database_url, openid, minutes=31)
    question = await say(platform, openid, "在吗")
    assert "还没提交" in question and "1" in question and "2" in question
    restart = await say(platform, openid, "2")
    assert "重新开始" in restart
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.form and state.slots.get("name") is None


async def test_draft_older_than_seven_days_is_dropped(platform, config):
    openid = "o-stale"
    await say(platform, openid, "公司欠缴我的社保，我叫周九")
    await _age_draft(config.database_url, openid, days=8)
    await say(platform, openid, "你好")
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.form is None and not state.slots


async def test_filler_replies_fill_nothing_and_a_short_give_up_asks_to_cancel(platform, config):
    openid = "o-filler"
    assert "说说" in await say(platform, openid, "我要投诉单位")
    asked = await say(platform, openid, "公司不交社保，已经三个月了")
    assert "单位" in asked
    again = await say(platform, openid, "不对")
    assert "单位的名称" in again
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.slots.get("employer") is None
    assert "确定要取消" in await say(platform, openid, "算了不投诉了")
    assert "继续登记" in await say(platform, openid, "否")


async def test_name_beside_a_phone_number_and_outside_the_area(platform, config):
    openid = "o-outside"
    await say(platform, openid, "我在天河区一家物流公司上班，公司三个月没交社保了")
    await say(platform, openid, "天河区")
    await say(platform, openid, "李雷 020-87654321")
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.slots["name"] == "李雷" and state.slots["phone"] == "020-87654321"
    assert state.slots["jurisdiction"] == "天河区"
    await say(platform, openid, "补缴")
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.slots["name"] == "李雷"
