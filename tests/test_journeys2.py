"""Whole journeys, second round, written blind: from a payer's first message on a phone to
the archived case, checking at every step what the payer receives (passive reply, late
customer-service message or template notice), what each WeCom group receives (card,
follow-up pushes) and the case record. Seeds: 首问责任制 (001), 报送单 and 办理时限 (002),
转办 with the first office still tracking (谁跟踪、谁反馈), 重大疑难事项 to the leadership
office, 跟踪回访 and 归档 (004)."""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import update

from bot.simulator import image_xml, voice_xml
from bot.store.db import make_engine, make_sessionmaker
from bot.store.models import Case, CaseEvent, utcnow
from routing.notices import local_deadline
from routing.scheduler import Scheduler
from tests.conftest import make_platform
from tests.test_cases import card_texts
from tests.test_cases_cli import run as run_cli
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say

TAX = {"Authorization": "Bearer dev-token-tax"}
HRSS = {"Authorization": "Bearer dev-token-hrss"}
TAX_GROUP, HRSS_GROUP = "dev-key-zc-tax", "dev-key-zc-hrss"
LEADERSHIP_GROUP = "dev-key-leadership"
INTERNAL = re.compile(r"\b(registered|assigned|accepted|transferred|resolved|reopened|closed|"
                      r"archived|withdrawn|escalated|employer_arrears|contribution_base|"
                      r"desired_outcome|jurisdiction|None|null|True|False)\b|\{[a-z_]+\}")


async def api(http, server, method: str, path: str, headers=TAX, body=None):
    async with http.request(method, server.make_url(path), headers=headers, json=body) as r:
        return r.status, await r.json(content_type=None)


def heard(fake_api, openid: str) -> list[str]:
    """Everything the payer received after the passive replies: customer-service texts and
    template notices (their field values, in order)."""
    texts = list(fake_api.texts_to(openid))
    for t in fake_api.templates.requests:
        if t.get("touser") == openid:
            texts.append(" ".join(str(v.get("value", "")) for v in t.get("data", {}).values()))
    return texts


async def wait_heard(fake_api, openid: str, count: int, timeout: float = 15.0) -> list[str]:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while len(heard(fake_api, openid)) < count and loop.time() < end:
        await asyncio.sleep(0.05)
    got = heard(fake_api, openid)
    assert len(got) >= count, got
    return got


async def wait_group(fake_webhook, key: str, wanted: str, timeout: float = 15.0,
                     at_least: int = 1) -> list[str]:
    """The group's cards once ``at_least`` of them hold ``wanted`` (cards go out after the
    reply, later on a loaded machine)."""
    def found() -> int:
        return sum(wanted in t for t in card_texts(fake_webhook, key))

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while found() < at_least and loop.time() < end:
        await asyncio.sleep(0.05)
    texts = card_texts(fake_webhook, key)
    assert found() >= at_least, (key, wanted, texts)
    return texts


async def quiet(seconds: float = 0.8) -> None:
    await asyncio.sleep(seconds)


def clean(*texts: str, secrets: tuple[str, ...] = ()) -> None:
    for text in texts:
        assert not INTERNAL.search(text), text
        for secret in secrets:
            assert secret not in text, (secret, text)


async def the_case(config, case_no: str) -> Case:
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    return case


async def history(config, case_no: str) -> list[str]:
    case = await the_case(config, case_no)
    return [e.kind for e in await fetch(config.database_url, CaseEvent, case_id=case.id)]


async def set_deadline(config, case_no: str, when) -> None:
    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(update(Case).where(Case.case_no == case_no)
                                  .values(deadline=when))
            await session.commit()
    finally:
        await engine.dispose()


async def file(platform, openid: str, first: str, answers: dict | None = None) -> str:
    reply = await say(platform, openid, first)
    await finish_form(platform, openid, reply, {**ANSWERS, **(answers or {})})
    done = await say(platform, openid, "确认")
    match = CASE_NO.search(done)
    assert match, done
    return match.group()


async def archive(bot_server, config, case_no: str) -> bool:
    """Run the scheduler 15 days after resolution (the payer's 14 days have passed);
    whether the case is archived (status closed, 已归档) afterwards."""
    case = await the_case(config, case_no)
    scheduler = Scheduler(bot_server.app["services"].sessionmaker, config)
    await scheduler.run_once(case.resolved_at + timedelta(days=15))
    return (await the_case(config, case_no)).status == "closed"


STORY_CHEN = "你好 我叫陈大明 电话13700001111 荔城街道永发制衣厂今年3月开始就没给我交社保了 希望补缴"
PHONE_CHEN = "13700001111"


# --- 1. simple case, resolved the same day, rated 5, archived ------------------------------

async def test_j01_simple_case_same_day_rated_five_and_archived(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-01"
    case_no = await file(platform, openid, STORY_CHEN)
    card = (await wait_group(fake_webhook, TAX_GROUP, case_no))[-1]
    assert "137****1111" in card and PHONE_CHEN not in card and "陈大明" not in card, card
    assert "永发制衣厂" in card and "荔城" in card, card
    case = await the_case(config, case_no)
    assert case.phone == PHONE_CHEN and case.lead_agency == "tax"
    assert local_deadline(case.deadline).split(" ")[0] in card or "时限" in card, card
    assert heard(fake_api, openid) == []  # registration is answered in the reply, no notice
    status, view = await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept", body={
        "acceptor": "李红", "acceptor_phone": "020-82750000", "opinion": "电话联系单位财务"})
    assert status == 200, view
    [accepted] = await wait_heard(fake_api, openid, 1)
    assert case_no in accepted and "区税务局" in accepted and "电话联系单位财务" not in accepted
    progress = await say(platform, openid, "我那个事咋样了")
    assert case_no in progress and "办理中" in progress, progress
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "单位已补缴3月至今的社保"}))[0] == 200
    got = await wait_heard(fake_api, openid, 3)
    assert "单位已补缴3月至今的社保" in got[1] and "1-5" in got[2], got
    thanks = await say(platform, openid, "5分 谢谢你们")
    assert "感谢" in thanks, thanks
    case = await the_case(config, case_no)
    assert case.rating == 5 and case.status == "resolved"
    assert await archive(bot_server, config, case_no)
    case = await the_case(config, case_no)
    assert case.status == "closed"
    got = await wait_heard(fake_api, openid, 4)
    assert case_no in got[3] and "归档" in got[3], got
    assert "archived" in await history(config, case_no)
    _, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}")
    assert view["status_label"] == "已归档", view
    clean(*heard(fake_api, openid), *card_texts(fake_webhook, TAX_GROUP), progress,
          view["next_step"], secrets=(PHONE_CHEN,))


# --- 2. general case: info requested, photo + text, resolved, 不满意, reopened, archived --

async def test_j02_info_photo_text_unsatisfied_reopened_and_archived(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-02"
    case_no = await file(platform, openid,
                         "公司按最低基数给我交社保 我工资七千多 新塘镇宏达电子厂 我叫黄小燕 电话13600002222")
    lead = (await the_case(config, case_no)).lead_agency
    LEAD = {"Authorization": f"Bearer dev-token-{lead}"}
    GROUP = f"dev-key-zc-{lead}"
    await wait_group(fake_webhook, GROUP, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info", LEAD,
                      {"text": "请提供近半年工资流水"}))[0] == 200
    [asked] = await wait_heard(fake_api, openid, 1)
    assert "请提供近半年工资流水" in asked and case_no in asked, asked
    assert (await the_case(config, case_no)).awaiting_info
    photo = (await platform.post(image_xml(openid, "media-j2-02"))).reply
    assert case_no in photo, photo
    text = await say(platform, openid, "这是银行流水 每个月到手七千二")
    assert case_no in text, text
    texts = await wait_group(fake_webhook, GROUP, "七千二")
    assert any("图片" in t and case_no in t for t in texts), texts
    case = await the_case(config, case_no)
    assert "media-j2-02" in str(case.evidence), case.evidence
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "已要求单位按实际工资申报"}))[0] == 200
    await wait_heard(fake_api, openid, 3)
    unhappy = await say(platform, openid, "不满意")
    assert "重新办理" in unhappy, unhappy
    case = await the_case(config, case_no)
    assert case.solved is False or case.rating is not None, (case.solved, case.rating)
    texts = await wait_group(fake_webhook, GROUP, "未解决")
    assert case_no in texts[-1], texts
    again = await say(platform, openid, "重新办理")
    assert case_no in again, again
    case = await the_case(config, case_no)
    assert case.status == "reopened" and case.resolved_at is None or case.status == "reopened"
    await wait_group(fake_webhook, GROUP, "重新办理")
    got = await wait_heard(fake_api, openid, 4)
    assert "重新办理" in got[-1] and local_deadline(case.deadline) in got[-1], got
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", LEAD,
                      {"result": "单位已按实际工资补缴差额"}))[0] == 200
    got = await wait_heard(fake_api, openid, 6)
    assert "单位已按实际工资补缴差额" in "".join(got[4:]), got
    assert "感谢" in await say(platform, openid, "4分")
    assert (await the_case(config, case_no)).rating == 4
    assert await archive(bot_server, config, case_no)
    assert (await the_case(config, case_no)).status == "closed"
    kinds = await history(config, case_no)
    assert kinds.count("resolved") == 2 and "reopened" in kinds and "archived" in kinds, kinds
    clean(*heard(fake_api, openid), *card_texts(fake_webhook, GROUP),
          secrets=("13600002222",))


# --- 3. transfer: the payer's timeline, the new lead's card, the old lead read-only ------

async def test_j03_transfer_new_lead_card_old_lead_cannot_act(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-03"
    case_no = await file(platform, openid, STORY_CHEN)
    await wait_group(fake_webhook, TAX_GROUP, case_no)
    status, _ = await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer",
                          body={"agency": "hrss", "reason": "涉及劳动关系确认，张科长说转人社"})
    assert status == 200
    [moved] = await wait_heard(fake_api, openid, 1)
    assert case_no in moved and "区人力资源和社会保障局" in moved, moved
    assert "张科长" not in moved
    await wait_group(fake_webhook, HRSS_GROUP, "转办")
    hrss_card = next(t for t in card_texts(fake_webhook, HRSS_GROUP) if "缴费人" in t)
    assert "137****1111" in hrss_card and PHONE_CHEN not in hrss_card, hrss_card
    case = await the_case(config, case_no)
    assert case.lead_agency == "hrss"
    # the old lead may no longer act, and says so in Chinese
    status, refused = await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                                body={"result": "已办结"})
    assert status in (403, 409), (status, refused)
    assert re.search(r"[\u4e00-\u9fff]", refused["message"]), refused
    status, _ = await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info",
                          body={"text": "请提供合同"})
    assert status in (403, 409)
    assert len(heard(fake_api, openid)) == 1  # nothing reached the payer from the old lead
    # but it still sees the case (首问责任制: 谁跟踪、谁反馈)
    status, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}")
    assert status == 200 and "resolve" not in view["actions"], view
    timeline = await say(platform, openid, f"进度 {case_no}")
    assert "区人力资源和社会保障局" in timeline and "区税务局" in timeline, timeline
    assert "张科长" not in timeline
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept", HRSS,
                      {"acceptor": "赵敏"}))[0] == 200
    got = await wait_heard(fake_api, openid, 2)
    assert "区人力资源和社会保障局" in got[1], got
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", HRSS,
                      {"result": "已确认劳动关系并通知单位补缴"}))[0] == 200
    tracked = await wait_group(fake_webhook, TAX_GROUP, "已确认劳动关系")
    assert case_no in tracked[-1]
    await wait_heard(fake_api, openid, 4)
    assert "感谢" in await say(platform, openid, "满意")
    assert await archive(bot_server, config, case_no)
    assert (await the_case(config, case_no)).status == "closed"
    clean(*heard(fake_api, openid), timeline, *card_texts(fake_webhook, HRSS_GROUP),
          secrets=(PHONE_CHEN,))


# --- 4. escalated to major: lead group and the leadership office informed -----------------

async def test_j04_escalated_case_reaches_the_leadership_office_and_payer(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-04"
    case_no = await file(platform, openid, STORY_CHEN)
    before = await the_case(config, case_no)
    assert before.severity != "major"
    assert not any(case_no in t for t in card_texts(fake_webhook, LEADERSHIP_GROUP))
    status, view = await api(http, bot_server, "POST", f"/api/cases/{case_no}/escalate",
                             body={"reason": "单位已停业，需法院和人社共同处理"})
    assert status == 200, view
    lead = await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    card = next(t for t in lead if case_no in t)
    assert "重大" in card and "137****1111" in card and PHONE_CHEN not in card, card
    after = await the_case(config, case_no)
    assert after.severity == "major"
    [told] = await wait_heard(fake_api, openid, 1)
    assert case_no in told, told
    assert "法院和人社" not in told or "重大" in told
    if after.deadline != before.deadline:
        assert local_deadline(after.deadline) in told, told
    progress = await say(platform, openid, "进度")
    assert case_no in progress and local_deadline(after.deadline).split(" ")[0] in progress, \
        progress
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已申请法院强制执行"}))[0] == 200
    await wait_heard(fake_api, openid, 3)
    assert "感谢" in await say(platform, openid, "五星")
    assert await archive(bot_server, config, case_no)
    clean(*heard(fake_api, openid), *card_texts(fake_webhook, LEADERSHIP_GROUP), progress,
          secrets=(PHONE_CHEN,))


async def test_j05_major_from_the_first_message_goes_to_both_groups(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-05"
    case_no = await file(platform, openid,
                         "石滩镇鑫源五金厂老板跑路了 我们五十多个工人一年社保都没交 大家准备明天去区政府门口拉横幅",
                         {"几个人": "50"})
    case = await the_case(config, case_no)
    assert case.severity == "major" and case.headcount >= 50
    lead = await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    tax = await wait_group(fake_webhook, TAX_GROUP, case_no)
    assert any("重大" in t for t in lead) and any(case_no in t for t in tax)
    clean(*lead, *tax, secrets=("13912345678",))
    progress = await say(platform, openid, "进度")
    assert case_no in progress and "重大" not in progress or case_no in progress


# --- 6. withdrawing mid-way ----------------------------------------------------------------

async def test_j06_payer_withdraws_after_acceptance(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-06"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept",
                      body={"acceptor": "李红"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "算了不弄了 老板说下个月给我补上")
    assert case_no in reply, reply
    assert "撤回" in reply or "不再" in reply or "不想继续" in reply, reply
    texts = await wait_group(fake_webhook, TAX_GROUP, "撤回")
    assert case_no in texts[-1] and "老板说下个月给我补上" in texts[-1], texts[-1]
    assert (await the_case(config, case_no)).status != "resolved"  # the liaison closes it
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "缴费人撤回申请"}))[0] == 200
    got = await wait_heard(fake_api, openid, 2)
    assert "缴费人撤回申请" in "".join(got[1:]), got
    assert "已办结" in await say(platform, openid, "进度")
    assert await archive(bot_server, config, case_no)
    assert (await the_case(config, case_no)).status == "closed"
    clean(*heard(fake_api, openid), *card_texts(fake_webhook, TAX_GROUP),
          secrets=(PHONE_CHEN,))


# --- 7. a deadline passing ------------------------------------------------------------------

async def test_j07_deadline_reminder_then_overdue_report_and_payer_told_once(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-07"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept",
                      body={"acceptor": "李红"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    case = await the_case(config, case_no)
    scheduler = Scheduler(bot_server.app["services"].sessionmaker, config)
    cards = len(card_texts(fake_webhook, TAX_GROUP))
    assert await scheduler.run_once(case.deadline - timedelta(hours=10)) >= 1
    loop = asyncio.get_running_loop()
    end = loop.time() + 5
    while len(card_texts(fake_webhook, TAX_GROUP)) <= cards and loop.time() < end:
        await asyncio.sleep(0.05)
    soon = card_texts(fake_webhook, TAX_GROUP)[cards:]
    assert any(case_no in t for t in soon), soon
    assert len(heard(fake_api, openid)) == 1  # the reminder is the liaison's business
    # The time limit really passes (the payer's 进度 reads the clock): the deadline is moved
    # to five minutes ago and the scheduler runs now.
    passed = utcnow() - timedelta(minutes=5)
    await set_deadline(config, case_no, passed)
    case = await the_case(config, case_no)
    assert await scheduler.run_once(utcnow()) >= 2
    lead = await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    assert any("超" in t or "逾期" in t for t in lead), lead
    got = await wait_heard(fake_api, openid, 2)
    assert case_no in got[1] and "督办" in got[1], got
    assert await scheduler.run_once(utcnow() + timedelta(minutes=30)) == 0
    await quiet()
    assert len(heard(fake_api, openid)) == 2
    progress = await say(platform, openid, "进度")
    assert "超" in progress or "逾期" in progress, progress
    _, listing = await api(http, bot_server, "GET", "/api/cases?overdue=1")
    assert case_no in str(listing)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 4)
    assert "感谢" in await say(platform, openid, "3分")
    assert await archive(bot_server, config, case_no)
    clean(*heard(fake_api, openid), progress, *card_texts(fake_webhook, LEADERSHIP_GROUP),
          secrets=(PHONE_CHEN,))


# --- 8. two payers of the same company ------------------------------------------------------

async def test_j08_two_payers_of_one_company_keep_separate_cases(
        platform, http, bot_server, fake_api, fake_webhook, config):
    a, b = "j2-08a", "j2-08b"
    first = await file(platform, a, STORY_CHEN)
    second = await file(platform, b,
                        "我叫周小芳 电话13511113333 荔城街道永发制衣厂也没给我交社保 从去年12月开始 要求补缴",
                        {"称呼": "周小芳", "电话": "13511113333"})
    assert first != second
    assert (await the_case(config, second)).openid == b
    mine = await say(platform, b, "进度")
    assert second in mine and first not in mine and "陈" not in mine, mine
    theirs = await say(platform, b, f"进度 {first}")
    assert "永发" not in theirs and "陈" not in theirs, theirs
    assert (await api(http, bot_server, "POST", f"/api/cases/{first}/accept",
                      body={"acceptor": "李红"}))[0] == 200
    await wait_heard(fake_api, a, 1)
    await quiet()
    assert heard(fake_api, b) == []
    assert (await api(http, bot_server, "POST", f"/api/cases/{second}/request-info",
                      body={"text": "请提供入职时间"}))[0] == 200
    await wait_heard(fake_api, b, 1)
    answer = await say(platform, b, "去年6月入职的")
    assert second in answer and first not in answer, answer
    assert (await the_case(config, first)).awaiting_info is False
    texts = await wait_group(fake_webhook, TAX_GROUP, "去年6月入职")
    assert second in texts[-1] and first not in texts[-1]
    clean(*card_texts(fake_webhook, TAX_GROUP), secrets=(PHONE_CHEN, "13511113333"))


# --- 9. the payer changes phone mid-way -----------------------------------------------------

async def test_j09_new_phone_mid_way_reaches_case_and_group_masked(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-09"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept",
                      body={"acceptor": "李红"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "我手机号换了 以后打这个 15900007777")
    assert "159****7777" in reply and case_no in reply, reply
    assert "15900007777" not in reply
    assert (await the_case(config, case_no)).phone == "15900007777"
    texts = await wait_group(fake_webhook, TAX_GROUP, "159****7777")
    pushed = [t for t in texts if "159****7777" in t]
    assert pushed and case_no in pushed[-1], texts
    clean(*texts, secrets=("15900007777", PHONE_CHEN))
    _, view = await api(http, bot_server, "GET", f"/api/cases/{case_no}?contact=1")
    assert "15900007777" in str(view), view  # the liaison's authenticated view has it
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已电话告知处理结果"}))[0] == 200
    await wait_heard(fake_api, openid, 3)
    assert "感谢" in await say(platform, openid, "满意")


# --- 10. a liaison asking for information twice ---------------------------------------------

async def test_j10_information_asked_twice_each_answer_joins_the_case(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-10"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info",
                      body={"text": "请提供劳动合同首页"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    assert case_no in (await platform.post(image_xml(openid, "media-j2-10-a"))).reply
    await wait_group(fake_webhook, TAX_GROUP, "图片")
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info",
                      body={"text": "请再提供近三个月工资条"}))[0] == 200
    got = await wait_heard(fake_api, openid, 2)
    assert "近三个月工资条" in got[1], got
    later = await say(platform, openid, "工资条在家里 明天发你")
    assert (await the_case(config, case_no)).awaiting_info, later
    what = await say(platform, openid, "要提供啥来着")
    assert "近三个月工资条" in what and "劳动合同" not in what, what
    assert case_no in (await platform.post(image_xml(openid, "media-j2-10-b"))).reply
    evidence = str((await the_case(config, case_no)).evidence)
    assert "media-j2-10-a" in evidence and "media-j2-10-b" in evidence, evidence
    texts = await wait_group(fake_webhook, TAX_GROUP, "图片", at_least=2)
    assert sum(case_no in t and "图片" in t for t in texts) >= 2, texts


# --- 11. a restart between steps ------------------------------------------------------------

async def test_j11_restarts_between_steps_lose_nothing(
        aiohttp_server, http, config, models, fake_api, fake_webhook):
    from bot.app import build_app

    openid = "j2-11"
    first = await aiohttp_server(build_app(config, models=models))
    case_no = await file(make_platform(http, first, config), openid, STORY_CHEN)
    await wait_group(fake_webhook, TAX_GROUP, case_no)
    await first.close()
    second = await aiohttp_server(build_app(config, models=models))
    assert (await api(http, second, "POST", f"/api/cases/{case_no}/request-info",
                      body={"text": "请提供社保缴费清单截图"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    await second.close()
    third = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, third, config)
    answer = await say(platform, openid, "清单上3月以后都是空的")
    assert case_no in answer, answer
    await wait_group(fake_webhook, TAX_GROUP, "3月以后都是空的")
    assert (await api(http, third, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已通知单位补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 3)
    await third.close()
    fourth = await aiohttp_server(build_app(config, models=models))
    platform = make_platform(http, fourth, config)
    assert "感谢" in await say(platform, openid, "给5分")
    assert (await the_case(config, case_no)).rating == 5
    assert await archive(fourth, config, case_no)
    assert (await the_case(config, case_no)).status == "closed"
    await wait_heard(fake_api, openid, 4)


# --- 12. the liaison works from the terminal ------------------------------------------------

async def test_j12_liaison_acts_through_the_cli(
        platform, http, bot_server, fake_api, fake_webhook, config, capsys):
    openid = "j2-12"
    case_no = await file(platform, openid, STORY_CHEN)
    assert await run_cli(config, "case", "accept", case_no, "--agency", "tax") == 0
    [accepted] = await wait_heard(fake_api, openid, 1)
    assert case_no in accepted and "区税务局" in accepted
    assert await run_cli(config, "case", "resolve", case_no, "--agency", "tax",
                         "--result", "单位已补缴") == 0
    got = await wait_heard(fake_api, openid, 3)
    assert "单位已补缴" in got[1]
    capsys.readouterr()
    assert await run_cli(config, "case", "show", case_no) == 0
    out = capsys.readouterr().out
    assert PHONE_CHEN not in out and case_no in out


# --- 13. urging and telling the liaison it is solved ----------------------------------------

async def test_j13_urging_twice_forwards_once_and_solved_news_reaches_liaison(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-13"
    case_no = await file(platform, openid, STORY_CHEN)
    urged = await say(platform, openid, "都好几天了能不能快点啊")
    assert case_no in urged, urged
    await wait_group(fake_webhook, TAX_GROUP, "催办")
    again = await say(platform, openid, "快点处理行不行")
    assert case_no in again
    await quiet()
    assert sum("催办" in t for t in card_texts(fake_webhook, TAX_GROUP)) == 1
    solved = await say(platform, openid, "刚才单位财务打电话说已经补交了")
    assert case_no in solved, solved
    texts = await wait_group(fake_webhook, TAX_GROUP, "已解决")
    assert case_no in texts[-1]
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "经核实单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    assert "感谢" in await say(platform, openid, "⭐⭐⭐⭐⭐")
    assert (await the_case(config, case_no)).rating == 5


# --- 14. after the result: 复议, then archived, then 重新办理 no longer works ---------------

async def test_j14_legal_options_then_archive_then_reopen_refused(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-14"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "经核实单位已按规定申报"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    legal = await say(platform, openid, "这什么破结果 我不服")
    assert "复议" in legal or "诉讼" in legal, legal
    assert await archive(bot_server, config, case_no)
    got = await wait_heard(fake_api, openid, 3)
    assert "重新办理" in got[-1], got
    await archive(bot_server, config, case_no)
    await quiet()
    assert len(heard(fake_api, openid)) == 3
    late = await say(platform, openid, "重新办理")
    assert (await the_case(config, case_no)).status == "closed"
    assert "归档" in late or "重新" in late, late
    kinds = await history(config, case_no)
    assert "reopened" not in kinds, kinds


# --- 15. reopened case: what the payer says next joins it -----------------------------------

async def test_j15_reopen_words_join_the_reopened_case(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-15"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已责令单位补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    reply = await say(platform, openid, "单位根本没补 我查了还是断的 重新投诉")
    assert case_no in reply, reply
    assert (await the_case(config, case_no)).status == "reopened"
    more = await say(platform, openid, "社保局app上4月到现在都是欠费状态")
    assert case_no in more, more
    texts = await wait_group(fake_webhook, TAX_GROUP, "欠费状态")
    assert case_no in texts[-1]
    assert len([c for c in await fetch(config.database_url, Case, openid=openid)]) == 1


# --- 16. a call-back request followed to the end --------------------------------------------

async def test_j16_call_back_request_is_accepted_and_resolved(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-16"
    asked = await say(platform, openid, "能不能让工作人员给我回个电话 我说不清楚")
    assert "电话" in asked, asked
    reply = await say(platform, openid, "13700004444")
    match = CASE_NO.search(reply)
    assert match, reply
    case_no = match.group()
    assert "137****4444" in reply and "13700004444" not in reply
    card = (await wait_group(fake_webhook, TAX_GROUP, case_no))[-1]
    assert "13700004444" not in card and "137****4444" in card
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept",
                      body={"acceptor": "李红"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已电话联系并解答"}))[0] == 200
    got = await wait_heard(fake_api, openid, 3)
    assert "已电话联系并解答" in got[1]


# --- 17. complaint about the handler ---------------------------------------------------------

async def test_j17_complaint_about_the_handler_is_recorded_and_sent_up(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-17"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept",
                      body={"acceptor": "李红"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "你们那个经办人态度太差了 电话里凶我")
    assert case_no in reply, reply
    loop = asyncio.get_running_loop()
    end = loop.time() + 5
    while loop.time() < end and not any(
            "态度太差" in t for k in (TAX_GROUP, LEADERSHIP_GROUP)
            for t in card_texts(fake_webhook, k)):
        await asyncio.sleep(0.05)
    pushed = [t for k in (TAX_GROUP, LEADERSHIP_GROUP) for t in card_texts(fake_webhook, k)
              if "态度太差" in t]
    assert pushed and case_no in pushed[-1], pushed


# --- 18. a voice message while information is awaited ----------------------------------------

async def test_j18_voice_answer_to_a_request_joins_the_case(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-18"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info",
                      body={"text": "请说明具体入职日期"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    reply = (await platform.post(voice_xml(openid, "我是前年九月一号入职的"))).reply
    assert case_no in reply, reply
    texts = await wait_group(fake_webhook, TAX_GROUP, "九月一号")
    assert case_no in texts[-1]


# --- 19. the co-handling agency during a transfer and after ----------------------------------

async def test_j19_after_transfer_the_new_leads_request_answers_reach_the_new_lead(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-19"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer",
                      body={"agency": "hrss", "reason": "劳动关系"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/request-info", HRSS,
                      {"text": "请提供工牌或考勤记录"}))[0] == 200
    got = await wait_heard(fake_api, openid, 2)
    assert "工牌或考勤记录" in got[1] and "区人力资源和社会保障局" in got[1], got
    await say(platform, openid, "考勤记录在手机上 截图了")
    texts = await wait_group(fake_webhook, HRSS_GROUP, "截图了")
    assert case_no in texts[-1]
    urged = await say(platform, openid, "快点啊")
    assert "区人力资源和社会保障局" in urged, urged
    await wait_group(fake_webhook, HRSS_GROUP, "催办")


# --- 20. rating with words, low score -------------------------------------------------------

async def test_j20_low_rating_with_words_is_a_rating(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-20"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已督促单位补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    reply = await say(platform, openid, "2分吧 拖了太久了 不过总算办了")
    assert (await the_case(config, case_no)).rating == 2, reply
    assert "感谢" in reply or "收到" in reply, reply
    assert not CASE_NO.search(reply) or case_no in reply
    assert len(await fetch(config.database_url, Case, openid=openid)) == 1


# --- 21. colloquial filing with typos -------------------------------------------------------

async def test_j21_colloquial_filing_reaches_the_right_office(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-21"
    case_no = await file(platform, openid,
                         "俺在新糖镇一个塑料厂干活 厂里半年没给俺交设保了 咋整啊",
                         {"单位": "增城新兴塑料制品厂"})
    case = await the_case(config, case_no)
    assert "新塘" in (case.jurisdiction or ""), case.jurisdiction
    assert case.employer == "增城新兴塑料制品厂"
    card = (await wait_group(fake_webhook, TAX_GROUP, case_no))[-1]
    assert "新兴塑料" in card and "新塘" in card, card


# --- 22. withdrawing before anyone acted, then a new problem --------------------------------

async def test_j22_withdraw_before_acceptance_then_file_again(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-22"
    case_no = await file(platform, openid, STORY_CHEN)
    reply = await say(platform, openid, "我撤回")
    assert case_no in reply, reply
    await wait_group(fake_webhook, TAX_GROUP, "撤回")
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "缴费人撤回"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    progress = await say(platform, openid, "进度")
    assert case_no in progress and "已办结" in progress, progress


# --- 23. escalation by the lead, co-handlers hear -------------------------------------------

async def test_j23_escalated_case_told_to_the_lead_group_too(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-23"
    case_no = await file(platform, openid, STORY_CHEN)
    await wait_group(fake_webhook, TAX_GROUP, case_no)
    count = len(card_texts(fake_webhook, TAX_GROUP))
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/escalate",
                      body={"reason": "涉及多个部门"}))[0] == 200
    await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    loop = asyncio.get_running_loop()
    end = loop.time() + 5
    while len(card_texts(fake_webhook, TAX_GROUP)) <= count and loop.time() < end:
        await asyncio.sleep(0.05)
    later = card_texts(fake_webhook, TAX_GROUP)[count:]
    assert any(case_no in t and "重大" in t for t in later), later
    clean(*later, secrets=(PHONE_CHEN,))


# --- 24. the payer asks who handles it --------------------------------------------------------

async def test_j24_who_handles_my_case(platform, http, bot_server, fake_api, config):
    openid = "j2-24"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept",
                      body={"acceptor": "李红", "acceptor_phone": "020-82750000"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "现在是谁在管我这个事")
    assert "区税务局" in reply and case_no in reply, reply


# --- 25. a note by the lead never reaches the payer -----------------------------------------

async def test_j25_internal_note_stays_internal(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-25"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/note",
                      body={"text": "已约谈单位负责人，下周复查"}))[0] == 200
    await quiet()
    assert heard(fake_api, openid) == []
    progress = await say(platform, openid, f"进度 {case_no}")
    assert "约谈" not in progress, progress
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    assert await archive(bot_server, config, case_no)
    got = await wait_heard(fake_api, openid, 3)
    clean(*got, progress, secrets=(PHONE_CHEN,))


# --- 26. a new number announced first, typed in the next message ------------------------------

async def test_j26_new_number_in_the_next_message_replaces_the_cases_phone(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-26"
    case_no = await file(platform, openid, STORY_CHEN)
    asked = await say(platform, openid, "我电话换了")
    assert case_no in asked and "电话" in asked, asked
    reply = await say(platform, openid, "15800001234")
    assert "158****1234" in reply and "15800001234" not in reply, reply
    assert (await the_case(config, case_no)).phone == "15800001234"
    texts = await wait_group(fake_webhook, TAX_GROUP, "158****1234")
    clean(*texts, secrets=("15800001234", PHONE_CHEN))


# --- 27. withdrawn, then the payer changes their mind ----------------------------------------

async def test_j27_withdrawal_taken_back_and_the_case_goes_on(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-27"
    case_no = await file(platform, openid, STORY_CHEN)
    await say(platform, openid, "不办了")
    await wait_group(fake_webhook, TAX_GROUP, "撤回")
    back = await say(platform, openid, "等等 我还是要办 老板又反悔了")
    assert case_no in back, back
    texts = await wait_group(fake_webhook, TAX_GROUP, "老板又反悔了")
    assert case_no in texts[-1] and "继续" in texts[-1], texts[-1]
    assert (await the_case(config, case_no)).status not in ("resolved", "closed")
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "已责令单位补缴"}))[0] == 200
    got = await wait_heard(fake_api, openid, 2)
    assert "1-5" in got[-1], got  # a decided case is rated
    await say(platform, openid, "5分")
    assert await archive(bot_server, config, case_no)
    got = await wait_heard(fake_api, openid, 3)
    assert case_no in got[-1] and "归档" in got[-1], got


# --- 28. transferred, resolved, reopened: both offices hear -----------------------------------

async def test_j28_reopened_transferred_case_reaches_new_lead_and_first_office(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-28"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/transfer",
                      body={"agency": "hrss", "reason": "劳动关系"}))[0] == 200
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve", HRSS,
                      {"result": "已通知单位补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 3)
    reply = await say(platform, openid, "重新办理 单位还是没交")
    assert case_no in reply, reply
    hrss = await wait_group(fake_webhook, HRSS_GROUP, "重新办理")
    assert case_no in hrss[-1] and "单位还是没交" in hrss[-1], hrss[-1]
    tax = await wait_group(fake_webhook, TAX_GROUP, "单位还是没交")
    assert case_no in tax[-1], tax[-1]
    case = await the_case(config, case_no)
    assert case.status == "reopened" and case.lead_agency == "hrss"
    got = await wait_heard(fake_api, openid, 4)
    assert "区人力资源和社会保障局" in got[-1] or "重新办理" in got[-1], got
    status, _ = await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                          body={"result": "税务局办结"})
    assert status in (403, 409)


# --- 29. progress of an archived case ----------------------------------------------------------

async def test_j29_progress_after_archiving_shows_the_result(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-29"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "单位已补缴3月至今社保"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    await say(platform, openid, "满意 5分")
    assert await archive(bot_server, config, case_no)
    listing = await say(platform, openid, "进度")
    assert case_no in listing and "归档" in listing, listing
    one = await say(platform, openid, f"进度 {case_no}")
    assert "单位已补缴3月至今社保" in one and "归档" in one, one
    clean(listing, one, secrets=(PHONE_CHEN,))
    status, refused = await api(http, bot_server, "POST", f"/api/cases/{case_no}/note",
                                body={"text": "补记"})
    assert status in (403, 409) and re.search(r"[\u4e00-\u9fff]", refused["message"])


# --- 30. a major case resolved: the leadership office hears the result ----------------------

async def test_j30_major_case_result_reaches_the_leadership_office(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-30"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/escalate",
                      body={"reason": "涉及三个部门"}))[0] == 200
    await wait_group(fake_webhook, LEADERSHIP_GROUP, case_no)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "联合约谈后单位已补缴"}))[0] == 200
    texts = await wait_group(fake_webhook, LEADERSHIP_GROUP, "联合约谈后单位已补缴")
    assert case_no in texts[-1]
    reply = await say(platform, openid, "没解决 单位只补了两个月")
    texts = await wait_group(fake_webhook, LEADERSHIP_GROUP, "只补了两个月")
    assert case_no in texts[-1], (reply, texts[-1])


# --- 31. rating changed ---------------------------------------------------------------------

async def test_j31_rating_changed_a_minute_later(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-31"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "单位已补缴"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    await say(platform, openid, "3分")
    assert (await the_case(config, case_no)).rating == 3
    reply = await say(platform, openid, "刚才打错了 给5分")
    assert (await the_case(config, case_no)).rating == 5, reply


# --- 32. the same matter told again while the case is open ---------------------------------

async def test_j32_same_matter_again_joins_the_open_case(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-32"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/accept",
                      body={"acceptor": "李红"}))[0] == 200
    await wait_heard(fake_api, openid, 1)
    reply = await say(platform, openid, "永发制衣厂还是没给我交社保 都拖了大半年了")
    assert case_no in reply, reply
    assert len(await fetch(config.database_url, Case, openid=openid)) == 1


# --- 33. not solved, no reopening: archived with the ways that remain ------------------------

async def test_j33_unsolved_and_not_reopened_is_archived_with_the_remaining_ways(
        platform, http, bot_server, fake_api, fake_webhook, config):
    openid = "j2-33"
    case_no = await file(platform, openid, STORY_CHEN)
    assert (await api(http, bot_server, "POST", f"/api/cases/{case_no}/resolve",
                      body={"result": "单位称已无力补缴，已移送强制执行"}))[0] == 200
    await wait_heard(fake_api, openid, 2)
    options = await say(platform, openid, "1分 没解决")
    assert "重新办理" in options and "复议" in options, options
    assert (await the_case(config, case_no)).rating == 1
    progress = await say(platform, openid, "进度")
    assert case_no in progress and "已办结" in progress, progress
    assert await archive(bot_server, config, case_no)
    got = await wait_heard(fake_api, openid, 3)
    assert case_no in got[-1] and "重新办理" in got[-1] and "复议" in got[-1], got
    clean(options, progress, *got, secrets=(PHONE_CHEN,))
