"""The founders' trends dashboard: the page with every section (chart and table), one CSV
per section and the drilldown list of tickets behind any number. Founders and admins only.

Bad dates show on the page as field errors (422); the CSV and the drilldown answer bad
input with a plain-text 400 and unknown sections or metrics with a plain-text 404."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import ValidationError
from helpdesk.forms import parse_id, show_domain_error
from helpdesk.founders.charts import bar_chart
from helpdesk.founders.trends import (
    Table,
    TrendRange,
    parse_date,
    table_csv,
    trend_range,
)
from helpdesk.founders.trends.cache import PENDING, cached_trends, preparing_page
from helpdesk.founders.trends.drill import UnknownMetric, drill_title, trend_tickets
from helpdesk.founders.trends.forms import TrendRangeForm
from helpdesk.founders.trends.sections import SECTIONS, trend_section, trend_sections
from helpdesk.models.ticket import STATUSES
from helpdesk.tickets.labels import STATUS_LABELS

bp = Blueprint("trends", __name__, url_prefix="/founders/trends")
bp.before_request(require_role("founder"))

MAX_PAGE = 100_000


def _plain(message: str, status: int) -> Response:
    return Response(message, status, mimetype="text/plain")


def _range(args: Mapping[str, str]) -> TrendRange:
    """The range from `start` and `end`; the first ValidationError found is raised."""
    start = parse_date(args.get("start"), "start")
    end = parse_date(args.get("end"), "end")
    return trend_range(start=start, end=end)


def _chart(table: Table) -> Any:
    return bar_chart(
        chart_id=f"chart-{table.section}",
        title=table.title,
        summary=table.description,
        labels=[row.label for row in table.rows],
        series=[
            (table.columns[index], [row.cells[index].value for row in table.rows])
            for index in table.chart_columns
        ],
        stacked=table.stacked,
        unit=table.chart_unit,
    )


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
            rng = trend_range(start=dates["start"], end=dates["end"])
        except ValidationError as error:
            errors.append(error)
    for found in errors:
        show_domain_error(form, found)
    return rng


def _dashboard(rng: TrendRange) -> tuple[list[Table], Markup]:
    """The tables and their sections rendered (charts and tables with every drill-down
    link), kept together by `cached_trends`: rendering a year's sections costs more than
    the rest of the page."""
    tables = trend_sections(rng=rng)
    charts = {table.section: _chart(table) for table in tables if not table.empty}
    sections = render_template(
        "founders/_trend_sections.html", tables=tables, charts=charts, rng=rng
    )
    return tables, Markup(sections)  # noqa: S704  # nosec B704 - our autoescaped template


@bp.get("")
def trends_page() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = TrendRangeForm(request.args)
    rng = _form_range(form)
    if rng is None:
        return render_template("founders/trends.html", form=form, tables=[], sections=""), 422
    form.start.data, form.end.data = rng.start.isoformat(), rng.end.isoformat()
    found = cached_trends(
        rng=rng,
        language=str(get_locale()),
        max_age=timedelta(seconds=current_app.config["STATS_CACHE_SECONDS"]),
        compute=_dashboard,
    )
    if found is PENDING:
        return preparing_page("founders/trends.html", form=form, tables=[], sections="")
    tables, sections = found
    html = render_template("founders/trends.html", form=form, tables=tables, sections=sections)
    return html, 200


@bp.get("/<section>.csv")
def trends_csv(section: str) -> Response:
    if section not in SECTIONS:
        return _plain(_("Unknown section."), 404)
    try:
        rng = _range(request.args)
    except ValidationError as error:
        return _plain(error.message, 400)
    table = trend_section(name=section, rng=rng)
    response = Response(table_csv(table), mimetype="text/csv")
    filename = f"trends-{section}-{rng.start.isoformat()}-{rng.end.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/tickets")
def trends_tickets() -> Response | tuple[str, int]:
    metric = request.args.get("metric", "")
    key = request.args.get("key") or None
    raw_page = request.args.get("page")
    page = parse_id(raw_page) if raw_page else 1
    if page is None or page > MAX_PAGE:
        return _plain(_("The page must be a whole number."), 400)
    try:
        rng = _range(request.args)
        result = trend_tickets(metric=metric, key=key, rng=rng, page=page)
    except UnknownMetric:
        return _plain(_("Unknown number."), 404)
    except ValidationError as error:
        return _plain(error.message, 400)
    html = render_template(
        "founders/trends_tickets.html",
        result=result,
        title=drill_title(metric, key),
        metric=metric,
        key=key,
        rng=rng,
        status_labels={status: STATUS_LABELS.get(status, status) for status in STATUSES},
    )
    return html, 200
