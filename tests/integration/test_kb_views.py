"""Knowledge-base pages through the Flask client (CSRF on): staff write, preview, publish and
turn replies into drafts; the public help centre lists, searches, shows and takes votes;
drafts never leak; payloads are shown inert; bad input gets 4xx, never a lost text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.kb import service
from helpdesk.models import Article, AuditEvent, User
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, MessageFactory, TicketFactory

HTMX = {"HX-Request": "true"}
PAYLOADS = (
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '<button hx-get="/logout" hx-trigger="load">go</button>',
    '<div data-hx-post="/logout">x</div>',
)


def make_article(app, title="Reset your password", body="Open **Settings**.", published=True):
    with app.app_context():
        writer = db.session.scalar(sa.select(User)) or User(
            email="writer@example.com", name="Writer", role="agent", password_hash="!"
        )
        db.session.add(writer)
        db.session.commit()
        article = service.article_create(actor=writer, title=title, body=body)
        if published:
            service.article_publish(article=article, actor=writer)
        return article.id, article.slug


def article_row(app, article_id):
    with app.app_context():
        article = db.session.get(Article, article_id)
        db.session.expunge(article)
        return article


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def assert_inert(html):
    """No payload survives as live markup: no element the payloads would make, no event
    handler, no htmx attribute aimed at /logout (escaped text is fine)."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("img",), attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert attrs.get("hx-get") != "/logout", (tag, attrs)
        assert "data-hx-post" not in attrs, (tag, attrs)
    assert not any("alert" in text for text in parser.script_text)


# --- Access -------------------------------------------------------------------------------


def test_logged_out_staff_pages_redirect_to_login(app, client):
    article_id, _ = make_article(app)
    for path in ("/kb/articles", "/kb/articles/new", f"/kb/articles/{article_id}/edit"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    token = csrf_token(client, "/help")
    response = client.post(f"/kb/articles/{article_id}/publish", data={"csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert article_row(app, article_id).published is True  # untouched


def test_agents_see_the_nav_link_and_public_pages_do_not_show_staff_navigation(login_as):
    agent = login_as("agent")
    html = agent.get("/inbox").get_data(as_text=True)
    assert 'href="/kb/articles"' in html
    help_page = agent.get("/help").get_data(as_text=True)
    assert 'href="/inbox"' not in help_page and 'href="/kb/articles"' not in help_page
    assert "Log out" not in help_page


def test_csrf_is_required(app, login_as):
    agent = login_as("agent")
    article_id, slug = make_article(app, published=False)
    assert agent.post(f"/kb/articles/{article_id}/publish").status_code == 400
    assert agent.post("/kb/articles/new", data={"title": "T", "body": "B"}).status_code == 400
    assert agent.post(f"/help/{slug}/vote", data={"helpful": "yes"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/kb/articles/999999/edit", "/kb/articles/0/edit", "/kb/articles/99999999999/edit"],
)
def test_unknown_articles_are_404(login_as, path):
    assert login_as("agent").get(path).status_code == 404


def test_unknown_ids_on_posts_are_404(login_as):
    agent = login_as("agent")
    token = csrf_token(agent, "/kb/articles")
    for path in ("/kb/articles/999999/publish", "/kb/articles/999999/unpublish"):
        assert agent.post(path, data={"csrf_token": token}).status_code == 404


# --- Staff: write, edit, preview, publish ------------------------------------------------------


def test_agent_creates_edits_and_publishes_an_article(app, login_as, client):
    agent = login_as("agent")
    token = csrf_token(agent, "/kb/articles/new")
    response = agent.post(
        "/kb/articles/new",
        data={
            "title": "Change your plan",
            "slug": "",
            "body": "Go to **Billing**.",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        article = db.session.scalar(sa.select(Article))
        article_id, slug = article.id, article.slug
    assert slug == "change-your-plan"
    assert response.headers["Location"].endswith(f"/kb/articles/{article_id}/edit")
    page = agent.get(f"/kb/articles/{article_id}/edit").get_data(as_text=True)
    assert "Draft saved" in page and "Change your plan" in page
    assert client.get(f"/help/{slug}").status_code == 404  # a draft, not public yet

    response = agent.post(
        f"/kb/articles/{article_id}/edit",
        data={"title": "Change plan", "slug": slug, "body": "Go to *Plans*.", "csrf_token": token},
    )
    assert response.status_code == 302
    assert (
        agent.post(f"/kb/articles/{article_id}/publish", data={"csrf_token": token}).status_code
        == 302
    )
    public = client.get(f"/help/{slug}")
    assert public.status_code == 200
    assert "<em>Plans</em>" in public.get_data(as_text=True)
    listing = agent.get("/kb/articles?status=published").get_data(as_text=True)
    assert "Change plan" in listing
    assert "Change plan" not in agent.get("/kb/articles?status=draft").get_data(as_text=True)
    assert (
        agent.post(f"/kb/articles/{article_id}/unpublish", data={"csrf_token": token}).status_code
        == 302
    )
    assert client.get(f"/help/{slug}").status_code == 404
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.object_type == "articles")
        ).all()
    assert events == ["article.create", "article.update", "article.publish", "article.unpublish"]


def test_over_long_title_is_422_and_keeps_what_was_typed(login_as):
    agent = login_as("agent")
    body = "My long explanation ไทย 😀 that must not be lost."
    response = agent.post(
        "/kb/articles/new",
        data={"title": "T" * 201, "body": body, "csrf_token": csrf_token(agent, "/kb/articles")},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This title is 201 characters long; the limit is 200." in html
    assert 'aria-invalid="true"' in html
    assert body in html and "T" * 201 in html


def test_edit_errors_are_422_and_keep_the_text(app, login_as):
    agent = login_as("agent")
    article_id, _ = make_article(app)
    make_article(app, title="Taken", published=False)
    token = csrf_token(agent, "/kb/articles")
    response = agent.post(
        f"/kb/articles/{article_id}/edit",
        data={"title": "New title", "slug": "taken", "body": "Kept text", "csrf_token": token},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Another article already has this address." in html
    assert "Kept text" in html and 'value="New title"' in html
    empty = agent.post(
        f"/kb/articles/{article_id}/edit",
        data={"title": "Still here", "slug": "", "body": "  ", "csrf_token": token},
    )
    assert empty.status_code == 422
    assert "Write the article first." in empty.get_data(as_text=True)
    assert article_row(app, article_id).title == "Reset your password"  # unchanged


def test_preview_renders_sanitised_markdown_with_the_header_token(login_as):
    agent = login_as("agent")
    token = csrf_token(agent, "/kb/articles/new")
    body = "**bold** " + " ".join(PAYLOADS)
    response = agent.post(
        "/kb/articles/preview", data={"body": body}, headers={**HTMX, "X-CSRFToken": token}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>bold</strong>" in html
    assert_inert(html)
    assert agent.post("/kb/articles/preview", data={"body": "x"}).status_code == 400


def test_payloads_are_inert_on_every_page(app, login_as, client):
    agent = login_as("agent")
    title = " ".join(PAYLOADS)[:200]
    body = "\n\n".join(PAYLOADS)
    article_id, slug = make_article(app, title=title, body=body)
    pages = [
        agent.get("/kb/articles").get_data(as_text=True),
        agent.get("/kb/articles?q=script").get_data(as_text=True),
        agent.get(f"/kb/articles/{article_id}/edit").get_data(as_text=True),
        client.get("/help").get_data(as_text=True),
        client.get("/help?q=script").get_data(as_text=True),
        client.get(f"/help/{slug}").get_data(as_text=True),
    ]
    for html in pages:
        assert_inert(html)
    assert "&lt;script&gt;" in pages[-1]


def test_list_search_and_bad_filters(app, login_as):
    agent = login_as("agent")
    make_article(app, title="Refund policy", body="Thirty days")
    make_article(app, title="Shipping", body="Fast", published=False)
    html = agent.get("/kb/articles?q=refund").get_data(as_text=True)
    assert "<mark>Refund</mark> policy" in html and "Shipping" not in html
    fragment = agent.get("/kb/articles?q=ship", headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert agent.get("/kb/articles?status=bogus").status_code == 400
    for query in ['"', "*", "(", '"*()-', "%", "\\", "x" * 1000]:
        assert agent.get("/kb/articles", query_string={"q": query}).status_code == 200
    assert agent.get("/kb/articles?page=-1").status_code == 200
    assert agent.get("/kb/articles?page=abc").status_code == 200


# --- Publish as article ----------------------------------------------------------------------


def ticket_with_messages(app, agent_id, email="nattaya@example.co.th"):
    with app.app_context():
        customer = CustomerFactory(name="Nattaya Srisuk", email=email)
        ticket = TicketFactory(customer=customer, subject="Refund for Nattaya")
        staff = db.session.get(User, agent_id)
        question = MessageFactory(ticket=ticket, body_source="Please refund me")
        reply = MessageFactory(
            ticket=ticket,
            author_type="staff",
            author_customer=None,
            author_user=staff,
            body_source="Hi Nattaya, the refund is on its way to nattaya@example.co.th.",
        )
        note = MessageFactory(
            ticket=ticket,
            author_type="staff",
            author_customer=None,
            author_user=staff,
            internal=True,
            body_source="VIP, be careful",
        )
        return ticket.number, question.id, reply.id, note.id


def test_publish_as_article_button_and_action(app, login_as):
    agent = login_as("agent")
    number, question_id, reply_id, note_id = ticket_with_messages(app, agent.user.id)
    page = agent.get(f"/tickets/{number}").get_data(as_text=True)
    assert f"/tickets/{number}/messages/{reply_id}/article" in page
    assert f"/messages/{note_id}/article" not in page
    assert f"/messages/{question_id}/article" not in page
    token = csrf_token(agent, f"/tickets/{number}")
    response = agent.post(
        f"/tickets/{number}/messages/{reply_id}/article", data={"csrf_token": token}
    )
    assert response.status_code == 302
    with app.app_context():
        article = db.session.scalar(sa.select(Article))
        assert article.published is False
        assert article.title == "Refund for there"
        assert "Nattaya" not in article.body_source and "nattaya@" not in article.body_source
        article_id = article.id
    assert response.headers["Location"].endswith(f"/kb/articles/{article_id}/edit")
    edit = agent.get(response.headers["Location"]).get_data(as_text=True)
    assert "without the customer" in edit and f"#{number}" in edit


def test_publish_as_article_refuses_notes_customers_and_other_tickets(app, login_as):
    agent = login_as("agent")
    number, question_id, reply_id, note_id = ticket_with_messages(app, agent.user.id)
    other_number = ticket_with_messages(app, agent.user.id, "other@example.com")[0]
    token = csrf_token(agent, f"/tickets/{number}")

    def post(path):
        return agent.post(path, data={"csrf_token": token})

    assert post(f"/tickets/{other_number}/messages/{reply_id}/article").status_code == 404
    assert post(f"/tickets/{number}/messages/99999/article").status_code == 404
    assert post(f"/tickets/99999/messages/{reply_id}/article").status_code == 404
    assert post(f"/tickets/{number}/messages/{note_id}/article").status_code == 422
    assert post(f"/tickets/{number}/messages/{question_id}/article").status_code == 422
    assert agent.post(f"/tickets/{number}/messages/{reply_id}/article").status_code == 400
    assert agent.get(f"/tickets/{number}/messages/{reply_id}/article").status_code == 405
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0


# --- The public help centre --------------------------------------------------------------------


def test_help_centre_works_logged_out_and_hides_drafts(app, client):
    make_article(app, title="Reset your password", body="Open **Settings**.")
    make_article(app, title="Refund policy", body="Thirty days to ask for a refund.")
    _draft_id, draft_slug = make_article(app, title="Secret refund plan", published=False)
    response = client.get("/help")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Refund policy") < html.index("Reset your password")  # newest first
    assert "Secret" not in html
    results = client.get("/help?q=refund").get_data(as_text=True)
    assert "<mark>Refund</mark> policy" in results
    assert "ask for a <mark>refund</mark>" in results
    assert "Secret" not in results and "Reset your password" not in results
    assert client.get(f"/help/{draft_slug}").status_code == 404
    assert client.get("/help/no-such-article").status_code == 404
    assert client.get("/help/" + "a" * 500).status_code == 404
    for query in ['"', "*", '"*()-', "\x00", "😀", "x" * 1000]:
        assert client.get("/help", query_string={"q": query}).status_code == 200


def test_article_page_has_title_canonical_and_description(app, client):
    _, slug = make_article(app, title="Reset your password", body="Open **Settings** now.")
    html = client.get(f"/help/{slug}").get_data(as_text=True)
    assert "<title>Reset your password · " in html
    assert f'<link rel="canonical" href="http://localhost:5000/help/{slug}">' in html
    assert '<meta name="description" content="Open Settings now.">' in html
    assert 'name="viewport"' in html
    assert "Was this helpful?" in html


def test_votes_by_form_and_by_htmx(app, client):
    article_id, slug = make_article(app)
    token = csrf_token(client, f"/help/{slug}")
    response = client.post(f"/help/{slug}/vote", data={"helpful": "yes", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/help/{slug}#helpful")
    page = client.get(f"/help/{slug}").get_data(as_text=True)
    assert "Thank you for your answer." in page
    # The same browser again: thanked, not counted twice.
    again = client.post(
        f"/help/{slug}/vote", data={"helpful": "no"}, headers={**HTMX, "X-CSRFToken": token}
    )
    assert again.status_code == 200
    assert "Thank you" in again.get_data(as_text=True) and "<html" not in again.get_data(True)
    other = client.application.test_client()
    other_token = csrf_token(other, f"/help/{slug}")
    fragment = other.post(
        f"/help/{slug}/vote", data={"helpful": "no"}, headers={**HTMX, "X-CSRFToken": other_token}
    )
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    row = article_row(app, article_id)
    assert (row.helpful_yes, row.helpful_no) == (1, 1)


def test_bad_votes(app, client):
    article_id, slug = make_article(app)
    _, draft_slug = make_article(app, title="Draft", published=False)
    token = csrf_token(client, f"/help/{slug}")
    assert (
        client.post(
            f"/help/{slug}/vote", data={"helpful": "maybe", "csrf_token": token}
        ).status_code
        == 400
    )
    assert client.post(f"/help/{slug}/vote", data={"csrf_token": token}).status_code == 400
    assert (
        client.post(
            f"/help/{draft_slug}/vote", data={"helpful": "yes", "csrf_token": token}
        ).status_code
        == 404
    )
    assert (
        client.post("/help/nope/vote", data={"helpful": "yes", "csrf_token": token}).status_code
        == 404
    )
    assert client.get(f"/help/{slug}/vote").status_code == 405
    row = article_row(app, article_id)
    assert (row.helpful_yes, row.helpful_no) == (0, 0)
