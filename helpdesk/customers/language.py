"""The language a customer reads: the widget, their conversation page and every email to
them use `Customer.language` (set from the browser when the customer is created, by the
host site or the REST API, by an agent on the ticket page, or by the customer).

A customer changes it only with a credential that proves the email address is theirs: a
link from one of our emails (`/c/<token>`), or the widget's verified identity (the host
site signed the email). An unverified widget visitor's choice applies to the panel and to
conversations they start, but never rewrites an existing customer's record: otherwise
anyone could type someone's email into the widget and change the language of the mail that
person gets (the same rule `tickets.intake` applies to names).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Customer, TicketAccessToken, User
from helpdesk.tickets.tokens import token_hash


def clean_language(language: str | None, *, allow_none: bool = False) -> str | None:
    """One of the app's language codes (lowercased), or None when `allow_none`."""
    code = language.strip().lower() if isinstance(language, str) else ""
    if not code and allow_none:
        return None
    if code not in current_app.config["LANGUAGES"]:
        raise ValidationError("language", _("Choose a language from the list."))
    return code


def token_proves_email(token: str) -> bool:
    """Whether `token` came in a link we emailed (not the token the widget hands to
    whoever typed the address)."""
    if not token or len(token) > 200:
        return False
    found = db.session.scalar(
        sa.select(TicketAccessToken.id).where(TicketAccessToken.token_hash == token_hash(token))
    )
    return found is not None


def _change(customer: Customer, language: str | None, actor: User | str) -> Customer:
    """Store and audit the change (part of the caller's use case)."""
    if customer.language != language:
        before = customer.language
        customer.language = language
        audit(
            actor=actor,
            action="customer.language",
            obj=customer,
            changes={"language": [before, language]},
        )
    return customer


@use_case
def customer_language_choose(*, customer: Customer, language: str, proven: bool) -> bool:
    """The customer picked `language`; stored on their record only when `proven` (see the
    module docstring). Returns whether it was stored."""
    code = clean_language(language)
    if not proven:
        return False
    _change(customer, code, f"customer:{customer.id}")
    return True


@use_case
def customer_language_set(*, actor: User, customer: Customer, language: str | None) -> Customer:
    """Staff set (or clear, with None) the language a customer is answered and mailed in."""
    if not actor.can("agent"):
        raise NotAllowed(_("Only staff can change customers."))
    return _change(customer, clean_language(language, allow_none=True), actor)
