"""After registration, through the gateway: the payer answers a liaison's request for
information, rates a resolved case, and can have it reopened."""
from __future__ import annotations

from bot.simulator import event_xml
from bot.store.models import Case, CaseEvent
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


async def test_requested_information_is_attached_to_the_case(platform, http, bot_server, config):
    openid = "o-info-reply"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info",
                     {"text": "请提供工资条"}) == 200
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
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "resolve", {"result": "已责令单位补缴"}) == 200
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
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "resolve", {"result": "已补缴"}) == 200
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
