"""Translated display names for ticket views, statuses and priorities."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

VIEW_LABELS = {
    "open": _l("Open"),
    "mine": _l("Mine"),
    "unassigned": _l("Unassigned"),
    "waiting": _l("Waiting on customer"),
    "complaints": _l("Complaints"),
    "all": _l("All"),
}
SORT_LABELS = {
    "latest": _l("Latest activity"),
    "waiting": _l("Customer waiting longest"),
    "priority": _l("Priority"),
}
CHANNEL_LABELS = {
    "widget": _l("Widget"),
    "email": _l("Email"),
    "api": _l("API"),
    "agent": _l("Agent"),
}
KIND_LABELS = {
    "question": _l("Question"),
    "problem": _l("Problem"),
    "complaint": _l("Complaint"),
    "feature_request": _l("Feature request"),
}
ACTION_LABELS = {
    "ticket.create": _l("opened the ticket"),
    "ticket.reply": _l("replied"),
    "ticket.note": _l("added a note"),
    "ticket.update": _l("changed the ticket"),
    "ticket.bulk_update": _l("changed the ticket (bulk)"),
}
STATUS_LABELS = {
    "new": _l("New"),
    "open": _l("Open"),
    "pending": _l("Waiting on customer"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
}
PRIORITY_LABELS = {
    "low": _l("Low"),
    "normal": _l("Normal"),
    "high": _l("High"),
    "urgent": _l("Urgent"),
}
FIELD_LABELS = {
    "status": _l("status"),
    "priority": _l("priority"),
    "assignee": _l("assignee"),
    "tags": _l("tags"),
    "channel": _l("channel"),
}
