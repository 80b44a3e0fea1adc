"""The widget settings form (shape only: the rules live in helpdesk.widget.settings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError as FieldError

from helpdesk.errors import ValidationError
from helpdesk.forms import BaseForm
from helpdesk.widget.settings import WidgetSettings, normalise_origin

# Generous shape limits so nobody posts megabytes; the service holds the real limits.
MAX_FIELD_CHARS = 2000
MAX_ORIGINS_TEXT = 20_000


def position_choices() -> list[SelectChoice]:
    return [
        SelectChoice("bottom-right", str(_l("Bottom right"))),
        SelectChoice("bottom-left", str(_l("Bottom left"))),
    ]


class WidgetSettingsForm(BaseForm):
    colour = StringField(
        _l("Launcher colour"),
        validators=[DataRequired(), Length(max=MAX_FIELD_CHARS)],
        description=_l("A colour like #1f6feb."),
    )
    position = SelectField(_l("Position on the page"), validate_choice=False)
    label = StringField(
        _l("Launcher label"),
        validators=[Length(max=MAX_FIELD_CHARS)],
        description=_l("Leave empty for “Help” in the customer's language."),
    )
    greeting = TextAreaField(
        _l("Greeting"),
        validators=[Length(max=MAX_FIELD_CHARS)],
        description=_l("The first words in the panel. Leave empty for the default greeting."),
        render_kw={"rows": 3},
    )
    allowed_origins = TextAreaField(
        _l("Allowed sites"),
        validators=[Length(max=MAX_ORIGINS_TEXT)],
        description=_l(
            "One site address per line, like https://shop.example.com. Only these sites "
            "can show the widget's panel."
        ),
        render_kw={"rows": 5, "spellcheck": "false", "autocapitalize": "off"},
    )
    submit = SubmitField(_l("Save widget settings"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.position.choices = position_choices()

    def validate_allowed_origins(self, field: TextAreaField) -> None:
        """Name the line that is not a site address (the service names only the site)."""
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                normalise_origin(line)
            except ValidationError as error:
                raise FieldError(
                    _l("Line %(number)d: %(problem)s", number=number, problem=error.message)
                ) from error

    def origins(self) -> list[str]:
        return (self.allowed_origins.data or "").splitlines()


def settings_form_data(settings: WidgetSettings) -> dict[str, str]:
    return {
        "colour": settings.colour,
        "position": settings.position,
        "label": settings.label,
        "greeting": settings.greeting,
        "allowed_origins": "\n".join(settings.allowed_origins),
    }


class RotateSecretForm(BaseForm):
    submit = SubmitField(_l("Rotate secret"))
