"""Ticket use cases without HTTP: replies, notes, properties, bulk changes, new tickets,
round-robin assignment and presence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.errors import ValidationError
from helpdesk.models import AuditEvent, Customer, Message, Ticket
from helpdesk.settings.service import assignment_settings_update, user_set_available
from helpdesk.tickets import intake, presence, service, steps
from tests.factories import MessageFactory, TicketFactory

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def staff(role: str = "agent", name: str = "Dewi Lestari", **extra):
    return user_create(
        email=f"{name.split()[0].lower()}@example.com",
        name=name,
        role=role,
        password="long-enough-password",
        actor="test",
        **extra,
    )


def audits(database, ticket, action):
    return list(
        database.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.object_id == str(ticket.id), AuditEvent.action == action
            )
        )
    )


def test_first_public_reply_assigns_answers_and_records_first_response(database, set_now):
    set_now(T0)
    agent = staff()
    message = MessageFactory(body_source="My invoice is wrong", created_at=T0)
    ticket = message.ticket
    ticket.status = "new"
    steps.record_message(ticket, message)
    database.session.commit()
    assert ticket.waiting_since == T0
    set_now(T0 + timedelta(minutes=12))
    service.ticket_reply(ticket=ticket, author=agent, body="Hi! **Fixed** it.")
    assert ticket.assignee_id == agent.id
    assert ticket.status == "open"
    assert ticket.first_staff_reply_at == T0 + timedelta(minutes=12)
    assert ticket.waiting_since is None
    assert ticket.last_message_snippet == "Hi! **Fixed** it."
    reply = ticket.messages[-1]
    assert "<strong>Fixed</strong>" in reply.body_html
    [event] = audits(database, ticket, "ticket.reply")
    assert event.changes["assignee"] == [None, agent.id]
    assert event.actor_user_id == agent.id


def test_a_note_is_internal_and_changes_nothing_the_customer_sees(database):
    agent = staff()
    ticket = TicketFactory(last_message_snippet="customer words", status="new")
    service.ticket_reply(ticket=ticket, author=agent, body="Check the logs", internal=True)
    assert ticket.assignee_id is None
    assert ticket.status == "new"
    assert ticket.first_staff_reply_at is None
    assert ticket.last_message_snippet == "customer words"
    assert ticket.messages[-1].internal is True
    assert audits(database, ticket, "ticket.note")


def test_reply_can_resolve_and_later_reopen(database):
    agent = staff()
    ticket = TicketFactory()
    service.ticket_reply(ticket=ticket, author=agent, body="Done", status="resolved")
    assert ticket.status == "resolved"
    assert ticket.resolved_at is not None
    service.ticket_update(ticket=ticket, actor=agent, status="open")
    assert ticket.resolved_at is None


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_empty_reply_is_refused(database, body):
    agent = staff()
    ticket = TicketFactory()
    with pytest.raises(ValidationError) as error:
        service.ticket_reply(ticket=ticket, author=agent, body=body)
    assert error.value.field == "body"
    assert database.session.scalar(sa.select(sa.func.count(Message.id))) == 0


def test_overlong_reply_is_refused_with_its_length(database):
    agent = staff()
    ticket = TicketFactory()
    with pytest.raises(ValidationError, match="1000000 characters long; the limit is 50000"):
        service.ticket_reply(ticket=ticket, author=agent, body="x" * 1_000_000)


def test_a_reply_from_a_stale_page_is_not_sent(database):
    agent, other = staff(), staff(name="Somchai W")
    ticket = TicketFactory()
    first = MessageFactory(ticket=ticket)
    seen = service.SeenState(last_message_id=first.id, status=ticket.status)
    service.ticket_reply(ticket=ticket, author=other, body="I'm on it")
    with pytest.raises(service.StaleTicket):
        service.ticket_reply(ticket=ticket, author=agent, body="Me too", seen=seen)
    assert [m.body_source for m in ticket.messages][-1] == "I'm on it"


def test_own_earlier_messages_do_not_make_the_page_stale(database):
    agent = staff()
    ticket = TicketFactory()
    first = MessageFactory(ticket=ticket)
    seen = service.SeenState(last_message_id=first.id, status="open")
    service.ticket_reply(ticket=ticket, author=agent, body="note", internal=True, seen=seen)
    service.ticket_reply(ticket=ticket, author=agent, body="reply", seen=seen)
    assert len(ticket.messages) == 3


def test_a_status_change_since_the_page_loaded_makes_it_stale(database):
    agent = staff()
    ticket = TicketFactory(status="open")
    seen = service.SeenState(last_message_id=0, status="open")
    ticket.status = "resolved"
    database.session.commit()
    with pytest.raises(service.StaleTicket):
        service.ticket_reply(ticket=ticket, author=agent, body="hello", seen=seen)


def test_update_changes_and_audits_each_property(database):
    agent, other = staff(), staff(name="Somchai W")
    ticket = TicketFactory(priority="normal")
    changes = service.ticket_update(
        ticket=ticket,
        actor=agent,
        status="pending",
        priority="urgent",
        assignee_id=other.id,
        tags="Billing, refund , billing",
    )
    assert changes == {
        "status": ["open", "pending"],
        "priority": ["normal", "urgent"],
        "assignee": [None, other.id],
        "tags": [[], ["billing", "refund"]],
    }
    assert ticket.priority_rank == 3
    assert [tag.name for tag in ticket.tags] == ["billing", "refund"]
    assert audits(database, ticket, "ticket.update")[0].changes["priority"] == ["normal", "urgent"]
    assert service.ticket_update(ticket=ticket, actor=agent, status="pending") == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "deleted"}, "status"),
        ({"priority": "critical"}, "priority"),
        ({"assignee_id": 999_999}, "assignee"),
        ({"tags": "<script>"}, "tags"),
        ({"tags": "a" * 31}, "tags"),
        ({"tags": ",".join(f"t{i}" for i in range(11))}, "tags"),
    ],
)
def test_forged_or_invalid_values_name_the_field(database, change, field):
    agent = staff()
    ticket = TicketFactory()
    with pytest.raises(ValidationError) as error:
        service.ticket_update(ticket=ticket, actor=agent, **change)
    assert error.value.field == field
    assert ticket.status == "open"


def test_deactivated_staff_cannot_be_assigned(database):
    agent, gone = staff(), staff(name="Gone Person")
    gone.active = False
    database.session.commit()
    with pytest.raises(ValidationError):
        service.ticket_update(ticket=TicketFactory(), actor=agent, assignee_id=gone.id)


def test_thai_tags_are_valid(database):
    agent = staff()
    ticket = TicketFactory()
    service.ticket_update(ticket=ticket, actor=agent, tags="คืนเงิน, ด่วน")
    assert sorted(tag.name for tag in ticket.tags) == sorted(["คืนเงิน", "ด่วน"])


def test_bulk_update_changes_all_in_one_transaction(database):
    agent = staff()
    tickets = [TicketFactory(status="open") for _ in range(3)]
    tickets[0].status = "resolved"
    database.session.commit()
    changed = service.tickets_bulk_update(
        numbers=[t.number for t in tickets], actor=agent, status="resolved", add_tag="q3"
    )
    assert changed == 3  # the resolved one still gained the tag
    assert {t.status for t in tickets} == {"resolved"}
    assert all([tag.name for tag in t.tags] == ["q3"] for t in tickets)
    assert len(audits(database, tickets[1], "ticket.bulk_update")) == 1


def test_bulk_update_with_an_unknown_ticket_changes_nothing(database):
    agent = staff()
    ticket = TicketFactory(status="open")
    with pytest.raises(ValidationError):
        service.tickets_bulk_update(
            numbers=[ticket.number, 999_999], actor=agent, status="resolved"
        )
    database.session.rollback()
    assert database.session.get(Ticket, ticket.id).status == "open"


@pytest.mark.parametrize(
    "kwargs",
    [{"numbers": []}, {"numbers": [1]}],
)
def test_bulk_update_needs_tickets_and_an_action(database, kwargs):
    with pytest.raises(ValidationError):
        service.tickets_bulk_update(actor=staff(), **kwargs)


def test_create_ticket_for_a_new_then_an_existing_customer(database):
    agent = staff()
    ticket = intake.ticket_create(
        actor=agent,
        customer_email="Nok@Example.com",
        customer_name="Nok Chan",
        subject="  Phone   call  ",
        body="Can't log in",
    )
    assert ticket.channel == "agent"
    assert ticket.subject == "Phone call"
    assert ticket.customer.email == "nok@example.com"
    assert ticket.messages[0].author_type == "customer"
    assert ticket.waiting_since is not None
    again = intake.ticket_create(
        actor=agent,
        customer_email="nok@example.com",
        customer_name="",
        subject="Again",
        body="Still can't",
    )
    assert again.customer_id == ticket.customer_id
    assert again.number == ticket.number + 1
    assert database.session.scalar(sa.select(sa.func.count(Customer.id))) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"customer_email": "nope"}, "email"),
        ({"customer_name": ""}, "customer_name"),
        ({"subject": "   "}, "subject"),
        ({"subject": "s" * 201}, "subject"),
        ({"body": ""}, "body"),
        ({"priority": "meh"}, "priority"),
    ],
)
def test_create_ticket_errors_name_the_field(database, fields, field):
    values = {
        "customer_email": "new@example.com",
        "customer_name": "New Person",
        "subject": "Hello",
        "body": "Help",
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        intake.ticket_create(actor=staff(), **values)
    assert error.value.field == field
    assert database.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_round_robin_takes_turns_and_skips_agents_at_the_limit(database, set_now):
    admin = staff("admin", name="Ada Admin")
    a, b = staff(name="Anan One"), staff(name="Bima Two")
    assert admin.available is False  # admins opt in
    assignment_settings_update(actor=admin, auto_assign=True, max_open_per_agent=2)
    owners = []
    for minute in range(4):
        set_now(T0 + timedelta(minutes=minute))
        ticket = intake.ticket_create(
            actor=admin,
            customer_email=f"c{minute}@example.com",
            customer_name="C",
            subject="Hi",
            body="Help",
        )
        owners.append(ticket.assignee_id)
    assert owners == [a.id, b.id, a.id, b.id]
    set_now(T0 + timedelta(minutes=9))
    full = intake.ticket_create(
        actor=admin,
        customer_email="c9@example.com",
        customer_name="C",
        subject="Hi",
        body="Help",
    )
    assert full.assignee_id is None  # both at the limit of 2
    user_set_available(user=b, available=False, actor=admin)
    assignment_settings_update(actor=admin, auto_assign=True, max_open_per_agent=0)
    set_now(T0 + timedelta(minutes=10))
    ticket = intake.ticket_create(
        actor=admin,
        customer_email="c10@example.com",
        customer_name="C",
        subject="Hi",
        body="Help",
    )
    assert ticket.assignee_id == a.id


def test_assignment_settings_are_validated(database):
    admin = staff("admin", name="Ada Admin")
    with pytest.raises(ValidationError):
        assignment_settings_update(actor=admin, auto_assign=True, max_open_per_agent=-1)


def test_presence_shows_others_and_who_is_typing(database, set_now):
    a, b = staff(name="Anan One"), staff(name="Bima Two")
    ticket = TicketFactory()
    set_now(T0)
    assert presence.presence_touch(ticket=ticket, user=a, typing=False) == []
    viewers = presence.presence_touch(ticket=ticket, user=b, typing=True)
    assert viewers == [presence.Viewer(name="Anan One", typing=False)]
    assert presence.presence_touch(ticket=ticket, user=a, typing=False) == [
        presence.Viewer(name="Bima Two", typing=True)
    ]
    set_now(T0 + timedelta(seconds=20))
    assert presence.presence_touch(ticket=ticket, user=a, typing=False) == [
        presence.Viewer(name="Bima Two", typing=False)
    ]
    set_now(T0 + timedelta(seconds=45))
    assert presence.presence_touch(ticket=ticket, user=a, typing=False) == []
