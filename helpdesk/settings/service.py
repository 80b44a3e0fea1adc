"""Workspace settings that admins change in the app: stored as key/value rows, read with
defaults, validated and audited on change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Setting, User

MAX_OPEN_LIMIT = 1000


@dataclass(frozen=True)
class AssignmentSettings:
    auto_assign: bool = False
    # New tickets skip agents holding this many open tickets; 0 means no limit.
    max_open_per_agent: int = 0


def setting_get(key: str, default: Any) -> Any:
    row = db.session.get(Setting, key)
    return default if row is None else row.value


def setting_put(key: str, value: Any) -> None:
    """Store a setting in the caller's transaction."""
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value


def assignment_settings() -> AssignmentSettings:
    stored = setting_get("assignment", {})
    return AssignmentSettings(
        auto_assign=bool(stored.get("auto_assign", False)),
        max_open_per_agent=int(stored.get("max_open_per_agent", 0)),
    )


def assignment_settings_update(
    *, actor: User, auto_assign: bool, max_open_per_agent: int
) -> AssignmentSettings:
    """Turn round-robin assignment on or off and set the open-ticket limit."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change assignment."))
    if not 0 <= max_open_per_agent <= MAX_OPEN_LIMIT:
        raise ValidationError(
            "max_open_per_agent",
            _("Use a number from 0 (no limit) to %(limit)d.", limit=MAX_OPEN_LIMIT),
        )
    before = assignment_settings()
    after = AssignmentSettings(auto_assign=auto_assign, max_open_per_agent=max_open_per_agent)
    if after != before:
        setting_put(
            "assignment", {"auto_assign": auto_assign, "max_open_per_agent": max_open_per_agent}
        )
        audit(
            actor=actor,
            action="settings.assignment",
            obj=actor,
            changes={
                "auto_assign": [before.auto_assign, auto_assign],
                "max_open_per_agent": [before.max_open_per_agent, max_open_per_agent],
            },
        )
        db.session.commit()
    return after


def user_set_available(*, user: User, available: bool, actor: User) -> User:
    """Whether round-robin assignment gives this person new tickets."""
    if not actor.can("admin") and actor.id != user.id:
        raise NotAllowed(_("Only an admin can change someone else's availability."))
    if user.available != available:
        user.available = available
        audit(
            actor=actor,
            action="user.set_available",
            obj=user,
            changes={"available": [not available, available]},
        )
        db.session.commit()
    return user
