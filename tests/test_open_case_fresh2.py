"""What payers say after filing, written blind, through the gateway: urging, withdrawing,
adding material, complaining about the handler, asking who handles it, a new phone number,
a call-back, disputing a result, reopening and thanks, from payers with no, one, two and
three open cases and closed ones. Each probe checks what the payer reads (which case, what
happens next, the deadline), what the lead's liaison group receives (the right agency, a
masked phone, what to do) and that nobody else's case is seen or touched.

A bare urge from a payer with several open cases presses only the case they dealt with last
(one liaison group, the one the payer was just talking about), names it, and lists the others
with their time limits so a number picks another; 都催 urges all. It used to urge them all."""
from __future__ import annotations

import pytest

from bot.simulator import image_xml
from bot.store.models import OutboxItem
from routing.notices import local_deadline
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_followup import file_case, resolved_case
from tests.test_open_case_requests import case_of, second_case, supplements

NOT_UNDERSTOOD = "没太明白"
NEW_FORM = "请选一下问题类型"
NO_CASE = "还没有登记过事项"


async def third_case(platform, openid: str) -> str:
    """A third open case of another kind: 永发制衣厂, 缴费基数 too low."""
    reply = await say(platform, openid,
                      "石滩镇永发制衣厂一直按最低基数给我交社保，我工资八千，要求按实际工资交")
    await finish_form(platform, openid, reply, ANSWERS)
    return CASE_NO.search(await say(platform, openid, "确认")).group()


async def two_cases(platform, openid: str) -> tuple[str, str]:
    """(older: 宏达 单位欠缴, newer: 宏图 医保多缴); 进度 lists the newer first."""
    return await file_case(platform, openid), await second_case(platform, openid)


async def three_cases(platform, openid: str) -> tuple[str, str, str]:
    """(oldest 宏达, middle 宏图, newest 永发); 进度 lists them newest first."""
    older, newer = await two_cases(platform, openid)
    return older, newer, await third_case(platform, openid)


async def requests(config, case_no: str) -> list[str]:
    return [e.detail["request"] for e in await supplements(config, case_no)]


async def group_notes(config, case_no: str) -> list[OutboxItem]:
    """What the case's liaison groups were sent about the payer's requests."""
    case = await case_of(config, case_no)
    rows = await fetch(config.database_url, OutboxItem, case_id=case.id)
    return [r for r in rows if r.channel == "webhook" and r.payload.get("kind") == "supplement"]


async def deadline_of(config, case_no: str) -> str:
    return local_deadline((await case_of(config, case_no)).deadline)


# --- no case at all --------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["咋还没人联系我", "我不想弄了撤了吧", "再催催",
                                     "那个事怎么样了", "结果我不服"])
async def test_a_payer_with_no_case_is_told_so(platform, message):
    reply = await say(platform, f"o-f2-none-{len(message)}", message)
    assert not CASE_NO.search(reply) and NOT_UNDERSTOOD not in reply, (message, reply)
    assert NEW_FORM not in reply, (message, reply)


# --- one open case: urging --------------------------------------------------------------------


@pytest.mark.parametrize("urge", ["咋还没人联系我", "再催催", "催一哈", "崔一下 太慢了",
                                  "快点办啊 都多少天了", "找领导", "我要找你们领导",
                                  "到底有没有人管啊 半个月了"])
async def test_an_urge_with_one_open_case_names_it_and_its_deadline(platform, config, urge):
    openid = f"o-f2-urge-{len(urge)}-{urge[0]}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, urge)
    assert case_no in reply and await deadline_of(config, case_no) in reply, (urge, reply)
    assert NEW_FORM not in reply and NOT_UNDERSTOOD not in reply, (urge, reply)
    assert "urge" in await requests(config, case_no), (urge, reply)


async def test_the_urge_reaches_the_lead_group_masked_with_what_to_do(platform, config):
    openid = "o-f2-urge-group"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "咋还没人联系我")
    case = await case_of(config, case_no)
    [note] = await group_notes(config, case_no)
    body = str(note.payload["body"])
    assert note.payload["agency"] == case.lead_agency
    assert "缴费人催办" in body and "尽快办理" in body and case_no in body, body
    assert case.phone not in body, body


# --- one open case: call-back ---------------------------------------------------------------


@pytest.mark.parametrize("message", ["能不能打电话给我", "让处理的人给我回个电话",
                                     "麻烦打我电话 我打字不方便"])
async def test_a_call_back_request_reaches_the_liaison(platform, config, message):
    openid = f"o-f2-call-{len(message)}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NEW_FORM not in reply, (message, reply)
    assert set(await requests(config, case_no)) & {"urge", "callback"}, (message, reply)
    assert "电话" in reply, reply


# --- one open case: withdrawing --------------------------------------------------------------


@pytest.mark.parametrize("wish", ["我不想弄了撤了吧", "不弄了 撤了", "撤诉", "不告了",
                                  "撤销投诉吧", "老板给我补上了 不用你们管了"])
async def test_a_wish_to_withdraw_one_case_reaches_its_liaison(platform, config, wish):
    openid = f"o-f2-withdraw-{len(wish)}-{wish[0]}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, wish)
    assert case_no in reply and "转告" in reply, (wish, reply)
    assert await requests(config, case_no) in (["withdraw"], ["settled"]), (wish, reply)
    [note] = await group_notes(config, case_no)
    assert note.payload["agency"] == (await case_of(config, case_no)).lead_agency


async def test_changing_ones_mind_after_withdrawing_is_forwarded(platform, config):
    openid = "o-f2-mind"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "我不想弄了撤了吧")
    reply = await say(platform, openid, "我反悔了 还是继续办吧")
    assert case_no in reply and NEW_FORM not in reply, reply
    assert len(await supplements(config, case_no)) == 2, reply
    assert "反悔" in (await supplements(config, case_no))[-1].detail["text"]


# --- one open case: a new phone number ------------------------------------------------------


@pytest.mark.parametrize("message,number", [("换号了 新号13987654321", "13987654321"),
                                            ("手机号换成15800001111了", "15800001111"),
                                            ("以后打这个电话 137 1234 5678", "13712345678"),
                                            ("原来那个号不用了，打18612345678", "18612345678"),
                                            ("号码打错了 应该是13912340000", "13912340000")])
async def test_a_new_phone_number_reaches_the_liaison_masked(platform, config, message, number):
    openid = f"o-f2-phone-{number}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NEW_FORM not in reply, (message, reply)
    [event] = await supplements(config, case_no)
    assert event.detail["request"] == "contact" and number in event.detail["text"].replace(" ", "")
    [note] = await group_notes(config, case_no)
    body = str(note.payload["body"])
    assert number not in body.replace(" ", "")
    assert f"{number[:3]}****{number[-4:]}" in body.replace(" ", ""), body


async def test_a_wrong_number_announced_without_it_asks_for_it(platform, config):
    openid = "o-f2-phone-later"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "我之前登记的电话不对")
    assert case_no in reply and "新的联系电话" in reply, reply
    assert await supplements(config, case_no) == []
    await say(platform, openid, "13912340001")
    assert "13912340001" in (await supplements(config, case_no))[-1].detail["text"]


async def test_material_named_by_what_it_is_opens_the_case_for_it(platform, config):
    openid = "o-f2-contract"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "我要补交一份劳动合同")
    assert case_no in reply and NEW_FORM not in reply and "登记" not in reply, reply
    photo = (await platform.post(image_xml(openid, "media-f2-contract"))).reply
    assert case_no in photo
    assert "media-f2-contract" in (await case_of(config, case_no)).evidence


# --- one open case: complaining about the handler --------------------------------------------


@pytest.mark.parametrize("message", ["处理的人态度很差", "工作人员一直不接电话 态度也不好",
                                     "那个办事的人敷衍我", "我要投诉处理的人", "能换个人处理吗"])
async def test_a_complaint_about_the_handler_is_recorded_on_the_case(platform, config, message):
    openid = f"o-f2-attitude-{len(message)}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, (message, reply)
    assert NEW_FORM not in reply, (message, reply)
    events = await supplements(config, case_no)
    assert events and message in events[-1].detail["text"], (message, reply)


# --- one open case: who handles it, how long ---------------------------------------------------


@pytest.mark.parametrize("message", ["现在是哪个部门管我这个事", "负责的人是谁",
                                     "谁负责我这个案子", "处理人是谁 电话多少"])
async def test_who_handles_it_names_the_agency(platform, config, message):
    openid = f"o-f2-who-{len(message)}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "区税务局" in reply, (message, reply)


@pytest.mark.parametrize("message", ["那个事怎么样了", "多久能办好", "什么时候能有结果"])
async def test_how_is_it_going_shows_the_case_and_deadline(platform, config, message):
    openid = f"o-f2-how-{len(message)}"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and await deadline_of(config, case_no) in reply, (message, reply)
    assert await supplements(config, case_no) == []


# --- one open case: material, thanks -----------------------------------------------------------


async def test_announced_material_then_a_photo_joins_the_case(platform, config):
    openid = "o-f2-material"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "我要补充材料")
    assert case_no in reply and NEW_FORM not in reply, reply
    photo = (await platform.post(image_xml(openid, "media-f2-1"))).reply
    assert case_no in photo
    assert "media-f2-1" in (await case_of(config, case_no)).evidence
    [note] = await group_notes(config, case_no)
    assert "缴费人补充材料" in str(note.payload["body"])


async def test_thanks_with_the_matter_settled_tells_the_liaison(platform, config):
    openid = "o-f2-thanks-settled"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "谢谢啊已经解决了")
    assert case_no in reply and NOT_UNDERSTOOD not in reply, reply
    assert await requests(config, case_no) == ["settled"]


async def test_plain_thanks_is_not_forwarded(platform, config):
    openid = "o-f2-thanks"
    case_no = await file_case(platform, openid)
    for message in ("谢谢啊", "好的 辛苦了"):
        reply = await say(platform, openid, message)
        assert NOT_UNDERSTOOD not in reply and NEW_FORM not in reply, (message, reply)
    assert await supplements(config, case_no) == []


# --- two open cases ------------------------------------------------------------------------


async def test_withdrawing_the_second_and_keeping_the_first(platform, config):
    openid = "o-f2-two-keep"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "第二个撤了 第一个留着")
    assert older in reply and "转告" in reply, reply
    assert await requests(config, older) == ["withdraw"]
    assert await requests(config, newer) == []


@pytest.mark.parametrize("message", ["撤了宏图那个", "医保那个不用办了"])
async def test_withdrawing_one_of_two_by_what_it_is_about(platform, config, message):
    openid = f"o-f2-two-about-{len(message)}"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, message)
    assert newer in reply and "转告" in reply, (message, reply)
    assert await requests(config, newer) == ["withdraw"]
    assert await requests(config, older) == []


async def test_an_urge_with_two_open_cases_urges_the_latest_then_the_one_picked(
        platform, config):
    openid = "o-f2-two-urge"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "催一下")
    assert f"刚才催的是您最近办理的事项 {newer}" in reply, reply
    assert f"1. {newer}" in reply and f"2. {older}" in reply, reply
    assert await requests(config, newer) == ["urge"] and await requests(config, older) == []
    reply = await say(platform, openid, "2")
    assert older in reply and newer not in reply, reply
    assert await deadline_of(config, older) in reply, reply
    assert await requests(config, older) == ["urge"] and await requests(config, newer) == ["urge"]


@pytest.mark.parametrize("wish", ["都撤了吧", "两个都不要了"])
async def test_withdrawing_both_of_two_in_one_message(platform, config, wish):
    openid = f"o-f2-two-both-{len(wish)}"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, wish)
    assert older in reply and newer in reply and "转告" in reply, (wish, reply)
    assert await requests(config, older) == ["withdraw"]
    assert await requests(config, newer) == ["withdraw"]


async def test_urging_one_of_two_by_its_employer(platform, config):
    openid = "o-f2-two-employer"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "催一下宏达的")
    assert older in reply and newer not in reply, reply
    assert await requests(config, older) == ["urge"] and await requests(config, newer) == []


async def test_a_new_phone_number_with_two_cases_reaches_both(platform, config):
    openid = "o-f2-two-phone"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "换号了 新号13987654321")
    assert NEW_FORM not in reply, reply
    assert await requests(config, older) == ["contact"], reply
    assert await requests(config, newer) == ["contact"], reply


async def test_settled_with_two_cases_asks_which(platform, config):
    openid = "o-f2-two-settled"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "谢谢啊已经解决了")
    assert older in reply and newer in reply, reply
    assert await requests(config, older) == [] and await requests(config, newer) == []


async def test_a_photo_with_two_cases_then_the_pick_joins_that_case(platform, config):
    openid = "o-f2-two-photo"
    older, newer = await two_cases(platform, openid)
    await platform.post(image_xml(openid, "media-f2-two"))
    reply = await say(platform, openid, "第一个")
    assert newer in reply, reply
    assert "media-f2-two" in (await case_of(config, newer)).evidence
    assert "media-f2-two" not in (await case_of(config, older)).evidence


async def test_how_is_it_going_with_two_cases_lists_both(platform):
    openid = "o-f2-two-how"
    older, newer = await two_cases(platform, openid)
    reply = await say(platform, openid, "那个事怎么样了")
    assert older in reply and newer in reply, reply


# --- three open cases: the urge that urged all three -----------------------------------------
# A bare urge presses only the case the payer dealt with last (its group alone is urged) and
# names it; the others are listed with their time limits, and a number picks one of them.


@pytest.mark.parametrize("urge", ["催一下", "再催催", "咋还没人联系我"])
async def test_an_urge_with_three_open_cases_urges_only_the_latest(platform, config, urge):
    openid = f"o-f2-three-latest-{len(urge)}"
    oldest, middle, newest = await three_cases(platform, openid)
    reply = await say(platform, openid, urge)
    assert f"刚才催的是您最近办理的事项 {newest}" in reply, (urge, reply)
    for case_no in (oldest, middle, newest):
        assert case_no in reply and await deadline_of(config, case_no) in reply, (urge, reply)
    assert await requests(config, newest) == ["urge"], (urge, reply)
    assert await requests(config, middle) == [] and await requests(config, oldest) == []
    assert await group_notes(config, middle) == [] and await group_notes(config, oldest) == []


async def test_the_latest_is_the_case_last_dealt_with_not_the_newest(platform, config):
    openid = "o-f2-three-touched"
    oldest, middle, newest = await three_cases(platform, openid)
    await say(platform, openid, "宏达那个怎么样了")
    await say(platform, openid, "我补充一下 宏达那个老板说社保是自愿的")
    reply = await say(platform, openid, "再催催")
    assert f"刚才催的是您最近办理的事项 {oldest}" in reply, reply
    assert await requests(config, newest) == [] and await requests(config, middle) == []


@pytest.mark.parametrize("pick,index", [("3", 0), ("宏图那个", 1), ("第2个", 1)])
async def test_the_pick_after_an_urge_urges_that_case_too(platform, config, pick, index):
    openid = f"o-f2-three-pick-{index}-{len(pick)}"
    cases = await three_cases(platform, openid)
    await say(platform, openid, "催一下")
    reply = await say(platform, openid, pick)
    urged = cases[index]
    assert urged in reply and "催" in reply, (pick, reply)
    assert await deadline_of(config, urged) in reply, reply
    for case_no in cases:
        wanted = ["urge"] if case_no in (urged, cases[2]) else []
        assert await requests(config, case_no) == wanted, (pick, case_no)
    [note] = await group_notes(config, urged)
    assert note.payload["agency"] == (await case_of(config, urged)).lead_agency


async def test_urging_all_three_names_each(platform, config):
    openid = "o-f2-three-all"
    cases = await three_cases(platform, openid)
    reply = await say(platform, openid, "三个都催一下")
    assert all(c in reply for c in cases), reply
    for case_no in cases:
        assert await requests(config, case_no) == ["urge"]


async def test_urging_the_newest_of_three(platform, config):
    openid = "o-f2-three-newest"
    oldest, middle, newest = await three_cases(platform, openid)
    reply = await say(platform, openid, "催一下最新的那个")
    assert newest in reply and oldest not in reply, reply
    assert await requests(config, newest) == ["urge"]
    assert await requests(config, oldest) == [] and await requests(config, middle) == []


async def test_withdrawing_the_second_of_three_keeps_the_others(platform, config):
    openid = "o-f2-three-withdraw"
    oldest, middle, newest = await three_cases(platform, openid)
    reply = await say(platform, openid, "第二个撤了 其他的留着")
    assert middle in reply and "转告" in reply, reply
    assert await requests(config, middle) == ["withdraw"]
    assert await requests(config, oldest) == [] and await requests(config, newest) == []


async def test_material_with_three_cases_asks_which(platform, config):
    openid = "o-f2-three-material"
    cases = await three_cases(platform, openid)
    reply = await say(platform, openid, "我要补充材料")
    assert all(c in reply for c in cases) and NEW_FORM not in reply, reply


# --- open and closed cases -------------------------------------------------------------------


async def test_an_urge_with_one_open_and_one_closed_urges_the_open_one(
        platform, http, bot_server, config):
    openid = "o-f2-mixed-urge"
    closed = await resolved_case(platform, http, bot_server, openid, "已补缴")
    open_case = await third_case(platform, openid)
    reply = await say(platform, openid, "催一下")
    assert open_case in reply and await deadline_of(config, open_case) in reply, reply
    assert await requests(config, open_case) == ["urge"]
    assert await requests(config, closed) == []


async def test_withdrawing_with_one_open_and_one_closed_withdraws_the_open_one(
        platform, http, bot_server, config):
    openid = "o-f2-mixed-withdraw"
    closed = await resolved_case(platform, http, bot_server, openid, "已补缴")
    open_case = await third_case(platform, openid)
    reply = await say(platform, openid, "我不想弄了撤了吧")
    assert open_case in reply and "转告" in reply, reply
    assert await requests(config, open_case) == ["withdraw"]
    assert await requests(config, closed) == []


@pytest.mark.parametrize("message", ["结果我不服", "这个处理结果我不认可", "对结果不满意"])
async def test_disputing_a_result_gives_the_legal_options(platform, http, bot_server, config,
                                                         message):
    openid = f"o-f2-dispute-{len(message)}"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, message)
    assert "行政复议" in reply and "重新办理" in reply and case_no in reply, (message, reply)
    assert (await case_of(config, case_no)).status == "resolved"


async def test_reopening_in_the_payers_words(platform, http, bot_server, config):
    openid = "o-f2-reopen"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, "能不能重新处理一下 公司还是没交")
    assert "重新办理" in reply and NEW_FORM not in reply, reply
    await say(platform, openid, "重新办理")
    assert (await case_of(config, case_no)).status == "reopened"


async def test_a_closed_case_urged_says_how_to_go_on(platform, http, bot_server):
    openid = "o-f2-closed-urge"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, "咋还没人联系我")
    assert case_no in reply and "重新办理" in reply, reply


async def test_thanks_after_a_closed_case_reopens_nothing(platform, http, bot_server, config):
    openid = "o-f2-closed-thanks"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    reply = await say(platform, openid, "谢谢啊已经解决了")
    assert NOT_UNDERSTOOD not in reply and "行政复议" not in reply, reply
    assert (await case_of(config, case_no)).status == "resolved"


# --- never another payer's case ---------------------------------------------------------------


async def test_urging_or_withdrawing_someone_elses_case_touches_nothing(platform, config):
    stranger = await file_case(platform, "o-f2-stranger")
    openid = "o-f2-own"
    own = await file_case(platform, openid)
    for message in (f"催一下{stranger}", f"撤回{stranger}", f"{stranger}撤了吧",
                    f"换号了 {stranger} 新号13900001111"):
        reply = await say(platform, openid, message)
        assert stranger not in reply or "没有找到" in reply, (message, reply)
    assert await supplements(config, stranger) == []
    assert "withdraw" not in await requests(config, own)
