"""The one helper that turns YAML word lists into regexes."""
import re

from bot.word_patterns import one_of, words_regex


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
