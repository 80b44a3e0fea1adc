"""Whether a rule's conditions hold for a ticket: pure functions over the facts a rule may
look at (`Facts`), so the same code decides for live events, the time sweep and dry runs.

Words match case-insensitively (Unicode case folding, NFC). A word in a script written
without spaces between words (Thai, Lao, Khmer, Myanmar, Chinese, Japanese) matches
anywhere in the text; any other word or phrase matches only as whole words, so "refund"
does not match "refunded" and "art" does not match "start"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from helpdesk.automations.rules import Conditions

# Scripts written without spaces between words (Unicode blocks).
_UNSPACED = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
)


@dataclass(frozen=True)
class Facts:
    """What a rule's conditions may look at, read once per ticket."""

    channel: str
    kind: str
    priority: str
    status: str
    language: str | None
    plan: str | None
    vip: bool
    lifetime_value_cents: int
    tags: frozenset[str]
    text: str  # the customer's message the rule is about ("" when none)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def unspaced(word: str) -> bool:
    return any(lo <= ord(char) <= hi for char in word for lo, hi in _UNSPACED)


@lru_cache(maxsize=512)
def _pattern(word: str) -> re.Pattern[str]:
    folded = re.escape(_fold(word)).replace(r"\ ", r"\s+")
    if unspaced(word):
        return re.compile(folded)
    return re.compile(rf"(?<!\w){folded}(?!\w)")


def mentioned(words: Iterable[str], text: str) -> str | None:
    """The first of `words` the text mentions, else None."""
    folded = _fold(text)
    for word in words:
        if _pattern(word).search(folded):
            return word
    return None


def conditions_hold(conditions: Conditions, facts: Facts) -> bool:
    """Whether every condition set on the rule holds for these facts."""
    c = conditions
    if c.channels and facts.channel not in c.channels:
        return False
    if c.statuses and facts.status not in c.statuses:
        return False
    if c.priorities and facts.priority not in c.priorities:
        return False
    if c.languages and (facts.language or "en") not in c.languages:
        return False
    if c.plans and _fold(facts.plan or "") not in {_fold(plan) for plan in c.plans}:
        return False
    if c.complaint is not None and (facts.kind == "complaint") != c.complaint:
        return False
    if c.tags and not facts.tags.intersection(c.tags):
        return False
    if c.vip or c.min_value_cents is not None:
        valued = c.min_value_cents is not None and facts.lifetime_value_cents >= c.min_value_cents
        if not ((c.vip and facts.vip) or valued):
            return False
    return not (c.words and mentioned(c.words, facts.text) is None)
