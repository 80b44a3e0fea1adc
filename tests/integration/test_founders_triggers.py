"""Escalation triggers and dedupe: every reason that puts a ticket in the founders' queue,
one open item per ticket and reason, each raise audited, and the use cases' rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.errors import Conflict, NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.feedback.service import rating_record
from helpdesk.founders import service
from helpdesk.founders.escalations import escalation_raise
from helpdesk.founders.settings import founder_settings, founder_settings_update
from helpdesk.models import AuditEvent, Escalation, Message
from helpdesk.tickets import intake
from tests.factories import CustomerFactory, TicketFactory

ANGRY = (
    "This is the second time you charged me twice. Terrible, unacceptable service. "
    "I want a refund today or I cancel."
)
CALM = "Hi! Where can I download my invoices? Thanks."


def staff(role="agent", name=None):
    name = name or f"{role.title()} Person"
    return user_create(
        email=f"{name.split()[0].lower()}.{role}@example.com",
        name=name,
        role=role,
        password="long-enough-password",
        actor="test",
    )


def escalations(reason=None):
    query = sa.select(Escalation).order_by(Escalation.id)
    if reason:
        query = query.where(Escalation.reason == reason)
    return list(db.session.scalars(query))


def raise_audits():
    return list(
        db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "escalation.raise"))
    )


def new_ticket(actor, *, email="nok@example.com", body=CALM, subject="Help"):
    return intake.ticket_create(
        actor=actor, customer_email=email, customer_name="Nok Srisuk", subject=subject, body=body
    )


def test_raise_dedupes_until_the_item_is_done_and_audits_each_raise(database):
    ticket = TicketFactory()
    first = escalation_raise(ticket=ticket, reason="manual", detail="Look", actor="system")
    db.session.commit()
    assert first is not None and first.status == "open"
    assert escalation_raise(ticket=ticket, reason="manual", detail="Again", actor="system") is None
    # Another reason on the same ticket is its own item.
    assert escalation_raise(ticket=ticket, reason="vip", detail="VIP", actor="system") is not None
    db.session.commit()
    first.status = "done"
    db.session.commit()
    again = escalation_raise(ticket=ticket, reason="manual", detail="Back", actor="system")
    db.session.commit()
    assert again is not None and again.id != first.id
    assert len(raise_audits()) == 3
    assert {event.changes["escalation_reason"] for event in raise_audits()} == {"manual", "vip"}


def test_the_unique_index_guards_a_racing_raise_without_breaking_the_transaction(
    database, monkeypatch
):
    ticket = TicketFactory()
    db.session.add(Escalation(ticket_id=ticket.id, reason="manual", detail="first"))
    db.session.commit()
    # The racer's check saw nothing (the other raise had not committed yet).
    monkeypatch.setattr("helpdesk.founders.escalations.open_escalation", lambda *args: None)
    ticket.subject = "Changed in the same transaction"
    assert escalation_raise(ticket=ticket, reason="manual", detail="x", actor="system") is None
    db.session.commit()  # the caller's work still commits
    db.session.expire_all()
    assert ticket.subject == "Changed in the same transaction"
    assert len(escalations("manual")) == 1
    assert raise_audits() == []


def test_a_strongly_negative_message_raises_negative_sentiment_once(database):
    agent = staff()
    ticket = new_ticket(agent, body=ANGRY)
    [item] = escalations("negative_sentiment")
    assert item.ticket_id == ticket.id and "charged me twice" in item.detail
    assert ticket.founder_flagged_at is not None  # the flag stays, as before
    intake.ticket_customer_reply(ticket=ticket, body=ANGRY)
    assert len(escalations("negative_sentiment")) == 1


def test_a_calm_message_raises_nothing(database):
    new_ticket(staff())
    assert escalations() == []


def test_a_bad_rating_raises_bad_rating_with_the_comment(database):
    ticket = TicketFactory(status="resolved", resolved_at=datetime.now(UTC))
    rating_record(ticket=ticket, score="good", channel="widget")
    assert escalations() == []
    rating_record(ticket=ticket, score="bad", comment="Nobody listened", channel="widget")
    [item] = escalations("bad_rating")
    assert "Nobody listened" in item.detail
    [event] = raise_audits()
    assert event.actor_label == f"customer:{ticket.customer_id}"
    rating_record(ticket=ticket, score="bad", comment="Still bad", channel="page")
    assert len(escalations("bad_rating")) == 1


@pytest.mark.parametrize(
    ("vip", "value_cents", "raised"),
    [(True, 0, True), (False, 100_000, True), (False, 99_999, False)],
)
def test_a_complaint_from_a_vip_or_high_value_customer_raises_vip(
    database, vip, value_cents, raised
):
    CustomerFactory(email="nok@example.com", vip=vip, lifetime_value_cents=value_cents)
    ticket = new_ticket(staff(), body=ANGRY)
    assert ticket.kind == "complaint"
    assert bool(escalations("vip")) is raised


def test_a_ticket_that_becomes_a_complaint_by_hand_raises_vip(database):
    agent = staff()
    CustomerFactory(email="nok@example.com", lifetime_value_cents=250_000)
    ticket = new_ticket(agent)
    assert escalations("vip") == []
    from helpdesk.recovery.service import recovery_start

    recovery_start(ticket=ticket, actor=agent)
    [item] = escalations("vip")
    assert "2,500.00" in item.detail


def test_the_vip_threshold_comes_from_the_settings(database):
    founder = staff("founder")
    founder_settings_update(
        actor=founder,
        vip_lifetime_value_cents=5_000,
        repeat_contact_count=3,
        repeat_contact_days=14,
        attention_target_hours=24,
    )
    CustomerFactory(email="nok@example.com", lifetime_value_cents=5_000)
    new_ticket(staff(), body=ANGRY)
    assert len(escalations("vip")) == 1


def test_repeat_contact_raises_on_the_third_ticket_in_14_days_once(database, set_now):
    agent = staff()
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    set_now(start)
    new_ticket(agent, subject="One")
    set_now(start + timedelta(days=13))
    new_ticket(agent, subject="Two")
    assert escalations("repeat_contact") == []
    set_now(start + timedelta(days=13, hours=1))
    third = new_ticket(agent, subject="Three")
    [item] = escalations("repeat_contact")
    assert item.ticket_id == third.id and item.detail.startswith("3 tickets in 14 days")
    set_now(start + timedelta(days=13, hours=2))
    new_ticket(agent, subject="Four")
    assert len(escalations("repeat_contact")) == 1  # one pattern, one item


def test_tickets_spread_over_more_than_the_window_are_not_repeat_contact(database, set_now):
    agent = staff()
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for day in (0, 10, 20):
        set_now(start + timedelta(days=day))
        new_ticket(agent)
    assert escalations("repeat_contact") == []


def test_manual_escalation_needs_a_short_note_and_dedupes(database):
    agent = staff()
    ticket = new_ticket(agent)
    with pytest.raises(ValidationError) as empty:
        service.escalation_manual(ticket=ticket, actor=agent, note="   ")
    assert empty.value.field == "note"
    with pytest.raises(ValidationError):
        service.escalation_manual(ticket=ticket, actor=agent, note="x" * 2001)
    item = service.escalation_manual(ticket=ticket, actor=agent, note="Customer of ten years")
    assert item.reason == "manual" and "Customer of ten years" in item.detail
    with pytest.raises(Conflict):
        service.escalation_manual(ticket=ticket, actor=agent, note="Again")


def test_claim_note_and_resolve_rules(database):
    founder, other, agent = staff("founder", "Fay Founder"), staff("admin", "Ada Admin"), staff()
    ticket = TicketFactory()
    item = escalation_raise(ticket=ticket, reason="manual", detail="Look", actor="system")
    db.session.commit()
    with pytest.raises(NotAllowed):
        service.escalation_claim(escalation=item, actor=agent)
    service.escalation_claim(escalation=item, actor=founder)
    assert (item.status, item.claimed_by_id) == ("claimed", founder.id)
    service.escalation_claim(escalation=item, actor=founder)  # already theirs: no change
    second = staff("founder", "Sam Second")
    with pytest.raises(Conflict):
        service.escalation_claim(escalation=item, actor=second)
    service.escalation_note(escalation=item, actor=second, note="I know this customer")
    assert "Sam Second" in item.founder_note and "I know this customer" in item.founder_note
    with pytest.raises(ValidationError) as bad_outcome:
        service.escalation_resolve(escalation=item, actor=founder, outcome="happy", note="x")
    assert bad_outcome.value.field == "outcome"
    with pytest.raises(ValidationError) as no_note:
        service.escalation_resolve(escalation=item, actor=founder, outcome="retained", note="")
    assert no_note.value.field == "note"
    with pytest.raises(Conflict):
        service.escalation_resolve(escalation=item, actor=second, outcome="retained", note="x")
    # An admin may finish an item someone else claimed.
    service.escalation_resolve(escalation=item, actor=other, outcome="refunded", note="Refunded")
    assert (item.status, item.outcome) == ("done", "refunded")
    with pytest.raises(Conflict):
        service.escalation_claim(escalation=item, actor=founder)
    actions = [
        event.action
        for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))
        if event.action.startswith("escalation.")
    ]
    assert actions == [
        "escalation.raise",
        "escalation.claim",
        "escalation.note",
        "escalation.resolve",
    ]


def test_founder_reply_is_public_signed_claims_and_is_recorded(database):
    founder = staff("founder", "Fay Founder")
    ticket = TicketFactory()
    item = escalation_raise(ticket=ticket, reason="manual", detail="Look", actor="system")
    db.session.commit()
    message = service.founder_reply(escalation=item, actor=founder, body="I am sorry.")
    assert not message.internal and message.author_user_id == founder.id
    assert message.body_source.endswith("— Fay Founder, founder")
    assert (item.status, item.claimed_by_id) == ("claimed", founder.id)
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "ticket.founder_reply")
    )
    assert event.changes["message_id"] == message.id
    with pytest.raises(ValidationError):
        service.founder_reply(escalation=item, actor=founder, body="  ")
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1  # nothing more sent


def test_founder_settings_validate_and_audit(database):
    founder, agent = staff("founder"), staff()
    assert founder_settings().vip_lifetime_value_cents == 100_000
    with pytest.raises(NotAllowed):
        founder_settings_update(
            actor=agent,
            vip_lifetime_value_cents=1,
            repeat_contact_count=3,
            repeat_contact_days=14,
            attention_target_hours=24,
        )
    with pytest.raises(ValidationError) as error:
        founder_settings_update(
            actor=founder,
            vip_lifetime_value_cents=1,
            repeat_contact_count=1,
            repeat_contact_days=14,
            attention_target_hours=24,
        )
    assert error.value.field == "repeat_contact_count"
    founder_settings_update(
        actor=founder,
        vip_lifetime_value_cents=1,
        repeat_contact_count=4,
        repeat_contact_days=7,
        attention_target_hours=48,
    )
    assert founder_settings().attention_target_hours == 48
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "settings.founders")
    )


def test_a_raise_is_undone_with_its_callers_transaction(database):
    ticket = TicketFactory()
    db.session.expire_all()
    # Nothing written yet in this transaction: the savepoint must still nest, not commit.
    assert escalation_raise(ticket=ticket, reason="manual", detail="x", actor="system")
    db.session.rollback()
    assert escalations() == []
