"""What payers say about a result or a handler after filing, through the gateway.

A payer disputing or wanting to reopen a resolved case must read WHICH case the answer is
about (its number, what it was about, its result), the time limit for 行政复议 with its
source (《行政复议法》第二十条, /work/shared/policy), and — with several resolved cases — that
the answer is about the one resolved last and how to name another ("ZY… 重新办理").

A complaint about the person handling a case reaches the lead's group and the leadership
group office's too: seed 001 (潜江) gives the 领导小组 the duty to 督导、检查、考核 how the
agencies perform (履职尽责情况), so the handler's own group is not the only one to hear."""
from __future__ import annotations

import pytest

from bot.store.models import CaseEvent, OutboxItem
from tests.test_dialogue import fetch, say
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_requests import case_of, second_case

LEGAL = "行政复议"
TIME_LIMIT = "六十日"
SOURCE = "《行政复议法》第二十条"
NOT_UNDERSTOOD = "没太明白"


async def two_resolved(platform, http, bot_server, openid: str) -> tuple[str, str]:
    """(older 宏达 单位欠缴, resolved first; newer 宏图 医保, resolved last)."""
    older = await resolved_case(platform, http, bot_server, openid, "已补缴")
    newer = await second_case(platform, openid)
    assert await act(http, bot_server, newer, "resolve", {"result": "已退还多扣的医保费"}) == 200
    return older, newer


async def feedback_events(config, case_no: str) -> list[CaseEvent]:
    case = await case_of(config, case_no)
    return [e for e in await fetch(config.database_url, CaseEvent, case_id=case.id)
            if e.kind == "feedback"]


async def handler_notes(config, case_no: str) -> list[OutboxItem]:
    case = await case_of(config, case_no)
    rows = await fetch(config.database_url, OutboxItem, case_id=case.id)
    return [r for r in rows if r.channel == "webhook" and r.payload.get("kind") == "supplement"]


# --- (a) one resolved case: the answer names it ------------------------------------------------


@pytest.mark.parametrize("message", ["结果我不服", "对结果不满意", "这么处理不对吧",
                                     "凭什么这么处理", "凭啥这样处理啊", "对结过不满意",
                                     "这个处理结果我不认可", "这样处理不对吧？", "凭什么这样结案"])
async def test_a_dispute_names_the_case_and_the_time_limit(platform, http, bot_server, config,
                                                          message):
    openid = f"o-f3-dispute-{len(message)}-{message[0]}"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply and "已补缴" in reply, (message, reply)
    assert LEGAL in reply and TIME_LIMIT in reply and SOURCE in reply, (message, reply)
    assert "重新办理" in reply and NOT_UNDERSTOOD not in reply, (message, reply)
    assert (await case_of(config, case_no)).status == "resolved"


@pytest.mark.parametrize("message", ["能不能重新处理一下", "可以重新处理下吗", "能不能再帮我处理一下",
                                     "麻烦重新查一下"])
async def test_asking_to_reopen_names_the_case_and_how(platform, http, bot_server, config,
                                                       message):
    openid = f"o-f3-ask-{len(message)}-{message[0]}"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply and "重新办理" in reply, (message, reply)
    assert (await case_of(config, case_no)).status == "resolved"
    await say(platform, openid, "重新办理")
    assert (await case_of(config, case_no)).status == "reopened"


async def test_another_matter_to_handle_again_is_not_a_reopen_offer(platform, http, bot_server,
                                                                 config):
    openid = "o-f3-other-matter"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, "能不能再办理一下社保转移")
    assert "需要重新打开这件事项" not in reply, reply
    assert (await case_of(config, case_no)).status == "resolved"


async def test_what_now_after_not_solved_names_the_case(platform, http, bot_server):
    openid = "o-f3-whatnow"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    await say(platform, openid, "2分 没解决")
    reply = await say(platform, openid, "那我还能怎么办")
    assert case_no in reply and SOURCE in reply, reply


# --- (a) several resolved cases: the latest, and how to choose another -------------------------


@pytest.mark.parametrize("message", ["结果我不服", "凭什么这么处理", "对结果不满意"])
async def test_a_dispute_with_two_resolved_names_the_latest_and_how_to_pick(
        platform, http, bot_server, config, message):
    openid = f"o-f3-two-{len(message)}-{message[0]}"
    older, newer = await two_resolved(platform, http, bot_server, openid)
    reply = await say(platform, openid, message)
    assert newer in reply and "已退还多扣的医保费" in reply, (message, reply)
    assert older in reply and f"{older} 重新办理" in reply, (message, reply)
    assert reply.index(newer) < reply.index(older), reply
    assert [e.detail["solved"] for e in await feedback_events(config, newer)] == [False]
    assert await feedback_events(config, older) == []


async def test_the_other_case_is_reopened_when_named(platform, http, bot_server, config):
    openid = "o-f3-two-pick"
    older, newer = await two_resolved(platform, http, bot_server, openid)
    await say(platform, openid, "结果我不服")
    reply = await say(platform, openid, f"{older} 重新办理")
    assert older in reply and "重新打开" in reply, reply
    assert (await case_of(config, older)).status == "reopened"
    assert (await case_of(config, newer)).status == "resolved"


@pytest.mark.parametrize("message", ["{} 这个结果我不服", "{}的处理结果不认可", "{} 凭啥这么处理"])
async def test_naming_the_older_case_disputes_that_one(platform, http, bot_server, config,
                                                       message):
    openid = f"o-f3-named-{len(message)}-{message[3]}"
    older, newer = await two_resolved(platform, http, bot_server, openid)
    reply = await say(platform, openid, message.format(older))
    assert older in reply and "宏达" in reply and SOURCE in reply, (message, reply)
    assert newer not in reply, (message, reply)
    assert (await case_of(config, older)).solved is False
    assert (await case_of(config, newer)).solved is None


@pytest.mark.parametrize("message", ["重新办理{}", "{}重新处理", "麻烦重新办理一下 {}"])
async def test_naming_the_older_case_reopens_that_one(platform, http, bot_server, config,
                                                      message):
    openid = f"o-f3-named-reopen-{len(message)}-{message[0]}"
    older, newer = await two_resolved(platform, http, bot_server, openid)
    reply = await say(platform, openid, message.format(older))
    assert older in reply and NOT_UNDERSTOOD not in reply, (message, reply)
    assert (await case_of(config, older)).status == "reopened", (message, reply)
    assert (await case_of(config, newer)).status == "resolved"


async def test_a_progress_check_by_number_is_still_a_progress_check(platform, http, bot_server,
                                                                    config):
    openid = "o-f3-progress"
    older, _newer = await two_resolved(platform, http, bot_server, openid)
    reply = await say(platform, openid, f"进度 {older}")
    assert older in reply and LEGAL not in reply, reply
    assert (await case_of(config, older)).solved is None


# --- (b) a complaint about the handler reaches the leadership group office -------------------


@pytest.mark.parametrize("message", ["处理的人态度很差", "我要投诉处理的人", "能换个人处理吗",
                                     "那个办事的人敷衍我", "工作人员态度恶劣 一直不接电话"])
async def test_a_handler_complaint_also_reaches_the_leadership_office(platform, config, message):
    openid = f"o-f3-handler-{len(message)}-{message[0]}"
    case_no = await file_case(platform, openid)
    await say(platform, openid, message)
    case = await case_of(config, case_no)
    notes = {n.payload["agency"]: str(n.payload["body"]) for n in await handler_notes(config,
                                                                                      case_no)}
    assert set(notes) == {case.lead_agency, "leadership_office"}, (message, notes)
    oversight = notes["leadership_office"]
    assert case_no in oversight and "区税务局" in oversight, oversight
    assert case.phone not in oversight and case.name not in oversight, oversight
    assert "本单位核实" not in oversight, oversight


async def test_an_urge_still_reaches_only_the_lead(platform, config):
    openid = "o-f3-urge-only-lead"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "催一下")
    notes = await handler_notes(config, case_no)
    assert [n.payload["agency"] for n in notes] == [(await case_of(config, case_no)).lead_agency]


async def test_handler_complaint_after_choosing_among_two_reaches_the_office(
        platform, config):
    openid = "o-f3-handler-two"
    older = await file_case(platform, openid)
    newer = await second_case(platform, openid)
    await say(platform, openid, "处理的人态度很差")
    await say(platform, openid, "1")
    picked = [c for c in (older, newer) if await handler_notes(config, c)]
    assert len(picked) == 1, picked
    agencies = {n.payload["agency"] for n in await handler_notes(config, picked[0])}
    assert "leadership_office" in agencies, agencies
