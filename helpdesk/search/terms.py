"""The term rules every search shares: how a query becomes terms (`query_terms`), the
LIKE pattern of a term, and highlighting the terms in text.

The query is NFC-normalised and split on anything that is not a letter, mark (Thai and
Bengali vowel signs) or digit, except characters that commonly sit inside a searchable word
(`.@-_'+/:#%&\\`, which are stripped from the ends of a term), then lowercased and
de-duplicated. Search operators are not supported: `"`, `*`, `NEAR`, `AND`, `OR`, `NOT`,
`-`, `^`, `(` ... are either separators or plain text, so no query can error. Terms of one
or two characters cannot use a trigram index: they are dropped when the query has a longer
term (like stop words). At most `MAX_TERMS` terms of at most `MAX_TERM_LENGTH` characters
are used.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape

MIN_INDEXED_LENGTH = 3  # the trigram index needs three characters
MAX_TERMS = 8
MAX_TERM_LENGTH = 100

# Kept inside a term (stripped from its ends): e-mail addresses, domains, file names,
# "don't", "AT&T", "10:30", "50%"; ZWNJ/ZWJ shape Bengali conjuncts.
_INNER = ".@-_'’+/:#%&\\\u200c\u200d"
_INNER_SET = frozenset(_INNER)
_TICKET_NUMBER = re.compile(r"#?\s*([0-9]{1,9})", re.ASCII)


def query_terms(query: str) -> list[str]:
    """The lowercased, de-duplicated terms a query searches for (and `highlight` marks)."""
    terms: list[str] = []
    for token in _tokens(query):
        term = token.lower()[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    long_terms = [term for term in terms if len(term) >= MIN_INDEXED_LENGTH]
    return (long_terms or terms)[:MAX_TERMS]


def _tokens(query: str) -> list[str]:
    tokens: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFC", query) + " ":
        if unicodedata.category(char)[0] in "LMN" or char in _INNER_SET:
            current.append(char)
        elif current:
            tokens.append("".join(current).strip(_INNER))
            current = []
    return [token for token in tokens if token]


def ticket_number(query: str) -> int | None:
    """The ticket number a query consists of (`42`, `#42`), if it is one."""
    match = _TICKET_NUMBER.fullmatch(query.strip())
    return int(match.group(1)) if match else None


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's own characters escaped by a backslash."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def highlight(text: str, query: str) -> Markup:
    """`text`, HTML-escaped, with every occurrence of a query term wrapped in <mark>."""
    pattern = _terms_pattern(query)
    if pattern is None or not text:
        return escape(text)
    # Joined as plain text and marked safe once: every part from the text is escaped (a
    # results page highlights 100 texts; Markup's own `%` and `join` cost a third more).
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        found = escape(match.group())
        parts += (escape(text[position : match.start()]), "<mark>", found, "</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - every part escaped above


@lru_cache(maxsize=64)
def _terms_pattern(query: str) -> re.Pattern[str] | None:
    """The query's terms as one case-insensitive pattern, the longest first (it wins an
    overlap); None without terms. Kept: a page of results highlights 100 texts."""
    terms = query_terms(query)
    if not terms:
        return None
    alternatives = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)
