"""The founders' survey page `/feedback/nps`: who may open it, starting a round by hand,
the settings form's bad input, and the per-round links that open the survey."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.feedback.nps import nps_settings
from helpdesk.models import NpsRound
from tests.conftest import csrf_token
from tests.factories import TicketFactory

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def active_customers(app: Flask, count: int, name: str = "Ana") -> None:
    with app.app_context():
        for number in range(count):
            TicketFactory(
                status="resolved",
                created_at=NOW - timedelta(days=3),
                last_activity_at=NOW - timedelta(days=3),
                customer__name=f"{name} {number}",
            )


def round_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(NpsRound.id).order_by(NpsRound.id)))


@pytest.fixture(autouse=True)
def clock(set_now: Any) -> None:
    set_now(NOW)


def test_logged_out_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    response = client.get("/feedback/nps")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    token = csrf_token(client, "/login")
    for path in ("/feedback/nps/rounds", "/feedback/nps/settings"):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_agents_get_403(app: Flask, login_as: Any) -> None:
    client = login_as("agent")
    token = csrf_token(client, "/inbox")
    assert client.get("/feedback/nps").status_code == 403
    assert client.get("/feedback/nps/rounds/1").status_code == 403
    assert client.post("/feedback/nps/rounds", data={"csrf_token": token}).status_code == 403
    response = client.post(
        "/feedback/nps/settings",
        data={"csrf_token": token, "enabled": "y", "interval_days": "30"},
    )
    assert response.status_code == 403
    assert round_ids(app) == []
    assert 'href="/feedback/nps"' not in client.get("/inbox").get_data(as_text=True)


def test_starting_a_round_asks_first_with_the_number_of_customers(
    app: Flask, login_as: Any
) -> None:
    active_customers(app, 3)
    founder = login_as("founder")
    listing = founder.get("/feedback/nps").get_data(as_text=True)
    assert 'href="/feedback/nps/rounds/new"' in listing  # a link, not a sending button
    confirm = founder.get("/feedback/nps/rounds/new")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "3 customers who were in touch from" in html
    assert "Start the round and ask 3 customers" in html
    assert round_ids(app) == []  # asking sends nothing
    assert login_as("agent").get("/feedback/nps/rounds/new").status_code == 403


def test_the_confirmation_says_when_nobody_would_be_asked(app: Flask, login_as: Any) -> None:
    html = login_as("founder").get("/feedback/nps/rounds/new").get_data(as_text=True)
    assert "Nobody would be asked" in html and "Start an empty round" in html


def test_a_round_of_one_says_one_customer(app: Flask, login_as: Any) -> None:
    active_customers(app, 1)
    founder = login_as("founder")
    token = csrf_token(founder, "/feedback/nps")
    response = founder.post(
        "/feedback/nps/rounds", data={"csrf_token": token}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "1 customer invited." in html and "1 customers" not in html
    (round_id,) = round_ids(app)
    page = founder.get(f"/feedback/nps/rounds/{round_id}").get_data(as_text=True)
    assert "1 customer invited." in page and "1 customers" not in page


@pytest.mark.parametrize("role", ["founder", "admin"])
def test_founders_start_a_round_and_see_its_links(
    app: Flask, login_as: Any, client: FlaskClient, role: str
) -> None:
    active_customers(app, 3, name="<b>Zoë</b>")
    founder = login_as(role)
    page = founder.get("/feedback/nps")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "No survey round yet." in page.get_data(as_text=True)
    assert 'href="/feedback/nps"' in page.get_data(as_text=True)  # in the navigation

    token = csrf_token(founder, "/feedback/nps")
    response = founder.post("/feedback/nps/rounds", data={"csrf_token": token})
    assert response.status_code == 303
    listing = founder.get("/feedback/nps").get_data(as_text=True)
    assert "3 customers invited" in listing
    (round_id,) = round_ids(app)
    assert "no answers yet" in listing

    links_page = founder.get(f"/feedback/nps/rounds/{round_id}")
    html = links_page.get_data(as_text=True)
    assert links_page.status_code == 200
    assert links_page.headers["Referrer-Policy"] == "no-referrer"
    assert "&lt;b&gt;Zoë&lt;/b&gt;" in html and "<b>Zoë" not in html
    links = sorted(
        set(part.split('"')[0] for part in html.split('value="http://localhost:5000')[1:])
    )
    assert len(links) == 3
    survey_page = client.get(links[0])
    assert survey_page.status_code == 200
    assert "How likely are you to recommend us" in survey_page.get_data(as_text=True)

    # a double click does not start a second round
    again = founder.post("/feedback/nps/rounds", data={"csrf_token": token})
    assert again.status_code == 409
    assert "less than an hour ago" in again.get_data(as_text=True)
    assert len(round_ids(app)) == 1


def test_round_pages_404_for_unknown_rounds_and_pages(app: Flask, login_as: Any) -> None:
    founder = login_as("founder")
    assert founder.get("/feedback/nps/rounds/999").status_code == 404
    assert founder.get("/feedback/nps/rounds/99999999999").status_code == 404
    token = csrf_token(founder, "/feedback/nps")
    founder.post("/feedback/nps/rounds", data={"csrf_token": token})
    (round_id,) = round_ids(app)
    assert founder.get(f"/feedback/nps/rounds/{round_id}?page=1").status_code == 200
    for page in ("0", "-1", "abc", "2"):
        assert founder.get(f"/feedback/nps/rounds/{round_id}?page={page}").status_code == 404


def test_start_without_csrf_is_refused(app: Flask, login_as: Any) -> None:
    founder = login_as("founder")
    assert founder.post("/feedback/nps/rounds").status_code == 400
    assert round_ids(app) == []


@pytest.mark.parametrize(
    ("interval", "message"),
    [
        ("29", "Use a number of days from 30 to 365."),
        ("366", "Use a number of days from 30 to 365."),
        ("-1", "Use a number of days from 30 to 365."),
        ("abc", "Not a valid integer value."),
        ("", "Enter a number of days."),
    ],
)
def test_bad_settings_input_is_a_field_error(
    app: Flask, login_as: Any, interval: str, message: str
) -> None:
    founder = login_as("founder")
    token = csrf_token(founder, "/feedback/nps")
    response = founder.post(
        "/feedback/nps/settings",
        data={"csrf_token": token, "interval_days": interval},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    with app.app_context():
        assert (nps_settings().enabled, nps_settings().interval_days) == (True, 90)


def test_settings_are_saved(app: Flask, login_as: Any) -> None:
    founder = login_as("founder")
    token = csrf_token(founder, "/feedback/nps")
    response = founder.post(
        "/feedback/nps/settings", data={"csrf_token": token, "interval_days": "45"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert (nps_settings().enabled, nps_settings().interval_days) == (False, 45)
    html = founder.get("/feedback/nps").get_data(as_text=True)
    assert 'value="45"' in html


def test_the_cli_starts_a_round(app: Flask, runner: Any) -> None:
    active_customers(app, 2)
    result = runner.invoke(args=["helpdesk", "nps-round"])
    assert result.exit_code == 0, result.output
    assert "2 customer(s) invited" in result.output
    result = runner.invoke(args=["helpdesk", "nps-round"])
    assert result.exit_code == 1
    assert "less than an hour ago" in result.output
