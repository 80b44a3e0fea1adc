"""Outreach pages through the client, CSRF on: who may open and change what (agent,
founder, admin), bad input re-rendered with what was typed, review and send in one step,
mark as left, the ticket page's feature request panel, the playbooks page and the
founders' results with drill-down and CSV."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk import clock
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Customer, FeatureRequest, Outbox, Outreach, Ticket
from helpdesk.outreach.settings import outreach_settings
from tests.factories import CustomerFactory, TicketFactory

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def token(client: FlaskClient, path: str = "/outreach") -> str:
    match = _CSRF.search(client.get(path).get_data(as_text=True))
    assert match
    return match.group(1)


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return client.post(path, data={"csrf_token": token(client), **(data or {})}, **kw)


def draft_for(app: Flask, assignee_id: int | None, **customer: Any) -> int:
    with app.app_context():
        person = CustomerFactory(**customer)
        outreach = Outreach(
            customer_id=person.id,
            kind="slipping",
            state="draft",
            subject="Checking in",
            body="How is it going?",
            language="en",
            assignee_id=assignee_id,
            created_at=clock.now(),
        )
        db.session.add(outreach)
        db.session.commit()
        return outreach.id


def test_agents_see_only_their_own_drafts_founders_see_all(app: Flask, login_as: Any) -> None:
    agent, founder = login_as("agent"), login_as("founder")
    mine = draft_for(app, agent.user.id, name="Ana Lima")
    theirs = draft_for(app, founder.user.id, name="Budi Santoso")
    page = agent.get("/outreach").get_data(as_text=True)
    assert "Ana Lima" in page and "Budi Santoso" not in page
    assert agent.get(f"/outreach/{theirs}").status_code == 404
    assert post(agent, f"/outreach/{theirs}", {"subject": "x", "body": "y"}).status_code == 404
    assert agent.get(f"/outreach/{mine}").status_code == 200
    page = founder.get("/outreach").get_data(as_text=True)
    assert "Ana Lima" in page and "Budi Santoso" in page
    assert app.test_client().get("/outreach").status_code in (302, 401)


def test_bad_input_keeps_what_was_typed_and_send_works_in_one_step(
    app: Flask, login_as: Any
) -> None:
    founder = login_as("founder")
    outreach_id = draft_for(app, founder.user.id, name="Ana Lima", email="ana@example.net")
    response = post(
        founder,
        f"/outreach/{outreach_id}",
        {"subject": "  ", "body": "My own words", "action": "send"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give the message a subject." in html and "My own words" in html
    response = post(
        founder,
        f"/outreach/{outreach_id}",
        {"subject": "A quick hello", "body": "Kept for later", "action": "save"},
    )
    assert response.status_code == 303
    with app.app_context():
        saved = db.session.get(Outreach, outreach_id)
        assert saved is not None and (saved.state, saved.body) == ("draft", "Kept for later")
    response = post(
        founder,
        f"/outreach/{outreach_id}",
        {"subject": "A quick hello", "body": "Is all well?", "action": "send"},
    )
    assert response.status_code == 303
    with app.app_context():
        sent = db.session.get(Outreach, outreach_id)
        assert sent is not None and sent.state == "sent" and sent.body == "Is all well?"
        email = db.session.scalar(sa.select(Outbox).where(Outbox.ticket_id == sent.ticket_id))
        assert email is not None and email.to_address == "ana@example.net"
    # Sent already: a second send is a conflict, shown on the page.
    again = post(
        founder, f"/outreach/{outreach_id}", {"subject": "x", "body": "y", "action": "send"}
    )
    assert again.status_code == 409


def test_a_held_back_draft_answers_409_with_the_reason(app: Flask, login_as: Any) -> None:
    founder = login_as("founder")
    outreach_id = draft_for(app, founder.user.id)
    with app.app_context():
        customer_id = db.session.get(Outreach, outreach_id).customer_id  # type: ignore[union-attr]
        TicketFactory(customer=db.session.get(Customer, customer_id), status="open")
    response = post(
        founder, f"/outreach/{outreach_id}", {"subject": "Hi", "body": "Typed", "action": "send"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "They have an open ticket." in html and "Typed" in html


def test_dismiss(app: Flask, login_as: Any) -> None:
    founder = login_as("founder")
    outreach_id = draft_for(app, founder.user.id)
    assert post(founder, f"/outreach/{outreach_id}/dismiss").status_code == 303
    with app.app_context():
        assert db.session.get(Outreach, outreach_id).state == "dismissed"  # type: ignore[union-attr]


def test_mark_as_left_and_undo_from_the_customer_page(app: Flask, login_as: Any) -> None:
    agent = login_as("agent")
    with app.app_context():
        customer_id = CustomerFactory(name="Ana Lima").id
    page = agent.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "Mark as left" in page
    assert post(agent, f"/customers/{customer_id}/left").status_code == 303
    page = agent.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "Undo: not left" in page and "marked the customer as left" in page
    with app.app_context():
        assert db.session.get(Customer, customer_id).left_at is not None  # type: ignore[union-attr]
    assert agent.post(f"/customers/{customer_id}/left").status_code == 400  # no CSRF token
    assert post(agent, f"/customers/{customer_id}/left/undo").status_code == 303
    with app.app_context():
        assert db.session.get(Customer, customer_id).left_at is None  # type: ignore[union-attr]


def test_the_ticket_panel_links_a_ticket_to_a_new_or_existing_request(
    app: Flask, login_as: Any
) -> None:
    agent = login_as("agent")
    with app.app_context():
        ticket = TicketFactory(subject="Please add dark mode")
        number = ticket.number
        other = TicketFactory().number
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Link to a feature request" in page
    path = f"/tickets/{number}/feature-requests"
    empty = post(agent, path, {"feature_id": "", "new_title": ""}, headers={"HX-Request": "true"})
    assert empty.status_code == 422
    assert "Pick a feature request from the list or name a new one." in empty.get_data(as_text=True)
    made = post(
        agent, path, {"feature_id": "", "new_title": "Dark mode"}, headers={"HX-Request": "true"}
    )
    assert made.status_code == 200 and "Dark mode" in made.get_data(as_text=True)
    # The same name again, from another ticket: refused, the typed name kept.
    again = post(
        agent, f"/tickets/{other}/feature-requests", {"feature_id": "", "new_title": "dark MODE"}
    )
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    assert "exists: pick it from the list" in html and "dark MODE" in html
    with app.app_context():
        feature_id = db.session.scalar(sa.select(FeatureRequest.id))
    picked = post(agent, f"/tickets/{other}/feature-requests", {"feature_id": str(feature_id)})
    assert picked.status_code == 303
    forged = post(agent, f"/tickets/{other}/feature-requests", {"feature_id": "²"})
    assert forged.status_code == 422
    listing = agent.get("/feature-requests").get_data(as_text=True)
    assert "Dark mode" in listing
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(
                    AuditEvent.action == "ticket.feature_request"
                )
            )
            == 2
        )


def test_only_founders_mark_shipped_and_send_the_notes(app: Flask, login_as: Any) -> None:
    agent, founder = login_as("agent"), login_as("founder")
    with app.app_context():
        ticket = TicketFactory(status="resolved", customer__email="ana@example.net")
        feature = FeatureRequest(title="Exports", status="open", created_at=clock.now())
        db.session.add(feature)
        db.session.commit()
        feature_id, number = feature.id, ticket.number
    post(agent, f"/tickets/{number}/feature-requests", {"feature_id": str(feature_id)})
    path = f"/feature-requests/{feature_id}"
    assert post(agent, f"{path}/status", {"status": "shipped"}).status_code == 403
    assert "Save status" not in agent.get(path).get_data(as_text=True)
    bad = post(founder, f"{path}/status", {"status": "gone"})
    assert bad.status_code == 422
    assert post(founder, f"{path}/status", {"status": "shipped"}).status_code == 303
    page = founder.get(path).get_data(as_text=True)
    assert "Send 1 draft" in page
    assert post(agent, f"{path}/send").status_code == 403
    assert post(founder, f"{path}/send").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Outbox.to_address)) == "ana@example.net"
    assert post(founder, f"{path}/send").status_code == 409


def test_feature_create_keeps_what_was_typed(app: Flask, login_as: Any) -> None:
    agent = login_as("agent")
    too_long = "x" * 201
    response = post(agent, "/feature-requests", {"title": too_long})
    assert response.status_code == 422
    assert too_long in response.get_data(as_text=True)
    assert post(agent, "/feature-requests", {"title": "Bulk edit"}).status_code == 303


def test_playbooks_page_is_for_admins(app: Flask, login_as: Any) -> None:
    agent, founder, admin = login_as("agent"), login_as("founder"), login_as("admin")
    assert agent.get("/settings/outreach").status_code == 403
    assert founder.get("/settings/outreach").status_code == 403
    assert admin.get("/settings/outreach").status_code == 200
    bad = post(
        admin,
        "/settings/outreach",
        {"cooldown_days": "0", "slipping_enabled": "y", "slipping_assignee": "999999"},
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Use a number from 1 to 365." in html
    good = post(
        admin,
        "/settings/outreach",
        {
            "cooldown_days": "21",
            "slipping_enabled": "y",
            "slipping_assignee": str(founder.user.id),
            "slipping_saved_reply": "",
            "left_enabled": "y",
            "left_auto_send": "y",
        },
    )
    assert good.status_code == 303
    with app.app_context():
        current = outreach_settings()
        assert current.cooldown_days == 21
        slipping = current.playbook("slipping")
        assert (slipping.enabled, slipping.assignee_id, slipping.auto_send) == (
            True,
            founder.user.id,
            False,
        )
        assert current.playbook("left").auto_send is True
        assert current.playbook("dormant").enabled is False
    unknown = post(
        admin, "/settings/outreach", {"cooldown_days": "14", "slipping_assignee": "999999"}
    )
    assert unknown.status_code == 422
    assert "Choose someone from the list." in unknown.get_data(as_text=True)


def test_founders_results_with_drill_down_and_csv(app: Flask, login_as: Any, set_now: Any) -> None:
    set_now(NOW)
    agent, founder = login_as("agent"), login_as("founder")
    outreach_id = draft_for(app, founder.user.id, name="Ana Lima")
    with app.app_context():
        outreach = db.session.get(Outreach, outreach_id)
        assert outreach is not None
        outreach.state, outreach.sent_at, outreach.replied_at = "sent", NOW, NOW
        TicketFactory(kind="complaint", created_at=NOW)
        db.session.commit()
    assert agent.get("/founders/outreach").status_code == 403
    page = founder.get("/founders/outreach").get_data(as_text=True)
    assert "/founders/outreach/records?week=2026-06-01&amp;measure=replied" in page
    records = founder.get("/founders/outreach/records?week=2026-06-01&measure=replied")
    assert records.status_code == 200 and "Ana Lima" in records.get_data(as_text=True)
    assert founder.get("/founders/outreach/records?week=2026-06-02&measure=sent").status_code == 400
    assert founder.get("/founders/outreach/records?week=x&measure=sent").status_code == 400
    csv = founder.get("/founders/outreach/results.csv").get_data(as_text=True)
    assert csv.splitlines()[0] == "Week,Sent,Replied,Came back,Complaints"
    assert "2026-06-01,1,1,0,1" in csv.splitlines()
    assert 'id="trends-outreach-link"' in founder.get("/founders/trends").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1


def test_staff_start_writing_to_a_customer_from_their_page(app: Flask, login_as: Any) -> None:
    agent = login_as("agent")
    with app.app_context():
        customer_id = CustomerFactory(name="Ana Lima", language="th").id
    assert "Write to this customer" in agent.get(f"/customers/{customer_id}").get_data(as_text=True)
    response = post(agent, f"/customers/{customer_id}/outreach")
    assert response.status_code == 303
    review = agent.get(response.headers["Location"])
    assert review.status_code == 200 and "To Ana Lima" in review.get_data(as_text=True)
    with app.app_context():
        outreach = db.session.scalar(sa.select(Outreach))
        assert outreach is not None
        assert (outreach.kind, outreach.state, outreach.assignee_id, outreach.language) == (
            "manual",
            "draft",
            agent.user.id,
            "th",
        )
        outreach_id = outreach.id
    sent = post(
        agent, f"/outreach/{outreach_id}", {"subject": "Hello", "body": "A note", "action": "send"}
    )
    assert sent.status_code == 303
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.channel == "outreach"))
        assert ticket is not None and ticket.assignee_id == agent.user.id
        history = db.session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.object_type == "tickets", AuditEvent.object_id == str(ticket.id)
            )
        ).all()
        assert "ticket.create" in history and "ticket.reply" in history
    page = agent.get(f"/tickets/{ticket.number}").get_data(as_text=True)
    assert "Outreach" in page
