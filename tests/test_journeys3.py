"""Whole journeys, third round, written blind: a payer's first message to the archived case,
checked on both sides at every step: what the payer hears (replies, customer-service or
template notices), what each WeCom group receives (cards with masked contact data), what
the liaison API shows and refuses (an agency sees only its own cases), the scheduler's
reminders and escalations, and the archive. Seeds: 首问责任制 (001), 报送单 and 办理时限
(002), 转办 / 协办 / 重大疑难事项 (003), 跟踪回访 and 归档 (004)."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import update

from bot.simulator import event_xml, image_xml
from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Payer, utcnow
from routing.scheduler import Scheduler
from tests.conftest import make_platform
from tests.test_cases import card_texts
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_journeys2 import (
    HRSS_GROUP,
    LEADERSHIP_GROUP,
    api,
    archive,
    clean,
    file,
    heard,
    quiet,
    set_deadline,
    the_case,
    wait_group,
    wait_heard,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
LEADERSHIP = {"Authorization": "Bearer dev-token-leadership"}
HEALTHCARE = {"Authorization": "Bearer dev-token-healthcare"}
COURT = {"Authorization": "Bearer dev-token-court"}

STORY_WU = "你好我叫吴建国 电话13800135555 石滩镇金利鞋厂从今年1月就没给我交社保了 想让单位补缴"
PHONE_WU = "13800135555"
STORY_LIN = "我是林秀 电话13922226666 石滩镇金利鞋厂也一样 今年1月开始就断缴了 要求补缴"
PHONE_LIN = "13922226666"
ID_NO = "440183199003154512"


async def file_another(platform, openid: str, first: str, answers: dict) -> str:
    """A second filing by a payer with a case open: "not the same matter" if asked."""
    reply = await say(platform, openid, first)
    await finish_form(platform, openid, reply, {**ANSWERS, **answers})
    done = await say(platform, openid, "确认")
    if "同一件事" in done:
        done = await say(platform, openid, "2 不是 另外一件事")
    match = CASE_NO.search(done)
    assert match and "登记" in done, done
    return match.group()


def token(agency: str) -> dict:
    return {"Authorization": f"Bearer dev-token-{agency.replace('_', '-')}"}


def group(agency: str) -> str:
    return f"dev-key-zc-{agency.replace('_', '-')}"


async def set_last_message(config, openid: str, when) -> None:
    """The payer last wrote at ``when`` (days ago: outside the 48 h service window)."""
    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(update(Payer).where(Payer.openid == openid)
                                  .values(last_message_at=when))
            await session.commit()
    finally:
        await engine.dispose()


def templates_to(fake_api, openid: str) -> list[str]:
    return [" ".join(str(v.get("value", "")) for v in t.get("data", {}).values())
            for t in fake_api.templates.requests if t.get("touser") == openid]


async def lead_of(config, case_no: str) -> tuple[str, dict, str]:
    lead = (await the_case(config, case_no)).lead_agency
    return lead, token(lead), group(lead)


async def resolve_and_rate(http, server, platform, fake_api, openid, case_no, headers, count,
                           rating="满意"):
    assert (await api(http, server, "POST", f"/api/cases/{case_no}/resolve", headers,
                      {"result": "单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, count)
    return await say(platform, openid, rating)


# --- 1. two colleagues of the same employer file the same matter ----------------------------

async def test_k01_two_colleagues_same_matter_each_sees_only_their_own(
        platform, http, bot_server, fake_api, fake_webhook, config):
    a, b = "j3-01a", "j3-01b"
    first = await file(platform, a, STORY_WU)
    second = await file(platform, b, STORY_LIN, {"称呼": "林秀", "电话": PHONE_LIN})
    assert first != second
    _lead, LEAD, GROUP = await lead_of(config, first)
    texts = await wait_group(fake_webhook, GROUP, second)
    card_a = next(t for t in texts if first in t and "缴费人" in t)
    card_b = next(t for t in texts if second in t and "缴费人" in t)
    assert "138****5555" in card_a and "139****6666" in card_b, (card_a, card_b)
    assert "金利鞋厂" in card_b and "吴建国" not in card_b and "138****5555" not in card_b
    progress = await say(platform, b, "我的事办得怎么样了")
    assert second in progress and first not in progress and "吴" not in progress, progress
    # the liaison resolves one; the other payer hears nothing about it
    assert (await api(http, bot_server, "POST", f"/api/cases/{first}/resolve", LEAD,
                      {"result": "单位已为吴先生补缴"}))[0] == 200
    await wait_heard(fake_api, a, 2)
    await quiet()
    assert heard(fake_api, b) == []
    again = await say(platform, b, "进度")
    assert "已补缴" not in again and second in again, again
    clean(*card_texts(fake_webhook, GROUP), progress, again, secrets=(PHONE_WU, PHONE_LIN))


# --- 2. two open cases at two agencies; material added to one by number ---------------------

async def test_k02_two_cases_two_agencies_material_by_number(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-02"
    first = await file(platform, openid, STORY_WU)
    status, _ = await api(http, bot_server, "POST", f"/api/cases/{first}/transfer",
                          (await lead_of(config, first))[1],
                          {"agency": "hrss", "reason": "涉及劳动关系确认"})
    assert status == 200
    await wait_heard(fake_api, openid, 1)
    second = await file_another(platform, openid,
                        "还有个事 我在新塘镇宏达电子厂干过 那边按最低基数给我交的 工资其实八千",
                        {"称呼": "吴建国", "电话": PHONE_WU})
    assert second != first
    _lead2, _LEAD2, GROUP2 = await lead_of(config, second)
    both = await say(platform, openid, "进度")
    assert first in both and second in both, both
    n_hrss = len(card_texts(fake_webhook, HRSS_GROUP))
    added = await say(platform, openid, f"补充一下{first} 我有劳动合同 入职是去年3月")
    assert first in added, added
    await wait_group(fake_webhook, HRSS_GROUP, "入职是去年3月")
    assert any(first in t for t in card_texts(fake_webhook, HRSS_GROUP)[n_hrss:])
    if GROUP2 != HRSS_GROUP:
        assert not any("入职是去年3月" in t for t in card_texts(fake_webhook, GROUP2))
    case2 = await the_case(config, second)
    assert "入职是去年3月" not in str(case2.evidence)
    clean(both, added, *card_texts(fake_webhook, HRSS_GROUP), secrets=(PHONE_WU,))


# --- 3. a major case co-handled: the co-handler's liaison acts ------------------------------

async def test_k03_major_case_cohandler_writes_opinion_and_lead_resolves(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-03"
    case_no = await file(platform, openid,
                         "荔城街道顺发家具厂老板跑了 厂里四十多个人两年社保都欠着 电话也打不通",
                         {"几个人": "40"})
    case = await the_case(config, case_no)
    assert case.severity == "major", case.severity
    await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    _lead, LEAD, GROUP = case.lead_agency, token(case.lead_agency), group(case.lead_agency)
    if not case.co_agencies:
        status, _ = await api(http, bot_server, "POST", f"/api/cases/{case_no}/escalate", LEAD,
                              {"reason": "需人社局协同认定欠缴人数"})
        case = await the_case(config, case_no)
    assert case.co_agencies, case.co_agencies
    co = case.co_agencies[0]
    co_cards = await wait_group(fake_webhook, group(co), case_no)
    assert any("协办" in t for t in co_cards), co_cards
    status, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}", token(co))
    assert status == 200 and "resolve" not in view.get("actions", []), view
    status, refused = await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                                token(co), {"result": "已处理"})
    assert status in (403, 409) and CHINESE.search(refused["message"]), refused
    status, _ = await api(http, bot_server, "POST", f"/api/cases/{case_no}/note", token(co),
                          {"text": "经核查该厂在册职工43人，建议申请先行支付"})
    assert status == 200
    await wait_group(fake_webhook, GROUP, "在册职工43人")
    assert heard(fake_api, openid) == [] or not any("在册职工43人" in t
                                                    for t in heard(fake_api, openid))
    got = await resolve_and_rate(http, bot_server, platform, fake_api, openid, case_no, LEAD,
                                 2, "4分")
    assert "感谢" in got, got
    await wait_group(fake_webhook, LEADERSHIP_GROUP, "单位已补缴")
    assert await archive(bot_server, config, case_no)
    assert not any("在册职工43人" in t for t in heard(fake_api, openid))


# --- 4. transferred, then the payer withdraws ----------------------------------------------

async def test_k04_transferred_then_withdrawn_new_lead_hears_it(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-04"
    case_no = await file(platform, openid, STORY_WU)
    lead, LEAD, _GROUP = await lead_of(config, case_no)
    target = "hrss" if lead != "hrss" else "tax"
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer", LEAD,
                      {"agency": target, "reason": "涉及劳动关系"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "不用弄了 厂里今天已经给我补上了 撤了吧")
    assert case_no in reply, reply
    texts = await wait_group(fake_webhook, group(target), "撤回")
    assert case_no in texts[-1] and "已经给我补上了" in texts[-1], texts[-1]
    # the new lead closes it; the payer hears the result; archive follows
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", token(target),
                      {"result": "缴费人撤回，单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    assert await archive(bot_server, config, case_no)
    status, _ = await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                          {"result": "x"})
    assert status in (403, 409)
    clean(*heard(fake_api, openid), *card_texts(fake_webhook, group(target)),
          secrets=(PHONE_WU,))


# --- 5. info requested; the payer answers days later (outside the 48 h window) --------------

async def test_k05_request_reaches_a_silent_payer_by_template_and_late_answer_joins(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-05"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, GROUP = await lead_of(config, case_no)
    await set_last_message(config, openid, utcnow() - timedelta(days=3))
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info", LEAD,
                      {"text": "请提供工资条或银行流水"}))[0] == 200
    got = await wait_heard(fake_api, openid, 1)
    assert any(case_no in t for t in templates_to(fake_api, openid)), got
    assert fake_api.texts_to(openid) == []  # no customer-service message outside the window
    answer = await say(platform, openid, "不好意思这几天在外地 工资条我拍了发你们")
    assert case_no in answer, answer
    photo = (await platform.post(image_xml(openid, "media-j3-05"))).reply
    assert case_no in photo, photo
    await wait_group(fake_webhook, GROUP, "在外地")
    await wait_group(fake_webhook, GROUP, "图片")
    # the payer wrote again: the result goes by customer-service message
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "已核实并通知单位补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    assert any("已核实并通知单位补缴" in t for t in fake_api.texts_to(openid))


# --- 6. the result rated unsatisfied twice ---------------------------------------------------

async def test_k06_unsatisfied_twice_then_remaining_ways_and_archive(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-06"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, GROUP = await lead_of(config, case_no)
    first = await resolve_and_rate(http, bot_server, platform, fake_api, openid, case_no, LEAD,
                                   2, "不满意 根本没补")
    assert "重新办理" in first, first
    again = await say(platform, openid, "重新办理")
    assert case_no in again, again
    assert (await the_case(config, case_no)).status == "reopened"
    await wait_group(fake_webhook, GROUP, "重新办理")
    n = len(heard(fake_api, openid))
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "单位承诺月底前补缴"}))[0] == 200
    await wait_heard(fake_api, openid, n + 1)
    second = await say(platform, openid, "还是不满意 说了月底又没补")
    assert case_no in second, second
    case = await the_case(config, case_no)
    assert case.rating is not None or case.solved is False, (case.rating, case.solved)
    cards = await wait_group(fake_webhook, GROUP, "未解决")
    assert sum(case_no in t and "未解决" in t for t in cards) >= 2, cards
    assert await archive(bot_server, config, case_no) or \
        (await the_case(config, case_no)).status == "reopened"


# --- 7. a fresh server between every step ----------------------------------------------------

async def test_k07_fresh_app_between_every_step(
        aiohttp_server, http, config, models, fake_api, fake_webhook):
    from bot.app import build_app

    openid = "j3-07"

    async def fresh():
        return await aiohttp_server(build_app(config, models=models))

    server = await fresh()
    platform = make_platform(http, server, config)
    reply = await say(platform, openid, STORY_WU)
    await server.close()
    for _ in range(12):
        if "请核对登记内容" in reply:
            break
        server = await fresh()
        platform = make_platform(http, server, config)
        cue = next(c for c in ANSWERS if c in reply)
        reply = await say(platform, openid, ANSWERS[cue])
        await server.close()
    assert "请核对登记内容" in reply, reply
    server = await fresh()
    done = await say(make_platform(http, server, config), openid, "对的 确认")
    await server.close()
    case_no = CASE_NO.search(done).group()
    _lead, LEAD, GROUP = await lead_of(config, case_no)
    server = await fresh()
    assert (await api(http, server, "POST", f"/api/cases/{case_no}/accept", LEAD,
                      {"acceptor": "王芳"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    await server.close()
    server = await fresh()
    progress = await say(make_platform(http, server, config), openid, "进度咋样")
    assert case_no in progress and "办理中" in progress, progress
    await server.close()
    server = await fresh()
    assert (await api(http, server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "单位已补缴1月至今社保"}))[0] == 200
    await wait_heard(fake_api, openid, 3)
    await server.close()
    server = await fresh()
    assert "感谢" in await say(make_platform(http, server, config), openid, "满意")
    await server.close()
    server = await fresh()
    assert await archive(server, config, case_no)
    got = await wait_heard(fake_api, openid, 4)
    assert "归档" in got[-1], got
    await server.close()
    await wait_group(fake_webhook, GROUP, case_no)


# --- 8. unsubscribes and resubscribes mid-case -----------------------------------------------

async def test_k08_unsubscribe_then_resubscribe_mid_case(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-08"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, _GROUP = await lead_of(config, case_no)
    await platform.post(event_xml(openid, "unsubscribe"))
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept", LEAD,
                      {"acceptor": "王芳"}))[0] == 200
    await quiet()
    assert heard(fake_api, openid) == []  # WeChat refuses messages to a non-follower
    welcome = (await platform.post(event_xml(openid, "subscribe"))).reply or ""
    assert case_no in welcome, welcome  # the open case is named on return
    progress = await say(platform, openid, "进度")
    assert case_no in progress and "办理中" in progress, progress
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "单位已补缴"}))[0] == 200
    got = await wait_heard(fake_api, openid, 2)
    assert any("单位已补缴" in t for t in got), got
    assert "感谢" in await say(platform, openid, "5分")
    assert await archive(bot_server, config, case_no)


# --- 9. privacy at every step: ID number and phone ------------------------------------------

async def test_k09_id_number_and_phone_never_leave_the_case(
        platform, http, bot_server, fake_api, fake_webhook, config, caplog):
    caplog.set_level(logging.INFO)  # what a deployment logs (no SQL echo)
    openid = "j3-09"
    case_no = await file(platform, openid,
                         f"我叫吴建国 身份证{ID_NO} 电话{PHONE_WU} 石滩镇金利鞋厂欠我社保 要求补缴")
    _lead, LEAD, GROUP = await lead_of(config, case_no)
    cards = await wait_group(fake_webhook, GROUP, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info", LEAD,
                      {"text": "请提供身份证正反面"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    await say(platform, openid, f"我身份证号是{ID_NO} 手机{PHONE_WU} 照片晚点发")
    cards = await wait_group(fake_webhook, GROUP, "照片晚点发")
    _, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}", LEAD)
    _, listing = await api(http, bot_server, "GET", "/api/cases", LEAD)
    progress = await say(platform, openid, "进度")
    other = await say(platform, "j3-09-other", f"进度 {case_no}")
    logs = caplog.text
    for text in (*cards, str(view), str(listing), progress, other, logs):
        assert ID_NO not in text and PHONE_WU not in text, text[:600]
    assert "吴建国" not in other and "金利" not in other, other


# --- 10. an agency sees only its own cases ---------------------------------------------------

async def test_k10_other_agency_cannot_see_or_act(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-10"
    case_no = await file(platform, openid, STORY_WU)
    lead, _LEAD, _GROUP = await lead_of(config, case_no)
    outsider = COURT if lead != "court" else HEALTHCARE
    status, body = await api(http, bot_server, "GET", f"/api/cases/{case_no}", outsider)
    assert status in (403, 404) and CHINESE.search(body["message"]), body
    assert "金利" not in str(body) and "138****5555" not in str(body)
    status, listing = await api(http, bot_server, "GET", "/api/cases", outsider)
    assert status == 200 and case_no not in str(listing)
    for action, payload in (("accept", {"acceptor": "x"}), ("note", {"text": "看看"}),
                            ("request-info", {"text": "请补充"}),
                            ("resolve", {"result": "已办"})):
        status, body = await api(http, bot_server, "POST", f"/api/cases/{case_no}/{action}",
                                 outsider, payload)
        assert status in (403, 404), (action, status, body)
    await quiet()
    assert heard(fake_api, openid) == []
    status, _ = await api(http, bot_server, "GET", f"/api/cases/{case_no}",
                          {"Authorization": "Bearer wrong"})
    assert status == 401


# --- 11. co-handler reminded before the deadline; overdue escalation reaches leadership ----

async def test_k11_deadline_reminders_reach_lead_and_overdue_goes_up_once(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-11"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, _GROUP = await lead_of(config, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept", LEAD,
                      {"acceptor": "王芳"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    scheduler = Scheduler(bot_server.app["services"].sessionmaker, config)
    await set_deadline(config, case_no, utcnow() - timedelta(hours=1))
    assert await scheduler.run_once(utcnow()) >= 1
    up = await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    card = next(t for t in up if case_no in t)
    assert "138****5555" in card or "金利" in card, card
    assert PHONE_WU not in card
    told = await wait_heard(fake_api, openid, 2)
    n_up = len(card_texts(fake_webhook, LEADERSHIP_GROUP))
    await scheduler.run_once(utcnow() + timedelta(hours=2))
    await quiet()
    assert len(card_texts(fake_webhook, LEADERSHIP_GROUP)) == n_up
    assert len(heard(fake_api, openid)) == 2
    # the payer asks; then the lead finishes late
    progress = await say(platform, openid, "怎么还没办好 都超时了")
    assert case_no in progress, progress
    got = await resolve_and_rate(http, bot_server, platform, fake_api, openid, case_no, LEAD,
                                 4, "3分吧")
    assert "感谢" in got
    assert await archive(bot_server, config, case_no)
    clean(*told, progress, card, secrets=(PHONE_WU,))


# --- 12. a case number typed in lower case with spaces ---------------------------------------

async def test_k12_lowercase_case_number_for_progress_and_material(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-12"
    case_no = await file(platform, openid, STORY_WU)
    _lead, _LEAD, GROUP = await lead_of(config, case_no)
    typed = case_no.lower()
    progress = await say(platform, openid, f"查一下 {typed} 的进度")
    assert case_no in progress, progress
    added = await say(platform, openid, f"{typed} 补充：厂里还欠我去年的两个月")
    assert case_no in added, added
    await wait_group(fake_webhook, GROUP, "去年的两个月")


# --- 13. someone else's case number ---------------------------------------------------------

async def test_k13_someone_elses_case_number_reveals_nothing_and_adds_nothing(
        platform, http, bot_server, fake_api, fake_webhook, config):
    owner, stranger = "j3-13a", "j3-13b"
    case_no = await file(platform, owner, STORY_WU)
    _lead, _LEAD, GROUP = await lead_of(config, case_no)
    await wait_group(fake_webhook, GROUP, case_no)
    n = len(card_texts(fake_webhook, GROUP))
    peek = await say(platform, stranger, f"{case_no} 这个办到哪了")
    assert "金利" not in peek and "吴" not in peek and "138" not in peek, peek
    add = await say(platform, stranger, f"补充 {case_no} 他们老板姓黄")
    assert "金利" not in add and "吴" not in add, add
    await quiet()
    assert not any("老板姓黄" in t for t in card_texts(fake_webhook, GROUP)[n:])
    assert "老板姓黄" not in str((await the_case(config, case_no)).evidence)


# --- 14. unsatisfied, reopened, then satisfied: the last rating counts -----------------------

async def test_k14_reopened_then_satisfied_is_archived_with_the_final_rating(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-14"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, _GROUP = await lead_of(config, case_no)
    await resolve_and_rate(http, bot_server, platform, fake_api, openid, case_no, LEAD, 2,
                           "不满意")
    await say(platform, openid, "重新办理")
    n = len(heard(fake_api, openid))
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "单位已全额补缴"}))[0] == 200
    await wait_heard(fake_api, openid, n + 2)
    thanks = await say(platform, openid, "这次满意了 给4分")
    assert "感谢" in thanks, thanks
    case = await the_case(config, case_no)
    assert case.rating == 4, case.rating
    assert await archive(bot_server, config, case_no)


# --- 15. the leadership office acts on a major case -----------------------------------------

async def test_k15_leadership_office_resolves_an_escalated_case(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-15"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, GROUP = await lead_of(config, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/escalate", LEAD,
                      {"reason": "企业已注销，需多部门会商"}))[0] == 200
    await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    status, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}", LEADERSHIP)
    assert status == 200, view
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEADERSHIP,
                      {"result": "经会商，由区人社局先行垫付"}))[0] == 200
    texts = await wait_group(fake_webhook, GROUP, "先行垫付")
    assert case_no in texts[-1]
    got = await wait_heard(fake_api, openid, 3)
    assert any("先行垫付" in t for t in got), got
    assert "感谢" in await say(platform, openid, "满意")
    assert await archive(bot_server, config, case_no)


# --- 16. an archived case refuses action, progress shows the result -------------------------

async def test_k16_archived_case_refuses_request_and_payer_sees_result(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-16"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, _GROUP = await lead_of(config, case_no)
    await resolve_and_rate(http, bot_server, platform, fake_api, openid, case_no, LEAD, 2, "5")
    assert await archive(bot_server, config, case_no)
    status, refused = await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info",
                                LEAD, {"text": "请补充合同"})
    assert status in (403, 409) and CHINESE.search(refused["message"]), refused
    late = await say(platform, openid, f"{case_no} 现在怎么样了")
    assert "单位已补缴" in late and "归档" in late, late


# --- 17. silent after the result: archived on time, the notice goes by template -------------

async def test_k17_silent_payer_archived_after_14_days_by_template(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-17"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, _GROUP = await lead_of(config, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    await set_last_message(config, openid, utcnow() - timedelta(days=15))
    assert await archive(bot_server, config, case_no)
    await wait_heard(fake_api, openid, 3)
    assert any(case_no in t and "归档" in t for t in templates_to(fake_api, openid)), \
        templates_to(fake_api, openid)
    case = await the_case(config, case_no)
    assert case.rating is None


# --- 18. transferred twice: every office in the chain hears the result ---------------------

async def test_k18_transferred_twice_first_offices_track_the_result(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-18"
    case_no = await file(platform, openid, STORY_WU)
    lead, LEAD, GROUP = await lead_of(config, case_no)
    mid = "hrss" if lead != "hrss" else "tax"
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer", LEAD,
                      {"agency": mid, "reason": "劳动关系"}))[0] == 200
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer", token(mid),
                      {"agency": "court", "reason": "已进入诉讼"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    await wait_group(fake_webhook, group("court"), case_no)
    status, _ = await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", token(mid),
                          {"result": "x"})
    assert status in (403, 409)
    who = await say(platform, openid, "现在是谁在管我这个事")
    assert "法院" in who, who
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", COURT,
                      {"result": "法院已判决单位补缴"}))[0] == 200
    await wait_group(fake_webhook, GROUP, "法院已判决单位补缴")
    await wait_group(fake_webhook, group(mid), "法院已判决单位补缴")
    await wait_heard(fake_api, openid, 4)
    assert await archive(bot_server, config, case_no)


# --- 19. two open cases: the rating goes to the one just resolved ---------------------------

async def test_k19_two_open_cases_rating_goes_to_the_resolved_one(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-19"
    first = await file(platform, openid, STORY_WU)
    second = await file_another(platform, openid, "还有 新塘镇宏达电子厂以前也少交了我半年的医保",
                        {"称呼": "吴建国", "电话": PHONE_WU})
    _lead2, LEAD2, _GROUP2 = await lead_of(config, second)
    assert (await api(http, bot_server, "POST", f"/api/cases/{second}/resolve", LEAD2,
                      {"result": "已补缴医保"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    assert "感谢" in await say(platform, openid, "5分")
    assert (await the_case(config, second)).rating == 5
    assert (await the_case(config, first)).rating is None
    assert (await the_case(config, first)).status not in ("resolved", "closed")


# --- 20. request while the payer is away, the late answer comes as a voice note ------------

async def test_k20_silent_payer_template_then_answer_after_five_days(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-20"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, GROUP = await lead_of(config, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info", LEAD,
                      {"text": "请说明单位地址"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    await set_last_message(config, openid, utcnow() - timedelta(days=5))
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info", LEAD,
                      {"text": "另请提供入职日期"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    assert any("入职日期" in t or case_no in t for t in templates_to(fake_api, openid))
    answer = await say(platform, openid, "地址在石滩镇工业大道18号 入职是前年5月")
    assert case_no in answer, answer
    await wait_group(fake_webhook, GROUP, "工业大道18号")
    assert not (await the_case(config, case_no)).awaiting_info


# --- 21. the payer rewrites the same matter while the case is open ---------------------------

async def test_k21_same_matter_twice_does_not_make_a_second_card(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-21"
    case_no = await file(platform, openid, STORY_WU)
    _lead, _LEAD, GROUP = await lead_of(config, case_no)
    await wait_group(fake_webhook, GROUP, case_no)
    again = await say(platform, openid, "石滩镇金利鞋厂没交社保的事 你们到底管不管")
    assert case_no in again, again
    await quiet()
    numbers = {m.group() for t in card_texts(fake_webhook, GROUP) for m in CASE_NO.finditer(t)}
    assert numbers == {case_no}, numbers


# --- 22. unsubscribe after the result: still archived, nothing sent to a non-follower -------

async def test_k22_unsubscribed_after_result_is_archived_without_messages(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-22"
    case_no = await file(platform, openid, STORY_WU)
    _lead, LEAD, _GROUP = await lead_of(config, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    await platform.post(event_xml(openid, "unsubscribe"))
    n = len(heard(fake_api, openid))
    assert await archive(bot_server, config, case_no)
    await quiet()
    assert len(heard(fake_api, openid)) == n
    _, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}", LEAD)
    assert view["status_label"] == "已归档", view


# --- 23. a liaison's view has what is needed to act without calling back --------------------

async def test_k23_card_carries_enough_to_act(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-23"
    case_no = await file(platform, openid,
                         "吴建国 13800135555 石滩镇金利鞋厂 2025年1月到6月没交社保 大概六千块 要求补缴",
                         {"称呼": "吴建国", "电话": PHONE_WU})
    _lead, _LEAD, GROUP = await lead_of(config, case_no)
    texts = await wait_group(fake_webhook, GROUP, case_no)
    card = next(t for t in texts if case_no in t and "缴费人" in t)
    for needed in ("金利鞋厂", "石滩", "补缴", "138****5555"):
        assert needed in card, (needed, card)
    assert "2025年1月" in card or "1月" in card, card
    assert "/console/cases/" in card or "/api/cases/" in card, card
    assert PHONE_WU not in card


# --- 24. progress after transfer then withdrawal names the current office ------------------

async def test_k24_withdrawn_after_transfer_progress_is_consistent(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-24"
    case_no = await file(platform, openid, STORY_WU)
    lead, LEAD, _GROUP = await lead_of(config, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer", LEAD,
                      {"agency": "hrss" if lead != "hrss" else "tax", "reason": "劳动关系"}))[0] \
        == 200
    await wait_heard(fake_api, openid, 1)
    await say(platform, openid, "我要撤回")
    yes = await say(platform, openid, "是的 撤回")
    progress = await say(platform, openid, "进度")
    assert case_no in progress, (yes, progress)
    assert "不再继续办理" in progress or "撤回" in progress, (yes, progress)
    clean(yes, progress, secrets=(PHONE_WU,))


# --- 25. overdue while the payer is away: the 督办 notice goes by template ------------------

async def test_k25_overdue_notice_reaches_an_away_payer_by_template(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-25"
    case_no = await file(platform, openid, STORY_WU)
    await set_last_message(config, openid, utcnow() - timedelta(days=4))
    await set_deadline(config, case_no, utcnow() - timedelta(minutes=5))
    scheduler = Scheduler(bot_server.app["services"].sessionmaker, config)
    assert await scheduler.run_once(utcnow()) >= 1
    await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    await wait_heard(fake_api, openid, 1)
    assert any(case_no in t for t in templates_to(fake_api, openid)), heard(fake_api, openid)


# --- 26. the co-handlers of a major case hear how it ended ----------------------------------

async def test_k26_cohandlers_hear_the_result_of_the_case_they_gave_opinions_on(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-26"
    case_no = await file(platform, openid,
                         "中新镇恒达印刷厂倒闭了 老板联系不上 三十几个工人社保欠了一年多",
                         {"几个人": "35"})
    case = await the_case(config, case_no)
    LEAD = token(case.lead_agency)
    if not case.co_agencies:
        await api(http, bot_server, "POST", f"/api/cases/{case_no}/escalate", LEAD,
                  {"reason": "需多部门会商"})
        case = await the_case(config, case_no)
    co = case.co_agencies[0]
    await wait_group(fake_webhook, group(co), case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/note", token(co),
                      {"text": "建议走欠薪保障金先行垫付"}))[0] == 200
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "已申请先行垫付并立案追缴"}))[0] == 200
    await wait_group(fake_webhook, group(co), "已申请先行垫付并立案追缴")


# --- 27. material for the second case by its place in the list ------------------------------

async def test_k27_material_by_position_after_the_list(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-27"
    first = await file(platform, openid, STORY_WU)
    second = await file_another(platform, openid,
                                "另外新塘镇宏达电子厂给我按最低基数交社保 实际工资九千",
                                {"称呼": "吴建国", "电话": PHONE_WU})
    listing = await say(platform, openid, "进度")
    assert first in listing and second in listing, listing
    lines = [line for line in listing.splitlines() if first in line or second in line]
    position = next(i for i, line in enumerate(lines, 1) if second in line)
    added = await say(platform, openid, f"第{'一二'[position - 1]}个 我补充下 工资条显示每月九千二")
    if "同一件事" in added:  # the bot makes sure; the payer confirms
        assert second in added and first not in added, added
        added = await say(platform, openid, "1")
    assert second in added and first not in added, added
    _, _, GROUP2 = await lead_of(config, second)
    await wait_group(fake_webhook, GROUP2, "每月九千二")
    assert "九千二" not in str((await the_case(config, first)).evidence)


# --- 28. the office that transferred a case still lists it, read-only ------------------------

async def test_k28_transferring_office_still_lists_the_case_read_only(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j3-28"
    case_no = await file(platform, openid, STORY_WU)
    lead, LEAD, _GROUP = await lead_of(config, case_no)
    target = "hrss" if lead != "hrss" else "tax"
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer", LEAD,
                      {"agency": target, "reason": "劳动关系"}))[0] == 200
    status, listing = await api(http, bot_server, "GET", "/api/cases", LEAD)
    assert status == 200 and case_no in str(listing), listing
    status, listing = await api(http, bot_server, "GET", "/api/cases", token(target))
    assert case_no in str(listing)
    assert PHONE_WU not in str(listing)
    status, body = await api(http, bot_server, "POST", f"/api/cases/{case_no}/note", LEAD,
                             {"text": "原受理时缴费人称有工资条"})
    assert status == 200, body
    await wait_group(fake_webhook, group(target), "原受理时缴费人称有工资条")
