"""Snooze, merge and spam on the ticket page and the inbox (blueprint `hygiene`, agents),
and the admins' "Blocked senders" page (blueprint `blocked_senders`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.format_filters import datetimeformat
from helpdesk.forms import parse_id
from helpdesk.models import Ticket
from helpdesk.tickets import merge, snooze, spam
from helpdesk.tickets.bulk import answer_bulk, read_bulk_request
from helpdesk.tickets.hygiene_forms import ConfirmForm, MergeForm, SnoozeForm, SpamForm
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.tickets.steps import SeenState, StaleTicket
from helpdesk.tickets.views import _ticket_page
from helpdesk.web.current import staff
from helpdesk.web.use_case import run_use_case

bp = Blueprint("hygiene", __name__)
bp.before_request(require_role("agent"))

blocked_bp = Blueprint("blocked_senders", __name__, url_prefix="/settings/blocked-senders")
blocked_bp.before_request(require_role("admin"))

BULK_ACTIONS = {f"snooze:{name}": name for name in snooze.QUICK_PICKS} | {"spam": ""}


def _back(ticket: Ticket) -> Response:
    return redirect(url_for("tickets.ticket", number=ticket.number))


def _refused(number: int, status: int, **forms: Any) -> Response:
    """The ticket page again (read afresh: the use case rolled back), with the refused
    form showing what was typed and why."""
    return _ticket_page(ticket_or_404(number), status=status, panel_forms=forms)


@bp.post("/tickets/<number:number>/snooze")
def ticket_snooze(number: int) -> Response:
    ticket = ticket_or_404(number)
    form = SnoozeForm()
    if not form.validate_on_submit():
        abort(400)
    user = staff()
    done = run_use_case(
        lambda: snooze.ticket_snooze(
            ticket=ticket,
            actor=user,
            until=snooze.parse_snooze_time(
                pick=form.pick.data, custom=form.until.data, zone=user.timezone
            ),
        ),
        form=form,
        catch=(ValidationError, NotAllowed),
        every_error_on_form=True,
    )
    if not done.ok or done.value is None:
        return _refused(number, done.status, snooze_form=form)
    flash(
        _(
            "#%(number)d is snoozed until %(when)s.",
            number=number,
            when=datetimeformat(done.value, "medium", time_format="short"),
        ),
        "success",
    )
    return redirect(url_for("tickets.inbox"))


@bp.post("/tickets/<number:number>/unsnooze")
def ticket_unsnooze(number: int) -> Response:
    ticket = ticket_or_404(number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    snooze.ticket_unsnooze(ticket=ticket, actor=staff())
    flash(_("#%(number)d is back in the inbox.", number=number), "success")
    return _back(ticket)


def _merge_form_target(form: MergeForm, source: Ticket) -> Ticket:
    target = merge.merge_target_by_number(form.target.data)
    merge.check_merge(source, target)
    return target


@bp.get("/tickets/<number:number>/merge")
def merge_confirm(number: int) -> Response | tuple[str, int]:
    """The confirmation step: both subjects side by side, before anything moves."""
    source = ticket_or_404(number)
    form = MergeForm(request.args, meta={"csrf": False})
    try:
        target = _merge_form_target(form, source)
    except ValidationError as error:
        form.target.errors = [error.message]
        return _refused(number, 422, merge_form=form)
    confirm = MergeForm(
        formdata=None,
        data={
            "target": str(target.number),
            "last_message_id": int(request.args.get("last_message_id") or 0)
            if (request.args.get("last_message_id") or "").isdigit()
            else 0,
            "seen_status": source.status,
        },
    )
    return render_template("tickets/merge.html", source=source, target=target, form=confirm), 200


@bp.post("/tickets/<number:number>/merge")
def ticket_merge(number: int) -> Response:
    source = ticket_or_404(number)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    seen = None
    if form.seen_status.data:
        seen = SeenState(
            last_message_id=form.last_message_id.data or 0, status=form.seen_status.data
        )
    merged = run_use_case(
        lambda: merge.ticket_merge(
            source=source,
            target=merge.merge_target_by_number(form.target.data),
            actor=staff(),
            seen=seen,
        ),
        form=form,
        catch=(ValidationError, NotAllowed, StaleTicket),
        every_error_on_form=True,
    )
    if not merged.ok or merged.value is None:
        return _refused(number, merged.status, merge_form=form)
    flash(
        _(
            "#%(source)d is merged into #%(target)d.",
            source=number,
            target=merged.value.number,
        ),
        "success",
    )
    return redirect(url_for("tickets.ticket", number=merged.value.number))


@bp.post("/tickets/<number:number>/spam")
def ticket_spam(number: int) -> Response:
    ticket = ticket_or_404(number)
    form = SpamForm()
    if not form.validate_on_submit():
        abort(400)
    marked = run_use_case(
        lambda: spam.ticket_mark_spam(ticket=ticket, actor=staff(), block=form.block.data or ""),
        form=form,
        catch=(ValidationError, NotAllowed),
        every_error_on_form=True,
    )
    if not marked.ok:
        return _refused(number, marked.status, spam_form=form)
    if marked.value:
        flash(
            _(
                "#%(number)d is marked as spam and %(blocked)s is blocked.",
                number=number,
                blocked=", ".join(marked.value),
            ),
            "success",
        )
    else:
        flash(_("#%(number)d is marked as spam.", number=number), "success")
    return _back(ticket)  # the page offers "Not spam" (undo) at the top


@bp.post("/tickets/<number:number>/not-spam")
def ticket_not_spam(number: int) -> Response:
    ticket = ticket_or_404(number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    restored = run_use_case(
        lambda: spam.ticket_not_spam(ticket=ticket, actor=staff()), catch=NotAllowed
    )
    if not restored.ok:
        flash(restored.message or "", "error")
    elif restored.value:
        flash(
            _(
                "#%(number)d is not spam any more; %(unblocked)s is unblocked.",
                number=number,
                unblocked=", ".join(restored.value),
            ),
            "success",
        )
    else:
        flash(_("#%(number)d is not spam any more.", number=number), "success")
    return _back(ticket)


@bp.post("/inbox/hygiene")
def bulk() -> Response:
    """The inbox's "Snooze or spam" bulk action (the bulk form, passed on by
    `tickets.inbox_bulk`)."""
    request_ = read_bulk_request()
    action = request_.form.hygiene.data or ""
    if action not in BULK_ACTIONS:
        abort(400, description=_("Unknown value for %(name)s.", name="hygiene"))
    user = staff()
    form = request_.form
    other_change = (
        form.status.data
        or form.assignee.data
        or (form.tag.data or "").strip()
        or form.complaint.data
    )

    def change() -> int:
        if other_change:
            raise ValidationError(
                "hygiene", _("Snooze or mark as spam on their own, without other changes.")
            )
        if action == "spam":
            return spam.tickets_bulk_spam(numbers=request_.numbers, actor=user)
        return snooze.tickets_bulk_snooze(
            numbers=request_.numbers,
            actor=user,
            until=snooze.parse_snooze_time(pick=BULK_ACTIONS[action], custom=None, zone=None),
        )

    return answer_bulk(run_use_case(change, catch=(ValidationError, NotAllowed)), request_)


@blocked_bp.get("")
def blocked_list() -> str:
    blocked = spam.blocked_senders()
    return render_template(
        "tickets/blocked_senders.html",
        blocked=blocked,
        ticket_numbers=spam.blocked_ticket_numbers(blocked),
        form=ConfirmForm(formdata=None),
    )


@blocked_bp.post("/<blocked_id>/unblock")
def blocked_remove(blocked_id: str) -> Response:
    parsed = parse_id(blocked_id)
    if parsed is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    removed = run_use_case(
        lambda: spam.blocked_sender_remove(blocked_id=parsed, actor=staff()),
        catch=(ValidationError, NotAllowed),
    )
    if removed.ok:
        flash(_("%(pattern)s is unblocked.", pattern=removed.value), "success")
    else:
        flash(removed.message or "", "error")
    return redirect(url_for("blocked_senders.blocked_list"))
