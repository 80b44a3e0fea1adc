"""Email: outbound mail goes through the `Outbox` table (`outbox.py` claims and sends rows
over SMTP from `smtp.py`; `events.py` holds one enqueue function per email kind, rendered by
`compose.py`); `addresses.py` signs per-ticket reply addresses; inbound mail lives in
`inbound*.py`. `views.py` is the admin-only development mail viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints, in registration order (imported here, not at package
    import, so importing the package stays cheap and cycle-free)."""
    from helpdesk.mail.inbound_views import bp as inbound_views
    from helpdesk.mail.views import bp as views

    # Inbound mail is CSRF-exempt (`csrf.exempt(bp)` in mail/inbound_views.py, at import).
    return (views, inbound_views)
