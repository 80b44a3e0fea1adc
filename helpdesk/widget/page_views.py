"""`POST /api/widget/v1/page-views`: the loader reports a page view of a verified customer
(the host site signed their email with the widget secret) as the product event
`page_viewed` (helpdesk.usage).

The loader sends it with `navigator.sendBeacon` from the host page, which cannot set
headers or send JSON cross-origin without a CORS preflight this API never grants, so the
body is JSON sent as `text/plain`: `{"id": "<a UUID per page view>", "email": "...",
"hash": "<identity hash>"}`. The answer is 204 whatever happened to it (a wrong hash, an
unknown customer, a repeated id: nothing recorded), so it tells a caller nothing about
who is a customer; a body that is not that shape is a 400. Only a signed identity counts,
so a forged request can at most repeat a page view of someone whose hash it holds."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _

from helpdesk.auth.access import public
from helpdesk.clock import now
from helpdesk.extensions import csrf
from helpdesk.usage.ingest import EventIn, usage_events_record
from helpdesk.web.json_api import json_api_errors, no_store
from helpdesk.widget.service import visitor_from

bp = Blueprint("widget_page_views", __name__, url_prefix="/api/widget/v1")
csrf.exempt(bp)
json_api_errors(bp)
bp.after_request(no_store)

MAX_BODY_BYTES = 2048
VIEW_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EVENT_NAME = "page_viewed"


def _body() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413)
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY_BYTES:
        abort(413)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        abort(400, description=_("The body must be a JSON object."))
    fields = ("id", "email", "hash")
    if not isinstance(data, dict) or not all(isinstance(data.get(key), str) for key in fields):
        abort(400, description=_("Send the page view's id, email and hash."))
    if not VIEW_ID.fullmatch(data["id"]):
        abort(400, description=_("The page view's id must be a UUID."))
    return data


@bp.post("/page-views")
@public
def page_view() -> Response:
    data = _body()
    visitor = visitor_from(data["email"][:254], None, data["hash"][:128])
    if visitor.email is not None:
        usage_events_record(
            events=[EventIn(id=f"pv-{data['id']}", name=EVENT_NAME, at=now(), email=visitor.email)]
        )
    return Response(status=204)
