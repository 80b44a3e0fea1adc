"""The recovery panel's data for one ticket, built in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.i18n import LabelsInUse
from helpdesk.models import ComplaintLabel, Recovery, RecoveryStep, RootCause, Ticket, User
from helpdesk.models.recovery import STEPS
from helpdesk.recovery.forms import ReasonForm, StepForm
from helpdesk.recovery.guide import BLAME_WORDS, CHECKLISTS, GUIDANCE, STEP_LABELS
from helpdesk.recovery.library import phrases_by_step, root_causes
from helpdesk.recovery.phrases import render_phrase
from helpdesk.recovery.reasons import Reason, describe
from helpdesk.recovery.settings import recovery_settings
from helpdesk.saved_replies.placeholders import FIELD_PLACEHOLDERS, placeholders_in
from helpdesk.tickets.panels import Panel


@dataclass
class RenderedPhrase:
    id: int
    # The phrase as it goes into the reply ("" while a field it needs is unwritten).
    text: str
    # For a phrase using a step's field ({issue_summary}, {resolution}): the phrase with
    # those placeholders left in, which static/js/phrases.js fills as the agent types, and
    # "placeholder=field id" pairs naming the fields.
    template: str = ""
    fields: list[str] = field(default_factory=list)
    # Shown beside a phrase offered disabled because its field is still empty.
    hint: str = ""

    @property
    def waiting(self) -> bool:
        return not self.text


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
        "issue_summary": _clause(recovery.problem_summary if recovery else None),
        "resolution": _clause(recovery.resolution if recovery else None),
        "promise_time": None,
    }


def _clause(text: str | None) -> str | None:
    """A field written as a sentence, made a clause for a phrase: one line, no final full
    stop (the phrase has its own). phrases.js does the same as the agent types."""
    if not text:
        return None
    return " ".join(text.split()).rstrip(".。।") or None


FIELD_HINTS = {
    "issue_summary": _l("Write the summary first."),
    "resolution": _l("Write what you did first."),
}


def render_for_panel(
    body: str, values: dict[str, str | None], language: str, register: str | None
) -> tuple[str, str, list[str], str]:
    """(text, template, fields, hint) of one phrase: a phrase that needs a step's field
    the agent has not written yet has no text (the panel shows it disabled with the hint)
    instead of a fallback sentence that would confirm nothing."""
    needed = sorted(placeholders_in(body) & FIELD_PLACEHOLDERS.keys())
    if not needed:
        return render_phrase(body, values, language, register), "", [], ""
    live = frozenset(needed)
    template = render_phrase(
        body, {k: v for k, v in values.items() if k not in live}, language, register, keep=live
    )
    fields = [f"{name}={FIELD_PLACEHOLDERS[name]}" for name in needed]
    missing = [name for name in needed if not (values.get(name) or "").strip()]
    hint = str(FIELD_HINTS[(missing or needed)[0]])
    if missing:
        return "", template, fields, hint
    return render_phrase(body, values, language, register), template, fields, hint


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
    register = user.phrase_register(language)
    by_step = phrases_by_step(language, register)

    def rendered(step: str) -> list[RenderedPhrase]:
        return [
            RenderedPhrase(
                phrase.id, *render_for_panel(phrase.body, values, phrase.language, register)
            )
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
TEMPLATE_GLOBALS = {"step_labels": LabelsInUse(STEP_LABELS)}
