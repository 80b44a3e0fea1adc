"""The support widget as it really runs: a demo shop on its own origin embeds `/widget.js`
from the helpdesk. A customer finds an article, writes to support, sees the agent's reply
arrive and rates the help; an agent in another browser context answers and resolves. A site
that is not allowed cannot show the panel, and the launcher works from the keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from tests.browser.conftest import serving

pytestmark = pytest.mark.browser

FRAME = "iframe[title=Support]"
TIMEOUT = 10_000
# The frame polls every ~4 s while the panel is open.
POLL_TIMEOUT = 15_000


@pytest.fixture
def demo_site(live_server: str) -> Iterator[Callable[[], str]]:
    """Start the demo shop (embedding the live helpdesk's loader) on a free loopback port:
    another origin than the helpdesk. Each call starts one more, with its own port."""
    from helpdesk.widget.demo_site import create_demo_site

    with ExitStack() as started:

        def start() -> str:
            return started.enter_context(serving(create_demo_site(live_server)))

        yield start


@pytest.fixture
def allow_sites(app, make_user) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """Set the widget's allowed sites through the settings service, as an admin."""

    def allow(*origins: str) -> None:
        from helpdesk.extensions import db
        from helpdesk.models import User
        from helpdesk.widget.settings import widget_settings_update

        admin = make_user("admin")
        with app.app_context():
            widget_settings_update(
                actor=db.session.get(User, admin.id),
                colour="#1f6feb",
                position="bottom-right",
                label="",
                greeting="",
                allowed_origins=list(origins),
            )

    return allow


@pytest.fixture
def published_article(app, make_user) -> str:  # type: ignore[no-untyped-def]
    from helpdesk.extensions import db
    from helpdesk.kb.service import article_create, article_publish
    from helpdesk.models import User

    editor = make_user("agent")
    with app.app_context():
        actor = db.session.get(User, editor.id)
        article = article_create(
            actor=actor,
            title="How to reset your password",
            body="Open **Account**, choose *Forgot password* and follow the email we send.",
        )
        article_publish(article=article, actor=actor)
        other = article_create(
            actor=actor, title="When will my order arrive?", body="Most orders ship in a day."
        )
        article_publish(article=other, actor=actor)
        return article.slug


def watch_for_errors(page, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The same checks as the `page` fixture, for pages made in the test itself."""
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} for {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )


def launcher(page):  # type: ignore[no-untyped-def]
    """The help button, inside the loader's open shadow root (CSS locators pierce it)."""
    return page.locator("[data-helpdesk-widget] button")


def test_customer_searches_writes_gets_a_reply_and_rates(
    browser, page, live_server, demo_site, allow_sites, published_article, make_user, app
):
    from playwright.sync_api import expect

    shop = demo_site()
    allow_sites(shop)
    assert shop.split(":")[-1] != live_server.split(":")[-1]

    # The customer, on the shop: open the panel and search the help articles.
    page.goto(shop)
    expect(page.get_by_role("heading", name="Teapot & Co.")).to_be_visible()
    help_button = launcher(page)
    expect(help_button).to_have_text("Help", timeout=TIMEOUT)
    help_button.click()
    expect(help_button).to_have_attribute("aria-expanded", "true")
    panel = page.frame_locator(FRAME)
    expect(page.locator(FRAME)).to_have_attribute("src", re.compile("^" + re.escape(live_server)))
    results = panel.locator("#search-results").get_by_role("button")
    expect(results).to_have_count(2, timeout=TIMEOUT)  # before a search: all articles
    search_box = panel.get_by_label("Search our help articles")
    search_box.fill("teapot lid")  # nothing matches: the list says so and points to writing
    expect(results).to_have_count(0, timeout=TIMEOUT)
    expect(panel.locator("#search-results .empty")).to_have_text(
        "No articles match. You can write to us instead."
    )
    search_box.fill("lost order")  # any word matches ("lost" is in no article)
    expect(results).to_have_count(1, timeout=TIMEOUT)
    expect(results.first).to_contain_text("When will my order arrive?")
    search_box.fill("password")
    expect(results).to_have_count(1, timeout=TIMEOUT)
    expect(results.first).to_contain_text("How to reset your password")
    result = results.first
    expect(result).to_contain_text("How to reset your password")

    # Open the article inside the panel, then go back.
    result.click()
    expect(panel.locator("#article-title")).to_have_text("How to reset your password")
    expect(panel.locator("#article-body strong")).to_have_text("Account")
    expect(panel.locator("#article-link")).to_have_attribute(
        "href", f"{live_server}/help/{published_article}"
    )
    panel.locator("#view-article").get_by_role("button", name="Back").click()
    expect(panel.get_by_label("Search our help articles")).to_be_visible()

    # Write to support. Sending the empty form names every field at once, without a
    # round trip (the page fixture fails the test on any 4xx response or console error).
    panel.get_by_role("button", name="Write to us").click()
    panel.get_by_role("button", name="Send", exact=True).click()
    expect(panel.locator("#compose-name-error")).to_have_text("Enter a name.")
    expect(panel.locator("#compose-email-error")).to_have_text("Enter a valid email address.")
    expect(panel.locator("#compose-message-error")).to_have_text("Write a message first.")
    expect(panel.get_by_label("Your name")).to_be_focused()
    panel.get_by_label("Your email").fill("nok@")
    panel.get_by_role("button", name="Send", exact=True).click()
    expect(panel.locator("#compose-email-error")).to_have_text("Enter a valid email address.")
    panel.get_by_label("Your name").fill("Nok Srisuk")
    panel.get_by_label("Your email").fill("nok@example.co.th")
    panel.get_by_label("How can we help?").fill(
        "My teapot arrived cracked, can I get a new one? ขอบคุณค่ะ"
    )
    panel.get_by_role("button", name="Send", exact=True).click()
    title = panel.locator("#conversation-title")
    expect(title).to_have_text(re.compile(r"^#\d+ · "), timeout=TIMEOUT)
    number = int(re.match(r"#(\d+)", title.inner_text()).group(1))  # type: ignore[union-attr]
    messages = panel.locator("#messages > li")
    expect(messages).to_have_count(1)
    expect(messages.first).to_contain_text("ขอบคุณค่ะ")
    expect(panel.locator("#conversation-status")).to_have_text("Received")
    expectation = panel.locator("#conversation-expectation")
    expect(expectation).to_contain_text("reply")  # when to expect an answer, while waiting

    # An agent, in a second browser context, opens the ticket and replies.
    agent = make_user("agent", name="Dewi Lestari")
    agent_errors: list[str] = []
    agent_context = browser.new_context(base_url=live_server)
    try:
        desk = agent_context.new_page()
        watch_for_errors(desk, agent_errors)
        desk.goto("/login")
        desk.get_by_label("Email").fill(agent.email)
        desk.get_by_label("Password").fill(agent.password)
        desk.get_by_role("button", name="Log in").click()
        desk.wait_for_url("**/inbox")
        desk.locator("[data-row]", has_text="Nok Srisuk").locator(".ticket-link").click()
        desk.wait_for_url(f"**/tickets/{number}")
        expect(desk.locator(".conversation .message-customer")).to_contain_text(
            "My teapot arrived cracked, can I get a new one? ขอบคุณค่ะ"
        )
        desk.get_by_label("Message").fill("Sorry about that, Nok! A new teapot is on its way.")
        desk.get_by_role("button", name="Send", exact=True).click()
        desk.wait_for_url(f"**/tickets/{number}#composer")

        # The reply appears in the widget without a reload.
        expect(messages).to_have_count(2, timeout=POLL_TIMEOUT)
        expect(messages.last).to_contain_text("A new teapot is on its way.")
        expect(messages.last).to_contain_text("Dewi Lestari")
        expect(expectation).to_be_hidden()  # answered: nothing to wait for
        expect(panel.locator("#rating")).to_be_hidden()

        # The agent resolves the ticket; the widget offers the rating.
        desk.get_by_label("Status").select_option("resolved")
        desk.locator("#audit-trail").get_by_text("Resolved").first.wait_for()
    finally:
        agent_context.close()
    assert agent_errors == [], f"the agent's page had errors: {agent_errors}"

    expect(panel.locator("#conversation-status")).to_have_text("Resolved", timeout=POLL_TIMEOUT)
    rating = panel.locator("#rating")
    expect(rating).to_be_visible()
    good = rating.get_by_role("button", name="Good")
    good.click()
    expect(good).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    expect(panel.get_by_label("Anything to add? (optional)")).to_be_visible()

    with app.app_context():
        import sqlalchemy as sa

        from helpdesk.extensions import db
        from helpdesk.models import Rating, Ticket

        saved = db.session.scalars(
            sa.select(Rating)
            .join(Ticket, Rating.ticket_id == Ticket.id)
            .where(Ticket.number == number)
        ).all()
        assert [(r.score, r.channel, r.customer.email) for r in saved] == [
            ("good", "widget", "nok@example.co.th")
        ]

    # Back on the shop later: the conversation is still there (the token was kept).
    page.reload()
    help_button = launcher(page)
    help_button.click()
    history = panel.locator("#history-list")
    expect(history.get_by_role("button", name=re.compile(f"^#{number} · "))).to_be_visible(
        timeout=TIMEOUT
    )
    history.get_by_role("button", name=re.compile(f"^#{number} · ")).click()
    expect(messages).to_have_count(2, timeout=TIMEOUT)
    expect(messages.last).to_contain_text("A new teapot is on its way.")
    expect(panel.locator("#conversation-status")).to_have_text("Resolved")
    expect(panel.locator("#rating").get_by_role("button", name="Good")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_site_not_allowed_cannot_show_the_panel(browser, live_server, demo_site, allow_sites):
    from playwright.sync_api import expect

    allowed, other = demo_site(), demo_site()
    allow_sites(allowed)
    context = browser.new_context()
    try:
        errors: list[str] = []
        page = context.new_page()
        watch_for_errors(page, errors)

        # The allowed shop shows the panel...
        page.goto(allowed)
        launcher(page).click()
        expect(page.frame_locator(FRAME).get_by_label("Search our help articles")).to_be_visible(
            timeout=TIMEOUT
        )
        assert errors == []

        # ...the other one gets the launcher, but the browser refuses the frame.
        page.goto(other)
        with page.expect_console_message(
            lambda message: "frame-ancestors" in message.text, timeout=TIMEOUT
        ) as refusal:
            launcher(page).click()
        assert refusal.value.type == "error"
        assert f"Framing '{live_server}/'" in refusal.value.text
        assert f"frame-ancestors 'self' {allowed}\"" in refusal.value.text
        expect(page.locator(FRAME)).to_have_attribute(
            "src", re.compile("^" + re.escape(f"{live_server}/widget/frame"))
        )
        child = page.locator(FRAME).element_handle().content_frame()  # type: ignore[union-attr]
        assert child is not None
        child.wait_for_load_state()
        # Chromium shows its error page in place of the refused document.
        assert not child.url.startswith(live_server), child.url
        assert page.frame_locator(FRAME).locator("form, input, #search").count() == 0
        assert all(not frame.url.startswith(live_server) for frame in page.frames)
        assert [e for e in errors if "frame-ancestors" not in e] == []
    finally:
        context.close()


def test_launcher_works_from_the_keyboard(page, demo_site, allow_sites):
    from playwright.sync_api import expect

    shop = demo_site()
    allow_sites(shop)
    page.goto(shop)
    help_button = launcher(page)
    expect(help_button).to_be_visible(timeout=TIMEOUT)

    # Tab through the shop's own controls to the launcher.
    for _ in range(10):
        page.keyboard.press("Tab")
        if help_button.evaluate("button => button.getRootNode().activeElement === button"):
            break
    else:
        pytest.fail("Tab never reached the launcher")
    expect(help_button).to_be_focused()

    # Enter opens the panel and focus moves into it, to the search box.
    page.keyboard.press("Enter")
    expect(help_button).to_have_attribute("aria-expanded", "true")
    search = page.frame_locator(FRAME).get_by_label("Search our help articles")
    expect(search).to_be_focused(timeout=TIMEOUT)
    page.keyboard.type("teapot")
    expect(search).to_have_value("teapot")

    # Escape closes it and focus returns to the launcher.
    page.keyboard.press("Escape")
    expect(page.locator(FRAME)).to_be_hidden(timeout=TIMEOUT)
    expect(help_button).to_have_attribute("aria-expanded", "false")
    expect(help_button).to_be_focused()

    # Enter again reopens it, with focus back in the panel.
    page.keyboard.press("Enter")
    expect(page.locator(FRAME)).to_be_visible()
    expect(search).to_be_focused(timeout=TIMEOUT)


def test_a_reply_that_came_while_away_lights_the_launcher_and_the_list(
    page, demo_site, allow_sites, make_user, app
):
    from playwright.sync_api import expect

    shop = demo_site()
    allow_sites(shop)
    page.goto(shop)
    help_button = launcher(page)
    expect(help_button).to_have_text("Help", timeout=TIMEOUT)
    help_button.click()
    panel = page.frame_locator(FRAME)
    panel.get_by_role("button", name="Write to us").click()
    panel.get_by_label("Your name").fill("Nok Srisuk")
    panel.get_by_label("Your email").fill("nok@example.co.th")
    panel.get_by_label("How can we help?").fill("Where is my teapot? It was due Monday.")
    panel.get_by_role("button", name="Send", exact=True).click()
    title = panel.locator("#conversation-title")
    expect(title).to_have_text(re.compile(r"^#\d+ · "), timeout=TIMEOUT)
    number = int(re.match(r"#(\d+)", title.inner_text()).group(1))  # type: ignore[union-attr]

    # The customer leaves; an agent answers and waits on the customer.
    page.goto("about:blank")
    agent = make_user("agent", name="Dewi Lestari")
    with app.app_context():
        import sqlalchemy as sa

        from helpdesk.extensions import db
        from helpdesk.models import Ticket, User
        from helpdesk.tickets import service as tickets

        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        tickets.ticket_reply(
            ticket=ticket,
            author=db.session.get(User, agent.id),
            body="It left our warehouse today.",
            status="pending",
        )

    # Back on the shop: the launcher says there is a reply before the panel is opened.
    page.goto(shop)
    expect(help_button).to_have_attribute("aria-label", re.compile(r"\("), timeout=POLL_TIMEOUT)
    help_button.click()
    item = panel.locator("#history-list li", has_text=f"#{number}")
    expect(item).to_contain_text("Waiting for your reply", timeout=TIMEOUT)  # a live status
    expect(item.locator(".unread")).to_have_text("New reply")
    item.get_by_role("button").click()
    expect(panel.locator("#messages > li").last).to_contain_text("It left our warehouse today.")
    panel.locator("#view-conversation").get_by_role("button", name="Back").click()
    expect(item).to_be_visible()
    expect(item.locator(".unread")).to_have_count(0)  # seen
