"""Staff forms about a customer (shape only: the rules, and their messages, live in
`customers.service`, `customers.language`, `customers.notes` and `customers.merge`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from helpdesk.errors import ValidationError
from helpdesk.forms import BaseForm
from helpdesk.models.customer import MAX_LIFETIME_VALUE_CENTS


class CustomerLanguageForm(BaseForm):
    # Empty clears it (answer in English, guess again from their next message).
    language = SelectField(_l("Customer's language"), validate_choice=False)


class CustomerEditForm(BaseForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    company = StringField(_l("Company"), validators=[Length(max=200)])
    plan = StringField(_l("Plan"), validators=[Length(max=100)])
    lifetime_value = StringField(
        _l("Lifetime value"),
        validators=[Length(max=30)],
        description=_l("An amount such as 1250 or 1250.50, in the workspace currency."),
    )
    vip = BooleanField(_l("VIP"))
    language = SelectField(_l("Language"), validate_choice=False)
    timezone = StringField(
        _l("Time zone"),
        validators=[Length(max=64)],
        description=_l("An IANA time zone name, such as Asia/Bangkok. Empty: unknown."),
    )


class CustomerNoteForm(BaseForm):
    body = TextAreaField(_l("Note"), validators=[Length(max=6000)])


class MergeSearchForm(BaseForm):
    q = StringField(_l("Find the customer to keep"), validators=[Length(max=200)])


class MergeForm(BaseForm):
    target = HiddenField(validators=[Length(max=12)])


def cents_from_amount(text: str | None) -> int:
    """Typed money ("1,250.50") as whole cents; ValidationError on `lifetime_value`."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    try:
        amount = Decimal(cleaned or "0")
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError("lifetime_value", _("Enter an amount such as 1250 or 1250.50."))
    if amount < 0:
        raise ValidationError("lifetime_value", _("The lifetime value cannot be negative."))
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValidationError("lifetime_value", _("Use at most two decimal places."))
    if cents > MAX_LIFETIME_VALUE_CENTS:
        raise ValidationError(
            "lifetime_value",
            _("Use at most %(most)s.", most=f"{MAX_LIFETIME_VALUE_CENTS // 100:,}"),
        )
    return int(cents)
