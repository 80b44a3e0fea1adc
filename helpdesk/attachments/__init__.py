"""Attachments for every channel: storage behind one interface (`storage.py`: a local
directory or S3-compatible object storage, chosen by HELPDESK_ATTACHMENTS_URL), upload
checks (`uploads.py`), storing inside a use case with clean-up on rollback (`storing.py`),
safe serving and image previews (`serving.py`, `previews.py`), lookups (`queries.py`).

It sits below tickets, widget, mail and the API (they import it; it imports none of them),
so every channel stores and serves files the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def blueprints(app: Flask) -> tuple[Blueprint, ...]:
    """This feature's blueprints (imported here so importing the package stays cheap)."""
    from helpdesk.attachments.views import bp

    return (bp,)
