"""`audit()`: record who changed what, in the caller's transaction (the service commits)."""

from __future__ import annotations

from typing import Any

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, User


def audit(
    *,
    actor: User | str,
    action: str,
    obj: Any,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an AuditEvent for `obj` (a model with an `id`); `actor` is a user or a label
    such as "cli" or "system" for changes nobody logged in made."""
    if isinstance(actor, User):
        actor_user_id, actor_label = actor.id, f"user:{actor.id}"
    else:
        actor_user_id, actor_label = None, actor
    event = AuditEvent(
        actor_user_id=actor_user_id,
        actor_label=actor_label,
        action=action,
        object_type=type(obj).__tablename__,
        object_id=str(obj.id),
        changes=_jsonable(changes or {}),
    )
    db.session.add(event)
    return event


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON can store them: lists stay lists (at any depth), datetimes and other
    objects become strings."""
    return {str(key): _value(value) for key, value in changes.items()}


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
