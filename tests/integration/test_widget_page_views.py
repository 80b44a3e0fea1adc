"""`POST /api/widget/v1/page-views`: the loader's beacon counts a verified customer's page
view as the product event `page_viewed`, once per view id; anything unverified or unknown
is answered alike and records nothing; a malformed body is a 400."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import UsageDaily
from tests.factories import CustomerFactory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _beacon(client, body) -> int:
    data = body if isinstance(body, str) else json.dumps(body)
    # What sendBeacon sends for a string body.
    return client.post(
        "/api/widget/v1/page-views", data=data, content_type="text/plain;charset=UTF-8"
    ).status_code


def _views(app) -> dict[int, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(UsageDaily.customer_id, UsageDaily.count).where(
                UsageDaily.name == "page_viewed"
            )
        )
        return dict(rows.all())


def _signed(app, email: str) -> str:
    from helpdesk.widget.settings import identity_hash

    with app.app_context():
        signature = identity_hash(email)
        db.session.commit()  # the secret is made on first use
        return signature


def test_a_verified_customers_page_views_count_once_each(app, client, set_now):
    set_now(NOW)
    with app.app_context():
        ana = CustomerFactory(email="ana@example.com")
        db.session.commit()
        ana_id = ana.id
    signature = _signed(app, "ana@example.com")
    view = str(uuid.uuid4())
    body = {"id": view, "email": "ana@example.com", "hash": signature}
    assert _beacon(client, body) == 204
    assert _beacon(client, body) == 204  # the same view again (a retried beacon)
    assert _beacon(client, {**body, "id": str(uuid.uuid4())}) == 204
    assert _views(app) == {ana_id: 2}


def test_unverified_or_unknown_records_nothing_and_answers_alike(app, client, set_now):
    set_now(NOW)
    with app.app_context():
        CustomerFactory(email="ana@example.com")
        db.session.commit()
    signature = _signed(app, "ana@example.com")
    view = str(uuid.uuid4())
    assert _beacon(client, {"id": view, "email": "ana@example.com", "hash": "0" * 64}) == 204
    assert _beacon(client, {"id": view, "email": "ben@example.com", "hash": signature}) == 204
    stranger = _signed(app, "stranger@example.com")
    assert _beacon(client, {"id": view, "email": "stranger@example.com", "hash": stranger}) == 204
    assert _views(app) == {}


def test_malformed_beacons_are_refused(app, client):
    view = str(uuid.uuid4())
    assert _beacon(client, "not json") == 400
    assert _beacon(client, ["a"]) == 400
    assert _beacon(client, {"id": view, "email": "ana@example.com"}) == 400
    assert _beacon(client, {"id": "not-a-uuid", "email": "a@example.com", "hash": "x"}) == 400
    assert _beacon(client, {"id": view, "email": "a" * 3000, "hash": "x"}) == 413
    assert client.get("/api/widget/v1/page-views").status_code == 405


def test_hostile_text_is_a_400_never_a_500(app, client):
    view = str(uuid.uuid4())
    for raw in (
        '{"id": "VIEW", "email": "a\\ud800b@example.com", "hash": "x"}'.replace("VIEW", view),
        '{"id": "VIEW", "email": "a@example.com", "hash": "\\ud800"}'.replace("VIEW", view),
        '{"id": "VIEW", "email": "a\\u0000b@example.com", "hash": "x"}'.replace("VIEW", view),
        b'{"id": "x", "email": "a\xff\xfeb", "hash": "x"}',
        b'{"id": "x", "email": "a\xed\xa0\x80b", "hash": "x"}',
    ):
        response = client.post(
            "/api/widget/v1/page-views", data=raw, content_type="text/plain;charset=UTF-8"
        )
        assert response.status_code in (204, 400), (raw, response.status_code)
