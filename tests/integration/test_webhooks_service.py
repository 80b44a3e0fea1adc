"""Webhook subscriptions as a service: admins only, every input checked with a specific
error, secrets made fresh and never audited, every change audited."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Outbox, User, Webhook
from helpdesk.webhooks import service, ssrf
from helpdesk.webhooks.settings import webhook_settings, webhook_settings_update

URL = "https://hooks.example.com/helpdesk"


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """hooks.example.com is public; nothing else resolves (no network in tests)."""
    import socket

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host != "hooks.example.com":
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", getaddrinfo)


def staff(role: str) -> User:
    return user_create(
        email=f"{role}@example.com",
        name=role.title(),
        role=role,
        password="long-enough-password",
        actor="test",
    )


def create(actor: User, **changes: Any) -> tuple[Webhook, str]:
    values: dict[str, Any] = {
        "url": URL,
        "description": "CRM",
        "events": ["ticket.created"],
        **changes,
    }
    return service.webhook_create(actor=actor, **values)


def audits() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


def test_an_admin_creates_a_subscription_with_a_fresh_secret(database):
    admin = staff("admin")
    webhook, secret = create(
        admin, events=["rating.received", "ticket.created"], description=" a  b "
    )
    assert webhook.url == URL
    assert webhook.events == ["ticket.created", "rating.received"]  # documented order
    assert webhook.description == "a b"
    assert webhook.active is True and webhook.created_by_id == admin.id
    assert secret == webhook.secret and secret.startswith("whsec_") and len(secret) == 54
    assert create(admin)[1] != secret
    event = [item for item in audits() if item.action == "webhook.create"][0]
    assert event.object_type == "webhooks" and event.object_id == str(webhook.id)
    assert secret not in str(event.changes)


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_only_admins_manage_webhooks(database, role):
    admin, other = staff("admin"), staff(role)
    webhook, _secret = create(admin)
    with pytest.raises(NotAllowed):
        create(other)
    for call in (
        lambda: service.webhook_update(
            webhook=webhook,
            actor=other,
            url=URL,
            description="",
            events=["ticket.created"],
            active=True,
        ),
        lambda: service.webhook_set_active(webhook=webhook, actor=other, active=False),
        lambda: service.webhook_delete(webhook=webhook, actor=other),
        lambda: service.webhook_secret_rotate(webhook=webhook, actor=other),
        lambda: service.webhook_send_test(webhook=webhook, actor=other),
        lambda: webhook_settings_update(actor=other, allow_private=True),
    ):
        with pytest.raises(NotAllowed):
            call()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Webhook.id))) == 1
    assert webhook_settings().allow_private is False


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"url": ""}, "url", "Enter the URL"),
        ({"url": "   "}, "url", "Enter the URL"),
        ({"url": "ftp://hooks.example.com/"}, "url", "https://"),
        ({"url": "hooks.example.com"}, "url", "https://"),
        ({"url": "https://u:p@hooks.example.com/"}, "url", "password"),
        ({"url": "https:///x"}, "url", "whole address"),
        ({"url": "https://hooks.example.com:70000/"}, "url", "port"),
        ({"url": "https://nowhere.invalid/"}, "url", "could not be found"),
        ({"url": "http://127.0.0.1/"}, "url", "private, local or reserved"),
        ({"url": "http://2130706433/"}, "url", "private, local or reserved"),
        ({"url": "http://0177.0.0.1/"}, "url", "private, local or reserved"),
        ({"url": "http://[::ffff:127.0.0.1]/"}, "url", "private, local or reserved"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url", "private, local or reserved"),
        ({"url": "https://hooks.example.com/" + "x" * 2000}, "url", "2000"),
        ({"events": []}, "events", "at least one"),
        ({"events": ["ticket.deleted"]}, "events", "ticket.deleted"),
        ({"events": ["ticket.created", "<script>"]}, "events", "Unknown event"),
        ({"description": "x" * 201}, "description", "200"),
    ],
)
def test_bad_input_is_refused_naming_the_field(database, changes, field, words):
    admin = staff("admin")
    with pytest.raises(ValidationError) as caught:
        create(admin, **changes)
    assert caught.value.field == field
    assert words in caught.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Webhook.id))) == 0


def test_the_private_address_setting_allows_loopback_and_is_audited(database):
    admin = staff("admin")
    webhook_settings_update(actor=admin, allow_private=True)
    webhook, _secret = create(admin, url="http://127.0.0.1:5001/hook")
    assert webhook.url == "http://127.0.0.1:5001/hook"
    assert [a.changes for a in audits() if a.action == "settings.webhooks"] == [
        {"allow_private": [False, True]}
    ]


def test_update_pause_rotate_test_and_delete_are_audited(database):
    admin = staff("admin")
    webhook, secret = create(admin)
    changes = service.webhook_update(
        webhook=webhook,
        actor=admin,
        url=URL + "/v2",
        description="CRM",
        events=["ticket.created", "ticket.updated"],
        active=True,
    )
    assert changes == {
        "url": [URL, URL + "/v2"],
        "events": [["ticket.created"], ["ticket.created", "ticket.updated"]],
    }
    assert (
        service.webhook_update(
            webhook=webhook,
            actor=admin,
            url=URL + "/v2",
            description="CRM",
            events=["ticket.updated", "ticket.created"],
            active=True,
        )
        == {}
    )
    service.webhook_set_active(webhook=webhook, actor=admin, active=False)
    with pytest.raises(Conflict):
        service.webhook_send_test(webhook=webhook, actor=admin)
    service.webhook_set_active(webhook=webhook, actor=admin, active=True)
    row = service.webhook_send_test(webhook=webhook, actor=admin)
    assert (row.kind, row.template, row.webhook_id, row.status) == (
        "webhook",
        "ping",
        webhook.id,
        "pending",
    )
    new = service.webhook_secret_rotate(webhook=webhook, actor=admin)
    assert new != secret and webhook.secret == new
    webhook_id = webhook.id
    service.webhook_delete(webhook=webhook, actor=admin)
    assert db.session.get(Webhook, webhook_id) is None
    assert db.session.scalar(sa.select(sa.func.count(Outbox.id))) == 0
    assert [a.action for a in audits() if a.action.startswith("webhook.")] == [
        "webhook.create",
        "webhook.update",
        "webhook.pause",
        "webhook.resume",
        "webhook.test",
        "webhook.secret_rotate",
        "webhook.delete",
    ]
    text = str([a.changes for a in audits()])
    assert secret not in text and new not in text
