"""A polite close after filing ("谢谢你们 希望尽快解决", "OK 知道了 等你们电话"): thanks or an ack
with a wish or "we'll wait", nothing more. Read by the open-case handler (no chase of a case
filed a minute ago, no "the liaison's phone is not given here") and by small talk (a nod)."""
from __future__ import annotations

import re

from bot.handlers.policy import WORDS
from bot.word_patterns import one_of

_COURTESY = re.compile(one_of(WORDS["thanks_words"], WORDS["thanks_vocatives"],
                              WORDS["closing_words"]), re.IGNORECASE)
_WISHES = re.compile(one_of(WORDS["closing_wishes"]))
_LETTERS = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_FILLERS = re.compile(r"[我那就啊呀哈哦嗯吧呢的了]")


def polite_close(message: str) -> bool:
    """Thanks or an ack beside a closing wish (or two wishes: "知道了 等你们电话"), and no
    other word; one wish alone ("希望尽快解决") may press the case and is left to the chase."""
    message = (message or "").strip()
    wishes = _WISHES.findall(message)
    if not wishes or not (_COURTESY.search(message) or len(wishes) > 1):
        return False
    rest = _FILLERS.sub("", _COURTESY.sub("", _WISHES.sub("", message)))
    return not _LETTERS.search(rest)


_THANKS = re.compile(one_of(WORDS["thanks_words"]))


def thanked(message: str) -> bool:
    """Whether the close thanks (answered 不客气) or only acknowledges (answered 好的)."""
    return bool(_THANKS.search(message or ""))
