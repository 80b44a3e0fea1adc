"""The widget's JSON API through the test client and the database: every endpoint, its
errors, idempotency, identity, rate limits and what never leaves the staff side."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Customer, IdempotencyRecord, Message, Rating, Ticket
from helpdesk.widget.settings import identity_hash

API = "/api/widget/v1"
HOSTILE = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> "
    '<a hx-get="/logout" hx-trigger="load" data-hx-post="/x">x</a>'
)


def start(
    client: FlaskClient,
    *,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    **fields: Any,
):  # type: ignore[no-untyped-def]
    body = {
        "name": "Mali Chai",
        "email": "mali@example.net",
        "message": "My order is late",
        **fields,
    }
    all_headers = dict(headers or {})
    if key:
        all_headers["Idempotency-Key"] = key
    return client.post(f"{API}/conversations", json=body, headers=all_headers)


def token_header(token: str) -> dict[str, str]:
    return {"X-Conversation-Token": token}


def identity(app: Flask, email: str, name: str = "Verified Person") -> dict[str, str]:
    with app.app_context():
        signature = identity_hash(email)
    return {
        "X-Widget-User-Email": email,
        "X-Widget-User-Name": name,
        "X-Widget-User-Hash": signature,
    }


def staff_reply(
    app: Flask,
    number: int,
    body: str,
    *,
    internal: bool = False,
    status: str | None = None,
    make_user: Callable[..., Any],
) -> None:
    from helpdesk.models import User
    from helpdesk.tickets.service import ticket_reply

    staff = make_user("agent")
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        ticket_reply(
            ticket=ticket,
            author=db.session.get(User, staff.id),
            body=body,
            internal=internal,
            status=status,
        )


def test_create_conversation_returns_number_and_token_and_stores_a_widget_ticket(
    app: Flask, client: FlaskClient
) -> None:
    response = start(client, subject="Late order", page_url="https://shop.example.com/orders/7")
    assert response.status_code == 201
    data = response.get_json()
    assert set(data) == {"number", "token", "status"}
    assert data["status"] == "new"
    assert len(data["token"]) >= 22  # at least 128 random bits, url-safe
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == data["number"]))
        assert ticket.channel == "widget"
        assert ticket.subject == "Late order"
        assert ticket.customer.email == "mali@example.net"
        assert ticket.access_token_hash == hashlib.sha256(data["token"].encode()).hexdigest()
        assert data["token"] not in json.dumps(
            [e.changes for e in db.session.scalars(sa.select(AuditEvent))]
        )
        notes = [m for m in ticket.messages if m.internal]
        assert len(notes) == 1 and "https://shop.example.com/orders/7" in notes[0].body_source


def test_subject_defaults_to_the_start_of_the_message(app: Flask, client: FlaskClient) -> None:
    response = start(client, message="  Where   is my parcel?\nIt was due Monday. " + "x" * 200)
    with app.app_context():
        ticket = db.session.scalar(
            sa.select(Ticket).where(Ticket.number == response.get_json()["number"])
        )
        assert ticket.subject.startswith("Where is my parcel? It was due Monday.")
        assert len(ticket.subject) <= 80


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"name": "   "}, "name"),
        ({"message": ""}, "message"),
        ({"message": "   \n "}, "message"),
        ({"message": "x" * 50_001}, "message"),
        ({"message": 42}, "message"),
        ({"name": ["a"]}, "name"),
        ({"subject": "s" * 201}, "subject"),
    ],
)
def test_bad_fields_are_named_in_a_422(
    client: FlaskClient, fields: dict[str, Any], field: str
) -> None:
    response = start(client, **fields)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert error["message"]


def test_missing_fields_are_named(client: FlaskClient) -> None:
    response = client.post(f"{API}/conversations", json={"name": "A"})
    assert response.status_code == 422
    assert "email" in response.get_json()["error"]["fields"]


def test_every_missing_or_mistyped_field_is_named_at_once(client: FlaskClient) -> None:
    response = client.post(f"{API}/conversations", json={"name": ["A"], "message": None})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "name": "This field must be text.",
        "email": "This field is required.",
        "message": "This field is required.",
    }


def test_an_empty_form_names_every_field_in_one_answer(app: Flask, client: FlaskClient) -> None:
    response = client.post(f"{API}/conversations", json={"name": " ", "email": "", "message": ""})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "email": "Enter a valid email address.",
        "name": "Enter a name.",
        "message": "Write a message first.",
    }
    response = start(client, name="", email="nok@")
    assert set(response.get_json()["error"]["fields"]) == {"name", "email"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_field_problems_are_worded_in_the_customers_language(client: FlaskClient) -> None:
    response = client.post(
        f"{API}/conversations", json={"name": "A"}, headers={"Accept-Language": "th"}
    )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"email", "message"}
    assert fields["email"] != "This field is required."  # Thai, not English


def test_a_100_kb_message_is_refused_clearly(client: FlaskClient) -> None:
    response = start(client, message="é" * 100_000)
    assert response.status_code == 422
    assert "50000" in response.get_json()["error"]["fields"]["message"].replace(",", "")


def test_wrong_content_type_and_invalid_json(client: FlaskClient) -> None:
    response = client.post(
        f"{API}/conversations", data="name=a", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.get_json()["error"]["message"]
    response = client.post(
        f"{API}/conversations", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"]
    response = client.post(f"{API}/conversations", json=["a list"])
    assert response.status_code == 400


def test_honeypot_refuses_bots(app: Flask, client: FlaskClient) -> None:
    response = start(client, website="http://spam.example")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "rejected"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


class _Markup(HTMLParser):
    """Collects the elements and attributes an HTML document really has (not escaped text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.pairs: set[tuple[str, str | None]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _value in attrs)
        self.pairs.update(attrs)


def live_markup(html: str) -> tuple[set[str], set[str]]:
    parser = _Markup()
    parser.feed(html)
    return parser.tags, parser.attributes


def assert_inert(html: str) -> None:
    """None of HOSTILE's markup is live in a whole page (which has its own htmx)."""
    parser = _Markup()
    parser.feed(html)
    assert "img" not in parser.tags
    assert not {name for name in parser.attributes if name.startswith("on")}
    assert ("hx-get", "/logout") not in parser.pairs
    assert ("data-hx-post", "/x") not in parser.pairs


def test_html_and_htmx_attributes_are_stored_as_text_and_rendered_inert(
    app: Flask, client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    data = start(client, name=HOSTILE[:100], message=HOSTILE, subject=HOSTILE[:150]).get_json()
    with app.app_context():
        message = db.session.scalar(sa.select(Message).where(Message.author_type == "customer"))
        assert message.body_source == HOSTILE
        tags, attributes = live_markup(message.body_html)
        assert tags == {"p"} and attributes == set()
    got = client.get(
        f"{API}/conversations/{data['number']}", headers=token_header(data["token"])
    ).get_json()
    assert live_markup(got["messages"][0]["html"]) == ({"p"}, set())
    agent = login_as("agent")
    page = agent.get(f"/tickets/{data['number']}").get_data(as_text=True)
    assert_inert(page)
    assert "<script>alert(1)" not in page


def test_emoji_thai_and_rtl_text_round_trip(client: FlaskClient) -> None:
    text = "สั่งของแล้วยังไม่ได้รับ 😡 — مرحبا بالعالم ‮evil‬"
    data = start(client, name="สมชาย ใจดี", message=text).get_json()
    got = client.get(
        f"{API}/conversations/{data['number']}", headers=token_header(data["token"])
    ).get_json()
    assert "สั่งของแล้วยังไม่ได้รับ 😡" in got["messages"][0]["html"]
    assert "مرحبا بالعالم" in got["messages"][0]["html"]
    assert got["messages"][0]["author_name"] == "สมชาย ใจดี"


def test_get_conversation_needs_the_token_and_hides_notes(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    data = start(client).get_json()
    number = data["number"]
    staff_reply(app, number, "Secret internal remark", internal=True, make_user=make_user)
    staff_reply(app, number, "We are looking into it", make_user=make_user)
    response = client.get(f"{API}/conversations/{number}", headers=token_header(data["token"]))
    assert response.status_code == 200
    body = response.get_json()
    assert [m["author"] for m in body["messages"]] == ["customer", "staff"]
    assert "Secret internal remark" not in response.get_data(as_text=True)
    assert "Sent from" not in response.get_data(as_text=True)
    assert body["can_rate"] is False and body["rating"] is None
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_number_missing_and_wrong_token_are_the_same_404(client: FlaskClient) -> None:
    data = start(client).get_json()
    other = start(client, email="other@example.net").get_json()
    answers = [
        client.get(f"{API}/conversations/{data['number']}"),
        client.get(f"{API}/conversations/{data['number']}", headers=token_header("x" * 43)),
        client.get(f"{API}/conversations/{data['number']}", headers=token_header(other["token"])),
        client.get(f"{API}/conversations/999999", headers=token_header(data["token"])),
        client.get(f"{API}/conversations/abc", headers=token_header(data["token"])),
        client.get(f"{API}/conversations/{'9' * 30}", headers=token_header(data["token"])),
        client.post(
            f"{API}/conversations/{data['number']}/messages",
            json={"message": "hi"},
            headers=token_header(other["token"]),
        ),
    ]
    assert {response.status_code for response in answers} == {404}
    assert len({json.dumps(r.get_json(), sort_keys=True) for r in answers}) == 1


def test_the_token_is_never_accepted_in_the_url(client: FlaskClient) -> None:
    data = start(client).get_json()
    response = client.get(f"{API}/conversations/{data['number']}?token={data['token']}")
    assert response.status_code == 404


def test_etag_gives_304_until_something_changes(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    data = start(client).get_json()
    url, headers = f"{API}/conversations/{data['number']}", token_header(data["token"])
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]
    again = client.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    staff_reply(app, data["number"], "Reply", make_user=make_user)
    changed = client.get(url, headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["messages"][-1]["html"].startswith("<p>Reply")


def test_customer_reply_reopens_a_resolved_conversation(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    data = start(client).get_json()
    staff_reply(app, data["number"], "Fixed it", status="resolved", make_user=make_user)
    response = client.post(
        f"{API}/conversations/{data['number']}/messages",
        json={"message": "Still broken, sorry"},
        headers=token_header(data["token"]),
    )
    assert response.status_code == 201
    assert response.get_json()["message"]["author"] == "customer"
    with app.app_context():
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == data["number"]))
        assert ticket.status == "open"
        assert ticket.waiting_since is not None


def test_reply_bad_input(client: FlaskClient) -> None:
    data = start(client).get_json()
    url, headers = f"{API}/conversations/{data['number']}/messages", token_header(data["token"])
    assert client.post(url, json={"message": ""}, headers=headers).status_code == 422
    assert client.post(url, json={}, headers=headers).get_json()["error"]["fields"] == {
        "message": "This field is required."
    }
    assert client.post(url, data="x", content_type="text/plain", headers=headers).status_code == 415


def test_rating_only_after_resolution_and_changing_ones_mind_updates_it(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    data = start(client).get_json()
    url, headers = f"{API}/conversations/{data['number']}/rating", token_header(data["token"])
    early = client.post(url, json={"rating": "good"}, headers=headers)
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "not_resolved"
    staff_reply(app, data["number"], "Done", status="resolved", make_user=make_user)
    assert client.post(url, json={"rating": "great"}, headers=headers).status_code == 422
    assert (
        client.post(url, json={"rating": "bad", "comment": "c" * 2001}, headers=headers).status_code
        == 422
    )
    assert client.post(
        url, json={"rating": "bad", "comment": "Slow"}, headers=headers
    ).get_json() == {"rating": {"score": "bad", "comment": "Slow"}}
    assert client.post(url, json={"rating": "good"}, headers=headers).status_code == 200
    with app.app_context():
        ratings = list(db.session.scalars(sa.select(Rating)))
        assert [(r.score, r.channel) for r in ratings] == [("good", "widget")]
    got = client.get(f"{API}/conversations/{data['number']}", headers=headers).get_json()
    assert got["rating"] == {"score": "good", "comment": ""}
    assert got["can_rate"] is True


def test_ratings_only_by_post(client: FlaskClient) -> None:
    data = start(client).get_json()
    response = client.get(
        f"{API}/conversations/{data['number']}/rating?rating=bad",
        headers=token_header(data["token"]),
    )
    assert response.status_code == 405


class TestIdempotency:
    def test_a_retried_submit_never_makes_a_second_ticket(
        self, app: Flask, client: FlaskClient
    ) -> None:
        first = start(client, key="key-1")
        second = start(client, key="key-1")
        assert first.status_code == second.status_code == 201
        assert first.get_json() == second.get_json()
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1

    def test_same_key_with_another_body_is_a_422(self, client: FlaskClient) -> None:
        start(client, key="key-2")
        response = start(client, key="key-2", message="Something else")
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "idempotency_key_reused"

    def test_a_concurrent_duplicate_is_a_409(self, app: Flask, client: FlaskClient) -> None:
        from helpdesk.web.idempotency import fingerprint

        body = {"name": "Mali Chai", "email": "mali@example.net", "message": "My order is late"}
        with app.app_context():
            db.session.add(
                IdempotencyRecord(
                    scope="widget.conversation_create", key="key-3", fingerprint=fingerprint(body)
                )
            )
            db.session.commit()
        response = start(client, key="key-3")
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "idempotency_key_in_flight"

    def test_a_refused_request_releases_its_key(self, app: Flask, client: FlaskClient) -> None:
        assert start(client, key="key-4", email="nope").status_code == 422
        assert start(client, key="key-4").status_code == 201
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(IdempotencyRecord.id))) == 1

    def test_a_bad_key_is_a_field_error(self, client: FlaskClient) -> None:
        response = start(client, key="k" * 300)
        assert response.status_code == 422
        assert "Idempotency-Key" in response.get_json()["error"]["fields"]

    def test_old_records_are_purged(
        self, app: Flask, client: FlaskClient, set_now: Callable[..., None]
    ) -> None:
        from datetime import UTC, datetime

        from helpdesk.web.idempotency import idempotency_purge

        set_now(datetime(2026, 1, 1, tzinfo=UTC))
        start(client, key="old")
        set_now(datetime(2026, 1, 3, tzinfo=UTC))
        start(client, key="new", email="new@example.net")
        with app.app_context():
            assert idempotency_purge() == 1
            assert list(db.session.scalars(sa.select(IdempotencyRecord.key))) == ["new"]


class TestIdentity:
    def test_a_verified_identity_links_the_customer_and_lists_earlier_conversations(
        self, app: Flask, client: FlaskClient
    ) -> None:
        with app.app_context():
            db.session.add(Customer(email="known@example.net", name="Old Name", vip=True))
            db.session.commit()
        headers = identity(app, "known@example.net", "Known Customer")
        data = start(
            client, headers=headers, email="known@example.net", name="Typed Name"
        ).get_json()
        with app.app_context():
            customer = db.session.scalar(
                sa.select(Customer).where(Customer.email == "known@example.net")
            )
            assert customer.name == "Known Customer"
            assert customer.last_seen_at is not None
        # Another device, no token: the verified identity lists and opens the conversation.
        fresh = app.test_client()
        listed = fresh.get(f"{API}/conversations", headers=headers).get_json()["conversations"]
        assert [c["number"] for c in listed] == [data["number"]]
        assert (
            fresh.get(f"{API}/conversations/{data['number']}", headers=headers).status_code == 200
        )

    def test_a_wrong_hash_is_treated_as_unverified(self, app: Flask, client: FlaskClient) -> None:
        with app.app_context():
            db.session.add(Customer(email="victim@example.net", name="Victim"))
            db.session.commit()
        real = start(client, email="victim@example.net", name="Victim").get_json()
        forged = {
            "X-Widget-User-Email": "victim@example.net",
            "X-Widget-User-Hash": hmac.new(
                b"guess", b"victim@example.net", hashlib.sha256
            ).hexdigest(),
        }
        assert client.get(f"{API}/conversations", headers=forged).get_json() == {
            "conversations": [],
            "language": None,
        }
        assert (
            client.get(f"{API}/conversations/{real['number']}", headers=forged).status_code == 404
        )
        start(client, headers=forged, email="victim@example.net", name="Attacker")
        with app.app_context():
            assert (
                db.session.scalar(
                    sa.select(Customer.name).where(Customer.email == "victim@example.net")
                )
                == "Victim"
            )

    def test_a_hash_for_one_email_does_not_open_another(
        self, app: Flask, client: FlaskClient
    ) -> None:
        victim = start(client, email="victim@example.net").get_json()
        headers = identity(app, "me@example.net")
        headers["X-Widget-User-Email"] = "victim@example.net"
        assert (
            client.get(f"{API}/conversations/{victim['number']}", headers=headers).status_code
            == 404
        )

    def test_rotating_the_secret_invalidates_old_hashes(
        self, app: Flask, client: FlaskClient, make_user: Callable[..., Any]
    ) -> None:
        from helpdesk.models import User
        from helpdesk.widget.settings import widget_secret_rotate

        headers = identity(app, "known@example.net")
        start(client, headers=headers, email="known@example.net")
        admin = make_user("admin")
        with app.app_context():
            widget_secret_rotate(actor=db.session.get(User, admin.id))
        assert client.get(f"{API}/conversations", headers=headers).get_json() == {
            "conversations": [],
            "language": None,
        }


def test_creation_is_rate_limited_per_email(app: Flask) -> None:
    app.config["RATELIMIT_WIDGET_CREATE_PER_EMAIL"] = "2 per hour"
    client = app.test_client()
    assert start(client).status_code == 201
    assert start(client, message="again").status_code == 201
    limited = start(client, message="third", email="MALI@example.net ")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"]
    assert limited.get_json()["error"]["message"]
    assert start(client, email="someone-else@example.net").status_code == 201


def test_creation_is_rate_limited_per_ip(app: Flask) -> None:
    app.config["RATELIMIT_WIDGET_CREATE"] = "2 per hour"
    client = app.test_client()
    assert start(client, email="one@example.net").status_code == 201
    assert start(client, email="two@example.net").status_code == 201
    assert start(client, email="three@example.net").status_code == 429


def test_a_non_ascii_or_malformed_identity_hash_is_just_unverified(client: FlaskClient) -> None:
    for signature in ("é", "ü" * 64, "x" * 64, "", "0" * 500):
        headers = {"X-Widget-User-Email": "a@example.net", "X-Widget-User-Hash": signature}
        assert client.get(f"{API}/conversations", headers=headers).get_json() == {
            "conversations": [],
            "language": None,
        }
        assert start(client, headers=headers, email="a@example.net").status_code == 201


def test_an_unexpected_failure_releases_the_idempotency_key(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import helpdesk.widget.api as api

    def broken(**_kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(api, "conversation_start", broken)
    with pytest.raises(RuntimeError):
        start(client, key="key-crash")
    monkeypatch.undo()
    assert start(client, key="key-crash").status_code == 201


def test_a_retried_reply_with_the_same_key_is_posted_once(app: Flask, client: FlaskClient) -> None:
    data = start(client).get_json()
    url = f"{API}/conversations/{data['number']}/messages"
    headers = {**token_header(data["token"]), "Idempotency-Key": "reply-1"}
    first = client.post(url, json={"message": "Any news?"}, headers=headers)
    again = client.post(url, json={"message": "Any news?"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    other = client.post(url, json={"message": "Something else"}, headers=headers)
    assert other.status_code == 422
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count(Message.id)).where(Message.body_source == "Any news?")
        )
        assert count == 1


def _from(client: FlaskClient, address: str, **fields: Any):  # type: ignore[no-untyped-def]
    body = {"name": "Someone", "email": "victim@example.net", "message": "Hello", **fields}
    return client.post(f"{API}/conversations", json=body, environ_base={"REMOTE_ADDR": address})


def test_strangers_cannot_spend_a_customers_allowance(app: Flask) -> None:
    app.config["RATELIMIT_WIDGET_CREATE_PER_EMAIL"] = "2 per hour"
    client = app.test_client()
    # Five strangers name the victim's address from their own machines.
    for index in range(5):
        _from(client, f"203.0.113.{index + 1}")
    # Invalid forms from the victim's own address spend nothing either.
    for _attempt in range(3):
        assert _from(client, "198.51.100.7", message="").status_code == 422
    assert _from(client, "198.51.100.7").status_code == 201
    assert _from(client, "198.51.100.7", message="again").status_code == 201
    assert _from(client, "198.51.100.7", message="third").status_code == 429


def test_a_signed_in_customer_is_never_limited_per_email(app: Flask) -> None:
    app.config["RATELIMIT_WIDGET_CREATE_PER_EMAIL"] = "1 per hour"
    client = app.test_client()
    headers = identity(app, "known@example.net")
    for index in range(3):
        response = start(client, headers=headers, email="known@example.net", message=f"m{index}")
        assert response.status_code == 201
    # Signed in as one customer but typing another's address: limited as usual.
    assert start(client, headers=headers, email="other@example.net").status_code == 201
    assert start(client, headers=headers, email="other@example.net").status_code == 429


def test_a_waiting_customer_is_told_when_to_expect_a_reply(app: Flask, client: FlaskClient) -> None:
    created = start(client)
    number, token = created.get_json()["number"], created.get_json()["token"]
    headers = {"X-Conversation-Token": token}
    waiting = client.get(f"{API}/conversations/{number}", headers=headers).get_json()
    assert waiting["expectation"]
    assert "reply" in waiting["expectation"] and "\n" not in waiting["expectation"]
    with app.app_context():
        from helpdesk.auth.service import user_create
        from helpdesk.tickets import service as tickets

        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        agent = user_create(
            email="dewi@example.com",
            name="Dewi",
            role="agent",
            password="long-enough-password",
            actor="test",
        )
        tickets.ticket_reply(ticket=ticket, author=agent, body="On it!")
    answered = client.get(f"{API}/conversations/{number}", headers=headers).get_json()
    assert answered["expectation"] is None


def test_summaries_give_status_and_our_newest_reply_for_each_opened_conversation(
    app: Flask, client: FlaskClient
) -> None:
    first = start(client).get_json()
    second = start(client, email="other@example.com").get_json()
    url = f"{API}/conversations/summaries"
    keys = [
        {"number": first["number"], "token": first["token"]},
        {"number": second["number"], "token": "not-its-token"},  # left out, like a 404
        {"number": 999999, "token": first["token"]},
    ]
    response = client.post(url, json={"conversations": keys})
    assert response.status_code == 200
    assert response.get_json()["conversations"] == [
        {"number": first["number"], "status": "new", "last_reply_id": None}
    ]
    with app.app_context():
        from helpdesk.auth.service import user_create
        from helpdesk.tickets import service as tickets

        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == first["number"]))
        agent = user_create(
            email="dewi@example.com",
            name="Dewi",
            role="agent",
            password="long-enough-password",
            actor="test",
        )
        tickets.ticket_reply(ticket=ticket, author=agent, body="A note", internal=True)
        reply = tickets.ticket_reply(ticket=ticket, author=agent, body="On it!", status="pending")
        reply_id = reply.id
    (summary,) = client.post(url, json={"conversations": keys[:1]}).get_json()["conversations"]
    assert summary == {"number": first["number"], "status": "pending", "last_reply_id": reply_id}


@pytest.mark.parametrize(
    "body",
    [
        {"conversations": [{"number": "1", "token": "x"}]},
        {"conversations": [{"number": 1}]},
        {"conversations": [{"number": 1, "token": "x"}] * 21},
        {"conversations": "all"},
        {},
    ],
)
def test_summaries_refuse_malformed_requests(client: FlaskClient, body: dict[str, Any]) -> None:
    response = client.post(f"{API}/conversations/summaries", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]
