"""The lexicon signals in a customer message: strong and negative words, refund, cancel and
"again" words, shouting, and (English) VADER's tone. The complaint model
(`helpdesk.recovery.model`) weighs them beside the words it learned; on their own they also
decide whether a message is strongly negative enough for the founders to look.

Lexicons only (`helpdesk.recovery.lexicons`); nothing leaves the process. Every lexicon
whose script appears in the text is checked (Thai, Bengali, else Latin: English and
Indonesian), as well as the customer's language.

Steps: NFC-normalise; blank out neutral phrases ("no problem", "ไม่เป็นไร", "tidak
apa-apa", "কোনো সমস্যা নেই", "refund policy", "received my refund") unless negated
themselves ("haven't received my refund"); find strong, negative, refund, cancel and
repeat words. A negator shortly before a strong or negative word neutralises it ("not
bad", "ไม่แย่", "tidak buruk"; English "never been so angry" stays angry); in Bengali the
negator follows ("খারাপ না" is neutral, "ভালো না" is in the negative list). Refund, cancel
and repeat words are not negated: "still haven't received my refund" is about a refund.

The tone is a noisy OR of what the words say (1 - product(1 - weight)):

    strong_words    0.70 (two or more different: 0.85)
    negative_words  0.35 / 0.50 / 0.60 for one / two / three or more different words
    negative_tone   English VADER compound <= -0.3: -compound * 0.55, at most 0.5
    shouting        0.15 (mostly capitals, or "!!!")

A message is strongly negative when that tone reaches `STRONG_THRESHOLD`, or when strong
words are found and the complaint score reaches it too.

Long texts: only the first 40,000 and last 10,000 characters are read, VADER sees the
first 1,000 (it slows down quadratically), and at most 200 matches per list are examined.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from helpdesk.recovery.lexicons import LEXICONS, Lexicon
from helpdesk.recovery.reasons import MAX_WORD_CHARS, MAX_WORDS

STRONG_THRESHOLD = 0.8

HEAD_CHARS = 40_000
TAIL_CHARS = 10_000
VADER_CHARS = 1_000
MAX_MATCHES = 200

W_STRONG = (0.70, 0.85)
W_NEGATIVE = (0.35, 0.50, 0.60)
W_SHOUTING = 0.15
TONE_FROM = -0.3
TONE_SCALE = 0.55
TONE_MAX = 0.5
# The lists a message is searched for, in the order reasons are shown.
WORD_CODES = ("strong_words", "refund", "cancel", "repeat_words", "negative_words")


@dataclass(frozen=True)
class Signals:
    """What the lexicons found: words per reason code (`cancel` holds a wish to leave,
    `cancel_weak` a bare cancel verb), shouting, VADER's compound (0 outside English) and
    the tone weight built from them."""

    words: dict[str, list[str]]
    shouting: bool
    compound: float
    tone: float
    # The message with its neutral phrases ("no problem", "tidak apa-apa") blanked out.
    cleaned: str = ""

    @property
    def has_strong(self) -> bool:
        return bool(self.words.get("strong_words"))


@dataclass(frozen=True)
class _Patterns:
    lexicon: Lexicon
    negators: frozenset[str]
    strong: re.Pattern[str]
    negative: re.Pattern[str]
    refund: re.Pattern[str]
    cancel: re.Pattern[str]
    cancel_weak: re.Pattern[str]
    repeat: re.Pattern[str]
    neutral: re.Pattern[str]


_Trie = dict[str, "_Trie"]  # one level per character; the key "" marks an entry's end

# Where a match may start and end, per matching mode (Bengali: start of a word only).
_EDGES = {
    "word": (r"(?<!\w)", r"(?!\w)"),
    "substring": ("", ""),
    "prefix": (r"(?<![\u0980-\u09FF])", ""),
}


def _trie(node: _Trie, gap: str) -> str:
    """A regex matching every path through `node`, shared prefixes written once, so
    matching tries one branch per character instead of every entry in turn."""
    branches = [
        (gap if char == " " else re.escape(char)) + _trie(child, gap)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    optional = "" in node
    if len(branches) == 1 and not optional:
        return branches[0]
    return f"(?:{'|'.join(branches)})" + ("?" if optional else "")


def _compile(entries: tuple[str, ...], matching: str) -> re.Pattern[str]:
    """One pattern for a list, matched against lower-cased text."""
    root: _Trie = {}
    for entry in entries:
        node = root
        for char in " ".join(unicodedata.normalize("NFC", entry).lower().split()):
            node = node.setdefault(char, {})
        node[""] = {}
    before, after = _EDGES[matching]
    gap = r"\s*" if matching == "substring" else r"\s+"
    return re.compile(f"{before}(?:{_trie(root, gap)}){after}")


def _patterns(lexicon: Lexicon) -> _Patterns:
    def build(entries: tuple[str, ...]) -> re.Pattern[str]:
        return _compile(entries, lexicon.matching)

    return _Patterns(
        lexicon=lexicon,
        negators=frozenset(unicodedata.normalize("NFC", n) for n in lexicon.negators),
        strong=build(lexicon.strong),
        negative=build(lexicon.negative),
        refund=build(lexicon.refund),
        cancel=build(lexicon.cancel),
        cancel_weak=build(lexicon.cancel_weak),
        repeat=build(lexicon.repeat),
        neutral=build(lexicon.neutral),
    )


_PATTERNS = {language: _patterns(lexicon) for language, lexicon in LEXICONS.items()}
_SCRIPTS = (("th", re.compile(r"[\u0E00-\u0E7F]")), ("bn", re.compile(r"[\u0980-\u09FF]")))
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_CLAUSE_END = re.compile(r"[.!?;,:\n\u0964]")
_TOKEN = re.compile(r"[\w']+")
_BENGALI_NEXT = re.compile(r"[\u0980-\u09FF]*[ \t]+([\u0980-\u09FF]+)")
_UPPER = re.compile(r"[A-Z\u00C0-\u00DE]")
_LOWER = re.compile(r"[a-z\u00DF-\u00FF]")
_EXCLAIM = re.compile(r"[!\uFF01]{3,}")
_SPACES = re.compile(r"\s+")
# Words that turn a preceding English negator into emphasis: "never been so angry".
_EMPHASIS = frozenset({"so", "this", "more", "as", "ever"})
_THAI_WINDOW = 7


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _prepare(text: object) -> str:
    """NFC text with straight apostrophes, cut to the part that is read; its lower-cased
    form has the same length (U+0130 is the one character whose lower case is longer)."""
    if not isinstance(text, str):
        return ""
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u0130", "I")


def _languages(text: str, hint: str | None) -> list[str]:
    found = [language for language, script in _SCRIPTS if script.search(text)]
    if _LATIN.search(text):
        found += ["en", "id"]
    if isinstance(hint, str):
        code = hint.strip().lower().replace("_", "-").split("-")[0]
        if code in LEXICONS and code not in found:
            found.append(code)
    return found


def _negated_latin(text: str, start: int, negators: frozenset[str]) -> bool:
    window = text[max(0, start - 80) : start]
    tokens = _TOKEN.findall(_CLAUSE_END.split(window)[-1])[-3:]
    for index, token in enumerate(tokens):
        if token in negators or token.endswith("n't"):
            if not _EMPHASIS.intersection(tokens[index + 1 :]):
                return True
    return False


def _negated_thai(text: str, start: int, negators: frozenset[str]) -> bool:
    window = _SPACES.split(text[max(0, start - _THAI_WINDOW) : start])[-1]
    return any(negator in window for negator in negators)


def _negated_bengali(text: str, end: int, negators: frozenset[str]) -> bool:
    following = _BENGALI_NEXT.match(text, end, min(len(text), end + 60))
    if not following:
        return False
    token = following.group(1)
    return token in negators or (len(token) > 2 and token.endswith("নি"))


def _negation_check(patterns: _Patterns, text: str) -> Callable[[re.Match[str]], bool]:
    matching, negators = patterns.lexicon.matching, patterns.negators
    if matching == "substring":
        return lambda match: _negated_thai(text, match.start(), negators)
    if matching == "prefix":
        return lambda match: _negated_bengali(text, match.end(), negators)
    return lambda match: _negated_latin(text, match.start(), negators)


def _hits(
    pattern: re.Pattern[str],
    text: str,
    shown: str,
    negated: Callable[[re.Match[str]], bool] | None = None,
) -> list[str]:
    """The distinct words `pattern` finds in lower-cased `text` (at most MAX_WORDS, as
    written in `shown`), skipping negated ones."""
    words: dict[str, str] = {}
    for index, match in enumerate(pattern.finditer(text)):
        if index >= MAX_MATCHES or len(words) >= MAX_WORDS:
            break
        if negated is not None and negated(match):
            continue
        word = _SPACES.sub(" ", shown[match.start() : match.end()]).strip()
        words.setdefault(match.group(), word[:MAX_WORD_CHARS])
    return list(words.values())


def _merge(into: dict[str, list[str]], code: str, words: list[str]) -> None:
    known = into.setdefault(code, [])
    seen = {word.lower() for word in known}
    for word in words:
        if word.lower() not in seen and len(known) < MAX_WORDS:
            known.append(word)
            seen.add(word.lower())


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    last = 0
    for start, end in sorted(spans):
        start = max(start, last)
        if end > start:
            pieces += [text[last:start], " " * (end - start)]
            last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _without_neutral(text: str, languages: list[str]) -> tuple[str, str]:
    """`text` and its lower-cased form with every neutral phrase blanked out, unless the
    phrase is itself negated ("still haven't received my refund")."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for code in languages:
        negated = _negation_check(_PATTERNS[code], lowered)
        spans += [m.span() for m in _PATTERNS[code].neutral.finditer(lowered) if not negated(m)]
    if not spans:
        return text, lowered
    return _blank_spans(text, spans), _blank_spans(lowered, spans)


def _find(text: str, lowered: str, languages: list[str]) -> dict[str, list[str]]:
    """Words found per reason code over every language's lexicon, matched in `lowered` and
    shown as written in `text`; the bare cancel verbs are under "cancel_weak"."""
    found: dict[str, list[str]] = {}
    for code in languages:
        patterns = _PATTERNS[code]
        negated = _negation_check(patterns, lowered)
        _merge(found, "strong_words", _hits(patterns.strong, lowered, text, negated))
        # A strong phrase's words are not counted again as negative ("kecewa berat").
        rest = patterns.strong.sub(_blank, lowered)
        negated_rest = _negation_check(patterns, rest)
        _merge(found, "negative_words", _hits(patterns.negative, rest, text, negated_rest))
        _merge(found, "refund", _hits(patterns.refund, lowered, text))
        _merge(found, "cancel", _hits(patterns.cancel, lowered, text))
        weak = _hits(patterns.cancel_weak, patterns.cancel.sub(_blank, lowered), text)
        _merge(found, "cancel_weak", weak)
        _merge(found, "repeat_words", _hits(patterns.repeat, lowered, text))
    return found


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def _compound(text: str) -> float:
    sample = _SPACES.sub(" ", text[:VADER_CHARS]).strip()
    if not sample:
        return 0.0
    return float(_vader().polarity_scores(sample)["compound"])


def _shouting(text: str) -> bool:
    sample = text[:5_000]
    upper, lower = len(_UPPER.findall(sample)), len(_LOWER.findall(sample))
    shouted = upper + lower >= 12 and upper >= 0.7 * (upper + lower)
    return shouted or bool(_EXCLAIM.search(text))


def noisy_or(weights: list[float]) -> float:
    calm = 1.0
    for weight in weights:
        calm *= 1.0 - weight
    return 1.0 - calm


def _pick(weights: tuple[float, ...], count: int) -> float:
    return weights[max(1, min(count, len(weights))) - 1]


def read_signals(text: str, *, language: str | None = None) -> Signals:
    """Search one customer message with every lexicon that applies to it."""
    text = _prepare(text)
    languages = _languages(text, language)
    cleaned, lowered = _without_neutral(text, languages)
    found = _find(text, lowered, languages)
    tone: list[float] = []
    if words := found.get("strong_words"):
        tone.append(_pick(W_STRONG, len(words)))
    if words := found.get("negative_words"):
        tone.append(_pick(W_NEGATIVE, len(words)))
    compound = _compound(cleaned) if "en" in languages else 0.0
    if compound <= TONE_FROM:
        tone.append(min(TONE_MAX, -compound * TONE_SCALE))
    shouting = _shouting(text)
    if shouting:
        tone.append(W_SHOUTING)
    found_words = {code: hits for code, hits in found.items() if hits}
    return Signals(found_words, shouting, compound, noisy_or(tone), cleaned)
