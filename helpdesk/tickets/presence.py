"""Who else has a ticket open, and who is typing a reply, so two agents don't answer twice.

The ticket page reports in every few seconds; a report older than PRESENCE_WINDOW no longer
counts. Rows are upserted, so any number of tabs and web processes agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.db.rows import read_rows
from helpdesk.db.transaction import use_case
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.extensions import db
from helpdesk.models import Ticket, TicketPresence, User

PRESENCE_WINDOW = timedelta(seconds=30)
TYPING_WINDOW = timedelta(seconds=15)  # the page reports every 10 s


@dataclass(frozen=True)
class Viewer:
    name: str
    typing: bool


def presence_touch(*, ticket: Ticket, user: User, typing: bool) -> list[Viewer]:
    """Record that `user` has the ticket open (and whether they are typing); return the
    other staff who have it open now (read after the record's commit, outside its write)."""
    presence_record(ticket=ticket, user=user, typing=typing)
    return presence_others(ticket=ticket, user=user)


@use_case
def presence_record(*, ticket: Ticket, user: User, typing: bool) -> None:
    """Upsert `user`'s presence row on the ticket: one use case, one commit."""
    at = now()
    values = {
        "ticket_id": ticket.id,
        "user_id": user.id,
        "seen_at": at,
        "typing_at": at if typing else None,
    }
    statement = insert_on_conflict(TicketPresence).values(**values)
    update = {"seen_at": at}
    if typing:
        update["typing_at"] = at
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["ticket_id", "user_id"], set_=update)
    )


_OTHERS = (
    sa.select(User.name, TicketPresence.typing_at)
    .join(User, User.id == TicketPresence.user_id)
    .where(
        TicketPresence.ticket_id == sa.bindparam("ticket_id"),
        TicketPresence.user_id != sa.bindparam("user_id"),
        TicketPresence.seen_at >= sa.bindparam("seen_since"),
    )
    .order_by(User.name)
)


def presence_others(*, ticket: Ticket, user: User) -> list[Viewer]:
    at = now()
    given = {"ticket_id": ticket.id, "user_id": user.id, "seen_since": at - PRESENCE_WINDOW}
    rows = read_rows(_OTHERS, given).all()
    return [
        Viewer(name=name, typing=typing_at is not None and typing_at >= at - TYPING_WINDOW)
        for name, typing_at in rows
    ]
