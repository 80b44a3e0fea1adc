"""What happens to promises, as domain events (see `helpdesk/events.py`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemindersDue:
    """The sweep claimed these promises' reminders: their agents are to be told."""

    promise_ids: list[int]


@dataclass(frozen=True)
class PromisesMissed:
    """The sweep marked these promises missed: their agents are to be told."""

    promise_ids: list[int]
