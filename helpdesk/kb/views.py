"""Staff pages of the knowledge base: the article list with search, new and edit (with a
live preview), publish and unpublish, and "Publish as article" from a ticket reply."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.format_filters import language_name
from helpdesk.forms import parse_id
from helpdesk.kb import service
from helpdesk.kb.forms import ArticleForm, EmptyForm, PreviewForm
from helpdesk.kb.queries import (
    articles_slice,
    language_versions,
    original_choices,
    ticket_message,
)
from helpdesk.models import Article
from helpdesk.rendering import markdown_to_html
from helpdesk.search.articles import search_statement
from helpdesk.search.terms import highlight
from helpdesk.tickets.queries import ticket_by_number
from helpdesk.web.current import staff
from helpdesk.web.htmx_render import render_page_or_fragment
from helpdesk.web.lookups import row_or_404
from helpdesk.web.use_case import run_use_case

bp = Blueprint("kb", __name__)
bp.before_request(require_role("agent"))

PER_PAGE = 50
MAX_QUERY_CHARS = 200
STATUS_LABELS = {
    "": _l("Any"),
    "draft": _l("Draft"),
    "published": _l("Published"),
}


def _get_article(article_id: int) -> Article:
    return row_or_404(Article, article_id)


@bp.get("/kb/articles")
def articles() -> Response:
    q = request.args.get("q", "")[:MAX_QUERY_CHARS].strip()
    status = request.args.get("status", "")
    if status not in STATUS_LABELS:
        abort(400, description=_("Unknown value for %(name)s.", name="status"))
    page = parse_id(request.args.get("page", "1")) or 1
    found = search_statement(q) if q else None
    searched = found is not None
    statement = (
        found
        if found is not None
        else (sa.select(Article).order_by(Article.updated_at.desc(), Article.id.desc()))
    )
    if status:
        statement = statement.where(Article.published.is_(status == "published"))
    rows = articles_slice(statement, offset=(page - 1) * PER_PAGE, limit=PER_PAGE + 1)
    return render_page_or_fragment(
        "kb/articles.html",
        "kb/_article_rows.html",
        articles=rows[:PER_PAGE],
        has_next=len(rows) > PER_PAGE,
        page_number=page,
        q=q,
        status_filter=status,
        searched=searched,
        status_labels=STATUS_LABELS,
        highlight=highlight,
    )


def _form(article: Article | None, formdata: bool = True) -> ArticleForm:
    """The article form with its language and original choices (and, for a GET, the
    article's values)."""
    if formdata:
        form = ArticleForm()
    else:
        # "Translate this article" opens the new form with the original chosen.
        data = {
            "language": service.default_language(staff()),
            "translation_of": request.args.get("translation_of", "")[:12],
        }
        if article is not None:
            data = {
                "title": article.title,
                "slug": article.slug,
                "body": article.body_source,
                "language": article.language,
                "translation_of": str(article.translation_of_id or ""),
            }
        form = ArticleForm(formdata=None, data=data)
    form.language.choices = [
        (code, language_name(code)) for code in current_app.config["LANGUAGES"]
    ]
    originals = original_choices(exclude=article.id if article is not None else None)
    form.translation_of.choices = [("", _("None: this is an original")), *originals]
    return form


def _translation_of(form: ArticleForm) -> int | None:
    return parse_id(form.translation_of.data or "")


@bp.route("/kb/articles/new", methods=["GET", "POST"])
def article_new() -> Response | tuple[str, int]:
    form = _form(None, formdata=request.method == "POST")
    if form.validate_on_submit():
        created = run_use_case(
            lambda: service.article_create(
                actor=staff(),
                title=form.title.data or "",
                body=form.body.data or "",
                slug=form.slug.data or None,
                language=form.language.data or None,
                translation_of_id=_translation_of(form),
            ),
            form=form,
            catch=(ValidationError, Conflict),
            every_error_on_form=True,
        )
        if created.value is not None:
            flash(_("Draft saved. Publish it when it is ready."), "success")
            return redirect(url_for("kb.article_edit", article_id=created.value.id))
    status = 422 if request.method == "POST" else 200
    html = render_template("kb/edit.html", form=form, article=None, action_form=None, versions=[])
    return html, status


@bp.route("/kb/articles/<id:article_id>/edit", methods=["GET", "POST"])
def article_edit(article_id: int) -> Response | tuple[str, int]:
    article = _get_article(article_id)
    if request.method == "GET":
        return _edit_page(article, _form(article, formdata=False), 200)
    form = _form(article)
    if form.validate_on_submit():
        updated = run_use_case(
            lambda: service.article_update(
                article=article,
                actor=staff(),
                title=form.title.data or "",
                body=form.body.data or "",
                slug=form.slug.data or None,
                language=form.language.data or None,
                translation_of_id=_translation_of(form),
            ),
            form=form,
            catch=(ValidationError, Conflict),
            every_error_on_form=True,
        )
        if updated.ok:
            flash(_("Article saved."), "success")
            return redirect(url_for("kb.article_edit", article_id=article.id))
    return _edit_page(_get_article(article_id), form, 422)


def _edit_page(article: Article, form: ArticleForm, status: int) -> tuple[str, int]:
    html = render_template(
        "kb/edit.html",
        form=form,
        article=article,
        action_form=EmptyForm(formdata=None),
        versions=language_versions(article),
    )
    return html, status


@bp.post("/kb/articles/preview")
def article_preview() -> str:
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    return render_template("kb/_preview.html", html=markdown_to_html(form.body.data or ""))


@bp.post("/kb/articles/<id:article_id>/publish")
def article_publish(article_id: int) -> Response:
    article = _get_article(article_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.article_publish(article=article, actor=staff())
    flash(_("Published: the article is in the help centre."), "success")
    return redirect(url_for("kb.article_edit", article_id=article.id))


@bp.post("/kb/articles/<id:article_id>/unpublish")
def article_unpublish(article_id: int) -> Response:
    article = _get_article(article_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.article_unpublish(article=article, actor=staff())
    flash(_("Unpublished: the article is a draft again."), "success")
    return redirect(url_for("kb.article_edit", article_id=article.id))


@bp.post("/tickets/<number:number>/messages/<id:message_id>/article")
def article_from_message(number: int, message_id: int) -> Response:
    message = ticket_message(ticket_by_number(number), message_id)
    if message is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    made = run_use_case(
        lambda: service.article_from_message(message=message, actor=staff()),
        catch=(NotAllowed, ValidationError, Conflict),
    )
    if made.value is None:
        abort(422, description=made.message)
    article = made.value
    flash(
        _(
            "A draft article was made from the reply, without the customer's details. Check it "
            "and publish it when it is ready."
        ),
        "success",
    )
    return redirect(url_for("kb.article_edit", article_id=article.id))
