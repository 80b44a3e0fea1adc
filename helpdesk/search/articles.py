"""Article search on the database's own full-text engine, with the inbox search's term rules.

Terms come from `tickets.search.query_terms` (operators are never interpreted, so no query
errors; one- and two-character terms are dropped when a longer one is present). Every term
must match, in the title or the body, as a case-insensitive substring, so a Thai word is
found inside an unbroken run of Thai text.

SQLite (migration 0007): the external-content FTS5 trigram table `search_articles` (title,
body_source), kept by triggers. All terms go into one MATCH as FTS5 strings (implicitly
AND-ed across the row's columns), ranked by bm25 with the title weighted `TITLE_WEIGHT`
times the body. A query of only one- or two-character terms scans with LIKE instead
(articles are few; the trigram index cannot serve it).

PostgreSQL: per term, an ILIKE substring match on title or body (pg_trgm GIN indexes) OR a
word match on `to_tsvector('simple', title || ' ' || body_source)` (GIN index); ranked by
ts_rank plus `TITLE_WEIGHT` for a term in the title and 1 for a term in the body.
"""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Article
from helpdesk.search.tickets import MIN_INDEXED_LENGTH, fts_string, like_pattern, query_terms

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_CHARS = 160
# How much text a snippet shows before the first match.
SNIPPET_LEAD = 40

_FTS_ARTICLES = sa.table("search_articles", sa.column("rowid", sa.Integer))
_SIMPLE: sa.ColumnClause[str] = sa.literal_column("'simple'")


def article_search(query: str, *, published_only: bool = True, limit: int = 20) -> list[Article]:
    """Articles matching every term of `query`, best first; [] when it has nothing to search
    for (empty, or only punctuation and operators)."""
    statement = search_statement(query)
    if statement is None:
        return []
    if published_only:
        statement = statement.where(Article.published.is_(True))
    return list(db.session.scalars(statement.limit(max(0, limit))))


def article_suggestions(query: str, limit: int = 5) -> list[Article]:
    """Published articles for a live search box: the best matches for `query`, or the
    newest published articles when it has nothing to search for."""
    if query_terms(query or ""):
        return article_search(query, published_only=True, limit=limit)
    return list(db.session.scalars(newest_published().limit(max(0, limit))))


def article_by_slug(slug: str) -> Article | None:
    """The PUBLISHED article at this slug, or None (a draft is never found)."""
    return db.session.scalar(
        sa.select(Article).where(Article.slug == slug, Article.published.is_(True))
    )


def newest_published() -> sa.Select[Article]:
    """Published articles, newest first (the help centre's front page)."""
    return (
        sa.select(Article)
        .where(Article.published.is_(True))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def search_statement(query: str) -> sa.Select[Article] | None:
    """A select of the articles (drafts too) matching `query`, ordered best first, for the
    caller to filter and limit; None when the query has nothing to search for."""
    terms = query_terms(query or "")
    if not terms:
        return None
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return _postgresql(terms)
    if dialect != "sqlite":  # config.py refuses any other database
        raise RuntimeError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
    if all(len(term) >= MIN_INDEXED_LENGTH for term in terms):
        return _sqlite_fts(terms)
    return _scan(terms)


def _sqlite_fts(terms: list[str]) -> sa.Select[Article]:
    table: sa.ColumnClause[Any] = sa.literal_column(_FTS_ARTICLES.name)
    expression = " ".join(fts_string(term) for term in terms)  # implicit AND
    match = table.op("MATCH")(sa.bindparam(None, expression, sa.String))
    rank = sa.func.bm25(table, TITLE_WEIGHT, BODY_WEIGHT)  # lower is better
    return (
        sa.select(Article)
        .select_from(_FTS_ARTICLES)
        .join(Article, Article.id == _FTS_ARTICLES.c.rowid)
        .where(match)
        .order_by(rank, Article.id.desc())
    )


def _scan(terms: list[str]) -> sa.Select[Article]:
    """Short terms only: LIKE over the table (case-insensitive for ASCII, as SQLite's is)."""
    conditions = []
    title_hits: list[sa.ColumnElement[Any]] = []
    for term in terms:
        pattern = like_pattern(term)
        in_title = Article.title.like(pattern, escape="\\")
        conditions.append(sa.or_(in_title, Article.body_source.like(pattern, escape="\\")))
        title_hits.append(sa.case((in_title, 1), else_=0))
    return (
        sa.select(Article)
        .where(*conditions)
        .order_by(sum(title_hits[1:], title_hits[0]).desc(), Article.updated_at.desc())
    )


def _postgresql(terms: list[str]) -> sa.Select[Article]:
    # Written exactly as the index expression of migration 0007, so the planner can use it.
    document = Article.title.op("||")(sa.literal_column("' '")).op("||")(Article.body_source)
    vector = sa.func.to_tsvector(_SIMPLE, document)
    conditions = []
    scores: list[sa.ColumnElement[Any]] = []
    for term in terms:
        pattern = like_pattern(term)  # ILIKE's default escape character is the backslash
        tsquery = sa.func.websearch_to_tsquery(_SIMPLE, sa.bindparam(None, term, sa.String))
        in_title = Article.title.ilike(pattern)
        in_body = Article.body_source.ilike(pattern)
        conditions.append(sa.or_(in_title, in_body, vector.op("@@")(tsquery)))
        scores.append(
            sa.func.ts_rank(vector, tsquery)
            + sa.case((in_title, TITLE_WEIGHT), else_=0.0)
            + sa.case((in_body, BODY_WEIGHT), else_=0.0)
        )
    score = sum(scores[1:], scores[0])
    return sa.select(Article).where(*conditions).order_by(score.desc(), Article.id.desc())


# --- Snippets ------------------------------------------------------------------------------


def plain_text(article: Article) -> str:
    """The article's body as one line of plain text (Markdown and HTML gone)."""
    text = html.unescape(nh3.clean(article.body_html, tags=set()))
    return " ".join(text.split())


def article_snippet(article: Article, query: str = "") -> str:
    """About `SNIPPET_CHARS` characters of plain text around the first match of a query
    term in the body (its start when no term is found there), with "…" where text is cut.
    Plain text: escape it (or `tickets.search.highlight` it) to show it."""
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
