"""The Automations settings page through the Flask client (CSRF on): who may open it,
creating a rule from the When / If / Then form, bad input that keeps what was typed,
switching, reordering, deleting (all audited) and the dry run, which writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, AutomationRule, AutomationRun, SavedReply, Ticket
from tests.conftest import csrf_token
from tests.integration.automation_support import customer_writes, staff

PAGE = "/settings/automations"
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_rules(app):
    """Start without the default rules migration 0022 seeds into a new database."""
    with app.app_context():
        db.session.execute(sa.delete(AutomationRule))
        db.session.commit()


def form(client, **changes):
    data = {
        "csrf_token": csrf_token(client, f"{PAGE}/new"),
        "name": "Refunds to Dewi",
        "enabled": "y",
        "trigger": "customer_replied",
        "trigger_status": "",
        "time_amount": "",
        "time_unit": "days",
        "time_field": "status_since",
        "words": "refund\nmoney back",
        "tags": "",
        "complaint": "",
        "plans": "",
        "min_value": "",
        "set_priority": "high",
        "add_tags": "",
        "assign": "",
        "note": "",
        "saved_reply": "",
        "close": "",
        "close_body": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def rules() -> list[AutomationRule]:
    return list(db.session.scalars(sa.select(AutomationRule).order_by(AutomationRule.position)))


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_only_admins_open_or_change_automations(app, login_as, role):
    client = login_as(role)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/new").status_code == 403
    token = csrf_token(client, "/inbox")
    assert client.post(f"{PAGE}/new", data={"csrf_token": token, "name": "x"}).status_code == 403
    assert client.post(f"{PAGE}/dry-run", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert rules() == []


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_creates_a_rule_that_reads_as_a_sentence_and_is_audited(app, login_as):
    client = login_as("admin")
    with app.app_context():
        dewi = staff("Dewi")
    response = client.post(f"{PAGE}/new", data=form(client, assign=str(dewi.id)))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    assert (
        "When a customer replies, if the message mentions “refund” or “money back”, then set "
        "priority to High, assign to Dewi." in page.replace("&#34;", '"')
    )
    with app.app_context():
        [rule] = rules()
        assert rule.enabled and rule.conditions == {"version": 1, "words": ["refund", "money back"]}
        assert rule.actions["steps"] == [
            {"type": "set_priority", "priority": "high"},
            {"type": "assign", "user_id": dewi.id},
        ]
        audit = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "automation.create")
        )
        assert audit is not None and audit.actor_user_id == client.user.id


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"name": "  "}, "Give the rule a name."),
        ({"set_priority": ""}, "Choose at least one thing the rule does."),
        ({"trigger": "time_since", "time_amount": "seven"}, "Enter a whole number, such as 7."),
        ({"trigger": "time_since", "time_amount": "400"}, "Enter a number of days from 1 to 365."),
        (
            {"trigger": "time_since", "time_amount": "0", "time_unit": "hours"},
            "Enter a number of hours from 1 to 8760.",
        ),
        ({"trigger": "earthquake"}, "Choose when the rule runs."),
        ({"assign": "999999"}, "Someone the rule names is no longer on the team."),
        ({"assign": "abc"}, "Choose from the list."),
        ({"min_value": "lots"}, "Enter an amount such as 1000 or 1000.50 (0 or more)."),
        ({"min_value": "-5"}, "Enter an amount such as 1000 or 1000.50 (0 or more)."),
        ({"add_tags": "not a tag!"}, "is not a valid tag"),
        ({"priorities": "sky-high"}, "Unknown value"),
        ({"close_body": "Bye"}, "Choose resolved or closed to send a closing message."),
        ({"words": "money back\n" + "x" * 101}, "too long"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message_and_the_typed_values_are_kept(
    app, login_as, changes, field_message
):
    client = login_as("admin")
    response = client.post(
        f"{PAGE}/new",
        data=form(client, name="Keep my name", **changes)
        if "name" not in changes
        else form(client, **changes),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_message in html.replace("&#34;", '"').replace("&#39;", "'")
    assert "money back" in html  # what was typed is still there
    with app.app_context():
        assert rules() == []


def test_a_switched_off_saved_reply_cannot_be_chosen(app, login_as):
    client = login_as("admin")
    with app.app_context():
        reply = SavedReply(title="Old", body="Hi", language="en", active=False)
        db.session.add(reply)
        db.session.commit()
        reply_id = reply.id
    response = client.post(f"{PAGE}/new", data=form(client, saved_reply=str(reply_id)))
    assert response.status_code == 422
    assert "was deleted or switched off" in response.get_data(as_text=True)


def test_switch_move_and_delete_are_audited(app, login_as):
    client = login_as("admin")
    for name in ("First", "Second"):
        assert client.post(f"{PAGE}/new", data=form(client, name=name)).status_code == 302
    with app.app_context():
        first, second = (rule.id for rule in rules())
    token = csrf_token(client, PAGE)
    client.post(f"{PAGE}/{first}/switch", data={"csrf_token": token, "enabled": "0"})
    client.post(f"{PAGE}/{second}/move", data={"csrf_token": token, "direction": "up"})
    with app.app_context():
        assert [(rule.name, rule.enabled) for rule in rules()] == [
            ("Second", True),
            ("First", False),
        ]
    client.post(f"{PAGE}/{first}/delete", data={"csrf_token": token})
    assert client.post(f"{PAGE}/{second}/delete", data={}).status_code == 400  # no CSRF token
    with app.app_context():
        assert [rule.name for rule in rules()] == ["Second"]
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {
            "automation.create",
            "automation.update",
            "automation.move",
            "automation.delete",
        } <= actions
    assert client.get(f"{PAGE}/{first}").status_code == 404
    assert client.post(f"{PAGE}/{first}/switch", data={"csrf_token": token}).status_code == 404


def test_the_dry_run_lists_what_an_unsaved_rule_would_have_done_and_writes_nothing(
    app, login_as, set_now
):
    set_now(T0)
    with app.app_context():
        refund = customer_writes("I want a refund", email="a@example.net")
        other = customer_writes("Where is my parcel", email="b@example.net")
        numbers = (refund.number, other.number)
    set_now(T0 + timedelta(days=40))
    with app.app_context():
        customer_writes("Refund please!", email="c@example.net")
    set_now(T0 + timedelta(days=45))
    with app.app_context():
        recent = customer_writes("refund refund", email="d@example.net")
        recent_number = recent.number
    client = login_as("admin")  # now: a session from 45 days ago has expired
    token = csrf_token(client, PAGE)
    with app.app_context():
        audits = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    response = client.post(
        f"{PAGE}/dry-run",
        data=form(client, name="Unsaved", trigger="ticket_created", csrf_token=token),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 tickets would have matched." in html
    assert f"#{recent_number}" in html
    assert f"#{numbers[0]}" not in html and f"#{numbers[1]}" not in html  # older than 30 days
    assert "set priority to High" in html
    assert 'value="Unsaved"' in html  # the form is kept
    with app.app_context():
        assert rules() == []
        assert db.session.scalar(sa.select(sa.func.count(AutomationRun.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == audits
        assert {t.priority for t in db.session.scalars(sa.select(Ticket))} == {"normal"}


def test_the_dry_run_of_a_saved_time_rule_and_its_htmx_fragment(app, login_as, set_now):
    set_now(T0)
    client = login_as("admin")
    data = form(
        client,
        name="Close idle",
        trigger="time_since",
        time_amount="7",
        time_field="status_since",
        words="",
        set_priority="",
        close="closed",
        statuses="pending",
    )
    assert client.post(f"{PAGE}/new", data=data).status_code == 302
    with app.app_context():
        agent = staff("Agent")
        ticket = customer_writes("Hello", email="idle@example.net")
        from helpdesk.tickets.service import ticket_update

        ticket_update(ticket=ticket, actor=agent, status="pending")
        number = ticket.number
        [rule] = rules()
        rule_id = rule.id
    set_now(T0 + timedelta(days=9))
    client = login_as("admin")
    data["csrf_token"] = csrf_token(client, PAGE)
    html = client.get(f"{PAGE}/{rule_id}/dry-run").get_data(as_text=True)
    assert "1 ticket would have matched." in html and f"#{number}" in html
    assert "send the polite default note and set the status to Closed" in html
    fragment = client.post(
        f"{PAGE}/dry-run?rule={rule_id}", data=data, headers={"HX-Request": "true"}
    )
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'id="rule-editor"' in body
    with app.app_context():
        assert db.session.get(Ticket, ticket.id).status == "pending"
