"""The learned complaint model shipped with the package: one logistic regression per
language (English, Indonesian, Thai, Bengali) over the hashed features of
`helpdesk.recovery.features` plus the lexicon signals of `helpdesk.recovery.signals`.

Trained by `bench/detector/train.py` on public labelled corpora (docs/complaint-detection.md
says which, and how well it does); the weights live in `model/` beside this module: a JSON
file with each language's bias, signal weights and held-out figures, and a gzipped
little-endian float32 array of `SIZE` weights per language. Loaded once per process, on
first use; nothing is downloaded.

A message is read by one language's model: the Thai model for Thai script, the Bengali
one for Bengali script; Latin script goes to English or Indonesian by which language's
common words it uses (ties: the customer's language, else English).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from array import array
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from helpdesk.recovery.features import SIZE, Vector
from helpdesk.recovery.signals import Signals

MODEL_DIR = Path(__file__).with_name("model")
META_FILE = "complaints.json"
LANGUAGES = ("en", "id", "th", "bn")
# Lexicon signals the model weighs, each 0..1 (words: 1 for one, 1.0 at most).
SIGNAL_CODES = (
    "strong_words",
    "negative_words",
    "refund",
    "cancel",
    "cancel_weak",
    "repeat_words",
    "shouting",
)

_THAI = re.compile(r"[\u0E00-\u0E7F]")
_BENGALI = re.compile(r"[\u0980-\u09FF]")
_LATIN_WORD = re.compile(r"[a-z]+")
_ENGLISH_WORDS = frozenset(
    "the and is are was to my me i you it not for of this that have has with your can "
    "please thanks why what when how our we on at be been an a do did does just still".split()
)
_INDONESIAN_WORDS = frozenset(
    "yang dan tidak nya saya ini itu di ke dari untuk dengan sudah belum bisa gak ga "
    "aku kak mohon tolong sih dong udah banget apa kenapa kok gimana kami kita ada juga "
    "lagi mau akan sama buat tapi atau jadi karena pak bu min".split()
)


@dataclass(frozen=True)
class LanguageModel:
    language: str
    bias: float
    weights: array  # float32, SIZE entries, indexed by feature bucket
    signals: dict[str, float]


@dataclass(frozen=True)
class ComplaintModel:
    version: str
    languages: dict[str, LanguageModel]
    # What training wrote down: corpora, settings and held-out figures per threshold.
    meta: dict[str, Any] = field(default_factory=dict)


def _read_weights(path: Path) -> array:
    weights = array("f")
    weights.frombytes(gzip.decompress(path.read_bytes()))
    if sys.byteorder != "little":
        weights.byteswap()
    if len(weights) != SIZE:
        raise ValueError(f"{path.name}: {len(weights)} weights, expected {SIZE}")
    return weights


def load_model(directory: Path = MODEL_DIR) -> ComplaintModel:
    """Read a model written by the training script (raises if it is missing or broken)."""
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    languages = {}
    for code in LANGUAGES:
        entry = meta["languages"][code]
        languages[code] = LanguageModel(
            language=code,
            bias=float(entry["bias"]),
            weights=_read_weights(directory / entry["weights"]),
            signals={name: float(entry["signals"].get(name, 0.0)) for name in SIGNAL_CODES},
        )
    return ComplaintModel(str(meta["version"]), languages, meta)


@cache
def complaint_model() -> ComplaintModel:
    """The shipped model, loaded on first use and kept for the life of the process."""
    return load_model()


def choose_language(text: str, hint: str | None = None) -> str:
    """Which language's model reads `text`."""
    sample = text[:2_000] if isinstance(text, str) else ""
    if _THAI.search(sample):
        return "th"
    if _BENGALI.search(sample):
        return "bn"
    words = _LATIN_WORD.findall(sample.lower())
    english = sum(word in _ENGLISH_WORDS for word in words)
    indonesian = sum(word in _INDONESIAN_WORDS for word in words)
    if indonesian > english:
        return "id"
    if english > indonesian:
        return "en"
    code = (hint or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in ("en", "id") else "en"


def signal_values(signals: Signals) -> dict[str, float]:
    """The lexicon signals as model inputs."""
    values = {code: 1.0 for code in SIGNAL_CODES if code != "shouting" and signals.words.get(code)}
    if signals.shouting:
        values["shouting"] = 1.0
    return values


def margin(model: LanguageModel, vector: Vector, signals: dict[str, float]) -> float:
    """The model's log-odds that the message is a complaint."""
    weights = model.weights
    total = model.bias + sum(weights[bucket] * value for bucket, value in vector.values.items())
    return total + sum(model.signals[code] * value for code, value in signals.items())


def token_contributions(
    vector: Vector, weight_of: Any, extra: dict[int, float] | None = None
) -> list[float]:
    """How much each token of `vector` added to the margin (`weight_of[bucket]`, plus a
    workspace's `extra` weights)."""
    extra = extra or {}
    return [
        sum((weight_of[bucket] + extra.get(bucket, 0.0)) * share for bucket, share in owned)
        for owned in vector.owners
    ]
