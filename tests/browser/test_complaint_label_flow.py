"""Teaching the detector as an agent clicks it: a calm message the detector did not flag is
marked "Yes, a complaint" (the recovery opens), then changed to "Not a complaint" (it
ends), all without leaving the ticket page; then two tickets are marked from the inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def calm_tickets(app, make_user):
    from helpdesk.extensions import db
    from helpdesk.models import User
    from helpdesk.recovery.library import seed_library
    from helpdesk.tickets.intake import ticket_create

    somebody = make_user("agent", name="Intake Person")
    numbers = []
    with app.app_context():
        seed_library()
        for index, body in enumerate(
            (
                "The courier again left my parcel at the gate, order 1042.",
                "Hello, can I change the delivery address for order 1043?",
                "Could you send the invoice for order 1044 to my work email?",
            )
        ):
            ticket = ticket_create(
                actor=db.session.get(User, somebody.id),
                customer_email=f"sam{index}@example.com",
                customer_name="Sam Lee",
                subject=f"Order {1042 + index}",
                body=body,
            )
            numbers.append(ticket.number)
    return numbers


def test_agent_marks_complaints_on_the_ticket_and_in_the_inbox(page, make_user, calm_tickets):
    agent = make_user("agent", name="Dewi Lestari")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(agent.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")

    first = calm_tickets[0]
    page.goto(f"/tickets/{first}")
    panel = page.locator("#recovery")
    assert "Is this a complaint?" in panel.inner_text()
    panel.get_by_role("button", name="Yes, a complaint").click()
    panel.get_by_text("Marked as a complaint by Dewi Lestari").wait_for()
    expect(panel.get_by_role("button", name="Mark “Hear” done")).to_be_visible()
    assert page.url.endswith(f"/tickets/{first}")  # swapped in place, no reload

    panel.get_by_role("button", name="Not a complaint").click()
    panel.get_by_text("Marked as not a complaint by Dewi Lestari").wait_for()
    assert panel.get_by_role("button", name="Mark “Hear” done").count() == 0

    page.goto("/inbox?view=open")
    for number in calm_tickets[1:]:
        page.get_by_label(f"Select ticket {number}").check()
    page.get_by_label("Complaint?").select_option("yes")
    page.get_by_role("button", name="Apply to selected").click()
    page.get_by_text("2 of 2 selected tickets changed.").first.wait_for()
    page.goto("/inbox?view=complaints")
    rows = page.locator("[data-row]")
    assert rows.count() == 2
