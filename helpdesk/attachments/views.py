"""Staff routes for stored files: `GET /tickets/<number>/attachments/<id>` (a download;
any agent, raw originals included) and `…/<id>/preview` (an image's re-encoded thumbnail).
Customers download theirs from `/c/<number>/attachments/<id>` (widget/customer_views.py),
which checks their conversation cookie."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from flask import Blueprint, Response

from helpdesk.attachments.files import previewable
from helpdesk.attachments.queries import attachment_for_staff, attachments_by_message
from helpdesk.attachments.serving import download_response, preview_response
from helpdesk.attachments.uploads import ACCEPT, ALLOWED_HINT, filesize, limits
from helpdesk.auth.access import require_role
from helpdesk.models import Attachment

bp = Blueprint("attachments", __name__)
bp.before_request(require_role("agent"))


@bp.get("/tickets/<number:number>/attachments/<id:attachment_id>")
def staff_download(number: int, attachment_id: int) -> Response:
    return download_response(attachment_for_staff(number=number, attachment_id=attachment_id))


@bp.get("/tickets/<number:number>/attachments/<id:attachment_id>/preview")
def staff_preview(number: int, attachment_id: int) -> Response:
    return preview_response(attachment_for_staff(number=number, attachment_id=attachment_id))


class ShownMessage(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def has_attachments(self) -> bool: ...


@bp.app_template_global("message_attachments")
def message_attachments(messages: Iterable[ShownMessage]) -> dict[int, list[Attachment]]:
    """For the conversation templates: every shown message's attachments, in one query
    (`messages` are `Message`s or the ticket page's conversation rows)."""
    return attachments_by_message([m.id for m in messages if m.has_attachments])


@bp.app_template_global("attachment_previewable")
def attachment_previewable(attachment: Attachment) -> bool:
    return previewable(attachment)


@bp.app_template_global("upload_rules")
def upload_rules() -> dict[str, object]:
    """What a file input needs: the limits (for the client-side check), `accept`, a hint."""
    rules = limits()
    return {
        **rules,
        "accept": ACCEPT,
        "hint": ALLOWED_HINT,
        "file_limit": filesize(rules["max_file_bytes"]),
        "total_limit": filesize(rules["max_total_bytes"]),
    }
