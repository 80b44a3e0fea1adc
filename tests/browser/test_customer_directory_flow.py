"""The customer directory as a founder uses it: find a customer by company, change their
lifetime value, merge a duplicate record into them, and see the merged history (the
duplicate's ticket, its address as an alias, the merge in the history)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from helpdesk import clock

pytestmark = pytest.mark.browser

MONDAY = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def customers(app):
    from helpdesk.extensions import db
    from tests.factories import CustomerFactory, MessageFactory, TicketFactory

    clock.set_now(MONDAY)
    with app.app_context():
        kept = CustomerFactory(name="Ana Lima", email="ana@limafoods.example", company="Lima Foods")
        duplicate = CustomerFactory(name="Ana L.", email="ana.lima@gmail.example")
        CustomerFactory(name="Budi Santoso", email="budi@toko.example", company="Toko Budi")
        ticket = TicketFactory(customer=duplicate, subject="Parcel never came", status="open")
        MessageFactory(ticket=ticket, body_source="Where is my parcel?", created_at=MONDAY)
        db.session.commit()
        return kept.id, duplicate.id


def test_find_by_company_edit_value_merge_a_duplicate(app, page, make_user, customers):
    kept_id, duplicate_id = customers
    founder = make_user("founder", name="Siti Rahma")
    page.goto("/login")
    page.get_by_label("Email").fill(founder.email)
    page.get_by_label("Password").fill(founder.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")

    # Find her by company, from the main navigation.
    page.get_by_role("link", name="Customers").click()
    page.wait_for_url("**/customers")
    page.get_by_label("Search").fill("lima foods")
    page.get_by_role("button", name="Search").click()
    table = page.locator("#customer-table")
    expect(table.get_by_role("link", name="Ana Lima")).to_be_visible()
    expect(table.get_by_text("Budi Santoso")).to_have_count(0)
    table.get_by_role("link", name="Ana Lima").click()
    page.wait_for_url(f"**/customers/{kept_id}")

    # Change her lifetime value.
    page.get_by_label("Lifetime value").fill("2500")
    page.get_by_role("button", name="Save details").click()
    page.wait_for_url(f"**/customers/{kept_id}")
    expect(page.locator(".flashes")).to_contain_text("details are saved")
    expect(page.locator("#customer-value")).to_contain_text("2,500.00")

    # A refused value stays in the field with the reason beside it.
    page.get_by_label("Lifetime value").fill("-3")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("The lifetime value cannot be negative.")).to_be_visible()
    expect(page.get_by_label("Lifetime value")).to_have_value("-3")

    # Merge the duplicate into her: from the duplicate's page, find her, confirm.
    page.goto(f"/customers/{duplicate_id}")
    page.get_by_label("Find the customer to keep").fill("Lima Foods")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(f"**/customers/{duplicate_id}/merge?*")
    page.get_by_role("link", name="Keep this record").click()
    page.wait_for_url(f"**/customers/{duplicate_id}/merge/confirm?*")
    expect(page.locator("#merge-source")).to_contain_text("ana.lima@gmail.example")
    expect(page.locator("#merge-into")).to_contain_text("ana@limafoods.example")
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url(f"**/customers/{kept_id}")

    # The merged history is on her page.
    expect(page.locator(".flashes")).to_contain_text("now holds both records")
    expect(page.locator("#customer-tickets")).to_contain_text("Parcel never came")
    expect(page.locator("#customer-aliases")).to_contain_text("ana.lima@gmail.example")
    expect(page.locator("#customer-history")).to_contain_text("merged another customer")
    expect(page.locator("#customer-value")).to_contain_text("2,500.00")
