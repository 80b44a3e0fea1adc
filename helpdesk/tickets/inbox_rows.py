"""What an inbox row shows of a ticket, read as plain rows (no ORM objects).

Fifty rows of ORM tickets with their customer, assignee, tags and recovery cost about
5 ms of CPU a page in hydration and identity bookkeeping (issue 25): a third of the page.
A row needs none of it (nothing is changed through it), so its columns are read in two
Core queries — the tickets joined to their customer, assignee and recovery, then the
tags — into `TicketRow`s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from helpdesk.db.one_of import OneOf
from helpdesk.db.rows import read_rows
from helpdesk.models import Customer, Recovery, Tag, Ticket, User
from helpdesk.models.ticket import OPEN_STATUSES, ticket_tags

_COLUMNS = (
    Ticket.id,
    Ticket.number,
    Ticket.subject,
    Ticket.status,
    Ticket.priority,
    Ticket.kind,
    Ticket.created_at,
    Ticket.last_message_snippet,
    Ticket.snoozed_until,
    Ticket.sla_due_at,
    Ticket.sla_due_kind,
    Ticket.sla_warn_at,
    Customer.name,
    Customer.vip,
    User.name,
    Recovery.state,
    Recovery.current_step,
)


@dataclass(slots=True)
class TicketRow:
    """A listed ticket: its own columns, its customer's name and VIP mark, its
    assignee's name, its tags' names and its recovery's state and step."""

    id: int
    number: int
    subject: str
    status: str
    priority: str
    kind: str
    created_at: datetime
    last_message_snippet: str
    snoozed_until: datetime | None
    sla_due_at: datetime | None
    sla_due_kind: str | None
    sla_warn_at: datetime | None
    customer_name: str
    customer_vip: bool
    assignee_name: str | None
    recovery_state: str | None
    recovery_step: str | None
    tags: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# Built once: building a statement and its cache key costs about as much as running it.
_ROWS = (
    sa.select(*_COLUMNS)
    .join(Customer, Customer.id == Ticket.customer_id)
    .outerjoin(User, User.id == Ticket.assignee_id)
    .outerjoin(Recovery, Recovery.ticket_id == Ticket.id)  # at most one a ticket
    .where(OneOf(Ticket.id, "ids"))
)
_TAGS = (
    sa.select(ticket_tags.c.ticket_id, Tag.name)
    .join(Tag, Tag.id == ticket_tags.c.tag_id)
    .where(OneOf(ticket_tags.c.ticket_id, "ids"))
    .order_by(ticket_tags.c.ticket_id, Tag.name)
)


def ticket_rows(ids: Sequence[int]) -> dict[int, TicketRow]:
    """The rows of the tickets `ids`, by id (a missing ticket is left out)."""
    if not ids:
        return {}
    given = {"ids": list(ids)}
    rows = {
        row[0]: TicketRow(*row)  # type: ignore[call-arg]  # the columns, in order
        for row in read_rows(_ROWS, given)
    }
    tags: defaultdict[int, list[str]] = defaultdict(list)
    for ticket_id, name in read_rows(_TAGS, given):
        tags[ticket_id].append(name)
    for ticket_id, names in tags.items():
        if ticket_id in rows:
            rows[ticket_id].tags = names
    return rows
