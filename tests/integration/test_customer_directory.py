"""The customer directory (issue 20, item 3): search and sorts, the customer page, edits
with bad input, notes, and "merge into…" (everything moves; the old address becomes an
alias that mail, the widget and the API find), through the use cases and the CSRF-on
client."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.customers.directory import DirectoryQuery, directory_page, parse_query
from helpdesk.customers.merge import customer_merge
from helpdesk.customers.notes import customer_note_add
from helpdesk.customers.service import customer_update, customer_upsert
from helpdesk.errors import Conflict, ValidationError
from helpdesk.extensions import db
from helpdesk.mail.inbound import mail_receive
from helpdesk.models import (
    AuditEvent,
    Customer,
    CustomerAlias,
    CustomerNote,
    Message,
    NpsResponse,
    NpsRound,
    NpsSurvey,
    Rating,
    Tag,
    Ticket,
    User,
)
from helpdesk.tickets.intake import CustomerContact, ticket_create_by_customer
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, MessageFactory, TicketFactory
from tests.integration.mail_inbound_support import configure, load

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock(set_now: Callable[[datetime], None]) -> None:
    set_now(T0)


def staff_user(make_user: Callable[..., Any], role: str = "agent") -> User:
    user = db.session.get(User, make_user(role).id)
    assert user is not None
    return user


def tagged(ticket: Ticket, *names: str) -> None:
    for name in names:
        tag = db.session.scalar(sa.select(Tag).where(Tag.name == name)) or Tag(name=name)
        ticket.tags.append(tag)
    db.session.commit()


def names(query: DirectoryQuery) -> list[str]:
    return [row.customer.name for row in directory_page(query).rows]


@contextlib.contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


# --- search and sorts ---------------------------------------------------------------------


def test_search_finds_by_name_email_company_and_tag(database):
    ana = CustomerFactory(name="Ana Lima", email="ana@lima.example", company="Lima Foods")
    CustomerFactory(name="Budi Santoso", email="budi@santoso.example", company="Warung Budi")
    chai = CustomerFactory(name="Chai Wong", email="chai@wong.example")
    tagged(TicketFactory(customer=chai), "refund")
    db.session.commit()
    assert names(DirectoryQuery(q="lima")) == ["Ana Lima"]
    assert names(DirectoryQuery(q="santoso.example")) == ["Budi Santoso"]
    assert names(DirectoryQuery(q="warung")) == ["Budi Santoso"]
    assert names(DirectoryQuery(q="refund")) == ["Chai Wong"]
    assert names(DirectoryQuery(q="ana foods")) == ["Ana Lima"]  # every term must match
    assert names(DirectoryQuery(q="100%_")) == []  # LIKE's characters are literal
    assert ana.id  # noqa: S101 (kept for readability)


def test_sorts_by_last_contact_value_and_open_tickets(database):
    never = CustomerFactory(name="Never Wrote", lifetime_value_cents=50_000)
    old = CustomerFactory(name="Old Contact", last_contact_at=T0 - timedelta(days=30))
    recent = CustomerFactory(
        name="Recent Contact", last_contact_at=T0 - timedelta(hours=1), lifetime_value_cents=900
    )
    for status in ("open", "new", "closed"):
        TicketFactory(customer=old, status=status)
    TicketFactory(customer=recent, status="pending")
    db.session.commit()
    assert names(DirectoryQuery(sort="last_contact")) == [
        "Recent Contact",
        "Old Contact",
        "Never Wrote",
    ]
    assert names(DirectoryQuery(sort="value")) == ["Never Wrote", "Recent Contact", "Old Contact"]
    page = directory_page(DirectoryQuery(sort="open"))
    assert [(row.customer.name, row.open_tickets) for row in page.rows] == [
        ("Old Contact", 2),
        ("Recent Contact", 1),
        ("Never Wrote", 0),
    ]
    assert never.id


def test_pages_follow_the_sort(database, monkeypatch):
    monkeypatch.setattr("helpdesk.customers.directory.PAGE_SIZE", 2)
    for number in range(5):
        CustomerFactory(name=f"C{number}", last_contact_at=T0 - timedelta(hours=number))
    CustomerFactory(name="Silent")
    db.session.commit()
    pages = [directory_page(DirectoryQuery(page=page)) for page in (1, 2, 3)]
    assert [[row.customer.name for row in page.rows] for page in pages] == [
        ["C0", "C1"],
        ["C2", "C3"],
        ["C4", "Silent"],
    ]
    assert [page.has_next for page in pages] == [True, True, False]


@pytest.mark.parametrize(
    ("args", "field"),
    [({"sort": "name; drop"}, "sort"), ({"page": "0"}, "page"), ({"page": "x"}, "page")],
)
def test_bad_directory_queries_name_the_field(app, args, field):
    with app.test_request_context():
        with pytest.raises(ValidationError) as refused:
            parse_query(args)
    assert refused.value.field == field


def test_a_customer_who_writes_gets_a_last_contact(database):
    ticket, _token = ticket_create_by_customer(
        contact=CustomerContact(name="New Person", email="new@person.example"), body="Hello"
    )
    assert ticket.customer.last_contact_at == T0


# --- pages and permissions ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "founder", "admin"])
def test_staff_see_the_directory_and_a_customer_page(app, login_as, role):
    with app.app_context():
        customer = CustomerFactory(name="Dewi Lestari", company="Batik Co")
        TicketFactory(customer=customer, subject="Where is my order")
        customer_id = customer.id
    client = login_as(role)
    listing = client.get("/customers?q=batik")
    assert listing.status_code == 200
    assert "Dewi Lestari" in listing.get_data(as_text=True)
    assert 'href="/customers"' in client.get("/tickets").get_data(as_text=True)
    with app.app_context():
        number = db.session.scalar(
            sa.select(Ticket.number).where(Ticket.customer_id == customer_id)
        )
    ticket_page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert f'href="/customers/{customer_id}"' in ticket_page  # the side panel links there
    page = client.get(f"/customers/{customer_id}")
    assert page.status_code == 200
    assert "Where is my order" in page.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(app, client):
    with app.app_context():
        customer_id = CustomerFactory().id
    for path in ("/customers", f"/customers/{customer_id}", f"/customers/{customer_id}/merge"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_bad_sort_is_400_and_an_unknown_customer_404(login_as):
    client = login_as("agent")
    response = client.get("/customers?sort=nope")
    assert response.status_code == 400
    assert "Choose a sort from the list." in response.get_data(as_text=True)
    assert client.get("/customers/999999").status_code == 404


def test_the_list_query_count_does_not_grow_with_rows(app, login_as):
    client = login_as("agent")

    def add(count: int) -> None:
        with app.app_context():
            for _ in range(count):
                customer = CustomerFactory(last_contact_at=T0)
                ticket = TicketFactory(customer=customer)
                tagged(ticket, "billing", "vip-care")

    add(2)
    for sort in ("last_contact", "value", "open"):
        client.get(f"/customers?sort={sort}")
        with count_queries(app) as few:
            assert client.get(f"/customers?sort={sort}").status_code == 200
        add(6)
        with count_queries(app) as many:
            page = client.get(f"/customers?sort={sort}").get_data(as_text=True)
        assert page.count("vip-care") >= 8
        assert len(few) == len(many), sort


# --- edits --------------------------------------------------------------------------------


def edit_data(client: FlaskClient, customer_id: int, **changes: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_token(client, f"/customers/{customer_id}"),
        "name": "Somchai Jaidee",
        "company": "Siam Widgets",
        "plan": "pro",
        "lifetime_value": "1250.50",
        "vip": "y",
        "language": "th",
        "timezone": "Asia/Bangkok",
    }
    data.update(changes)
    return data


def test_staff_edit_a_customer_and_it_is_audited(app, login_as):
    with app.app_context():
        customer_id = CustomerFactory(name="Somchai").id
    client = login_as("founder")
    response = client.post(f"/customers/{customer_id}/edit", data=edit_data(client, customer_id))
    assert response.status_code == 303
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer is not None
        assert (customer.company, customer.plan, customer.lifetime_value_cents) == (
            "Siam Widgets",
            "pro",
            125_050,
        )
        assert (customer.vip, customer.language, customer.timezone) == (
            True,
            "th",
            "Asia/Bangkok",
        )
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "customer.update")
        )
        assert event is not None and event.object_id == str(customer_id)
        assert event.changes["lifetime_value_cents"] == [0, 125_050]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lifetime_value": "-5"}, "The lifetime value cannot be negative."),
        ({"lifetime_value": "12abc"}, "Enter an amount such as 1250 or 1250.50."),
        ({"lifetime_value": "1.005"}, "Use at most two decimal places."),
        ({"timezone": "Mars/Olympus"}, "Use an IANA time zone name, such as Europe/Paris."),
        ({"language": "xx"}, "Use one of: bn, en, id, th."),
        ({"name": "   "}, "Enter the customer&#39;s name."),
    ],
)
def test_bad_edits_are_refused_beside_the_field_and_keep_the_typing(
    app, login_as, changes, message
):
    with app.app_context():
        customer_id = CustomerFactory(name="Somchai", company="Before").id
    client = login_as("agent")
    response = client.post(
        f"/customers/{customer_id}/edit", data=edit_data(client, customer_id, **changes)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'value="Siam Widgets"' in html  # what was typed is still there
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer is not None and customer.company == "Before"


def test_customer_update_refuses_bad_values_in_the_service(database, make_user):
    user = staff_user(make_user)
    customer = CustomerFactory()
    db.session.commit()
    for fields, field in (
        ({"lifetime_value_cents": -1}, "lifetime_value_cents"),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"language": "fr"}, "language"),
        ({"company": "x" * 121}, "company"),
    ):
        with pytest.raises(ValidationError) as refused:
            customer_update(actor=user, customer=customer, **fields)
        assert refused.value.field == field


# --- notes --------------------------------------------------------------------------------


def test_notes_are_added_with_author_and_audited(app, login_as):
    with app.app_context():
        customer_id = CustomerFactory().id
    client = login_as("agent")
    empty = client.post(
        f"/customers/{customer_id}/notes",
        data={"csrf_token": csrf_token(client, f"/customers/{customer_id}"), "body": "  "},
    )
    assert empty.status_code == 422
    assert "Write the note first." in empty.get_data(as_text=True)
    added = client.post(
        f"/customers/{customer_id}/notes",
        data={
            "csrf_token": csrf_token(client, f"/customers/{customer_id}"),
            "body": "Prefers <b>LINE</b> over email",
        },
    )
    assert added.status_code == 303
    page = client.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "Prefers &lt;b&gt;LINE&lt;/b&gt; over email" in page
    assert client.user.name in page  # type: ignore[attr-defined]
    with app.app_context():
        note = db.session.scalar(sa.select(CustomerNote))
        assert note is not None and note.author_id == client.user.id  # type: ignore[attr-defined]
        assert db.session.scalar(
            sa.select(AuditEvent.changes).where(AuditEvent.action == "customer.note")
        ) == {"note_id": note.id}


def test_a_post_without_csrf_is_refused(app, login_as):
    with app.app_context():
        customer_id = CustomerFactory().id
    client = login_as("agent")
    response = client.post(f"/customers/{customer_id}/notes", data={"body": "hello"})
    assert response.status_code in (400, 422)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CustomerNote.id))) == 0


# --- merge --------------------------------------------------------------------------------


def duplicate_pair(user: User) -> tuple[Customer, Customer]:
    """A kept customer and a duplicate with a ticket, message, rating, NPS answer, note."""
    kept = CustomerFactory(name="Rahim Uddin", email="rahim@work.example", plan="pro")
    duplicate = CustomerFactory(
        name="Rahim U",
        email="rahim.uddin@gmail.com",
        company="Dhaka Tea",
        vip=True,
        lifetime_value_cents=70_000,
        last_contact_at=T0,
    )
    TicketFactory(customer=kept, subject="Kept question")
    ticket = TicketFactory(customer=duplicate, subject="Duplicate question", status="resolved")
    MessageFactory(ticket=ticket)
    db.session.add(Rating(ticket=ticket, customer=duplicate, score="good", channel="page"))
    round_ = NpsRound(period_start=T0 - timedelta(days=30), period_end=T0)
    survey = NpsSurvey(round=round_, customer=duplicate, sent_at=T0, responded_at=T0)
    db.session.add_all([round_, survey])
    db.session.flush()
    db.session.add(
        NpsResponse(survey=survey, round_id=round_.id, customer=duplicate, score=9, reason="Fast")
    )
    db.session.commit()
    customer_note_add(actor=user, customer=duplicate, body="Called twice")
    return kept, duplicate


def test_a_merge_moves_everything_and_keeps_the_email_as_an_alias(database, make_user):
    user = staff_user(make_user)
    kept, duplicate = duplicate_pair(user)
    duplicate_id = duplicate.id
    customer_merge(actor=user, source_id=duplicate_id, target_id=kept.id)
    db.session.expire_all()
    assert db.session.get(Customer, duplicate_id) is None
    assert sorted(
        db.session.scalars(sa.select(Ticket.subject).where(Ticket.customer_id == kept.id))
    ) == [
        "Duplicate question",
        "Kept question",
    ]
    for model in (Rating, NpsResponse, NpsSurvey, CustomerNote):
        assert db.session.scalar(sa.select(model.customer_id)) == kept.id
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Message.id)).where(Message.author_customer_id == duplicate_id)
        )
        == 0
    )
    alias = db.session.scalar(sa.select(CustomerAlias))
    assert alias is not None
    assert (alias.email, alias.customer_id, alias.merged_from_id) == (
        "rahim.uddin@gmail.com",
        kept.id,
        duplicate_id,
    )
    # The kept record's details win; what it lacked comes from the duplicate.
    assert (kept.name, kept.plan, kept.company, kept.vip) == (
        "Rahim Uddin",
        "pro",
        "Dhaka Tea",
        True,
    )
    assert (kept.lifetime_value_cents, kept.last_contact_at) == (70_000, T0)
    merge_event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "customer.merge")
    )
    assert merge_event is not None and merge_event.object_id == str(kept.id)
    assert merge_event.changes["merged_customer_id"] == duplicate_id
    assert merge_event.changes["tickets"] == 1


def test_after_a_merge_the_old_address_finds_the_kept_customer(
    app: Flask, tmp_path: Path, make_user
):
    configure(app, tmp_path)
    with app.app_context():
        user = staff_user(make_user)
        kept, duplicate = duplicate_pair(user)
        kept_id = kept.id
        customer_merge(actor=user, source_id=duplicate.id, target_id=kept_id)
        # New mail from the old address (gmail_new_bn.eml is from rahim.uddin@gmail.com).
        result = mail_receive(load("gmail_new_bn.eml"))
        assert result.action == "created"
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == result.ticket_number))
        assert ticket is not None and ticket.customer_id == kept_id
        # The widget's door too, and no new customer with that address is made.
        widget_ticket, _token = ticket_create_by_customer(
            contact=CustomerContact(name="Rahim", email="Rahim.Uddin@gmail.com"), body="Hi again"
        )
        assert widget_ticket.customer_id == kept_id
        assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 1
        # The API's upsert by the old address updates the kept record, keeping its email.
        customer, created = customer_upsert(actor=user, email="rahim.uddin@gmail.com", plan="team")
        assert (customer.id, created, customer.email, customer.plan) == (
            kept_id,
            False,
            "rahim@work.example",
            "team",
        )


def test_both_invited_in_one_round_keeps_the_answered_invitation(database, make_user):
    user = staff_user(make_user)
    kept, duplicate = duplicate_pair(user)
    round_ = db.session.scalar(sa.select(NpsRound))
    db.session.add(NpsSurvey(round=round_, customer=kept, sent_at=T0))  # not answered
    db.session.commit()
    customer_merge(actor=user, source_id=duplicate.id, target_id=kept.id)
    db.session.expire_all()
    surveys = list(db.session.scalars(sa.select(NpsSurvey)))
    assert [(survey.customer_id, survey.responded_at is not None) for survey in surveys] == [
        (kept.id, True)
    ]
    assert db.session.scalar(sa.select(NpsResponse.score)) == 9


def test_a_merge_into_itself_or_into_a_gone_record_is_refused(database, make_user):
    user = staff_user(make_user)
    kept, duplicate = duplicate_pair(user)
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        customer_merge(actor=user, source_id=kept.id, target_id=kept.id)
    with pytest.raises(ValidationError, match="no longer exists"):
        customer_merge(actor=user, source_id=duplicate.id, target_id=999_999)
    with pytest.raises(Conflict):
        customer_merge(actor=user, source_id=999_999, target_id=kept.id)
    assert db.session.get(Customer, duplicate.id) is not None  # nothing moved


def test_merge_through_the_pages(app, login_as):
    with app.app_context():
        kept = CustomerFactory(name="Kept Person", email="kept@example.com", company="Acme")
        duplicate = CustomerFactory(name="Dup Person", email="dup@example.com")
        TicketFactory(customer=duplicate, subject="From the duplicate")
        kept_id, duplicate_id = kept.id, duplicate.id
    client = login_as("agent")
    found = client.get(f"/customers/{duplicate_id}/merge?q=acme").get_data(as_text=True)
    assert f"/customers/{duplicate_id}/merge/confirm?target={kept_id}" in found
    assert "Dup Person</bdi> <span" not in found  # never offered to merge into itself
    confirm = client.get(f"/customers/{duplicate_id}/merge/confirm?target={kept_id}")
    assert confirm.status_code == 200
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', confirm.get_data(as_text=True)
    )
    assert token
    itself = client.post(
        f"/customers/{duplicate_id}/merge",
        data={"csrf_token": token.group(1), "target": duplicate_id},
    )
    assert itself.status_code == 422
    merged = client.post(
        f"/customers/{duplicate_id}/merge", data={"csrf_token": token.group(1), "target": kept_id}
    )
    assert merged.status_code == 303
    assert merged.headers["Location"].endswith(f"/customers/{kept_id}")
    page = client.get(f"/customers/{kept_id}").get_data(as_text=True)
    assert "From the duplicate" in page and "dup@example.com" in page
    # The same form again (a stale page): this record is gone now.
    again = client.post(
        f"/customers/{duplicate_id}/merge", data={"csrf_token": token.group(1), "target": kept_id}
    )
    assert again.status_code == 409
    assert "no longer exists" in again.get_data(as_text=True)


def test_tickets_merged_into_a_vip_move_to_the_vip_service_level(database, make_user):
    from helpdesk.models import SlaTarget
    from helpdesk.sla import policies
    from helpdesk.sla.policies import PolicyFields
    from helpdesk.tickets.intake import ticket_create

    user = staff_user(make_user)
    admin = staff_user(make_user, "admin")
    vip = policies.sla_policy_create(
        actor=admin, fields=PolicyFields(name="VIP", vip_only=True, first_reply_minutes=30)
    )
    policies.sla_policy_create(
        actor=admin, fields=PolicyFields(name="Everyone", first_reply_minutes=240)
    )
    kept = CustomerFactory(email="boss@bigco.example", vip=True)
    ticket = ticket_create(
        actor=user,
        customer_email="boss.private@gmail.example",
        customer_name="Boss",
        subject="Help",
        body="It broke.",
    )
    customer_merge(actor=user, source_id=ticket.customer_id, target_id=kept.id)
    clock_ = db.session.scalars(
        sa.select(SlaTarget)
        .where(SlaTarget.ticket_id == ticket.id, SlaTarget.kind == "first_reply")
        .order_by(SlaTarget.id.desc())
    ).first()
    assert clock_ is not None and clock_.policy_id == vip.id
