"""Batch work that commits per batch: the loop every exactly-once sweep shares (promises,
service levels, snoozed tickets)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from helpdesk.extensions import db

# At most this many batches in one call, so a sweep always ends; the next call carries on.
MAX_BATCHES = 200
# Items per batch by default. A batch is one write transaction, and on SQLite that holds
# the database's only write lock while it writes its notifications and renders their
# emails (about a millisecond an item): 50 keeps every web request's wait for the lock
# short (some 50 ms; 500 held it for half a second or more), and costs a commit per 50.
BATCH = 50


def drain(step: Callable[..., int], *, cutoff: datetime, batch: int) -> int:
    """Run `step(cutoff=, batch=)` batch after batch until it finds less than a full batch
    (nothing is left that another sweeper has not locked), each batch committed or rolled
    back whole; returns how many items the batches handled."""
    if batch < 1:
        raise ValueError("batch must be positive")
    done = 0
    for _ in range(MAX_BATCHES):
        try:
            count = step(cutoff=cutoff, batch=batch)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        done += count
        if count < batch:
            break
    return done
