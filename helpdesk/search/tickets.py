"""Full-text ticket search on the database's own engine: SQLite FTS5, PostgreSQL tsvector.

What is searched: the ticket's subject, every message body (internal notes included: agents
search their own notes), and the customer's name and email. A query that is a ticket number
(`42`, `#42`) also finds that ticket and puts it first.

Terms (`search.terms.query_terms`, shared with the article search): operators are never
interpreted, so no query can error. Every term is matched as a case-insensitive substring,
like the trigram index does, so a Thai word is found inside an unbroken run of Thai text on
both databases. Every term must match somewhere in the ticket (not necessarily in the same
field). Terms of one or two characters cannot use a trigram index: they are dropped when
the query has a longer term (like stop words), and searched by scanning (LIKE) only when
the query has nothing longer; a query that is just a one- or two-digit number only looks
up that ticket number.

SQLite (`search.sqlite`, migration 0003): external-content FTS5 tables with the `trigram`
tokenizer, `search_tickets` (subject), `search_customers` (name, email) and
`search_messages` (body), kept in step by triggers on their source tables. Each term
reaches MATCH only as an FTS5 string (in double quotes, inner quotes doubled), so its
characters are never operators. Ranked by bm25, negated (SQLite's lower-is-better becomes
higher-is-better).

PostgreSQL (`search.postgresql`): `to_tsvector('simple', ...)` GIN expression indexes
matched with `websearch_to_tsquery('simple', term)` and ranked with ts_rank, OR-ed with a
case-insensitive substring match (a regular expression taking the term literally) served by
pg_trgm GIN indexes; a substring-only match (say a Thai word inside a sentence) ranks a
little below a whole-word match.

Common words, on both databases: a term found in more than `CANDIDATES` (`search.ranking`)
rows of a field is not ranked there (ranking reads every match: tens of thousands of rows
for "refund" at 100,000 tickets); each match scores a flat `MATCH_SCORE`, and only the
tickets of the query's rare term are looked at, or, when every term is common, only the
newest `CANDIDATES` matches per field. On PostgreSQL a common term is matched as a
substring only (a whole-word match is a substring match too), and the probe that
tells a rare term from a common one (the newest CANDIDATES + 1 substring matches) is also
its answer: a rare term's rows are ranked by id, without searching the index a second time.

Score: per term and matching row, (`MATCH_SCORE` + the engine's rank) times the field's
weight (subject above customer above message body), summed per ticket: more and better
matches rank higher.
"""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Ticket
from helpdesk.search import postgresql, sqlite
from helpdesk.search.ranking import NUMBER_SCORE, Arm, float_score, match_arm
from helpdesk.search.terms import MIN_INDEXED_LENGTH, query_terms, ticket_number


def search_hits(query: str) -> sa.Subquery | None:
    """Tickets matching `query`: a subquery of (`ticket_id`, `score`), one row per ticket,
    higher score first; None when the query has nothing to search for. Needs an app context
    (it picks the engine's dialect)."""
    terms = query_terms(query)
    number = ticket_number(query)
    if not terms and number is None:
        return None
    if number is not None and all(len(term) < MIN_INDEXED_LENGTH for term in terms):
        terms = []  # "42" means ticket 42, not every text with "42" in it (a full scan)
    dialect = db.engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):  # config.py refuses any other database
        raise RuntimeError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
    arms: list[Arm] = []
    plan = sqlite.ticket_plan(terms) if dialect == "sqlite" else postgresql.ticket_plan(terms)
    for index, term in enumerate(terms):
        if dialect == "postgresql":
            arms.extend(postgresql.ticket_arms(index, term, plan))
        elif len(term) >= MIN_INDEXED_LENGTH:
            arms.extend(sqlite.ticket_arms(index, term, plan))
        else:
            arms.extend(sqlite.ticket_scan_arms(index, term))
    if number is not None:
        arms.append(
            sa.select(
                Ticket.id.label("ticket_id"),
                sa.cast(sa.null(), sa.Integer).label("term"),
                float_score(NUMBER_SCORE).label("score"),
                sa.literal_column("1", sa.Integer).label("number_hit"),
            ).where(Ticket.number == number)
        )
    if not arms:  # every probe came back empty
        arms.append(match_arm(Ticket.id, 0, float_score(0)).where(sa.false()))
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
