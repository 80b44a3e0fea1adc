"""The service-level pages: the admins' policy settings (create, edit, bad input, order,
enable, delete; who may not), the inbox's due line, "Due soonest" sort and "Breaching soon"
view, and the ticket page's panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk import clock
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, SlaPolicy, Ticket, User
from helpdesk.sla import policies
from helpdesk.sla.policies import PolicyFields
from helpdesk.sla.sweeps import sweep_breaches
from helpdesk.tickets.intake import ticket_create
from tests.conftest import csrf_token

PAGE = "/settings/service-levels"
MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def form(client: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "csrf_token": csrf_token(client, PAGE),
        "name": "VIP",
        "first_reply_hours": "1",
        "first_reply_minutes": "30",
        "resolution_hours": "8",
        "warn_hours": "0",
        "warn_minutes": "30",
        "priorities": ["high", "urgent"],
        "plans": "pro, Enterprise, pro",
        "vip_only": "y",
        "enabled": "y",
        "escalate_to_founders": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def all_policies(app: Any) -> list[SlaPolicy]:
    with app.app_context():
        return list(db.session.scalars(sa.select(SlaPolicy).order_by(SlaPolicy.position)))


def test_an_admin_creates_a_policy_and_it_is_listed_and_audited(app, login_as):
    client = login_as("admin")
    response = client.post(PAGE, data=form(client))
    assert response.status_code == 302
    [policy] = all_policies(app)
    assert policy.name == "VIP"
    assert (policy.first_reply_minutes, policy.next_reply_minutes, policy.resolution_minutes) == (
        90,
        None,
        480,
    )
    assert policy.warn_minutes == 30
    assert policy.priorities == ["high", "urgent"]
    assert policy.plans == ["pro", "Enterprise"]
    assert (policy.vip_only, policy.enabled) == (True, True)
    assert (policy.escalate_to_assignee, policy.escalate_to_founders) == (False, True)
    page = client.get(PAGE).get_data(as_text=True)
    assert "VIP" in page and "1 h 30 min" in page and "8 h" in page
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(AuditEvent.action).where(AuditEvent.object_type == "sla_policies")
            )
            == "sla_policy.create"
        )


@pytest.mark.parametrize(
    ("changes", "field_text", "message"),
    [
        ({"name": "  "}, "", "Give the policy a name."),
        (
            {"first_reply_hours": "", "first_reply_minutes": "", "resolution_hours": ""},
            "",
            "Set at least one target",
        ),
        ({"first_reply_minutes": "75"}, "", "Give 0 to 59 minutes."),
        ({"first_reply_hours": "abc"}, "abc", "Not a valid integer value."),
        ({"resolution_hours": "1441"}, "1441", "Give 0 to 1440 hours."),
        ({"priorities": ["soon"]}, "", "is not a valid choice for this field."),
        ({"plans": "x" * 61}, "x" * 61, "A plan name is at most 60 characters."),
        (
            {"first_reply_hours": "0", "first_reply_minutes": "0"},
            "",
            "Give between 1 minute(s)",
        ),
    ],
)
def test_bad_input_says_what_is_wrong_and_keeps_what_was_typed(
    app, login_as, changes, field_text, message
):
    client = login_as("admin")
    response = client.post(PAGE, data=form(client, **{"name": "Typed name", **changes}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if "name" not in changes:
        assert 'value="Typed name"' in page
    if field_text:
        assert field_text in page
    assert all_policies(app) == []


def test_a_name_is_unique_without_case(app, login_as):
    client = login_as("admin")
    assert client.post(PAGE, data=form(client)).status_code == 302
    response = client.post(PAGE, data=form(client, name="vip"))
    assert response.status_code == 422
    assert "Another policy has this name" in response.get_data(as_text=True)
    assert len(all_policies(app)) == 1


def test_edit_reorder_disable_and_delete(app, login_as):
    client = login_as("admin")
    client.post(PAGE, data=form(client, name="First"))
    client.post(PAGE, data=form(client, name="Second"))
    first, second = all_policies(app)

    page = client.get(f"{PAGE}/{first.id}").get_data(as_text=True)
    assert 'value="First"' in page and 'value="30"' in page
    bad = client.post(f"{PAGE}/{first.id}", data=form(client, name="Second"))
    assert bad.status_code == 422
    ok = client.post(f"{PAGE}/{first.id}", data=form(client, name="Renamed", warn_minutes="0"))
    assert ok.status_code == 302

    token = csrf_token(client, PAGE)
    client.post(f"{PAGE}/{second.id}/move", data={"csrf_token": token, "direction": "up"})
    assert [p.name for p in all_policies(app)] == ["Second", "Renamed"]
    client.post(f"{PAGE}/{second.id}/enable", data={"csrf_token": token, "enabled": "0"})
    assert [p.enabled for p in all_policies(app)] == [False, True]
    assert (
        client.post(
            f"{PAGE}/{second.id}/move", data={"csrf_token": token, "direction": "sideways"}
        ).status_code
        == 400
    )
    client.post(f"{PAGE}/{second.id}/delete", data={"csrf_token": token})
    assert [p.name for p in all_policies(app)] == ["Renamed"]
    assert client.post(f"{PAGE}/{second.id}/delete", data={"csrf_token": token}).status_code == 404
    # Without the CSRF token nothing happens.
    assert client.post(f"{PAGE}/{first.id}/delete", data={}).status_code == 400
    assert len(all_policies(app)) == 1


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_agents_and_founders_cannot_see_or_change_policies(app, login_as, role):
    admin = login_as("admin")
    admin.post(PAGE, data=form(admin))
    [policy] = all_policies(app)
    client = login_as(role)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/{policy.id}").status_code == 403
    token = csrf_token(client, "/")
    assert client.post(PAGE, data={"csrf_token": token, "name": "Mine"}).status_code == 403
    assert client.post(f"{PAGE}/{policy.id}/delete", data={"csrf_token": token}).status_code == 403
    assert len(all_policies(app)) == 1
    assert "Service levels" not in client.get("/inbox").get_data(as_text=True)


def test_the_service_refuses_someone_who_is_not_an_admin(database, make_user):
    user = db.session.get(User, make_user("founder").id)
    with pytest.raises(Exception, match="Only admins"):
        policies.sla_policy_create(actor=user, fields=PolicyFields(name="X", first_reply_minutes=5))


# --- the inbox and the ticket page ----------------------------------------------------------


@pytest.fixture
def timed_tickets(app, make_user):
    """Three open tickets under one policy: due in 2 h (first reply), 30 min (urgent, warn),
    and none (no policy applies to low priority)."""
    clock.set_now(MONDAY)
    admin = make_user("admin")
    with app.app_context():
        actor = db.session.get(User, admin.id)
        policies.sla_policy_create(
            actor=actor,
            fields=PolicyFields(
                name="Urgent", priorities=["urgent"], first_reply_minutes=30, warn_minutes=15
            ),
        )
        policies.sla_policy_create(
            actor=actor,
            fields=PolicyFields(
                name="Normal", priorities=["normal"], first_reply_minutes=120, warn_minutes=15
            ),
        )
        numbers = {}
        for name, priority in (("normal", "normal"), ("urgent", "urgent"), ("low", "low")):
            ticket = ticket_create(
                actor=actor,
                customer_email=f"{name}@example.net",
                customer_name=name.title(),
                subject=f"{name} problem",
                body="Help",
                priority=priority,
            )
            numbers[name] = ticket.number
    yield numbers
    clock.set_now(None)


def rows(page: str) -> list[str]:
    import re

    return re.findall(r'<span class="subject" dir="auto">([a-z]+) problem</span>', page)


def test_the_inbox_shows_time_left_and_sorts_due_soonest(app, login_as, timed_tickets):
    client = login_as("agent")
    page = client.get("/inbox?sort=due").get_data(as_text=True)
    assert rows(page) == ["urgent", "normal", "low"]
    assert '<p class="sla-due">First reply due in 2 h</p>' in page
    assert '<p class="sla-due">First reply due in 30 min</p>' in page

    clock.set_now(MONDAY + timedelta(minutes=20))  # inside the urgent one's warning window
    page = client.get("/inbox?sort=due").get_data(as_text=True)
    assert '<p class="sla-due soon">First reply due in 10 min</p>' in page

    clock.set_now(MONDAY + timedelta(minutes=65))
    page = client.get("/inbox").get_data(as_text=True)
    assert '<p class="sla-due overdue">First reply 35 min overdue</p>' in page


def test_due_soonest_pages_with_a_cursor(app, login_as, timed_tickets, monkeypatch):
    from helpdesk.tickets import inbox

    monkeypatch.setattr(inbox, "PAGE_SIZE", 1)
    client = login_as("agent")
    seen = []
    url = "/inbox?sort=due"
    for _ in range(3):
        page = client.get(url).get_data(as_text=True)
        seen += rows(page)
        import html
        import re

        match = re.search(r'id="pager-next" href="([^"]+)"', page)
        if not match:
            break
        url = html.unescape(match.group(1))
    assert seen == ["urgent", "normal", "low"]
    assert client.get("/inbox?sort=due&after=broken").status_code == 400


def test_breaching_soon_lists_overdue_and_warned_tickets_only(app, login_as, timed_tickets):
    client = login_as("agent")
    assert rows(client.get("/inbox?view=breaching").get_data(as_text=True)) == []
    clock.set_now(MONDAY + timedelta(minutes=16))
    page = client.get("/inbox?view=breaching").get_data(as_text=True)
    assert rows(page) == ["urgent"]
    assert 'id="view-breaching"' in page
    clock.set_now(MONDAY + timedelta(hours=3))
    page = client.get("/inbox?view=breaching").get_data(as_text=True)
    assert rows(page) == ["urgent", "normal"]
    assert 'Breaching soon <span class="count">2</span>' in page


def test_the_ticket_page_shows_each_targets_state(app, login_as, timed_tickets):
    client = login_as("agent")
    number = timed_tickets["urgent"]
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Service levels" in page
    assert "First reply" in page and "Running" in page and "30 min left" in page
    assert "Policy: Urgent" in page

    clock.set_now(MONDAY + timedelta(hours=1))
    with app.app_context():
        sweep_breaches()
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Breached" in page and "30 min overdue" in page
    assert "missed a service-level target" in page  # the history line

    low = client.get(f"/tickets/{timed_tickets['low']}").get_data(as_text=True)
    assert "No service-level targets apply to this ticket." in low


def test_a_paused_clock_shows_its_frozen_time(app, login_as, timed_tickets):
    client = login_as("agent")
    number = timed_tickets["normal"]
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        user = db.session.scalar(sa.select(User).where(User.role == "admin"))
        from helpdesk.tickets.service import ticket_update

        clock.set_now(MONDAY + timedelta(minutes=30))
        ticket_update(ticket=ticket, actor=user, status="pending")
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Paused: waiting on the customer" in page
    assert "1 h 30 min of business time left, frozen" in page
