"""What happens to a customer's use of the company's product, as domain events (see
`helpdesk/events.py`): outreach playbooks react in their `reactions.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# A customer's usage state: "new" (too little history for a baseline), "active",
# "slipping" (well below their own usual weeks, or a key event not seen for N days),
# "dormant" (onboarded but never came back).
USAGE_STATES = ("new", "active", "slipping", "dormant")


@dataclass(frozen=True)
class CustomerUsageChanged:
    """A customer's usage state changed (published by the usage health sweep, once per
    change, inside its batch's transaction)."""

    customer_id: int
    state: str
    previous: str | None
    at: datetime
