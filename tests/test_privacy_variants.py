"""Phone and ID numbers as payers type them on a phone, and what must stay readable.

Each positive names the digits that must never reach a group card or a log line (the middle
of a mobile, the local part of a landline, the birth date of an ID); each negative must come
out of :func:`bot.privacy.scrub` unchanged.
"""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logging_setup import setup_logging
from bot.privacy import mask_id_number, mask_phone, scrub
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say
from tests.test_dialogue_robustness import to_question

# (typed text, fragment that must be gone, expected masked text or None to skip the check)
POSITIVES = [
    ("电话一三八一二三四五六七八", "一二三四", "电话一三八****五六七八"),
    ("电话幺三八幺二三四五六七八", "幺二三四", "电话幺三八****五六七八"),
    ("电话壹叁捌壹贰叁肆伍陆柒捌", "壹贰叁肆", "电话壹叁捌****伍陆柒捌"),
    ("幺三八幺两三四五六七八", "幺两三四", "幺三八****五六七八"),
    ("一三八洞洞洞洞五六七八", "洞洞洞洞", "一三八****五六七八"),
    ("一三八零零零零五六七八", "零零零零", "一三八****五六七八"),
    ("一三八〇〇〇〇五六七八", "〇〇〇〇", "一三八****五六七八"),
    ("一三八 一二三四 五六七八", "一二三四", "一三八 **** 五六七八"),
    ("138一二三四5678", "一二三四", "138****5678"),
    ("电话13８1234五六七八", "1234", "电话13８****五六七八"),
    ("一38一234五六78", "一234", "一38****五六78"),
    ("138.1234.5678", "1234", "138.****.5678"),
    ("138 1234-5678", "1234", "138 ****-5678"),
    ("1 3 8 1 2 3 4 5 6 7 8", "1 2 3 4", "1 3 8 * * * * 5 6 7 8"),
    ("138 - 1234 - 5678", "1234", "138 - **** - 5678"),
    ("1381-2345-678", "2345", "138*-***5-678"),
    ("+8613812345678", "1234", "+86138****5678"),
    ("0086 13812345678", "1234", "0086 138****5678"),
    ("008613812345678", "1234", "0086138****5678"),
    ("86-138-1234-5678", "1234", "86-138-****-5678"),
    ("１３８ １２３４ ５６７８", "１２３４", "１３８ **** ５６７８"),
    ("电话13812345678找我", "1234", "电话138****5678找我"),
    ("我叫张三13812345678", "1234", "我叫张三138****5678"),
    ("我叫张三一三八一二三四五六七八", "一二三四", "我叫张三一三八****五六七八"),
    ("电话13812345678一直打不通", "1234", "电话138****5678一直打不通"),
    ("手机13812345678，备用一三九八七六五四三二一", "八七六五", None),
    ("13812345678 13987654321", "8765", "138****5678 139****4321"),
    ("020 1234 5678", "1234", "020 **** 5678"),
    ("0752 123 4567", "123", "0752 *** *567"),
    ("零七五二一二三四五六七", "一二三四", "零七五二****五六七"),
    ("座机（020）8765 4321", "8765", "座机（020）**** 4321"),
    ("电话：8765-4321", "8765", "电话：****-4321"),
    ("电话八七六五四三二一", "八七六五", "电话****四三二一"),
    ("身份证440106 19900101 123X", "19900101", "身份证440*** ******** 123X"),
    ("身份证 4401 0619 9001 0112 3x", "9001", "身份证 440* **** **** **12 3x"),
    ("身份证 440106-19900101-1234", "19900101", None),
    ("身份证四四零一零六一九九零零一零一一二三四", "一九九零", "身份证四四零***********一二三四"),
    ("身份证４４０１０６１９９００１０１１２３ｘ", "１９９０", None),
    ("身份证 440106 900101 123", "900101", None),
    ("卡号6222 0212 3456 7890 123", "3456", None),
]

NEGATIVES = [
    "工资8500元，欠了3000块", "2024年3月到2025年2月", "20240301开始停缴", "ZY20261126-0001",
    "欠了我们20个人的社保", "2023-01至2024-12", "2023.01.01-2024.12.31", "一共欠了一万三千八百块",
    "欠费12345678元", "拨打12345和12366都没用", "我在厂里干了13年", "手机尾号5678",
    "二零二四年三月", "三三两两来了一二十个人", "2013.12-2014.12 共13个月", "滞纳金每日万分之五",
    "社保号 8500 元 3000 块", "1月到12月 共 12 个月", "2019 2020 2021 2022 四年没交",
    "2019-2020-2021-2022-2023", "2019 2020 2021 2022 12月", "13.5 14.5 15.5 16",
    "13 14 15 16 17 18号都没发", "工号 1380 0001 2345", "2024.3.1 2024.4.1 2024.5.1",
]


@pytest.mark.parametrize(("typed", "secret", "expected"), POSITIVES)
def test_scrub_masks_each_way_of_typing_a_number(typed, secret, expected):
    out = scrub(typed)
    assert secret not in out
    if expected is not None:
        assert out == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_scrub_leaves_amounts_dates_case_numbers_and_counts(text):
    assert scrub(text) == text


def test_mask_phone_reads_chinese_numerals_and_long_prefixes():
    assert mask_phone("一三八一二三四五六七八") == "一三八****五六七八"
    assert mask_phone("008613812345678") == "0086138****5678"


def test_mask_id_number_masks_digits_and_keeps_separators():
    assert mask_id_number("440106 19900101 123X") == "440*** ******** 123X"


def test_log_lines_mask_numbers_typed_in_chinese_and_spaced():
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    setup_logging(level="DEBUG", fmt="json", stream=stream)
    try:
        for typed, _secret, _expected in POSITIVES:
            logging.getLogger("disputebot.test").warning("could not read %s", typed)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    assert len(events) == len(POSITIVES)
    for event, (_typed, secret, _expected) in zip(events, POSITIVES):
        assert secret not in event


FILED = ("我叫刘强，新塘镇宏达电子厂欠了我半年社保，工资8500元，2024年3月开始停缴。"
         "我电话幺三八幺两三四五六七八，备用 139-8765-4321，座机020 8765 4321，"
         "身份证4401 0619 9001 0112 3X，老婆手机一三六 零零零零 九九九九")


async def test_numbers_typed_in_a_filing_never_reach_the_group_card_or_the_logs(
        platform, fake_webhook):
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    setup_logging(level="DEBUG", fmt="json", stream=stream)
    try:
        openid = "o-privacy-variants"
        reply = await say(platform, openid, FILED)
        # The headcount question first: its reply also says the backup phone was kept.
        await finish_form(platform, openid, reply, {"几个人": "1", **ANSWERS})
        case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
        posts = await fake_webhook.posts.wait_for(2)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    card = posts[0]["body"]["markdown"]["content"]
    assert case_no in card and "宏达电子厂" in card
    assert "工资8500元" in card and "2024年3月" in card
    for secret in ("幺两三四", "8765", "0619 9001", "零零零零"):
        assert secret not in card
        assert all(secret not in str(p) for p in posts)
        assert secret not in stream.getvalue()
    # Not even at DEBUG do the database driver's statement parameters reach the log: they
    # hold the payer's name and words, which no mask can recognise.
    assert "李四" not in stream.getvalue() and "宏达电子厂" not in stream.getvalue()
    assert "刘强" not in card
    assert "幺三八****五六七八" in card and "一三六 **** 九九九九" in card


@pytest.mark.parametrize(("answer", "secret"), [("138一二三四5678", "一二三四"),
                                                ("1 3 8 1 2 3 4 5 6 7 8", "1 2 3 4")])
async def test_a_phone_answer_typed_oddly_never_reaches_the_group_card(
        platform, fake_webhook, answer, secret):
    """The form reads these as the phone and also keeps them in the description."""
    openid = "o-privacy-answer"
    reply = await to_question(platform, openid, "电话")
    reply = await finish_form(platform, openid, await say(platform, openid, answer), ANSWERS)
    assert "138****5678" in reply
    await say(platform, openid, "确认")
    posts = await fake_webhook.posts.wait_for(2)
    assert all(secret not in str(p) for p in posts)
