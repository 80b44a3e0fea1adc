"""Human ticket numbers, handed out by an atomic counter row (safe with many writers)."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.db.upsert import insert_on_conflict
from helpdesk.extensions import db
from helpdesk.models import Counter

TICKET_COUNTER = "ticket_number"


def reserve_numbers(count: int = 1, *, name: str = TICKET_COUNTER) -> range:
    """Reserve `count` consecutive numbers in the caller's transaction."""
    if count < 1:
        raise ValueError("count must be positive")
    bump = (
        sa.update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    )
    last = db.session.scalar(bump)
    if last is None:
        db.session.execute(
            insert_on_conflict(Counter).values(name=name, value=0).on_conflict_do_nothing()
        )
        last = db.session.scalar(bump)
    if last is None:
        raise RuntimeError(f"counter {name!r} could not be created")
    return range(last - count + 1, last + 1)


def next_ticket_number() -> int:
    return reserve_numbers(1)[0]
