"""Search on SQLite: FTS5 trigram tables, kept in step by triggers on their source tables.

Tickets (migration 0003): external-content tables `search_tickets` (subject),
`search_customers` (name, email) and `search_messages` (body). Each term reaches MATCH
only as an FTS5 string (in double quotes, inner quotes doubled), so its characters are
never operators. Ranked by bm25, negated (SQLite's lower-is-better becomes
higher-is-better). A term of one or two characters is scanned with LIKE.

Articles (migration 0007): `search_articles` (title, body_source); all terms go into one
MATCH, ranked by bm25 with the title weighted above the body. A query of only one- or
two-character terms scans with LIKE instead (articles are few; the trigram index cannot
serve it).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from helpdesk.db.rows import read_rows
from helpdesk.models import Article, Customer, Message, Ticket
from helpdesk.search import ranking
from helpdesk.search.ranking import (
    ARTICLE_BODY_WEIGHT,
    ARTICLE_TITLE_WEIGHT,
    CUSTOMER_WEIGHT,
    MATCH_SCORE,
    MESSAGE_WEIGHT,
    SUBJECT_WEIGHT,
    Arm,
    Expression,
    Plan,
    float_score,
    match_arm,
)
from helpdesk.search.terms import MIN_INDEXED_LENGTH, like_pattern

_FTS_TICKETS = sa.table("search_tickets", sa.column("rowid", sa.Integer))
_FTS_CUSTOMERS = sa.table("search_customers", sa.column("rowid", sa.Integer))
_FTS_MESSAGES = sa.table("search_messages", sa.column("rowid", sa.Integer))
_FTS_ARTICLES = sa.table("search_articles", sa.column("rowid", sa.Integer))


def fts_string(term: str) -> str:
    """The term as an FTS5 string: its characters are matched, never read as syntax."""
    return '"' + term.replace('"', '""') + '"'


def _fts(table: sa.TableClause, term: str) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[Any]]:
    """The MATCH condition and the (higher-is-better) bm25 score for one FTS table."""
    table_column: sa.ColumnClause[Any] = sa.literal_column(table.name)
    match = table_column.op("MATCH")(sa.bindparam(None, fts_string(term), sa.String))
    return match, MATCH_SCORE - sa.func.bm25(table_column)


def _common(table: sa.TableClause, term: str) -> bool:
    """Whether `term` matches more than `CANDIDATES` rows of `table`: one probe that walks
    the index from the newest row and stops at CANDIDATES + 1 (no ranking, no table rows)."""
    match, _score = _fts(table, term)
    probe = (
        sa.select(table.c.rowid)
        .select_from(table)
        .where(match)
        .order_by(table.c.rowid.desc())
        .offset(ranking.CANDIDATES)
        .limit(1)
    )
    return read_rows(probe).first() is not None


def _fts_matches(
    table: sa.TableClause,
    term: str,
    weight: float,
    *,
    common: bool,
    cap: bool,
    within: sa.Select[Any] | None = None,
) -> sa.Subquery:
    """(rowid, score) of the rows of one FTS table matching `term`.

    A term found in at most CANDIDATES rows is ranked by bm25. For a common one, bm25
    would first count every match (its IDF), so it scores a flat MATCH_SCORE per match
    instead; and only the rows `within` allows are looked at (the tickets of the query's
    rare term), or with `cap` only its newest CANDIDATES matches."""
    match, score = _fts(table, term)
    if not common:
        columns = [table.c.rowid.label("rowid"), (score * weight).label("score")]
        return sa.select(*columns).select_from(table).where(match).subquery()
    flat = sa.select(table.c.rowid.label("rowid"), float_score(MATCH_SCORE * weight).label("score"))
    query = flat.select_from(table).where(match)
    if within is not None:
        query = query.where(table.c.rowid.in_(within))
    elif cap:
        query = query.order_by(table.c.rowid.desc()).limit(ranking.CANDIDATES)
    return query.subquery()


def ticket_plan(terms: list[str]) -> Plan:
    """Which (term, FTS table) pairs are common (one probe each), and the first term rare
    in every table, whose tickets bound the answer."""
    tables = (_FTS_TICKETS, _FTS_CUSTOMERS, _FTS_MESSAGES)
    indexed = [(index, term) for index, term in enumerate(terms) if len(term) >= MIN_INDEXED_LENGTH]
    common = {
        (index, table.name): _common(table, term) for index, term in indexed for table in tables
    }
    rare = [
        (index, term)
        for index, term in indexed
        if not any(common[(index, table.name)] for table in tables)
    ]
    return Plan(common, rare[0] if rare else None)


def _anchor_tickets(term: str) -> sa.Select[Any]:
    """The ids of the tickets a rare term matches anywhere (no ranking)."""
    subject_match, _ = _fts(_FTS_TICKETS, term)
    customer_match, _ = _fts(_FTS_CUSTOMERS, term)
    body_match, _ = _fts(_FTS_MESSAGES, term)
    return sa.union(
        sa.select(_FTS_TICKETS.c.rowid.label("ticket_id")).where(subject_match),
        sa.select(Ticket.id)
        .select_from(_FTS_CUSTOMERS)
        .join(Ticket, Ticket.customer_id == _FTS_CUSTOMERS.c.rowid)
        .where(customer_match),
        sa.select(Message.ticket_id)
        .select_from(_FTS_MESSAGES)
        .join(Message, Message.id == _FTS_MESSAGES.c.rowid)
        .where(body_match),
    )  # type: ignore[return-value]


def ticket_arms(index: int, term: str, plan: Plan) -> list[Arm]:
    anchor = None
    if plan.anchor is not None and plan.anchor[0] != index:
        anchor = _anchor_tickets(plan.anchor[1]).subquery()
    within = {
        _FTS_TICKETS.name: sa.select(anchor.c.ticket_id) if anchor is not None else None,
        _FTS_CUSTOMERS.name: (
            sa.select(Ticket.customer_id).where(Ticket.id.in_(sa.select(anchor.c.ticket_id)))
            if anchor is not None
            else None
        ),
        _FTS_MESSAGES.name: (
            sa.select(Message.id).where(Message.ticket_id.in_(sa.select(anchor.c.ticket_id)))
            if anchor is not None
            else None
        ),
    }

    def matches(table: sa.TableClause, weight: float) -> sa.Subquery:
        common = plan.common[(index, table.name)]
        cap = common and plan.anchor is None
        return _fts_matches(table, term, weight, common=common, cap=cap, within=within[table.name])

    subjects = matches(_FTS_TICKETS, SUBJECT_WEIGHT)
    customers = matches(_FTS_CUSTOMERS, CUSTOMER_WEIGHT)
    bodies = matches(_FTS_MESSAGES, MESSAGE_WEIGHT)
    return [
        match_arm(subjects.c.rowid, index, subjects.c.score),
        match_arm(Ticket.id, index, customers.c.score).join(
            Ticket, Ticket.customer_id == customers.c.rowid
        ),
        match_arm(Message.ticket_id, index, bodies.c.score).join(
            Message, Message.id == bodies.c.rowid
        ),
    ]


def ticket_scan_arms(index: int, term: str) -> list[Arm]:
    """A one- or two-character term, too short for trigrams: LIKE over the source tables
    (case-insensitive for ASCII only, as SQLite's LIKE is)."""
    pattern = like_pattern(term)

    def like(column: Expression) -> sa.ColumnElement[bool]:
        return column.like(pattern, escape="\\")

    return [
        match_arm(Ticket.id, index, float_score(MATCH_SCORE * SUBJECT_WEIGHT)).where(
            like(Ticket.subject)
        ),
        match_arm(Ticket.id, index, float_score(MATCH_SCORE * CUSTOMER_WEIGHT))
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(sa.or_(like(Customer.name), like(Customer.email))),
        match_arm(Message.ticket_id, index, float_score(MATCH_SCORE * MESSAGE_WEIGHT)).where(
            like(Message.body_source)
        ),
    ]


# --- Articles -------------------------------------------------------------------------------


def article_matches(terms: list[str]) -> sa.Select[Article]:
    """Articles matching ANY term (all at least `MIN_INDEXED_LENGTH` long), those matching
    more terms first, then by bm25 with the title weighted `ARTICLE_TITLE_WEIGHT` times the
    body: one MATCH of OR-ed FTS5 strings; the terms matched are counted on its few rows."""
    table: sa.ColumnClause[Any] = sa.literal_column(_FTS_ARTICLES.name)
    expression = " OR ".join(fts_string(term) for term in terms)
    match = table.op("MATCH")(sa.bindparam(None, expression, sa.String))
    rank = sa.func.bm25(table, ARTICLE_TITLE_WEIGHT, ARTICLE_BODY_WEIGHT)  # lower is better
    return (
        sa.select(Article)
        .select_from(_FTS_ARTICLES)
        .join(Article, Article.id == _FTS_ARTICLES.c.rowid)
        .where(match)
        .order_by(_terms_matched(terms).desc(), rank, Article.id.desc())
    )


def _in_article(term: str) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    pattern = like_pattern(term)
    return (
        Article.title.like(pattern, escape="\\"),
        Article.body_source.like(pattern, escape="\\"),
    )


def _terms_matched(terms: list[str]) -> sa.ColumnElement[Any]:
    """How many of `terms` the article contains (title or body)."""
    hits = [sa.case((sa.or_(*_in_article(term)), 1), else_=0) for term in terms]
    return sum(hits[1:], hits[0])


def article_scan(terms: list[str]) -> sa.Select[Article]:
    """Short terms only: LIKE over the table (case-insensitive for ASCII, as SQLite's is),
    any term matching, more terms first, then a term in the title."""
    conditions = []
    title_hits: list[sa.ColumnElement[Any]] = []
    for term in terms:
        in_title, in_body = _in_article(term)
        conditions.append(sa.or_(in_title, in_body))
        title_hits.append(sa.case((in_title, 1), else_=0))
    return (
        sa.select(Article)
        .where(sa.or_(*conditions))
        .order_by(
            _terms_matched(terms).desc(),
            sum(title_hits[1:], title_hits[0]).desc(),
            Article.updated_at.desc(),
        )
    )
