"""The founders' stored weekly digests: a list, and one digest with links to its tickets."""

from __future__ import annotations

from flask import Blueprint, render_template

from helpdesk.auth.access import require_role
from helpdesk.founders.labels import REASON_LABELS
from helpdesk.founders.queries import digests_recent
from helpdesk.models import Digest
from helpdesk.web.lookups import row_or_404

bp = Blueprint("digests", __name__, url_prefix="/founders/digests")
bp.before_request(require_role("founder"))

LISTED = 52


@bp.get("")
def digest_list() -> str:
    digests = digests_recent(LISTED)
    return render_template("founders/digests.html", digests=digests)


@bp.get("/<int:digest_id>")
def digest_page(digest_id: int) -> str:
    digest = row_or_404(Digest, digest_id)
    return render_template(
        "founders/digest.html", digest=digest, content=digest.content, reasons=REASON_LABELS
    )
