"""The customer's conversation page, `/c/<token>`: the link in an email opens it.

The token is exchanged at once for an HttpOnly cookie scoped to this conversation's path
and dropped from the address bar by a redirect, so it does not linger in history, logs or
Referer headers (`Referrer-Policy: no-referrer` too). The page shows the conversation
(never internal notes), lets the customer write again and, once resolved, rate the help.
Message times read as in the widget: medium date and short time, in the customer's time
zone when known, else the workspace's (`widget.service.conversation_zone`). It is shown
in the customer's language (`Customer.language`), which they can change here; see
`helpdesk.customers.language` for when the choice is stored on their record.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.attachments.queries import attachment_for_customer
from helpdesk.attachments.serving import download_response
from helpdesk.attachments.uploads import files_not_sent, uploads_from_request
from helpdesk.auth.access import public
from helpdesk.customers.language import customer_language_choose, token_proves_email
from helpdesk.errors import DomainError
from helpdesk.extensions import limiter
from helpdesk.feedback.labels import RATING_LABELS
from helpdesk.feedback.service import can_rate, rating_for, rating_record
from helpdesk.forms import show_domain_error
from helpdesk.i18n import supported_language, use_language
from helpdesk.models import Ticket
from helpdesk.tickets.intake import ticket_customer_reply
from helpdesk.tickets.labels import CUSTOMER_STATUS_LABELS
from helpdesk.tickets.tokens import ticket_by_token
from helpdesk.web.htmx_render import render_page_or_fragment
from helpdesk.widget.customer_forms import (
    CustomerReplyForm,
    LanguageForm,
    RatingForm,
    language_choices,
)
from helpdesk.widget.service import conversation_zone, public_messages

bp = Blueprint("customer", __name__, url_prefix="/c")

COOKIE = "helpdesk_conversation"
COOKIE_DAYS = 90
# A language picked on a page whose link does not prove the address (kept in this browser
# only; see helpdesk.customers.language).
LANGUAGE_COOKIE = "helpdesk_language"


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
    return _to_conversation(ticket, token)


def _to_conversation(ticket: Ticket, token: str) -> Response:
    """Redirect to the conversation page with the token in a cookie for its path."""
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


def _merged_away(number: int) -> Response | None:
    """A bookmarked page of a conversation merged into another: on to that one (the cookie
    that opened this one opens it)."""
    token = request.cookies.get(COOKIE, "")
    opened = ticket_by_token(token, follow_merges=False) if token else None
    if opened is None or opened.number != number or opened.merged_into_id is None:
        return None
    target = ticket_by_token(token)
    return _to_conversation(target, token) if target is not None else None


def _ticket(number: int) -> Ticket:
    """The conversation this browser holds the cookie for; 404 otherwise."""
    token = request.cookies.get(COOKIE, "")
    ticket = ticket_by_token(token) if token else None
    if ticket is None or ticket.number != number:
        abort(404)
    chosen = supported_language(request.cookies.get(LANGUAGE_COOKIE))
    use_language(chosen or ticket.customer.language)
    return ticket


def _page(
    ticket: Ticket,
    reply: CustomerReplyForm | None = None,
    rating_form: RatingForm | None = None,
    language_form: LanguageForm | None = None,
    status: int = 200,
) -> Response:
    if language_form is None:
        language_form = LanguageForm(formdata=None, data={"language": str(get_locale())})
    language_form.language.choices = language_choices()
    return render_page_or_fragment(
        "customer/conversation.html",
        "customer/_conversation.html",
        status=status,
        ticket=ticket,
        messages=public_messages(ticket),
        # Message times in the customer's zone, else the workspace's, as in the widget.
        zone=conversation_zone(ticket),
        reply=reply or CustomerReplyForm(formdata=None),
        rating=rating_for(ticket),
        can_rate=can_rate(ticket),
        rating_form=rating_form or RatingForm(formdata=None),
        rating_labels=RATING_LABELS,
        language_form=language_form,
        status_labels=CUSTOMER_STATUS_LABELS,
    )


@bp.get("/<int:number>")
@public
def conversation(number: int) -> Response:
    return _merged_away(number) or _page(_ticket(number))


@bp.get("/<number:number>/attachments/<id:attachment_id>")
@public
def attachment_download(number: int, attachment_id: int) -> Response:
    """A file on a public message of this conversation (the cookie's path covers it)."""
    token = request.cookies.get(COOKIE, "")
    ticket = ticket_by_token(token) if token else None
    if ticket is None or ticket.number != number:
        abort(404)
    return download_response(attachment_for_customer(ticket=ticket, attachment_id=attachment_id))


@bp.post("/<int:number>/messages")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_WRITE"], scope="widget-write")
def reply(number: int) -> Response:
    ticket = _ticket(number)
    form = CustomerReplyForm()
    if form.validate_on_submit():
        try:
            ticket_customer_reply(
                ticket=ticket,
                body=form.message.data or "",
                uploads=uploads_from_request(request.files),
            )
        except DomainError as error:
            show_domain_error(form, error)
            files_not_sent(form)
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


@bp.post("/<int:number>/language")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_WRITE"], scope="widget-write")
def language(number: int) -> Response:
    ticket = _ticket(number)
    form = LanguageForm()
    form.language.choices = language_choices()
    if form.validate_on_submit():
        code = form.language.data or ""
        try:
            stored = customer_language_choose(
                customer=ticket.customer,
                language=code,
                proven=token_proves_email(request.cookies.get(COOKIE, "")),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            response = redirect(_path(number), code=303)
            if stored:
                response.delete_cookie(LANGUAGE_COOKIE, path=_path(number))
            else:
                response.set_cookie(
                    LANGUAGE_COOKIE,
                    supported_language(code) or "",
                    max_age=COOKIE_DAYS * 24 * 3600,
                    path=_path(number),
                    secure=current_app.config["SESSION_COOKIE_SECURE"],
                    httponly=True,
                    samesite="Lax",
                )
            return response
    return _page(ticket, language_form=form, status=422)
