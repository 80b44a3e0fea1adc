"""Realistic bulk data for benchmarks and for trying the app at size: `flask helpdesk
generate`.

Customers with repeat contacts, in English, Thai, Indonesian and Bengali; tickets whose
status follows their age; complaints found by the real complaint detector, with their
recoveries; promises kept, missed and pending; ratings; escalations for the founders; the
audit events of resolves and a few reopens (the trends and the team report read them);
first-reply service-level clocks; tags. Agents, a founder, tags, root causes
and help articles are created only when missing, so the generator may run again to add more.

Speed: rows are built as tuples and written with the driver's executemany (COPY on
PostgreSQL), in one transaction (all or nothing: a failed or killed run leaves the
database as it was). The search index is left out of the load and built at its end,
inside that transaction: on SQLite the search triggers are dropped and the new rows
indexed in one statement per table (fsync is off for the load); on PostgreSQL the GIN
search indexes are dropped and created again when the load at least doubles the tickets,
which locks those tables until the commit. Ids are handed out here, so run one generator
at a time. Generated customers use the `generated.example` domain, which is how the
generator tells its own data from real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.clock import now
from helpdesk.dev.generate import parts, text
from helpdesk.dev.generate import rows as r
from helpdesk.dev.generate.bulk import TableWriter, search_index_deferred, sqlite_bulk_settings
from helpdesk.extensions import db
from helpdesk.kb.demo_articles import seed_demo_articles
from helpdesk.models import (
    AuditEvent,
    Customer,
    Escalation,
    Message,
    Promise,
    Rating,
    Recovery,
    RecoveryStep,
    RootCause,
    SlaTarget,
    Tag,
    Ticket,
    User,
    ticket_tags,
)
from helpdesk.recovery.settings import recovery_settings
from helpdesk.tickets.numbers import reserve_numbers

GENERATED_DOMAIN = "generated.example"
AGENT_COUNT = 8
FOUNDER_EMAIL = f"founder@{GENERATED_DOMAIN}"
# Benchmark accounts only: generated data is never real.
AGENT_PASSWORD = "generated-agent-password"  # noqa: S105 # nosec B105
DEFAULT_MESSAGES_PER_TICKET = 5
BATCH = 5000
SPAN = timedelta(days=730)  # tickets are spread over the last two years


class RealDataPresent(Exception):
    """The database holds customers the generator did not make."""


def generate(
    *,
    tickets: int,
    messages_per_ticket: int = DEFAULT_MESSAGES_PER_TICKET,
    seed: int = 1,
    force: bool = False,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Add `tickets` tickets (with customers, messages and what follows from them);
    returns how many were added."""
    if tickets < 1 or messages_per_ticket < 1:
        raise ValueError("tickets and messages_per_ticket must be positive")
    real = db.session.scalar(
        sa.select(sa.func.count(Customer.id)).where(
            ~Customer.email.endswith(f"@{GENERATED_DOMAIN}")
        )
    )
    if real and not force:
        raise RealDataPresent(f"{real} customers here were not generated")
    # Test data, not security: a seeded generator repeats the same data.
    rng = random.Random(seed)  # noqa: S311 # nosec B311
    current = now()
    agents = _staff()
    tag_ids = _tags()
    root_cause_ids = _root_causes()
    seed_demo_articles(author=db.session.get(User, agents[0]), current=current)
    settings = recovery_settings()
    db.session.commit()

    connection = db.session.connection()
    with sqlite_bulk_settings(connection):
        try:
            _load(
                connection,
                tickets=tickets,
                progress=progress,
                context=parts.Context(
                    rng=rng,
                    agents=agents,
                    tag_ids=tag_ids,
                    root_cause_ids=root_cause_ids,
                    customer_ids=[],
                    customer_languages=[],
                    current=current,
                    complaint_threshold=settings.complaint_threshold,
                    messages_per_ticket=messages_per_ticket,
                ),
            )
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    _sync_sequences()
    return tickets


def _load(
    connection: sa.Connection,
    *,
    tickets: int,
    progress: Callable[[int], None],
    context: parts.Context,
) -> None:
    """Customers, then tickets in batches, in one transaction which the caller commits."""
    rng, current = context.rng, context.current
    numbers = reserve_numbers(tickets)  # also opens the load's transaction
    first_ids = {
        table.__tablename__: _next_id(table)
        for table in (Customer, Ticket, Message, Recovery, Promise)
    }
    writers = {
        name: TableWriter(connection, table, columns)
        for name, table, columns in (
            ("tickets", _table(Ticket), parts.TICKET_COLUMNS),
            ("messages", _table(Message), parts.MESSAGE_COLUMNS),
            ("tags", ticket_tags, parts.TAG_COLUMNS),
            ("recoveries", _table(Recovery), parts.RECOVERY_COLUMNS),
            ("steps", _table(RecoveryStep), parts.STEP_COLUMNS),
            ("promises", _table(Promise), parts.PROMISE_COLUMNS),
            ("ratings", _table(Rating), parts.RATING_COLUMNS),
            ("escalations", _table(Escalation), parts.ESCALATION_COLUMNS),
            ("audit", _table(AuditEvent), parts.AUDIT_COLUMNS),
            ("sla_targets", _table(SlaTarget), parts.SLA_TARGET_COLUMNS),
        )
    }
    with search_index_deferred(connection, first_ids, tickets=tickets):
        context.customer_ids, context.customer_languages = _insert_customers(
            connection, rng, max(1, tickets // 3), first_ids["customers"], current
        )
        builder = r.TicketBuilder(context, ids=dict(first_ids))
        # Creation times rise with the ids, spread evenly over SPAN, ending 10 minutes ago.
        start = current - SPAN
        step = (SPAN - timedelta(minutes=10)) / tickets
        done = 0
        while done < tickets:
            size = min(BATCH, tickets - done)
            batch = parts.Rows()
            for offset in range(done, done + size):
                created = start + step * (offset + rng.random())
                builder.add(batch, number=numbers[offset], created=created)
            for name, writer in writers.items():
                writer.insert(getattr(batch, name))
            done += size
            progress(size)
        _set_last_contact(connection, first_ids["customers"])


def _table(model: type[Any]) -> sa.Table:
    return cast(sa.Table, model.__table__)


def _next_id(model: type[Any]) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(model.id), 0)))) + 1


def _staff() -> list[int]:
    """The generated agents (and a founder, for the trends), created when missing; returns
    the agents' ids."""
    ids = []
    wanted = [
        (f"agent{index}@{GENERATED_DOMAIN}", f"{text.FIRST_NAMES[index]} Agent", "agent")
        for index in range(1, AGENT_COUNT + 1)
    ]
    wanted.append((FOUNDER_EMAIL, "Fran Founder", "founder"))
    for email, name, role in wanted:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = user_create(
                email=email, name=name, role=role, password=AGENT_PASSWORD, actor="generate"
            )
        if role == "agent":
            ids.append(user.id)
    return ids


def _tags() -> list[int]:
    present = set(db.session.scalars(sa.select(Tag.name).where(Tag.name.in_(text.TAGS))))
    db.session.add_all(Tag(name=name) for name in text.TAGS if name not in present)
    db.session.flush()
    return list(db.session.scalars(sa.select(Tag.id).where(Tag.name.in_(text.TAGS))))


def _root_causes() -> list[int]:
    present = set(db.session.scalars(sa.select(RootCause.name)))
    db.session.add_all(
        RootCause(name=name, position=position)
        for position, name in enumerate(text.ROOT_CAUSES)
        if name not in present
    )
    db.session.flush()
    return list(db.session.scalars(sa.select(RootCause.id).where(RootCause.active.is_(True))))


def _insert_customers(
    connection: sa.Connection, rng: random.Random, count: int, start: int, current: datetime
) -> tuple[list[int], list[str]]:
    languages, plans = parts.Pick(text.LANGUAGES), parts.Pick(text.PLANS)
    columns = (
        "id", "email", "name", "company", "plan", "lifetime_value_cents", "vip", "language",
        "timezone", "created_at",
    )  # fmt: skip
    writer = TableWriter(connection, _table(Customer), columns)
    chosen: list[str] = []
    for first in range(start, start + count, BATCH * 4):
        batch = []
        for customer_id in range(first, min(start + count, first + BATCH * 4)):
            language = languages(rng)
            chosen.append(language)
            name = f"{rng.choice(text.FIRST_NAMES)} {rng.choice(text.LAST_NAMES)}"
            batch.append(
                (
                    customer_id,
                    f"c{customer_id}@{GENERATED_DOMAIN}",
                    name,
                    f"{rng.choice(text.LAST_NAMES)} {rng.choice(text.COMPANY_KINDS)}"
                    if rng.random() < 0.6
                    else None,
                    plans(rng),
                    rng.randint(0, 1_000_000),
                    rng.random() < 0.03,
                    language,
                    rng.choice(text.TIMEZONES[language]),
                    current - SPAN - timedelta(days=rng.randint(1, 400)),
                )
            )
        writer.insert(batch)
    return list(range(start, start + count)), chosen


def _set_last_contact(connection: sa.Connection, first_customer_id: int) -> None:
    """The generated customers' last contact: their newest message (as migration 0026
    fills it), one grouped pass."""
    connection.execute(
        sa.text(
            "UPDATE customers SET last_contact_at = newest.at"
            " FROM (SELECT author_customer_id AS customer_id, max(created_at) AS at"
            " FROM messages WHERE author_type = 'customer' AND author_customer_id >= :first"
            " GROUP BY author_customer_id) AS newest"
            " WHERE newest.customer_id = customers.id"
        ),
        {"first": first_customer_id},
    )


def _sync_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the data."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Customer, Ticket, Message, Recovery, Promise, Tag, User, RootCause):
        highest = sa.select(sa.func.coalesce(sa.func.max(model.id), 1)).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(model.__tablename__, "id")
        db.session.execute(sa.select(sa.func.setval(sequence, highest)))
    db.session.commit()
