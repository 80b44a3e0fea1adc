"""Knowledge-base use cases: write, edit, publish, unpublish and delete articles, count
"was this helpful?" votes, and turn a staff reply into a draft article.

Each public function is one use case, decorated `@use_case`: it checks the rules, writes
and audits, then commits once, or rolls back when it raises (votes are anonymous counters
and are not audited: one row per click would let anyone fill the audit log). Rules:

- Title: required, at most `MAX_TITLE_CHARS` characters. Body (Markdown): required, at most
  `MAX_BODY_CHARS` characters; its HTML comes from `rendering.markdown_to_html`.
- Slug (the address under /help/): lower-case ASCII letters, digits and single hyphens, at
  most `MAX_SLUG_CHARS`. Left empty, it is made from the title (`slugify`: accents dropped,
  "Café crème" → "cafe-creme") and made unique with -2, -3, ...; a title with no ASCII
  letters or digits (Thai, Bengali) gets `article-<id>`. A slug typed by hand that another
  article holds is a field error. Editing with the slug left empty keeps the current one,
  so published links keep working.
- Language: one of the app's languages (a new article: its author's, else the default). An
  article may be the translation of an original (`translation_of`; a translation's own
  translation counts as one of the original): never of itself, never in the original's
  language, at most one per language, and an article with translations of its own cannot
  become a translation.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.i18n import LANGUAGE_NAMES
from helpdesk.models import Article, Customer, Message, User
from helpdesk.rendering import markdown_to_html

MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 50_000
MAX_SLUG_CHARS = 120
# A generated slug stops here, leaving room for a "-<n>" suffix within MAX_SLUG_CHARS.
GENERATED_SLUG_CHARS = 80

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_NOT_SLUG = re.compile(r"[^a-z0-9]+", re.ASCII)


# --- Use cases ---------------------------------------------------------------------------


@use_case
def article_create(
    *,
    actor: User,
    title: str,
    body: str,
    slug: str | None = None,
    language: str | None = None,
    translation_of_id: int | None = None,
) -> Article:
    """A new draft article (not visible in the help centre until published)."""
    language = language or default_language(actor)
    _check_language(language)
    original = _original(translation_of_id, None, language)
    article = _new_article(actor=actor, title=title, body=body, slug=slug)
    article.language = language
    article.translation_of_id = original.id if original is not None else None
    changes: dict[str, object] = {"slug": article.slug, "language": language}
    if original is not None:
        changes["translation_of"] = original.id
    audit(actor=actor, action="article.create", obj=article, changes=changes)
    _flush()
    return article


@use_case
def article_update(
    *,
    article: Article,
    actor: User,
    title: str,
    body: str,
    slug: str | None,
    language: str | None = None,
    translation_of_id: int | None = None,
) -> Article:
    """Change an article's title, body, slug, language and original (an empty slug keeps
    the current one; no language keeps the current one)."""
    title = clean_title(title)
    body = clean_body(body)
    wanted = (slug or "").strip().lower()
    new_slug = article.slug if not wanted else _typed_slug(wanted, exclude_id=article.id)
    language = language or article.language
    _check_language(language)
    original = _original(translation_of_id, article, language)
    original_id = original.id if original is not None else None
    changes: dict[str, object] = {}
    for name, value in (
        ("title", title),
        ("body_source", body),
        ("slug", new_slug),
        ("language", language),
        ("translation_of_id", original_id),
    ):
        if getattr(article, name) != value:
            changes[name] = "changed" if name == "body_source" else value
            setattr(article, name, value)
    if not changes:
        return article
    article.body_html = markdown_to_html(body)
    article.updated_at = now()
    audit(actor=actor, action="article.update", obj=article, changes=changes)
    _flush()
    return article


@use_case
def article_publish(*, article: Article, actor: User) -> Article:
    """Show the article in the help centre (publishing a published article changes nothing)."""
    if article.published:
        return article
    article.published = True
    article.published_at = now()
    audit(actor=actor, action="article.publish", obj=article, changes={"published": True})
    return article


@use_case
def article_unpublish(*, article: Article, actor: User) -> Article:
    """Take the article out of the help centre; it stays as a draft."""
    if not article.published:
        return article
    article.published = False
    audit(actor=actor, action="article.unpublish", obj=article, changes={"published": False})
    return article


@use_case
def article_delete(*, article: Article, actor: User) -> None:
    """Delete an article for good (drafts and published ones alike: its /help/ address
    stops working). The audit event keeps its title and slug."""
    audit(
        actor=actor,
        action="article.delete",
        obj=article,
        changes={"slug": article.slug, "title": article.title, "published": article.published},
    )
    db.session.delete(article)


@use_case
def article_vote(*, article: Article, helpful: bool) -> None:
    """Count one "was this helpful?" answer, atomically; only published articles take votes
    (NotAllowed otherwise, also when it was unpublished a moment ago)."""
    column = Article.helpful_yes if helpful else Article.helpful_no
    result = db.session.execute(
        sa.update(Article)
        .where(Article.id == article.id, Article.published.is_(True))
        .values({column: column + 1})
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise NotAllowed(_("This article is not published."))  # @use_case rolls back
    db.session.refresh(article)


@use_case
def article_from_message(*, message: Message, actor: User) -> Article:
    """ "Publish as article": a staff member's public reply becomes a DRAFT article titled
    after the ticket's subject, linked to the ticket, for staff to edit and publish.

    Only a staff reply sent to the customer qualifies (a note stays internal, a customer's
    message is theirs): NotAllowed otherwise. Customer details are removed from the title
    and body (`remove_customer_details`) before anything is stored.
    """
    if message.author_type != "staff":
        raise NotAllowed(_("Only a reply written by staff can become an article."))
    if message.internal:
        raise NotAllowed(_("Internal notes stay internal: only a reply can become an article."))
    ticket = message.ticket
    customer = ticket.customer
    title = remove_customer_details(ticket.subject, customer)[:MAX_TITLE_CHARS]
    body = remove_customer_details(message.body_source, customer)
    article = _new_article(actor=actor, title=title, body=body, slug=None)
    article.source_ticket_id = ticket.id
    audit(
        actor=actor,
        action="article.create",
        obj=article,
        changes={
            "slug": article.slug,
            "source_ticket": ticket.number,
            "source_message": message.id,
        },
    )
    _flush()
    return article


# --- Rules -------------------------------------------------------------------------------


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("title", _("Give the article a title."))
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(
            "title",
            _(
                "This title is %(length)d characters long; the limit is %(limit)d.",
                length=len(title),
                limit=MAX_TITLE_CHARS,
            ),
        )
    return title


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError("body", _("Write the article first."))
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            "body",
            _(
                "This article is %(length)d characters long; the limit is %(limit)d. "
                "Shorten it or split it in two.",
                length=len(body),
                limit=MAX_BODY_CHARS,
            ),
        )
    return body


def slugify(text: str) -> str:
    """A readable ASCII slug: accents dropped, anything else that is not a letter or digit
    becomes one hyphen; cut at a hyphen near `GENERATED_SLUG_CHARS`. Empty when nothing
    ASCII is left (a Thai or Bengali title)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(char for char in decomposed if char.isascii()).lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > GENERATED_SLUG_CHARS:
        cut = slug[:GENERATED_SLUG_CHARS]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def _typed_slug(slug: str, *, exclude_id: int | None = None) -> str:
    if len(slug) > MAX_SLUG_CHARS:
        raise ValidationError(
            "slug", _("Keep the address under %(limit)d characters.", limit=MAX_SLUG_CHARS)
        )
    if not SLUG_PATTERN.fullmatch(slug):
        raise ValidationError(
            "slug",
            _("Use lower-case letters a–z, digits and single hyphens, like reset-your-password."),
        )
    holder = db.session.scalar(sa.select(Article.id).where(Article.slug == slug))
    if holder is not None and holder != exclude_id:
        raise Conflict(_("Another article already has this address."), field="slug")
    return slug


def _unique_slug(base: str) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever no article holds yet."""
    taken = set(
        db.session.scalars(
            sa.select(Article.slug).where(
                sa.or_(Article.slug == base, Article.slug.startswith(f"{base}-", autoescape=True))
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _new_article(*, actor: User, title: str, body: str, slug: str | None) -> Article:
    """A validated draft, added and flushed (so it has an id), not committed."""
    title = clean_title(title)
    body = clean_body(body)
    wanted = (slug or "").strip().lower()
    generated = slugify(title)
    if wanted:
        final_slug: str | None = _typed_slug(wanted)
    elif generated:
        final_slug = _unique_slug(generated)
    else:
        final_slug = None  # article-<id>, once the id is known
    current = now()
    article = Article(
        title=title,
        # A placeholder unique to this insert until the id is known.
        slug=final_slug or f"new-{secrets.token_hex(8)}",
        body_source=body,
        body_html=markdown_to_html(body),
        published=False,
        author_id=actor.id,
        created_at=current,
        updated_at=current,
    )
    db.session.add(article)
    db.session.flush()
    if final_slug is None:
        article.slug = _unique_slug(f"article-{article.id}")
    return article


def default_language(actor: User | None) -> str:
    """A new article's language: its author's, else the app's default."""
    languages = current_app.config["LANGUAGES"]
    if actor is not None and actor.language in languages:
        return str(actor.language)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _check_language(language: str) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise ValidationError("language", _("Choose one of the languages in the list."))


def _original(
    translation_of_id: int | None, article: Article | None, language: str
) -> Article | None:
    """The original an article in `language` translates (None: it is an original), checked.
    `article` is the article being edited (None while it is being written)."""
    if translation_of_id is None:
        if article is not None and _translations_in(article.id, language, exclude=None):
            raise ValidationError(
                "language",
                _(
                    "This article has a translation in %(language)s already.",
                    language=_name(language),
                ),
            )
        return None
    original = db.session.get(Article, translation_of_id)
    if original is None:
        raise ValidationError("translation_of", _("That article no longer exists. Choose another."))
    if original.translation_of is not None:
        original = original.translation_of  # a translation's translation is the original's
    if article is not None and original.id == article.id:
        raise ValidationError("translation_of", _("An article cannot be a translation of itself."))
    if article is not None and _translations_in(article.id, None, exclude=None):
        raise ValidationError(
            "translation_of",
            _(
                "This article has translations of its own, so it cannot be a translation "
                "of another."
            ),
        )
    if original.language == language:
        raise ValidationError(
            "language",
            _(
                "The original is in %(language)s too: choose the language of this translation.",
                language=_name(language),
            ),
        )
    if _translations_in(original.id, language, exclude=article.id if article else None):
        raise ValidationError(
            "language",
            _(
                "That article has a translation in %(language)s already.",
                language=_name(language),
            ),
        )
    return original


def _translations_in(original_id: int, language: str | None, *, exclude: int | None) -> bool:
    """Whether the original `original_id` has a translation (in `language`, when given)."""
    statement = sa.select(Article.id).where(Article.translation_of_id == original_id)
    if language is not None:
        statement = statement.where(Article.language == language)
    if exclude is not None:
        statement = statement.where(Article.id != exclude)
    return db.session.scalar(statement.limit(1)) is not None


def _name(language: str) -> str:
    return LANGUAGE_NAMES.get(language, language)


def _flush() -> None:
    """Write the use case's changes now, so that two people saving the same new address at
    the same moment is a Conflict (and `@use_case` rolls back), not a failed commit."""
    try:
        db.session.flush()
    except IntegrityError as error:
        raise Conflict(
            _(
                "Another article took this address or this translation a moment ago. "
                "Save again to pick another."
            )
        ) from error


# --- Customer details --------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+%'-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits, spaces, dots, hyphens, slashes and brackets, with an optional leading +.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MIN_PHONE_DIGITS = 7
# Scripts written without spaces between words: a name there is matched anywhere.
_UNSPACED_SCRIPTS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x4E00, 0x9FFF),  # CJK
)


def remove_customer_details(text: str, customer: Customer | None) -> str:
    """`text` with the customer's details taken out, for "Publish as article".

    1. Email addresses (any, not only the customer's) → "[email address]".
    2. Phone-number-like runs (an optional +, then digits with spaces, dots, hyphens,
       slashes or brackets, at least 7 digits; ISO dates like 2026-01-31 are kept)
       → "[phone number]".
    3. The customer's full name, then their first name (whole words, any case; anywhere in
       scripts written without spaces, such as Thai): "…, Name!" and "…, Name." lose the
       name with its comma ("Thanks, Nattaya!" → "Thanks!"), "Name, " at the start of a
       line or sentence is dropped ("Nattaya, I'm sorry" → "I'm sorry"), and anywhere else
       the name becomes the neutral word "there" ("Hi Nattaya," → "Hi there,").
    Names shorter than two characters are left alone. Other details (an order number, an
    address) cannot be recognised reliably: the draft is for staff to read before
    publishing.
    """
    text = _EMAIL.sub(_("[email address]"), text)
    text = _PHONE.sub(_phone_replacement, text)
    if customer is None:
        return text
    names = [customer.name.strip(), customer.first_name.strip()]
    for name in dict.fromkeys(name for name in names if len(name) >= 2):
        text = _remove_name(text, name)
    return text


def _phone_replacement(match: re.Match[str]) -> str:
    found = match.group()
    digits = sum(char.isdigit() for char in found)
    if digits < MIN_PHONE_DIGITS or _ISO_DATE.fullmatch(found.strip()):
        return found
    return _("[phone number]")


def _remove_name(text: str, name: str) -> str:
    unspaced = any(low <= ord(char) <= high for char in name for low, high in _UNSPACED_SCRIPTS)
    escaped = re.escape(name)
    word = escaped if unspaced else rf"(?<!\w){escaped}(?!\w)"
    # ", Name" before punctuation or the end of a line: drop both.
    text = re.sub(rf",[ \t]*{word}(?=[ \t]*(?:[.!?:;,)]|$))", "", text, flags=re.I | re.M)
    # "Name, " opening a line or a sentence: drop it and capitalise what follows.
    text = re.sub(
        rf"(^|[.!?][ \t]+){word},[ \t]*(\w?)",
        lambda match: match.group(1) + match.group(2).upper(),
        text,
        flags=re.I | re.M,
    )
    return re.sub(word, _("there"), text, flags=re.I)
