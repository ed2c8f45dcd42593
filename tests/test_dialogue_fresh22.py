"""Blind round 22: a payer with an open case who tells the same matter again, and a privacy
worry typed beside an answer. The same matter again is offered as a supplement to the open case
at once (README: a second case of the same category while one is open is offered as a
supplement), keeping what was said whichever way the payer answers; a worry beside a name or a
phone keeps the answer and is answered at once with the knowledge base's privacy entry (seed
002: 办理过程中严格保密), then the next question. Written before reading the handlers; each
conversation goes through the real encrypted gateway."""
from __future__ import annotations

import pytest

from bot.store.models import Case, CaseEvent
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_dialogue_fresh18 import last_line
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

OFFER = "同一件事"


async def registered(platform, openid: str) -> str:
    await to_summary(platform, openid)
    return CASE_NO.search(await say(platform, openid, "确认")).group()


# --- the same matter told again while its case is open -------------------------------------------

@pytest.mark.parametrize("message", [
    "我们公司没给我交社保 都半年了",
    "还是那个社保没交的事 公司还是没交",
    "宏达厂到现在还是没帮我交社保啊",
    "公司又没交社保了。。",
])
async def test_d01_same_matter_again_is_offered_at_once(platform, config, message):
    openid = f"f22-d01-{message}"
    case_no = await registered(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and OFFER in reply, reply
    assert "请核对登记内容" not in reply and "称呼" not in reply, reply


async def test_d02_accepting_adds_what_was_said_to_the_open_case(platform, config):
    openid = "f22-d02"
    case_no = await registered(platform, openid)
    await say(platform, openid, "我们公司没给我交社保 都半年了")
    reply = await say(platform, openid, "是的 同一件")
    assert case_no in reply, reply
    cases = await fetch(config.database_url, Case, openid=openid)
    assert len(cases) == 1
    events = await fetch(config.database_url, CaseEvent, case_id=cases[0].id)
    assert any(e.kind == "supplement" and "半年" in str(e.detail) for e in events), \
        [(e.kind, e.detail) for e in events]


async def test_d03_declining_goes_on_with_a_new_form_and_loses_nothing(platform, config):
    openid = "f22-d03"
    await registered(platform, openid)
    await say(platform, openid, "还是那个社保没交的事 公司还是没交 这次是换了个车间")
    reply = await say(platform, openid, "2")
    assert OFFER not in reply and ("？" in last_line(reply) or "?" in last_line(reply)), reply
    slots = await slots_of(config, openid)
    assert "车间" in (slots.get("description") or ""), slots
    assert len(await fetch(config.database_url, Case, openid=openid)) == 1


async def test_d04_declined_form_is_not_asked_again_at_the_summary(platform, config):
    openid = "f22-d04"
    await registered(platform, openid)
    reply = await say(platform, openid, "公司又没交社保了。。")
    reply = await say(platform, openid, "不是 另外一件")
    from tests.test_dialogue import ANSWERS, finish_form
    summary = await finish_form(platform, openid, reply, ANSWERS)
    done = await say(platform, openid, "确认")
    assert OFFER not in done and CASE_NO.search(done), (summary, done)
    assert len(await fetch(config.database_url, Case, openid=openid)) == 2


async def test_d05_another_category_is_not_offered(platform, config):
    openid = "f22-d05"
    await registered(platform, openid)
    reply = await say(platform, openid, "我多交的社保费想申请退回来")
    assert OFFER not in reply, reply


# --- a privacy worry typed beside an answer ----------------------------------------------------------

@pytest.mark.parametrize("cue,answer,slot,value,next_cue", [
    ("称呼", "李四。这个会不会被公司知道", "name", "李四", "电话"),
    ("称呼", "王五 别让厂里知道是我投诉的", "name", "王五", "电话"),
    ("电话", "13912345678 你们不会告诉老板吧", "phone", "13912345678", "几个人"),
    ("电话", "13700001111，会保密吧？", "phone", "13700001111", "几个人"),
])
async def test_p01_worry_beside_an_answer_is_answered_and_the_answer_kept(
        platform, config, cue, answer, slot, value, next_cue):
    openid = f"f22-p01-{answer}"
    await to_question(platform, openid, cue)
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get(slot) == value, (slots, reply)
    assert "保密" in reply, reply
    assert next_cue in last_line(reply), reply
    assert value not in reply or slot == "name", reply


# --- written after the fix ------------------------------------------------------------------------

async def test_d06_another_employer_is_not_offered(platform, config):
    openid = "f22-d06"
    await registered(platform, openid)
    reply = await say(platform, openid, "华新建材厂也没给我交社保 我在那边干过两年")
    assert OFFER not in reply, reply


async def test_d07_something_else_at_the_offer_is_read_by_the_form(platform, config):
    """"还有一件事" is no "same matter": nothing is added, the form reads it."""
    openid = "f22-d07"
    await registered(platform, openid)
    assert OFFER in await say(platform, openid, "我们公司没给我交社保 都半年了")
    await say(platform, openid, "还有一件事")
    [case] = await fetch(config.database_url, Case, openid=openid)
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    assert not any(e.kind == "supplement" for e in events)
    assert "半年" in (await slots_of(config, openid)).get("description", "")
