"""The inbox: view counts, and keyset pages. What the URL asks for (filters, sorts, the
page cursor) is read in `inbox_filters`, whose names are re-exported here.

Each page runs a fixed number of queries however many rows it shows, and a page deep in the
list costs what the first one does: the "Next page" link carries the sort values of the
last row, and each status is read from its own (status, sort keys) index and merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from helpdesk.clock import now
from helpdesk.db.data_version import app_cache
from helpdesk.db.rows import read_rows
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.format_filters import Moment
from helpdesk.models import Ticket, User
from helpdesk.models.base import UTCDateTime
from helpdesk.models.promise import Promise
from helpdesk.search.tickets import search_hits
from helpdesk.tickets.inbox_filters import (  # noqa: F401 - re-exported
    HIDES_SNOOZED,
    HIDES_SPAM,
    SORTS,
    VIEW_STATUSES,
    VIEWS,
    Conditions,
    InboxFilters,
    decode_cursor,
    encode_cursor,
    filter_conditions,
    parse_filters,
    view_statuses,
)
from helpdesk.tickets.inbox_rows import TicketRow, ticket_rows

PAGE_SIZE = 50
PENDING_PROMISES = "pending promises"  # a label no ticket status has
BREACHING = "breaching soon"  # the same, for the "Breaching soon" view's count
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# The API's list serialises whole tickets (helpdesk/api/tickets.py); the page reads only
# what a row shows (`helpdesk.tickets.inbox_rows`).
FULL_LOAD = (
    joinedload(Ticket.customer),
    joinedload(Ticket.assignee),
    selectinload(Ticket.tags),
    selectinload(Ticket.recovery),
)


def view_counts(user: User) -> dict[str, int]:
    """How many tickets each view holds: one grouped scan of the covering index
    (status, kind, assignee_id), in index order, summed up here (snoozed and spam tickets,
    grouped apart, move from the views that hide them to their own). The scan's rows, and
    each user's sums of them, are kept per process until the data version changes
    (`helpdesk.db.data_version`), so a page view pays for them only after a change."""
    groups: _Groups = app_cache(current_app, "view_counts", 1).get(None, _count_rows)
    counts = groups.per_user.get(user.id)
    if counts is None:
        counts = groups.per_user[user.id] = _sums(groups, user)
    return dict(counts)


def _sums(groups: _Groups, user: User) -> dict[str, int]:
    counts = dict.fromkeys(VIEWS, 0)
    counts["promises"] = groups.pending_promises
    counts["breaching"] = groups.breaching
    for label, kind, assignee_id, count in groups.rows:
        marked, _sep, status = label.rpartition(" ")
        if marked:  # "snoozed open": already counted under "open"; move it
            hides = HIDES_SNOOZED if marked == "snoozed" else HIDES_SPAM
            for view in hides:
                if _counts_in(view, status, kind, assignee_id, user):
                    counts[view] -= count
            if status in VIEW_STATUSES[marked]:
                counts[marked] += count
            continue
        for view in VIEWS:
            if _counts_in(view, status, kind, assignee_id, user):
                counts[view] += count
    return counts


def _counts_in(view: str, status: str, kind: str, assignee_id: int | None, user: User) -> bool:
    """Whether a (status, kind, assignee) group belongs to `view`'s count (snoozed and spam
    tickets aside: they are taken out afterwards; "Breaching soon" is counted apart)."""
    if view in ("promises", "breaching", "snoozed", "spam") or status not in VIEW_STATUSES[view]:
        return False
    return not (
        (view == "mine" and assignee_id != user.id)
        or (view == "unassigned" and assignee_id is not None)
        or (view == "complaints" and kind != "complaint")
    )


@dataclass
class _Groups:
    rows: list[tuple[str, str, int | None, int]]
    pending_promises: int
    breaching: int
    # Each user's view counts from these rows, summed on their first page view.
    per_user: dict[int, dict[str, int]] = field(default_factory=dict)


def _count_rows() -> _Groups:
    """(status, kind, assignee id, tickets) groups, the pending promises and the tickets
    breaching soon: one query. Snoozed and spam tickets come back too, as groups whose
    status is prefixed with "snoozed " or "spam " (read through those columns' own
    indexes). "Breaching soon" also changes with the clock: like every cached count it is
    at most `LIFETIME` (a minute) old when nothing else changed."""
    # Plain strings, not the enum type, so the labels pass through the union.
    status, kind = sa.type_coerce(Ticket.status, sa.String), sa.type_coerce(Ticket.kind, sa.String)
    groups = sa.select(status, kind, Ticket.assignee_id, sa.func.count().label("n")).group_by(
        Ticket.status, Ticket.kind, Ticket.assignee_id
    )
    promises = sa.select(
        sa.literal(PENDING_PROMISES), sa.null(), sa.null(), sa.func.count(Promise.id)
    ).where(Promise.status == "pending")
    breaching = sa.select(
        sa.literal(BREACHING), sa.null(), sa.null(), sa.func.count(Ticket.id)
    ).where(Ticket.status.in_(VIEW_STATUSES["breaching"]), Ticket.sla_warn_at <= _timestamp(now()))
    # Grouped by the labelled status (an expression no index orders) and filtered on a
    # range, so the planner reads the few marked rows through the column's own index
    # instead of walking the whole (status, kind, assignee_id) index for its order.
    marked = []
    for name, column in (("snoozed", Ticket.snoozed_until), ("spam", Ticket.spam_at)):
        label = (sa.literal(f"{name} ") + status).label("label")
        marked.append(
            sa.select(label, kind, Ticket.assignee_id, sa.func.count())
            .where(column > _timestamp(EPOCH))
            .group_by(label, Ticket.kind, Ticket.assignee_id)
        )
    rows: list[Any] = list(
        db.session.execute(sa.union_all(groups, promises, breaching, *marked)).all()
    )
    labels = (PENDING_PROMISES, BREACHING)
    pending = sum(int(row[3]) for row in rows if row[0] == PENDING_PROMISES)
    soon = sum(int(row[3]) for row in rows if row[0] == BREACHING)
    groups_found = [(row[0], row[1], row[2], int(row[3])) for row in rows if row[0] not in labels]
    return _Groups(groups_found, pending, soon)


@dataclass
class InboxRow:
    ticket: TicketRow | Ticket  # a Ticket when the page was asked for `whole_tickets`
    subject_html: Any = None
    snippet_html: Any = None
    promise_due: datetime | None = None
    created: Moment | None = None  # when it was opened, as the page shows it (`moments`)


@dataclass
class InboxPage:
    filters: InboxFilters
    rows: list[InboxRow]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)


def _timestamp(value: datetime) -> sa.BindParameter[datetime]:
    return sa.bindparam(None, value, type_=UTCDateTime())


_CURSOR_TYPES: dict[type, Any] = {
    datetime: UTCDateTime,
    int: sa.Integer,
    float: sa.Float,
    str: sa.String,
}


def _after(
    conditions: Conditions, keys: list[Any], values: list[Any], descending: bool
) -> Conditions:
    """`conditions` and the rows after the cursor's `values` of `keys`."""
    kinds = tuple(type(value) for value in values)
    bound = [
        sa.bindparam(f"after_{index}", type_=_CURSOR_TYPES[kind]())
        for index, kind in enumerate(kinds)
    ]
    row_key, row_bound = sa.tuple_(*keys), sa.tuple_(*bound)
    after = row_key < row_bound if descending else row_key > row_bound
    given = {f"after_{index}": value for index, value in enumerate(values)}
    return conditions.adding(("after", kinds, descending), after, **given)


def _sort_keys(sort: str) -> tuple[list[Any], tuple[type, ...], bool]:
    """The columns a sort orders by (ending in the id), their types, and the direction."""
    if sort == "priority":
        return (
            [Ticket.priority_rank, Ticket.last_activity_at, Ticket.id],
            (int, datetime, int),
            True,
        )
    return [Ticket.last_activity_at, Ticket.id], (datetime, int), True


def _merged_rows(
    keys: list[Any],
    descending: bool,
    conditions: Conditions,
    statuses: tuple[str, ...],
    limit: int,
) -> list[list[Any]]:
    """Up to `limit` rows of sort keys: each status read from its (status, keys) index with
    its own LIMIT, then merged, so a view spanning several statuses never sorts the table.
    The statement is kept per shape (`Conditions`) and run with this page's values."""
    shape = (tuple(key.key for key in keys), descending, conditions.key(), statuses, limit)
    statement = _merged_statements.get(shape)
    if statement is None:
        statement = _merged_statement(keys, descending, conditions, statuses, limit)
        if len(_merged_statements) >= _MERGED_STATEMENTS_KEPT:
            _merged_statements.clear()
        _merged_statements[shape] = statement
    rows = read_rows(statement, conditions.params).all()
    return [list(row) for row in rows]


_MERGED_STATEMENTS_KEPT = 512  # views × sorts × filters used × first page or not
_merged_statements: dict[tuple[Any, ...], sa.Select[Any]] = {}


def _merged_statement(
    keys: list[Any],
    descending: bool,
    conditions: Conditions,
    statuses: tuple[str, ...],
    limit: int,
) -> sa.Select[Any]:
    order = [key.desc() if descending else key.asc() for key in keys]
    arms = [
        sa.select(*keys)
        .where(Ticket.status == status, *conditions.clauses)
        .order_by(*order)
        .limit(limit)
        .subquery()
        for status in statuses
    ]
    merged = sa.union_all(*(sa.select(arm) for arm in arms)).subquery()
    merged_keys = [merged.c[key.key] for key in keys]
    return (
        sa.select(*merged_keys)
        .order_by(*(key.desc() if descending else key.asc() for key in merged_keys))
        .limit(limit)
    )


def _page_ids(filters: InboxFilters, user: User) -> tuple[list[int], list[Any]]:
    """The ids of one page (plus one, to tell if there is more), in order, with the cursor
    values of each row."""
    statuses = view_statuses(filters)
    if not statuses:
        return [], []
    conditions = filter_conditions(filters, user)
    if filters.view == "promises":
        return _promise_page_ids(filters, conditions)
    if filters.view == "breaching":  # only tickets with a due time: soonest first
        return _split_page_ids(filters, conditions, statuses, Ticket.sla_due_at, "due", rest=False)
    if filters.view in ("snoozed", "spam"):
        return _marked_page_ids(filters, conditions, statuses)
    if filters.sort == "waiting":
        return _split_page_ids(filters, conditions, statuses, Ticket.waiting_since, "waiting")
    if filters.sort == "due":
        return _split_page_ids(filters, conditions, statuses, Ticket.sla_due_at, "due")
    keys, kinds, descending = _sort_keys(filters.sort)
    if filters.after:
        conditions = _after(conditions, keys, decode_cursor(filters.after, kinds), descending)
    rows = _merged_rows(keys, descending, conditions, statuses, PAGE_SIZE + 1)
    return [row[-1] for row in rows], rows


def _split_page_ids(
    filters: InboxFilters,
    conditions: Conditions,
    statuses: tuple[str, ...],
    column: Any,
    part_name: str,
    *,
    rest: bool = True,
) -> tuple[list[int], list[Any]]:
    """First the tickets where `column` is set, smallest first (its (status, column, id)
    index); then, when `rest`, the others, latest activity first. The cursor says which
    part it is in. "Customer waiting longest" (`waiting_since`) and "Due soonest"
    (`sla_due_at`, the service-level clock) are both this shape."""
    first_keys = [column, Ticket.id]
    other_keys = [Ticket.last_activity_at, Ticket.id]
    part, values = part_name, None
    if filters.after:
        decoded = decode_cursor(filters.after, (str, datetime, int))
        part, values = decoded[0], decoded[1:]
        if part not in (part_name, "other") or (part == "other" and not rest):
            raise ValidationError("after", _("This page link is broken; start from the top."))
    rows: list[list[Any]] = []
    if part == part_name:
        first = conditions.adding(("set", column.key), column.is_not(None))
        if values:
            first = _after(first, first_keys, values, descending=False)
        rows = [
            [part_name, *row]
            for row in _merged_rows(first_keys, False, first, statuses, PAGE_SIZE + 1)
        ]
    if rest and len(rows) <= PAGE_SIZE:
        others = conditions.adding(("unset", column.key), column.is_(None))
        if part == "other" and values:
            others = _after(others, other_keys, values, descending=True)
        rows += [
            ["other", *row]
            for row in _merged_rows(other_keys, True, others, statuses, PAGE_SIZE + 1 - len(rows))
        ]
    return [row[-1] for row in rows], rows


def _search_ids(filters: InboxFilters, user: User) -> tuple[list[int], list[Any]]:
    hits = search_hits(filters.q)
    if hits is None:  # nothing searchable in the query: no results, not everything
        return [], []
    conditions = filter_conditions(filters, user)
    statuses = VIEW_STATUSES[filters.view]
    if filters.status:
        statuses = tuple(status for status in statuses if status == filters.status)
    conditions.add(("statuses", statuses), Ticket.status.in_(statuses))
    if filters.after:
        values = decode_cursor(filters.after, (float, int))
        conditions = _after(conditions, [hits.c.score, Ticket.id], values, True)
    rows = read_rows(
        sa.select(hits.c.score, Ticket.id)
        .join(hits, hits.c.ticket_id == Ticket.id)
        .where(*conditions.clauses)
        .order_by(hits.c.score.desc(), Ticket.id.desc())
        .limit(PAGE_SIZE + 1),
        conditions.params,
    ).all()
    return [row[1] for row in rows], [list(row) for row in rows]


def _marked_page_ids(
    filters: InboxFilters, conditions: Conditions, statuses: tuple[str, ...]
) -> tuple[list[int], list[Any]]:
    """Snoozed tickets by wake time (soonest first), spam by when it was marked (latest
    first), each read from its own (column, id) index."""
    keys: list[Any]
    if filters.view == "snoozed":
        keys, descending = [Ticket.snoozed_until, Ticket.id], False
    else:
        keys, descending = [Ticket.spam_at, Ticket.id], True
    conditions.add(("statuses", statuses), Ticket.status.in_(statuses))
    if filters.after:
        values = decode_cursor(filters.after, (datetime, int))
        conditions = _after(conditions, keys, values, descending)
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = read_rows(
        sa.select(*keys).where(*conditions.clauses).order_by(*order).limit(PAGE_SIZE + 1),
        conditions.params,
    ).all()
    return [int(row[1]) for row in rows], [list(row) for row in rows]


def _promise_page_ids(filters: InboxFilters, conditions: Conditions) -> tuple[list[int], list[Any]]:
    """Tickets with a pending promise, the soonest due first (the promises' own index)."""
    keys = [Promise.due_at, Ticket.id]
    if filters.status:
        status = Ticket.status == sa.bindparam("status")
        conditions.add("status", status, status=filters.status)
    if filters.after:
        values = decode_cursor(filters.after, (datetime, int))
        conditions = _after(conditions, keys, values, descending=False)
    rows = read_rows(
        sa.select(Promise.due_at, Ticket.id)
        .join(Ticket, Ticket.id == Promise.ticket_id)
        .where(Promise.status == "pending", *conditions.clauses)
        .order_by(Promise.due_at, Ticket.id)
        .limit(PAGE_SIZE + 1),
        conditions.params,
    ).all()
    return [row[1] for row in rows], [list(row) for row in rows]


def inbox_page(
    *, filters: InboxFilters, user: User, with_counts: bool = True, whole_tickets: bool = False
) -> InboxPage:
    """One page of the inbox for `filters`, with the view counts unless `with_counts` is
    False, and of each ticket only what a row shows unless `whole_tickets` (the API lists
    whole tickets without the tabs that count them)."""
    if filters.q:
        ids, sort_values = _search_ids(filters, user)
    else:
        ids, sort_values = _page_ids(filters, user)
    next_cursor = None
    if len(ids) > PAGE_SIZE:
        ids = ids[:PAGE_SIZE]
        next_cursor = encode_cursor(sort_values[PAGE_SIZE - 1])
    by_id: dict[int, TicketRow] | dict[int, Ticket]
    if whole_tickets and ids:
        by_id = {
            ticket.id: ticket
            for ticket in db.session.scalars(
                sa.select(Ticket).where(Ticket.id.in_(ids)).options(*FULL_LOAD)
            ).unique()
        }
    else:
        by_id = ticket_rows(ids)
    due: dict[int, datetime] = {}
    if ids and filters.view == "promises":
        due = {
            ticket_id: due_at
            for ticket_id, due_at in read_rows(
                sa.select(Promise.ticket_id, Promise.due_at).where(
                    Promise.ticket_id.in_(ids), Promise.status == "pending"
                )
            )
        }
    return InboxPage(
        filters=filters,
        rows=[
            InboxRow(ticket=by_id[ticket_id], promise_due=due.get(ticket_id))
            for ticket_id in ids
            if ticket_id in by_id
        ],
        next_cursor=next_cursor,
        counts=view_counts(user) if with_counts else {},
    )
