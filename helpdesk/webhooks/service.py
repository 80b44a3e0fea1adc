"""Webhook subscriptions (admins only): create, change, pause and resume, delete, rotate the
signing secret, and send a test event. Every change is a use case, decorated `@use_case`:
audited, and committed once (rolled back when it raises).

A subscription's URL is checked for shape and against SSRF on every save (and again before
every delivery, in `delivery`); its events are a non-empty subset of WEBHOOK_EVENTS. The
signing secret (`whsec_` + 48 hex digits, 192 random bits) is returned by `webhook_create`
and `webhook_secret_rotate` only, for the page to show once; the audit log never holds it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import WEBHOOK_EVENTS, Outbox, User, Webhook
from helpdesk.webhooks import ssrf
from helpdesk.webhooks.events import TEST_EVENT, enqueue_delivery, forget_subscriptions
from helpdesk.webhooks.settings import webhook_settings

MAX_DESCRIPTION_CHARS = 200
MAX_WEBHOOKS = 50
# A prefix that marks a webhook secret, not a secret.
SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105


def _require_admin(actor: User) -> None:
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can manage webhooks."))


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_hex(24)


def secret_hint(secret: str) -> str:
    """Enough of a secret to tell which one is in use (`whsec_3f9a…`), never all of it."""
    return secret[: len(SECRET_PREFIX) + 4] + "…"


_URL_MESSAGES = {
    "too_long": lambda: _(
        "Use at most %(count)d characters for the URL.", count=ssrf.MAX_URL_CHARS
    ),
    "scheme": lambda: _("Use an address starting with https:// (or http://)."),
    "credentials": lambda: _(
        "Leave the user name and password out of the URL; verify deliveries with the "
        "signature instead."
    ),
    "host": lambda: _("Write the whole address, like https://example.com/hooks/helpdesk."),
    "port": lambda: _("The port in this URL is not valid."),
    "unresolvable": lambda: _("The host name in this URL could not be found."),
    "forbidden_address": lambda: _(
        "This URL leads to a private, local or reserved address, which webhooks may not "
        "reach. An admin can allow such addresses below (for development only)."
    ),
}


def clean_url(url: str) -> str:
    """The URL as it will be used, or ValidationError("url") saying what is wrong."""
    url = (url or "").strip()
    if not url:
        raise ValidationError("url", _("Enter the URL to send events to."))
    try:
        ssrf.check_target(url, allow_private=webhook_settings().allow_private)
    except ssrf.UnsafeTarget as refusal:
        raise ValidationError("url", _URL_MESSAGES[refusal.code]()) from refusal
    return url


def clean_events(events: Iterable[str]) -> list[str]:
    """The chosen events in the documented order; ValidationError("events") otherwise."""
    chosen = {event for event in events}
    unknown = chosen.difference(WEBHOOK_EVENTS)
    if unknown:
        raise ValidationError(
            "events",
            _("Unknown event: %(event)s.", event=", ".join(sorted(unknown))[:100]),
        )
    if not chosen:
        raise ValidationError("events", _("Choose at least one event."))
    return [event for event in WEBHOOK_EVENTS if event in chosen]


def clean_description(description: str) -> str:
    description = " ".join((description or "").split())
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ValidationError(
            "description", _("Use at most %(count)d characters.", count=MAX_DESCRIPTION_CHARS)
        )
    return description


def webhooks_all() -> list[Webhook]:
    return list(db.session.scalars(sa.select(Webhook).order_by(Webhook.id)))


@use_case
def webhook_create(
    *, actor: User, url: str, description: str, events: Iterable[str], active: bool = True
) -> tuple[Webhook, str]:
    """A new subscription; returns it with its signing secret (shown once)."""
    _require_admin(actor)
    values = {
        "url": clean_url(url),
        "description": clean_description(description),
        "events": clean_events(events),
    }
    count = db.session.scalar(sa.select(sa.func.count(Webhook.id))) or 0
    if count >= MAX_WEBHOOKS:
        raise ValidationError(
            None, _("You have %(count)d webhooks, the most there can be.", count=count)
        )
    secret = new_secret()
    webhook = Webhook(
        **values, secret=secret, active=active, created_by_id=actor.id, created_at=now()
    )
    db.session.add(webhook)
    db.session.flush()
    audit(actor=actor, action="webhook.create", obj=webhook, changes={**values, "active": active})
    forget_subscriptions()
    return webhook, secret


@use_case
def webhook_update(
    *,
    webhook: Webhook,
    actor: User,
    url: str,
    description: str,
    events: Iterable[str],
    active: bool,
) -> dict[str, list[object]]:
    """Change a subscription's URL, description, events or state; returns what changed."""
    _require_admin(actor)
    after: dict[str, object] = {
        "url": clean_url(url),
        "description": clean_description(description),
        "events": clean_events(events),
        "active": active,
    }
    changes: dict[str, list[object]] = {}
    for name, value in after.items():
        before = getattr(webhook, name)
        if before != value:
            changes[name] = [before, value]
            setattr(webhook, name, value)
    if changes:
        audit(actor=actor, action="webhook.update", obj=webhook, changes=changes)
        forget_subscriptions()
    return changes


@use_case
def webhook_set_active(*, webhook: Webhook, actor: User, active: bool) -> Webhook:
    """Pause (no new deliveries; pending ones fail at their turn) or resume."""
    _require_admin(actor)
    if webhook.active != active:
        audit(
            actor=actor,
            action="webhook.resume" if active else "webhook.pause",
            obj=webhook,
            changes={"active": [webhook.active, active]},
        )
        webhook.active = active
        forget_subscriptions()
    return webhook


@use_case
def webhook_delete(*, webhook: Webhook, actor: User) -> None:
    """Delete a subscription with its delivery log (pending deliveries are dropped)."""
    _require_admin(actor)
    audit(
        actor=actor,
        action="webhook.delete",
        obj=webhook,
        changes={"url": webhook.url, "events": list(webhook.events)},
    )
    db.session.execute(sa.delete(Outbox).where(Outbox.webhook_id == webhook.id))
    db.session.delete(webhook)
    forget_subscriptions()


@use_case
def webhook_secret_rotate(*, webhook: Webhook, actor: User) -> str:
    """A new signing secret, used from the next delivery on (retries included); the old one
    stops working at once. Returns it, to be shown once."""
    _require_admin(actor)
    secret = new_secret()
    audit(
        actor=actor,
        action="webhook.secret_rotate",
        obj=webhook,
        changes={"secret": [secret_hint(webhook.secret), secret_hint(secret)]},
    )
    webhook.secret = secret
    return secret


@use_case
def webhook_send_test(*, webhook: Webhook, actor: User) -> Outbox:
    """Queue a `ping` delivery to this subscription only (it shows in its log)."""
    _require_admin(actor)
    if not webhook.active:
        raise Conflict(_("This webhook is paused: resume it to send a test event."))
    row = enqueue_delivery(
        webhook_id=webhook.id,
        event=TEST_EVENT,
        data={
            "webhook": {"id": webhook.id, "url": webhook.url, "events": list(webhook.events)},
            "message": "A test event from Helpdesk: this webhook works.",
        },
    )
    db.session.flush()
    audit(
        actor=actor,
        action="webhook.test",
        obj=webhook,
        changes={"delivery": row.message_id},
    )
    return row
