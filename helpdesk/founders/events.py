"""What happens in the founders' area, as domain events (see `helpdesk/events.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.models import Digest


@dataclass(frozen=True)
class DigestMade:
    """The founders' digest for a period was put together, for the founders to receive."""

    digest: Digest
