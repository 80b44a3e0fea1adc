"""An agent who writes Thai as ผม…ครับ sets that on their account page; a Thai complaint's
recovery panel then offers ครับ phrases, and the confirm and Resolve phrases wait for, then
follow, what the agent types in the step's field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ANGRY = (
    "This is the second time you charged my card twice. Unacceptable! "
    "I want a refund today or I will cancel my account."
)


@pytest.fixture
def thai_complaint(app, make_user):
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
        ticket.customer.language = "th"
        db.session.commit()
        return ticket.number


def test_thai_khrap_voice_and_live_phrases(page, make_user, thai_complaint):
    agent = make_user("agent", name="Somchai Wong")
    page.goto("/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(agent.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox")

    page.goto("/account")
    page.get_by_label("Thai phrases").select_option("khrap")
    page.get_by_role("button", name="Save phrase voice").click()
    assert "Your phrase voice is saved." in page.locator("body").inner_text()
    assert page.get_by_label("Thai phrases").input_value() == "khrap"

    page.goto(f"/tickets/{thai_complaint}")
    panel = page.locator("#recovery")
    thanks = panel.get_by_role("button", name="ขอบคุณที่แจ้งเข้ามานะครับ คุณNok", exact=False)
    thanks.wait_for()
    assert "ค่ะ" not in panel.inner_text()

    # The confirm phrase waits for the summary, then follows it as the agent types.
    confirm = panel.locator('button.phrase[data-phrase-fields^="issue_summary"]')
    assert confirm.is_disabled()
    expect(panel.get_by_text("Write the summary first.")).to_be_visible()
    summary = panel.get_by_label("The problem, in the customer's words")
    summary.fill("ตัดเงินซ้ำสองครั้งในเดือนมีนาคม")
    assert confirm.is_enabled()
    expect(panel.get_by_text("Write the summary first.")).not_to_be_visible()
    confirm.click()
    reply = page.get_by_label("Message")
    assert reply.input_value() == (
        "ขออนุญาตทวนเพื่อให้เข้าใจตรงกันนะครับ: ตัดเงินซ้ำสองครั้งในเดือนมีนาคม ถูกต้องไหมครับ"
    )
    summary.fill("")
    assert confirm.is_disabled()
    summary.fill("ตัดเงินซ้ำสองครั้ง")
    panel.get_by_role("button", name="Mark “Hear” done").click()

    panel.locator('button.phrase[data-phrase^="ถ้าเป็นผม"]').wait_for()
    panel.get_by_role("button", name="Mark “Empathize” done").click()
    panel.get_by_role("button", name="Mark “Apologize” done").click()

    # Resolve: the phrase is written on what the agent says they did.
    done = panel.locator('button.phrase[data-phrase-fields^="resolution"]')
    done.wait_for()
    assert done.is_disabled()
    panel.get_by_label("What was done to make it right").fill("คืนเงินรายการที่ซ้ำให้แล้ว")
    assert done.is_enabled()
    assert done.get_attribute("data-phrase") == (
        "ผมดำเนินการให้เรียบร้อยแล้วครับ: คืนเงินรายการที่ซ้ำให้แล้ว "
        "รบกวนช่วยตรวจสอบอีกครั้งว่าตอนนี้ใช้งานได้ปกติแล้วหรือยังครับ"
    )
