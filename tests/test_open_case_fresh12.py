"""Open cases and progress, round 12, written blind, through the gateway, the liaison API and
the fake WeChat API: payers who already filed check on it in words not tried before (办得怎么样
了, 有结果没, 查寻, 近度咋样, a run-on with the number inside), with a number that is theirs,
mistyped, nonexistent or another payer's (never a word of another payer's case), with several
cases; they add material later, urge past the deadline of a simple, general or major case
(seeds 003/004: 分级 and 时限, config deadlines 1/5/15 working days), disagree with a result,
withdraw ("不想弄了 撤了吧") and change their mind, and hear a liaison's status change through
the fake WeChat API in words a payer understands, naming nothing of another payer. Last, a
liaison's request for information answered in several short messages, a photo among them."""
from __future__ import annotations

import zlib

import pytest
from sqlalchemy import update

from bot.simulator import image_xml
from bot.store.models import Case
from routing.notices import local_deadline
from tests.test_dialogue import CASE_NO, say
from tests.test_followup import act, file_case, resolved_case
from tests.test_journeys2 import wait_heard
from tests.test_open_case_fresh9 import EMPTY_FIELD, RAW_WORDS, cases_of, ok, requests
from tests.test_open_case_fresh11 import post
from tests.test_open_case_requests import case_of, second_case, supplements
from tests.test_progress_fresh2 import overdue, wait_texts

NOT_UNDERSTOOD = "没太明白"
HISTORY = "已登记"
STATUS_WORDS = ("已登记", "已分派", "已受理", "办理中", "已转办", "已办结", "待补充", "已撤回")
LEVELS = {"simple": "简易事项", "general": "一般事项", "major": "重大疑难事项"}
STRANGER_WORDS = ("宏图", "医保", "荔城")
ACCEPTOR, ACCEPTOR_PHONE = "王建军", "020-82751234"


def oid(prefix: str, message: str) -> str:
    return f"o-f12-{prefix}-{zlib.crc32(message.encode())}"


def status_shown(reply: str) -> bool:
    return any(word in reply for word in STATUS_WORDS)


def plain(text: str) -> bool:
    return not RAW_WORDS.search(text) and not EMPTY_FIELD.search(text)


def missing_number(case_no: str, plus: int = 50) -> str:
    head, tail = case_no.split("-")
    return f"{head}-{int(tail) + plus:04d}"


async def set_severity(bot_server, case_no: str, severity: str) -> None:
    sessionmaker = bot_server.app["services"].sessionmaker
    async with sessionmaker() as session:
        await session.execute(update(Case).where(Case.case_no == case_no).values(
            severity=severity))
        await session.commit()


# --- (a) checking progress in new words, one case -----------------------------------------------

PHRASES = ["进度", "查询", "办得怎么样了", "有结果没", "我那个事咋样了", "近度", "查寻",
           "近度咋样了", "查寻一下我的事", "我上礼拜投诉那个有结果没有", "办的怎么样了啊",
           "那个社保的事有结果了吗", "有没有结果啊 我等着呢", "请问我反映的问题处理得怎么样了"]


@pytest.mark.parametrize("message", PHRASES)
async def test_a_progress_check_in_new_words_shows_the_case_and_adds_nothing(
        platform, config, message):
    openid = oid("check", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply and ok(reply), (message, reply)
    assert status_shown(reply) and plain(reply), (message, reply)
    assert await supplements(config, case_no) == [], (message, reply)
    assert len(await cases_of(config, openid)) == 1


@pytest.mark.parametrize("shape", ["办得怎么样了 {no}", "{no}有结果没", "查寻{no}",
                                   "你好我想问下我那个编号是{no}的事咋样了"])
async def test_a_check_with_the_own_number_shows_its_timeline(platform, config, shape):
    openid = oid("own-no", shape)
    case_no = await file_case(platform, openid)
    message = shape.format(no=case_no)
    reply = await say(platform, openid, message)
    assert case_no in reply and HISTORY in reply and ok(reply), (message, reply)
    assert await supplements(config, case_no) == [], (message, reply)


# --- (b) wrong, mistyped and foreign numbers ---------------------------------------------------

async def test_a_number_that_does_not_exist_says_so_and_still_shows_the_own_case(platform):
    openid = "o-f12-missing"
    case_no = await file_case(platform, openid)
    wrong = missing_number(case_no)
    reply = await say(platform, openid, f"{wrong} 有结果没")
    assert ok(reply) and "没有找到" in reply, reply
    assert case_no in reply, reply  # the payer's own case, so a typo is easy to mend


async def test_a_transposed_serial_of_the_own_number_never_shows_another_case(platform):
    stranger_id = "o-f12-swap-stranger"
    openid = "o-f12-swap"
    own = await file_case(platform, openid)
    stranger = await second_case(platform, stranger_id)
    # Whatever the typo, it must never reach the stranger's case.
    typo = stranger[:-2] + stranger[-1] + stranger[-2]
    reply = await say(platform, openid, f"查寻 {typo}")
    for leak in STRANGER_WORDS:
        assert leak not in reply, reply
    assert own in reply and ok(reply), reply


@pytest.mark.parametrize("shape", ["查寻 {no}", "{no} 有结果没", "我那个事咋样了 编号{no}",
                                   "近度{low}", "帮我看看{no}办得怎么样了"])
async def test_another_payers_number_reveals_nothing(platform, config, shape):
    stranger = await second_case(platform, oid("owner", shape))
    openid = oid("nosy", shape)
    own = await file_case(platform, openid)
    message = shape.format(no=stranger, low=stranger.lower())
    reply = await say(platform, openid, message)
    for leak in (*STRANGER_WORDS, "吴十", "13812345678"):
        assert leak not in reply, (message, reply)
    assert own in reply and ok(reply), (message, reply)
    assert await supplements(config, stranger) == []


async def test_another_payers_number_and_a_missing_one_get_the_same_words(platform):
    stranger = await second_case(platform, "o-f12-same-words-owner")
    openid = "o-f12-same-words"
    await file_case(platform, openid)
    missing = missing_number(stranger, 70)
    asked = await say(platform, openid, f"{stranger}有结果没")
    baseline = await say(platform, openid, f"{missing}有结果没")
    assert asked.replace(stranger, "<no>") == baseline.replace(missing, "<no>"), (asked, baseline)


async def test_a_payer_with_no_case_and_a_foreign_number_learns_nothing(platform, config):
    stranger = await second_case(platform, "o-f12-nocase-owner")
    reply = await say(platform, "o-f12-nocase", f"查寻{stranger}")
    for leak in (*STRANGER_WORDS, HISTORY):
        assert leak not in reply, reply
    assert ok(reply), reply
    assert await cases_of(config, "o-f12-nocase") == []


# --- (c) several cases ---------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["有结果没", "查寻", "近度"])
async def test_with_two_cases_a_bare_check_lists_both(platform, message):
    openid = oid("two", message)
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, message)
    assert first in reply and second in reply and ok(reply), (message, reply)
    assert "宏达" in reply and "宏图" in reply, (message, reply)


async def test_with_two_cases_one_named_by_insurance_is_shown_alone(platform):
    openid = "o-f12-two-named"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, "医保那个办得怎么样了")
    assert second in reply and first not in reply and ok(reply), reply


async def test_with_two_cases_the_own_number_picks_it(platform):
    openid = "o-f12-two-number"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = await say(platform, openid, f"{first.lower()}有结果没")
    assert first in reply and second not in reply and HISTORY in reply, reply


# --- (d) adding material later ------------------------------------------------------------------

@pytest.mark.parametrize("message,kept", [
    ("我又找到了去年的工资条 补充一下 每月到手七千二", "七千二"),
    ("补充材料：我有考勤记录，能证明我2023年全年都在厂里", "考勤"),
    ("再补一句 厂里的会计叫李芳 她知道这个事", "李芳"),
])
async def test_material_added_later_joins_the_open_case(platform, config, message, kept):
    openid = oid("more", message)
    case_no = await file_case(platform, openid)
    await say(platform, openid, "进度")
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    if "同一件事" in reply:
        reply = await say(platform, openid, "是")
    events = await supplements(config, case_no)
    assert len(events) == 1 and kept in events[0].detail["text"], (message, reply)
    assert len(await cases_of(config, openid)) == 1


async def test_a_photo_after_a_progress_check_joins_the_case(platform, config):
    openid = "o-f12-photo-later"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "有结果没")
    reply = await post(platform, image_xml(openid, "media-f12-slip"))
    assert case_no in reply and ok(reply), reply
    assert "media-f12-slip" in (await case_of(config, case_no)).evidence


# --- (e) urging past the deadline, by level ------------------------------------------------------

@pytest.mark.parametrize("severity", ["simple", "general", "major"])
async def test_urging_past_the_deadline_names_the_level_and_the_overdue(
        platform, config, bot_server, http, severity):
    openid = f"o-f12-late-{severity}"
    case_no = await file_case(platform, openid)
    if severity == "major":
        assert await act(http, bot_server, case_no, "escalate", {"reason": "涉及人数多"}) == 200
    else:
        await set_severity(bot_server, case_no, severity)
    await overdue(config, bot_server, case_no)
    reply = await say(platform, openid, "都过了期限了怎么还没办好 催一下")
    assert case_no in reply and ok(reply), reply
    assert "超过办理时限" in reply and "督办" in reply, reply
    assert LEVELS[severity] in reply, reply
    assert local_deadline((await case_of(config, case_no)).deadline) in reply, reply
    assert requests(await supplements(config, case_no)) == ["urge"], reply


@pytest.mark.parametrize("severity,days", [("general", 5), ("major", 15)])
async def test_urging_before_the_deadline_gives_the_level_and_its_deadline(
        platform, config, bot_server, http, severity, days):
    openid = f"o-f12-early-{severity}"
    case_no = await file_case(platform, openid)
    if severity == "major":
        assert await act(http, bot_server, case_no, "escalate", {"reason": "涉及人数多"}) == 200
    reply = await say(platform, openid, "能不能快点 什么时候能办好")
    case = await case_of(config, case_no)
    assert case.severity == severity, case.severity
    assert case_no in reply and LEVELS[severity] in reply, reply
    assert local_deadline(case.deadline) in reply, reply
    assert "超过办理时限" not in reply, reply


async def test_urging_twice_past_the_deadline_forwards_once(platform, config, bot_server):
    openid = "o-f12-late-twice"
    case_no = await file_case(platform, openid)
    await overdue(config, bot_server, case_no)
    await say(platform, openid, "都超时了 催一下")
    reply = await say(platform, openid, "再催一下 过期了都")
    assert case_no in reply and ok(reply), reply
    assert requests(await supplements(config, case_no)) == ["urge"], reply


# --- (f) disagreeing with a result -------------------------------------------------------------

@pytest.mark.parametrize("message", ["这个结果我不认", "处理得不对 单位根本没补",
                                     "我不服 还要再告"])
async def test_disagreeing_with_a_result_offers_reopening_and_the_legal_ways(
        platform, http, bot_server, config, message):
    openid = oid("disagree", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位限期补缴")
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    assert "重新办理" in reply and "行政复议" in reply, (message, reply)
    assert len(await cases_of(config, openid)) == 1
    assert (await case_of(config, case_no)).solved is not True


# --- (g) withdrawing, then a change of mind -----------------------------------------------------

async def test_withdrawing_reaches_the_liaison_and_progress_shows_it(platform, config):
    openid = "o-f12-wd"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "不想弄了 撤了吧")
    if requests(await supplements(config, case_no)) == [] and "撤" in reply:
        reply = await say(platform, openid, "是的")
    assert case_no in reply and ok(reply), reply
    assert requests(await supplements(config, case_no)) == ["withdraw"], reply
    check = await say(platform, openid, "进度")
    # Rewritten after the first run (was "撤" in check): the list says "您已表示不再继续办
    # 理，待办理人员核实后办结", words a payer understands as well.
    assert case_no in check and ("撤" in check or "不再继续办理" in check), check


@pytest.mark.parametrize("back", ["算了还是继续办吧", "刚才说错了 不撤了", "我想了想还是要办 老板又不认账了"])
async def test_changing_ones_mind_after_withdrawing_keeps_the_case_going(
        platform, config, back):
    openid = oid("back", back)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "不想弄了 撤了吧")
    if requests(await supplements(config, case_no)) == [] and "撤" in reply:
        await say(platform, openid, "是的")
    reply = await say(platform, openid, back)
    assert case_no in reply and ok(reply), (back, reply)
    assert "继续" in reply, (back, reply)
    got = requests(await supplements(config, case_no))
    assert got[0] == "withdraw" and len(got) == 2 and got[1] != "withdraw", (back, got)
    assert (await case_of(config, case_no)).status not in ("closed", "resolved")
    assert len(await cases_of(config, openid)) == 1
    check = await say(platform, openid, "有结果没")
    # Rewritten after the first run (was "继续" in check): the list drops the withdrawal
    # line once the payer took it back, and shows the case's status and time limit as before.
    assert case_no in check and "不再继续办理" not in check and status_shown(check), check


async def test_a_change_of_mind_without_any_withdrawal_is_not_a_new_case(platform, config):
    openid = "o-f12-back-none"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "还是继续办吧")
    assert ok(reply), reply
    assert len(await cases_of(config, openid)) == 1
    assert "withdraw" not in requests(await supplements(config, case_no))


# --- (h) notices of a liaison's status change --------------------------------------------------

@pytest.mark.parametrize("action,body,words", [
    ("accept", {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}, "受理"),
    ("request-info", {"text": "请提供劳动合同"}, "劳动合同"),
    ("transfer", {"agency": "hrss", "reason": "属于基数核定"}, "区人力资源和社会保障局"),
    ("escalate", {"reason": "涉及人数多"}, "重大疑难"),
    ("resolve", {"result": "已责令单位补缴"}, "已责令单位补缴"),
])
async def test_a_status_change_reaches_the_payer_plainly_and_no_one_else(
        platform, http, bot_server, fake_api, action, body, words):
    openid, other = f"o-f12-notice-{action}", f"o-f12-notice-{action}-x"
    case_no = await file_case(platform, openid)
    theirs = await second_case(platform, other)
    assert await act(http, bot_server, case_no, action, body) == 200
    told = [t for t in await wait_heard(fake_api, openid, 1) if case_no in t]
    assert told and any(words in t for t in told), told
    for text in told:
        assert plain(text) and theirs not in text, text
        assert not any(w in text for w in STRANGER_WORDS), text
    await wait_texts(fake_api, other, 99, timeout=0.3)
    assert not [t for t in fake_api.texts_to(other) if case_no in t or words in t]


@pytest.mark.parametrize("action,body", [
    ("accept", {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}),
    ("request-info", {"text": "请提供劳动合同"}),
    ("transfer", {"agency": "hrss", "reason": "属于基数核定"}),
    ("resolve", {"result": "已责令单位补缴"}),
])
async def test_after_a_change_the_check_uses_words_a_payer_understands(
        platform, http, bot_server, fake_api, action, body):
    openid = f"o-f12-words-{action}"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, action, body) == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "办得怎么样了")
    assert case_no in reply and status_shown(reply) and plain(reply), (action, reply)
    assert ACCEPTOR_PHONE not in reply and "82751234" not in reply, reply


# --- (i) a liaison's request answered in several short messages ---------------------------------

async def test_a_request_answered_in_short_messages_joins_them_all(
        platform, http, bot_server, config):
    openid = "o-f12-short"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info",
                     {"text": "请提供入职时间和工资条"}) == 200
    parts = ["有", "入职是", "2021年3月", "工资条", "每月6500"]
    for part in parts:
        reply = await say(platform, openid, part)
        assert case_no in reply and ok(reply), (part, reply)
    photo = await post(platform, image_xml(openid, "media-f12-payslip"))
    assert case_no in photo and ok(photo), photo
    texts = [e.detail.get("text") for e in await supplements(config, case_no)]
    assert [t for t in texts if t] == parts, texts
    case = await case_of(config, case_no)
    assert "media-f12-payslip" in case.evidence and case.awaiting_info is False
    assert len(await cases_of(config, openid)) == 1


async def test_short_answers_end_with_thanks_not_a_new_matter(platform, http, bot_server,
                                                              config):
    openid = "o-f12-short-end"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供欠缴月份"}) == 200
    await say(platform, openid, "3月")
    await say(platform, openid, "到8月")
    reply = await say(platform, openid, "就这些 谢谢")
    assert ok(reply) and "谢谢" not in str(await supplements(config, case_no)), reply
    texts = [e.detail.get("text") for e in await supplements(config, case_no)]
    assert texts == ["3月", "到8月"], texts
    assert len(await cases_of(config, openid)) == 1


async def test_short_answers_then_a_check_shows_the_case_and_adds_nothing(
        platform, http, bot_server, config):
    openid = "o-f12-short-check"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    await say(platform, openid, "工资条")
    await say(platform, openid, "每月九千")
    reply = await say(platform, openid, "有结果没")
    assert case_no in reply and ok(reply) and status_shown(reply), reply
    texts = [e.detail.get("text") for e in await supplements(config, case_no)]
    assert texts == ["工资条", "每月九千"], texts


async def test_short_answers_to_one_of_two_cases_join_only_it(platform, http, bot_server,
                                                               config):
    openid = "o-f12-short-two"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    assert await act(http, bot_server, first, "request-info", {"text": "请提供工资条"}) == 200
    for part in ("好", "工资条每月九千", "单位按四千报的"):
        reply = await say(platform, openid, part)
        assert first in reply and second not in reply, (part, reply)
    # Rewritten after the first run (was 3 supplements): a bare "好" acknowledges the request
    # and is no information (followup.yaml fillers), so the two facts are what joins.
    texts = [e.detail.get("text") for e in await supplements(config, first)]
    assert texts == ["工资条每月九千", "单位按四千报的"], texts
    assert await supplements(config, second) == []


async def test_a_short_answer_never_reaches_another_payer(platform, http, bot_server,
                                                          config, fake_api):
    mine, theirs = "o-f12-short-mine", "o-f12-short-theirs"
    case_no = await file_case(platform, mine)
    other = await file_case(platform, theirs)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    await say(platform, mine, "有")
    reply = await say(platform, theirs, "有")
    assert case_no not in reply, reply
    assert await supplements(config, other) == [] or other in reply
    assert [e.detail.get("text") for e in await supplements(config, case_no)] == ["有"]
    assert CASE_NO.search(reply) is None or other in reply, reply


@pytest.mark.parametrize("parts", [("月工资", "6500", "入职", "2021"),
                                   ("合同", "没有", "只有工牌"),
                                   ("欠的月份", "去年3月到8月", "一共6个月")])
async def test_short_answers_with_bare_figures_join_and_are_no_case_numbers(
        platform, http, bot_server, config, parts):
    """Four bare digits ("6500", "2021") while the liaison waits are an answer, never the
    ending of a case number nor a rating."""
    openid = oid("short-figures", "|".join(parts))
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info",
                     {"text": "请提供月工资、入职年份和劳动合同"}) == 200
    for part in parts:
        reply = await say(platform, openid, part)
        assert case_no in reply and ok(reply), (part, reply)
        assert "没有找到" not in reply and "1-5" not in reply, (part, reply)
    texts = [e.detail.get("text") for e in await supplements(config, case_no)]
    assert texts == list(parts), texts
    assert (await case_of(config, case_no)).rating is None


async def test_a_progress_check_between_short_answers_is_a_check(platform, http, bot_server,
                                                                 config):
    openid = "o-f12-short-mid-check"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    await say(platform, openid, "工资条每月九千")
    reply = await say(platform, openid, "近度")
    assert case_no in reply and status_shown(reply), reply
    await say(platform, openid, "单位按四千报的")
    texts = [e.detail.get("text") for e in await supplements(config, case_no)]
    assert texts == ["工资条每月九千", "单位按四千报的"], texts


@pytest.mark.parametrize("message", ["我不认这个结果", "这也叫处理好了？单位一分没补",
                                     "结果不对啊 单位根本没补"])
async def test_more_ways_of_disagreeing_are_a_verdict_not_a_new_form(
        platform, http, bot_server, config, message):
    openid = oid("disagree2", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "已责令单位限期补缴")
    reply = await say(platform, openid, message)
    assert case_no in reply and ok(reply), (message, reply)
    assert "行政复议" in reply and "哪个区" not in reply, (message, reply)
    assert len(await cases_of(config, openid)) == 1
    assert (await case_of(config, case_no)).solved is not True


async def test_a_resumed_case_then_accepted_tells_the_payer(
        platform, http, bot_server, config, fake_api):
    openid = "o-f12-resume-accept"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "不想弄了 撤了吧")
    await say(platform, openid, "算了还是继续办吧")
    assert await act(http, bot_server, case_no, "accept",
                     {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}) == 200
    told = [t for t in await wait_heard(fake_api, openid, 1) if case_no in t]
    assert told and any("受理" in t for t in told) and all(plain(t) for t in told), told
    reply = await say(platform, openid, "有结果没")
    assert case_no in reply and "不再继续办理" not in reply, reply


async def test_with_two_own_cases_a_foreign_number_lists_only_the_own(platform):
    stranger = await file_case(platform, "o-f12-two-foreign-owner")
    openid = "o-f12-two-foreign"
    first = await second_case(platform, openid)
    reply = await say(platform, openid, f"查寻 {stranger}")
    assert "宏达" not in reply and "吴十" not in reply and HISTORY not in reply.replace(
        first, ""), reply
    assert first in reply and ok(reply), reply
