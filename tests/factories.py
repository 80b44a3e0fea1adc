"""factory_boy factories bound to the app's session (use inside an app context)."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from helpdesk.extensions import db
from helpdesk.models import Customer, Message, Ticket
from helpdesk.rendering import markdown_to_html
from helpdesk.tickets.numbers import next_ticket_number


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class CustomerFactory(BaseFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.net")


class TicketFactory(BaseFactory):
    class Meta:
        model = Ticket

    number = factory.LazyFunction(next_ticket_number)
    subject = factory.Sequence(lambda n: f"Question number {n}")
    channel = "widget"
    status = "open"
    customer = factory.SubFactory(CustomerFactory)


class MessageFactory(BaseFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    author_type = "customer"
    author_customer = factory.SelfAttribute("ticket.customer")
    body_source = "Hello, I need help."
    body_html = factory.LazyAttribute(lambda message: markdown_to_html(message.body_source))
