"""Reply texts the payer reads, kept in YAML so they are reviewed like code."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).resolve().parent / "handlers" / "texts.yaml"


@cache
def _load(path: str) -> dict[str, str]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def text(key: str, **values) -> str:
    """The reply ``key`` with ``{placeholders}`` filled in."""
    template = _load(str(TEXTS_FILE))[key]
    return template.format(**values) if values else template
