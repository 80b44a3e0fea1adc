"""The team teaches the complaint detector: "this is a complaint" / "not a complaint" on
the ticket page and in the inbox, the adaptation job that learns from those labels, the
founders' trends measured against them, and the threshold guide admins read."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk import clock
from helpdesk.auth.service import user_create
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, ComplaintLabel, DetectorAdaptation, Message, Ticket
from helpdesk.recovery import adaptation, library, service
from helpdesk.recovery.adaptation import MIN_EACH, current_adaptation, detector_adapt
from helpdesk.recovery.detection import detect
from helpdesk.tickets import intake
from tests.conftest import csrf_token

HTMX = {"HX-Request": "true"}
# Calm messages the shipped model does not flag, that this workspace calls complaints:
# its customers' word for "you let me down" is "the courier again".
COURIER = [
    "The courier again left my parcel in the rain at the gate, order {n}.",
    "The courier again did not ring, the parcel for order {n} was left outside.",
    "Order {n}: the courier again threw the box over the fence.",
    "The courier again marked order {n} delivered while I was home all day.",
    "For order {n} the courier again left it with a neighbour I do not know.",
    "The courier again dropped order {n} at the wrong door.",
]
QUESTIONS = [
    "Hello, can I change the delivery address for order {n}?",
    "Hi, do you ship to Chiang Mai? Asking about order {n}.",
    "Could you send the invoice for order {n} to my work email?",
    "What sizes does the blue jacket in order {n} come in?",
    "Is it possible to add gift wrapping to order {n}?",
    "Hi there, when does the spring collection arrive? I have order {n} already.",
]


def staff(name="Dewi Lestari", role="agent"):
    return user_create(
        email=f"{name.split()[0].lower()}@example.com",
        name=name,
        role=role,
        password="long-enough-password",
        actor="test",
    )


def ticket_with(actor, text, email="sam@example.com"):
    return intake.ticket_create(
        actor=actor, customer_email=email, customer_name="Sam Lee", subject="Order", body=text
    )


def test_labelling_a_missed_complaint_starts_a_recovery_and_records_the_score(database):
    library.seed_library()
    actor = staff()
    ticket = ticket_with(actor, "Hello, can I change the delivery address for order 1042?")
    assert ticket.kind == "question" and ticket.recovery is None
    message = ticket.messages[0]
    assert message.complaint_score is not None  # kept when the message arrived

    service.complaint_label_set(ticket=ticket, actor=actor, is_complaint=True)
    label = db.session.scalar(sa.select(ComplaintLabel))
    assert label.is_complaint and label.message_id == message.id
    assert label.score == message.complaint_score and label.flagged is False
    assert ticket.kind == "complaint" and ticket.recovery.state == "active"

    # Changing one's mind changes the same label and ends the recovery.
    service.complaint_label_set(ticket=ticket, actor=actor, is_complaint=False)
    assert db.session.scalar(sa.select(sa.func.count(ComplaintLabel.id))) == 1
    assert label.is_complaint is False
    assert ticket.recovery.state == "ended" and ticket.kind == "problem"
    actions = list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.action == "ticket.complaint_label")
        )
    )
    assert len(actions) == 2


def test_a_flagged_message_labelled_not_a_complaint_is_a_false_alarm(database):
    library.seed_library()
    actor = staff()
    ticket = ticket_with(actor, "This is the worst, most useless service. I want a refund NOW!!!")
    assert ticket.kind == "complaint"
    service.complaint_label_set(ticket=ticket, actor=actor, is_complaint=False)
    label = db.session.scalar(sa.select(ComplaintLabel))
    assert label.flagged is True and label.is_complaint is False


def test_starting_and_ending_a_recovery_by_hand_label_the_ticket(database):
    library.seed_library()
    actor = staff()
    ticket = ticket_with(actor, "Where can I download my invoices?")
    service.recovery_start(ticket=ticket, actor=actor)
    assert db.session.scalar(sa.select(ComplaintLabel.is_complaint)) is True
    service.recovery_end(recovery=ticket.recovery, actor=actor, reason="Just a question")
    assert db.session.scalar(sa.select(ComplaintLabel.is_complaint)) is False


def test_the_label_is_about_the_highest_scoring_customer_message(database):
    library.seed_library()
    actor = staff()
    ticket = ticket_with(actor, "Hi, where is order 1042?")
    angry = intake.ticket_customer_reply(
        ticket=ticket, body="Still nothing. This is ridiculous, worst shop ever!!!"
    )
    service.complaint_label_set(ticket=ticket, actor=actor, is_complaint=True)
    assert db.session.scalar(sa.select(ComplaintLabel.message_id)) == angry.id


def test_a_ticket_without_a_customer_message_cannot_be_labelled(database):
    actor = staff()
    ticket = ticket_with(actor, "Hello")
    db.session.execute(sa.delete(Message).where(Message.ticket_id == ticket.id))
    db.session.commit()
    db.session.expire_all()
    try:
        service.complaint_label_set(ticket=ticket, actor=actor, is_complaint=True)
    except ValidationError as error:
        assert error.field == "is_complaint"
    else:
        raise AssertionError("labelled a ticket with nothing to judge")
    assert db.session.scalar(sa.select(sa.func.count(ComplaintLabel.id))) == 0


def test_label_from_the_ticket_page(app, login_as):
    client = login_as("agent")
    with app.app_context():
        library.seed_library()
        number = ticket_with(staff("Somchai Wong"), "Where is order 1042?").number
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Is this a complaint?" in page and "Yes, a complaint" in page
    token = csrf_token(client, f"/tickets/{number}")
    response = client.post(
        f"/tickets/{number}/complaint-label",
        data={"csrf_token": token, "is_complaint": "yes"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Marked as a complaint by" in html
    assert "aria-pressed" in html
    # Without htmx: back to the ticket page.
    plain = client.post(
        f"/tickets/{number}/complaint-label", data={"csrf_token": token, "is_complaint": "no"}
    )
    assert plain.status_code == 302 and plain.location.endswith(f"/tickets/{number}#recovery")
    with app.app_context():
        assert db.session.scalar(sa.select(ComplaintLabel.is_complaint)) is False
    # The history says who labelled it and which way, in words.
    history = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "ticket.complaint_label" not in history
    assert "labelled it for the complaint detector" in history
    assert "complaint: – → Yes" in history and "complaint: Yes → No" in history


def test_label_bad_input_and_permissions(app, client, login_as):
    with app.app_context():
        number = ticket_with(staff("Somchai Wong"), "Where is order 1042?").number
    # Not logged in: no label.
    anonymous = client.post(f"/tickets/{number}/complaint-label", data={"is_complaint": "yes"})
    assert anonymous.status_code in (302, 400, 401, 403)
    assert client.get(f"/tickets/{number}").status_code == 302  # to the login page
    agent = login_as("agent")
    token = csrf_token(agent, f"/tickets/{number}")
    for value in ("maybe", "", "YES", "<script>"):
        bad = agent.post(
            f"/tickets/{number}/complaint-label",
            data={"csrf_token": token, "is_complaint": value},
            headers=HTMX,
        )
        assert bad.status_code == 400, value
    no_csrf = agent.post(f"/tickets/{number}/complaint-label", data={"is_complaint": "yes"})
    assert no_csrf.status_code == 400
    unknown = agent.post(
        "/tickets/999999/complaint-label", data={"csrf_token": token, "is_complaint": "yes"}
    )
    assert unknown.status_code == 404
    assert agent.get(f"/tickets/{number}/complaint-label").status_code == 405
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ComplaintLabel.id))) == 0


def test_label_many_from_the_inbox(app, login_as):
    client = login_as("agent")
    with app.app_context():
        library.seed_library()
        actor = staff("Somchai Wong")
        numbers = [
            ticket_with(actor, f"Where is order {n}?", email=f"c{n}@example.com").number
            for n in range(3)
        ]
    token = csrf_token(client, "/inbox")
    # The inbox's bulk form posts to /inbox/bulk, which hands this action on to recovery.
    handed_on = client.post(
        "/inbox/bulk", data={"csrf_token": token, "ticket": numbers, "complaint": "yes"}
    )
    assert handed_on.status_code == 307
    assert handed_on.location.endswith("/tickets/bulk-complaint-label")
    mixed = client.post(
        "/tickets/bulk-complaint-label",
        data={"csrf_token": token, "ticket": numbers, "complaint": "yes", "status": "pending"},
    )
    assert mixed.status_code == 302
    page = client.get(mixed.location).get_data(as_text=True)
    assert "Mark complaints on their own" in page
    forged = client.post(
        "/tickets/bulk-complaint-label",
        data={"csrf_token": token, "ticket": numbers, "complaint": "sure"},
    )
    assert forged.status_code == 400
    done = client.post(
        "/tickets/bulk-complaint-label",
        data={"csrf_token": token, "ticket": numbers[:2], "complaint": "yes"},
    )
    assert done.status_code == 302
    assert "2 of 2 selected tickets changed." in client.get(done.location).get_data(as_text=True)
    with app.app_context():
        kinds = dict(db.session.execute(sa.select(Ticket.number, Ticket.kind)).all())
        assert [kinds[n] for n in numbers] == ["complaint", "complaint", "question"]
        assert db.session.scalar(sa.select(sa.func.count(ComplaintLabel.id))) == 2


def _teach(actor, templates, is_complaint, start):
    for offset, template in enumerate(templates):
        n = start + offset
        ticket = ticket_with(actor, template.format(n=n), email=f"t{n}@example.com")
        service.complaint_label_set(ticket=ticket, actor=actor, is_complaint=is_complaint)


def test_the_team_labels_change_what_the_detector_says_about_similar_messages(database):
    library.seed_library()
    actor = staff()
    probe = "Order 7777: the courier again left it at the gate in the rain."
    before = detect(probe, language="en").score
    assert detector_adapt() is None  # no labels yet: nothing to learn

    _teach(actor, COURIER[: MIN_EACH - 1], True, 100)
    _teach(actor, QUESTIONS, False, 200)
    assert detector_adapt() is None  # fewer than MIN_EACH complaints

    _teach(actor, COURIER[MIN_EACH - 1 :], True, 300)
    row = detector_adapt()
    assert row is not None and row.complaints == len(COURIER)
    assert row.not_complaints == len(QUESTIONS)
    assert set(row.figures) == {"threshold", "shipped", "adapted"}
    adapted = current_adaptation()
    assert adapted is not None and adapted.id == row.id
    after = detect(probe, language="en", adaptation=adapted).score
    assert after > before + 0.2, (before, after)
    # A question like the ones labelled "not a complaint" stays calm.
    question = "Hello, can I change the delivery address for order 8888?"
    assert detect(question, language="en", adaptation=adapted).score < 0.5

    # Nothing new: the job does nothing. A new label: it adapts again.
    assert detector_adapt() is None
    _teach(actor, ["The courier again lost order {n}."], True, 400)
    assert detector_adapt() is not None
    assert db.session.scalar(sa.select(sa.func.count(DetectorAdaptation.id))) == 2

    # New customer messages are scored with the adaptation.
    ticket = ticket_with(actor, "The courier again left order 9999 outside.", "new@example.com")
    assert ticket.messages[0].complaint_score > before


def test_an_adaptation_for_another_model_version_is_not_used(database, monkeypatch):
    library.seed_library()
    actor = staff()
    _teach(actor, COURIER, True, 100)
    _teach(actor, QUESTIONS, False, 200)
    assert detector_adapt() is not None
    assert current_adaptation() is not None
    model = adaptation.complaint_model()
    monkeypatch.setattr(
        adaptation, "complaint_model", lambda: type(model)("another", model.languages, model.meta)
    )
    assert current_adaptation() is None


def test_trends_measure_the_detector_against_the_team(app, login_as):
    with app.app_context():
        library.seed_library()
        actor = staff()
        angry = ticket_with(actor, "Worst service ever, I want a refund NOW!!!", "a@example.com")
        calm = ticket_with(actor, "Hello, can I change my address?", "b@example.com")
        service.complaint_label_set(ticket=angry, actor=actor, is_complaint=True)
        service.complaint_label_set(ticket=calm, actor=actor, is_complaint=True)
    client = login_as("founder")
    page = client.get("/founders/trends").get_data(as_text=True)
    assert "Complaint detector against your team" in page
    today = clock.now().date().isoformat()
    csv = client.get(f"/founders/trends/detector.csv?start={today}&end={today}")
    assert csv.status_code == 200
    text = csv.get_data(as_text=True)
    assert "Captured (%)" in text
    # Whole range: one caught, one missed: captured 50%, right when flagged 100%.
    assert "Whole range,1,1,0,0,50.0,100.0" in text.replace('"', "")


def test_threshold_guide_on_the_settings_page(app, login_as):
    with app.app_context():
        library.seed_library()
    admin = login_as("admin")
    page = admin.get("/settings/phrases").get_data(as_text=True)
    assert "What the threshold means" in page
    assert "Support messages: precision / recall" in page
    assert "(current)" in page
    assert "once it has at least 5 complaints" in page


def test_a_message_from_before_scores_were_kept_is_scored_when_labelled(database):
    library.seed_library()
    actor = staff()
    ticket = ticket_with(actor, "This is the worst shop, my parcel is lost AGAIN!!!")
    message = ticket.messages[0]
    message.complaint_score = None  # as every message written before migration 0015
    db.session.commit()
    service.complaint_label_set(ticket=ticket, actor=actor, is_complaint=True)
    label = db.session.scalar(sa.select(ComplaintLabel))
    assert message.complaint_score is not None and label.score == message.complaint_score
    assert label.flagged is True
