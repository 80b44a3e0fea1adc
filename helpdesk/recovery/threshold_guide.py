"""What a complaint threshold means, for the admin choosing one: expected precision and
recall at each threshold from the shipped model's held-out evaluation (public corpora and
our support messages, per language), and from the team's own labels; and where the
workspace's adaptation stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import ComplaintLabel, DetectorAdaptation
from helpdesk.recovery.adaptation import MIN_EACH, current_adaptation
from helpdesk.recovery.model import LANGUAGES, complaint_model

SHOWN = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class Measure:
    precision: float | None
    recall: float | None
    items: int = 0


@dataclass(frozen=True)
class GuideRow:
    threshold: float
    current: bool
    public: Measure  # the mean over the four languages' held-out corpora
    support: Measure  # the mean over the four languages' support messages
    team: Measure  # the team's labels, by the score each message got when it arrived
    by_language: dict[str, tuple[Measure, Measure]]


@dataclass(frozen=True)
class ThresholdGuide:
    rows: list[GuideRow]
    labels: int
    label_complaints: int
    min_each: int
    adaptation: DetectorAdaptation | None
    model_version: str


def _point(curve: list[dict[str, Any]], threshold: float) -> Measure:
    if not curve:
        return Measure(None, None)
    nearest = min(curve, key=lambda point: abs(point["threshold"] - threshold))
    return Measure(nearest["precision"], nearest["recall"])


def _mean(measures: list[Measure]) -> Measure:
    precisions = [m.precision for m in measures if m.precision is not None]
    recalls = [m.recall for m in measures if m.recall is not None]
    return Measure(
        sum(precisions) / len(precisions) if precisions else None,
        sum(recalls) / len(recalls) if recalls else None,
    )


def _team(scores: list[tuple[float, bool]], threshold: float) -> Measure:
    flagged = [is_complaint for score, is_complaint in scores if score >= threshold]
    complaints = sum(1 for _score, is_complaint in scores if is_complaint)
    caught = sum(flagged)
    return Measure(
        caught / len(flagged) if flagged else None,
        caught / complaints if complaints else None,
        len(scores),
    )


def threshold_guide(current: float) -> ThresholdGuide:
    """The table for the settings page, the current threshold marked."""
    model = complaint_model()
    languages = model.meta.get("languages", {})
    scores = [
        (float(score), bool(is_complaint))
        for score, is_complaint in db.session.execute(
            sa.select(ComplaintLabel.score, ComplaintLabel.is_complaint).where(
                ComplaintLabel.score.is_not(None)
            )
        )
        if score is not None
    ]
    thresholds = sorted({*SHOWN, round(current, 2)})
    rows = []
    for threshold in thresholds:
        by_language = {
            code: (
                _point(languages.get(code, {}).get("held_out", {}).get("curve", []), threshold),
                _point(languages.get(code, {}).get("support", {}).get("curve", []), threshold),
            )
            for code in LANGUAGES
        }
        rows.append(
            GuideRow(
                threshold,
                threshold == round(current, 2),
                _mean([public for public, _support in by_language.values()]),
                _mean([support for _public, support in by_language.values()]),
                _team(scores, threshold),
                by_language,
            )
        )
    counts = dict(
        db.session.execute(
            sa.select(ComplaintLabel.is_complaint, sa.func.count(ComplaintLabel.id)).group_by(
                ComplaintLabel.is_complaint
            )
        ).all()
    )
    adaptation = current_adaptation()
    row = db.session.get(DetectorAdaptation, adaptation.id) if adaptation else None
    return ThresholdGuide(
        rows,
        int(sum(counts.values())),
        int(counts.get(True, 0)),
        MIN_EACH,
        row,
        model.version,
    )
