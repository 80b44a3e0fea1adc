"""A person resets a forgotten password from the emailed link (sent over real SMTP to a
server in the test) and is logged in while their older session ends; another sets up
two-factor sign-in, logs out, and logs in with a code, then with a recovery code."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any

import pyotp
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NEW_PASSWORD = "my-new-long-password"


class Inbox:
    def __init__(self) -> None:
        self.received: list[Any] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.received.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_forgot_password_email_new_password_logged_in_old_sessions_gone(
    app, page, browser, live_server, make_user
):
    from helpdesk.mail.outbox import send_outbox

    agent = make_user("agent", name="Dewi Lestari")
    port = free_port()
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", SMTP_TIMEOUT=5, BASE_URL=live_server)
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    other = browser.new_context(base_url=live_server)
    try:
        # A session on another computer, from before the reset.
        old = other.new_page()
        log_in(old, agent.email, agent.password)
        old.wait_for_url("**/inbox")

        page.goto("/login")
        page.get_by_role("link", name="Forgot your password?").click()
        page.wait_for_url("**/password/forgot")
        page.get_by_label("Email").fill(agent.email)
        page.get_by_role("button", name="Send me a reset link").click()
        page.wait_for_url("**/password/forgot")
        expect(page.locator(".flash").get_by_text("we have sent it a link")).to_be_visible()

        with app.app_context():
            result = send_outbox()  # the outbox job
        assert result.sent == 1, result
        assert len(inbox.received) == 1
        message = message_from_bytes(inbox.received[0].content, policy=default_policy)
        assert message["To"] == agent.email
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(re.escape(live_server) + r"/password/reset/\S+", text).group(0)

        page.goto(link)
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("New password again").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Set the new password").click()
        page.wait_for_url("**/inbox")
        expect(page.locator(".flash").get_by_text("Your password is changed")).to_be_visible()

        old.goto("/inbox")
        assert "/login" in old.url
        # The link worked once.
        page.goto(link)
        expect(page.get_by_text("This reset link is not valid any more")).to_be_visible()
    finally:
        other.close()
        server.stop()


def test_enrol_log_out_log_in_with_a_code_then_with_a_recovery_code(page, make_user):
    admin = make_user("admin", name="Ada Admin")
    log_in(page, admin.email, admin.password)
    page.wait_for_url("**/inbox")
    page.goto("/account")
    page.get_by_role("link", name="Manage two-factor sign-in").click()
    page.wait_for_url("**/account/two-factor")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.get_by_label("Key", exact=True).input_value()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = [item.inner_text().strip() for item in page.locator(".recovery-codes code").all()]
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url("**/inbox")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")

    # With a code: the one just used cannot come back, so the app's next one (accepted
    # within the one-step drift window) stands in for waiting 30 seconds.
    log_in(page, admin.email, admin.password)
    page.wait_for_url("**/login/code")
    page.get_by_label("Code", exact=True).fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/inbox")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")

    # With a recovery code.
    log_in(page, admin.email, admin.password)
    page.wait_for_url("**/login/code")
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/inbox")
    expect(
        page.locator(".flash").get_by_text("You used a recovery code; 9 are left.")
    ).to_be_visible()
