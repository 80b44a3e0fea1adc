"""The whole HEARD recovery as an agent clicks it: an angry message arrives, the ticket is a
complaint with reasons, phrases go into the reply step by step, the reply is sent, the
ticket resolved, Diagnose completed, and the complaint closed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ANGRY = (
    "This is the second time you charged my card twice. Unacceptable! "
    "I want a refund today or I will cancel my account."
)


@pytest.fixture
def complaint(app, make_user):
    from helpdesk.extensions import db
    from helpdesk.models import User
    from helpdesk.recovery.library import seed_library
    from helpdesk.tickets.intake import ticket_create

    somebody = make_user("agent", name="Intake Person")
    with app.app_context():
        seed_library()
        ticket = ticket_create(
            actor=db.session.get(User, somebody.id),
            customer_email="nok@example.com",
            customer_name="Nok Srisuk",
            subject="Charged twice",
            body=ANGRY,
        )
        return ticket.number


def test_full_heard_recovery(page, make_user, complaint):
    agent = make_user("agent", name="Dewi Lestari")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(agent.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")

    page.get_by_role("link", name="Complaints").click()
    page.wait_for_url("**view=complaints")
    row = page.locator("[data-row]").first
    assert "Recovery: Hear" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_url(f"**/tickets/{complaint}")

    panel = page.locator("#recovery")
    assert "Mentions a refund" in panel.inner_text()
    reply = page.get_by_label("Message")

    # Hear: the problem in the customer's words.
    panel.get_by_role("button", name="Thank you for telling us, Nok.").click()
    panel.get_by_label("The problem, in the customer's words").fill("Charged twice for March")
    panel.get_by_role("button", name="Mark “Hear” done").click()
    panel.get_by_role("button", name="I'd be frustrated too, Nok.").wait_for()

    # Empathize and Apologize: phrases into the reply, at the cursor.
    panel.get_by_role("button", name="I'd be frustrated too, Nok.").click()
    panel.get_by_role("button", name="Mark “Empathize” done").click()
    panel.get_by_role("button", name="We got this wrong, and I apologise.").click()
    assert "I'd be frustrated too, Nok. We got this wrong, and I apologise." in reply.input_value()

    # A blame-shifting word earns a gentle hint, not a block.
    reply.press("End")
    reply.type(" But our policy says")
    expect(page.locator("#blame-hint")).to_be_visible()
    reply.fill(
        "I'd be frustrated too, Nok. We got this wrong, and I apologise. "
        "I've refunded the duplicate charge."
    )
    expect(page.locator("#blame-hint")).not_to_be_visible()
    panel.get_by_role("button", name="Mark “Apologize” done").click()

    # Resolve, then send the reply and resolve the ticket.
    panel.get_by_label("What was done to make it right").fill("Refunded the duplicate charge")
    panel.get_by_role("button", name="Mark “Resolve” done").click()
    panel.get_by_label("Root cause").wait_for()
    page.get_by_role("button", name="Send and resolve").click()
    page.wait_for_url(f"**/tickets/{complaint}#composer")
    expect(page.locator(".flash").get_by_text("Reply sent to Nok Srisuk")).to_be_visible()

    # Closing before Diagnose is refused, with the reason shown.
    page.get_by_label("Status").select_option("closed")
    page.locator("#properties").get_by_text("Finish the Diagnose step").wait_for()

    # Diagnose: blameless, about the process; then the complaint closes.
    panel = page.locator("#recovery")
    panel.get_by_label("Root cause").select_option(label="Billing or payment error")
    panel.get_by_label("What in our process let this happen?").fill(
        "The retry job charged again without checking for a first charge"
    )
    panel.get_by_label("What will we change?").fill("Make charges idempotent")
    panel.get_by_role("button", name="Mark “Diagnose” done").click()
    panel.get_by_text("All five steps are done").wait_for()
    page.get_by_label("Status").select_option("closed")
    page.locator("#audit-trail").get_by_text("Resolved → Closed").wait_for()
    page.reload()
    assert page.get_by_label("Status").input_value() == "closed"
