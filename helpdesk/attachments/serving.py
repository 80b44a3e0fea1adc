"""Sending stored files to a browser, always safely.

A download is always `Content-Disposition: attachment`, nosniff, sandboxed by its own CSP,
and types a browser could run (HTML, SVG, XML, scripts) go out as
`application/octet-stream`, so an attachment can never render as a page of this origin.
An image preview is a PNG this server made (`previews.py`), shown inline.
"""

from __future__ import annotations

import io
import logging

from flask import Response, abort, send_file

from helpdesk.attachments.files import previewable, serving_type
from helpdesk.attachments.previews import preview_png
from helpdesk.attachments.storage import storage
from helpdesk.models import Attachment

logger = logging.getLogger(__name__)


def _safe_headers(response: Response) -> Response:
    # The bytes are in memory already; letting after-request code (the API's response
    # validation) read the body costs nothing.
    response.direct_passthrough = False
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def download_response(attachment: Attachment | None) -> Response:
    """The file as a download, or 404 (no such row for this caller, or its bytes are gone)."""
    if attachment is None:
        abort(404)
    data = storage().get(attachment.sha256)
    if data is None:
        logger.error("Attachment %s is missing its object %s", attachment.id, attachment.sha256)
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=serving_type(attachment),
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    return _safe_headers(response)


def preview_response(attachment: Attachment | None) -> Response:
    """A re-encoded PNG thumbnail of an image attachment, or 404 for anything else."""
    if attachment is None or not previewable(attachment):
        abort(404)
    png = preview_png(attachment.sha256)
    if png is None:
        abort(404)
    response = send_file(
        io.BytesIO(png),
        mimetype="image/png",
        as_attachment=False,
        download_name="preview.png",
        max_age=0,
    )
    return _safe_headers(response)
