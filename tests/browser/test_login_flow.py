"""A person logs in through the real page, sees their role's navigation, and logs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_logs_in_sees_admin_navigation_and_logs_out(page, make_user):
    admin = make_user("admin", name="Ada Admin")
    page.goto("/settings/team")
    assert page.url.endswith("/login?next=/settings/team")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/settings/team")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Inbox")).to_be_visible()
    expect(nav.get_by_role("link", name="Team", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.goto("/inbox")
    assert "/login" in page.url


def test_agent_sees_only_agent_navigation(page, make_user):
    agent = make_user("agent")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(agent.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Inbox")).to_be_visible()
    assert nav.get_by_role("link", name="Team", exact=True).count() == 0
    response = page.goto("/settings/team")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_wrong_password_shows_the_error_and_keeps_the_email(page, make_user):
    agent = make_user("agent")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().strip() == "Wrong email or password."
    assert page.get_by_label("Email").input_value() == agent.email
    assert page.get_by_label("Password").input_value() == ""


def test_pages_fit_a_phone_screen_and_show_keyboard_focus(page, make_user, runner):
    runner.invoke(args=["helpdesk", "demo"])
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill("helpdesk-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")
    for path in ("/inbox", "/settings/team", "/account"):
        page.goto(path)
        # Only the tables may scroll sideways, inside their own wrapper; the page may not.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > document.documentElement.clientWidth + 0.5 && !e.closest('.table-wrap'))"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' '"
            " + e.getBoundingClientRect().right)"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone: {wide}"
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
