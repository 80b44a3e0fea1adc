#!/usr/bin/env python
"""Seconds to compute a year of founders' trends (the 52 weeks up to today, every section)
from kept weeks, on a copy of the benchmark data: with nothing kept, with nothing changed,
after a new ticket today, after reopening and resolving a ticket from 11 months ago, and
after a customer's reply on a ticket from 2 months ago; with the full weeks each metric
computed again. In-process (no web server); the kept weeks live in the copy's
`shared_results` table and are dropped first.

    cp bench/data/sqlite-1000000.db /tmp/trends.db
    .venv/bin/python bench/trends_weeks.py /tmp/trends.db

It writes to the database (a ticket, a reopen, a reply), so it refuses bench/data itself.
A check re-reads the rows written in the minute before the previous check (a late commit
on PostgreSQL), so one step's change is also counted in the next step's weeks.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="a copy of a bench/data SQLite database")
    args = parser.parse_args()
    database = args.database.resolve()
    if database.parent == ROOT / "bench" / "data":
        raise SystemExit("this writes to the database: give it a copy")
    os.environ.update(
        HELPDESK_DATABASE_URL=f"sqlite:///{database}",
        HELPDESK_ENV="production",
        HELPDESK_SCHEDULER="off",
        SECRET_KEY="trends-weeks-" + "x" * 40,
    )
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from helpdesk import create_app
    from helpdesk.clock import now
    from helpdesk.extensions import db
    from helpdesk.founders.trends import trend_range, workspace_zone
    from helpdesk.founders.trends.figures import Figures
    from helpdesk.founders.trends.sections import SECTIONS
    from helpdesk.models import SharedResult, Ticket, User
    from helpdesk.tickets import intake
    from helpdesk.tickets import service as tickets

    app = create_app()

    def year() -> None:
        db.session.connection().execution_options(compiled_cache=None)
        today = now().astimezone(workspace_zone()).date()
        monday = today - timedelta(days=today.weekday())
        figures = Figures(trend_range(start=monday - timedelta(weeks=51), end=today))
        for build in SECTIONS.values():
            build(figures)
        computed = {metric: weeks for metric, weeks in figures.recomputed.items() if weeks}
        print(f"  full weeks computed: {sum(computed.values())} {computed}")

    def step(label: str) -> None:
        with app.test_request_context():
            started = time.perf_counter()
            year()
            print(f"{label}: {time.perf_counter() - started:.2f} s", flush=True)

    def resolved_ticket(days: int) -> Ticket:
        return db.session.scalars(
            sa.select(Ticket)
            .where(
                Ticket.created_at <= now() - timedelta(days=days),
                Ticket.status == "resolved",
                Ticket.merged_into_id.is_(None),
            )
            .order_by(Ticket.created_at.desc())
            .limit(1)
        ).one()

    with app.test_request_context():
        db.session.execute(sa.delete(SharedResult).where(SharedResult.key.like("trends-weeks:%")))
        db.session.commit()
    step("nothing kept")
    step("nothing changed")
    with app.test_request_context():
        agent = db.session.scalars(sa.select(User).where(User.role == "agent")).first()
        intake.ticket_create(
            actor=agent,
            customer_email="trends-weeks@example.com",
            customer_name="Bench",
            subject="New",
            body="A new ticket today.",
        )
    step("after a new ticket today")
    with app.test_request_context():
        agent = db.session.scalars(sa.select(User).where(User.role == "agent")).first()
        old = resolved_ticket(days=335)
        tickets.ticket_update(ticket=old, actor=agent, status="open")
        tickets.ticket_update(ticket=old, actor=agent, status="resolved")
    step("after reopening and resolving a ticket from 11 months ago")
    with app.test_request_context():
        intake.ticket_customer_reply(
            ticket=resolved_ticket(days=60), body="One more question about this, please."
        )
    step("after a customer's reply on a ticket from 2 months ago")


if __name__ == "__main__":
    main()
