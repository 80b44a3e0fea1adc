"""Attachments as people use them: an agent pastes a screenshot into a reply (after the
file picker refused a file that is too large, before any upload, keeping the text), the
customer's email carries it and the widget shows it; a customer attaches a file in the
widget and the agent downloads it from the ticket page."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.storage_backends import moto_server, storage_backend  # noqa: F401

pytestmark = pytest.mark.browser

TIMEOUT = 10_000
POLL_TIMEOUT = 15_000  # the widget polls every ~4 s while open
PDF = b"%PDF-1.4\n% the customer's receipt\n"


@pytest.fixture
def local_storage(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app.config["ATTACHMENTS_URL"] = (tmp_path / "attachments").as_uri()


def screenshot_png() -> bytes:
    image = Image.new("RGB", (640, 360), (20, 120, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def start_in_widget(frame, text: str) -> int:  # type: ignore[no-untyped-def]
    """A customer writes to support from the widget panel; returns the ticket number."""
    from playwright.sync_api import expect

    frame.goto("/widget/frame")
    frame.get_by_role("button", name="Write to us").click()
    frame.get_by_label("Your name").fill("Nok Srisuk")
    frame.get_by_label("Your email").fill("nok@example.co.th")
    frame.get_by_label("How can we help?").fill(text)
    frame.get_by_role("button", name="Send", exact=True).click()
    title = frame.locator("#conversation-title")
    expect(title).to_have_text(re.compile(r"^#\d+"), timeout=TIMEOUT)
    return int(re.match(r"#(\d+)", title.inner_text()).group(1))  # type: ignore[union-attr]


def log_in(desk, user) -> None:  # type: ignore[no-untyped-def]
    desk.goto("/login")
    desk.get_by_label("Email").fill(user.email)
    desk.get_by_label("Password").fill(user.password)
    desk.get_by_role("button", name="Log in").click()
    desk.wait_for_url("**/inbox")


PASTE = """([selector, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const file = new File([bytes], "image.png", {type: "image/png"});
  const clipboard = new DataTransfer();
  clipboard.items.add(file);
  const event = new ClipboardEvent(
    "paste", {clipboardData: clipboard, bubbles: true, cancelable: true});
  document.querySelector(selector).dispatchEvent(event);
}"""


# On both storage backends (a directory, and a real S3-compatible server); the other test
# on the directory only, to keep the browser tests few.
@pytest.mark.usefixtures("storage_backend")
def test_an_agent_pastes_a_screenshot_the_email_and_widget_carry_it(
    browser, page, live_server, make_user, app
):
    from playwright.sync_api import expect

    from helpdesk.extensions import db
    from helpdesk.mail.smtp import build_message
    from helpdesk.models import Outbox

    number = start_in_widget(page, "The app shows an error when I pay.")
    agent = make_user("agent", name="Dewi Lestari")
    context = browser.new_context(base_url=live_server)
    try:
        desk = context.new_page()
        log_in(desk, agent)
        desk.goto(f"/tickets/{number}")
        desk.get_by_label("Message").fill("Is this the screen you see?")
        # A file over the limit is refused in the browser: nothing is uploaded, text stays.
        picker = desk.locator("#attachments")
        picker.set_input_files(
            {
                "name": "video.png",
                "mimeType": "image/png",
                "buffer": b"\x89PNG" + b"0" * (11 * 1024 * 1024),
            }
        )
        error = desk.locator("#attachments-error")
        expect(error).to_have_text(
            "video.png is 11 MB; each file may be at most 10 MB.", timeout=TIMEOUT
        )
        expect(desk.locator("[data-attachment-list] li")).to_have_count(0)
        expect(desk.get_by_label("Message")).to_have_value("Is this the screen you see?")
        # Paste a screenshot into the text box: it becomes a file in the list.
        shot = screenshot_png()
        desk.evaluate(PASTE, ["#body", base64.b64encode(shot).decode()])
        chosen = desk.locator("[data-attachment-list] li")
        expect(chosen).to_have_count(1)
        expect(chosen.first).to_contain_text(re.compile(r"pasted-image-\d{8}T\d{6}\.png"))
        expect(error).to_be_hidden()
        desk.get_by_role("button", name="Send", exact=True).click()
        desk.wait_for_url(f"**/tickets/{number}#composer")
        preview = desk.locator(".conversation .attachment-preview img")
        expect(preview).to_have_count(1)
        preview.scroll_into_view_if_needed()  # it loads lazily
        assert preview.evaluate("(img) => img.decode().then(() => img.naturalWidth)") == 480
    finally:
        context.close()

    # The customer's email carries the screenshot.
    with app.app_context():
        row = db.session.scalar(sa.select(Outbox).where(Outbox.template == "staff_reply"))
        files = [(p.get_filename(), p.get_content()) for p in build_message(row).iter_attachments()]
    assert len(files) == 1 and files[0][0].startswith("pasted-image-") and files[0][1] == shot

    # And the widget shows it on the reply.
    reply = page.locator("#messages > li").last
    expect(reply).to_contain_text("Is this the screen you see?", timeout=POLL_TIMEOUT)
    link = reply.locator("[data-attachment]")
    expect(link).to_have_text(re.compile(r"^pasted-image-.*\.png$"))
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == shot


@pytest.mark.usefixtures("local_storage")
def test_a_customer_attaches_a_file_in_the_widget_and_the_agent_downloads_it(
    browser, page, live_server, make_user
):
    from playwright.sync_api import expect

    number = start_in_widget(page, "I was charged twice.")
    page.get_by_label("Your reply").fill("Here is the receipt.")
    page.locator("#reply-attachments").set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Send reply").click()
    mine = page.locator("#messages > li").last
    expect(mine).to_contain_text("Here is the receipt.", timeout=TIMEOUT)
    expect(mine.locator("[data-attachment]")).to_have_text("receipt.pdf")

    agent = make_user("agent")
    context = browser.new_context(base_url=live_server)
    try:
        desk = context.new_page()
        log_in(desk, agent)
        desk.goto(f"/tickets/{number}")
        link = desk.locator(".conversation .attachments").get_by_role("link", name="receipt.pdf")
        with desk.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "receipt.pdf"
        assert Path(download.value.path()).read_bytes() == PDF
    finally:
        context.close()
