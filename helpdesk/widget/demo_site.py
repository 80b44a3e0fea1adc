"""A tiny demo shop on its own origin that embeds the widget, to try the customer's path as
it really runs: a different site loading `/widget.js` from the helpdesk.

It is a separate WSGI app (Werkzeug only, not the helpdesk app): `flask helpdesk demo-site`
serves it, and browser tests serve `create_demo_site(url)` on a port of their own. The page
sends a strict CSP of its own (no inline styles or scripts from the widget allowed), so the
demo also shows the loader working on a locked-down host. `?signed=1` embeds the script
with a signed identity when the site was given the widget secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

TEMPLATES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "templates",
    "demo_site",
)
DEMO_CUSTOMER_EMAIL = "sam.lee@example.com"
DEMO_CUSTOMER_NAME = "Sam Lee"

WSGIApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def helpdesk_origin(helpdesk_url: str) -> str:
    parts = urlsplit(helpdesk_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {helpdesk_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def create_demo_site(
    helpdesk_url: str,
    *,
    secret: str | Callable[[], str] | None = None,
    customer_email: str = DEMO_CUSTOMER_EMAIL,
    customer_name: str = DEMO_CUSTOMER_NAME,
) -> WSGIApp:
    """The demo shop's WSGI app, embedding `<helpdesk_url>/widget.js`.

    `secret` (the widget secret, or a function returning the current one) enables the
    signed-in mode at `?signed=1`, whose script tag carries `data-user-email`,
    `data-user-name` and `data-user-hash` for the demo customer.
    """
    origin = helpdesk_origin(helpdesk_url)
    script_src = helpdesk_url.rstrip("/") + "/widget.js"
    template = _environment().get_template("shop.html")

    def current_secret() -> str | None:
        return secret() if callable(secret) else secret

    @Request.application
    def app(request: Request) -> Response:
        if request.path == "/favicon.ico":
            return Response(status=204)
        if request.path != "/":
            return Response("Not found\n", status=404, content_type="text/plain; charset=utf-8")
        key = current_secret()
        signed = key is not None and request.args.get("signed") == "1"
        digest = (
            hmac.new(key.encode(), customer_email.encode(), hashlib.sha256).hexdigest()
            if signed and key is not None
            else ""
        )
        nonce = secrets.token_urlsafe(16)
        html = template.render(
            nonce=nonce,
            helpdesk_url=helpdesk_url,
            script_src=script_src,
            signed=signed,
            can_sign=key is not None,
            customer_email=customer_email,
            customer_name=customer_name,
            customer_hash=digest,
        )
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = "; ".join(
            [
                "default-src 'none'",
                f"script-src {origin}",
                f"frame-src {origin}",
                f"connect-src {origin}",  # the signed-in customer's page views
                f"style-src 'nonce-{nonce}'",
                "img-src 'self' data:",
                "base-uri 'none'",
                "form-action 'self'",
            ]
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    return app
