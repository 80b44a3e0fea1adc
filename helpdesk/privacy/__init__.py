"""Privacy requests about one customer, for admins: an export of everything held about
them (`export.py`: a ZIP of JSON plus their files), erasure of their personal data that
keeps the counts the trends read (`erase.py`, the text rules in `scrub.py`), and the legal
hold that refuses erasure (`legal_hold.py`). Pages in `views.py`; the REST API's
operations are in `helpdesk/api/privacy.py`.

It sits above tickets, customers and attachments (reads and changes their rows directly:
erasure is one use case across all of them) and nothing imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints (imported here so importing the package stays cheap)."""
    from helpdesk.privacy.views import bp

    return (bp,)
