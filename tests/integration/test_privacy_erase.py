"""Erasing a customer (issue 20): afterwards their name, email and message bodies appear in
no text column of any table (nor in SQLite's search index), their files are gone from
storage, emails to them not yet sent are cancelled, and every trends table counts the
same as before. Refused under legal hold, without the confirmation, and for non-admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.founders.trends import trend_range
from helpdesk.founders.trends.sections import trend_sections
from helpdesk.models import AuditEvent, Customer, Message, Outbox, Rating, Ticket
from helpdesk.privacy.scrub import ERASED_TEXT
from helpdesk.search.tickets import search_hits
from tests.conftest import csrf_token
from tests.integration import privacy_support as scenario
from tests.storage_backends import moto_server, storage_backend, stored_keys  # noqa: F401

SECRETS = (
    scenario.NAME,
    *scenario.NAME.split(),
    scenario.EMAIL,
    "marmalade",
    *scenario.BODIES,
)


def trends_texts() -> list[list[list[str]]]:
    """Every trends table as text (rows and footers), over the last eight weeks."""
    today = now().date()
    rng = trend_range(start=today - timedelta(weeks=8), end=today)
    return [
        [[row.label, *(cell.text for cell in row.cells)] for row in (*t.rows, *t.footer)]
        for t in trend_sections(rng=rng)
    ]


def text_hits(secrets: tuple[str, ...]) -> list[str]:
    """`table.column: secret` for every text-like column of every table (reflected, so new
    tables are covered too) holding one of `secrets`, case-insensitively; on SQLite the
    full-text search tables are asked with MATCH as well."""
    engine = db.engine
    inspector = sa.inspect(engine)
    hits = []
    with engine.connect() as connection:
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                kind = str(column["type"]).upper()
                if (
                    not any(word in kind for word in ("CHAR", "TEXT", "JSON", "CLOB", "STRING"))
                    and kind
                ):
                    continue
                quoted = engine.dialect.identifier_preparer.quote
                for secret in secrets:
                    found = connection.execute(
                        sa.text(
                            f"SELECT count(*) FROM {quoted(table)}"  # noqa: S608 - reflected names
                            f" WHERE lower(CAST({quoted(column['name'])} AS TEXT)) LIKE :pattern"
                        ),
                        {"pattern": f"%{secret.lower()}%"},
                    ).scalar()
                    if found:
                        hits.append(f"{table}.{column['name']}: {secret}")
        if engine.dialect.name == "sqlite":
            fts_tables = connection.execute(
                sa.text(
                    "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
                )
            ).scalars()
            for fts in list(fts_tables):
                for secret in secrets:
                    phrase = '"' + secret.replace('"', '""') + '"'
                    found = connection.execute(
                        sa.text(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :q"),  # noqa: S608
                        {"q": phrase},
                    ).scalar()
                    if found:
                        hits.append(f"{fts} (index): {secret}")
    return hits


def _erase_page(client, customer_id: int, confirmation: str):
    url = f"/customers/{customer_id}/privacy/erase"
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, "confirmation": confirmation})


@pytest.mark.usefixtures("storage_backend")
def test_erasure_leaves_no_trace_and_the_same_counts(app: Flask, login_as, make_user):
    admin = login_as("admin")
    agent = make_user("agent")
    with app.app_context():
        built = scenario.build(admin.user.id, agent.id)
        assert stored_keys(app)  # the file (and nothing else needed) is stored
        before = trends_texts()
        assert text_hits(SECRETS), "the scenario should hold the secrets before erasure"
        pending_to_them = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Outbox)
            .where(Outbox.to_address == scenario.EMAIL, Outbox.status == "pending")
        )
        assert pending_to_them
        db.session.remove()

    refused = _erase_page(admin, built.customer_id, "not it")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Type the customer&#39;s email address, or ERASE, to confirm." in page
    assert 'value="not it"' in page  # what was typed is kept

    done = _erase_page(admin, built.customer_id, scenario.EMAIL.upper())
    assert done.status_code == 303, done.get_data(as_text=True)

    with app.app_context():
        assert text_hits(SECRETS) == []
        assert trends_texts() == before
        customer = db.session.get(Customer, built.customer_id)
        assert customer is not None and customer.erased_at is not None
        assert customer.name == f"Erased customer #{customer.id}"
        assert customer.email == f"erased-{customer.id}@invalid"
        # Rows stay (counts), their words do not.
        tickets = list(
            db.session.scalars(sa.select(Ticket).where(Ticket.customer_id == customer.id))
        )
        assert len(tickets) == len(built.numbers)
        assert {t.subject for t in tickets} == {ERASED_TEXT}
        bodies = db.session.scalars(
            sa.select(Message.body_source).where(Message.ticket_id.in_([t.id for t in tickets]))
        )
        assert set(bodies) == {ERASED_TEXT}
        rating = db.session.scalar(sa.select(Rating))
        assert rating is not None and rating.score == "bad" and rating.comment == ""
        cancelled = db.session.scalars(
            sa.select(Outbox.status).where(Outbox.last_error.like("Cancelled%"))
        ).all()
        assert cancelled and set(cancelled) == {"failed"}
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Outbox)
                .where(Outbox.status == "pending", Outbox.customer_id == customer.id)
            )
            == 0
        )
        # The other customer is untouched.
        other = db.session.get(Customer, built.other_customer_id)
        assert other is not None and other.name == "Bertil Other"
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Message)
                .where(Message.body_source == scenario.OTHER_BODY)
            )
            == 1
        )
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "privacy.erase")
        ).all()
        assert event.actor_user_id == admin.user.id
        assert event.changes["tickets"] == len(built.numbers)
        assert event.changes["attachments"] >= 1
    # The file (and any preview) left storage once the erasure committed.
    assert built.file_key not in stored_keys(app)


def _found(query: str) -> set[int]:
    hits = search_hits(query)
    assert hits is not None
    return set(db.session.scalars(sa.select(hits.c.ticket_id)))


def test_search_no_longer_finds_the_customer(app: Flask, login_as, make_user):
    admin = login_as("admin")
    agent = make_user("agent")
    with app.app_context():
        built = scenario.build(admin.user.id, agent.id)
        words = ("Quackenbush", "zephyrine.q", "violet marmalade")
        assert all(_found(word) for word in words)
        db.session.remove()
    assert _erase_page(admin, built.customer_id, "ERASE").status_code == 303
    with app.app_context():
        assert not any(_found(word) for word in words)
        assert _found("blue kettle")  # the other customer's ticket still is


def test_legal_hold_refuses_erasure_until_lifted(app: Flask, login_as, make_user):
    admin = login_as("admin")
    with app.app_context():
        customer = Customer(name=scenario.NAME, email=scenario.EMAIL)
        db.session.add(customer)
        db.session.commit()
        customer_id = customer.id
    url = f"/customers/{customer_id}/privacy/legal-hold"
    held = admin.post(
        url, data={"csrf_token": csrf_token(admin, url.rsplit("/", 1)[0]), "legal_hold": "y"}
    )
    assert held.status_code == 303

    confirm = admin.get(f"/customers/{customer_id}/privacy/erase").get_data(as_text=True)
    assert "under legal hold" in confirm and 'name="confirmation"' not in confirm
    refused = _erase_page_direct(admin, customer_id, "ERASE")
    assert refused.status_code == 409
    assert "under legal hold" in refused.get_data(as_text=True)
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer is not None and customer.name == scenario.NAME
        assert customer.erased_at is None
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert "privacy.legal_hold" in actions and "privacy.erase" not in actions

    lifted = admin.post(url, data={"csrf_token": csrf_token(admin, url.rsplit("/", 1)[0])})
    assert lifted.status_code == 303
    assert _erase_page_direct(admin, customer_id, "ERASE").status_code == 303
    again = _erase_page_direct(admin, customer_id, "ERASE")
    assert again.status_code == 409  # already erased
    assert "already been erased" in again.get_data(as_text=True)


def _erase_page_direct(client, customer_id: int, confirmation: str):
    """POST the erase form with a token from the privacy page (the confirmation page has no
    form while erasure is refused)."""
    token = csrf_token(client, f"/customers/{customer_id}/privacy")
    return client.post(
        f"/customers/{customer_id}/privacy/erase",
        data={"csrf_token": token, "confirmation": confirmation},
    )


@pytest.mark.parametrize("role", ["agent", "founder"])
def test_only_admins_reach_the_privacy_pages(app: Flask, login_as, role):
    client = login_as(role)
    with app.app_context():
        customer = Customer(name="Ana Lima", email="ana@example.com")
        db.session.add(customer)
        db.session.commit()
        customer_id = customer.id
    base = f"/customers/{customer_id}/privacy"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/erase").status_code == 403
    token = csrf_token(client, "/")
    for path in ("/erase", "/export", "/legal-hold"):
        response = client.post(f"{base}{path}", data={"csrf_token": token, "confirmation": "ERASE"})
        assert response.status_code == 403
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer is not None and customer.erased_at is None and not customer.legal_hold


def test_unknown_customer_is_404(login_as):
    admin = login_as("admin")
    assert admin.get("/customers/999999/privacy").status_code == 404
    assert admin.get("/customers/99999999999/privacy").status_code == 404


@pytest.mark.usefixtures("storage_backend")
def test_a_failure_half_way_erases_nothing(app: Flask, make_user, monkeypatch):
    from helpdesk.models import User
    from helpdesk.privacy import erase

    admin = make_user("admin")
    agent = make_user("agent")

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erase, "_erase_audit", broken)
    with app.app_context():
        built = scenario.build(admin.id, agent.id)
        customer = db.session.get(Customer, built.customer_id)
        actor = db.session.get(User, admin.id)
        with pytest.raises(RuntimeError):
            erase.customer_erase(actor=actor, customer=customer, confirmation="ERASE")
        db.session.remove()
        customer = db.session.get(Customer, built.customer_id)
        assert customer is not None and customer.name == scenario.NAME
        assert customer.erased_at is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Message)
                .where(Message.body_source == scenario.BODIES[0])
            )
            == 1
        )
    assert built.file_key in stored_keys(app)  # files are deleted only after a commit


def test_erasure_takes_their_other_addresses_notes_and_company_too(app: Flask, make_user):
    """A merge leaves a customer's old address as an alias, and staff write notes about
    them (the directory): both are theirs, and go."""
    from helpdesk.models import CustomerAlias, CustomerNote, User
    from helpdesk.privacy.erase import customer_erase

    admin = make_user("admin")
    agent = make_user("agent")
    alias, note, company = "ana.old@example.net", "Prefers calls after 5pm", "Lima Bakery"
    with app.app_context():
        built = scenario.build(admin.id, agent.id)
        customer = db.session.get(Customer, built.customer_id)
        customer.company = company
        db.session.add(CustomerAlias(email=alias, customer_id=customer.id))
        db.session.add(CustomerNote(customer_id=customer.id, author_id=agent.id, body=note))
        db.session.commit()
        customer_erase(
            actor=db.session.get(User, admin.id), customer=customer, confirmation="ERASE"
        )
        assert text_hits((alias, note, company)) == []
        assert db.session.scalar(sa.select(sa.func.count(CustomerAlias.id))) == 0
