"""What happens in the founders' area, as domain events (see `helpdesk/events.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.models import Digest, Escalation


@dataclass(frozen=True)
class DigestMade:
    """The founders' digest for a period was put together, for the founders to receive."""

    digest: Digest


@dataclass(frozen=True)
class EscalationRaised:
    """A ticket entered the founders' queue (any reason, any path: a trigger, an agent's
    "escalate", a missed promise), for the founders to be told."""

    escalation: Escalation
