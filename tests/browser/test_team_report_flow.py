"""A founder opens the team report from the header, reads why it exists, changes the
range, opens the tickets behind a person's number and downloads the table as CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def numbers(app, make_user):
    from tests.factories import TicketFactory

    agent = make_user("agent", name="Dewi Lestari", email="dewi@example.com")
    with app.app_context():
        inside = [
            TicketFactory(
                assignee_id=agent.id,
                subject=f"Parcel {n}",
                created_at=datetime(2026, 3, 3 + n, 10, tzinfo=UTC),
                first_staff_reply_at=datetime(2026, 3, 3 + n, 11, tzinfo=UTC),
            ).number
            for n in range(2)
        ]
        TicketFactory(
            assignee_id=agent.id,
            subject="Old parcel",
            created_at=datetime(2025, 12, 1, 10, tzinfo=UTC),
        )
        return inside


def test_founder_reads_the_report_drills_down_and_downloads_csv(page, make_user, numbers):
    founder = make_user("founder", name="Fran Founder")
    page.goto("/login")
    page.get_by_label("Email").fill(founder.email)
    page.get_by_label("Password").fill(founder.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")

    page.get_by_text("Founders", exact=True).click()  # the navigation's founders' menu
    page.get_by_role("link", name="Team report").click()
    page.wait_for_url("**/founders/team")
    expect(page.get_by_role("heading", name="For coaching, not blame")).to_be_visible()

    page.get_by_label("From").fill("2026-03-02")
    page.get_by_label("To (included)").fill("2026-03-15")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/founders/team?start=2026-03-02&end=2026-03-15")
    row = page.get_by_role("row").filter(has_text="Dewi Lestari")
    assert "few tickets — read with care" in row.inner_text()

    # The "Opened" count of Dewi's row: two tickets in the range, the old one left out.
    row.get_by_role("link", name="2").first.click()
    page.wait_for_url("**/founders/team/tickets?**")
    assert "Dewi Lestari · Tickets opened" in page.content()
    listed = page.locator("table.trend-tickets tbody tr")
    assert listed.count() == 2
    assert "Old parcel" not in page.content()
    for number in numbers:
        expect(page.get_by_role("link", name=f"#{number}")).to_be_visible()

    page.get_by_role("link", name="Back to the team report").click()
    page.wait_for_url("**/founders/team?**")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "team-report-2026-03-02-2026-03-15.csv"
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0].startswith("Person,Tickets: Opened")
    assert any(line.startswith("Dewi Lestari,2,") for line in text.splitlines())
