"""The issue's "done when" for feature requests, in a real browser: an agent links a
customer's ticket to a feature request from the ticket page; it has three requesters (one
with an open complaint, one who left). A founder marks it shipped: two drafts are made, one
suppressed with the reason shown, and the one who left is shown as skipped. The founder
reads the sendable draft and sends the request's drafts in one step; the customer's email
is in the outbox."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TIMEOUT = 10_000


def log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


@pytest.fixture
def requesters(app, make_user):  # type: ignore[no-untyped-def]
    """Three customers who asked for dark mode: Ana (her ticket not linked yet), Budi (with
    an open complaint) and Chen (who left). Returns Ana's ticket number and the feature id."""
    from helpdesk.clock import now
    from helpdesk.extensions import db
    from helpdesk.models import FeatureRequest, FeatureRequestTicket
    from tests.factories import TicketFactory

    with app.app_context():
        ana = TicketFactory(
            subject="Dark mode please",
            status="pending",
            customer__name="Ana Lima",
            customer__email="ana@example.net",
        )
        budi = TicketFactory(status="resolved", customer__name="Budi Santoso")
        TicketFactory(
            subject="Charged twice",
            status="open",
            kind="complaint",
            customer=budi.customer,
        )
        chen = TicketFactory(status="resolved", customer__name="Chen Wei", customer__left_at=now())
        feature = FeatureRequest(title="Dark mode", status="planned", created_at=now())
        db.session.add(feature)
        db.session.flush()
        for ticket in (budi, chen):
            db.session.add(
                FeatureRequestTicket(
                    feature_request_id=feature.id, ticket_id=ticket.id, created_at=now()
                )
            )
        db.session.commit()
        return ana.number, feature.id


def test_a_shipped_feature_drafts_notes_holds_one_back_and_sends_in_one_step(
    page, app, make_user, requesters
):
    from playwright.sync_api import expect

    number, feature_id = requesters
    founder = make_user("founder", name="Mina Founder")
    log_in(page, founder)

    # The ticket page's panel links Ana's ticket to the existing request (htmx).
    page.goto(f"/tickets/{number}")
    panel = page.locator("#feature-requests")
    panel.get_by_text("Link to a feature request").click()
    panel.get_by_label("Feature request", exact=True).select_option(label="Dark mode")
    panel.get_by_role("button", name="Link").click()
    expect(page.locator("#feature-requests")).to_contain_text("Linked to “Dark mode”.")

    # The founder marks it shipped.
    page.goto(f"/feature-requests/{feature_id}")
    page.get_by_label("Status").select_option("shipped")
    page.get_by_role("button", name="Save status").click()
    expect(page.locator(".flashes")).to_contain_text(
        "Drafts made: 1; held back: 1; skipped (left): 1.", timeout=TIMEOUT
    )
    rows = page.locator("#requesters")
    ana = rows.locator("li", has_text="Ana Lima")
    budi = rows.locator("li", has_text="Budi Santoso")
    chen = rows.locator("li", has_text="Chen Wei")
    expect(ana).to_contain_text("Draft")
    expect(budi).to_contain_text("Held back: They have an unresolved complaint.")
    expect(chen).to_contain_text("Skipped: They left: no more automated messages.")

    # The founder reads Ana's draft: her name, the feature, a link to her ticket.
    ana.get_by_role("link", name="Draft").click()
    expect(page.get_by_role("heading", name="To Ana Lima")).to_be_visible()
    expect(page.get_by_label("Message")).to_have_value(re.compile(rf"Dark mode[\s\S]*#{number}"))
    page.get_by_role("link", name="Dark mode").click()

    # … and sends the request's drafts in one step.
    page.get_by_role("button", name="Send 1 draft").click()
    expect(page.locator(".flashes")).to_contain_text("Sent: 1. Held back: 0.")
    expect(rows.locator("li", has_text="Ana Lima")).to_contain_text("Sent")
    expect(rows.locator("li", has_text="Budi Santoso")).to_contain_text("Held back")

    from helpdesk.extensions import db
    from helpdesk.models import Outbox

    with app.app_context():
        emails = [(row.to_address, row.template) for row in db.session.query(Outbox).all()]
    assert emails == [("ana@example.net", "staff_reply")]


def test_a_slipping_customers_draft_is_reviewed_sent_and_answered_by_email(
    page, app, make_user, tmp_path
):
    """The outreach half of the issue's first "done when": usage health says a customer is
    slipping (the event published here), the playbook drafts a message, a founder edits and
    sends it, the customer gets it by email and answers into the same conversation."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    from playwright.sync_api import expect

    from helpdesk.clock import now
    from helpdesk.events import publish
    from helpdesk.extensions import db
    from helpdesk.mail.inbound import mail_receive
    from helpdesk.models import Outbox
    from helpdesk.outreach.settings import SETTING_KEY
    from helpdesk.settings.service import setting_put
    from helpdesk.usage.events import CustomerUsageChanged
    from tests.factories import CustomerFactory
    from tests.integration.mail_inbound_support import configure

    configure(app, tmp_path)
    founder = make_user("founder", name="Mina Founder")
    with app.app_context():
        setting_put(SETTING_KEY, {"playbooks": {"slipping": {"enabled": True}}})
        customer = CustomerFactory(name="Ana Lima", email="ana@example.net")
        publish(CustomerUsageChanged(customer.id, "slipping", "active", now()))
        db.session.commit()

    log_in(page, founder)
    page.goto("/outreach")
    page.locator("#outreach-items li", has_text="Ana Lima").get_by_role(
        "link", name="Checking in"
    ).click()
    page.get_by_label("Message").fill("Hi from Mina: is the new dashboard working for you?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Sent to Ana Lima.", timeout=TIMEOUT)
    page.get_by_role("link", name="Sent and dismissed").click()
    page.locator("#outreach-items li", has_text="Ana Lima").get_by_role("link", name="#").click()
    expect(page.locator("body")).to_contain_text("is the new dashboard working for you?")

    with app.app_context():
        email = db.session.query(Outbox).one()
        assert email.to_address == "ana@example.net"
        answer = EmailMessage()
        answer["From"] = "Ana Lima <ana@example.net>"
        answer["To"] = email.headers["Reply-To"]
        answer["Subject"] = f"Re: {email.subject}"
        answer["Message-ID"] = make_msgid(domain="example.net")
        answer["In-Reply-To"] = email.message_id
        answer.set_content("It is, thank you for asking!")
        result = mail_receive(answer.as_bytes())
        assert result.action == "replied"
    page.reload()
    expect(page.locator("body")).to_contain_text("It is, thank you for asking!")
