"""What happens to staff accounts, as domain events (see `helpdesk/events.py`). Mail sends
the email; auth imports no feature that reacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from helpdesk.models import User


@dataclass(frozen=True)
class PasswordResetRequested:
    """Someone asked for a password reset link for `user`'s address. `secret` is the
    link's one-time secret (only its hash is stored), valid until `expires_at`."""

    user: User
    secret: str
    expires_at: datetime
