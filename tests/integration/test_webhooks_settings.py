"""The admin's webhook pages: only admins get in; creating shows the secret once; bad input
comes back as 422 beside its field with everything typed kept (a fragment for htmx);
the test button queues a ping shown in the delivery log; the log pages newest first."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Outbox, Webhook
from helpdesk.webhooks import ssrf
from helpdesk.webhooks.events import enqueue_delivery
from helpdesk.webhooks.settings import webhook_settings
from tests.conftest import csrf_token

PAGE = "/settings/webhooks"
URL = "https://hooks.example.com/helpdesk"
T0 = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/settings/webhooks/new"}


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host != "hooks.example.com":
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", getaddrinfo)


def form(client, **changes: Any) -> dict[str, Any]:
    return {
        "url": URL,
        "description": "Our CRM",
        "events": ["ticket.created", "message.created"],
        "active": "y",
        "csrf_token": csrf_token(client, PAGE),
        **changes,
    }


def created(app, client) -> tuple[int, str]:
    response = client.post(f"{PAGE}/new", data=form(client))
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        webhook = db.session.scalars(sa.select(Webhook).order_by(Webhook.id.desc())).first()
        assert webhook is not None
        return webhook.id, webhook.secret


def test_logged_out_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_agents_and_founders_get_403_everywhere(app, login_as, role):
    admin = login_as("admin")
    webhook_id, _secret = created(app, admin)
    client = login_as(role)
    token = csrf_token(client, "/inbox")
    for path in (PAGE, f"{PAGE}/new", f"{PAGE}/{webhook_id}", f"{PAGE}/{webhook_id}/deliveries"):
        assert client.get(path).status_code == 403, path
    for path in (
        f"{PAGE}/new",
        f"{PAGE}/network",
        f"{PAGE}/{webhook_id}",
        f"{PAGE}/{webhook_id}/secret",
        f"{PAGE}/{webhook_id}/test",
        f"{PAGE}/{webhook_id}/pause",
        f"{PAGE}/{webhook_id}/delete",
    ):
        assert client.post(path, data={**form(admin), "csrf_token": token}).status_code == 403
    assert 'href="/settings/webhooks"' not in client.get("/inbox").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Webhook, webhook_id) is not None
        assert db.session.scalar(sa.select(sa.func.count(Outbox.id))) == 0


def test_admin_creates_a_webhook_and_sees_the_secret_once(app, login_as):
    admin = login_as("admin")
    listing = admin.get(PAGE).get_data(as_text=True)
    assert f'href="{PAGE}"' in listing  # the navigation entry
    assert "No webhooks yet." in listing
    assert admin.get(f"{PAGE}/new").status_code == 200

    response = admin.post(f"{PAGE}/new", data=form(admin))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    with app.app_context():
        webhook = db.session.scalars(sa.select(Webhook)).one()
        assert webhook.events == ["ticket.created", "message.created"]
        assert webhook.description == "Our CRM" and webhook.active
        secret = webhook.secret
    assert secret in html
    edit = admin.get(f"{PAGE}/{webhook.id}").get_data(as_text=True)
    assert secret not in edit and secret[:10] + "…" in edit
    assert URL in admin.get(PAGE).get_data(as_text=True)


def test_bad_input_is_422_beside_the_field_with_what_was_typed(app, login_as):
    admin = login_as("admin")
    response = admin.post(
        f"{PAGE}/new",
        data=form(admin, url="http://127.0.0.1:8080/hook", description="<b>bold</b>", events=[]),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "private, local or reserved" in html
    assert 'value="http://127.0.0.1:8080/hook"' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert 'aria-invalid="true"' in html

    response = admin.post(f"{PAGE}/new", data=form(admin, events=["message.created"], url=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the URL" in html
    assert re.search(r'value="message.created"[^>]*checked', html)
    assert not re.search(r'value="ticket.created"[^>]*checked', html)

    response = admin.post(f"{PAGE}/new", data=form(admin, url=URL, events=[]))
    assert response.status_code == 422
    assert "Choose at least one event." in response.get_data(as_text=True)
    response = admin.post(f"{PAGE}/new", data=form(admin, events=["ticket.created", "bogus"]))
    assert response.status_code == 422
    assert "Unknown event: bogus." in response.get_data(as_text=True)
    response = admin.post(f"{PAGE}/new", data=form(admin, url="x" * 5000))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Webhook.id))) == 0


def test_htmx_gets_the_form_fragment_on_error_and_the_secret_in_main_on_success(app, login_as):
    admin = login_as("admin")
    response = admin.post(f"{PAGE}/new", data=form(admin, url="ftp://x"), headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert 'value="ftp://x"' in html

    response = admin.post(f"{PAGE}/new", data=form(admin), headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#main"
    with app.app_context():
        webhook = db.session.scalars(sa.select(Webhook)).one()
    assert webhook.secret in response.get_data(as_text=True)
    assert response.headers["HX-Push-Url"] == f"{PAGE}/{webhook.id}"


def test_editing_saves_and_redirects_and_errors_keep_the_edit(app, login_as):
    admin = login_as("admin")
    webhook_id, _secret = created(app, admin)
    page = admin.get(f"{PAGE}/{webhook_id}").get_data(as_text=True)
    assert re.search(r'value="ticket.created"[^>]*checked', page)
    response = admin.post(
        f"{PAGE}/{webhook_id}", data=form(admin, events=["rating.received"], active="")
    )
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert webhook is not None
        assert webhook.events == ["rating.received"] and webhook.active is False
    response = admin.post(
        f"{PAGE}/{webhook_id}", data=form(admin, url="http://[::1]/"), headers=HTMX
    )
    assert response.status_code == 422
    assert 'value="http://[::1]/"' in response.get_data(as_text=True)
    response = admin.post(f"{PAGE}/{webhook_id}", data=form(admin), headers=HTMX)
    assert response.headers["HX-Redirect"] == PAGE
    assert admin.get(f"{PAGE}/999999").status_code == 404


def test_forms_need_the_csrf_token(app, login_as):
    admin = login_as("admin")
    webhook_id, _secret = created(app, admin)
    no_token = {**form(admin), "csrf_token": "forged"}
    assert admin.post(f"{PAGE}/new", data=no_token).status_code == 400
    assert admin.post(f"{PAGE}/{webhook_id}/delete", data=no_token).status_code == 400
    assert admin.post(f"{PAGE}/{webhook_id}/secret", data={}).status_code == 400
    with app.app_context():
        assert db.session.get(Webhook, webhook_id) is not None
        assert db.session.scalar(sa.select(sa.func.count(Webhook.id))) == 1


def test_rotating_shows_the_new_secret_once(app, login_as):
    admin = login_as("admin")
    webhook_id, old = created(app, admin)
    response = admin.post(
        f"{PAGE}/{webhook_id}/secret", data={"csrf_token": csrf_token(admin, PAGE)}
    )
    assert response.status_code == 200
    with app.app_context():
        new = db.session.get(Webhook, webhook_id).secret  # type: ignore[union-attr]
    assert new != old
    html = response.get_data(as_text=True)
    assert new in html and old not in html


def test_the_test_button_queues_a_ping_shown_in_the_delivery_log(app, login_as):
    admin = login_as("admin")
    webhook_id, _secret = created(app, admin)
    response = admin.post(f"{PAGE}/{webhook_id}/test", data={"csrf_token": csrf_token(admin, PAGE)})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{PAGE}/{webhook_id}/deliveries"
    log = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "<code>ping</code>" in log and "Waiting" in log
    with app.app_context():
        row = db.session.scalars(sa.select(Outbox)).one()
        assert (row.kind, row.template, row.webhook_id) == ("webhook", "ping", webhook_id)

    admin.post(f"{PAGE}/{webhook_id}/pause", data={"csrf_token": csrf_token(admin, PAGE)})
    response = admin.post(
        f"{PAGE}/{webhook_id}/test",
        data={"csrf_token": csrf_token(admin, PAGE)},
        follow_redirects=True,
    )
    assert "resume it to send a test event" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Outbox.id))) == 1


def test_the_delivery_log_pages_newest_first_with_codes_and_errors(app, login_as, set_now):
    admin = login_as("admin")
    webhook_id, _secret = created(app, admin)
    other_id, _other = created(app, admin)
    with app.app_context():
        for number in range(52):
            set_now(T0 + timedelta(minutes=number))
            row = enqueue_delivery(
                webhook_id=webhook_id, event="ticket.created", data={"n": number}
            )
            if number == 51:
                row.status, row.attempts, row.response_code = "pending", 2, 502
                row.last_error = "HTTP 502 Bad Gateway: <upstream down>"
        enqueue_delivery(webhook_id=other_id, event="rating.received", data={})
        db.session.commit()
    first = admin.get(f"{PAGE}/{webhook_id}/deliveries")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.count("<code>ticket.created</code>") == 50
    assert "rating.received" not in html  # another subscription's delivery
    assert "502" in html and "HTTP 502 Bad Gateway: &lt;upstream down&gt;" in html
    assert html.index("HTTP 502") < html.index(
        "<code>ticket.created</code>", html.index("HTTP 502")
    )
    assert f"{PAGE}/{webhook_id}/deliveries?page=2" in html
    second = admin.get(f"{PAGE}/{webhook_id}/deliveries?page=2").get_data(as_text=True)
    assert second.count("<code>ticket.created</code>") == 2
    for bad in ("0", "-1", "x", "99999999999"):
        assert admin.get(f"{PAGE}/{webhook_id}/deliveries?page={bad}").status_code == 400
    assert admin.get(f"{PAGE}/424242/deliveries").status_code == 404


def test_pause_resume_and_delete(app, login_as):
    admin = login_as("admin")
    webhook_id, _secret = created(app, admin)
    token = csrf_token(admin, PAGE)
    assert admin.post(f"{PAGE}/{webhook_id}/pause", data={"csrf_token": token}).status_code == 302
    assert "Paused" in admin.get(PAGE).get_data(as_text=True)
    admin.post(f"{PAGE}/{webhook_id}/resume", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).active is True  # type: ignore[union-attr]
    assert admin.post(f"{PAGE}/{webhook_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Webhook, webhook_id) is None
    assert admin.post(f"{PAGE}/{webhook_id}/delete", data={"csrf_token": token}).status_code == 404


def test_the_private_address_setting_is_off_by_default_and_admins_turn_it_on(app, login_as):
    admin = login_as("admin")
    assert 'name="allow_private"' in admin.get(PAGE).get_data(as_text=True)
    with app.app_context():
        assert webhook_settings().allow_private is False
    response = admin.post(
        f"{PAGE}/network", data={"allow_private": "y", "csrf_token": csrf_token(admin, PAGE)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert webhook_settings().allow_private is True
    response = admin.post(f"{PAGE}/new", data=form(admin, url="http://127.0.0.1:5001/hook"))
    assert response.status_code == 200
    assert admin.post(f"{PAGE}/network", data={"allow_private": "y"}).status_code == 400  # CSRF
