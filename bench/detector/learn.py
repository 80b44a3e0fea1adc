"""Fitting the complaint model: the product's own features (helpdesk.recovery.features and
.signals) into a sparse matrix, a logistic regression per language, and the figures
(precision, recall, F1, macro-F1, accuracy) at a threshold. Needs numpy and scikit-learn
(`pip install -e '.[test]'`); the app itself does not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from helpdesk.recovery.features import SIZE, vectorise
from helpdesk.recovery.model import SIGNAL_CODES, signal_values
from helpdesk.recovery.signals import read_signals

C = 3.0  # inverse regularisation strength, the same for every language
# Public corpora are tweets and reviews: people there rarely ask for their money back or to
# close an account, so those signals learn little from them. In a helpdesk they mark a
# complaint, so their log-odds weight is at least this much (a prior, set by hand).
SIGNAL_FLOORS = {
    "strong_words": 2.0,
    "negative_words": 1.0,
    "refund": 0.8,
    "cancel": 1.5,
    "repeat_words": 0.8,
}
SEED = 0
THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(1, 20))


def matrix(texts: Sequence[str], language: str) -> sp.csr_matrix:
    """One row per text: hashed features, then the lexicon signals."""
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for row, text in enumerate(texts):
        found = read_signals(text, language=language)
        vector = vectorise(found.cleaned)
        signals = signal_values(found)
        for bucket, value in vector.values.items():
            rows.append(row)
            cols.append(bucket)
            vals.append(value)
        for offset, code in enumerate(SIGNAL_CODES):
            if code in signals:
                rows.append(row)
                cols.append(SIZE + offset)
                vals.append(signals[code])
    shape = (len(texts), SIZE + len(SIGNAL_CODES))
    return sp.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=shape)


def fit(features: sp.csr_matrix, labels: np.ndarray, c: float = C) -> LogisticRegression:
    """A logistic regression, its signal weights raised to at least SIGNAL_FLOORS."""
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(features, labels)
    for offset, code in enumerate(SIGNAL_CODES):
        column = SIZE + offset
        model.coef_[0, column] = max(model.coef_[0, column], SIGNAL_FLOORS.get(code, -np.inf))
    return model


def cross_validated(
    features: sp.csr_matrix, labels: np.ndarray, folds: int, c: float = C
) -> np.ndarray:
    """Each example's probability from a model that never saw it (stratified k-fold)."""
    probabilities = np.zeros(len(labels))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=SEED)
    for train, test in splitter.split(features, labels):
        model = fit(features[train], labels[train], c)
        probabilities[test] = model.predict_proba(features[test])[:, 1]
    return probabilities


@dataclass(frozen=True)
class Figures:
    items: int
    positives: int
    precision: float
    recall: float
    f1: float
    macro_f1: float
    accuracy: float

    def as_dict(self) -> dict[str, float | int]:
        return {key: (round(v, 4) if isinstance(v, float) else v) for key, v in vars(self).items()}


def figures(labels: Sequence[int], flagged: Sequence[bool]) -> Figures:
    tp = sum(1 for y, f in zip(labels, flagged, strict=True) if y and f)
    fp = sum(1 for y, f in zip(labels, flagged, strict=True) if not y and f)
    fn = sum(1 for y, f in zip(labels, flagged, strict=True) if y and not f)
    tn = len(labels) - tp - fp - fn

    def f1(t: int, false_pos: int, false_neg: int) -> float:
        return 2 * t / (2 * t + false_pos + false_neg) if t else 0.0

    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    positive_f1, negative_f1 = f1(tp, fp, fn), f1(tn, fn, fp)
    return Figures(
        len(labels),
        tp + fn,
        precision,
        recall,
        positive_f1,
        (positive_f1 + negative_f1) / 2,
        (tp + tn) / len(labels) if labels else 0.0,
    )


def curve(labels: Sequence[int], probabilities: Sequence[float]) -> list[dict[str, float]]:
    """Precision and recall at each threshold in THRESHOLDS."""
    points = []
    for threshold in THRESHOLDS:
        found = figures(labels, [p >= threshold for p in probabilities])
        points.append(
            {"threshold": threshold, "precision": found.precision, "recall": found.recall}
        )
    return [{k: round(v, 4) for k, v in point.items()} for point in points]
