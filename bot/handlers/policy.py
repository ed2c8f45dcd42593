"""Policy questions: the knowledge base answers with its source, or declines."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.handlers.base import Context
from bot.texts import text

MENU_WORDS = {"政策咨询", "咨询", "政策", "我要咨询", "问问题"}
WORDS = yaml.safe_load((Path(__file__).resolve().parent / "chat.yaml").read_text("utf-8"))


def _alternation(key: str) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(WORDS[key], key=len, reverse=True)))


TOPICS = _alternation("policy_topics")
ASKING = _alternation("policy_ask_words")
FILING_CUES = _alternation("filing_cues")
FILING_WORRIES = _alternation("filing_worries")
FILING_TERMS = _alternation("filing_cue_terms")
CASE_FACTS = {"employer", "name", "phone", "id_number", "district", "headcount"}
WEAK_FILING = 0.8
"""Below this the classifier is unsure the message is a complaint: a question the knowledge
base declines to a named office ("医保个人账户每个月划多少钱啊", 12393) gets that decline, as
does one that names no harm done ("退休手续去哪办？", 12333) however sure the classifier is,
and an unsure one that names no harm whatever the office ("交通事故…保险公司赔多少")."""
_NOISE = re.compile(r"[\s，。！？,.!?~～…、:：;；\"'“”]")


def vague_topic(question: str) -> str | None:
    """The topic of a question that names nothing but a topic ("社保", "我想问下医保的事"),
    which the knowledge base can only decline; None for a concrete question."""
    bare = _NOISE.sub("", question or "")
    topics = TOPICS.findall(bare)
    if not topics or ASKING.sub("", TOPICS.sub("", bare)):
        return None
    return topics[0]


async def ask_policy(ctx: Context) -> list[str]:
    question = ctx.text.strip()
    if not question or question in MENU_WORDS or ctx.services.kb is None:
        return [text("ask_policy_prompt")]
    topic = vague_topic(question)
    if topic is not None:
        return [text("ask_policy_topic", topic=topic)]
    return [ctx.services.kb.ask(question).reply_text()]


def answer_instead_of_filing(ctx: Context) -> list[str] | None:
    """The knowledge base's answer, with the offer to register, for a question the classifier
    took for a complaint; None when the payer asks for action (unless only worried about what
    filing brings), gives facts of a case, or no entry answers it (unless the office is known
    and the classifier unsure or no harm named, or the classifier unsure and no harm named:
    "交通事故对方全责，保险公司赔多少")."""
    kb, parser, nlu = ctx.services.kb, ctx.services.parser, ctx.nlu
    question = (ctx.text or "").strip()
    if kb is None or parser is None or (FILING_CUES.search(FILING_TERMS.sub("", question))
                                         and not FILING_WORRIES.search(question)):
        return None
    if nlu is not None and (nlu.severity == "major"
                            or any(e.type in CASE_FACTS for e in nlu.entities)):
        return None  # an employer, a name, a phone, a headcount: the payer is filing
    if not parser.is_question(question):
        return None
    answer = kb.ask(question)
    unsure = nlu is not None and nlu.intent_confidence < WEAK_FILING
    office = answer.hotline not in (None, kb.scope.default_hotline)
    harmless = not parser.names_harm(question)
    if answer.declined and not (office and (unsure or harmless) or unsure and harmless):
        return None
    reply = answer.reply_text()
    if answer.declined or "反映问题" in reply:
        return [reply]  # an office to call is the whole answer to "退休手续去哪办"
    return [reply + "\n" + text("policy_can_file")]
