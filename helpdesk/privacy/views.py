"""`/customers/<id>/privacy` for admins: the legal hold, the export download and erasure
(behind a confirmation page)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import DomainError
from helpdesk.models import Customer
from helpdesk.privacy.erase import check_can_erase, customer_erase
from helpdesk.privacy.export import customer_export, export_filename
from helpdesk.privacy.forms import EraseForm, ExportForm, LegalHoldForm
from helpdesk.privacy.legal_hold import customer_legal_hold_set
from helpdesk.web.current import staff
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("privacy", __name__, url_prefix="/customers/<id:customer_id>/privacy")
bp.before_request(require_role("admin"))


def _page(
    customer: Customer, *, hold_form: LegalHoldForm | None = None, status: int = 200
) -> tuple[str, int]:
    # The stored value, not a POST's (an export refused for its token posts no hold).
    hold_form = hold_form or LegalHoldForm(formdata=None, legal_hold=customer.legal_hold)
    return (
        render_template(
            "privacy/page.html",
            customer=customer,
            hold_form=hold_form,
            export_form=ExportForm(),
        ),
        status,
    )


@bp.get("")
def privacy_page(customer_id: int) -> tuple[str, int]:
    return _page(row_or_404(Customer, customer_id))


@bp.post("/legal-hold")
def legal_hold(customer_id: int) -> Response | tuple[str, int]:
    customer = row_or_404(Customer, customer_id)
    form = LegalHoldForm()
    if not form.validate_on_submit():
        return _page(customer, hold_form=form, status=422)
    outcome = run_use_case(
        lambda: customer_legal_hold_set(
            actor=staff(), customer=customer, hold=bool(form.legal_hold.data)
        ),
        form=form,
        every_error_on_form=True,
    )
    if not outcome.ok:
        return _page(customer, hold_form=form, status=outcome.status)
    flash(
        _("Legal hold set: this customer's data cannot be erased.")
        if customer.legal_hold
        else _("Legal hold lifted."),
        "success",
    )
    return redirect(url_for("privacy.privacy_page", customer_id=customer_id), code=303)


@bp.post("/export")
def export(customer_id: int) -> Response | tuple[str, int]:
    customer = row_or_404(Customer, customer_id)
    if not ExportForm().validate_on_submit():
        return _page(customer, status=400)
    handle = customer_export(actor=staff(), customer=customer)
    response = send_file(
        handle,
        mimetype="application/zip",
        as_attachment=True,
        download_name=export_filename(customer),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _erase_page(customer: Customer, form: EraseForm, status: int = 200) -> tuple[str, int]:
    blocked = None
    try:
        check_can_erase(customer)
    except DomainError as error:  # shown instead of the form
        blocked = error.message
    return (
        render_template("privacy/erase.html", customer=customer, form=form, blocked=blocked),
        status,
    )


@bp.get("/erase")
def erase_confirm(customer_id: int) -> tuple[str, int]:
    return _erase_page(row_or_404(Customer, customer_id), EraseForm())


@bp.post("/erase")
def erase(customer_id: int) -> Response | tuple[str, int]:
    customer = row_or_404(Customer, customer_id)
    form = EraseForm()
    if not form.validate_on_submit():
        return _erase_page(customer, form, 422)
    outcome = run_use_case(
        lambda: customer_erase(
            actor=staff(), customer=customer, confirmation=form.confirmation.data
        ),
        form=form,
        every_error_on_form=True,
    )
    if not outcome.ok:
        return _erase_page(customer, form, outcome.status)
    flash(_("The customer's personal data was erased."), "success")
    return redirect(url_for("privacy.privacy_page", customer_id=customer_id), code=303)
