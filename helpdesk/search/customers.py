"""Finding customers by a piece of their name, email or company (the customer directory,
`helpdesk/customers/directory.py`), on each database's own index: SQLite's `search_customers`
FTS5 trigram table (name, email; migration 0003) plus a LIKE on the company; PostgreSQL's
pg_trgm GIN indexes on name and email (0003) and company (0026), through
`search.postgresql.contains_text`. Matching is
case-insensitive (SQLite: for ASCII letters in the company, as its LIKE is); LIKE's own
characters in a term are literal."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Customer
from helpdesk.search.postgresql import contains_text
from helpdesk.search.sqlite import fts_string
from helpdesk.search.terms import MIN_INDEXED_LENGTH, like_pattern

_FTS_CUSTOMERS = sa.table("search_customers", sa.column("rowid", sa.Integer))


def customer_text_match(term: str) -> sa.ColumnElement[bool]:
    """Customers whose name, email or company contains `term` (a `query_terms` term)."""
    if db.engine.dialect.name == "postgresql":
        return sa.or_(
            *(
                contains_text(column, term)
                for column in (Customer.name, Customer.email, Customer.company)
            )
        )
    pattern = like_pattern(term)
    company = Customer.company.like(pattern, escape="\\")
    if len(term) < MIN_INDEXED_LENGTH:  # too short for trigrams: scan
        return sa.or_(
            Customer.name.like(pattern, escape="\\"),
            Customer.email.like(pattern, escape="\\"),
            company,
        )
    table: sa.ColumnClause[Any] = sa.literal_column(_FTS_CUSTOMERS.name)
    match = table.op("MATCH")(sa.bindparam(None, fts_string(term), sa.String))
    indexed = sa.select(_FTS_CUSTOMERS.c.rowid).select_from(_FTS_CUSTOMERS).where(match)
    return sa.or_(Customer.id.in_(indexed), company)
