"""`/api/v1/root-causes`: the complaint categories, in the founders' order."""

from __future__ import annotations

import pytest

from helpdesk.extensions import db
from helpdesk.models import RootCause


def _seed(app):
    with app.app_context():
        db.session.add_all(
            [
                RootCause(name="Billing", position=2),
                RootCause(name="Bug", position=1),
                RootCause(name="Old category", position=3, active=False),
            ]
        )
        db.session.commit()


def test_active_ones_in_order(app, client, api_token):
    _seed(app)
    response = client.get("/api/v1/root-causes", headers=api_token("agent").headers)
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert [c["name"] for c in items] == ["Bug", "Billing"]
    assert all(c["active"] for c in items)
    assert set(items[0]) == {"id", "name", "active", "position"}


@pytest.mark.parametrize("flag", ["true", "1"])
def test_inactive_ones_with_the_flag(app, client, api_token, flag):
    _seed(app)
    response = client.get(
        f"/api/v1/root-causes?include_inactive={flag}", headers=api_token("agent").headers
    )
    items = response.json["items"]
    assert [(c["name"], c["active"]) for c in items] == [
        ("Bug", True),
        ("Billing", True),
        ("Old category", False),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [("include_inactive=maybe", "include_inactive"), ("limit=5", "limit")],
)
def test_bad_query_is_422_naming_the_field(client, api_token, query, field):
    response = client.get(f"/api/v1/root-causes?{query}", headers=api_token("agent").headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize("role", ["agent", "founder", "admin"])
def test_every_staff_role_and_read_tokens_may_list(app, client, api_token, role):
    _seed(app)
    response = client.get("/api/v1/root-causes", headers=api_token(role, "read").headers)
    assert response.status_code == 200 and len(response.json["items"]) == 2


def test_no_token_is_401_and_writing_is_not_a_route(client, api_token):
    assert client.get("/api/v1/root-causes").status_code == 401
    response = client.post(
        "/api/v1/root-causes", json={"name": "New"}, headers=api_token("admin").headers
    )
    assert response.status_code == 405
