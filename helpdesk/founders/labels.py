"""Translated display names for escalation reasons, states and outcomes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REASON_LABELS = {
    "missed_promise": _l("Missed promise"),
    "bad_rating": _l("Bad rating"),
    "detractor": _l("NPS detractor"),
    "negative_sentiment": _l("Strongly negative message"),
    "vip": _l("High-value customer complaint"),
    "repeat_contact": _l("Repeat contact"),
    "manual": _l("Escalated by an agent"),
    "sla_breach": _l("Service-level target missed"),
    "complaint": _l("Complaint"),
    "automation": _l("Sent by an automation rule"),
}
ESCALATION_STATUS_LABELS = {
    "active": _l("Open and claimed"),
    "open": _l("Open"),
    "claimed": _l("Claimed"),
    "done": _l("Done"),
}
OUTCOME_LABELS = {
    "retained": _l("Retained"),
    "refunded": _l("Refunded"),
    "churned": _l("Churned"),
    "other": _l("Other"),
}
SEVERITY_LABELS = {0: _l("High"), 1: _l("Medium"), 2: _l("Low")}
