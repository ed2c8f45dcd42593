"""Payer-side gaps left by round 4's stop, each with colloquial variants, through the gateway and
the outbox: missing years asked with 怎么 / 咋 / 为啥 are a records dispute (a how-to question
keeps its answer), severance beside unpaid contributions is sent to 12333 / the labour-dispute
channel while the contributions part is filed, details added at the summary show the summary
again, a liaison's transfer reason never reaches the payer (the new agency does), and an
archived case is told to the payer once. Then payers who already have a case, in their own
words: asking about it, adding to it, withdrawing it and disagreeing with its result."""
from __future__ import annotations

import zlib
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.store.models import Case, utcnow
from routing.scheduler import Scheduler
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_dialogue_robustness import slots_of, to_summary
from tests.test_followup import act, file_case, resolved_case
from tests.test_open_case_requests import case_of, supplements
from tests.test_progress_fresh2 import wait_texts

NOT_UNDERSTOOD = "没太明白"
SUMMARY = "请核对登记内容"
HRSS_NAME = "区人力资源和社会保障局"
HEALTHCARE_NAME = "区医疗保障局"


def oid(prefix: str, message: str) -> str:
    return f"g4-{prefix}-{zlib.crc32(message.encode())}"


async def form_of(config, openid: str):
    from bot.store.models import DialogueState

    states = await fetch(config.database_url, DialogueState, openid=openid)
    return states[0].form if states else None


# --- 1. missing years asked with 怎么 / 咋 / 为啥 are a complaint about the record ------------

MISSING_YEARS = [
    "累计交了16年 怎么系统只显示13年",
    "我明明交了八年 咋只查到五年",
    "为啥少了两年的记录",
    "社保交了十年了，怎么网上一查才7年？",
    "我养老保险缴了二十多年 为什么系统里才十八年",
    "在厂里干了5年社保也交了5年 怎么记录只有3年",
    "怎么回事啊 我的缴费记录少了一年半",
    "为什么我2015年到2017年的社保记录没了",
    "交了十五年 为啥社保局说我才交了12年",
    "为什么我的养老保险少算了两年",
]


@pytest.mark.parametrize("message", MISSING_YEARS)
async def test_missing_years_asked_with_zenme_are_registered_as_a_record_dispute(
        platform, config, message):
    openid = oid("years", message)
    reply = await say(platform, openid, message)
    assert NOT_UNDERSTOOD not in reply, reply
    assert await form_of(config, openid) is not None, reply
    slots = await slots_of(config, openid)
    assert message.split()[0][:4] in slots.get("description", ""), (slots, reply)
    summary = await finish_form(platform, openid, reply, {**ANSWERS, "问题类型": "6"})
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert case.category == "payment_record", (case.category, summary)


@pytest.mark.parametrize("question", [
    "怎么查缴费年限", "怎么查自己社保交了几年", "缴费年限在哪里查", "为什么养老保险要交满15年",
    "为什么灵活就业只能补缴2年", "为什么退休金只有两千", "如果只交了10年能领养老金吗",
    "养老保险还差两年才满15年，能补缴吗"])
async def test_a_real_question_about_years_keeps_its_answer(platform, config, question):
    openid = oid("years-question", question)
    reply = await say(platform, openid, question)
    assert reply and NOT_UNDERSTOOD not in reply, reply
    assert await form_of(config, openid) is None, reply


# --- 2. severance beside unpaid contributions -------------------------------------------------

SEVERANCE = [
    "被辞退了 补偿金没给 社保也欠了半年",
    "公司把我开了 经济补偿一分没给 还欠我三个月社保",
    "裁员了，赔偿金不给，社保也断交了好几个月",
    "老板叫我走人 N+1也没给 社保也没交",
    "厂里辞退我没给补偿 社保从去年就停了",
]


@pytest.mark.parametrize("message", SEVERANCE)
async def test_severance_goes_to_12333_while_the_contributions_are_filed(
        platform, config, message):
    openid = oid("severance", message)
    reply = await say(platform, openid, message)
    assert "12333" in reply or "劳动争议" in reply, reply
    assert "补偿" in reply, reply
    assert await form_of(config, openid) is not None, reply
    summary = await finish_form(platform, openid, reply, ANSWERS)
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert "社保" in case.description, (case.description, summary)


@pytest.mark.parametrize("message,office", [
    ("老板拖欠工资三个月 社保也没交", "劳动行政部门"),
    ("工资拖了两个月没发 社保也停了", "劳动行政部门"),
    ("公积金和社保都没给我交", "12345"),
])
async def test_another_offices_matter_beside_contributions_is_said_while_filing(
        platform, config, message, office):
    openid = oid("beside", message)
    reply = await say(platform, openid, message)
    assert office in reply, reply
    assert await form_of(config, openid) is not None, reply


# --- 3. details added at the summary show the summary again ----------------------------------

ADDITIONS = [
    ("对了还有 单位也没交医保", "医保"),
    ("补充一下 我是2019年入职的", "2019年入职"),
    ("还有 老板说不交就别干了", "不交就别干了"),
    ("忘了说了，离职证明也不给开", "离职证明"),
    ("再加一句 工资条上每个月都扣了社保的钱", "工资条"),
    ("哦对了 厂里好几个同事也是这样", "同事"),
    ("嗯对 还有就是车间主任也没交", "车间主任"),
]


@pytest.mark.parametrize("message,detail", ADDITIONS)
async def test_a_detail_added_at_the_summary_shows_the_updated_summary(
        platform, config, message, detail):
    openid = oid("summary", message)
    await to_summary(platform, openid)
    reply = await say(platform, openid, message)
    assert SUMMARY in reply and detail in reply, reply
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert detail in case.description, case.description


async def test_many_people_added_at_the_summary_raise_the_headcount(platform, config):
    openid = "g4-summary-many"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "对了 我们厂一百多个人都没交")
    assert SUMMARY in reply and "一百多个人" in reply, reply
    assert "涉及人数：1\n" not in reply, reply
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert case.headcount >= 100 and case.severity == "major", (case.headcount, case.severity)


@pytest.mark.parametrize("message", ["对的 提交吧", "对，没错", "嗯对"])
async def test_a_plain_yes_at_the_summary_still_registers(platform, message):
    openid = oid("summary-yes", message)
    await to_summary(platform, openid)
    assert CASE_NO.search(await say(platform, openid, message)), message


# --- 4. a transfer reason is for the liaisons, the new agency for the payer ------------------

REASONS = [
    ("hrss", HRSS_NAME, "属于基数核定，已与人社局李明科长电话沟通", ["李明"]),
    ("hrss", HRSS_NAME, "经办人张伟意见：应由人社核定", ["张伟"]),
    ("人社局", HRSS_NAME, "内部备注：该企业系重点税源户，请低调处理", ["重点税源", "低调"]),
    ("healthcare", HEALTHCARE_NAME, "单位法人刘德华称已补缴，待核实", ["刘德华"]),
    ("医保局", HEALTHCARE_NAME, "已请示赵局长同意转办", ["赵局长"]),
]


@pytest.mark.parametrize("agency,name,reason,hidden", REASONS)
async def test_a_transfer_tells_the_payer_the_new_agency_not_the_liaisons_reason(
        platform, http, bot_server, fake_api, agency, name, reason, hidden):
    openid = oid("transfer", reason)
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "transfer",
                     {"agency": agency, "reason": reason}) == 200
    texts = [t for t in await wait_texts(fake_api, openid, 1) if case_no in t]
    [notice] = [t for t in texts if name in t]
    for word in hidden:
        assert word not in notice, notice
    for message in ("进度", "怎么又转了", "为啥转到别的部门了"):
        reply = await say(platform, openid, message)
        assert case_no in reply and name in reply, (message, reply)
        for word in hidden:
            assert word not in reply, (message, reply)


# --- 5. an archived case is told to the payer once --------------------------------------------


async def archive_by_scheduler(bot_server, case_no: str) -> None:
    sessionmaker = bot_server.app["services"].sessionmaker
    async with sessionmaker() as session:
        [case] = (await session.execute(
            Case.__table__.select().where(Case.case_no == case_no))).all()
        await session.execute(update(Case).where(Case.case_no == case_no).values(
            resolved_at=case.resolved_at - timedelta(days=15)))
        await session.commit()
    scheduler = Scheduler(sessionmaker, bot_server.app["config"])
    for _ in range(2):
        await scheduler.run_once(utcnow())
    bot_server.app["outbox"].notify()


@pytest.mark.parametrize("result", ["已责令单位补缴", "经核查不予支持"])
async def test_an_archived_case_is_told_to_the_payer_once(
        platform, http, bot_server, config, fake_api, result):
    openid = oid("archived", result)
    case_no = await resolved_case(platform, http, bot_server, openid, result)
    await wait_texts(fake_api, openid, 2)
    await archive_by_scheduler(bot_server, case_no)
    assert (await case_of(config, case_no)).status == "closed"
    texts = await wait_texts(fake_api, openid, 3)
    archived = [t for t in texts if "归档" in t]
    assert len(archived) == 1 and case_no in archived[0], texts


# --- 6. payers who already have a case, in their own words -----------------------------------

ASKING = ["我那个社保的事有人管没", "上回反映的问题弄得咋样啦", "都一个礼拜了 怎么还没消息",
          "我投诉的那个有结果没", "你们联系过我单位没有"]


@pytest.mark.parametrize("message", ASKING)
async def test_asking_about_the_case_in_own_words_shows_it(platform, message):
    openid = oid("asking", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, reply


@pytest.mark.parametrize("message", ["补充下 公司是从2021年6月开始停缴的",
                                     "再补充一点，我们车间的同事也都没交"])
async def test_facts_added_to_the_case_join_it(platform, config, message):
    openid = oid("adding", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, reply
    events = await supplements(config, case_no)
    assert any(message[-6:] in e.detail.get("text", "") for e in events), events


async def test_another_matter_beside_the_case_is_filed_with_the_supplement_offered(platform):
    """"还有个情况 单位去年把我的工资基数报成了最低档" names a dispute of another kind (the
    base, not arrears): a new filing with the case's details, and 补充 offered instead."""
    openid = "g4-adding-other-kind"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "还有个情况 单位去年把我的工资基数报成了最低档")
    assert case_no in reply and "回复“补充”" in reply, reply


@pytest.mark.parametrize("message", ["我还有劳动合同能证明 怎么给你们", "工资条拍照了 发哪里"])
async def test_asking_how_to_send_material_is_explained(platform, message):
    openid = oid("material", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert NOT_UNDERSTOOD not in reply and ("照片" in reply or "图片" in reply), reply
    assert case_no in reply or "补充" in reply, reply


@pytest.mark.parametrize("message", ["不想投诉了", "撤了吧 不弄了", "我申请撤回",
                                     "老板私下给我补了 这事就算了吧", "我不告了", "这事就算了吧"])
async def test_withdrawing_in_own_words_reaches_the_liaison(platform, config, message):
    openid = oid("withdraw", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, reply
    requests = [e.detail["request"] for e in await supplements(config, case_no)]
    assert requests and requests[0] in ("withdraw", "settled"), requests


@pytest.mark.parametrize("message", ["这结果我不服", "凭啥不予支持啊", "处理的什么玩意 单位根本没补",
                                     "为啥不支持 我有工资条的"])
async def test_disagreeing_with_the_result_gets_the_ways_on(platform, http, bot_server, message):
    openid = oid("disagree", message)
    case_no = await resolved_case(platform, http, bot_server, openid, "经核查不予支持")
    reply = await say(platform, openid, message)
    assert case_no in reply and NOT_UNDERSTOOD not in reply, reply
    assert "行政复议" in reply or "重新办理" in reply, reply


async def test_a_bare_never_mind_with_a_case_asks_before_forwarding(platform, config):
    openid = "g4-withdraw-maybe"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "那就算了")
    assert case_no in reply and "撤回" in reply, reply
    assert await supplements(config, case_no) == []


async def test_changing_ones_mind_after_withdrawing_keeps_the_case(platform, config):
    openid = "g4-withdraw-then-go-on"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "撤了吧")
    reply = await say(platform, openid, "等等 还是继续办吧")
    assert case_no in reply and "继续" in reply and NOT_UNDERSTOOD not in reply, reply
    requests = [e.detail["request"] for e in await supplements(config, case_no)]
    assert requests[0] == "withdraw" and len(requests) == 2, requests


async def test_a_new_number_for_the_case_is_forwarded_masked(platform, config):
    openid = "g4-new-number"
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, "电话换了 以后打这个15800001111")
    assert case_no in reply and "15800001111" not in reply, reply
    assert [e.detail["request"] for e in await supplements(config, case_no)] == ["contact"]
