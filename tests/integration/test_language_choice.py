"""Choosing the language: the customer page and the widget speak the customer's language
(changeable by them, stored on the Customer only with a credential that proves the
address), the ticket page names it for the agent (who may change it), HEARD phrases follow
it, and the workspace's number and date formats are an admin setting."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Customer, Ticket
from helpdesk.settings.formats import format_settings
from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
from helpdesk.tickets.tokens import ticket_link_token
from helpdesk.widget.settings import identity_hash

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_ANY_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def conversation(
    app: Flask, *, email: str = "nok@example.co.th", language: str | None = None
) -> tuple[int, str, str]:
    """A widget conversation: (number, the widget's token, an emailed link's token)."""
    with app.app_context():
        ticket, token = ticket_create_by_customer(
            contact=CustomerContact(name="Nok Srisuk", email=email, language=language),
            body="สั่งของไปแล้วยังไม่ได้รับเลยค่ะ",
        )
        link = ticket_link_token(ticket)
        db.session.commit()
        return ticket.number, token, link


def customer_language(app: Flask, email: str = "nok@example.co.th") -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(Customer.language).where(Customer.email == email))


def csrf(html: str) -> str:
    match = _CSRF.search(html) or _ANY_CSRF.search(html)
    assert match
    return match.group(1)


# --- The customer page /c/... ---------------------------------------------------------------


def test_customer_page_speaks_the_customers_language(app: Flask, client: FlaskClient) -> None:
    number, _token, link = conversation(app, language="th")
    client.get(f"/c/{link}")
    html = client.get(f"/c/{number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="th"' in html
    assert '<option lang="th" selected value="th">' in html


def test_customer_page_without_a_language_follows_the_browser(
    app: Flask, client: FlaskClient
) -> None:
    number, _token, link = conversation(app)
    client.get(f"/c/{link}")
    html = client.get(f"/c/{number}", headers={"Accept-Language": "bn,en;q=0.5"})
    assert '<html lang="bn"' in html.get_data(as_text=True)


def test_choosing_on_the_page_from_an_email_link_stores_it_on_the_customer(
    app: Flask, client: FlaskClient
) -> None:
    number, _token, link = conversation(app, language="en")
    client.get(f"/c/{link}")
    token = csrf(client.get(f"/c/{number}").get_data(as_text=True))
    response = client.post(f"/c/{number}/language", data={"language": "bn", "csrf_token": token})
    assert response.status_code == 303
    assert customer_language(app) == "bn"
    assert '<html lang="bn"' in client.get(f"/c/{number}").get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "customer.language")
        )
        assert event is not None and event.changes == {"language": ["en", "bn"]}


def test_a_widget_token_changes_only_this_browsers_view(app: Flask, client: FlaskClient) -> None:
    """Whoever typed an address into the widget holds its token: that proves nothing, so
    the customer's record keeps its language."""
    number, widget_token, _link = conversation(app, language="en")
    client.get(f"/c/{widget_token}")
    token = csrf(client.get(f"/c/{number}").get_data(as_text=True))
    response = client.post(f"/c/{number}/language", data={"language": "th", "csrf_token": token})
    assert response.status_code == 303
    assert "helpdesk_language=th" in response.headers["Set-Cookie"]
    assert customer_language(app) == "en"
    assert '<html lang="th"' in client.get(f"/c/{number}").get_data(as_text=True)


def test_bad_language_choices_are_refused(app: Flask, client: FlaskClient) -> None:
    number, _token, link = conversation(app, language="en")
    client.get(f"/c/{link}")
    token = csrf(client.get(f"/c/{number}").get_data(as_text=True))
    for bad in ("xx", "", "th<script>", "EN-us"):
        response = client.post(f"/c/{number}/language", data={"language": bad, "csrf_token": token})
        assert response.status_code == 422
        assert "Choose a language from the list." in response.get_data(as_text=True)
    assert client.post(f"/c/{number}/language", data={"language": "th"}).status_code == 400
    assert customer_language(app) == "en"


def test_another_conversations_page_cannot_be_changed(app: Flask, client: FlaskClient) -> None:
    number, _token, link = conversation(app)
    other, _other_token, _other_link = conversation(app, email="someone@example.net")
    client.get(f"/c/{link}")
    token = csrf(client.get(f"/c/{number}").get_data(as_text=True))
    response = client.post(f"/c/{other}/language", data={"language": "bn", "csrf_token": token})
    assert response.status_code == 404
    assert customer_language(app, "someone@example.net") is None


# --- The widget ---------------------------------------------------------------------------------


def test_frame_follows_the_browser_and_the_lang_parameter(client: FlaskClient) -> None:
    html = client.get("/widget/frame", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert '<html lang="id"' in html
    html = client.get(
        "/widget/frame?lang=bn&origin=https://shop.example", headers={"Accept-Language": "id"}
    ).get_data(as_text=True)
    assert '<html lang="bn"' in html
    assert '<option value="bn" lang="bn" selected>বাংলা</option>' in html
    assert '<input type="hidden" name="origin" value="https://shop.example">' in html
    html = client.get("/widget/frame?lang=zz", headers={"Accept-Language": "th"})
    assert '<html lang="th"' in html.get_data(as_text=True)


def test_a_new_widget_customer_gets_the_panels_language(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/api/widget/v1/conversations",
        json={"name": "Rahim", "email": "rahim@example.com.bd", "message": "আমার অর্ডার কোথায়?"},
        headers={"Accept-Language": "bn"},
    )
    assert response.status_code == 201
    assert customer_language(app, "rahim@example.com.bd") == "bn"


def test_widget_choice_is_stored_for_a_verified_visitor_only(
    app: Flask, client: FlaskClient
) -> None:
    conversation(app, email="nok@example.co.th", language="en")
    response = client.post(
        "/api/widget/v1/language",
        json={"language": "th"},
        headers={"X-Widget-User-Email": "nok@example.co.th", "X-Widget-User-Hash": "0" * 64},
    )
    assert response.get_json() == {"language": "th", "stored": False}
    assert customer_language(app) == "en"
    with app.app_context():
        signature = identity_hash("nok@example.co.th")
    response = client.post(
        "/api/widget/v1/language",
        json={"language": "th"},
        headers={"X-Widget-User-Email": "nok@example.co.th", "X-Widget-User-Hash": signature},
    )
    assert response.get_json() == {"language": "th", "stored": True}
    assert customer_language(app) == "th"


def test_widget_language_bad_input(client: FlaskClient) -> None:
    response = client.post("/api/widget/v1/language", json={"language": "klingon"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "language": "Choose a language from the list."
    }
    assert client.post("/api/widget/v1/language", json={"language": 3}).status_code == 422
    assert client.post("/api/widget/v1/language", data="th").status_code == 415


# --- The ticket page ----------------------------------------------------------------------------


def test_ticket_page_names_the_customers_language_for_the_agent(app: Flask, login_as: Any) -> None:
    number, _token, _link = conversation(app, language="th")
    agent = login_as("agent")
    html = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Thai (ไทย)" in html
    assert "Reply in this language." in html


def test_heard_phrases_follow_the_customers_language(app: Flask, login_as: Any) -> None:
    from helpdesk.models import SavedReply, User
    from helpdesk.recovery.service import recovery_start

    number, _token, _link = conversation(app, language="th")
    agent = login_as("agent")
    with app.app_context():
        db.session.add_all(
            [
                SavedReply(
                    heard_step="hear", language="th", title="ขอบคุณ", body="ขอบคุณที่เล่าให้ฟังนะคะ"
                ),
                SavedReply(
                    heard_step="hear",
                    language="en",
                    title="Thanks",
                    body="Thank you for telling me.",
                ),
            ]
        )
        db.session.commit()
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        if ticket.recovery is None:
            recovery_start(ticket=ticket, actor=db.session.get(User, agent.user.id))
    html = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert "ขอบคุณที่เล่าให้ฟังนะคะ" in html
    assert "Thank you for telling me." not in html


def test_an_agent_sets_and_clears_the_customers_language(app: Flask, login_as: Any) -> None:
    number, _token, _link = conversation(app)
    agent = login_as("agent")
    token = csrf(agent.get(f"/tickets/{number}").get_data(as_text=True))
    path = f"/tickets/{number}/customer/language"
    response = agent.post(path, data={"language": "id", "csrf_token": token})
    assert response.status_code == 303
    assert customer_language(app) == "id"
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert "<bdi>Nok Srisuk</bdi> is now answered in <bdi>Indonesian (Indonesia)</bdi>." in page
    agent.post(path, data={"language": "", "csrf_token": token})
    assert customer_language(app) is None
    response = agent.post(path, data={"language": "xx", "csrf_token": token}, follow_redirects=True)
    assert "Choose a language from the list." in response.get_data(as_text=True)
    assert agent.post(path, data={"language": "th"}).status_code == 400
    assert (
        agent.post("/tickets/999999/customer/language", data={"csrf_token": token}).status_code
        == 404
    )


def test_only_staff_change_a_customers_language(app: Flask, client: FlaskClient) -> None:
    number, _token, _link = conversation(app)
    response = client.post(f"/tickets/{number}/customer/language", data={"language": "th"})
    assert response.status_code in (302, 303, 400, 401)
    assert customer_language(app) is None


# --- Workspace formats --------------------------------------------------------------------------


def test_formats_page_is_for_admins(login_as: Any) -> None:
    assert login_as("agent").get("/settings/formats").status_code == 403
    assert login_as("founder").get("/settings/formats").status_code == 403
    page = login_as("admin").get("/settings/formats")
    assert page.status_code == 200
    assert "Buddhist era years in Thai dates" in page.get_data(as_text=True)


def test_admin_sets_the_currency_and_the_panel_shows_it(app: Flask, login_as: Any) -> None:
    number, _token, _link = conversation(app)
    with app.app_context():
        customer = db.session.scalar(sa.select(Customer))
        customer.lifetime_value_cents = 123456
        db.session.commit()
    admin = login_as("admin")
    assert "$1,234.56" in admin.get(f"/tickets/{number}").get_data(as_text=True)
    token = csrf(admin.get("/settings/formats").get_data(as_text=True))
    data = {"currency": "THB", "thai_digits": "y", "bengali_digits": "", "csrf_token": token}
    response = admin.post("/settings/formats", data=data)
    assert response.status_code == 303
    assert "THB1,234.56" in admin.get(f"/tickets/{number}").get_data(as_text=True)
    with app.app_context():
        settings = format_settings()
        assert (settings.currency, settings.thai_digits) == ("THB", True)
        assert (settings.bengali_digits, settings.buddhist_era) == (False, False)
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "settings.formats")
        )
        assert event is not None and event.changes["currency"] == ["USD", "THB"]


def test_formats_bad_currency(login_as: Any) -> None:
    admin = login_as("admin")
    token = csrf(admin.get("/settings/formats").get_data(as_text=True))
    for bad in ("JPY", "XXX1", "", "usd; drop"):
        response = admin.post("/settings/formats", data={"currency": bad, "csrf_token": token})
        assert response.status_code == 422
        assert "Choose a currency from the list." in response.get_data(as_text=True)


def test_a_thai_agent_sees_buddhist_years_and_chosen_digits(app: Flask, login_as: Any) -> None:
    number, _token, _link = conversation(app)
    agent = login_as("agent")
    with app.app_context():
        from helpdesk.models import User

        user = db.session.get(User, agent.user.id)
        user.language = "th"
        db.session.commit()
    html = agent.get(f"/tickets/{number}").get_data(as_text=True)
    year = re.search(r'<time datetime="(\d{4})', html)
    assert year is not None
    be_year = str(int(year.group(1)) + 543)[2:]  # the short format writes two digits
    assert re.search(rf"\d+/\d+/{be_year} ", html)
