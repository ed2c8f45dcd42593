"""Word segmentation: one private jieba tokenizer with the domain dictionary, built once.

A private ``jieba.Tokenizer`` keeps our user words out of the process-wide jieba that other
modules may use, and jieba's loading banner is silenced so ``nlu parse`` stdout stays JSONL.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_tokenizers: dict[str, jieba.Tokenizer] = {}


def tokenizer(userdict: Path) -> jieba.Tokenizer:
    """Return the process-wide tokenizer for ``userdict``, loading it on first use."""
    key = str(userdict)
    tok = _tokenizers.get(key)
    if tok is None:
        with _lock:
            tok = _tokenizers.get(key)
            if tok is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                if userdict.exists():
                    tok.load_userdict(str(userdict))
                _tokenizers[key] = tok
    return tok


def words(tok: jieba.Tokenizer, text: str) -> list[str]:
    """Segment ``text`` into words, dropping whitespace tokens."""
    return [w for w in tok.lcut(text, HMM=True) if not w.isspace()]
