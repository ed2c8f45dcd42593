"""A payer who already has cases, over the following days, through the gateway: one of
several cases picked by its place in the list or by what it is about, 补充 with the facts
in the same message, typed progress checks, a result the payer objects to, closing words
after a supplement, and the result shown in the case's history."""
from __future__ import annotations

from bot.simulator import voice_xml
from routing.notices import local_deadline
from tests.test_dialogue import say
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_requests import case_of, second_case, supplements

NO_DRAFT = "目前没有正在填写的登记"
NOT_UNDERSTOOD = "没太明白"
NEW_FORM = "请选一下问题类型"


async def two_cases(platform, openid: str) -> tuple[str, str]:
    """(the older case: 宏达, 单位欠缴; the newer one: 宏图, 多缴 医保费)."""
    return await file_case(platform, openid), await second_case(platform, openid)


# --- one of several cases -------------------------------------------------------------------


async def test_the_progress_list_of_several_cases_is_numbered(platform):
    openid = "o-fresh-numbered"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "进度")
    assert f"1. {newer}" in reply and f"2. {older}" in reply, reply


async def test_a_case_picked_by_its_place_in_the_list_shows_only_that_case(platform):
    openid = "o-fresh-ordinal"
    older, newer = await two_cases(platform, openid)
    for message, wanted, other in (("第二个怎么样了", older, newer), ("第二个呢", older, newer),
                                   ("第1个", newer, older), ("第一件进度", newer, older)):
        reply = await say(platform, openid, message)
        assert wanted in reply and other not in reply, (message, reply)
        assert "已登记" in reply, (message, reply)  # the case's own history


async def test_a_case_picked_by_what_it_is_about(platform):
    openid = "o-fresh-about"
    older, newer = await two_cases(platform, openid)
    for message, wanted, other in (("宏图那个怎么样了", newer, older),
                                   ("医保那个怎么样了", newer, older),
                                   ("宏达的那个进度", older, newer)):
        reply = await say(platform, openid, message)
        assert wanted in reply and other not in reply, (message, reply)


async def test_urging_one_of_several_cases_urges_only_that_one(platform, config):
    openid = "o-fresh-urge-one"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "催一下第二个")
    assert older in reply and newer not in reply, reply
    assert [e.detail["request"] for e in await supplements(config, older)] == ["urge"]
    assert await supplements(config, newer) == []


async def test_withdrawing_one_of_several_cases_by_its_place_reaches_its_liaison(
        platform, config):
    openid = "o-fresh-withdraw-one"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "撤回第二个")
    assert NO_DRAFT not in reply and older in reply and "转告" in reply, reply
    assert newer not in reply
    [event] = await supplements(config, older)
    assert event.detail["request"] == "withdraw"
    assert await supplements(config, newer) == []


async def test_an_ordinal_beyond_the_payers_cases_shows_the_list(platform):
    openid = "o-fresh-ordinal-far"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "第五个怎么样了")
    assert older in reply and newer in reply, reply


async def test_a_reference_never_reaches_another_payers_case(platform):
    stranger = await file_case(platform, "o-fresh-stranger")
    openid = "o-fresh-own"
    await two_cases(platform, openid)
    for message in ("第三个怎么样了", "宏达那个怎么样了", "第一个"):
        reply = await say(platform, openid, message)
        assert stranger not in reply, (message, reply)


# --- 补充 with the facts in the same message ---------------------------------------------------


async def test_a_supplement_with_its_facts_joins_the_open_case(platform, config):
    for i, message in enumerate(["我补充一下，公司还欠我去年的", "补充：离职的时候也没给开证明",
                                 "再补充一点 老板说社保是自愿的"]):
        openid = f"o-fresh-supplement-{i}"
        case_no = await file_case(platform, openid)
        reply = await say(platform, openid, message)
        assert case_no in reply and "补充" in reply and NEW_FORM not in reply, (message, reply)
        assert "新事项" not in reply, (message, reply)
        [event] = await supplements(config, case_no)
        assert message in event.detail["text"]


async def test_a_spoken_supplement_joins_the_open_case(platform, config):
    openid = "o-fresh-voice-supplement"
    case_no = await file_case(platform, openid)
    reply = (await platform.post(voice_xml(openid, "我补充一下，公司还欠我去年的"))).reply
    assert case_no in reply and "新事项" not in reply, reply
    assert len(await supplements(config, case_no)) == 1


async def test_a_supplement_with_several_open_cases_asks_which(platform, config):
    openid = "o-fresh-supplement-which"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "我补充一下，公司还欠我去年的")
    assert older in reply and newer in reply and NEW_FORM not in reply, reply
    assert await supplements(config, older) == [] and await supplements(config, newer) == []


# --- progress checks as typed on a phone ------------------------------------------------------


async def test_misspelt_and_bare_progress_checks_show_the_payers_cases(platform, config):
    openid = "o-fresh-typos"
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    for message in ("进读", "差询", "jindu", "进度？", "在办吗", "查寻", "进都", "还在办吗？"):
        reply = await say(platform, openid, message)
        assert case_no in reply and deadline in reply, (message, reply)
    assert await supplements(config, case_no) == []


# --- a result the payer objects to -----------------------------------------------------------


async def test_objecting_to_the_result_gives_the_legal_options_not_a_new_form(
        platform, http, bot_server, config):
    for i, message in enumerate(["我要起诉", "这什么破结果", "我要复议", "不服", "这个结果我不认可",
                                 "我要申请行政复议"]):
        openid = f"o-fresh-object-{i}"
        case_no = await resolved_case(platform, http, bot_server, openid, "经核查不予支持")
        reply = await say(platform, openid, message)
        assert "行政复议" in reply and "六十日" in reply and "重新办理" in reply, (message, reply)
        assert NEW_FORM not in reply and "12345" not in reply, (message, reply)
        assert (await case_of(config, case_no)).solved is False


async def test_a_question_about_appeal_after_the_result_is_still_answered(
        platform, http, bot_server):
    openid = "o-fresh-object-question"
    await resolved_case(platform, http, bot_server, openid, "经核查不予支持")
    reply = await say(platform, openid, "复议找哪个部门")
    assert "行政复议" in reply and NEW_FORM not in reply, reply


async def test_praise_after_the_result_is_a_verdict(platform, http, bot_server, config):
    for i, message in enumerate(["挺好的，谢谢你们", "很不错", "办得很好"]):
        openid = f"o-fresh-praise-{i}"
        case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
        reply = await say(platform, openid, message)
        assert "感谢" in reply and NOT_UNDERSTOOD not in reply, (message, reply)
        assert (await case_of(config, case_no)).solved is True
    openid = "o-fresh-not-good"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    assert "行政复议" in await say(platform, openid, "不是很好")
    assert (await case_of(config, case_no)).solved is False


# --- closing words and "what do you mean" around a liaison's request ------------------------


async def test_closing_words_after_a_supplement_are_acknowledged(platform, http, bot_server,
                                                                 config):
    for i, closing in enumerate(["就这些", "就这些了", "没了", "发完了", "就这么多"]):
        openid = f"o-fresh-closing-{i}"
        case_no = await file_case(platform, openid)
        assert await act(http, bot_server, case_no, "request-info",
                         {"text": "请提供工资条和劳动合同"}) == 200
        await say(platform, openid, "工资条我有")
        await say(platform, openid, "劳动合同没签")
        reply = await say(platform, openid, closing)
        assert case_no in reply and NOT_UNDERSTOOD not in reply, (closing, reply)
        assert len(await supplements(config, case_no)) == 2


async def test_not_understanding_a_request_repeats_it(platform, http, bot_server, config):
    for i, message in enumerate(["什么意思", "没看懂", "啥意思啊"]):
        openid = f"o-fresh-meaning-{i}"
        case_no = await file_case(platform, openid)
        assert await act(http, bot_server, case_no, "request-info",
                         {"text": "请问您在该单位工作的起止时间？"}) == 200
        reply = await say(platform, openid, message)
        assert "起止时间" in reply and "12345" not in reply, (message, reply)
        assert await supplements(config, case_no) == []


# --- the result in the case's history ----------------------------------------------------------


async def test_the_history_of_a_resolved_case_shows_its_result(platform, http, bot_server):
    openid = "o-fresh-result"
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位补缴3个月")
    reply = await say(platform, openid, f"进度 {case_no}")
    assert "已责令单位补缴3个月" in reply, reply


async def test_a_bare_row_number_after_the_list_shows_that_case(platform):
    openid = "o-fresh-row"
    older, newer = await two_cases(platform, openid)
    assert "已登记" not in await say(platform, openid, "2")  # no list was shown
    await say(platform, openid, "进度")
    reply = await say(platform, openid, "2")
    assert older in reply and newer not in reply and NOT_UNDERSTOOD not in reply, reply


async def test_a_bare_number_from_a_payer_with_one_case_is_not_a_pointer(platform):
    openid = "o-fresh-row-one"
    await file_case(platform, openid)
    assert "已登记" not in await say(platform, openid, "2")


async def test_the_matter_solved_while_the_case_is_open_reaches_the_liaison(platform, config):
    for i, message in enumerate(["问题解决了谢谢", "事情解决了", "社保已经补上了，谢谢你们"]):
        openid = f"o-fresh-solved-open-{i}"
        case_no = await file_case(platform, openid)
        reply = await say(platform, openid, message)
        assert case_no in reply and NOT_UNDERSTOOD not in reply, (message, reply)
        [event] = await supplements(config, case_no)
        assert event.detail["request"] == "settled"
    openid = "o-fresh-solved-asked"
    case_no = await file_case(platform, openid)
    assert case_no in await say(platform, openid, "问题解决了吗")
    assert await supplements(config, case_no) == []


async def archived_case(platform, http, bot_server, config, openid: str) -> str:
    """A case resolved 20 days ago and archived by the scheduler's rule."""
    from datetime import timedelta

    from sqlalchemy import update

    from bot.store.db import make_engine, make_sessionmaker
    from bot.store.models import Case

    case_no = await resolved_case(platform, http, bot_server, openid, "经核查不予支持")
    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            case = await case_of(config, case_no)
            await session.execute(update(Case).where(Case.case_no == case_no).values(
                status="closed", resolved_at=case.resolved_at - timedelta(days=20)))
            await session.commit()
    finally:
        await engine.dispose()
    return case_no


async def test_objecting_after_the_case_was_archived_gives_the_legal_options(
        platform, http, bot_server, config):
    for i, message in enumerate(["我要复议", "这什么破结果", "单位还是没给我交", "结果不满意"]):
        openid = f"o-fresh-archived-{i}"
        case_no = await archived_case(platform, http, bot_server, config, openid)
        reply = await say(platform, openid, message)
        assert case_no in reply and "行政复议" in reply and "六十日" in reply, (message, reply)
        assert NEW_FORM not in reply and "12345" not in reply, (message, reply)
        assert "请回复“重新办理”" not in reply and "反映问题" in reply, (message, reply)


# --- how to send material ------------------------------------------------------------------------


async def test_asking_how_to_send_material_says_what_can_be_sent_and_waits_for_it(
        platform, config):
    from bot.simulator import image_xml

    for i, message in enumerate(["我还有录音怎么发给你们", "合同怎么上传", "能发视频吗",
                                 "工资条照片发哪里"]):
        openid = f"o-fresh-how-send-{i}"
        case_no = await file_case(platform, openid)
        reply = await say(platform, openid, message)
        assert case_no in reply and "截图" in reply and NOT_UNDERSTOOD not in reply, (
            message, reply)
        assert "12345" not in reply, (message, reply)
        photo = (await platform.post(image_xml(openid, f"media-how-{i}"))).reply
        assert case_no in photo
        assert f"media-how-{i}" in (await case_of(config, case_no)).evidence


async def test_asking_how_to_send_what_a_liaison_asked_for_is_answered_not_stored(
        platform, http, bot_server, config):
    from bot.simulator import image_xml

    openid = "o-fresh-how-send-waiting"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    reply = await say(platform, openid, "工资条照片发哪里")
    assert case_no in reply and "截图" in reply, reply
    assert await supplements(config, case_no) == []
    await platform.post(image_xml(openid, "media-how-waiting"))
    case = await case_of(config, case_no)
    assert "media-how-waiting" in case.evidence and case.awaiting_info is False


async def test_how_to_pay_contributions_is_no_question_about_material(platform):
    openid = "o-fresh-how-pay"
    await file_case(platform, openid)
    reply = await say(platform, openid, "灵活就业怎么交社保")
    assert "截图" not in reply, reply


# --- leftovers: files and videos, the numbered menu, a pointer past the list, kept facts ----


async def test_a_file_or_video_with_a_case_open_says_how_to_send_material(platform):
    from bot.simulator import message_xml

    openid = "o-fresh-file"
    case_no = await file_case(platform, openid)
    for kind, fields in (("file", {"Title": "工资单.pdf", "FileKey": "k"}),
                         ("video", {"MediaId": "v1", "ThumbMediaId": "t1"})):
        reply = (await platform.post(message_xml(openid, kind, fields))).reply
        assert case_no in reply and "截图" in reply, (kind, reply)
        assert "请用文字描述您的问题" not in reply, (kind, reply)


async def test_a_file_without_a_case_still_asks_for_words(platform):
    from bot.simulator import message_xml

    reply = (await platform.post(message_xml("o-fresh-file-none", "file",
                                             {"Title": "a.pdf", "FileKey": "k"}))).reply
    assert "文字" in reply, reply


async def test_a_number_after_the_not_understood_menu_picks_its_choice(platform, config):
    from tests.test_payer_reading import in_form

    for number, wanted in (("1", "我来帮您登记"), ("2", "请直接发您想咨询的政策问题"),
                           ("3", "还没有登记过事项"), ("３", "还没有登记过事项")):
        openid = f"o-fresh-menu-{number}"
        assert NOT_UNDERSTOOD in await say(platform, openid, "今天天气怎么样")
        reply = await say(platform, openid, number)
        assert wanted in reply and NOT_UNDERSTOOD not in reply, (number, reply)
    assert await in_form(config, "o-fresh-menu-1")


async def test_urging_a_case_past_the_end_of_the_list_asks_which(platform, config):
    openid = "o-fresh-urge-far"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "催一下第五个")
    assert older in reply and newer in reply and "哪一件" in reply, reply
    assert await supplements(config, older) == [] and await supplements(config, newer) == []


async def test_the_facts_of_a_supplement_join_the_case_picked_afterwards(platform, config):
    openid = "o-fresh-supplement-kept"
    older, newer = await two_cases(platform, openid)
    words = "我补充一下，公司还欠我去年的"
    await say(platform, openid, words)
    reply = await say(platform, openid, "2")
    assert older in reply and newer not in reply, reply
    [event] = await supplements(config, older)
    assert words in event.detail["text"]
    assert await supplements(config, newer) == []
