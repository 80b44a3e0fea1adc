"""Survey emails: a round queues one invitation per invited customer, each with a working
unsubscribe link (a page, and RFC 8058 one-click POST); an opted-out customer is never
invited again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from helpdesk.bidi import FSI, PDI
from helpdesk.extensions import db
from helpdesk.feedback.links import unsubscribe_link
from helpdesk.feedback.nps import nps_round_start
from helpdesk.models import Customer, NpsSurvey, Outbox, SurveyOptOut
from tests.factories import TicketFactory

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def active_customer(language: str | None = None) -> Customer:
    created = NOW - timedelta(days=10)
    ticket = TicketFactory(status="resolved", created_at=created, last_activity_at=created)
    ticket.customer.language = language
    db.session.commit()
    return ticket.customer


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_round_queues_an_invitation_with_unsubscribe_headers(database: Any, set_now: Any) -> None:
    set_now(NOW)
    customer = active_customer("th")
    survey_round = nps_round_start(force=True)
    assert survey_round is not None and survey_round.invited_count == 1
    mail = db.session.scalar(sa.select(Outbox).where(Outbox.template == "nps_survey"))
    assert mail.to_address == customer.email
    assert mail.customer_id == customer.id
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = mail.headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in mail.body_text and unsubscribe in mail.body_html
    survey = db.session.scalar(sa.select(NpsSurvey))
    assert "/feedback/nps/" in mail.body_text
    assert survey.customer_id == customer.id
    assert f"สวัสดีคุณ{FSI}{customer.first_name}{PDI}" in mail.body_text  # "Hi <name>" in Thai


def test_the_unsubscribe_page_then_no_more_invitations(app: Flask, set_now: Any) -> None:
    set_now(NOW)
    with app.app_context():
        customer = active_customer()
        customer_id = customer.id
        link = path_of(unsubscribe_link(customer))
    client = app.test_client()
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop survey emails" in page.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(SurveyOptOut.id))) == 0
        )  # GET changes nothing
    done = client.post(link)  # no CSRF token: RFC 8058 one-click from a mail program
    assert done.status_code == 200
    assert "will not send you survey emails" in done.get_data(as_text=True)
    assert client.post(link).status_code == 200  # twice is fine
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyOptOut.id))) == 1
        assert nps_round_start(force=True).invited_count == 0
        assert db.session.scalar(sa.select(SurveyOptOut.customer_id)) == customer_id


def test_tampered_and_other_purpose_tokens_fail_plainly(app: Flask, set_now: Any) -> None:
    set_now(NOW)
    with app.app_context():
        link = path_of(unsubscribe_link(active_customer()))
        from helpdesk.feedback.links import rating_link

        ticket = db.session.scalar(sa.select(TicketFactory._meta.model))
        rating = path_of(rating_link(ticket)).split("/rating/")[1]
    client = app.test_client()
    assert client.get(link[:-3] + "abc").status_code == 400
    assert client.post(link[:-3] + "abc").status_code == 400
    assert client.get(f"/feedback/unsubscribe/{rating}").status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyOptOut.id))) == 0
