"""The widget's JSON API, `/api/widget/v1` (the contract is in ARCHITECTURE.md; the fields
the frame reads beyond it are in docs/architecture.md).

Used by the frame, from the helpdesk's own origin, so there is no CORS. No cookies are
involved: a conversation is opened by the token in the `X-Conversation-Token` header (never
a URL), or by a verified identity in the `X-Widget-User-*` headers, so CSRF protection has
nothing to protect and the blueprint is exempt; a POST must be `application/json`, which a
cross-site form cannot send without a CORS preflight this API never grants.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from pydantic import Field, StrictInt, StrictStr
from werkzeug.wrappers import Response as BaseResponse

from helpdesk.attachments.queries import (
    attachment_for_customer,
    attachments_by_message,
    message_files,
)
from helpdesk.attachments.serving import download_response
from helpdesk.attachments.uploads import check_uploads
from helpdesk.auth.access import public
from helpdesk.customers.language import clean_language, customer_language_choose
from helpdesk.errors import ValidationError
from helpdesk.extensions import csrf, limiter
from helpdesk.feedback.service import can_rate, rating_for, rating_record
from helpdesk.format_filters import datetimeformat
from helpdesk.forms import parse_id, strip_control
from helpdesk.i18n import current_locale
from helpdesk.mail.compose import reply_expectation
from helpdesk.models import Attachment, Message, Rating, Ticket
from helpdesk.search.articles import (
    article_by_slug,
    article_snippet,
    article_suggestions,
    articles_version,
)
from helpdesk.tickets.customer_lookup import customer_by_email
from helpdesk.tickets.intake import ticket_customer_reply
from helpdesk.tickets.intake_steps import contact_problems
from helpdesk.web import idempotency
from helpdesk.web.conditional import etag_of, not_modified, tagged, unchanged
from helpdesk.web.json_api import json_api_errors, no_store
from helpdesk.web.json_input import JsonBody, RequestInvalid, parse_body
from helpdesk.widget.service import (
    Visitor,
    conversation_find,
    conversation_refused,
    conversation_start,
    conversation_zone,
    conversations_of,
    last_public_staff_message_id,
    public_messages,
    visitor_from,
    visitor_language,
)

bp = Blueprint("widget_api", __name__, url_prefix="/api/widget/v1")
csrf.exempt(bp)

IDEMPOTENCY_SCOPE = "widget.conversation_create"


class SpamSuspected(ValidationError):
    code = "rejected"


json_api_errors(bp)


@bp.after_request
def never_cache(response: Response) -> Response:
    """Never stored: answers carry a visitor's conversations; except the article
    suggestions, the same for every visitor, which are revalidated by their ETag."""
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.headers.get("Cache-Control") == "no-cache":  # web.conditional.tagged
        return response
    return no_store(response)


def _payload() -> dict[str, Any]:
    if not request.is_json:
        abort(415, description=_("Send the body as JSON (Content-Type: application/json)."))
    data = request.get_json()
    if not isinstance(data, dict):
        abort(400, description=_("The body must be a JSON object."))
    return data


MAX_SUMMARIES = 20


class ConversationBody(JsonBody):
    name: StrictStr
    email: StrictStr
    message: StrictStr
    subject: StrictStr | None = None
    page_url: StrictStr | None = None
    website: StrictStr | None = None  # the form's hidden honeypot: people leave it empty


class ConversationKey(JsonBody):
    number: StrictInt
    token: StrictStr = Field(max_length=200)


class SummariesBody(JsonBody):
    # The frame remembers at most this many conversations (frame.js REMEMBERED).
    conversations: list[ConversationKey] = Field(max_length=MAX_SUMMARIES)


class MessageBody(JsonBody):
    message: StrictStr


class RatingBody(JsonBody):
    rating: StrictStr
    comment: StrictStr | None = None


class LanguageBody(JsonBody):
    language: StrictStr


def _visitor() -> Visitor:
    headers = request.headers
    return visitor_from(
        headers.get("X-Widget-User-Email"),
        headers.get("X-Widget-User-Name"),
        headers.get("X-Widget-User-Hash"),
    )


def _conversation(number: str) -> Ticket:
    """The conversation the request's credentials open; 404 alike for an unknown number,
    a missing token and a wrong one."""
    parsed = parse_id(number)
    ticket = None
    if parsed is not None:
        ticket = conversation_find(
            number=parsed,
            token=request.headers.get("X-Conversation-Token"),
            visitor=_visitor(),
        )
    if ticket is None:
        abort(404, description=_("There is no such conversation."))
    return ticket


def _files_json(ticket: Ticket, files: list[Attachment]) -> list[dict[str, Any]]:
    """A message's files for the frame; it downloads each with the conversation's token."""
    return [
        {
            "id": file.id,
            "filename": file.filename,
            "content_type": file.content_type,
            "size": file.size,
            "url": url_for(
                "widget_api.download_attachment", number=ticket.number, attachment_id=file.id
            ),
        }
        for file in files
        if file.kind == "file"
    ]


def _message_json(
    message: Message, zone: tzinfo, files: list[Attachment] | None = None
) -> dict[str, Any]:
    """A public message for the frame; `created_at_label` is the time as the panel shows
    it, formatted here like every other page (the workspace's digits and Buddhist-era
    years, the panel's language, the conversation's time zone)."""
    if message.author_type == "staff" and message.author_user is not None:
        author_name = message.author_user.name
    elif message.author_type == "customer" and message.author_customer is not None:
        author_name = message.author_customer.name
    else:
        author_name = _("Support")
    return {
        "id": message.id,
        "author": message.author_type,
        "author_name": author_name,
        "html": message.body_html,
        "created_at": message.created_at.isoformat(),
        "created_at_label": datetimeformat(
            message.created_at, "medium", time_format="short", tz=zone
        ),
        "attachments": _files_json(message.ticket, files or []),
    }


def _rating_json(rating: Rating | None) -> dict[str, str] | None:
    return None if rating is None else {"score": rating.score, "comment": rating.comment}


# Sent by the frame with every multipart body (see `_fields_and_files`).
WIDGET_REQUEST_HEADER = "X-Widget-Request"


def _fields_and_files(names: tuple[str, ...]) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The body's fields, from JSON or (with files) from multipart/form-data parts, and the
    files sent as `attachments` parts. The files' names and hashes join the fields, so an
    Idempotency-Key reused with other files is recognised as another request.

    A multipart body must come with the `X-Widget-Request` header: a form or a `no-cors`
    fetch on another site can post multipart (a "simple" request, no preflight) but cannot
    add a header, so only the widget's own frame can start a conversation this way — as
    with JSON, which another site cannot send without a preflight this API never allows."""
    if request.mimetype != "multipart/form-data":
        return _payload(), []
    if request.headers.get(WIDGET_REQUEST_HEADER) != "1":
        abort(
            400,
            description=_(
                "This request did not come from the chat window. Reload the page and try again."
            ),
        )
    data: dict[str, Any] = {name: request.form[name] for name in names if name in request.form}
    files = [(f.filename or "", f.read()) for f in request.files.getlist("attachments")]
    data["files"] = [[name, hashlib.sha256(content).hexdigest()] for name, content in files]
    return data, files


def _body_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != "files"}


def _typed_email() -> str:
    if request.mimetype == "multipart/form-data":
        email: Any = request.form.get("email")
        return email.strip().lower()[:254] if isinstance(email, str) else ""
    data = request.get_json(silent=True) if request.is_json else None
    email = data.get("email") if isinstance(data, dict) else None
    return email.strip().lower()[:254] if isinstance(email, str) else ""


def _email_key() -> str:
    """The rate-limit key for creating conversations: the email typed, from this client
    address. A stranger naming somebody's email from elsewhere spends their own allowance,
    never the customer's (the per-address limit bounds how many they try)."""
    email = _typed_email()
    address = request.remote_addr or ""
    return f"widget-email:{email}|{address}" if email else f"widget-email-ip:{address}"


def _accepted(response: Response) -> bool:
    """Only conversations actually started count (not refused or invalid forms)."""
    return response.status_code == 201


def _signed_in_as_typed() -> bool:
    """The host site vouches for this customer (a valid identity hash) and they write as
    themselves: never limited per email."""
    visitor = _visitor()
    return visitor.verified and (visitor.email or "").lower() == _typed_email()


@bp.post("/conversations")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_CREATE"], scope="widget-create-ip")
@limiter.limit(
    lambda: current_app.config["RATELIMIT_WIDGET_CREATE_PER_EMAIL"],
    key_func=_email_key,
    scope="widget-create-email",
    deduct_when=_accepted,
    exempt_when=_signed_in_as_typed,
)
def create_conversation() -> tuple[Response, int]:
    data, files = _fields_and_files(("name", "email", "message", "subject", "page_url", "website"))

    def start() -> tuple[dict[str, Any], int]:
        body = parse_body(ConversationBody, _body_fields(data))
        found = contact_problems(name=body.name, email=body.email, body=body.message)
        if found:  # every field's problem in one answer, not one per attempt
            raise RequestInvalid(found)
        if (body.website or "").strip():
            raise SpamSuspected(
                None,
                _("We could not accept this message. Please write to us by email instead."),
            )
        uploads = check_uploads(files)
        if conversation_refused(body.email):  # a blocked sender: answered as if accepted
            return {"number": 0, "token": secrets.token_urlsafe(32), "status": "new"}, 201
        ticket, token = conversation_start(
            uploads=uploads,
            visitor=_visitor(),
            name=body.name,
            email=body.email,
            message=body.message,
            subject=body.subject or None,
            page_url=body.page_url or None,
            language=str(get_locale() or "") or None,
        )
        return {"number": ticket.number, "token": token, "status": ticket.status}, 201

    return _once(IDEMPOTENCY_SCOPE, data, start)


def _once(
    scope: str, data: dict[str, Any], make: Callable[[], tuple[dict[str, Any], int]]
) -> tuple[Response, int]:
    """Run `make` under the request's Idempotency-Key, if it sent one: a retry of the same
    request gets the first answer instead of making a second conversation or message."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        body, status = make()
        return jsonify(body), status
    claimed = idempotency.idempotency_claim(scope=scope, key=key, payload=data)
    if isinstance(claimed, idempotency.Replay):
        return jsonify(claimed.body), claimed.status
    try:
        body, status = make()
    except Exception:
        # Nothing was made: give the key back so the customer's retry can go through.
        idempotency.idempotency_release(record=claimed)
        raise
    idempotency.idempotency_finish(record=claimed, status=status, body=body)
    return jsonify(body), status


@bp.get("/conversations")
@public
def list_conversations() -> Response:
    visitor = _visitor()
    tickets = conversations_of(visitor)
    return jsonify(
        # The verified customer's stored language (null for anyone else): a panel on a new
        # device, with no choice of its own yet, reloads itself in it.
        language=visitor_language(visitor),
        conversations=[
            {
                "number": ticket.number,
                "subject": ticket.subject,
                "status": ticket.status,
                "updated_at": ticket.last_activity_at.isoformat(),
            }
            for ticket in tickets
        ],
    )


@bp.post("/conversations/summaries")
@public
def conversation_summaries() -> Response:
    """The status of each conversation the frame remembers, and its newest reply from us,
    so the panel's list stays current and the launcher can show an unread dot without
    loading every conversation. A number whose token does not open it is left out (the same
    answer as a conversation that does not exist)."""
    body = parse_body(SummariesBody, _payload())
    visitor = _visitor()
    found = []
    for key in body.conversations:
        ticket = conversation_find(number=key.number, token=key.token, visitor=visitor)
        if ticket is not None:
            found.append(
                {
                    "number": ticket.number,
                    "status": ticket.status,
                    "last_reply_id": last_public_staff_message_id(ticket),
                }
            )
    return jsonify(conversations=found)


@bp.get("/conversations/<number>")
@public
def get_conversation(number: str) -> BaseResponse:
    ticket = _conversation(number)
    zone = conversation_zone(ticket)
    messages = public_messages(ticket)
    files = attachments_by_message([m.id for m in messages if m.has_attachments])
    body = {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "created_at": ticket.created_at.isoformat(),
        "messages": [_message_json(m, zone, files.get(m.id)) for m in messages],
        "rating": _rating_json(rating_for(ticket)),
        "can_rate": can_rate(ticket),
        "expectation": _expectation(ticket, zone),
    }
    serialised = json.dumps(body, sort_keys=True, ensure_ascii=False)
    response = current_app.response_class(serialised, mimetype="application/json")
    response.set_etag(hashlib.sha256(serialised.encode()).hexdigest()[:32])
    return response.make_conditional(request)


def _expectation(ticket: Ticket, zone: ZoneInfo) -> str | None:
    """While the customer waits for us: when to expect a reply, in the words of the "we got
    your message" email (business hours, the usual wait); None once we have answered."""
    if ticket.waiting_since is None or ticket.status not in ("new", "open"):
        return None
    expectation = reply_expectation(language=str(get_locale() or "en"), zone=zone.key)
    return " ".join(render_template("mail/_expectation.txt", expectation=expectation).split())


@bp.post("/conversations/<number>/messages")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_WRITE"], scope="widget-write")
def post_message(number: str) -> tuple[Response, int]:
    ticket = _conversation(number)
    data, files = _fields_and_files(("message",))

    def write() -> tuple[dict[str, Any], int]:
        body = parse_body(MessageBody, _body_fields(data))
        uploads = check_uploads(files)
        message = ticket_customer_reply(ticket=ticket, body=body.message, uploads=uploads)
        stored = message_files(message.id) if uploads else []
        return {"message": _message_json(message, conversation_zone(ticket), stored)}, 201

    return _once(f"widget.message:{ticket.id}", data, write)


@bp.get("/conversations/<number>/attachments/<id:attachment_id>")
@public
def download_attachment(number: str, attachment_id: int) -> BaseResponse:
    """A file on a public message of this conversation, opened by the same credentials
    (the frame fetches it with the token header and saves it)."""
    ticket = _conversation(number)
    return download_response(attachment_for_customer(ticket=ticket, attachment_id=attachment_id))


@bp.post("/conversations/<number>/rating")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_WRITE"], scope="widget-write")
def post_rating(number: str) -> Response:
    ticket = _conversation(number)
    body = parse_body(RatingBody, _payload())
    rating = rating_record(
        ticket=ticket,
        score=body.rating,
        comment=body.comment or "",
        channel="widget",
    )
    return jsonify(rating=_rating_json(rating))


@bp.post("/language")
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_WIDGET_WRITE"], scope="widget-write")
def choose_language() -> Response:
    """The visitor picked a language in the panel: remembered on their customer record when
    the host site vouches for who they are (a verified identity), else only by the panel."""
    code = clean_language(parse_body(LanguageBody, _payload()).language)
    visitor = _visitor()
    customer = customer_by_email(visitor.email) if visitor.email else None
    stored = False
    if customer is not None and code is not None:
        stored = customer_language_choose(customer=customer, language=code, proven=True)
    return jsonify(language=code, stored=stored)


@bp.get("/articles")
@public
def suggest_articles() -> Response:
    """Articles for the panel's search box; a client that has the answer for these
    articles, words and language gets a 304 before any search runs."""
    query = str(strip_control(request.args.get("q", "")))[:200]
    language = current_locale()
    etag = etag_of("widget-articles", articles_version(), query, language, request.host_url)
    if unchanged(etag):
        return not_modified(etag)
    articles = article_suggestions(query, language=language)
    response = jsonify(
        articles=[
            {
                "slug": article.slug,
                "title": article.title,
                "snippet": article_snippet(article, query),
                "url": url_for("help.article", slug=article.slug, _external=True),
            }
            for article in articles
        ]
    )
    return tagged(response, etag)


@bp.get("/articles/<slug>")
@public
def get_article(slug: str) -> Response:
    article = article_by_slug(slug[:120])
    if article is None:
        abort(404, description=_("There is no such article."))
    return jsonify(
        slug=article.slug,
        title=article.title,
        html=article.body_html,
        url=url_for("help.article", slug=article.slug, _external=True),
    )
