"""Scores the parser on labelled JSONL: accuracy, per-label precision/recall, confusion."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .parser import NluParser


@dataclass
class LabelScores:
    """Counts for one label set (intent or category)."""

    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)

    def add(self, gold: str, pred: str) -> None:
        self.gold.append(gold)
        self.pred.append(pred)

    @property
    def accuracy(self) -> float:
        if not self.gold:
            return 0.0
        return sum(g == p for g, p in zip(self.gold, self.pred)) / len(self.gold)

    def report(self, title: str) -> str:
        """Readable per-label precision/recall plus a confusion matrix (rows = gold)."""
        labels = sorted(set(self.gold) | set(self.pred))
        pairs = Counter(zip(self.gold, self.pred))
        lines = [f"{title}: accuracy {self.accuracy:.4f} ({len(self.gold)} examples)",
                 f"  {'label':<20}{'precision':>10}{'recall':>10}{'support':>9}"]
        for label in labels:
            tp = pairs[(label, label)]
            predicted = sum(v for (g, p), v in pairs.items() if p == label)
            support = sum(v for (g, p), v in pairs.items() if g == label)
            prec = tp / predicted if predicted else 0.0
            rec = tp / support if support else 0.0
            lines.append(f"  {label:<20}{prec:>10.3f}{rec:>10.3f}{support:>9}")
        short = [label[:6] for label in labels]
        lines.append("  confusion (rows gold, columns predicted):")
        lines.append("  " + " " * 20 + "".join(f"{s:>8}" for s in short))
        for g in labels:
            lines.append(f"  {g:<20}" + "".join(f"{pairs[(g, p)]:>8}" for p in labels))
        return "\n".join(lines)


@dataclass
class Evaluation:
    """Everything ``nlu eval`` prints."""

    intent: LabelScores = field(default_factory=LabelScores)
    category: LabelScores = field(default_factory=LabelScores)
    major_flagged: int = 0
    major_total: int = 0
    false_major: int = 0
    ordinary_total: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def major_recall(self) -> float:
        return self.major_flagged / self.major_total if self.major_total else 1.0

    @property
    def false_major_rate(self) -> float:
        return self.false_major / self.ordinary_total if self.ordinary_total else 0.0

    def report(self, show_errors: int = 30) -> str:
        major = (f"major: recall {self.major_recall:.4f}"
                 f" ({self.major_flagged}/{self.major_total}),"
                 f" false-major rate {self.false_major_rate:.4f}"
                 f" ({self.false_major}/{self.ordinary_total})")
        parts = [self.intent.report("intent"),
                 self.category.report("category (gold file_dispute)"), major]
        if self.errors:
            parts.append(f"errors ({len(self.errors)}, first {show_errors}):")
            parts.extend("  " + e for e in self.errors[:show_errors])
        return "\n".join(parts)


def evaluate(parser: NluParser, rows: list[dict]) -> Evaluation:
    """Run the parser over labelled rows; category is scored where the gold intent is a dispute."""
    ev = Evaluation()
    for row in rows:
        text = str(row.get("text", ""))
        result = parser.parse(text)
        gold_intent = row.get("intent")
        if gold_intent:
            ev.intent.add(gold_intent, result.intent)
            if gold_intent != result.intent:
                ev.errors.append(f"intent {gold_intent}→{result.intent}: {text[:60]}")
        gold_cat = row.get("category")
        if gold_intent == "file_dispute" and gold_cat:
            predicted, _ = parser.category(text)
            ev.category.add(gold_cat, predicted)
            if predicted != gold_cat:
                ev.errors.append(f"category {gold_cat}→{predicted}: {text[:60]}")
        if "major" in row:
            flagged = result.severity == "major"
            if row["major"]:
                ev.major_total += 1
                ev.major_flagged += flagged
                if not flagged:
                    ev.errors.append(f"major missed: {text[:60]}")
            else:
                ev.ordinary_total += 1
                ev.false_major += flagged
                if flagged:
                    ev.errors.append(f"false major {result.severity_reasons}: {text[:60]}")
    return ev
