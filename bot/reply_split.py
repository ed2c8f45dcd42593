"""Cut long replies to the platform's 2048-byte limit at sentence boundaries."""
from __future__ import annotations

import re

LIMIT = 2048
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def _byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _hard_cut(text: str, limit: int) -> list[str]:
    """Last resort for a single sentence over the limit: cut between characters."""
    parts, current, size = [], [], 0
    for ch in text:
        n = _byte_len(ch)
        if size + n > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += n
    if current:
        parts.append("".join(current))
    return parts


def split_reply(text: str, limit: int = LIMIT) -> list[str]:
    """Chunks of at most ``limit`` UTF-8 bytes, each ending at a sentence end where possible."""
    if _byte_len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in filter(None, _SENTENCE_END.split(text)):
        if _byte_len(current + sentence) <= limit:
            current += sentence
            continue
        if current:
            chunks.append(current)
        if _byte_len(sentence) > limit:
            *full, current = _hard_cut(sentence, limit)
            chunks.extend(full)
        else:
            current = sentence
    if current:
        chunks.append(current)
    return [c for c in (c.strip("\n") for c in chunks) if c]
