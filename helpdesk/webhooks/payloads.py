"""Plain JSON shapes of tickets, messages, customers, staff, promises, escalations and
ratings, shared by webhook payloads and the REST API so both describe an object the same
way.

The shapes are a public contract: add fields, never rename or remove them. Every value is
a JSON primitive, list or object; times are ISO 8601 in UTC ending in `Z`; a missing person
is `null`. Tickets are named by their human `number` (what the ticket page shows and the
API takes), and carry an absolute `url` to the ticket page on HELPDESK_BASE_URL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app

from helpdesk.models import Customer, Escalation, Message, Promise, Rating, Ticket, User

JSON = dict[str, Any]


def iso(moment: datetime | None) -> str | None:
    """`2026-06-02T10:00:00.123456Z`: UTC, ISO 8601 (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # naive values are UTC by this project's rule
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ticket_url(number: int) -> str:
    """The ticket page, absolute, on HELPDESK_BASE_URL."""
    return f"{str(current_app.config['BASE_URL']).rstrip('/')}/tickets/{number}"


def customer_json(customer: Customer) -> JSON:
    """{id, email, name}."""
    return {"id": customer.id, "email": customer.email, "name": customer.name}


def staff_json(user: User | None) -> JSON | None:
    """{id, name, email}, or None."""
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "email": user.email}


def ticket_json(ticket: Ticket) -> JSON:
    """{number, subject, status, priority, kind, channel, customer, assignee, tags,
    created_at, updated_at, first_staff_reply_at, resolved_at, url}; `tags` sorted,
    `updated_at` the last activity."""
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "kind": ticket.kind,
        "channel": ticket.channel,
        "customer": customer_json(ticket.customer),
        "assignee": staff_json(ticket.assignee),
        "tags": sorted(tag.name for tag in ticket.tags),
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.last_activity_at),
        "first_staff_reply_at": iso(ticket.first_staff_reply_at),
        "resolved_at": iso(ticket.resolved_at),
        "url": ticket_url(ticket.number),
    }


def message_json(message: Message) -> JSON:
    """{id, ticket_number, author_type, author, internal, body, body_html, created_at}:
    `author` is the customer's or staff member's {id, name, email} (null for system
    messages), `body` the source text (Markdown or plain) as written, `body_html` the
    sanitised HTML the helpdesk shows."""
    author: JSON | None = None
    if message.author_type == "customer" and message.author_customer is not None:
        author = customer_json(message.author_customer)
    elif message.author_type == "staff":
        author = staff_json(message.author_user)
    return {
        "id": message.id,
        "ticket_number": message.ticket.number,
        "author_type": message.author_type,
        "author": author,
        "internal": message.internal,
        "body": message.body_source,
        "body_html": message.body_html,
        "created_at": iso(message.created_at),
    }


def promise_json(promise: Promise) -> JSON:
    """{id, ticket_number, agent, text, status, due_at, kept_early, fulfilled_at,
    created_at}."""
    return {
        "id": promise.id,
        "ticket_number": promise.ticket.number,
        "agent": staff_json(promise.agent),
        "text": promise.text,
        "status": promise.status,
        "due_at": iso(promise.due_at),
        "kept_early": promise.kept_early,
        "fulfilled_at": iso(promise.fulfilled_at),
        "created_at": iso(promise.created_at),
    }


def escalation_json(escalation: Escalation) -> JSON:
    """{id, ticket_number, reason, detail, status, promise_id, created_at, updated_at}."""
    return {
        "id": escalation.id,
        "ticket_number": escalation.ticket.number,
        "reason": escalation.reason,
        "detail": escalation.detail,
        "status": escalation.status,
        "promise_id": escalation.promise_id,
        "created_at": iso(escalation.created_at),
        "updated_at": iso(escalation.updated_at),
    }


def rating_json(rating: Rating) -> JSON:
    """{id, ticket_number, score, comment, channel, created_at, updated_at}."""
    return {
        "id": rating.id,
        "ticket_number": rating.ticket.number,
        "score": rating.score,
        "comment": rating.comment,
        "channel": rating.channel,
        "created_at": iso(rating.created_at),
        "updated_at": iso(rating.updated_at),
    }
