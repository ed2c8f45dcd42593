"""Personal data, sixth blind round (办理过程中严格保密，不得泄露缴费人信息), written blind:
numbers as people really type them — brackets around the prefix, pipes, middle dots, emoji
and keycap emoji between the groups, +86/86-, full-width digits and a full-width x, 大写
numerals, landlines with area codes, IDs in groups or with the first 12 digits told apart,
an ID or a mobile sent over two messages, a relative's or colleague's number beside the
payer's own — must not reach a group card, a liaison's note to a group, a log line or
/metrics in clear. A payer asking 进度 with another payer's phone or case number sees none of
it, and another agency cannot find it. Case numbers, amounts, dates and article numbers stay.
"""
from __future__ import annotations

import asyncio
import json
import re

import pytest

import tests.test_console as console_tests
import tests.test_metrics_logging as logging_tests
from bot.privacy import scrub
from routing.cards import safe_group_text
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_privacy_fresh4 import random_query_values_dropped

capture = logging_tests.capture
signed_in = console_tests.signed_in

DIGITS = str.maketrans("〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖０１２３４５６７８９⓪①②③④⑤⑥⑦⑧⑨",
                       "00" + "123456789" + "1" + "123456789" + "0123456789" + "0123456789")
LETTERS = re.compile(r"[^\W\d_]+")


def digit_runs(text: str) -> list[str]:
    """The digits a reader joins: across separators, emoji and marks, not across words."""
    return [re.sub(r"\D", "", piece) for piece in LETTERS.split(text.translate(DIGITS))]


def shows(secret: str, text: str) -> bool:
    """``secret`` readable in ``text``: as typed, or its digits across any separators."""
    return secret in text or secret.isdigit() and any(secret in run for run in digit_runs(text))


# (typed, digits that must not be readable). Own mobile 139 8765 4321, a relative's
# 150 2468 1357, landline 020-8234 5678, ID 440113 19850612 260X, a father's 19600101.
TYPED = [
    ("手机(139)8765-4321", "8765"),
    ("手机（139）8765-4321", "8765"),
    ("电话 139 8765 4321", "8765"),
    ("打139-8765-4321找我", "8765"),
    ("+86 139 8765 4321", "8765"),
    ("+86-13987654321", "8765"),
    ("86-13987654321", "8765"),
    ("86 139 8765 4321", "8765"),
    ("电话8613987654321", "8765"),
    ("手机１３９ ８７６５ ４３２１", "8765"),
    ("139|8765|4321", "8765"),
    ("手机 139 | 8765 | 4321", "8765"),
    ("手机139·8765·4321", "8765"),
    ("手机139😀8765😀4321", "8765"),
    ("电话139🌸8765🌸4321随时打", "8765"),
    ("手机 1️⃣3️⃣9️⃣8️⃣7️⃣6️⃣5️⃣4️⃣3️⃣2️⃣1️⃣", "8765"),
    ("电话139、8765、4321", "8765"),
    ("电话139#8765#4321", "8765"),
    ("电话壹叁玖捌柒陆伍肆叁贰壹", "8765"),
    ("手机139八七六五4321", "8765"),
    ("电话：1 3 9 8 7 6 5 4 3 2 1", "8765"),
    ("tel：13987654321", "8765"),
    ("139-8765-4321（微信同号）", "8765"),
    ("座机020-8234 5678", "8234"),
    ("单位电话(020)8234-5678", "8234"),
    ("单位电话（020）8234 5678", "8234"),
    ("家里座机 020 8234 5678", "8234"),
    ("0755-8234-5678是财务电话", "8234"),
    ("座机零二零八二三四五六七八", "8234"),
    ("座机020|8234|5678", "8234"),
    ("办公室电话8234-5678", "8234"),
    ("身份证 440113 19850612 260X", "19850612"),
    ("身份证44011319850612260x", "19850612"),
    ("身份证号:4401 1319 8506 1226 0X", "19850612"),
    ("身份证号码 440 113 198 506 122 60X", "19850612"),
    ("身份证４４０１１３１９８５０６１２２６０ｘ", "19850612"),
    ("身份证44011319850612260Ｘ", "19850612"),
    ("身份证 440113-1985-0612-260X", "19850612"),
    ("身份证号440113|19850612|260X", "19850612"),
    ("身份证：440113·19850612·260X", "19850612"),
    ("身份证前12位440113198506，后6位12260X", "198506"),
    ("身份证前面是440113198506 后面是12260X", "198506"),
    ("身份证号前十二位是440113198506", "198506"),
    ("我手机13987654321，我老婆的15024681357也能打", "2468"),
    ("我的139-8765-4321，我同事王强的150 2468 1357他也没交", "2468"),
    ("联系我13987654321或者我儿子15024681357", "2468"),
    ("我和工友的电话：13987654321/15024681357", "2468"),
    ("电话13987654321、15024681357", "2468"),
    ("电话13987654321,15024681357", "8765"),
    ("我身份证44011319850612260X，我爸的44011319600101003X", "19600101"),
]


@pytest.mark.parametrize(("typed", "secret"), TYPED)
def test_numbers_typed_this_way_never_reach_a_group_card(typed, secret):
    shown = safe_group_text(typed)
    assert not shows(secret, shown), shown


@pytest.mark.parametrize(("typed", "secret"), TYPED)
def test_numbers_typed_this_way_are_scrubbed_for_logs(typed, secret):
    out = scrub(typed)
    assert not shows(secret, out), out


@pytest.mark.parametrize("typed", [
    "我手机13987654321，我老婆的15024681357也能打",
    "我的139-8765-4321，我同事王强的150 2468 1357他也没交",
    "我和工友的电话：13987654321/15024681357",
])
def test_both_numbers_next_to_each_other_are_masked(typed):
    for out in (safe_group_text(typed), scrub(typed)):
        assert not shows("8765", out) and not shows("2468", out), out


# What the liaison needs: case numbers, amounts, dates, article numbers, hotlines.
KEPT = [
    "案件编号ZY20261127-0003还没人联系我",
    "ZY20260306-0007和ZY20260306-0008两个案子",
    "欠了我12000元社保",
    "每月工资12000元，共13个月，合计156000元",
    "单位共欠缴1381234元",
    "单位欠缴1,381,234.56元",
    "2023年5月到2024年4月没交",
    "2023年05月12日13点45分去的税务局",
    "2023.05.01-2024.04.30一直没交",
    "2023-05-01至2024-04-30",
    "依据《社会保险法》第八十六条",
    "《社会保险费征缴暂行条例》第13条第2款",
    "穗人社发〔2023〕138号文件",
    "12366热线和12345都打过",
    "从2019年1月至2023年12月少缴了48个月",
    "滞纳金按日万分之五，从2023年5月1日起算",
    "身份证尾号260X",
]


@pytest.mark.parametrize("text", KEPT)
def test_case_numbers_amounts_dates_and_articles_stay_on_the_card(text):
    assert safe_group_text(text) == text


@pytest.mark.parametrize("text", KEPT)
def test_case_numbers_amounts_dates_and_articles_stay_in_logs(text):
    assert scrub(text) == text


# --- through the gateway ---------------------------------------------------------------------

async def _posts_until(fake_webhook, word: str, at_least: int = 1) -> list:
    posts = await fake_webhook.posts.wait_for(at_least)
    for _ in range(20):
        if word in json.dumps(posts, ensure_ascii=False):
            return posts
        posts = await fake_webhook.posts.wait_for(len(posts) + 1)
    raise AssertionError(f"{word} never reached a group")


FILED = ("增城区新塘镇永盛制衣厂从2023年5月开始没给我交社保，欠了我12000元。我叫陈志强，"
         "手机(139)8765-4321，我老婆的150|2468|1357也能打，"
         "身份证 440113 19850612 260X，家里座机020-8234 5678")
GATEWAY_SECRETS = ("8765", "2468", "8234", "19850612", "198506")


async def test_a_filing_and_numbers_sent_over_two_messages_stay_masked_everywhere(
        platform, bot_server, http, fake_webhook, capture):
    read, _stream = capture
    openid = "o-p6-filer"
    answers = {"几个人": "1", **ANSWERS, "单位": "永盛制衣厂", "称呼": "陈志强",
               "电话": "139😀8765😀4321"}
    await finish_form(platform, openid, await say(platform, openid, FILED), answers)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    await fake_webhook.posts.wait_for(1)
    for message in ("补充一下身份证号440113 1985", "0612 260X",
                    "身份证前12位是440113198506", "后面是12260X",
                    "我另一个手机139·8765", "4321，晚上回电"):
        await say(platform, openid, message)
    posts = await _posts_until(fake_webhook, "后面是")
    await asyncio.sleep(0.5)
    posts = await fake_webhook.posts.wait_for(len(posts))
    pushed = json.dumps(posts, ensure_ascii=False)
    assert case_no in pushed and "12000元" in pushed and "2023年5月" in pushed, pushed
    for secret in GATEWAY_SECRETS:
        assert not shows(secret, pushed.replace(case_no, "")), secret
    async with http.get(bot_server.make_url("/metrics")) as resp:
        metrics = await resp.text()
    labels = "\n".join(line.rsplit(" ", 1)[0] for line in metrics.splitlines()
                       if not line.startswith("#"))
    logged = random_query_values_dropped(" ".join(
        str(v) for line in read() for k, v in line.items()
        if k != "ts" and not isinstance(v, (int, float))))
    for secret in GATEWAY_SECRETS:
        assert not shows(secret, logged), secret
        assert not shows(secret, labels), secret
    for secret in ("陈志强", "志强", "永盛"):
        assert secret not in logged and secret not in labels, secret


@pytest.mark.parametrize("note", [
    "已联系缴费人(139)8765-4321，本人说单位答应补缴",
    "缴费人家属电话139|8765|4321，身份证440113 19850612 260X",
    "单位会计座机020-8234 5678，缴费人手机１３９·８７６５·４３２１",
    "缴费人身份证前12位440113198506，后6位12260X，电话壹叁玖捌柒陆伍肆叁贰壹",
])
async def test_a_liaisons_note_to_the_lead_group_masks_numbers_typed_these_ways(
        platform, bot_server, http, fake_webhook, note):
    openid = "o-p6-note"
    await finish_form(platform, openid, await say(platform, openid,
                      "宏达电子厂没给我交社保"), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    await fake_webhook.posts.wait_for(1)
    hrss = {"Authorization": "Bearer dev-token-hrss"}
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/note"), headers=hrss,
                         json={"text": note}) as resp:
        assert resp.status == 200, await resp.text()
    before = len(await fake_webhook.posts.wait_for(1))
    await fake_webhook.posts.wait_for(before + 1)
    await asyncio.sleep(0.3)
    posts = await fake_webhook.posts.wait_for(before + 1)
    pushed = json.dumps(posts, ensure_ascii=False).replace(case_no, "")
    for secret in GATEWAY_SECRETS:
        assert not shows(secret, pushed), (secret, pushed)


# --- a payer asking 进度 with someone else's phone or case number -----------------------------

OWNER_PHONE = "15024681357"
OWNER_SECRETS = ("永兴", "五金", "赵", "大勇", "2468", "一年")


async def _case_of(platform, openid, first, **answers) -> str:
    await finish_form(platform, openid, await say(platform, openid, first),
                      {"几个人": "1", **ANSWERS, **answers})
    return CASE_NO.search(await say(platform, openid, "确认")).group()


ASKED = [
    "进度 {phone}",
    "查一下手机150 2468 1357的案子",
    "我是{phone}，查进度",
    "进度，我电话150-2468-1357",
    "帮我同事查下进度，他电话{phone}，编号{no}",
    "{no}进度怎么样了，手机{phone}",
    "我老婆的案子{no}，她手机150|2468|1357，办到哪了",
    "进度 {tail}",
]


@pytest.mark.parametrize("asked", ASKED)
async def test_progress_with_another_payers_phone_or_case_number_shows_only_ones_own(
        platform, bot_server, asked):
    other = await _case_of(platform, "o-p6-owner", "永兴五金厂欠了我一年社保，我叫赵大勇",
                           单位="永兴五金厂", 称呼="赵大勇", 电话=OWNER_PHONE)
    me = "o-p6-asker"
    mine = await _case_of(platform, me, "宏达电子厂没给我交社保")
    typed = asked.format(phone=OWNER_PHONE, no=other, tail=other[-4:])
    reply = await say(platform, me, typed)
    for secret in OWNER_SECRETS:
        assert secret not in reply, (asked, reply)
    assert reply.count(other) <= typed.count(other), reply  # echoed at most, never listed
    listing = await say(platform, me, "进度")
    assert mine in listing and other not in listing, listing


async def test_a_new_account_typing_the_owners_phone_sees_no_case(platform, bot_server):
    other = await _case_of(platform, "o-p6-owner2", "永兴五金厂欠了我一年社保，我叫赵大勇",
                           单位="永兴五金厂", 称呼="赵大勇", 电话=OWNER_PHONE)
    for asked in ("进度", f"我手机号{OWNER_PHONE}，查进度", "150 2468 1357 查案子"):
        reply = await say(platform, "o-p6-newbie", asked)
        assert other not in reply, (asked, reply)
        for secret in OWNER_SECRETS:
            assert secret not in reply, (asked, reply)


# --- another agency ----------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["139|8765|4321", "(139)8765-4321", "+86 139 8765 4321",
                               "440113 19850612 260X"])
async def test_another_agency_cannot_find_the_case_by_a_number_typed_these_ways(
        platform, bot_server, http, q):
    case_no = await _case_of(platform, "o-p6-agency", FILED, 单位="永盛制衣厂",
                             称呼="陈志强", 电话="13987654321")
    court = {"Authorization": "Bearer dev-token-court"}
    async with http.get(bot_server.make_url("/api/cases"), headers=court,
                        params={"q": q}) as resp:
        body = await resp.text()
    assert case_no not in body and not shows("8765", body) and "陈志强" not in body, body


# --- second batch, written after the first passed whole: symbols a phone keyboard's emoji
# and symbol pages offer, brackets after +86, IDs split 6-6-6 or 10-8, Chinese numerals
# with spaces, and what must stay although arrows and × now sit near digits -----------------

TYPED_AGAIN = [
    ("手机139★8765★4321", "8765"),
    ("电话139❤️8765❤️4321", "8765"),
    ("电话139✨8765✨4321", "8765"),
    ("手机139→8765→4321", "8765"),
    ("手机139👍🏻8765👍🏻4321", "8765"),
    ("手机139｜8765｜4321", "8765"),
    ("电话 +86 (139) 8765-4321", "8765"),
    ("电话：壹叁玖 捌柒陆伍 肆叁贰壹", "8765"),
    ("座机020★8234★5678", "8234"),
    ("座机零二零-8234 5678", "8234"),
    ("座机 (0755) 8234-5678", "8234"),
    ("身份证 440113 198506 12260X", "198506"),
    ("身份证4401131985 0612260X", "19850612"),
    ("身份证 四四〇一一三 一九八五〇六一二 二六〇X", "19850612"),
    ("身份证：440113✨19850612✨260X", "19850612"),
    ("我妈身份证44011319600101003X也要写吗", "19600101"),
    ("身份证头12位是 4401 1319 8506", "198506"),
    ("身份证后面几位是0612 260X", "0612"),
]


@pytest.mark.parametrize(("typed", "secret"), TYPED_AGAIN)
def test_symbols_and_splits_from_the_keyboard_are_masked_on_cards_and_in_logs(typed, secret):
    for out in (safe_group_text(typed), scrub(typed)):
        assert not shows(secret, out), out


KEPT_AGAIN = [
    "20230512→20240512一直没交",
    "工资从4500→5000→5500，社保还是按3000交",
    "工资12000×12个月，单位一分没交",
    "打了12366→12345→都说找税务",
    "ZY20261127-0003→ZY20261127-0004 两个都是我的",
    "⭐⭐⭐⭐⭐ 5星好评",
    "2023|2024两年没交",
    "基数4500｜比例16%",
    "身份证后四位260X",
    "尾号4321的手机",
]


@pytest.mark.parametrize("text", KEPT_AGAIN)
def test_arrows_pipes_and_times_signs_near_amounts_and_dates_leave_them_alone(text):
    assert safe_group_text(text) == text
    assert scrub(text) == text


@pytest.mark.parametrize("query", ["139|8765|4321", "139😀8765😀4321", "(139)8765-4321"])
async def test_the_console_search_reads_these_separators_and_keeps_the_number_out_of_urls(
        platform, bot_server, signed_in, query):
    case_no = await _case_of(platform, "o-p6-console", "宏达电子厂没给我交社保",
                             电话="13987654321")
    tax, csrf = await signed_in("tax")
    async with tax.post("/console/cases", data={"csrf": csrf, "q": query}) as resp:
        page = await resp.text()
        urls = [str(resp.url)] + [h.headers.get("Location", "") for h in resp.history]
    assert case_no in page, page[:600]
    for url in urls:
        assert not shows("8765", url), url
    court, csrf = await signed_in("court")
    async with court.post("/console/cases", data={"csrf": csrf, "q": query}) as resp:
        assert case_no not in await resp.text()
