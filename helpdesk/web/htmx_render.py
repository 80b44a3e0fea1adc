"""One helper decides page or fragment: an htmx request (not boosted, not a history restore)
gets the fragment, any other request the whole page; both vary on HX-Request."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template
from werkzeug.wrappers import Response

from helpdesk.extensions import htmx


def wants_fragment() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(
    page: str, fragment: str, *, status: int = 200, **context: Any
) -> Response:
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
