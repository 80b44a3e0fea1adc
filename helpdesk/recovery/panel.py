"""The recovery panel's data for one ticket, built in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpdesk.models import ComplaintLabel, Recovery, RecoveryStep, RootCause, Ticket, User
from helpdesk.models.recovery import STEPS
from helpdesk.recovery.forms import ReasonForm, StepForm
from helpdesk.recovery.guide import BLAME_WORDS, CHECKLISTS, GUIDANCE, STEP_LABELS
from helpdesk.recovery.library import phrases_by_step, root_causes
from helpdesk.recovery.phrases import render_phrase
from helpdesk.recovery.reasons import Reason, describe
from helpdesk.recovery.settings import recovery_settings
from helpdesk.tickets.panels import Panel


@dataclass
class RenderedPhrase:
    id: int
    text: str


@dataclass
class StepView:
    key: str
    label: str
    guidance: str
    checklist: list[str]
    state: str  # "done", "current" or "later"
    record: RecoveryStep | None
    phrases: list[RenderedPhrase] = field(default_factory=list)


@dataclass
class RecoveryPanel:
    recovery: Recovery | None
    steps: list[StepView]
    reasons: list[str]
    root_causes: list[RootCause]
    closing_phrases: list[RenderedPhrase]
    # The team's answer to "is this a complaint?", if someone gave one.
    label: ComplaintLabel | None = None


def phrase_values(ticket: Ticket, user: User, recovery: Recovery | None) -> dict[str, str | None]:
    customer = ticket.customer
    return {
        "customer_first_name": customer.first_name if customer and customer.name else None,
        "agent_first_name": user.first_name,
        "product": recovery_settings().product_name or None,
        "issue_summary": recovery.problem_summary if recovery else None,
        "promise_time": None,
    }


def recovery_panel(ticket: Ticket, user: User) -> RecoveryPanel:
    recovery = ticket.recovery
    language = ticket.customer.language or "en"
    reasons = [
        describe(Reason.from_dict(item))
        for item in (ticket.sentiment_reasons or [])
        if isinstance(item, dict)
    ]
    label = ticket.complaint_label
    if recovery is None or recovery.state == "ended":
        return RecoveryPanel(recovery, [], reasons, [], [], label)
    values = phrase_values(ticket, user, recovery)
    by_step = phrases_by_step(language)

    def rendered(step: str) -> list[RenderedPhrase]:
        return [
            RenderedPhrase(phrase.id, render_phrase(phrase.body, values, phrase.language))
            for phrase in by_step.get(step, [])[:6]
        ]

    steps = []
    for key in STEPS:
        record = recovery.step_record(key)
        state = "done" if record else ("current" if key == recovery.current_step else "later")
        steps.append(
            StepView(
                key=key,
                label=str(STEP_LABELS[key]),
                guidance=str(GUIDANCE[key]),
                checklist=[str(item) for item in CHECKLISTS[key]],
                state=state,
                record=record,
                phrases=rendered(key) if state == "current" else [],
            )
        )
    causes = root_causes() if recovery.current_step == "diagnose" else []
    return RecoveryPanel(recovery, steps, reasons, causes, rendered("closing"), label)


def blame_words(ticket: Ticket) -> list[str]:
    """The words to warn about in this ticket's replies while a recovery is under way."""
    recovery = ticket.recovery
    if recovery is None or recovery.state != "active":
        return []
    language = ticket.customer.language or "en"
    return list(dict.fromkeys([*BLAME_WORDS.get(language, ()), *BLAME_WORDS["en"]]))


def panel_context(ticket: Ticket, user: User) -> dict[str, Any]:
    return {"recovery_panel": recovery_panel(ticket, user), "blame_words": blame_words(ticket)}


def _ticket_page_panel(ticket: Ticket, user: User) -> dict[str, Any]:
    return {
        **panel_context(ticket, user),
        "step_form": StepForm(formdata=None),
        "reason_form": ReasonForm(formdata=None),
    }


PANEL = Panel("recovery/_panel.html", _ticket_page_panel, 40)
HISTORY_LABELS = {"step": STEP_LABELS}
# The inbox rows show a recovery's current step.
TEMPLATE_GLOBALS = {"step_labels": STEP_LABELS}
