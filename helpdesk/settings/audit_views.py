"""The audit log page for admins (`/settings/audit`) and its CSV export."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request, stream_with_context
from werkzeug.datastructures import MultiDict

from helpdesk.auth.access import require_role
from helpdesk.errors import ValidationError
from helpdesk.forms import parse_id
from helpdesk.settings.audit_log import (
    AuditFilters,
    actor_name,
    audit_csv,
    audit_page,
    changes_text,
    filter_choices,
    parse_filters,
)
from helpdesk.web.current import staff

bp = Blueprint("audit_log", __name__, url_prefix="/settings/audit")
bp.before_request(require_role("admin"))


def _zone() -> ZoneInfo:
    return ZoneInfo(staff().timezone or "UTC")


def _args() -> dict[str, str]:
    return {key: request.args.get(key, "") for key in ("actor", "action", "subject", "from", "to")}


@bp.get("")
def audit_page_view() -> tuple[str, int]:
    args = _args()
    errors: dict[str, str] = {}
    try:
        filters = parse_filters(args)
    except ValidationError as error:
        errors[error.field or ""] = error.message
        filters = AuditFilters()
    raw_before = request.args.get("before", "")
    before = parse_id(raw_before) if raw_before else None
    events, next_before = ([], None) if errors else audit_page(filters, _zone(), before=before)
    people, actions, subjects = filter_choices()
    query = MultiDict({key: value for key, value in args.items() if value})
    return render_template(
        "settings/audit.html",
        events=events,
        next_before=next_before,
        paged=before is not None,
        args=args,
        query=query.to_dict(),
        errors=errors,
        people=people,
        actions=actions,
        subjects=subjects,
        actor_name=actor_name,
        changes_text=changes_text,
    ), 400 if errors else 200


@bp.get("/export.csv")
def audit_export() -> Response | tuple[str, int]:
    try:
        filters = parse_filters(_args())
    except ValidationError as error:
        return error.message, 400
    response = Response(
        stream_with_context(audit_csv(filters, _zone())), mimetype="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
