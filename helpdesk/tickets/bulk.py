"""The inbox's bulk form, read and answered the same way by every action on it (tickets'
own changes, and recovery's "Complaint?" label)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import safe_next
from helpdesk.forms import parse_id
from helpdesk.tickets.forms import BulkForm
from helpdesk.web.use_case import Outcome


@dataclass(frozen=True)
class BulkRequest:
    form: BulkForm
    numbers: list[int]
    back: str


def read_bulk_request() -> BulkRequest:
    """The posted bulk form (400 when it does not validate), the selected ticket numbers
    and the page to go back to."""
    form = BulkForm()
    back = safe_next(request.form.get("return_to")) or url_for("tickets.inbox")
    if not form.validate_on_submit():
        abort(400)
    numbers = [n for n in map(parse_id, request.form.getlist("ticket")) if n is not None]
    return BulkRequest(form=form, numbers=numbers, back=back)


def answer_bulk(outcome: Outcome[int], bulk: BulkRequest) -> Response:
    """Say how many of the selected tickets changed (or why none did), and go back."""
    if outcome.error is not None:
        flash(outcome.error.message, "error")
    else:
        flash(
            _(
                "%(changed)d of %(selected)d selected tickets changed.",
                changed=outcome.value,
                selected=len(set(bulk.numbers)),
            ),
            "success",
        )
    return redirect(bulk.back)
