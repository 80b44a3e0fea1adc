"""Translated display names for ticket views, statuses and priorities."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

VIEW_LABELS = {
    "open": _l("Open"),
    "mine": _l("Mine"),
    "unassigned": _l("Unassigned"),
    "all": _l("All"),
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
