"""Signed feedback links: the rating link in a resolution email and the NPS survey link.

A link carries ids only, signed with SECRET_KEY by itsdangerous with one salt per purpose,
so a survey token never opens the rating page (and the reverse). Each token is dated when
it is made and expires after a fixed time (rating 30 days, survey 60 days), measured with
the app's clock. Links are absolute and built on HELPDESK_BASE_URL, never on the request's
Host header: they leave the app (emails, a founder copying them), so a forged Host must
not be able to point them elsewhere.

Loaders return the ticket or survey, or raise `LinkInvalid` (tampered, wrong purpose,
unknown object, the ticket now belongs to another customer) or `LinkExpired`, each with
a plain message the page can show as it is.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from helpdesk.clock import now
from helpdesk.errors import DomainError
from helpdesk.extensions import db
from helpdesk.models import Customer, NpsSurvey, Ticket

RATING_LINK_MAX_AGE = timedelta(days=30)
SURVEY_LINK_MAX_AGE = timedelta(days=60)
RATING_SALT = "helpdesk.feedback.rating"
SURVEY_SALT = "helpdesk.feedback.nps-survey"
UNSUBSCRIBE_SALT = "helpdesk.feedback.unsubscribe"
# An unsubscribe link must keep working for as long as anyone might click it in an old email.
UNSUBSCRIBE_LINK_MAX_AGE = timedelta(days=3650)
MAX_TOKEN_CHARS = 500


class LinkInvalid(DomainError):
    """The link was altered, belongs to another purpose, or names nothing we can open."""

    code = "link_invalid"


class LinkExpired(DomainError):
    """The link was genuine but is too old."""

    code = "link_expired"


class _ClockSigner(TimestampSigner):
    """Dates tokens (and measures their age) with the app's clock, so tests can move time."""

    def get_timestamp(self) -> int:
        return int(now().timestamp())


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=_ClockSigner)


def _external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(str(current_app.config["BASE_URL"]).rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def rating_token(ticket: Ticket) -> str:
    return str(_serializer(RATING_SALT).dumps([ticket.id, ticket.customer_id]))


def rating_link(ticket: Ticket, score: str | None = None) -> str:
    """The rating page for `ticket`; with `score`, that choice is made already (the email's
    one-click buttons), and the page still asks for one confirming click."""
    values: dict[str, Any] = {"token": rating_token(ticket)}
    if score is not None:
        values["score"] = score
    return _external_url("feedback.rating", **values)


def survey_token(survey: NpsSurvey) -> str:
    return str(_serializer(SURVEY_SALT).dumps([survey.id, survey.customer_id]))


def nps_link(survey: NpsSurvey) -> str:
    """The survey page for one customer's invitation in one round."""
    return _external_url("feedback.survey", token=survey_token(survey))


def _load_ids(token: str, *, salt: str, max_age: timedelta) -> tuple[int, int]:
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise LinkInvalid(_("This link is not valid. Please check that you copied all of it."))
    try:
        payload = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise LinkExpired(_("This link has expired.")) from error
    except BadSignature as error:
        raise LinkInvalid(
            _("This link is not valid. Please check that you copied all of it.")
        ) from error
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(type(item) is int for item in payload)
    ):
        raise LinkInvalid(_("This link is not valid. Please check that you copied all of it."))
    return payload[0], payload[1]


def ticket_from_rating_token(token: str) -> Ticket:
    """The ticket a rating link names, if the link is genuine, fresh and the ticket still
    belongs to the customer it was sent to."""
    ticket_id, customer_id = _load_ids(token, salt=RATING_SALT, max_age=RATING_LINK_MAX_AGE)
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.customer_id != customer_id:
        raise LinkInvalid(_("This link no longer leads to a conversation."))
    return ticket


def survey_from_token(token: str) -> NpsSurvey:
    """The survey invitation a survey link names, if the link is genuine and fresh."""
    survey_id, customer_id = _load_ids(token, salt=SURVEY_SALT, max_age=SURVEY_LINK_MAX_AGE)
    survey = db.session.get(NpsSurvey, survey_id)
    if survey is None or survey.customer_id != customer_id:
        raise LinkInvalid(_("This survey is no longer available."))
    return survey


def unsubscribe_link(customer: Customer) -> str:
    """The page that stops survey emails to `customer` (in every survey email)."""
    token = str(_serializer(UNSUBSCRIBE_SALT).dumps([customer.id, 0]))
    return _external_url("feedback.unsubscribe", token=token)


def customer_from_unsubscribe_token(token: str) -> Customer:
    customer_id, _zero = _load_ids(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_LINK_MAX_AGE)
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise LinkInvalid(_("This link is not valid. Please check that you copied all of it."))
    return customer
