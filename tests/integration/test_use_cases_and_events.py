"""The commit contract and the event bus: a use case commits once or leaves nothing behind;
a use case cannot be called inside another; handlers run in order, in the publishing
transaction, and a handler that refuses rolls the whole use case back."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.db.transaction import NestedUseCase, in_use_case, use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.events import handlers_for, publish, subscribe
from helpdesk.models import AuditEvent, Recovery, Tag, Ticket
from helpdesk.tickets import service
from tests.factories import TicketFactory


def agent():
    return user_create(
        email="dewi@example.com",
        name="Dewi Lestari",
        role="agent",
        password="long-enough-password",
        actor="test",
    )


def tag_names(database) -> list[str]:
    database.session.rollback()  # read what is stored, not what the session holds
    return sorted(database.session.scalars(sa.select(Tag.name)))


def test_a_use_case_commits_what_it_did(database):
    @use_case
    def add(name: str) -> None:
        assert in_use_case()
        database.session.add(Tag(name=name))

    add("billing")
    assert not in_use_case()
    assert tag_names(database) == ["billing"]


def test_a_refused_use_case_leaves_nothing_behind(database):
    @use_case
    def add_then_refuse() -> None:
        database.session.add(Tag(name="half-written"))
        database.session.flush()
        raise ValidationError("name", "No.")

    with pytest.raises(ValidationError):
        add_then_refuse()
    assert tag_names(database) == []


def test_any_error_rolls_back_too(database):
    @use_case
    def add_then_fail() -> None:
        database.session.add(Tag(name="broken"))
        database.session.flush()
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert tag_names(database) == []


def test_a_use_case_inside_another_is_refused_and_nothing_is_kept(database):
    @use_case
    def inner() -> None:
        database.session.add(Tag(name="inner"))

    @use_case
    def outer() -> None:
        database.session.add(Tag(name="outer"))
        inner()

    with pytest.raises(NestedUseCase, match="inner called inside"):
        outer()
    assert tag_names(database) == []
    inner()  # on its own it still works
    assert tag_names(database) == ["inner"]


@dataclass(frozen=True)
class Happened:
    what: str


def test_handlers_run_once_each_in_subscription_order():
    seen: list[str] = []

    def first(event: Happened) -> None:
        seen.append(f"first {event.what}")

    def second(event: Happened) -> None:
        seen.append(f"second {event.what}")

    subscribe(Happened, first)
    subscribe(Happened, second)
    subscribe(Happened, first)  # again: still once, still first
    publish(Happened("x"))
    assert seen == ["first x", "second x"]
    assert handlers_for(Happened) == [first, second]
    publish(object())  # an event nobody listens to is fine


def test_closing_a_complaint_under_recovery_is_refused_by_its_handler_and_nothing_changes(
    database,
):
    actor = agent()
    ticket = TicketFactory(status="open", priority="normal")
    database.session.add(Recovery(ticket=ticket, state="active"))
    database.session.commit()
    with pytest.raises(NotAllowed):
        service.ticket_update(ticket=ticket, actor=actor, status="closed", priority="urgent")
    database.session.rollback()
    stored = database.session.get(Ticket, ticket.id)
    assert (stored.status, stored.priority) == ("open", "normal")
    assert not database.session.scalar(
        sa.select(AuditEvent.id).where(AuditEvent.action == "ticket.update")
    )


def test_one_refused_ticket_in_a_bulk_change_refuses_them_all(database):
    actor = agent()
    calm = TicketFactory(status="open")
    complaint = TicketFactory(status="open")
    database.session.add(Recovery(ticket=complaint, state="active"))
    database.session.commit()
    with pytest.raises(NotAllowed):
        service.tickets_bulk_update(
            numbers=[calm.number, complaint.number], actor=actor, status="closed"
        )
    database.session.rollback()
    statuses = dict(database.session.execute(sa.select(Ticket.number, Ticket.status)).all())
    assert statuses == {calm.number: "open", complaint.number: "open"}
