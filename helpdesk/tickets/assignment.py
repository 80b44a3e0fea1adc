"""Round-robin assignment of new tickets among available agents."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import Ticket, User
from helpdesk.models.ticket import OPEN_STATUSES
from helpdesk.settings.service import assignment_settings


def assign_round_robin(ticket: Ticket) -> User | None:
    """Give an unassigned ticket to the available agent whose turn it is (the one assigned
    longest ago), skipping anyone at the open-ticket limit. Part of the caller's
    transaction; does nothing when auto-assignment is off or nobody qualifies."""
    settings = assignment_settings()
    if not settings.auto_assign or ticket.assignee_id is not None:
        return None
    open_count = (
        sa.select(sa.func.count(Ticket.id))
        .where(Ticket.assignee_id == User.id, Ticket.status.in_(OPEN_STATUSES))
        .correlate(User)
        .scalar_subquery()
    )
    query = (
        sa.select(User)
        .where(User.active.is_(True), User.available.is_(True))
        .order_by(User.last_assigned_at.is_not(None), User.last_assigned_at, User.id)
        .limit(1)
    )
    if settings.max_open_per_agent:
        query = query.where(open_count < settings.max_open_per_agent)
    agent = db.session.scalar(query)
    if agent is not None:
        ticket.assignee = agent
        agent.last_assigned_at = now()
    return agent
