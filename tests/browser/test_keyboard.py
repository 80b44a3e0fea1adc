"""An agent who uses only the keyboard (Tab, Shift+Tab, Enter, Space and typing) logs in,
opens a complaint from the inbox, completes the Hear step of the recovery, promises an
update and sends the reply. Every element the keyboard reaches shows where the focus is,
and after the htmx swap of the recovery panel the focus lands on the next step, which the
page's live region announces."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAX_TABS = 200
ANGRY = (
    "This is the second time you charged my card twice. Unacceptable! "
    "I want a refund today or I will cancel my account."
)

# What the focused element is and how its focus shows (outline or box shadow).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 80),
    visible: outline || shadow,
  };
}"""


@pytest.fixture
def complaint(app, make_user) -> int:  # type: ignore[no-untyped-def]
    from helpdesk.extensions import db
    from helpdesk.models import User
    from helpdesk.recovery.library import seed_library
    from helpdesk.tickets.intake import ticket_create

    somebody = make_user("agent", name="Intake Person")
    with app.app_context():
        seed_library()
        ticket = ticket_create(
            actor=db.session.get(User, somebody.id),
            customer_email="nok@example.com",
            customer_name="Nok Srisuk",
            subject="Charged twice",
            body=ANGRY,
        )
        return ticket.number


def focused(page: Any) -> dict[str, Any] | None:
    return page.evaluate(FOCUSED)  # type: ignore[no-any-return]


def tab_to(page: Any, matches: str, *, backwards: bool = False) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element matches the CSS selector
    `matches`; every element passed on the way must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = focused(page)
        if now is None:
            continue
        assert now["visible"], f"no visible focus on {now}"
        if page.evaluate("(selector) => document.activeElement.matches(selector)", matches):
            return now
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached {matches}")


def test_reply_hear_step_and_promise_by_keyboard_alone(page, make_user, complaint):  # type: ignore[no-untyped-def]
    agent = make_user("agent", name="Dewi Lestari")

    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(agent.email)
    tab_to(page, "#password")
    page.keyboard.type(agent.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox")

    # Skip link first, then the ticket's link in the list.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    tab_to(page, f'a.ticket-link[href$="/tickets/{complaint}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{complaint}")
    page.locator("#recovery .step-current").wait_for()

    # Hear: a phrase goes into the reply (the focus follows it into the composer)...
    tab_to(page, '#recovery button.phrase[data-phrase^="Thank you for telling us"]')
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "body"  # type: ignore[index]
    assert page.locator("#body").input_value().startswith("Thank you for telling us, Nok.")
    # ...the problem in the customer's words, and the step is done.
    tab_to(page, "#problem_summary")
    page.keyboard.type("Charged twice for March")
    now = tab_to(page, "#recovery .step-form button[type=submit]")
    assert now["text"] == "Mark “Hear” done"
    page.keyboard.press("Enter")
    page.locator("#recovery .step-current .step-name", has_text="Empathize").wait_for()
    page.wait_for_function(
        "() => document.activeElement.matches('#recovery .step-current summary')"
    )
    assert focused(page)["visible"]  # type: ignore[index]
    page.wait_for_function(
        "() => document.getElementById('announcer').textContent.includes('Empathize')"
    )
    assert page.locator("#recovery .step-done .step-name", has_text="Hear").count() == 1

    # Promise an update: open the picker with Space, choose an estimate with Enter, put the
    # sentence in the reply.
    tab_to(page, ".promise-picker summary", backwards=True)
    page.keyboard.press("Space")
    assert page.locator(".promise-picker").get_attribute("open") is not None
    tab_to(page, ".promise-picker .estimates button:nth-child(2)")
    page.keyboard.press("Enter")
    page.locator("#promise-suggestion .promise-sentence").wait_for()
    sentence = page.locator("#promise-suggestion .promise-sentence").inner_text()
    tab_to(page, "#promise-suggestion button[data-phrase]")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "body"  # type: ignore[index]
    page.keyboard.type(" I've refunded the duplicate charge.")
    body = page.locator("#body").input_value()
    assert "Thank you for telling us, Nok." in body and sentence in body
    assert body.endswith("I've refunded the duplicate charge.")

    # Send the reply.
    now = tab_to(page, '.composer-actions button[type=submit][value=""]')
    assert now["text"] == "Send"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{complaint}#composer")
    expect(page.locator(".flash").get_by_text("Reply sent to Nok Srisuk")).to_be_visible()
    assert sentence in page.locator("#promises").inner_text()
    assert "Thank you for telling us, Nok." in page.locator(".messages").inner_text()
    page.wait_for_function("() => document.getElementById('announcer').textContent.includes('Nok')")
