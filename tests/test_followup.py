"""After registration, through the gateway: the payer answers a liaison's request for
information, rates a resolved case, and can have it reopened."""
from __future__ import annotations

import pytest

from bot.simulator import event_xml
from bot.store.models import Case, CaseEvent, DialogueState
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say

TAX = {"Authorization": "Bearer dev-token-tax"}


async def file_case(platform, openid: str) -> str:
    reply = await say(platform, openid,
                      "我叫吴十电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    await finish_form(platform, openid, reply, ANSWERS)
    return CASE_NO.search(await say(platform, openid, "确认")).group()


async def act(http, bot_server, case_no: str, action: str, body: dict | None = None) -> int:
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/{action}"),
                         headers=TAX, json=body or {}) as resp:
        return resp.status


async def resolved_case(platform, http, bot_server, openid: str,
                        result: str = "已责令单位补缴") -> str:
    """A case filed by ``openid`` that its liaison resolved with ``result``."""
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "resolve", {"result": result}) == 200
    return case_no


async def waiting_for_payslip(platform, http, bot_server, openid: str) -> str:
    """A case filed by ``openid`` for which the liaison asked for the payslip."""
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    return case_no


async def test_requested_information_is_attached_to_the_case(platform, http, bot_server, config):
    openid = "o-info-reply"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    reply = await say(platform, openid, "工资条上每个月九千，单位按四千二申报")
    assert case_no in reply and "补充" in reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.awaiting_info is False
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    assert any(e.kind == "supplement" and "九千" in str(e.detail) for e in events)


async def test_menu_click_runs_the_same_handler_as_the_text(platform):
    openid = "o-menu"
    by_text = await say(platform, openid, "进度")
    by_menu = (await platform.post(event_xml(openid, "CLICK", "CHECK_PROGRESS"))).reply
    assert by_menu == by_text
    start = (await platform.post(event_xml(openid, "CLICK", "FILE_DISPUTE",
                                           create_time=1))).reply
    assert "登记" in start


async def test_unsolved_rating_gives_legal_options_and_reopen_works(
        platform, http, bot_server, config):
    openid = "o-rating"
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    options = await say(platform, openid, "2分 没解决")
    assert "行政复议" in options and "六十日" in options and "重新办理" in options
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.rating == 2 and case.solved is False
    reopened = await say(platform, openid, "重新办理")
    assert case_no in reopened
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.status == "reopened" and case.resolved_at is None


async def test_good_rating_is_recorded(platform, http, bot_server, config):
    openid = "o-happy"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    assert "感谢" in await say(platform, openid, "5 已解决")
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert (case.rating, case.solved) == (5, True)


async def test_a_photo_sent_for_requested_information_joins_the_case(
        platform, http, bot_server, config):
    from bot.simulator import image_xml

    openid = "o-info-photo"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请拍工资条"}) == 200
    reply = (await platform.post(image_xml(openid, "media-payslip-1"))).reply
    assert case_no in reply and "图片" in reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.awaiting_info is False and "media-payslip-1" in case.evidence


async def test_two_menu_clicks_in_one_second_are_both_answered(platform):
    """Events have no MsgId: the click's key tells two taps in the same second apart."""
    openid = "o-two-clicks"
    first = (await platform.post(event_xml(openid, "CLICK", "CHECK_PROGRESS",
                                           create_time=1764000000))).reply
    second = (await platform.post(event_xml(openid, "CLICK", "FILE_DISPUTE",
                                            create_time=1764000000))).reply
    assert first and second and first != second


# --- information sent in several messages; questions while information is awaited ----------


async def supplements(config, case_no: str) -> list[CaseEvent]:
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    return [e for e in events if e.kind == "supplement"]


async def close_window(db_url: str, openid: str) -> None:
    """Move the payer's supplement window into the past, as if 10 minutes had gone by."""
    from datetime import timedelta

    from bot.store.db import make_engine, make_sessionmaker
    from bot.store.models import DialogueState, utcnow

    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            state = await session.get(DialogueState, openid)
            marker = dict(state.pending["supplement"])
            marker["until"] = (utcnow() - timedelta(seconds=1)).isoformat()
            state.pending = {**state.pending, "supplement": marker}
            await session.commit()
    finally:
        await engine.dispose()


async def test_information_sent_in_several_messages_all_joins_the_case(
        platform, http, bot_server, config):
    from bot.simulator import image_xml

    openid = "o-info-several"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info",
                     {"text": "请提供工资条和欠缴的月份"}) == 200
    first = await say(platform, openid, "工资条有的")
    assert case_no in first and "10分钟" in first
    second = await say(platform, openid, "2023年3月到8月都没交")
    assert case_no in second and "共收到2条" in second
    photo = (await platform.post(image_xml(openid, "media-payslip-2"))).reply
    assert case_no in photo and "图片" in photo and "共收到3条" in photo
    added = await supplements(config, case_no)
    assert [e.detail["text"] for e in added[:2]] == ["工资条有的", "2023年3月到8月都没交"]
    assert added[2].detail["media_ids"] == ["media-payslip-2"]
    assert len(await fetch(config.database_url, Case, openid=openid)) == 1
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.form is None  # not taken for a new complaint


@pytest.mark.parametrize("answer", ["您好，工资条有的", "有的"])
async def test_a_short_answer_that_looks_like_a_greeting_is_attached(
        platform, http, bot_server, config, answer):
    openid = f"o-info-short-{len(answer)}"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    assert "已把您补充的信息" in await say(platform, openid, answer)
    assert [e.detail["text"] for e in await supplements(config, case_no)] == [answer]


async def test_a_progress_check_or_a_new_matter_after_the_answer_goes_to_its_own_handler(
        platform, http, bot_server, config):
    openid = "o-info-then-else"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    await say(platform, openid, "工资条有的，每个月九千")
    progress = await say(platform, openid, "啥时候能办好啊")
    assert case_no in progress and "已补充" not in progress
    thanks = await say(platform, openid, "好的谢谢")
    assert case_no in thanks and "1条" in thanks
    new = await say(platform, openid, "另外还有个事，我老婆的公司也不给她交社保")
    assert "已补充" not in new
    assert len(await supplements(config, case_no)) == 1
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert state.form  # the new complaint is being registered


async def test_a_message_after_the_window_is_not_added_to_the_case(
        platform, http, bot_server, config):
    from bot.simulator import image_xml

    openid = "o-info-late"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    await say(platform, openid, "工资条有的")
    await close_window(config.database_url, openid)
    late = await say(platform, openid, "2023年3月到8月都没交")
    assert "已补充" not in late
    photo = (await platform.post(image_xml(openid, "media-late"))).reply
    assert case_no not in photo
    assert len(await supplements(config, case_no)) == 1


@pytest.mark.parametrize("question", [
    "断缴会影响医保报销吗？",
    "断缴了3个月，会不会影响医保报销啊",
    "滞纳金是按天算的吗",
])
async def test_a_policy_question_while_information_is_awaited_is_answered_not_stored(
        platform, http, bot_server, config, question):
    openid = f"o-info-question-{abs(hash(question)) % 10**8}"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    reply = await say(platform, openid, question)
    assert "依据" in reply  # the knowledge base's answer, with its source
    assert case_no in reply and "还在等您补充" in reply and "请提供工资条" in reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.awaiting_info is True
    assert not await supplements(config, case_no)
    assert "补充" in await say(platform, openid, "工资条有的")
    assert len(await supplements(config, case_no)) == 1


async def test_a_question_about_the_requested_item_still_reaches_the_liaison(
        platform, http, bot_server, config):
    openid = "o-info-ask-item"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    reply = await say(platform, openid, "工资条可以拍照发吗？")
    assert case_no in reply and "补充" in reply
    [added] = await supplements(config, case_no)
    assert "拍照" in added.detail["text"]


async def test_a_policy_question_after_the_answer_is_answered_not_added(
        platform, http, bot_server, config):
    openid = "o-info-then-policy"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    await say(platform, openid, "工资条有的")
    reply = await say(platform, openid, "断缴会影响医保报销吗？")
    assert "依据" in reply and "已补充" not in reply
    assert len(await supplements(config, case_no)) == 1


async def test_a_polite_reopen_request_reopens_the_resolved_case(
        platform, http, bot_server, config):
    openid = "o-reopen-polite"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, "麻烦重新办理一下")
    assert case_no in reply and "重新打开" in reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.status == "reopened"


# --- ratings and answers as payers type them ---------------------------------------------


@pytest.mark.parametrize("verdict", ["一点用都没有，单位还是没交",
                                     "你们处理了个寂寞，公司到现在都没给我补缴社保"])
async def test_still_unsolved_is_a_verdict_on_the_case_not_a_new_complaint(
        platform, http, bot_server, config, verdict):
    openid = f"o-still-{len(verdict)}"
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴")
    reply = await say(platform, openid, verdict)
    assert "重新办理" in reply and "行政复议" in reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.solved is False
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    assert not state.form
    assert case_no in await say(platform, openid, "我要重新投诉")
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.status == "reopened"


async def test_stars_and_a_middling_verdict_are_ratings(platform, http, bot_server, config):
    openid = "o-stars"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    ask = await say(platform, openid, "还行吧")
    assert "1-5" in ask and "解决" in ask
    assert "感谢" in await say(platform, openid, "⭐⭐⭐⭐")
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.rating == 4


async def test_a_promise_to_send_later_keeps_the_request_open(platform, http, bot_server, config):
    openid = "o-info-later"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    for promise in ("好的我找找", "明天发你行不"):
        reply = await say(platform, openid, promise)
        assert case_no in reply and "请提供工资条" in reply and "已补充" not in reply
    again = await say(platform, openid, "那我还要提供啥")
    assert "请提供工资条" in again and "您登记的事项" not in again
    assert not await supplements(config, case_no)
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    assert case.awaiting_info is True
    assert "补充" in await say(platform, openid, "工资条每个月九千")
    assert len(await supplements(config, case_no)) == 1


async def test_after_answering_a_promise_of_more_reopens_the_request(
        platform, http, bot_server, config):
    openid = "o-info-more-later"
    case_no = await waiting_for_payslip(platform, http, bot_server, openid)
    await say(platform, openid, "工资条每个月九千")
    what = await say(platform, openid, "还要补什么材料")
    assert "请提供工资条" in what and "1条" in what
    assert case_no in await say(platform, openid, "合同我明天拍给你")
    await close_window(config.database_url, openid)
    assert "补充" in await say(platform, openid, "合同上写的月薪九千")
    assert len(await supplements(config, case_no)) == 2
