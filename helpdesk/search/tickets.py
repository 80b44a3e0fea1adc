"""Full-text ticket search on the database's own engine: SQLite FTS5, PostgreSQL tsvector.

What is searched: the ticket's subject, every message body (internal notes included: agents
search their own notes), and the customer's name and email. A query that is a ticket number
(`42`, `#42`) also finds that ticket and puts it first.

Terms (`query_terms`): the query is NFC-normalised and split on anything that is not a
letter, mark (Thai and Bengali vowel signs) or digit, except characters that commonly sit
inside a searchable word (`.@-_'+/:#%&\\`, which are stripped from the ends of a term), then
lowercased and de-duplicated. Search operators are not supported: `"`, `*`, `NEAR`, `AND`,
`OR`, `NOT`, `-`, `^`, `(` ... are either separators or plain text, so no query can error.
Every term is matched as a case-insensitive substring, like the trigram index does, so a
Thai word is found inside an unbroken run of Thai text on both databases. Every term must
match somewhere in the ticket (not necessarily in the same field). Terms of one or two
characters cannot use a trigram index: they are dropped when the query has a longer term
(like stop words), and searched by scanning (LIKE) only when the query has nothing longer;
a query that is just a one- or two-digit number only looks up that ticket number. At most
`MAX_TERMS` terms of at most `MAX_TERM_LENGTH` characters are used.

SQLite (migration 0003): external-content FTS5 tables with the `trigram` tokenizer,
`search_tickets` (subject), `search_customers` (name, email) and `search_messages` (body),
kept in step by triggers on their source tables. Each term reaches MATCH only as an FTS5
string (in double quotes, inner quotes doubled), so its characters are never operators.
Ranked by bm25, negated (SQLite's lower-is-better becomes higher-is-better).

PostgreSQL: `to_tsvector('simple', ...)` GIN expression indexes matched with
`websearch_to_tsquery('simple', term)` and ranked with ts_rank, OR-ed with an ILIKE
substring match (wildcards escaped) served by pg_trgm GIN indexes; a substring-only match
(say a Thai word inside a sentence) ranks a little below a whole-word match.

Common words, on both databases: a term found in more than `CANDIDATES` rows of a field is
not ranked there (ranking reads every match: tens of thousands of rows for "refund" at
100,000 tickets); each match scores a flat `MATCH_SCORE`, and only the tickets of the
query's rare term are looked at, or, when every term is common, only the newest
`CANDIDATES` matches per field. On PostgreSQL a common term is matched as a substring only
(ILIKE; a whole-word match is a substring match too), and the probe that tells a rare term
from a common one (the newest CANDIDATES + 1 substring matches) is also its answer: a rare
term's rows are ranked by id, without searching the index a second time.

Score: per term and matching row, (`MATCH_SCORE` + the engine's rank) times the field's
weight (subject above customer above message body), summed per ticket: more and better
matches rank higher.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import QueryableAttribute

from helpdesk.extensions import db
from helpdesk.models import Customer, Message, Ticket

MIN_INDEXED_LENGTH = 3  # the trigram index needs three characters
MAX_TERMS = 8
MAX_TERM_LENGTH = 100
SUBJECT_WEIGHT = 3.0
CUSTOMER_WEIGHT = 2.0
MESSAGE_WEIGHT = 1.0
# What any match scores before the engine's own rank is added (bm25 gives next to nothing
# for a term found in most rows); all a substring-only match on PostgreSQL or a scanned
# short term scores.
MATCH_SCORE = 0.1
# A term matching more rows of one field than this is "common" there: it is not ranked
# (bm25 and ts_rank look at every match first), and when every term of the query is
# common, only its newest CANDIDATES matches per field are read.
CANDIDATES = 500
# Far above any text score, so the ticket with the number asked for comes first.
NUMBER_SCORE = 1_000_000.0

# Kept inside a term (stripped from its ends): e-mail addresses, domains, file names,
# "don't", "AT&T", "10:30", "50%"; ZWNJ/ZWJ shape Bengali conjuncts.
_INNER = ".@-_'’+/:#%&\\\u200c\u200d"
_INNER_SET = frozenset(_INNER)
_TICKET_NUMBER = re.compile(r"#?\s*([0-9]{1,9})", re.ASCII)

# A model attribute or any SQL expression.
_Expression = sa.ColumnElement[Any] | QueryableAttribute[Any]
# One source of matches: (ticket_id, term index, score, 1 if a ticket-number hit).
_Arm = sa.Select[int, int, float, int]


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


def _ticket_number(query: str) -> int | None:
    match = _TICKET_NUMBER.fullmatch(query.strip())
    return int(match.group(1)) if match else None


def search_hits(query: str) -> sa.Subquery | None:
    """Tickets matching `query`: a subquery of (`ticket_id`, `score`), one row per ticket,
    higher score first; None when the query has nothing to search for. Needs an app context
    (it picks the engine's dialect)."""
    terms = query_terms(query)
    number = _ticket_number(query)
    if not terms and number is None:
        return None
    if number is not None and all(len(term) < MIN_INDEXED_LENGTH for term in terms):
        terms = []  # "42" means ticket 42, not every text with "42" in it (a full scan)
    dialect = db.engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):  # config.py refuses any other database
        raise RuntimeError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
    arms: list[_Arm] = []
    plan = _sqlite_plan(terms) if dialect == "sqlite" else _postgresql_plan(terms)
    for index, term in enumerate(terms):
        if dialect == "postgresql":
            arms.extend(_postgresql_arms(index, term, plan))
        elif len(term) >= MIN_INDEXED_LENGTH:
            arms.extend(_sqlite_arms(index, term, plan))
        else:
            arms.extend(_sqlite_scan_arms(index, term))
    if number is not None:
        arms.append(
            sa.select(
                Ticket.id.label("ticket_id"),
                sa.cast(sa.null(), sa.Integer).label("term"),
                _float(NUMBER_SCORE).label("score"),
                sa.literal_column("1", sa.Integer).label("number_hit"),
            ).where(Ticket.number == number)
        )
    if not arms:  # every probe came back empty
        arms.append(_arm(Ticket.id, 0, _float(0)).where(sa.false()))
    matches = sa.union_all(*arms).subquery("search_matches")
    return (
        sa.select(
            matches.c.ticket_id.label("ticket_id"),
            sa.func.sum(matches.c.score, type_=sa.Float).label("score"),
        )
        .group_by(matches.c.ticket_id)
        .having(
            sa.or_(
                sa.func.count(sa.distinct(matches.c.term)) == len(terms),
                sa.func.max(matches.c.number_hit) == 1,
            )
        )
        .subquery("search_hits")
    )


def _float(value: float) -> sa.ColumnElement[float]:
    return sa.cast(sa.literal_column(repr(float(value))), sa.Float)


def _arm(ticket_id: _Expression, index: int, score: sa.ColumnElement[Any]) -> _Arm:
    return sa.select(
        ticket_id.label("ticket_id"),
        sa.literal_column(str(index), sa.Integer).label("term"),
        sa.cast(score, sa.Float).label("score"),
        sa.literal_column("0", sa.Integer).label("number_hit"),
    )


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's own characters escaped by a backslash."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- SQLite: FTS5 trigram tables (migration 0003) -------------------------------------------

_FTS_TICKETS = sa.table("search_tickets", sa.column("rowid", sa.Integer))
_FTS_CUSTOMERS = sa.table("search_customers", sa.column("rowid", sa.Integer))
_FTS_MESSAGES = sa.table("search_messages", sa.column("rowid", sa.Integer))


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
        .offset(CANDIDATES)
        .limit(1)
    )
    return db.session.execute(probe).first() is not None


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
    flat = sa.select(table.c.rowid.label("rowid"), _float(MATCH_SCORE * weight).label("score"))
    query = flat.select_from(table).where(match)
    if within is not None:
        query = query.where(table.c.rowid.in_(within))
    elif cap:
        query = query.order_by(table.c.rowid.desc()).limit(CANDIDATES)
    return query.subquery()


@dataclass(frozen=True)
class _Plan:
    """Which (term index, FTS table) pairs are common, and the rare term, if any, whose
    tickets bound the answer."""

    common: dict[tuple[int, str], bool]
    anchor: tuple[int, str] | None  # (index, term)
    # PostgreSQL: the rows each probe found, per (term index, field): every match of a rare
    # term, the newest CANDIDATES of a common one.
    rows: dict[tuple[int, str], list[int]] = dataclasses.field(default_factory=dict)


def _sqlite_plan(terms: list[str]) -> _Plan:
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
    return _Plan(common, rare[0] if rare else None)


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


def _sqlite_arms(index: int, term: str, plan: _Plan) -> list[_Arm]:
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
        _arm(subjects.c.rowid, index, subjects.c.score),
        _arm(Ticket.id, index, customers.c.score).join(
            Ticket, Ticket.customer_id == customers.c.rowid
        ),
        _arm(Message.ticket_id, index, bodies.c.score).join(Message, Message.id == bodies.c.rowid),
    ]


def _sqlite_scan_arms(index: int, term: str) -> list[_Arm]:
    """A one- or two-character term, too short for trigrams: LIKE over the source tables
    (case-insensitive for ASCII only, as SQLite's LIKE is)."""
    pattern = like_pattern(term)

    def like(column: _Expression) -> sa.ColumnElement[bool]:
        return column.like(pattern, escape="\\")

    return [
        _arm(Ticket.id, index, _float(MATCH_SCORE * SUBJECT_WEIGHT)).where(like(Ticket.subject)),
        _arm(Ticket.id, index, _float(MATCH_SCORE * CUSTOMER_WEIGHT))
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(sa.or_(like(Customer.name), like(Customer.email))),
        _arm(Message.ticket_id, index, _float(MATCH_SCORE * MESSAGE_WEIGHT)).where(
            like(Message.body_source)
        ),
    ]


# --- PostgreSQL: tsvector and pg_trgm GIN indexes (migration 0003) --------------------------

_SIMPLE: sa.ColumnClause[str] = sa.literal_column("'simple'")


def _tsvector(document: _Expression) -> sa.ColumnElement[Any]:
    # Written exactly as the index expressions are, so the planner can use them.
    return sa.func.to_tsvector(_SIMPLE, document)


def _postgresql_field(
    document: _Expression, term: str, *substring_columns: _Expression
) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[Any]]:
    """Word match OR substring match on one field, and its rank (word matches rank higher)."""
    tsquery = sa.func.websearch_to_tsquery(_SIMPLE, sa.bindparam(None, term, sa.String))
    vector = _tsvector(document)
    pattern = like_pattern(term)  # ILIKE's default escape character is the backslash
    # ILIKE first: a word match is also a substring match, so the OR short-circuits before
    # re-parsing the text into a tsvector for almost every row the bitmap scan rechecks.
    match = sa.or_(
        *(column.ilike(pattern) for column in substring_columns), vector.op("@@")(tsquery)
    )
    return match, sa.func.ts_rank(vector, tsquery) + MATCH_SCORE


def _postgresql_matches(
    term: str,
) -> tuple[tuple[sa.ColumnElement[bool], sa.ColumnElement[Any]], ...]:
    """(match, rank) for the subject, the customer and the message body."""
    customer_document = Customer.name.op("||")(sa.literal_column("' '")).op("||")(Customer.email)
    return (
        _postgresql_field(Ticket.subject, term, Ticket.subject),
        _postgresql_field(customer_document, term, Customer.name, Customer.email),
        _postgresql_field(Message.body_source, term, Message.body_source),
    )


# The fields of the PostgreSQL plan: (name, the row id the cap orders by, the substring match).
_PG_FIELDS = ("subject", "customer", "body")


# The id of a field's row: what the probes read and the arms select by.
_PG_ROW_ID: dict[str, _Expression] = {
    "subject": Ticket.id,
    "customer": Customer.id,
    "body": Message.id,
}


def _postgresql_substring(field: str, term: str) -> sa.ColumnElement[bool]:
    """The substring (trigram-indexed ILIKE) condition of one field: what the probes match
    with (every word match is also a substring match)."""
    pattern = like_pattern(term)
    if field == "subject":
        return Ticket.subject.ilike(pattern)
    if field == "customer":
        return sa.or_(Customer.name.ilike(pattern), Customer.email.ilike(pattern))
    return Message.body_source.ilike(pattern)


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
        .limit(CANDIDATES + 1)
    )
    return list(db.session.scalars(probe))


def _postgresql_plan(terms: list[str]) -> _Plan:
    """As `_sqlite_plan`: which (term, field) pairs are common, a rare term to bound the
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
            common[(index, column)] = len(found) > CANDIDATES
            rows[(index, column)] = found[:CANDIDATES]
        if not any(common[(index, column)] for column in _PG_FIELDS):
            return _Plan(common, (index, term), rows)
    return _Plan(common, None, rows)


def _postgresql_anchor_tickets(index: int, plan: _Plan) -> sa.Select[Any]:
    """The ids of the tickets the rare term `index` matches anywhere, from its probes."""
    return sa.union(
        sa.select(Ticket.id.label("ticket_id")).where(Ticket.id.in_(plan.rows[(index, "subject")])),
        sa.select(Ticket.id).where(Ticket.customer_id.in_(plan.rows[(index, "customer")])),
        sa.select(Message.ticket_id).where(Message.id.in_(plan.rows[(index, "body")])),
    )  # type: ignore[return-value]


def _postgresql_arms(index: int, term: str, plan: _Plan) -> list[_Arm]:
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
    arms: list[_Arm] = []
    for field, (match, rank), weight in zip(
        _PG_FIELDS, _postgresql_matches(term), weights, strict=True
    ):
        key = _PG_ROW_ID[field]
        ticket_id = Message.ticket_id if field == "body" else Ticket.id
        common = plan.common.get((index, field))
        ids = plan.rows.get((index, field), [])
        flat = common is True and anchor is None
        if common is False and anchor is None and not ids:
            continue  # the probe found nothing here
        arm = _arm(ticket_id, index, _float(MATCH_SCORE * weight) if flat else rank * weight)
        if field == "customer":
            arm = arm.join(Customer, Customer.id == Ticket.customer_id)
        if anchor is not None:
            arm = arm.where(match, ticket_id.in_(sa.select(anchor.c.ticket_id)))
        elif common is None:
            arm = arm.where(match)
        else:
            arm = arm.where(key.in_(ids))
        arms.append(arm)
    return arms


# --- Display -----------------------------------------------------------------------------------


def highlight(text: str, query: str) -> Markup:
    """`text`, HTML-escaped, with every occurrence of a query term wrapped in <mark>."""
    terms = query_terms(query)
    if not terms or not text:
        return escape(text)
    alternatives = sorted(terms, key=len, reverse=True)  # the longest term wins an overlap
    pattern = re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)
    parts: list[Markup] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group())
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
