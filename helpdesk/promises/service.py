"""Promise use cases: make a promise with a reply, keep it, and the wording the customer sees.

A promise is made and kept inside the reply's (or status change's) transaction, so those
functions never commit; the one use case here, `reminder_lead_update` (a setting), is
decorated `@use_case`. The sweeps (reminders, misses) are in `promises/sweeps.py`.
Rules: one pending promise per ticket (a new one cancels the old, audited); the next public
staff reply before the due time keeps it (kept early with at least a quarter of the window
left); resolving the ticket keeps it; a note does not; a customer's reply changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.format_filters import options as format_options
from helpdesk.models import Message, Ticket, User
from helpdesk.models.promise import Promise
from helpdesk.promises.padding import check_custom_due, describe_due
from helpdesk.recovery.library import phrases_for
from helpdesk.recovery.phrases import render_phrase
from helpdesk.settings.hours import business_hours
from helpdesk.settings.service import setting_get, setting_put

REMINDER_LEAD = timedelta(minutes=30)  # default; admins change it under Business hours
MAX_REMINDER_MINUTES = 24 * 60
FALLBACK_SENTENCE = "I'll send you an update by {promise_time}."
MAX_PROMISE_TEXT = 500


def reminder_lead() -> timedelta:
    """How long before a promise falls due its agent is reminded (setting, default 30 min)."""
    minutes = setting_get("promises", {}).get("reminder_minutes")
    if isinstance(minutes, int) and 1 <= minutes <= MAX_REMINDER_MINUTES:
        return timedelta(minutes=minutes)
    return REMINDER_LEAD


@use_case
def reminder_lead_update(*, actor: User, minutes: int) -> timedelta:
    """Set the reminder lead (admins)."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change promise reminders."))
    if not 1 <= minutes <= MAX_REMINDER_MINUTES:
        raise ValidationError(
            "reminder_minutes",
            _("Use a number of minutes from 1 to %(most)d.", most=MAX_REMINDER_MINUTES),
        )
    before = int(reminder_lead().total_seconds() // 60)
    if before != minutes:
        setting_put("promises", {"reminder_minutes": minutes})
        audit(
            actor=actor,
            action="settings.promise_reminders",
            obj=actor,
            changes={"reminder_minutes": [before, minutes]},
        )
    return timedelta(minutes=minutes)


def reminder_time(created: datetime, due: datetime) -> datetime:
    """When to remind: the lead before due, or a quarter of the window if that is less."""
    return due - min(reminder_lead(), (due - created) / 4)


def pending_promise(ticket: Ticket) -> Promise | None:
    return db.session.scalar(
        sa.select(Promise).where(Promise.ticket_id == ticket.id, Promise.status == "pending")
    )


def promise_sentence(*, ticket: Ticket, agent: User, due: datetime) -> str:
    """The sentence for the reply, in the customer's language and time zone, from the
    phrase library's "promise" phrases (English if the language has none)."""
    customer = ticket.customer
    language = customer.language or "en"
    locale = language if language in ("en", "th", "id", "bn") else "en"
    when = describe_due(
        due,
        zone=customer.timezone,
        fallback_zone=business_hours().timezone,
        locale=locale,
        options=format_options(locale),
    )
    register = agent.phrase_register(language)
    phrases = phrases_for("promise", language, register)
    template = phrases[0].body if phrases else FALLBACK_SENTENCE
    values = {
        "customer_first_name": customer.first_name if customer.name else None,
        "agent_first_name": agent.first_name,
        "promise_time": when,
    }
    return render_phrase(template, values, phrases[0].language if phrases else "en", register)


def promise_make(*, ticket: Ticket, agent: User, due_at: datetime, text: str) -> Promise:
    """Record a promise told in a public reply; a pending one on the ticket is cancelled."""
    current = now()
    try:
        due_at = check_custom_due(due_at, now=current)
    except ValidationError as error:  # named for the composer's field
        raise ValidationError("promise_due_at", error.message) from error
    text = (text or "").strip()[:MAX_PROMISE_TEXT]
    if not text:
        raise ValidationError("promise_due_at", _("The promise needs its sentence."))
    old = pending_promise(ticket)
    if old is not None:
        old.status = "cancelled"
        audit(
            actor=agent,
            action="promise.replaced",
            obj=ticket,
            changes={"promise_id": old.id, "due_at": old.due_at},
        )
        db.session.flush()  # the one-pending-per-ticket index sees the old one cancelled
    promise = Promise(
        ticket=ticket,
        agent=agent,
        created_at=current,
        due_at=due_at,
        remind_at=reminder_time(current, due_at),
        text=text,
    )
    db.session.add(promise)
    db.session.flush()
    audit(
        actor=agent,
        action="promise.create",
        obj=ticket,
        changes={"promise_id": promise.id, "due_at": due_at},
    )
    return promise


def promise_keep(*, ticket: Ticket, actor: User | None, message: Message | None) -> Promise | None:
    """Keep the ticket's pending promise if its time has not passed (a public reply, or
    resolving). Past due, it is left for the sweep, which marks it missed."""
    promise = pending_promise(ticket)
    current = now()
    if promise is None or current > promise.due_at:
        return None
    window = promise.due_at - promise.created_at
    early = (promise.due_at - current) >= window / 4
    # Conditional, like the sweep's claim: if the sweep marked it missed a moment ago, the
    # miss stands and nothing here overwrites it.
    result = db.session.execute(
        sa.update(Promise)
        .where(Promise.id == promise.id, Promise.status == "pending")
        .values(
            status="kept",
            kept_early=early,
            fulfilled_at=current,
            fulfilled_by_message_id=message.id if message is not None else None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(promise)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    audit(
        actor=actor or "system",
        action="promise.kept",
        obj=ticket,
        changes={"promise_id": promise.id, "early": early},
    )
    return promise
