"""The one clock: every piece of code that needs the current time calls `now()`.

Tests freeze or move it with `set_now()` instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def set_now(value: datetime | None) -> None:
    """Freeze the clock at `value` (aware), or unfreeze it with None. For tests."""
    global _frozen
    if value is not None and value.tzinfo is None:
        raise ValueError("the clock takes timezone-aware datetimes")
    _frozen = value.astimezone(UTC) if value is not None else None
