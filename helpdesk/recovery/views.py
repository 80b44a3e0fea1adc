"""The recovery panel's actions on a ticket, and using a phrase."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import DomainError, NotAllowed, ValidationError
from helpdesk.forms import parse_id
from helpdesk.models import Recovery, Ticket
from helpdesk.recovery import library, service
from helpdesk.recovery.blameless import blame_findings
from helpdesk.recovery.forms import EmptyForm, LabelForm, ReasonForm, StepForm
from helpdesk.recovery.panel import panel_context
from helpdesk.tickets.bulk import answer_bulk, read_bulk_request
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.tickets.queries import ticket_refresh
from helpdesk.web.current import staff
from helpdesk.web.htmx_render import wants_fragment
from helpdesk.web.use_case import run_use_case

bp = Blueprint("recovery", __name__)
bp.before_request(require_role("agent"))


def _recovery(ticket: Ticket) -> Recovery:
    if ticket.recovery is None:
        abort(404)
    return ticket.recovery


def _panel(
    ticket: Ticket,
    *,
    step_form: StepForm | None = None,
    reason_form: ReasonForm | None = None,
    error: str | None = None,
    blame: tuple[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The panel fragment for htmx; the ticket page for everyone else."""
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(url_for("tickets.ticket", number=ticket.number) + "#recovery")
    ticket_refresh(ticket)
    context = panel_context(ticket, staff())
    response = make_response(
        render_template(
            "recovery/_panel.html",
            ticket=ticket,
            step_form=step_form or StepForm(formdata=None),
            reason_form=reason_form or ReasonForm(formdata=None),
            panel_error=error,
            blame=blame,
            **context,
        ),
        status,
    )
    response.vary.add("HX-Request")
    return response


def _recovery_status(error: DomainError) -> int:
    """400 for a forged step, 422 for a value to correct, 409 for any other rule (a
    NotAllowed included)."""
    if isinstance(error, ValidationError):
        return 400 if error.field == "step" else 422
    return 409


def _run(ticket: Ticket, action: Any, form: StepForm | ReasonForm | None = None) -> Response:
    """Run a recovery use case and answer with the panel: 400 for a forged step, 422 with
    the error beside the field (and the typed text kept), 409 for a rule."""
    forms: dict[str, Any] = {}
    if isinstance(form, StepForm):
        forms["step_form"] = form
    elif isinstance(form, ReasonForm):
        forms["reason_form"] = form
    outcome = run_use_case(action, form=form, status_for=_recovery_status)
    if outcome.ok:
        return _panel(ticket)
    if outcome.status == 400 and not wants_fragment():
        abort(400, description=outcome.message)
    return _panel(ticket, error=outcome.message, status=outcome.status, **forms)


@bp.post("/tickets/bulk-complaint-label")
def bulk_complaint_label() -> Response:
    """The inbox's bulk "Complaint?" action: one label per selected ticket. The inbox's bulk
    form reaches it through /inbox/bulk (a 307 when this action is chosen), so a mix with
    the other bulk changes is refused here, in the inbox's words."""
    bulk = read_bulk_request()
    form = bulk.form
    if form.complaint.data not in ("yes", "no"):
        abort(400, description=_("Unknown value for %(name)s.", name="complaint"))
    other_change = form.status.data or form.assignee.data or (form.tag.data or "").strip()

    def label() -> int:
        if other_change:
            raise ValidationError(
                "complaint", _("Mark complaints on their own, without other changes.")
            )
        return service.complaint_labels_bulk(
            numbers=bulk.numbers, actor=staff(), is_complaint=form.complaint.data == "yes"
        )

    return answer_bulk(run_use_case(label, catch=(ValidationError, NotAllowed)), bulk)


@bp.post("/tickets/<number:number>/recovery/start")
def start(number: int) -> Response:
    ticket = ticket_or_404(number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _run(ticket, lambda: service.recovery_start(ticket=ticket, actor=staff()))


@bp.post("/tickets/<number:number>/recovery/end")
def end(number: int) -> Response:
    ticket = ticket_or_404(number)
    recovery = _recovery(ticket)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(
        ticket,
        lambda: service.recovery_end(recovery=recovery, actor=staff(), reason=form.reason.data),
        form,
    )


@bp.post("/tickets/<number:number>/complaint-label")
def label(number: int) -> Response:
    """An agent says whether the ticket is a complaint ("yes" or "no")."""
    ticket = ticket_or_404(number)
    form = LabelForm()
    if not form.validate_on_submit() or form.is_complaint.data not in ("yes", "no"):
        abort(400)
    is_complaint = form.is_complaint.data == "yes"
    return _run(
        ticket,
        lambda: service.complaint_label_set(
            ticket=ticket, actor=staff(), is_complaint=is_complaint
        ),
    )


@bp.post("/tickets/<number:number>/recovery/read")
def read(number: int) -> Response:
    ticket = ticket_or_404(number)
    recovery = _recovery(ticket)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.recovery_mark_read(recovery=recovery, actor=staff())
    return make_response("", 204)


@bp.post("/tickets/<number:number>/recovery/steps/<step>/done")
def step_done(number: int, step: str) -> Response:
    ticket = ticket_or_404(number)
    recovery = _recovery(ticket)
    form = StepForm()
    if not form.validate_on_submit():
        return _panel(ticket, step_form=form, status=422)
    if step == "diagnose" and not form.blame_confirmed.data:
        names, words = blame_findings(form.process_gap.data, form.process_fix.data)
        if names or words:
            if wants_fragment():  # warn, keep the text, and offer "Save anyway"
                return _panel(ticket, step_form=form, blame=(_quoted(names), _quoted(words)))
            flash(_blame_notice(names, words), "warning")
    cause_id = parse_id(form.root_cause_id.data)
    return _run(
        ticket,
        lambda: service.recovery_complete_step(
            recovery=recovery,
            step=step,
            actor=staff(),
            note=form.note.data,
            problem_summary=form.problem_summary.data,
            resolution=form.resolution.data,
            root_cause_id=cause_id,
            process_gap=form.process_gap.data,
            process_fix=form.process_fix.data,
        ),
        form,
    )


def _quoted(items: list[str]) -> str:
    return ", ".join(f"“{item}”" for item in items)


def _blame_notice(names: list[str], words: list[str]) -> str:
    found = _quoted([*names, *words])
    return _(
        "Saved. The diagnosis mentions %(found)s: next time, describe the process that let "
        "this happen rather than a person.",
        found=found,
    )


@bp.post("/tickets/<number:number>/recovery/steps/<step>/reopen")
def step_reopen(number: int, step: str) -> Response:
    ticket = ticket_or_404(number)
    recovery = _recovery(ticket)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _run(
        ticket, lambda: service.recovery_reopen_step(recovery=recovery, step=step, actor=staff())
    )


@bp.post("/tickets/<number:number>/recovery/diagnose/skip")
def skip_diagnose(number: int) -> Response:
    ticket = ticket_or_404(number)
    recovery = _recovery(ticket)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(
        ticket,
        lambda: service.recovery_skip_diagnose(
            recovery=recovery, actor=staff(), reason=form.reason.data
        ),
        form,
    )


@bp.post("/phrases/<id:phrase_id>/used")
def phrase_used(phrase_id: int) -> Response:
    phrase = library.step_phrase(phrase_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if phrase is None or not phrase.active:
        abort(404)
    library.phrase_used(phrase=phrase)
    return make_response("", 204)
