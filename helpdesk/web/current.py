"""The staff member making the request."""

from __future__ import annotations

from flask_login import current_user

from helpdesk.models import User


def staff() -> User:
    """The logged-in user as a `User` (not the proxy): views run behind the login guard, so
    there is always one."""
    return current_user._get_current_object()
