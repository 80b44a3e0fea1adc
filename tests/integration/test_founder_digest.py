"""The founders' weekly digest: made once on Monday morning in the workspace's zone, with
last week's complaints, root causes, missed promises, detractors and open escalations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.founders.digest import digest_content, digest_if_due, digest_make, week_bounds
from helpdesk.models import (
    Digest,
    Escalation,
    NpsResponse,
    NpsRound,
    NpsSurvey,
    Promise,
    Recovery,
    RecoveryStep,
    RootCause,
)
from helpdesk.settings.service import setting_put
from tests.factories import CustomerFactory, TicketFactory

# Monday 2026-11-16 .. Sunday 2026-11-22 in Bangkok (UTC+7).
WEEK = date(2026, 11, 16)
IN_WEEK = datetime(2026, 11, 18, 5, 0, tzinfo=UTC)
BEFORE = datetime(2026, 11, 15, 16, 0, tzinfo=UTC)  # Sunday 23:00 in Bangkok
AFTER = datetime(2026, 11, 22, 17, 30, tzinfo=UTC)  # Monday 00:30 in Bangkok


def bangkok() -> None:
    setting_put("business_hours", {"timezone": "Asia/Bangkok"})
    db.session.commit()


def build_week(agent_id: int) -> None:
    bangkok()
    customer = CustomerFactory(name="Ana Lima")
    complaint = TicketFactory(
        customer=customer, kind="complaint", created_at=IN_WEEK, subject="Broken"
    )
    TicketFactory(kind="complaint", created_at=BEFORE)
    TicketFactory(kind="complaint", created_at=AFTER)
    TicketFactory(kind="question", created_at=IN_WEEK)
    cause = RootCause(name="Courier delay")
    db.session.add(cause)
    recovery = Recovery(ticket=complaint, started_at=IN_WEEK, root_cause=cause)
    db.session.add(recovery)
    db.session.add(RecoveryStep(recovery=recovery, step="diagnose", done_at=IN_WEEK))
    for due, status in ((IN_WEEK, "missed"), (BEFORE, "missed"), (IN_WEEK, "kept")):
        db.session.add(
            Promise(
                ticket=complaint,
                agent_id=agent_id,
                created_at=due - timedelta(hours=2),
                due_at=due,
                remind_at=due - timedelta(hours=1),
                text="update",
                status=status,
            )
        )
    nps_round = NpsRound(period_start=BEFORE, period_end=IN_WEEK)
    db.session.add(nps_round)
    db.session.flush()
    for score in (3, 9):
        other = CustomerFactory()
        survey = NpsSurvey(round=nps_round, customer=other, sent_at=IN_WEEK)
        db.session.add(survey)
        db.session.add(
            NpsResponse(
                survey=survey,
                round_id=nps_round.id,
                customer=other,
                score=score,
                reason="Too slow" if score < 7 else "",
                created_at=IN_WEEK,
            )
        )
    db.session.add(
        Escalation(
            ticket=complaint,
            reason="missed_promise",
            status="open",
            created_at=IN_WEEK,
            updated_at=IN_WEEK,
        )
    )
    db.session.add(
        Escalation(
            ticket=complaint, reason="vip", status="done", created_at=IN_WEEK, updated_at=IN_WEEK
        )
    )
    db.session.commit()


def test_week_bounds_follow_the_workspace_zone(database: Any) -> None:
    bangkok()
    start, end = week_bounds(WEEK)
    assert start == datetime(2026, 11, 15, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 22, 17, 0, tzinfo=UTC)


def test_the_content_counts_only_the_week(database: Any, make_user: Callable[..., Any]) -> None:
    agent = make_user("agent")
    build_week(agent.id)
    content = digest_content(WEEK)
    assert content["complaints"]["count"] == 1
    assert [t["subject"] for t in content["complaints"]["tickets"]] == ["Broken"]
    assert content["root_causes"] == [{"name": "Courier delay", "count": 1}]
    assert content["missed_promises"]["count"] == 1
    assert content["missed_promises"]["items"][0]["agent"] == agent.name
    assert content["detractors"]["count"] == 1
    assert content["detractors"]["items"][0]["reason"] == "Too slow"
    assert content["open_escalations"]["count"] == 1


def test_made_once_on_monday_morning_local_time(
    database: Any, make_user: Callable[..., Any]
) -> None:
    build_week(make_user("agent").id)
    sunday_night = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Sunday 23:00 Bangkok
    assert digest_if_due(at=sunday_night).week_start == date(2026, 11, 9)  # the week before
    monday_early = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 06:00 Bangkok
    assert digest_if_due(at=monday_early) is None
    monday_morning = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 08:30 Bangkok
    made = digest_if_due(at=monday_morning)
    assert made is not None and made.week_start == WEEK
    assert made.content["complaints"]["count"] == 1
    assert digest_if_due(at=monday_morning + timedelta(hours=1)) is None
    assert digest_make(week_start=WEEK) is None
    assert db.session.scalar(sa.select(sa.func.count(Digest.id))) == 2


def test_founders_read_digests_and_agents_cannot(
    app: Flask, login_as: Callable[[str], FlaskClient], make_user: Callable[..., Any]
) -> None:
    agent = make_user("agent")
    with app.app_context():
        build_week(agent.id)
        digest = digest_make(week_start=WEEK)
        digest_id = digest.id
    founder = login_as("founder")
    listing = founder.get("/founders/digests")
    assert listing.status_code == 200
    page = founder.get(f"/founders/digests/{digest_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Broken" in html and "Courier delay" in html and "Too slow" in html
    assert founder.get("/founders/digests/999999").status_code == 404
    assert login_as("agent").get("/founders/digests").status_code == 403
    assert app.test_client().get("/founders/digests").status_code == 302


def test_customer_text_in_a_digest_is_escaped(
    app: Flask, login_as: Callable[[str], FlaskClient], make_user: Callable[..., Any]
) -> None:
    with app.app_context():
        bangkok()
        TicketFactory(kind="complaint", created_at=IN_WEEK, subject="<script>alert(1)</script>")
        digest_id = digest_make(week_start=WEEK).id
    html = login_as("founder").get(f"/founders/digests/{digest_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html
