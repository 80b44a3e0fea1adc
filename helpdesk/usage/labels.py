"""Words for usage states and the reasons behind them (translated when shown)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

STATE_LABELS: dict[str, LazyString] = {
    "new": _l("New"),
    "active": _l("Active"),
    "slipping": _l("Slipping"),
    "dormant": _l("Dormant"),
}

REASON_LABELS: dict[str, LazyString] = {
    "no_events": _l("No events yet."),
    "little_history": _l("Too little history for a usual week."),
    "no_return": _l("Used the product in their first week only, then stopped."),
    "below_usual": _l("The last 7 days are well below their usual week."),
    "key_event": _l("The key event has not been seen for a while."),
}
