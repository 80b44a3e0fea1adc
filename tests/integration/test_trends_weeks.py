"""The trends put together from kept weeks: after each kind of change the dashboard equals
the one computed from scratch, and only the weeks the change can reach are computed again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk import clock
from helpdesk.audit import audit
from helpdesk.customers.merge import customer_merge
from helpdesk.db.data_version import LIFETIME
from helpdesk.dev.generate import generate
from helpdesk.extensions import db
from helpdesk.feedback.nps import nps_response_record, nps_round_start
from helpdesk.feedback.service import rating_record
from helpdesk.founders.settings import founder_settings, founder_settings_update
from helpdesk.founders.trends import grouped_counts, grouped_medians, trend_range
from helpdesk.founders.trends.figures import Figures
from helpdesk.founders.trends.kept_weeks import WEEK_LIFETIME
from helpdesk.founders.trends.metrics import METRICS
from helpdesk.founders.trends.sections import SECTIONS, trend_sections
from helpdesk.founders.trends.warming import WARM_WEEKS, warm_range, warm_trends
from helpdesk.founders.trends.weekly import ADDITIVE, ITEMS, MEDIANS, VALUES
from helpdesk.models import (
    AuditEvent,
    ComplaintLabel,
    NpsResponse,
    NpsRound,
    NpsSurvey,
    Rating,
    Recovery,
    RecoveryStep,
    Ticket,
    User,
)
from helpdesk.recovery.service import apply_label, recovery_reopen_step
from helpdesk.tickets import intake
from helpdesk.tickets import service as tickets
from helpdesk.tickets.merge import ticket_merge
from helpdesk.tickets.spam import ticket_mark_spam

NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)  # a Friday
LATER = NOON + timedelta(hours=1)
# 52 weeks, the last one this week so far: 51 full past weeks.
YEAR = (date(2025, 11, 24), date(2026, 11, 20))


@pytest.fixture
def year_of_data(app, set_now):
    """Generated tickets over the months before NOON, and the kept weeks computed at NOON."""
    with app.test_request_context():
        set_now(NOON - timedelta(days=1))
        generate(tickets=400, seed=7)
        nps_round_start(at=NOON - timedelta(days=150), force=True)
        set_now(NOON - timedelta(days=100))
        apply_label(old_ticket(days=110), agent(), True)  # an old complaint label
        db.session.commit()
        set_now(NOON)
        rng = trend_range(start=YEAR[0], end=YEAR[1])
        first = Figures(rng)
        tables = [build(first) for build in SECTIONS.values()]
        assert tables == trend_sections(rng=rng, keep=False)
        assert set(first.recomputed.values()) == {51}
        set_now(LATER)
        yield rng


def recomputed_after_change(rng) -> dict[str, int]:
    """The dashboard from kept weeks a minute after the change (checked against a full
    computation), and how many full weeks each metric computed again."""
    # Rows written less than LIFETIME before a check are read again at the next check (a
    # late commit on PostgreSQL): a minute on, the change is read once only.
    clock.set_now(clock.now() + LIFETIME + timedelta(seconds=1))
    figures = Figures(rng)
    tables = [build(figures) for build in SECTIONS.values()]
    assert tables == trend_sections(rng=rng, keep=False)
    again = Figures(rng)
    assert [build(again) for build in SECTIONS.values()] == tables
    assert sum(again.recomputed.values()) == 0  # the weeks computed are kept
    return {metric: figures.recomputed[metric] for metric in METRICS}


def agent() -> User:
    return db.session.scalars(sa.select(User).where(User.role == "agent")).first()


def admin() -> User:
    return db.session.scalars(sa.select(User).where(User.role.in_(["founder", "admin"]))).first()


def old_ticket(days: int) -> Ticket:
    """A ticket created about `days` before NOON."""
    return db.session.scalars(
        sa.select(Ticket)
        .where(Ticket.created_at <= NOON - timedelta(days=days), Ticket.merged_into_id.is_(None))
        .order_by(Ticket.created_at.desc())
    ).first()


def full_weeks() -> list[tuple[datetime, datetime]]:
    """The 51 full past weeks of YEAR, [starts, ends) in UTC (the workspace zone)."""
    last = datetime(2026, 11, 9, tzinfo=UTC)
    return [(last - timedelta(weeks=n), last - timedelta(weeks=n - 1)) for n in range(51)]


def weeks_from(moment: datetime) -> int:
    return sum(1 for _starts, ends in full_weeks() if ends > moment)


def weeks_of(moments) -> int:
    """The full past weeks holding one of `moments`."""
    return sum(1 for starts, ends in full_weeks() if any(starts <= m < ends for m in moments))


def events_of(*found: Ticket) -> list[datetime]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.created_at).where(
                AuditEvent.object_type == "tickets",
                AuditEvent.object_id.in_([str(ticket.id) for ticket in found]),
            )
        )
    )


def only(**weeks: int) -> dict[str, int]:
    """No week computed again but those named."""
    return {**dict.fromkeys(METRICS, 0), **weeks}


def test_nothing_changed_computes_nothing(year_of_data):
    assert recomputed_after_change(year_of_data) == only()


def test_kept_weeks_are_computed_again_within_a_day(year_of_data):
    clock.set_now(NOON + WEEK_LIFETIME / 2 - timedelta(minutes=5))
    assert recomputed_after_change(year_of_data) == only()
    clock.set_now(NOON + WEEK_LIFETIME / 2 + timedelta(hours=3))
    first = recomputed_after_change(year_of_data)
    assert 0 < first["complaints"] < 51  # not all at once
    clock.set_now(NOON + WEEK_LIFETIME)
    assert recomputed_after_change(year_of_data) == dict.fromkeys(METRICS, 51 - first["complaints"])


def test_weeks_kept_from_newer_data_by_another_worker_are_used(year_of_data, app):
    with app.test_request_context():
        slower = Figures(year_of_data)
        slower.counts("complaints")  # reads the data version before the change
        intake.ticket_create(
            actor=agent(), customer_email="n@example.com", customer_name="N", subject="S", body="Hi"
        )
        assert recomputed_after_change(year_of_data) == only(repeat_contact=2)
        slower.counts("active")
        slower.counts("repeat_contact")
    assert slower.recomputed == {"complaints": 0, "active": 0, "repeat_contact": 0}


def test_a_new_ticket_today_computes_only_the_repeat_contact_window(year_of_data, app):
    with app.test_request_context():
        intake.ticket_create(
            actor=agent(),
            customer_email="new@example.com",
            customer_name="New",
            subject="S",
            body="Hi",
        )
        found = recomputed_after_change(year_of_data)
    window = timedelta(days=founder_settings().repeat_contact_days)
    assert found == only(repeat_contact=weeks_from(LATER - window)) == only(repeat_contact=2)


def test_reopening_and_resolving_an_old_ticket(year_of_data, app):
    """Its creation's week, and the weeks of its audit events (the old final resolve's)."""
    with app.test_request_context():
        ticket = old_ticket(days=330)
        before = events_of(ticket)
        tickets.ticket_update(ticket=ticket, actor=agent(), status="open")
        tickets.ticket_update(ticket=ticket, actor=agent(), status="resolved")
        found = recomputed_after_change(year_of_data)
        created = weeks_of([ticket.created_at])
        assert found == only(
            complaints=created, first_response=created, resolution=weeks_of(events_of(ticket))
        )
    assert created == 1 and weeks_of(before) >= 1


def test_a_rating_changed_on_an_old_ticket(year_of_data, app):
    """The week it was first given, the ticket's creation's and its audit events' weeks."""
    with app.test_request_context():
        rating = db.session.scalars(
            sa.select(Rating)
            .where(Rating.created_at <= NOON - timedelta(days=60))
            .order_by(Rating.created_at.desc())
        ).first()
        ticket = rating.ticket
        rating_record(
            ticket=ticket, score="okay" if rating.score != "okay" else "bad", channel="email"
        )
        found = recomputed_after_change(year_of_data)
        created = weeks_of([ticket.created_at])
        assert found == only(
            complaints=created,
            first_response=created,
            resolution=weeks_of(events_of(ticket)),
            rating=weeks_of([rating.created_at]),
        )
    assert found["rating"] == 1


def test_a_merge(year_of_data, app):
    """Both tickets' creation weeks and audit events' weeks."""
    with app.test_request_context():
        source = old_ticket(days=200)
        target = intake.ticket_create(
            actor=agent(),
            customer_email=source.customer.email,
            customer_name="Again",
            subject="Again",
            body="Me again",
        )
        ticket_merge(source=source, target=target, actor=agent())
        found = recomputed_after_change(year_of_data)
        created = weeks_of([source.created_at, target.created_at])
        window = timedelta(days=founder_settings().repeat_contact_days)
        assert found == only(
            complaints=created,
            first_response=created,
            resolution=weeks_of(events_of(source, target)),
            repeat_contact=weeks_from(target.created_at - window),
        )
    assert found["first_response"] == 1


def test_marking_spam(year_of_data, app):
    with app.test_request_context():
        ticket = old_ticket(days=60)
        ticket_mark_spam(ticket=ticket, actor=agent())
        found = recomputed_after_change(year_of_data)
        created = weeks_of([ticket.created_at])
        assert found == only(
            complaints=created, first_response=created, resolution=weeks_of(events_of(ticket))
        )
    assert found["complaints"] == 1


def test_a_recovery_step_reaches_back_to_the_tickets_creation(year_of_data, app):
    """Recoveries and their steps can be replaced, so their old weeks are not known."""
    with app.test_request_context():
        step = db.session.scalars(
            sa.select(RecoveryStep)
            .join(Recovery)
            .join(Ticket)
            .where(
                Recovery.state != "ended",
                Recovery.started_at <= NOON - timedelta(days=30),
                Ticket.status != "closed",
            )
            .order_by(Recovery.started_at.desc())
        ).first()
        ticket = step.recovery.ticket
        recovery_reopen_step(recovery=step.recovery, step=step.step, actor=agent())
        found = recomputed_after_change(year_of_data)
        created = weeks_of([ticket.created_at])
        since = weeks_from(min(ticket.created_at, *(m.created_at for m in ticket.messages)))
        assert found == only(
            complaints=created,
            first_response=created,
            resolution=weeks_of(events_of(ticket)),
            **dict.fromkeys(
                ["recovery_started", "recovery_completed", "recovery_step", "root_cause"], since
            ),
            detector=since,
        )
    assert found["recovery_step"] >= 4


def test_a_complaint_label_given_again_with_the_same_answer(year_of_data, app):
    """Not audited, but re-dated: the label's old week loses it."""
    with app.test_request_context():
        label = db.session.scalars(
            sa.select(ComplaintLabel)
            .where(ComplaintLabel.labelled_at <= NOON - timedelta(days=30))
            .order_by(ComplaintLabel.labelled_at.desc())
        ).first()
        ticket, old_week = label.ticket, weeks_of([label.labelled_at])
        events = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        apply_label(ticket, agent(), label.is_complaint)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) == events
        found = recomputed_after_change(year_of_data)
    assert old_week == 1 and found["detector"] >= 4


def test_an_action_on_a_ticket_not_known_reaches_every_week_from_its_creation(year_of_data, app):
    with app.test_request_context():
        ticket = old_ticket(days=120)
        audit(actor="test", action="ticket.renumber", obj=ticket)
        db.session.commit()
        found = recomputed_after_change(year_of_data)
        since = weeks_from(min(ticket.created_at, *(m.created_at for m in ticket.messages)))
    assert found == {**dict.fromkeys(METRICS, since), "nps": 0}
    assert since >= 17


def test_a_customer_merge_computes_every_week(year_of_data, app):
    with app.test_request_context():
        source, target = db.session.scalars(
            sa.select(Ticket.customer_id).distinct().order_by(Ticket.customer_id).limit(2)
        ).all()
        customer_merge(actor=admin(), source_id=source, target_id=target)
        found = recomputed_after_change(year_of_data)
    assert found == dict.fromkeys(METRICS, 51)


def test_new_repeat_contact_settings_start_their_own_weeks(year_of_data, app):
    with app.test_request_context():
        settings = founder_settings()
        founder_settings_update(
            actor=admin(),
            vip_lifetime_value_cents=settings.vip_lifetime_value_cents,
            repeat_contact_count=2,
            repeat_contact_days=30,
            attention_target_hours=settings.attention_target_hours,
        )
        found = recomputed_after_change(year_of_data)
    assert found == only(repeat_contact=51)


def test_a_new_answer_to_an_old_nps_round(year_of_data, app):
    with app.test_request_context():
        survey = db.session.scalars(
            sa.select(NpsSurvey)
            .join(NpsRound)
            .where(~NpsSurvey.id.in_(sa.select(NpsResponse.survey_id)))
            .order_by(NpsRound.created_at)
        ).first()
        nps_response_record(survey=survey, score=9, reason="quick")
        found = recomputed_after_change(year_of_data)
    assert found == only(nps=1)


def test_weeks_put_together_equal_the_grouped_queries(app, set_now):
    """Every figure the sections read, over a range cut in mid-week at both ends."""
    with app.test_request_context():
        set_now(NOON)
        generate(tickets=300, seed=8)
        rng = trend_range(start=date(2026, 1, 7), end=date(2026, 10, 28))
        weeks = rng.weeks()
        figures = Figures(rng)
        for metric in METRICS:
            assert figures.counts(metric) == grouped_counts(metric, weeks), metric
            if metric in MEDIANS:
                assert figures.medians(metric) == grouped_medians(metric, weeks), metric
            if metric in ITEMS or metric in ADDITIVE:
                expected = grouped_counts(metric, weeks, total=True)
                assert figures.counts(metric, total=True) == expected, metric
                assert figures.whole_counts(metric) == grouped_counts(metric, [rng.whole]), metric
            if metric in VALUES:
                assert figures.whole_medians(metric) == grouped_medians(metric, [rng.whole])


def test_the_scheduler_computes_the_weeks_ahead_of_the_founders(app, set_now):
    with app.test_request_context():
        set_now(NOON - timedelta(days=1))
        generate(tickets=200, seed=11)
        set_now(NOON)
        assert warm_trends() == dict.fromkeys(METRICS, WARM_WEEKS)
        assert warm_range().end == date(2026, 11, 15)  # the last Sunday
        assert warm_trends() == dict.fromkeys(METRICS, 0)  # kept
        # The default range, and a year, then compute only their current week.
        for rng in (trend_range(start=None, end=None), trend_range(start=YEAR[0], end=YEAR[1])):
            figures = Figures(rng)
            tables = [build(figures) for build in SECTIONS.values()]
            assert sum(figures.recomputed.values()) == 0
            assert tables == trend_sections(rng=rng, keep=False)
        set_now(LATER + LIFETIME)
        intake.ticket_create(
            actor=agent(), customer_email="n@example.com", customer_name="N", subject="S", body="Hi"
        )
        clock.set_now(clock.now() + LIFETIME + timedelta(seconds=1))
        assert warm_trends() == only(repeat_contact=2)
