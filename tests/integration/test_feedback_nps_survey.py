"""The NPS survey page behind the signed link: the two questions, validation that keeps
the reason, update on resubmit, and a detractor reaching the founders' queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.feedback.links import nps_link
from helpdesk.models import Escalation, NpsResponse, NpsRound, NpsSurvey, Ticket
from tests.conftest import csrf_token
from tests.factories import TicketFactory

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def make_survey(app: Flask, *, last_ticket: str | None = "resolved", ago: int = 10) -> str:
    """A survey for a customer (with one ticket `ago` days old, or none); its link path."""
    with app.app_context():
        ticket = TicketFactory(
            status=last_ticket or "resolved",
            created_at=NOW - ago * DAY,
            last_activity_at=NOW - ago * DAY,
        )
        customer_id = ticket.customer_id
        if last_ticket is None:
            db.session.delete(ticket)
            db.session.commit()
        survey_round = NpsRound(period_start=NOW - 90 * DAY, period_end=NOW, created_at=NOW)
        db.session.add(survey_round)
        db.session.flush()
        survey = NpsSurvey(round_id=survey_round.id, customer_id=customer_id, sent_at=NOW)
        db.session.add(survey)
        db.session.commit()
        return urlsplit(nps_link(survey)).path


def answers(app: Flask) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(sa.select(NpsResponse.score, NpsResponse.reason))
        ]


def escalations(app: Flask) -> list[tuple[str, int, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Escalation.reason, Escalation.ticket_id, Escalation.detail)
        )
        return [tuple(row) for row in rows]


def post(client: FlaskClient, path: str, **data: str) -> Any:
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


@pytest.fixture(autouse=True)
def clock(set_now: Any) -> None:
    set_now(NOW)


def test_get_shows_the_two_questions_and_records_nothing(app: Flask, client: FlaskClient) -> None:
    path = make_survey(app)
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "How likely are you to recommend us to a friend or colleague?" in html
    assert "What is the main reason for your score?" in html
    assert "Not at all likely" in html and "Extremely likely" in html
    assert html.count('type="radio" name="score"') == 11
    assert "checked" not in html
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert answers(app) == []


def test_an_answer_is_recorded_and_a_resubmission_updates_it(
    app: Flask, client: FlaskClient
) -> None:
    path = make_survey(app)
    response = post(client, path, score="9", reason="Fast and kind")
    assert response.status_code == 303 and response.headers["Location"] == path
    page = client.get(path).get_data(as_text=True)
    assert "your answer helps us improve" in page
    assert 'value="9" checked' in page and "Fast and kind" in page
    assert answers(app) == [(9, "Fast and kind")]
    with app.app_context():
        first = db.session.scalar(sa.select(NpsSurvey.responded_at))
    assert first == NOW

    assert post(client, path, score="10", reason="").status_code == 303
    assert answers(app) == [(10, "")]
    assert escalations(app) == []


@pytest.mark.parametrize("score", ["-1", "11", "abc", "", "7.5", "1e1", "<b>5</b>", "99999"])
def test_bad_scores_are_a_field_error_keeping_the_reason(
    app: Flask, client: FlaskClient, score: str
) -> None:
    path = make_survey(app)
    response = post(client, path, score=score, reason="Kept <script>alert(1)</script>")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a number from 0 to 10." in html
    assert "Kept &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert answers(app) == []


def test_a_missing_score_is_a_field_error(app: Flask, client: FlaskClient) -> None:
    path = make_survey(app)
    response = post(client, path, reason="no score")
    assert response.status_code == 422
    assert "Choose a number from 0 to 10." in response.get_data(as_text=True)


def test_an_overlong_reason_is_a_field_error(app: Flask, client: FlaskClient) -> None:
    path = make_survey(app)
    response = post(client, path, score="8", reason="x" * 2001)
    assert response.status_code == 422
    assert "Use at most 2000 characters." in response.get_data(as_text=True)
    assert answers(app) == []


def test_bad_and_expired_survey_links_fail_plainly(
    app: Flask, client: FlaskClient, set_now: Any
) -> None:
    path = make_survey(app)
    assert client.get(path + "x").status_code == 400
    assert client.get("/feedback/nps/%3Cscript%3E").status_code == 400
    set_now(NOW + 61 * DAY)
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_detractor_is_escalated_on_their_recent_ticket_once(
    app: Flask, client: FlaskClient
) -> None:
    path = make_survey(app, ago=10)
    with app.app_context():
        ticket_id = db.session.scalar(sa.select(Ticket.id))
    assert post(client, path, score="3", reason="Slow answers").status_code == 303
    ((reason, on_ticket, detail),) = escalations(app)
    assert (reason, on_ticket) == ("detractor", ticket_id)
    assert "3/10" in detail and "Slow answers" in detail
    # still a detractor: no second item; a better answer does not un-raise it
    assert post(client, path, score="2", reason="Even slower").status_code == 303
    assert post(client, path, score="10", reason="Fixed now").status_code == 303
    assert len(escalations(app)) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(Escalation.status)) == "open"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1


def test_a_detractor_without_a_recent_ticket_gets_one_from_the_answer(
    app: Flask, client: FlaskClient
) -> None:
    path = make_survey(app, ago=120)
    assert post(client, path, score="0", reason="").status_code == 303
    with app.app_context():
        tickets = db.session.scalars(sa.select(Ticket).order_by(Ticket.id)).all()
        assert len(tickets) == 2
        new = tickets[1]
        assert new.subject == "Survey answer: 0/10"
        assert new.channel == "email" and new.status == "new"
        assert new.customer_id == tickets[0].customer_id
        assert new.messages[0].body_source == "The customer gave no reason for this score."
        new_id = new.id
    ((reason, on_ticket, _detail),) = escalations(app)
    assert (reason, on_ticket) == ("detractor", new_id)
    assert answers(app) == [(0, "")]


def test_passives_and_promoters_are_not_escalated(app: Flask, client: FlaskClient) -> None:
    path = make_survey(app)
    assert post(client, path, score="7", reason="Fine").status_code == 303
    assert escalations(app) == []


def test_a_detractor_item_prefers_the_customers_open_ticket(
    app: Flask, client: FlaskClient
) -> None:
    path = make_survey(app, ago=5)
    with app.app_context():
        customer = db.session.scalar(sa.select(Ticket)).customer
        open_ticket = TicketFactory(
            customer=customer,
            status="pending",
            created_at=NOW - 40 * DAY,
            last_activity_at=NOW - 30 * DAY,
        )
        open_id = open_ticket.id
    assert post(client, path, score="5", reason="Still waiting").status_code == 303
    ((_reason, on_ticket, _detail),) = escalations(app)
    assert on_ticket == open_id
