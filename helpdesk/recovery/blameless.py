"""Blameless Diagnose: find where a diagnosis names a person or blames one, so the panel can
warn (never block) and point towards a process-level cause with the "five whys".

Two kinds of finding, in any of the four languages whatever the agent's own language:
- a staff member's name (every active user's full name and first name);
- a blame word ("careless", "forgot", "fire …", ประมาท, ceroboh, অসাবধান …).

Latin-script words match as whole words, case-insensitively; Thai and Bengali words match
anywhere, as Thai writes no spaces between words (the same rule as the reply hint).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import User

# Words that put the cause on a person rather than on the process. Kept to words that rarely
# describe a process ("the check was skipped" is fine; "Dewi was careless" is not).
BLAME_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "careless",
        "carelessness",
        "lazy",
        "incompetent",
        "sloppy",
        "stupid",
        "idiot",
        "forgot",
        "didn't bother",
        "his fault",
        "her fault",
        "their fault",
        "fault of",
        "to blame",
        "blame",
        "fire",
        "fired",
        "sack",
        "punish",
        "human error",
        "should have known",
    ),
    "th": ("ประมาท", "สะเพร่า", "ขี้เกียจ", "ไม่ใส่ใจ", "ความผิดของ", "ไล่ออก", "ลงโทษ", "ลืม"),
    "id": (
        "ceroboh",
        "lalai",
        "malas",
        "tidak becus",
        "bodoh",
        "lupa",
        "salahnya",
        "kesalahan dia",
        "pecat",
        "dipecat",
        "hukum",
    ),
    "bn": ("অসাবধান", "অলস", "গাফিলতি", "ভুলে গেছে", "ভুলে গিয়েছিল", "দোষ", "বরখাস্ত", "শাস্তি"),
}

MIN_NAME_CHARS = 3  # "Al" or "Jo" would match too much ordinary text


def _is_latin(word: str) -> bool:
    return all(ord(char) < 0x250 for char in word)


def _pattern(word: str) -> re.Pattern[str]:
    escaped = re.escape(word)
    if _is_latin(word):
        return re.compile(rf"(?<!\w){escaped}(?!\w)", re.IGNORECASE)
    return re.compile(escaped, re.IGNORECASE)


def _found(text: str, words: Iterable[str]) -> list[str]:
    return [word for word in dict.fromkeys(words) if _pattern(word).search(text)]


def staff_names() -> list[str]:
    """Every active staff member's full name and first name, long enough to be telling."""
    names: list[str] = []
    for name in db.session.scalars(sa.select(User.name).where(User.active.is_(True))):
        full = " ".join(name.split())
        first = full.split(" ")[0] if full else ""
        names.extend(part for part in (full, first) if len(part) >= MIN_NAME_CHARS)
    return names


def blame_findings(*texts: str | None) -> tuple[list[str], list[str]]:
    """The staff names and the blame words found in `texts`: (names, words)."""
    text = "\n".join(part for part in texts if part)
    if not text.strip():
        return [], []
    names = _found(text, staff_names())
    # A first name found inside a full name that was found says the same thing twice.
    names = [name for name in names if not any(name != other and name in other for other in names)]
    words = _found(text, (word for group in BLAME_WORDS.values() for word in group))
    return names, words
