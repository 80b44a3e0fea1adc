"""The customer page's words for stored values, translated once per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SORT_LABELS = {
    "last_contact": _l("Last contact"),
    "value": _l("Lifetime value"),
    "open": _l("Open tickets"),
}
PROMISE_LABELS = {
    "pending": _l("Pending"),
    "kept": _l("Kept"),
    "missed": _l("Missed"),
    "cancelled": _l("Cancelled"),
}
RATING_LABELS = {"good": _l("Good"), "okay": _l("Okay"), "bad": _l("Bad")}
RECOVERY_LABELS = {"active": _l("In progress"), "completed": _l("Completed"), "ended": _l("Ended")}
HISTORY_LABELS = {
    "customer.create": _l("created the customer"),
    "customer.update": _l("changed the customer's details"),
    "customer.language": _l("changed the customer's language"),
    "customer.note": _l("added a note"),
    "customer.merge": _l("merged another customer into this one"),
    "customer.left": _l("marked the customer as left"),
    "customer.left_undone": _l('undid "left"'),
}
