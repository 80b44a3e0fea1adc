"""An agent inserts a saved reply from the composer with the keyboard: "/" opens the
picker, a search narrows it, Enter puts the reply in with the customer's first name filled
in, and sending it applies the reply's actions and counts its use. Text that was not a
search ("order #12") and a search left with Escape stay in the message."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def ticket_number(app):
    import sqlalchemy as sa

    from helpdesk.extensions import db
    from helpdesk.models import SavedReply
    from tests.factories import CustomerFactory, MessageFactory, TicketFactory

    with app.app_context():
        db.session.execute(sa.delete(SavedReply))  # the migration's starting replies
        ticket = TicketFactory(customer=CustomerFactory(name="Nattaya Srisuk", language="en"))
        MessageFactory(ticket=ticket, body_source="Where is my parcel?")
        db.session.add_all(
            [
                SavedReply(title="Greeting", language="en", body="Hi {customer_first_name}!"),
                SavedReply(
                    title="Anything else?",
                    language="en",
                    body="Is there anything else I can help with, {customer_first_name}?",
                    set_status="pending",
                    add_tags="followup",
                ),
            ]
        )
        db.session.commit()
        return ticket.number


def test_slash_search_enter_inserts_the_filled_reply_and_sends_it(
    app, page, make_user, ticket_number
):
    agent = make_user("agent", name="Dewi Lestari")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(agent.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")
    page.goto(f"/tickets/{ticket_number}")

    message = page.get_by_label("Message")
    message.click()
    message.press_sequentially("Thanks! /")
    search = page.get_by_role("combobox", name="Insert a saved reply")
    search.wait_for()
    assert search.evaluate("element => element === document.activeElement")
    search.press_sequentially("anyth")
    options = page.get_by_role("listbox", name="Saved replies").get_by_role("option")
    page.wait_for_function(
        "() => document.querySelectorAll('#saved-reply-options [role=option]').length === 1"
    )
    assert "Anything else?" in options.first.inner_text()
    assert options.first.get_attribute("aria-selected") == "true"
    search.press("Enter")

    page.wait_for_function("() => document.getElementById('body').value.includes('Nattaya')")
    assert message.input_value() == ("Thanks! Is there anything else I can help with, Nattaya?")
    assert message.evaluate("element => element === document.activeElement")
    assert page.locator("#saved-reply-picker").is_hidden()
    actions = page.locator("#saved-reply-actions")
    assert "status Waiting on customer, tag followup" in actions.inner_text()

    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(f"**/tickets/{ticket_number}#composer")
    assert "Is there anything else I can help with, Nattaya?" in page.content()

    # Writing, not searching: "#12 " matches nothing, so the text stays in the message;
    # Escape closes the list and gives back what was typed after the "/".
    message = page.get_by_label("Message")
    message.click()
    # The list arrives on first focus: let it, so "ok /Gre" is a search, not a race.
    page.wait_for_load_state("networkidle")
    message.press_sequentially("order #12 ok /Gre")
    page.get_by_role("listbox", name="Saved replies").get_by_role("option").first.wait_for()
    page.keyboard.press("Escape")
    assert page.locator("#saved-reply-picker").is_hidden()
    assert message.input_value() == "order #12 ok /Gre"
    assert message.evaluate("element => element === document.activeElement")

    import sqlalchemy as sa

    from helpdesk.extensions import db
    from helpdesk.models import SavedReply, Ticket

    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == ticket_number))
        assert ticket.status == "pending"
        assert [tag.name for tag in ticket.tags] == ["followup"]
        used = db.session.scalar(sa.select(SavedReply).where(SavedReply.title == "Anything else?"))
        assert used.use_count == 1
