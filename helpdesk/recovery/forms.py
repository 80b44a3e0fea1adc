"""Recovery and phrase-library forms (shape only; rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from helpdesk.forms import BaseForm


class StepForm(BaseForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=5000)])
    problem_summary = TextAreaField(
        _l("The problem, in the customer's words"), validators=[Length(max=5000)]
    )
    resolution = TextAreaField(_l("What was done to make it right"), validators=[Length(max=5000)])
    root_cause_id = StringField(_l("Root cause"))
    process_gap = TextAreaField(
        _l("What in our process let this happen?"), validators=[Length(max=5000)]
    )
    process_fix = TextAreaField(_l("What will we change?"), validators=[Length(max=5000)])
    # Set by "Save anyway" after the blameless warning (recovery/blameless.py).
    blame_confirmed = BooleanField()


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)])


class EmptyForm(BaseForm):
    pass


class LabelForm(BaseForm):
    # "yes": this is a complaint; "no": it is not (anything else is refused by the view).
    is_complaint = StringField(_l("Is this a complaint?"), validators=[InputRequired()])


class PhraseForm(BaseForm):
    step = SelectField(_l("Step"), validate_choice=False)
    language = SelectField(_l("Language"), validate_choice=False)
    # The register (voice) of a Thai, Indonesian or Bengali phrase; empty: every voice.
    register = SelectField(
        _l("Voice"),
        validate_choice=False,
        description=_l("Agents are offered the phrases of the voice they chose, and these."),
    )
    text = TextAreaField(
        _l("Phrase"),
        validators=[Length(max=20_000)],  # the service explains its own, lower limit
        description=_l(
            "Placeholders: {customer_first_name}, {agent_first_name}, {product}, "
            "{issue_summary}, {resolution}, {promise_time}."
        ),
    )


class ThresholdForm(BaseForm):
    complaint_threshold = DecimalField(
        _l("Complaint threshold"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0.05, max=1.0)],
        description=_l("From 0.05 (very sensitive) to 1.0; the default is 0.5."),
    )
    product_name = StringField(
        _l("Product name in phrases"),
        validators=[Length(max=80)],
        description=_l("Fills {product}, as in “counting on {product}”. Empty: “us”."),
    )


class RootCauseForm(BaseForm):
    name = StringField(_l("New root cause"), validators=[Length(max=80)])
