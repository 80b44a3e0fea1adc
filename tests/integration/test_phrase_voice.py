"""Each agent's phrase voice: chosen on the account page (checked, audited, only by the
person themself), followed by the recovery panel and the promise sentence; and a phrase
that needs the summary or the resolution waits, disabled, until it is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create, user_set_phrase_voice
from helpdesk.clock import now
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Recovery, Ticket, User
from helpdesk.promises.service import promise_sentence
from helpdesk.recovery import library, service
from helpdesk.tickets import intake
from tests.conftest import csrf_token

ANGRY = (
    "This is the second time you charged me twice. Terrible, unacceptable service. "
    "I want a refund today or I cancel."
)
HTMX = {"HX-Request": "true"}


def complaint(language: str) -> int:
    actor = user_create(
        email="somchai@example.com",
        name="Somchai Wong",
        role="agent",
        password="long-enough-password",
        actor="test",
    )
    ticket = intake.ticket_create(
        actor=actor,
        customer_email="nok@example.com",
        customer_name="Nok Srisuk",
        subject="Double charge",
        body=ANGRY,
    )
    ticket.customer.language = language
    db.session.commit()
    assert ticket.recovery is not None
    return ticket.number


def voice_of(app, user_id: int) -> dict:
    with app.app_context():
        return dict(db.session.get(User, user_id).phrase_voice or {})


def test_an_agent_chooses_their_phrase_voice_on_the_account_page(app, login_as):
    client = login_as("agent")
    page = client.get("/account").get_data(as_text=True)
    assert "Phrase voice" in page
    assert "ผม … ครับ" in page and "Friendly: Kak" in page
    response = client.post(
        "/account/phrase-voice",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "voice_th": "khrap",
            "voice_id": "friendly",
            "voice_bn": "formal",
        },
    )
    assert response.status_code == 302
    assert voice_of(app, client.user.id) == {"th": "khrap", "id": "friendly", "bn": "formal"}
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.action == "user.update_profile",
                AuditEvent.object_id == str(client.user.id),
            )
        )
        assert event.changes == {
            "phrase_voice.th": ["kha", "khrap"],
            "phrase_voice.id": ["formal", "friendly"],
        }
    again = client.get("/account").get_data(as_text=True)
    assert '<option selected value="khrap">' in again or 'value="khrap" selected' in again


def test_a_voice_not_on_the_list_is_refused_next_to_its_field_and_nothing_changes(app, login_as):
    client = login_as("agent")
    response = client.post(
        "/account/phrase-voice",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "voice_th": "formal",  # an Indonesian register, forged into the Thai field
            "voice_id": "friendly",
            "voice_bn": "friendly",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="voice_th-error"' in html and "Choose one of the voices on the list." in html
    # What the person chose elsewhere is still chosen on the refused form.
    assert 'selected value="friendly"' in html or 'value="friendly" selected' in html
    assert voice_of(app, client.user.id) == {}


def test_the_phrase_voice_needs_a_login_and_a_csrf_token(app, client, login_as):
    anonymous = client.post(
        "/account/phrase-voice", data={"voice_th": "khrap", "csrf_token": csrf_token(client)}
    )
    assert anonymous.status_code in (302, 401)
    assert "/login" in anonymous.headers.get("Location", "/login")
    agent = login_as("agent")
    forged = agent.post("/account/phrase-voice", data={"voice_th": "khrap"})
    assert forged.status_code == 400
    assert voice_of(app, agent.user.id) == {}


def test_the_service_refuses_unknown_languages_and_registers(app):
    with app.app_context():
        user = user_create(
            email="a@example.com",
            name="A",
            role="agent",
            password="long-enough-password",
            actor="test",
        )
        for voice in ({"th": "friendly"}, {"fr": "formal"}, {"id": ""}):
            with pytest.raises(ValidationError):
                user_set_phrase_voice(user=user, voice=voice)
        assert db.session.get(User, user.id).phrase_voice == {}


def test_the_panel_offers_the_agents_thai_register(app, login_as):
    client = login_as("agent")
    with app.app_context():
        library.seed_library()
        number = complaint("th")
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "ขอบคุณที่แจ้งเข้ามานะคะ คุณNok" in page
    assert "ครับ" not in page.split('id="recovery"')[1]
    with app.app_context():
        user_set_phrase_voice(user=db.session.get(User, client.user.id), voice={"th": "khrap"})
    panel = client.get(f"/tickets/{number}").get_data(as_text=True).split('id="recovery"')[1]
    assert "ขอบคุณที่แจ้งเข้ามานะครับ คุณNok ผมอ่านรายละเอียด" in panel
    assert "ค่ะ" not in panel and "ดิฉัน" not in panel


def test_the_panel_offers_friendly_indonesian_without_anda(app, login_as):
    client = login_as("agent")
    with app.app_context():
        library.seed_library()
        number = complaint("id")
        user_set_phrase_voice(user=db.session.get(User, client.user.id), voice={"id": "friendly"})
    panel = client.get(f"/tickets/{number}").get_data(as_text=True).split('id="recovery"')[1]
    assert "Kak Nok" in panel
    assert "Anda" not in panel


def test_the_confirm_phrase_waits_for_the_summary(app, login_as):
    client = login_as("agent")
    with app.app_context():
        library.seed_library()
        number = complaint("en")
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "the problem you described" not in page
    assert 'data-phrase-template="I want to be sure I&#39;ve got it right: {issue_summary}' in page
    assert "Write the summary first." in page
    assert 'data-phrase-fields="issue_summary=problem_summary"' in page
    assert ' disabled aria-describedby="phrase-hint-' in page
    token = csrf_token(client, f"/tickets/{number}")
    done = client.post(
        f"/tickets/{number}/recovery/steps/hear/done",
        data={"csrf_token": token, "problem_summary": "The app lost her order."},
        headers=HTMX,
    )
    assert done.status_code == 200
    reopened = client.post(
        f"/tickets/{number}/recovery/steps/hear/reopen", data={"csrf_token": token}, headers=HTMX
    ).get_data(as_text=True)
    # Written now: the phrase is filled (no doubled full stop) and offered.
    assert "got it right: The app lost her order. Is that it?" in reopened.replace("&#39;", "'")


def test_the_resolve_phrase_is_written_on_the_resolution(app, login_as):
    client = login_as("agent")
    with app.app_context():
        library.seed_library()
        number = complaint("en")
        actor = db.session.get(User, client.user.id)
        recovery = db.session.scalar(sa.select(Recovery))
        service.recovery_complete_step(
            recovery=recovery, step="hear", actor=actor, problem_summary="Lost order"
        )
        service.recovery_complete_step(recovery=recovery, step="empathize", actor=actor)
        service.recovery_complete_step(recovery=recovery, step="apologize", actor=actor)
    page = client.get(f"/tickets/{number}").get_data(as_text=True).replace("&#39;", "'")
    assert "Here's what I've done: {resolution}. Could you check" in page
    assert "Write what you did first." in page
    assert "is fixed on our side" not in page
    with app.app_context():
        recovery = db.session.scalar(sa.select(Recovery))
        actor = db.session.get(User, client.user.id)
        service.recovery_complete_step(
            recovery=recovery, step="resolve", actor=actor, resolution="I re-sent the order"
        )
    token = csrf_token(client, f"/tickets/{number}")
    reopened = client.post(
        f"/tickets/{number}/recovery/steps/resolve/reopen",
        data={"csrf_token": token},
        headers=HTMX,
    ).get_data(as_text=True)
    assert "Here's what I've done: I re-sent the order. Could you check" in reopened.replace(
        "&#39;", "'"
    )


def test_the_promise_sentence_follows_the_agents_register(app):
    with app.app_context():
        library.seed_library()
        number = complaint("th")
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        agent = db.session.scalar(sa.select(User).where(User.email == "somchai@example.com"))
        due = now() + timedelta(days=1)
        assert promise_sentence(ticket=ticket, agent=agent, due=due).endswith("ค่ะ")
        user_set_phrase_voice(user=agent, voice={"th": "khrap"})
        sentence = promise_sentence(ticket=ticket, agent=agent, due=due)
        assert sentence.startswith("ผมจะแจ้งความคืบหน้า") and sentence.endswith("ครับ")


def test_admins_give_a_phrase_its_voice_and_a_foreign_voice_is_refused(app, login_as):
    admin = login_as("admin")
    token = csrf_token(admin, "/settings/phrases")
    page = admin.get("/settings/phrases").get_data(as_text=True)
    assert "Every voice" in page and "Thai: ผม … ครับ" in page
    wrong = admin.post(
        "/settings/phrases",
        data={
            "step": "empathize",
            "language": "id",
            "register": "khrap",
            "text": "Saya paham sekali, Kak.",
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert 'id="register-error"' in html and "This language has no such voice" in html
    assert "Saya paham sekali, Kak." in html  # what was typed is kept
    good = admin.post(
        "/settings/phrases",
        data={
            "step": "empathize",
            "language": "th",
            "register": "khrap",
            "text": "ผมเข้าใจครับ คุณ{customer_first_name}",
            "csrf_token": token,
        },
    )
    assert good.status_code == 302
    with app.app_context():
        phrases = library.phrases_for("empathize", "th", "khrap")
        assert [p.body for p in phrases] == ["ผมเข้าใจครับ คุณ{customer_first_name}"]
        assert library.phrases_for("empathize", "th", "kha") == []
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "phrase.create"))
        assert event.changes["register"] == "khrap"
    agent = login_as("agent")
    refused = agent.post(
        "/settings/phrases",
        data={
            "step": "empathize",
            "language": "th",
            "register": "kha",
            "text": "x",
            "csrf_token": csrf_token(agent, "/inbox"),
        },
    )
    assert refused.status_code in (403, 404)
