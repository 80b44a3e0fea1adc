"""The workspace's own complaint detector: the shipped model, corrected by what its team
labelled ("this is a complaint", "not a complaint").

`detector_adapt` (the `adapt_detector` job, every 10 minutes) fits, once at least `MIN_EACH` labels
of each kind exist and a label is newer than the adaptation in use, a correction to the
shipped model's log-odds: a bias and a weight per feature bucket seen in the labelled
messages, by L2-regularised logistic regression with the shipped model's log-odds as a
fixed offset (classes weighted equally, the penalty pulling every weight towards zero, so
a few labels move only the messages like them). It also measures, by 5-fold
cross-validation on the labels, how the shipped and the adapted detector do on them, and
keeps both figures with the adaptation. The newest adaptation fitted on the shipped model
version is the one `detect_complaint` uses.

numpy is imported only inside the fit (the scheduler), never by the web workers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from helpdesk.audit import audit
from helpdesk.extensions import db
from helpdesk.models import ComplaintLabel, Customer, DetectorAdaptation, Message, Ticket
from helpdesk.recovery.detection import COMPLAINT_THRESHOLD, Adaptation
from helpdesk.recovery.features import vectorise
from helpdesk.recovery.model import choose_language, complaint_model, margin, signal_values
from helpdesk.recovery.signals import read_signals
from helpdesk.settings.service import setting_get, setting_put

MIN_EACH = 5  # labels of each kind before the workspace's model is fitted
MAX_LABELS = 2_000  # the newest labels are the ones fitted
C = 2.0  # inverse penalty: larger follows the team's labels more closely
ITERATIONS = 300
FOLDS = 5
KEEP_WEIGHTS = 50_000  # the largest corrections kept per adaptation
SETTING = "detector"

_cache: dict[int, Adaptation] = {}


@dataclass(frozen=True)
class Example:
    buckets: list[int]
    values: list[float]
    offset: float  # the shipped model's log-odds
    label: int


def current_adaptation() -> Adaptation | None:
    """The adaptation in use, read through this transaction's settings and kept per process."""
    stored = setting_get(SETTING, {})
    adaptation_id = stored.get("adaptation_id") if isinstance(stored, dict) else None
    if not isinstance(adaptation_id, int):
        return None
    if stored.get("model_version") != complaint_model().version:
        return None  # fitted on another shipped model: its corrections no longer apply
    found = _cache.get(adaptation_id)
    if found is None:
        row = db.session.get(DetectorAdaptation, adaptation_id)
        if row is None:
            return None
        weights = {int(key): float(value) for key, value in (row.weights or {}).items()}
        found = Adaptation(row.id, float(row.bias), weights)
        _cache.clear()  # one adaptation is in use at a time
        _cache[adaptation_id] = found
    return found


def _example(text: str, language: str | None, label: bool) -> Example:
    signals = read_signals(text, language=language)
    vector = vectorise(signals.cleaned)
    model = complaint_model().languages[choose_language(text, language)]
    offset = margin(model, vector, signal_values(signals))
    return Example(list(vector.values), list(vector.values.values()), offset, int(label))


def _fit(examples: Sequence[Example]) -> tuple[float, dict[int, float]]:
    """Bias and per-bucket corrections minimising the class-weighted log loss (each class
    weighs one half) plus |w|^2 / (2 C n): sklearn's objective, divided by n."""
    import numpy as np

    buckets = sorted({bucket for example in examples for bucket in example.buckets})
    column = {bucket: index for index, bucket in enumerate(buckets)}
    rows = np.concatenate(
        [np.full(len(e.buckets), i, dtype=np.int64) for i, e in enumerate(examples)]
    )
    cols = np.array([column[b] for e in examples for b in e.buckets], dtype=np.int64)
    vals = np.array([v for e in examples for v in e.values], dtype=np.float64)
    offsets = np.array([e.offset for e in examples])
    signs = np.array([1.0 if e.label else -1.0 for e in examples])
    positives = int((signs > 0).sum())
    share = np.where(signs > 0, 0.5 / max(positives, 1), 0.5 / max(len(examples) - positives, 1))
    penalty = 1.0 / (C * len(examples))
    size = len(buckets) + 1  # the last entry is the bias
    weights = np.zeros(size)
    momentum = np.zeros(size)
    norms = np.bincount(rows, weights=vals * vals, minlength=len(examples)) + 1.0
    step = 1.0 / (0.25 * float((share * norms).sum()) + penalty)
    for iteration in range(ITERATIONS):
        ahead = weights + (iteration / (iteration + 3)) * momentum
        z = (
            offsets
            + ahead[-1]
            + np.bincount(rows, weights=vals * ahead[cols], minlength=len(examples))
        )
        residual = -signs * share / (1.0 + np.exp(np.clip(signs * z, -50, 50)))
        gradient = np.empty(size)
        gradient[:-1] = np.bincount(cols, weights=vals * residual[rows], minlength=size - 1)
        gradient[-1] = residual.sum()
        gradient += penalty * ahead
        updated = ahead - step * gradient
        momentum = updated - weights
        weights = updated
    corrections = {b: float(w) for b, w in zip(buckets, weights[:-1], strict=True) if abs(w) > 1e-6}
    if len(corrections) > KEEP_WEIGHTS:
        corrections = dict(
            sorted(corrections.items(), key=lambda item: abs(item[1]), reverse=True)[:KEEP_WEIGHTS]
        )
    return float(weights[-1]), corrections


def _log_odds(example: Example, bias: float, weights: dict[int, float]) -> float:
    return (
        example.offset
        + bias
        + sum(weights.get(b, 0.0) * v for b, v in zip(example.buckets, example.values, strict=True))
    )


def _precision_recall(pairs: list[tuple[int, bool]]) -> dict[str, float | None]:
    tp = sum(1 for label, hit in pairs if label and hit)
    flagged = sum(1 for _label, hit in pairs if hit)
    actual = sum(1 for label, _hit in pairs if label)
    return {
        "precision": round(tp / flagged, 4) if flagged else None,
        "recall": round(tp / actual, 4) if actual else None,
    }


def _cross_validate(examples: list[Example], threshold: float) -> dict[str, Any]:
    cut = math.log(threshold / (1 - threshold)) if 0 < threshold < 1 else 0.0
    shipped = [(e.label, e.offset >= cut) for e in examples]
    adapted: list[tuple[int, bool]] = []
    for fold in range(FOLDS):
        train = [e for i, e in enumerate(examples) if i % FOLDS != fold]
        test = [e for i, e in enumerate(examples) if i % FOLDS == fold]
        if not test or len({e.label for e in train}) < 2:
            continue
        bias, weights = _fit(train)
        adapted += [(e.label, _log_odds(e, bias, weights) >= cut) for e in test]
    return {
        "threshold": threshold,
        "shipped": _precision_recall(shipped),
        "adapted": _precision_recall(adapted),
    }


def _labelled() -> list[tuple[int, bool, str, str | None]]:
    rows = db.session.execute(
        sa.select(
            ComplaintLabel.id, ComplaintLabel.is_complaint, Message.body_source, Customer.language
        )
        .join(Message, Message.id == ComplaintLabel.message_id)
        .join(Ticket, Ticket.id == ComplaintLabel.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .order_by(ComplaintLabel.id.desc())
        .limit(MAX_LABELS)
    ).all()
    return [(row[0], bool(row[1]), row[2], row[3]) for row in rows]


def detector_adapt(*, threshold: float | None = None) -> DetectorAdaptation | None:
    """Fit the workspace's adaptation when there are enough labels and a new one (a use
    case: commits). Returns the new adaptation, or None when nothing was due."""
    counts = {
        bool(is_complaint): (int(count), int(newest))
        for is_complaint, count, newest in db.session.execute(
            sa.select(
                ComplaintLabel.is_complaint,
                sa.func.count(ComplaintLabel.id),
                sa.func.max(ComplaintLabel.id),
            ).group_by(ComplaintLabel.is_complaint)
        )
    }
    if min(counts.get(True, (0, 0))[0], counts.get(False, (0, 0))[0]) < MIN_EACH:
        return None
    newest = max(last for _count, last in counts.values())
    version = complaint_model().version
    stored = setting_get(SETTING, {})
    stored = stored if isinstance(stored, dict) else {}
    if stored.get("model_version") == version and stored.get("last_label_id", 0) >= newest:
        return None
    labelled = _labelled()
    complaints = sum(1 for _id, is_complaint, *_ in labelled if is_complaint)
    examples = [_example(text, language, label) for _id, label, text, language in labelled]
    if threshold is None:
        recovery = setting_get("recovery", {})
        threshold = float(recovery.get("complaint_threshold", COMPLAINT_THRESHOLD))
    figures = _cross_validate(examples, threshold)
    bias, weights = _fit(examples)
    row = DetectorAdaptation(
        model_version=version,
        last_label_id=newest,
        complaints=complaints,
        not_complaints=len(labelled) - complaints,
        bias=bias,
        weights={str(bucket): round(weight, 6) for bucket, weight in weights.items()},
        figures=figures,
    )
    db.session.add(row)
    db.session.flush()
    setting_put(
        SETTING,
        {**stored, "adaptation_id": row.id, "model_version": version, "last_label_id": newest},
    )
    audit(
        actor="system",
        action="detector.adapted",
        obj=row,
        changes={"labels": len(labelled), "complaints": complaints, "figures": figures},
    )
    db.session.commit()
    return row
