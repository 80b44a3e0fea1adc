"""The usage health sweep and the retention prune (scheduled in `scheduling/jobs.py`).

The sweep recomputes the state of every customer with usage once per run and publishes
`CustomerUsageChanged` only when a state changes — exactly once, however many schedulers
run it. Each batch is one transaction that claims customers with a conditional UPDATE of
`customer_usage.checked_at` (`... WHERE checked_at < the run's start`), on PostgreSQL
after locking the candidates `FOR UPDATE SKIP LOCKED` (`db/locking.py`), so two sweepers
take disjoint customers and a customer claimed by one no longer matches for the other; the
same pattern as the promise and breach sweeps. A customer with counts but no row yet gets
one ("new", never checked) at the start of the batch (`INSERT … ON CONFLICT DO NOTHING`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from helpdesk.clock import now
from helpdesk.db.batches import drain
from helpdesk.db.locking import claimable
from helpdesk.db.transaction import use_case
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import CustomerUsage, UsageDaily, UsageEventId
from helpdesk.usage.events import CustomerUsageChanged
from helpdesk.usage.health import usage_health, window_start
from helpdesk.usage.settings import usage_settings

# `checked_at` of a row never checked: before any run.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def sweep_usage_health(*, batch: int = 500) -> int:
    """Recompute every customer's usage state (batch by batch, each committed); returns
    how many customers this call checked."""
    return drain(usage_health_batch, cutoff=now(), batch=batch)


def _add_missing_rows(cutoff: datetime) -> None:
    known = sa.select(CustomerUsage.customer_id)
    missing = (
        sa.select(
            UsageDaily.customer_id,
            sa.literal("new"),
            sa.literal(cutoff, CustomerUsage.since.type),
            sa.literal(0),
            sa.literal(NEVER, CustomerUsage.checked_at.type),
        )
        .where(UsageDaily.customer_id.not_in(known))
        .distinct()
    )
    insert = (
        insert_on_conflict(CustomerUsage)
        .from_select(["customer_id", "state", "since", "last_7_days", "checked_at"], missing)
        .on_conflict_do_nothing(index_elements=["customer_id"])
    )
    db.session.execute(insert)


def _claim(cutoff: datetime, batch: int) -> list[int]:
    due = CustomerUsage.checked_at < cutoff
    candidates = (
        sa.select(CustomerUsage.customer_id)
        .where(due)
        .order_by(CustomerUsage.checked_at, CustomerUsage.customer_id)
        .limit(batch)
    )
    target = claimable(candidates)
    if target is None:
        return []
    claim = (
        sa.update(CustomerUsage)
        .where(CustomerUsage.customer_id.in_(target), due)
        .values(checked_at=cutoff)
        .returning(CustomerUsage.customer_id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.scalars(claim))
    for customer_id in ids:
        loaded = db.session.identity_map.get(identity_key(CustomerUsage, customer_id))
        if loaded is not None:
            db.session.expire(loaded)
    return ids


@dataclass
class _History:
    daily: dict[date, int]
    first: date | None = None
    last: date | None = None
    key_last: date | None = None


def _histories(ids: list[int], today: date, key_event: str) -> dict[int, _History]:
    found: dict[int, _History] = defaultdict(lambda: _History(daily={}))
    rows = db.session.execute(
        sa.select(UsageDaily.customer_id, UsageDaily.day, sa.func.sum(UsageDaily.count))
        .where(UsageDaily.customer_id.in_(ids), UsageDaily.day >= window_start(today))
        .group_by(UsageDaily.customer_id, UsageDaily.day)
    )
    for customer_id, day, count in rows:
        found[customer_id].daily[day] = int(count)
    spans = db.session.execute(
        sa.select(UsageDaily.customer_id, sa.func.min(UsageDaily.day), sa.func.max(UsageDaily.day))
        .where(UsageDaily.customer_id.in_(ids))
        .group_by(UsageDaily.customer_id)
    )
    for customer_id, first, last in spans:
        found[customer_id].first, found[customer_id].last = first, last
    if key_event:
        keys = db.session.execute(
            sa.select(UsageDaily.customer_id, sa.func.max(UsageDaily.day))
            .where(UsageDaily.customer_id.in_(ids), UsageDaily.name == key_event)
            .group_by(UsageDaily.customer_id)
        )
        for customer_id, last in keys:
            found[customer_id].key_last = last
    return found


def usage_health_batch(*, cutoff: datetime, batch: int) -> int:
    """One batch of the sweep, in the caller's transaction (never commits): claim up to
    `batch` customers not checked since `cutoff`, recompute them, publish each change."""
    _add_missing_rows(cutoff)
    ids = _claim(cutoff, batch)
    if not ids:
        return 0
    settings = usage_settings()
    today = cutoff.date()
    histories = _histories(ids, today, settings.key_event)
    rows = db.session.scalars(
        sa.select(CustomerUsage)
        .where(CustomerUsage.customer_id.in_(ids))
        .order_by(CustomerUsage.customer_id)
    )
    for row in rows:
        history = histories.get(row.customer_id) or _History(daily={})
        # Pruned counts leave the first day on the row: onboarding stays known.
        first = min(filter(None, (row.first_event_on, history.first)), default=None)
        last = max(filter(None, (row.last_event_on, history.last)), default=None)
        health = usage_health(
            daily=history.daily,
            today=today,
            first_event_on=first,
            last_event_on=last,
            key_event_last_on=history.key_last,
            settings=settings,
        )
        row.first_event_on, row.last_event_on = first, last
        row.last_7_days, row.usual_week, row.reason = (
            health.last_7_days,
            health.usual_week,
            health.reason,
        )
        if health.state != row.state:
            previous = row.state
            row.state, row.since = health.state, cutoff
            publish(
                CustomerUsageChanged(
                    customer_id=row.customer_id, state=health.state, previous=previous, at=cutoff
                )
            )
    db.session.flush()
    return len(ids)


@dataclass(frozen=True)
class PruneResult:
    daily_rows: int
    event_ids: int


@use_case
def usage_prune() -> PruneResult:
    """Delete daily counts and event ids older than the retention settings; one commit."""
    settings = usage_settings()
    moment = now()
    oldest_day = (moment - timedelta(days=settings.daily_retention_days)).date()
    daily = db.session.execute(sa.delete(UsageDaily).where(UsageDaily.day < oldest_day))
    ids = db.session.execute(
        sa.delete(UsageEventId).where(
            UsageEventId.received_at < moment - timedelta(days=settings.event_id_retention_days)
        )
    )
    return PruneResult(daily_rows=daily.rowcount, event_ids=ids.rowcount)  # type: ignore[attr-defined]
