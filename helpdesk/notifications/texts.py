"""What each notification says, in the language being rendered (the page's, or the
recipient's inside an email's `force_locale`)."""

from __future__ import annotations

from flask_babel import gettext as _

from helpdesk.models import Notification


def describe(notification: Notification) -> str:
    """One sentence: who did what on which ticket, from the reader's point of view."""
    number = notification.ticket.number
    actor = notification.actor.first_name if notification.actor is not None else None
    kind = notification.kind
    if kind == "assigned":
        if actor:
            return _("%(name)s assigned #%(number)s to you", name=actor, number=number)
        return _("#%(number)s was assigned to you", number=number)
    if kind == "customer_replied":
        return _("The customer replied on #%(number)s", number=number)
    if kind == "mentioned":
        return _(
            "%(name)s mentioned you in a note on #%(number)s",
            name=actor or _("Someone"),
            number=number,
        )
    if kind == "escalated":
        return _("A complaint on #%(number)s was escalated to the founders' queue", number=number)
    if kind == "sla_breached":
        return _("#%(number)s missed a service-level target.", number=number)
    if kind == "promise_reminder":
        return _("A promised update on #%(number)s is due soon.", number=number)
    return _("A promised update on #%(number)s was missed.", number=number)
