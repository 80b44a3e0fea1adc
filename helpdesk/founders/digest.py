"""The founders' weekly digest: last week's complaints and root causes, missed promises,
NPS detractors and the escalations still open, made once per week on Monday morning in the
workspace's time zone and stored (`Digest`), then emailed to founders when email exists.

Weeks run Monday 00:00 to Monday 00:00 in the workspace zone (business hours setting). The
`weekly_digest` job runs every hour; from `SEND_HOUR` on Monday on it makes the digest of the
week that just ended, once: `digests.week_start` is unique, so a second scheduler process
racing to make the same digest fails its insert and rolls back. `digest_if_due` and
`digest_make` are use cases (decorated `@use_case`); `digest_write` is their shared step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.founders.events import DigestMade
from helpdesk.models import (
    Customer,
    Digest,
    Escalation,
    NpsResponse,
    Promise,
    Recovery,
    RecoveryStep,
    RootCause,
    Ticket,
    User,
)
from helpdesk.settings.hours import business_hours

SEND_HOUR = 8  # local time on Monday
LISTED = 20  # items listed per section (the counts are complete)


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """The UTC instants a local week (Monday `week_start`) begins and ends."""
    zone = business_hours().zone
    start = datetime.combine(week_start, time(0), tzinfo=zone)
    end = datetime.combine(week_start + timedelta(days=7), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def last_week_start(at: datetime) -> date:
    """The Monday that began the last full local week before `at`."""
    local = at.astimezone(business_hours().zone).date()
    this_monday = local - timedelta(days=local.weekday())
    return this_monday - timedelta(days=7)


def _ticket_row(ticket: Ticket, customer_name: str) -> dict[str, Any]:
    return {"number": ticket.number, "subject": ticket.subject, "customer": customer_name}


def digest_content(week_start: date) -> dict[str, Any]:
    """What the digest of the week beginning `week_start` says (aggregates in SQL, lists
    capped at LISTED)."""
    start, end = week_bounds(week_start)
    complaints_where = (
        Ticket.kind == "complaint",
        Ticket.created_at >= start,
        Ticket.created_at < end,
    )
    complaint_count = db.session.scalar(
        sa.select(sa.func.count(Ticket.id)).where(*complaints_where)
    )
    complaints = db.session.execute(
        sa.select(Ticket, Customer.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(*complaints_where)
        .order_by(Ticket.created_at.desc())
        .limit(LISTED)
    ).all()
    diagnose = aliased(RecoveryStep)
    root_causes = db.session.execute(
        sa.select(RootCause.name, sa.func.count(Recovery.id))
        .join(Recovery, Recovery.root_cause_id == RootCause.id)
        .join(diagnose, sa.and_(diagnose.recovery_id == Recovery.id, diagnose.step == "diagnose"))
        .where(diagnose.done_at >= start, diagnose.done_at < end, diagnose.skipped.is_(False))
        .group_by(RootCause.name)
        .order_by(sa.func.count(Recovery.id).desc(), RootCause.name)
    ).all()
    missed_where = (Promise.status == "missed", Promise.due_at >= start, Promise.due_at < end)
    missed_count = db.session.scalar(sa.select(sa.func.count(Promise.id)).where(*missed_where))
    missed = db.session.execute(
        sa.select(Promise.due_at, Ticket, User.name, Customer.name)
        .join(Ticket, Ticket.id == Promise.ticket_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(User, User.id == Promise.agent_id)
        .where(*missed_where)
        .order_by(Promise.due_at)
        .limit(LISTED)
    ).all()
    detractor_where = (
        NpsResponse.score <= 6,
        NpsResponse.created_at >= start,
        NpsResponse.created_at < end,
    )
    detractor_count = db.session.scalar(
        sa.select(sa.func.count(NpsResponse.id)).where(*detractor_where)
    )
    detractors = db.session.execute(
        sa.select(NpsResponse.score, NpsResponse.reason, Customer.name)
        .join(Customer, Customer.id == NpsResponse.customer_id)
        .where(*detractor_where)
        .order_by(NpsResponse.score, NpsResponse.created_at)
        .limit(LISTED)
    ).all()
    open_where = (Escalation.status != "done", Escalation.created_at < end)
    open_count = db.session.scalar(sa.select(sa.func.count(Escalation.id)).where(*open_where))
    escalations = db.session.execute(
        sa.select(Escalation.reason, Escalation.created_at, Ticket)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .where(*open_where)
        .order_by(Escalation.created_at)
        .limit(LISTED)
    ).all()
    return {
        "week_start": week_start.isoformat(),
        "week_end": (week_start + timedelta(days=6)).isoformat(),
        "complaints": {
            "count": int(complaint_count or 0),
            "tickets": [_ticket_row(ticket, name) for ticket, name in complaints],
        },
        "root_causes": [{"name": name, "count": int(count)} for name, count in root_causes],
        "missed_promises": {
            "count": int(missed_count or 0),
            "items": [
                {
                    **_ticket_row(ticket, customer),
                    "agent": agent,
                    "due_at": due.isoformat(),
                }
                for due, ticket, agent, customer in missed
            ],
        },
        "detractors": {
            "count": int(detractor_count or 0),
            "items": [
                {"score": score, "reason": reason, "customer": name}
                for score, reason, name in detractors
            ],
        },
        "open_escalations": {
            "count": int(open_count or 0),
            "items": [
                {
                    "number": ticket.number,
                    "subject": ticket.subject,
                    "reason": reason,
                    "since": created.isoformat(),
                }
                for reason, created, ticket in escalations
            ],
        },
    }


@use_case
def digest_make(*, week_start: date) -> Digest | None:
    """Make and store the digest of one week (None if it already exists), and hand it to
    the mail outbox for every active founder when email is available. One use case."""
    return digest_write(week_start=week_start)


def digest_write(*, week_start: date) -> Digest | None:
    """`digest_make`'s step, in the caller's use case: store the week's digest (None if it
    already exists) and queue its emails. Losing the race with another scheduler rolls the
    caller's transaction back, so call it before anything else is written."""
    if db.session.scalar(sa.select(Digest.id).where(Digest.week_start == week_start)):
        return None
    digest = Digest(week_start=week_start, created_at=now(), content=digest_content(week_start))
    db.session.add(digest)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # another scheduler made it a moment ago
        return None
    publish(DigestMade(digest=digest))
    return digest


@use_case
def digest_if_due(*, at: datetime | None = None) -> Digest | None:
    """The job's use case: from Monday SEND_HOUR (workspace time) on, make the digest of the
    week that ended, if nobody has yet (a scheduler that was down on Monday catches up)."""
    at = at or now()
    local = at.astimezone(business_hours().zone)
    if local.weekday() == 0 and local.hour < SEND_HOUR:
        return None  # last week's digest waits for Monday morning
    return digest_write(week_start=last_week_start(at))
