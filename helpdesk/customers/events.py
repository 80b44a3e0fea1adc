"""What happens to customers, as domain events (see `helpdesk/events.py`): features that
depend on a customer's details (service levels match on plan and VIP) react in their
`reactions.py`, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from helpdesk.models import Customer, User


@dataclass(frozen=True)
class CustomerUpdated:
    """An existing customer's details changed; `changes` maps each field to [before,
    after]."""

    customer: Customer
    changes: dict[str, Any]
    actor: User | str
