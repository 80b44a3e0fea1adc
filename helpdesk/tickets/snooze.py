"""Snoozing a ticket: it leaves the working views (open, mine, unassigned, waiting,
complaints) until a chosen time, then comes back by itself (`snooze_sweep`), or earlier
when the customer writes (`intake_steps.customer_writes`) or an agent unsnoozes it.

The quick picks follow the workspace's business hours (`settings.hours`); a custom time is
read in the agent's own zone. A snooze must end in the future and within `MAX_SNOOZE`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Ticket, User
from helpdesk.settings.hours import BusinessHours, add_business_time, business_hours, next_open

MAX_SNOOZE = timedelta(days=90)
MAX_BULK = 500
# Quick picks, in the order the menu shows them.
QUICK_PICKS = {
    "later": _l("In 3 business hours"),
    "tomorrow": _l("Next business morning"),
    "next_week": _l("Next week"),
}


def snooze_picks(at: datetime, hours: BusinessHours) -> dict[str, datetime]:
    """When each quick pick ends, from `at`: three hours of open time later, the next
    opening after today, the first opening of next week (workspace zone)."""
    zone = hours.zone
    local = at.astimezone(zone)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(0), zone)
    monday = datetime.combine(local.date() + timedelta(days=7 - local.weekday()), time(0), zone)
    return {
        "later": add_business_time(at, timedelta(hours=3), hours),
        "tomorrow": next_open(tomorrow, hours),
        "next_week": next_open(monday, hours),
    }


def parse_snooze_time(*, pick: str | None, custom: str | None, zone: str | None) -> datetime:
    """The end of a snooze from a quick pick's name or a custom "2026-12-24T09:00" (read
    in `zone`, the agent's); a ValidationError on the `until` field says what is wrong."""
    at = now()
    if pick:
        if pick not in QUICK_PICKS:
            raise ValidationError("until", _("Choose one of the times offered."))
        return snooze_picks(at, business_hours())[pick]
    text = (custom or "").strip()
    if not text:
        raise ValidationError("until", _("Choose when the ticket should come back."))
    try:
        moment = datetime.fromisoformat(text[:40])
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError("until", _("“%(text)s” is not a date and time.", text=text[:40]))
    if moment.tzinfo is None:
        try:
            moment = moment.replace(tzinfo=ZoneInfo(zone or "UTC"))
        except (ValueError, KeyError):
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment


def check_snooze_time(until: datetime, at: datetime) -> datetime:
    if until <= at:
        raise ValidationError("until", _("Choose a time in the future."))
    if until > at + MAX_SNOOZE:
        raise ValidationError("until", _("Snooze for at most %(days)d days.", days=MAX_SNOOZE.days))
    return until


def _check_snoozable(ticket: Ticket) -> None:
    if not ticket.is_open or ticket.spam_at is not None or ticket.merged_into_id is not None:
        raise NotAllowed(
            _("Only an open ticket can be snoozed; #%(number)d is not.", number=ticket.number)
        )


def snooze(ticket: Ticket, until: datetime, actor: User, action: str = "ticket.snooze") -> bool:
    """Snooze one ticket (a step: the caller commits); False when it already was, until
    then."""
    _check_snoozable(ticket)
    if ticket.snoozed_until == until:
        return False
    audit(
        actor=actor,
        action=action,
        obj=ticket,
        changes={"wakes_at": [ticket.snoozed_until, until]},
    )
    ticket.snoozed_until = until
    return True


@use_case
def ticket_snooze(*, ticket: Ticket, actor: User, until: datetime) -> datetime:
    """Hide the ticket from the working views until `until`; returns it."""
    check_snooze_time(until, now())
    snooze(ticket, until, actor)
    return until


@use_case
def ticket_unsnooze(*, ticket: Ticket, actor: User) -> bool:
    """Bring a snoozed ticket back now (the undo of a snooze); False if it was not."""
    if ticket.snoozed_until is None:
        return False
    audit(
        actor=actor,
        action="ticket.unsnooze",
        obj=ticket,
        changes={"wakes_at": [ticket.snoozed_until, None]},
    )
    ticket.snoozed_until = None
    ticket.last_activity_at = now()
    return True


@use_case
def tickets_bulk_snooze(*, numbers: list[int], actor: User, until: datetime) -> int:
    """Snooze many tickets until one time; one that cannot be snoozed refuses them all."""
    if not numbers:
        raise ValidationError("tickets", _("Select at least one ticket."))
    if len(numbers) > MAX_BULK:
        raise ValidationError("tickets", _("Change at most 500 tickets at once."))
    check_snooze_time(until, now())
    tickets = list(db.session.scalars(sa.select(Ticket).where(Ticket.number.in_(set(numbers)))))
    if len(tickets) != len(set(numbers)):
        raise ValidationError("tickets", _("Some selected tickets no longer exist."))
    return sum(snooze(ticket, until, actor, "ticket.bulk_snooze") for ticket in tickets)
