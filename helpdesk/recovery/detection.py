"""Complaint detection on a customer message: a score from 0 (calm) to 1 (a complaint), the
reasons behind it in words an agent can check, and whether founders should see it.

The score is the learned model's probability (`helpdesk.recovery.model`: character
n-grams and words, plus the lexicon signals of `helpdesk.recovery.signals`), with the
workspace's own adaptation when its team has labelled enough messages
(`helpdesk.recovery.adaptation`), and two facts the text does not carry added to the
log-odds by hand, since no public corpus has them:

    repeat_contact  +0.8 / +1.1 / +1.4 for 3 / 4 / 5+ of the customer's tickets in 7 days
    waiting         +0.6 when the customer writes again after waiting 24 hours or more

Reasons are what pushed the score up the most: the words whose features weighed most (as
written), the lexicon signals with a positive weight, and the context above. A message is
strongly negative (founders look) when the lexicon tone alone reaches STRONG_THRESHOLD, or
when strong words are found and the score reaches it too. Nothing leaves the process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from helpdesk.recovery.features import Vector, vectorise
from helpdesk.recovery.model import (
    choose_language,
    complaint_model,
    margin,
    signal_values,
    token_contributions,
)
from helpdesk.recovery.reasons import MAX_WORD_CHARS, MAX_WORDS, Reason
from helpdesk.recovery.signals import STRONG_THRESHOLD, WORD_CODES, read_signals

COMPLAINT_THRESHOLD = 0.5
CONTACT_BOOST = (0.8, 1.1, 1.4)
WAITING_BOOST = 0.6
WAITING_HOURS = 24
# A token is named as a reason when it added at least this much to the log-odds, and only
# when the text alone makes a complaint at least this likely (a calm message has no "why").
WORD_MIN = 0.15
WORDS_FROM = 0.25
_WINDOW = 12  # characters shown of a long token (Thai runs words together)

__all__ = ["COMPLAINT_THRESHOLD", "STRONG_THRESHOLD", "Adaptation", "Detection", "detect"]


@dataclass(frozen=True)
class Adaptation:
    """A workspace's corrections to the shipped model, learned from its team's labels:
    added to the log-odds (`bias`) and to each feature bucket's weight (`weights`)."""

    id: int = 0
    bias: float = 0.0
    weights: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Detection:
    score: float
    reasons: tuple[Reason, ...]
    strongly_negative: bool
    language: str = "en"


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def _shown(token: str) -> str:
    """A token as an agent reads it: trimmed of punctuation, a long run cut short."""
    word = token.strip(".,;:!?\"'()[]{}«»“”‘’…") or token
    return word if len(word) <= _WINDOW * 2 else word[: _WINDOW * 2] + "…"


def _top_words(vector: Vector, weights: object, adaptation: Adaptation | None) -> list[str]:
    extra = adaptation.weights if adaptation is not None else None
    shares = token_contributions(vector, weights, extra)
    ranked = sorted(range(len(shares)), key=lambda i: shares[i], reverse=True)
    words: list[str] = []
    for index in ranked:
        if shares[index] < WORD_MIN or len(words) >= MAX_WORDS:
            break
        word = _shown(vector.tokens[index])[:MAX_WORD_CHARS]
        if word.lower() not in {w.lower() for w in words}:
            words.append(word)
    return words


def detect(
    text: str,
    *,
    language: str | None = None,
    recent_contacts: int = 0,
    waited_hours: float = 0.0,
    adaptation: Adaptation | None = None,
) -> Detection:
    """Score one customer message and say why; `recent_contacts` is the customer's
    tickets in the last 7 days (this one included), `waited_hours` how long they had been
    waiting for our reply when they wrote it."""
    signals = read_signals(text, language=language)
    code = choose_language(text if isinstance(text, str) else "", language)
    model = complaint_model().languages[code]
    vector = vectorise(signals.cleaned)
    inputs = signal_values(signals)
    log_odds = margin(model, vector, inputs)
    if adaptation is not None:
        log_odds += adaptation.bias + sum(
            adaptation.weights.get(bucket, 0.0) * value for bucket, value in vector.values.items()
        )

    reasons: list[Reason] = []
    likely = _sigmoid(log_odds) >= WORDS_FROM
    if likely and (words := _top_words(vector, model.weights, adaptation)):
        reasons.append(Reason("model_words", tuple(words)))
    found = dict(signals.words)
    if found.get("cancel_weak"):
        found["cancel"] = list(dict.fromkeys([*found.get("cancel", []), *found["cancel_weak"]]))
    for name in WORD_CODES:
        weight = model.signals.get(name, 0.0)
        if name == "cancel" and not signals.words.get("cancel"):
            weight = model.signals.get("cancel_weak", 0.0)
        if found.get(name) and weight > 0:
            reasons.append(Reason(name, tuple(found[name][:MAX_WORDS])))
    if signals.compound <= -0.3:
        reasons.append(Reason("negative_tone", count=round(-signals.compound * 100)))
    if signals.shouting and model.signals.get("shouting", 0.0) > 0:
        reasons.append(Reason("shouting"))
    contacts = recent_contacts if isinstance(recent_contacts, int) else 0
    if contacts >= 3:
        log_odds += CONTACT_BOOST[min(contacts - 3, len(CONTACT_BOOST) - 1)]
        reasons.append(Reason("repeat_contact", count=contacts))
    if isinstance(waited_hours, int | float) and waited_hours >= WAITING_HOURS:
        log_odds += WAITING_BOOST
        reasons.append(Reason("waiting", count=int(min(waited_hours, 1_000_000))))

    # Nothing left to read (empty, or only polite phrases): nothing to score.
    score = round(_sigmoid(log_odds), 3) if vector.tokens or inputs else 0.0
    strongly = signals.tone >= STRONG_THRESHOLD or (
        signals.has_strong and score >= STRONG_THRESHOLD
    )
    return Detection(score, tuple(reasons), strongly, code)
