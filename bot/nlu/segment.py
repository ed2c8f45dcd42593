"""Word segmentation: private jieba tokenizers that share one copy of jieba's dictionary.

A private ``jieba.Tokenizer`` keeps a module's user words out of the process-wide jieba and
out of each other's (the NLU and the knowledge base add different words), and jieba's
loading banner is silenced so ``nlu parse`` stdout stays JSONL. Loading jieba's dictionary
costs ~65 MB per tokenizer; a tokenizer made here copies the table of one loaded base
instead (~15 MB), sharing its words and counts.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

_lock = threading.RLock()
_tokenizers: dict[str, jieba.Tokenizer] = {}
_base: list[jieba.Tokenizer] = []


def private_tokenizer() -> jieba.Tokenizer:
    """A new tokenizer with jieba's dictionary and no user words; add_word on it changes
    only its own table."""
    with _lock:
        if not _base:
            base = jieba.Tokenizer()
            base.initialize()
            _base.append(base)
        base = _base[0]
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total, tok.initialized = dict(base.FREQ), base.total, True
    return tok


def tokenizer(userdict: Path) -> jieba.Tokenizer:
    """Return the process-wide tokenizer for ``userdict``, loading it on first use."""
    key = str(userdict)
    tok = _tokenizers.get(key)
    if tok is None:
        with _lock:
            tok = _tokenizers.get(key)
            if tok is None:
                tok = private_tokenizer()
                if userdict.exists():
                    tok.load_userdict(str(userdict))
                _tokenizers[key] = tok
    return tok


def words(tok: jieba.Tokenizer, text: str) -> list[str]:
    """Segment ``text`` into words, dropping whitespace tokens."""
    return [w for w in tok.lcut(text, HMM=True) if not w.isspace()]
