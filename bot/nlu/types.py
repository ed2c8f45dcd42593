"""The result objects every caller of the NLU sees."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entity:
    """One extracted value; ``start``/``end`` index the ORIGINAL message (end exclusive).

    Values by type: phone (digits, landline as ``020-12345678``), id_number (upper-case X),
    money (yuan, int or float), headcount (int; -1 means everyone, e.g. 全体员工/全厂都;
    vague counts are conservative round figures: 我们几个 → 3, 十几 → 10, 几十 → 30, 上百 → 100),
    period (``P6M`` duration in months, ``2025-10/..`` from a month on, ``2022-01/2022-06``
    a range, ``2023`` or ``2023-05`` a point, ``2019:P5M`` n months within a year),
    employer / district / name (text; district is the configured canonical name),
    case_no (``ZY20261124-0007``).
    """

    type: str
    value: Any
    start: int
    end: int


@dataclass
class NluResult:
    """Intent, dispute category, severity and entities of one message."""

    text: str
    intent: str
    intent_confidence: float
    category: str | None = None
    category_confidence: float = 0.0
    severity: str = "simple"
    severity_reasons: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def entity(self, type_: str) -> Entity | None:
        """First entity of ``type_`` in text order, or None."""
        return next((e for e in self.entities if e.type == type_), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with exactly the documented fields."""
        return {
            "text": self.text,
            "intent": self.intent,
            "intent_confidence": round(self.intent_confidence, 4),
            "category": self.category,
            "category_confidence": round(self.category_confidence, 4),
            "severity": self.severity,
            "severity_reasons": list(self.severity_reasons),
            "entities": [asdict(e) for e in self.entities],
        }
