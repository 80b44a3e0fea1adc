"""The bell (polled, answered 304 while nothing changed), opening a notification, marking
all read, the people a note can @mention, and each person's email preferences. Staff
only; each person sees and marks only their own notifications."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role, safe_next
from helpdesk.notifications.bell import (
    BellState,
    bell_for,
    bell_state,
    notification_open,
    notifications_mark_read,
)
from helpdesk.notifications.forms import BellForm, PreferencesForm
from helpdesk.notifications.mentions import mentionable
from helpdesk.notifications.preferences import preferences_for, preferences_save
from helpdesk.notifications.texts import describe
from helpdesk.web.current import staff
from helpdesk.web.use_case import run_use_case

bp = Blueprint("notifications", __name__)
bp.before_request(require_role("agent"))


def _poll_seconds() -> int:
    return max(1, int(current_app.config.get("BELL_POLL_SECONDS", 30)))


def _etag(newest_id: int, unread: int) -> str:
    """Changes with what the bell shows: a new item, one read, the language, the interval."""
    return f"bell-{newest_id}-{unread}-{get_locale()}-{_poll_seconds()}"


def _bell_response(state: BellState | None = None) -> Response:
    bell = bell_for(staff(), state=state)
    etag = _etag(bell.newest_id, bell.unread)
    response = current_app.make_response(
        (
            render_template(
                "notifications/_bell.html",
                bell=bell,
                describe=describe,
                etag=etag,
                poll_seconds=_poll_seconds(),
            ),
            200,
        )
    )
    response.set_etag(etag)
    return response


@bp.get("/notifications")
def bell() -> Response:
    """The bell. A poll sends the ETag it was given (If-None-Match, from the markup: the
    staff pages are `no-store`, so the browser's cache keeps nothing to revalidate): while
    the newest id and the unread count are the same, one single-row query answers 304 and
    nothing is rendered."""
    state = bell_state(staff().id)
    etag = _etag(state.newest_id, state.unread)
    if etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        return response
    return _bell_response(state)


@bp.post("/notifications/read")
def bell_read() -> Response:
    if not BellForm().validate_on_submit():
        abort(400)
    notifications_mark_read(user=staff())
    if request.headers.get("HX-Request"):
        return _bell_response()
    return redirect(safe_next(request.referrer) or url_for("tickets.inbox"), code=303)


@bp.post("/notifications/<int:notification_id>/open")
def bell_open(notification_id: int) -> Response:
    """Follow a notification: it is read, and the ticket opens."""
    if not BellForm().validate_on_submit():
        abort(400)
    ticket = notification_open(user=staff(), notification_id=notification_id)
    if ticket is None:
        abort(404)
    return redirect(url_for("tickets.ticket", number=ticket.number), code=303)


@bp.get("/notifications/mentionable")
def mentionable_staff() -> Response:
    """Active staff for the composer's @mention picker (not the writer: a note does not
    notify its author): name and the handle to insert."""
    me = staff().id
    people = [
        {"name": person.name, "handle": person.handle}
        for person in mentionable()
        if person.id != me
    ]
    return jsonify(people)


@bp.app_template_global("notification_preferences_form")
def notification_preferences_form() -> PreferencesForm:
    """The account page's preferences section (rendered there, saved here)."""
    return PreferencesForm.showing(preferences_for(staff().id))


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences() -> Response | tuple[str, int]:
    if request.method == "GET":
        return redirect(url_for("auth.account") + "#notification-settings")
    form = PreferencesForm()
    if form.validate_on_submit():
        outcome = run_use_case(
            lambda: preferences_save(
                user=staff(), email=form.email_choices(), digest=form.delivery.data == "digest"
            ),
            form=form,
        )
        if outcome.ok:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for("auth.account") + "#notification-settings", code=303)
        status = outcome.status
    else:
        status = 422
    return render_template("notifications/preferences.html", form=form), status
