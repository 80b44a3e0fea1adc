"""Everyday hygiene as an agent clicks it: snooze a ticket (it leaves the inbox, waits in
"Snoozed", and comes back on top when its time comes and the job runs), merge a second
ticket of the same customer into it, then mark a third as spam and undo."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from helpdesk import clock

pytestmark = pytest.mark.browser

MONDAY = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def tickets(app):
    from helpdesk.extensions import db
    from tests.factories import CustomerFactory, MessageFactory, TicketFactory

    clock.set_now(MONDAY)
    with app.app_context():
        customer = CustomerFactory(name="Budi Santoso", email="budi@toko.example")
        first = TicketFactory(customer=customer, subject="Invoice is wrong", status="open")
        second = TicketFactory(customer=customer, subject="Invoice again", status="open")
        spam = TicketFactory(
            customer=CustomerFactory(name="Cheap Pills", email="win@pills.example"),
            subject="You won a prize",
            status="new",
        )
        for ticket in (first, second, spam):
            MessageFactory(ticket=ticket, body_source=f"About {ticket.subject}", created_at=MONDAY)
        db.session.commit()
        return first.number, second.number, spam.number


def test_snooze_comes_back_merge_and_spam_with_undo(app, page, make_user, tickets):
    from helpdesk.tickets.snooze_sweep import sweep_snoozed

    first, second, spam = tickets
    agent = make_user("agent", name="Dewi Lestari")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(agent.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")

    # Snooze for three business hours (09:00-12:00 on Monday): out of the inbox, into
    # "Snoozed".
    page.goto(f"/tickets/{first}")
    page.get_by_text("Snooze until…").click()
    page.get_by_role("button", name="In 3 business hours").click()
    page.wait_for_url("**/inbox")
    assert f"#{first} is snoozed until" in page.locator(".flashes").inner_text()
    assert "Invoice is wrong" not in page.locator("table.tickets").inner_text()
    page.get_by_role("link", name="Snoozed").click()
    page.wait_for_url("**/inbox?view=snoozed")
    row = page.locator("[data-row]").first
    assert "Invoice is wrong" in row.inner_text() and "Snoozed until" in row.inner_text()

    # At 12:01 the job wakes it, and it is back on top of the inbox.
    clock.set_now(datetime(2026, 6, 1, 12, 1, tzinfo=UTC))
    with app.app_context():
        assert sweep_snoozed() == 1
    page.goto("/inbox")
    assert "Invoice is wrong" in page.locator("[data-row]").first.inner_text()

    # Merge the second ticket into the first, through the confirmation step.
    page.goto(f"/tickets/{second}")
    page.get_by_text("Merge into…").click()
    page.locator(".merge-candidates").get_by_role("link", name=f"#{first}").click()
    page.wait_for_url(f"**/tickets/{second}/merge?*")
    assert "Invoice again" in page.locator("#merge-source").inner_text()
    assert "Invoice is wrong" in page.locator("#merge-into").inner_text()
    assert "cannot be undone" in page.content()
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url(f"**/tickets/{first}")
    assert f"#{second} is merged into #{first}." in page.locator(".flashes").inner_text()
    assert "About Invoice again" in page.locator("main").inner_text()

    # Spam, blocking the address; then "Not spam" undoes both.
    page.goto(f"/tickets/{spam}")
    page.get_by_text("Mark as spam…").click()
    page.get_by_label("This address").check()
    page.get_by_role("button", name="Mark as spam").click()
    page.wait_for_url(f"**/tickets/{spam}")
    assert "win@pills.example is blocked" in page.locator(".flashes").inner_text()
    page.get_by_role("button", name="Not spam (undo)").click()
    page.wait_for_url(f"**/tickets/{spam}")
    flash = page.locator(".flashes").inner_text()
    assert "is not spam any more" in flash and "win@pills.example is unblocked" in flash
    expect(page.get_by_text("Mark as spam…")).to_be_visible()
