"""Usage pages: the founders' "At risk" list and its CSV (founders and admins), and the
admins' usage settings (retention, when a customer is slipping or dormant)."""

from __future__ import annotations

from dataclasses import asdict

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.forms import parse_id
from helpdesk.usage.forms import UsageSettingsForm
from helpdesk.usage.labels import REASON_LABELS, STATE_LABELS
from helpdesk.usage.queries import at_risk_csv, at_risk_page
from helpdesk.usage.settings import UsageSettings, usage_settings, usage_settings_update
from helpdesk.web.current import staff
from helpdesk.web.use_case import run_use_case

bp = Blueprint("usage", __name__, url_prefix="/founders")
bp.before_request(require_role("founder"))

settings_bp = Blueprint("usage_settings", __name__, url_prefix="/settings/usage")
settings_bp.before_request(require_role("admin"))

MAX_PAGE = 100_000


@bp.get("/at-risk")
def at_risk() -> tuple[str, int]:
    """Slipping and dormant customers, highest lifetime value first; a page number that is
    not one shows the first page with the error (400)."""
    page = parse_id(request.args.get("page", "1"))
    valid = page is not None and page <= MAX_PAGE
    return render_template(
        "usage/at_risk.html",
        result=at_risk_page(page if valid and page else 1),
        state_labels={key: str(label) for key, label in STATE_LABELS.items()},
        reason_labels={key: str(label) for key, label in REASON_LABELS.items()},
        page_error=None if valid else _("Unknown page."),
    ), 200 if valid else 400


@bp.get("/at-risk.csv")
def at_risk_download() -> Response:
    headers = [
        _("Customer"),
        _("Email"),
        _("Lifetime value"),
        _("Usage"),
        _("Since (UTC)"),
        _("Last 7 days"),
        _("Usual week"),
        _("Open complaints"),
        _("Missed promises"),
    ]
    labels = {key: str(label) for key, label in STATE_LABELS.items()}
    response = Response(stream_with_context(at_risk_csv(labels, headers)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="at-risk.csv"'
    return response


def _settings_page(form: UsageSettingsForm, status: int = 200) -> tuple[str, int]:
    return render_template("usage/settings.html", form=form), status


@settings_bp.get("")
def settings_page() -> tuple[str, int]:
    return _settings_page(UsageSettingsForm(formdata=None, data=asdict(usage_settings())))


@settings_bp.post("")
def settings_save() -> Response | tuple[str, int]:
    form = UsageSettingsForm()
    if not form.validate_on_submit():
        return _settings_page(form, 422)
    user = staff()
    done = run_use_case(
        lambda: usage_settings_update(
            actor=user,
            settings=UsageSettings(
                daily_retention_days=form.daily_retention_days.data or 0,
                event_id_retention_days=form.event_id_retention_days.data or 0,
                slipping_ratio_percent=form.slipping_ratio_percent.data or 0,
                key_event=form.key_event.data or "",
                key_event_days=form.key_event_days.data or 0,
                dormant_days=form.dormant_days.data or 0,
            ),
        ),
        form=form,
    )
    if not done.ok:
        return _settings_page(form, done.status)
    flash(_("Usage settings are saved."), "success")
    return redirect(url_for("usage_settings.settings_page"), code=303)
