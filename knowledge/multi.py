"""Two questions in one message ("滞纳金怎么算 另外公司不给办登记会怎么罚", "工伤保险是谁交的？
还有劳动仲裁有时效吗"): each gets its own answer and source in one short reply. `kb.ask` picks
one entry for the whole message, so the other question went unanswered."""
from __future__ import annotations

import re
from functools import lru_cache

from .answer import KbAnswer
from .entries import load_yaml
from .kb import DATA_DIR, KnowledgeBase
from .retrieval import ASKS
from .scope import HOTLINE_LABELS

_QUESTION_END = re.compile(r"[？?]+")
MIN_PART_CHARS = 4  # "真的吗？" asks nothing the knowledge base could answer


def parts(kb: KnowledgeBase, question: str) -> list[str]:
    """The questions a message asks one after another: split at a second-question marker
    (lexicon.yaml `another_question`: 另外, 还有…), else at a question mark with more after it;
    every part must ask something. One part (or none) when the message asks one question."""
    text = (question or "").strip()
    found = [p.strip() for p in kb.tokenizer.lexicon.another_question.split(text)[::2]]
    found = [p for p in found if p]
    if len(found) < 2:
        found = [p.strip() for p in _QUESTION_END.split(text) if p.strip()]
    if len(found) < 2 or not all(len(p) >= MIN_PART_CHARS and ASKS.search(p) for p in found):
        return [text] if text else []
    return found


def ask_each(kb: KnowledgeBase, question: str) -> list[KbAnswer]:
    """One answer per question of a message that asks two or more about different things,
    in order; [] when it asks one, or all its parts get the same entry. A part declined with
    the citizens' line (it names nothing of social insurance: "你们几点下班") is left out; one
    declined to an office of its own (社保卡密码 → 12333) keeps that office."""
    asked = parts(kb, question)
    if len(asked) < 2:
        return []
    answers = [kb.ask(p) for p in asked]
    kept = [a for a in answers if not a.declined or a.hotline != kb.scope.default_hotline]
    entries = {a.entry_id for a in kept if not a.declined}
    if len(kept) < 2 or not entries or len(entries) < sum(not a.declined for a in kept):
        return []
    return kept


def joint_reply(answers: list[KbAnswer]) -> str:
    """Each answer with its own source, numbered, without the "您是不是还想问" offers: two
    answers are long enough on a phone."""
    lines = []
    for number, answer in enumerate(answers, 1):
        if answer.declined:
            body = declined_part(answer)
        else:
            body = f"{answer.answer}（依据：{answer.source}）" if answer.source else answer.answer
        lines.append(f"{number}. {body}")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _wording() -> dict:
    return load_yaml((DATA_DIR / "multi.yaml").read_text(encoding="utf-8")) or {}


def declined_part(answer: KbAnswer) -> str:
    """A declined part as item N of the reply: which question it is about, why, and whom to
    call (data/multi.yaml), not the stock decline read alone ("我只解答社会保险费…")."""
    wording = _wording()
    asked = (answer.question or "").strip().rstrip("？?。！!，, ")
    limit = int(wording["quote_chars"])
    if len(asked) > limit:
        asked = asked[:limit] + "…"
    hotline = HOTLINE_LABELS.get(answer.hotline or "12345", answer.hotline or "12345")
    if answer.note:
        return wording["with_note"].format(asked=asked, note=answer.note, hotline=hotline)
    kind = "out_of_scope" if answer.out_of_scope else "unsettled"
    return wording[kind].format(asked=asked, hotline=hotline)
