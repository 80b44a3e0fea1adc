"""Admin settings page "Automations": the rules in order (a sentence each, last runs),
the When / If / Then form to create and edit one, switching on and off, reordering,
deleting, and the dry run ("what would this rule have done in the last 30 days?") of a
saved rule or of the form's unsaved edits. Admins only (founders and agents get 403)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.automations import service
from helpdesk.automations.dry_run import DryRun, dry_run
from helpdesk.automations.forms import ActionForm, RuleForm, form_data, spec_from_form
from helpdesk.automations.queries import (
    active_people,
    people_names,
    reply_titles,
    rules_listed,
    team_replies,
)
from helpdesk.automations.rules import RuleSpec, check_spec, spec_of
from helpdesk.errors import ValidationError
from helpdesk.forms import show_domain_error
from helpdesk.models import AutomationRule
from helpdesk.web.current import staff
from helpdesk.web.htmx_render import render_page_or_fragment
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("automations", __name__, url_prefix="/settings/automations")
bp.before_request(require_role("admin"))


def _form(*, submitted: bool, rule: AutomationRule | None = None) -> RuleForm:
    if submitted:
        form = RuleForm()
    elif rule is not None:
        form = RuleForm(formdata=None, data=form_data(rule))
    else:
        form = RuleForm(formdata=None, data={"trigger": "customer_writes", "time_unit": "days"})
    form.set_choices(active_people(), team_replies())
    return form


def _edit_page(
    form: RuleForm,
    *,
    rule: AutomationRule | None,
    status: int = 200,
    result: DryRun | None = None,
) -> Response:
    return render_page_or_fragment(
        "automations/edit.html",
        "automations/_editor.html",
        status=status,
        form=form,
        rule=rule,
        result=result,
    )


def _spec(form: RuleForm) -> RuleSpec | None:
    """The form's rule, parsed and checked; None (errors on the form) when refused."""
    if not form.validate_on_submit():
        return None
    try:
        spec = service.checked(spec_from_form(form))
    except ValidationError as error:
        show_domain_error(form, error)
        return None
    return spec


@bp.get("")
def rule_list() -> str:
    return render_template(
        "automations/list.html", rules=rules_listed(), action_form=ActionForm(formdata=None)
    )


@bp.get("/new")
def rule_new() -> Response:
    return _edit_page(_form(submitted=False), rule=None)


@bp.post("/new")
def rule_create() -> Response:
    form = _form(submitted=True)
    spec = _spec(form)
    if spec is None:
        return _edit_page(form, rule=None, status=422)
    outcome = run_use_case(
        lambda: service.automation_create(
            actor=staff(), spec=spec, enabled=bool(form.enabled.data)
        ),
        form=form,
    )
    if not outcome.ok:
        return _edit_page(form, rule=None, status=outcome.status)
    flash(_("The rule “%(name)s” is saved.", name=spec.name), "success")
    return redirect(url_for("automations.rule_list"))


@bp.get("/<int:rule_id>")
def rule_edit(rule_id: int) -> Response:
    rule = row_or_404(AutomationRule, rule_id)
    return _edit_page(_form(submitted=False, rule=rule), rule=rule)


@bp.post("/<int:rule_id>")
def rule_update(rule_id: int) -> Response:
    rule = row_or_404(AutomationRule, rule_id)
    form = _form(submitted=True)
    spec = _spec(form)
    if spec is None:
        return _edit_page(form, rule=rule, status=422)
    outcome = run_use_case(
        lambda: service.automation_update(
            actor=staff(), rule=rule, spec=spec, enabled=bool(form.enabled.data)
        ),
        form=form,
    )
    if not outcome.ok:
        return _edit_page(form, rule=rule, status=outcome.status)
    flash(_("The rule “%(name)s” is saved.", name=spec.name), "success")
    return redirect(url_for("automations.rule_list"))


@bp.post("/dry-run")
def dry_run_form() -> Response:
    """The form's rule as typed (saved or not): what it would have done; the form is kept."""
    form = _form(submitted=True)
    rule_id = request.args.get("rule", type=int)
    rule = row_or_404(AutomationRule, rule_id) if rule_id else None
    spec = _spec(form)
    if spec is None:
        return _edit_page(form, rule=rule, status=422)
    result = dry_run(spec, people=people_names(), replies=reply_titles())
    return _edit_page(form, rule=rule, result=result)


@bp.get("/<int:rule_id>/dry-run")
def dry_run_saved(rule_id: int) -> Response:
    rule = row_or_404(AutomationRule, rule_id)
    form = _form(submitted=False, rule=rule)
    try:
        spec = check_spec(spec_of(rule))
    except ValidationError as error:
        show_domain_error(form, error)
        return _edit_page(form, rule=rule, status=422)
    result = dry_run(spec, people=people_names(), replies=reply_titles())
    return _edit_page(form, rule=rule, result=result)


def _list_action(action: Callable[[], object]) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("automations.rule_list"))
    outcome = run_use_case(action)
    if not outcome.ok:
        flash(outcome.message or "", "error")
    return redirect(url_for("automations.rule_list"))


@bp.post("/<int:rule_id>/switch")
def rule_switch(rule_id: int) -> Response:
    rule = row_or_404(AutomationRule, rule_id)
    enabled = request.form.get("enabled") == "1"
    return _list_action(
        lambda: service.automation_switch(actor=staff(), rule=rule, enabled=enabled)
    )


@bp.post("/<int:rule_id>/move")
def rule_move(rule_id: int) -> Response:
    rule = row_or_404(AutomationRule, rule_id)
    direction = request.form.get("direction", "")
    return _list_action(
        lambda: service.automation_move(actor=staff(), rule=rule, direction=direction)
    )


@bp.post("/<int:rule_id>/delete")
def rule_delete(rule_id: int) -> Response:
    rule = row_or_404(AutomationRule, rule_id)
    return _list_action(lambda: service.automation_delete(actor=staff(), rule=rule))
