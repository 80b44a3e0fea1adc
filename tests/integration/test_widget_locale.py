"""The widget in the customer's language and the workspace's formats: message times are
formatted by the server (digits, Buddhist-era years, the conversation's time zone) like
every other page, and the customer page `/c/...` shows them the same way; a verified
customer's stored language reaches a panel on a new device, while an unverified visitor
learns nothing about the customer record."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import Customer, Ticket, User
from helpdesk.widget.service import Visitor, conversation_zone, visitor_language
from tests.integration.test_widget_api import identity

API = "/api/widget/v1"
# Thursday 5 March 2026, 20:07 UTC: already Friday 6 March, 03:07 in Bangkok (02:07 in Dhaka).
MOMENT = datetime(2026, 3, 5, 20, 7, tzinfo=UTC)


def start(
    client: FlaskClient, language: str, email: str = "rahim@example.com.bd", **headers: str
) -> tuple[int, str]:
    response = client.post(
        f"{API}/conversations",
        json={"name": "Rahim Uddin", "email": email, "message": "আমার অর্ডার কোথায়?"},
        headers={"Accept-Language": language, **headers},
    )
    assert response.status_code == 201
    data = response.get_json()
    return data["number"], data["token"]


def first_message(client: FlaskClient, number: int, token: str, language: str) -> dict[str, Any]:
    response = client.get(
        f"{API}/conversations/{number}",
        headers={"X-Conversation-Token": token, "Accept-Language": language},
    )
    assert response.status_code == 200
    return dict(response.get_json()["messages"][0])


def admin(app: Flask, make_user: Callable[..., Any]) -> User:
    user = db.session.get(User, make_user("admin").id)
    assert user is not None
    return user


def set_formats(app: Flask, make_user: Callable[..., Any], **flags: bool) -> None:
    from helpdesk.settings.formats import format_settings, format_settings_update

    with app.app_context():
        current = format_settings()
        format_settings_update(
            actor=admin(app, make_user),
            currency=current.currency,
            thai_digits=flags.get("thai_digits", current.thai_digits),
            bengali_digits=flags.get("bengali_digits", current.bengali_digits),
            buddhist_era=flags.get("buddhist_era", current.buddhist_era),
        )


def set_workspace_zone(app: Flask, make_user: Callable[..., Any], zone: str) -> None:
    from helpdesk.settings.hours import business_hours, business_hours_update

    with app.app_context():
        hours = business_hours()
        business_hours_update(
            actor=admin(app, make_user), timezone=zone, days=hours.days, holidays=[]
        )


def set_customer(app: Flask, email: str, **values: str | None) -> None:
    with app.app_context():
        customer = db.session.scalar(sa.select(Customer).where(Customer.email == email))
        assert customer is not None
        for name, value in values.items():
            setattr(customer, name, value)
        db.session.commit()


# --- Message times ----------------------------------------------------------------------------


def test_a_bengali_panel_shows_bengali_digits_when_the_workspace_wants_them(
    app: Flask, client: FlaskClient, set_now: Any, make_user: Callable[..., Any]
) -> None:
    set_now(MOMENT)
    set_workspace_zone(app, make_user, "Asia/Bangkok")
    set_formats(app, make_user, bengali_digits=True)
    number, token = start(client, "bn")
    message = first_message(client, number, token, "bn")
    assert message["created_at"] == "2026-03-05T20:07:00+00:00"  # the machine's value stays
    assert message["created_at_label"] == "৬ মার্চ, ২০২৬ ৩:০৭ AM"

    set_formats(app, make_user, bengali_digits=False)
    assert first_message(client, number, token, "bn")["created_at_label"] == ("6 মার্চ, 2026 3:07 AM")
    # The same message read in English: the panel's language decides, not the customer's.
    assert first_message(client, number, token, "en")["created_at_label"] == (
        "Mar 6, 2026, 3:07\u202fAM"
    )


def test_a_thai_panel_shows_the_buddhist_era_year(
    app: Flask, client: FlaskClient, set_now: Any, make_user: Callable[..., Any]
) -> None:
    set_now(MOMENT)
    set_workspace_zone(app, make_user, "Asia/Bangkok")
    number, token = start(client, "th", email="nok@example.co.th")
    assert first_message(client, number, token, "th")["created_at_label"] == "6 มี.ค. 2569 03:07"

    set_formats(app, make_user, thai_digits=True)
    assert first_message(client, number, token, "th")["created_at_label"] == ("๖ มี.ค. ๒๕๖๙ ๐๓:๐๗")
    set_formats(app, make_user, thai_digits=False, buddhist_era=False)
    assert first_message(client, number, token, "th")["created_at_label"] == "6 มี.ค. 2026 03:07"


def test_times_are_in_the_customers_zone_when_known_else_the_workspaces(
    app: Flask, client: FlaskClient, set_now: Any, make_user: Callable[..., Any]
) -> None:
    set_now(MOMENT)
    number, token = start(client, "en")
    # No business hours saved: the configured default zone (UTC in tests).
    assert first_message(client, number, token, "en")["created_at_label"] == (
        "Mar 5, 2026, 8:07\u202fPM"
    )
    set_workspace_zone(app, make_user, "Asia/Bangkok")
    assert first_message(client, number, token, "en")["created_at_label"] == (
        "Mar 6, 2026, 3:07\u202fAM"
    )
    set_customer(app, "rahim@example.com.bd", timezone="Asia/Dhaka")
    assert first_message(client, number, token, "en")["created_at_label"] == (
        "Mar 6, 2026, 2:07\u202fAM"
    )
    set_customer(app, "rahim@example.com.bd", timezone="Mars/Olympus_Mons")
    assert first_message(client, number, token, "en")["created_at_label"] == (
        "Mar 6, 2026, 3:07\u202fAM"
    )


def test_a_reply_from_the_panel_comes_back_with_its_label(
    app: Flask, client: FlaskClient, set_now: Any, make_user: Callable[..., Any]
) -> None:
    set_now(MOMENT)
    set_workspace_zone(app, make_user, "Asia/Bangkok")
    number, token = start(client, "bn")
    response = client.post(
        f"{API}/conversations/{number}/messages",
        json={"message": "ধন্যবাদ"},
        headers={"X-Conversation-Token": token, "Accept-Language": "bn"},
    )
    assert response.status_code == 201
    assert response.get_json()["message"]["created_at_label"] == "৬ মার্চ, ২০২৬ ৩:০৭ AM"


def test_a_polling_panel_gets_the_new_format_not_a_304(
    app: Flask, client: FlaskClient, set_now: Any, make_user: Callable[..., Any]
) -> None:
    set_now(MOMENT)
    number, token = start(client, "bn")
    headers = {"X-Conversation-Token": token, "Accept-Language": "bn"}
    first = client.get(f"{API}/conversations/{number}", headers=headers)
    etag = first.headers["ETag"]
    again = client.get(f"{API}/conversations/{number}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    set_formats(app, make_user, bengali_digits=False)
    changed = client.get(
        f"{API}/conversations/{number}", headers={**headers, "If-None-Match": etag}
    )
    assert changed.status_code == 200


def page_times(client: FlaskClient, number: int, **headers: str) -> list[str]:
    """The message times the customer page `/c/<number>` shows (the cookie already set)."""
    response = client.get(f"/c/{number}", headers=headers)
    assert response.status_code == 200
    return re.findall(r'<time datetime="[^"]+">([^<]*)</time>', response.get_data(as_text=True))


def test_the_customer_page_shows_times_as_the_widget_does(
    app: Flask, client: FlaskClient, set_now: Any, make_user: Callable[..., Any]
) -> None:
    set_now(MOMENT)
    set_workspace_zone(app, make_user, "Asia/Bangkok")
    number, token = start(client, "th", email="nok@example.co.th")
    set_customer(app, "nok@example.co.th", language="th")
    page = app.test_client()
    assert page.get(f"/c/{token}").status_code == 303  # the link from the email

    # The workspace's zone (not the configured default, UTC), a medium date with a short
    # time and a four-digit Buddhist-era year: what the Thai widget panel shows.
    widget = first_message(client, number, token, "th")["created_at_label"]
    assert widget == "6 มี.ค. 2569 03:07"
    assert page_times(page, number) == [widget]
    # The page's htmx refresh (every 15 s) swaps in the same.
    assert page_times(page, number, **{"HX-Request": "true"}) == [widget]

    # The customer's own zone when their record has one.
    set_customer(app, "nok@example.co.th", timezone="Asia/Dhaka")
    assert page_times(page, number) == ["6 มี.ค. 2569 02:07"]
    assert first_message(client, number, token, "th")["created_at_label"] == "6 มี.ค. 2569 02:07"

    # Another language on the page, with the workspace's digits.
    set_customer(app, "nok@example.co.th", language="bn")
    assert page_times(page, number) == ["৬ মার্চ, ২০২৬ ২:০৭ AM"]
    assert first_message(client, number, token, "bn")["created_at_label"] == ("৬ মার্চ, ২০২৬ ২:০৭ AM")
    set_customer(app, "nok@example.co.th", language="en")
    assert page_times(page, number) == ["Mar 6, 2026, 2:07\u202fAM"]


def test_conversation_zone_service(app: Flask, client: FlaskClient) -> None:
    start(client, "en")
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket))
        assert ticket is not None
        assert conversation_zone(ticket).key == "UTC"
        ticket.customer.timezone = "Asia/Dhaka"
        assert conversation_zone(ticket).key == "Asia/Dhaka"
        ticket.customer.timezone = "../../etc/passwd"
        assert conversation_zone(ticket).key == "UTC"


# --- A verified customer's stored language ----------------------------------------------------


def test_a_verified_customers_stored_language_is_given_to_a_new_device(
    app: Flask, client: FlaskClient
) -> None:
    start(client, "th", email="nok@example.co.th")  # the record remembers Thai
    # Another device: an English browser, no choice of its own, the host site's signature.
    response = client.get(
        f"{API}/conversations",
        headers={**identity(app, "nok@example.co.th"), "Accept-Language": "en"},
    )
    data = response.get_json()
    assert data["language"] == "th"
    assert len(data["conversations"]) == 1

    # The customer changes it (from the panel, verified); the next device follows that.
    client.post(
        f"{API}/language", json={"language": "bn"}, headers=identity(app, "nok@example.co.th")
    )
    again = client.get(f"{API}/conversations", headers=identity(app, "nok@example.co.th"))
    assert again.get_json()["language"] == "bn"


def test_an_unverified_visitor_learns_nothing_about_the_stored_language(
    app: Flask, client: FlaskClient
) -> None:
    start(client, "th", email="nok@example.co.th")
    nobody = client.get(f"{API}/conversations").get_json()
    assert nobody == {"conversations": [], "language": None}
    signed_for_someone_else = identity(app, "me@example.net")
    signed_for_someone_else["X-Widget-User-Email"] = "nok@example.co.th"
    for headers in (
        {"X-Widget-User-Email": "nok@example.co.th"},
        {"X-Widget-User-Email": "nok@example.co.th", "X-Widget-User-Hash": "0" * 64},
        {"X-Widget-User-Email": "nok@example.co.th", "X-Widget-User-Hash": "ไทย"},
        signed_for_someone_else,
    ):
        response = client.get(f"{API}/conversations", headers=headers)
        assert response.status_code == 200
        # Exactly what an address with no customer behind it gets.
        assert response.get_json() == nobody


def test_no_stored_language_gives_null(app: Flask, client: FlaskClient) -> None:
    start(client, "en", email="plain@example.net")
    set_customer(app, "plain@example.net", language=None)
    response = client.get(f"{API}/conversations", headers=identity(app, "plain@example.net"))
    assert response.get_json()["language"] is None
    # A verified identity with no customer record yet.
    response = client.get(f"{API}/conversations", headers=identity(app, "new@example.net"))
    assert response.get_json() == {"conversations": [], "language": None}


def test_visitor_language_service(app: Flask, client: FlaskClient) -> None:
    start(client, "bn")
    with app.app_context():
        assert visitor_language(Visitor()) is None
        assert visitor_language(Visitor(email="rahim@example.com.bd")) == "bn"
        assert visitor_language(Visitor(email="nobody@example.net")) is None
        customer = db.session.scalar(sa.select(Customer))
        assert customer is not None
        customer.language = "xx"  # written before a language was retired, say
        db.session.commit()
        assert visitor_language(Visitor(email="rahim@example.com.bd")) is None
