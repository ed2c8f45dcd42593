"""Call-back requests (转人工), voice supplements and closed cases in 进度, through the real
gateway: the group that receives a call-back is the office the payer is told will call, a
second request within the hour joins the first, a voice is counted as a voice."""
from __future__ import annotations

import pytest

from bot.simulator import voice_xml
from bot.store.models import Case
from routing.rules import load_rules
from tests.test_cases import card_texts
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_followup import act, file_case
from tests.test_journeys import group

PHONE = "13812345678"
TAX_GROUP = "dev-key-zc-tax"


async def test_call_back_without_a_place_goes_to_the_office_that_calls(
        platform, fake_webhook, config):
    openid = "o-callback-1"
    assert "电话" in await say(platform, openid, "转人工")
    reply = await say(platform, openid, PHONE)
    case_no = CASE_NO.search(reply).group()
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    lead = config.raw["agencies"][case.lead_agency]["name"]
    assert f"{lead}的工作人员会尽快致电" in reply, reply
    card = (await group(fake_webhook, TAX_GROUP, case_no))[-1]
    assert "人工电话联系" in card and "缴费人未说明所在地" in card, card
    assert not any(case_no in t for t in card_texts(fake_webhook, "dev-key-transfer"))


async def test_second_call_back_request_joins_the_first(platform, fake_webhook, config):
    for n, again_words in enumerate(("转人工", "我要人工客服", "找人工")):
        openid = f"o-callback-2-{n}"
        await say(platform, openid, "能不能让工作人员给我回个电话")
        first = CASE_NO.search(await say(platform, openid, PHONE)).group()
        again = await say(platform, openid, again_words)
        assert first in again and "138****5678" in again, again
        cases = await fetch(config.database_url, Case, openid=openid)
        assert [c.case_no for c in cases] == [first], again
        texts = await group(fake_webhook, TAX_GROUP, f"{first}\n> 缴费人再次要求人工回电")
        assert sum(first in t for t in texts) == 2, texts  # the card and one supplement
        assert any(t.startswith("**缴费人再次要求人工回电**") and "尽快回电" in t for t in texts), texts


async def test_voice_supplement_is_counted_as_voice(platform, http, bot_server, fake_webhook):
    openid = "o-callback-3"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请说明欠缴月份"}) == 200
    delivery = await platform.post(voice_xml(openid, None))
    assert case_no in (delivery.reply or "")
    text = (await group(fake_webhook, TAX_GROUP, "**缴费人补充材料**"))[-1]
    assert "图片" not in text and "语音" in text, text


async def test_closed_case_shows_when_it_was_resolved(platform, http, bot_server):
    openid = "o-callback-4"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "resolve", {"result": "已责令单位补缴"}) == 200
    listing = await say(platform, openid, "进度")
    assert case_no in listing and "办结于" in listing and "时限" not in listing, listing


def test_only_a_call_back_without_a_place_goes_to_the_home_district(config):
    rules = load_rules(config_raw=config.raw)
    home = config.raw["jurisdictions"][0]["name"]
    assert rules.route("other", "simple", needs_callback=True).district == home
    away = rules.route("other", "simple", jurisdiction="北京市朝阳区", needs_callback=True)
    assert away.district is None and not away.in_area  # a place given outside: transfer
    assert rules.route("other", "simple").district is None


@pytest.mark.parametrize("message,shown", [("转人工，打我座机020-88886666", "020-****6666"),
                                           ("转人工 我电话13812345678", "138****5678"),
                                           ("找人工 13812345678 谢谢", "138****5678")])
async def test_a_call_back_request_with_its_number_is_registered_at_once(
        platform, config, message, shown):
    """The number given with 转人工 was ignored: "打我座机020-…" got "您还没有登记过事项", "我电话
    138…" the category question, a bare 转人工 then asked for the number again."""
    openid = f"o-callback-5-{len(message)}-{shown[:3]}"
    reply = await say(platform, openid, message)
    case_no = CASE_NO.search(reply).group()
    assert "人工回电" in reply and shown in reply, reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.needs_callback and case.phone.replace("-", "").endswith("6666" if "6666" in shown
                                                                      else "5678")


async def test_a_complaint_about_a_service_with_a_number_is_no_call_back(platform, config):
    """"人工服务态度很差，电话138…" tells a story: the form goes on, no call-back is registered."""
    openid = "o-callback-6"
    reply = await say(platform, openid, "人工服务态度很差，电话13812345678")
    assert CASE_NO.search(reply) is None and "人工回电" not in reply, reply
