"""A multinomial logistic regression over sparse string features, trained in numpy.

Own code instead of scikit-learn: training is deterministic and tiny, and inference is a
row gather plus a sum — well under a millisecond with no per-call validation overhead.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class LinearModel:
    """Weights ``W[feature_row, label]`` plus bias; unknown features are ignored."""

    labels: list[str]
    vocab: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray
    _row_of: dict[str, int] = field(init=False, repr=False, compare=False)
    _padded: np.ndarray = field(init=False, repr=False, compare=False)
    _bias: list[float] = field(init=False, repr=False, compare=False)
    _predict_once: functools._lru_cache_wrapper = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Row 0 of ``_padded`` is zeros and stands for every unknown feature, so a message's
        rows are one C-level ``map`` and one gather instead of a Python loop per feature."""
        self._row_of = {f: i + 1 for f, i in self.vocab.items()}
        self._padded = np.vstack([np.zeros((1, self.weights.shape[1])), self.weights])
        self._bias = self.bias.tolist()
        # One message's features are classified again by the form's steps (category up to
        # four times per filing answer): keep the last few, keyed by the whole feature tuple.
        self._predict_once = functools.lru_cache(maxsize=64)(self._predict)

    def _softmax(self, features) -> list[float]:
        """Label probabilities as floats: the gathered rows are summed by numpy in the same
        order as before; the softmax over a handful of labels is cheaper in plain Python
        than as five numpy calls. Known features' rows start at 1, so ``filter(None, …)``
        drops exactly the unknown ones without a Python-level loop."""
        rows = list(filter(None, map(self._row_of.get, features)))
        if rows:
            root = math.sqrt(len(rows))
            summed = self._padded.take(rows, axis=0).sum(axis=0).tolist()
            scores = [b + x / root for b, x in zip(self._bias, summed)]
        else:
            scores = list(self._bias)
        top = max(scores)
        exp = [math.exp(x - top) for x in scores]
        total = sum(exp)
        return [e / total for e in exp]

    def probabilities(self, features: list[str]) -> np.ndarray:
        """Softmax label probabilities for one message."""
        return np.array(self._softmax(features))

    def _predict(self, features) -> tuple[str, float]:
        probs = self._softmax(features)
        best = max(range(len(probs)), key=probs.__getitem__)
        return self.labels[best], probs[best]

    def predict(self, features: list[str] | tuple[str, ...]) -> tuple[str, float]:
        """Best label and its probability (the first label of a tie, as ``argmax``)."""
        if isinstance(features, tuple):
            return self._predict_once(features)
        return self._predict(features)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """Arrays for ``np.savez`` under ``prefix``."""
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        return {
            f"{prefix}.labels": np.array(self.labels),
            f"{prefix}.vocab": np.array(vocab),
            f"{prefix}.weights": self.weights.astype(np.float32),
            f"{prefix}.bias": self.bias.astype(np.float32),
        }

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> LinearModel:
        """Inverse of :meth:`to_arrays`."""
        vocab = arrays[f"{prefix}.vocab"].tolist()
        return cls(
            labels=arrays[f"{prefix}.labels"].tolist(),
            vocab={f: i for i, f in enumerate(vocab)},
            weights=np.asarray(arrays[f"{prefix}.weights"], dtype=np.float64),
            bias=np.asarray(arrays[f"{prefix}.bias"], dtype=np.float64),
        )


def train(
    examples: list[tuple[list[str], str | None]],
    labels: list[str] | None = None,
    epochs: int = 40,
    rate: float = 0.5,
    l2: float = 1e-5,
    seed: int = 13,
    balance: float = 0.5,
    unlabelled_weight: float = 1.0,
) -> LinearModel:
    """Fit with AdaGrad SGD on softmax cross-entropy; same data and seed give same weights.

    ``balance`` up-weights rare labels by ``(largest / count) ** balance`` so that the
    many dispute examples do not drown out general questions that share their words.
    An example labelled ``None`` is text that belongs to no label (outlier exposure): its
    target is the uniform distribution, weighted by ``unlabelled_weight``, so that words and
    a bias that carry no evidence do not give an unknown message a confident label.
    """
    labels = labels or sorted({label for _, label in examples if label is not None})
    label_index = {label: i for i, label in enumerate(labels)}
    counts_by_label = np.bincount([label_index[label] for _, label in examples
                                   if label is not None], minlength=len(labels))
    label_weight = (counts_by_label.max() / np.maximum(counts_by_label, 1)) ** balance
    vocab: dict[str, int] = {}
    encoded = []
    for features, label in examples:
        rows = [vocab.setdefault(f, len(vocab)) for f in features]
        uniq, counts = np.unique(np.array(rows, dtype=np.int64), return_counts=True)
        encoded.append((uniq, counts.astype(np.float64) / np.sqrt(max(len(rows), 1)),
                        -1 if label is None else label_index[label]))
    k = len(labels)
    uniform = np.full(k, 1.0 / k)
    weights = np.zeros((len(vocab), k))
    bias = np.zeros(k)
    g_weights = np.full((len(vocab), k), 1e-8)
    g_bias = np.full(k, 1e-8)
    rng = np.random.default_rng(seed)
    order = np.arange(len(encoded))
    for _ in range(epochs):
        rng.shuffle(order)
        for idx in order:
            rows, values, target = encoded[idx]
            scores = bias + values @ weights[rows]
            scores -= scores.max()
            probs = np.exp(scores)
            probs /= probs.sum()
            if target < 0:
                probs = (probs - uniform) * unlabelled_weight
            else:
                probs[target] -= 1.0
                probs *= label_weight[target]
            grad = np.outer(values, probs) + l2 * weights[rows]
            g_weights[rows] += grad * grad
            weights[rows] -= rate * grad / np.sqrt(g_weights[rows])
            g_bias += probs * probs
            bias -= rate * probs / np.sqrt(g_bias)
    return LinearModel(labels, vocab, weights, bias)


def train_averaged(examples: list[tuple[list[str], str | None]], labels: list[str] | None = None,
                   seeds: tuple[int, ...] = (13,), **options) -> LinearModel:
    """The mean of models fitted on differently shuffled orders: one linear model whose
    decisions do not flip on the order a single SGD run happened to see the examples in."""
    models = [train(examples, labels, seed=seed, **options) for seed in seeds]
    first = models[0]
    return LinearModel(first.labels, first.vocab,
                       np.mean([m.weights for m in models], axis=0),
                       np.mean([m.bias for m in models], axis=0))
