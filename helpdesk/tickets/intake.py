"""New tickets and customers' own messages: the ways a conversation starts or continues
from the customer's side (an agent taking it down, the widget, email and the API).

Each function is one use case (`@use_case`); the steps are in `intake_steps.py`, and the
access tokens in `tokens.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from helpdesk.attachments.uploads import Upload
from helpdesk.db.transaction import use_case
from helpdesk.models import Attachment, Message, Ticket, User
from helpdesk.tickets.intake_steps import (
    CustomerContact,
    customer_writes,
    open_conversation,
    open_ticket_for_customer,
)

__all__ = [
    "CustomerContact",
    "ticket_create",
    "ticket_create_by_customer",
    "ticket_customer_reply",
]


@use_case
def ticket_create(
    *,
    actor: User,
    customer_email: str,
    customer_name: str,
    subject: str,
    body: str,
    priority: str = "normal",
    channel: str = "agent",
) -> Ticket:
    """Open a ticket on a customer's behalf (finding or creating the customer); the first
    message is the customer's words as the agent took them down."""
    return open_ticket_for_customer(
        actor=actor,
        customer_email=customer_email,
        customer_name=customer_name,
        subject=subject,
        body=body,
        priority=priority,
        channel=channel,
    )


@use_case
def ticket_create_by_customer(
    *,
    contact: CustomerContact,
    body: str,
    subject: str | None = None,
    channel: str = "widget",
    page_url: str | None = None,
    email_message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    acknowledge: bool = True,
    uploads: Sequence[Upload] = (),
) -> tuple[Ticket, str]:
    """A customer starts a conversation; returns the ticket and its access token (the only
    time the token exists in clear).

    The email finds or creates the `Customer`. Only a verified contact (the host site
    signed the email) may update that customer's name or mark them seen: an unverified
    form cannot rename somebody else's customer record. The page the customer wrote from
    is kept as an internal note for the agent. Email passes its Message-ID and stored
    attachments, and `acknowledge=False` for automated mail (no "we got it" reply to it).
    """
    return open_conversation(
        contact=contact,
        body=body,
        subject=subject,
        channel=channel,
        page_url=page_url,
        email_message_id=email_message_id,
        attachments=attachments,
        acknowledge=acknowledge,
        uploads=uploads,
    )


@use_case
def ticket_customer_reply(
    *,
    ticket: Ticket,
    body: str,
    field: str = "message",
    email_message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
    uploads: Sequence[Upload] = (),
) -> Message:
    """The customer writes on their conversation (with stored `attachments` from mail, or
    checked `uploads` from the widget and the conversation page, stored here). A resolved
    ticket, or one closed less than 30 days ago, reopens; an older closed ticket refuses
    (the caller starts a new one). A reply on a pending ticket moves it to open."""
    return customer_writes(
        ticket=ticket,
        body=body,
        field=field,
        email_message_id=email_message_id,
        attachments=attachments,
        uploads=uploads,
    )
