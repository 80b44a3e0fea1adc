"""Request limits and security headers applied to every request and response.

- Bodies over MAX_CONTENT_LENGTH get 413 before any view runs; JSON bodies are parsed once,
  up front, with a size and a nesting limit, so malformed or hostile JSON is a 400 (or 413),
  never a 500.
- Every response, error pages and fragments included, carries a CSP with a per-request
  nonce and no 'unsafe-inline', `frame-ancestors 'none'`, nosniff, a referrer policy and
  a permissions policy (no camera, microphone, location, payment or sensors); over HTTPS,
  HSTS for a year; responses to a logged-in user are `no-store`.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnprocessableEntity
from werkzeug.middleware.proxy_fix import ProxyFix


class UnencodableText(ValueError):
    """JSON text held a lone UTF-16 surrogate ("\\ud800"): valid JSON, but no database
    can store it as text (UTF-8 has no encoding for it)."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing documents nested deeper than MAX_JSON_DEPTH and
    text that cannot be stored (lone surrogates), for every JSON endpoint in one place."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError as exc:  # the C parser gives up on very deep nesting
            raise ValueError("JSON nested too deeply") from exc
        limit = self._app.config.get("MAX_JSON_DEPTH", 32) if self._app else 32
        if json_depth(value) > limit:
            raise ValueError(f"JSON nested deeper than {limit} levels")
        field = unencodable_field(value)
        if field is not None:
            raise UnencodableText(field)
        return value


_SURROGATE = re.compile("[\\ud800-\\udfff]")


def _children(item: Any) -> Any:
    if isinstance(item, dict):
        return item.items()
    if isinstance(item, list):
        return enumerate(item)
    return ()


def json_depth(value: Any) -> int:
    """The nesting depth of a parsed JSON value (a scalar is 0), computed without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for _key, child in _children(item))
    return deepest


def unencodable_field(value: Any) -> str | None:
    """The first field (a dotted path, "body" for the top) whose key or text holds a lone
    surrogate, or None. Called after the depth check, so paths stay short."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path or "body"
            continue
        for key, child in _children(item):
            where = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip(".")
            if isinstance(key, str) and _SURROGATE.search(key):
                return path or "body"
            stack.append((child, where))
    return None


class HelpdeskRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        """The endpoint's own limit where it has one (BODY_LIMIT_OVERRIDES), from the
        first read of the body on, whoever reads it first (the CSRF check reads forms
        before any view or `enforce_request_limits` runs)."""
        setting = BODY_LIMIT_OVERRIDES.get(self.endpoint or "")
        if setting and self._max_content_length is None and current_app:
            return int(current_app.config[setting])
        return Request.max_content_length.fget(self)  # type: ignore[attr-defined]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)  # type: ignore[attr-defined]

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, UnencodableText):
            raise UnprocessableEntity(
                _(
                    "%(field)s holds a character that cannot be stored (a lone UTF-16 "
                    "surrogate). Please remove it and try again.",
                    field=e.field,
                )
            )
        raise BadRequest(_("The request body is not valid JSON, or is nested too deeply."))


def csp_nonce() -> str:
    """This request's CSP nonce (made on first use, so error pages raised early get one)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


# Endpoints allowed a larger body than MAX_CONTENT_LENGTH, and the setting that bounds them.
BODY_LIMIT_OVERRIDES = {
    "inbound.receive_email": "INBOUND_MAX_MESSAGE_BYTES",
    # Forms that carry files: a file over its limit is refused by name, not by a bare 413.
    "tickets.ticket_reply": "UPLOAD_MAX_BODY_BYTES",
    "customer.reply": "UPLOAD_MAX_BODY_BYTES",
    "widget_api.post_message": "UPLOAD_MAX_BODY_BYTES",
    "widget_api.create_conversation": "UPLOAD_MAX_BODY_BYTES",
    "api_tickets.create_message": "UPLOAD_MAX_BODY_BYTES",
}


def enforce_request_limits() -> None:
    """Refuse oversized bodies and parse JSON once with limits, before any view runs."""
    override = BODY_LIMIT_OVERRIDES.get(request.endpoint or "")
    if override:
        request.max_content_length = current_app.config[override]  # Werkzeug enforces it too
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
    length = request.content_length
    if length is not None and length > limit:
        raise RequestEntityTooLarge()
    if request.is_json and (length or request.headers.get("Transfer-Encoding")):
        # A chunked body has no length up front: read it (bounded by MAX_CONTENT_LENGTH).
        size = length if length is not None else len(request.get_data(cache=True))
        if size > current_app.config["MAX_JSON_BYTES"]:
            raise RequestEntityTooLarge(_("The JSON body is too large."))
        request.get_json()  # parses and caches; bad JSON raises BadRequest


def content_security_policy(nonce: str, frame_ancestors: str = "'none'") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def allow_framing(response: Response, ancestors: list[str]) -> None:
    """Let the pages at `ancestors` (origins, or 'self') embed this one response: its CSP
    names them in `frame-ancestors` and it gets no `X-Frame-Options: DENY`. Only the widget
    frame does this; every other response keeps `frame-ancestors 'none'`."""
    policy = content_security_policy(csp_nonce(), frame_ancestors=" ".join(ancestors))
    response.headers["Content-Security-Policy"] = policy
    g.framing_allowed = True


PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    if response.status_code != 304:  # the stored page keeps its own policy and nonce
        response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if not g.get("framing_allowed"):
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    # Nothing here uses the camera, the microphone, location, payments or sensors.
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    # Over HTTPS (directly, or behind the trusted proxies' X-Forwarded-Proto), browsers
    # are told to come back only over HTTPS; plain HTTP (development) never gets it.
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # Pages for logged-in staff are never stored; static files are (helpdesk/web/static_files.py).
    if request.endpoint != "static" and current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def register_security(app: Flask) -> None:
    """Wire the proxy fix, the request limits and the response headers into `app`."""
    app.request_class = HelpdeskRequest
    app.json = LimitedJSONProvider(app)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Trust exactly this many X-Forwarded-* hops; a client cannot add more.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.before_request(enforce_request_limits)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
