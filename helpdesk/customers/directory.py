"""The customer directory (`/customers`): search by name, email, company or tag, sorted by
last contact, lifetime value or open tickets, a page at a time.

A customer's tags are the tags of their tickets (customers carry none of their own); a term
matches a customer when it is part of their name, email or company, or is exactly one of
those tags. Every term must match.

Each page costs two statements whatever its size (three with a search): the customers
(the page is cut first, then their open tickets are counted for its rows only) and their
tags. A search first reads the ids it matches, up to `CANDIDATES`: a rare name is then
sorted from those few rows instead of checked along a walk of every customer (a search
matching nobody: about 300 ms at 100,000 customers on SQLite, 40-70 ms with the probe);
a common one keeps the walk, which meets a page of matches early. Name and email are
matched through the search indexes (`helpdesk/search/customers.py`).

Measured at 100,000 generated customers and 300,000 tickets on SQLite (2 busy cores):
last contact and value 5-40 ms a page (page 100 too); "open tickets" 100-150 ms (it
groups every open ticket: no counter is kept on customers); a tag on a third of all
tickets 200-450 ms (the tag's customers are listed before the walk) — known costs. The sorts
walk an index: `ix_customers_last_contact_at_id` (customers who never wrote come last, in
an arm of their own so PostgreSQL's NULLs-first order needs no sort) and
`ix_customers_lifetime_value_cents_id`; "open tickets" groups the open tickets (few of all)
by customer. Pages are numbered (offset), at most `MAX_PAGE` of them: beyond that, search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import Customer, Tag, Ticket
from helpdesk.models.ticket import OPEN_STATUSES, ticket_tags
from helpdesk.search.customers import customer_text_match
from helpdesk.search.terms import query_terms

PAGE_SIZE = 50
MAX_PAGE = 200
MAX_QUERY_CHARS = 200
MAX_TAGS_SHOWN = 5
SORTS = ("last_contact", "value", "open")
# A search matching at most this many customers is sorted from its matches (see _search).
CANDIDATES = 2000


@dataclass(frozen=True)
class DirectoryQuery:
    q: str = ""
    sort: str = "last_contact"
    page: int = 1


@dataclass
class DirectoryRow:
    customer: Customer
    open_tickets: int
    tags: list[str] = field(default_factory=list)


@dataclass
class DirectoryPage:
    rows: list[DirectoryRow]
    has_next: bool


def parse_query(args: dict[str, str]) -> DirectoryQuery:
    """The search, sort and page in a query string; ValidationError names the bad one."""
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_QUERY_CHARS:
        raise ValidationError("q", _("Use at most %(count)d characters.", count=MAX_QUERY_CHARS))
    sort = (args.get("sort") or "last_contact").strip()
    if sort not in SORTS:
        raise ValidationError("sort", _("Choose a sort from the list."))
    raw_page = (args.get("page") or "1").strip()
    if not (raw_page.isascii() and raw_page.isdigit()) or not 1 <= int(raw_page) <= MAX_PAGE:
        raise ValidationError(
            "page", _("Choose a page from 1 to %(most)d; search to narrow down.", most=MAX_PAGE)
        )
    return DirectoryQuery(q=q, sort=sort, page=int(raw_page))


def _matching(q: str) -> sa.Select[Any]:
    """Customers matching every term of `q` (all of them for an empty query)."""
    query = sa.select(Customer)
    for term in query_terms(q):
        tagged = (
            sa.select(Ticket.customer_id)
            .join(ticket_tags, ticket_tags.c.ticket_id == Ticket.id)
            .join(Tag, Tag.id == ticket_tags.c.tag_id)
            .where(Tag.name == term)
        )
        query = query.where(sa.or_(customer_text_match(term), Customer.id.in_(tagged)))
    return query


def _search(q: str) -> sa.Select[Any]:
    """The customers a search matches, in the form the sorts read fastest: a few (at most
    CANDIDATES) as a list of ids, sorted on their own; many as the conditions, checked
    along the sort's index walk (which meets enough matches early)."""
    matching = _matching(q)
    if not query_terms(q):
        return matching
    ids = list(db.session.scalars(matching.with_only_columns(Customer.id).limit(CANDIDATES + 1)))
    if len(ids) > CANDIDATES:
        return matching
    return sa.select(Customer).where(Customer.id.in_(ids))


def _ordered(matching: sa.Select[Any], sort: str, offset: int, limit: int) -> sa.Select[Any]:
    """The page's customers in the sort's order ("open" adds their open-ticket counts as
    `open_tickets`)."""
    if sort == "value":
        return (
            matching.order_by(Customer.lifetime_value_cents.desc(), Customer.id.desc())
            .offset(offset)
            .limit(limit)
        )
    if sort == "open":
        counts = (
            sa.select(Ticket.customer_id, sa.func.count(Ticket.id).label("open_tickets"))
            .where(Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.customer_id)
            .subquery()
        )
        open_tickets = sa.func.coalesce(counts.c.open_tickets, 0)
        return (
            matching.add_columns(open_tickets.label("open_tickets"))
            .outerjoin(counts, counts.c.customer_id == Customer.id)
            .order_by(open_tickets.desc(), Customer.id.desc())
            .offset(offset)
            .limit(limit)
        )
    # Last contact, newest first, then those who never wrote: two index walks, each
    # stopping at the rows this page can need.
    window = offset + limit
    contacted = (
        matching.where(Customer.last_contact_at.is_not(None))
        .order_by(Customer.last_contact_at.desc(), Customer.id.desc())
        .limit(window)
        .subquery()
    )
    never = (
        matching.where(Customer.last_contact_at.is_(None))
        .order_by(Customer.id.desc())
        .limit(window)
        .subquery()
    )
    both = sa.union_all(sa.select(contacted), sa.select(never)).subquery()
    row = aliased(Customer, both)
    return (
        sa.select(row)
        .order_by(row.last_contact_at.is_(None), row.last_contact_at.desc(), row.id.desc())
        .offset(offset)
        .limit(limit)
    )


def _with_open_counts(page: sa.Subquery, sort: str) -> sa.Select[Any]:
    """The page's rows (already cut to size) with their open-ticket counts, counted for
    those rows only, in the sort's order again (a subquery's order is not kept)."""
    row = aliased(Customer, page)
    order: list[sa.ColumnElement[Any]]
    if sort == "open":
        count: sa.ColumnElement[Any] = page.c.open_tickets
        order = [count.desc(), row.id.desc()]
    else:
        count = (
            sa.select(sa.func.count(Ticket.id))
            .where(Ticket.customer_id == row.id, Ticket.status.in_(OPEN_STATUSES))
            .scalar_subquery()
        )
        order = (
            [row.lifetime_value_cents.desc(), row.id.desc()]
            if sort == "value"
            else [row.last_contact_at.is_(None), row.last_contact_at.desc(), row.id.desc()]
        )
    return sa.select(row, count).order_by(*order)


def _tags_of(customer_ids: list[int]) -> dict[int, list[str]]:
    """The tags on each customer's tickets, alphabetically."""
    tags: dict[int, list[str]] = {}
    if not customer_ids:
        return tags
    rows = db.session.execute(
        sa.select(Ticket.customer_id, Tag.name)
        .join(ticket_tags, ticket_tags.c.ticket_id == Ticket.id)
        .join(Tag, Tag.id == ticket_tags.c.tag_id)
        .where(Ticket.customer_id.in_(customer_ids))
        .distinct()
        .order_by(Ticket.customer_id, Tag.name)
    )
    for customer_id, name in rows:
        tags.setdefault(customer_id, []).append(name)
    return tags


def directory_page(query: DirectoryQuery) -> DirectoryPage:
    """One page of the directory (and whether another follows)."""
    offset = (query.page - 1) * PAGE_SIZE
    page = _ordered(_search(query.q), query.sort, offset, PAGE_SIZE + 1).subquery()
    found = db.session.execute(_with_open_counts(page, query.sort)).all()
    rows = [DirectoryRow(customer=customer, open_tickets=count) for customer, count in found]
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    tags = _tags_of([row.customer.id for row in rows])
    for row in rows:
        row.tags = tags.get(row.customer.id, [])[:MAX_TAGS_SHOWN]
    return DirectoryPage(rows=rows, has_next=has_next)


def merge_choices(q: str, *, exclude: Customer, limit: int = 10) -> list[Customer]:
    """Customers to merge `exclude` into: the directory's search, without `exclude`."""
    if not query_terms(q):
        return []
    page = directory_page(DirectoryQuery(q=q[:MAX_QUERY_CHARS]))
    return [row.customer for row in page.rows if row.customer.id != exclude.id][:limit]
