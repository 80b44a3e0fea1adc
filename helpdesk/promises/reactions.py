"""What promises do when tickets change: a public reply or resolving keeps the pending
promise (if its time has not passed), and a reply that carries a promise records it."""

from __future__ import annotations

from helpdesk.models.ticket import DONE_STATUSES
from helpdesk.promises.service import promise_keep, promise_make
from helpdesk.tickets.events import StaffReplied, StatusChanged


def keep_on_resolve(event: StatusChanged) -> None:
    if event.new in DONE_STATUSES and event.old not in DONE_STATUSES:
        promise_keep(ticket=event.ticket, actor=event.actor, message=None)


def keep_or_make_on_reply(event: StaffReplied) -> None:
    if event.internal:
        return
    promise_keep(ticket=event.ticket, actor=event.author, message=event.message)
    if event.promise_due is not None:
        promise_make(
            ticket=event.ticket,
            agent=event.author,
            due_at=event.promise_due,
            text=event.promise_text or "",
        )


REACTIONS = (
    (StatusChanged, keep_on_resolve),
    (StaffReplied, keep_or_make_on_reply),
)
