"""Public feedback pages opened from signed links: rate a resolved ticket, answer an NPS
survey. No login; the signed token in the path is the only key (see feedback.links).

State changes only by POST. Mail scanners and link previews follow every link in an
email, so a GET must never record anything: the email's "one-click" rating buttons open
the rating page with that choice made (`?score=bad`), and one button confirms it. Pages
are `no-store` with `Referrer-Policy: no-referrer` (the token is in the address). A
tampered or wrong-purpose link gets a plain 400 page, an expired one 410.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import public
from helpdesk.errors import Conflict, DomainError
from helpdesk.extensions import csrf
from helpdesk.feedback.forms import RatingLinkForm, SurveyForm
from helpdesk.feedback.labels import RATING_LABELS
from helpdesk.feedback.links import (
    LinkExpired,
    customer_from_unsubscribe_token,
    survey_from_token,
    ticket_from_rating_token,
)
from helpdesk.feedback.nps import nps_response_record, response_for
from helpdesk.feedback.opt_out import has_opted_out, survey_opt_out
from helpdesk.feedback.service import can_rate, rating_for, rating_record
from helpdesk.forms import show_domain_error
from helpdesk.models import NpsSurvey, Ticket
from helpdesk.models.feedback import RATING_SCORES

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


@bp.after_request
def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_error(error: DomainError) -> Response:
    expired = isinstance(error, LinkExpired)
    html = render_template(
        "feedback/link_error.html",
        title=_("This link has expired") if expired else _("This link does not work"),
        message=error.message,
    )
    return make_response(html, 410 if expired else 400)


def _status_for(error: DomainError) -> int:
    return 409 if isinstance(error, Conflict) else 422


def _rating_page(ticket: Ticket, token: str, form: RatingLinkForm, status: int = 200) -> Response:
    html = render_template(
        "feedback/rating.html",
        ticket=ticket,
        token=token,
        form=form,
        rating=rating_for(ticket),
        can_rate=can_rate(ticket),
        choices=[(score, RATING_LABELS[score]) for score in RATING_SCORES],
        labels=RATING_LABELS,
    )
    return make_response(html, status)


@bp.get("/rating/<token>")
@public
def rating(token: str) -> Response:
    try:
        ticket = ticket_from_rating_token(token)
    except DomainError as error:
        return _link_error(error)
    current = rating_for(ticket)
    form = RatingLinkForm(formdata=None)
    chosen = request.args.get("score", "")
    form.rating.data = (
        chosen if chosen in RATING_SCORES else (current.score if current is not None else "")
    )
    form.comment.data = current.comment if current is not None else ""
    return _rating_page(ticket, token, form)


@bp.post("/rating/<token>")
@public
def rating_save(token: str) -> Response:
    try:
        ticket = ticket_from_rating_token(token)
    except DomainError as error:
        return _link_error(error)
    form = RatingLinkForm()
    if form.validate_on_submit():
        try:
            rating_record(
                ticket=ticket,
                score=form.rating.data or "",
                comment=form.comment.data or "",
                channel="email",
            )
        except DomainError as error:
            show_domain_error(form, error)
            return _rating_page(ticket, token, form, status=_status_for(error))
        flash(_("Thank you for telling us. You can change your rating here."), "success")
        return redirect(url_for("feedback.rating", token=token), code=303)
    return _rating_page(ticket, token, form, status=422)


def _survey_page(survey: NpsSurvey, token: str, form: SurveyForm, status: int = 200) -> Response:
    html = render_template(
        "feedback/survey.html",
        token=token,
        survey=survey,
        form=form,
        answered=survey.responded_at is not None,
        scores=range(0, 11),
    )
    return make_response(html, status)


@bp.get("/nps/<token>")
@public
def survey(token: str) -> Response:
    try:
        found = survey_from_token(token)
    except DomainError as error:
        return _link_error(error)
    form = SurveyForm(formdata=None)
    answer = response_for(found)
    if answer is not None:
        form.score.data, form.reason.data = str(answer.score), answer.reason
    return _survey_page(found, token, form)


@bp.post("/nps/<token>")
@public
def survey_save(token: str) -> Response:
    try:
        found = survey_from_token(token)
    except DomainError as error:
        return _link_error(error)
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            nps_response_record(survey=found, score=form.score_value, reason=form.reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
            return _survey_page(found, token, form, status=_status_for(error))
        flash(_("Thank you — your answer helps us improve."), "success")
        return redirect(url_for("feedback.survey", token=token), code=303)
    return _survey_page(found, token, form, status=422)


@bp.get("/unsubscribe/<token>")
@public
def unsubscribe(token: str) -> Response:
    try:
        customer = customer_from_unsubscribe_token(token)
    except DomainError as error:
        return _link_error(error)
    html = render_template("feedback/unsubscribe.html", token=token, done=has_opted_out(customer))
    return make_response(html)


# RFC 8058 one-click unsubscribe: mail programs POST to the List-Unsubscribe address with
# no form of ours, so there is no CSRF token; the signed token in the path is the only key
# and it can only ever stop survey emails, so a forged request can do no harm beyond that.
@bp.post("/unsubscribe/<token>")
@public
@csrf.exempt
def unsubscribe_confirm(token: str) -> Response:
    try:
        customer = customer_from_unsubscribe_token(token)
    except DomainError as error:
        return _link_error(error)
    survey_opt_out(customer=customer)
    html = render_template("feedback/unsubscribe.html", token=token, done=True)
    return make_response(html)
