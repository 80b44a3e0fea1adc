"""Translated display names for ticket views, statuses and priorities."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

VIEW_LABELS = {
    "open": _l("Open"),
    "mine": _l("Mine"),
    "unassigned": _l("Unassigned"),
    "waiting": _l("Waiting on customer"),
    "promises": _l("Promises due"),
    "complaints": _l("Complaints"),
    "breaching": _l("Breaching soon"),
    "snoozed": _l("Snoozed"),
    "spam": _l("Spam"),
    "all": _l("All"),
}
SORT_LABELS = {
    "latest": _l("Latest activity"),
    "waiting": _l("Customer waiting longest"),
    "priority": _l("Priority"),
    "due": _l("Due soonest"),
}
CHANNEL_LABELS = {
    "widget": _l("Widget"),
    "email": _l("Email"),
    "api": _l("API"),
    "agent": _l("Agent"),
    "outreach": _l("Outreach"),
}
KIND_LABELS = {
    "question": _l("Question"),
    "problem": _l("Problem"),
    "complaint": _l("Complaint"),
    "feature_request": _l("Feature request"),
}
ACTION_LABELS = {
    "ticket.create": _l("opened the ticket"),
    "ticket.feature_request": _l("changed the feature requests it asks for"),
    "ticket.reply": _l("replied"),
    "ticket.note": _l("added a note"),
    "ticket.update": _l("changed the ticket"),
    "ticket.bulk_update": _l("changed the ticket (bulk)"),
    "ticket.complaint_detected": _l("recognised a complaint"),
    "ticket.complaint_label": _l("labelled it for the complaint detector"),
    "ticket.flag_founders": _l("flagged it for the founders"),
    "recovery.start": _l("started a recovery"),
    "recovery.end": _l("ended the recovery"),
    "recovery.step_done": _l("finished a recovery step"),
    "recovery.step_reopened": _l("reopened a recovery step"),
    "recovery.diagnose_skipped": _l("skipped Diagnose"),
    "recovery.read": _l("read the conversation to the end"),
    "promise.create": _l("promised an update"),
    "promise.replaced": _l("replaced a promise"),
    "promise.kept": _l("kept a promise"),
    "promise.missed": _l("missed a promise"),
    "ticket.customer_reply": _l("wrote again"),
    "rating.record": _l("rated the help"),
    "escalation.raise": _l("escalated it to the founders"),
    "escalation.claim": _l("claimed the founders' review"),
    "escalation.note": _l("added a founder note"),
    "escalation.resolve": _l("finished the founders' review"),
    "ticket.founder_reply": _l("replied as a founder"),
    "sla.breached": _l("missed a service-level target"),
    "automation.run": _l("changed the ticket"),
    "automation.failed": _l("could not change the ticket"),
    "ticket.snooze": _l("snoozed the ticket"),
    "ticket.bulk_snooze": _l("snoozed the ticket (bulk)"),
    "ticket.unsnooze": _l("unsnoozed the ticket"),
    "ticket.wake": _l("brought the snoozed ticket back"),
    "ticket.merge": _l("merged the ticket into another"),
    "ticket.merged_in": _l("merged another ticket into this one"),
    "ticket.spam": _l("marked the ticket as spam"),
    "ticket.bulk_spam": _l("marked the ticket as spam (bulk)"),
    "ticket.not_spam": _l("marked the ticket as not spam"),
}
STATUS_LABELS = {
    "new": _l("New"),
    "open": _l("Open"),
    "pending": _l("Waiting on customer"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
}
# The status as the customer reads it (the widget and the conversation page).
CUSTOMER_STATUS_LABELS = {
    "new": _l("Received"),
    "open": _l("We are on it"),
    "pending": _l("Waiting for your reply"),
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
    "due_at": _l("due"),
    "step": _l("step"),
    "reason": _l("reason"),
    "root_cause": _l("root cause"),
    "status": _l("status"),
    "priority": _l("priority"),
    "assignee": _l("assignee"),
    "tags": _l("tags"),
    "channel": _l("channel"),
    "sla_kind": _l("target"),
    "sla_policy": _l("policy"),
    "wakes_at": _l("snoozed until"),
    "merged_into": _l("merged into"),
    "merged_from": _l("merged from"),
    "messages_moved": _l("messages moved"),
    "blocked": _l("blocked"),
    "unblocked": _l("unblocked"),
    "is_complaint": _l("complaint"),
}
ESTIMATE_LABELS = {
    "minutes": _l("A few minutes of work"),
    "hour": _l("About an hour"),
    "day": _l("About a day"),
    "days": _l("A few days"),
}
PROMISE_STATE_LABELS = {
    "pending": _l("Pending"),
    "kept": _l("Kept"),
    "missed": lazy_pgettext("promise", "Missed"),
    "cancelled": _l("Replaced"),
}
