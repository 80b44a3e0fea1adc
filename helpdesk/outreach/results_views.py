"""The founders' outreach results (`/founders/outreach`): per week, the outreaches sent,
how many got a reply and how many customers came back, beside the complaints opened that
week (the complaint trends' first measure); every number opens the records behind it, and
the table downloads as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _

from helpdesk.auth.access import require_role
from helpdesk.clock import now
from helpdesk.founders.trends import safe_cell
from helpdesk.outreach.labels import KIND_LABELS
from helpdesk.outreach.queries import (
    RESULT_MEASURES,
    WeekResult,
    outreach_records,
    outreach_results,
    week_start,
)
from helpdesk.settings.hours import business_hours

bp = Blueprint("outreach_results", __name__, url_prefix="/founders/outreach")
bp.before_request(require_role("founder"))

WEEKS = 12


def _weeks() -> list[WeekResult]:
    today = now().astimezone(business_hours().zone).date()
    return outreach_results(weeks=WEEKS, today=today)


@bp.get("")
def results_page() -> tuple[str, int]:
    return render_template("outreach/results.html", weeks=_weeks(), measures=RESULT_MEASURES), 200


@bp.get("/results.csv")
def results_csv() -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    headers = (_("Week"), _("Sent"), _("Replied"), _("Came back"), _("Complaints"))
    writer.writerow([safe_cell(str(name)) for name in headers])
    for week in _weeks():
        writer.writerow(
            [week.week.isoformat(), week.sent, week.replied, week.came_back, week.complaints]
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="outreach-results.csv"'
    return response


@bp.get("/records")
def records_page() -> tuple[str, int]:
    measure = request.args.get("measure", "sent")
    try:
        week = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        abort(400)
    if measure not in RESULT_MEASURES or week != week_start(week):
        abort(400)
    return render_template(
        "outreach/records.html",
        records=outreach_records(week=week, measure=measure),
        week=week,
        measure=measure,
        kind_labels=KIND_LABELS,
    ), 200
