"""Training and evaluation data: Rasa NLU YAML for training, JSONL for labelled tests."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
INTENT_FILE = DATA_DIR / "nlu.yml"
CATEGORY_FILE = DATA_DIR / "categories.yml"
ACT_FILE = DATA_DIR / "acts.yml"
NO_CATEGORY_FILE = DATA_DIR / "no_category.yml"
RULES_FILE = DATA_DIR / "rules.yml"
USERDICT_FILE = DATA_DIR / "userdict.txt"
TRAINING_FILES = (INTENT_FILE, CATEGORY_FILE, ACT_FILE, NO_CATEGORY_FILE, RULES_FILE,
                  USERDICT_FILE)


def read_rasa_nlu(path: Path) -> list[tuple[str, str]]:
    """(text, label) pairs from a Rasa NLU file (``nlu: - intent: x  examples: | - ...``)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in doc.get("nlu") or []:
        label = block.get("intent")
        if not label:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = line[2:].strip()
                if text:
                    pairs.append((text, str(label)))
    return pairs


def intent_examples() -> list[tuple[str, str]]:
    """Intent training set: nlu.yml plus every category example as ``file_dispute``."""
    return read_rasa_nlu(INTENT_FILE) + [
        (text, "file_dispute") for text, _ in read_rasa_nlu(CATEGORY_FILE)
    ]


def category_examples() -> list[tuple[str, str]]:
    """Category training set."""
    return read_rasa_nlu(CATEGORY_FILE)


def no_category_texts(intents: tuple[str, ...]) -> list[str]:
    """Messages that name no dispute: no_category.yml plus nlu.yml's ``intents``."""
    return [text for text, _ in read_rasa_nlu(NO_CATEGORY_FILE)] + [
        text for text, intent in read_rasa_nlu(INTENT_FILE) if intent in intents]


def act_examples() -> list[tuple[str, str]]:
    """Dialogue-act training set (affirm / deny / correct / other)."""
    return read_rasa_nlu(ACT_FILE)


def load_rules() -> dict:
    """The hand-written rules file."""
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")) or {}


def data_hash(extra: str = "") -> str:
    """Hash of every file that shapes the trained model, so a stale cache is detected."""
    digest = hashlib.sha256(extra.encode())
    for path in TRAINING_FILES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def read_labelled_jsonl(path: Path) -> list[dict]:
    """Rows of ``{"text", "intent", "category", "major"}``; raises OSError/ValueError if bad."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict) or "text" not in row:
                raise ValueError(f"{path}:{number}: expected an object with a text field")
            rows.append(row)
    return rows
