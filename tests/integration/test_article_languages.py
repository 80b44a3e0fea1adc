"""Articles have a language and translations of one another: the rules (service), what a
reader of each language gets (help centre, widget), and the staff form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.kb import service
from helpdesk.models import Article, AuditEvent, User
from helpdesk.search.articles import article_search, article_suggestions
from tests.conftest import csrf_token

REFUND_EN = ("Our refund policy", "A full refund within 30 days.")
REFUND_TH = ("นโยบายการคืนเงิน", "คืนเงินเต็มจำนวนภายใน 30 วัน")


def writer() -> User:
    user = db.session.scalar(sa.select(User).where(User.email == "writer@example.com"))
    if user is None:
        user = User(email="writer@example.com", name="Writer", role="agent", password_hash="!")
        db.session.add(user)
        db.session.commit()
    return user


def make(title: str, body: str, *, published: bool = True, **kw: object) -> Article:
    article = service.article_create(actor=writer(), title=title, body=body, **kw)
    if published:
        service.article_publish(article=article, actor=writer())
    return article


def titles(articles: list[Article]) -> list[str]:
    return [article.title for article in articles]


# --- the rules ------------------------------------------------------------------------------


def test_a_translation_is_audited_and_points_at_the_original(database):
    original = make(*REFUND_EN)
    thai = make(*REFUND_TH, language="th", translation_of_id=original.id)
    assert (original.language, thai.language, thai.translation_of_id) == ("en", "th", original.id)
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "article.create", AuditEvent.object_id == str(thai.id)
        )
    )
    assert event is not None and event.changes["translation_of"] == original.id
    # A translation of the translation is one more translation of the original.
    indonesian = make("Kebijakan pengembalian dana", "Dana kembali.", language="id",
                      translation_of_id=thai.id)  # fmt: skip
    assert indonesian.translation_of_id == original.id


def test_a_new_article_takes_its_authors_language(database):
    author = writer()
    author.language = "bn"
    db.session.commit()
    assert make("পাসওয়ার্ড", "নতুন পাসওয়ার্ড").language == "bn"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"language": "xx"}, "language", "Choose one of the languages"),
        ({"language": "en", "translation_of": "original"}, "language", "The original is in"),
        ({"language": "th", "translation_of": "original"}, "language", "already"),
        ({"language": "id", "translation_of": 999_999}, "translation_of", "no longer exists"),
    ],
)
def test_bad_translations_are_refused_by_field(database, change, field, message):
    original = make(*REFUND_EN)
    make(*REFUND_TH, language="th", translation_of_id=original.id)
    target = change.get("translation_of")
    with pytest.raises(ValidationError) as raised:
        service.article_create(
            actor=writer(),
            title="Another",
            body="Text",
            language=str(change["language"]),
            translation_of_id=original.id if target == "original" else target,  # type: ignore[arg-type]
        )
    assert raised.value.field == field and message in raised.value.message
    assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 2  # nothing half-made


def test_an_article_is_not_its_own_translation_and_an_original_stays_one(database):
    original = make(*REFUND_EN)
    thai = make(*REFUND_TH, language="th", translation_of_id=original.id)
    other = make("Shipping times", "Two days.")
    edit = {"title": original.title, "body": original.body_source, "slug": None}
    with pytest.raises(ValidationError, match="itself"):
        service.article_update(article=other, actor=writer(), **edit, translation_of_id=other.id)
    with pytest.raises(ValidationError, match="translations of its own"):
        service.article_update(
            article=original, actor=writer(), **edit, language="id", translation_of_id=other.id
        )
    with pytest.raises(ValidationError, match="translation in"):
        service.article_update(article=original, actor=writer(), **edit, language="th")
    db.session.rollback()
    assert db.session.get(Article, thai.id).translation_of_id == original.id


def test_deleting_the_original_leaves_its_translations_as_originals(database):
    original = make(*REFUND_EN)
    thai = make(*REFUND_TH, language="th", translation_of_id=original.id)
    service.article_delete(article=original, actor=writer())
    db.session.expire_all()
    assert db.session.get(Article, thai.id).translation_of_id is None


# --- what readers get -------------------------------------------------------------------------


def test_each_reader_gets_the_version_in_their_language_else_the_original(database):
    original = make(*REFUND_EN)
    make(*REFUND_TH, language="th", translation_of_id=original.id)
    untranslated = make("Shipping times", "A refund if it is late.")
    assert titles(article_search("refund", language="en")) == [original.title, untranslated.title]
    # A Thai reader searching in Thai finds the Thai version; in English, the English
    # words match only the untranslated article (the Thai version replaces the original).
    assert titles(article_search("คืนเงิน", language="th")) == [REFUND_TH[0]]
    assert titles(article_search("refund", language="th")) == [untranslated.title]
    # The newest articles too: the Thai version instead of the English one.
    assert sorted(titles(article_suggestions("", language="th"))) == sorted(
        [REFUND_TH[0], untranslated.title]
    )
    # Without a reader's language (staff search) every version is listed.
    assert len(article_search("refund")) == 2


def test_an_unpublished_translation_does_not_hide_the_original(database):
    original = make(*REFUND_EN)
    make(*REFUND_TH, language="th", translation_of_id=original.id, published=False)
    assert titles(article_suggestions("", language="th")) == [original.title]


def refund_in_two_languages(app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The English original and its Thai translation, published; their slugs. (Made in an
    app context of their own: requests must not share one, or its cached locale.)"""
    with app.app_context():
        original = make(*REFUND_EN)
        thai = make(*REFUND_TH, language="th", translation_of_id=original.id)
        return original.slug, thai.slug


def test_the_widget_suggests_articles_in_the_frames_language(app):
    refund_in_two_languages(app)
    client = app.test_client()
    thai = client.get("/api/widget/v1/articles?q=คืนเงิน", headers={"Accept-Language": "th"})
    assert [item["title"] for item in thai.get_json()["articles"]] == [REFUND_TH[0]]
    english = client.get("/api/widget/v1/articles?q=", headers={"Accept-Language": "en"})
    assert [item["title"] for item in english.get_json()["articles"]] == [REFUND_EN[0]]


def test_the_help_centre_links_each_language_version(app):
    original, thai = refund_in_two_languages(app)
    client = app.test_client()
    page = client.get(f"/help/{original}").get_data(as_text=True)
    assert f'href="/help/{thai}?lang=th"' in page and 'hreflang="th"' in page
    assert '<article class="help-article" lang="en">' in page
    thai_page = client.get(f"/help/{thai}?lang=th").get_data(as_text=True)
    assert '<html lang="th">' in thai_page and f'href="/help/{original}?lang=en"' in thai_page
    index = client.get("/help?lang=th").get_data(as_text=True)
    assert REFUND_TH[0] in index and REFUND_EN[0] not in index


# --- the staff form -----------------------------------------------------------------------------


def test_staff_translate_an_article_from_its_page(app, login_as):
    with app.app_context():
        original_id = make(*REFUND_EN).id
    agent = login_as("agent")
    edit = agent.get(f"/kb/articles/{original_id}/edit").get_data(as_text=True)
    assert f'href="/kb/articles/new?translation_of={original_id}"' in edit
    form = agent.get(f"/kb/articles/new?translation_of={original_id}").get_data(as_text=True)
    assert f'<option selected value="{original_id}">' in form
    token = csrf_token(agent, "/kb/articles/new")
    data = {"csrf_token": token, "title": REFUND_TH[0], "body": REFUND_TH[1], "slug": ""}
    # The original's own language is refused next to the field, and the text is kept.
    refused = agent.post(
        "/kb/articles/new", data={**data, "language": "en", "translation_of": str(original_id)}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "The original is in English too" in html and REFUND_TH[1] in html
    saved = agent.post(
        "/kb/articles/new", data={**data, "language": "th", "translation_of": str(original_id)}
    )
    assert saved.status_code == 302
    with app.app_context():
        thai = db.session.scalar(sa.select(Article).where(Article.language == "th"))
        assert thai is not None and thai.translation_of_id == original_id
    listing = agent.get("/kb/articles").get_data(as_text=True)
    assert "(translation)" in listing
