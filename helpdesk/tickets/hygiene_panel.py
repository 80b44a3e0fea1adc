"""The ticket page's "Snooze, merge, spam" panel: what the forms need and the times the
quick picks stand for."""

from __future__ import annotations

from typing import Any

from helpdesk.models import Ticket, User
from helpdesk.tickets.hygiene_forms import ConfirmForm, MergeForm, SnoozeForm, SpamForm
from helpdesk.tickets.merge import merge_candidates, merge_target
from helpdesk.tickets.snooze import QUICK_PICKS
from helpdesk.tickets.spam import FREE_MAIL_DOMAINS, sender_domain


def hygiene_context(ticket: Ticket, user: User) -> dict[str, Any]:
    # The picks' times are worked out when one is chosen (reading the business hours here
    # would cost every ticket page a query); the confirmation says the exact time.
    return {
        "snooze_form": SnoozeForm(formdata=None),
        "snooze_picks": list(QUICK_PICKS.items()) if ticket.is_open else [],
        "merge_form": MergeForm(formdata=None),
        "merge_candidates": merge_candidates(ticket) if ticket.merged_into_id is None else [],
        "spam_form": SpamForm(formdata=None),
        "hygiene_confirm": ConfirmForm(formdata=None),
        "merged_into": merge_target(ticket) if ticket.merged_into_id is not None else None,
        "domain_blockable": sender_domain(ticket.customer.email) not in FREE_MAIL_DOMAINS,
        "sender_domain": sender_domain(ticket.customer.email),
    }
