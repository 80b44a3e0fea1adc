"""How each agent keeps promises: kept, kept early and missed, over 7 and 30 days (by the
time each promise fell due)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import User
from helpdesk.models.promise import Promise

WINDOWS = (7, 30)


@dataclass(frozen=True)
class AgentPromiseStats:
    name: str
    kept: dict[int, int]
    early: dict[int, int]
    missed: dict[int, int]


def promise_stats() -> list[AgentPromiseStats]:
    """One row per agent with promises due in the last 30 days, in one query."""
    current = now()
    columns = []
    for days in WINDOWS:
        since = current - timedelta(days=days)
        in_window = sa.and_(Promise.due_at >= since, Promise.due_at <= current)
        columns += [
            sa.func.count(Promise.id).filter(in_window, Promise.status == "kept"),
            sa.func.count(Promise.id).filter(in_window, Promise.kept_early.is_(True)),
            sa.func.count(Promise.id).filter(in_window, Promise.status == "missed"),
        ]
    rows = db.session.execute(
        sa.select(User.name, *columns)
        .join(User, User.id == Promise.agent_id)
        .where(Promise.due_at >= current - timedelta(days=max(WINDOWS)))
        .group_by(User.id, User.name)
        .order_by(User.name)
    ).all()
    stats = []
    for name, *counts in rows:
        kept, early, missed = {}, {}, {}
        for index, days in enumerate(WINDOWS):
            kept[days], early[days], missed[days] = counts[index * 3 : index * 3 + 3]
        stats.append(AgentPromiseStats(name=name, kept=kept, early=early, missed=missed))
    return stats
