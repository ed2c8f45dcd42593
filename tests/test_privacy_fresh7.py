"""Personal data, seventh blind round (办理过程中严格保密，不得泄露缴费人信息), written blind:
a phone split over two messages after filing (kept for the case, masked in the group), phones
in full-width digits with full-width dashes or ideographic spaces, lower-case Chinese numerals,
circled digits, dots, underscores, tildes and slashes; bank card, social security card and
personal insurance numbers, passport, home-return and HK/Macau/Taiwan permits, a phone used as
an email name, a WeChat ID built from a birthday; numbers in a supplement, a reopening reason,
the name and unit fields; the owning agency's API, console and CSV; the access and error
logs when a liaison types a phone where a case number goes; two payers filing at once; a payer
guessing another's case number in spellings it was never typed in. Case numbers, amounts,
dates and article numbers stay as typed."""
from __future__ import annotations

import asyncio
import json
import re

import pytest

import tests.test_console as console_tests
import tests.test_metrics_logging as logging_tests
from bot.privacy import scrub
from bot.store.models import Case, CaseEvent
from routing.cards import safe_group_text
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_privacy_fresh4 import random_query_values_dropped
from tests.test_privacy_fresh6 import shows

capture = logging_tests.capture
signed_in = console_tests.signed_in

# (typed, what must not be readable). Own mobile 139 8765 4321, ID 440113 19850612 260X.
TYPED = [
    ("手机一三九八七六五四三二一", "8765"),
    ("电话 一三九 八七六五 四三二一", "8765"),
    ("手机①③⑨⑧⑦⑥⑤④③②①", "8765"),
    ("手机１３９－８７６５－４３２１", "8765"),
    ("电话１３９　８７６５　４３２１", "8765"),
    ("手机13９8765４321", "8765"),
    ("手机139.8765.4321", "8765"),
    ("电话139。8765。4321", "8765"),
    ("手机139_8765_4321", "8765"),
    ("手机139~8765~4321", "8765"),
    ("手机139/8765/4321", "8765"),
    ("电话：139 - 8765 - 4321", "8765"),
    ("工资卡6222 0212 3456 7890 123", "3456"),
    ("农行卡号：6228-4801-2345-6789-012", "2345"),
    ("银行卡 6217 0000 1234 5678", "00001234"),
    ("社会保障卡卡号是A12345678", "12345678"),
    ("个人社保编号 1002345678", "2345678"),
    ("深圳社保电脑号 612345678", "2345678"),
    ("回乡证 H1234567801", "12345678"),
    ("港澳通行证：C01234567", "1234567"),
    ("护照号：EA9876543", "9876543"),
    ("香港身份证 A123456(7)", "123456"),
    ("台胞证 01234567", "1234567"),
    ("邮箱 13987654321@163.com", "8765"),
    ("邮箱：chen.zhiqiang85@gmail.com", "zhiqiang"),
    ("邮箱chenzq＠163.com", "chenzq"),
    ("加我微信 chenzq_1985", "chenzq"),
    ("V信：czq19850612", "19850612"),
    ("身份证四四零一一三一九八五零六一二二六零叉", "19850612"),
    ("座机零二零杠八二三四五六七八", "8234"),
]


@pytest.mark.parametrize(("typed", "secret"), TYPED)
def test_numbers_typed_this_way_never_reach_a_group_card(typed, secret):
    shown = safe_group_text(typed)
    assert not shows(secret, shown), shown


@pytest.mark.parametrize(("typed", "secret"), TYPED)
def test_numbers_typed_this_way_are_scrubbed_for_logs(typed, secret):
    out = scrub(typed)
    assert not shows(secret, out), out


KEPT = [
    "欠缴金额￥12,345.67",
    "２０２３年５月到２０２４年４月没交",
    "一三年到一九年单位都没交",
    "工资一万二千三百四十五元",
    "《社会保险法》第六十三条第一款",
    "基数从3000.00调到4500.00",
    "2023.05-2024.04没交",
    "12个月×4500元=54000元",
    "滞纳金1234.56元，本金123456.78元",
    "2023/05/01~2024/04/30",
    "第1/2页",
]


@pytest.mark.parametrize("text", KEPT)
def test_amounts_dates_and_articles_stay_on_cards_and_in_logs(text):
    assert safe_group_text(text) == text
    assert scrub(text) == text


# --- through the gateway ---------------------------------------------------------------------

async def _settled_posts(fake_webhook, at_least: int) -> list:
    """The group posts once at least ``at_least`` arrived and no more follow for a moment."""
    posts = await fake_webhook.posts.wait_for(at_least)
    while True:
        await asyncio.sleep(0.4)
        more = await fake_webhook.posts.wait_for(len(posts))
        if len(more) == len(posts):
            return more
        posts = more


async def _file(platform, openid: str, first: str, **answers) -> str:
    await finish_form(platform, openid, await say(platform, openid, first),
                      {"几个人": "1", **ANSWERS, **answers})
    return CASE_NO.search(await say(platform, openid, "确认")).group()


FILED = ("增城区新塘镇永盛制衣厂从2023年5月开始没给我交社保，欠了我12000元。我叫陈志强，"
         "身份证440113198506122 60X，工资卡6222 0212 3456 7890 123")
SECRETS = ("8765", "19850612", "3456")


async def test_a_phone_split_over_two_messages_after_filing_is_kept_and_masked(
        platform, bot_server, fake_webhook, config):
    openid = "o-p7-split"
    case_no = await _file(platform, openid, FILED, 单位="永盛制衣厂", 称呼="陈志强")
    before = len(await _settled_posts(fake_webhook, 1))
    first = await say(platform, openid, "我另一个手机139·8765")
    second = await say(platform, openid, "4321，晚上回电")
    for reply in (first, second):
        assert not re.search(r"没有找到|未找到|查不到|不存在|编号.{0,6}不对", reply), reply
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    kept = json.dumps([e.detail for e in events], ensure_ascii=False)
    assert "4321" in kept and "8765" in kept, kept  # the second half is not lost
    posts = await _settled_posts(fake_webhook, before + 1)
    pushed = json.dumps(posts[before:], ensure_ascii=False).replace(case_no, "")
    assert "晚上回电" in pushed or "4321" in pushed or "补充" in pushed, pushed
    assert not shows("8765", pushed), pushed


SUPPLEMENTS = [
    ("补充：我另一个号码一三九八七六五四三二一", "8765", "号码"),
    ("补充一下，我的手机是１３９－８７６５－４３２１", "8765", "手机"),
    ("补充一下工资卡号6222 0212 3456 7890 123，单位从这张卡发工资", "3456", "工资卡"),
    ("补充：邮箱 13987654321@163.com 可以发材料", "8765", "邮箱"),
    ("补充一下，我微信czq19850612，加我发截图", "19850612", "微信"),
    ("补充：我是港澳居民，回乡证H1234567801", "12345678", "回乡证"),
    ("再补充一下，社保卡卡号A12345678", "12345678", "社保卡"),
]


@pytest.mark.parametrize(("message", "secret", "marker"), SUPPLEMENTS)
async def test_a_supplement_after_filing_reaches_the_group_masked(
        platform, bot_server, fake_webhook, message, secret, marker):
    openid = "o-p7-supplement"
    case_no = await _file(platform, openid, "宏达电子厂没给我交社保")
    before = len(await _settled_posts(fake_webhook, 1))
    await say(platform, openid, message)
    posts = await _settled_posts(fake_webhook, before + 1)
    pushed = json.dumps(posts[before:], ensure_ascii=False)
    assert marker in pushed, pushed
    assert not shows(secret, pushed.replace(case_no, "")), pushed


TAX = {"Authorization": "Bearer dev-token-tax"}


@pytest.mark.parametrize("reason", [
    "单位还是没交，有事打我新号１３９８７６５４３２１",
    "没解决，我换号了一三九八七六五四三二一，身份证440113198506122 60X",
    "单位还是没补，工资卡6222 0212 3456 7890 123还是没到账",
])
async def test_a_reopening_reason_reaches_the_group_masked(
        platform, bot_server, http, fake_webhook, reason):
    openid = "o-p7-reopen"
    case_no = await _file(platform, openid, "宏达电子厂没给我交社保")
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/resolve"), headers=TAX,
                         json={"result": "已责令单位补缴"}) as resp:
        assert resp.status == 200
    before = len(await _settled_posts(fake_webhook, 1))
    await say(platform, openid, reason)
    assert case_no in await say(platform, openid, "重新办理")
    posts = await _settled_posts(fake_webhook, before + 1)
    pushed = json.dumps(posts[before:], ensure_ascii=False).replace(case_no, "")
    assert "重新办理" in pushed, pushed
    for secret in SECRETS:
        assert not shows(secret, pushed), (secret, pushed)


@pytest.mark.parametrize(("answers", "secrets"), [
    ({"称呼": "陈志强13987654321"}, ("8765",)),
    ({"称呼": "陈志强 电话一三九八七六五四三二一"}, ("8765",)),
    ({"单位": "永盛制衣厂（老板电话13822446688）"}, ("2244",)),
    ({"单位": "永盛制衣厂，法人身份证440113196001010 03X"}, ("19600101",)),
])
async def test_numbers_typed_in_the_name_or_unit_field_are_masked_on_the_card(
        platform, bot_server, fake_webhook, answers, secrets):
    openid = "o-p7-fields"
    case_no = await _file(platform, openid, "新塘镇的厂没给我交社保", **answers)
    posts = await _settled_posts(fake_webhook, 1)
    pushed = json.dumps(posts, ensure_ascii=False).replace(case_no, "")
    assert case_no in json.dumps(posts, ensure_ascii=False)
    for secret in secrets:
        assert not shows(secret, pushed), (secret, pushed)


# --- the owning agency: API, console, CSV ------------------------------------------------------

STORY = ("新塘镇宏达电子厂没给我交社保，欠了12000元。我身份证440113198506122 60X，"
         "工资卡6222 0212 3456 7890 123，另一个手机一三九八七六五四三二一，"
         "邮箱13987654321@163.com")


async def test_the_owning_agency_sees_the_story_with_numbers_masked(
        platform, bot_server, http, signed_in):
    case_no = await _file(platform, "o-p7-story", STORY, 电话="15024681357")
    async with http.get(bot_server.make_url(f"/api/cases/{case_no}"), headers=TAX) as resp:
        assert resp.status == 200
        body = await resp.text()
    tax, _csrf = await signed_in("tax")
    async with tax.get(f"/console/cases/{case_no}") as resp:
        page = await resp.text()
    async with tax.get("/console/export.csv", params={"from": "2020-01-01"}) as resp:
        exported = await resp.text()
    assert "12000" in body and "12000" in page, (body, page[:600])
    for shown in (body, page, exported):
        for secret in ("8765", "2468", "19850612", "3456"):
            assert not shows(secret, shown.replace(case_no, "")), (secret, shown[:2000])


# --- logs when a liaison types a phone or ID where a case number goes --------------------------

@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/cases/13987654321", None),
    ("GET", "/api/cases/440113198506122 60X", None),
    ("POST", "/api/cases/13987654321/note", {"text": "已联系"}),
    ("POST", "/api/cases/{no}/note", {"text": ["缴费人电话13987654321"]}),
    ("POST", "/api/cases/{no}/resolve", {"result": {"电话": "13987654321"}}),
    ("GET", "/api/cases?q=139%208765%204321&agency=13987654321", None),
])
async def test_access_and_error_logs_keep_a_mistyped_number_out(
        platform, bot_server, http, capture, method, path, body):
    read, _stream = capture
    case_no = await _file(platform, "o-p7-logs", "宏达电子厂没给我交社保")
    async with http.request(method, bot_server.make_url(path.format(no=case_no)),
                            headers=TAX, json=body) as resp:
        assert resp.status < 500, await resp.text()
    await asyncio.sleep(0.2)
    logged = random_query_values_dropped(json.dumps(read(), ensure_ascii=False))
    assert read(), "nothing was logged"
    for secret in ("8765", "19850612"):
        assert not shows(secret, logged.replace(case_no, "")), (secret, logged[-1500:])


async def test_the_console_access_log_keeps_a_searched_number_out(
        platform, bot_server, signed_in, capture):
    read, _stream = capture
    await _file(platform, "o-p7-console-log", "宏达电子厂没给我交社保", 电话="13987654321")
    tax, _csrf = await signed_in("tax")
    for path in ("/console/cases/13987654321", "/console/cases?q=一三九八七六五四三二一",
                 "/console/cases?q=139.8765.4321"):
        async with tax.get(path) as resp:
            assert resp.status < 500
    logged = random_query_values_dropped(json.dumps(read(), ensure_ascii=False))
    assert not shows("8765", logged), logged[-1500:]


# --- two payers at once; a payer guessing another's case number --------------------------------

async def test_two_payers_filing_at_once_each_see_only_their_own(platform, bot_server):
    people = {
        "o-p7-a": ("永盛制衣厂从去年起没给我交社保，我叫陈志强", "陈志强", "13987654321",
                   "永盛制衣厂"),
        "o-p7-b": ("华锋五金厂欠我半年社保，我叫赵大勇", "赵大勇", "15024681357", "华锋五金厂"),
    }

    async def run(openid, first, name, phone, unit):
        summary = await finish_form(platform, openid, await say(platform, openid, first),
                                    {"几个人": "1", **ANSWERS, "单位": unit, "称呼": name,
                                     "电话": phone})
        done = await say(platform, openid, "确认")
        return summary + done + await say(platform, openid, "进度")

    replies = dict(zip(people, await asyncio.gather(*(run(o, *p) for o, p in people.items()))))
    for openid, reply in replies.items():
        for other, (_f, name, phone, unit) in people.items():
            if other == openid:
                continue
            assert name not in reply and unit not in reply, reply
            assert phone[-4:] not in reply and phone[3:7] not in reply, reply
        assert people[openid][1] in reply or people[openid][3] in reply, reply


def _spellings(case_no: str) -> list[str]:
    head, tail = case_no.split("-")
    wide = case_no.translate(str.maketrans("0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                           "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"))
    return [case_no.lower(), f"{head[2:]}-{tail}", f"{head} {tail}", wide,
            f"{head[:2]} {head[2:]} {tail}", f"{head}{tail}"]


async def test_a_payer_typing_anothers_case_number_in_other_spellings_sees_nothing(
        platform, bot_server):
    other = await _file(platform, "o-p7-owner", "华锋五金厂欠了我一年社保，我叫赵大勇",
                        单位="华锋五金厂", 称呼="赵大勇", 电话="15024681357")
    me = "o-p7-guesser"
    mine = await _file(platform, me, "宏达电子厂没给我交社保")
    for spelled in _spellings(other):
        for asked in (f"查询{spelled}", f"{spelled}进度怎么样", f"我的案子{spelled}办到哪了"):
            reply = await say(platform, me, asked)
            for secret in ("华锋", "五金", "赵", "大勇", "2468", "1357", "一年"):
                assert secret not in reply, (asked, reply)
    listing = await say(platform, me, "进度")
    assert mine in listing and other not in listing, listing


async def test_a_payer_guessing_the_next_case_number_sees_nothing(platform, bot_server):
    me = "o-p7-next"
    mine = await _file(platform, me, "宏达电子厂没给我交社保")
    other = await _file(platform, "o-p7-next-owner", "华锋五金厂欠了我一年社保，我叫赵大勇",
                        单位="华锋五金厂", 称呼="赵大勇", 电话="15024681357")
    head, tail = mine.split("-")
    for guess in (f"{head}-{int(tail) + 1:04d}", f"{head}-{int(tail) + 2:04d}"):
        for asked in (f"查询{guess}", f"{guess}"):
            reply = await say(platform, me, asked)
            for secret in ("华锋", "五金", "赵", "大勇", "2468", "1357"):
                assert secret not in reply, (asked, reply)
    assert other.startswith(head)


async def test_the_payer_sees_their_own_story_in_the_progress_view(platform, bot_server):
    openid = "o-p7-own"
    case_no = await _file(platform, openid, STORY, 单位="宏达电子厂")
    reply = await say(platform, openid, f"{case_no}进度")
    assert case_no in reply and "宏达电子厂" in reply, reply
    assert "19850612" not in await say(platform, "o-p7-stranger", f"{case_no}进度")


# --- second batch, written after reading the code: what the fixes must not take ---------------

@pytest.mark.parametrize("text", [
    "①单位没交社保②工资12000元③2023年5月入职",
    "共欠13个月。2023年5月开始没交",
    "工资4500。2024年起涨到5000",
    "ZY20261127-0003。ZY20261127-0004也是我的",
    "杠杆率12%",
])
def test_circled_list_marks_and_full_stops_between_figures_stay(text):
    assert safe_group_text(text) == text
    assert scrub(text) == text


@pytest.mark.parametrize(("second", "updated"), [
    ("4321", True),
    ("４３２１，白天别打", True),
    ("进度", False),
])
async def test_the_rest_of_a_split_phone_completes_it_and_a_progress_check_stays_one(
        platform, bot_server, second, updated):
    openid = "o-p7-rest"
    case_no = await _file(platform, openid, "宏达电子厂没给我交社保")
    await say(platform, openid, "我另一个手机139·8765")
    reply = await say(platform, openid, second)
    assert case_no in reply, reply
    assert ("139****4321" in reply) is updated, reply


async def test_a_supplement_that_changes_the_phone_still_updates_it(platform, bot_server):
    openid = "o-p7-contact"
    case_no = await _file(platform, openid, "宏达电子厂没给我交社保")
    reply = await say(platform, openid, "补充一下，我电话换了13987654321，回头再发截图")
    assert case_no in reply and "139****4321" in reply, reply
