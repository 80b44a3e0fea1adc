"""Who is calling the API: a bearer token, and nothing else.

- `strip_api_cookies` (WSGI) removes the Cookie header from every `/api/v1/` request, so
  a session cookie can never authenticate an API call: the API needs no CSRF protection,
  and a forged page in a staff member's browser cannot drive it.
- `load_user_from_token` is Flask-Login's request loader: for `/api/v1/` it turns
  `Authorization: Bearer <token>` into the token owner as `current_user`, so the usual
  role checks apply; the token is kept in `g.api_token` for its scope.
- A token in the query string is refused outright (URLs end up in logs and histories).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Response, g, jsonify, request
from flask_babel import gettext as _

from helpdesk.auth.api_tokens import token_authenticate
from helpdesk.extensions import login_manager
from helpdesk.models import ApiToken, User

API_PREFIX = "/api/v1/"
QUERY_TOKEN_NAMES = ("access_token", "token", "api_key", "apikey", "key", "auth")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def strip_api_cookies(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """WSGI middleware: `/api/v1/` requests reach Flask without cookies."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "").startswith(API_PREFIX):
            environ.pop("HTTP_COOKIE", None)
        return app(environ, start_response)

    return middleware


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def bearer_secret() -> str | None:
    """The token in `Authorization: Bearer ...`, or None when there is none."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    return secret


@login_manager.request_loader
def load_user_from_token(_request: Any) -> User | None:
    if not is_api_request():
        return None
    secret = bearer_secret()
    if secret is None:
        return None
    token = token_authenticate(secret)
    if token is None:
        g.api_auth_error = "invalid_token"
        return None
    g.api_token = token
    return token.user


def current_token() -> ApiToken | None:
    return g.get("api_token")


def refuse_query_tokens() -> Response | None:
    """App-wide `before_request` (ahead of the login check): a credential in an API URL is
    refused, even next to a valid header, so integrators notice before it leaks."""
    if not is_api_request():
        return None
    if any(name in request.args for name in QUERY_TOKEN_NAMES):
        return _auth_error(
            400,
            "token_in_url",
            _("Send the token in the Authorization header (Bearer), never in the URL."),
        )
    return None


def unauthenticated_response() -> Response:
    """The 401 for an API request without a usable token."""
    if g.get("api_auth_error") == "invalid_token":
        return _auth_error(
            401,
            "invalid_token",
            _("This API token is not valid: it is unknown, revoked or expired."),
            challenge='Bearer realm="helpdesk", error="invalid_token"',
        )
    return _auth_error(
        401,
        "unauthorized",
        _("Send an API token: Authorization: Bearer <token>."),
        challenge='Bearer realm="helpdesk"',
    )


def check_scope() -> Response | None:
    """`before_request` for API blueprints: a read token may only read."""
    token = current_token()
    if token is None or request.method in SAFE_METHODS or token.scope == "read-write":
        return None
    return _auth_error(
        403,
        "insufficient_scope",
        _("This token may only read. Create a read-write token to make changes."),
        challenge='Bearer realm="helpdesk", error="insufficient_scope"',
    )


def _auth_error(status: int, code: str, message: str, challenge: str | None = None) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    if challenge:
        response.headers["WWW-Authenticate"] = challenge
    response.headers["Cache-Control"] = "no-store"
    return response
