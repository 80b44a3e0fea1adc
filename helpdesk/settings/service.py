"""Workspace settings that admins change in the app: stored as key/value rows, read with
defaults, validated and audited on change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, SessionTransaction

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import Setting, User

MAX_OPEN_LIMIT = 1000


@dataclass(frozen=True)
class AssignmentSettings:
    auto_assign: bool = False
    # New tickets skip agents holding this many open tickets; 0 means no limit.
    max_open_per_agent: int = 0


# The settings as this transaction read them: every row at the first read, in one query
# (the table holds a few small rows, and most workspaces keep most defaults, which the
# session's identity map cannot remember). Forgotten when the transaction ends, as the
# identity map's rows expire at commit.
_READ = "helpdesk.settings"


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_settings(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the session's own transaction, not a savepoint in it
        session.info.pop(_READ, None)


def settings_read() -> dict[str, Any]:
    """Every stored setting, read once per transaction. Called before a transaction's first
    write, it keeps the reads out of the write (SQLite serialises writing transactions)."""
    read = db.session.info.get(_READ)
    if read is None:
        read = {row.key: row.value for row in db.session.scalars(sa.select(Setting))}
        db.session.info[_READ] = read
    return read


def setting_get(key: str, default: Any) -> Any:
    return settings_read().get(key, default)


def setting_put(key: str, value: Any) -> None:
    """Store a setting in the caller's transaction."""
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    settings_read()[key] = value


def assignment_settings() -> AssignmentSettings:
    stored = setting_get("assignment", {})
    return AssignmentSettings(
        auto_assign=bool(stored.get("auto_assign", False)),
        max_open_per_agent=int(stored.get("max_open_per_agent", 0)),
    )


@use_case
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
    return after


@use_case
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
    return user
