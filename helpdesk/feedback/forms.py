"""Feedback forms (shape only; the rules live in feedback.service and feedback.nps)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from helpdesk.forms import BaseForm

_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,4}")


class RatingLinkForm(BaseForm):
    # Radio buttons post `rating`; the service refuses anything but good, okay or bad.
    rating = StringField(_l("Your rating"))
    comment = TextAreaField(
        _l("Anything you would like to add? (optional)"),
        render_kw={"maxlength": 2000, "rows": 4},
    )


class SurveyForm(BaseForm):
    # Radio buttons 0-10 post `score`; a whole number reaches the service, which checks
    # the range (so "-1" and "11" get the same message as every other caller).
    score = StringField(
        _l("How likely are you to recommend us to a friend or colleague?"),
        validators=[InputRequired(_l("Choose a number from 0 to 10."))],
    )
    reason = TextAreaField(
        _l("What is the main reason for your score?"),
        render_kw={"maxlength": 2000, "rows": 5},
    )

    def validate_score(self, field: Any) -> None:
        if not _WHOLE_NUMBER.fullmatch((field.data or "").strip()):
            raise ValidationError(_l("Choose a number from 0 to 10."))

    @property
    def score_value(self) -> int:
        return int((self.score.data or "").strip())


class NpsSettingsForm(BaseForm):
    enabled = BooleanField(_l("Run survey rounds on a schedule"))
    interval_days = IntegerField(
        _l("Days between rounds"),
        validators=[InputRequired(_l("Enter a number of days."))],
        description=_l("From 30 to 365. Nobody is asked more than once in 90 days."),
    )


class StartRoundForm(BaseForm):
    """Only the CSRF token ("Start a round now")."""
