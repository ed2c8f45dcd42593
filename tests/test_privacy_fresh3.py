"""Phone and ID numbers typed in odd ways, third round: spaces, dashes, +86, full-width
digits, ID check x/X, and a number split over a line break (a payer pressing Enter in the
middle of it, or a phone's wrapping sent as a real newline). Checked in what reaches a
group card (:func:`routing.cards.safe_group_text`) and a log line."""
from __future__ import annotations

import logging

import pytest

from bot.privacy import scrub
from routing.cards import safe_group_text
from tests import test_metrics_logging as logging_tests

capture = logging_tests.capture

# (typed, what must be gone) — already masked before this round; kept as a guard.
ODD_WAYS = [
    ("我电话138 1234 5678", "1234"),
    ("我电话138-1234-5678", "1234"),
    ("+86 13812345678", "1234"),
    ("+86-138-1234-5678", "1234"),
    ("＋８６ １３８１２３４５６７８", "１２３４"),
    ("手机１３８－１２３４－５６７８", "１２３４"),
    ("身份证44010619900101123x", "19900101"),
    ("身份证44010619900101123X", "19900101"),
    ("４４０１０６１９９００１０１１２３Ｘ", "１９９００１０１"),
    ("440106 1990 0101 123x", "1990 0101"),
    ("138\u30001234\u30005678", "1234"),
    ("13８12345６78", "1234"),
]

# A number split over a line break: leaked whole or in part before the fix.
SPLIT = [
    ("电话138\n1234 5678", "1234"),
    ("电话138\r\n1234\r\n5678", "1234"),
    ("138 1234\n5678", "1234"),
    ("电话1381234\n5678", "234"),
    ("身份证440106199001\n011234", "9001"),
    ("电话138\n\n12345678", "1234"),
]


@pytest.mark.parametrize(("typed", "secret"), ODD_WAYS + SPLIT)
def test_odd_ways_of_writing_a_number_are_masked_on_a_card(typed, secret):
    shown = safe_group_text(typed)
    assert secret not in shown, shown
    assert "*" in shown  # masked, not dropped: the tail stays readable


@pytest.mark.parametrize(("typed", "secret"), SPLIT)
def test_a_number_split_over_a_line_break_is_masked_by_scrub(typed, secret):
    assert secret not in scrub(typed)


def test_a_list_of_amounts_one_per_line_stays_readable():
    """Line breaks join a number only where it is a phone or ID shape."""
    for text in ("工资\n4500\n5000\n5500元", "2019\n2020\n2021", "欠费 3 个月\n共 4500 元"):
        assert scrub(text) == text


def test_a_log_line_masks_a_number_split_over_a_line_break(capture):
    read, _ = capture
    for typed, _secret in SPLIT:
        logging.getLogger("disputebot.test").warning("payer wrote %s", typed)
    lines = read()
    assert len(lines) == len(SPLIT)
    for line, (_typed, secret) in zip(lines, SPLIT):
        assert secret not in line["event"], line["event"]
