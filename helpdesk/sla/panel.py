"""What service levels add to the ticket page (a panel with each clock's state) and to
templates (the inbox row's due line, compact durations); the history's names for targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.db.rows import read_rows
from helpdesk.models import SlaPolicy, SlaTarget, Ticket, User
from helpdesk.sla.display import due_line, duration_of_minutes, target_state, time_left
from helpdesk.sla.labels import KIND_LABELS, STATE_LABELS
from helpdesk.tickets.panels import Panel

MAX_SHOWN = 10


@dataclass(frozen=True)
class TargetView:
    kind: str
    policy_name: str | None
    state: str
    started_at: datetime
    due_at: datetime | None
    met_at: datetime | None
    time_left: str | None


# Plain rows: the panel only displays them (issue 25).
_TARGETS = (
    sa.select(
        SlaTarget.kind,
        SlaTarget.started_at,
        SlaTarget.due_at,
        SlaTarget.met_at,
        SlaTarget.breached_at,
        SlaTarget.paused_at,
        SlaTarget.cancelled_at,
        SlaTarget.remaining_seconds,
        SlaPolicy.name.label("policy_name"),
    )
    .outerjoin(SlaPolicy, SlaPolicy.id == SlaTarget.policy_id)
    .where(SlaTarget.ticket_id == sa.bindparam("ticket_id"))
    .order_by(SlaTarget.started_at.desc(), SlaTarget.id.desc())
    .limit(MAX_SHOWN)
)


def target_views(ticket: Ticket) -> list[TargetView]:
    at = now()
    return [
        TargetView(
            kind=target.kind,
            policy_name=target.policy_name,
            state=target_state(target, at),
            started_at=target.started_at,
            due_at=target.due_at,
            met_at=target.met_at,
            time_left=time_left(target, at),
        )
        for target in read_rows(_TARGETS, {"ticket_id": ticket.id})
    ]


def panel_context(ticket: Ticket, user: User) -> dict[str, Any]:
    return {
        "sla_targets": target_views(ticket),
        "sla_kind_labels": KIND_LABELS,
        "sla_state_labels": STATE_LABELS,
    }


PANEL = Panel("sla/_panel.html", panel_context, 35)
HISTORY_LABELS = {"sla_kind": KIND_LABELS}
TEMPLATE_GLOBALS = {"sla_due_line": due_line, "sla_duration": duration_of_minutes}
