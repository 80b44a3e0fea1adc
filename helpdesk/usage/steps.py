"""Usage steps other features compose (they join the caller's transaction, never commit)."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.db.upsert import insert_on_conflict
from helpdesk.extensions import db
from helpdesk.models import CustomerUsage, UsageDaily
from helpdesk.usage.sweep import NEVER


def usage_move(*, source_id: int, target_id: int) -> int:
    """A customer merge: add the merged record's daily counts to the kept one's (same day
    and name: summed), carry its first and last event days over, and have the next sweep
    recompute the kept customer's state. Returns how many daily rows were moved."""
    table = UsageDaily.__table__
    rows = sa.select(
        sa.literal(target_id), table.c.day, table.c.name, table.c.count, table.c.last_at
    ).where(table.c.customer_id == source_id)
    insert = insert_on_conflict(table).from_select(
        ["customer_id", "day", "name", "count", "last_at"], rows
    )
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["customer_id", "day", "name"],
            set_={
                "count": table.c.count + insert.excluded.count,
                "last_at": sa.case(
                    (insert.excluded.last_at > table.c.last_at, insert.excluded.last_at),
                    else_=table.c.last_at,
                ),
            },
        )
    )
    moved = db.session.execute(sa.delete(UsageDaily).where(UsageDaily.customer_id == source_id))
    source = db.session.get(CustomerUsage, source_id)
    if source is None:
        return int(moved.rowcount or 0)  # type: ignore[attr-defined]
    target = db.session.get(CustomerUsage, target_id)
    if target is None:
        db.session.add(
            CustomerUsage(
                customer_id=target_id,
                state=source.state,
                since=source.since,
                last_7_days=source.last_7_days,
                usual_week=source.usual_week,
                first_event_on=source.first_event_on,
                last_event_on=source.last_event_on,
                reason=source.reason,
                checked_at=NEVER,
            )
        )
    else:
        firsts = [day for day in (target.first_event_on, source.first_event_on) if day]
        lasts = [day for day in (target.last_event_on, source.last_event_on) if day]
        target.first_event_on = min(firsts, default=None)
        target.last_event_on = max(lasts, default=None)
        target.checked_at = NEVER
    db.session.delete(source)
    db.session.flush()
    return int(moved.rowcount or 0)  # type: ignore[attr-defined]


def usage_forget(*, customer_id: int) -> int:
    """A customer's personal data erased: their product usage (daily counts and state) goes
    too, so an erased customer never shows as slipping. Returns the daily rows deleted."""
    deleted = db.session.execute(sa.delete(UsageDaily).where(UsageDaily.customer_id == customer_id))
    db.session.execute(sa.delete(CustomerUsage).where(CustomerUsage.customer_id == customer_id))
    return int(deleted.rowcount or 0)  # type: ignore[attr-defined]
