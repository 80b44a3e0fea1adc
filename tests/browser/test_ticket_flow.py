"""An agent works the inbox and a ticket the way a person does: filter, search, keyboard,
reply, change status, read the history, reload and find the list as it was."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def log_in(page, user):
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


@pytest.fixture
def seeded(app):
    from helpdesk.extensions import db
    from tests.factories import CustomerFactory, MessageFactory, TicketFactory

    with app.app_context():
        nok = CustomerFactory(name="Nok Srisuk", email="nok@example.co.th")
        refund = TicketFactory(
            customer=nok,
            subject="Refund for order 5521",
            priority="urgent",
            status="open",
            last_message_snippet="ขอคืนเงินค่าสินค้าด้วยค่ะ",
        )
        MessageFactory(ticket=refund, body_source="ขอคืนเงินค่าสินค้าด้วยค่ะ")
        for index in range(5):
            ticket = TicketFactory(subject=f"Question {index}", priority="low")
            MessageFactory(ticket=ticket, body_source=f"How do I do thing {index}?")
        db.session.commit()
        return refund.number


def test_filter_search_keyboard_reply_status_history_reload(page, make_user, seeded):
    agent = make_user("agent", name="Dewi Lestari")
    log_in(page, agent)

    # Filter: urgent only. The list swaps in place and the URL follows.
    page.get_by_label("Priority", exact=True).select_option("urgent")
    page.wait_for_url(re.compile(r"priority=urgent"))
    rows = page.locator("[data-row]")
    assert rows.count() == 1
    assert "Refund for order 5521" in rows.first.inner_text()

    # Search in Thai, a word inside a longer run of Thai text, with the match highlighted.
    page.get_by_label("Priority", exact=True).select_option("")
    page.wait_for_url(re.compile(r"^(?!.*priority=urgent)"))
    page.keyboard.press("Escape")
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "inbox-q"
    page.keyboard.type("คืนเงิน")
    page.wait_for_url(re.compile(r"q=%E0%B8%84"))
    page.wait_for_function("document.querySelectorAll('[data-row]').length === 1")
    assert page.locator("[data-row] mark").first.inner_text() == "คืนเงิน"

    # Reload: the same list comes back from the URL alone.
    page.reload()
    assert page.get_by_label("Search").input_value() == "คืนเงิน"
    assert page.locator("[data-row]").count() == 1

    # Keyboard: j selects the first row, Enter opens it.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{seeded}")

    # r focuses the reply box; the reply is sent and the ticket resolved.
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "body"
    page.keyboard.type("Hi Nok, I have refunded order 5521. Sorry for the trouble!")
    page.get_by_role("button", name="Send and resolve").click()
    page.wait_for_url(f"**/tickets/{seeded}#composer")
    expect(page.locator(".flash").get_by_text("Reply sent to Nok Srisuk")).to_be_visible()
    expect(page.get_by_text("I have refunded order 5521")).to_be_visible()
    assert page.get_by_label("Status").input_value() == "resolved"

    # Change status inline; the history panel updates without a reload.
    page.get_by_label("Status").select_option("open")
    history = page.locator("#audit-trail")
    history.get_by_text("status: Resolved → Open").wait_for()
    assert "Dewi Lestari" in history.inner_text()
    page.reload()
    assert page.get_by_label("Status").input_value() == "open"


def test_a_draft_survives_a_reload_and_a_failed_send(page, make_user, seeded):
    agent = make_user("agent")
    log_in(page, agent)
    page.goto(f"/tickets/{seeded}")
    page.get_by_label("Message").fill("Half-written answer that must not be lost")
    page.reload()
    assert page.get_by_label("Message").input_value() == (
        "Half-written answer that must not be lost"
    )
    page.get_by_label("Message").fill("   ")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Write a message first.")).to_be_visible()


def test_a_draft_note_comes_back_as_a_note(page, make_user, seeded):
    agent = make_user("agent")
    log_in(page, agent)
    # The presence panel swaps in after load and moves the composer: wait for it first.
    with page.expect_response(lambda response: response.url.endswith("/presence")):
        page.goto(f"/tickets/{seeded}")
    page.get_by_label("Internal note").check()
    page.get_by_label("Message").fill("For the team only: check the refund log")
    page.reload()
    assert page.get_by_label("Message").input_value() == "For the team only: check the refund log"
    assert page.get_by_label("Internal note").is_checked()


def test_shortcuts_dialog_opens_with_question_mark(page, make_user):
    agent = make_user("agent")
    log_in(page, agent)
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).not_to_be_visible()


def test_a_panel_refresh_never_copies_a_browser_added_style_attribute(page, make_user, seeded):
    """Browsers (autofill) may leave an empty `style` attribute on form fields. When the
    presence panel refreshes, htmx must not copy it onto the new panel's fields: setting a
    style attribute breaks the CSP (`style-src` has no 'unsafe-inline'), which the page
    fixture reports as a console error."""
    from playwright.sync_api import expect

    agent = make_user("agent")
    log_in(page, agent)
    page.goto(f"/tickets/{seeded}")
    panel = page.locator("#presence")
    expect(panel).to_be_attached()
    page.wait_for_timeout(800)  # the panel's first load (500 ms after the page)
    # Through the CSSOM, as a browser does (which the CSP allows): an empty attribute stays.
    styled = page.evaluate(
        """() => {
            const inputs = document.querySelectorAll('#presence input');
            inputs.forEach(i => { i.style.color = 'red'; i.style.color = ''; });
            return Array.from(inputs).every(i => i.getAttribute('style') === '');
        }"""
    )
    assert styled
    with page.expect_response(lambda response: "/presence" in response.url):
        page.evaluate("htmx.trigger('#presence', 'refresh')")
    page.wait_for_timeout(300)  # htmx settles the swapped attributes after 20 ms
