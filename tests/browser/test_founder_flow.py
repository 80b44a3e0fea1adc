"""The founders' area in a real browser: a customer's bad rating lands in the review queue,
a founder claims it, replies personally (the reply is signed and marked on the ticket) and
resolves it as retained; the trends page draws its charts with the numbers built for the
test, the table beneath says the same, and the CSV export downloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.browser

TIMEOUT = 10_000
API = "/api/widget/v1"
COMMENT = "Three weeks and still no refund for the broken kettle."


def log_in(page, user) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")


@pytest.fixture
def resolved_conversation(app, make_user) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A customer writes through the widget's service and an agent resolves the ticket
    with a reply; returns the ticket number and the customer's conversation token."""
    from helpdesk.extensions import db
    from helpdesk.models import User
    from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
    from helpdesk.tickets.service import ticket_reply

    agent = make_user("agent", name="Dewi Lestari")
    # A request context: replies queue emails, whose templates read the current user.
    with app.test_request_context():
        ticket, token = ticket_create_by_customer(
            contact=CustomerContact(name="Nok Srisuk", email="nok@example.co.th"),
            subject="Kettle refund",
            body="Hello, I sent the kettle back. When will the refund arrive?",
        )
        ticket_reply(
            ticket=ticket,
            author=db.session.get(User, agent.id),
            body="The refund is on its way.",
            status="resolved",
        )
        return ticket.number, token


def test_bad_rating_is_claimed_answered_and_resolved_by_a_founder(
    page, app, make_user, resolved_conversation
):
    from playwright.sync_api import expect

    number, token = resolved_conversation

    # The customer rates the help "bad" through the widget API, with a comment.
    answer = page.request.post(
        f"{API}/conversations/{number}/rating",
        data={"rating": "bad", "comment": COMMENT},
        headers={"X-Conversation-Token": token},
    )
    assert answer.status == 200, answer.text()
    assert answer.json()["rating"] == {"score": "bad", "comment": COMMENT}

    founder = make_user("founder", name="Ayu Pratiwi")
    log_in(page, founder)
    page.goto("/founders/queue")
    item = page.locator("li.escalation", has_text=f"#{number}")
    expect(item).to_have_count(1)
    expect(item.locator(".badge").first).to_have_text("Bad rating")
    expect(item.locator(".why")).to_contain_text(COMMENT)
    expect(item).to_contain_text("Nok Srisuk")

    # Claim it.
    item.get_by_role("button", name="Claim").click()
    expect(item).to_contain_text("claimed by Ayu Pratiwi", timeout=TIMEOUT)
    expect(item.get_by_role("button", name="Claim")).to_have_count(0)

    # Reply personally.
    item.locator("summary", has_text="Reply personally").click()
    item.get_by_label("Your reply to the customer").fill(
        "Nok, I am sorry. I sent your refund myself today."
    )
    with page.expect_response(lambda r: r.url.endswith("/reply")) as replied:
        item.get_by_role("button", name="Send reply").click()
    assert replied.value.status == 200

    # Resolve it as retained, with a note.
    item.locator("summary", has_text="Resolve").click()
    item.get_by_label("Outcome").select_option("retained")
    item.get_by_label("What was done").fill("Refunded by hand; she will order again.")
    item.get_by_role("button", name="Resolve", exact=True).click()
    expect(item).to_contain_text("outcome: Retained", timeout=TIMEOUT)
    expect(item.get_by_role("button", name="Send reply")).to_have_count(0)

    # It has left the open queue; the "done" filter shows it with its outcome.
    page.reload()
    expect(page.locator("li.escalation", has_text=f"#{number}")).to_have_count(0)
    with page.expect_response(lambda r: "status=done" in r.url):
        page.get_by_label("Status").select_option("done")
    done = page.locator("li.escalation", has_text=f"#{number}")
    expect(done).to_have_count(1, timeout=TIMEOUT)
    expect(done).to_contain_text("outcome: Retained")
    expect(done).to_contain_text("Refunded by hand; she will order again.")

    # On the ticket, the reply is signed with the founder's name and marked "Founder".
    page.goto(f"/tickets/{number}")
    reply = page.locator(".conversation .message-staff", has=page.locator(".badge.founder"))
    expect(reply).to_have_count(1)
    expect(reply.locator("header")).to_contain_text("Ayu Pratiwi")
    expect(reply.locator(".badge.founder")).to_have_text("Founder")
    expect(reply.locator(".body")).to_contain_text("I sent your refund myself today.")
    expect(reply.locator(".body")).to_contain_text("— Ayu Pratiwi, founder")

    with app.app_context():
        import sqlalchemy as sa

        from helpdesk.extensions import db
        from helpdesk.models import Escalation, Ticket

        escalations = db.session.scalars(
            sa.select(Escalation).join(Ticket).where(Ticket.number == number)
        ).all()
        assert [(e.reason, e.status, e.outcome, e.claimed_by_id) for e in escalations] == [
            ("bad_rating", "done", "retained", founder.id)
        ]
        assert "Refunded by hand" in (escalations[0].founder_note or "")


# Two full weeks, Monday 2 March to Sunday 15 March 2026 (workspace zone UTC by default).
W1, W2 = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
RANGE = "start=2026-03-02&end=2026-03-15"


@pytest.fixture
def trend_data(app, make_user) -> None:  # type: ignore[no-untyped-def]
    """Week 1: three complaints, two ratings (good, bad), a kept promise; week 2: one
    complaint, an okay rating and a missed promise."""
    from helpdesk.extensions import db
    from helpdesk.models import Promise, Rating
    from tests.factories import TicketFactory

    agent = make_user("agent")
    with app.app_context():
        for when in (W1 + timedelta(days=1), W1 + timedelta(days=2), W1 + timedelta(days=3)):
            TicketFactory(kind="complaint", created_at=when)
        TicketFactory(kind="complaint", created_at=W2 + timedelta(days=1))
        for score, when in (("good", W1), ("bad", W1), ("okay", W2)):
            ticket = TicketFactory(status="resolved", created_at=when)
            at = when + timedelta(days=2)
            db.session.add(
                Rating(
                    ticket=ticket,
                    customer=ticket.customer,
                    score=score,
                    channel="widget",
                    created_at=at,
                    updated_at=at,
                )
            )
        for status, due in (("kept", W1 + timedelta(days=2)), ("missed", W2 + timedelta(days=2))):
            db.session.add(
                Promise(
                    ticket=TicketFactory(created_at=due - timedelta(days=1)),
                    agent_id=agent.id,
                    due_at=due,
                    remind_at=due - timedelta(minutes=30),
                    text="Tomorrow",
                    status=status,
                    kept_early=False,
                    created_at=due - timedelta(days=1),
                )
            )
        db.session.commit()


def test_trends_page_draws_charts_with_the_table_numbers_and_exports_csv(
    page, make_user, trend_data
):
    from playwright.sync_api import expect

    log_in(page, make_user("founder"))
    page.goto(f"/founders/trends?{RANGE}")
    expect(page.get_by_role("heading", name="Complaint trends")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()

    # Complaints: a chart with bars, and the table beneath with the same numbers.
    section = page.locator("#trend-complaints")
    chart = section.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart.locator("rect.trend-bar").first).to_be_attached()
    assert chart.locator("rect.trend-bar").count() >= 2
    week1 = section.locator("tbody tr", has=page.locator("th", has_text="2026-03-02"))
    expect(week1.locator("td").first).to_have_text("3")
    week2 = section.locator("tbody tr", has=page.locator("th", has_text="2026-03-09"))
    expect(week2.locator("td").first).to_have_text("1")
    expect(
        chart.locator("rect.trend-bar > title", has_text="2026-03-02 · Complaints:")
    ).to_have_text("2026-03-02 · Complaints: 3")

    # Ratings and promises: the table says what was built.
    ratings = page.locator("#trend-ratings")
    expect(ratings.locator("svg[role=img] rect.trend-bar")).to_have_count(3)
    expect(ratings.locator("tbody tr").first.locator("td")).to_have_text(["1", "0", "1"])
    promises = page.locator("#trend-promises")
    expect(promises.locator("svg[role=img] rect.trend-bar")).to_have_count(2)
    expect(promises.locator("tbody tr").nth(0).locator("td")).to_have_text(["1", "0", "0"])
    expect(promises.locator("tbody tr").nth(1).locator("td")).to_have_text(["0", "0", "1"])

    # The CSV export downloads, with the table's header and numbers.
    link = section.get_by_role("link", name="Download CSV")
    href = link.get_attribute("href")
    assert href is not None
    download = page.request.get(href)
    assert download.status == 200
    assert download.headers["content-type"].startswith("text/csv")
    lines = download.text().splitlines()
    assert lines[0] == "Week of,Complaints,Active customers,Complaints per 100 active customers"
    assert lines[1].startswith("2026-03-02,3,")
    assert lines[2].startswith("2026-03-09,1,")
