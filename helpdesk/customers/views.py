"""Staff changes to a customer from the ticket page: the language they are answered and
mailed in (the customer panel's picker)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.bidi import with_names
from helpdesk.customers.forms import CustomerLanguageForm
from helpdesk.customers.language import customer_language_set
from helpdesk.errors import DomainError
from helpdesk.format_filters import language_name
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.web.current import staff

bp = Blueprint("customers", __name__)
bp.before_request(require_role("agent"))


@bp.post("/tickets/<number:number>/customer/language")
def customer_language(number: int) -> Response:
    ticket = ticket_or_404(number)
    form = CustomerLanguageForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        customer = customer_language_set(
            actor=staff(),
            customer=ticket.customer,
            language=form.language.data or None,
        )
    except DomainError as error:
        flash(error.message, "error")
    else:
        if customer.language:
            flash(
                with_names(
                    _("%(name)s is now answered in %(language)s."),
                    name=customer.name,
                    language=language_name(customer.language),
                ),
                "success",
            )
        else:
            flash(
                with_names(_("%(name)s's language is now unknown."), name=customer.name), "success"
            )
    return redirect(url_for("tickets.ticket", number=number), code=303)
