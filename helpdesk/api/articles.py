"""`/api/v1/articles`: the knowledge base — list (search, published filter, cursor), create,
read, update (publish and unpublish too) and delete, through the services of the staff
pages (helpdesk.kb.service), so the same rules and audit events hold. Any agent may."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Response, abort, jsonify, url_for
from flask_babel import gettext as _
from pydantic import AliasChoices, BaseModel, Field, StrictBool, StrictStr
from sqlalchemy.orm import joinedload

from helpdesk.api.blueprint import api_blueprint
from helpdesk.api.pagination import PageQuery, paginate
from helpdesk.api.schemas import In, Out, UserRef
from helpdesk.api.spec import responses, spec
from helpdesk.api.text_rules import VISIBLE
from helpdesk.auth.access import require_role
from helpdesk.forms import MAX_ID
from helpdesk.kb import service
from helpdesk.kb.queries import article_by_id
from helpdesk.models import Article
from helpdesk.search.articles import search_statement
from helpdesk.web.current import staff

bp = api_blueprint("api_articles", __name__)
bp.before_request(require_role("agent"))

TAG = "Articles"
ID = "<int:article_id>"


class ArticleOut(Out):
    id: int
    slug: str = Field(description="The article's address in the help centre: /help/<slug>.")
    title: str
    body: str = Field(validation_alias=AliasChoices("body_source", "body"), description="Markdown.")
    body_html: str = Field(description="The sanitised HTML the help centre shows.")
    published: bool
    published_at: datetime | None = Field(description="When it was first published.")
    author: UserRef | None
    helpful_yes: int
    helpful_no: int
    created_at: datetime
    updated_at: datetime


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class ArticleQuery(PageQuery):
    published: bool | None = Field(
        default=None, description="true: only published articles; false: only drafts."
    )
    q: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "Full-text search in titles and bodies: any word matches, articles with more "
            "of the words first."
        ),
    )


# Lower-case ASCII letters and digits in words joined by single hyphens (or empty).
SLUG = r"^([a-z0-9]+(-[a-z0-9]+)*)?$"


class ArticleCreate(In):
    title: StrictStr = Field(max_length=service.MAX_TITLE_CHARS, pattern=VISIBLE)
    body: StrictStr = Field(
        max_length=service.MAX_BODY_CHARS, pattern=VISIBLE, description="Markdown."
    )
    slug: StrictStr | None = Field(
        default=None,
        max_length=service.MAX_SLUG_CHARS,
        pattern=SLUG,
        description="Like `reset-your-password`; made from the title when absent or empty.",
    )
    published: StrictBool = Field(
        default=False, description="Publish at once; otherwise the article is a draft."
    )


class ArticleUpdate(In):
    title: StrictStr | None = Field(
        default=None, max_length=service.MAX_TITLE_CHARS, pattern=VISIBLE
    )
    body: StrictStr | None = Field(
        default=None, max_length=service.MAX_BODY_CHARS, pattern=VISIBLE, description="Markdown."
    )
    slug: StrictStr | None = Field(
        default=None,
        max_length=service.MAX_SLUG_CHARS,
        pattern=SLUG,
        description="A new address; empty or null keeps the current one.",
    )
    published: StrictBool | None = Field(
        default=None, description="true publishes, false takes it back to a draft."
    )


def _article(article_id: int) -> Article:
    # The range is checked here, not by the URL converter: a converter's refusal turns
    # PATCH and DELETE into a 405 (werkzeug), where the answer is "no such article".
    article = article_by_id(article_id) if article_id <= MAX_ID else None
    if article is None:
        abort(404, description=_("There is no article with that id."))
    return article


def _out(article: Article) -> dict[str, object]:
    return ArticleOut.model_validate(article).model_dump(mode="json")


@bp.get("/articles")
@spec.validate(query=ArticleQuery, resp=responses({200: ArticlePage}, 422), tags=[TAG])
def list_articles(query: ArticleQuery) -> Response:
    """List articles, drafts included, newest first.

    `q` keeps the articles matching any of its words, those with more of them first (the
    help centre's search); `published`
    keeps published articles or drafts. Pages hold `limit` articles (50 unless set);
    follow `next_cursor` with `after`."""
    statement = sa.select(Article).options(joinedload(Article.author))
    if query.published is not None:
        statement = statement.where(Article.published.is_(query.published))
    if query.q is not None and query.q.strip():
        found = search_statement(query.q)
        if found is None:  # nothing searchable in it (only punctuation): no matches
            return jsonify(items=[], next_cursor=None)
        matching = found.with_only_columns(Article.id).order_by(None)
        statement = statement.where(Article.id.in_(matching.scalar_subquery()))
    page = paginate(
        statement,
        created_at=Article.created_at,
        row_id=Article.id,
        limit=query.limit,
        after=query.after,
    )
    return jsonify(items=[_out(article) for article in page.items], next_cursor=page.next_cursor)


@bp.post("/articles")
@spec.validate(json=ArticleCreate, resp=responses({201: ArticleOut}, 409, 415, 422), tags=[TAG])
def create_article(json: ArticleCreate) -> tuple[Response, int, dict[str, str]]:
    """Write an article.

    It is a draft unless `published` is true. The slug is made from the title when absent
    (and made unique); a slug typed here that another article holds is a 409."""
    article = service.article_create(
        actor=staff(), title=json.title, body=json.body, slug=json.slug
    )
    if json.published:
        service.article_publish(article=article, actor=staff())
    location = url_for("api_articles.get_article", article_id=article.id)
    return jsonify(_out(article)), 201, {"Location": location}


@bp.get(f"/articles/{ID}")
@spec.validate(resp=responses({200: ArticleOut}, 404), tags=[TAG])
def get_article(article_id: int) -> Response:
    """Read an article, draft or published."""
    return jsonify(_out(_article(article_id)))


@bp.patch(f"/articles/{ID}")
@spec.validate(
    json=ArticleUpdate, resp=responses({200: ArticleOut}, 404, 409, 415, 422), tags=[TAG]
)
def update_article(article_id: int, json: ArticleUpdate) -> Response:
    """Change an article's title, body or slug, or publish or unpublish it.

    Send only what changes. An empty or null slug keeps the current address, so links
    already shared keep working; another article's slug is a 409."""
    article = _article(article_id)
    if json.title is not None or json.body is not None or json.slug:
        service.article_update(
            article=article,
            actor=staff(),
            title=article.title if json.title is None else json.title,
            body=article.body_source if json.body is None else json.body,
            slug=json.slug or None,
        )
    if json.published is True:
        service.article_publish(article=article, actor=staff())
    elif json.published is False:
        service.article_unpublish(article=article, actor=staff())
    return jsonify(_out(article))


@bp.delete(f"/articles/{ID}")
@spec.validate(resp=responses({204: None}, 404), tags=[TAG])
def delete_article(article_id: int) -> tuple[str, int]:
    """Delete an article for good; a published one leaves the help centre at once."""
    service.article_delete(article=_article(article_id), actor=staff())
    return "", 204
