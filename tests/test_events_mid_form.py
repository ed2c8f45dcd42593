"""Events in the middle of a filing: a re-follow, a click on an old menu key, a click on 查询进度
or 政策咨询 get their own reply and then the form's question, so the payer knows the answers
given so far are kept and what to answer next (typing "进度" already did this)."""
from __future__ import annotations

import pytest

from bot.simulator import event_xml
from tests.test_dialogue_robustness import slots_of, to_question

KEPT = "您已经填写的内容都还在"


async def _click(platform, openid: str, event: str, key: str | None = None) -> str:
    delivery = await platform.post(event_xml(openid, event, key))
    assert delivery.status == 200, delivery.body
    return delivery.reply or ""


@pytest.mark.parametrize("event,key", [("subscribe", None), ("CLICK", "OLD_MENU_KEY"),
                                       ("CLICK", "CHECK_PROGRESS"), ("CLICK", "ASK_POLICY")])
async def test_an_event_mid_form_repeats_the_forms_question(platform, config, event, key):
    openid = f"ev-form-{event}-{key}"
    asked = await to_question(platform, openid, "电话")
    before = await slots_of(config, openid)
    reply = await _click(platform, openid, event, key)
    assert KEPT in reply and "电话" in reply.split(KEPT)[1], reply
    assert await slots_of(config, openid) == before
    assert "电话" in asked


async def test_an_event_outside_a_form_says_nothing_of_one(platform):
    reply = await _click(platform, "ev-no-form", "CLICK", "OLD_MENU_KEY")
    assert reply and KEPT not in reply
