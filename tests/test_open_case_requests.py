"""What a payer who already has a case says outside the form, through the gateway: a wish to
withdraw reaches the liaison (never for a question, never guessed among several cases), an
urge shows the deadline and reaches the liaison once a day, "why was it transferred" shows
the timeline, crying gets sympathy, and deadlines are shown with their time."""
from __future__ import annotations

from bot.simulator import image_xml
from bot.store.models import Case, CaseEvent, OutboxItem
from routing.notices import local_deadline
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_followup import act, file_case, resolved_case

NOT_UNDERSTOOD = "没太明白"
NO_DRAFT = "目前没有正在填写的登记"


async def case_of(config, case_no: str) -> Case:
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    return case


async def supplements(config, case_no: str) -> list[CaseEvent]:
    case = await case_of(config, case_no)
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    return [e for e in events if e.kind == "supplement"]


async def group_messages(config, case_no: str) -> list[str]:
    """Supplement messages queued for the case's liaison group."""
    case = await case_of(config, case_no)
    rows = await fetch(config.database_url, OutboxItem, case_id=case.id)
    return [str(r.payload["body"]) for r in rows
            if r.channel == "webhook" and r.payload.get("kind") == "supplement"]


async def second_case(platform, openid: str) -> str:
    reply = await say(platform, openid, "我在荔城街道的宏图公司，他们多扣了我的医保费，要求退还")
    await finish_form(platform, openid, reply, ANSWERS)
    return CASE_NO.search(await say(platform, openid, "确认")).group()


# --- withdrawing -------------------------------------------------------------------------


async def test_a_wish_to_withdraw_is_forwarded_to_the_cases_liaison(platform, config):
    for i, wish in enumerate(["我想撤回投诉", "算了不办了", "公司已经补交了，我不投诉了",
                              "不用处理了，单位已经给我交了", "我不想投了"]):
        openid = f"o-withdraw-{i}"
        case_no = await file_case(platform, openid)
        reply = await say(platform, openid, wish)
        assert case_no in reply and "转告" in reply and NO_DRAFT not in reply, (wish, reply)
        [event] = await supplements(config, case_no)
        assert wish in event.detail["text"] and event.detail["request"] == "withdraw"
        [message] = await group_messages(config, case_no)
        assert "不再继续办理" in message
        assert (await case_of(config, case_no)).status == "assigned"  # the liaison closes it


async def test_the_matter_settled_is_forwarded_but_not_a_partial_payment(platform, config):
    openid = "o-settled"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "问题已经解决了")
    assert case_no in reply and "已经解决" in reply
    assert [e.detail["request"] for e in await supplements(config, case_no)] == ["settled"]
    partial = "o-settled-partly"
    other = await file_case(platform, partial)
    reply = await say(platform, partial, "公司已经补交了一部分，还差三个月")
    assert "办结" not in reply
    assert await supplements(config, other) == []


async def test_a_question_about_withdrawing_is_explained_not_acted_on(platform, config):
    openid = "o-withdraw-how"
    case_no = await file_case(platform, openid)
    for question in ("撤回要怎么弄？", "能撤回吗"):
        reply = await say(platform, openid, question)
        assert "撤回" in reply and case_no in reply and NOT_UNDERSTOOD not in reply, reply
    assert await supplements(config, case_no) == []


async def test_a_bare_never_mind_asks_before_anything_is_forwarded(platform, config):
    openid = "o-withdraw-maybe"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "算了")
    assert case_no in reply and "撤回" in reply
    assert await supplements(config, case_no) == []
    assert case_no in await say(platform, openid, "撤回")
    assert len(await supplements(config, case_no)) == 1


async def test_with_several_open_cases_the_payer_is_asked_which_to_withdraw(platform, config):
    openid = "o-withdraw-which"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    question = await say(platform, openid, "我想撤回投诉")
    assert first in question and second in question and "哪一件" in question
    assert await supplements(config, first) == [] and await supplements(config, second) == []
    listed_first = question.index(first) < question.index(second)
    chosen, kept = (first, second) if listed_first else (second, first)
    reply = await say(platform, openid, "1")
    assert chosen in reply and kept not in reply
    [event] = await supplements(config, chosen)
    assert "我想撤回投诉" in event.detail["text"]
    assert await supplements(config, kept) == []


async def test_withdrawing_a_named_case_of_someone_else_is_refused(platform, config):
    owner = await file_case(platform, "o-withdraw-owner")
    await file_case(platform, "o-withdraw-other")
    reply = await say(platform, "o-withdraw-other", f"我要撤回{owner}")
    assert "没有找到" in reply
    assert await supplements(config, owner) == []


async def test_withdrawing_when_every_case_is_closed(platform, http, bot_server):
    openid = "o-withdraw-closed"
    await resolved_case(platform, http, bot_server, openid, "已补缴")
    assert "都已办结" in await say(platform, openid, "我不投诉了")


# --- urging --------------------------------------------------------------------------------


async def test_an_urge_shows_status_and_deadline_and_reaches_the_liaison_once_a_day(
        platform, config):
    openid = "o-urge"
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    for urge in ("能不能快点", "帮我催一下", "怎么还没处理",
                 "你们这个投诉到底有没有用 我都等了半个月了", "加急", "怎么没人给我打电话",
                 "急", "给我打个电话", "你们是干什么吃的 这么久都不处理"):
        reply = await say(platform, openid, urge)
        assert case_no in reply and deadline in reply and "已分派" in reply, (urge, reply)
        assert "12345" not in reply and "登记时会" not in reply, (urge, reply)
    urges = [e for e in await supplements(config, case_no) if e.detail["request"] == "urge"]
    assert len(urges) == 1 and urges[0].detail["text"].endswith("能不能快点")
    assert len(await group_messages(config, case_no)) == 1
    assert "今天已经" in await say(platform, openid, "急急急")


async def test_an_urge_while_the_liaison_waits_reminds_what_they_asked_for(
        platform, http, bot_server, config):
    openid = "o-urge-waiting"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    for urge in ("加急", "能不能快点"):
        reply = await say(platform, openid, urge)
        assert case_no in reply and "请提供工资条" in reply and deadline in reply, reply
    assert await supplements(config, case_no) == []
    assert (await case_of(config, case_no)).awaiting_info is True


async def test_asking_for_the_liaisons_phone_is_answered_and_urged(platform, config):
    openid = "o-urge-phone"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "办理人员电话多少")
    assert "查不到办理人员的电话" in reply and case_no in reply and "12345" not in reply


async def test_a_new_complaint_about_waiting_is_not_an_urge(platform, config):
    for i, complaint in enumerate(["等了两个月工资都没发", "老板一直拖着不交社保",
                                   "快点帮我登记一下，公司欠了我三个月社保",
                                   "我要转人工 快点"]):
        openid = f"o-urge-new-{i}"
        case_no = await file_case(platform, openid)
        reply = await say(platform, openid, complaint)
        assert "催办" not in reply, (complaint, reply)
        assert await supplements(config, case_no) == []


async def test_urging_a_closed_case_says_how_to_have_it_handled_again(
        platform, http, bot_server):
    openid = "o-urge-closed"
    case_no = await resolved_case(platform, http, bot_server, openid, "已补缴")
    for urge in ("加急", "能不能快点", "怎么没人给我打电话"):
        reply = await say(platform, openid, urge)
        assert case_no in reply and "重新办理" in reply and "12345" not in reply, (urge, reply)
    verdict = await say(platform, openid, "为什么还是没处理好")
    assert "行政复议" in verdict  # still read as "not solved" by the rating


# --- transfers, contact, material ----------------------------------------------------------


async def test_why_transferred_shows_the_timeline_with_who_handles_it_now(
        platform, http, bot_server):
    openid = "o-why-transfer"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "transfer",
                     {"agency": "hrss", "reason": "属于劳动关系"}) == 200
    for question in ("怎么又转了", "为什么转给人社了", "转来转去的到底谁管", "谁在处理我的事"):
        reply = await say(platform, openid, question)
        assert case_no in reply and "现在由区人力资源和社会保障局办理" in reply, (question, reply)
        assert "已转交区税务局" in reply  # the first hand-over named as it happened


async def test_a_new_phone_number_reaches_the_liaison(platform, config):
    openid = "o-new-phone"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "我换手机号了 新号码13798765432")
    assert case_no in reply and "新号码" in reply
    [event] = await supplements(config, case_no)
    assert "13798765432" in event.detail["text"]
    asked = await say(platform, "o-new-phone-2", "你好")
    assert asked  # another payer is untouched


async def test_announced_material_joins_the_case_when_it_comes(platform, config):
    openid = "o-announce-photo"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "我想加一张图片")
    assert case_no in reply and NOT_UNDERSTOOD not in reply
    photo = (await platform.post(image_xml(openid, "media-later-1"))).reply
    assert case_no in photo
    assert "media-later-1" in (await case_of(config, case_no)).evidence


async def test_a_photo_from_a_payer_with_one_open_case_joins_it(platform, config):
    openid = "o-photo-open"
    case_no = await file_case(platform, openid)
    reply = (await platform.post(image_xml(openid, "media-open-1"))).reply
    assert case_no in reply and "反映问题" in reply
    assert "media-open-1" in (await case_of(config, case_no)).evidence
    assert case_no in await say(platform, openid, "这是工资条，每月只按最低基数交")
    assert len(await supplements(config, case_no)) == 2
    photo_notes = [m for m in await group_messages(config, case_no) if "1 张图片" in m]
    # Regression: the group read "（缴费人补充了图片）（另附 1 张图片）", the picture twice.
    assert photo_notes and not any("补充了图片" in m for m in photo_notes), photo_notes


async def test_a_photo_with_several_open_cases_asks_which(platform, config):
    openid = "o-photo-which"
    first = await file_case(platform, openid)
    second = await second_case(platform, openid)
    reply = (await platform.post(image_xml(openid, "media-which-1"))).reply
    assert first in reply and second in reply and "补充" in reply
    assert await supplements(config, first) == [] and await supplements(config, second) == []


async def test_another_matter_announced_starts_the_form_not_a_progress_list(platform):
    openid = "o-new-matter"
    await file_case(platform, openid)
    reply = await say(platform, openid, "我还要反映另外一件事")
    assert "您登记的事项" not in reply and "问题" in reply


async def test_asking_whether_the_employer_paid_shows_the_cases(platform, config):
    openid = "o-paid-yet"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "他们已经给我补缴了吗？")
    assert case_no in reply and "12366" not in reply
    assert await supplements(config, case_no) == []


# --- feelings, acknowledgements, deadlines ----------------------------------------------------


async def test_crying_faces_are_met_with_sympathy(platform):
    for i, message in enumerate(["😭😭😭", "[流泪]", "[大哭]", "[流泪][流泪]", "呜呜呜"]):
        reply = await say(platform, f"o-sad-{i}", message)
        assert "😊 收到" not in reply and "发生了什么" in reply, (message, reply)
    case_no = await file_case(platform, "o-sad-case")
    reply = await say(platform, "o-sad-case", "😭")
    assert "发生了什么" in reply and case_no in reply
    assert "发生了什么" in await say(platform, "o-sad-case", "我该怎么办啊")


async def test_crying_is_not_taken_for_the_information_a_liaison_asked_for(
        platform, http, bot_server, config):
    openid = "o-sad-waiting"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "request-info", {"text": "请提供工资条"}) == 200
    reply = await say(platform, openid, "呜呜呜")
    assert "发生了什么" in reply
    assert await supplements(config, case_no) == []


async def test_acknowledgements_are_not_misunderstood(platform):
    for i, message in enumerate(["收到", "好的 谢谢", "嗯嗯 知道了"]):
        reply = await say(platform, f"o-ack-{i}", message)
        assert NOT_UNDERSTOOD not in reply, (message, reply)


async def test_progress_shows_the_deadline_with_its_time(platform, config):
    openid = "o-deadline-time"
    case_no = await file_case(platform, openid)
    deadline = local_deadline((await case_of(config, case_no)).deadline)
    assert deadline in await say(platform, openid, "进度")
    assert deadline in await say(platform, openid, f"进度 {case_no}")
    assert deadline in await say(platform, openid, "处理期限是几号")
