"""Issue 22's first "done when", in one journey: the company's product sends a demo
customer's events through the API, then their use drops; the usage sweep marks them
slipping and they appear in "At risk"; the slipping playbook (on in the demo) has drafted a
message, which the founder reviews and sends; the customer gets it by email and replies
into the same conversation."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from playwright.sync_api import expect

from helpdesk import clock
from tests.browser.test_usage_flow import CUSTOMER, NOW, _send

pytestmark = pytest.mark.browser


def test_slipping_usage_to_at_risk_to_a_reviewed_message_answered_by_email(
    app, page, live_server, tmp_path
):
    from helpdesk.auth.api_tokens import token_create
    from helpdesk.dev.demo import DEMO_PASSWORD, demo_load
    from helpdesk.extensions import db
    from helpdesk.mail.inbound import mail_receive
    from helpdesk.models import Customer, Outbox, Ticket, User
    from helpdesk.usage.sweep import sweep_usage_health
    from tests.integration.mail_inbound_support import configure

    configure(app, tmp_path)
    clock.set_now(NOW)
    with app.app_context():
        demo_load()
        admin = db.session.scalar(db.select(User).where(User.email == "admin@example.com"))
        _token, secret = token_create(
            owner=admin, name="product", scope="read-write", expires_at=None
        )
        erik = db.session.scalar(db.select(Customer).where(Customer.email == CUSTOMER))
        # Erik's conversations are done: nothing open would hold the outreach back.
        for ticket in db.session.scalars(db.select(Ticket).where(Ticket.customer_id == erik.id)):
            ticket.status = "closed"
        db.session.commit()

    # Eight weeks of daily logins, then a week with one.
    events = [
        {
            "id": f"login-{days_ago}",
            "customer": {"email": CUSTOMER},
            "name": "logged_in",
            "at": (NOW - timedelta(days=days_ago, hours=2)).isoformat(),
        }
        for days_ago in (3, *range(7, 63))
    ]
    assert _send(live_server, secret, events)["accepted"] == len(events)
    with app.app_context():
        sweep_usage_health()  # the scheduler's usage_health job: Erik is now slipping

    page.goto("/login")
    page.get_by_label("Email").fill("founder@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")
    page.get_by_text("Founders", exact=True).click()
    page.get_by_role("link", name="At risk").click()
    erik_row = page.locator("#at-risk tbody tr", has_text="Erik Johansson")
    expect(erik_row).to_contain_text("Slipping")

    page.goto("/outreach")
    draft = page.locator("#outreach-items li", has_text="Erik Johansson")
    expect(draft).to_be_visible()
    draft.get_by_role("link").first.click()
    message = page.get_by_label("Message")
    expect(message).to_contain_text("not been around as much lately")  # the playbook's draft
    message.fill("Hi Erik, Mina here: is anything getting in your way lately?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Sent to Erik Johansson.")

    with app.app_context():
        email = db.session.scalar(
            db.select(Outbox).where(Outbox.to_address == CUSTOMER).order_by(Outbox.id.desc())
        )
        assert "is anything getting in your way lately?" in email.body_text
        answer = EmailMessage()
        answer["From"] = f"Erik Johansson <{CUSTOMER}>"
        answer["To"] = email.headers["Reply-To"]
        answer["Subject"] = f"Re: {email.subject}"
        answer["Message-ID"] = make_msgid(domain="example.se")
        answer["In-Reply-To"] = email.message_id
        answer.set_content("The new checkout confused our team. Can you help?")
        result = mail_receive(answer.as_bytes())
        assert result.action == "replied"
        number = db.session.get(Ticket, email.ticket_id).number
        assert result.ticket_number == number

    page.goto("/outreach?show=done")
    page.locator("#outreach-items li", has_text="Erik Johansson").get_by_role(
        "link", name=f"#{number}", exact=True
    ).click()
    expect(page.locator("body")).to_contain_text("is anything getting in your way lately?")
    expect(page.locator("body")).to_contain_text("The new checkout confused our team.")
