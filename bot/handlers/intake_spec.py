"""intake.yaml: the intake form's slots, the word lists its answers are read with, its limits
and its replies."""
from __future__ import annotations

from pathlib import Path

import yaml

SPEC = yaml.safe_load((Path(__file__).resolve().parent / "intake.yaml").read_text("utf-8"))
