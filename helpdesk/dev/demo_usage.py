"""Demo product usage: ten weeks of daily counts for most demo customers — steady ones,
two whose use drops in the last week (slipping), one who used the product in their first
week only (dormant), one too new for a baseline — and their states, so the founders'
"At risk" list shows something on `make run`."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from helpdesk.extensions import db
from helpdesk.models import Customer, UsageDaily
from helpdesk.usage.sweep import usage_health_batch

WEEKS = 10
SLIPPING = ("budi@example.co.id", "priya@example.in")
DORMANT = ("amara@example.ng",)
NEW = ("samuel@example.ng",)
# No usage at all: they never connected the product (the card says so).
NO_USAGE = ("fatima@example.ma", "erik@example.se")


def _row(customer: Customer, day: date, name: str, count: int) -> UsageDaily:
    return UsageDaily(
        customer_id=customer.id,
        day=day,
        name=name,
        count=count,
        last_at=datetime.combine(day, time(hour=10), tzinfo=UTC),
    )


def _days(customer: Customer, rng: random.Random, today: date) -> list[tuple[date, int]]:
    """(day, logged_in count) for the customer's profile, oldest first."""
    if customer.email in DORMANT:
        first = today - timedelta(days=40)
        return [(first + timedelta(days=offset), rng.randint(2, 6)) for offset in range(5)]
    if customer.email in NEW:
        return [(today - timedelta(days=offset), rng.randint(1, 4)) for offset in range(9, -1, -1)]
    usual = rng.randint(2, 8)
    days = []
    for offset in range(7 * WEEKS - 1, -1, -1):
        count = rng.randint(usual - 1, usual + 2)
        if customer.email in SLIPPING and offset < 7:
            count = 1 if offset == 5 else 0
        if count:
            days.append((today - timedelta(days=offset), count))
    return days


def seed_demo_usage(*, rng: random.Random, customers: list[Customer], current: datetime) -> None:
    """Write the demo customers' usage and work out their states (in the demo's own
    transaction; the sweep's batch publishes each state as it would live)."""
    today = current.astimezone(UTC).date()
    for customer in customers:
        if customer.email in NO_USAGE:
            continue
        for day, count in _days(customer, rng, today):
            db.session.add(_row(customer, day, "logged_in", count))
            if count >= 4 and customer.email not in DORMANT:
                db.session.add(_row(customer, day, "order_placed", count // 4))
    db.session.flush()
    usage_health_batch(cutoff=current, batch=len(customers))
