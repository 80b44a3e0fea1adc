"""What happens in feedback, as domain events (see `helpdesk/events.py`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NpsRoundStarted:
    """A survey round invited its customers (the invitations are rows of the round)."""

    round_id: int
