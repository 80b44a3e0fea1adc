"""Article search on the database's own full-text engine, with the inbox search's term rules.

Terms come from `search.terms.query_terms` (operators are never interpreted, so no query
errors; one- and two-character terms are dropped when a longer one is present), less the
question words and fillers of `STOP_WORDS` when anything else is left ("where is my order"
searches for "order"). An article matches when ANY term is in its title or body, as a
case-insensitive substring (so a Thai word is found inside an unbroken run of Thai text);
articles holding more of the terms come first, so "lost order" lists the article with both
words before those with one, and a customer's wording rarely finds nothing.

SQLite (`search.sqlite`, migration 0007): the external-content FTS5 trigram table
`search_articles` (title, body_source), kept by triggers. All terms go into one MATCH as
FTS5 strings joined by OR, ranked by the number of terms matched, then by bm25 with the
title weighted `ARTICLE_TITLE_WEIGHT` times the body. A query of only one- or two-character terms
scans with LIKE instead (articles are few; the trigram index cannot serve it).

PostgreSQL (`search.postgresql`): per term, a case-insensitive substring match on title or
body (`contains_text`, pg_trgm GIN indexes) OR a word match on `to_tsvector('simple', title
|| ' ' || body_source)` (GIN index); ranked by the number of terms matched, then ts_rank
plus `ARTICLE_TITLE_WEIGHT` for a term in the title and `ARTICLE_BODY_WEIGHT` for a term in
the body.

Readers see articles in their language: `for_language` keeps the articles in it and, of
the others, those with no published translation into it (a Thai reader gets the Thai
version of an article when there is one, else the original; an English reader never sees
the Thai translation of an English article).

The help centre's other article lookups (by slug, newest published, snippets) live here
too, beside the search they share their queries and snippets with.
"""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from helpdesk.extensions import db
from helpdesk.models import Article, AuditEvent
from helpdesk.search import postgresql, sqlite
from helpdesk.search.terms import MIN_INDEXED_LENGTH, query_terms

# Words that say nothing about what a customer looks for, dropped from an article search
# that has other words (English and Indonesian; Thai and Bengali are not split into words).
STOP_WORDS = frozenset(
    """
    about after also and any are can cannot could did does doing don't for from get got had
    has have how into its not now our please should than that the then there this was what
    when where which who why will with would you your yours
    ada agar akan apa apakah bagaimana bisa dan dari dengan di ini itu ke kenapa mau mengapa
    saya sudah tidak untuk yang
    """.split()
)
SNIPPET_CHARS = 160
# How much text a snippet shows before the first match.
SNIPPET_LEAD = 40


def article_search(
    query: str, *, published_only: bool = True, limit: int = 20, language: str | None = None
) -> list[Article]:
    """Articles matching any term of `query`, those with the most terms first; [] when it
    has nothing to search for (empty, or only punctuation and operators). With `language`,
    only what a reader of it should see (`for_language`)."""
    statement = search_statement(query)
    if statement is None:
        return []
    if published_only:
        statement = statement.where(Article.published.is_(True))
    if language is not None:
        statement = for_language(statement, language)
    return list(db.session.scalars(statement.limit(max(0, limit))))


def for_language(statement: sa.Select[Any], language: str) -> sa.Select[Any]:
    """`statement` keeping the articles a reader of `language` should see: those in it, and
    those in another language with no published version in it (the same original's)."""
    other = aliased(Article)
    same_original = sa.or_(
        other.id == Article.translation_of_id,  # its original
        other.translation_of_id == sa.func.coalesce(Article.translation_of_id, Article.id),
    )
    readable = (
        sa.select(other.id)
        .where(same_original, other.language == language, other.published.is_(True))
        .exists()
    )
    return statement.where(sa.or_(Article.language == language, ~readable))


def article_terms(query: str) -> list[str]:
    """The terms an article search looks for: the query's terms less the stop words (all of
    them when only stop words are left)."""
    terms = query_terms(query or "")
    return [term for term in terms if term not in STOP_WORDS] or terms


def article_suggestions(query: str, limit: int = 5, language: str | None = None) -> list[Article]:
    """Published articles for a live search box: the best matches for `query`, or the
    newest published articles when it has nothing to search for; for a reader of
    `language` when given."""
    if query_terms(query or ""):
        return article_search(query, published_only=True, limit=limit, language=language)
    return list(db.session.scalars(newest_published(language).limit(max(0, limit))))


def articles_version() -> tuple[object, ...]:
    """A fingerprint of every article: the latest audited change to one (writing,
    publishing, unpublishing and deleting are all audited), how many there are and the
    latest edit, read from indexes in one statement. The help centre's and the widget's
    ETags are made from it."""
    latest_change = (
        sa.select(sa.func.max(AuditEvent.id))
        .where(AuditEvent.object_type == Article.__tablename__)
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.select(latest_change, sa.func.count(Article.id), sa.func.max(Article.updated_at))
    ).one()
    return (row[0], row[1], row[2].isoformat() if row[2] else None)


def article_by_slug(slug: str) -> Article | None:
    """The PUBLISHED article at this slug, or None (a draft is never found)."""
    return db.session.scalar(
        sa.select(Article).where(Article.slug == slug, Article.published.is_(True))
    )


def newest_published(language: str | None = None) -> sa.Select[Article]:
    """Published articles, newest first (the help centre's front page); for a reader of
    `language` when given."""
    statement = (
        sa.select(Article)
        .where(Article.published.is_(True))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )
    return for_language(statement, language) if language is not None else statement


def search_statement(query: str) -> sa.Select[Article] | None:
    """A select of the articles (drafts too) matching `query`, ordered best first, for the
    caller to filter and limit; None when the query has nothing to search for."""
    terms = article_terms(query)
    if not terms:
        return None
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return postgresql.article_matches(terms)
    if dialect != "sqlite":  # config.py refuses any other database
        raise RuntimeError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
    if all(len(term) >= MIN_INDEXED_LENGTH for term in terms):
        return sqlite.article_matches(terms)
    return sqlite.article_scan(terms)


# --- Snippets ------------------------------------------------------------------------------


def plain_text(article: Article) -> str:
    """The article's body as one line of plain text (Markdown and HTML gone)."""
    text = html.unescape(nh3.clean(article.body_html, tags=set()))
    return " ".join(text.split())


def article_snippet(article: Article, query: str = "") -> str:
    """About `SNIPPET_CHARS` characters of plain text around the first match of a query
    term in the body (its start when no term is found there), with "…" where text is cut.
    Plain text: escape it (or `search.terms.highlight` it) to show it."""
    text = plain_text(article)
    if len(text) <= SNIPPET_CHARS:
        return text
    first = _first_match(text, query_terms(query or ""))
    start = 0 if first is None or first < SNIPPET_LEAD else first - SNIPPET_LEAD
    start = min(start, len(text) - SNIPPET_CHARS)
    if start > 0:
        space = text.find(" ", start, start + 20)  # begin at a word
        start = space + 1 if space != -1 else start
    end = start + SNIPPET_CHARS
    if end < len(text):
        space = text.rfind(" ", end - 20, end)  # end at a word
        end = space if space != -1 else end
    snippet = text[start:end].strip()
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def _first_match(text: str, terms: list[str]) -> int | None:
    if not terms:
        return None
    pattern = re.compile("|".join(map(re.escape, terms)), re.IGNORECASE)
    found = pattern.search(text)
    return found.start() if found else None
