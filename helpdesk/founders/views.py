"""The founders' pages: the review queue with its actions (claim, note, personal reply,
resolve) and the founder settings; plus the agents' "escalate to founders" on a ticket.

Queue actions answer htmx with the item's fragment (422 and the typed text kept on bad
input, 409 when the item's state forbids the action); without JavaScript they redirect
back to the queue, or show the queue again with the errors beside the item's fields."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role, safe_next
from helpdesk.errors import Conflict, ValidationError
from helpdesk.founders import service
from helpdesk.founders.escalations import SEVERITY
from helpdesk.founders.forms import (
    EmptyForm,
    EscalateForm,
    FounderReplyForm,
    FounderSettingsForm,
    NoteForm,
    ResolveForm,
)
from helpdesk.founders.labels import (
    ESCALATION_STATUS_LABELS,
    OUTCOME_LABELS,
    REASON_LABELS,
    SEVERITY_LABELS,
)
from helpdesk.founders.panel import panel_context
from helpdesk.founders.queries import STATUS_FILTERS, QueueItem, queue_item, queue_items
from helpdesk.founders.settings import founder_settings, founder_settings_update
from helpdesk.models import Escalation, Ticket
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.web.current import staff
from helpdesk.web.htmx_render import render_page_or_fragment, wants_fragment
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("founders", __name__, url_prefix="/founders")
bp.before_request(require_role("founder"))

# Agents escalate from the ticket page, so this one action lives outside the founder guard.
escalate_bp = Blueprint("founders_escalate", __name__)
escalate_bp.before_request(require_role("agent"))


def _escalation(escalation_id: int) -> Escalation:
    return row_or_404(Escalation, escalation_id)


def _blank_forms() -> dict[str, Any]:
    return {
        "claim": EmptyForm(formdata=None),
        "note": NoteForm(formdata=None),
        "reply": FounderReplyForm(formdata=None),
        "resolve": ResolveForm(formdata=None),
    }


def _labels() -> dict[str, Any]:
    return {
        "reason_labels": REASON_LABELS,
        "escalation_status_labels": ESCALATION_STATUS_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "severity": SEVERITY,
        "severity_labels": SEVERITY_LABELS,
    }


def _filters() -> tuple[str, str]:
    status = request.args.get("status", "active") or "active"
    reason = request.args.get("reason", "") or ""
    if status not in STATUS_FILTERS:
        abort(400, description=_("Unknown value for %(name)s.", name="status"))
    if reason and reason not in SEVERITY:
        abort(400, description=_("Unknown value for %(name)s.", name="reason"))
    return status, reason


def _queue_page(
    *,
    status: str = "active",
    reason: str = "",
    override_id: int | None = None,
    override_forms: dict[str, Any] | None = None,
    override_error: str | None = None,
    settings_form: FounderSettingsForm | None = None,
    code: int = 200,
) -> Response:
    settings = founder_settings()
    items = queue_items(
        status=status, reason=reason or None, attention_hours=settings.attention_target_hours
    )
    if settings_form is None:
        values = asdict(settings)
        values["vip_lifetime_value"] = values.pop("vip_lifetime_value_cents") // 100
        settings_form = FounderSettingsForm(formdata=None, data=values)
    return render_page_or_fragment(
        "founders/queue.html",
        "founders/_items.html",
        status=code,
        items=items,
        status_filter=status,
        reason_filter=reason,
        status_filters=STATUS_FILTERS,
        blank_forms=_blank_forms(),
        override_id=override_id,
        override_forms={**_blank_forms(), **(override_forms or {})},
        override_error=override_error,
        settings=settings,
        settings_form=settings_form,
        return_to=request.full_path if request.method == "GET" else None,
        **_labels(),
    )


@bp.get("/queue")
def queue() -> Response:
    status, reason = _filters()
    return _queue_page(status=status, reason=reason)


def _item_fragment(
    item: QueueItem, forms: dict[str, Any], error: str | None, code: int, notice: str | None = None
) -> Response:
    response = make_response(
        render_template(
            "founders/_item.html",
            item=item,
            forms={**_blank_forms(), **forms},
            item_error=error,
            item_notice=notice,
            return_to=None,
            **_labels(),
        ),
        code,
    )
    response.vary.add("HX-Request")
    return response


def _act(escalation: Escalation, action: Any, *, name: str, form: Any, done: str) -> Response:
    """Run one queue action and answer: the item fragment for htmx, else a redirect (or the
    queue again with the field errors, 422)."""
    outcome = run_use_case(action, form=form)
    if outcome.status == 403:
        abort(403)
    code = outcome.status
    # A field error is shown beside its field; any other refusal above the item.
    error = None if isinstance(outcome.error, ValidationError) else outcome.message
    settings = founder_settings()
    if wants_fragment():
        item = queue_item(escalation.id, attention_hours=settings.attention_target_hours)
        if item is None:
            abort(404)
        forms = {name: form} if code != 200 else {}
        # Said inside the item, where the founder is looking ("Your reply was sent…").
        return _item_fragment(item, forms, error, code, notice=done if code == 200 else None)
    if code == 422:
        return _queue_page(override_id=escalation.id, override_forms={name: form}, code=422)
    if error:
        flash(error, "error")
    else:
        flash(done, "success")
    back = safe_next(request.form.get("return_to")) or url_for("founders.queue")
    return redirect(f"{back}#escalation-{escalation.id}")


@bp.post("/escalations/<id:escalation_id>/claim")
def claim(escalation_id: int) -> Response:
    escalation = _escalation(escalation_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        escalation,
        lambda: service.escalation_claim(escalation=escalation, actor=staff()),
        name="claim",
        form=form,
        done=_("You claimed this item."),
    )


@bp.post("/escalations/<id:escalation_id>/note")
def note(escalation_id: int) -> Response:
    escalation = _escalation(escalation_id)
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        escalation,
        lambda: service.escalation_note(escalation=escalation, actor=staff(), note=form.note.data),
        name="note",
        form=form,
        done=_("Note added."),
    )


@bp.post("/escalations/<id:escalation_id>/reply")
def reply(escalation_id: int) -> Response:
    escalation = _escalation(escalation_id)
    form = FounderReplyForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        escalation,
        lambda: service.founder_reply(escalation=escalation, actor=staff(), body=form.body.data),
        name="reply",
        form=form,
        done=_("Your reply was sent to the customer."),
    )


@bp.post("/escalations/<id:escalation_id>/resolve")
def resolve(escalation_id: int) -> Response:
    escalation = _escalation(escalation_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(
        escalation,
        lambda: service.escalation_resolve(
            escalation=escalation,
            actor=staff(),
            outcome=form.outcome.data or "",
            note=form.note.data,
        ),
        name="resolve",
        form=form,
        done=_("The item is done."),
    )


@bp.post("/settings")
def settings_save() -> Response:
    form = FounderSettingsForm()
    if form.validate_on_submit():
        outcome = run_use_case(
            lambda: founder_settings_update(
                actor=staff(),
                vip_lifetime_value_cents=(form.vip_lifetime_value.data or 0) * 100,
                repeat_contact_count=form.repeat_contact_count.data or 0,
                repeat_contact_days=form.repeat_contact_days.data or 0,
                attention_target_hours=form.attention_target_hours.data or 0,
            ),
            form=form,
            fields={"vip_lifetime_value_cents": "vip_lifetime_value"},
            catch=ValidationError,
        )
        if outcome.ok:
            flash(_("Founder settings are saved."), "success")
            return redirect(url_for("founders.queue") + "#founder-settings")
    return _queue_page(settings_form=form, code=422)


def _escalate_panel(
    ticket: Ticket,
    form: EscalateForm,
    *,
    error: str | None,
    code: int,
    success: str | None = None,
) -> Response:
    return render_page_or_fragment(
        "founders/escalate.html",
        "founders/_ticket_panel.html",
        status=code,
        ticket=ticket,
        panel_error=error,
        panel_success=success,
        **panel_context(ticket, staff(), escalate_form=form),
    )


@escalate_bp.route("/tickets/<number:number>/escalate", methods=["GET", "POST"])
def escalate(number: int) -> Response:
    ticket = ticket_or_404(number)
    form = EscalateForm()
    if request.method == "GET":
        return _escalate_panel(ticket, EscalateForm(formdata=None), error=None, code=200)
    if not form.validate_on_submit():
        abort(400)
    outcome = run_use_case(
        lambda: service.escalation_manual(ticket=ticket, actor=staff(), note=form.note.data),
        form=form,
        catch=(ValidationError, Conflict),
    )
    if not outcome.ok:
        error = None if isinstance(outcome.error, ValidationError) else outcome.message
        return _escalate_panel(ticket, form, error=error, code=outcome.status)
    if wants_fragment():
        return _escalate_panel(
            ticket,
            EscalateForm(formdata=None),
            error=None,
            code=200,
            success=_("The founders will see this ticket in their queue."),
        )
    flash(_("The founders will see this ticket in their queue."), "success")
    return redirect(url_for("tickets.ticket", number=ticket.number) + "#founders")
