"""The rating page behind the signed email link: GET only shows (mail scanners follow
links), POST records or changes the rating, bad input and bad links fail plainly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.feedback.links import rating_link
from helpdesk.models import AuditEvent, Rating
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, TicketFactory

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_link(app: Flask, status: str = "resolved", score: str | None = None) -> tuple[int, str]:
    """A ticket and the path of its rating link (the path part of the absolute URL)."""
    with app.app_context():
        ticket = TicketFactory(status=status, subject="Export button <b>broken</b>")
        parts = urlsplit(rating_link(ticket, score=score))
        return ticket.id, parts.path + (f"?{parts.query}" if parts.query else "")


def ratings(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Rating.score, Rating.comment, Rating.channel))
        return [tuple(row) for row in rows]


def post(client: FlaskClient, path: str, **data: str) -> Any:
    base = path.split("?")[0]
    return client.post(base, data={"csrf_token": csrf_token(client, base), **data})


def test_get_shows_the_ticket_with_the_choice_made_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    _ticket_id, path = make_link(app, score="bad")
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Export button &lt;b&gt;broken&lt;/b&gt;" in html
    assert 'value="bad" checked' in html
    assert 'value="good" checked' not in html
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert ratings(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_an_unknown_score_in_the_address_preselects_nothing(
    app: Flask, client: FlaskClient
) -> None:
    _ticket_id, path = make_link(app)
    html = client.get(path + "?score=%3Cscript%3E").get_data(as_text=True)
    assert "checked" not in html
    assert "<script>" not in html.split("<body", 1)[1].replace('<script src="', "")


def test_post_records_then_changing_ones_mind_updates_the_same_rating(
    app: Flask, client: FlaskClient
) -> None:
    _ticket_id, path = make_link(app, score="okay")
    response = post(client, path, rating="okay", comment="Took a while")
    assert response.status_code == 303
    assert response.headers["Location"] == path.split("?")[0]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for telling us" in page
    assert "You rated this conversation: Okay" in page
    assert ratings(app) == [("okay", "Took a while", "email")]

    assert post(client, path, rating="good", comment="").status_code == 303
    assert ratings(app) == [("good", "", "email")]


def test_a_score_outside_the_three_is_a_field_error_keeping_the_comment(
    app: Flask, client: FlaskClient
) -> None:
    _ticket_id, path = make_link(app)
    for bad in ("excellent", "", "GOOD", "<img src=x onerror=alert(1)>"):
        response = post(client, path, rating=bad, comment="Kept <i>words</i>")
        html = response.get_data(as_text=True)
        assert response.status_code == 422, bad
        assert "Choose good, okay or bad." in html
        assert "Kept &lt;i&gt;words&lt;/i&gt;" in html
        assert "<img src=x" not in html
    assert ratings(app) == []


def test_an_overlong_comment_is_a_field_error(app: Flask, client: FlaskClient) -> None:
    _ticket_id, path = make_link(app)
    response = post(client, path, rating="good", comment="x" * 2001)
    assert response.status_code == 422
    assert "Use at most 2000 characters." in response.get_data(as_text=True)
    assert ratings(app) == []


def test_an_unresolved_ticket_cannot_be_rated(app: Flask, client: FlaskClient) -> None:
    _ticket_id, path = make_link(app, status="open", score="good")
    page = client.get(path).get_data(as_text=True)
    assert "You can rate the help once this conversation is resolved." in page
    assert 'name="rating"' not in page
    response = post(client, path, rating="good")
    assert response.status_code == 409
    assert "You can rate the help once this conversation is resolved." in response.get_data(
        as_text=True
    )
    assert ratings(app) == []


def test_post_without_csrf_is_refused(app: Flask, client: FlaskClient) -> None:
    _ticket_id, path = make_link(app)
    assert client.post(path, data={"rating": "good"}).status_code == 400
    assert ratings(app) == []


def test_a_tampered_link_gets_a_plain_400_page(app: Flask, client: FlaskClient) -> None:
    _ticket_id, path = make_link(app)
    token = csrf_token(client, "/login")
    for broken in (path[:-3] + "xyz", "/feedback/rating/not-a-token", path + "A"):
        posted = client.post(broken, data={"rating": "good", "csrf_token": token})
        for response in (client.get(broken), posted):
            html = response.get_data(as_text=True)
            assert response.status_code == 400, broken
            assert "This link does not work" in html
            assert "Traceback" not in html and "BadSignature" not in html
    assert ratings(app) == []


def test_an_expired_link_gets_a_plain_410_page(
    app: Flask, client: FlaskClient, set_now: Any
) -> None:
    set_now(START)
    _ticket_id, path = make_link(app)
    set_now(START + timedelta(days=31))
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_link_for_a_ticket_that_changed_customer_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    ticket_id, path = make_link(app)
    with app.app_context():
        from helpdesk.models import Ticket

        ticket = db.session.get(Ticket, ticket_id)
        ticket.customer = CustomerFactory()
        db.session.commit()
    assert client.get(path).status_code == 400
