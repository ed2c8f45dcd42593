"""The helpers that turn YAML word lists into regexes, and the patterns built with them."""
import re

import pytest

from bot.word_patterns import one_of, with_words, words_regex


def test_longest_word_wins_at_one_position():
    assert words_regex(["社保", "不交社保"]).search("单位不交社保").group() == "不交社保"
    assert words_regex(["社保"], ["不交社保"]).match("不交社保").group() == "不交社保"


def test_words_are_literal_text():
    pattern = words_regex(["1.5倍", "(试用期)"])
    assert pattern.search("按(试用期)算") and pattern.search("1.5倍")
    assert not pattern.search("105倍") and not pattern.search("试用期")


def test_an_empty_or_missing_list_matches_nothing():
    for lists in ([], [None], [[], None], [[""]]):
        assert words_regex(*lists).search("任何话") is None
    assert re.fullmatch(f"a(?:{one_of([])})?b", "ab")


def test_several_lists_join_once_and_flags_apply():
    assert one_of(["社保"], ["社保", "医保"]).count("社保") == 1
    pattern = words_regex(["hello"], ["您好"], flags=re.IGNORECASE)
    assert pattern.fullmatch("HELLO") and pattern.fullmatch("您好")


def test_a_phrase_takes_each_named_list_as_one_group():
    pattern = re.compile(with_words("{verbs}{counts}?{things}|x{{2}}",
                                    verbs=["交", "补交"], counts=["一份", "份"], things=["合同"]))
    for said in ("补交一份合同", "交合同", "补交份合同", "xx"):
        assert pattern.fullmatch(said), said
    assert not pattern.fullmatch("补交一份") and not pattern.fullmatch("x{2}")


@pytest.mark.parametrize("said", ["我要补交一份工资流水", "我还有工资流水要补充", "我要补交一份劳动合同",
                                  "银行流水截图也要补交"])
def test_after_filing_material_is_named_before_or_after_the_verb(said):
    """texts.yaml ``after_filing_words.add_material``: one list of material words serves
    both orders (工资流水 after the verb was missing from the copy of the list there)."""
    from bot.handlers.open_case import MORE

    assert MORE["add_material"].search(said), said
    assert not MORE["add_material"].search("我要补交社保")
