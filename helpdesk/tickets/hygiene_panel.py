"""The ticket page's "Snooze, merge, spam" panel: what the forms need and the times the
quick picks stand for."""

from __future__ import annotations

from typing import Any

from helpdesk.clock import now
from helpdesk.models import Ticket, User
from helpdesk.settings.hours import business_hours
from helpdesk.tickets.hygiene_forms import ConfirmForm, MergeForm, SnoozeForm, SpamForm
from helpdesk.tickets.merge import merge_candidates, merge_target
from helpdesk.tickets.snooze import QUICK_PICKS, snooze_picks
from helpdesk.tickets.spam import FREE_MAIL_DOMAINS, sender_domain


def hygiene_context(ticket: Ticket, user: User) -> dict[str, Any]:
    picks = snooze_picks(now(), business_hours()) if ticket.is_open else {}
    return {
        "snooze_form": SnoozeForm(formdata=None),
        "snooze_picks": [(name, QUICK_PICKS[name], picks[name]) for name in picks],
        "merge_form": MergeForm(formdata=None),
        "merge_candidates": merge_candidates(ticket) if ticket.merged_into_id is None else [],
        "spam_form": SpamForm(formdata=None),
        "hygiene_confirm": ConfirmForm(formdata=None),
        "merged_into": merge_target(ticket) if ticket.merged_into_id is not None else None,
        "domain_blockable": sender_domain(ticket.customer.email) not in FREE_MAIL_DOMAINS,
        "sender_domain": sender_domain(ticket.customer.email),
    }
