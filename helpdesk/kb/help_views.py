"""The public help centre: `/help` (published articles, newest first, and search) and
`/help/<slug>` (one article, with "Was this helpful?"). Open to anyone; drafts are never
shown, whoever asks and whatever slug they guess. The pages use their own layout, so no
staff navigation appears on them even for a logged-in staff member.

Readers get articles in their language (`?lang=`, else the browser's): the Thai version of
an article when there is one, else the original (`search.articles.for_language`); an
article page links its other published language versions.

A browser's vote is counted once per article per session (the session remembers the last
`MAX_REMEMBERED_VOTES` articles voted on); voting again is thanked and not counted.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import public
from helpdesk.errors import NotAllowed
from helpdesk.forms import parse_id
from helpdesk.i18n import current_locale, use_language
from helpdesk.kb import service
from helpdesk.kb.forms import VoteForm
from helpdesk.kb.queries import articles_slice, language_versions
from helpdesk.models import Article
from helpdesk.search.articles import (
    article_by_slug,
    article_search,
    article_snippet,
    articles_version,
    newest_published,
)
from helpdesk.search.terms import highlight
from helpdesk.web.conditional import etag_of, not_modified, tagged, unchanged
from helpdesk.web.htmx_render import wants_fragment

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.before_request
def _reader_language() -> None:
    """`?lang=th` (a language version's link) shows the page, and picks articles, in that
    language; otherwise the browser's preference decides."""
    use_language(request.args.get("lang"))


PER_PAGE = 20
MAX_QUERY_CHARS = 200
MAX_REMEMBERED_VOTES = 50
VOTES_KEY = "kb_votes"


def _published(slug: str) -> Article:
    article = article_by_slug(slug)
    if article is None:
        abort(404)
    return article


@bp.get("")
@public
def index() -> Response:
    q = request.args.get("q", "")[:MAX_QUERY_CHARS].strip()
    page = parse_id(request.args.get("page", "1")) or 1
    etag = _etag("index", q, page)
    if unchanged(etag):
        return not_modified(etag)
    has_next = False
    if q:
        found = article_search(q, limit=PER_PAGE, language=current_locale())
        results = [
            {
                "article": article,
                "title": highlight(article.title, q),
                "snippet": highlight(article_snippet(article, q), q),
            }
            for article in found
        ]
    else:
        rows = articles_slice(
            newest_published(current_locale()), offset=(page - 1) * PER_PAGE, limit=PER_PAGE + 1
        )
        has_next = len(rows) > PER_PAGE
        results = [
            {"article": article, "title": article.title, "snippet": article_snippet(article)}
            for article in rows[:PER_PAGE]
        ]
    html = render_template("help/index.html", q=q, results=results, page=page, has_next=has_next)
    return tagged(make_response(html), etag)


@bp.get("/<string(maxlength=120):slug>")
@public
def article(slug: str) -> Response:
    voted = _voted_ids()
    etag = _etag("article", slug, voted)
    if unchanged(etag):
        return not_modified(etag)
    found = _published(slug)
    html = render_template(
        "help/article.html",
        article=found,
        translations=language_versions(found, published_only=True),
        description=article_snippet(found),
        canonical=_canonical(found),
        voted=found.id in voted,
    )
    return tagged(make_response(html), etag)


@bp.post("/<string(maxlength=120):slug>/vote")
@public
def vote(slug: str) -> Response:
    found = _published(slug)
    form = VoteForm()
    if not form.validate_on_submit() or form.helpful.data not in ("yes", "no"):
        abort(400)
    remembered = _voted_ids()
    if found.id not in remembered:
        try:
            service.article_vote(article=found, helpful=form.helpful.data == "yes")
        except NotAllowed:
            abort(404)  # unpublished a moment ago
        session[VOTES_KEY] = [*remembered, found.id][-MAX_REMEMBERED_VOTES:]
    if wants_fragment():
        response = make_response(render_template("help/_vote.html", article=found, voted=True))
        response.vary.add("HX-Request")
        return response
    flash(_("Thank you for your answer."), "success")
    return redirect(url_for("help.article", slug=found.slug) + "#helpful")


def _voted_ids() -> list[int]:
    return [item for item in session.get(VOTES_KEY, []) if isinstance(item, int)]


def _etag(page: str, *parts: object) -> str:
    """What a help page depends on: the articles, the reader's language, the address it
    is served at and the page's own arguments (the session's CSRF token lives as long as
    the session, so a stored page's forms keep working)."""
    return etag_of("help", page, articles_version(), current_locale(), request.host_url, parts)


def _canonical(article: Article) -> str:
    base = str(current_app.config.get("BASE_URL") or request.host_url).rstrip("/")
    return base + url_for("help.article", slug=article.slug)
