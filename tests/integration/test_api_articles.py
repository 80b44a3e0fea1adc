"""`/api/v1/articles`: the knowledge base over the API, with the staff pages' rules."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Article, AuditEvent

NEW = {"title": "Reset your password", "body": "Open **Settings** and choose *Reset*."}


def _create(client, caller, **changes):
    return client.post("/api/v1/articles", json={**NEW, **changes}, headers=caller.headers)


def _actions(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(AuditEvent.object_type == "articles")
                .order_by(AuditEvent.id)
            )
        )


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Article)) or 0


def test_create_a_draft_read_it_and_list_it(app, client, api_token):
    caller = api_token("agent")
    response = _create(client, caller)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["slug"] == "reset-your-password" and body["published"] is False
    assert body["body"] == NEW["body"]
    assert "<strong>Settings</strong>" in body["body_html"]
    assert body["author"]["id"] == caller.user.id and body["published_at"] is None
    assert response.headers["Location"].endswith(f"/api/v1/articles/{body['id']}")
    read = client.get(f"/api/v1/articles/{body['id']}", headers=caller.headers)
    assert read.status_code == 200 and read.json == body
    listed = client.get("/api/v1/articles", headers=caller.headers).json
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert listed["next_cursor"] is None
    # A draft is not in the help centre.
    assert app.test_client().get("/help/reset-your-password").status_code == 404
    assert _actions(app) == ["article.create"]


def test_create_published_and_same_title_gets_a_unique_slug(app, client, api_token):
    caller = api_token("agent")
    first = _create(client, caller, published=True).json
    assert first["published"] is True and first["published_at"]
    assert app.test_client().get("/help/reset-your-password").status_code == 200
    second = _create(client, caller, slug="").json
    assert second["slug"] == "reset-your-password-2"
    typed = _create(client, caller, slug="password-help").json
    assert typed["slug"] == "password-help"
    assert _actions(app) == [
        "article.create",
        "article.publish",
        "article.create",
        "article.create",
    ]


def test_list_filters_search_and_cursor(client, api_token):
    caller = api_token("agent")
    ids = [
        _create(client, caller, title=f"Refund policy {i}", published=i % 2 == 0).json["id"]
        for i in range(3)
    ]
    other = _create(client, caller, title="Shipping times", body="Parcels take two days.")
    headers = caller.headers

    def listed(query: str) -> list[int]:
        response = client.get(f"/api/v1/articles?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    assert listed("q=refund") == ids[::-1]
    assert listed("q=parcels") == [other.json["id"]]
    assert listed("q=refund&published=true") == [ids[2], ids[0]]
    assert listed("published=false") == [other.json["id"], ids[1]]
    assert listed("q=%22%2A%29") == []  # nothing searchable: no matches, not everything
    assert listed("q=") == [other.json["id"], *ids[::-1]]
    first = client.get("/api/v1/articles?limit=3", headers=headers).json
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = client.get(
        f"/api/v1/articles?limit=3&after={first['next_cursor']}", headers=headers
    ).json
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("published=maybe", "published"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("after=%25%25%25", "after"),
        ("after=WzEsMl0", "after"),
        (f"q={'x' * 201}", "q"),
        ("status=draft", "status"),
    ],
)
def test_list_bad_queries_are_422_naming_the_field(client, api_token, query, field):
    caller = api_token("agent")
    response = client.get(f"/api/v1/articles?{query}", headers=caller.headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 5}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": " \n "}, "body"),
        ({"body": None}, "body"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "double--hyphen"}, "slug"),
        ({"slug": "x" * 121}, "slug"),
        ({"published": "yes"}, "published"),
        ({"author_id": 1}, "author_id"),
    ],
)
def test_create_bad_input_is_422_and_writes_nothing(app, client, api_token, changes, field):
    caller = api_token("agent")
    response = _create(client, caller, **changes)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert _count(app) == 0


def test_create_needs_title_and_body_and_a_free_slug(app, client, api_token):
    caller = api_token("agent")
    response = client.post("/api/v1/articles", json={}, headers=caller.headers)
    assert response.status_code == 422
    assert {"title", "body"} <= set(response.json["error"]["fields"])
    _create(client, caller, slug="taken")
    duplicate = _create(client, caller, title="Other", slug="taken")
    assert duplicate.status_code == 409
    assert duplicate.json["error"]["fields"] == {
        "slug": "Another article already has this address."
    }
    assert _count(app) == 1


def test_create_needs_json(client, api_token):
    caller = api_token("agent")
    response = client.post("/api/v1/articles", data=NEW, headers=caller.headers)
    assert response.status_code == 415


def test_control_characters_are_refused(app, client, api_token):
    caller = api_token("agent")
    response = _create(client, caller, title="Re\x00set\x07 it", body="Bo\x1bdy\nline two")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"title", "body"}
    assert _count(app) == 0
    assert _create(client, caller, body="Tabs\tand\r\nline breaks stay.").status_code == 201


def test_update_edits_publishes_and_unpublishes(app, client, api_token):
    caller = api_token("agent")
    article = _create(client, caller).json
    url = f"/api/v1/articles/{article['id']}"
    edited = client.patch(url, json={"title": "Change your password"}, headers=caller.headers)
    assert edited.status_code == 200, edited.json
    # The address stays: links already shared keep working.
    assert edited.json["title"] == "Change your password"
    assert edited.json["slug"] == "reset-your-password"
    assert edited.json["body"] == NEW["body"]
    moved = client.patch(
        url, json={"slug": "password", "body": "New *body*"}, headers=caller.headers
    )
    assert moved.json["slug"] == "password" and "<em>body</em>" in moved.json["body_html"]
    kept = client.patch(url, json={"slug": "", "title": None}, headers=caller.headers)
    assert kept.json["slug"] == "password" and kept.json["title"] == "Change your password"
    published = client.patch(url, json={"published": True}, headers=caller.headers)
    assert published.json["published"] is True
    assert app.test_client().get("/help/password").status_code == 200
    hidden = client.patch(url, json={"published": False}, headers=caller.headers)
    assert hidden.json["published"] is False
    assert app.test_client().get("/help/password").status_code == 404
    unchanged = client.patch(url, json={}, headers=caller.headers)
    assert unchanged.status_code == 200 and unchanged.json["title"] == "Change your password"
    assert _actions(app) == [
        "article.create",
        "article.update",
        "article.update",
        "article.publish",
        "article.unpublish",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"slug": "UPPER_case"}, "slug"),
        ({"published": 1}, "published"),
        ({"id": 5}, "id"),
    ],
)
def test_update_bad_input_is_422_and_changes_nothing(app, client, api_token, changes, field):
    caller = api_token("agent")
    article = _create(client, caller).json
    response = client.patch(
        f"/api/v1/articles/{article['id']}", json=changes, headers=caller.headers
    )
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    after = client.get(f"/api/v1/articles/{article['id']}", headers=caller.headers).json
    assert after == article
    assert _actions(app) == ["article.create"]


def test_update_to_a_slug_another_article_holds_is_409(client, api_token):
    caller = api_token("agent")
    _create(client, caller, slug="taken")
    other = _create(client, caller, title="Other").json
    response = client.patch(
        f"/api/v1/articles/{other['id']}", json={"slug": "taken"}, headers=caller.headers
    )
    assert response.status_code == 409 and "slug" in response.json["error"]["fields"]


def test_delete_removes_it_from_the_help_centre(app, client, api_token):
    caller = api_token("agent")
    article = _create(client, caller, published=True).json
    url = f"/api/v1/articles/{article['id']}"
    response = client.delete(url, headers=caller.headers)
    assert response.status_code == 204 and response.data == b""
    assert client.get(url, headers=caller.headers).status_code == 404
    assert client.delete(url, headers=caller.headers).status_code == 404
    assert app.test_client().get("/help/reset-your-password").status_code == 404
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "article.delete")
        )
        assert event.actor_user_id == caller.user.id
        assert event.object_id == str(article["id"])
        assert event.changes == {
            "slug": "reset-your-password",
            "title": "Reset your password",
            "published": True,
        }
    # The search index forgets it too.
    assert client.get("/api/v1/articles?q=password", headers=caller.headers).json["items"] == []


@pytest.mark.parametrize("article_id", ["999", "2147483648", "99999999999999999999999"])
def test_unknown_articles_are_404(client, api_token, article_id):
    caller = api_token("agent")
    url = f"/api/v1/articles/{article_id}"
    for response in (
        client.get(url, headers=caller.headers),
        client.patch(url, json={"title": "x"}, headers=caller.headers),
        client.delete(url, headers=caller.headers),
    ):
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ["agent", "founder", "admin"])
def test_every_staff_role_may_write_articles(client, api_token, role):
    caller = api_token(role)
    assert _create(client, caller).status_code == 201


def test_a_read_token_reads_but_cannot_write(app, client, api_token):
    writer = api_token("agent")
    article = _create(client, writer).json
    reader = api_token("admin", scope="read")
    url = f"/api/v1/articles/{article['id']}"
    assert client.get(url, headers=reader.headers).status_code == 200
    assert client.get("/api/v1/articles", headers=reader.headers).status_code == 200
    for response in (
        _create(client, reader),
        client.patch(url, json={"published": True}, headers=reader.headers),
        client.delete(url, headers=reader.headers),
    ):
        assert response.status_code == 403
        assert response.json["error"]["code"] == "insufficient_scope"
    assert _count(app) == 1
    assert _actions(app) == ["article.create"]


def test_no_token_is_401_and_a_session_cookie_is_not_enough(client, login_as):
    assert client.get("/api/v1/articles").status_code == 401
    agent = login_as("agent")
    assert agent.get("/api/v1/articles").status_code == 401
    assert agent.post("/api/v1/articles", json=NEW).status_code == 401


def test_described_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/articles"]) == {"get", "post"}
    assert set(paths["/api/v1/articles/{article_id}"]) == {"get", "patch", "delete"}
