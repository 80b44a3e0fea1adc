"""Signed feedback links: they round-trip, and tampered, expired, wrong-purpose links or a
ticket that changed hands are refused with a plain message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from helpdesk.extensions import db
from helpdesk.feedback.links import (
    LinkExpired,
    LinkInvalid,
    nps_link,
    rating_link,
    rating_token,
    survey_from_token,
    survey_token,
    ticket_from_rating_token,
)
from helpdesk.models import NpsRound, NpsSurvey
from tests.factories import CustomerFactory, TicketFactory

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_survey() -> NpsSurvey:
    customer = CustomerFactory()
    survey_round = NpsRound(period_start=START - timedelta(days=90), period_end=START)
    db.session.add(survey_round)
    db.session.flush()
    survey = NpsSurvey(round_id=survey_round.id, customer_id=customer.id, sent_at=START)
    db.session.add(survey)
    db.session.commit()
    return survey


def test_a_rating_link_is_absolute_on_the_base_url_and_round_trips(app: Any, database: Any) -> None:
    app.config["BASE_URL"] = "https://help.example.com"
    ticket = TicketFactory(status="resolved")
    link = rating_link(ticket, score="bad")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "help.example.com")
    assert parts.path.startswith("/feedback/rating/")
    assert parse_qs(parts.query) == {"score": ["bad"]}
    token = parts.path.rsplit("/", 1)[1]
    assert ticket_from_rating_token(token).id == ticket.id
    # ids only: nothing readable about the customer travels in the link
    assert ticket.customer.email not in link


def test_a_survey_link_round_trips(database: Any) -> None:
    survey = make_survey()
    link = nps_link(survey)
    assert urlsplit(link).path.startswith("/feedback/nps/")
    assert survey_from_token(urlsplit(link).path.rsplit("/", 1)[1]).id == survey.id


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: token.split(".")[0],
        lambda token: "",
        lambda token: "a" * 600,
        lambda token: "<script>alert(1)</script>",
    ],
)
def test_tampered_rating_tokens_are_invalid(database: Any, mangle: Any) -> None:
    ticket = TicketFactory(status="resolved")
    with pytest.raises(LinkInvalid) as caught:
        ticket_from_rating_token(mangle(rating_token(ticket)))
    assert "copied" in caught.value.message


def test_a_token_signed_with_another_key_is_invalid(app: Any, database: Any) -> None:
    ticket = TicketFactory(status="resolved")
    token = rating_token(ticket)
    app.config["SECRET_KEY"] = "another-secret-key-entirely"
    with pytest.raises(LinkInvalid):
        ticket_from_rating_token(token)


def test_rating_links_expire_after_30_days(database: Any, set_now: Any) -> None:
    set_now(START)
    ticket = TicketFactory(status="resolved")
    token = rating_token(ticket)
    set_now(START + timedelta(days=30) - timedelta(seconds=1))
    assert ticket_from_rating_token(token).id == ticket.id
    set_now(START + timedelta(days=30, seconds=1))
    with pytest.raises(LinkExpired):
        ticket_from_rating_token(token)


def test_survey_links_expire_after_60_days(database: Any, set_now: Any) -> None:
    set_now(START)
    survey = make_survey()
    token = survey_token(survey)
    set_now(START + timedelta(days=59))
    assert survey_from_token(token).id == survey.id
    set_now(START + timedelta(days=60, seconds=1))
    with pytest.raises(LinkExpired):
        survey_from_token(token)


def test_a_token_of_one_purpose_does_not_open_the_other(database: Any) -> None:
    survey = make_survey()
    ticket = TicketFactory(status="resolved")
    with pytest.raises(LinkInvalid):
        ticket_from_rating_token(survey_token(survey))
    with pytest.raises(LinkInvalid):
        survey_from_token(rating_token(ticket))


def test_a_rating_link_stops_working_when_the_ticket_changes_customer(database: Any) -> None:
    ticket = TicketFactory(status="resolved")
    token = rating_token(ticket)
    ticket.customer = CustomerFactory()
    db.session.commit()
    with pytest.raises(LinkInvalid):
        ticket_from_rating_token(token)


def test_a_link_to_a_deleted_ticket_is_invalid(database: Any) -> None:
    ticket = TicketFactory(status="resolved")
    token = rating_token(ticket)
    db.session.delete(ticket)
    db.session.commit()
    with pytest.raises(LinkInvalid):
        ticket_from_rating_token(token)
