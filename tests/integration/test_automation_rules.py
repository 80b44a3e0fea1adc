"""Event rules: each trigger and each action, through the real use cases (a customer
writing, an agent changing a ticket), with the history lines, exactly once per event, and
no loops."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.automations.rules import Action, Conditions
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.founders.escalations import escalation_raise
from helpdesk.models import (
    AuditEvent,
    AutomationRun,
    Escalation,
    Message,
    Outbox,
    SavedReply,
    Ticket,
)
from helpdesk.tickets.events import CustomerReplied
from helpdesk.tickets.history import history_entries, staff_names
from helpdesk.tickets.service import ticket_update
from tests.integration.automation_support import (
    automation_audits,
    customer_replies,
    customer_writes,
    make_rule,
    runs,
    staff,
)


def test_a_new_ticket_mentioning_a_word_gets_priority_and_tags_and_the_history_says_so(
    database,
):
    rule = make_rule(
        "Refunds first",
        "ticket_created",
        [Action(type="set_priority", priority="high"), Action(type="add_tags", tags=("refund",))],
        conditions=Conditions(words=("refund",)),
    )
    ticket = customer_writes("Hello, I would like a REFUND for my order please.")
    other = customer_writes("Refunded already? Thanks", email="other@example.net")

    assert (ticket.priority, [tag.name for tag in ticket.tags]) == ("high", ["refund"])
    assert (other.priority, other.tags) == ("normal", [])  # "refunded" is another word
    [run] = runs(AutomationRun.rule_id == rule.id)
    assert (run.ticket_id, run.outcome) == (ticket.id, "done")
    assert [step["type"] for step in run.done] == ["set_priority", "add_tags"]
    [event] = automation_audits(ticket)
    [entry] = history_entries([event], staff_names())
    assert entry.actor == "Automation ‘Refunds first’"
    assert "priority: Normal → High" in entry.details
    assert "tags: – → refund" in entry.details


def test_thai_words_match_inside_a_sentence_without_spaces(database):
    make_rule(
        "คืนเงิน",
        "customer_writes",
        [Action(type="add_tags", tags=("คืนเงิน",))],
        conditions=Conditions(words=("คืนเงิน",)),
    )
    ticket = customer_writes("สวัสดีค่ะ ฉันต้องการขอคืนเงินค่ะ", language="th")
    assert [tag.name for tag in ticket.tags] == ["คืนเงิน"]


def test_a_customer_reply_runs_reply_rules_once_even_when_the_event_is_published_again(
    database,
):
    dewi = staff("Dewi")
    rule = make_rule(
        "Replies to Dewi", "customer_replied", [Action(type="assign", user_id=dewi.id)]
    )
    ticket = customer_writes("First message")
    assert ticket.assignee_id is None  # a new ticket is not a reply
    customer_replies(ticket, "A follow-up")
    assert ticket.assignee_id == dewi.id
    message = db.session.scalar(
        sa.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id.desc())
    )

    ticket_update(ticket=ticket, actor=dewi, assignee_id=None)
    publish(CustomerReplied(ticket=ticket, message=message, changes={}))  # a replay
    db.session.commit()
    assert ticket.assignee_id is None
    assert len(runs(AutomationRun.rule_id == rule.id)) == 1


def test_a_status_rule_runs_for_a_persons_change_but_not_for_a_rules_own_change(database):
    agent = staff("Agent")
    make_rule(
        "Resolve thank-yous",
        "customer_writes",
        [Action(type="close", status="resolved", body="Glad we could help!")],
        conditions=Conditions(words=("thanks",)),
    )
    noted = make_rule(
        "Note resolutions",
        "status_changed",
        [Action(type="add_tags", tags=("was-resolved",))],
        status="resolved",
    )
    ticket = customer_writes("thanks, that is all")
    assert ticket.status == "resolved"
    assert ticket.tags == []  # the first rule's change did not start the second (no loops)

    other = customer_writes("My parcel is late", email="late@example.net")
    ticket_update(ticket=other, actor=agent, status="resolved")
    assert [tag.name for tag in other.tags] == ["was-resolved"]
    assert len(runs(AutomationRun.rule_id == noted.id)) == 1


def test_round_robin_takes_turns_among_active_people(database):
    ana, ben = staff("Ana"), staff("Ben")
    make_rule(
        "Share new tickets",
        "ticket_created",
        [Action(type="round_robin", user_ids=(ana.id, ben.id))],
    )
    assignees = [
        customer_writes(f"Question {n}", email=f"c{n}@example.net").assignee_id for n in range(4)
    ]
    assert assignees == [ana.id, ben.id, ana.id, ben.id]


def test_a_note_and_a_saved_reply_are_written_by_the_helpdesk_and_the_reply_is_emailed(
    database,
):
    reply = SavedReply(
        title="Got it", body="Hi {customer_first_name}, we are on #{ticket_number}.", language="en"
    )
    db.session.add(reply)
    db.session.commit()
    make_rule(
        "Acknowledge",
        "ticket_created",
        [
            Action(type="note", body="Check the order system."),
            Action(type="saved_reply", saved_reply_id=reply.id),
        ],
    )
    before = db.session.scalar(sa.select(sa.func.count(Outbox.id))) or 0
    ticket = customer_writes("Where is my order?")
    messages = list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.ticket_id == ticket.id, Message.author_type == "system")
            .order_by(Message.id)
        )
    )
    assert [(m.internal, m.body_source) for m in messages] == [
        (True, "Check the order system."),
        (False, f"Hi Kim, we are on #{ticket.number}."),
    ]
    emails = list(db.session.scalars(sa.select(Outbox).order_by(Outbox.id)))[before:]
    assert any(f"we are on #{ticket.number}" in (row.body_text or "") for row in emails)


def test_escalation_reason_depends_on_whether_the_rule_is_about_complaints(database):
    make_rule(
        "Watch gold plans",
        "ticket_created",
        [Action(type="escalate")],
        conditions=Conditions(words=("gold",)),
    )
    ticket = customer_writes("About my gold plan")
    [escalation] = db.session.scalars(
        sa.select(Escalation).where(Escalation.ticket_id == ticket.id)
    )
    assert escalation.reason == "automation"
    raised = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "escalation.raise", AuditEvent.object_id == str(ticket.id)
        )
    )
    [entry] = history_entries([raised], staff_names())
    assert entry.actor == "Automation"

    make_rule(
        "Complaints to founders",
        "customer_writes",
        [Action(type="escalate")],
        conditions=Conditions(complaint=True),
    )
    complaint = customer_writes("Hello there", email="c@example.net")
    complaint.kind = "complaint"  # as the team's label or the detector would have it
    db.session.commit()
    customer_replies(complaint, "Any news?")
    reasons = list(
        db.session.scalars(sa.select(Escalation.reason).where(Escalation.ticket_id == complaint.id))
    )
    assert reasons == ["complaint"]


def test_a_ticket_already_in_the_founders_queue_is_not_put_there_twice(database):
    rule = make_rule("Everything to founders", "customer_replied", [Action(type="escalate")])
    ticket = customer_writes("Hello there")
    escalation_raise(ticket=ticket, reason="manual", detail="Look at this", actor="test")
    db.session.commit()
    customer_replies(ticket, "Any news?")
    reasons = list(
        db.session.scalars(sa.select(Escalation.reason).where(Escalation.ticket_id == ticket.id))
    )
    assert reasons == ["manual"]
    [run] = runs(AutomationRun.rule_id == rule.id)
    assert run.done == [{"type": "escalate", "reason": "automation", "escalation_id": None}]


def test_a_refused_action_rolls_back_that_rule_only_and_is_recorded(database):
    agent = staff("Agent")
    rule = make_rule(
        "Close complaints at once",
        "customer_writes",
        [Action(type="set_priority", priority="urgent"), Action(type="close", status="closed")],
        conditions=Conditions(complaint=True),
    )
    ticket = customer_writes(
        "This is unacceptable. I am furious, the worst service ever, I want a refund now!"
    )
    assert ticket.kind == "complaint"
    # A complaint whose recovery is under way cannot be closed: nothing of the rule stays,
    # the customer's message does.
    assert (ticket.status, ticket.priority) == ("new", "normal")
    [run] = runs(AutomationRun.rule_id == rule.id)
    assert run.outcome == "failed" and "Diagnose" in (run.error or "")
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Message.id)).where(
                Message.ticket_id == ticket.id, Message.author_type == "customer"
            )
        )
        == 1
    )
    assert [event.action for event in automation_audits(ticket)] == ["automation.failed"]
    assert agent  # the team exists; nobody was notified of a change that did not happen


def test_disabled_rules_and_rules_whose_conditions_fail_do_nothing(database):
    make_rule(
        "Off", "ticket_created", [Action(type="set_priority", priority="urgent")], enabled=False
    )
    make_rule(
        "Email only",
        "ticket_created",
        [Action(type="set_priority", priority="low")],
        conditions=Conditions(channels=("email",)),
    )
    ticket = customer_writes("Hello")
    assert ticket.priority == "normal"
    assert runs() == []
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 1


def test_no_rule_acts_on_a_ticket_closed_as_spam(database):
    from helpdesk.tickets.spam import ticket_mark_spam

    agent = staff("Agent")
    rule = make_rule(
        "Thank on close",
        "status_changed",
        [Action(type="note", body="Closed, thanks")],
        status="closed",
    )
    ticket = customer_writes("Cheap watches!!!", email="spam@example.net")
    ticket_mark_spam(ticket=ticket, actor=agent)
    assert ticket.status == "closed" and ticket.spam_at is not None
    assert runs(AutomationRun.rule_id == rule.id) == []  # nothing written to a spammer

    other = customer_writes("Please close this", email="real@example.net")
    ticket_update(ticket=other, actor=agent, status="closed")
    assert len(runs(AutomationRun.rule_id == rule.id)) == 1  # a person's close still runs it
