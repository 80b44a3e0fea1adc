"""One enqueue function per kind of email: each renders its template pair in the
recipient's language and queues an `Outbox` row in the caller's transaction (never commits),
so the email exists exactly when the change that caused it does.

Customer emails carry a fresh `/c/<token>` link, Reply-To the ticket's signed reply address
and, for a thread, In-Reply-To/References. Automatic emails say so (`Auto-Submitted`) and
ask Exchange not to answer with out-of-office replies, so two robots cannot ping-pong. A
ticket's subject in a Subject header is bidi-isolated (`helpdesk.bidi.isolate`), as in the
plain-text part, so an override character in it cannot reorder the rest of the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy.orm import selectinload

from helpdesk.bidi import isolate
from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.feedback.links import nps_link, rating_link, unsubscribe_link
from helpdesk.mail.addresses import reply_address
from helpdesk.mail.compose import (
    ReplyExpectation,
    compose,
    external_url,
    format_moment,
    mail_language,
    reply_expectation,
)
from helpdesk.mail.outbox import outbox_enqueue
from helpdesk.models import Digest, Message, NpsSurvey, Outbox, Ticket, User
from helpdesk.models.feedback import RATING_SCORES
from helpdesk.models.promise import Promise

# An unverified address (anyone can type one into the widget) gets at most this many
# "we got your message" emails per hour, so the form cannot flood a stranger's inbox.
ACK_LIMIT_PER_HOUR = 1
# How many of our earlier emails on a ticket go into References (enough to thread).
MAX_REFERENCES = 5
# A rating request waits this long, so the reply that resolved the ticket ("reply and
# resolve") reaches the customer first.
RATING_DELAY = timedelta(minutes=1)
_NO_AUTO_REPLIES = {"X-Auto-Response-Suppress": "OOF, AutoReply"}
# An email the helpdesk writes on its own (no person typed it): no out-of-office answers.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", **_NO_AUTO_REPLIES}


def _customer_link(ticket: Ticket) -> str:
    # Imported here: tickets.intake imports the ticket services, which import this module.
    from helpdesk.tickets.tokens import ticket_link_token

    return external_url("customer.open_link", token=ticket_link_token(ticket))


def _ticket_headers(ticket: Ticket, *, auto: str | None) -> dict[str, str]:
    headers = {"Reply-To": reply_address(ticket), **_NO_AUTO_REPLIES}
    if auto:
        headers["Auto-Submitted"] = auto
    return headers


def queue_email(
    template: str,
    *,
    to_address: str,
    subject: Any,
    language: str | None,
    headers: dict[str, str],
    ticket_id: int | None = None,
    customer_id: int | None = None,
    user_id: int | None = None,
    send_after: datetime | None = None,
    **context: Any,
) -> Outbox:
    """Compose `template` with `context` in `language` and write it to the outbox in the
    caller's transaction (the sender job sends it after the commit)."""
    composed = compose(template, subject=subject, language=language, **context)
    return outbox_enqueue(
        template=template,
        to_address=to_address,
        subject=composed.subject,
        body_text=composed.text,
        body_html=composed.html,
        language=composed.language,
        headers=headers,
        ticket_id=ticket_id,
        customer_id=customer_id,
        user_id=user_id,
        send_after=send_after,
    )


def recent_acknowledgements(address: str) -> int:
    """How many "ticket received" emails went to `address` in the last hour."""
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Outbox.id)).where(
                Outbox.template == "ticket_received",
                Outbox.to_address == address,
                Outbox.created_at >= now() - timedelta(hours=1),
            )
        )
        or 0
    )


def acknowledgement_for(
    address: str, *, verified: bool, language: str | None, zone: str | None
) -> ReplyExpectation | None:
    """The reply time a "we got your message" email to `address` will promise, or None
    when none goes out: a verified contact always gets one, an unverified address at most
    once an hour. Reads alone, so a caller can ask before its transaction's first write."""
    if not verified and recent_acknowledgements(address) >= ACK_LIMIT_PER_HOUR:
        return None
    return reply_expectation(language=mail_language(language), zone=zone or None)


def mail_ticket_received(ticket: Ticket, *, expectation: ReplyExpectation) -> Outbox:
    """Tell the customer we have their message, when to expect a reply (`expectation`, from
    `acknowledgement_for`) and where to follow it."""
    customer = ticket.customer
    language = customer.language
    return queue_email(
        "ticket_received",
        to_address=customer.email,
        subject=lazy_gettext(
            "We got your message: %(subject)s [#%(number)s]",
            subject=isolate(ticket.subject),
            number=ticket.number,
        ),
        language=language,
        headers=_ticket_headers(ticket, auto="auto-replied"),
        ticket_id=ticket.id,
        customer_id=customer.id,
        customer_name=customer.first_name,
        ticket=ticket,
        expectation=expectation,
        link=_customer_link(ticket),
    )


def _thread_headers(ticket: Ticket) -> dict[str, str]:
    """In-Reply-To the customer's last email if we know it (else our last email on the
    ticket) and References to our earlier emails, so mail programs keep one thread."""
    customer_email_id = db.session.scalar(
        sa.select(Message.email_message_id)
        .where(
            Message.ticket_id == ticket.id,
            Message.author_type == "customer",
            Message.email_message_id.is_not(None),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    ours = list(
        db.session.scalars(
            sa.select(Outbox.message_id)
            .where(Outbox.ticket_id == ticket.id, Outbox.customer_id.is_not(None))
            .order_by(Outbox.created_at.desc(), Outbox.id.desc())
            .limit(MAX_REFERENCES)
        )
    )[::-1]
    references = [*ours, customer_email_id] if customer_email_id else ours
    parent = customer_email_id or (ours[-1] if ours else None)
    if not parent:
        return {}
    return {"In-Reply-To": parent, "References": " ".join(references)}


def mail_staff_reply(message: Message) -> Outbox | None:
    """Send a public staff reply to the customer (never an internal note); also the
    helpdesk's own public messages (an automation rule's, `author_type="system"`). The
    first message of a conversation the team started (channel "outreach") is no "Re:"."""
    if message.internal or message.author_type not in ("staff", "system"):
        return None
    ticket = message.ticket
    customer = ticket.customer
    author = message.author_user
    thread = _thread_headers(ticket)
    headers = {**_ticket_headers(ticket, auto=None), **thread}
    starts = ticket.channel == "outreach" and not thread
    subject = (
        lazy_gettext(
            "%(subject)s [#%(number)s]", subject=isolate(ticket.subject), number=ticket.number
        )
        if starts
        else lazy_gettext(
            "Re: %(subject)s [#%(number)s]", subject=isolate(ticket.subject), number=ticket.number
        )
    )
    row = queue_email(
        "staff_reply",
        to_address=customer.email,
        subject=subject,
        language=customer.language,
        headers=headers,
        ticket_id=ticket.id,
        customer_id=customer.id,
        customer_name=customer.first_name,
        agent_name=author.name if author else "",
        ticket=ticket,
        body_text=message.body_source,
        # Rendered from Markdown and cleaned by nh3 (`markdown_to_html`) when it was written;
        # the template marks it safe, as the conversation pages do.
        body_html=message.body_html,
        link=_customer_link(ticket),
    )
    # The reply's files go with it, read from storage when the email is sent (smtp.py).
    row.source_message_id = message.id
    return row


def mail_rating_request(ticket: Ticket) -> Outbox | None:
    """Ask the customer how we did, with one-click good/okay/bad links; called once each
    time a ticket becomes resolved or closed. A customer who left gets none (no automated
    message reaches them after that)."""
    customer = ticket.customer
    if customer.left_at is not None:
        return None
    links = {score: rating_link(ticket, score) for score in RATING_SCORES}
    return queue_email(
        "rating_request",
        to_address=customer.email,
        subject=lazy_gettext(
            "How did we do? %(subject)s [#%(number)s]",
            subject=isolate(ticket.subject),
            number=ticket.number,
        ),
        language=customer.language,
        headers={**_ticket_headers(ticket, auto="auto-generated"), **_thread_headers(ticket)},
        ticket_id=ticket.id,
        customer_id=customer.id,
        customer_name=customer.first_name,
        ticket=ticket,
        links=links,
        link=_customer_link(ticket),
        send_after=now() + RATING_DELAY,
    )


def _promises_with_their_agent(promise_ids: Sequence[int]) -> list[Any]:
    """Each promise with its ticket and the agent responsible (the assignee, else who
    promised), active agents only, in due order."""
    return list(
        db.session.execute(
            sa.select(Promise, Ticket, User)
            .join(Ticket, Ticket.id == Promise.ticket_id)
            .join(User, User.id == sa.func.coalesce(Ticket.assignee_id, Promise.agent_id))
            .where(Promise.id.in_(promise_ids), User.active.is_(True))
            .order_by(Promise.due_at, Promise.id)
        ).all()
    )


def mail_promise_reminders(*, promise_ids: Sequence[int]) -> int:
    """Remind the agent responsible (the assignee, else who promised) of each promise, in
    their own language; returns how many emails were queued."""
    if not promise_ids:
        return 0
    rows = _promises_with_their_agent(promise_ids)
    for promise, ticket, user in rows:
        queue_email(
            "promise_reminder",
            to_address=user.email,
            subject=lazy_gettext(
                "Reminder: you promised an update on #%(number)s", number=ticket.number
            ),
            language=user.language,
            headers=AUTOMATIC_HEADERS,
            ticket_id=ticket.id,
            user_id=user.id,
            agent_name=user.first_name,
            ticket=ticket,
            promise_text=promise.text,
            due=_staff_time(promise.due_at, user),
            link=external_url("tickets.ticket", number=ticket.number),
        )
    return len(rows)


def mail_promises_missed(*, promise_ids: Sequence[int], found_at: datetime) -> int:
    """Tell the agent responsible (the assignee, else who promised) that each promise is
    overdue: when the update was promised and when the sweep found it missed (`found_at`),
    both in their own zone and language; returns how many emails were queued."""
    if not promise_ids:
        return 0
    rows = _promises_with_their_agent(promise_ids)
    for promise, ticket, user in rows:
        queue_email(
            "promise_missed",
            to_address=user.email,
            subject=lazy_gettext(
                "Overdue: you promised an update on #%(number)s", number=ticket.number
            ),
            language=user.language,
            headers=AUTOMATIC_HEADERS,
            ticket_id=ticket.id,
            user_id=user.id,
            agent_name=user.first_name,
            ticket=ticket,
            promise_text=promise.text,
            due=_staff_time(promise.due_at, user),
            found=_staff_time(found_at, user, same_day_as=promise.due_at),
            link=external_url("tickets.ticket", number=ticket.number),
        )
    return len(rows)


def mail_founder_digest(digest: Digest) -> int:
    """Queue the weekly digest for every active founder and admin; returns how many."""
    users = list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.role.in_(("founder", "admin")))
            .order_by(User.id)
        )
    )
    link = external_url("digests.digest_page", digest_id=digest.id)
    for user in users:
        queue_email(
            "founder_digest",
            to_address=user.email,
            subject=lazy_gettext(
                "Weekly support digest: week of %(date)s", date=digest.week_start.isoformat()
            ),
            language=user.language,
            headers=AUTOMATIC_HEADERS,
            user_id=user.id,
            name=user.first_name,
            content=digest.content,
            week_start=digest.week_start.isoformat(),
            link=link,
        )
    return len(users)


def mail_nps_surveys(*, round_id: int) -> int:
    """Queue the survey invitation for every customer invited in one NPS round; each
    carries an unsubscribe link (and RFC 8058 one-click unsubscribe headers). A customer
    who left since they were invited gets none."""
    surveys = db.session.scalars(
        sa.select(NpsSurvey)
        .where(NpsSurvey.round_id == round_id)
        .options(selectinload(NpsSurvey.customer))
        .order_by(NpsSurvey.id)
    ).all()
    surveys = [survey for survey in surveys if survey.customer.left_at is None]
    for survey in surveys:
        customer = survey.customer
        unsubscribe = unsubscribe_link(customer)
        queue_email(
            "nps_survey",
            to_address=customer.email,
            subject=lazy_gettext("Would you recommend us? (one question, one click)"),
            language=customer.language,
            headers={
                "Auto-Submitted": "auto-generated",
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                **_NO_AUTO_REPLIES,
            },
            customer_id=customer.id,
            customer_name=customer.first_name,
            link=nps_link(survey),
            unsubscribe=unsubscribe,
        )
    return len(surveys)


def _staff_time(moment: datetime, user: User, *, same_day_as: datetime | None = None) -> str:
    return format_moment(
        moment,
        language=mail_language(user.language),
        zone=user.timezone,
        same_day_as=same_day_as,
    )
