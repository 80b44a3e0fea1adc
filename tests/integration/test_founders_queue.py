"""The founders' review queue: who may see it, its order, filters and overdue marks, each
action with and without htmx, bad input kept in the form, the agent's "escalate to
founders", a founder's personal reply on the ticket page, and a fixed query count."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import Escalation
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, TicketFactory

HTMX = {"HX-Request": "true"}
NOW = datetime(2026, 5, 4, 12, tzinfo=UTC)


def raise_item(app, reason="manual", *, hours_ago=1, subject=None, value=0, **fields):
    with app.app_context():
        customer = CustomerFactory(lifetime_value_cents=value)
        ticket = TicketFactory(customer=customer, **({"subject": subject} if subject else {}))
        item = escalation_raise(
            ticket=ticket, reason=reason, detail=f"why {reason}", actor="system"
        )
        item.created_at = NOW - timedelta(hours=hours_ago)
        for name, value_ in fields.items():
            setattr(item, name, value_)
        db.session.commit()
        return item.id, ticket.number


def load(app, item_id):
    with app.app_context():
        return db.session.get(Escalation, item_id)


@pytest.fixture
def founder(login_as, set_now):
    set_now(NOW)
    return login_as("founder")


def post(client, path, data=None, headers=None):
    token = csrf_token(client, "/founders/queue")
    return client.post(path, data={"csrf_token": token, **(data or {})}, headers=headers or {})


def test_agents_get_403_and_visitors_the_login_page(app, client, login_as, set_now):
    set_now(NOW)
    item_id, number = raise_item(app)
    agent = login_as("agent")
    token = csrf_token(agent, "/inbox")
    assert agent.get("/founders/queue").status_code == 403
    for action in ("claim", "note", "reply", "resolve"):
        response = agent.post(
            f"/founders/escalations/{item_id}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 403, action
    assert agent.post("/founders/settings", data={"csrf_token": token}).status_code == 403
    response = client.get("/founders/queue")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert load(app, item_id).status == "open"


def test_admins_see_the_queue_and_founders_see_the_nav_item(app, login_as, founder):
    assert login_as("admin").get("/founders/queue").status_code == 200
    page = founder.get("/founders/queue").get_data(as_text=True)
    assert "Review queue" in page and 'href="/founders/queue"' in page


def test_unknown_items_and_forged_filters(founder):
    token = csrf_token(founder, "/founders/queue")
    for action in ("claim", "note", "reply", "resolve"):
        response = founder.post(
            f"/founders/escalations/999999/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 404
    assert founder.post("/founders/escalations/99999999999/claim").status_code == 404
    assert founder.get("/founders/queue?status=lost").status_code == 400
    assert founder.get("/founders/queue?reason=<script>").status_code == 400


def test_order_is_severity_then_age_with_why_and_overdue(app, founder):
    raise_item(app, "repeat_contact", hours_ago=100, subject="Low old")
    raise_item(app, "manual", hours_ago=2, subject="Medium new")
    raise_item(app, "vip", hours_ago=30, subject="Medium old", value=250_000)
    raise_item(app, "bad_rating", hours_ago=1, subject="High new")
    raise_item(app, "missed_promise", hours_ago=5, subject="High old")
    raise_item(app, "manual", hours_ago=500, subject="Done long ago", status="done")
    page = founder.get("/founders/queue").get_data(as_text=True)
    order = ["High old", "High new", "Medium old", "Medium new", "Low old"]
    positions = [page.index(subject) for subject in order]
    assert positions == sorted(positions)
    assert "Done long ago" not in page
    assert "why vip" in page and "$2,500.00" in page and "High-value customer complaint" in page
    assert page.count("Overdue") == 2  # older than the 24-hour target: Medium old, Low old
    done = founder.get("/founders/queue?status=done").get_data(as_text=True)
    assert "Done long ago" in done and "High old" not in done
    only = founder.get("/founders/queue?reason=vip", headers=HTMX).get_data(as_text=True)
    assert "Medium old" in only and "High old" not in only and "<html" not in only


def test_claim_with_htmx_swaps_the_item_and_shows_the_claimer(app, founder):
    item_id, _number = raise_item(app)
    response = post(founder, f"/founders/escalations/{item_id}/claim", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<li") and f"escalation-{item_id}" in html
    assert "claimed by Founder Person" in html
    assert load(app, item_id).status == "claimed"


def test_claim_without_js_redirects_and_a_second_founder_gets_a_conflict(app, founder, login_as):
    item_id, _number = raise_item(app)
    response = post(
        founder,
        f"/founders/escalations/{item_id}/claim",
        data={"return_to": "/founders/queue?reason=manual"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/founders/queue?reason=manual#escalation-")
    other = login_as("founder")
    conflict = post(other, f"/founders/escalations/{item_id}/claim", headers=HTMX)
    assert conflict.status_code == 409
    assert "Another founder has claimed this item." in conflict.get_data(as_text=True)
    evil = post(
        founder,
        f"/founders/escalations/{item_id}/note",
        data={"note": "n", "return_to": "//evil.com"},
    )
    assert evil.headers["Location"].startswith("/founders/queue#")


def test_note_errors_keep_the_typed_text(app, founder):
    item_id, _number = raise_item(app)
    empty = post(
        founder, f"/founders/escalations/{item_id}/note", data={"note": "  "}, headers=HTMX
    )
    assert empty.status_code == 422 and "Write a note first." in empty.get_data(as_text=True)
    long_text = "<b hx-get='/x'>" + "y" * 2000
    long = post(
        founder, f"/founders/escalations/{item_id}/note", data={"note": long_text}, headers=HTMX
    )
    html = long.get_data(as_text=True)
    assert long.status_code == 422 and "the limit is 2000" in html
    assert "&lt;b hx-get=&#39;/x&#39;&gt;" in html and "<b hx-get" not in html
    no_js = post(founder, f"/founders/escalations/{item_id}/note", data={"note": long_text})
    page = no_js.get_data(as_text=True)
    assert no_js.status_code == 422 and "<html" in page and "the limit is 2000" in page
    assert "y" * 2000 in page
    assert load(app, item_id).founder_note is None
    ok = post(
        founder,
        f"/founders/escalations/{item_id}/note",
        data={"note": "Call her <script>"},
        headers=HTMX,
    )
    assert ok.status_code == 200 and "Call her &lt;script&gt;" in ok.get_data(as_text=True)


def test_resolve_needs_a_listed_outcome_and_a_note(app, founder):
    item_id, _number = raise_item(app)
    path = f"/founders/escalations/{item_id}/resolve"
    bad = post(founder, path, data={"outcome": "delighted", "note": "kept text"}, headers=HTMX)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Choose an outcome from the list." in html
    assert "kept text" in html
    no_note = post(founder, path, data={"outcome": "retained", "note": ""}, headers=HTMX)
    assert no_note.status_code == 422 and "Write a note first." in no_note.get_data(as_text=True)
    assert load(app, item_id).status == "open"
    done = post(founder, path, data={"outcome": "retained", "note": "Called, fixed, happy"})
    assert done.status_code == 302
    item = load(app, item_id)
    assert (item.status, item.outcome) == ("done", "retained")
    again = post(founder, path, data={"outcome": "other", "note": "x"}, headers=HTMX)
    assert again.status_code == 409


def test_a_founder_reply_is_signed_and_badged_on_the_ticket_page(app, founder, login_as):
    item_id, number = raise_item(app, "bad_rating")
    path = f"/founders/escalations/{item_id}/reply"
    empty = post(founder, path, data={"body": ""}, headers=HTMX)
    assert empty.status_code == 422 and "Write a message first." in empty.get_data(as_text=True)
    response = post(founder, path, data={"body": "I read your message myself."}, headers=HTMX)
    assert response.status_code == 200
    assert "Your reply was sent to the customer." in response.get_data(as_text=True)
    assert load(app, item_id).status == "claimed"
    page = login_as("agent").get(f"/tickets/{number}").get_data(as_text=True)
    assert "I read your message myself." in page
    assert "— Founder Person" in page and ", founder" in page
    assert page.count('class="badge founder"') == 1


def test_an_agent_escalates_from_the_ticket_page(app, login_as, set_now):
    set_now(NOW)
    agent = login_as("agent")
    with app.app_context():
        number = TicketFactory().number
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Escalate to founders" in page
    token = csrf_token(agent, f"/tickets/{number}")
    path = f"/tickets/{number}/escalate"
    empty = agent.post(path, data={"csrf_token": token, "note": ""}, headers=HTMX)
    assert empty.status_code == 422 and "Write a note first." in empty.get_data(as_text=True)
    no_js = agent.post(path, data={"csrf_token": token, "note": "z" * 2001})
    assert no_js.status_code == 422 and "z" * 2001 in no_js.get_data(as_text=True)
    ok = agent.post(path, data={"csrf_token": token, "note": "Long-time customer, upset"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("#founders")
    again = agent.post(path, data={"csrf_token": token, "note": "Again"}, headers=HTMX)
    assert again.status_code == 409
    assert agent.post("/tickets/999999/escalate", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        [item] = db.session.scalars(sa.select(Escalation)).all()
        assert item.reason == "manual" and "Long-time customer, upset" in item.detail
    founder = login_as("founder")
    assert "Long-time customer, upset" in founder.get("/founders/queue").get_data(as_text=True)


def test_settings_form_validates_and_saves(app, founder):
    bad = post(
        founder,
        "/founders/settings",
        data={
            "vip_lifetime_value": "500",
            "repeat_contact_count": "1",
            "repeat_contact_days": "14",
            "attention_target_hours": "24",
        },
    )
    assert bad.status_code == 422 and "Use a number from 2 to 50." in bad.get_data(as_text=True)
    ok = post(
        founder,
        "/founders/settings",
        data={
            "vip_lifetime_value": "500",
            "repeat_contact_count": "4",
            "repeat_contact_days": "7",
            "attention_target_hours": "2",
        },
    )
    assert ok.status_code == 302
    raise_item(app, hours_ago=3)
    assert "Overdue" in founder.get("/founders/queue").get_data(as_text=True)


@contextlib.contextmanager
def count_queries(app):
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def test_the_queue_query_count_does_not_grow_with_items(app, founder, make_user):
    claimer = make_user("founder")
    for _ in range(2):
        raise_item(app, claimed_by_id=claimer.id, status="claimed")
    founder.get("/founders/queue")
    with count_queries(app) as few:
        founder.get("/founders/queue")
    for reason in ("vip", "bad_rating", "repeat_contact", "negative_sentiment"):
        raise_item(app, reason, claimed_by_id=claimer.id, status="claimed")
    with count_queries(app) as many:
        page = founder.get("/founders/queue").get_data(as_text=True)
    assert page.count("claimed by Founder Person") == 6
    assert len(few) == len(many)


def test_notes_show_their_time_in_the_readers_zone(app, founder):
    item_id, _number = raise_item(app)
    with app.app_context():
        from helpdesk.models import User

        user = db.session.scalar(sa.select(User).where(User.role == "founder"))
        user.timezone = "Asia/Bangkok"
        db.session.commit()
    response = post(
        founder, f"/founders/escalations/{item_id}/note", data={"note": "Called her"}, headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Called her" in html and "UTC" not in html
    # 12:00 UTC is 19:00 in Bangkok.
    assert 'datetime="2026-05-04T12:00:00+00:00"' in html and "7:00" in html


def test_note_entries_read_back_the_author_and_time():
    from helpdesk.founders.queries import note_entries

    entries = note_entries("Founder Person · 2026-05-04 12:00 UTC\nCalled her\n\nfree text")
    assert [(e.author, e.at, e.text) for e in entries] == [
        ("Founder Person", NOW, "Called her"),
        (None, None, "free text"),
    ]
    assert note_entries(None) == []
