"""A ticket's audit events turned into lines a person reads ("Dewi: status Open → Resolved")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask_babel import gettext as _

from helpdesk.format_filters import datetimeformat
from helpdesk.tickets.labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
)
from helpdesk.tickets.queries import staff_directory

# Words for the values of fields other features record on tickets (recovery's "step"),
# added by those features (`add_value_labels`), so the history needs no import of them.
_value_labels: dict[str, Mapping[str, Any]] = {}


def add_value_labels(field: str, labels: Mapping[str, Any]) -> None:
    _value_labels[field] = labels


class RecordedEvent(Protocol):
    """What the history reads of an audit event (an `AuditEvent` or a row of its columns)."""

    @property
    def created_at(self) -> datetime: ...
    @property
    def action(self) -> str: ...
    @property
    def changes(self) -> dict[str, Any]: ...
    @property
    def actor_user_id(self) -> int | None: ...
    @property
    def actor_label(self) -> str: ...


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    details: list[str]


def staff_names() -> dict[int, str]:
    return {member.id: member.name for member in staff_directory()}


def _moment(value: str) -> str:
    """A recorded ISO timestamp ("2026-12-08T10:00:00+00:00") as the reader's date and time."""
    try:
        return datetimeformat(datetime.fromisoformat(value), "medium", time_format="short")
    except ValueError:
        return value


def actor_name(label: str, changes: Mapping[str, Any] | None = None) -> str:
    """Who did it, for a person: a customer's record ("customer:31") is "The customer";
    an automation rule ("automation:4") is named by the rule's name recorded with the change;
    the helpdesk's own work (the scheduler, email intake, the CLI) is "Helpdesk"."""
    if label.startswith("customer:"):
        return _("The customer")
    if label.startswith("automation:"):
        if changes and changes.get("automation"):
            return _("Automation ‘%(name)s’", name=changes["automation"])
        return _("Automation")
    return _("Helpdesk")


def _show(field: str, value: Any, names: dict[int, str]) -> str:
    if value is None or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.endswith("_at") and isinstance(value, str):
        return _moment(value)
    if field == "status":
        return str(STATUS_LABELS.get(value, value))
    if field == "priority":
        return str(PRIORITY_LABELS.get(value, value))
    if field == "assignee":
        return names.get(value, f"#{value}")
    if field in _value_labels and isinstance(value, str):
        return str(_value_labels[field].get(value, value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def history_entries(events: Sequence[RecordedEvent], names: dict[int, str]) -> list[HistoryEntry]:
    """Lines for `events`; `names` are the staff's by id (`staff_names`): a person who did
    something is named from it."""
    entries = []
    for event in events:
        details = []
        for field, change in event.changes.items():
            if field not in FIELD_LABELS:
                continue
            label = str(FIELD_LABELS[field])
            if isinstance(change, list) and len(change) == 2:
                before, after = (_show(field, value, names) for value in change)
                details.append(f"{label}: {before} → {after}")
            else:
                details.append(f"{label}: {_show(field, change, names)}")
        entries.append(
            HistoryEntry(
                at=event.created_at,
                actor=(
                    names.get(event.actor_user_id, f"#{event.actor_user_id}")
                    if event.actor_user_id is not None
                    else actor_name(event.actor_label, event.changes)
                ),
                action=str(ACTION_LABELS.get(event.action, event.action)),
                details=details,
            )
        )
    return entries
