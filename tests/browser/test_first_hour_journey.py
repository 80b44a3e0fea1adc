"""The first hour on custom ports, as `PORT=… DEMO_PORT=… make run` serves it: the demo
data loaded for a demo shop on a port of its own, the helpdesk on another, and its links
built on the address served (HELPDESK_BASE_URL). The shop's widget opens a working frame
and a customer writes; an agent answers with a promise; a founder reads the trends. Every
link in the emails and the widget snippet points at the served address, no trend section
is empty with the demo data, and the ticket history shows no raw ids or ISO timestamps."""

from __future__ import annotations

import re
import socket

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import serving

pytestmark = pytest.mark.browser

FRAME = "iframe[title=Support]"
TIMEOUT = 10_000
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_ACTOR = re.compile(r"\b(customer|user):\d+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("helpdesk-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


def test_the_first_hour_on_custom_ports(app, browser, page, live_server, runner):
    from helpdesk.extensions import db
    from helpdesk.models import Outbox
    from helpdesk.widget.demo_site import create_demo_site

    # `make run` passes the served address; the demo allows the shop's own port.
    app.config["BASE_URL"] = live_server
    shop_port = free_port()
    loaded = runner.invoke(args=["helpdesk", "demo", "--demo-port", str(shop_port)])
    assert loaded.exit_code == 0, loaded.output

    with serving(create_demo_site(live_server), port=shop_port) as shop:
        assert shop.endswith(f":{shop_port}") and shop != live_server
        customer = browser.new_context().new_page()
        customer.goto(shop)
        help_button = customer.locator("[data-helpdesk-widget] button")
        expect(help_button).to_have_text("Help", timeout=TIMEOUT)
        help_button.click()
        frame = customer.locator(FRAME)
        expect(frame).to_have_attribute("src", re.compile("^" + re.escape(live_server)))
        panel = customer.frame_locator(FRAME)
        # Not a broken frame: the panel's own page loaded, articles and all.
        expect(panel.get_by_label("Search our help articles")).to_be_visible(timeout=TIMEOUT)
        panel.get_by_role("button", name="Write to us").click()
        panel.get_by_label("Your name").fill("Mali Wong")
        panel.get_by_label("Your email").fill("mali@example.co.th")
        panel.get_by_label("How can we help?").fill("My order from the shop never arrived.")
        panel.get_by_role("button", name="Send", exact=True).click()
        expect(panel.get_by_text("We usually reply", exact=False)).to_be_visible(timeout=TIMEOUT)
        customer.context.close()

    # The agent finds it at the top of the inbox and answers with a promise.
    log_in(page, "agent@example.com")
    page.get_by_role("link", name=re.compile("My order from the shop|never arrived")).first.click()
    page.wait_for_url(re.compile(r".*/tickets/\d+$"))
    page.locator("#body").fill("I am sorry, Mali. I am checking with the courier now.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".flash").get_by_text("Reply sent to Mali Wong")).to_be_visible()
    history = page.locator("#audit-trail").inner_text()
    assert not ISO_TIMESTAMP.search(history), history
    assert not RAW_ACTOR.search(history), history

    # A demo ticket's history (the detector, automations, service levels) reads as words too.
    page.goto("/inbox?view=complaints")
    page.locator("a.ticket-link").first.click()
    page.wait_for_url(re.compile(r".*/tickets/\d+$"))
    history = page.locator("#audit-trail").inner_text()
    assert not ISO_TIMESTAMP.search(history) and not RAW_ACTOR.search(history), history
    page.get_by_role("button", name="Log out").click()

    # The admin's widget snippet points at the served address.
    log_in(page, "admin@example.com")
    page.goto("/settings/widget")
    snippet = page.locator("#snippet-plain").inner_text()
    assert f"{live_server}/widget.js" in snippet and "localhost:5000" not in snippet
    page.get_by_role("button", name="Log out").click()

    # The founder's trends tell a story from the demo data: no empty section.
    log_in(page, "founder@example.com")
    page.goto("/founders/trends")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.get_by_text("No data in this range yet").count() == 0

    # Every link in every email goes to the served address.
    with app.app_context():
        bodies = db.session.scalars(sa.select(Outbox.body_text)).all()
    links = [link for body in bodies for link in re.findall(r"https?://[^\s)>\"]+", body)]
    assert links, "the journey sent emails with links"
    wrong = [link for link in links if not link.startswith(live_server)]
    assert not wrong, wrong[:5]
