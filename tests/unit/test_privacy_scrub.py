"""The text rules of erasure: full values anywhere, name words only as words, personal
keys of JSON replaced whole, LIKE patterns escaped."""

from __future__ import annotations

from helpdesk.privacy.scrub import ERASED_TEXT, PERSONAL_KEYS, Redactor


def test_full_values_anywhere_and_name_words_as_words():
    redactor = Redactor(["Ana Lima", "ana@example.com", "42"], words=["Ana", "Lima"])
    assert redactor.text("Write to ANA@example.com") == f"Write to {ERASED_TEXT}"
    assert redactor.text("Hi Ana, about Ana Lima") == f"Hi {ERASED_TEXT}, about {ERASED_TEXT}"
    assert redactor.text("Banana and Analytics") == "Banana and Analytics"
    assert redactor.text("order 42") == "order 42"  # too short to search for


def test_json_keeps_non_personal_values():
    redactor = Redactor(["Ana Lima"])
    changes = {
        "status": ["open", "resolved"],
        "name": [None, "Someone"],
        "score": 3,
        "note": "called Ana Lima",
    }
    assert redactor.json(changes, personal_keys=PERSONAL_KEYS) == {
        "status": ["open", "resolved"],
        "name": [None, ERASED_TEXT],
        "score": 3,
        "note": f"called {ERASED_TEXT}",
    }


def test_like_patterns_escape_wildcards_and_json_escapes():
    redactor = Redactor(["a_b%c@example.com", "สมชาย ใจดี"])
    patterns = redactor.like_patterns()
    assert "%a\\_b\\%c@example.com%" in patterns
    assert any("\\\\u0e2a" in pattern for pattern in patterns)  # as JSON stores it
