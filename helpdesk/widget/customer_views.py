"""The customer's conversation page, `/c/<token>`: the link in an email opens it.

The token is exchanged at once for an HttpOnly cookie scoped to this conversation's path
and dropped from the address bar by a redirect, so it does not linger in history, logs or
Referer headers (`Referrer-Policy: no-referrer` too). The page shows the conversation
(never internal notes), lets the customer write again and, once resolved, rate the help.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import public
from helpdesk.errors import DomainError
from helpdesk.extensions import limiter
from helpdesk.feedback.labels import RATING_LABELS
from helpdesk.feedback.service import can_rate, rating_for, rating_record
from helpdesk.forms import show_domain_error
from helpdesk.htmx_render import render_page_or_fragment
from helpdesk.models import Ticket
from helpdesk.tickets.intake import ticket_by_token, ticket_customer_reply
from helpdesk.tickets.labels import CUSTOMER_STATUS_LABELS
from helpdesk.widget.customer_forms import CustomerReplyForm, RatingForm
from helpdesk.widget.service import public_messages

bp = Blueprint("customer", __name__, url_prefix="/c")

COOKIE = "helpdesk_conversation"
COOKIE_DAYS = 90


@bp.after_request
def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _path(number: int) -> str:
    return url_for("customer.conversation", number=number)


@bp.get("/<token>")
@public
def open_link(token: str) -> Response:
    ticket = ticket_by_token(token)
    if ticket is None:
        abort(404)
    response = redirect(_path(ticket.number), code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_DAYS * 24 * 3600,
        path=_path(ticket.number),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _ticket(number: int) -> Ticket:
    """The conversation this browser holds the cookie for; 404 otherwise."""
    token = request.cookies.get(COOKIE, "")
    ticket = ticket_by_token(token) if token else None
    if ticket is None or ticket.number != number:
        abort(404)
    return ticket


def _page(
    ticket: Ticket,
    reply: CustomerReplyForm | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> Response:
    return render_page_or_fragment(
        "customer/conversation.html",
        "customer/_conversation.html",
        status=status,
        ticket=ticket,
        messages=public_messages(ticket),
        reply=reply or CustomerReplyForm(formdata=None),
        rating=rating_for(ticket),
        can_rate=can_rate(ticket),
        rating_form=rating_form or RatingForm(formdata=None),
        rating_labels=RATING_LABELS,
        status_labels=CUSTOMER_STATUS_LABELS,
    )


@bp.get("/<int:number>")
@public
def conversation(number: int) -> Response:
    return _page(_ticket(number))


@bp.post("/<int:number>/messages")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_WRITE"], scope="widget-write")
def reply(number: int) -> Response:
    ticket = _ticket(number)
    form = CustomerReplyForm()
    if form.validate_on_submit():
        try:
            ticket_customer_reply(ticket=ticket, body=form.message.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Thank you — your message is on its way to us."), "success")
            return redirect(_path(number), code=303)
    return _page(ticket, reply=form, status=422)


@bp.post("/<int:number>/rating")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_WRITE"], scope="widget-write")
def rate(number: int) -> Response:
    ticket = _ticket(number)
    form = RatingForm()
    if form.validate_on_submit():
        try:
            rating_record(
                ticket=ticket,
                score=form.rating.data or "",
                comment=form.comment.data or "",
                channel="page",
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Thank you for telling us."), "success")
            return redirect(_path(number), code=303)
    return _page(ticket, rating_form=form, status=422)
