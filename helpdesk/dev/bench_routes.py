"""The benchmark's baseline: a bare route that renders a trivial template and one that
reads one row by primary key. bench/run measures them in the same run, under the same
gunicorn settings, as the real pages, so its figures are ratios on any machine.
Registered only when HELPDESK_BENCH=1 (`BENCH_ROUTES`); they do not exist otherwise."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from helpdesk.auth.access import public
from helpdesk.extensions import db
from helpdesk.models import Ticket

bp = Blueprint("bench", __name__, url_prefix="/_bench")


@bp.get("/template")
@public
def template() -> str:
    return render_template("bench/trivial.html", title="Baseline")


@bp.get("/row")
@public
def row() -> str:
    ticket = db.session.get(Ticket, 1)
    if ticket is None:
        abort(404)
    return render_template("bench/trivial.html", title=ticket.subject)
