"""The learned complaint model: features, language routing, the shipped weights, reasons
traced back to the words as written, the support-message sets it is measured on, and the
training script's output read back by the app's loader."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from helpdesk.recovery.detection import COMPLAINT_THRESHOLD, Adaptation, detect
from helpdesk.recovery.features import SIZE, normalise_token, vectorise
from helpdesk.recovery.model import LANGUAGES, choose_language, complaint_model, load_model

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = ROOT / "tests" / "fixtures" / "complaints"
COMPLAINT_SHAPES = {
    "calm_complaint",
    "angry_complaint",
    "polite_complaint",
    "sarcasm",
    "refund_or_leave",
    "misspelled_or_slang",
}
OTHER_SHAPES = {
    "question",
    "polite_request",
    "neutral_problem",
    "praise",
    "praise_negative_words",
    "negativity_elsewhere",
    "feature_request",
}


def support_rows(language: str) -> list[tuple[int, str, str]]:
    with (SUPPORT / f"support_{language}.tsv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert next(reader) == ["label", "shape", "text"]
        return [(int(label), shape, text) for label, shape, text in reader]


def test_features_are_stable_and_scaled():
    vector = vectorise("The app crashed AGAIN!!! Order 1042")
    assert vector == vectorise("The app crashed AGAIN!!! Order 1042")
    assert all(0 <= bucket < SIZE for bucket in vector.values)
    assert vector.tokens == ("The", "app", "crashed", "AGAIN!!!", "Order", "1042")
    # Every token owns part of the features; two unit-length blocks add up to length 2.
    assert all(vector.owners)
    assert sum(value * value for value in vector.values.values()) == pytest.approx(2.0, 0.05)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("AGAIN!!!!", "again!!"),
        ("มากกกกก", "มากก"),
        ("1042", "00"),
        ("https://example.com/x", "http"),
        ("@AcmeHelp", "@user"),
        ("Ｆｕｌｌ", "ｆｕｌｌ"),
    ],
)
def test_tokens_are_normalised(token, expected):
    assert normalise_token(token) == expected


@pytest.mark.parametrize("junk", [None, 42, "", "   ", "\x00\ud800", "a" * 200_000])
def test_any_input_vectorises(junk):
    vector = vectorise(junk)
    assert isinstance(vector.values, dict)


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("บริการแย่มาก", None, "th"),
        ("ok app ไม่ได้", "en", "th"),
        ("সার্ভিস ভালো না", "en", "bn"),
        ("Pesanan saya belum sampai, kenapa ya?", None, "id"),
        ("My order has not arrived yet", "id", "en"),
        ("Refund!!!", "id", "id"),
        ("Refund!!!", "th", "en"),
        ("Refund!!!", None, "en"),
    ],
)
def test_language_routing(text, hint, expected):
    assert choose_language(text, hint) == expected


def test_the_shipped_model_loads_every_language():
    model = complaint_model()
    assert set(model.languages) == set(LANGUAGES)
    for code in LANGUAGES:
        assert len(model.languages[code].weights) == SIZE
        entry = model.meta["languages"][code]
        assert entry["held_out"]["curve"] and entry["support"]["curve"]
    assert model.version


def test_reasons_name_the_words_as_written():
    detection = detect("Your courier LOST my parcel again, useless!!!", language="en")
    assert detection.score >= COMPLAINT_THRESHOLD
    words = next(r.words for r in detection.reasons if r.code == "model_words")
    assert set(words) & {"LOST", "useless", "again", "courier"}
    assert all(word in "Your courier LOST my parcel again, useless!!!" for word in words)


def test_waiting_long_adds_to_the_score_and_says_so():
    text = "Any news about my order?"
    calm, waited = detect(text), detect(text, waited_hours=30)
    assert waited.score > calm.score
    assert any(r.code == "waiting" and r.count == 30 for r in waited.reasons)
    assert not any(r.code == "waiting" for r in detect(text, waited_hours=5).reasons)


def test_an_adaptation_moves_only_what_it_has_weights_for():
    text, other = "The courier again left it outside", "How do I export my invoices?"
    own = set(vectorise(text).values) - set(vectorise(other).values)
    push = Adaptation(1, 0.0, dict.fromkeys(own, 3.0))
    assert detect(text, adaptation=push).score > detect(text).score + 0.3
    assert detect(other, adaptation=push).score == detect(other).score


@pytest.mark.parametrize("language", ["en", "th", "id", "bn"])
def test_support_sets_are_well_formed(language):
    rows = support_rows(language)
    assert len(rows) >= 200
    assert len({text for _label, _shape, text in rows}) == len(rows)
    shapes = Counter(shape for _label, shape, _text in rows)
    assert set(shapes) == COMPLAINT_SHAPES | OTHER_SHAPES
    for label, shape, text in rows:
        assert label == (shape in COMPLAINT_SHAPES) and text.strip()


# Floors a little under what the shipped model scores on our own support messages at the
# shipped threshold (docs/complaint-detection.md has the figures): a regression fails here.
SUPPORT_FLOORS = {
    "en": (0.60, 0.55),
    "th": (0.62, 0.68),
    "id": (0.45, 0.62),
    "bn": (0.45, 0.32),
}


@pytest.mark.parametrize("language", ["en", "th", "id", "bn"])
def test_support_messages_precision_and_recall(language):
    rows = support_rows(language)
    flagged = [
        (label, detect(text, language=language).score >= COMPLAINT_THRESHOLD)
        for label, _shape, text in rows
    ]
    caught = sum(1 for label, hit in flagged if label and hit)
    precision = caught / max(1, sum(hit for _label, hit in flagged))
    recall = caught / sum(label for label, _hit in flagged)
    print(f"support-{language}: precision={precision:.2f} recall={recall:.2f}")
    floor_precision, floor_recall = SUPPORT_FLOORS[language]
    assert precision >= floor_precision and recall >= floor_recall


def test_training_writes_a_model_the_app_loads(tmp_path, monkeypatch):
    """bench/detector/train.py on tiny corpora: its files load, and it learned something."""
    bench = ROOT / "bench" / "detector"
    monkeypatch.syspath_prepend(str(bench))
    import train  # bench/detector is a folder of scripts, not a package

    complaints = [
        "worst service ever, never again",
        "you lost my parcel again",
        "still broken, useless",
    ]
    calm = ["thanks, all good", "how do I change my address", "great help, thank you"]
    corpora = tmp_path / "corpora"
    rows = [(text, 1) for text in complaints * 4] + [(text, 0) for text in calm * 4]
    manifest_lines = []
    for code in LANGUAGES:
        folder = corpora / "owner" / code
        folder.mkdir(parents=True)
        (folder / "train.tsv").write_text(
            "".join(f"{text} {code}\t{label}\n" for text, label in rows), encoding="utf-8"
        )
        (folder / "test.tsv").write_text(
            "".join(f"{text}\t{label}\n" for text, label in rows[::4]), encoding="utf-8"
        )
        manifest_lines.append(
            f'[[corpus]]\nname = "{code}"\ntitle = "t"\nlanguage = "{code}"\n'
            f'repository = "owner/{code}"\ncommit = "0"\nlicence = "test"\nformat = "tsv"\n'
            'header = false\ntext = 0\nlabel = 1\npositive = ["1"]\n'
            'train = ["train.tsv"]\ntest = ["test.tsv"]\n'
        )
    manifest = tmp_path / "corpora.toml"
    manifest.write_text("\n".join(manifest_lines), encoding="utf-8")
    out = tmp_path / "model"
    argv = ["train.py", "--corpora", str(corpora), "--manifest", str(manifest)]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(out), "--version", "test"])
    assert train.main() == 0
    meta = json.loads((out / "complaints.json").read_text(encoding="utf-8"))
    assert meta["version"] == "test" and set(meta["languages"]) == set(LANGUAGES)
    model = load_model(out)
    from helpdesk.recovery.features import vectorise as features
    from helpdesk.recovery.model import margin

    english = model.languages["en"]
    assert margin(english, features("useless, lost again"), {}) > margin(
        english, features("thanks, how do I change it"), {}
    )
