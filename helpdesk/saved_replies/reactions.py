"""Saved replies react to a staff reply written from one: the use is counted and its
actions applied in the reply's own transaction (a refused send applies nothing)."""

from __future__ import annotations

from helpdesk.saved_replies.steps import saved_reply_used
from helpdesk.tickets.events import StaffReplied


def on_staff_replied(event: StaffReplied) -> None:
    if event.saved_reply_id is None:
        return
    saved_reply_used(
        ticket=event.ticket,
        author=event.author,
        reply_id=event.saved_reply_id,
        apply_actions=event.saved_reply_actions,
        requested_status=event.requested_status,
    )


REACTIONS = ((StaffReplied, on_staff_replied),)
