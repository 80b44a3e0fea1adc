"""What email does when things happen: acknowledge a customer's new conversation (the
reply time it promises is worked out before the first write), send public staff replies,
ask for a rating when a ticket is resolved or closed, send the founders' digest, a
survey round's invitations and a staff member's password reset link. Each queues outbox
rows in the publishing transaction; the outbox job sends them. (Emails to staff about
their tickets, promise reminders included, are notifications:
`helpdesk.notifications.emails`, by each person's preferences.)"""

from __future__ import annotations

from helpdesk.auth.events import PasswordResetRequested
from helpdesk.feedback.events import NpsRoundStarted
from helpdesk.founders.events import DigestMade
from helpdesk.mail.account_emails import mail_password_reset
from helpdesk.mail.events import (
    acknowledgement_for,
    mail_founder_digest,
    mail_nps_surveys,
    mail_rating_request,
    mail_staff_reply,
    mail_ticket_received,
)
from helpdesk.models.ticket import DONE_STATUSES
from helpdesk.tickets.events import CustomerWriting, StaffReplied, StatusChanged, TicketCreated

KEY = "mail.acknowledgement"


def plan_acknowledgement(event: CustomerWriting) -> None:
    if not event.acknowledge:
        return
    customer = event.customer
    event.prepared[KEY] = acknowledgement_for(
        event.email,
        verified=event.verified,
        language=event.language,
        zone=customer.timezone if customer is not None else None,
    )


def acknowledge(event: TicketCreated) -> None:
    expectation = event.prepared.get(KEY)
    if expectation is not None:
        mail_ticket_received(event.ticket, expectation=expectation)


def send_reply(event: StaffReplied) -> None:
    if not event.internal:
        mail_staff_reply(event.message)


def ask_for_rating(event: StatusChanged) -> None:
    # Closed as spam or merged into another ticket (tickets/spam.py, merge.py): no question.
    if event.ticket.spam_at is not None or event.ticket.merged_into_id is not None:
        return
    if event.new in DONE_STATUSES and event.old not in DONE_STATUSES:
        mail_rating_request(event.ticket)


def send_digest(event: DigestMade) -> None:
    mail_founder_digest(event.digest)


def invite_to_survey(event: NpsRoundStarted) -> None:
    mail_nps_surveys(round_id=event.round_id)


REACTIONS = (
    (CustomerWriting, plan_acknowledgement),
    (TicketCreated, acknowledge),
    (StaffReplied, send_reply),
    (StatusChanged, ask_for_rating),
    (DigestMade, send_digest),
    (NpsRoundStarted, invite_to_survey),
    (PasswordResetRequested, mail_password_reset),
)
