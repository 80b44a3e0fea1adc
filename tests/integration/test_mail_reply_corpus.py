"""Our mail corpus (tests/fixtures/mail/replies/, written for this project in the shapes
real mail clients produce: replies above, below and between quotes, attributions and
separators in fifteen languages, signatures and sentences that only look like one,
forwards, HTML-only mail) with the customer's text expected from each. The body the app
keeps must hold every line the customer wrote, and match it exactly in at least 90% of
messages (bench/mail/evaluate_trim.py prints the same figures, and another project's)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpdesk.mail.parse import parse_email

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "mail" / "replies"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def normal(text: str) -> str:
    """Line ends and blank-line runs aside; Markdown bold (from HTML mail) is formatting."""
    lines = [line.rstrip() for line in text.replace("**", "").strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def body_of(name: str) -> str:
    return parse_email((CORPUS / name).read_bytes()).body


def test_the_corpus_is_complete() -> None:
    files = {path.name for path in CORPUS.glob("*.eml")}
    assert files == set(EXPECTED) and len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_line_the_customer_wrote_is_kept(name: str) -> None:
    body = normal(body_of(name))
    assert body, "a message with text must never give an empty body"
    missing = [
        line.strip()
        for line in EXPECTED[name]["expected"].splitlines()
        if line.strip() and line.strip() not in body
    ]
    assert missing == [], EXPECTED[name]["shape"]


def test_exact_match_rate() -> None:
    exact = [
        name for name in EXPECTED if normal(body_of(name)) == normal(EXPECTED[name]["expected"])
    ]
    rate = len(exact) / len(EXPECTED)
    print(f"\nreply corpus: exact {len(exact)}/{len(EXPECTED)} ({rate:.0%})")
    assert rate >= 0.9
