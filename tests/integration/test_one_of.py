"""`OneOf`: a statement built once takes each execution's own ids, on SQLite (an expanding
IN) and PostgreSQL (one array parameter), and never runs without them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.db.one_of import OneOf
from helpdesk.extensions import db
from helpdesk.models import Ticket
from tests.factories import TicketFactory

STATEMENT = sa.select(Ticket.number).where(OneOf(Ticket.id, "ids")).order_by(Ticket.number)


def test_each_execution_reads_its_own_ids(app):
    with app.app_context():
        tickets = [TicketFactory() for _ in range(4)]
        db.session.commit()
        ids = [ticket.id for ticket in tickets]
        numbers = [ticket.number for ticket in tickets]
        for chosen in ([0, 2], [1], [3, 1, 0], []):
            found = db.session.scalars(STATEMENT, {"ids": [ids[i] for i in chosen]}).all()
            assert found == sorted(numbers[i] for i in chosen)
        with pytest.raises(sa.exc.StatementError):
            db.session.scalars(STATEMENT).all()


def test_postgresql_gets_one_parameter_whatever_the_number_of_ids(app):
    with app.app_context():
        sql = str(STATEMENT.compile(db.engine))
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        assert "= ANY (%(ids)s::INTEGER[])" in sql
    else:
        assert "IN (__[POSTCOMPILE_ids])" in sql
