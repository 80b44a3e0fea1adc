"""What the complaint model reads in a message: hashed character n-grams and words.

The same function serves training (`bench/detector/train.py`) and every detection, so the
two can never drift apart. Pure Python, no numpy: a web worker scores a message without
loading anything beyond the weights.

A message is cut into whitespace tokens. Each token is normalised on its own (NFC, lower
case, digits as 0, a run of three or more of one character as two, links and @handles as
one placeholder), so what an agent is shown as the reason maps back to the words as
written. Two blocks of features, each scaled to unit length:

- characters: the 1- to 5-grams of every token padded with a space (scikit-learn's
  `char_wb`), which suits Thai, written without spaces, and misspellings in every
  language ("เข้าapp ไม่ไดเลย", "pelayanan nya");
- words: every word and every pair of neighbouring words.

Features are hashed with CRC-32 into `SIZE` buckets, counted with a sublinear weight
(1 + ln count). Only the first `HEAD_CHARS` and last `TAIL_CHARS` characters are read.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from dataclasses import dataclass

BITS = 18
SIZE = 1 << BITS
MASK = SIZE - 1
MAX_N = 5
HEAD_CHARS = 4_000
TAIL_CHARS = 1_000

_LINK = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_HANDLE = re.compile(r"^@\w+")
_DIGIT = re.compile(r"\d")
_RUN = re.compile(r"(.)\1{2,}")
_WORD = re.compile(r"[\w']+|[!?]")


@dataclass(frozen=True)
class Vector:
    """A message as the model sees it: `values` maps a bucket to its scaled weight;
    `tokens` are the whitespace tokens as written and `owners[i]` lists, for token i, the
    (bucket, share) pairs it contributed, so a score can be traced back to words."""

    values: dict[int, float]
    tokens: tuple[str, ...]
    owners: tuple[tuple[tuple[int, float], ...], ...]


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8", "surrogatepass")) & MASK


def normalise_token(token: str) -> str:
    """A token as the model reads it."""
    if _LINK.match(token):
        return "http"
    token = unicodedata.normalize("NFC", token).lower()
    token = _HANDLE.sub("@user", token)
    return _RUN.sub(r"\1\1", _DIGIT.sub("0", token))


def _cut(text: str) -> str:
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        return text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]
    return text


def _scaled(counts: dict[int, int]) -> dict[int, float]:
    weights = {bucket: 1.0 + math.log(count) for bucket, count in counts.items()}
    length = math.sqrt(sum(value * value for value in weights.values())) or 1.0
    return {bucket: value / length for bucket, value in weights.items()}


def vectorise(text: str) -> Vector:
    """The features of `text` (any str; anything else reads as empty)."""
    tokens = tuple(_cut(text).split()) if isinstance(text, str) else ()
    chars: dict[int, int] = {}
    words: dict[int, int] = {}
    per_token: list[tuple[dict[int, int], dict[int, int]]] = []
    previous: str | None = None
    for token in tokens:
        norm = normalise_token(token)
        padded = f" {norm} "
        length = len(padded)
        my_chars: dict[int, int] = {}
        for n in range(1, min(MAX_N, length) + 1):
            for start in range(length - n + 1):
                bucket = _bucket(padded[start : start + n])
                my_chars[bucket] = my_chars.get(bucket, 0) + 1
        my_words: dict[int, int] = {}
        for word in _WORD.findall(norm):
            bucket = _bucket("w " + word)
            my_words[bucket] = my_words.get(bucket, 0) + 1
            if previous is not None:
                bucket = _bucket(f"b {previous} {word}")
                my_words[bucket] = my_words.get(bucket, 0) + 1
            previous = word
        for bucket, count in my_chars.items():
            chars[bucket] = chars.get(bucket, 0) + count
        for bucket, count in my_words.items():
            words[bucket] = words.get(bucket, 0) + count
        per_token.append((my_chars, my_words))
    char_values, word_values = _scaled(chars), _scaled(words)
    values = dict(char_values)
    for bucket, value in word_values.items():
        values[bucket] = values.get(bucket, 0.0) + value
    # A bucket's value is shared among the tokens that produced it, by how often each did.
    owners = tuple(
        tuple((b, char_values[b] * n / chars[b]) for b, n in my_chars.items())
        + tuple((b, word_values[b] * n / words[b]) for b, n in my_words.items())
        for my_chars, my_words in per_token
    )
    return Vector(values, tokens, owners)
