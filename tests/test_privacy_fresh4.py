"""Personal data, fourth blind round: numbers written the ways payers really type them
(dots, 0086, 幺, landline extensions, bank cards, 15-digit IDs, VX/扣扣), numbers inside a
unit name, a wish or a period, a file's name, a number split over two messages, a payer
asking about someone else's case, a liaison's text carrying a payer's number to another
group, and the logs and /metrics of a whole filing."""
from __future__ import annotations

import json
import re

import pytest

from bot.nlu import dataset
from bot.nlu.entities import EntityExtractor
from bot.nlu.normalize import Normalizer
from bot.privacy import scrub
from bot.simulator import message_xml
from routing.cards import render_card, safe_group_text
from routing.rules import load_rules
from tests import test_metrics_logging as logging_tests
from tests.test_console import sign_in
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_routing_cards import AGENCY_NAMES, CONFIG, make_case

capture = logging_tests.capture

# (typed, fragment that must be gone)
NUMBERS = [
    ("电话138.1234.5678", "1234"),
    ("手机 0086 139 8765 4321", "8765"),
    ("(+86)13987654321", "8765"),
    ("86-139-8765-4321", "8765"),
    ("电话幺三九八七六五四三二幺", "八七六五"),
    ("手机号138一二三四5678", "一二三四"),
    ("座机020-82345678转803", "2345"),
    ("单位电话 0755 2345 6789 分机 12", "2345 6789"),
    ("老身份证440106900101123", "900101"),
    ("身份证 4401 0619 9001 0112 3x", "9001 0112"),
    ("身份证号：440106-19900101-123X", "19900101"),
    ("工资卡 6222 0212 3456 7890 123", "3456 7890"),
    ("银行卡号6217001234567890", "12345678"),
    ("卡号：6228-4800-1234-5678-912", "1234-5678"),
    ("加我VX: zhang_wei-88", "zhang_wei"),
    ("v信 zhangwei88 随时联系", "zhangwei"),
    ("扣扣 987654321", "87654"),
    ("QQ：９８７６５４３２１", "８７６５４"),
]

# What the liaison needs and must stay as typed.
KEPT = [
    "统一社会信用代码91440101MA5C123456", "欠缴2023.3-2024.5共14个月", "工资8000.00元",
    "12345热线打过了", "单位在增城区新塘镇港口大道28号", "社保基数4500元，单位按3000元交",
    "去年住院3天花了4500", "我住院花了4500，单位不给报", "我住荔城，单位在新塘", "住房公积金交了36个月", "住宿费300一个月，扣扣搜搜的",
    "护照丢了", "wx同号", "138xxxx5678", "身份证尾号1234",
]


@pytest.mark.parametrize(("typed", "secret"), NUMBERS)
def test_numbers_typed_these_ways_never_reach_a_group_card(typed, secret):
    shown = safe_group_text(typed)
    assert secret not in shown, shown
    assert "*" in shown, shown


@pytest.mark.parametrize(("typed", "secret"), NUMBERS)
def test_numbers_typed_these_ways_are_scrubbed_for_logs(typed, secret):
    assert secret not in scrub(typed)


@pytest.mark.parametrize("text", KEPT)
def test_what_the_liaison_needs_stays_on_the_card(text):
    assert safe_group_text(text) == text


@pytest.fixture(scope="module")
def rules():
    return load_rules(config_raw=CONFIG)


def _card(rules, **fields) -> str:
    case = make_case(**fields)
    route = rules.route(case["category"], case["severity"], case["severity_reasons"],
                        case["jurisdiction"], case["description"])
    return render_card(case, route, AGENCY_NAMES)


@pytest.mark.parametrize(("field", "typed", "secret"), [
    ("employer", "宏达电子厂（老板手机139.8765.4321）", "8765"),
    ("employer", "宏达电子厂 老板微信hongda_boss88", "hongda_boss"),
    ("desired_outcome", "补缴，有事打幺三九八七六五四三二幺", "八七六五"),
    ("desired_outcome", "退到我卡上6222021234567890123", "12345678"),
    ("period", "2024年3月至今，电话0086 13987654321", "8765"),
    ("period", "2023.3-2024.5 身份证440106900101123", "900101"),
    ("description", ("公司欠缴社保，我的工资卡6217 0012 3456 7890，"
                     "老身份证440106900101123"), "3456 7890"),
    ("description", "我叫王小明，住荔城街道富鹏路23号501房，手机138.1234.5678", "501"),
])
def test_a_number_in_any_field_is_masked_on_the_card(rules, field, typed, secret):
    card = _card(rules, **{field: typed})
    assert secret not in card, card


def test_the_payers_name_and_home_in_the_description_are_masked_but_the_story_stays(rules):
    card = _card(rules, name="王小明", description="我叫王小明，家住荔城街道富鹏路23号501房，"
                 "宏达电子厂从2024年3月起没给我交社保")
    assert "小明" not in card and "501" not in card
    assert "宏达电子厂从2024年3月起没给我交社保" in card and "富鹏路" in card


# --- through the gateway ---------------------------------------------------------------------

FILED = ("增城区新塘镇宏达电子厂从2024年3月开始没给我交社保，工资8000元，厂里20个人。"
         "我叫王小明，老身份证440106900101123，工资卡6222 0212 3456 7890 123，"
         "v信 wangxm_1990，手机 0086 139 8765 4321")
SECRETS = ("900101", "3456 7890", "wangxm", "8765", "小明", "幺三九")


async def _posts_until(fake_webhook, word: str, at_least: int) -> list:
    posts = await fake_webhook.posts.wait_for(at_least)
    while word not in json.dumps(posts, ensure_ascii=False):
        seen = len(posts)
        posts = await fake_webhook.posts.wait_for(seen + 1)
        assert len(posts) > seen, f"{word} never reached a group"
    return posts


CALLBACK_QUERY = re.compile(r"\b(signature|msg_signature|nonce|timestamp)=[0-9a-fA-F]+")
CLOCK_AND_SIZES = re.compile(
    r'"ts": ?"[^"]*"|"duration_ms": ?[\d.]+|\[\d\d/\w+/\d{4}:[\d:]+ [+-]\d{4}\]'
    r'|(HTTP/1\.1\\?" \d{3}) \d+')


def random_query_values_dropped(logged: str) -> str:
    """The log without what varies by chance: a signature or nonce in hex, a timestamp's
    milliseconds, a duration ("duration_ms":82.34 reads as 8234 across the dot) or a
    response's size holds "501" or "1234" now and then (flaky failures three times) and is
    no payer's text."""
    return CLOCK_AND_SIZES.sub(lambda m: m.group(1) or "", CALLBACK_QUERY.sub(r"\1=…", logged))


async def test_a_whole_filing_keeps_numbers_out_of_cards_logs_and_metrics(
        platform, bot_server, http, fake_webhook, capture):
    read, stream = capture
    openid = "o-privacy-fresh4"
    answers = dict(ANSWERS, 称呼="王小明", 电话="幺三九 八七六五 四三二幺")
    summary = await finish_form(platform, openid, await say(platform, openid, FILED), answers)
    # The bank card typed in groups is no landline: the mobile in the story is the contact.
    assert "联系电话：139****4321" in summary and "021" not in summary, summary
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    # A number split over two messages, and a file whose name carries the phone.
    for message in ("我补充一下，我另一个手机号是138 1234", "5678，晚上打这个"):
        await say(platform, openid, message)
    await platform.post(message_xml(openid, "file", {
        "Title": "王小明_13812345678_身份证440106900101123.pdf", "Description": "",
        "FileKey": "k", "FileMd5": "0" * 32, "FileTotalLen": "1024"}))
    posts = await _posts_until(fake_webhook, "5678", 2)
    async with http.get(bot_server.make_url("/metrics")) as resp:
        metrics = await resp.text()
    pushed = json.dumps(posts, ensure_ascii=False)
    logged = random_query_values_dropped(" ".join(
        str(v) for line in read() for k, v in line.items()
        if k != "ts" and not isinstance(v, (int, float))))
    metrics = "\n".join(line.rsplit(" ", 1)[0] for line in metrics.splitlines()
                         if not line.startswith("#"))  # names and labels: values are counts, times
    assert case_no in pushed
    assert "宏达电子厂" in pushed and "工资8000元" in pushed
    for secret in SECRETS + ("1234 5678", "12345678", "1234\n5678", "021-"):
        assert secret not in pushed, secret
    for secret in SECRETS + ("12345678", "1234", "王小明", "宏达", "工资卡", "身份证"):
        assert secret not in logged, secret
        assert secret not in metrics, secret
        assert secret.isdigit() or secret not in stream.getvalue(), secret  # any line at all
    levels = {line["level"] for line in read()}
    assert "debug" in levels or "info" in levels


async def test_asking_progress_with_someone_elses_number_or_from_a_new_account_shows_nothing(
        platform, bot_server, http):
    owner = "o-privacy-fresh4-owner"
    await finish_form(platform, owner, await say(platform, owner,
                      "永兴五金厂欠了我一年社保，我叫赵大勇"), dict(ANSWERS, 单位="永兴五金厂",
                                                               称呼="赵大勇"))
    case_no = CASE_NO.search(await say(platform, owner, "确认")).group()
    stranger = "o-privacy-fresh4-stranger"
    for asked in (f"进度 {case_no}", f"帮我查下{case_no}到哪一步了", f"查询{case_no[-4:]}号",
                  f"我换了个微信号，原来的案子{case_no}，手机13912345678，查下进度"):
        reply = await say(platform, stranger, asked)
        for secret in ("永兴", "赵", "五金", "139****5678", "一年"):
            assert secret not in reply, (asked, reply)


async def test_a_liaisons_text_carrying_a_payers_number_is_masked_in_other_groups(
        platform, bot_server, http, fake_webhook):
    openid = "o-privacy-fresh4-liaison"
    await finish_form(platform, openid, await say(platform, openid,
                      "宏达电子厂没给我交社保"), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    await fake_webhook.posts.wait_for(1)
    hrss = {"Authorization": "Bearer dev-token-hrss"}
    tax = {"Authorization": "Bearer dev-token-tax"}
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/note"), headers=hrss,
                         json={"text": "已电话联系缴费人 139.1234.5678，另留身份证"
                                       "440106900101123 工资卡6217001234567890"}) as resp:
        assert resp.status == 200, await resp.text()
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/transfer"), headers=tax,
                         json={"to": "healthcare",
                               "reason": "医保部分，缴费人电话幺三九一二三四五六七八"}) as resp:
        transferred = resp.status
    posts = await _posts_until(fake_webhook, "已电话联系", 2)
    if transferred == 200:
        posts = await _posts_until(fake_webhook, "医保部分", len(posts) + 1)
    pushed = json.dumps(posts, ensure_ascii=False)
    for secret in ("1234.5678", "900101", "12345678", "一二三四五六"):
        assert secret not in pushed, secret


async def test_another_agency_cannot_find_or_read_a_case_by_the_payers_number(
        platform, bot_server, http, aiohttp_client):
    openid = "o-privacy-fresh4-agency"
    await finish_form(platform, openid, await say(platform, openid,
                      "宏达电子厂没给我交社保"), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    court = {"Authorization": "Bearer dev-token-court"}
    for q in ("13912345678", "139 1234 5678", "5678", "李四", case_no[-4:]):
        async with http.get(bot_server.make_url("/api/cases"), headers=court,
                            params={"q": q}) as resp:
            body = await resp.text()
        assert case_no not in body and "13912345678" not in body, (q, body)
    async with http.get(bot_server.make_url(f"/api/cases/{case_no}"), headers=court) as resp:
        assert resp.status in (403, 404)
        assert "13912345678" not in await resp.text()
    client = await aiohttp_client(bot_server)
    await sign_in(client, "court")
    async with client.get(f"/console/cases/{case_no}") as resp:
        page = await resp.text()
    assert "13912345678" not in page and "李四" not in page
    async with client.get("/console/cases", params={"q": "13912345678"}) as resp:
        assert case_no not in await resp.text()
    async with client.get("/console/export.csv", params={"from": "2020-01-01"}) as resp:
        exported = await resp.text()
    assert case_no not in exported and "13912345678" not in exported and "李四" not in exported
    async with http.get(bot_server.make_url("/api/cases"), headers=court,
                        params={"agency": "tax"}) as resp:
        assert case_no not in await resp.text()


MORE_NUMBERS = [
    ("老身份证 440106 900101 123", "900101"),
    ("座机 82345678-803 找财务", "2345678"),
    ("电话：(020)8234-5678 转 803", "8234-5678"),
    ("微信号是 wxid_k2j3h4g5f6", "k2j3h4"),
    ("VX同手机号13987654321", "8765"),
    ("企鹅 987654321", "87654"),
    ("Q号：987654321", "87654"),
    ("wx: zhangwei88", "zhangwei"),
    ("抖音号 zw88888888", "8888888"),
    ("护照 E12345678", "2345"),
    ("港澳通行证C12345678", "2345"),
]


@pytest.mark.parametrize(("typed", "secret"), MORE_NUMBERS)
def test_more_ways_of_typing_a_number_are_masked(typed, secret):
    assert secret not in safe_group_text(typed)
    assert secret not in scrub(typed)


async def test_the_leads_result_and_escalation_reason_reach_other_groups_masked(
        platform, bot_server, http, fake_webhook, fake_api):
    openid = "o-privacy-fresh4-result"
    await finish_form(platform, openid, await say(platform, openid,
                      "宏达电子厂没给我交社保，厂里20个人"), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    await fake_webhook.posts.wait_for(1)
    tax = {"Authorization": "Bearer dev-token-tax"}
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/escalate"), headers=tax,
                         json={"reason": "涉及多人，缴费人（身份证440106900101123，"
                                         "电话139 1234 5678）情绪激动"}) as resp:
        assert resp.status == 200, await resp.text()
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/resolve"), headers=tax,
                         json={"result": "单位已补缴，已电话告知缴费人（139-1234-5678）"}) as resp:
        assert resp.status == 200, await resp.text()
    posts = await _posts_until(fake_webhook, "补缴", 3)
    pushed = json.dumps(posts, ensure_ascii=False)
    for secret in ("900101", "1234 5678", "1234-5678"):
        assert secret not in pushed, secret


async def test_another_agency_at_the_terminal_cannot_find_the_case_by_the_payers_number(
        platform, bot_server, config, capsys):
    from tests.test_cases_cli import run

    openid = "o-privacy-fresh4-cli"
    await finish_form(platform, openid, await say(platform, openid,
                      "宏达电子厂没给我交社保"), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    capsys.readouterr()
    for q in ("13912345678", "李四", "5678"):
        await run(config, "case", "list", "--agency", "court", "--search", q)
        assert case_no not in capsys.readouterr().out
    assert await run(config, "case", "show", case_no, "--agency", "court") == 3
    assert "13912345678" not in "".join(capsys.readouterr())
    assert await run(config, "case", "show", case_no, "--agency", "tax") == 0
    shown = capsys.readouterr().out
    assert case_no in shown and "13912345678" not in shown


async def test_the_payers_name_in_later_messages_and_notes_is_masked_like_on_the_card(
        platform, bot_server, http, fake_webhook):
    """The card shows 王**; what follows it to the same groups must not undo that."""
    openid = "o-privacy-fresh4-name"
    await finish_form(platform, openid, await say(platform, openid,
                      "宏达电子厂没给我交社保"), dict(ANSWERS, 称呼="王小明"))
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    await fake_webhook.posts.wait_for(1)
    await say(platform, openid, "我补充一下，我是王小明，单位4月又扣了我社保的钱")
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/note"),
                         headers={"Authorization": "Bearer dev-token-hrss"},
                         json={"text": "已联系王小明本人，核实单位2024年起未申报"}) as resp:
        assert resp.status == 200, await resp.text()
    posts = await _posts_until(fake_webhook, "未申报", 3)
    pushed = json.dumps(posts, ensure_ascii=False)
    assert "扣了我社保的钱" in pushed and "王**" in pushed
    assert "王小明" not in pushed and "小明" not in pushed


async def test_a_refused_or_failing_group_push_logs_and_alerts_no_payer_text(
        platform, bot_server, http, fake_webhook, capture):
    read, stream = capture
    fake_webhook.posts.fail_next = [93000, 500]
    openid = "o-privacy-fresh4-refused"
    story = "宏达电子厂没给我交社保，我叫王小明，手机 0086 139 8765 4321，家住富鹏路23号501房"
    await finish_form(platform, openid, await say(platform, openid, story),
                      dict(ANSWERS, 称呼="王小明"))
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    posts = await fake_webhook.posts.wait_for(1)
    pushed = json.dumps(posts, ensure_ascii=False)
    logged = random_query_values_dropped(stream.getvalue())
    assert case_no in logged or case_no in pushed
    for secret in ("8765", "王小明", "501", "富鹏路", "没给我交"):
        assert secret not in logged, secret
    for secret in ("8765", "王小明", "501"):
        assert secret not in pushed, secret
    assert read()


@pytest.mark.parametrize(("typed", "phones"), [
    ("工资卡6222 0212 3456 7890 123", []),
    ("卡号6217-0012-3456-7890", []),
    ("工资卡6222 0212 3456 7890 123，座机020-82345678", ["020-82345678"]),
    ("电话 (020)82345678", ["020-82345678"]),
])
def test_a_bank_card_typed_in_groups_is_never_taken_for_the_contact_phone(typed, phones):
    """Before: 6222 0212 3456 7890 became the case's phone 0212-34567890, so the form never
    asked for one and the liaison had a number that reaches nobody."""
    rules = dataset.load_rules()
    extractor = EntityExtractor(rules["entities"], ["新塘镇"])
    found = extractor.extract(Normalizer(rules["replacements"])(typed))
    assert [e.value for e in found if e.type == "phone"] == phones
