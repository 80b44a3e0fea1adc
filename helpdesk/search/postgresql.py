"""Search on PostgreSQL: `to_tsvector('simple', ...)` and pg_trgm GIN indexes.

Tickets (migration 0003): expression indexes matched with `websearch_to_tsquery('simple',
term)` and ranked with ts_rank, OR-ed with a case-insensitive substring match
(`contains_text`) served by pg_trgm GIN indexes; a substring-only match (say a Thai word
inside a sentence) ranks a little below a whole-word match. A common term is matched as a
substring only (a whole-word match is a substring match too), and the probe that tells a
rare term from a common one (the newest CANDIDATES + 1 substring matches) is also its
answer: a rare term's rows are ranked by id, without searching the index a second time.

Articles (migration 0007): per term, a substring match on title or body OR a word
match on `to_tsvector('simple', title || ' ' || body_source)`; ranked by ts_rank plus
`ARTICLE_TITLE_WEIGHT` for a term in the title and `ARTICLE_BODY_WEIGHT` for one in the
body.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

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
from helpdesk.search.terms import MIN_INDEXED_LENGTH

_SIMPLE: sa.ColumnClause[str] = sa.literal_column("'simple'")


def contains_text(column: Expression, term: str) -> sa.ColumnElement[bool]:
    """`term` is a case-insensitive substring of `column`, served by its pg_trgm GIN index:
    a case-insensitive regular expression that takes the term as a literal string (`***=`,
    so no character of it is an operator). Preferred to ILIKE, which the index serves as
    well: ILIKE under a libc collation lowercases every text it tests through wide
    characters, and a common word's probe tests thousands (at a million tickets "refund"
    reads 11,000 messages in 9 ms with ILIKE, 6.x ms this way). The two differ only where
    case is not one letter to one: ILIKE finds "k" in a Kelvin sign, the expression finds
    "σας" in "ΣΑΣ"."""
    return column.op("~*")(sa.bindparam(None, f"***={term}", sa.String))


def _tsvector(document: Expression) -> sa.ColumnElement[Any]:
    # Written exactly as the index expressions are, so the planner can use them.
    return sa.func.to_tsvector(_SIMPLE, document)


def _postgresql_field(
    document: Expression, term: str, *substring_columns: Expression
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[Any]]:
    """Word match OR substring match on one field, and its rank (word matches rank higher)."""
    tsquery = sa.func.websearch_to_tsquery(_SIMPLE, sa.bindparam(None, term, sa.String))
    vector = _tsvector(document)
    # The substring match first: a word match is also a substring match, so the OR
    # short-circuits before re-parsing the text into a tsvector for almost every row the
    # bitmap scan rechecks.
    match = sa.or_(
        *(contains_text(column, term) for column in substring_columns), vector.op("@@")(tsquery)
    )
    return match, sa.func.ts_rank(vector, tsquery) + MATCH_SCORE


def _postgresql_match(
    field: str, term: str
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[Any]]:
    """(match, rank) for one field: the subject, the customer or the message body."""
    if field == "subject":
        return _postgresql_field(Ticket.subject, term, Ticket.subject)
    if field == "customer":
        document = Customer.name.op("||")(sa.literal_column("' '")).op("||")(Customer.email)
        return _postgresql_field(document, term, Customer.name, Customer.email)
    return _postgresql_field(Message.body_source, term, Message.body_source)


# The fields of the PostgreSQL plan: (name, the row id the cap orders by, the substring match).
_PG_FIELDS = ("subject", "customer", "body")


# The id of a field's row: what the probes read and the arms select by.
_PG_ROW_ID: dict[str, Expression] = {
    "subject": Ticket.id,
    "customer": Customer.id,
    "body": Message.id,
}


def _one_of(column: Expression, ids: list[int]) -> sa.ColumnElement[bool]:
    """`column` is one of `ids`, the ids sent as one array parameter: psycopg sends each
    value of an IN list as a parameter of its own, and a probe's 500 ids cost about 6 ms
    of binding that way, against a fraction of one as an array."""
    return column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.Integer)))


def _postgresql_substring(field: str, term: str) -> sa.ColumnElement[bool]:
    """The substring (trigram-indexed) condition of one field: what the probes match with
    (every word match is also a substring match)."""
    if field == "subject":
        return contains_text(Ticket.subject, term)
    if field == "customer":
        return sa.or_(contains_text(Customer.name, term), contains_text(Customer.email, term))
    return contains_text(Message.body_source, term)


def _postgresql_newest(column: str, term: str) -> list[int]:
    """The ids of the newest CANDIDATES + 1 rows of a field that `term` is a substring of:
    more than CANDIDATES makes the term common there; otherwise they are all its matches
    (a word match is a substring match too). Newest first, so a common term stops after a
    few thousand rows, and a rare one is read from the trigram index."""
    key = _PG_ROW_ID[column]
    probe = (
        sa.select(key)
        .where(_postgresql_substring(column, term))
        .order_by(key.desc())
        .limit(ranking.CANDIDATES + 1)
    )
    return list(read_rows(probe).scalars())


def ticket_plan(terms: list[str]) -> Plan:
    """As `ticket_plan`: which (term, field) pairs are common, a rare term to bound the
    answer, and the rows each probe found (every match of a rare pair, the newest
    CANDIDATES of a common one), so no field is searched twice. The longest terms are
    probed first (the likeliest to be rare) and probing stops at the first rare one: every
    other term is then only looked for in its tickets. Terms too short for the trigram
    index are never probed."""
    indexed = [(index, term) for index, term in enumerate(terms) if len(term) >= MIN_INDEXED_LENGTH]
    common: dict[tuple[int, str], bool] = {}
    rows: dict[tuple[int, str], list[int]] = {}
    for index, term in sorted(indexed, key=lambda item: -len(item[1])):
        for column in _PG_FIELDS:
            found = _postgresql_newest(column, term)
            common[(index, column)] = len(found) > ranking.CANDIDATES
            rows[(index, column)] = found[: ranking.CANDIDATES]
        if not any(common[(index, column)] for column in _PG_FIELDS):
            return Plan(common, (index, term), rows)
    return Plan(common, None, rows)


def _postgresql_anchor_tickets(index: int, plan: Plan) -> sa.Select[Any]:
    """The ids of the tickets the rare term `index` matches anywhere, from its probes."""
    return sa.union(
        sa.select(Ticket.id.label("ticket_id")).where(
            _one_of(Ticket.id, plan.rows[(index, "subject")])
        ),
        sa.select(Ticket.id).where(_one_of(Ticket.customer_id, plan.rows[(index, "customer")])),
        sa.select(Message.ticket_id).where(_one_of(Message.id, plan.rows[(index, "body")])),
    )  # type: ignore[return-value]


def ticket_arms(index: int, term: str, plan: Plan) -> list[Arm]:
    """A term's matches in each field. The rare term (or any term rare everywhere): the
    rows its probe found, ranked by ts_rank. With a rare term in the query, every other
    term: its ranked matches within the rare term's tickets. Otherwise a common term: its
    newest CANDIDATES substring matches per field, scored flat (ranking every match of a
    word found in most conversations would read them all); a term too short to probe:
    matched and ranked by scanning."""
    anchor = None
    if plan.anchor is not None and plan.anchor[0] != index:
        anchor = _postgresql_anchor_tickets(plan.anchor[0], plan).subquery()
    weights = (SUBJECT_WEIGHT, CUSTOMER_WEIGHT, MESSAGE_WEIGHT)
    arms: list[Arm] = []
    for field, weight in zip(_PG_FIELDS, weights, strict=True):
        key = _PG_ROW_ID[field]
        ticket_id = Message.ticket_id if field == "body" else Ticket.id
        common = plan.common.get((index, field))
        ids = plan.rows.get((index, field), [])
        flat = common is True and anchor is None
        if common is False and anchor is None and not ids:
            continue  # the probe found nothing here
        if flat:
            # No match or rank expression: building them is about a millisecond of the
            # usual one-word search, whose arms are all flat.
            arm = match_arm(ticket_id, index, float_score(MATCH_SCORE * weight))
            arm = arm.where(_one_of(key, ids))
        else:
            match, rank = _postgresql_match(field, term)
            arm = match_arm(ticket_id, index, rank * weight)
            if anchor is not None:
                arm = arm.where(match, ticket_id.in_(sa.select(anchor.c.ticket_id)))
            elif common is None:
                arm = arm.where(match)
            else:
                arm = arm.where(_one_of(key, ids))
        if field == "customer":
            arm = arm.join(Customer, Customer.id == Ticket.customer_id)
        arms.append(arm)
    return arms


# --- Articles -------------------------------------------------------------------------------


def article_matches(terms: list[str]) -> sa.Select[Article]:
    """Articles matching any term, those matching more terms first: per term a substring
    match (`contains_text`) on title or body OR a word match, then ranked by ts_rank plus a weight
    per field the term is in."""
    # Written exactly as the index expression of migration 0007, so the planner can use it.
    document = Article.title.op("||")(sa.literal_column("' '")).op("||")(Article.body_source)
    vector = sa.func.to_tsvector(_SIMPLE, document)
    conditions = []
    scores: list[sa.ColumnElement[Any]] = []
    for term in terms:
        tsquery = sa.func.websearch_to_tsquery(_SIMPLE, sa.bindparam(None, term, sa.String))
        in_title = contains_text(Article.title, term)
        in_body = contains_text(Article.body_source, term)
        conditions.append(sa.or_(in_title, in_body, vector.op("@@")(tsquery)))
        scores.append(
            sa.func.ts_rank(vector, tsquery)
            + sa.case((in_title, ARTICLE_TITLE_WEIGHT), else_=0.0)
            + sa.case((in_body, ARTICLE_BODY_WEIGHT), else_=0.0)
        )
    score = sum(scores[1:], scores[0])
    hits = [sa.case((condition, 1), else_=0) for condition in conditions]
    matched = sum(hits[1:], hits[0])
    return (
        sa.select(Article)
        .where(sa.or_(*conditions))
        .order_by(matched.desc(), score.desc(), Article.id.desc())
    )
