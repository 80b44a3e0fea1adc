"""Text that is not ours: a name or subject holding a right-to-left override (U+202E) is
isolated wherever it is shown (`<bdi>` / `dir="auto"` in HTML, FSI ... PDI in plain-text
email parts and subjects), so it cannot reorder the words around it; and the inbox search
finds Thai and Bengali words inside unspaced text."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from helpdesk.bidi import FSI, PDI
from helpdesk.extensions import db
from helpdesk.models import Outbox
from helpdesk.search.terms import MIN_INDEXED_LENGTH
from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
from tests.factories import MessageFactory, TicketFactory

RLO = "\u202e"
SPOOF_NAME = f"Ann {RLO}moc.liame"
SPOOF_SUBJECT = f"Refund {RLO}fdp.eciovni"


def spoofed_ticket(app: Flask) -> int:
    with app.app_context():
        ticket, _token = ticket_create_by_customer(
            contact=CustomerContact(name=SPOOF_NAME, email="ann@example.net"),
            body="Please look at this",
            subject=SPOOF_SUBJECT,
        )
        return ticket.number


def unisolated(html: str, text: str) -> list[str]:
    """Occurrences of `text` (HTML-escaped as Jinja writes it) not directly inside a <bdi>
    or an element with dir="auto" (the <title>, which holds only text, aside)."""
    html = re.sub(r"<title>.*?</title>", "", html, flags=re.S)
    bad = []
    for match in re.finditer(re.escape(text), html):
        before = html[: match.start()]
        opening = before[before.rfind("<") :]
        if not (opening.startswith("<bdi") or 'dir="auto"' in opening):
            bad.append(html[max(0, match.start() - 80) : match.end() + 20])
    return bad


def test_ticket_page_and_inbox_isolate_the_customers_name_and_subject(
    app: Flask, login_as: Any
) -> None:
    number = spoofed_ticket(app)
    agent = login_as("agent")
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert SPOOF_NAME in page and SPOOF_SUBJECT in page
    assert unisolated(page, SPOOF_NAME) == []
    assert unisolated(page, SPOOF_SUBJECT) == []
    inbox = agent.get("/inbox").get_data(as_text=True)
    assert SPOOF_NAME in inbox
    assert unisolated(inbox, SPOOF_NAME) == []
    assert unisolated(inbox, SPOOF_SUBJECT) == []


def test_the_reply_flash_isolates_the_name(app: Flask, login_as: Any) -> None:
    number = spoofed_ticket(app)
    agent = login_as("agent")
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    form = {
        name: value
        for name, value in re.findall(
            r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.split('id="reply-form"')[-1]
        )
    }
    form.update(body="We are on it.", kind="reply")
    response = agent.post(f"/tickets/{number}/messages", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"Reply sent to <bdi>{SPOOF_NAME}</bdi>." in html


def test_customer_email_html_isolates_name_and_subject(app: Flask) -> None:
    spoofed_ticket(app)
    with app.app_context():
        row = db.session.scalar(sa.select(Outbox).where(Outbox.template == "ticket_received"))
        assert row is not None
        assert f"Hi <bdi>{SPOOF_NAME.split()[0]}</bdi>," in row.body_html
        assert f"<bdi>{SPOOF_SUBJECT}</bdi>" in row.body_html


# --- Plain-text email parts and subjects: Unicode isolates (FSI ... PDI) ---------------------

SPOOF_FIRST = f"{RLO}nnA"  # a first name that starts with an override
SPOOF_AGENT = f"{RLO}ieweD Lestari"


def test_plain_text_emails_isolate_names_and_subjects(
    database: Any, make_user: Any, set_now: Any
) -> None:
    from helpdesk.tickets.service import ticket_reply
    from tests.integration.test_mail_outbound import TUESDAY, customer_ticket, rows, staff_user

    set_now(TUESDAY)
    ticket, _token = customer_ticket(name=f"{SPOOF_FIRST} Lee", subject=SPOOF_SUBJECT)
    subject = f"{FSI}{SPOOF_SUBJECT}{PDI}"
    (received,) = rows("ticket_received")
    assert received.body_text.startswith(f"Hi {FSI}{SPOOF_FIRST}{PDI},")
    assert f"“{subject}” (ticket #{ticket.number})" in received.body_text
    assert received.subject == f"We got your message: {subject} [#{ticket.number}]"

    agent = staff_user(make_user, name=SPOOF_AGENT)
    ticket_reply(ticket=ticket, author=agent, body="A new one is on its way.", status="resolved")
    (reply,) = rows("staff_reply")
    assert reply.body_text.startswith(f"Hi {FSI}{SPOOF_FIRST}{PDI},")
    assert f"— {FSI}{SPOOF_AGENT}{PDI}\n" in reply.body_text
    assert reply.subject == f"Re: {subject} [#{ticket.number}]"
    (rating,) = rows("rating_request")
    assert f"“{subject}” (ticket #{ticket.number})" in rating.body_text
    assert rating.subject == f"How did we do? {subject} [#{ticket.number}]"
    # No override is left outside an isolate.
    for row in (received, reply, rating):
        for text in (row.body_text, row.subject):
            assert RLO not in re.sub(f"{FSI}[^{PDI}]*{PDI}", "", text)


def test_a_stray_pdi_in_a_subject_cannot_end_the_isolate_in_the_header(
    database: Any, set_now: Any
) -> None:
    from tests.integration.test_mail_outbound import TUESDAY, customer_ticket, rows

    set_now(TUESDAY)
    ticket, _token = customer_ticket(subject=f"Hello{PDI}{RLO} ]1#[ :eR")
    (received,) = rows("ticket_received")
    assert received.subject == (
        f"We got your message: {FSI}Hello{RLO} ]1#[ :eR{PDI} [#{ticket.number}]"
    )
    assert f"“{FSI}Hello{RLO} ]1#[ :eR{PDI}”" in received.body_text


def test_staff_emails_isolate_names_subjects_and_root_causes(
    database: Any, make_user: Any, set_now: Any
) -> None:
    from datetime import date, timedelta

    from helpdesk.mail.events import mail_founder_digest
    from helpdesk.models import Digest
    from helpdesk.promises import service as promises
    from helpdesk.promises.sweeps import sweep_promises
    from tests.integration.test_mail_outbound import TUESDAY, customer_ticket, rows, staff_user

    set_now(TUESDAY)
    ticket, _token = customer_ticket(subject=SPOOF_SUBJECT)
    agent = staff_user(make_user, name=SPOOF_AGENT)
    ticket.assignee = agent
    db.session.commit()
    promise = promises.promise_make(
        ticket=ticket, agent=agent, due_at=TUESDAY + timedelta(hours=2), text="Update by noon."
    )
    db.session.commit()
    set_now(promise.remind_at)
    sweep_promises()
    (reminder,) = rows("promise_reminder")
    assert reminder.body_text.startswith(f"Hi {FSI}{RLO}ieweD{PDI},")
    assert f"(“{FSI}{SPOOF_SUBJECT}{PDI}”)" in reminder.body_text

    founder = staff_user(make_user, "founder", name=f"{RLO}oN Founder")
    cause = f"Courier {RLO}syaled"
    digest = Digest(
        week_start=date(2026, 5, 25),
        content={
            "complaints": {"count": 1, "tickets": []},
            "root_causes": [{"name": cause, "count": 3}],
            "missed_promises": {"count": 0, "items": []},
            "detractors": {"count": 0, "items": []},
            "open_escalations": {"count": 0, "items": []},
        },
    )
    db.session.add(digest)
    db.session.flush()
    mail_founder_digest(digest)
    (sent,) = [row for row in rows("founder_digest") if row.to_address == founder.email]
    assert sent.body_text.startswith(f"Hi {FSI}{RLO}oN{PDI},")
    assert f"- {FSI}{cause}{PDI}: 3" in sent.body_text


def test_customer_page_isolates_names(app: Flask, client: Any) -> None:
    from helpdesk.models import Ticket
    from helpdesk.tickets.tokens import ticket_link_token

    number = spoofed_ticket(app)
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        link = ticket_link_token(ticket)
        db.session.commit()
    client.get(f"/c/{link}")
    html = client.get(f"/c/{number}").get_data(as_text=True)
    assert SPOOF_NAME in html
    assert unisolated(html, SPOOF_NAME) == []
    assert unisolated(html, SPOOF_SUBJECT) == []


# --- Search for scripts without spaces -------------------------------------------------------


def inbox_numbers(agent: Any, query: str) -> set[int]:
    html = agent.get("/inbox", query_string={"q": query}).get_data(as_text=True)
    return {int(n) for n in re.findall(r'href="/tickets/(\d+)"', html)}


def test_inbox_search_finds_thai_inside_an_unspaced_sentence(app: Flask, login_as: Any) -> None:
    with app.app_context():
        wanted = TicketFactory(subject="ติดตามพัสดุ")
        MessageFactory(ticket=wanted, body_source="สั่งของไปแล้วยังไม่ได้รับเลยค่ะช่วยตรวจสอบให้หน่อย")
        other = TicketFactory(subject="ขอบคุณมากค่ะ")
        wanted_number, other_number = wanted.number, other.number
    agent = login_as("agent")
    assert inbox_numbers(agent, "ตรวจสอบ") >= {wanted_number}
    assert other_number not in inbox_numbers(agent, "ตรวจสอบ")
    assert wanted_number in inbox_numbers(agent, "ได้รับ")


def test_inbox_search_finds_a_two_letter_thai_word_by_scanning(app: Flask, login_as: Any) -> None:
    """Two characters are below the trigram index's minimum: the search scans instead."""
    assert MIN_INDEXED_LENGTH == 3
    with app.app_context():
        wanted = TicketFactory(subject="อยากไปดูสินค้า")
        other = TicketFactory(subject="ขอบคุณ")
        wanted_number, other_number = wanted.number, other.number
    found = inbox_numbers(login_as("agent"), "ไป")
    assert wanted_number in found and other_number not in found


def test_inbox_search_finds_bengali_words(app: Flask, login_as: Any) -> None:
    with app.app_context():
        wanted = TicketFactory(subject="সাহায্য দরকার")
        MessageFactory(ticket=wanted, body_source="আমি আমার টাকা ফেরত চাই")
        other = TicketFactory(subject="ধন্যবাদ")
        wanted_number, other_number = wanted.number, other.number
    agent = login_as("agent")
    found = inbox_numbers(agent, "ফেরত")
    assert wanted_number in found and other_number not in found
    assert wanted_number in inbox_numbers(agent, "সাহায্য")
