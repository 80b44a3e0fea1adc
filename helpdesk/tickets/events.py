"""What happens to tickets, as domain events (see `helpdesk/events.py`).

Tickets publish these; mail, webhooks, recovery, promises and the founders' queue react in
their `reactions.py`, in the same transaction. Handlers never commit. Events carry the
objects themselves (flushed, so ids exist) and, where it matters, what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from helpdesk.models import Customer, Message, Ticket, User


@dataclass(frozen=True)
class CustomerWriting:
    """A customer is about to start a conversation; nothing is written yet. Handlers read
    what they will need (SQLite holds its one writer from a transaction's first write to
    its commit, so reads belong before it) and leave it in `prepared` under their own key;
    `TicketOpening` and `TicketCreated` carry the same dict."""

    email: str
    customer: Customer | None
    body: str
    language: str | None
    verified: bool
    acknowledge: bool
    at: datetime
    prepared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketOpening:
    """A customer's new ticket and first message are built but not inserted yet: handlers
    may fill columns from what they prepared, so the INSERT carries them."""

    ticket: Ticket
    message: Message
    prepared: dict[str, Any]


@dataclass(frozen=True)
class TicketCreated:
    """A ticket was opened with its first (customer's) message, assigned and audited.
    `actor` is the staff member who took it down, None when the customer wrote."""

    ticket: Ticket
    message: Message
    actor: User | None
    prepared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CustomerReplied:
    """The customer wrote on their conversation (`changes`: what it did to the ticket)."""

    ticket: Ticket
    message: Message
    changes: dict[str, Any]


@dataclass(frozen=True)
class StaffReplied:
    """A staff member wrote a public reply or an internal note. A reply may carry a
    promised update (`promise_due`, with the sentence the customer reads) and name the
    saved reply it was written from."""

    ticket: Ticket
    message: Message
    author: User
    changes: dict[str, Any]
    promise_due: datetime | None = None
    promise_text: str | None = None
    # The status the author asked for with the send button ("Send and resolve"), if any.
    requested_status: str | None = None
    # The saved reply the text came from (the picker in the composer), and whether its
    # actions (status, priority, tags) should apply; the saved replies feature reacts.
    saved_reply_id: int | None = None
    saved_reply_actions: bool = False

    @property
    def internal(self) -> bool:
        return self.message.internal


@dataclass(frozen=True)
class StatusChanged:
    """A ticket's status moved from `old` to `new`, inside whatever changed it (a reply, an
    edit, a bulk change, a customer writing). A handler may refuse the change by raising a
    domain error: the whole use case rolls back."""

    ticket: Ticket
    old: str
    new: str
    actor: User | None


@dataclass(frozen=True)
class TicketUpdated:
    """A ticket's properties changed (status, priority, assignee, tags) by an edit or a
    bulk change; `changes` maps each field to [before, after]."""

    ticket: Ticket
    changes: dict[str, Any]
    actor: User | None


@dataclass(frozen=True)
class TicketWoke:
    """A snoozed ticket's time came (`tickets/snooze_sweep.py`); it is back in its views."""

    ticket: Ticket
