"""Issue 22's first journey, up to "At risk": the company's product sends eight weeks of
a demo customer's events through the API, then a quiet week; the usage sweep marks them
slipping, and a founder finds them in "At risk" (by lifetime value, between the demo's
slipping and dormant customers) and on their customer page. (Reviewing and sending the
outreach message is the outreach playbooks' part of the journey.)"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from helpdesk import clock

pytestmark = pytest.mark.browser

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CUSTOMER = "erik@example.se"  # a demo customer whose product sent nothing yet


def _send(live_server: str, secret: str, events: list[dict]) -> dict:
    request = urllib.request.Request(  # noqa: S310 - the test's own loopback server
        f"{live_server}/api/v1/events",
        data=json.dumps({"events": events}).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
        return json.load(response)


def test_events_through_the_api_put_a_slipping_customer_at_risk(app, page, live_server):
    from helpdesk.auth.api_tokens import token_create
    from helpdesk.dev.demo import DEMO_PASSWORD, demo_load
    from helpdesk.extensions import db
    from helpdesk.models import Customer, User
    from helpdesk.usage.sweep import sweep_usage_health

    clock.set_now(NOW)
    with app.app_context():
        demo_load()
        admin = db.session.scalar(db.select(User).where(User.email == "admin@example.com"))
        _token, secret = token_create(
            owner=admin, name="product", scope="read-write", expires_at=None
        )
        erik_id = db.session.scalar(db.select(Customer.id).where(Customer.email == CUSTOMER))

    # Eight weeks of daily logins and orders, then a week with one login.
    events = []
    for days_ago in range(7, 63):
        at = NOW - timedelta(days=days_ago, hours=2)
        events += [
            {
                "id": f"login-{days_ago}",
                "customer": {"email": CUSTOMER},
                "name": "logged_in",
                "at": at.isoformat(),
            },
            {
                "id": f"order-{days_ago}",
                "customer": {"email": CUSTOMER},
                "name": "order_placed",
                "at": at.isoformat(),
            },
        ]
    events.append(
        {
            "id": "login-3",
            "customer": {"email": CUSTOMER},
            "name": "logged_in",
            "at": (NOW - timedelta(days=3)).isoformat(),
        }
    )
    sent = _send(live_server, secret, events)
    assert sent["accepted"] == len(events)
    # The product retries the batch: nothing counts twice.
    assert _send(live_server, secret, events)["duplicates"] == len(events)

    with app.app_context():
        sweep_usage_health()  # the scheduler's usage_health job

    page.goto("/login")
    page.get_by_label("Email").fill("founder@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")
    page.get_by_text("Founders", exact=True).click()  # the navigation's founders' menu
    page.get_by_role("link", name="At risk").click()
    page.wait_for_url("**/founders/at-risk")

    rows = page.locator("#at-risk tbody tr")
    # By lifetime value: the demo's two slipping customers, Erik, then the dormant one.
    expect(rows).to_have_count(4)
    expect(rows.nth(2)).to_contain_text("Erik Johansson")
    expect(rows.nth(2)).to_contain_text("Slipping")
    expect(rows.nth(2)).to_contain_text("The last 7 days are well below their usual week.")
    expect(rows.nth(0)).to_contain_text("Budi Santoso")
    expect(rows.nth(3)).to_contain_text("Dormant")

    rows.nth(2).get_by_role("link", name="Erik Johansson").click()
    page.wait_for_url(f"**/customers/{erik_id}")
    card = page.locator("#customer-usage")
    expect(card.locator("#usage-state")).to_have_text("Slipping")
    expect(card.locator("#usage-last-7")).to_have_text("1 event")
    expect(card).to_contain_text("14 events")  # their usual week: two a day


def test_a_signed_in_customers_page_view_on_the_host_site_counts(app, page, live_server):
    """The loader reports a verified customer's page view (a beacon) as `page_viewed`."""
    from helpdesk.extensions import db
    from helpdesk.models import UsageDaily
    from helpdesk.widget.demo_site import DEMO_CUSTOMER_EMAIL, create_demo_site
    from helpdesk.widget.settings import widget_secret
    from tests.browser.conftest import serving
    from tests.factories import CustomerFactory

    clock.set_now(NOW)
    with app.app_context():
        sam = CustomerFactory(email=DEMO_CUSTOMER_EMAIL, name="Sam Lee")
        widget_secret()
        db.session.commit()
        sam_id = sam.id

    def secret() -> str:
        with app.app_context():
            return widget_secret()

    with serving(create_demo_site(live_server, secret=secret)) as shop:
        with page.expect_response("**/api/widget/v1/page-views") as beacon:
            page.goto(f"{shop}/?signed=1")
        assert beacon.value.status == 204
        # Anonymous visitors send nothing.
        page.goto(f"{shop}/")
        expect(page.locator("[data-helpdesk-widget]")).to_have_count(1)
    with app.app_context():
        counted = db.session.execute(
            db.select(UsageDaily.customer_id, UsageDaily.name, UsageDaily.count)
        ).all()
    assert [tuple(row) for row in counted] == [(sam_id, "page_viewed", 1)]
