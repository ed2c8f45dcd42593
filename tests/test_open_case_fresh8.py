"""After filing, round 8, written blind, through the gateway: a payer with three cases at three
agencies (listing them all, urging, withdrawing or adding to two named at once, pointing at a
case of the list just shown by its place in it: 第二个, 第一个, 最后那个, 上面那个), a payer
whose case was just transferred, one whose case is overdue, one who got a result and
disagrees, an angry repeat of the open matter, and a case with an empty field.

Privacy (seed 002's 报送单: 办理过程中严格保密，不得泄露缴费人信息): a payer only ever sees
and reaches their own cases."""
from __future__ import annotations

import re
import zlib
from datetime import timedelta

import pytest

from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Case, utcnow
from routing.notices import local_deadline
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_requests import case_of, group_messages, second_case, supplements

NOT_UNDERSTOOD = "没太明白"
NEW_FORM = "请选一下问题类型"
STRANGER_LEAKS = ("宏图", "医保", "荔城", "李四")
AGENCIES = {"tax": "区税务局", "healthcare": "区医疗保障局", "hrss": "区人力资源和社会保障局"}
EMPTY_FIELD = re.compile(r"[（(][，,、：:]|[，,、：:][）)]|[（(][）)]|None")


def oid(prefix: str, message: str) -> str:
    return f"o-f8-{prefix}-{zlib.crc32(message.encode())}"


def ok(reply: str) -> bool:
    return bool(reply) and NOT_UNDERSTOOD not in reply and NEW_FORM not in reply


def requests(events) -> list[str]:
    return [e.detail.get("request") for e in events]


async def third_case(platform, openid: str) -> str:
    reply = await say(platform, openid, "我在永宁街道金辉五金厂上班，公司一直没给我交养老保险，要求补缴")
    await finish_form(platform, openid, reply, ANSWERS)
    reply = await say(platform, openid, "确认")
    if "同一件事" in reply:
        reply = await say(platform, openid, "2")
    return CASE_NO.search(reply).group()


async def three_agencies(platform, http, bot_server, config, openid: str) -> dict[str, str]:
    """Three cases of ``openid``, led by the tax bureau, the healthcare bureau and the HRSS
    bureau: {agency: case number}."""
    cases = {"tax": await file_case(platform, openid),
             "healthcare": await second_case(platform, openid),
             "hrss": await third_case(platform, openid)}
    for agency, case_no in cases.items():
        lead = (await case_of(config, case_no)).lead_agency
        if lead != agency:
            async with http.post(bot_server.make_url(f"/api/cases/{case_no}/transfer"),
                                 headers={"Authorization": f"Bearer dev-token-{lead}"},
                                 json={"agency": agency, "reason": "职责分工"}) as resp:
                assert resp.status == 200, await resp.text()
    for agency, case_no in cases.items():
        assert (await case_of(config, case_no)).lead_agency == agency
    return cases


def in_order(reply: str, numbers) -> list[str]:
    """The case numbers as the reply lists them."""
    shown = sorted((reply.find(n), n) for n in numbers if n in reply)
    return [n for _, n in shown]


async def set_case(config, case_no: str, **values) -> None:
    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            case = await session.get(Case, (await case_of(config, case_no)).id)
            for key, value in values.items():
                setattr(case, key, value)
            await session.commit()
    finally:
        await engine.dispose()


# --- (a) three cases at three agencies -------------------------------------------------------

@pytest.mark.parametrize("message", ["我那三个投诉都到哪了", "所有的都查下", "我的事情都办得咋样了"])
async def test_all_three_cases_are_listed_with_their_agencies(
        platform, http, bot_server, config, message):
    openid = oid("three", message)
    cases = await three_agencies(platform, http, bot_server, config, openid)
    reply = await say(platform, openid, message)
    assert ok(reply), (message, reply)
    for agency, case_no in cases.items():
        assert case_no in reply and AGENCIES[agency] in reply, (message, reply)
    assert not EMPTY_FIELD.search(reply), reply


@pytest.mark.parametrize("template", ["催一下{a}和{b}", "{a}、{b}帮我催催", "{a} {b} 这两个加急"])
async def test_urging_two_named_cases_urges_both_and_not_the_third(
        platform, http, bot_server, config, template):
    openid = oid("urge2", template)
    cases = await three_agencies(platform, http, bot_server, config, openid)
    a, b, c = cases["tax"], cases["hrss"], cases["healthcare"]
    reply = await say(platform, openid, template.format(a=a, b=b.lower()))
    assert a in reply and b in reply and ok(reply), reply
    assert requests(await supplements(config, a)) == ["urge"], reply
    assert requests(await supplements(config, b)) == ["urge"], reply
    assert await supplements(config, c) == [], reply


async def test_withdrawing_two_named_cases_withdraws_both(platform, http, bot_server, config):
    openid = "o-f8-wd2"
    cases = await three_agencies(platform, http, bot_server, config, openid)
    a, b = cases["healthcare"], cases["hrss"]
    reply = await say(platform, openid, f"{a}和{b}都撤了吧，单位已经补了")
    assert a in reply and b in reply and ok(reply), reply
    assert requests(await supplements(config, a)) == ["withdraw"]
    assert requests(await supplements(config, b)) == ["withdraw"]
    assert await supplements(config, cases["tax"]) == []


async def test_material_for_two_named_cases_joins_both(platform, http, bot_server, config):
    openid = "o-f8-more2"
    cases = await three_agencies(platform, http, bot_server, config, openid)
    a, b = cases["tax"], cases["healthcare"]
    reply = await say(platform, openid, f"给{a}跟{b}补充材料：我有银行流水，每月扣了社保钱")
    assert a in reply and b in reply and ok(reply), reply
    for case_no in (a, b):
        [event] = await supplements(config, case_no)
        assert "银行流水" in event.detail["text"], event.detail
    assert await supplements(config, cases["hrss"]) == []


async def test_naming_the_employer_asks_where_it_went_and_gets_the_new_agency(
        platform, http, bot_server, config):
    openid = "o-f8-where"
    cases = await three_agencies(platform, http, bot_server, config, openid)
    reply = await say(platform, openid, "金辉五金厂那个现在谁在管")
    assert cases["hrss"] in reply and AGENCIES["hrss"] in reply and ok(reply), reply


# --- (b) an ordinal right after the list ------------------------------------------------------

@pytest.mark.parametrize("place,message,kind", [
    (1, "第二个 我补充下 工资条上写着扣了八百", "supplement"),
    (0, "第一个撤了吧", "withdraw"),
    (2, "最后那个催一下", "urge"),
    (1, "2号那个帮我催一下", "urge"),
])
async def test_an_ordinal_after_the_list_points_at_that_case(
        platform, http, bot_server, config, place, message, kind):
    openid = oid("ord", message)
    cases = await three_agencies(platform, http, bot_server, config, openid)
    listed = in_order(await say(platform, openid, "查下我所有的投诉"), cases.values())
    assert len(listed) == 3, listed
    reply = await say(platform, openid, message)
    target = listed[place]
    assert target in reply and ok(reply), (message, reply)
    events = await supplements(config, target)
    assert len(events) == 1, (message, reply)
    if kind != "supplement":
        assert requests(events) == [kind], (message, reply)
    else:
        assert "八百" in events[0].detail["text"]
    for other in set(listed) - {target}:
        assert await supplements(config, other) == [], (message, reply)


async def test_that_one_above_after_a_single_case_check_urges_it(platform, config):
    openid = "o-f8-above"
    case_no = await file_case(platform, openid)
    assert case_no in await say(platform, openid, "进度")
    reply = await say(platform, openid, "上面那个催一下")
    assert case_no in reply and ok(reply), reply
    assert requests(await supplements(config, case_no)) == ["urge"], reply


async def test_an_ordinal_past_the_end_of_the_list_guesses_nothing(platform, config):
    openid = "o-f8-past-end"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    await say(platform, openid, "两个都查一下")
    reply = await say(platform, openid, "第三个撤了")
    assert ok(reply) and first in reply and second in reply, reply
    assert await supplements(config, first) == [] and await supplements(config, second) == []


# --- (c) a case just transferred --------------------------------------------------------------

@pytest.mark.parametrize("message", ["为啥转到人社局去了，我投诉的是税务局", "转过去以后要我重新提交材料吗",
                                     "现在是哪个部门在办", "转走了那还要等多久"])
async def test_after_a_transfer_the_case_and_its_new_agency_are_named(
        platform, http, bot_server, config, message):
    openid = oid("moved", message)
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "transfer",
                     {"agency": "hrss", "reason": "属于劳动关系"}) == 200
    reply = await say(platform, openid, message)
    assert case_no in reply and AGENCIES["hrss"] in reply and ok(reply), (message, reply)


# --- (d) an overdue case ----------------------------------------------------------------------

@pytest.mark.parametrize("message", ["都过期限了还没处理", "超时了怎么办", "说好的时间早过了"])
async def test_an_overdue_case_is_named_and_the_urge_reaches_the_liaison(
        platform, config, message):
    openid = oid("late", message)
    case_no = await file_case(platform, openid)
    await set_case(config, case_no, deadline=utcnow() - timedelta(days=3))
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    assert requests(await supplements(config, case_no)) == ["urge"], (message, reply)


async def test_the_progress_of_an_overdue_case_says_it_is_overdue(platform, config):
    openid = "o-f8-late-progress"
    case_no = await file_case(platform, openid)
    await set_case(config, case_no, deadline=utcnow() - timedelta(days=3))
    reply = await say(platform, openid, "我的投诉到哪了")
    assert case_no in reply and ("超" in reply or "逾期" in reply), reply


# --- (e) a result the payer disagrees with ----------------------------------------------------

@pytest.mark.parametrize("message", ["这个处理结果我不认可", "单位根本没补，凭什么说已补缴",
                                     "结果不对，我不服"])
async def test_disagreeing_with_the_result_names_the_case_and_the_ways_on(
        platform, http, bot_server, config, message):
    openid = oid("disagree", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert case_no in reply and "重新办理" in reply and ok(reply), (message, reply)
    assert "归档" not in reply, (message, reply)  # resolved a moment ago, not archived
    assert (await case_of(config, case_no)).rating not in (4, 5), reply


async def test_disagreeing_then_asking_to_redo_offers_and_reopens_it(platform, http, bot_server, config):
    openid = "o-f8-disagree-redo"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    await say(platform, openid, "不满意这个结果")
    reply = await say(platform, openid, "那帮我重新查一下")
    assert case_no in reply and "重新办理" in reply and "您登记的事项" not in reply, reply
    if (await case_of(config, case_no)).status != "reopened":  # asked to confirm first
        assert case_no in await say(platform, openid, "重新办理")
    assert (await case_of(config, case_no)).status == "reopened", reply


# --- (f) an angry repeat of the open matter ---------------------------------------------------

@pytest.mark.parametrize("message", ["新塘镇宏达电子厂欠社保那个事 你们到底管不管",
                                     "我上回说的那个事到底有没有人管啊",
                                     "宏达电子厂的事咋还没人理我"])
async def test_an_angry_repeat_names_the_open_case_with_status_and_deadline(
        platform, config, message):
    openid = oid("angry", message)
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    reply = await say(platform, openid, message)
    assert case_no in reply and deadline in reply and ok(reply), (message, reply)
    assert len(await fetch_cases(config, openid)) == 1


async def fetch_cases(config, openid: str) -> list[Case]:
    from tests.test_dialogue import fetch
    return await fetch(config.database_url, Case, openid=openid)


# --- (g) a case with an empty field -----------------------------------------------------------

@pytest.mark.parametrize("message", ["查下我的投诉", "宏达电子厂又欠我社保了，要求补缴"])
async def test_a_case_with_an_empty_employer_shows_no_empty_field(platform, config, message):
    openid = oid("empty", message)
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    await set_case(config, second, employer=None)
    await set_case(config, first, employer="")
    reply = await say(platform, openid, message)
    assert first in reply or second in reply, (message, reply)
    assert not EMPTY_FIELD.search(reply), (message, reply)


# --- (h) privacy: only the own cases ----------------------------------------------------------

async def test_urging_an_own_and_a_strangers_number_urges_only_the_own(platform, config):
    stranger = await second_case(platform, "o-f8-mix-owner")
    openid = "o-f8-mix"
    own = await file_case(platform, openid)
    reply = await say(platform, openid, f"催一下{own}和{stranger}")
    assert own in reply, reply
    for leak in STRANGER_LEAKS:
        assert leak not in reply, reply
    assert requests(await supplements(config, own)) == ["urge"]
    assert await supplements(config, stranger) == [] and await group_messages(config, stranger) == []


async def test_an_ordinal_never_reaches_a_strangers_case(platform, config):
    stranger = await second_case(platform, "o-f8-ord-owner")
    openid = "o-f8-ord-own"
    own = await file_case(platform, openid)
    await say(platform, openid, "查询进度")
    reply = await say(platform, openid, "第二个撤了")
    for leak in STRANGER_LEAKS:
        assert leak not in reply, reply
    assert await supplements(config, stranger) == [] and await supplements(config, own) == []


async def test_an_angry_matter_about_another_employer_is_a_new_filing(platform, config):
    openid = "o-f8-angry-other"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "石滩镇华新建材厂也没给我交社保 你们到底管不管")
    assert case_no not in reply or "同一件事" in reply, reply  # not urged as the 宏达 case
    assert await supplements(config, case_no) == [], reply
