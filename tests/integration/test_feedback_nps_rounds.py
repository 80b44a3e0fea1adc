"""NPS round scheduling with a controlled clock: when a round is due, who is invited (active
in the period, no open ticket, not asked in 90 days), the interval setting, manual starts,
and that two sweeps at once make one round."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.feedback.nps import (
    nps_round_start,
    nps_settings,
    nps_settings_update,
    round_summaries,
)
from helpdesk.models import AuditEvent, Customer, NpsResponse, NpsRound, NpsSurvey, User
from helpdesk.scheduling.jobs import JOBS
from tests.factories import CustomerFactory, MessageFactory, TicketFactory

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def staff(role: str) -> User:
    user = User(email=f"{role}@example.com", name=f"{role.title()} One", role=role)
    user.set_password("correct-horse-battery")
    db.session.add(user)
    db.session.commit()
    return user


def customer_with_ticket(
    *, created: datetime, status: str = "resolved", name: str | None = None
) -> Customer:
    ticket = TicketFactory(
        status=status,
        created_at=created,
        last_activity_at=created,
        **({"customer__name": name} if name else {}),
    )
    return ticket.customer


def invited(survey_round: NpsRound) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(NpsSurvey.customer_id).where(NpsSurvey.round_id == survey_round.id)
        )
    )


def rounds() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(NpsRound)) or 0


def test_the_first_round_is_due_and_invites_customers_active_in_the_last_interval(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    created_in_period = customer_with_ticket(created=NOW - 10 * DAY)
    # an old ticket the customer wrote on again within the period
    old = TicketFactory(status="resolved", created_at=NOW - 200 * DAY)
    MessageFactory(ticket=old, created_at=NOW - 5 * DAY)
    old.last_activity_at = NOW - 5 * DAY
    # an old ticket on which only staff wrote within the period: not the customer's activity
    quiet = TicketFactory(status="closed", created_at=NOW - 200 * DAY, last_activity_at=NOW - DAY)
    MessageFactory(
        ticket=quiet, created_at=NOW - 200 * DAY, body_source="old", body_html="<p>old</p>"
    )
    long_ago = customer_with_ticket(created=NOW - 91 * DAY)
    CustomerFactory()  # never wrote at all
    db.session.commit()

    survey_round = nps_round_start()
    assert survey_round is not None
    assert (survey_round.period_start, survey_round.period_end) == (NOW - 90 * DAY, NOW)
    assert invited(survey_round) == {created_in_period.id, old.customer_id}
    assert survey_round.invited_count == 2
    assert quiet.customer_id not in invited(survey_round)
    assert long_ago.id not in invited(survey_round)
    sent = set(db.session.scalars(sa.select(NpsSurvey.sent_at)))
    assert sent == {NOW}
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "nps.round_start"))
    assert audit is not None and audit.changes["invited"] == 2


def test_customers_with_an_open_ticket_are_skipped(database: Any, set_now: Any) -> None:
    set_now(NOW)
    calm = customer_with_ticket(created=NOW - 3 * DAY)
    for status in ("new", "open", "pending"):
        busy = customer_with_ticket(created=NOW - 3 * DAY)
        TicketFactory(customer=busy, status=status, created_at=NOW - 200 * DAY)
    survey_round = nps_round_start()
    assert survey_round is not None
    assert invited(survey_round) == {calm.id}


def test_the_next_round_is_due_only_after_the_interval_and_covers_the_time_since(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    customer_with_ticket(created=NOW - DAY)
    first = nps_round_start()
    assert first is not None
    assert nps_round_start() is None  # a second call right after creates nothing
    set_now(NOW + 89 * DAY)
    assert nps_round_start() is None
    assert rounds() == 1

    later = NOW + 90 * DAY
    set_now(later)
    fresh = customer_with_ticket(created=NOW + 10 * DAY)
    second = nps_round_start()
    assert second is not None
    assert (second.period_start, second.period_end) == (NOW, later)
    assert invited(second) == {fresh.id}
    assert nps_round_start() is None
    assert rounds() == 2


def test_nobody_is_asked_twice_within_90_days_even_with_a_shorter_interval(
    database: Any, set_now: Any
) -> None:
    founder = staff("founder")
    nps_settings_update(actor=founder, enabled=True, interval_days=30)
    set_now(NOW)
    asked = customer_with_ticket(created=NOW - DAY)
    first = nps_round_start()
    assert first is not None and invited(first) == {asked.id}

    set_now(NOW + 29 * DAY)
    assert nps_round_start() is None
    set_now(NOW + 30 * DAY)
    TicketFactory(customer=asked, status="resolved", created_at=NOW + 20 * DAY)
    other = customer_with_ticket(created=NOW + 20 * DAY)
    second = nps_round_start()
    assert second is not None
    assert invited(second) == {other.id}  # `asked` was surveyed 30 days ago

    set_now(NOW + 91 * DAY)
    TicketFactory(customer=asked, status="resolved", created_at=NOW + 85 * DAY)
    third = nps_round_start()
    assert third is not None and asked.id in invited(third)


def test_switched_off_rounds_do_not_run_but_a_manual_start_does(
    database: Any, set_now: Any
) -> None:
    founder = staff("founder")
    nps_settings_update(actor=founder, enabled=False, interval_days=90)
    set_now(NOW)
    customer_with_ticket(created=NOW - DAY)
    assert nps_round_start() is None
    assert rounds() == 0
    manual = nps_round_start(force=True, actor=founder)
    assert manual is not None and manual.invited_count == 1


def test_a_manual_start_refuses_within_an_hour_of_the_last_round(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    assert nps_round_start(force=True, actor="cli") is not None
    set_now(NOW + timedelta(minutes=59))
    with pytest.raises(Conflict):
        nps_round_start(force=True, actor="cli")
    set_now(NOW + timedelta(minutes=61))
    again = nps_round_start(force=True, actor="cli")
    assert again is not None
    assert again.period_start == NOW  # the time since the last round
    assert again.invited_count == 0
    assert rounds() == 2


def test_a_round_with_nobody_to_ask_is_still_recorded(database: Any, set_now: Any) -> None:
    set_now(NOW)
    survey_round = nps_round_start()
    assert survey_round is not None and survey_round.invited_count == 0
    assert nps_round_start() is None


def test_settings_default_and_validation(database: Any) -> None:
    assert (nps_settings().enabled, nps_settings().interval_days) == (True, 90)
    founder, agent, admin = staff("founder"), staff("agent"), staff("admin")
    for bad in (29, 366, 0, -5, 10**9):
        with pytest.raises(ValidationError) as caught:
            nps_settings_update(actor=founder, enabled=True, interval_days=bad)
        assert caught.value.field == "interval_days"
    with pytest.raises(NotAllowed):
        nps_settings_update(actor=agent, enabled=True, interval_days=60)
    assert nps_settings_update(actor=admin, enabled=False, interval_days=365).interval_days == 365
    assert (nps_settings().enabled, nps_settings().interval_days) == (False, 365)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "settings.nps"))


def test_the_summary_counts_groups_and_the_score(database: Any, set_now: Any) -> None:
    set_now(NOW)
    customers = [customer_with_ticket(created=NOW - DAY) for _ in range(5)]
    survey_round = nps_round_start()
    assert survey_round is not None
    surveys = db.session.scalars(sa.select(NpsSurvey).order_by(NpsSurvey.id)).all()
    for survey, score in zip(surveys, (10, 9, 8, 3), strict=False):
        db.session.add(
            NpsResponse(
                survey_id=survey.id,
                round_id=survey.round_id,
                customer_id=survey.customer_id,
                score=score,
            )
        )
    db.session.commit()
    (summary,) = round_summaries()
    assert (summary.responded, summary.promoters, summary.passives, summary.detractors) == (
        4,
        2,
        1,
        1,
    )
    assert summary.score == 25  # 50% promoters - 25% detractors
    assert summary.round.invited_count == len(customers)


def test_the_job_is_scheduled_hourly_and_does_nothing_when_not_due(
    database: Any, set_now: Any
) -> None:
    (job,) = [job for job in JOBS if job.name == "nps_round"]
    assert job.seconds == 3600
    set_now(NOW)
    job.function()
    job.function()
    assert rounds() == 1


def test_two_sweeps_at_once_make_one_round(app: Flask, database: Any, set_now: Any) -> None:
    set_now(NOW)
    for _ in range(20):
        customer_with_ticket(created=NOW - DAY)
    db.session.remove()
    barrier = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            with app.app_context():
                barrier.wait(30)
                started = nps_round_start()
                results.append(started.invited_count if started else None)
                db.session.remove()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results, key=lambda value: value is None) == [20, None]
    assert rounds() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NpsSurvey)) == 20
