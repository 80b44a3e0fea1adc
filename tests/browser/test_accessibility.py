"""axe-core scans of the main pages, in English and in Thai, as a new user meets them:
the login page, the inbox with tickets, a complaint's ticket page with its recovery panel
open, the founders' trends, the settings pages, the help centre, the widget panel and the
customer's conversation page. Any serious or critical WCAG 2.2 A/AA violation fails, with
the rule, its help text and the elements it found printed.

axe-core comes from npm (package.json pins it; `make` installs it into node_modules). It is
injected with `page.evaluate`, which the page's Content-Security-Policy does not govern."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
LANGUAGES = ("en", "th")
BROWSER_LOCALE = {"en": "en-GB", "th": "th-TH"}

STAFF_PAGES = {
    "inbox": "/inbox",
    "ticket": "/tickets/{ticket}",
    "customers": "/customers",
    "customer": "/customers/{customer}",
    "trends": "/founders/trends",
    "at-risk": "/founders/at-risk",
    "settings-team": "/settings/team",
    "settings-widget": "/settings/widget",
    "settings-hours": "/settings/hours",
    "settings-api-tokens": "/settings/api-tokens",
    "settings-webhooks": "/settings/webhooks",
    "settings-saved-replies": "/settings/saved-replies",
    "settings-audit": "/settings/audit",
    "settings-usage": "/settings/usage",
    "privacy": "/customers/{customer}/privacy",
    "privacy-erase": "/customers/{customer}/privacy/erase",
    "account-two-factor": "/account/two-factor",
    "account": "/account",
    "outreach": "/outreach",
    "feature-requests": "/feature-requests",
    "outreach-results": "/founders/outreach",
    "settings-outreach": "/settings/outreach",
}
PUBLIC_PAGES = {
    "login": "/login",
    "password-forgot": "/password/forgot",
    "help": "/help",
    "help-article": "/help/{slug}",
    "widget-panel": "/widget/frame?origin={origin}",
    "customer-page": "/c/{token}",
}


def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `make` (npm ci installs axe-core)")
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Any, include: str | None = None) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the page as it is now (in the
    elements matching `include` only, when given)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "([tags, include]) => axe.run(include ? {include: [include]} : document,"
        " {runOnly: {type: 'tag', values: tags}})",
        [AXE_TAGS, include],
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}")
            related = [
                related["target"]
                for check in node["any"] + node["all"] + node["none"]
                for related in check.get("relatedNodes", [])
            ]
            if related:
                lines.append(f"      near: {related[:4]}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Scene:
    ticket: int
    customer: int
    slug: str
    token: str
    staff: dict[str, Any]


@pytest.fixture
def scene(app, make_user) -> Scene:  # type: ignore[no-untyped-def]
    """An inbox with a few tickets (one a complaint in recovery), a published article, a
    customer's conversation link, and an admin per language."""
    from helpdesk.extensions import db
    from helpdesk.kb.service import article_create, article_publish
    from helpdesk.models import User
    from helpdesk.recovery.library import seed_library
    from helpdesk.tickets.intake import CustomerContact, ticket_create, ticket_create_by_customer
    from helpdesk.tickets.service import ticket_reply

    staff = {
        "en": make_user("admin", name="Dewi Lestari", language="en"),
        "th": make_user("admin", name="สมชาย ใจดี", language="th"),
    }
    with app.app_context():
        seed_library()
        actor = db.session.get(User, staff["en"].id)
        complaint = ticket_create(
            actor=actor,
            customer_email="nok@example.com",
            customer_name="Nok Srisuk",
            subject="Charged twice",
            body="You charged my card twice. Unacceptable! I want a refund today or I cancel.",
        )
        ticket_create(
            actor=actor,
            customer_email="budi@example.com",
            customer_name="Budi Santoso",
            subject="Export keeps failing",
            body="My export fails every time.",
        )
        conversation, token = ticket_create_by_customer(
            contact=CustomerContact(name="Ana Lima", email="ana@example.net"),
            body="The export button does nothing",
        )
        ticket_reply(
            ticket=conversation,
            author=actor,
            body="Thanks Ana, I am looking at it now.",
        )
        article = article_create(
            actor=actor,
            title="How to reset your password",
            body="Open **Account**, choose *Forgot password* and follow the email we send.",
        )
        article_publish(article=article, actor=actor)
        return Scene(
            ticket=complaint.number,
            customer=complaint.customer_id,
            slug=article.slug,
            token=token,
            staff=staff,
        )


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[[str], Any]]:  # type: ignore[no-untyped-def]
    """`new_page(language)`: a tab whose browser asks for that language, with the same
    error checks as the `page` fixture."""
    contexts = []
    errors: list[str] = []

    def make(language: str) -> Any:
        context = browser.new_context(base_url=live_server, locale=BROWSER_LOCALE[language])
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(f"script error: {error}"))
        tab.on(
            "console",
            lambda message: (
                errors.append(f"console: {message.text}")
                if message.type == "error"
                and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        return tab

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"the page had errors: {errors}"


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url("**/inbox")


def open_everything(page: Any) -> None:
    """Open every disclosure in the page (the recovery steps, the promise picker, ...) so
    axe sees the content behind them too; wait for htmx loads (the bell) to settle first.
    The navigation's menus are dropdowns over the page: `check` opens them one at a time."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        "document.querySelectorAll('details:not([data-nav-menu])')"
        ".forEach((d) => { d.open = true; })"
    )


def check(page: Any, name: str, language: str) -> None:
    assert page.evaluate("document.documentElement.lang").startswith(language), (
        f"{name} is not in {language}"
    )
    open_everything(page)
    violations = axe_violations(page)
    assert violations == [], (
        f"axe found serious/critical violations on {name} ({language}):\n{describe(violations)}"
    )
    # Each navigation menu open, as a person opens it (one at a time, over the page): its
    # links are checked in the header (what they cover below is not a target then).
    menus = page.locator("details[data-nav-menu] > summary")
    for index in range(menus.count()):
        menus.nth(index).click()
        violations = axe_violations(page, include=".site-header")
        assert violations == [], (
            f"axe found serious/critical violations in menu {index} of {name} ({language}):\n"
            f"{describe(violations)}"
        )
    if menus.count():
        page.keyboard.press("Escape")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_staff_page_has_no_serious_violations(new_page, scene, name, language):  # type: ignore[no-untyped-def]
    page = new_page(language)
    user = scene.staff[language]
    log_in(page, user.email, user.password)
    page.goto(STAFF_PAGES[name].format(ticket=scene.ticket, customer=scene.customer))
    if name == "ticket":
        page.locator("#recovery .step-current").wait_for()
    if name == "settings-widget":
        # A colour the launcher's text cannot read well on: the warning shows beside it.
        page.locator("#colour").fill("#7a7a7a")
        page.locator("#colour-contrast").filter(has_text="4.5:1").wait_for()
    check(page, name, language)
    if name == "ticket":
        # The Hear step sent without the problem: the panel comes back with the error tied
        # to its field, which takes the focus.
        page.locator("#recovery .step-form button[type=submit]").click()
        page.locator("#problem_summary[aria-invalid=true]").wait_for()
        # a11y.js moves the focus once htmx has settled the swap (expect polls without
        # eval, which the page's CSP forbids).
        expect(page.locator("#problem_summary")).to_be_focused(timeout=5000)
        check(page, f"{name} (step error)", language)
        # The saved reply picker open over the composer (combobox and listbox).
        page.locator("#body").click()
        page.locator("#body").press_sequentially("/")
        page.locator("#saved-reply-status:not(:empty)").wait_for()
        check(page, f"{name} (saved reply picker)", language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_serious_violations(new_page, scene, live_server, name, language):  # type: ignore[no-untyped-def]
    page = new_page(language)
    page.goto(PUBLIC_PAGES[name].format(slug=scene.slug, token=scene.token, origin=live_server))
    if name == "widget-panel":
        page.locator("form, input").first.wait_for()
    check(page, name, language)
