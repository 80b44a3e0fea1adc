"""Admin pages for webhooks (`/settings/webhooks`): the list with the private-address
setting, the create and edit form, the secret (shown once, on create and on rotation),
pause and resume, delete, "Send test event", and each subscription's delivery log."""

from __future__ import annotations

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
from flask_htmx import make_response as htmx_response
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import DomainError, ValidationError
from helpdesk.forms import parse_id
from helpdesk.models import Webhook
from helpdesk.web.current import staff
from helpdesk.web.htmx_render import render_page_or_fragment, wants_fragment
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case
from helpdesk.webhooks import service
from helpdesk.webhooks.delivery import BACKOFF, MAX_ATTEMPTS
from helpdesk.webhooks.forms import (
    EVENT_LABELS,
    ActionForm,
    NetworkForm,
    WebhookForm,
    webhook_form_data,
)
from helpdesk.webhooks.queries import deliveries_of, webhook_pending_and_failed
from helpdesk.webhooks.settings import webhook_settings, webhook_settings_update

bp = Blueprint("webhooks", __name__, url_prefix="/settings/webhooks")
bp.before_request(require_role("admin"))

PER_PAGE = 50


def _get_webhook(webhook_id: int) -> Webhook:
    return row_or_404(Webhook, webhook_id)


def _list_page(network: NetworkForm | None = None, status: int = 200) -> tuple[str, int]:
    if network is None:
        network = NetworkForm(
            formdata=None, data={"allow_private": webhook_settings().allow_private}
        )
    html = render_template(
        "webhooks/list.html",
        webhooks=service.webhooks_all(),
        counts=webhook_pending_and_failed(),
        network=network,
        action_form=ActionForm(formdata=None),
        event_labels=EVENT_LABELS,
    )
    return html, status


@bp.get("")
def webhook_list() -> tuple[str, int]:
    return _list_page()


@bp.post("/network")
def network_save() -> Response | tuple[str, int]:
    form = NetworkForm()
    if not form.validate_on_submit():
        return _list_page(network=form, status=422)
    webhook_settings_update(actor=staff(), allow_private=bool(form.allow_private.data))
    flash(_("Webhook settings are saved."), "success")
    return redirect(url_for("webhooks.webhook_list"))


def _form_page(form: WebhookForm, webhook: Webhook | None, status: int) -> Response:
    """The create or edit page, or just its form for htmx (422 with the errors)."""
    return render_page_or_fragment(
        "webhooks/edit.html",
        "webhooks/_form.html",
        status=status,
        form=form,
        webhook=webhook,
        action_form=ActionForm(formdata=None),
        secret_hint=service.secret_hint(webhook.secret) if webhook is not None else "",
    )


def _secret_page(webhook: Webhook, secret: str, *, created: bool) -> Response:
    """The one time a secret is shown (after create or rotation); not cached."""
    context: dict[str, Any] = {"webhook": webhook, "secret": secret, "created": created}
    if wants_fragment():
        html = render_template("webhooks/_secret.html", **context)
        response = htmx_response(
            html,
            retarget="#main",
            reswap="innerHTML",
            push_url=url_for("webhooks.webhook_edit", webhook_id=webhook.id),
        )
    else:
        response = make_response(render_template("webhooks/secret.html", **context))
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Request")
    return response


@bp.get("/new")
def webhook_new() -> Response:
    return _form_page(WebhookForm(formdata=None), None, 200)


@bp.post("/new")
def webhook_create() -> Response:
    form = WebhookForm()
    if form.validate_on_submit():
        created = run_use_case(
            lambda: service.webhook_create(
                actor=staff(),
                url=form.url.data or "",
                description=form.description.data or "",
                events=form.chosen_events(),
                active=bool(form.active.data),
            ),
            form=form,
            catch=ValidationError,
        )
        if created.value is not None:
            webhook, secret = created.value
            return _secret_page(webhook, secret, created=True)
    return _form_page(form, None, 422)


@bp.get("/<id:webhook_id>")
def webhook_edit(webhook_id: int) -> Response:
    webhook = _get_webhook(webhook_id)
    form = WebhookForm(formdata=None, data=webhook_form_data(webhook))
    return _form_page(form, webhook, 200)


@bp.post("/<id:webhook_id>")
def webhook_save(webhook_id: int) -> Response:
    webhook = _get_webhook(webhook_id)
    form = WebhookForm()
    if form.validate_on_submit():
        updated = run_use_case(
            lambda: service.webhook_update(
                webhook=webhook,
                actor=staff(),
                url=form.url.data or "",
                description=form.description.data or "",
                events=form.chosen_events(),
                active=bool(form.active.data),
            ),
            form=form,
            catch=ValidationError,
        )
        if updated.ok:
            flash(_("The webhook is saved."), "success")
            target = url_for("webhooks.webhook_list")
            if wants_fragment():
                return htmx_response(redirect=target)
            return redirect(target)
    return _form_page(form, _get_webhook(webhook_id), 422)


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, description=_("The form expired: reload the page and try again."))


@bp.post("/<id:webhook_id>/secret")
def webhook_secret(webhook_id: int) -> Response:
    webhook = _get_webhook(webhook_id)
    _checked_action()
    secret = service.webhook_secret_rotate(webhook=webhook, actor=staff())
    return _secret_page(webhook, secret, created=False)


@bp.post("/<id:webhook_id>/test")
def webhook_test(webhook_id: int) -> Response:
    webhook = _get_webhook(webhook_id)
    _checked_action()
    try:
        service.webhook_send_test(webhook=webhook, actor=staff())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("webhooks.webhook_edit", webhook_id=webhook.id))
    flash(_("A test event is queued; it is sent within a few seconds."), "success")
    return redirect(url_for("webhooks.webhook_deliveries", webhook_id=webhook.id))


@bp.post("/<id:webhook_id>/pause")
def webhook_pause(webhook_id: int) -> Response:
    return _set_active(webhook_id, active=False)


@bp.post("/<id:webhook_id>/resume")
def webhook_resume(webhook_id: int) -> Response:
    return _set_active(webhook_id, active=True)


def _set_active(webhook_id: int, *, active: bool) -> Response:
    webhook = _get_webhook(webhook_id)
    _checked_action()
    service.webhook_set_active(webhook=webhook, actor=staff(), active=active)
    if active:
        flash(_("The webhook is active again."), "success")
    else:
        flash(_("The webhook is paused: no events are sent to it."), "success")
    return redirect(url_for("webhooks.webhook_list"))


@bp.post("/<id:webhook_id>/delete")
def webhook_delete(webhook_id: int) -> Response:
    webhook = _get_webhook(webhook_id)
    _checked_action()
    service.webhook_delete(webhook=webhook, actor=staff())
    flash(_("The webhook and its delivery log are deleted."), "success")
    return redirect(url_for("webhooks.webhook_list"))


@bp.get("/<id:webhook_id>/deliveries")
def webhook_deliveries(webhook_id: int) -> str:
    webhook = _get_webhook(webhook_id)
    raw_page = request.args.get("page", "1")
    page = parse_id(raw_page)
    if not page:
        abort(400, description=_("Unknown value for %(name)s.", name="page"))
    rows = deliveries_of(webhook, offset=(page - 1) * PER_PAGE, limit=PER_PAGE + 1)
    return render_template(
        "webhooks/deliveries.html",
        webhook=webhook,
        rows=rows[:PER_PAGE],
        page_number=page,
        has_next=len(rows) > PER_PAGE,
        max_attempts=MAX_ATTEMPTS,
        backoff_steps=len(BACKOFF),
        action_form=ActionForm(formdata=None),
    )
