"""Explainable severity: keyword signals in context plus the headcount and category.

简易 (one agency settles it on the spot), 一般 (joint handling), 重大疑难 (many people,
collective action, petitions, protests, media threats, risk to life or public order,
millions of yuan at stake).
Every decision carries its reasons so a caseworker can see why a case was escalated.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from .types import Entity


@dataclass(frozen=True)
class _Signal:
    name: str
    pattern: re.Pattern
    unless: re.Pattern | None
    any_intent: bool
    min_headcount: int


def _alternation(items: list[str]) -> re.Pattern | None:
    items = sorted((str(i) for i in items if str(i)), key=len, reverse=True)
    return re.compile("|".join(items)) if items else None


class SeverityRules:
    """Severity rules loaded from the ``severity`` section of rules.yml."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.major_headcount = int(spec.get("major_headcount", 30))
        self.general_headcount = int(spec.get("general_headcount", 2))
        self.major_amount = float(spec.get("major_amount") or 0)
        self.general_categories = set(spec.get("general_categories") or [])
        self.headcount_exempt = set(spec.get("headcount_exempt_categories") or [])
        self.only_me = re.compile(spec["only_me"]) if spec.get("only_me") else None
        self.price_named = re.compile(spec["price_named"]) if spec.get("price_named") else None
        self.large_sum = re.compile(spec.get("large_sum") or "$^")
        self.signals = []
        for name, sig in (spec.get("signals") or {}).items():
            pattern = _alternation(sig.get("patterns") or [])
            if pattern is not None:
                self.signals.append(_Signal(name, pattern, _alternation(sig.get("unless") or []),
                                            bool(sig.get("any_intent")),
                                            int(sig.get("min_headcount") or 0)))

    def signals_in(self, text: str, any_intent_only: bool = False, headcount: int = 0) -> list[str]:
        """Names of the major signals present in ``text``, each vetted against its vetoes;
        a signal with ``min_headcount`` counts only when that many people are named."""
        found = []
        for sig in self.signals:
            if any_intent_only and not sig.any_intent or headcount < sig.min_headcount:
                continue
            matches = sig.pattern.finditer(text)
            first = next(matches, None)
            if first is None:
                continue  # most messages name no signal: their vetoes are not looked for
            vetoes = [m.span() for m in sig.unless.finditer(text)] if sig.unless else []
            for m in itertools.chain((first,), matches):
                if not any(m.start() < e and s < m.end() for s, e in vetoes):
                    found.append(sig.name)
                    break
        return found

    def assess(
        self, text: str, intent: str, category: str | None, entities: list[Entity]
    ) -> tuple[str, list[str]]:
        """(severity, reasons) of a message."""
        if intent != "file_dispute":
            reasons = self.signals_in(text, any_intent_only=True)
            return ("major", reasons) if reasons else ("simple", [])
        counts = [e.value for e in entities if e.type == "headcount"]
        everyone = -1 in counts
        count = max((c for c in counts if c > 0), default=0)
        if self.only_me is not None and self.only_me.search(text):
            everyone, count = False, min(count, 1)  # the workforce named, one payer harmed
        major = []
        if category not in self.headcount_exempt:
            if count >= self.major_headcount:
                major.append(f"headcount:{count}")
            elif everyone:
                major.append("headcount:all")
        amount = max((e.value for e in entities if e.type == "money"), default=0)
        if self.major_amount and amount >= self.major_amount and self._sum_in_dispute(text):
            major.append(f"amount:{amount}")
        major.extend(self.signals_in(text, headcount=count))
        if major:
            return "major", major
        general = []
        if count >= self.general_headcount:
            general.append(f"headcount:{count}")
        if category in self.general_categories:
            general.append(f"category:{category}")
        return ("general", general) if general else ("simple", [])

    def _sum_in_dispute(self, text: str) -> bool:
        """False when every large sum in ``text`` is a price named in passing ("房子一百多万
        贷款要社保连续五年"): a house or a car is not what the payer disputes."""
        if self.price_named is None or not self.price_named.search(text):
            return True
        return bool(self.large_sum.search(self.price_named.sub(" ", text)))
