"""Admin-only settings pages: the team."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth import service, two_factor
from helpdesk.auth.access import require_role
from helpdesk.errors import DomainError, ValidationError
from helpdesk.forms import show_domain_error
from helpdesk.models import User
from helpdesk.settings import service as settings_service
from helpdesk.settings.forms import (
    ActiveForm,
    AssignmentForm,
    NewUserForm,
    RoleForm,
    TwoFactorPolicyForm,
    role_choices,
)
from helpdesk.settings.queries import team_members
from helpdesk.web.current import staff
from helpdesk.web.lookups import row_or_404

bp = Blueprint("settings", __name__, url_prefix="/settings")
bp.before_request(require_role("admin"))


def _get_user(user_id: int) -> User:
    return row_or_404(User, user_id)


def _team_page(
    new_user: NewUserForm | None = None,
    assignment: AssignmentForm | None = None,
    two_factor_policy: TwoFactorPolicyForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    users = team_members()
    form = new_user or NewUserForm(formdata=None)
    form.role.choices = role_choices()
    if assignment is None:
        current = settings_service.assignment_settings()
        assignment = AssignmentForm(formdata=None, data=asdict(current))
    if two_factor_policy is None:
        two_factor_policy = TwoFactorPolicyForm(
            formdata=None, data={"required": two_factor.policy()}
        )
    return render_template(
        "settings/team.html",
        users=users,
        new_user=form,
        assignment=assignment,
        two_factor_policy=two_factor_policy,
        role_choices=role_choices(),
        action_form=ActiveForm(formdata=None),
    ), status


@bp.get("/team")
def team() -> tuple[str, int]:
    return _team_page()


@bp.post("/team")
def team_add() -> Response | tuple[str, int]:
    form = NewUserForm()
    form.role.choices = role_choices()
    if form.validate_on_submit():
        try:
            user = service.user_create(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                actor=staff(),
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s is on the team.", name=user.name), "success")
            return redirect(url_for("settings.team"))
    form.password.data = ""
    return _team_page(new_user=form, status=422)


@bp.post("/team/assignment")
def team_assignment() -> Response | tuple[str, int]:
    form = AssignmentForm()
    if form.validate_on_submit():
        try:
            settings_service.assignment_settings_update(
                actor=staff(),
                auto_assign=bool(form.auto_assign.data),
                max_open_per_agent=form.max_open_per_agent.data or 0,
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("Assignment is saved."), "success")
            return redirect(url_for("settings.team"))
    return _team_page(assignment=form, status=422)


@bp.post("/team/two-factor")
def team_two_factor_policy() -> Response | tuple[str, int]:
    form = TwoFactorPolicyForm()
    if form.validate_on_submit():
        try:
            two_factor.two_factor_policy_set(actor=staff(), value=form.required.data)
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("Sign-in settings are saved."), "success")
            return redirect(url_for("settings.team"))
    return _team_page(two_factor_policy=form, status=422)


@bp.post("/team/<id:user_id>/two-factor/reset")
def team_two_factor_reset(user_id: int) -> Response:
    """Remove someone's second factor (they lost their phone and their recovery codes)."""
    user = _get_user(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    try:
        two_factor.two_factor_reset(user=user, actor=staff())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(name)s's two-factor sign-in is reset; they set it up again if required.",
                name=user.name,
            ),
            "success",
        )
    return redirect(url_for("settings.team"))


@bp.post("/team/<id:user_id>/availability")
def team_availability(user_id: int) -> Response:
    user = _get_user(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    available = request.form.get("available") == "1"
    settings_service.user_set_available(user=user, available=available, actor=staff())
    message = (
        _("%(name)s takes new tickets.", name=user.name)
        if available
        else _("%(name)s no longer takes new tickets.", name=user.name)
    )
    flash(message, "success")
    return redirect(url_for("settings.team"))


@bp.post("/team/<id:user_id>/role")
def team_role(user_id: int) -> Response:
    user = _get_user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.user_set_role(user=user, role=form.role.data, actor=staff())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s's role is saved.", name=user.name), "success")
    return redirect(url_for("settings.team"))


@bp.post("/team/<id:user_id>/deactivate")
def team_deactivate(user_id: int) -> Response:
    return _set_active(user_id, active=False)


@bp.post("/team/<id:user_id>/reactivate")
def team_reactivate(user_id: int) -> Response:
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool) -> Response:
    user = _get_user(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    try:
        service.user_set_active(user=user, active=active, actor=staff())
    except DomainError as error:
        flash(error.message, "error")
    else:
        message = (
            _("%(name)s can log in again.", name=user.name)
            if active
            else _("%(name)s is deactivated and logged out everywhere.", name=user.name)
        )
        flash(message, "success")
    return redirect(url_for("settings.team"))
