"""Automations as an admin clicks them: create a rule from the When / If / Then form and
read it back as a sentence; a ticket waiting on the customer for 7 days closes itself with
the polite note (the clock moved, the sweep run as the scheduler would); the dry run lists
what a rule would have done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.browser

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


@pytest.fixture
def no_default_rules(app):  # type: ignore[no-untyped-def]
    from helpdesk.extensions import db
    from helpdesk.models import AutomationRule

    with app.app_context():
        db.session.execute(sa.delete(AutomationRule))
        db.session.commit()


def test_an_admin_creates_a_rule_and_it_runs(app, page, make_user, no_default_rules):
    admin = make_user("admin", name="Ana Admin")
    dewi = make_user("agent", name="Dewi Lestari")
    log_in(page, admin)
    page.get_by_text("Settings", exact=True).click()  # the navigation's settings menu
    page.get_by_role("link", name="Automations").click()
    page.get_by_role("link", name="Add a rule").click()
    page.get_by_label("Name").fill("Refunds to Dewi")
    page.get_by_label("Switched on").check()
    page.get_by_label("When", exact=True).select_option("customer_replied")
    page.get_by_label("The customer's message mentions any of").fill("refund\nคืนเงิน")
    page.get_by_label("Set priority").select_option("high")
    page.get_by_label("Assign to", exact=True).select_option(label="Dewi Lestari")
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_url("**/settings/automations")
    rule = page.locator(".automation-rule").first
    assert "Refunds to Dewi" in rule.inner_text()
    assert (
        "When a customer replies, if the message mentions “refund” or “คืนเงิน”, then set "
        "priority to High, assign to Dewi Lestari." in rule.inner_text()
    )

    from helpdesk.extensions import db
    from tests.integration.automation_support import customer_replies, customer_writes

    with app.app_context():
        ticket = customer_writes("สวัสดีค่ะ")
        customer_replies(ticket, "ขอคืนเงินได้ไหมคะ")
        number = ticket.number
        assert (ticket.priority, ticket.assignee_id) == ("high", dewi.id)
        db.session.remove()
    page.goto(f"/tickets/{number}")
    history = page.locator("#audit-trail").inner_text()
    assert "Automation ‘Refunds to Dewi’ changed the ticket" in history
    assert "priority: Normal → High" in history


def test_a_ticket_waiting_seven_days_closes_itself_with_the_note(
    app, page, make_user, set_now, no_default_rules
):
    from helpdesk.automations.rules import Action, Conditions
    from helpdesk.automations.sweep import sweep_time_rules
    from helpdesk.extensions import db
    from helpdesk.tickets.service import ticket_reply
    from tests.integration.automation_support import customer_writes, make_rule, staff

    set_now(T0)
    with app.app_context():
        make_rule(
            "Close tickets waiting on the customer for 7 days",
            "time_since",
            [Action(type="close", status="closed")],
            conditions=Conditions(statuses=("pending",)),
            time_field="status_since",
            amount=7,
            unit="days",
            actor=staff("Owner", "admin"),
        )
        ticket = customer_writes("My invoice is wrong")
        agent = staff("Agent")
        ticket_reply(ticket=ticket, author=agent, body="Which invoice?", status="pending")
        number = ticket.number
        db.session.remove()

    set_now(T0 + timedelta(days=7, minutes=1))
    with app.app_context():
        assert sweep_time_rules() == 1  # what the scheduler's job runs every minute
        db.session.remove()

    admin = make_user("admin", name="Ana Admin")
    log_in(page, admin)
    page.goto(f"/tickets/{number}")
    assert "we are closing this conversation" in page.locator("main").inner_text()
    history = page.locator("#audit-trail").inner_text()
    assert (
        "Automation ‘Close tickets waiting on the customer for 7 days’ changed the ticket"
        in history
    )
    assert "status: Waiting on customer → Closed" in history

    page.goto("/settings/automations")
    runs = page.locator(".automation-rule").first
    runs.get_by_text("1 run").click()
    assert f"#{number}" in runs.inner_text()


def test_the_dry_run_lists_what_a_rule_would_have_done(
    app, page, make_user, set_now, no_default_rules
):
    from helpdesk.automations.rules import Action, Conditions
    from helpdesk.extensions import db
    from tests.integration.automation_support import customer_writes, make_rule, staff

    set_now(T0)
    with app.app_context():
        rule = make_rule(
            "Tag refunds",
            "ticket_created",
            [Action(type="add_tags", tags=("refund",))],
            conditions=Conditions(words=("refund",)),
            enabled=False,
            actor=staff("Owner", "admin"),
        )
        rule_id = rule.id
        numbers = [
            customer_writes(body, email=f"c{n}@example.net").number
            for n, body in enumerate(["Refund please", "Where is my parcel?", "A refund?"])
        ]
        db.session.remove()
    admin = make_user("admin", name="Ana Admin")
    log_in(page, admin)
    page.goto("/settings/automations")
    page.get_by_role("link", name="Tag refunds").click()
    page.get_by_role("button", name="What would it have done in the last 30 days?").click()
    result = page.locator("table.dry-run")
    result.wait_for()
    text = page.locator("#rule-editor").inner_text()
    assert "2 tickets would have matched." in text
    assert f"#{numbers[0]}" in text and f"#{numbers[2]}" in text
    assert f"#{numbers[1]}" not in text
    assert "tag it “refund”" in text

    # An unsaved edit: a different word, previewed before saving.
    page.get_by_label("The customer's message mentions any of").fill("parcel")
    page.get_by_role("button", name="What would it have done in the last 30 days?").click()
    page.get_by_text("1 ticket would have matched.").wait_for()
    assert f"#{numbers[1]}" in page.locator("table.dry-run").inner_text()
    with app.app_context():
        from helpdesk.models import AutomationRule, Tag

        assert db.session.get(AutomationRule, rule_id).conditions["words"] == ["refund"]
        assert db.session.scalar(sa.select(sa.func.count(Tag.id))) == 0
        db.session.remove()
