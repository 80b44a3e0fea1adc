"""The agent inbox and the ticket page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from helpdesk.attachments.uploads import files_not_sent, uploads_from_request
from helpdesk.auth.access import require_role
from helpdesk.bidi import with_names
from helpdesk.db.postgresql import plan_once_for_any_values
from helpdesk.errors import DomainError, NotAllowed, ValidationError
from helpdesk.format_filters import moments
from helpdesk.forms import parse_id
from helpdesk.i18n import LabelsInUse
from helpdesk.models import Ticket
from helpdesk.models.ticket import PRIORITIES, STATUSES
from helpdesk.rendering import markdown_to_html
from helpdesk.search.terms import highlight
from helpdesk.tickets import intake, presence, service
from helpdesk.tickets.bulk import answer_bulk, read_bulk_request
from helpdesk.tickets.forms import (
    BulkForm,
    NewTicketForm,
    PresenceForm,
    PreviewForm,
    PropertiesForm,
    ReplyForm,
)
from helpdesk.tickets.history import history_entries, staff_names
from helpdesk.tickets.inbox import inbox_page
from helpdesk.tickets.inbox_filters import VIEWS, parse_filters
from helpdesk.tickets.labels import (
    CHANNEL_LABELS,
    ESTIMATE_LABELS,
    KIND_LABELS,
    PRIORITY_LABELS,
    PROMISE_STATE_LABELS,
    SORT_LABELS,
    STATUS_LABELS,
    VIEW_LABELS,
)
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.tickets.panels import inbox_sections_context, panels_context
from helpdesk.tickets.queries import (
    assignable_users,
    conversation,
    ticket_audit_events,
    ticket_tag_names,
)
from helpdesk.web.current import staff
from helpdesk.web.htmx_render import render_page_or_fragment, wants_fragment
from helpdesk.web.use_case import run_use_case

bp = Blueprint("tickets", __name__)
bp.before_request(require_role("agent"))


# The label tables, each language's texts made once (`LabelsInUse`).
_LABEL_TABLES = {
    "view_labels": LabelsInUse(VIEW_LABELS),
    "status_labels": LabelsInUse(STATUS_LABELS),
    "priority_labels": LabelsInUse(PRIORITY_LABELS),
    "sort_labels": LabelsInUse(SORT_LABELS),
    "channel_labels": LabelsInUse(CHANNEL_LABELS),
    "kind_labels": LabelsInUse(KIND_LABELS),
    "estimate_labels": LabelsInUse(ESTIMATE_LABELS),
    "promise_state_labels": LabelsInUse(PROMISE_STATE_LABELS),
}


def _labels() -> dict[str, Any]:
    """The label tables in the viewer's language, as plain dicts: a template that looks a
    label up for each of 50 rows reads a string."""
    translated = {name: table.texts() for name, table in _LABEL_TABLES.items()}
    return {**translated, "statuses": STATUSES, "priorities": PRIORITIES}


def _ticket_link_prefix() -> str:
    """A ticket page's URL up to its number (/tickets/<number>): `url_for` once for a
    list instead of once for each of its rows."""
    return url_for("tickets.ticket", number=0).removesuffix("0")


def _assignee_choice(raw: str | None) -> Any:
    """UNSET when the field was not sent, None for "none", else a user id (400 if forged)."""
    if not raw:
        return service.UNSET
    if raw == "none":
        return None
    user_id = parse_id(raw)
    if user_id is None:
        abort(400, description=_("Unknown value for %(name)s.", name="assignee"))
    return user_id


def _promise_due(raw: str | None) -> datetime | None:
    """The promise picker's ISO time (aware), None when no promise is made; 400 if forged."""
    if not raw:
        return None
    try:
        due = datetime.fromisoformat(raw.strip()[:40])
    except ValueError:
        abort(400, description=_("Unknown value for %(name)s.", name="promise_due_at"))
    if due.tzinfo is None:
        abort(400, description=_("Unknown value for %(name)s.", name="promise_due_at"))
    return due


@bp.get("/inbox")
def inbox() -> Response:
    try:
        filters = parse_filters(request.args)
        page = inbox_page(filters=filters, user=staff())
    except ValidationError as error:
        abort(400, description=error.message)
    if filters.q:
        for row in page.rows:
            row.subject_html = highlight(row.ticket.subject, filters.q)
            row.snippet_html = highlight(row.ticket.last_message_snippet, filters.q)
    opened = moments(row.ticket.created_at for row in page.rows)
    for row, created in zip(page.rows, opened, strict=True):
        row.created = created
    bulk = BulkForm(formdata=None)
    return render_page_or_fragment(
        "tickets/inbox.html",
        "tickets/_inbox_results.html",
        inbox=page,
        filters=filters,
        views=VIEWS,
        assignees=assignable_users(),
        bulk_form=bulk,
        ticket_link_prefix=_ticket_link_prefix(),
        **inbox_sections_context(filters.view),
        **_labels(),
    )


@bp.post("/inbox/bulk")
def inbox_bulk() -> Response:
    bulk = read_bulk_request()
    form = bulk.form
    assignee = _assignee_choice(form.assignee.data)
    if form.status.data and form.status.data not in STATUSES:
        abort(400, description=_("Unknown value for %(name)s.", name="status"))
    if form.complaint.data not in (None, "", "yes", "no"):
        abort(400, description=_("Unknown value for %(name)s.", name="complaint"))
    if form.hygiene.data:  # snooze or spam: the same form goes on (see below)
        return redirect(url_for("hygiene.bulk"), code=307)
    if form.complaint.data:
        # The "Complaint?" action is recovery's: the same form goes on there (307 keeps
        # the method and the body), which answers as this action always has.
        return redirect(url_for("recovery.bulk_complaint_label"), code=307)
    changed = run_use_case(
        lambda: service.tickets_bulk_update(
            numbers=bulk.numbers,
            actor=staff(),
            status=form.status.data or None,
            assignee_id=assignee,
            add_tag=(form.tag.data or "").strip() or None,
        ),
        catch=(ValidationError, NotAllowed),
    )
    return answer_bulk(changed, bulk)


@bp.route("/tickets/new", methods=["GET", "POST"])
def new_ticket() -> Response | tuple[str, int]:
    form = NewTicketForm()
    form.priority.choices = [SelectChoice(p, str(PRIORITY_LABELS[p])) for p in PRIORITIES]
    if form.validate_on_submit():
        created = run_use_case(
            lambda: intake.ticket_create(
                actor=staff(),
                customer_email=form.customer_email.data,
                customer_name=form.customer_name.data or "",
                subject=form.subject.data,
                body=form.body.data,
                priority=form.priority.data,
            ),
            form=form,
            fields={"email": "customer_email"},
            catch=ValidationError,
        )
        if created.value is not None:
            ticket = created.value
            flash(_("Ticket #%(number)d is open.", number=ticket.number), "success")
            return redirect(url_for("tickets.ticket", number=ticket.number))
    status = 422 if request.method == "POST" else 200
    return render_template("tickets/new.html", form=form), status


def _reply_form(ticket: Ticket, messages: list[Any], formdata: Any = None) -> ReplyForm:
    form = ReplyForm(formdata=formdata)
    if formdata is None:
        form.last_message_id.data = messages[-1].id if messages else 0
        form.seen_status.data = ticket.status
    return form


def _ticket_page(
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    status: int = 200,
    stale: str | None = None,
    panel_forms: dict[str, Any] | None = None,
) -> Response:
    """The ticket page; `panel_forms` replaces a side panel's blank forms (a refused
    snooze or merge shows what was typed and why)."""
    messages = conversation(ticket)
    form = reply_form or _reply_form(ticket, messages)
    if stale:
        # Show the new state; the next send goes through unless it changes again.
        form.last_message_id.data = messages[-1].id if messages else 0
        form.seen_status.data = ticket.status
    context = {
        "ticket": ticket,
        "messages": messages,
        "reply_form": form,
        "stale": stale,
        "properties_form": PropertiesForm(formdata=None),
        "presence_form": PresenceForm(formdata=None),
        # Read only when set: popping a missing key still marks the session changed (a
        # new cookie on every view).
        "clear_draft": "sent_draft" in session and session.pop("sent_draft") == ticket.number,
        **panels_context(ticket, staff()),
        **_labels(),
        **(panel_forms or {}),
    }
    response = make_response(render_template("tickets/ticket.html", **context), status)
    return response


@bp.get("/tickets/<number:number>")
def ticket(number: int) -> Response:
    plan_once_for_any_values()  # measured: the page's statements keep their plans
    return _ticket_page(ticket_or_404(number))


@bp.post("/tickets/<number:number>/messages")
def ticket_reply(number: int) -> Response:
    ticket = ticket_or_404(number)
    form = ReplyForm()
    if not form.validate_on_submit():
        abort(400, description=_("The form was incomplete; reload the page and try again."))
    then = form.then.data or None
    if then not in (None, "pending", "resolved"):
        abort(400, description=_("Unknown value for %(name)s.", name="then"))
    seen = service.SeenState(
        last_message_id=form.last_message_id.data or 0, status=form.seen_status.data or ""
    )
    promise_due = _promise_due(form.promise_due_at.data)
    sent = run_use_case(
        lambda: service.ticket_reply(
            ticket=ticket,
            author=staff(),
            body=form.body.data or "",
            internal=form.kind.data == "note",
            status=then,
            seen=seen,
            promise_due=promise_due,
            promise_text=form.promise_text.data if promise_due else None,
            saved_reply_id=form.saved_reply_id.data,
            saved_reply_actions=form.saved_reply_actions.data == "1",
            uploads=uploads_from_request(request.files),
        ),
        form=form,
        catch=(service.StaleTicket, ValidationError),
    )
    if not sent.ok:
        files_not_sent(form)
    if isinstance(sent.error, service.StaleTicket):
        return _ticket_page(ticket, reply_form=form, status=409, stale=sent.message)
    if not sent.ok:
        return _ticket_page(ticket, reply_form=form, status=422)
    session["sent_draft"] = ticket.number
    if form.kind.data == "note":
        flash(_("Note added."), "success")
    else:
        flash(with_names(_("Reply sent to %(name)s."), name=ticket.customer.name), "success")
    return redirect(url_for("tickets.ticket", number=ticket.number) + "#composer")


def _properties_status(error: DomainError) -> int:
    """A tag the agent typed is a 422, any other forged value a 400; a rule (NotAllowed,
    such as closing a complaint before Diagnose) a 422."""
    if isinstance(error, ValidationError) and error.field != "tags":
        return 400
    return 422


@bp.post("/tickets/<number:number>/properties")
def ticket_properties(number: int) -> Response:
    ticket = ticket_or_404(number)
    form = PropertiesForm()
    if not form.validate_on_submit():
        abort(400)
    assignee = _assignee_choice(form.assignee.data)
    updated = run_use_case(
        lambda: service.ticket_update(
            ticket=ticket,
            actor=staff(),
            status=form.status.data or None,
            priority=form.priority.data or None,
            assignee_id=assignee,
            # Each control posts only itself: a field not sent is left alone.
            tags=form.tags.data if "tags" in request.form else None,
        ),
        form=form,
        status_for=_properties_status,
        catch=(ValidationError, NotAllowed),
    )  # refused: rolled back, so the answer shows what is stored, not a half-applied change
    status = updated.status
    error_message = updated.message
    if error_message:
        ticket = ticket_or_404(number)
    if not wants_fragment():
        if error_message:
            abort(status, description=error_message)
        flash(_("Ticket updated."), "success")
        return redirect(url_for("tickets.ticket", number=ticket.number))
    response = make_response(
        render_template(
            "tickets/_properties_response.html",
            ticket=ticket,
            properties_form=form,
            assignees=assignable_users(),
            tag_names=ticket_tag_names(ticket),
            history=history_entries(ticket_audit_events(ticket), staff_names()),
            property_error=error_message,
            **_labels(),
        ),
        status,
    )
    response.vary.add("HX-Request")
    return response


@bp.post("/tickets/<number:number>/preview")
def ticket_preview(number: int) -> str:
    ticket_or_404(number)
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    return render_template("tickets/_preview.html", html=markdown_to_html(form.body.data or ""))


@bp.post("/tickets/<number:number>/presence")
def ticket_presence(number: int) -> str:
    ticket = ticket_or_404(number)
    form = PresenceForm()
    if not form.validate_on_submit():
        abort(400)
    viewers = presence.presence_touch(ticket=ticket, user=staff(), typing=form.typing.data == "1")
    return render_template(
        "tickets/_presence.html", viewers=viewers, ticket=ticket, presence_form=form, polling=True
    )
