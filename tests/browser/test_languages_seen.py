"""Languages and text that is not ours, as a person sees them: the widget's message times in
the workspace's formats (Bengali digits, Thai Buddhist-era years), a verified customer's
stored language on a device they have never used, and an override character in a subject
that cannot reorder the rest of the line in the plain-text email."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.browser.conftest import serving
from tests.browser.test_widget_flow import FRAME, TIMEOUT, launcher, watch_for_errors

pytestmark = pytest.mark.browser

# Thursday 5 March 2026, 20:07 UTC: Friday 6 March, 02:07 in Dhaka and 03:07 in Bangkok.
MOMENT = datetime(2026, 3, 5, 20, 7, tzinfo=UTC)
RLO = "\u202e"
TEXT_PART = "section[aria-labelledby=mail-text] pre"  # the mail viewer's "Text version"


def as_admin(app: Flask, make_user: Callable[..., object], change: Callable[..., object]) -> None:
    """Run a settings service as an admin (`change(actor)`)."""
    from helpdesk.extensions import db
    from helpdesk.models import User

    admin = make_user("admin")
    with app.app_context():
        change(db.session.get(User, admin.id))  # type: ignore[attr-defined]


def test_widget_message_times_follow_the_workspace_formats(page, app, make_user, set_now):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from helpdesk.settings.formats import format_settings_update
    from helpdesk.settings.hours import business_hours, business_hours_update

    set_now(MOMENT)
    as_admin(
        app,
        make_user,
        lambda actor: business_hours_update(
            actor=actor, timezone="Asia/Dhaka", days=business_hours().days, holidays=[]
        ),
    )
    as_admin(
        app,
        make_user,
        lambda actor: format_settings_update(
            actor=actor, currency="USD", thai_digits=False, bengali_digits=True, buddhist_era=True
        ),
    )

    # A Bengali customer writes from the panel and sees the time in Bengali digits.
    page.goto("/widget/frame?lang=bn")
    page.locator("#write").click()
    page.locator("#compose-name").fill("রহিম উদ্দিন")
    page.locator("#compose-email").fill("rahim@example.com.bd")
    page.locator("#compose-message").fill("আমার অর্ডার এখনও আসেনি।")
    page.locator("#compose-form [type=submit]").click()
    when = page.locator("#messages > li time")
    expect(when).to_have_text("৬ মার্চ, ২০২৬ ২:০৭ AM", timeout=TIMEOUT)
    expect(when).to_have_attribute("datetime", "2026-03-05T20:07:00+00:00")

    # The admin turns Bengali digits off: the panel follows the setting, not the browser.
    as_admin(
        app,
        make_user,
        lambda actor: format_settings_update(
            actor=actor, currency="USD", thai_digits=False, bengali_digits=False, buddhist_era=True
        ),
    )
    page.reload()
    page.locator("#history-list button").first.click()
    expect(when).to_have_text("6 মার্চ, 2026 2:07 AM", timeout=TIMEOUT)

    # The same conversation in the Thai panel: the Buddhist-era year, 2569 for 2026.
    page.goto("/widget/frame?lang=th")
    page.locator("#history-list button").first.click()
    expect(when).to_have_text("6 มี.ค. 2569 02:07", timeout=TIMEOUT)


@pytest.fixture
def signed_shop(app: Flask, live_server: str) -> Iterator[str]:
    """The demo shop with the widget secret, so `?signed=1` embeds a verified identity."""
    from helpdesk.widget.demo_site import create_demo_site
    from helpdesk.widget.settings import widget_secret

    def secret() -> str:
        with app.app_context():
            return widget_secret()

    with serving(create_demo_site(live_server, secret=secret)) as url:
        yield url


def test_a_verified_customer_finds_their_language_on_a_new_device(  # type: ignore[no-untyped-def]
    browser, app, make_user, signed_shop, live_server
):
    from playwright.sync_api import expect

    from helpdesk.extensions import db
    from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
    from helpdesk.widget.demo_site import DEMO_CUSTOMER_EMAIL
    from helpdesk.widget.settings import widget_settings_update

    as_admin(
        app,
        make_user,
        lambda actor: widget_settings_update(
            actor=actor,
            colour="#1f6feb",
            position="bottom-right",
            label="",
            greeting="",
            allowed_origins=[signed_shop],
        ),
    )
    with app.app_context():  # Sam wrote to us before, in Thai, on another device
        ticket_create_by_customer(
            contact=CustomerContact(name="Sam Lee", email=DEMO_CUSTOMER_EMAIL, language="th"),
            body="กาน้ำชาร้าวค่ะ",
            subject="กาน้ำชา",
        )
        db.session.commit()

    # A fresh browser in English: no ?lang, nothing remembered by the panel.
    errors: list[str] = []
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        watch_for_errors(page, errors)
        page.goto(f"{signed_shop}/?signed=1")
        launcher(page).click()
        panel = page.frame_locator(FRAME)
        expect(panel.locator("html")).to_have_attribute("lang", "th", timeout=TIMEOUT)
        expect(panel.locator("#write")).to_have_text("เขียนถึงเรา")
        expect(panel.get_by_role("heading", name="บทสนทนาของคุณ")).to_be_visible()
        expect(panel.locator("#history-list")).to_contain_text("กาน้ำชา")
        frame_url = page.locator(FRAME).get_attribute("src") or ""
        assert frame_url.startswith(live_server)

        # Sam picks English in the panel: it stays English on the next visit.
        panel.locator("#language").select_option("en")
        panel.locator("#language-form [type=submit]").click()
        expect(panel.locator("html")).to_have_attribute("lang", "en", timeout=TIMEOUT)
        expect(panel.locator("#write")).to_have_text("Write to us")
        page.reload()
        launcher(page).click()
        expect(panel.locator("#history-list")).to_contain_text("กาน้ำชา", timeout=TIMEOUT)
        expect(panel.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()

    # An anonymous visitor on the same shop (no signature) keeps the browser's language.
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        watch_for_errors(page, errors)
        page.goto(signed_shop)
        launcher(page).click()
        panel = page.frame_locator(FRAME)
        expect(panel.locator("#write")).to_have_text("Write to us", timeout=TIMEOUT)
        expect(panel.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
    assert errors == [], f"the pages had errors: {errors}"


def x_of(page, selector: str, needle: str, offset: int = 0) -> float:  # type: ignore[no-untyped-def]
    """Where the character `offset` into the first `needle` in `selector`'s text is drawn
    (its left edge, in CSS pixels)."""
    return float(
        page.locator(selector).evaluate(
            """(element, [needle, offset]) => {
                const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const at = node.data.indexOf(needle);
                    if (at < 0) continue;
                    const range = document.createRange();
                    range.setStart(node, at + offset);
                    range.setEnd(node, at + offset + 1);
                    return range.getBoundingClientRect().left;
                }
                throw new Error("not found: " + needle);
            }""",
            [needle, offset],
        )
    )


def test_an_override_in_a_subject_stays_inside_it_in_the_plain_text_email(  # type: ignore[no-untyped-def]
    page, app, make_user
):
    """The admin reads the queued acknowledgement in the mail viewer: the ticket number
    after the subject is still drawn after it, not pulled backwards by the U+202E."""
    from playwright.sync_api import expect

    from helpdesk.extensions import db
    from helpdesk.models import Outbox
    from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer

    with app.app_context():
        ticket, _token = ticket_create_by_customer(
            contact=CustomerContact(name=f"{RLO}nnA Lee", email="ann@example.net"),
            body="Please look at the invoice",
            subject=f"Refund {RLO}fdp.eciovni",
        )
        db.session.commit()
        number = ticket.number
        row_id = db.session.scalar(sa.select(Outbox.id).where(Outbox.template == "ticket_received"))

    admin = make_user("admin")
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")
    page.goto(f"/settings/email/outbox/{row_id}")
    text = page.locator(TEXT_PART)
    expect(text).to_contain_text(f"(ticket #{number})")

    # The override shows the subject's tail reversed ("invoice.pdf"): its logical first
    # letter, the "f" after U+202E, is drawn last. The ticket number comes after all of it.
    subject_end = x_of(page, TEXT_PART, f"{RLO}fdp", 1)
    assert x_of(page, TEXT_PART, f"(ticket #{number})") > subject_end
    # The greeting's comma stays after the name the same way.
    assert x_of(page, TEXT_PART, ",\n", 0) > x_of(page, TEXT_PART, f"{RLO}nnA", 1)
    # And in the subject line shown above it.
    heading_end = x_of(page, "h1", f"{RLO}fdp", 1)
    assert x_of(page, "h1", f"[#{number}]") > heading_end
