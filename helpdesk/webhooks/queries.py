"""Reads for the webhook settings pages."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Outbox, Webhook


def webhook_pending_and_failed() -> dict[int, dict[str, int]]:
    """Per subscription: how many deliveries wait and how many failed (one query)."""
    rows = db.session.execute(
        sa.select(Outbox.webhook_id, Outbox.status, sa.func.count(Outbox.id))
        .where(Outbox.kind == "webhook", Outbox.status.in_(("pending", "failed")))
        .group_by(Outbox.webhook_id, Outbox.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for webhook_id, status, count in rows:
        if webhook_id is not None:
            counts.setdefault(webhook_id, {})[status] = count
    return counts


def deliveries_of(webhook: Webhook, *, offset: int, limit: int) -> list[Outbox]:
    """The webhook's deliveries, newest first, `limit` of them from `offset` on."""
    return list(
        db.session.scalars(
            sa.select(Outbox)
            .where(Outbox.webhook_id == webhook.id)
            .order_by(Outbox.created_at.desc(), Outbox.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )
