"""Login, password and profile forms (shape only; the rules live in auth.service)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length

from helpdesk.forms import BaseForm
from helpdesk.i18n import LANGUAGE_NAMES


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class LogoutForm(BaseForm):
    submit = SubmitField(_l("Log out"))


class PasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 10 characters."),
    )
    submit = SubmitField(_l("Change password"))


def language_choices() -> list[SelectChoice]:
    return [SelectChoice("", str(_l("Same as my browser")))] + [
        SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()
    ]


class ProfileForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])
    language = SelectField(_l("Language"), validate_choice=False)
    submit = SubmitField(_l("Save profile"))


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(BaseForm):
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 10 characters."),
    )
    confirm_password = PasswordField(
        _l("New password again"), validators=[DataRequired(), Length(max=200)]
    )
    submit = SubmitField(_l("Set the new password"))


class LoginCodeForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l(
            "The 6-digit code from your authenticator app, or one of your recovery codes."
        ),
    )
    remember = BooleanField(_l("Remember this device for 30 days"))
    submit = SubmitField(_l("Verify"))


class TwoFactorConfirmForm(BaseForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("Scan the QR code with your authenticator app, then enter the 6 digits."),
    )
    submit = SubmitField(_l("Turn on two-factor sign-in"))


class TwoFactorDisableForm(BaseForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Turn off two-factor sign-in"))


class RecoveryCodesForm(BaseForm):
    submit = SubmitField(_l("Make new recovery codes"))


class PhraseVoiceForm(BaseForm):
    """The register of the HEARD panel's phrases, per customer language. The choices are
    checked by the service (auth.service.user_set_phrase_voice) and shown next to the field."""

    voice_th = SelectField(
        _l("Thai phrases"),
        validate_choice=False,
        choices=[SelectChoice("kha", "ดิฉัน … ค่ะ"), SelectChoice("khrap", "ผม … ครับ")],
        description=_l("The pronoun and polite ending the phrases use for you."),
    )
    voice_id = SelectField(
        _l("Indonesian phrases"),
        validate_choice=False,
        choices=[
            SelectChoice("formal", _l("Formal: Anda, Bapak/Ibu")),
            SelectChoice("friendly", _l("Friendly: Kak")),
        ],
    )
    voice_bn = SelectField(
        _l("Bengali phrases"),
        validate_choice=False,
        choices=[
            SelectChoice("formal", _l("Formal (আপনি)")),
            SelectChoice("friendly", _l("Warmer (still আপনি)")),
        ],
    )
    submit = SubmitField(_l("Save phrase voice"))
