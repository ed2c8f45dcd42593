"""The payer's latest message as rasa's form reads it: both the intake loop and the
correction dry runs hand it to the form."""
from __future__ import annotations

import unicodedata

from bot.handlers.answers import listed_name
from bot.handlers.base import Context


def tracker_message(ctx: Context) -> dict:
    """The latest message in rasa's tracker format, carrying our NLU result."""
    nlu = ctx.nlu
    message = {"text": ctx.text, "intent": {"name": "other", "confidence": 0.0}, "entities": []}
    if nlu is None:
        return message
    message["intent"] = {"name": nlu.intent, "confidence": nlu.intent_confidence}
    message["entities"] = [{"entity": e.type, "value": _as_typed(ctx.text, e), "start": e.start,
                            "end": e.end} for e in nlu.entities]
    listed = listed_name(ctx.text, message["entities"])
    if listed is not None:
        message["entities"].append(listed)
    parser = ctx.services.parser
    if parser is not None:
        name, confidence = parser.category(ctx.text)
        message["category"] = {"name": name, "confidence": confidence}
    return message


def _as_typed(text: str, entity):
    """An employer's name as the payer typed it ("HD电子厂"), not lowercased by the parser."""
    if entity.type != "employer" or not isinstance(entity.value, str):
        return entity.value
    typed = text[entity.start:entity.end]
    return typed if unicodedata.normalize("NFKC", typed).lower() == entity.value else entity.value
