"""Personal data, eighth blind round (办理过程中严格保密，不得泄露缴费人信息), written blind:
Chinese numerals with Chinese commas between the groups, mixed Arabic and Chinese digits,
full-width +86 and landlines, extensions after 转, 15-digit old IDs (spaced, in Chinese
numerals), an X typed as the Roman numeral Ⅹ or split off, residence permits of HK/Macau
residents, credit cards and full-width bank cards, new-style passports and spaced permits —
on cards, deadline reminders and overdue notices, transfer and escalation notices, logs and
/metrics. What is not personal stays readable: employers' unified social credit codes and
tax numbers (the liaison needs them to act), organisation codes, court and arbitration case
numbers, document numbers, postcodes, date ranges written as figures and full-width case
numbers. Another agency learns nothing of a case from an error, a page or an export, and a
payer naming another payer's employer and name sees nothing of that case."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

import tests.test_console as console_tests
import tests.test_metrics_logging as logging_tests
from bot.handlers.contacts import contact_numbers, one_phone
from bot.privacy import scrub
from bot.store.models import Case, OutboxItem
from routing.cards import safe_group_text
from routing.scheduler import Scheduler
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_privacy_fresh4 import random_query_values_dropped
from tests.test_privacy_fresh6 import shows

capture = logging_tests.capture
signed_in = console_tests.signed_in

# (typed, what must not be readable). Mobile 139 8765 4321, landline 020-8234 5678,
# ID 440113 19850612 260X, old ID 440113 850612 263, card 6222 0212 3456 7890 123.
TYPED = [
    ("电话一三九，八七六五，四三二一", "8765"),
    ("手机号是1三9八7六5四3二1", "8765"),
    ("手机＋８６　１３９８７６５４３２１", "8765"),
    ("(+86)139-8765-4321", "8765"),
    ("手机 139 8765 432 1", "8765"),
    ("手机“13987654321”", "8765"),
    ("13987654321欠了我12000元", "8765"),
    ("我手机号码是１３９８７６５\n４３２１", "8765"),
    ("座机（０２０）８２３４５６７８", "8234"),
    ("座机020-82345678转806", "8234"),
    ("区号020，号码82345678", "8234"),
    ("老身份证440113850612263", "850612"),
    ("老身份证号 440113 850612 263", "850612"),
    ("身份证号码：四四零一一三八五零六一二二六三", "850612"),
    ("身份证44011319850612260 X", "19850612"),
    ("身份证44011319850612260Ⅹ", "19850612"),
    ("身份证号码440113 1985 06 12 260X", "19850612"),
    ("港澳居民居住证810000199001011234", "19900101"),
    ("信用卡4392 2500 1234 5678", "25001234"),
    ("卡号：６２２２　０２１２　３４５６　７８９０　１２３", "3456"),
    ("护照E12345678", "12345678"),
    ("往来港澳通行证 C 1234 5678", "12345678"),
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
    "欠缴期间20230501-20240430",
    "纳税人识别号914401013123456789",
    "单位税号：91440101MA59ABCD1X",
    "统一社会信用代码 9144 0101 MA5C ABCD 1X",
    "个体户营业执照92440101MA5ABCDE1Y",
    "组织机构代码12345678-9",
    "案号（2024）粤0118民初12345号",
    "增劳人仲案字〔2024〕1234号",
    "邮编511340",
    "缴费金额13,987.65元",
    "单位欠了我13987元",
    "2023年5月12日13时45分",
]


@pytest.mark.parametrize("text", KEPT)
def test_codes_case_numbers_amounts_and_dates_stay_on_cards_and_in_logs(text):
    assert safe_group_text(text) == text
    assert scrub(text) == text


def test_a_full_width_case_number_stays_readable():
    typed = "ＺＹ２０２６１１２７－０００３还没人管"
    for out in (safe_group_text(typed), scrub(typed)):
        assert shows("202611270003", out), out


def test_the_amount_after_a_phone_stays():
    for out in (safe_group_text("13987654321欠了我12000元"), scrub("13987654321欠了我12000元")):
        assert "12000元" in out, out


# --- through the gateway ---------------------------------------------------------------------

TAX = {"Authorization": "Bearer dev-token-tax"}
COURT = {"Authorization": "Bearer dev-token-court"}

FILED = ("新塘镇永盛制衣厂（统一社会信用代码91440101MA59ABCD1X）从2023年5月开始没给我交社保，"
         "欠了我12000元。我叫陈志强，电话一三九，八七六五，四三二一，"
         "老身份证440113 850612 263，工资卡６２２２　０２１２　３４５６　７８９０　１２３")
SECRETS = ("8765", "850612", "3456")


async def _file(platform, openid: str, first: str, **answers) -> str:
    await finish_form(platform, openid, await say(platform, openid, first),
                      {"几个人": "1", **ANSWERS, **answers})
    return CASE_NO.search(await say(platform, openid, "确认")).group()


async def _settled(fake_webhook, at_least: int) -> list:
    posts = await fake_webhook.posts.wait_for(at_least)
    while True:
        await asyncio.sleep(0.4)
        more = await fake_webhook.posts.wait_for(len(posts))
        if len(more) == len(posts):
            return more
        posts = more


async def test_the_card_masks_the_payers_numbers_and_keeps_the_employers_code(
        platform, bot_server, fake_webhook):
    case_no = await _file(platform, "o-p8-card", FILED, 单位="永盛制衣厂", 称呼="陈志强")
    pushed = json.dumps(await _settled(fake_webhook, 1), ensure_ascii=False)
    assert case_no in pushed and "12000" in pushed, pushed
    assert "91440101MA59ABCD1X" in pushed, pushed
    for secret in SECRETS:
        assert not shows(secret, pushed.replace(case_no, "")), (secret, pushed)


async def test_deadline_reminders_and_overdue_notices_mask_the_numbers(
        platform, bot_server, config):
    case_no = await _file(platform, "o-p8-remind", FILED, 单位="永盛制衣厂",
                          称呼="陈志强 13987654321")
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    scheduler = Scheduler(bot_server.app["services"].sessionmaker, config)
    assert await scheduler.run_once(case.deadline - timedelta(hours=20)) >= 1
    assert await scheduler.run_once(case.deadline + timedelta(minutes=1)) >= 1
    rows = await fetch(config.database_url, OutboxItem, case_id=case.id)
    kinds = {r.payload.get("kind") for r in rows if r.channel == "webhook"}
    assert {"due_soon", "overdue"} <= kinds, kinds
    told = json.dumps([r.payload for r in rows if r.channel == "webhook"
                       and r.payload.get("kind") in ("due_soon", "overdue", "overdue_co",
                                                     "due_soon_co")], ensure_ascii=False)
    assert case_no in told, told
    for secret in SECRETS:
        assert not shows(secret, told.replace(case_no, "")), (secret, told)


@pytest.mark.parametrize(("action", "body"), [
    ("transfer", {"agency": "hrss", "reason": "缴费人老身份证440113 850612 263，电话一三九，八七六五，"
                                          "四三二一，属劳动关系争议"}),
    ("escalate", {"reason": "涉及多人，缴费人工资卡６２２２　０２１２　３４５６　７８９０　１２３"
                            "一直没到账，电话(+86)139-8765-4321"}),
])
async def test_transfer_and_escalation_notices_mask_numbers_in_the_reason(
        platform, bot_server, http, fake_webhook, action, body):
    case_no = await _file(platform, "o-p8-move", "宏达电子厂没给我交社保")
    before = len(await _settled(fake_webhook, 1))
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/{action}"), headers=TAX,
                         json=body) as resp:
        assert resp.status == 200, await resp.text()
    posts = await _settled(fake_webhook, before + 1)
    pushed = json.dumps(posts[before:], ensure_ascii=False).replace(case_no, "")
    for secret in SECRETS:
        assert not shows(secret, pushed), (secret, pushed)


async def test_logs_and_metrics_keep_the_numbers_of_the_story_out(
        platform, bot_server, http, capture):
    read, _stream = capture
    case_no = await _file(platform, "o-p8-logs", FILED, 单位="永盛制衣厂", 称呼="陈志强")
    for path in ("/api/cases/440113850612263", "/api/cases/一三九八七六五四三二一",
                 f"/api/cases/{case_no}"):
        async with http.get(bot_server.make_url(path), headers=TAX) as resp:
            assert resp.status < 500
    async with http.get(bot_server.make_url("/metrics")) as resp:
        metrics = await resp.text()
    await asyncio.sleep(0.2)
    logged = random_query_values_dropped(json.dumps(read(), ensure_ascii=False))
    assert read(), "nothing was logged"
    labels = "\n".join(line.rsplit(" ", 1)[0] for line in metrics.splitlines()
                       if not line.startswith("#"))
    for secret in SECRETS:
        assert not shows(secret, logged.replace(case_no, "")), (secret, logged[-1500:])
        assert not shows(secret, labels.replace(case_no, "")), (secret, labels[-1500:])


# --- another agency; another payer -------------------------------------------------------------

async def test_another_agency_learns_nothing_from_errors_pages_or_exports(
        platform, bot_server, http, signed_in):
    case_no = await _file(platform, "o-p8-agency", FILED, 单位="永盛制衣厂", 称呼="陈志强",
                          电话="15024681357")
    seen = []
    for method, path, body in (("GET", f"/api/cases/{case_no}", None),
                               ("POST", f"/api/cases/{case_no}/note", {"text": "看看"}),
                               ("POST", f"/api/cases/{case_no}/accept", {}),
                               ("GET", "/api/cases?q=新塘", None),
                               ("GET", "/api/cases?q=15024681357", None)):
        async with http.request(method, bot_server.make_url(path), headers=COURT,
                                json=body) as resp:
            assert resp.status < 500
            seen.append(await resp.text())
    court, _csrf = await signed_in("court")
    for path in (f"/console/cases/{case_no}", "/console/cases?q=新塘",
                 "/console/export.csv?from=2020-01-01"):
        async with court.get(path) as resp:
            assert resp.status < 500
            seen.append(await resp.text())
    for shown in seen:
        for secret in ("陈志强", "永盛", "2468", "12000", "91440101MA59ABCD1X"):
            assert secret not in shown, (secret, shown[:1500])


@pytest.mark.parametrize("asked", [
    "永盛制衣厂陈志强的案子办到哪了",
    "我是陈志强，永盛制衣厂那个，查进度",
    "帮我查一下永盛制衣厂的投诉进度",
    "陈志强 进度",
])
async def test_a_payer_naming_anothers_employer_and_name_sees_nothing_of_that_case(
        platform, bot_server, asked):
    other = await _file(platform, "o-p8-owner", FILED, 单位="永盛制衣厂", 称呼="陈志强",
                        电话="15024681357")
    me = "o-p8-asker"
    mine = await _file(platform, me, "宏达电子厂没给我交社保")
    reply = await say(platform, me, asked)
    assert other not in reply, reply
    for secret in ("2468", "12000", "91440101MA59ABCD1X", "2023年5月"):
        assert secret not in reply, (asked, reply)
    listing = await say(platform, me, "进度")
    assert mine in listing and other not in listing, listing


# --- second batch, still blind: more of what payers type, more of what must stay -------------

TYPED_MORE = [
    ("电话是：139，8765，4321", "8765"),
    ("电话139-八七六五-4321", "8765"),
    ("手机 一 三 九 八 七 六 五 四 三 二 一", "8765"),
    ("电话幺三九八七六五四三二幺", "8765"),
    ("身份证号是440113一九八五0612260X", "19850612"),
    ("身份证四四零幺幺三幺九八五零六幺二二六零X", "19850612"),
    ("家里电话8234 5678", "8234"),
    ("银行账号44050151010900001234", "51010900"),
    ("公积金账号 8012345678901", "2345678"),
    ("邮箱987654321@qq.com", "98765432"),
    ("QQ号：987654321", "98765432"),
]


@pytest.mark.parametrize(("typed", "secret"), TYPED_MORE)
def test_more_numbers_typed_this_way_are_masked_on_cards_and_in_logs(typed, secret):
    for out in (safe_group_text(typed), scrub(typed)):
        assert not shows(secret, out), out


KEPT_MORE = [
    "出生1985年6月12日，2015年入职",
    "2023年5月-2024年4月，共12个月，每月4500元",
    "工资13987元/月，合计139876元",
    "《社会保险法》第63条、第86条",
    "打过12333、12366、12345、110",
    "粤人社规〔2023〕12号",
    "穗增税通〔2024〕12345号税务事项通知书",
    "发票号码12345678",
    "工资单流水号202305121234567890",
]


@pytest.mark.parametrize("text", KEPT_MORE)
def test_documents_serials_amounts_and_dates_stay(text):
    assert safe_group_text(text) == text
    assert scrub(text) == text


async def test_a_new_phone_in_chinese_numerals_with_commas_updates_the_case_masked(
        platform, bot_server, fake_webhook):
    openid = "o-p8-newphone"
    case_no = await _file(platform, openid, "宏达电子厂没给我交社保")
    before = len(await _settled(fake_webhook, 1))
    reply = await say(platform, openid, "我电话换了，一三九，八七六五，四三二一")
    assert case_no in reply and "139****4321" in reply, reply
    posts = await _settled(fake_webhook, before + 1)
    pushed = json.dumps(posts[before:], ensure_ascii=False).replace(case_no, "")
    assert "电话" in pushed, pushed
    assert not shows("8765", pushed), pushed


async def test_the_owning_agencys_list_pages_and_statistics_mask_or_omit_the_numbers(
        platform, bot_server, http, signed_in):
    case_no = await _file(platform, "o-p8-lists", FILED, 单位="永盛制衣厂", 称呼="陈志强",
                          电话="15024681357")
    seen = {}
    for path in ("/api/cases?q=新塘", "/api/cases", "/api/stats"):
        async with http.get(bot_server.make_url(path), headers=TAX) as resp:
            assert resp.status == 200
            seen[path] = await resp.text()
    tax, _csrf = await signed_in("tax")
    for path in ("/console/cases", "/console/cases?q=15024681357", "/console/stats",
                 "/console/stats.csv"):
        async with tax.get(path) as resp:
            assert resp.status == 200
            seen[path] = await resp.text()
    assert case_no in seen["/api/cases"] and case_no in seen["/console/cases?q=15024681357"]
    for path, shown in seen.items():
        for secret in SECRETS + ("2468",):
            assert not shows(secret, shown.replace(case_no, "")), (path, secret)
    for path in ("/api/stats", "/console/stats", "/console/stats.csv"):
        for secret in ("陈志强", "永盛"):
            assert secret not in seen[path], (path, secret)


# --- third batch, written after reading the code: what the reference-number exemption and the
# comma-read phone must not take ---------------------------------------------------------------

@pytest.mark.parametrize(("typed", "secret"), [
    ("个人税号44011319850612260X", "19850612"),
    ("我的纳税人识别号就是身份证：440113198506122 60X", "19850612"),
    ("纳税人识别号 4401 1319 8506 1226 0X", "19850612"),
    ("流水号13987654321", "8765"),
    ("发票号码 1 3 9 8 7 6 5 4 3 2 1", "8765"),
    ("订单号备注了我电话139-8765-4321", "8765"),
])
def test_a_persons_id_or_phone_after_a_reference_word_is_still_masked(typed, secret):
    for out in (safe_group_text(typed), scrub(typed)):
        assert not shows(secret, out), out


@pytest.mark.parametrize("reply", ["150，2000，3000元", "13，14，15号都去了", "2023，2024，2025"])
def test_a_list_of_figures_with_commas_is_not_taken_for_a_new_phone(reply):
    assert one_phone(reply) is None and contact_numbers(reply) == []
