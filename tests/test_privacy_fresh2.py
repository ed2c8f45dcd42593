"""Personal data that is not a phone or ID shape, found by a blind round of probes through
the real gateway, the WeCom robots and the JSON logs (bot/privacy.py, privacy.yaml,
bot/logging_setup.py).

Before the fix these reached the group cards as typed: a 医保卡号 or 社保卡号 too short or too
lettered to look like a card (A12345678, 123456789), a QQ number, a 微信号, an e-mail address
(also in a co-handler's note), the door and room of a home address, a wife's name, and an ID
sent in two messages (身份证号440106199 … 001011234: neither half looked like a number); an ID
with its check character typed apart (… 123 X) was half masked, one ending in × showed 5 digits. An exception's text in the
logs kept a failed statement's parameters and the Chinese words a payer typed.
"""
from __future__ import annotations

import io
import json
import logging

import pytest
from sqlalchemy import create_engine, text

from bot.logging_setup import setup_logging
from bot.privacy import scrub
from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

# (typed, fragment that must be gone, expected text)
LEAKED = [
    ("医保卡号：A12345678", "2345", "医保卡号：*****5678"),
    ("社保卡号 123456789", "2345", "社保卡号 *****6789"),
    ("社会保障卡号G1234567X", "G123", "社会保障卡号*****567X"),
    ("QQ号 123456789 也能找我", "2345", "QQ号 *****6789 也能找我"),
    ("qq:987654321", "7654", "qq:*****4321"),
    ("微信号zhangwei_1990", "zhangwei", "微信号********_1990"),
    ("邮箱zhangwei1990@qq.com", "zhangwei1990", "邮箱z***********@qq.com"),
    ("发到 li.si+hr@company.com.cn", "li.si", "发到 l*******@company.com.cn"),
    ("我补充一下，我身份证号4401061990", "4401061990", "我补充一下，我身份证号******1990"),
    ("001011234", "00101", "*****1234"),
    (" 一九九零零一零一一二三四 ", "零一零一", None),
    ("我家住新塘镇幸福路12号3栋502房，工资8000元",
     "502", "我家住新塘镇幸福路**号*栋***房，工资8000元"),
    ("家庭住址：荔城街道东园路３号", "３号", "家庭住址：荔城街道东园路*号"),
    ("住在新塘镇荔新路六号三栋二零一房", "二零一", "住在新塘镇荔新路*号*栋***房"),
    ("身份证号码 440106 19900101 123 X", "19900101", "身份证号码 440*** ******** 123 X"),
    ("身份证号44010619900101123×", "1123", "身份证号440***********123×"),
    ("联系人：王芳 13912345678", "王芳", "联系人：王* 139****5678"),
    ("我老婆叫陈美丽，电话13987654321", "美丽", "我老婆叫陈**，电话139****4321"),
    ("我爸叫李建国", "建国", "我爸叫李**"),
    ("同事叫张伟的也没交", "张伟", "同事叫张*的也没交"),
]

# Must come out unchanged: what the liaison needs, words that only look like the cues, lists.
KEPT = [
    "社保号 8500 元 3000 块", "工号 1380 0001 2345", "ZY20261126-0001", "欠了我们20个人的社保",
    "统一社会信用代码914401013123456789", "厂在新塘镇工业大道88号", "身份证20240301到期",
    "我住在厂里宿舍，2024年3月搬的，工资8000元", "我老公叫我别投诉", "我叫了他们好几次",
    "我叫张三", "微信同号", "联系人都不接电话", "2019 2020 2021", "13 14 15 16 17 18",
    "工资4500×12个月", "a@b 不是邮箱", "卡号丢了", "2024年3月到2025年2月",
]


@pytest.mark.parametrize(("typed", "secret", "expected"), LEAKED)
def test_personal_data_beyond_phone_and_id_shapes_is_masked(typed, secret, expected):
    out = scrub(typed)
    assert secret not in out
    assert expected is None or out == expected


@pytest.mark.parametrize("text", KEPT)
def test_amounts_dates_counts_case_numbers_and_cue_lookalikes_stay(text):
    assert scrub(text) == text


def _statement_error() -> Exception:
    """A real SQLAlchemy error whose text prints the failed statement's parameters."""
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (a TEXT UNIQUE)"))
        row = {"a": "宏达电子厂欠我半年社保 zhang.wei"}
        conn.execute(text("INSERT INTO t VALUES (:a)"), row)
        try:
            conn.execute(text("INSERT INTO t VALUES (:a)"), row)
        except Exception as exc:  # noqa: BLE001 - the error is what the test needs
            return exc
    raise AssertionError("the second insert should fail")


def test_exception_text_in_logs_keeps_no_payer_words():
    error = _statement_error()
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    setup_logging(level="INFO", fmt="json", stream=stream)
    try:
        for exc in (error, ValueError("读不懂时间段：从去年5月开始，老板叫王大明")):
            try:
                raise exc
            except Exception:
                logging.getLogger("disputebot.test").exception("handler failed")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2
    for line in lines:
        for word in ("宏达", "zhang.wei", "时间段", "王大明", "去年"):
            assert word not in line["exc"]
    assert "IntegrityError" in lines[0]["exc"] and "[SQL: INSERT INTO t" in lines[0]["exc"]
    assert "ValueError" in lines[1]["exc"]


FILED = ("新塘镇宏达电子厂欠了我半年社保，工资8000元，2024年3月开始停缴，厂里32个人。"
         "我家住新塘镇幸福路12号3栋502房，医保卡号：A12345678，QQ号 123456789，"
         "邮箱zhangwei1990@qq.com，我老婆叫陈美丽")


async def test_group_pushes_and_logs_keep_the_new_kinds_of_personal_data_out(
        platform, bot_server, http, fake_webhook):
    """The filing card, a supplement sent in two pieces and a co-handler's note."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    setup_logging(level="DEBUG", fmt="json", stream=stream)
    try:
        openid = "o-privacy-fresh2"
        await finish_form(platform, openid, await say(platform, openid, FILED), ANSWERS)
        case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
        for message in ("我补充一下，我身份证号440106199", "001011234"):
            await say(platform, openid, message)
        async with http.post(bot_server.make_url(f"/api/cases/{case_no}/note"),
                             headers={"Authorization": "Bearer dev-token-hrss"},
                             json={"text": "已核对，缴费人邮箱wang.fang88@163.com"}) as resp:
            assert resp.status == 200
        posts = await fake_webhook.posts.wait_for(6)
        while "已核对" not in json.dumps(posts, ensure_ascii=False):
            seen = len(posts)
            posts = await fake_webhook.posts.wait_for(seen + 1)
            assert len(posts) > seen, "the note never reached a group"
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    pushed = json.dumps(posts, ensure_ascii=False)
    card = posts[0]["body"]["markdown"]["content"]
    assert case_no in card
    for kept in ("工资8000元", "2024年3月", "32", "新塘镇幸福路"):
        assert kept in card
    for secret in ("3栋502", "12345678", "123456789", "zhangwei1990", "陈美丽",
                   "440106", "00101", "wang.fang88"):
        assert secret not in pushed
        assert secret not in stream.getvalue()
    assert "医保卡号：*****5678" in card and "z***********@qq.com" in card
    assert "w**********@163.com" in pushed
    for typed in ("幸福路", "宏达电子厂欠了我", "我补充一下"):
        assert typed not in stream.getvalue()
