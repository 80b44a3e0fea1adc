"""A privacy request as an admin clicks it: from the ticket's customer panel to the
customer's privacy page, a legal hold that blocks erasure, the export download, then
erasure after typing the customer's email; the ticket keeps its number, not its words."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def ticket_number(app):
    from helpdesk.extensions import db
    from tests.factories import CustomerFactory, MessageFactory, TicketFactory

    with app.app_context():
        customer = CustomerFactory(name="Siti Rahayu", email="siti@toko.example")
        ticket = TicketFactory(customer=customer, subject="Refund for the batik order")
        MessageFactory(ticket=ticket, body_source="Please refund my batik order 4471.")
        db.session.commit()
        return ticket.number


def test_admin_exports_then_erases_after_lifting_a_legal_hold(page, make_user, ticket_number):
    admin = make_user("admin", name="Ayu Admin")
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")

    page.goto(f"/tickets/{ticket_number}")
    page.get_by_role("link", name="Privacy requests: export, erase, legal hold").click()
    page.wait_for_url("**/privacy")
    expect(page.get_by_role("heading", name="Siti Rahayu")).to_be_visible()

    # A legal hold blocks erasure.
    page.get_by_role("checkbox", name="Legal hold").check()
    page.get_by_role("button", name="Save legal hold").click()
    expect(page.locator(".flashes")).to_contain_text("Legal hold set")
    page.get_by_role("link", name="Erase…").click()
    expect(page.locator("#erase-blocked")).to_contain_text("under legal hold")
    expect(page.get_by_label("Confirmation")).to_have_count(0)
    page.get_by_role("link", name="Back to privacy requests").click()
    page.get_by_role("checkbox", name="Legal hold").uncheck()
    page.get_by_role("button", name="Save legal hold").click()
    expect(page.locator(".flashes")).to_contain_text("Legal hold lifted")

    # The export downloads as a ZIP holding the conversation.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download export").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-export.zip")
    with zipfile.ZipFile(download.path()) as archive:
        [ticket] = json.loads(archive.read("tickets.json"))
    assert ticket["messages"][0]["body"] == "Please refund my batik order 4471."

    # Erasure: a wrong confirmation is refused beside the field, the email confirms.
    page.get_by_role("link", name="Erase…").click()
    page.get_by_label("Confirmation").fill("siti")
    page.get_by_role("button", name="Erase personal data").click()
    expect(page.locator("#confirmation-error")).to_contain_text("Type the customer's email")
    page.get_by_label("Confirmation").fill("siti@toko.example")
    page.get_by_role("button", name="Erase personal data").click()
    page.wait_for_url("**/privacy")
    expect(page.locator(".flashes")).to_contain_text("personal data was erased")
    expect(page.locator("#privacy-state")).to_contain_text("Erased on")

    page.goto(f"/tickets/{ticket_number}")
    expect(page.get_by_role("heading", name="Erased customer", exact=False)).to_be_visible()
    expect(page.get_by_text("batik")).to_have_count(0)
