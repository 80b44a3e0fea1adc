"""Demo data for the founders' side: finished HEARD recoveries with root causes, ratings,
an NPS round with answers, missed promises, and the escalations these raise, so the review
queue, the trends and the digest have something to show on a fresh `make run`.

Part of `demo_load`'s transaction: nothing here commits. Seeded randomness keeps the demo
the same every time.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import (
    Escalation,
    NpsResponse,
    NpsRound,
    NpsSurvey,
    Promise,
    Rating,
    Recovery,
    RecoveryStep,
    RootCause,
    Ticket,
    User,
)
from helpdesk.models.recovery import STEPS
from helpdesk.models.ticket import DONE_STATUSES

RATING_WEIGHTS = (("good", 7), ("okay", 2), ("bad", 1))
NPS_REASONS = {
    "promoter": ("Support answered within the hour, every time.", "ตอบเร็วมาก ขอบคุณครับ"),
    "passive": ("Good product, but the billing page is confusing.",),
    "detractor": ("I waited three days for a refund.", "Pengiriman selalu terlambat."),
}


def seed_demo_feedback(
    *, rng: random.Random, tickets: list[Ticket], agents: list[User], current: datetime
) -> None:
    """Recoveries, ratings, NPS answers and missed promises on the demo tickets."""
    # The complaint detector raised its escalations (negative sentiment, VIP, repeat
    # contact) while the demo was loading: date them when the ticket came in.
    db.session.flush()
    by_id = {ticket.id: ticket for ticket in tickets}
    for escalation in db.session.scalars(
        sa.select(Escalation).where(Escalation.ticket_id.in_(by_id))
    ):
        _backdate(escalation, by_id[escalation.ticket_id].created_at)
    # So did the recoveries it started: they began minutes after the message came in.
    for recovery in db.session.scalars(sa.select(Recovery).where(Recovery.ticket_id.in_(by_id))):
        arrived = by_id[recovery.ticket_id].created_at
        recovery.started_at = arrived + timedelta(minutes=rng.randint(5, 90))
    _finish_recoveries(rng, tickets)
    _rate(rng, tickets)
    _nps(rng, tickets, current)
    _kept_and_missed_promises(rng, tickets, agents)
    _missed_promises(rng, tickets, agents, current)


def _finish_recoveries(rng: random.Random, tickets: list[Ticket]) -> None:
    """Walk most resolved complaints through all five HEARD steps, naming a root cause."""
    causes = list(db.session.scalars(sa.select(RootCause).order_by(RootCause.position)))
    for ticket in tickets:
        recovery: Recovery | None = ticket.recovery
        if recovery is None or ticket.status not in DONE_STATUSES or rng.random() < 0.2:
            continue
        at = recovery.started_at
        for step in STEPS:
            at += timedelta(minutes=rng.randint(3, 180))
            recovery.steps.append(RecoveryStep(step=step, done_at=at, note=None))
        recovery.current_step = "done"
        recovery.state = "completed"
        recovery.root_cause_id = rng.choice(causes).id if causes else None
        recovery.process_fix = "Check the courier's status page before promising a date."


def _rate(rng: random.Random, tickets: list[Ticket]) -> None:
    scores = [score for score, weight in RATING_WEIGHTS for _ in range(weight)]
    for ticket in tickets:
        if ticket.status not in DONE_STATUSES or ticket.resolved_at is None:
            continue
        if rng.random() < 0.3:
            continue  # not everyone rates
        score = "bad" if ticket.kind == "complaint" and rng.random() < 0.4 else rng.choice(scores)
        at = ticket.resolved_at + timedelta(minutes=rng.randint(5, 600))
        db.session.add(
            Rating(
                ticket=ticket,
                customer_id=ticket.customer_id,
                score=score,
                comment="It took too long." if score == "bad" else "",
                channel=rng.choice(("widget", "email")),
                created_at=at,
                updated_at=at,
            )
        )
        if score == "bad":
            raised = escalation_raise(
                ticket=ticket,
                reason="bad_rating",
                detail="Rated the help bad: It took too long.",
                actor=f"customer:{ticket.customer_id}",
            )
            _backdate(raised, at)


def _backdate(escalation: Escalation | None, at: datetime) -> None:
    """Date a demo escalation when its cause happened, so the queue shows real ages."""
    if escalation is not None:
        escalation.created_at = escalation.updated_at = at


def _nps(rng: random.Random, tickets: list[Ticket], current: datetime) -> None:
    started = current - timedelta(days=20)
    nps_round = NpsRound(
        period_start=started - timedelta(days=90),
        period_end=started,
        created_at=started,
        invited_count=0,
    )
    db.session.add(nps_round)
    db.session.flush()
    latest: dict[int, Ticket] = {}
    for ticket in sorted(tickets, key=lambda item: item.created_at):
        latest[ticket.customer_id] = ticket
    for customer_id, ticket in latest.items():
        survey = NpsSurvey(round=nps_round, customer_id=customer_id, sent_at=started)
        db.session.add(survey)
        nps_round.invited_count += 1
        if rng.random() < 0.35:
            continue  # no answer
        score = rng.choice((10, 10, 9, 9, 9, 8, 8, 7, 6, 3))
        group = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        answered = started + timedelta(hours=rng.randint(1, 200))
        survey.responded_at = answered
        db.session.add(
            NpsResponse(
                survey=survey,
                round_id=nps_round.id,
                customer_id=customer_id,
                score=score,
                reason=rng.choice(NPS_REASONS[group]),
                created_at=answered,
                updated_at=answered,
            )
        )
        if group == "detractor":
            raised = escalation_raise(
                ticket=ticket,
                reason="detractor",
                detail=f"NPS {score}/10",
                actor=f"customer:{customer_id}",
            )
            _backdate(raised, answered)


def _kept_and_missed_promises(
    rng: random.Random, tickets: list[Ticket], agents: list[User]
) -> None:
    """Over the months, agents promised updates on about half the tickets they resolved:
    most were kept by the resolving reply (some early), a few were missed, escalated and
    handled by a founder."""
    for ticket in tickets:
        if ticket.resolved_at is None or rng.random() < 0.5:
            continue
        agent = ticket.assignee or rng.choice(agents)
        promised = ticket.created_at + timedelta(minutes=rng.randint(10, 120))
        if promised >= ticket.resolved_at:
            continue
        promise = Promise(
            ticket=ticket,
            agent_id=agent.id,
            created_at=promised,
            text="I'll send you an update by tomorrow.",
        )
        db.session.add(promise)
        if rng.random() < 0.15:
            # Missed: the due time passed before the resolving reply.
            due = promised + (ticket.resolved_at - promised) / 2
            promise.due_at, promise.remind_at = due, due - timedelta(minutes=30)
            promise.status, promise.reminded_at, promise.escalated_at = "missed", due, due
            raised = _escalate_miss(ticket, promise, due)
            if raised is not None:
                raised.status, raised.outcome = "done", "retained"
                raised.founder_note = "Called the customer and apologised; they stayed."
            continue
        due = ticket.resolved_at + timedelta(minutes=rng.choice((10, 20, 60, 360, 1440)))
        promise.due_at, promise.remind_at = due, due - timedelta(minutes=30)
        promise.status, promise.fulfilled_at = "kept", ticket.resolved_at
        promise.kept_early = (due - ticket.resolved_at) >= (due - promised) / 4


def _missed_promises(
    rng: random.Random, tickets: list[Ticket], agents: list[User], current: datetime
) -> None:
    waiting = [ticket for ticket in tickets if ticket.status == "open"][:3]
    for ticket in waiting:
        due = current - timedelta(hours=rng.randint(2, 30))
        agent = ticket.assignee or agents[0]
        promise = Promise(
            ticket=ticket,
            agent_id=agent.id,
            created_at=due - timedelta(hours=4),
            due_at=due,
            remind_at=due - timedelta(minutes=30),
            text="I'll send you an update by this afternoon.",
            status="missed",
            reminded_at=due - timedelta(minutes=30),
            escalated_at=due,
        )
        db.session.add(promise)
        _escalate_miss(ticket, promise, due)


def _escalate_miss(ticket: Ticket, promise: Promise, due: datetime) -> Escalation | None:
    """The founders' queue item the sweep would have raised for a missed promise, dated
    when it was missed."""
    raised = escalation_raise(
        ticket=ticket,
        reason="missed_promise",
        detail="Promised an update and did not send it in time.",
        actor="system",
        promise=promise,
    )
    _backdate(raised, due)
    return raised
