"""The bulk data generator: realistic, consistent with the app's rules, searchable, all or
nothing, and repeatable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.dev.generate import FOUNDER_EMAIL, GENERATED_DOMAIN, generate
from helpdesk.dev.generate import rows as generated_rows
from helpdesk.extensions import db
from helpdesk.models import (
    Article,
    AuditEvent,
    Customer,
    Escalation,
    Message,
    Promise,
    Rating,
    Recovery,
    RecoveryStep,
    SlaTarget,
    Tag,
    Ticket,
    User,
)
from helpdesk.models.counter import Counter
from helpdesk.search.tickets import search_hits
from helpdesk.tickets.inbox import InboxFilters, inbox_page, view_counts


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def search_ids(query):
    hits = search_hits(query)
    return set(db.session.scalars(sa.select(hits.c.ticket_id)))


@pytest.fixture
def generated(database):
    generate(tickets=600, messages_per_ticket=5, seed=11)
    return database


def test_counts_and_proportions(generated):
    assert count(Ticket) == 600
    assert count(Message) == 3000
    statuses = dict(
        db.session.execute(sa.select(Ticket.status, sa.func.count()).group_by(Ticket.status)).all()
    )
    # Old tickets are mostly done; recent ones still open.
    assert statuses["resolved"] + statuses["closed"] > 400
    assert set(statuses) >= {"open", "pending", "resolved", "closed"}
    kinds = set(db.session.scalars(sa.select(Ticket.kind).distinct()))
    assert kinds == {"question", "problem", "complaint", "feature_request"}
    numbers = sorted(db.session.scalars(sa.select(Ticket.number)))
    assert numbers == list(range(1, 601))
    assert db.session.get(Counter, "ticket_number").value == 600


def test_languages_and_repeat_customers(generated):
    bodies = db.session.scalars(sa.select(Message.body_source)).all()
    assert any("\u0e00" <= ch <= "\u0e7f" for body in bodies for ch in body)  # Thai
    assert any("\u0980" <= ch <= "\u09ff" for body in bodies for ch in body)  # Bengali
    per_customer = db.session.execute(
        sa.select(Ticket.customer_id, sa.func.count()).group_by(Ticket.customer_id)
    ).all()
    assert max(n for _, n in per_customer) >= 3
    emails = db.session.scalars(sa.select(Customer.email)).all()
    assert all(email.endswith(f"@{GENERATED_DOMAIN}") for email in emails)


def test_derived_columns_follow_the_messages(generated):
    for ticket in db.session.scalars(sa.select(Ticket).limit(80)):
        messages = db.session.scalars(
            sa.select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)
        ).all()
        public = [m for m in messages if not m.internal]
        assert ticket.last_message_snippet == " ".join(public[-1].body_source.split())[:160]
        assert ticket.last_activity_at == messages[-1].created_at
        assert [m.created_at for m in messages] == sorted(m.created_at for m in messages)
        staff = [m for m in public if m.author_type == "staff"]
        assert ticket.first_staff_reply_at == (staff[0].created_at if staff else None)
        if public[-1].author_type == "staff":
            assert ticket.waiting_since is None
        if ticket.status in ("resolved", "closed"):
            assert ticket.resolved_at == ticket.last_activity_at
        assert ticket.created_at <= messages[0].created_at


def test_complaints_recoveries_promises_ratings(generated):
    complaints = count(Ticket, Ticket.kind == "complaint")
    assert complaints > 0
    # Every complaint has exactly one recovery; a closed complaint's is complete.
    assert count(Recovery) == complaints
    assert (
        count(
            Recovery,
            Recovery.ticket_id == Ticket.id,
            Ticket.status == "closed",
            Recovery.state != "completed",
        )
        == 0
    )
    for recovery in db.session.scalars(sa.select(Recovery)):
        steps = db.session.scalars(
            sa.select(RecoveryStep.step)
            .where(RecoveryStep.recovery_id == recovery.id)
            .order_by(RecoveryStep.done_at)
        ).all()
        expected = ["hear", "empathize", "apologize", "resolve", "diagnose"][: len(steps)]
        assert steps == expected
        assert recovery.current_step == ("done" if len(steps) == 5 else expected_next(steps))
    reasons = [r for (r,) in db.session.execute(sa.select(Ticket.sentiment_reasons)) if r]
    assert all(isinstance(reason, dict) and "code" in reason for rs in reasons for reason in rs)
    assert count(Promise, Promise.status == "kept") > 0
    assert count(Promise, Promise.status == "missed") == count(
        Escalation, Escalation.reason == "missed_promise"
    )
    pending_per_ticket = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Promise)
        .where(Promise.status == "pending")
        .group_by(Promise.ticket_id)
    ).scalars()
    assert all(n == 1 for n in pending_per_ticket)
    # Ratings only on tickets that were resolved, after resolving.
    assert count(Rating) > 0
    assert (
        count(Rating, Rating.ticket_id == Ticket.id, Ticket.status.not_in(("resolved", "closed")))
        == 0
    )
    assert count(Rating, Rating.ticket_id == Ticket.id, Rating.created_at < Ticket.resolved_at) == 0
    # Every resolved ticket's resolve is audited; a few were resolved and reopened before.
    reopens = count(AuditEvent, AuditEvent.action == "ticket.customer_reply")
    assert reopens > 0
    assert count(AuditEvent, AuditEvent.action == "ticket.update") == reopens + count(
        Ticket, Ticket.resolved_at.is_not(None)
    )
    # A first-reply clock per ticket: met on time, breached, or still running.
    assert count(SlaTarget) == count(Ticket)
    assert count(SlaTarget, SlaTarget.met_at.is_not(None), SlaTarget.breached_at.is_(None)) > 0
    assert count(SlaTarget, SlaTarget.breached_at.is_not(None)) > 0


def expected_next(steps):
    return ["hear", "empathize", "apologize", "resolve", "diagnose"][len(steps)]


def test_search_index_is_complete_and_kept_afterwards(generated):
    # FTS5 compares the index with the tables it mirrors.
    for fts in ("search_tickets", "search_messages", "search_customers"):
        if db.engine.dialect.name == "sqlite":
            db.session.execute(sa.text(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')"))
    order_ticket = db.session.scalars(
        sa.select(Ticket).where(Ticket.subject.contains("A")).order_by(Ticket.id.desc())
    ).first()
    order = next(word for word in order_ticket.subject.split() if word.startswith("A"))
    order = order.rstrip("?")
    assert order_ticket.id in search_ids(order)
    thai = search_ids("เข้าสู่ระบบ")
    bengali = search_ids("লগইন")
    assert thai and bengali
    assert thai <= set(
        db.session.scalars(
            sa.select(Message.ticket_id).where(Message.body_source.contains("เข้าสู่ระบบ"))
        )
    )
    # The triggers are back: a ticket written after the load is found.
    from helpdesk.tickets.intake import ticket_create

    agent = db.session.scalar(sa.select(User).where(User.role == "agent"))
    made = ticket_create(
        actor=agent,
        customer_email=f"c1@{GENERATED_DOMAIN}",
        customer_name="Somebody",
        subject="Zebracorn sighting",
        body="A zebracorn ate the invoice",
    )
    assert made.id in search_ids("zebracorn")


def test_view_counts_match_the_rows(generated):
    agent = db.session.scalar(sa.select(User).where(User.role == "agent"))
    counts = view_counts(agent)
    assert counts["open"] == count(Ticket, Ticket.status.in_(("new", "open")))
    assert counts["complaints"] == count(
        Ticket, Ticket.kind == "complaint", Ticket.status.in_(("new", "open", "pending"))
    )
    page = inbox_page(filters=InboxFilters(view="all"), user=agent)
    assert len(page.rows) == 50 and page.next_cursor


def test_running_again_adds_only_tickets(generated):
    users, tags, articles = count(User), count(Tag), count(Article)
    generate(tickets=20, seed=12)
    assert count(Ticket) == 620
    assert (count(User), count(Tag), count(Article)) == (users, tags, articles)
    assert db.session.scalar(sa.select(sa.func.max(Ticket.number))) == 620
    assert count(User, User.email == FOUNDER_EMAIL, User.role == "founder") == 1


def test_a_failed_load_leaves_nothing_behind(database, monkeypatch):
    generate(tickets=5, seed=1)
    before = count(Ticket), count(Message), count(Customer)
    calls = []

    def failing_add(self, rows, *, number, created):
        calls.append(number)
        if len(calls) > 3:
            raise RuntimeError("disk full")
        original(self, rows, number=number, created=created)

    original = generated_rows.TicketBuilder.add
    monkeypatch.setattr(generated_rows.TicketBuilder, "add", failing_add)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(tickets=20, seed=2)
    assert (count(Ticket), count(Message), count(Customer)) == before
    monkeypatch.undo()
    generate(tickets=5, seed=3)  # the search triggers survived the rollback
    if db.engine.dialect.name == "sqlite":
        names = set(
            db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        )
        assert {"search_ticket_ai", "search_message_ai", "search_customer_ai"} <= names
    else:  # the load of 20 doubled the 5 tickets: it had dropped the search indexes
        names = set(db.session.scalars(sa.text("SELECT indexname FROM pg_indexes")))
        assert {"search_messages_body_trgm", "search_tickets_subject_trgm"} <= names
    # The failed load reserved its numbers in its own transaction: those went back too.
    assert db.session.scalar(sa.select(sa.func.max(Ticket.number))) == 10


def test_bad_counts_are_refused(database):
    with pytest.raises(ValueError, match="positive"):
        generate(tickets=0)
    with pytest.raises(ValueError, match="positive"):
        generate(tickets=3, messages_per_ticket=0)
