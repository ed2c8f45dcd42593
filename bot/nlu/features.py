"""Sparse features for the linear classifiers: jieba words, character 1-3 grams, entities.

Digits collapse to ``0`` so amounts, dates and case numbers generalise instead of becoming
thousands of one-off features.
"""
from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_LATIN = re.compile(r"[a-z]{5,}")
_SKIP = set(" ,.!?;:，。！？；：、~\"'“”‘’()（）【】…-")

FEATURE_VERSION = "4"


def featurize(text: str, words: list[str], entity_types: set[str]) -> list[str]:
    """Feature strings of one normalised message (duplicates kept: they are counts)."""
    shape = _LATIN.sub("a", _DIGITS.sub("0", text))
    feats = [f"w:{_DIGITS.sub('0', w)}" for w in words if w not in _SKIP]
    padded = f"^{shape}$"
    n = len(padded)
    for i in range(n):
        feats.append(padded[i])
        if i + 1 < n:
            feats.append(padded[i : i + 2])
            if i + 2 < n:
                feats.append(padded[i : i + 3])
    feats.extend(f"e:{t}" for t in sorted(entity_types))
    length = len(text)
    feats.append("len:0" if length <= 4 else "len:1" if length <= 12 else "len:2")
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        feats.append("nocjk")
    return feats
