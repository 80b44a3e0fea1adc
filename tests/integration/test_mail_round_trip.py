"""The email channel end to end, as the issue's "done when" describes it: with SMTP pointing
at a real loopback server, a widget conversation, a staff reply, a promise reminder and a
rating request all arrive as proper emails, and the customer's answer to the staff email,
piped back to the inbound endpoint, lands on the same ticket."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.mail.outbox import send_outbox
from helpdesk.models import Message, Ticket, User
from helpdesk.promises.sweeps import sweep_promises
from helpdesk.tickets.service import ticket_reply
from tests.integration.mail_inbound_support import configure
from tests.integration.test_mail_outbound import (  # noqa: F401 - fixtures
    TUESDAY,
    server,
    smtp_port,
)


def test_emails_out_and_the_customers_answer_back_in(
    app: Flask,
    server: Any,  # noqa: F811 - the imported fixture
    make_user: Any,
    api_token: Any,
    set_now: Any,
    tmp_path: Path,  # noqa: F811
) -> None:
    configure(app, tmp_path)
    mail_server = api_token("admin")  # what the mail server pipes messages in with
    set_now(TUESDAY)
    agent_ref = make_user("agent")
    widget = app.test_client()
    created = widget.post(
        "/api/widget/v1/conversations",
        json={"name": "Ana Lima", "email": "ana@example.net", "message": "Where is order 1234?"},
    )
    assert created.status_code == 201
    number = created.get_json()["number"]
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        agent = db.session.get(User, agent_ref.id)
        ticket_reply(
            ticket=ticket,
            author=agent,
            body="It ships tomorrow.",
            promise_due=TUESDAY + timedelta(days=1, hours=3),
            promise_text="I'll send you the tracking number by tomorrow.",
        )
        send_outbox()
    received = server.handler.messages()
    templates = [message["Subject"] for message in received]
    assert len(received) == 2, templates  # the acknowledgement, the staff reply
    staff_email = received[1]
    assert staff_email["To"] == "ana@example.net"
    assert "It ships tomorrow." in staff_email.get_body(("plain",)).get_content()

    # The agent is reminded before the promise falls due.
    set_now(TUESDAY + timedelta(days=1, hours=2, minutes=50))
    with app.app_context():
        sweep_promises()
        send_outbox()
    reminder = server.handler.messages()[-1]
    assert reminder["To"] == agent_ref.email

    # The customer answers the staff email from their mail program.
    answer = EmailMessage()
    answer["From"] = "Ana Lima <ana@example.net>"
    answer["To"] = staff_email["Reply-To"]
    answer["Subject"] = "Re: " + str(staff_email["Subject"])
    answer["Message-ID"] = make_msgid(domain="example.net")
    answer["In-Reply-To"] = staff_email["Message-ID"]
    answer["References"] = staff_email["Message-ID"]
    answer.set_content("Great, thank you!\n\nOn Tue, Support wrote:\n> It ships tomorrow.")
    piped = app.test_client().post(
        "/api/v1/inbound/email",
        data=answer.as_bytes(),
        headers={**mail_server.headers, "Content-Type": "message/rfc822"},
    )
    assert piped.status_code in (200, 201), piped.get_json()
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        last = db.session.scalar(
            sa.select(Message)
            .where(Message.ticket_id == ticket.id, Message.internal.is_(False))
            .order_by(Message.id.desc())
        )
        assert last.author_type == "customer"
        assert last.body_source.strip() == "Great, thank you!"
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1

        # Resolved: the rating request follows (a minute later, after the reply itself).
        ticket_reply(
            ticket=ticket,
            author=db.session.get(User, agent_ref.id),
            body="Done!",
            status="resolved",
        )
    set_now(now() + timedelta(minutes=2))
    with app.app_context():
        send_outbox()
    bodies = [message.get_body(("plain",)).get_content() for message in server.handler.messages()]
    assert any("/feedback/rating/" in body for body in bodies), bodies[-2:]
