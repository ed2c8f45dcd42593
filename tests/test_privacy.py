"""Masking of payers' personal data (bot/privacy.py)."""
import pytest

from bot.privacy import hash_openid, mask_id_number, mask_name, mask_phone, scrub


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("020-87654321", "020-****4321"),
        ("0751-1234567", "0751-****567"),
        ("(020)87654321", "(020)****4321"),
        ("87654321", "****4321"),
        ("", ""),
    ],
)
def test_mask_phone_keeps_prefix_and_tail(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_id_number_keeps_first_three_and_last_four():
    assert mask_id_number("440106199001011234") == "440***********1234"
    assert mask_id_number("44010619900101123X") == "440***********123X"
    assert mask_id_number("440106900101123") == "440********1123"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("张三", "张*"), ("欧阳小明", "欧***"), ("张", "*"), ("", ""), (None, "")],
)
def test_mask_name_keeps_first_character(raw, masked):
    assert mask_name(raw) == masked


def test_scrub_masks_every_phone_and_id_in_free_text():
    text = (
        "我叫张三，电话13812345678，备用 139 8765 4321，身份证44010619900101123X，"
        "座机020-87654321，卡号6222021234567890123"
    )
    out = scrub(text)
    for secret in ("13812345678", "98765", "8765 4321", "44010619900101123X", "87654321",
                   "6222021234567890123", "019900101"):
        assert secret not in out
    assert "138****5678" in out
    assert "440***********123X" in out
    assert "020-****4321" in out


def test_scrub_leaves_amounts_dates_and_hotlines_alone():
    text = "2023年欠费12345678元，滞纳金3000元，拨打12345和12366都没用"
    assert scrub(text) == text


def test_scrub_masks_cued_local_number_without_area_code():
    assert scrub("联系电话：87654321") == "联系电话：****4321"


def test_scrub_catches_fullwidth_digits_and_keeps_them():
    out = scrub("手机１３８１２３４５６７８")
    assert out == "手机１３８****５６７８"


def test_scrub_does_not_unmask_when_id_contains_a_mobile_like_run():
    # 18-digit ID whose middle looks like a mobile number: masked as an ID, not twice.
    out = scrub("证件号 440113800138001234")
    assert out == "证件号 440***********1234"


def test_hash_openid_is_short_stable_and_not_the_openid():
    first = hash_openid("oABCDEF123456")
    assert first == hash_openid("oABCDEF123456")
    assert len(first) == 12 and all(c in "0123456789abcdef" for c in first)
    assert first != hash_openid("oABCDEF123457")
    assert "oABC" not in first
