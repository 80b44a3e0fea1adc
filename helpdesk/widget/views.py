"""The widget's two public pages: the loader script host sites embed (`/widget.js`, with the
workspace's launcher settings filled in) and the panel it opens in an iframe
(`/widget/frame`, which only the admin's allowed sites may embed).

The panel speaks the browser's language, or the one the customer picked in it (`?lang=`;
the panel remembers the choice in its storage and reloads itself with it), or, on a device
with no choice yet, a verified customer's stored language (frame.js asks the API)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from helpdesk.attachments.uploads import ACCEPT, ALLOWED_HINT, limits
from helpdesk.auth.access import public
from helpdesk.contrast import launcher_ink
from helpdesk.i18n import LANGUAGE_NAMES, current_locale, use_language
from helpdesk.web.security import allow_framing
from helpdesk.widget.settings import WidgetSettings, widget_settings

bp = Blueprint("widget", __name__)

CONFIG_MARKER = '"__HELPDESK_WIDGET_CONFIG__"'
API_PREFIX = "/api/widget/v1"
# What may go into a CSP source list: a normalised origin and nothing else (no spaces,
# semicolons or quotes that could end the directive).
_CSP_ORIGIN = re.compile(r"https?://[a-z0-9.\-]+(:\d{1,5})?|https?://\[[0-9a-f:.]+\](:\d{1,5})?")
# Escapes that keep a JSON literal inert wherever the script text ends up (even inlined in
# HTML): no `</script>`, no `<!--`, no line terminators JavaScript reads differently.
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"}


@cache
def _loader_source(path: str, modified: float) -> str:
    """static/widget/loader.js, read once per version of the file."""
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    if source.count(CONFIG_MARKER) != 1:
        raise RuntimeError(f"{path} must hold {CONFIG_MARKER} exactly once")
    return source


def js_literal(value: Any) -> str:
    """`value` as a JSON literal that is safe inside JavaScript and inside HTML."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return "".join(_JS_ESCAPES.get(char, char) for char in text)


def loader_config(settings: WidgetSettings) -> dict[str, str]:
    return {
        "colour": settings.colour,
        "ink": launcher_ink(settings.colour),
        "position": settings.position,
        "label": settings.label or _("Help"),
        "title": _("Support"),
        "unread": _("new reply"),
        "frame": url_for("widget.frame"),
        "views": url_for("widget_page_views.page_view"),
    }


@bp.get("/widget.js")
@public
def loader() -> Response:
    path = os.path.join(current_app.static_folder or "static", "widget", "loader.js")
    source = _loader_source(path, os.path.getmtime(path))
    body = source.replace(CONFIG_MARKER, js_literal(loader_config(widget_settings())))
    response = Response(body, content_type="text/javascript; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Language")  # the default label is translated
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.make_conditional(request)  # 304 when If-None-Match matches
    return response


def own_origin() -> str:
    return request.host_url.rstrip("/")


def frame_ancestors(settings: WidgetSettings) -> list[str]:
    """`'self'` and the allowed sites, keeping only well-formed origins."""
    return ["'self'"] + [o for o in settings.allowed_origins if _CSP_ORIGIN.fullmatch(o)]


def parent_origin(settings: WidgetSettings, claimed: str) -> str:
    """The origin the frame may post messages to: the one the loader named, if it is an
    allowed site or this helpdesk; otherwise none (the frame then posts nothing)."""
    if claimed and (claimed in settings.allowed_origins or claimed == own_origin()):
        return claimed
    return ""


def frame_strings() -> dict[str, str]:
    """The texts frame.js writes itself (everything else is in the template)."""
    return {
        "network": _("We could not reach the help desk. What you wrote is kept: try again."),
        "failed": _("Something went wrong. What you wrote is kept: try again."),
        "sending": _("Sending…"),
        "you": _("You"),
        "staff": _("Support team"),
        "system": _("Update"),
        "new_reply": _("New reply from %(name)s", name="{name}"),
        "found": _("Articles found: %(count)s", count="{count}"),
        "none_found": _("No articles match. You can write to us instead."),
        "gone": _("This conversation is no longer available."),
        "conversation": _("Conversation %(number)s", number="{number}"),
        "rated": _("Thank you for rating our help."),
        "commented": _("Thank you, your comment is saved."),
        "sent": _("Your message is sent."),
        "unread": _("New reply"),
        # The server's own words for these (tickets/intake_steps.py contact_problems).
        "need_name": _("Enter a name."),
        "need_email": _("Enter a valid email address."),
        "need_message": _("Write a message first."),
        "status_new": _("Received"),
        "status_open": _("In progress"),
        "status_pending": _("Waiting for your reply"),
        "status_resolved": _("Resolved"),
        "status_closed": _("Closed"),
        "attachments": _("Attachments"),
        "download_failed": _("The file could not be downloaded. Try again."),
        "too_large": _(
            "%(name)s is %(size)s; each file may be at most %(limit)s.",
            name="{name}",
            size="{size}",
            limit="{limit}",
        ),
        "too_much": _(
            "The files come to %(size)s together; one message may carry at most %(limit)s.",
            size="{size}",
            limit="{limit}",
        ),
        "too_many": _("A message may carry at most %(limit)s files.", limit="{limit}"),
        "bad_type": _(
            "%(name)s is not a type we accept. Allowed: %(allowed)s",
            name="{name}",
            allowed=ALLOWED_HINT,
        ),
        "empty": _("%(name)s is empty.", name="{name}"),
        "size_mb": _("%(number)s MB", number="{n}"),
        "size_kb": _("%(number)s KB", number="{n}"),
        "size_bytes": _("%(number)s bytes", number="{n}"),
    }


@bp.get("/widget/frame")
@public
def frame() -> Response:
    use_language(request.args.get("lang", "")[:16])
    settings = widget_settings()
    origin = request.args.get("origin", "")[:300]
    config = {
        "api": request.script_root + API_PREFIX,
        "parentOrigin": parent_origin(settings, origin),
        "language": current_locale(),
        "colour": settings.colour,
        "ink": launcher_ink(settings.colour),
        "text": frame_strings(),
        "uploads": {**limits(), "accept": ACCEPT},
    }
    html = render_template(
        "widget/frame.html",
        greeting=settings.greeting or _("Hello! Search our help articles, or write to us."),
        config=config,
        languages=LANGUAGE_NAMES,
        origin=origin,
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    allow_framing(response, frame_ancestors(settings))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    return response
