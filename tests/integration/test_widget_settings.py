"""The admin's widget page: only admins get in, good settings are saved and audited, every
bad input comes back as 422 next to its field with what was typed kept, and rotating the
secret changes it (and is audited)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent
from helpdesk.widget.settings import widget_secret, widget_settings
from tests.conftest import csrf_token

PAGE = "/settings/widget"


def form_data(client, **changes: str) -> dict[str, str]:
    return {
        "colour": "#0a7d55",
        "position": "bottom-left",
        "label": "Ask us",
        "greeting": "Hello from the shop team.",
        "allowed_origins": "https://shop.example.com\nhttp://127.0.0.1:5001",
        "csrf_token": csrf_token(client, PAGE),
        **changes,
    }


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_logged_out_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.post(PAGE, data={}).status_code in (302, 400)


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_non_admins_get_403(login_as, role):
    client = login_as(role)
    token = csrf_token(client, "/inbox")
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"colour": "#000000", "csrf_token": token}).status_code == 403
    assert client.post(f"{PAGE}/secret", data={"csrf_token": token}).status_code == 403


def test_admin_sees_the_form_snippet_secret_and_nav_link(app, login_as):
    admin = login_as("admin")
    response = admin.get(PAGE)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert f'href="{PAGE}"' in html
    # HELPDESK_BASE_URL unset: the address this page was served from.
    assert "&lt;script src=&#34;http://localhost/widget.js&#34; async&gt;&lt;/script&gt;" in html
    assert "data-user-hash" in html
    assert 'type="color"' in html
    with app.app_context():
        assert widget_secret() in html
    assert "hmac.new(WIDGET_SECRET.encode(), email.encode(), hashlib.sha256)" in html
    assert "createHmac(&#34;sha256&#34;, WIDGET_SECRET)" in html


def test_admin_saves_the_settings_and_the_change_is_audited(app, login_as):
    admin = login_as("admin")
    response = admin.post(
        PAGE,
        data=form_data(admin, allowed_origins="https://Shop.Example.com/\n\nhttp://127.0.0.1:5001"),
    )
    assert response.status_code == 302
    with app.app_context():
        settings = widget_settings()
    assert settings.colour == "#0a7d55"
    assert settings.position == "bottom-left"
    assert settings.label == "Ask us"
    assert settings.greeting == "Hello from the shop team."
    assert settings.allowed_origins == ("https://shop.example.com", "http://127.0.0.1:5001")
    assert "settings.widget" in actions(app)
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Widget settings are saved." in page
    assert "https://shop.example.com\nhttp://127.0.0.1:5001" in page
    # The frame now lets those sites embed it.
    csp = app.test_client().get("/widget/frame").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://shop.example.com http://127.0.0.1:5001" in csp


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"colour": "red"}, "colour", "Use a colour like #1f6feb."),
        ({"colour": "#12345g"}, "colour", "Use a colour like #1f6feb."),
        ({"colour": ""}, "colour", "This field is required."),
        ({"position": "top-middle"}, "position", "Choose a position from the list."),
        ({"label": "L" * 41}, "label", "Use at most 40 characters."),
        ({"greeting": "G" * 301}, "greeting", "Use at most 300 characters."),
        (
            {"allowed_origins": "https://ok.example.com\nhttps://shop.example.com/checkout"},
            "allowed_origins",
            "Line 2: “https://shop.example.com/checkout” has a path",
        ),
        (
            {"allowed_origins": "javascript:alert(1)"},
            "allowed_origins",
            "Line 1: “javascript:alert(1)” is not a site address",
        ),
        (
            {"allowed_origins": "https://user:pw@shop.example.com"},
            "allowed_origins",
            "Line 1: “https://user:pw@shop.example.com” should be just the site address",
        ),
        (
            {"allowed_origins": "\n".join(f"https://s{n}.example.com" for n in range(21))},
            "allowed_origins",
            "List at most 20 sites.",
        ),
    ],
)
def test_bad_input_is_422_next_to_its_field_and_keeps_what_was_typed(
    app, login_as, changes, field, message
):
    admin = login_as("admin")
    data = form_data(admin, **changes)
    response = admin.post(PAGE, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error.replace("&#34;", '"')
    assert 'aria-invalid="true"' in html
    for name in ("label", "greeting"):
        typed = data[name]
        assert typed in html  # what was typed stays in the form
    with app.app_context():
        assert widget_settings().label == ""  # nothing was saved
    assert "settings.widget" not in actions(app)


def test_markup_in_the_settings_is_shown_inert(app, login_as):
    admin = login_as("admin")
    payload = '<img src=x onerror=alert(1)><b hx-get="/x">'
    response = admin.post(PAGE, data=form_data(admin, label=payload[:40], greeting=payload))
    assert response.status_code == 302
    html = admin.get(PAGE).get_data(as_text=True)
    assert "<img src=x" not in html and '<b hx-get="/x">' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_save_without_csrf_token_is_refused(app, login_as):
    admin = login_as("admin")
    data = form_data(admin)
    del data["csrf_token"]
    assert admin.post(PAGE, data=data).status_code == 400
    with app.app_context():
        assert widget_settings().label == ""


def test_rotating_the_secret_changes_it_and_is_audited(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        before = widget_secret()
    response = admin.post(f"{PAGE}/secret", data={"csrf_token": csrf_token(admin, PAGE)})
    assert response.status_code == 302
    with app.app_context():
        after = widget_secret()
    assert after != before and len(after) == 64
    assert "settings.widget_secret_rotated" in actions(app)
    html = admin.get(PAGE).get_data(as_text=True)
    assert after in html and before not in html
    assert "no longer work" in html


def test_rotating_needs_a_post_with_a_csrf_token(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        before = widget_secret()
    assert admin.get(f"{PAGE}/secret").status_code == 405
    assert admin.post(f"{PAGE}/secret", data={}).status_code == 400
    with app.app_context():
        assert widget_secret() == before


def test_the_snippet_follows_the_served_address_unless_the_base_url_is_set(app, login_as):
    admin = login_as("admin")
    html = admin.get(PAGE, base_url="http://localhost:8000").get_data(as_text=True)
    assert "src=&#34;http://localhost:8000/widget.js&#34;" in html
    app.config.update(BASE_URL="https://help.example.com/", BASE_URL_CONFIGURED=True)
    html = admin.get(PAGE, base_url="http://localhost:8000").get_data(as_text=True)
    assert "src=&#34;https://help.example.com/widget.js&#34;" in html
    assert "localhost:8000/widget.js" not in html
