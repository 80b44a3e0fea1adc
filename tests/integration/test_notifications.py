"""Who is told what: each kind of notification reaches the right people and nobody else
(self-assignment, self-mention, inactive staff, a reply on an unassigned ticket), is
written once however often its event repeats, and is emailed as each person prefers
(one email each, none, or the daily digest, once per day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.extensions import db
from helpdesk.founders.service import escalation_manual
from helpdesk.models import Notification, NotificationPreference, Outbox, User
from helpdesk.notifications.digest import notifications_send_digests
from helpdesk.notifications.mentions import mentionable, mentioned_ids
from helpdesk.notifications.preferences import preferences_for, preferences_save
from helpdesk.notifications.steps import NewNotification, notify
from helpdesk.tickets.intake import ticket_customer_reply
from helpdesk.tickets.service import ticket_reply, ticket_update
from tests.factories import TicketFactory

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def person(name: str, role: str = "agent", **fields: str) -> User:
    local = "".join(name.lower().split()[:1])
    return user_create(
        email=fields.pop("email", f"{local}@example.com"),
        name=name,
        role=role,
        password="correct-horse-battery",
        actor="test",
        **fields,
    )


def told(user: User, kind: str | None = None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def emails_to(user: User, template: str | None = None) -> list[Outbox]:
    query = sa.select(Outbox).where(Outbox.to_address == user.email)
    if template:
        query = query.where(Outbox.template == template)
    return list(db.session.scalars(query.order_by(Outbox.id)))


def deactivate(user: User) -> None:
    user.active = False
    db.session.commit()


# --- assigned ----------------------------------------------------------------------------


def test_an_assignment_tells_the_new_assignee_who_did_it(database):
    dewi, budi = person("Dewi Lestari"), person("Budi Santoso")
    ticket = TicketFactory()
    ticket_update(ticket=ticket, actor=dewi, assignee_id=budi.id)
    [item] = told(budi, "assigned")
    assert (item.ticket_id, item.actor_id) == (ticket.id, dewi.id)
    assert told(dewi) == []
    [email] = emails_to(budi, "notification")
    assert f"Dewi assigned #{ticket.number} to you" in email.subject
    assert f"/tickets/{ticket.number}" in email.body_text


def test_nobody_is_told_of_assigning_themselves_or_an_unassignment(database):
    dewi, budi = person("Dewi Lestari"), person("Budi Santoso")
    ticket = TicketFactory()
    ticket_update(ticket=ticket, actor=dewi, assignee_id=dewi.id)
    ticket_update(ticket=ticket, actor=budi, assignee_id=None)
    assert told(dewi) == told(budi) == []


def test_a_reply_that_takes_an_unassigned_ticket_tells_nobody(database):
    dewi = person("Dewi Lestari")
    ticket = TicketFactory()
    ticket_reply(ticket=ticket, author=dewi, body="On it.")
    assert ticket.assignee_id == dewi.id
    assert told(dewi) == []


def test_round_robin_at_intake_tells_the_agent_it_chose(database):
    from helpdesk.settings.service import assignment_settings_update
    from helpdesk.tickets.intake import ticket_create_by_customer
    from helpdesk.tickets.intake_steps import CustomerContact

    admin, dewi = person("Ida Admin", "admin"), person("Dewi Lestari")
    dewi.available = True
    db.session.commit()
    assignment_settings_update(actor=admin, auto_assign=True, max_open_per_agent=10)
    ticket, _ = ticket_create_by_customer(
        contact=CustomerContact(name="Budi", email="budi@example.net"), body="Help"
    )
    assert ticket.assignee_id == dewi.id
    [item] = told(dewi, "assigned")
    assert (item.ticket_id, item.actor_id) == (ticket.id, None)
    [email] = emails_to(dewi, "notification")
    assert f"#{ticket.number} was assigned to you" in email.subject


# --- customer replied ----------------------------------------------------------------------


def test_a_customer_reply_tells_the_assignee_only(database):
    dewi, budi = person("Dewi Lestari"), person("Budi Santoso")
    ticket = TicketFactory(assignee_id=dewi.id)
    message = ticket_customer_reply(ticket=ticket, body="Any news?")
    [item] = told(dewi, "customer_replied")
    assert item.message_id == message.id
    assert told(budi) == []


def test_a_customer_reply_on_an_unassigned_ticket_or_to_someone_gone_tells_nobody(database):
    dewi = person("Dewi Lestari")
    ticket_customer_reply(ticket=TicketFactory(), body="Hello?")
    owned = TicketFactory(assignee_id=dewi.id)
    deactivate(dewi)
    ticket_customer_reply(ticket=owned, body="Anyone?")
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


# --- mentions ------------------------------------------------------------------------------


def test_a_note_tells_each_active_person_it_mentions_once(database):
    somchai = person("Somchai Wong")
    dewi, budi = person("Dewi Lestari"), person("Budi Santoso")
    gone = person("Ayu Gone")
    deactivate(gone)
    ticket = TicketFactory()
    body = (
        "@DEWI please look, and @dewi again; @budisantoso too. "
        "Not @somchai (me), not @ayu (left), not mail budi@example.com, not @nobody."
    )
    ticket_reply(ticket=ticket, author=somchai, body=body, internal=True)
    [to_dewi] = told(dewi, "mentioned")
    [to_budi] = told(budi, "mentioned")
    assert to_dewi.actor_id == somchai.id
    assert told(somchai) == told(gone) == []
    [email] = emails_to(dewi, "notification")
    assert f"Somchai mentioned you in a note on #{ticket.number}" in email.subject


def test_a_public_reply_mentions_nobody(database):
    somchai, dewi = person("Somchai Wong"), person("Dewi Lestari")
    ticket_reply(ticket=TicketFactory(), author=somchai, body="Thanks @dewi!")
    assert told(dewi) == []


def test_handles_that_name_two_people_name_nobody(database):
    first = person("Dewi One", email="dewi@example.com")
    second = person("Dewi Two", email="dewi@example.org")
    assert mentioned_ids("@dewi hello") == []  # local part and first name both shared
    assert mentioned_ids("@dewi@example.org and @DewiOne.") == [second.id, first.id]


def test_the_handle_the_picker_inserts_names_its_person(database):
    """A local part is never shadowed by someone else's first name or joined name."""
    samuel = person("Samuel Ortiz", email="sam@example.com")
    sam_lee = person("Sam Lee", email="kim@example.com")
    handles = {m.id: m.handle for m in mentionable()}
    assert handles[samuel.id] == "sam"
    assert mentioned_ids("@sam") == [samuel.id]
    assert mentioned_ids("@samlee and @kim") == [sam_lee.id]


# --- escalations ---------------------------------------------------------------------------


def test_an_escalation_tells_every_active_founder(database):
    agent = person("Dewi Lestari")
    founder, other = person("Fara Founder", "founder"), person("Gita Founder", "founder")
    gone = person("Hana Founder", "founder")
    deactivate(gone)
    admin = person("Ida Admin", "admin")
    ticket = TicketFactory()
    escalation = escalation_manual(ticket=ticket, actor=agent, note="Angry customer")
    for who in (founder, other):
        [item] = told(who, "escalated")
        assert item.escalation_id == escalation.id
    assert told(agent) == told(gone) == told(admin) == []
    [email] = emails_to(founder, "notification")
    assert f"A complaint on #{ticket.number} was escalated" in email.subject


# --- idempotency and emails by preference ----------------------------------------------------


def test_an_event_told_twice_writes_and_emails_once(database):
    dewi = person("Dewi Lestari")
    ticket = TicketFactory(assignee_id=dewi.id)
    message = ticket_customer_reply(ticket=ticket, body="Hello")
    again = NewNotification(
        user_id=dewi.id, kind="customer_replied", ticket_id=ticket.id, message_id=message.id
    )
    assert notify([again, again]) == []
    db.session.commit()
    assert len(told(dewi)) == 1
    assert len(emails_to(dewi, "notification")) == 1


def test_emails_follow_each_persons_preferences_and_language(database):
    dewi, budi = person("Dewi Lestari"), person("Budi Santoso", language="th")
    preferences_save(user=dewi, email={"assigned": False, "customer_replied": True}, digest=False)
    ticket = TicketFactory()
    ticket_update(ticket=ticket, actor=budi, assignee_id=dewi.id)
    assert len(told(dewi)) == 1 and emails_to(dewi) == []  # told in the app, not by email
    ticket_update(ticket=ticket, actor=dewi, assignee_id=budi.id)
    [thai] = emails_to(budi, "notification")
    assert thai.language == "th"


def test_a_digest_person_gets_no_email_each(database):
    dewi = person("Dewi Lestari")
    preferences_save(user=dewi, email={"customer_replied": True}, digest=True)
    ticket_customer_reply(ticket=TicketFactory(assignee_id=dewi.id), body="Hi")
    assert len(told(dewi)) == 1 and emails_to(dewi) == []


def test_defaults_email_promise_reminders_but_not_misses(database):
    wanted = preferences_for(person("Dewi Lestari").id)
    assert wanted.emails("promise_reminder") and not wanted.emails("promise_missed")
    assert all(wanted.emails(kind) for kind in ("assigned", "mentioned", "escalated"))
    assert not wanted.digest


# --- the daily digest ------------------------------------------------------------------------


def test_the_digest_goes_once_a_day_from_eight_local_time(database, set_now):
    dewi = person("Dewi Lestari", timezone="Asia/Jakarta")  # UTC+7
    budi = person("Budi Santoso")
    preferences_save(user=dewi, email={"customer_replied": True, "assigned": True}, digest=True)
    set_now(datetime(2026, 3, 2, 0, 30, tzinfo=UTC))  # 07:30 in Jakarta
    ticket = TicketFactory(assignee_id=dewi.id, subject="Refund please")
    ticket_customer_reply(ticket=ticket, body="First")
    ticket_update(ticket=TicketFactory(), actor=budi, assignee_id=dewi.id)
    assert notifications_send_digests() == 0  # not yet eight

    set_now(datetime(2026, 3, 2, 1, 5, tzinfo=UTC))  # 08:05
    assert notifications_send_digests() == 1
    assert notifications_send_digests() == 0  # once a day
    [digest] = emails_to(dewi, "notification_digest")
    assert "Refund please" in digest.body_text and "Budi assigned" in digest.body_text

    set_now(datetime(2026, 3, 3, 1, 5, tzinfo=UTC))  # the next morning: nothing new unread
    assert notifications_send_digests() == 0
    set_now(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    ticket_customer_reply(ticket=ticket, body="Second")
    set_now(datetime(2026, 3, 4, 1, 5, tzinfo=UTC))
    assert notifications_send_digests() == 1
    row = db.session.get(NotificationPreference, dewi.id)
    assert row.digest_sent_on == datetime(2026, 3, 4).date()

    # A day the job could not run is caught up: the next digest starts at the last one.
    set_now(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    ticket_customer_reply(ticket=ticket, body="Third")
    set_now(datetime(2026, 3, 6, 1, 5, tzinfo=UTC))  # no digest ran on the 5th
    assert notifications_send_digests() == 1
    latest = emails_to(dewi, "notification_digest")[-1]
    assert latest.body_text.count("Refund please") == 1


def test_the_digest_leaves_out_read_old_and_unwanted_kinds(database, set_now):
    dewi, budi = person("Dewi Lestari"), person("Budi Santoso")
    preferences_save(user=dewi, email={"customer_replied": True}, digest=True)
    set_now(T0 - timedelta(days=2))
    ticket_customer_reply(ticket=TicketFactory(assignee_id=dewi.id), body="Old")
    set_now(T0)
    ticket_update(ticket=TicketFactory(), actor=budi, assignee_id=dewi.id)  # not wanted
    assert notifications_send_digests() == 0
    assert emails_to(dewi) == []


@pytest.mark.parametrize(
    ("email", "digest", "field"),
    [({}, True, "delivery"), ({"weekly": True}, False, "email")],
)
def test_preferences_refuse_nonsense(database, email, digest, field):
    from helpdesk.errors import ValidationError

    dewi = person("Dewi Lestari")
    with pytest.raises(ValidationError) as refused:
        preferences_save(user=dewi, email=email, digest=digest)
    assert refused.value.field == field
    assert db.session.get(NotificationPreference, dewi.id) is None


# --- the customer's emailed reply ------------------------------------------------------------


def test_an_emailed_customer_reply_tells_the_assignee(app, database, tmp_path, set_now):
    from helpdesk.mail.addresses import reply_address
    from helpdesk.mail.inbound import mail_receive
    from tests.factories import CustomerFactory
    from tests.integration.mail_inbound_support import configure, load, with_headers

    configure(app, tmp_path)
    set_now(datetime(2025, 3, 10, 9, 0, tzinfo=UTC))
    dewi = person("Dewi Lestari")
    customer = CustomerFactory(email="budi.santoso@outlook.co.id")
    ticket = TicketFactory(customer=customer, channel="email", assignee_id=dewi.id)
    raw = with_headers(load("outlook_reply_id.eml"), To=reply_address(ticket))
    assert mail_receive(raw).action == "replied"
    [item] = told(dewi, "customer_replied")
    assert item.ticket_id == ticket.id


def test_the_scheduler_runs_the_digest(database, set_now):
    from helpdesk.scheduling.jobs import JOBS

    [job] = [job for job in JOBS if job.name == "notification_digests"]
    dewi = person("Dewi Lestari")
    preferences_save(user=dewi, email={"customer_replied": True}, digest=True)
    set_now(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    ticket_customer_reply(ticket=TicketFactory(assignee_id=dewi.id), body="Hi")
    job.function()
    job.function()
    assert len(emails_to(dewi, "notification_digest")) == 1
