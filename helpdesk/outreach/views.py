"""The drafts queue (`/outreach`): founders and admins see every draft, an agent those
assigned to them; one draft's review page (edit, then send in one step, keep for later or
dismiss); and "Mark as left" / "Undo" on a customer's page. Bad input re-renders the page
with what was typed and 422; a draft that may not go now answers 409 with the reason."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.bidi import with_names
from helpdesk.models import Customer, Outreach
from helpdesk.outreach.forms import EmptyForm, OutreachForm
from helpdesk.outreach.labels import KIND_LABELS, REASON_LABELS, STATE_LABELS
from helpdesk.outreach.queries import outreach_queue, outreach_visible
from helpdesk.outreach.service import (
    customer_mark_left,
    customer_unmark_left,
    outreach_dismiss,
    outreach_save,
    outreach_send,
    outreach_start,
)
from helpdesk.web.current import staff
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("outreach", __name__)
bp.before_request(require_role("agent"))


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "state_labels": STATE_LABELS,
        "reason_labels": REASON_LABELS,
    }


@bp.get("/outreach")
def queue() -> tuple[str, int]:
    done = request.args.get("show") == "done"
    items = outreach_queue(staff(), pending=not done)
    return render_template(
        "outreach/queue.html", items=items, done=done, form=EmptyForm(formdata=None), **_labels()
    ), 200


def _outreach(outreach_id: int) -> Outreach:
    found = outreach_visible(staff(), outreach_id)
    if found is None:
        abort(404)
    return found


def _review(
    outreach: Outreach,
    form: OutreachForm | None = None,
    *,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if form is None:
        form = OutreachForm(
            formdata=None, data={"subject": outreach.subject, "body": outreach.body}
        )
    return render_template(
        "outreach/review.html",
        outreach=outreach,
        form=form,
        dismiss_form=EmptyForm(formdata=None),
        error=error,
        **_labels(),
    ), status


@bp.get("/outreach/<id:outreach_id>")
def review(outreach_id: int) -> tuple[str, int]:
    return _review(_outreach(outreach_id))


@bp.post("/outreach/<id:outreach_id>")
def review_post(outreach_id: int) -> Response | tuple[str, int]:
    outreach = _outreach(outreach_id)
    form = OutreachForm()
    if not form.validate_on_submit():
        return _review(outreach, form, status=422)
    user = staff()
    sending = request.form.get("action") != "save"
    subject, body = form.subject.data or "", form.body.data or ""
    action = outreach_send if sending else outreach_save
    done = run_use_case(
        lambda: action(actor=user, outreach=outreach, subject=subject, body=body),
        form=form,
    )
    if not done.ok:
        fresh = _outreach(outreach_id)
        error = None if done.status == 422 else done.message
        return _review(fresh, form, error=error, status=done.status)
    if sending:
        sent = _outreach(outreach_id)
        flash(with_names(_("Sent to %(name)s."), name=sent.customer.name), "success")
        return redirect(url_for("outreach.queue"), code=303)
    flash(_("Draft saved."), "success")
    return redirect(url_for("outreach.review", outreach_id=outreach_id), code=303)


@bp.post("/outreach/<id:outreach_id>/dismiss")
def dismiss(outreach_id: int) -> Response | tuple[str, int]:
    outreach = _outreach(outreach_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    done = run_use_case(lambda: outreach_dismiss(actor=staff(), outreach=outreach))
    if not done.ok:
        return _review(_outreach(outreach_id), error=done.message, status=done.status)
    flash(_("Draft dismissed."), "info")
    return redirect(url_for("outreach.queue"), code=303)


@bp.post("/customers/<id:customer_id>/outreach")
def start(customer_id: int) -> Response:
    customer = row_or_404(Customer, customer_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = run_use_case(lambda: outreach_start(actor=staff(), customer=customer))
    if not done.ok or done.value is None:
        flash(done.message or "", "error")
        return redirect(url_for("customers.customer_page", customer_id=customer_id), code=303)
    return redirect(url_for("outreach.review", outreach_id=done.value.id), code=303)


@bp.post("/customers/<id:customer_id>/left")
def mark_left(customer_id: int) -> Response:
    customer = row_or_404(Customer, customer_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = run_use_case(lambda: customer_mark_left(actor=staff(), customer=customer))
    if not done.ok:
        flash(done.message or "", "error")
    elif done.value is not None and done.value.state == "sent":
        flash(_("Marked as left. A thank-you was sent."), "success")
    elif done.value is not None:
        flash(_("Marked as left. A thank-you is waiting in the outreach drafts."), "success")
    else:
        flash(_("Marked as left. No automated message will reach them now."), "success")
    return redirect(url_for("customers.customer_page", customer_id=customer_id), code=303)


@bp.post("/customers/<id:customer_id>/left/undo")
def unmark_left(customer_id: int) -> Response:
    customer = row_or_404(Customer, customer_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = run_use_case(lambda: customer_unmark_left(actor=staff(), customer=customer))
    if not done.ok:
        flash(done.message or "", "error")
    else:
        flash(_("No longer marked as left."), "success")
    return redirect(url_for("customers.customer_page", customer_id=customer_id), code=303)
