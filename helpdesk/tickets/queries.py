"""Read-side selects for the inbox: one query for the rows, with what each row shows
loaded up front (no lazy loads from templates)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from helpdesk.extensions import db
from helpdesk.models import Ticket, User
from helpdesk.models.ticket import OPEN_STATUSES

INBOX_VIEWS = ("open", "mine", "unassigned", "all")
PAGE_SIZE = 50
MAX_PAGE = 10_000  # bounds the offset (and refuses integers the database cannot hold)


@dataclass(frozen=True)
class InboxPage:
    view: str
    page: int
    tickets: list[Ticket]
    has_next: bool


def _view_filter(view: str, user: User) -> list[sa.ColumnElement[bool]]:
    if view == "all":
        return []
    conditions: list[sa.ColumnElement[bool]] = [Ticket.status.in_(OPEN_STATUSES)]
    if view == "mine":
        conditions.append(Ticket.assignee_id == user.id)
    elif view == "unassigned":
        conditions.append(Ticket.assignee_id.is_(None))
    return conditions


def inbox_page(*, view: str, page: int, user: User) -> InboxPage:
    """One page of the inbox, latest activity first."""
    if view not in INBOX_VIEWS:
        view = "open"
    page = min(max(1, page), MAX_PAGE)
    query = (
        sa.select(Ticket)
        .where(*_view_filter(view, user))
        .options(
            joinedload(Ticket.customer),
            joinedload(Ticket.assignee),
            selectinload(Ticket.tags),
        )
        .order_by(Ticket.last_activity_at.desc(), Ticket.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = list(db.session.scalars(query).unique())
    return InboxPage(view=view, page=page, tickets=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE)
