"""The founders' survey page, `/feedback/nps`: rounds with their numbers, "Start a round
now", the survey settings, and per round the signed survey links.

Until the email issue lands nothing sends the invitations, so a founder can copy each
customer's link from the round's page and send it by hand. Those pages carry live
tokens: `no-store` and `no-referrer`, like the public pages they link to.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import DomainError
from helpdesk.feedback.forms import NpsSettingsForm, StartRoundForm
from helpdesk.feedback.links import nps_link
from helpdesk.feedback.nps import (
    nps_round_preview,
    nps_round_start,
    nps_settings,
    nps_settings_update,
    round_summaries,
    round_surveys,
)
from helpdesk.forms import parse_id, show_domain_error
from helpdesk.models import NpsRound
from helpdesk.web.current import staff
from helpdesk.web.lookups import row_or_404

bp = Blueprint("nps_admin", __name__, url_prefix="/feedback/nps")
bp.before_request(require_role("founder"))

PER_PAGE = 100


@bp.after_request
def private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(
    settings_form: NpsSettingsForm | None = None,
    start_form: StartRoundForm | None = None,
    status: int = 200,
) -> Response:
    if settings_form is None:
        current = nps_settings()
        settings_form = NpsSettingsForm(formdata=None, data=asdict(current))
    html = render_template(
        "feedback/nps_rounds.html",
        summaries=round_summaries(),
        settings_form=settings_form,
        start_form=start_form or StartRoundForm(formdata=None),
    )
    return make_response(html, status)


@bp.get("")
def rounds_page() -> Response:
    return _page()


@bp.get("/rounds/new")
def round_confirm() -> Response:
    """Ask before sending: how many customers a round started now would invite."""
    html = render_template(
        "feedback/nps_round_confirm.html",
        preview=nps_round_preview(),
        start_form=StartRoundForm(formdata=None),
    )
    return make_response(html)


@bp.post("/rounds")
def round_start() -> Response:
    form = StartRoundForm()
    if not form.validate_on_submit():
        return _page(start_form=form, status=422)
    try:
        started = nps_round_start(force=True, actor=staff())
    except DomainError as error:
        show_domain_error(form, error)
        return _page(start_form=form, status=409)
    if started is not None:
        flash(
            ngettext(
                "A survey round started: %(num)d customer invited.",
                "A survey round started: %(num)d customers invited.",
                started.invited_count,
            ),
            "success",
        )
    return redirect(url_for("nps_admin.rounds_page"), code=303)


@bp.post("/settings")
def settings_save() -> Response:
    form = NpsSettingsForm()
    if form.validate_on_submit():
        try:
            nps_settings_update(
                actor=staff(),
                enabled=bool(form.enabled.data),
                interval_days=form.interval_days.data or 0,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Survey settings are saved."), "success")
            return redirect(url_for("nps_admin.rounds_page"), code=303)
    return _page(settings_form=form, status=422)


@bp.get("/rounds/<id:round_id>")
def round_page(round_id: int) -> Response:
    survey_round = row_or_404(NpsRound, round_id)
    page = parse_id(request.args.get("page", "1")) or 0
    if page < 1:
        abort(404)
    surveys = round_surveys(survey_round.id, page=page, per_page=PER_PAGE)
    if page > 1 and not surveys:
        abort(404)
    html = render_template(
        "feedback/nps_round.html",
        survey_round=survey_round,
        rows=[(survey, nps_link(survey)) for survey in surveys],
        page=page,
        has_next=page * PER_PAGE < survey_round.invited_count,
    )
    return make_response(html)
