"""The answer object handed to the chat layer and the text the payer reads on the phone."""
from __future__ import annotations

from dataclasses import dataclass, field

from .scope import HOTLINE_LABELS

DECLINE_LEAD = "这个问题我还不能准确回答"
DISPUTE_OFFER = "如需登记争议，请回复“反映问题”"


@dataclass
class KbAnswer:
    question: str
    answer: str | None = None
    source: str | None = None
    entry_id: str | None = None
    score: float = 0.0
    also: list[tuple[str, str]] = field(default_factory=list)
    declined: bool = True
    dispute_like: bool = False
    hotline: str | None = None
    out_of_scope: bool = False
    note: str | None = None  # why it is declined, when not the usual reason (followups.yaml)

    def reply_text(self) -> str:
        """Answer, offer, "您是不是还想问", then the source line last; or a polite decline."""
        if self.declined or not self.answer:
            return self._decline_text()
        parts = [self.answer]
        if self.dispute_like and "反映问题" not in self.answer:
            parts.append(DISPUTE_OFFER + "。")
        if self.also:
            parts.append("您是不是还想问：" + "；".join(q for _, q in self.also))
        if self.source:
            parts.append(f"（依据：{self.source}）")
        return "\n".join(parts)

    def _decline_text(self) -> str:
        hotline = HOTLINE_LABELS.get(self.hotline or "12345", self.hotline or "12345")
        if self.note:
            lead = f"{DECLINE_LEAD}：{self.note}"
        elif self.out_of_scope:
            lead = f"{DECLINE_LEAD}：我只解答社会保险费缴纳方面的问题。"
        else:
            lead = f"{DECLINE_LEAD}，以免说错。"
        text = f"{lead}建议拨打{hotline}咨询。"
        if self.dispute_like:
            text += f"\n{DISPUTE_OFFER}，我们会帮您转给相关部门处理。"
        if self.also:
            text += "\n您是不是想问：" + "；".join(q for _, q in self.also)
        return text
