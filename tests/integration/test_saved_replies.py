"""Saved replies through the Flask client: the settings page (who manages what, bad input
that keeps what was typed, audit), the composer's picker reads, and sending a reply made
from a saved reply (its actions applied and its use counted once, or nothing at all)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, SavedReply, Ticket
from helpdesk.recovery import library
from helpdesk.saved_replies.service import seed_saved_replies
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, MessageFactory, TicketFactory
from tests.integration.test_recovery import agent, angry_ticket

PAGE = "/settings/saved-replies"


@pytest.fixture(autouse=True)
def no_saved_replies(app):
    """Start without the starting replies migration 0017 loads into a new database."""
    with app.app_context():
        db.session.execute(sa.delete(SavedReply))
        db.session.commit()


def form(client, **changes):
    return {
        "csrf_token": csrf_token(client, PAGE),
        "title": "Refund on its way",
        "body": "Hi {customer_first_name}, the refund is on its way. {agent_name}",
        "language": "en",
        "scope": "personal",
        "keywords": "refund",
        "active": "y",
        "set_status": "",
        "set_priority": "",
        "add_tags": "",
        **changes,
    }


def add_reply(app, owner_id=None, **fields):
    with app.app_context():
        values = {"title": "Team reply", "body": "Hello {customer_first_name}", "language": "en"}
        reply = SavedReply(owner_id=owner_id, **{**values, **fields})
        db.session.add(reply)
        db.session.commit()
        return reply.id


def stored(app, reply_id):
    with app.app_context():
        reply = db.session.get(SavedReply, reply_id)
        if reply is None:
            return None
        db.session.expunge(reply)
        return reply


def test_anonymous_visitors_are_sent_to_login(app, client):
    reply_id = add_reply(app)
    with app.app_context():
        number = TicketFactory().number
    for path in (PAGE, f"{PAGE}/{reply_id}", f"/tickets/{number}/saved-replies"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert client.post(f"{PAGE}/{reply_id}/delete").status_code in (302, 400)
    assert stored(app, reply_id) is not None


def test_an_agent_adds_a_personal_reply_and_it_is_audited(app, login_as):
    client = login_as("agent")
    response = client.post(PAGE, data=form(client, set_status="pending", add_tags="Billing"))
    assert response.status_code == 302
    with app.app_context():
        reply = db.session.scalar(sa.select(SavedReply))
        assert reply.owner_id == client.user.id
        assert (reply.set_status, reply.add_tags) == ("pending", "billing")
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "saved_reply.create")
        )
        assert event.actor_user_id == client.user.id
    page = client.get(PAGE).get_data(as_text=True)
    assert "Refund on its way" in page
    assert "status Waiting on customer" in page


def test_bad_input_shows_the_error_and_keeps_the_text(app, login_as):
    client = login_as("agent")
    response = client.post(
        PAGE, data=form(client, title="Kept title", body="Hi {first_name}, kept body")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Unknown placeholder {first_name}" in html
    assert 'value="Kept title"' in html
    assert "Hi {first_name}, kept body" in html
    response = client.post(PAGE, data=form(client, add_tags="bad tag!", title=""))
    assert response.status_code == 422
    assert "Give the reply a title." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SavedReply.id))) == 0


def test_only_admins_add_team_replies(app, login_as):
    client = login_as("agent")
    response = client.post(PAGE, data=form(client, scope="team"))
    assert response.status_code == 403
    assert "Only an admin can add team replies." in response.get_data(as_text=True)
    admin = login_as("admin")
    assert admin.post(PAGE, data=form(admin, scope="team")).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(SavedReply.owner_id)) is None


def test_agents_cannot_touch_team_replies_or_anyone_elses(app, login_as, make_user):
    client = login_as("agent")
    team_id = add_reply(app)
    other = make_user("agent")
    others_id = add_reply(app, owner_id=other.id, title="Not yours")
    assert client.get(f"{PAGE}/{team_id}").status_code == 403
    assert client.post(f"{PAGE}/{team_id}", data=form(client)).status_code == 403
    assert client.post(f"{PAGE}/{team_id}/delete", data=form(client)).status_code == 403
    assert client.get(f"{PAGE}/{others_id}").status_code == 404
    assert client.post(f"{PAGE}/{others_id}/delete", data=form(client)).status_code == 404
    assert "Not yours" not in client.get(PAGE).get_data(as_text=True)
    # Admins manage team replies, but not someone's personal ones either.
    admin = login_as("admin")
    assert admin.get(f"{PAGE}/{others_id}").status_code == 404
    response = admin.post(f"{PAGE}/{team_id}", data=form(admin, title="Renamed"))
    assert response.status_code == 302
    assert stored(app, team_id).title == "Renamed"
    assert stored(app, others_id).title == "Not yours"


def test_owner_edits_and_deletes_with_errors_kept(app, login_as):
    client = login_as("agent")
    reply_id = add_reply(app, owner_id=client.user.id)
    response = client.post(f"{PAGE}/{reply_id}", data=form(client, body="Hi {oops}"))
    assert response.status_code == 422
    assert "Hi {oops}" in response.get_data(as_text=True)
    assert stored(app, reply_id).body == "Hello {customer_first_name}"
    assert client.post(f"{PAGE}/{reply_id}", data=form(client)).status_code == 302
    assert stored(app, reply_id).title == "Refund on its way"
    response = client.post(
        f"{PAGE}/{reply_id}/delete", data={"csrf_token": csrf_token(client, PAGE)}
    )
    assert response.status_code == 302
    assert stored(app, reply_id) is None
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"saved_reply.update", "saved_reply.delete"} <= actions


def test_a_reply_taken_out_of_the_picker_can_be_put_back(app, login_as):
    client = login_as("agent")
    reply_id = add_reply(app, owner_id=client.user.id)
    with app.app_context():
        number = TicketFactory().number
    fields = form(client)
    del fields["active"]  # an unticked checkbox is not sent
    assert client.post(f"{PAGE}/{reply_id}", data=fields).status_code == 302
    assert stored(app, reply_id).active is False
    listed = client.get(f"/tickets/{number}/saved-replies").get_json()["replies"]
    assert reply_id not in [item["id"] for item in listed]
    assert client.post(f"{PAGE}/{reply_id}", data=form(client)).status_code == 302
    assert stored(app, reply_id).active is True
    listed = client.get(f"/tickets/{number}/saved-replies").get_json()["replies"]
    assert reply_id in [item["id"] for item in listed]


def test_search_and_filters(app, login_as):
    client = login_as("admin")
    add_reply(app, title="Shipping delay", keywords="parcel")
    add_reply(app, title="ขอบคุณ", language="th")
    add_reply(app, owner_id=client.user.id, title="My own greeting")
    html = client.get(f"{PAGE}?q=PARCEL").get_data(as_text=True)
    assert "Shipping delay" in html and "My own greeting" not in html
    html = client.get(f"{PAGE}?language=th").get_data(as_text=True)
    assert "ขอบคุณ" in html and "Shipping delay" not in html
    html = client.get(f"{PAGE}?scope=personal").get_data(as_text=True)
    assert "My own greeting" in html and "Shipping delay" not in html
    assert client.get(f"{PAGE}?q=%25&language=zz&scope=evil").status_code == 200


def test_picker_lists_the_tickets_language_first_and_fills_placeholders(app, login_as, make_user):
    client = login_as("agent")
    other = make_user("agent")
    with app.app_context():
        customer = CustomerFactory(name="Nattaya Srisuk", language="th")
        number = TicketFactory(customer=customer).number
    english = add_reply(app, title="English", use_count=50)
    thai = add_reply(app, title="ไทย", language="th", body="สวัสดีค่ะ คุณ{customer_first_name}")
    add_reply(app, owner_id=other.id, title="Someone else's")
    listed = client.get(f"/tickets/{number}/saved-replies").get_json()["replies"]
    assert [item["id"] for item in listed] == [thai, english]
    filled = client.get(f"/tickets/{number}/saved-replies/{thai}")
    assert filled.headers["Cache-Control"] == "no-store"
    assert filled.get_json() == {"id": thai, "text": "สวัสดีค่ะ คุณNattaya", "actions": []}
    others = add_reply(app, owner_id=other.id)
    assert client.get(f"/tickets/{number}/saved-replies/{others}").status_code == 404
    assert client.get(f"/tickets/{number}/saved-replies/99999").status_code == 404
    assert client.get(f"/tickets/9999999/saved-replies/{thai}").status_code == 404
    assert stored(app, thai).use_count == 0  # reading is not using


def test_a_customer_without_a_name_gets_the_fallback(app, login_as):
    client = login_as("agent")
    with app.app_context():
        number = TicketFactory(customer=CustomerFactory(name="")).number
    reply_id = add_reply(app, body="Hi {customer_first_name}, ticket {ticket_number}")
    text = client.get(f"/tickets/{number}/saved-replies/{reply_id}").get_json()["text"]
    assert text == f"Hi there, ticket {number}"


def last_message_id(html):
    tag = re.search(r'<input[^>]*name="last_message_id"[^>]*>', html).group(0)
    return re.search(r'value="(\d+)"', tag).group(1)


def send(client, number, body, **extra):
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    status = re.search(r'name="seen_status"[^>]*value="(\w+)"', page).group(1)
    data = {
        "csrf_token": csrf_token(client, f"/tickets/{number}"),
        "kind": "reply",
        "body": body,
        "then": "",
        "last_message_id": last_message_id(page),
        "seen_status": status,
        **extra,
    }
    return client.post(f"/tickets/{number}/messages", data=data)


def ticket_state(app, number):
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        return ticket.status, ticket.priority, sorted(tag.name for tag in ticket.tags)


@pytest.fixture
def macro_ticket(app):
    with app.app_context():
        ticket = TicketFactory(status="open")
        MessageFactory(ticket=ticket)
        return ticket.number


def test_sending_applies_the_actions_and_counts_once(app, login_as, macro_ticket):
    client = login_as("agent")
    reply_id = add_reply(app, set_status="pending", set_priority="high", add_tags="billing,vip")
    response = send(
        client, macro_ticket, "Hello", saved_reply_id=str(reply_id), saved_reply_actions="1"
    )
    assert response.status_code == 302
    assert ticket_state(app, macro_ticket) == ("pending", "high", ["billing", "vip"])
    reply = stored(app, reply_id)
    assert reply.use_count == 1
    assert reply.last_used_at is not None
    with app.app_context():
        update = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "ticket.update")
        )
        assert update.changes["priority"] == ["normal", "high"]


def test_removed_actions_are_not_applied_but_the_use_counts(app, login_as, macro_ticket):
    client = login_as("agent")
    reply_id = add_reply(app, set_status="resolved", add_tags="billing")
    response = send(client, macro_ticket, "Hello", saved_reply_id=str(reply_id))
    assert response.status_code == 302
    assert ticket_state(app, macro_ticket) == ("open", "normal", [])
    assert stored(app, reply_id).use_count == 1


def test_the_send_buttons_status_wins_over_the_replys(app, login_as, macro_ticket):
    client = login_as("agent")
    reply_id = add_reply(app, set_status="pending", add_tags="billing")
    response = send(
        client,
        macro_ticket,
        "Hello",
        then="resolved",
        saved_reply_id=str(reply_id),
        saved_reply_actions="1",
    )
    assert response.status_code == 302
    assert ticket_state(app, macro_ticket) == ("resolved", "normal", ["billing"])


def test_a_refused_send_applies_and_counts_nothing(app, login_as, macro_ticket):
    client = login_as("agent")
    reply_id = add_reply(app, set_status="pending", add_tags="billing")
    response = send(
        client, macro_ticket, "   ", saved_reply_id=str(reply_id), saved_reply_actions="1"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'name="saved_reply_id" value="{reply_id}"' in html  # the choice is kept
    assert ticket_state(app, macro_ticket) == ("open", "normal", [])
    assert stored(app, reply_id).use_count == 0


def test_someone_elses_personal_reply_applies_nothing(app, login_as, make_user, macro_ticket):
    client = login_as("agent")
    other = make_user("agent")
    reply_id = add_reply(app, owner_id=other.id, set_status="pending")
    response = send(
        client, macro_ticket, "Hello", saved_reply_id=str(reply_id), saved_reply_actions="1"
    )
    assert response.status_code == 302
    assert ticket_state(app, macro_ticket)[0] == "open"
    assert stored(app, reply_id).use_count == 0


def test_an_action_a_rule_refuses_sends_nothing_and_keeps_the_text(app, login_as):
    client = login_as("agent")
    with app.app_context():
        library.seed_library()
        number = angry_ticket(agent("Somchai Wong")).number
    reply_id = add_reply(app, set_status="closed")
    response = send(
        client, number, "Closing this now", saved_reply_id=str(reply_id), saved_reply_actions="1"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The saved reply&#39;s actions could not be applied" in html
    assert "Closing this now" in html
    assert stored(app, reply_id).use_count == 0
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        assert [m.author_type for m in ticket.messages] == ["customer"]


def test_a_forged_saved_reply_id_is_refused(app, login_as, macro_ticket):
    client = login_as("agent")
    response = send(client, macro_ticket, "Hello", saved_reply_id="abc")
    assert response.status_code == 400


def test_one_library_step_phrases_and_everyday_replies(app, login_as):
    with app.app_context():
        library.seed_library()
        seed_saved_replies()
        seed_saved_replies()  # idempotent
        library.seed_library()
        everyday = list(
            db.session.scalars(sa.select(SavedReply).where(SavedReply.heard_step.is_(None)))
        )
        assert {reply.language for reply in everyday} == {"en", "th", "id", "bn"}
        assert len(everyday) == 20
        steps = set(db.session.scalars(sa.select(SavedReply.heard_step).distinct()))
        assert steps >= {"hear", "empathize", "apologize", "resolve", "diagnose", "promise"}
        step_phrase = db.session.scalar(
            sa.select(SavedReply.id).where(SavedReply.heard_step == "hear").limit(1)
        )
    client = login_as("agent")
    with app.app_context():
        number = TicketFactory().number
    # The panel's phrases stay out of the composer's picker and the saved replies page.
    listed = client.get(f"/tickets/{number}/saved-replies").get_json()["replies"]
    assert len(listed) == 20
    assert client.get(f"{PAGE}/{step_phrase}").status_code == 404
    admin = login_as("admin")
    page = admin.get("/settings/phrases").get_data(as_text=True)
    assert 'value="general"' not in page
    assert "/settings/saved-replies" in page
    response = admin.post(
        "/settings/phrases",
        data={
            "csrf_token": csrf_token(admin, "/settings/phrases"),
            "step": "general",
            "language": "en",
            "text": "Hello",
        },
    )
    assert response.status_code == 422
    assert "General phrases are saved replies now" in response.get_data(as_text=True)
