"""Staff pages about customers: the directory (`/customers`), a customer's page with their
whole history and notes, editing their details, "merge into…", and the ticket page's
language form. Agents, founders and admins (the blueprint's `require_role("agent")`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.bidi import with_names
from helpdesk.customers.directory import (
    DirectoryQuery,
    directory_page,
    merge_choices,
    parse_query,
)
from helpdesk.customers.forms import (
    CustomerEditForm,
    CustomerLanguageForm,
    CustomerNoteForm,
    MergeForm,
    MergeSearchForm,
    cents_from_amount,
)
from helpdesk.customers.labels import (
    HISTORY_LABELS,
    PROMISE_LABELS,
    RATING_LABELS,
    RECOVERY_LABELS,
    SORT_LABELS,
)
from helpdesk.customers.language import customer_language_set
from helpdesk.customers.merge import customer_merge
from helpdesk.customers.notes import customer_note_add
from helpdesk.customers.queries import customer_by_id, customer_record
from helpdesk.customers.service import customer_update
from helpdesk.errors import DomainError, ValidationError
from helpdesk.format_filters import language_name
from helpdesk.forms import parse_id
from helpdesk.i18n import LANGUAGE_NAMES
from helpdesk.models import Customer
from helpdesk.tickets.labels import STATUS_LABELS
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.usage.labels import REASON_LABELS as USAGE_REASONS
from helpdesk.usage.labels import STATE_LABELS as USAGE_LABELS
from helpdesk.usage.queries import sparkline_points, usage_card
from helpdesk.web.current import staff
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("customers", __name__)
bp.before_request(require_role("agent"))

# The service's field names as the edit form calls them.
EDIT_FIELDS = {"lifetime_value_cents": "lifetime_value"}


@bp.get("/customers")
def directory() -> tuple[str, int]:
    return directory_page_view()


def directory_page_view(status: int = 200) -> tuple[str, int]:
    args = {key: request.args.get(key, "") for key in ("q", "sort", "page")}
    errors: dict[str, str] = {}
    try:
        query = parse_query(args)
    except ValidationError as error:
        errors[error.field or ""] = error.message
        query = DirectoryQuery(q=" ".join(args["q"].split())[:200])
    page = directory_page(query)
    return render_template(
        "customers/directory.html",
        page=page,
        query=query,
        errors=errors,
        sort_labels={key: str(label) for key, label in SORT_LABELS.items()},
    ), 400 if errors else status


def _edit_form(customer: Customer) -> CustomerEditForm:
    form = CustomerEditForm(
        formdata=None,
        data={
            "name": customer.name,
            "company": customer.company or "",
            "plan": customer.plan or "",
            "lifetime_value": f"{customer.lifetime_value_cents / 100:.2f}",
            "vip": customer.vip,
            "language": customer.language or "",
            "timezone": customer.timezone or "",
        },
    )
    return _with_languages(form)


def _with_languages(form: CustomerEditForm) -> CustomerEditForm:
    form.language.choices = [("", _("Unknown"))] + [
        (code, name) for code, name in LANGUAGE_NAMES.items()
    ]
    return form


def _customer_page(customer: Customer, *, status: int = 200, **forms: Any) -> tuple[str, int]:
    usage = usage_card(customer.id)
    return render_template(
        "customers/customer.html",
        customer=customer,
        record=customer_record(customer),
        edit_form=forms.get("edit_form") or _edit_form(customer),
        note_form=forms.get("note_form") or CustomerNoteForm(formdata=None),
        merge_form=MergeSearchForm(formdata=None),
        status_labels={key: str(label) for key, label in STATUS_LABELS.items()},
        promise_labels={key: str(label) for key, label in PROMISE_LABELS.items()},
        rating_labels={key: str(label) for key, label in RATING_LABELS.items()},
        recovery_labels={key: str(label) for key, label in RECOVERY_LABELS.items()},
        history_labels={key: str(label) for key, label in HISTORY_LABELS.items()},
        usage=usage,
        usage_points=sparkline_points(usage.weeks) if usage else "",
        usage_labels={key: str(label) for key, label in USAGE_LABELS.items()},
        usage_reasons={key: str(label) for key, label in USAGE_REASONS.items()},
    ), status


@bp.get("/customers/<id:customer_id>")
def customer_page(customer_id: int) -> tuple[str, int]:
    return _customer_page(row_or_404(Customer, customer_id))


@bp.post("/customers/<id:customer_id>/edit")
def customer_edit(customer_id: int) -> Response | tuple[str, int]:
    customer = row_or_404(Customer, customer_id)
    form = _with_languages(CustomerEditForm())
    if not form.validate_on_submit():
        return _customer_page(customer, status=422, edit_form=form)
    user = staff()
    done = run_use_case(
        lambda: customer_update(
            actor=user,
            customer=customer,
            name=form.name.data or "",
            company=form.company.data or None,
            plan=form.plan.data or None,
            lifetime_value_cents=cents_from_amount(form.lifetime_value.data),
            vip=bool(form.vip.data),
            language=form.language.data or None,
            timezone=(form.timezone.data or "").strip() or None,
        ),
        form=form,
        fields=EDIT_FIELDS,
    )
    if not done.ok:
        return _customer_page(row_or_404(Customer, customer_id), status=done.status, edit_form=form)
    if done.value:
        flash(with_names(_("%(name)s's details are saved."), name=customer.name), "success")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("customers.customer_page", customer_id=customer_id), code=303)


@bp.post("/customers/<id:customer_id>/notes")
def customer_note(customer_id: int) -> Response | tuple[str, int]:
    customer = row_or_404(Customer, customer_id)
    form = CustomerNoteForm()
    if not form.validate_on_submit():
        return _customer_page(customer, status=422, note_form=form)
    user = staff()
    done = run_use_case(
        lambda: customer_note_add(actor=user, customer=customer, body=form.body.data or ""),
        form=form,
    )
    if not done.ok:
        return _customer_page(row_or_404(Customer, customer_id), status=done.status, note_form=form)
    flash(_("Note added."), "success")
    return redirect(url_for("customers.customer_page", customer_id=customer_id), code=303)


@bp.get("/customers/<id:customer_id>/merge")
def merge_search(customer_id: int) -> tuple[str, int]:
    """Step one of "merge into…": find the customer to keep."""
    customer = row_or_404(Customer, customer_id)
    form = MergeSearchForm(request.args, meta={"csrf": False})
    valid = form.validate()
    q = (form.q.data or "").strip() if valid else ""
    return render_template(
        "customers/merge_search.html",
        customer=customer,
        form=form,
        q=q,
        choices=merge_choices(q, exclude=customer) if q else [],
    ), 200 if valid else 400


@bp.get("/customers/<id:customer_id>/merge/confirm")
def merge_confirm(customer_id: int) -> tuple[str, int]:
    """Step two: both records side by side, before anything moves."""
    customer = row_or_404(Customer, customer_id)
    target_id = parse_id(request.args.get("target", ""))
    target = row_or_404(Customer, target_id) if target_id is not None else None
    if target is None:
        abort(404)
    if target.id == customer.id:
        flash(_("A customer cannot be merged into itself."), "error")
        return merge_search(customer_id)[0], 422
    form = MergeForm(formdata=None, data={"target": str(target.id)})
    return render_template(
        "customers/merge_confirm.html", customer=customer, target=target, form=form
    ), 200


@bp.post("/customers/<id:customer_id>/merge")
def merge(customer_id: int) -> Response | tuple[str, int]:
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    target_id = parse_id(form.target.data)
    if target_id is None:
        abort(400)
    user = staff()
    done = run_use_case(
        lambda: customer_merge(actor=user, source_id=customer_id, target_id=target_id)
    )
    if not done.ok or done.value is None:
        # Refused (into itself, or a record gone since the page was shown): the search
        # again, or the directory when this record is the one gone.
        flash(done.message or _("The merge was refused."), "error")
        if customer_by_id(customer_id) is None:
            return directory_page_view(status=done.status)
        return merge_search(customer_id)[0], done.status
    kept = done.value
    flash(with_names(_("Merged. %(name)s now holds both records."), name=kept.name), "success")
    return redirect(url_for("customers.customer_page", customer_id=kept.id), code=303)


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
