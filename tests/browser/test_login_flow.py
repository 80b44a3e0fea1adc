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
    expect(page.get_by_role("heading", name="Team")).to_be_visible()
    # Settings and the founders' pages are two menus, not twenty links in a row.
    settings, founders = nav.locator("summary", has_text="Settings"), nav.get_by_text("Founders")
    team = nav.get_by_role("link", name="Team", exact=True)
    expect(team).to_be_hidden()
    settings.click()
    expect(team).to_be_visible()
    expect(team).to_have_attribute("aria-current", "page")
    founders.click()  # opening one menu closes the other
    expect(nav.get_by_role("link", name="Trends")).to_be_visible()
    expect(team).to_be_hidden()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Trends")).to_be_hidden()
    settings.click()
    nav.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/settings/audit")
    settings.click()
    expect(nav.get_by_role("link", name="Audit log")).to_be_visible()
    page.get_by_role("heading", level=1).click()  # a click elsewhere closes an open menu
    expect(nav.get_by_role("link", name="Audit log")).to_be_hidden()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    # The flash itself: static/js/a11y.js also copies it into the (hidden) live region.
    expect(page.locator(".flash").get_by_text("You are logged out.")).to_be_visible()
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
    # An agent's one setting is a plain link, not a menu of one.
    expect(nav.get_by_role("link", name="API tokens")).to_be_visible()
    assert nav.locator("summary").count() == 0
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
        # The admin's twenty pages sit in two menus: the header stays a few lines high.
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] < 200, header
    # The inbox is a list of cards on a phone: nothing in it scrolls sideways, and a
    # ticket's status sits below its subject, not in a column beside it.
    page.goto("/inbox")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    row = page.locator("[data-row]").first
    subject, status = (
        row.locator(".ticket-link").bounding_box(),
        row.locator(".status").bounding_box(),
    )
    assert subject is not None and status is not None
    assert status["y"] > subject["y"] + subject["height"] - 1
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
