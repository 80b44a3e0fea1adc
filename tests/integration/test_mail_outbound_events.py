"""Which emails are queued when, and what they say: the acknowledgement (its honest reply
expectation and its rate limit), the rating request, the promise reminder, the founders'
digest; the signed reply address; the SMTP URL; and the admin-only dev mail viewer."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from helpdesk.bidi import FSI, PDI
from helpdesk.extensions import db
from helpdesk.mail.addresses import parse_reply_address, reply_address, reply_token
from helpdesk.mail.events import RATING_DELAY, mail_founder_digest
from helpdesk.mail.smtp import parse_smtp_url
from helpdesk.models import Digest
from helpdesk.promises import service as promises
from helpdesk.promises.sweeps import sweep_promises
from helpdesk.tickets.service import ticket_update
from tests.integration.test_mail_outbound import TUESDAY, customer_ticket, rows, staff_user

SATURDAY = datetime(2026, 6, 6, 12, 0, tzinfo=UTC)


# --- ticket received ---------------------------------------------------------------------


def test_the_acknowledgement_names_the_customer_and_says_we_are_at_work(database, set_now):
    set_now(TUESDAY)
    ticket, _token = customer_ticket(name="Ana Lima")
    (row,) = rows("ticket_received")
    assert row.to_address == "ana@example.net"
    # The customer's words are bidi-isolated in the plain-text part and the subject.
    assert row.subject == f"We got your message: {FSI}My parcel is late{PDI} [#{ticket.number}]"
    assert row.body_text.startswith(f"Hi {FSI}Ana{PDI},")
    assert "We are at work now" in row.body_text
    assert re.search(r"http://localhost:5000/c/\S+", row.body_text)
    assert (row.ticket_id, row.customer_id, row.language) == (ticket.id, ticket.customer_id, "en")


def test_when_closed_the_acknowledgement_gives_the_next_opening_in_the_customers_language(
    database, set_now
):
    set_now(SATURDAY)
    customer_ticket(language="th")
    (row,) = rows("ticket_received")
    # "We are closed right now. We open again on ..." in Thai:
    assert "ขณะนี้อยู่นอกเวลาทำการ เราจะเปิดทำการอีกครั้งเมื่อ" in row.body_text
    assert "วันจันทร์" in row.body_text  # Monday, written in Thai by the Thai locale
    assert "09:00" in row.body_text
    assert '<html lang="th">' in row.body_html


def set_formats(make_user, **flags: bool) -> None:
    """Change the workspace's formats (/settings/formats) as an admin."""
    from helpdesk.settings.formats import format_settings, format_settings_update

    current = format_settings()
    format_settings_update(
        actor=staff_user(make_user, "admin"),
        currency=current.currency,
        thai_digits=flags.get("thai_digits", current.thai_digits),
        bengali_digits=flags.get("bengali_digits", current.bengali_digits),
        buddhist_era=flags.get("buddhist_era", current.buddhist_era),
    )


def opening_line(row) -> str:  # type: ignore[no-untyped-def]
    (line,) = [line for line in row.body_text.splitlines() if "(UTC)" in line]
    return str(line)


def test_the_next_opening_in_a_thai_email_counts_buddhist_era_years(database, make_user, set_now):
    set_now(SATURDAY)  # 6 June 2026: we open again on Monday 8 June 2026, 09:00 (UTC)
    customer_ticket(language="th")
    line = opening_line(rows("ticket_received")[-1])
    assert "วันจันทร์ที่ 8 มิถุนายน พ.ศ. 2569 09:00 (UTC)" in line
    assert "2026" not in line

    set_formats(make_user, thai_digits=True)
    customer_ticket(language="th", email="nok@example.co.th")
    line = opening_line(rows("ticket_received")[-1])
    assert "วันจันทร์ที่ ๘ มิถุนายน พ.ศ. ๒๕๖๙ ๐๙:๐๐ (UTC)" in line

    set_formats(make_user, thai_digits=False, buddhist_era=False)
    customer_ticket(language="th", email="som@example.co.th")
    assert "ค.ศ. 2026 09:00 (UTC)" in opening_line(rows("ticket_received")[-1])


def test_the_next_opening_in_a_bengali_email_has_bengali_digits(database, make_user, set_now):
    set_now(SATURDAY)
    customer_ticket(language="bn")  # Bengali digits are the workspace default
    line = opening_line(rows("ticket_received")[-1])
    assert "সোমবার, ৮ জুন, ২০২৬ ৯:০০ AM (UTC)" in line
    assert not re.search(r"[0-9]", line.replace("UTC", ""))

    set_formats(make_user, bengali_digits=False)
    customer_ticket(language="bn", email="rahim@example.com.bd")
    assert "সোমবার, 8 জুন, 2026 9:00 AM (UTC)" in opening_line(rows("ticket_received")[-1])
    # English readers are untouched by either setting.
    customer_ticket(email="en@example.net")
    assert "Monday, June 8, 2026 9:00\u202fAM (UTC)" in opening_line(rows("ticket_received")[-1])


def test_the_usual_reply_time_is_quoted_only_with_enough_history(database, set_now):
    set_now(TUESDAY)
    customer = customer_ticket()[0].customer
    for _ in range(5):
        ticket, _token = customer_ticket(email=customer.email)
        ticket.first_staff_reply_at = ticket.created_at + timedelta(minutes=90)
    db.session.commit()
    customer_ticket(email="new@example.net", name="Budi")
    row = rows("ticket_received")[-1]
    assert "we usually reply within 2 hours on business days" in row.body_text


def test_a_bengali_email_writes_the_usual_reply_time_in_bengali_digits_too(
    database, make_user, set_now
):
    """One digit policy per language: the reply time's number follows the date's digits."""
    set_now(TUESDAY)
    customer = customer_ticket(language="bn")[0].customer
    for _ in range(5):
        ticket, _token = customer_ticket(email=customer.email, language="bn")
        ticket.first_staff_reply_at = ticket.created_at + timedelta(minutes=90)
    db.session.commit()
    customer_ticket(email="rahim@example.com.bd", language="bn")
    row = rows("ticket_received")[-1]
    assert "২" in row.body_text and "২" in row.body_html
    body = row.body_text.replace("UTC", "")
    # The only ASCII digits left are in the links.
    lines = [line for line in body.splitlines() if re.search(r"[0-9]", line)]
    assert all("http" in line for line in lines), lines

    set_formats(make_user, bengali_digits=False)
    customer_ticket(email="karim@example.com.bd", language="bn")
    assert "২" not in rows("ticket_received")[-1].body_text


def test_an_unverified_address_gets_one_acknowledgement_per_hour(database, set_now):
    set_now(TUESDAY)
    customer_ticket(verified=False)
    customer_ticket(verified=False)
    assert len(rows("ticket_received")) == 1
    set_now(TUESDAY + timedelta(minutes=61))
    customer_ticket(verified=False)
    assert len(rows("ticket_received")) == 2


def test_a_verified_contact_always_gets_the_acknowledgement(database, set_now):
    set_now(TUESDAY)
    for _ in range(3):
        customer_ticket(verified=True)
    assert len(rows("ticket_received")) == 3


def test_customer_text_is_escaped_in_the_html_part(database, set_now):
    set_now(TUESDAY)
    customer_ticket(subject='<script>alert(1)</script><a hx-get="/x">x</a>')
    (row,) = rows("ticket_received")
    assert "<script>" not in row.body_html and "hx-get=" + '"' not in row.body_html
    assert "&lt;script&gt;" in row.body_html
    assert "<script>alert(1)</script>" in row.body_text  # plain text is text


# --- staff replies and notes -------------------------------------------------------------


def test_a_reply_and_resolve_sends_the_reply_first_then_one_rating_request(
    app, database, make_user, set_now
):
    from helpdesk.tickets.service import ticket_reply

    set_now(TUESDAY)
    # A question, not a complaint: closing it needs no Diagnose step.
    ticket, _token = customer_ticket(body="Can I change the delivery address for order 1234?")
    agent = staff_user(make_user)
    ticket_reply(ticket=ticket, author=agent, body="Fixed it.", status="resolved")
    reply, rating = rows("staff_reply")[0], rows("rating_request")[0]
    assert rating.next_attempt_at == TUESDAY + RATING_DELAY > reply.next_attempt_at
    assert rating.headers["Auto-Submitted"] == "auto-generated"
    assert parse_reply_address(rating.headers["Reply-To"]) == ticket.id
    assert rating.body_text.startswith(f"Hi {FSI}Ana{PDI},")
    links = re.findall(r"http://localhost:5000/feedback/rating/\S+", rating.body_text)
    assert [link.rsplit("score=", 1)[1] for link in links] == ["good", "okay", "bad"]

    with app.test_client() as client:
        page = client.get(links[0].removeprefix("http://localhost:5000"))
    assert page.status_code == 200

    # Closing a resolved ticket is not a second resolution; reopening and resolving is.
    ticket_update(ticket=ticket, actor=agent, status="closed")
    assert len(rows("rating_request")) == 1
    ticket_update(ticket=ticket, actor=agent, status="open")
    ticket_update(ticket=ticket, actor=agent, status="resolved")
    assert len(rows("rating_request")) == 2


def test_a_staff_reply_with_markup_is_inert_in_the_email(database, make_user, set_now):
    from helpdesk.tickets.service import ticket_reply

    set_now(TUESDAY)
    ticket, _token = customer_ticket()
    agent = staff_user(make_user)
    ticket_reply(
        ticket=ticket,
        author=agent,
        body='<script>alert(1)</script> [click](javascript:alert(1)) <b hx-get="/x">bold</b>',
    )
    (row,) = rows("staff_reply")
    assert "<script>" not in row.body_html
    assert 'href="javascript:' not in row.body_html
    assert '<b hx-get="/x">' not in row.body_html


def test_a_promise_reminder_reaches_the_agent_in_their_language(database, make_user, set_now):
    set_now(TUESDAY)
    ticket, _token = customer_ticket()
    agent = staff_user(make_user, name="Rina Agent")
    agent.language = "id"
    agent.timezone = "Asia/Jakarta"
    ticket.assignee = agent
    db.session.commit()
    promise = promises.promise_make(
        ticket=ticket, agent=agent, due_at=TUESDAY + timedelta(hours=2), text="Update by noon."
    )
    db.session.commit()
    set_now(promise.remind_at)  # a reminder goes before the due time, never after
    sweep_promises()
    (row,) = rows("promise_reminder")
    assert (row.to_address, row.user_id, row.language) == (agent.email, agent.id, "id")
    # "Reminder: you promised an update on #N" in Indonesian:
    assert row.subject == f"Pengingat: Anda menjanjikan kabar terbaru untuk #{ticket.number}"
    assert row.body_text.startswith(f"Halo {FSI}Rina{PDI},")
    assert "Update by noon." in row.body_text
    assert "Asia/Jakarta" in row.body_text
    assert f"http://localhost:5000/tickets/{ticket.number}" in row.body_text
    assert row.headers["Auto-Submitted"] == "auto-generated"
    sweep_promises()
    assert len(rows("promise_reminder")) == 1


@pytest.mark.parametrize(
    ("language", "due"),
    [
        # 12:00 UTC on Tuesday 2 June 2026 is 19:00 in Bangkok and 18:00 in Dhaka.
        ("th", "วันอังคารที่ 2 มิถุนายน พ.ศ. 2569 19:00 (Asia/Bangkok)"),
        ("bn", "মঙ্গলবার, ২ জুন, ২০২৬ ৬:০০ PM (Asia/Dhaka)"),
    ],
)
def test_a_promise_reminders_due_time_follows_the_workspaces_formats(
    database, make_user, set_now, language, due
):
    set_now(TUESDAY)
    ticket, _token = customer_ticket()
    agent = staff_user(make_user, name="Somchai Agent")
    agent.language = language
    agent.timezone = "Asia/Bangkok" if language == "th" else "Asia/Dhaka"
    ticket.assignee = agent
    db.session.commit()
    promise = promises.promise_make(
        ticket=ticket, agent=agent, due_at=TUESDAY + timedelta(hours=2), text="Update by noon."
    )
    db.session.commit()
    set_now(promise.remind_at)  # a reminder goes before the due time, never after
    sweep_promises()
    (row,) = rows("promise_reminder")
    assert due in row.body_text
    assert due in row.body_html


def test_the_digest_goes_to_every_active_founder_and_admin(database, make_user, set_now):
    set_now(TUESDAY)
    founder = staff_user(make_user, "founder")
    admin = staff_user(make_user, "admin")
    staff_user(make_user, "agent")
    gone = staff_user(make_user, "founder")
    gone.active = False
    content = {
        "complaints": {"count": 2, "tickets": []},
        "root_causes": [{"name": "Courier <delays>", "count": 3}],
        "missed_promises": {"count": 1, "items": []},
        "detractors": {"count": 0, "items": []},
        "open_escalations": {"count": 4, "items": []},
    }
    digest = Digest(week_start=date(2026, 5, 25), content=content)
    db.session.add(digest)
    db.session.flush()
    assert mail_founder_digest(digest) == 2
    db.session.commit()
    sent = rows("founder_digest")
    assert sorted(row.to_address for row in sent) == sorted([founder.email, admin.email])
    assert "Complaints: 2" in sent[0].body_text
    assert "Courier &lt;delays&gt;" in sent[0].body_html


# --- reply addresses and configuration ---------------------------------------------------


def test_a_reply_address_names_its_ticket_and_a_forged_one_nothing(database, set_now):
    set_now(TUESDAY)
    ticket, _token = customer_ticket()
    address = reply_address(ticket)
    assert re.fullmatch(r"support\+t\d+-[0-9a-f]{20}@localhost", address)
    assert parse_reply_address(address) == ticket.id
    assert parse_reply_address(f"Ana <{address.upper()}>") == ticket.id  # case folded
    forged = reply_token(ticket.id).replace(f"t{ticket.id}-", f"t{ticket.id + 1}-")
    for bad in (
        f"support+{forged}@localhost",
        f"support+t{ticket.id}-{'0' * 20}@localhost",
        "support@localhost",
        "support+hello@localhost",
        "",
        "not an address",
        f"support+t{'9' * 40}-{'a' * 20}@localhost",
    ):
        assert parse_reply_address(bad) is None, bad


def test_smtp_urls_are_parsed_and_nonsense_refused():
    plain = parse_smtp_url("smtp://mailer%40shop:p%40ss@mail.example.com:587?starttls=1")
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "mail.example.com",
        587,
        "mailer@shop",
        "p@ss",
    )
    assert (plain.starttls, plain.implicit_tls) == (True, False)
    tls = parse_smtp_url("smtps://mail.example.com")
    assert (tls.port, tls.implicit_tls, tls.starttls, tls.username) == (465, True, False, None)
    assert parse_smtp_url("smtp://localhost").port == 25
    for bad in ("http://mail.example.com", "mail.example.com:25", "smtp://"):
        with pytest.raises(ValueError):
            parse_smtp_url(bad)


# --- the dev mail viewer -----------------------------------------------------------------


def _queued_row(app: Flask, subject: str = "<script>alert(1)</script>") -> int:
    with app.app_context():
        customer_ticket(subject=subject)
        return rows("ticket_received")[0].id


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_only_admins_open_the_mail_viewer(app, login_as, role):
    row_id = _queued_row(app)
    client = login_as(role)
    assert client.get("/settings/email/outbox").status_code == 403
    assert client.get(f"/settings/email/outbox/{row_id}").status_code == 403


def test_logged_out_visitors_are_sent_to_log_in(app, client):
    row_id = _queued_row(app)
    for path in ("/settings/email/outbox", f"/settings/email/outbox/{row_id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_the_admin_reads_queued_mail_with_customer_text_inert(app, login_as, set_now):
    set_now(TUESDAY)
    row_id = _queued_row(app)
    client = login_as("admin")
    listing = client.get("/settings/email/outbox").get_data(as_text=True)
    assert 'href="/settings/email/outbox"' in listing  # the navigation item
    assert "No SMTP server is configured" in listing
    assert f"/settings/email/outbox/{row_id}" in listing
    assert "<script>alert(1)</script>" not in listing

    page = client.get(f"/settings/email/outbox/{row_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the text part, escaped
    assert '<iframe class="mail-html" sandbox=""' in html
    assert f"Hi {FSI}Ana{PDI}," in html

    assert client.get("/settings/email/outbox?status=pending").status_code == 200
    assert client.get("/settings/email/outbox?status=<b>").status_code == 200
    assert client.get("/settings/email/outbox/999999").status_code == 404
    assert client.get("/settings/email/outbox/abc").status_code == 404


def test_the_viewer_says_nothing_is_missing_once_smtp_is_set(app, login_as):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
    _queued_row(app, subject="Hello")
    html = login_as("admin").get("/settings/email/outbox").get_data(as_text=True)
    assert "No SMTP server is configured" not in html
