"""Helpers shared by the automation tests: staff, customers writing, and rules made
through the service (so they are checked as an admin's would be)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.automations import service
from helpdesk.automations.rules import Action, Conditions, RuleSpec, Trigger
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, AutomationRule, AutomationRun, Ticket, User
from helpdesk.tickets.intake import ticket_create_by_customer, ticket_customer_reply
from helpdesk.tickets.intake_steps import CustomerContact


def staff(name: str, role: str = "agent") -> User:
    return user_create(
        email=f"{name.lower()}@example.com",
        name=name,
        role=role,
        password="long-enough-password",
        actor="test",
    )


def customer_writes(
    body: str,
    *,
    email: str = "kim@example.net",
    language: str | None = None,
    channel: str = "widget",
) -> Ticket:
    ticket, _token = ticket_create_by_customer(
        contact=CustomerContact(name="Kim Lee", email=email, language=language),
        body=body,
        channel=channel,
    )
    return ticket


def customer_replies(ticket: Ticket, body: str) -> None:
    ticket_customer_reply(ticket=ticket, body=body)


def make_rule(
    name: str,
    trigger: str,
    actions: list[Action],
    *,
    conditions: Conditions | None = None,
    enabled: bool = True,
    actor: User | None = None,
    **trigger_fields: Any,
) -> AutomationRule:
    actor = (
        actor
        or db.session.scalar(sa.select(User).where(User.role == "admin"))
        or staff("Admin", "admin")
    )
    spec = RuleSpec(
        name=name,
        trigger=Trigger(type=trigger, **trigger_fields),
        conditions=conditions or Conditions(),
        actions=tuple(actions),
    )
    return service.automation_create(actor=actor, spec=spec, enabled=enabled)


def runs(*where: Any) -> list[AutomationRun]:
    return list(
        db.session.scalars(sa.select(AutomationRun).where(*where).order_by(AutomationRun.id))
    )


def automation_audits(ticket: Ticket) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.object_type == "tickets",
                AuditEvent.object_id == str(ticket.id),
                AuditEvent.action.like("automation.%"),
            )
            .order_by(AuditEvent.id)
        )
    )
