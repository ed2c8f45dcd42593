"""Numbers as payers send them that reached group cards and logs unmasked, and an employer's
public code that was masked although the liaison needs it (bot/privacy.py, privacy.yaml).

Each case went through the real gateway to the fake WeCom robots before the fix: a landline
written the international way (+86 20 8765 4321), a mobile read out in 3-4-4 groups with
commas or slashes (voice-to-text writes 138，1234，5678), the rest of a number sent as its
own message after 我电话138, an ID typed in pairs; and 统一社会信用代码 914401013123456789
came out as 914***********6789 (an ID/card shape).
"""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logging_setup import setup_logging
from bot.privacy import mask_phone, scrub
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

# (typed, fragment that must be gone, expected text)
LEAKED = [
    ("家里座机+86 20 8765 4321", "8765", "家里座机+86 20 **** 4321"),
    ("打我电话+86-755-12345678", "1234", "打我电话+86-755-****5678"),
    ("座机＋86 (20) 8765 4321", "8765", "座机＋86 (20) **** 4321"),
    ("0086 10 8765 4321", "8765", "0086 10 **** 4321"),
    ("我老婆电话一三八，一二三四，五六七八", "一二三四", "我老婆电话一三八，****，五六七八"),
    ("备用138/1234/5678", "1234", "备用138/****/5678"),
    ("手机138,1234,5678", "1234", "手机138,****,5678"),
    ("138、1234、5678", "1234", "138、****、5678"),
    ("12345678", "1234", "****5678"),
    (" 1234 5678 ", "1234", " **** 5678 "),
    ("身份证 44 01 06 19 90 01 01 12 34", "19 90", "身份证 44 0* ** ** ** ** ** 12 34"),
]

# Must come out unchanged: the employer's public codes, bare dates, amounts.
KEPT = [
    "统一社会信用代码914401013123456789，单位叫宏达",
    "统一社会信用代码：91440101MA5CXXXX1X",
    "社会信用代码 9144010631234567X8",
    "信用代码是91440101 312345678 X",
    "工商注册号440106000123456",
    "20240301", "2024-03-01", "1990 01 01", "1200000.0", "3000000.50",
    "150，2000，3000元", "工资4500 5000 5500 6000元", "13,14,15", "2019/2020/2021",
]


@pytest.mark.parametrize(("typed", "secret", "expected"), LEAKED)
def test_numbers_typed_these_ways_are_masked(typed, secret, expected):
    out = scrub(typed)
    assert secret not in out
    assert out == expected


@pytest.mark.parametrize("text", KEPT)
def test_employer_codes_dates_and_amounts_are_left_alone(text):
    assert scrub(text) == text


def test_an_employer_code_beside_the_payers_own_numbers_masks_only_theirs():
    out = scrub("信用代码91440101MA5CXXXX1X，我电话13812345678，身份证440106199001011234")
    assert out == "信用代码91440101MA5CXXXX1X，我电话138****5678，身份证440***********1234"


def test_a_payers_id_after_tax_number_words_is_still_masked():
    """For a person the 纳税人识别号 is the ID number: only employer-code words exempt."""
    assert scrub("税号440106199001011234") == "税号440***********1234"


def test_mask_phone_reads_an_international_landline():
    assert mask_phone("+86 20 8765 4321") == "+86 20 **** 4321"
    assert mask_phone("+8613812345678") == "+86138****5678"


def test_log_lines_mask_the_new_ways_of_typing_a_number():
    """A number alone counts as a phone only as a whole message, not inside a log line."""
    typed_in_text = [row for row in LEAKED if not row[0].replace(" ", "").isdigit()]
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    setup_logging(level="DEBUG", fmt="json", stream=stream)
    try:
        for typed, _secret, _expected in typed_in_text:
            logging.getLogger("disputebot.test").error("could not handle %r", typed)
        try:
            raise ValueError("bad phone: +86-755-12345678")
        except ValueError:
            logging.getLogger("disputebot.test").exception("handler failed")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == len(typed_in_text) + 1
    for line, (_typed, secret, _expected) in zip(lines, typed_in_text):
        assert secret not in line["event"]
    assert "12345678" not in lines[-1]["exc"]


FILED = ("我叫王五，电话13912345678，家里座机+86 20 8765 4321，新塘镇宏达电子厂欠了我半年社保，"
         "统一社会信用代码914401011357902468，要求补缴")


async def test_group_cards_mask_the_new_ways_and_keep_the_employer_code(
        platform, bot_server, http, fake_webhook):
    """Filing, supplements after a liaison's request (one number sent in two pieces), an
    urge and a co-handler's note: every push to a group is checked."""
    openid = "o-privacy-fresh"
    reply = await finish_form(platform, openid, await say(platform, openid, FILED), ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/request-info"),
                         headers={"Authorization": "Bearer dev-token-tax"},
                         json={"text": "请留一个家属的联系电话"}) as resp:
        assert resp.status == 200
    for message in ("我老婆电话一三八，一二三四，五六七八", "备用138/1234/5678", "我电话137",
                    "22223333"):
        await say(platform, openid, message)
    await say(platform, openid, "能不能快点，打我电话+86-755-12345678")
    async with http.post(bot_server.make_url(f"/api/cases/{case_no}/note"),
                         headers={"Authorization": "Bearer dev-token-hrss"},
                         json={"text": "已按+86 20 8765 4321联系缴费人"}) as resp:
        assert resp.status == 200
    posts = await fake_webhook.posts.wait_for(8)
    pushed = json.dumps(posts, ensure_ascii=False)
    assert "请核对登记内容" in reply and len(posts) >= 8
    for secret in ("8765", "一二三四", "/1234/", "2222", "12345678"):
        assert secret not in pushed
    assert "914401011357902468" in posts[0]["body"]["markdown"]["content"]
    assert "+86 20 **** 4321" in pushed and "一三八，****，五六七八" in pushed
    assert "****3333" in pushed
