"""Word lists from the YAML data files as regular expressions.

Longest words first, so that at one position the longest listed word wins (不交社保 before
社保) wherever the match's text or end is used. An empty list matches nothing: an empty
alternation would match everywhere.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

NEVER = "(?!)"


def one_of(*word_lists: Iterable[str] | None) -> str:
    """The words of ``word_lists`` (literal text, not regex) as one alternation."""
    words = {str(w) for words in word_lists for w in (words or ()) if str(w)}
    if not words:
        return NEVER
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def with_words(pattern: str, **word_lists: Iterable[str] | None) -> str:
    """``pattern`` with each ``{name}`` a group of :func:`one_of` the word list ``name``, so
    the YAML holds the words once and the shape of the phrase beside them (``{{`` and ``}}``
    are literal braces, as in :meth:`str.format`)."""
    return pattern.format(**{name: f"(?:{one_of(words)})" for name, words in word_lists.items()})


def words_regex(*word_lists: Iterable[str] | None, flags: int = 0) -> re.Pattern:
    """A compiled :func:`one_of`."""
    return re.compile(one_of(*word_lists), flags)
