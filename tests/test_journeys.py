"""Whole journeys through the gateway, read as the payer and as the liaison read them: the
payer's replies and notices (fake WeChat API), the group cards and messages (fake WeCom
robots) and the liaison API, checked against each other — same case number, agency,
deadline and status words, nothing leaked, no internal words, each notice saying what
happens next."""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from bot.simulator import image_xml
from bot.store.models import Case, OutboxItem
from routing.notices import local_deadline
from routing.scheduler import Scheduler
from tests.test_cases import card_texts
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_followup import file_case
from tests.test_open_case_requests import second_case

TAX = {"Authorization": "Bearer dev-token-tax"}
HRSS = {"Authorization": "Bearer dev-token-hrss"}
TAX_GROUP, HRSS_GROUP = "dev-key-zc-tax", "dev-key-zc-hrss"
LEADERSHIP_GROUP = "dev-key-leadership"
PHONE = "13812345678"
# What a payer or liaison must never read: status codes, slot names, English, placeholders.
INTERNAL = re.compile(r"\b(assigned|accepted|transferred|resolved|reopened|closed|employer_"
                      r"arrears|desired_outcome|jurisdiction|None|null)\b|\{[a-z_]+\}")


async def api(http, server, method: str, path: str, headers=TAX, body=None):
    async with http.request(method, server.make_url(path), headers=headers, json=body) as r:
        return r.status, await r.json(content_type=None)


async def notices(fake_api, openid: str, count: int, timeout: float = 5.0) -> list[str]:
    """The payer's notices once ``count`` of them arrived."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while len(fake_api.texts_to(openid)) < count and loop.time() < end:
        await asyncio.sleep(0.05)
    return fake_api.texts_to(openid)


async def group(fake_webhook, key: str, wanted: str, timeout: float = 5.0) -> list[str]:
    """What group ``key`` received, once a message containing ``wanted`` arrived."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not any(wanted in t for t in card_texts(fake_webhook, key)) and loop.time() < end:
        await asyncio.sleep(0.05)
    return card_texts(fake_webhook, key)


def readable(*texts: str) -> None:
    for text in texts:
        assert not INTERNAL.search(text), text
        assert PHONE not in text, text


async def test_journey_simple_case_accepted_resolved_and_rated(
        platform, http, bot_server, fake_api, fake_webhook):
    openid = "o-journey-1"
    case_no = await file_case(platform, openid)
    status, case = await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept", body={
        "acceptor": "王明", "acceptor_phone": "020-82751234", "opinion": "联系单位核实欠缴月份"})
    assert status == 200 and case["status_label"] == "办理中"
    [accepted] = await notices(fake_api, openid, 1)
    assert case_no in accepted and "区税务局" in accepted and "进度" in accepted
    assert "联系单位核实" not in accepted  # the 报送单's opinion is internal
    assert "办理中" in await say(platform, openid, "进度")
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已责令单位补缴"}))[0] == 200
    _, resolved, rate = await notices(fake_api, openid, 3)
    assert "已责令单位补缴" in resolved and "1-5分" in rate
    assert "14天内可回复“重新办理”" in rate  # what to do if it did not help
    assert "感谢" in await say(platform, openid, "5分")
    _, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}")
    assert view["rating"] == 5
    # Regression: the status label already starts with 已 ("案件已已办结").
    assert "已已" not in view["next_step"] and "已办结" in view["next_step"]
    [card] = card_texts(fake_webhook, TAX_GROUP)
    # Regression: a duration read "所属期：半年（时长）"; it is 时长：半年.
    assert "> 时长：半年\n" in card and "所属期" not in card
    assert "138****5678" in card and "吴*" in card
    readable(*fake_api.texts_to(openid), card, view["next_step"])


async def test_journey_information_requested_then_reopened(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "o-journey-2"
    case_no = await file_case(platform, openid)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info",
                      body={"text": "请提供工资条"}))[0] == 200
    [asked] = await notices(fake_api, openid, 1)
    assert "请提供工资条" in asked and "回复文字或图片" in asked
    assert case_no in await say(platform, openid, "工资条每月9000，单位按4200报的")
    photo = (await platform.post(image_xml(openid, "media-journey-2"))).reply
    assert case_no in photo and "共收到2条" in photo
    texts = await group(fake_webhook, TAX_GROUP, "张图片")
    # Regression: a photo read "（缴费人补充了图片）（另附 1 张图片）" in the group.
    assert texts[-1].count("图片") == 1 and "（1 张图片）" in texts[-1], texts[-1]
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已责令单位补缴差额"}))[0] == 200
    assert "重新办理" in await say(platform, openid, "单位还是没交")
    assert case_no in await say(platform, openid, "重新办理")
    texts = await group(fake_webhook, TAX_GROUP, "**重新办理**")
    # Regression: the liaison read "问题未解决（重新办理）" — the command, not the reason.
    assert "（单位还是没交）" in texts[-1], texts[-1]
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    reopened = (await notices(fake_api, openid, 4))[3]
    assert "重新办理" in reopened and local_deadline(case.deadline) in reopened
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "单位已补缴全部差额"}))[0] == 200
    assert "单位已补缴全部差额" in (await notices(fake_api, openid, 6))[4]
    readable(*fake_api.texts_to(openid), *card_texts(fake_webhook, TAX_GROUP))


async def test_journey_transfer_explained_to_the_payer(
        platform, http, bot_server, fake_api, fake_webhook):
    openid = "o-journey-3"
    case_no = await file_case(platform, openid)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer", body={
        "agency": "hrss", "reason": "属于劳动关系认定"}))[0] == 200
    [moved] = await notices(fake_api, openid, 1)
    assert "区人力资源和社会保障局" in moved and "进度" in moved
    why = await say(platform, openid, "怎么又转了")
    # Regression: the move showed twice ("已转交…办理" and "已转交…"), and why it moved and
    # from whom was not said.
    assert why.count("区人力资源和社会保障局") == 2, why  # header + one history line
    assert "由区税务局转交区人力资源和社会保障局办理" in why and "有权处理的部门" in why, why
    # The liaison's reason is theirs (it may name colleagues or hold internal remarks):
    # test_gaps_fresh4 has the variants.
    assert "属于劳动关系认定" not in why, why
    assert "已转交区税务局" in why, why  # the first hand-over, as it happened
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", HRSS,
                      {"result": "已责令单位补缴"}))[0] == 200
    tracked = await group(fake_webhook, TAX_GROUP, "本单位转出事项已办结")
    assert case_no in tracked[-1] and "已责令单位补缴" in tracked[-1]
    assert "感谢" in await say(platform, openid, "满意")
    readable(*fake_api.texts_to(openid), why, *card_texts(fake_webhook, HRSS_GROUP))


async def test_journey_major_case_reaches_the_leadership_office(
        platform, fake_webhook, config):
    openid = "o-journey-4"
    reply = await say(platform, openid,
                      "新塘镇宏达电子厂欠了我们几十个工人一年的社保，再不解决我们就去上访")
    await finish_form(platform, openid, reply, {**ANSWERS, "几个人": "40"})
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.severity == "major"
    texts = await group(fake_webhook, LEADERSHIP_GROUP, "已推送至本群")
    card, mention = texts
    assert "【重大疑难】" in card and case_no in card and "信访" in card
    assert case_no in mention
    assert "李*" in card and "李四" not in card and "13912345678" not in card
    assert "> 时长：一年" in card


async def test_journey_two_cases_progress_and_urging_one(platform, config, fake_webhook):
    openid = "o-journey-5"
    older, newer = await file_case(platform, openid), await second_case(platform, openid)
    listing = await say(platform, openid, "进度")
    assert f"1. {newer}" in listing and f"2. {older}" in listing
    one = await say(platform, openid, f"进度 {older}")
    assert older in one and newer not in one
    urged = await say(platform, openid, "催一下宏图那个")
    assert newer in urged and older not in urged
    texts = await group(fake_webhook, TAX_GROUP, "催办")
    assert newer in texts[-1] and "（缴费人催办）" in texts[-1]
    both = await say(platform, openid, "能不能快点")
    assert older in both and newer in both
    # Regression: "理解您着急。" opened the reply once per case.
    assert both.count("理解您着急") == 1 and both.count("已经替您催办过了") == 1, both
    stranger = await say(platform, "o-journey-5-other", f"进度 {older}")
    assert "宏达" not in stranger and "单位欠缴" not in stranger


async def test_journey_withdrawal_reaches_the_liaison_who_closes(
        platform, http, bot_server, fake_api, fake_webhook):
    openid = "o-journey-6"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "单位已经补缴了，我撤回")
    assert case_no in reply and "区税务局" in reply and "办结后会通知您" in reply
    texts = await group(fake_webhook, TAX_GROUP, "不再继续办理")
    assert case_no in texts[-1] and "请核实后办结" in texts[-1]
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "缴费人申请撤回，已办结"}))[0] == 200
    resolved, _rate = await notices(fake_api, openid, 2)
    assert case_no in resolved and "缴费人申请撤回" in resolved
    assert "已办结" in await say(platform, openid, "进度")


async def test_journey_overdue_case_is_reported_to_the_office_lead_and_co_handler(
        platform, bot_server, config):
    openid = "o-journey-7"
    case_no = await file_case(platform, openid)
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    scheduler = Scheduler(bot_server.app["services"].sessionmaker, config)
    assert await scheduler.run_once(case.deadline - timedelta(hours=20)) == 2
    assert await scheduler.run_once(case.deadline + timedelta(minutes=1)) == 3
    assert await scheduler.run_once(case.deadline + timedelta(hours=2)) == 0
    rows = await fetch(config.database_url, OutboxItem, case_id=case.id)
    told = {(r.target, r.payload.get("kind")): r.payload["body"]["markdown"]["content"]
            for r in rows if r.channel == "webhook"}
    # The time of day the card shows too, as HH:MM ("0:11" in the payer's wording is 00:11).
    hour, minute = re.search(r"(\d{1,2}):(\d{2})$", local_deadline(case.deadline)).groups()
    deadline = f"{int(hour):02d}:{minute}"
    for key, kind in ((LEADERSHIP_GROUP, "overdue"), (TAX_GROUP, "overdue"),
                      (HRSS_GROUP, "overdue_co"), (TAX_GROUP, "due_soon"),
                      (HRSS_GROUP, "due_soon_co")):
        assert case_no in told[key, kind] and deadline in told[key, kind], (key, kind)
        readable(told[key, kind])
    assert "书面意见" in told[HRSS_GROUP, "overdue_co"]


async def test_journey_call_back_request_with_no_place_is_not_called_outside_the_area(
        platform, fake_webhook, config):
    openid = "o-journey-8"
    assert "电话" in await say(platform, openid, "转人工")
    reply = await say(platform, openid, PHONE)
    case_no = CASE_NO.search(reply).group()
    assert "需要人工回电" in reply and "138****5678" in reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.needs_callback
    # Regression: it went to the out-of-area transfer group while the payer was told
    # 区税务局 would call; it goes to the group of the office named in the reply.
    assert "区税务局的工作人员会尽快致电" in reply
    card = (await group(fake_webhook, TAX_GROUP, case_no))[-1]
    assert not any(case_no in t for t in card_texts(fake_webhook, "dev-key-transfer"))
    assert "人工电话联系" in card and PHONE not in card
    # Regression: no place given read as "非本辖区" — the liaison would pass the call on.
    assert "非本辖区" not in card and "缴费人未说明所在地" in card, card
