"""The customer's conversation page `/c/<token>`: the token becomes a cookie for that
conversation only, the page shows what the widget shows, and the customer can write again
and rate the help."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Message, Rating, Ticket, User
from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
from helpdesk.tickets.service import ticket_reply

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def new_conversation(app: Flask, email: str = "ana@example.net") -> tuple[int, str]:
    with app.app_context():
        ticket, token = ticket_create_by_customer(
            contact=CustomerContact(name="Ana Lima", email=email),
            body="The export button does nothing",
        )
        return ticket.number, token


def reply(app: Flask, number: int, body: str, make_user: Callable[..., Any], **kw: Any) -> None:
    staff = make_user("agent")
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        ticket_reply(ticket=ticket, author=db.session.get(User, staff.id), body=body, **kw)


def page_csrf(client: FlaskClient, number: int) -> str:
    match = _CSRF.search(client.get(f"/c/{number}").get_data(as_text=True))
    assert match
    return match.group(1)


def test_the_link_sets_a_conversation_cookie_and_drops_the_token_from_the_address(
    app: Flask, client: FlaskClient
) -> None:
    number, token = new_conversation(app)
    response = client.get(f"/c/{token}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{number}"
    cookie = response.headers["Set-Cookie"]
    assert f"Path=/c/{number}" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = client.get(f"/c/{number}")
    assert page.status_code == 200
    assert "The export button does nothing" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert token not in page.get_data(as_text=True)


def test_unknown_tokens_and_other_conversations_are_404(app: Flask, client: FlaskClient) -> None:
    number, token = new_conversation(app)
    other_number, _other = new_conversation(app, "bo@example.net")
    assert client.get("/c/not-a-real-token-at-all").status_code == 404
    assert client.get(f"/c/{number}").status_code == 404  # no cookie yet
    client.get(f"/c/{token}")
    assert client.get(f"/c/{other_number}").status_code == 404
    assert client.get("/c/" + "x" * 500).status_code == 404


def test_notes_never_reach_the_customer_page(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    number, token = new_conversation(app)
    reply(app, number, "Internal: customer is on the legacy plan", make_user, internal=True)
    reply(app, number, "Could you try again now?", make_user)
    client.get(f"/c/{token}")
    html = client.get(f"/c/{number}").get_data(as_text=True)
    assert "Could you try again now?" in html
    assert "legacy plan" not in html


def test_the_customer_writes_again_and_bad_input_keeps_the_text(
    app: Flask, client: FlaskClient
) -> None:
    number, token = new_conversation(app)
    client.get(f"/c/{token}")
    csrf = page_csrf(client, number)
    too_long = "y" * 50_001
    response = client.post(f"/c/{number}/messages", data={"message": too_long, "csrf_token": csrf})
    assert response.status_code == 422
    assert too_long in response.get_data(as_text=True)
    response = client.post(f"/c/{number}/messages", data={"message": "", "csrf_token": csrf})
    assert response.status_code == 422
    assert client.post(f"/c/{number}/messages", data={"message": "x"}).status_code == 400
    response = client.post(
        f"/c/{number}/messages", data={"message": "It works now", "csrf_token": csrf}
    )
    assert response.status_code == 303
    with app.app_context():
        bodies = list(db.session.scalars(sa.select(Message.body_source).order_by(Message.id)))
        assert bodies[-1] == "It works now"


def test_an_old_closed_conversation_asks_for_a_new_one(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any], set_now: Any
) -> None:
    set_now(datetime(2026, 1, 1, tzinfo=UTC))
    number, token = new_conversation(app)
    reply(app, number, "Done", make_user, status="closed")
    set_now(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=31))
    client.get(f"/c/{token}")
    csrf = page_csrf(client, number)
    response = client.post(f"/c/{number}/messages", data={"message": "Hello?", "csrf_token": csrf})
    assert response.status_code == 422
    assert "start a new one" in response.get_data(as_text=True)
    assert "Hello?" in response.get_data(as_text=True)


def test_rating_on_the_page(app: Flask, client: FlaskClient, make_user: Callable[..., Any]) -> None:
    number, token = new_conversation(app)
    client.get(f"/c/{token}")
    assert "How did we do?" not in client.get(f"/c/{number}").get_data(as_text=True)
    reply(app, number, "Fixed", make_user, status="resolved")
    html = client.get(f"/c/{number}").get_data(as_text=True)
    assert "How did we do?" in html
    csrf = page_csrf(client, number)
    bad = client.post(f"/c/{number}/rating", data={"rating": "meh", "csrf_token": csrf})
    assert bad.status_code == 422
    assert "Choose good, okay or bad." in bad.get_data(as_text=True)
    ok = client.post(
        f"/c/{number}/rating",
        data={"rating": "okay", "comment": "Took a while", "csrf_token": csrf},
    )
    assert ok.status_code == 303
    client.post(f"/c/{number}/rating", data={"rating": "good", "csrf_token": csrf})
    with app.app_context():
        ratings = list(db.session.scalars(sa.select(Rating)))
        assert [(r.score, r.channel) for r in ratings] == [("good", "page")]
    assert client.get(f"/c/{number}/rating").status_code == 405


def test_a_token_minted_for_an_email_link_opens_the_same_conversation(
    app: Flask, client: FlaskClient
) -> None:
    from helpdesk.tickets.tokens import ticket_link_token

    number, first = new_conversation(app)
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        second = ticket_link_token(ticket)
        db.session.commit()
    assert second != first
    response = client.get(f"/c/{second}")
    assert response.headers["Location"] == f"/c/{number}"
    assert client.get(f"/c/{number}").status_code == 200
    api = app.test_client().get(
        f"/api/widget/v1/conversations/{number}", headers={"X-Conversation-Token": first}
    )
    assert api.status_code == 200
