"""Promise an update without the composer (the REST API): the promise goes to the customer
the way the composer sends it — as a public reply carrying the sentence — so it is made,
kept, reminded and missed by exactly the same rules (`tickets.service.ticket_reply`)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from helpdesk.clock import now
from helpdesk.errors import ValidationError
from helpdesk.forms import strip_control
from helpdesk.models import Promise, Ticket, User
from helpdesk.promises.padding import check_custom_due
from helpdesk.promises.service import MAX_PROMISE_TEXT, pending_promise, promise_sentence
from helpdesk.tickets.service import ticket_reply


def promise_tell(*, ticket: Ticket, agent: User, due_at: datetime, text: str | None) -> Promise:
    """Tell the customer when they will hear back, by `due_at` (aware; future, at most 60
    days ahead): `text` is the reply, or, without it, the phrase library's promise sentence
    in the customer's language and zone. The reply keeps any pending promise and the new
    one replaces it. Errors name `due_at` or `text`."""
    due = check_custom_due(due_at, now=now())
    if text is None:
        text = promise_sentence(ticket=ticket, agent=agent, due=due)
    text = str(strip_control(text)).strip()
    if not text:
        raise ValidationError("text", _("Write the promise, or leave it out for the usual one."))
    if len(text) > MAX_PROMISE_TEXT:
        raise ValidationError(
            "text", _("Use at most %(count)d characters.", count=MAX_PROMISE_TEXT)
        )
    ticket_reply(ticket=ticket, author=agent, body=text, promise_due=due, promise_text=text)
    promise = pending_promise(ticket)
    if promise is None:  # ticket_reply made it in the transaction it just committed
        raise RuntimeError("the promise was not recorded")
    return promise
