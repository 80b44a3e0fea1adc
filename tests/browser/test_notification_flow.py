"""An agent writes an internal note mentioning a colleague, picking them with the keyboard
from the @mention picker; the colleague's open page shows the bell's count change without
a reload (the bell polls every second in this test), and following the item opens the
ticket and marks it read."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


def test_a_mention_rings_the_colleagues_bell_without_a_reload(
    app, browser, live_server, page, make_user
):
    from playwright.sync_api import expect

    from tests.factories import MessageFactory, TicketFactory

    app.config["BELL_POLL_SECONDS"] = 1
    with app.app_context():
        ticket = TicketFactory(subject="Invoice shows the wrong VAT")
        MessageFactory(ticket=ticket, body_source="My invoice is wrong.")
        number = ticket.number
    anong = make_user("agent", name="Anong Chaiyaporn", email="anong@example.com")
    budi = make_user("agent", name="Budi Santoso", email="budi@example.com")

    log_in(page, anong)
    bell = page.locator("#bell")
    expect(bell.locator("summary")).to_contain_text("Notifications")
    expect(bell.locator(".bell-count")).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")

    other = browser.new_context(base_url=live_server)
    writer = other.new_page()
    try:
        log_in(writer, budi)
        # The presence panel swaps in half a second after load and moves the composer:
        # wait for it, so the click lands on the radio and not where it was.
        with writer.expect_response(lambda response: response.url.endswith("/presence")):
            writer.goto(f"/tickets/{number}")
        writer.get_by_label("Internal note").check()
        message = writer.get_by_label("Message")
        message.click()
        message.press_sequentially("Can you check the VAT, @an")
        option = writer.locator("#mention-picker [role=option]")
        expect(option.first).to_contain_text("Anong Chaiyaporn")
        message.press("ArrowDown")  # wraps round a one-person list: still Anong
        message.press("Enter")
        expect(writer.locator("#mention-picker")).to_be_hidden()
        assert message.input_value() == "Can you check the VAT, @anong "
        message.press_sequentially("please?")
        writer.get_by_role("button", name="Send", exact=True).click()
        writer.wait_for_url(f"**/tickets/{number}#composer")
    finally:
        other.close()

    expect(bell.locator(".bell-count")).to_have_text("1", timeout=10_000)
    assert page.evaluate("window.stillTheSamePage") is True
    bell.locator("summary").click()
    item = bell.get_by_role("button", name=f"Budi mentioned you in a note on #{number}")
    item.click()
    page.wait_for_url(f"**/tickets/{number}")
    expect(page.locator("#bell .bell-count")).to_have_count(0)
