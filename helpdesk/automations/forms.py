"""The rule form: When / If / Then (shape only; `rules.py` and `service.py` hold the rules,
so the messages are the same however a rule arrives), and turning it into a `RuleSpec`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length

from helpdesk.automations.describe import TIME_FIELD_LABELS, TIME_UNIT_LABELS, TRIGGER_LABELS
from helpdesk.automations.rules import Action, Conditions, RuleSpec, Trigger, conditions_json
from helpdesk.errors import ValidationError
from helpdesk.format_filters import language_name
from helpdesk.forms import BaseForm, parse_id
from helpdesk.models import AutomationRule
from helpdesk.models.saved_reply import SAVED_REPLY_LANGUAGES
from helpdesk.tickets.labels import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS

MAX_TEXT = 60_000


class RuleForm(BaseForm):
    name = StringField(_l("Name"), validators=[Length(max=1000)])
    enabled = BooleanField(_l("Switched on"))
    # When
    trigger = SelectField(lazy_pgettext("automation trigger", "When"), validate_choice=False)
    trigger_status = SelectField(_l("To status (status changes only)"), validate_choice=False)
    time_amount = StringField(_l("How long"), validators=[Length(max=20)])
    time_unit = SelectField(_l("Unit"), validate_choice=False)
    time_field = SelectField(_l("After"), validate_choice=False)
    # If
    statuses = SelectMultipleField(_l("Status is"), validate_choice=False)
    channels = SelectMultipleField(_l("Came by"), validate_choice=False)
    words = TextAreaField(
        _l("The customer's message mentions any of"),
        validators=[Length(max=MAX_TEXT)],
        description=_l(
            "One word or phrase per line; case does not matter. Thai and other scripts "
            "without spaces match anywhere in the text."
        ),
    )
    tags = StringField(
        _l("Tagged with any of"),
        validators=[Length(max=1000)],
        description=_l("Separate tags with commas."),
    )
    complaint = SelectField(_l("Complaint"), validate_choice=False)
    plans = StringField(
        _l("Customer's plan is any of"),
        validators=[Length(max=2000)],
        description=_l("Separate plans with commas."),
    )
    vip = BooleanField(_l("Customer is a VIP"))
    min_value = StringField(
        _l("Customer's lifetime value is at least"),
        validators=[Length(max=30)],
        description=_l("With “VIP” also ticked: a VIP or a customer worth at least this."),
    )
    priorities = SelectMultipleField(_l("Priority is"), validate_choice=False)
    languages = SelectMultipleField(_l("Customer's language is"), validate_choice=False)
    # Then
    set_priority = SelectField(_l("Set priority"), validate_choice=False)
    add_tags = StringField(
        _l("Add tags"), validators=[Length(max=1000)], description=_l("Separate tags with commas.")
    )
    assign = SelectField(_l("Assign to"), validate_choice=False)
    round_robin = SelectMultipleField(_l("Or assign in turns to"), validate_choice=False)
    note = TextAreaField(_l("Add an internal note"), validators=[Length(max=MAX_TEXT)])
    saved_reply = SelectField(_l("Send a saved reply"), validate_choice=False)
    escalate = BooleanField(_l("Put it in the founders' queue"))
    close = SelectField(_l("Close with a message"), validate_choice=False)
    close_body = TextAreaField(
        _l("Closing message"),
        validators=[Length(max=MAX_TEXT)],
        description=_l(
            "Left empty: a polite note in the customer's language saying the conversation "
            "is closed and that replying opens it again."
        ),
    )

    def set_choices(self, people: list[tuple[int, str]], replies: list[tuple[int, str]]) -> None:
        none = ("", _("—"))
        self.trigger.choices = [(key, str(label)) for key, label in TRIGGER_LABELS.items()]
        status_choices = [(key, str(label)) for key, label in STATUS_LABELS.items()]
        self.trigger_status.choices = [("", _("Any status")), *status_choices]
        self.time_unit.choices = [(key, str(label)) for key, label in TIME_UNIT_LABELS.items()]
        self.time_field.choices = [(key, str(label)) for key, label in TIME_FIELD_LABELS.items()]
        self.statuses.choices = status_choices
        self.channels.choices = [(key, str(label)) for key, label in CHANNEL_LABELS.items()]
        self.complaint.choices = [
            ("", _("Either")),
            ("yes", _("Only complaints")),
            ("no", _("Only other tickets")),
        ]
        priority_choices = [(key, str(label)) for key, label in PRIORITY_LABELS.items()]
        self.priorities.choices = priority_choices
        self.languages.choices = [(code, language_name(code)) for code in SAVED_REPLY_LANGUAGES]
        self.set_priority.choices = [none, *priority_choices]
        person_choices = [(str(user_id), name) for user_id, name in people]
        self.assign.choices = [none, *person_choices]
        self.round_robin.choices = person_choices
        self.saved_reply.choices = [none, *((str(rid), title) for rid, title in replies)]
        self.close.choices = [
            none,
            ("resolved", str(STATUS_LABELS["resolved"])),
            ("closed", str(STATUS_LABELS["closed"])),
        ]


def _split(text: str | None, separator: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(separator) if part.strip())


def _id(value: str | None, field: str) -> int:
    number = parse_id(value)
    if number is None:
        raise ValidationError(field, _("Choose from the list."))
    return number


def _cents(value: str | None) -> int | None:
    text = (value or "").strip().replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount > Decimal(10**11):
        raise ValidationError(
            "min_value", _("Enter an amount such as 1000 or 1000.50 (0 or more).")
        )
    return int((amount * 100).to_integral_value())


def spec_from_form(form: RuleForm) -> RuleSpec:
    """The rule the form describes (unchecked beyond parsing: `check_spec` follows)."""
    amount_text = (form.time_amount.data or "").strip()
    amount: int | None = None
    if form.trigger.data == "time_since":
        if not (amount_text.isascii() and amount_text.isdigit()) or len(amount_text) > 6:
            raise ValidationError("time_amount", _("Enter a whole number, such as 7."))
        amount = int(amount_text)
    complaint = {"yes": True, "no": False}.get(form.complaint.data or "")
    conditions = Conditions(
        channels=tuple(form.channels.data or ()),
        words=_split(form.words.data, "\n"),
        tags=_split(form.tags.data, ","),
        complaint=complaint,
        plans=_split(form.plans.data, ","),
        vip=bool(form.vip.data),
        min_value_cents=_cents(form.min_value.data),
        priorities=tuple(form.priorities.data or ()),
        languages=tuple(form.languages.data or ()),
        statuses=tuple(form.statuses.data or ()),
    )
    actions: list[Action] = []
    if form.set_priority.data:
        actions.append(Action(type="set_priority", priority=form.set_priority.data))
    if (form.add_tags.data or "").strip():
        actions.append(Action(type="add_tags", tags=_split(form.add_tags.data, ",")))
    if form.assign.data:
        actions.append(Action(type="assign", user_id=_id(form.assign.data, "assign")))
    if form.round_robin.data:
        people = tuple(_id(value, "round_robin") for value in form.round_robin.data)
        actions.append(Action(type="round_robin", user_ids=people))
    if (form.note.data or "").strip():
        actions.append(Action(type="note", body=form.note.data or ""))
    if form.saved_reply.data:
        reply_id = _id(form.saved_reply.data, "saved_reply")
        actions.append(Action(type="saved_reply", saved_reply_id=reply_id))
    if form.escalate.data:
        actions.append(Action(type="escalate"))
    if form.close.data:
        actions.append(
            Action(type="close", status=form.close.data, body=form.close_body.data or "")
        )
    elif (form.close_body.data or "").strip():
        raise ValidationError("close", _("Choose resolved or closed to send a closing message."))
    return RuleSpec(
        name=form.name.data or "",
        trigger=Trigger(
            type=form.trigger.data or "",
            status=form.trigger_status.data or None,
            time_field=form.time_field.data or None,
            amount=amount,
            unit=form.time_unit.data or None,
        ),
        conditions=conditions,
        actions=tuple(actions),
    )


def form_data(rule: AutomationRule) -> dict[str, Any]:
    """A saved rule as the form's values (from its stored JSON, as written)."""
    conditions = (
        rule.conditions if isinstance(rule.conditions, dict) else conditions_json(Conditions())
    )
    value = conditions.get("min_value_cents")
    data: dict[str, Any] = {
        "name": rule.name,
        "enabled": rule.enabled,
        "trigger": rule.trigger,
        "trigger_status": rule.trigger_status or "",
        "time_field": rule.time_field or "status_since",
        "time_amount": str(rule.time_amount) if rule.time_amount else "",
        "time_unit": rule.time_unit or "days",
        "statuses": conditions.get("statuses", []),
        "channels": conditions.get("channels", []),
        "words": "\n".join(conditions.get("words", [])),
        "tags": ", ".join(conditions.get("tags", [])),
        "complaint": {True: "yes", False: "no"}.get(bool(conditions.get("complaint")), "")
        if conditions.get("complaint") is not None
        else "",
        "plans": ", ".join(conditions.get("plans", [])),
        "vip": bool(conditions.get("vip")),
        "min_value": f"{value / 100:.2f}" if isinstance(value, int) else "",
        "priorities": conditions.get("priorities", []),
        "languages": conditions.get("languages", []),
    }
    steps = rule.actions.get("steps", []) if isinstance(rule.actions, dict) else []
    for step in steps if isinstance(steps, list) else []:
        kind = step.get("type") if isinstance(step, dict) else None
        if kind == "set_priority":
            data["set_priority"] = step.get("priority", "")
        elif kind == "add_tags":
            data["add_tags"] = ", ".join(step.get("tags", []))
        elif kind == "assign":
            data["assign"] = str(step.get("user_id", ""))
        elif kind == "round_robin":
            data["round_robin"] = [str(user_id) for user_id in step.get("user_ids", [])]
        elif kind == "note":
            data["note"] = step.get("body", "")
        elif kind == "saved_reply":
            data["saved_reply"] = str(step.get("saved_reply_id", ""))
        elif kind == "escalate":
            data["escalate"] = True
        elif kind == "close":
            data["close"] = step.get("status", "")
            data["close_body"] = step.get("body", "")
    return data


class ActionForm(BaseForm):
    """The CSRF token of the list's small buttons (switch, move, delete)."""
