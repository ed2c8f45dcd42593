"""Bar-chart geometry for server-rendered SVG (no chart library, no script, no CDN).

Only numbers are computed here; ``templates/_chart.html`` turns them into SVG markup, so
labels pass through Jinja2's autoescaping like any other text.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ROW = 26  # px per bar row
LABEL_WIDTH = 190
BAR_WIDTH = 360
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as printed at the bar's end
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    row: int = ROW


def bar_chart(title: str, items: Sequence[tuple[str, float]], unit: str = "",
              max_bars: int = 30) -> BarChart:
    """A horizontal bar chart of ``items`` (label, value); the longest bar fills the width."""
    items = list(items)[:max_bars]
    top = max((v for _, v in items), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        shown = f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"
        width = round(BAR_WIDTH * max(0.0, float(value)) / top)
        bars.append(Bar(label=str(label), value=value, shown=shown, y=i * ROW,
                        width=max(width, 1 if value else 0)))
    return BarChart(title=title, bars=bars, width=LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH,
                    height=max(ROW, len(bars) * ROW))
