"""The queue's severity ranks: every escalation reason has one, in three levels."""

from __future__ import annotations

from helpdesk.founders.escalations import SEVERITY
from helpdesk.founders.labels import REASON_LABELS, SEVERITY_LABELS
from helpdesk.models.promise import ESCALATION_REASONS


def test_every_reason_has_a_rank_and_a_label():
    assert set(SEVERITY) == set(ESCALATION_REASONS) == set(REASON_LABELS)
    assert set(SEVERITY.values()) == set(SEVERITY_LABELS)


def test_failures_outrank_requests_and_patterns():
    assert SEVERITY["missed_promise"] == SEVERITY["bad_rating"] < SEVERITY["manual"]
    assert SEVERITY["vip"] < SEVERITY["repeat_contact"]
