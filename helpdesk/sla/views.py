"""The admins' "Service levels" settings page: the policies in the order they are tried,
add, edit, delete, enable or disable, move up or down."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.models import SlaPolicy
from helpdesk.sla import policies
from helpdesk.sla.forms import ActionForm, PolicyForm
from helpdesk.sla.labels import KIND_LABELS
from helpdesk.tickets.labels import PRIORITY_LABELS
from helpdesk.web.current import staff
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("sla", __name__, url_prefix="/settings/service-levels")
bp.before_request(require_role("admin"))

# The service names a target by its kind; the form shows it on the hours box.
FORM_FIELDS = {
    "first_reply": "first_reply_hours",
    "next_reply": "next_reply_hours",
    "resolution": "resolution_hours",
    "warn": "warn_hours",
}


def _fields(form: PolicyForm) -> policies.PolicyFields:
    return policies.PolicyFields(
        name=form.name.data or "",
        first_reply_minutes=form.minutes("first_reply"),
        next_reply_minutes=form.minutes("next_reply"),
        resolution_minutes=form.minutes("resolution"),
        warn_minutes=form.minutes("warn") or 0,
        priorities=list(form.priorities.data or []),
        plans=form.plans.data or "",
        vip_only=bool(form.vip_only.data),
        enabled=bool(form.enabled.data),
        escalate_to_assignee=bool(form.escalate_to_assignee.data),
        escalate_to_founders=bool(form.escalate_to_founders.data),
    )


def _list_page(form: PolicyForm | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "sla/policies.html",
        policies=policies.policies_listed(),
        form=form or PolicyForm.showing(None),
        action_form=ActionForm(formdata=None),
        kind_labels=KIND_LABELS,
        priority_labels=PRIORITY_LABELS,
    ), status


@bp.get("")
def policies_page() -> tuple[str, int]:
    return _list_page()


@bp.post("")
def policy_add() -> Response | tuple[str, int]:
    form = PolicyForm(request.form)
    if not form.validate_on_submit():
        return _list_page(form=form, status=422)
    outcome = run_use_case(
        lambda: policies.sla_policy_create(actor=staff(), fields=_fields(form)),
        form=form,
        fields=FORM_FIELDS,
    )
    if not outcome.ok:
        return _list_page(form=form, status=outcome.status)
    flash(_("The service-level policy is saved."), "success")
    return redirect(url_for("sla.policies_page"))


@bp.route("/<id:policy_id>", methods=["GET", "POST"])
def policy_edit(policy_id: int) -> Response | tuple[str, int]:
    policy = row_or_404(SlaPolicy, policy_id)
    posted = request.method == "POST"
    form = PolicyForm(request.form) if posted else PolicyForm.showing(policy)
    if posted and form.validate_on_submit():
        outcome = run_use_case(
            lambda: policies.sla_policy_update(actor=staff(), policy=policy, fields=_fields(form)),
            form=form,
            fields=FORM_FIELDS,
        )
        if outcome.ok:
            flash(_("The service-level policy is saved."), "success")
            return redirect(url_for("sla.policies_page"))
    return render_template("sla/edit.html", policy=policy, form=form), 422 if posted else 200


def _acted(policy_id: int) -> SlaPolicy:
    policy = row_or_404(SlaPolicy, policy_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return policy


@bp.post("/<id:policy_id>/delete")
def policy_delete(policy_id: int) -> Response:
    policy = _acted(policy_id)
    policies.sla_policy_delete(actor=staff(), policy=policy)
    flash(_("The service-level policy is deleted."), "success")
    return redirect(url_for("sla.policies_page"))


@bp.post("/<id:policy_id>/enable")
def policy_enable(policy_id: int) -> Response:
    policy = _acted(policy_id)
    enabled = request.form.get("enabled") == "1"
    policies.sla_policy_toggle(actor=staff(), policy=policy, enabled=enabled)
    flash(_("The policy is enabled.") if enabled else _("The policy is disabled."), "success")
    return redirect(url_for("sla.policies_page"))


@bp.post("/<id:policy_id>/move")
def policy_move(policy_id: int) -> Response:
    policy = _acted(policy_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    policies.sla_policy_move(actor=staff(), policy=policy, up=direction == "up")
    return redirect(url_for("sla.policies_page"))
