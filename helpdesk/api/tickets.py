"""`/api/v1/tickets`: list (the inbox's filters, search and cursor), create, read with the
conversation, update, and reply or note — through the same services as the web UI."""

from __future__ import annotations

from flask import Response, abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.api.blueprint import api_blueprint, conflicts, fields_named
from helpdesk.api.schemas import (
    AttachmentList,
    AttachmentOut,
    MessageCreate,
    MessageCreateForm,
    MessageOut,
    TicketCreate,
    TicketDetail,
    TicketOut,
    TicketPage,
    TicketQuery,
    TicketUpdate,
)
from helpdesk.api.spec import responses, spec
from helpdesk.attachments.queries import (
    attachment_for_staff,
    attachments_by_message,
    message_files,
)
from helpdesk.attachments.serving import download_response
from helpdesk.attachments.uploads import uploads_from_request
from helpdesk.auth.access import require_role
from helpdesk.models import Attachment, Message, Ticket
from helpdesk.tickets.inbox import inbox_page
from helpdesk.tickets.inbox_filters import parse_filters
from helpdesk.tickets.intake import ticket_create
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.tickets.queries import ticket_messages
from helpdesk.tickets.service import ticket_reply, ticket_update
from helpdesk.tickets.steps import UNSET
from helpdesk.web.converters import api_id

bp = api_blueprint("api_tickets", __name__)
bp.before_request(require_role("agent"))

TAG = "Tickets"


def _ticket(number: int) -> Ticket:
    # The URL's number may have any length; the database's integers stop at MAX_ID.
    return ticket_or_404(number, description=_("There is no ticket with that number."))


def _files_json(number: int, files: list[Attachment]) -> list[dict[str, object]]:
    return [
        AttachmentOut(
            id=file.id,
            message_id=file.message_id,
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            url=url_for("api_tickets.download_attachment", number=number, attachment_id=file.id),
        ).model_dump(mode="json")
        for file in files
        if file.kind == "file"
    ]


def _message(number: int, message: Message, files: list[Attachment]) -> dict[str, object]:
    out = MessageOut.model_validate(message).model_dump(mode="json")
    out["attachments"] = _files_json(number, files)
    return out


def _detail(ticket: Ticket) -> dict[str, object]:
    detail = TicketOut.model_validate(ticket).model_dump(mode="json")
    messages = ticket_messages(ticket)
    files = attachments_by_message([m.id for m in messages if m.has_attachments])
    detail["messages"] = [_message(ticket.number, m, files.get(m.id, [])) for m in messages]
    return detail


@bp.get("/tickets")
@spec.validate(query=TicketQuery, resp=responses({200: TicketPage}, 422), tags=[TAG])
def list_tickets(query: TicketQuery) -> Response:
    """List tickets.

    The inbox's views and filters, with full-text search in `q`. Pages hold 50 tickets;
    follow `next_cursor` with `after`."""
    filters = parse_filters(query.model_dump(exclude_none=True))
    page = inbox_page(filters=filters, user=current_user, with_counts=False, whole_tickets=True)
    return jsonify(
        items=[TicketOut.model_validate(row.ticket).model_dump(mode="json") for row in page.rows],
        next_cursor=page.next_cursor,
    )


@bp.post("/tickets")
@spec.validate(json=TicketCreate, resp=responses({201: TicketDetail}, 409, 415, 422), tags=[TAG])
def create_ticket(json: TicketCreate) -> tuple[Response, int, dict[str, str]]:
    """Open a ticket for a customer.

    The customer is found by email, or created (then `customer_name` is needed: a 409
    without it). The body is the customer's first message. The channel is `api`."""
    with fields_named(email="customer_email"), conflicts("customer_name"):
        ticket = ticket_create(
            actor=current_user,
            customer_email=json.customer_email,
            customer_name=json.customer_name,
            subject=json.subject,
            body=json.body,
            priority=json.priority,
            channel="api",
        )
    location = url_for("api_tickets.get_ticket", number=ticket.number)
    return jsonify(_detail(_ticket(ticket.number))), 201, {"Location": location}


@bp.get("/tickets/<int:number>")
@spec.validate(resp=responses({200: TicketDetail}, 404), tags=[TAG])
def get_ticket(number: int) -> Response:
    """Read a ticket with its whole conversation, internal notes included."""
    return jsonify(_detail(_ticket(number)))


@bp.patch("/tickets/<int:number>")
@spec.validate(json=TicketUpdate, resp=responses({200: TicketOut}, 404, 409, 415, 422), tags=[TAG])
def update_ticket(number: int, json: TicketUpdate) -> Response:
    """Change status, priority, assignee or tags.

    Send only what changes; `assignee_id: null` unassigns, and an id that is not an active
    staff member's is a 409. Tags replace the ticket's tags."""
    ticket = _ticket(number)
    sent = json.model_fields_set
    with fields_named(assignee="assignee_id"), conflicts("assignee"):
        ticket_update(
            ticket=ticket,
            actor=current_user,
            status=json.status,
            priority=json.priority,
            assignee_id=json.assignee_id if "assignee_id" in sent else UNSET,
            tags=json.tags,
        )
    return jsonify(TicketOut.model_validate(ticket).model_dump(mode="json"))


@bp.post("/tickets/<int:number>/messages")
@spec.validate(resp=responses({201: MessageOut}, 404, 409, 413, 415, 422), tags=[TAG])
def create_message(
    number: int, json: MessageCreate, form: MessageCreateForm
) -> tuple[Response, int]:
    # SpecTree validates whichever body came (JSON or a form) and passes the other as None.
    """Reply to the customer, or add an internal note, optionally with files.

    A public reply is emailed to the customer, with its files, and keeps a pending promise;
    `status` moves the ticket on in the same step. Send JSON, or multipart/form-data with
    the same fields and the files as `attachments` parts (a note's files are never sent)."""
    ticket = _ticket(number)
    sent = json or form
    if sent is None:
        abort(415, description=_("Send JSON, or multipart/form-data with files."))
    uploads = uploads_from_request(request.files) if form is not None else []
    message = ticket_reply(
        ticket=ticket,
        author=current_user,
        body=sent.body,
        internal=sent.internal,
        status=sent.status,
        uploads=uploads,
    )
    return jsonify(_message(number, message, message_files(message.id))), 201


@bp.get("/tickets/<int:number>/attachments")
@spec.validate(resp=responses({200: AttachmentList}, 404), tags=[TAG])
def list_attachments(number: int) -> Response:
    """List the files of a ticket's messages (internal notes' included), oldest first."""
    ticket = _ticket(number)
    files = attachments_by_message([m.id for m in ticket_messages(ticket) if m.has_attachments])
    items = [item for rows in files.values() for item in _files_json(number, rows)]
    items.sort(key=lambda item: int(str(item["id"])))
    return jsonify(items=items)


@bp.get(f"/tickets/<int:number>/attachments/{api_id('attachment_id')}")
@spec.validate(resp=responses({200: None}, 404), tags=[TAG])
def download_attachment(number: int, attachment_id: int) -> Response:
    """Download one file (always `Content-Disposition: attachment`; types a browser could
    run are sent as application/octet-stream)."""
    return download_response(attachment_for_staff(number=number, attachment_id=attachment_id))
