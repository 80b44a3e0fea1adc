"""Access control, deny by default.

Every endpoint needs a logged-in staff member unless its view is marked `@public`; staff
blueprints add `require_role(...)` as a `before_request`, so a new route cannot forget the
check. Sessions are tied to the user's session version, so bumping it ends them all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_htmx import make_response as htmx_response
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from helpdesk.auth.bearer import is_api_request, unauthenticated_response
from helpdesk.clock import now
from helpdesk.extensions import db, login_manager
from helpdesk.models import User

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """Mark a view as open to anyone (login page, health check, public pages)."""
    view.public = True  # type: ignore[attr-defined]
    return view


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the session's user, refusing sessions issued before the last version bump."""
    raw_id, _, raw_version = user_id.partition(":")
    if not raw_id.isdigit() or not raw_version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active or user.session_version != int(raw_version):
        return None
    return user


def require_login() -> Response | None:
    """App-wide `before_request`: anything not marked public needs a logged-in user."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None  # unknown URL: the 404 handler answers
    # An API request carries a token, not a session (helpdesk.auth.bearer).
    if current_user.is_authenticated and not is_api_request() and session_expired():
        logout_user()
        session.clear()
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "public", False) or current_user.is_authenticated:
        return None
    if is_api_request():
        return unauthenticated_response()
    if request.path.startswith("/api/"):
        response = jsonify(error={"code": "unauthorized", "message": _("Log in first.")})
        response.status_code = 401
        return response
    target = request.full_path if request.query_string else request.path
    if request.headers.get("HX-Request"):
        # Swapping a login form into a fragment helps nobody: send the whole page there,
        # coming back to the page the person was on.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = safe_next(current.path + (f"?{current.query}" if current.query else ""))
        return htmx_response(("", 401), redirect=url_for("auth.login", next=back))
    return redirect(url_for("auth.login", next=target if request.method == "GET" else None))


# Set on a login that the workspace requires a second factor of, before one is set up:
# until it is, every page but enrolment and logout sends the person to enrolment.
MUST_ENROL = "two_factor_enrol"
# What someone who must set up a second factor may still open.
ENROLMENT_ENDPOINTS = frozenset(
    {"auth.two_factor_page", "auth.two_factor_confirm", "auth.logout", "static"}
)


def require_enrolment() -> Response | None:
    """App-wide `before_request` (after `require_login`): a person the workspace requires
    a second factor of, who logged in without one, sets it up before anything else."""
    if not session.get(MUST_ENROL) or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if not current_user.is_authenticated or current_user.has_second_factor:
        session.pop(MUST_ENROL, None)
        return None
    if request.headers.get("HX-Request"):
        return htmx_response(("", 401), redirect=url_for("auth.two_factor_page"))
    return redirect(url_for("auth.two_factor_page"))


def start_session_clock() -> None:
    """Note when this login began; `session_expired` measures the absolute lifetime from it."""
    session["authenticated_at"] = int(now().timestamp())


def session_expired() -> bool:
    """True once a login is older than PERMANENT_SESSION_LIFETIME, however active it was
    (the cookie's own expiry slides with every request; this limit does not)."""
    started = session.get("authenticated_at")
    if not isinstance(started, int):
        return True
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return now().timestamp() - started > lifetime


def check_role(role: str) -> None:
    """Abort unless the current user holds `role`: 401 when logged out, 403 otherwise."""
    if not current_user.is_authenticated:
        abort(401)
    if not current_user.can(role):
        abort(403)


def require_role(role: str) -> Callable[[], None]:
    """A `before_request` for a staff blueprint: only users holding `role` get in."""
    return functools.partial(check_role, role)


def role_required(role: str) -> Callable[[F], F]:
    """Decorate one view that needs more than its blueprint's role (a founder-only page
    in an agent blueprint, say)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            check_role(role)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Refuses absolute and scheme-relative URLs (`//evil.com`, `https:evil.com`), backslashes
    (browsers read `/\\evil.com` as `//evil.com`) and control characters (browsers drop tabs
    and newlines, turning `/\\t/evil.com` into `//evil.com`).
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(char) < 32 or ord(char) == 127 or char == "\\" for char in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
