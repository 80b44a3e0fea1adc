"""Promise an update from the composer, find it on the ticket and in the promises view,
then reply before it is due and see it kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def ticket_number(app):
    from tests.factories import MessageFactory, TicketFactory

    with app.app_context():
        ticket = TicketFactory(subject="Export keeps failing")
        ticket.customer.name = "Budi Santoso"
        ticket.customer.timezone = "Asia/Jakarta"
        MessageFactory(ticket=ticket, body_source="My export fails every time.")
        return ticket.number


def test_promise_then_keep_it(page, make_user, ticket_number):
    agent = make_user("agent", name="Dewi Lestari")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(agent.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")
    page.goto(f"/tickets/{ticket_number}")

    page.get_by_text("Promise an update").click()
    page.get_by_role("button", name="About an hour").click()
    suggestion = page.locator("#promise-suggestion")
    suggestion.get_by_text("The customer reads:").wait_for()
    sentence = suggestion.locator(".promise-sentence").inner_text()
    assert sentence.startswith("I'll send you an update by")
    suggestion.get_by_role("button", name="Put the sentence in the reply").click()
    assert sentence in page.get_by_label("Message").input_value()
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(f"**/tickets/{ticket_number}#composer")

    panel = page.locator("#promises")
    assert "Due in" in panel.inner_text()
    assert sentence in panel.inner_text()

    page.goto("/inbox?view=promises")
    row = page.locator("[data-row]").first
    assert "Export keeps failing" in row.inner_text()
    assert "Update promised in" in row.inner_text()

    page.goto(f"/tickets/{ticket_number}")
    page.get_by_label("Message").fill("Fixed: your export works again.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(f"**/tickets/{ticket_number}#composer")
    panel = page.locator("#promises")
    assert "No update promised." in panel.inner_text()
    assert "Kept" in panel.inner_text()
