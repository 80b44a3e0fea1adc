"""What people read about service levels: compact durations ("1 h 20 min"), the inbox
row's line ("Reply due in 1 h 20 min", "First reply 35 min overdue") from the ticket's own
columns, and each clock's state on the ticket page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from helpdesk.clock import now
from helpdesk.format_filters import localise
from helpdesk.i18n import gettext as _


def compact_duration(seconds: float) -> str:
    """Days, hours and minutes, the two largest parts ("2 d 3 h", "1 h 20 min", "5 min")."""
    minutes = max(int(seconds // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        text = (
            _("%(days)d d %(hours)d h", days=days, hours=hours)
            if hours
            else _("%(days)d d", days=days)
        )
    elif hours:
        text = (
            _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
            if minutes
            else _("%(hours)d h", hours=hours)
        )
    else:
        text = _("%(minutes)d min", minutes=minutes)
    return localise(text)


def duration_of_minutes(minutes: int) -> str:
    return compact_duration(minutes * 60)


@dataclass(frozen=True)
class DueLine:
    text: str
    overdue: bool
    soon: bool = False  # inside the policy's warning window

    @property
    def css_class(self) -> str:
        return "sla-due overdue" if self.overdue else "sla-due soon" if self.soon else "sla-due"


class DueClock(Protocol):
    """What the line reads of a ticket (a `Ticket`, or an inbox row of one)."""

    @property
    def sla_due_at(self) -> datetime | None: ...
    @property
    def sla_due_kind(self) -> str | None: ...
    @property
    def sla_warn_at(self) -> datetime | None: ...
    @property
    def is_open(self) -> bool: ...


def due_line(ticket: DueClock) -> DueLine | None:
    """The inbox row's service-level line for an open ticket with a running clock."""
    if ticket.sla_due_at is None or not ticket.is_open:
        return None
    at = now()
    left = (ticket.sla_due_at - at).total_seconds()
    kind = ticket.sla_due_kind
    if left < 0:
        time = compact_duration(-left)
        if kind == "first_reply":
            text = _("First reply %(time)s overdue", time=time)
        elif kind == "resolution":
            text = _("Resolution %(time)s overdue", time=time)
        else:
            text = _("Reply %(time)s overdue", time=time)
        return DueLine(text, True)
    time = compact_duration(left)
    if kind == "first_reply":
        text = _("First reply due in %(time)s", time=time)
    elif kind == "resolution":
        text = _("Resolution due in %(time)s", time=time)
    else:
        text = _("Reply due in %(time)s", time=time)
    soon = ticket.sla_warn_at is not None and ticket.sla_warn_at <= at
    return DueLine(text, False, soon)


class TargetClock(Protocol):
    """What a clock's state reads of a target (an `SlaTarget`, or the panel's row of one)."""

    @property
    def due_at(self) -> datetime | None: ...
    @property
    def met_at(self) -> datetime | None: ...
    @property
    def breached_at(self) -> datetime | None: ...
    @property
    def paused_at(self) -> datetime | None: ...
    @property
    def cancelled_at(self) -> datetime | None: ...
    @property
    def remaining_seconds(self) -> int | None: ...


def target_state(target: TargetClock, at: datetime | None = None) -> str:
    """running, paused, met, met_late, breached or cancelled."""
    at = at or now()
    if target.cancelled_at is not None:
        return "cancelled"
    if target.met_at is not None:
        return "met_late" if target.breached_at is not None else "met"
    if target.breached_at is not None or (target.due_at is not None and target.due_at <= at):
        return "breached"
    if target.paused_at is not None:
        return "paused"
    return "running"


def time_left(target: TargetClock, at: datetime | None = None) -> str | None:
    """Time left on a running clock, or the frozen business time left on a paused one."""
    at = at or now()
    state = target_state(target, at)
    if state == "paused":
        return compact_duration(target.remaining_seconds or 0)
    if state in ("running", "breached") and target.due_at is not None:
        return compact_duration(abs((target.due_at - at) / timedelta(seconds=1)))
    return None
