"""What staff read for outreach's stored codes: kinds, states, suppression reasons,
feature request statuses and the playbooks' triggers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "slipping": _l("Usage slipping"),
    "onboarding": _l("Did not come back after onboarding"),
    "left": _l("Left: thank you"),
    "feature_shipped": _l("Feature shipped"),
    "manual": _l("Written by hand"),
}
STATE_LABELS = {
    "draft": _l("Draft"),
    "sent": _l("Sent"),
    "suppressed": _l("Suppressed"),
    "dismissed": _l("Dismissed"),
}
REASON_LABELS = {
    "erased": _l("Their personal data was erased."),
    "left": _l("They left: no more automated messages."),
    "unsubscribed": _l("They unsubscribed from our emails."),
    "complaint": _l("They have an unresolved complaint."),
    "open_ticket": _l("They have an open ticket."),
    "recently_contacted": _l("We contacted them recently."),
}
FEATURE_STATUS_LABELS = {
    "open": _l("Open"),
    "planned": _l("Planned"),
    "shipped": _l("Shipped"),
}
TRIGGER_LABELS = {
    "slipping": _l("Usage is slipping"),
    "dormant": _l("Did not come back after onboarding"),
    "left": _l("Left"),
}
