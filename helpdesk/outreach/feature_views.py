"""Feature request pages (`/feature-requests`): the list (requesters and their total
value), creating one, one request's page (its requesters, each one's note or why they get
none; founders change the status and send all the notes in one step), and the ticket
page's panel that links a ticket to a request (pick one, or name a new one)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role, role_required
from helpdesk.forms import parse_id
from helpdesk.models import FeatureRequest, Ticket
from helpdesk.models.outreach import FEATURE_STATUSES
from helpdesk.outreach.features import (
    feature_request_create,
    feature_request_link,
    feature_request_send_drafts,
    feature_request_set_status,
    feature_request_unlink,
)
from helpdesk.outreach.forms import (
    EmptyForm,
    FeatureRequestForm,
    FeatureStatusForm,
    LinkFeatureForm,
)
from helpdesk.outreach.labels import FEATURE_STATUS_LABELS, REASON_LABELS, STATE_LABELS
from helpdesk.outreach.panel import panel_context
from helpdesk.outreach.queries import feature_list, feature_requesters
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.web.current import staff
from helpdesk.web.htmx_render import wants_fragment
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("feature_requests", __name__)
bp.before_request(require_role("agent"))


def _list_page(form: FeatureRequestForm | None = None, status: int = 200) -> tuple[str, int]:
    chosen = request.args.get("status", "")
    rows = feature_list(chosen if chosen in FEATURE_STATUSES else None)
    return render_template(
        "outreach/features.html",
        rows=rows,
        chosen=chosen,
        form=form or FeatureRequestForm(formdata=None),
        status_labels=FEATURE_STATUS_LABELS,
    ), status


@bp.get("/feature-requests")
def features_page() -> tuple[str, int]:
    return _list_page()


@bp.post("/feature-requests")
def feature_create() -> Response | tuple[str, int]:
    form = FeatureRequestForm()
    if not form.validate_on_submit():
        return _list_page(form, 422)
    user = staff()
    done = run_use_case(
        lambda: feature_request_create(actor=user, title=form.title.data or ""), form=form
    )
    if not done.ok or done.value is None:
        return _list_page(form, done.status)
    return redirect(url_for("feature_requests.feature_page", feature_id=done.value.id), code=303)


def _feature_page(
    feature: FeatureRequest,
    *,
    status_form: FeatureStatusForm | None = None,
    error: str | None = None,
    code: int = 200,
) -> tuple[str, int]:
    requesters = feature_requesters(feature)
    drafts = sum(1 for r in requesters if r.outreach is not None and r.outreach.state == "draft")
    return render_template(
        "outreach/feature.html",
        feature=feature,
        requesters=requesters,
        drafts=drafts,
        status_form=status_form
        or FeatureStatusForm(formdata=None, data={"status": feature.status}),
        send_form=EmptyForm(formdata=None),
        error=error,
        status_labels=FEATURE_STATUS_LABELS,
        state_labels=STATE_LABELS,
        reason_labels=REASON_LABELS,
        can_ship=staff().can("founder"),
    ), code


@bp.get("/feature-requests/<id:feature_id>")
def feature_page(feature_id: int) -> tuple[str, int]:
    return _feature_page(row_or_404(FeatureRequest, feature_id))


@bp.post("/feature-requests/<id:feature_id>/status")
@role_required("founder")
def feature_status(feature_id: int) -> Response | tuple[str, int]:
    feature = row_or_404(FeatureRequest, feature_id)
    form = FeatureStatusForm()
    if not form.validate_on_submit():
        abort(400)
    user = staff()
    done = run_use_case(
        lambda: feature_request_set_status(actor=user, feature=feature, status=form.status.data),
        form=form,
    )
    if not done.ok:
        fresh = row_or_404(FeatureRequest, feature_id)
        return _feature_page(fresh, status_form=form, code=done.status)
    result = done.value
    if result is not None:
        flash(
            _(
                "Shipped. Drafts made: %(drafted)d; held back: %(held)d; skipped (left): %(left)d.",
                drafted=result.drafted,
                held=result.suppressed,
                left=result.skipped_left,
            ),
            "success",
        )
    else:
        flash(_("Status saved."), "success")
    return redirect(url_for("feature_requests.feature_page", feature_id=feature_id), code=303)


@bp.post("/feature-requests/<id:feature_id>/send")
@role_required("founder")
def feature_send(feature_id: int) -> Response | tuple[str, int]:
    feature = row_or_404(FeatureRequest, feature_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = staff()
    done = run_use_case(lambda: feature_request_send_drafts(actor=user, feature=feature))
    if not done.ok or done.value is None:
        fresh = row_or_404(FeatureRequest, feature_id)
        return _feature_page(fresh, error=done.message, code=done.status)
    flash(
        _("Sent: %(sent)d. Held back: %(held)d.", sent=done.value.sent, held=done.value.held),
        "success",
    )
    return redirect(url_for("feature_requests.feature_page", feature_id=feature_id), code=303)


def _panel(ticket: Ticket, code: int, **context: Any) -> Response | tuple[str, int]:
    if wants_fragment():
        html = render_template(
            "outreach/_ticket_panel.html",
            ticket=ticket,
            **panel_context(ticket, staff(), **context),
        )
        return html, code
    if code >= 400:
        return render_template(
            "outreach/link_feature.html",
            ticket=ticket,
            **panel_context(ticket, staff(), **context),
        ), code
    flash(context.get("success") or "", "success")
    return redirect(url_for("tickets.ticket", number=ticket.number) + "#feature-requests", code=303)


@bp.post("/tickets/<number:number>/feature-requests")
def ticket_link(number: int) -> Response | tuple[str, int]:
    ticket = ticket_or_404(number)
    form = LinkFeatureForm()
    if not form.validate_on_submit():
        abort(400)
    raw_id = form.feature_id.data or ""
    feature_id = parse_id(raw_id)
    if raw_id and feature_id is None:
        form.feature_id.errors = [_("Choose a feature request from the list.")]
        return _panel(ticket, 422, link_form=form)
    user = staff()
    done = run_use_case(
        lambda: feature_request_link(
            actor=user, ticket=ticket, feature_id=feature_id, new_title=form.new_title.data
        ),
        form=form,
        every_error_on_form=True,
    )
    if not done.ok or done.value is None:
        return _panel(ticket_or_404(number), done.status, link_form=form)
    return _panel(ticket, 200, success=_("Linked to “%(title)s”.", title=done.value.title))


@bp.post("/tickets/<number:number>/feature-requests/<id:feature_id>/unlink")
def ticket_unlink(number: int, feature_id: int) -> Response | tuple[str, int]:
    ticket = ticket_or_404(number)
    feature = row_or_404(FeatureRequest, feature_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = staff()
    done = run_use_case(lambda: feature_request_unlink(actor=user, ticket=ticket, feature=feature))
    if not done.ok:
        return _panel(ticket_or_404(number), done.status, panel_error=done.message)
    return _panel(ticket, 200, success=_("Unlinked."))
