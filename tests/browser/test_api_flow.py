"""A new user makes an API token in settings, reads the API reference, creates a ticket
with the token over HTTP (as curl would) and finds it in the inbox."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


def test_token_to_ticket_in_the_inbox(page, make_user, live_server):
    agent = make_user("agent")
    _log_in(page, agent)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/settings/api-tokens")
    page.get_by_label("Name").fill("Billing alerts")
    page.get_by_label("Access").select_option("read-write")
    page.get_by_role("button", name="Create token").click()
    secret_box = page.get_by_label("Token", exact=True)
    secret = secret_box.input_value()
    assert secret.startswith("hd_")
    expect(page.get_by_role("cell", name="Billing alerts", exact=True)).to_be_visible()

    # The reference page renders from installed assets under the app's CSP.
    page.get_by_role("link", name="API reference").click()
    page.wait_for_url("**/api/docs")
    page.get_by_text("/api/v1/tickets", exact=True).first.wait_for()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()

    request = urllib.request.Request(  # noqa: S310 - the test's own loopback server
        f"{live_server}/api/v1/tickets",
        data=json.dumps(
            {
                "customer_email": "ana@example.com",
                "customer_name": "Ana Lima",
                "subject": "Payment failed twice",
                "body": "The checkout says my card was declined, but I was charged.",
            }
        ).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201
        number = json.load(response)["number"]

    page.goto("/inbox")
    link = page.get_by_role("link", name="Payment failed twice")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(f"**/tickets/{number}")
    expect(page.get_by_text("but I was charged")).to_be_visible()
