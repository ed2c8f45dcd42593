"""Train the three classifiers and keep them in a cache keyed by the training-data hash.

CI starts from a clean clone and the model directory is git-ignored, so loading trains on
a miss; afterwards a load is just reading one ``.npz``.
"""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from . import dataset
from .classifier import LinearModel, train, train_averaged
from .features import FEATURE_VERSION

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "nlu-model.npz"
INTENTS = ["file_dispute", "ask_policy", "check_progress", "greet", "cancel", "other"]
ACTS = ["affirm", "deny", "correct", "other"]
# Messages of these intents name no dispute: the category model learns to stay unsure on them.
CATEGORY_FREE_INTENTS = ("greet", "cancel", "check_progress", "other")
UNRELATED_WEIGHT = 0.5
# Changes when the fitting itself changes, so a cache trained the old way is retrained.
TRAINING_VERSION = "2"
# Shuffle seeds whose models are averaged (see classifier.train_averaged).
SEEDS = (13, 14, 15)


def current_hash() -> str:
    """Hash of training data, rules, dictionary, feature and training version."""
    return dataset.data_hash(f"features={FEATURE_VERSION};training={TRAINING_VERSION}")


def train_models(featurize_text) -> dict[str, LinearModel]:
    """Train intent, category and dialogue-act models; ``featurize_text(text)`` -> features."""
    def encode(pairs):
        return [(featurize_text(text), label) for text, label in pairs]

    categories = dataset.category_examples()
    unrelated = [(text, None) for text in dataset.no_category_texts(CATEGORY_FREE_INTENTS)]
    return {
        "intent": train_averaged(encode(dataset.intent_examples()), INTENTS, seeds=SEEDS),
        "category": train_averaged(encode(categories + unrelated),
                                   sorted({c for _, c in categories}), seeds=SEEDS,
                                   unlabelled_weight=UNRELATED_WEIGHT),
        "act": train(encode(dataset.act_examples()), ACTS),
    }


def save(models: dict[str, LinearModel], digest: str, model_dir: Path = MODEL_DIR) -> Path | None:
    """Write the artefact atomically; returns its path, or None if the directory is read-only."""
    arrays = {"hash": np.array(digest)}
    for name, model in models.items():
        arrays.update(model.to_arrays(name))
    try:
        model_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=model_dir, suffix=".npz.tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        path = model_dir / MODEL_FILE
        os.replace(tmp, path)
        return path
    except OSError as exc:
        log.warning("nlu: cannot write model cache in %s (%s); using it in memory", model_dir, exc)
        return None


def load(digest: str, model_dir: Path = MODEL_DIR) -> dict[str, LinearModel] | None:
    """The cached models if present and trained on data with hash ``digest``."""
    path = model_dir / MODEL_FILE
    try:
        with np.load(path, allow_pickle=False) as arrays:
            if str(arrays["hash"]) != digest:
                return None
            return {name: LinearModel.from_arrays(arrays, name)
                    for name in ("intent", "category", "act")}
    except (OSError, KeyError, ValueError):
        return None
