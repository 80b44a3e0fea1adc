"""The service-level journey: an admin creates a policy for VIPs in the settings page; a
VIP's new ticket shows a countdown in the inbox; the clock moves past the target, the
breach sweep runs, and the ticket shows the breach and lands in the founders' queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.browser

MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # business hours default: 09-17 UTC


def log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


def test_a_vip_ticket_counts_down_breaches_and_reaches_the_founders(  # type: ignore[no-untyped-def]
    page, app, make_user, set_now
):
    from helpdesk.extensions import db
    from helpdesk.sla.sweeps import sweep_breaches
    from helpdesk.tickets.intake import ticket_create_by_customer
    from helpdesk.tickets.intake_steps import CustomerContact
    from tests.factories import CustomerFactory

    set_now(MONDAY)
    admin = make_user("admin", name="Ana Admin")
    founder = make_user("founder", name="Fran Founder")
    log_in(page, admin)

    # The admin creates the policy in the UI.
    page.get_by_text("Settings", exact=True).click()  # the navigation's settings menu
    page.get_by_role("link", name="Service levels").click()
    page.wait_for_url("**/settings/service-levels")
    page.get_by_label("Name").fill("VIP customers")
    page.get_by_label("First reply within: hours").fill("1")
    page.get_by_label("Resolution within: hours").fill("8")
    page.get_by_label("Only VIP customers").check()
    page.get_by_label("On a breach, add the ticket to the founders' queue").check()
    page.get_by_role("button", name="Add policy").click()
    page.wait_for_url("**/settings/service-levels")
    assert "The service-level policy is saved." in page.inner_text("body")
    row = page.locator("table.sla-policies tbody tr").first
    assert "VIP customers" in row.inner_text()
    assert "VIP only" in row.inner_text()
    assert "1 h" in row.inner_text()

    # A VIP writes in.
    with app.app_context():
        CustomerFactory(email="vip@example.net", name="Vera Vip", vip=True)
        ticket, _token = ticket_create_by_customer(
            contact=CustomerContact(name="Vera Vip", email="vip@example.net"),
            subject="Checkout is down",
            body="Nobody can pay on our shop since this morning.",
        )
        number = ticket.number
        db.session.remove()

    set_now(MONDAY + timedelta(minutes=20))
    page.goto("/inbox?sort=due")
    row = page.locator("[data-row]", has_text="Checkout is down")
    assert "First reply due in 40 min" in row.locator(".sla-due").inner_text()
    assert "overdue" not in (row.locator(".sla-due").get_attribute("class") or "")

    page.goto(f"/tickets/{number}")
    panel = page.locator("#service-levels")
    assert "Running" in panel.inner_text()
    assert "40 min left" in panel.inner_text()
    assert "Policy: VIP customers" in panel.inner_text()

    # Time passes; the scheduler's sweep finds the clock overdue.
    set_now(MONDAY + timedelta(hours=1, minutes=5))
    with app.app_context():
        assert sweep_breaches() == 1
        db.session.remove()

    page.goto("/inbox")
    row = page.locator("[data-row]", has_text="Checkout is down")
    due = row.locator(".sla-due")
    assert due.inner_text() == "First reply 5 min overdue"
    assert "overdue" in (due.get_attribute("class") or "")
    page.goto("/inbox?view=breaching")
    assert page.locator("[data-row]", has_text="Checkout is down").count() == 1

    page.goto(f"/tickets/{number}")
    panel = page.locator("#service-levels")
    assert "Breached" in panel.inner_text()
    assert "5 min overdue" in panel.inner_text()
    assert "missed a service-level target" in page.inner_text("body")

    # The founder sees it in the queue.
    page.get_by_role("button", name="Log out").click()
    log_in(page, founder)
    page.goto("/founders/queue")
    queue = page.inner_text("main")
    assert "Checkout is down" in queue
    assert "Service-level target missed" in queue
