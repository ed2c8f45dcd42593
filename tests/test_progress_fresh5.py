"""Progress checks, round 5, written blind, through the gateway, the outbox, the fake
customer-service API and the liaison API: the words payers use (我那个事咋样了, 有人管没,
怎么还没人联系我, typos 进读 / 查寻, traditional 進度 / 查詢), case numbers typed in part, spaced
or in lower case; several cases and none; a check in the middle of a new filing (the form
resumes with every answer kept); friends and colleagues asking for someone else (帮我朋友查一下,
我同事让我问问他的事) are told that only the WeChat account that filed may see a case (seed 002:
办理过程中严格保密，不得泄露缴费人信息) and what they can do, never called 家人; the status notices
a liaison's update sends (受理, 转办, 调解后办结, 办结) in plain Chinese with the case number and
no other payer's data; and the deadlines a progress reply gives agree with the case and never
claim a rule the seeds do not state (the seeds set no day counts: 限时办结, 在规定的期限内)."""
from __future__ import annotations

import asyncio
import pathlib
import re
import zlib

import pytest

from routing.deadlines import working_days_for
from routing.notices import local_deadline
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_followup import act, file_case
from tests.test_open_case_requests import case_of, second_case, supplements
from tests.test_progress_fresh2 import start_second_filing, wait_texts
from tests.test_progress_fresh4 import (
    invented_numbers,
    missing_like,
    told_only_the_filer_sees_it,
    without,
)

NOT_UNDERSTOOD = "没太明白"
NO_CASE = "还没有登记过事项"
NOT_FOUND = "没有找到"
HISTORY = "已登记"
FORM_STARTED = ("请选一下问题类型", "哪家单位", "单位叫什么", "单位全称")
SUMMARY = "请核对登记内容"
FAMILY = ("家人", "家属", "亲属")
HRSS = {"Authorization": "Bearer dev-token-hrss"}
HRSS_NAME = "区人力资源和社会保障局"
ACCEPTOR, ACCEPTOR_PHONE = "王建军", "020-82751234"
# The other payer's data (other_payer_case): none of it may reach this payer.
OTHER = ("赵六", "宏图", "荔城", "医保", "0001234")
SEEDS = "".join(p.read_text(encoding="utf-8")
                for p in sorted(pathlib.Path("/work/shared/seeds").glob("*.txt")))
SEEDS_FLAT = re.sub(r"\s+", "", SEEDS)
# English in a payer notice means a status key or template field leaked (accepted, hrss, {lead}).
ASCII_WORD = re.compile(r"[A-Za-z_]{3,}")


def oid(prefix: str, message: str) -> str:
    return f"o-p5-{prefix}-{zlib.crc32(message.encode())}"


def plain_chinese(text: str, *case_numbers: str) -> bool:
    for n in case_numbers:
        text = text.replace(n, "")
    return not ASCII_WORD.search(text) and "{" not in text and "None" not in text


def quoted_from_seeds(reply: str) -> list[str]:
    """Passages in quotation marks that claim to be rules must be in the seeds: anything
    quoted of six characters or more (commands such as “进度” are shorter)."""
    quoted = re.findall(r"[“「]([^”」]{6,})[”」]", reply)
    return [q for q in quoted if re.sub(r"\s+", "", q) not in SEEDS_FLAT]


DAY_COUNT = re.compile(r"(?<![月\d])(\d+|[一二三四五六七八九十两]+)\s*个?(工作日|自然日|天)")


def day_counts(reply: str) -> list[str]:
    return [m.group(1) for m in DAY_COUNT.finditer(reply)]


async def other_payer_case(platform, openid: str) -> str:
    reply = await say(platform, openid, "我在荔城街道的宏图公司，他们多扣了我的医保费，要求退还")
    await finish_form(platform, openid, reply,
                      {**ANSWERS, "称呼": "赵六", "电话": "13600001234"})
    return CASE_NO.search(await say(platform, openid, "确认")).group()


async def deadline_of(config, case_no: str) -> str:
    return local_deadline((await case_of(config, case_no)).deadline)


# --- (a) the words payers use, one case --------------------------------------------------------

ASKED = ["我那个事咋样了", "有人管没", "怎么还没人联系我", "进读", "查寻", "進度", "查詢",
         "有没有人管啊 我那个事"]


@pytest.mark.parametrize("message", ASKED)
async def test_a_payer_with_one_case_sees_it(platform, message):
    openid = oid("one", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply, (message, reply)
    assert NOT_UNDERSTOOD not in reply and not any(w in reply for w in FORM_STARTED), reply


@pytest.mark.parametrize("message", ["有人管没", "進度", "怎么还没人联系我"])
async def test_a_payer_with_no_case_is_told_so_and_how_to_register(platform, message):
    reply = await say(platform, oid("none", message), message)
    assert NO_CASE in reply and "反映问题" in reply, (message, reply)
    assert NOT_UNDERSTOOD not in reply, (message, reply)


# --- (b) case numbers typed in part, spaced, lower case -----------------------------------------

NUMBER_SHAPES = {
    "lower-no-dash": lambda n: n.lower().replace("-", ""),
    "spaced-lower": lambda n: f"进度 {n[:2].lower()} {n[2:10]} {n[11:]}",
    "traditional-keyword": lambda n: f"查詢{n}",
    "traditional-spaced": lambda n: f"進度 {n[:2]} {n[2:10]}-{n[11:]}",
}


@pytest.mark.parametrize("shape", list(NUMBER_SHAPES))
async def test_an_own_number_in_any_shape_picks_that_case_of_two(platform, shape):
    openid = f"o-p5-shape-{shape}"
    older = await file_case(platform, openid)
    newer = await second_case(platform, openid)
    message = NUMBER_SHAPES[shape](older)
    reply = await say(platform, openid, message)
    assert older in reply and HISTORY in reply and newer not in reply, (message, reply)


@pytest.mark.parametrize("shape", ["進度 {tail}", "查寻 尾号{tail}"])
async def test_the_end_of_an_own_number_picks_it(platform, shape):
    openid = oid("tail", shape)
    older = await file_case(platform, openid)
    newer = await second_case(platform, openid)
    message = shape.format(tail=older[-4:])
    reply = await say(platform, openid, message)
    assert older in reply and newer not in reply and HISTORY in reply, (message, reply)


async def test_a_wrong_lower_case_number_is_not_found_and_the_own_case_offered(platform):
    openid = "o-p5-wrong-lower"
    case_no = await file_case(platform, openid)
    wrong = missing_like(case_no).lower()
    reply = await say(platform, openid, f"查寻 {wrong}")
    assert NOT_FOUND in reply and case_no in reply and NOT_UNDERSTOOD not in reply, reply


# --- (c) several cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["進度", "有人管没"])
async def test_several_cases_are_listed_newest_first(platform, message):
    openid = oid("several", message)
    older = await file_case(platform, openid)
    newer = await second_case(platform, openid)
    reply = await say(platform, openid, message)
    assert older in reply and newer in reply, (message, reply)
    assert reply.index(newer) < reply.index(older), reply


async def test_a_list_never_holds_another_payers_case(platform):
    other = await other_payer_case(platform, "o-p5-list-other")
    openid = "o-p5-list-own"
    older = await file_case(platform, openid)
    newer = await second_case(platform, openid)
    reply = await say(platform, openid, "查詢")
    assert older in reply and newer in reply and other not in reply, reply
    assert "赵六" not in reply, reply


# --- (d) a check in the middle of a new filing ---------------------------------------------------


async def start_filing(platform, openid: str) -> str:
    """A new filing answered until the form asks for the payer's name."""
    reply = await start_second_filing(platform, openid)
    assert "称呼" in reply, reply
    return reply


async def finish_after(platform, openid: str, reply: str) -> str:
    reply = await say(platform, openid, "钱七")
    return await finish_form(platform, openid, reply, {**ANSWERS, "称呼": "钱七"})


@pytest.mark.parametrize("message", ["我那个事咋样了", "進度", "有人管没"])
async def test_a_check_mid_form_answers_and_the_form_resumes_with_every_answer(
        platform, message):
    openid = oid("midform", message)
    case_no = await file_case(platform, openid)
    await start_filing(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply and "宏达" in reply, (message, reply)
    assert "称呼" in reply, (message, reply)  # the question it was on, asked again
    summary = await finish_after(platform, openid, reply)
    assert "宏图" in summary and "荔城" in summary and "钱七" in summary, summary
    assert message not in summary, summary


async def test_a_check_mid_form_without_a_case_says_so_and_resumes(platform):
    openid = "o-p5-midform-none"
    await start_filing(platform, openid)
    reply = await say(platform, openid, "进度")
    assert NOT_UNDERSTOOD not in reply and "称呼" in reply, reply
    assert NO_CASE in reply or "正在填写" in reply or "还没有提交" in reply, reply
    summary = await finish_after(platform, openid, reply)
    assert "宏图" in summary and "钱七" in summary, summary


@pytest.mark.parametrize("message", ["帮我妈查一下进度", "帮我朋友查一下进度", "我同事让我问问他的事"])
async def test_someone_elses_check_mid_form_is_refused_and_the_form_resumes(platform, message):
    openid = oid("midform-other", message)
    await start_filing(platform, openid)
    reply = await say(platform, openid, message)
    assert told_only_the_filer_sees_it(reply), (message, reply)
    assert "称呼" in reply, (message, reply)
    summary = await finish_after(platform, openid, reply)
    assert "宏图" in summary and "钱七" in summary, summary
    for fragment in ("我妈", "朋友", "同事"):
        assert fragment not in summary, summary


async def test_a_friends_check_mid_form_does_not_say_family(platform):
    openid = "o-p5-midform-friend-word"
    await start_filing(platform, openid)
    reply = await say(platform, openid, "帮我朋友查一下进度")
    assert not any(w in reply for w in FAMILY), reply


# --- (e) friends and colleagues ---------------------------------------------------------------------

FRIEND_BARE = ["帮我朋友查一下", "我同事让我问问他的事", "帮我朋友查一下进度", "我哥们让我帮他查下进度",
               "帮同事查詢一下", "我工友的社保投诉 办得咋样了 帮他看看"]


@pytest.mark.parametrize("message", FRIEND_BARE)
async def test_a_friend_or_colleague_is_told_who_can_see_it_and_not_called_family(
        platform, message):
    openid = oid("friend", message)
    reply = await say(platform, openid, message)
    assert told_only_the_filer_sees_it(reply), (message, reply)
    assert not any(w in reply for w in FAMILY), (message, reply)
    assert NOT_UNDERSTOOD not in reply and not any(w in reply for w in FORM_STARTED), reply
    assert invented_numbers(reply) == [], (message, reply)


@pytest.mark.parametrize("message", FRIEND_BARE[:2])
async def test_a_friend_is_told_what_they_can_do(platform, message):
    reply = await say(platform, oid("friend-do", message), message)
    assert "进度" in reply and any(w in reply for w in ("发送", "回复", "输入")), (message, reply)


FRIEND_NUMBERED = ["帮我朋友查一下 编号{no}", "我同事让我问问他的事 {no}", "帮同事查詢 {no}"]


@pytest.mark.parametrize("shape", FRIEND_NUMBERED[1:])
async def test_a_friend_with_a_real_number_learns_nothing_of_the_case(platform, shape):
    stranger = await other_payer_case(platform, oid("friend-owner", shape))
    openid = oid("friend-no", shape)
    reply = await say(platform, openid, shape.format(no=stranger))
    for leak in OTHER + (HISTORY,):
        assert leak not in reply, (shape, reply)
    assert told_only_the_filer_sees_it(reply) and not any(w in reply for w in FAMILY), reply


@pytest.mark.parametrize("shape", FRIEND_NUMBERED[:1])
async def test_a_friends_reply_is_the_same_for_a_number_that_does_not_exist(platform, shape):
    stranger = await other_payer_case(platform, oid("friend-owner2", shape))
    openid = oid("friend-no2", shape)
    real = await say(platform, openid, shape.format(no=stranger))
    fake = await say(platform, openid, shape.format(no=missing_like(stranger)))
    assert without(real, stranger) == without(fake, missing_like(stranger)), (real, fake)


async def test_a_friend_with_a_case_of_their_own_is_not_shown_it_as_the_friends(platform):
    openid = "o-p5-friend-own"
    await file_case(platform, openid)
    reply = await say(platform, openid, "帮我朋友查一下进度")
    assert told_only_the_filer_sees_it(reply) and not any(w in reply for w in FAMILY), reply


async def test_a_friends_check_adds_nothing_to_the_askers_own_case(platform, config):
    openid = "o-p5-friend-nosupp"
    case_no = await file_case(platform, openid)
    await say(platform, openid, "我同事让我问问他的事")
    assert await supplements(config, case_no) == []


async def test_a_mothers_check_still_may_say_family_but_tells_what_to_do(platform):
    reply = await say(platform, "o-p5-mother", "帮我妈查一下进度")
    assert told_only_the_filer_sees_it(reply), reply
    assert "进度" in reply and any(w in reply for w in ("发送", "回复", "输入")), reply


# --- (f) status notices -----------------------------------------------------------------------------


async def notices_for(platform, http, bot_server, fake_api, openid, steps):
    """File a case beside another payer's, run the liaison steps, return the payer's texts."""
    await other_payer_case(platform, openid + "-other")
    case_no = await file_case(platform, openid)
    for action, body, headers in steps:
        url = bot_server.make_url(f"/api/cases/{case_no}/{action}")
        async with http.post(url, headers=headers or {"Authorization": "Bearer dev-token-tax"},
                             json=body) as resp:
            assert resp.status == 200, await resp.text()
    return case_no, await wait_texts(fake_api, openid, len(steps))


NOTICE_STEPS = {
    "accepted": ([("accept", {"acceptor": ACCEPTOR, "acceptor_phone": ACCEPTOR_PHONE}, None)],
                 "已受理"),
    "transferred": ([("transfer", {"agency": "hrss", "reason": "属于基数核定"}, None)],
                    HRSS_NAME),
    "mediated": ([("accept", {}, None),
                  ("resolve", {"result": "经调解，单位同意于本月底前补缴"}, None)],
                 "经调解，单位同意于本月底前补缴"),
    "closed": ([("resolve", {"result": "已责令单位限期补缴"}, None)], "已办结"),
}


@pytest.mark.parametrize("kind", list(NOTICE_STEPS))
async def test_a_status_notice_is_plain_chinese_with_the_case_number_and_nobody_elses_data(
        platform, http, bot_server, fake_api, kind):
    steps, wanted = NOTICE_STEPS[kind]
    openid = f"o-p5-notice-{kind}"
    case_no, texts = await notices_for(platform, http, bot_server, fake_api, openid, steps)
    hits = [t for t in texts if wanted in t]
    assert hits and case_no in hits[-1], (kind, texts)
    for text in texts:
        assert plain_chinese(text, case_no), (kind, text)
        for leak in OTHER:
            assert leak not in text, (kind, leak, text)
        assert ACCEPTOR_PHONE not in text and "82751234" not in text, text


async def test_a_mediated_result_is_then_shown_by_progress(platform, http, bot_server, fake_api):
    steps, wanted = NOTICE_STEPS["mediated"]
    case_no, _ = await notices_for(platform, http, bot_server, fake_api, "o-p5-med-prog", steps)
    reply = await say(platform, "o-p5-med-prog", "我那个事咋样了")
    assert case_no in reply and wanted in reply and "已办结" in reply, reply


async def test_a_transferred_case_shows_the_new_agency_by_traditional_keyword(
        platform, http, bot_server, fake_api):
    steps, _ = NOTICE_STEPS["transferred"]
    case_no, _ = await notices_for(platform, http, bot_server, fake_api, "o-p5-tr-prog", steps)
    reply = await say(platform, "o-p5-tr-prog", "進度")
    assert case_no in reply and HRSS_NAME in reply, reply


async def test_a_notice_reaches_no_friend_who_asked_about_the_case(
        platform, http, bot_server, fake_api):
    owner, friend = "o-p5-notice-owner", "o-p5-notice-friend"
    case_no = await file_case(platform, owner)
    await say(platform, friend, f"帮我朋友查一下 编号{case_no}")
    assert await act(http, bot_server, case_no, "accept", {}) == 200
    assert any(case_no in t for t in await wait_texts(fake_api, owner, 1))
    await asyncio.sleep(0.2)
    assert not any(case_no in t for t in fake_api.texts_to(friend)), fake_api.texts_to(friend)


# --- (g) deadlines agree with the case and claim no rule the seeds lack ---------------------------


@pytest.mark.parametrize("message", ["进度", "怎么还没人联系我", "要多久才有结果"])
async def test_a_progress_reply_gives_the_cases_deadline_and_no_invented_rule(
        platform, config, message):
    openid = oid("deadline", message)
    case_no = await file_case(platform, openid)
    reply = await say(platform, openid, message)
    assert case_no in reply, (message, reply)
    assert await deadline_of(config, case_no) in reply, (message, reply)
    assert quoted_from_seeds(reply) == [], (message, reply)
    # The working days are the local setting (config.yaml deadlines) for the case's level;
    # the seeds give none, so no other count may appear.
    allowed = str(working_days_for((await case_of(config, case_no)).severity, config.raw))
    for count in day_counts(reply):
        assert count == allowed, (message, count, reply)
    for invented in ("法定期限", "法律规定", "十五个工作日", "30日", "三十日"):
        assert invented not in reply, (message, reply)


async def test_an_accepted_notice_and_progress_give_the_same_deadline(
        platform, config, http, bot_server, fake_api):
    openid = "o-p5-deadline-same"
    case_no = await file_case(platform, openid)
    assert await act(http, bot_server, case_no, "accept", {}) == 200
    deadline = await deadline_of(config, case_no)
    texts = [t for t in await wait_texts(fake_api, openid, 1) if "已受理" in t]
    assert texts and deadline in texts[0], texts
    reply = await say(platform, openid, "進度")
    assert deadline in reply and quoted_from_seeds(reply) == [], reply


async def test_a_level_named_in_a_progress_reply_is_a_seed_term(platform):
    openid = "o-p5-level-term"
    await file_case(platform, openid)
    reply = await say(platform, openid, "怎么还没人联系我")
    levels = re.findall(r"([\u4e00-\u9fff]{2,4}事项)", reply)
    named = [lv for lv in levels if lv.endswith(("一般事项", "简易事项", "重大疑难事项"))]
    assert named, reply
    for level in named:
        key = next(k for k in ("一般事项", "简易事项", "重大疑难事项") if level.endswith(k))
        assert key in SEEDS, key
