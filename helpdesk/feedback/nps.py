"""Net Promoter rounds: their settings, starting a round (scheduled or by hand), recording
a customer's answer (a detractor goes to the founders) and the per-round numbers.

Who is invited. A round covers the period from the end of the previous round (or, at
most, the last `interval_days`) up to now. A customer is *active* in it when a ticket of
theirs was created in the period or they wrote a message on one of their tickets in it.
Active customers are skipped when they have a ticket open right now (new, open or
pending: asking them to score us mid-conversation measures the conversation, and the
rating covers that) or were invited to any round in the last 90 days.

Several schedulers at once. A round is claimed first with one conditional UPDATE of a
counter row holding the Unix time of the last round: `SET value = :now WHERE value <=
:now - interval`. It is the transaction's first write, so on SQLite the database's
single-writer lock serialises two sweeps, and on PostgreSQL the second UPDATE waits on
the row lock and then re-checks its WHERE against the committed value; either way the
loser changes no row and creates nothing. The invitations are one INSERT ... SELECT, and
the whole round is one commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.feedback.events import NpsRoundStarted
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import (
    Counter,
    Customer,
    Message,
    NpsResponse,
    NpsRound,
    NpsSurvey,
    SurveyOptOut,
    Ticket,
    User,
)
from helpdesk.models.base import UTCDateTime
from helpdesk.models.ticket import OPEN_STATUSES
from helpdesk.settings.service import setting_get, setting_put
from helpdesk.tickets.intake_steps import CustomerContact, open_conversation

SETTING_KEY = "nps"
CLAIM_COUNTER = "nps_round_claim"
INTERVAL_RANGE = (30, 365)
DEFAULT_INTERVAL_DAYS = 90
# Nobody is asked again within this time, whatever the interval.
SURVEY_COOLDOWN = timedelta(days=90)
# "Start a round now" refuses within this time of the last round (a double click).
MANUAL_ROUND_GAP = timedelta(hours=1)
# A detractor's answer is attached to a ticket of theirs this recent, else a new one.
DETRACTOR_TICKET_WINDOW = timedelta(days=90)
MAX_REASON_CHARS = 2000
SCORE_RANGE = (0, 10)


@dataclass(frozen=True)
class NpsSettings:
    enabled: bool = True
    interval_days: int = DEFAULT_INTERVAL_DAYS


def nps_settings() -> NpsSettings:
    stored = setting_get(SETTING_KEY, {})
    stored = stored if isinstance(stored, dict) else {}
    try:
        interval = int(stored.get("interval_days", DEFAULT_INTERVAL_DAYS))
    except (TypeError, ValueError):
        interval = DEFAULT_INTERVAL_DAYS
    if not INTERVAL_RANGE[0] <= interval <= INTERVAL_RANGE[1]:
        interval = DEFAULT_INTERVAL_DAYS
    return NpsSettings(enabled=bool(stored.get("enabled", True)), interval_days=interval)


@use_case
def nps_settings_update(*, actor: User, enabled: bool, interval_days: int) -> NpsSettings:
    """Turn scheduled rounds on or off and set how often they run (founders and admins)."""
    if not actor.can("founder"):
        raise NotAllowed(_("Only a founder or an admin can change the survey settings."))
    low, high = INTERVAL_RANGE
    if isinstance(interval_days, bool) or not low <= interval_days <= high:
        raise ValidationError(
            "interval_days", _("Use a number of days from %(low)d to %(high)d.", low=low, high=high)
        )
    before = nps_settings()
    after = NpsSettings(enabled=bool(enabled), interval_days=interval_days)
    if after != before:
        setting_put(SETTING_KEY, {"enabled": after.enabled, "interval_days": after.interval_days})
        audit(
            actor=actor,
            action="settings.nps",
            obj=actor,
            changes={
                "enabled": [before.enabled, after.enabled],
                "interval_days": [before.interval_days, after.interval_days],
            },
        )
    return after


def last_round() -> NpsRound | None:
    return db.session.scalar(
        sa.select(NpsRound).order_by(NpsRound.created_at.desc(), NpsRound.id.desc()).limit(1)
    )


def _claim(at: datetime, *, gap: timedelta, previous: NpsRound | None) -> bool:
    """Take the right to start a round at `at` unless one started within `gap` (see the
    module docstring); part of the caller's transaction."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    seed = int(previous.created_at.timestamp()) if previous is not None else 0
    db.session.execute(
        insert(Counter).values(name=CLAIM_COUNTER, value=seed).on_conflict_do_nothing()
    )
    stamp = int(at.timestamp())
    result = db.session.execute(
        sa.update(Counter)
        .where(
            Counter.name == CLAIM_COUNTER,
            Counter.value <= stamp - int(gap.total_seconds()),
        )
        .values(value=stamp)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _eligible_customers(start: datetime, end: datetime) -> sa.Select[int]:
    """Customer ids active in [start, end) with no open ticket, no recent invitation, no
    opt-out and not marked as left,
    driven by the tickets index on last_activity_at (any ticket created or written on in
    the period has its last activity in it or later)."""
    other = aliased(Ticket)
    customer_wrote = (
        sa.select(Message.id)
        .where(
            Message.ticket_id == Ticket.id,
            Message.author_type == "customer",
            Message.created_at >= start,
            Message.created_at < end,
        )
        .exists()
    )
    has_open = (
        sa.select(other.id)
        .where(other.customer_id == Ticket.customer_id, other.status.in_(OPEN_STATUSES))
        .exists()
    )
    recently_asked = (
        sa.select(NpsSurvey.id)
        .where(
            NpsSurvey.customer_id == Ticket.customer_id,
            NpsSurvey.sent_at > end - SURVEY_COOLDOWN,
        )
        .exists()
    )
    opted_out = sa.select(SurveyOptOut.id).where(SurveyOptOut.customer_id == Ticket.customer_id)
    # A customer staff marked as left (helpdesk/outreach) gets no automated message.
    left = sa.select(Customer.id).where(
        Customer.id == Ticket.customer_id, Customer.left_at.is_not(None)
    )
    return (
        sa.select(Ticket.customer_id)
        .distinct()
        .where(
            Ticket.last_activity_at >= start,
            sa.or_(sa.and_(Ticket.created_at >= start, Ticket.created_at < end), customer_wrote),
            ~has_open,
            ~recently_asked,
            ~opted_out.exists(),
            ~left.exists(),
        )
    )


def _period_start(at: datetime, interval: timedelta, previous: NpsRound | None) -> datetime:
    """Where a round starting `at` begins: one interval back, or where the last one ended."""
    start = at - interval
    if previous is not None and previous.period_end > start:
        start = min(previous.period_end, at)
    return start


@dataclass(frozen=True)
class RoundPreview:
    """What "Start a round now" would do, shown before anything is sent."""

    period_start: datetime
    period_end: datetime
    invited: int


def nps_round_preview(*, at: datetime | None = None) -> RoundPreview:
    """The period and the number of customers a round started now would invite (read only)."""
    at = at or now()
    start = _period_start(at, timedelta(days=nps_settings().interval_days), last_round())
    eligible = _eligible_customers(start, at).subquery()
    invited = db.session.scalar(sa.select(sa.func.count()).select_from(eligible)) or 0
    return RoundPreview(period_start=start, period_end=at, invited=invited)


@use_case
def nps_round_start(
    *, at: datetime | None = None, force: bool = False, actor: User | str = "scheduler"
) -> NpsRound | None:
    """Start a round if one is due (or, with `force`, now): invite the eligible customers
    and return the round; None when not due, switched off or another process won the
    claim. A forced start refuses (Conflict) within an hour of the last round."""
    at = at or now()
    settings = nps_settings()
    if not force and not settings.enabled:
        return None
    interval = timedelta(days=settings.interval_days)
    previous = last_round()
    gap = MANUAL_ROUND_GAP if force else interval
    claimed = _claim(at, gap=gap, previous=previous)
    if not claimed:
        db.session.rollback()
        if force:
            raise Conflict(_("A survey round started less than an hour ago."))
        return None
    start = _period_start(at, interval, previous)
    survey_round = NpsRound(period_start=start, period_end=at, invited_count=0, created_at=at)
    db.session.add(survey_round)
    db.session.flush()
    eligible = _eligible_customers(start, at).subquery()
    db.session.execute(
        sa.insert(NpsSurvey).from_select(
            ["round_id", "customer_id", "sent_at"],
            sa.select(
                sa.literal(survey_round.id, sa.Integer),
                eligible.c.customer_id,
                sa.literal(at, UTCDateTime()),
            ),
        )
    )
    survey_round.invited_count = (
        db.session.scalar(sa.select(sa.func.count()).where(NpsSurvey.round_id == survey_round.id))
        or 0
    )
    publish(NpsRoundStarted(round_id=survey_round.id))
    audit(
        actor=actor,
        action="nps.round_start",
        obj=survey_round,
        changes={
            "invited": survey_round.invited_count,
            "period": [start, at],
            "manual": force,
        },
    )
    return survey_round


def response_for(survey: NpsSurvey) -> NpsResponse | None:
    return db.session.scalar(sa.select(NpsResponse).where(NpsResponse.survey_id == survey.id))


@use_case
def nps_response_record(*, survey: NpsSurvey, score: int, reason: str = "") -> NpsResponse:
    """Record the customer's answer to their survey, or change the one they gave. Turning
    into a detractor (0-6) puts them in the founders' queue; a later better answer leaves
    that item for a founder to resolve."""
    low, high = SCORE_RANGE
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ValidationError("score", _("Choose a number from 0 to 10."))
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            "reason", _("Use at most %(count)d characters.", count=MAX_REASON_CHARS)
        )
    try:
        response, before = _record(survey=survey, score=score, reason=reason)
    except IntegrityError:  # two first answers raced: the loser's becomes the change
        db.session.rollback()
        response, before = _record(survey=survey, score=score, reason=reason)
    if score <= 6 and (before is None or before > 6):
        _raise_detractor(survey=survey, score=score, reason=reason)
    return response


def _record(*, survey: NpsSurvey, score: int, reason: str) -> tuple[NpsResponse, int | None]:
    at = now()
    response = response_for(survey)
    before = None if response is None else response.score
    if response is None:
        response = NpsResponse(
            survey_id=survey.id,
            round_id=survey.round_id,
            customer_id=survey.customer_id,
            score=score,
            reason=reason,
            created_at=at,
            updated_at=at,
        )
        db.session.add(response)
    else:
        response.score, response.reason, response.updated_at = score, reason, at
    if survey.responded_at is None:
        survey.responded_at = at
    db.session.flush()
    audit(
        actor=f"customer:{survey.customer_id}",
        action="nps.respond",
        obj=survey,
        changes={"score": [before, score], "response_id": response.id},
    )
    return response, before


def detractor_ticket(customer_id: int, at: datetime) -> Ticket | None:
    """The customer's open ticket, else their most recently active one, from the window."""
    return db.session.scalar(
        sa.select(Ticket)
        .where(
            Ticket.customer_id == customer_id,
            Ticket.last_activity_at >= at - DETRACTOR_TICKET_WINDOW,
        )
        .order_by(
            sa.case((Ticket.status.in_(OPEN_STATUSES), 0), else_=1),
            Ticket.last_activity_at.desc(),
            Ticket.id.desc(),
        )
        .limit(1)
    )


def _raise_detractor(*, survey: NpsSurvey, score: int, reason: str) -> None:
    """An escalation needs a ticket: use a recent one of the customer's, or open one from
    the answer; either way in the answer's transaction."""
    customer = survey.customer
    detail = (
        _("NPS %(score)d/10: “%(reason)s”", score=score, reason=reason)
        if reason
        else _("NPS %(score)d/10, no reason given.", score=score)
    )

    ticket = detractor_ticket(customer.id, now())
    if ticket is None:
        ticket, _token = open_conversation(
            contact=CustomerContact(name=customer.name or customer.email, email=customer.email),
            subject=_("Survey answer: %(score)d/10", score=score),
            body=reason or _("The customer gave no reason for this score."),
            channel="email",
            acknowledge=False,
        )
    escalation_raise(
        ticket=ticket, reason="detractor", detail=detail, actor=f"customer:{customer.id}"
    )


@dataclass(frozen=True)
class RoundSummary:
    round: NpsRound
    responded: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> int | None:
        """NPS: % promoters minus % detractors, rounded; None before any answer."""
        return nps_score(self.promoters, self.detractors, self.responded)


def nps_score(promoters: int, detractors: int, responded: int) -> int | None:
    if responded <= 0:
        return None
    return round(100 * (promoters - detractors) / responded)


def round_summaries(limit: int = 40) -> list[RoundSummary]:
    """The latest rounds with their answer counts, from one grouped query."""
    counts = (
        sa.select(
            NpsResponse.round_id.label("round_id"),
            sa.func.count().label("responded"),
            sa.func.sum(sa.case((NpsResponse.score >= 9, 1), else_=0)).label("promoters"),
            sa.func.sum(sa.case((NpsResponse.score <= 6, 1), else_=0)).label("detractors"),
        )
        .group_by(NpsResponse.round_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(NpsRound, counts.c.responded, counts.c.promoters, counts.c.detractors)
        .outerjoin(counts, counts.c.round_id == NpsRound.id)
        .order_by(NpsRound.created_at.desc(), NpsRound.id.desc())
        .limit(limit)
    ).all()
    summaries = []
    for survey_round, responded, promoters, detractors in rows:
        responded, promoters, detractors = (
            int(responded or 0),
            int(promoters or 0),
            int(detractors or 0),
        )
        summaries.append(
            RoundSummary(
                round=survey_round,
                responded=responded,
                promoters=promoters,
                passives=responded - promoters - detractors,
                detractors=detractors,
            )
        )
    return summaries


def round_surveys(round_id: int, *, page: int, per_page: int) -> list[NpsSurvey]:
    """One page of a round's invitations, with their customers and answers loaded."""
    return list(
        db.session.scalars(
            sa.select(NpsSurvey)
            .where(NpsSurvey.round_id == round_id)
            .options(selectinload(NpsSurvey.customer), selectinload(NpsSurvey.response))
            .order_by(NpsSurvey.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
