"""Saved replies: the settings page (list, search, create, edit, delete) and the two reads
the composer's picker makes (the list, and one reply filled in for a ticket)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from helpdesk.auth.access import require_role
from helpdesk.i18n import LANGUAGE_NAMES
from helpdesk.models import SavedReply, User
from helpdesk.saved_replies import service
from helpdesk.saved_replies.forms import DeleteForm, SavedReplyForm
from helpdesk.saved_replies.placeholders import fill_placeholders, ticket_values
from helpdesk.saved_replies.queries import SCOPES, replies_for_picker, replies_listed
from helpdesk.tickets.labels import PRIORITY_LABELS, STATUS_LABELS
from helpdesk.tickets.lookups import ticket_or_404
from helpdesk.web.current import staff
from helpdesk.web.json_api import no_store
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("saved_replies", __name__, url_prefix="/settings/saved-replies")
bp.before_request(require_role("agent"))
picker_bp = Blueprint("saved_reply_picker", __name__)
picker_bp.before_request(require_role("agent"))


def _form(user: User, formdata: Any = None, reply: SavedReply | None = None) -> SavedReplyForm:
    form = SavedReplyForm(formdata=formdata, obj=reply)
    if reply is None and formdata is None:
        form.language.data = user.language if user.language in LANGUAGE_NAMES else "en"
    form.language.choices = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
    scopes = [SelectChoice("personal", _("Only me"))]
    if user.can("admin"):
        scopes.append(SelectChoice("team", _("The whole team")))
    form.scope.choices = scopes
    form.set_status.choices = [SelectChoice("", _("Leave as it is"))] + [
        SelectChoice(status, str(STATUS_LABELS[status])) for status in service.MACRO_STATUSES
    ]
    form.set_priority.choices = [SelectChoice("", _("Leave as it is"))] + [
        SelectChoice(priority, str(PRIORITY_LABELS[priority]))
        for priority in service.MACRO_PRIORITIES
    ]
    if reply is not None and formdata is None:
        form.set_status.data = reply.set_status or ""
        form.set_priority.data = reply.set_priority or ""
        form.add_tags.data = ", ".join(reply.tag_names)
    return form


def _fields(form: SavedReplyForm) -> service.ReplyFields:
    return service.ReplyFields(
        title=form.title.data or "",
        body=form.body.data or "",
        language=form.language.data or "",
        keywords=form.keywords.data or "",
        active=bool(form.active.data),
        set_status=form.set_status.data or "",
        set_priority=form.set_priority.data or "",
        add_tags=form.add_tags.data or "",
    )


def action_labels(reply: SavedReply) -> list[str]:
    """The reply's actions in words ("status Waiting on customer", "tag billing")."""
    labels = []
    if reply.set_status:
        labels.append(_("status %(name)s", name=STATUS_LABELS[reply.set_status]))
    if reply.set_priority:
        labels.append(_("priority %(name)s", name=PRIORITY_LABELS[reply.set_priority]))
    labels.extend(_("tag %(name)s", name=name) for name in reply.tag_names)
    return labels


def _list_page(form: SavedReplyForm | None = None, status: int = 200) -> tuple[str, int]:
    user = staff()
    search = (request.args.get("q") or "").strip()[:200]
    language = request.args.get("language", "")
    language = language if language in LANGUAGE_NAMES else ""
    scope = request.args.get("scope", "")
    scope = scope if scope in SCOPES else ""
    return render_template(
        "saved_replies/list.html",
        replies=replies_listed(user, search=search, language=language, scope=scope),
        form=form or _form(user),
        delete_form=DeleteForm(formdata=None),
        search=search,
        language=language,
        scope=scope,
        languages=LANGUAGE_NAMES,
        can_manage=lambda reply: service.can_manage(user, reply),
        action_labels=action_labels,
    ), status


@bp.get("")
def reply_list() -> tuple[str, int]:
    return _list_page()


@bp.post("")
def reply_add() -> Response | tuple[str, int]:
    user = staff()
    form = _form(user, request.form)
    if not form.validate_on_submit():
        return _list_page(form=form, status=422)
    if form.scope.data not in ("team", "personal"):
        form.scope.errors = [*form.scope.errors, _("Choose who uses it.")]
        return _list_page(form=form, status=422)
    outcome = run_use_case(
        lambda: service.saved_reply_create(
            actor=user, team=form.scope.data == "team", fields=_fields(form)
        ),
        form=form,
        every_error_on_form=True,
    )
    if not outcome.ok:
        return _list_page(form=form, status=outcome.status)
    flash(_("The saved reply is ready to use."), "success")
    return redirect(url_for("saved_replies.reply_list"))


def _editable(reply_id: int) -> SavedReply:
    """The reply, if the current user may manage it: someone else's personal reply is not
    found (404); a team reply for a non-admin is refused (403)."""
    reply = row_or_404(SavedReply, reply_id)
    user = staff()
    if not service.can_use(user, reply) or reply.heard_step is not None:
        abort(404)  # the HEARD panel's phrases are managed on the phrase library page
    if not service.can_manage(user, reply):
        abort(403)
    return reply


@bp.route("/<id:reply_id>", methods=["GET", "POST"])
def reply_edit(reply_id: int) -> Response | tuple[str, int]:
    reply = _editable(reply_id)
    user = staff()
    posted = request.method == "POST"
    form = _form(user, request.form if posted else None, reply)
    if posted and form.validate_on_submit():
        outcome = run_use_case(
            lambda: service.saved_reply_update(actor=user, reply=reply, fields=_fields(form)),
            form=form,
            every_error_on_form=True,
        )
        if outcome.ok:
            flash(_("The saved reply is saved."), "success")
            return redirect(url_for("saved_replies.reply_list"))
    status = 422 if posted else 200
    return render_template("saved_replies/edit.html", reply=reply, form=form), status


@bp.post("/<id:reply_id>/delete")
def reply_delete(reply_id: int) -> Response:
    reply = _editable(reply_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    service.saved_reply_delete(actor=staff(), reply=reply)
    flash(_("The saved reply is deleted."), "success")
    return redirect(url_for("saved_replies.reply_list"))


@picker_bp.get("/tickets/<number:number>/saved-replies")
def picker_list(number: int) -> Response:
    """What the composer's picker offers on this ticket (the ticket's language first)."""
    ticket = ticket_or_404(number)
    language = ticket.customer.language or "en"
    replies = replies_for_picker(staff(), language)
    return no_store(
        jsonify(
            replies=[
                {
                    "id": reply.id,
                    "title": reply.title,
                    "language": reply.language,
                    "language_name": LANGUAGE_NAMES.get(reply.language, reply.language),
                    "team": reply.is_team,
                    "keywords": reply.keywords,
                    "preview": reply.body[:140],
                }
                for reply in replies
            ]
        )
    )


@picker_bp.get("/tickets/<number:number>/saved-replies/<id:reply_id>")
def picker_fill(number: int, reply_id: int) -> Response:
    """One reply with its placeholders filled in for this ticket and the current agent.
    A read: it counts nothing (the use is counted when the reply is sent)."""
    ticket = ticket_or_404(number)
    reply = row_or_404(SavedReply, reply_id)
    user = staff()
    if not service.can_use(user, reply) or not reply.active:
        abort(404)
    text = fill_placeholders(reply.body, ticket_values(ticket, user), reply.language)
    return no_store(jsonify(id=reply.id, text=text, actions=action_labels(reply)))
