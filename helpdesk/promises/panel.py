"""The promise panel on the ticket page: the pending promise with its countdown, and the
ticket's earlier promises and how they went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import format_timedelta

from helpdesk.clock import now
from helpdesk.db.rows import read_rows
from helpdesk.models import Ticket, User
from helpdesk.models.promise import Promise
from helpdesk.promises.stats import promise_stats
from helpdesk.tickets.panels import InboxSection, Panel


class ShownPromise(NamedTuple):
    """What the panel shows of a promise (a plain row: it only displays, issue 25)."""

    status: str
    due_at: datetime
    text: str
    kept_early: bool
    escalated_at: datetime | None


@dataclass(frozen=True)
class PromiseView:
    promise: ShownPromise
    overdue: bool
    time_left: str  # "in 3 hours" / "2 hours ago"


_LATEST = (
    sa.select(
        Promise.status, Promise.due_at, Promise.text, Promise.kept_early, Promise.escalated_at
    )
    .where(Promise.ticket_id == sa.bindparam("ticket_id"))
    .order_by(Promise.created_at.desc(), Promise.id.desc())
    .limit(5)
)


def promise_views(ticket: Ticket) -> list[PromiseView]:
    """The ticket's five latest promises."""
    current = now()
    promises = [ShownPromise(*row) for row in read_rows(_LATEST, {"ticket_id": ticket.id})]
    return [
        PromiseView(
            promise=promise,
            overdue=promise.status == "pending" and promise.due_at < current,
            time_left=format_timedelta(promise.due_at - current, add_direction=True),
        )
        for promise in promises
    ]


def panel_context(ticket: Ticket, user: User) -> dict[str, Any]:
    views = promise_views(ticket)
    pending = next((view for view in views if view.promise.status == "pending"), None)
    return {"pending_promise": pending, "promise_history": views}


PANEL = Panel("promises/_panel.html", panel_context, 30)
INBOX_SECTION = InboxSection(
    "promises", "promises/_inbox_stats.html", lambda: {"promise_stats": promise_stats()}
)
