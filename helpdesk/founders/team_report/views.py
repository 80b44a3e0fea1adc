"""The team report: the page, its CSV, and the drilldown (page and CSV) of the tickets
behind any number. Founders and admins only.

The range's rules, the drilldown list and the CSV writers are the trends' own. Bad dates
show on the page as field errors (422); the CSVs and the drilldown answer bad input with a
plain-text 400 and an unknown number with a plain-text 404."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, render_template, request, stream_with_context
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.forms import parse_id, show_domain_error
from helpdesk.founders.team_report.metrics import (
    TEAM_METRICS,
    UNASSIGNED,
    key_ok,
    metric_tickets,
)
from helpdesk.founders.team_report.report import (
    TeamReport,
    default_dates,
    few_tickets,
    report_table,
    team_report,
)
from helpdesk.founders.trends import TrendRange, parse_date, table_csv, trend_range
from helpdesk.founders.trends.cache import PENDING, cached_trends, preparing_page
from helpdesk.founders.trends.drill import ticket_page, tickets_csv
from helpdesk.founders.trends.forms import TrendRangeForm
from helpdesk.models import User
from helpdesk.models.ticket import STATUSES
from helpdesk.tickets.labels import STATUS_LABELS

bp = Blueprint("team_report", __name__, url_prefix="/founders/team")
bp.before_request(require_role("founder"))

MAX_PAGE = 100_000


def _plain(message: str, status: int) -> Response:
    return Response(message, status, mimetype="text/plain")


def _range(args: Mapping[str, str]) -> TrendRange:
    start = parse_date(args.get("start"), "start")
    end = parse_date(args.get("end"), "end")
    return trend_range(start=start, end=end, defaults=default_dates)


def _form_range(form: TrendRangeForm) -> TrendRange | None:
    """The range the form asks for, or None with the errors put on the form's fields."""
    errors: list[ValidationError] = []
    dates = {}
    for name in ("start", "end"):
        try:
            dates[name] = parse_date(form[name].data, name)
        except ValidationError as error:
            errors.append(error)
    rng = None
    if not errors:
        try:
            rng = trend_range(start=dates["start"], end=dates["end"], defaults=default_dates)
        except ValidationError as error:
            errors.append(error)
    for found in errors:
        show_domain_error(form, found)
    return rng


def _compute(rng: TrendRange) -> tuple[TeamReport, Markup]:
    """The report and its table rendered (every drill-down link), kept together by
    `cached_trends`: rendering the links costs more than the rest of the page."""
    report = team_report(rng)
    table = render_template("founders/_team_table.html", report=report, few_tickets=few_tickets)
    return report, Markup(table)  # noqa: S704  # nosec B704 - our autoescaped template


def _report(rng: TrendRange) -> Any:
    """The report and its table, or `PENDING` while another request computes them."""
    return cached_trends(
        rng=rng,
        language=str(get_locale()),
        max_age=timedelta(seconds=current_app.config["STATS_CACHE_SECONDS"]),
        compute=_compute,
        name="team_report",
    )


@bp.get("")
def team_page() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = TrendRangeForm(request.args)
    rng = _form_range(form)
    if rng is None:
        return render_template("founders/team_report.html", form=form, report=None), 422
    form.start.data, form.end.data = rng.start.isoformat(), rng.end.isoformat()
    found = _report(rng)
    if found is PENDING:
        return preparing_page("founders/team_report.html", form=form, report=None)
    report, table = found
    html = render_template("founders/team_report.html", form=form, report=report, table=table)
    return html, 200


@bp.get("/team.csv")
def team_csv() -> Response:
    try:
        rng = _range(request.args)
    except ValidationError as error:
        return _plain(error.message, 400)
    found = _report(rng)
    # While another request prepares the page's copy, the download computes its own.
    report = team_report(rng) if found is PENDING else found[0]
    response = Response(table_csv(report_table(report)), mimetype="text/csv")
    filename = f"team-report-{rng.start.isoformat()}-{rng.end.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _drill_args() -> tuple[str, str | None, TrendRange]:
    """The drilldown's metric, key and range; ValidationError for a bad key or range,
    KeyError for an unknown metric."""
    metric = request.args.get("metric", "")
    key = request.args.get("key") or None
    if metric not in TEAM_METRICS:
        raise KeyError(metric)
    if key is not None and not key_ok(key):
        raise ValidationError("key", _("Unknown key for this number."))
    return metric, key, _range(request.args)


def metric_label(metric: str) -> str:
    """What a drilldown lists, in words."""
    labels = {
        "tickets_all": _("Tickets opened"),
        "tickets_answered": _("Tickets with a first reply"),
        "tickets_resolved": _("Tickets resolved or closed"),
        "ratings_rated": _("Rated tickets"),
        "ratings_good": _("Tickets rated good"),
        "sla_attained": _("Service-level targets attained"),
        "sla_missed": _("Service-level targets missed"),
        "sla_judged": _("Service-level targets attained or missed"),
        "promises_kept": _("Promises kept"),
        "promises_early": _("Promises kept early"),
        "promises_missed": _("Promises missed"),
        "recoveries_started": _("Recoveries started"),
        "recoveries_completed": _("Recoveries completed"),
        "reopens_resolved_once": _("Tickets resolved at least once"),
        "reopens_reopened": _("Tickets reopened after a resolve"),
    }
    return labels.get(metric, metric)


def _whose(key: str | None) -> str:
    if key is None:
        return _("Whole team")
    if key == UNASSIGNED:
        return _("Unassigned")
    person = db.session.get(User, int(key))
    return person.name if person is not None else _("Unknown person")


@bp.get("/tickets")
def team_tickets() -> Response | tuple[str, int]:
    raw_page = request.args.get("page")
    page = parse_id(raw_page) if raw_page else 1
    if page is None or page > MAX_PAGE:
        return _plain(_("The page must be a whole number."), 400)
    try:
        metric, key, rng = _drill_args()
    except KeyError:
        return _plain(_("Unknown number."), 404)
    except ValidationError as error:
        return _plain(error.message, 400)
    whole = rng.whole
    result = ticket_page(metric_tickets(metric, (whole.starts, whole.ends), key), page)
    args = {
        "metric": metric,
        "key": key,
        "start": rng.start.isoformat(),
        "end": rng.end.isoformat(),
    }
    html = render_template(
        "founders/trends_tickets.html",
        result=result,
        metric=metric,
        key=key,
        rng=rng,
        status_labels={status: STATUS_LABELS.get(status, status) for status in STATUSES},
        drill_endpoint="team_report.team_tickets",
        back_endpoint="team_report.team_page",
        back_label=_("Back to the team report"),
        csv_url_args=args,
        csv_endpoint="team_report.team_tickets_csv",
        caption=f"{_whose(key)} · {metric_label(metric)}",
    )
    return html, 200


@bp.get("/tickets.csv")
def team_tickets_csv() -> Response:
    try:
        metric, key, rng = _drill_args()
    except KeyError:
        return _plain(_("Unknown number."), 404)
    except ValidationError as error:
        return _plain(error.message, 400)
    whole = rng.whole
    labels = {status: str(STATUS_LABELS.get(status, status)) for status in STATUSES}
    lines = tickets_csv(metric_tickets(metric, (whole.starts, whole.ends), key), labels)
    response = Response(stream_with_context(lines), mimetype="text/csv")
    filename = f"team-report-{metric}-{rng.start.isoformat()}-{rng.end.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
