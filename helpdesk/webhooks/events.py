"""Webhook events: one outbox row per active subscription to an event, written in the
caller's transaction (never sent inside a request), so a delivery exists exactly when the
change that caused it commits. The `send_outbox` job sends them (`webhooks.delivery`).

A body is fixed when the event happens: `{"id": <delivery id>, "event": <name>,
"created_at": <ISO UTC>, "data": {...}}`, compact JSON in UTF-8. The delivery id is the
row's unique `message_id` and travels in `X-Helpdesk-Delivery` too, so a receiver can drop
a repeat. Each subscription gets its own id for the same event.

Cost: the active subscriptions are read with one SELECT per transaction and kept on the
session for that transaction, so a bulk change of 500 tickets reads them once; the data
of an event nobody subscribed to is never built.

The `*_event` helpers below are what services call (one line each, before their commit).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import (
    WEBHOOK_EVENTS,
    Escalation,
    Message,
    Outbox,
    Promise,
    Rating,
    Ticket,
    Webhook,
)
from helpdesk.webhooks import payloads

TEST_EVENT = "ping"
_CACHE_KEY = "webhook_subscriptions"

Data = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def _subscriptions() -> list[tuple[int, frozenset[str]]]:
    """(id, events) of every active subscription, read once per transaction."""
    session = db.session()  # the Session itself: the scoped proxy lacks get_transaction
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE_KEY)
    if transaction is not None and cached is not None and cached[0] is transaction:
        return list(cached[1])
    rows = session.execute(
        sa.select(Webhook.id, Webhook.events).where(Webhook.active.is_(True)).order_by(Webhook.id)
    )
    subscriptions = [(row.id, frozenset(row.events or ())) for row in rows]
    # The SELECT began a transaction if none was open: key the cache on that one.
    session.info[_CACHE_KEY] = (session.get_transaction(), subscriptions)
    return subscriptions


def forget_subscriptions() -> None:
    """Drop the cached subscriptions (after a subscription changes in this transaction)."""
    db.session().info.pop(_CACHE_KEY, None)


def delivery_body(*, delivery_id: str, event: str, data: Mapping[str, Any]) -> str:
    """The exact JSON text POSTed for one delivery (and signed)."""
    envelope = {
        "id": delivery_id,
        "event": event,
        "created_at": payloads.iso(now()),
        "data": data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


def enqueue_delivery(*, webhook_id: int, event: str, data: Mapping[str, Any]) -> Outbox:
    """One delivery of `event` to one subscription, in the caller's transaction."""
    delivery_id = str(uuid.uuid4())
    at = now()
    row = Outbox(
        kind="webhook",
        template=event,
        to_address="",
        subject=event,
        body_text=delivery_body(delivery_id=delivery_id, event=event, data=data),
        body_html="",
        headers={},
        message_id=delivery_id,
        webhook_id=webhook_id,
        status="pending",
        attempts=0,
        next_attempt_at=at,
        created_at=at,
    )
    db.session.add(row)
    return row


def webhook_emit(event: str, data: Data) -> list[Outbox]:
    """Queue `event` for every active subscription to it; `data` may be a function, called
    only when someone listens. Never commits, never sends."""
    if event not in WEBHOOK_EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    targets = [webhook_id for webhook_id, events in _subscriptions() if event in events]
    if not targets:
        return []
    built = dict(data() if callable(data) else data)
    return [enqueue_delivery(webhook_id=target, event=event, data=built) for target in targets]


def webhook_listened(event: str) -> bool:
    """Whether any active subscription wants `event` (to skip work for nobody)."""
    return any(event in events for _id, events in _subscriptions())


# What services call -------------------------------------------------------------------


def ticket_created_event(ticket: Ticket, message: Message | None) -> None:
    """A new ticket, whatever the channel, with the customer's first message."""
    webhook_emit(
        "ticket.created",
        lambda: {
            "ticket": payloads.ticket_json(ticket),
            "message": payloads.message_json(message) if message is not None else None,
        },
    )


def ticket_updated_event(ticket: Ticket, changes: Mapping[str, Any]) -> None:
    """Status, priority, assignee or tags changed; `changes` maps each to [before, after]
    (assignee as staff ids). Other entries (a message id) are not part of the event."""
    wanted = {key: value for key, value in changes.items() if key in _TICKET_FIELDS}
    if wanted:
        webhook_emit(
            "ticket.updated",
            lambda: {"ticket": payloads.ticket_json(ticket), "changes": wanted},
        )


_TICKET_FIELDS = ("status", "priority", "assignee", "tags")


def message_created_event(message: Message) -> None:
    """A message added to an existing ticket: a customer's, a staff reply or an internal
    note (`internal: true` — webhooks go to the company's own systems)."""
    webhook_emit(
        "message.created",
        lambda: {
            "ticket": payloads.ticket_json(message.ticket),
            "message": payloads.message_json(message),
        },
    )


def promises_missed_event(
    promise_ids: Iterable[int], escalations: Iterable[Escalation] = ()
) -> None:
    """Promises the sweep just marked missed (one event each), and the escalations it
    raised for them (`escalation.raised`)."""
    ids = list(promise_ids)
    if ids and webhook_listened("promise.missed"):
        promises = db.session.scalars(
            sa.select(Promise).where(Promise.id.in_(ids)).order_by(Promise.due_at, Promise.id)
        )
        for promise in promises:
            webhook_emit(
                "promise.missed",
                {
                    "ticket": payloads.ticket_json(promise.ticket),
                    "promise": payloads.promise_json(promise),
                },
            )
    for escalation in escalations:
        escalation_raised_event(escalation)


def escalation_raised_event(escalation: Escalation) -> None:
    """A ticket went to the founders' review queue."""
    webhook_emit(
        "escalation.raised",
        lambda: {
            "ticket": payloads.ticket_json(escalation.ticket),
            "escalation": payloads.escalation_json(escalation),
        },
    )


def rating_received_event(rating: Rating, previous_score: str | None) -> None:
    """A customer rated a ticket, or changed their rating (`previous_score` is then the
    earlier one, else null)."""
    webhook_emit(
        "rating.received",
        lambda: {
            "ticket": payloads.ticket_json(rating.ticket),
            "rating": payloads.rating_json(rating),
            "previous_score": previous_score,
        },
    )
