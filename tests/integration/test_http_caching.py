"""Conditional GETs where they are free (issue 25): the help centre and the widget's
article suggestions carry an ETag made from what they depend on, and a reader who has
the answer gets 304 Not Modified; anything that changes the answer changes the tag."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.kb import service
from helpdesk.models import Article, User
from tests.conftest import csrf_token
from tests.integration.test_kb_views import make_article

SUGGESTIONS = "/api/widget/v1/articles?q=password"


def revalidate(client, path, etag, **headers):
    return client.get(path, headers={"If-None-Match": etag, **headers})


def edit(app, article_id, **changes):
    with app.app_context():
        article = db.session.get(Article, article_id)
        writer = db.session.scalar(sa.select(User))
        if changes.pop("unpublish", False):
            service.article_unpublish(article=article, actor=writer)
        else:
            service.article_update(
                article=article,
                actor=writer,
                title=changes.get("title", article.title),
                body=changes.get("body", article.body_source),
                slug=None,
            )


def test_help_pages_answer_304_until_an_article_changes(app, client):
    article_id, slug = make_article(app)
    for path in ("/help", f"/help/{slug}", "/help?q=password"):
        first = client.get(path)
        assert first.status_code == 200
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "no-cache"
        assert "Accept-Language" in first.headers["Vary"]
        again = revalidate(client, path, etag)
        assert again.status_code == 304 and again.get_data() == b""
        # The stored page keeps the policy (and the nonce) it was sent with.
        assert "Content-Security-Policy" not in again.headers
        assert again.headers["ETag"] == etag
    page_etag = client.get(f"/help/{slug}").headers["ETag"]
    edit(app, article_id, title="Reset your password in two steps")
    changed = revalidate(client, f"/help/{slug}", page_etag)
    assert changed.status_code == 200
    assert "in two steps" in changed.get_data(as_text=True)
    edit(app, article_id, unpublish=True)
    assert revalidate(client, f"/help/{slug}", changed.headers["ETag"]).status_code == 404


def test_the_readers_language_and_vote_change_the_tag(app, client):
    _, slug = make_article(app)
    english = client.get(f"/help/{slug}")
    thai = revalidate(client, f"/help/{slug}", english.headers["ETag"], **{"Accept-Language": "th"})
    assert thai.status_code == 200 and thai.headers["ETag"] != english.headers["ETag"]
    token = csrf_token(client, f"/help/{slug}")
    before = client.get(f"/help/{slug}").headers["ETag"]
    client.post(f"/help/{slug}/vote", data={"helpful": "yes", "csrf_token": token})
    after = revalidate(client, f"/help/{slug}", before)  # the thanks, and "voted"
    assert after.status_code == 200
    assert "Thank you for your answer." in after.get_data(as_text=True)
    assert revalidate(client, f"/help/{slug}", after.headers["ETag"]).status_code == 304


def test_staff_pages_are_never_tagged(app, login_as):
    _, slug = make_article(app)
    agent = login_as("agent")
    page = agent.get(f"/help/{slug}")
    assert page.status_code == 200 and "ETag" not in page.headers
    assert page.headers["Cache-Control"] == "no-store"
    assert revalidate(agent, f"/help/{slug}", '"anything"').status_code == 200


def test_widget_suggestions_are_revalidated_and_the_rest_never_stored(app, client):
    article_id, _ = make_article(app)
    first = client.get(SUGGESTIONS)
    assert first.status_code == 200 and first.json["articles"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = revalidate(client, SUGGESTIONS, first.headers["ETag"])
    assert again.status_code == 304
    other_words = revalidate(client, "/api/widget/v1/articles?q=refund", first.headers["ETag"])
    assert other_words.status_code == 200
    edit(app, article_id, body="Open **Settings**, then Security.")
    assert revalidate(client, SUGGESTIONS, first.headers["ETag"]).status_code == 200
    conversations = client.get("/api/widget/v1/conversations")
    assert conversations.headers["Cache-Control"] == "no-store"
    assert "ETag" not in conversations.headers
