"""Promising an update from the composer, and the keeping rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Message, Ticket
from helpdesk.models.promise import Promise
from helpdesk.promises import service as promises
from helpdesk.tickets import service as tickets
from tests.conftest import csrf_token
from tests.factories import MessageFactory, TicketFactory

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC
HTMX = {"HX-Request": "true"}


def agent(name="Dewi Lestari"):
    return user_create(
        email=f"{name.split()[0].lower()}@example.com",
        name=name,
        role="agent",
        password="long-enough-password",
        actor="test",
    )


def promise_on(ticket, actor, due, text="I'll send you an update by Monday."):
    return tickets.ticket_reply(
        ticket=ticket, author=actor, body="Looking into it.", promise_due=due, promise_text=text
    )


def pending(ticket):
    return promises.pending_promise(ticket)


def test_a_reply_records_the_promise_and_a_new_one_replaces_it(database, set_now):
    set_now(T0)
    actor = agent()
    ticket = TicketFactory()
    promise_on(ticket, actor, T0 + timedelta(hours=4))
    first = pending(ticket)
    assert first.due_at == T0 + timedelta(hours=4)
    assert first.remind_at == T0 + timedelta(hours=4) - timedelta(minutes=30)
    assert first.text == "I'll send you an update by Monday."
    set_now(T0 + timedelta(hours=1))
    promise_on(ticket, actor, T0 + timedelta(days=1))
    assert database.session.get(Promise, first.id).status == "kept"  # the reply kept it
    second = pending(ticket)
    assert second.id != first.id
    actions = database.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("promise.create") == 2


def test_replacing_without_a_reply_between_cancels_the_old_one(database, set_now):
    set_now(T0)
    actor = agent()
    ticket = TicketFactory()
    first = promises.promise_make(
        ticket=ticket, agent=actor, due_at=T0 + timedelta(hours=5), text="By five"
    )
    promises.promise_make(ticket=ticket, agent=actor, due_at=T0 + timedelta(hours=6), text="By six")
    database.session.commit()
    assert first.status == "cancelled"
    assert pending(ticket).text == "By six"


def test_reply_before_due_keeps_it_early_or_just_in_time(database, set_now):
    set_now(T0)
    actor = agent()
    early, late = TicketFactory(), TicketFactory()
    promise_on(early, actor, T0 + timedelta(hours=4))
    promise_on(late, actor, T0 + timedelta(hours=4))
    set_now(T0 + timedelta(hours=1))  # three quarters of the window left
    tickets.ticket_reply(ticket=early, author=actor, body="Done!")
    set_now(T0 + timedelta(hours=3, minutes=30))  # an eighth left
    tickets.ticket_reply(ticket=late, author=actor, body="Done!")
    kept_early = database.session.scalar(sa.select(Promise).where(Promise.ticket_id == early.id))
    kept_late = database.session.scalar(sa.select(Promise).where(Promise.ticket_id == late.id))
    assert (kept_early.status, kept_early.kept_early) == ("kept", True)
    assert (kept_late.status, kept_late.kept_early) == ("kept", False)


def test_notes_and_customer_replies_do_not_keep_or_move_a_promise(database, set_now):
    set_now(T0)
    actor = agent()
    ticket = TicketFactory()
    promise_on(ticket, actor, T0 + timedelta(hours=4))
    set_now(T0 + timedelta(hours=1))
    tickets.ticket_reply(ticket=ticket, author=actor, body="internal", internal=True)
    MessageFactory(ticket=ticket, body_source="thanks, OK")
    promise = pending(ticket)
    assert promise is not None and promise.due_at == T0 + timedelta(hours=4)


def test_a_reply_after_the_due_time_leaves_it_for_the_sweep(database, set_now):
    set_now(T0)
    actor = agent()
    ticket = TicketFactory()
    promise_on(ticket, actor, T0 + timedelta(hours=4))
    set_now(T0 + timedelta(hours=5))
    tickets.ticket_reply(ticket=ticket, author=actor, body="Sorry for the wait")
    assert pending(ticket) is not None


def test_resolving_keeps_the_promise(database, set_now):
    set_now(T0)
    actor = agent()
    ticket = TicketFactory()
    promise_on(ticket, actor, T0 + timedelta(hours=4))
    set_now(T0 + timedelta(hours=2))
    tickets.ticket_update(ticket=ticket, actor=actor, status="resolved")
    promise = database.session.scalar(sa.select(Promise).where(Promise.ticket_id == ticket.id))
    assert promise.status == "kept"


@pytest.mark.parametrize(
    ("due", "internal"),
    [
        (T0 - timedelta(minutes=1), False),
        (T0 + timedelta(days=61), False),
        (T0 + timedelta(hours=2), True),
    ],
)
def test_bad_promises_are_refused_and_nothing_is_sent(database, set_now, due, internal):
    set_now(T0)
    actor = agent()
    ticket = TicketFactory()
    with pytest.raises(ValidationError) as error:
        tickets.ticket_reply(
            ticket=ticket,
            author=actor,
            body="x",
            internal=internal,
            promise_due=due,
            promise_text="By then",
        )
    assert error.value.field == "promise_due_at"
    database.session.rollback()
    assert database.session.scalar(sa.select(sa.func.count(Message.id))) == 0


def test_the_composer_suggests_a_padded_time_in_the_customers_words(app, login_as, set_now):
    set_now(T0)
    client = login_as("agent")
    with app.app_context():
        from helpdesk.recovery.library import seed_library

        seed_library()
        from helpdesk.settings.service import setting_put

        setting_put("business_hours", {"timezone": "Asia/Bangkok"})
        ticket = TicketFactory()
        ticket.customer.timezone = "Asia/Bangkok"
        ticket.customer.name = "Nok Srisuk"
        db.session.commit()
        number = ticket.number
    response = client.get(f"/tickets/{number}/promise?estimate=hour", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    due = re.search(r'name="promise_due_at" value="([^"]+)"', html).group(1)
    assert datetime.fromisoformat(due) > T0 + timedelta(hours=8)  # tomorrow, not in an hour
    assert "I&#39;ll send you an update by Tuesday, June 2, 2026, 5:00" in html  # Bangkok
    assert "Jun 2, 2026, 10:00:00" in html  # the agent's own zone (UTC)
    bad = client.get(f"/tickets/{number}/promise?custom_due=2020-01-01T10:00", headers=HTMX)
    assert bad.status_code == 422
    assert "That time has passed" in bad.get_data(as_text=True)
    junk = client.get(f"/tickets/{number}/promise?custom_due=soon", headers=HTMX)
    assert junk.status_code == 422
    forged = client.get(f"/tickets/{number}/promise?estimate=forever", headers=HTMX)
    assert forged.status_code == 400


def test_the_suggested_sentence_follows_the_workspace_formats(app, login_as, set_now):
    """The promise sentence goes to the customer in their language with the workspace's
    digits and years (here: Thai digits on, Bengali digits and Buddhist-era years off, the
    opposite of a new workspace), like every date we show."""
    from helpdesk.recovery.library import seed_library
    from helpdesk.settings.formats import format_settings_update
    from helpdesk.settings.service import setting_put

    set_now(T0)
    client = login_as("agent")
    with app.app_context():
        seed_library()
        setting_put("business_hours", {"timezone": "Asia/Bangkok"})
        admin = user_create(
            email="boss@example.com",
            name="Boss",
            role="admin",
            password="a-long-passphrase-1",
            actor="test",
        )
        format_settings_update(
            actor=admin, currency="USD", thai_digits=True, bengali_digits=False, buddhist_era=False
        )
        numbers = {}
        for language in ("bn", "th"):
            ticket = TicketFactory()
            ticket.customer.timezone = "Asia/Bangkok"
            ticket.customer.language = language
            numbers[language] = ticket.number
        db.session.commit()
    bengali = client.get(f"/tickets/{numbers['bn']}/promise?estimate=hour", headers=HTMX)
    assert bengali.status_code == 200
    html = bengali.get_data(as_text=True)
    assert "২০২৬" not in html and "জুন, 2026" in html  # the admin turned Bengali digits off
    assert "Jun 2, 2026, 10:00:00" in html  # the agent's own view
    thai = client.get(f"/tickets/{numbers['th']}/promise?estimate=hour", headers=HTMX)
    assert "๒๐๒๖" in thai.get_data(as_text=True)  # Thai digits on, Buddhist era off


def test_sending_the_reply_with_the_promise_shows_it_on_the_ticket(app, login_as, set_now):
    set_now(T0)
    client = login_as("agent")
    with app.app_context():
        ticket = TicketFactory()
        number = ticket.number
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    last = re.search(r'name="last_message_id" value="(\d+)"', page).group(1)
    data = {
        "kind": "reply",
        "body": "On it",
        "then": "",
        "last_message_id": last,
        "seen_status": "open",
        "csrf_token": csrf_token(client, f"/tickets/{number}"),
        "promise_due_at": (T0 + timedelta(hours=3)).isoformat(),
        "promise_text": "I'll send you an update by 11:00.",
    }
    response = client.post(f"/tickets/{number}/messages", data=data)
    assert response.status_code == 302
    html = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Due in 3 hours" in html
    assert "I&#39;ll send you an update by 11:00." in html
    forged = client.post(
        f"/tickets/{number}/messages", data={**data, "promise_due_at": "tomorrow-ish"}
    )
    assert forged.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Promise.id))) == 1
        assert db.session.scalar(sa.select(Ticket.status).where(Ticket.number == number))


def test_the_promises_view_lists_pending_promises_soonest_first(app, login_as, set_now):
    set_now(T0)
    client = login_as("agent")
    with app.app_context():
        actor = agent("Somchai Wong")
        numbers = []
        for hours in (5, 2, 9):
            ticket = TicketFactory()
            promise_on(ticket, actor, T0 + timedelta(hours=hours))
            numbers.append(ticket.number)
        TicketFactory()  # no promise
    html = client.get("/inbox?view=promises").get_data(as_text=True)
    listed = [int(n) for n in re.findall(r'name="ticket" value="(\d+)"', html)]
    assert listed == [numbers[1], numbers[0], numbers[2]]
    assert "Update promised in 2 hours" in html
    assert re.search(r'view=promises"[^>]*>[^<]*<span class="count">3<', html)


def test_promise_stats_per_agent(app, login_as, set_now):
    from helpdesk.promises.stats import promise_stats

    set_now(T0)
    client = login_as("agent")
    with app.app_context():
        actor = agent("Somchai Wong")
        kept, missed = TicketFactory(), TicketFactory()
        promise_on(kept, actor, T0 + timedelta(hours=4))
        promise_on(missed, actor, T0 + timedelta(hours=2))
        set_now(T0 + timedelta(hours=1))
        tickets.ticket_reply(ticket=kept, author=actor, body="Done early")
        promise = pending(missed)
        promise.status = "missed"
        db.session.commit()
        set_now(T0 + timedelta(hours=5))
        [row] = promise_stats()
        assert (row.name, row.kept[7], row.early[7], row.missed[7]) == ("Somchai Wong", 1, 1, 1)
    html = client.get("/inbox?view=promises").get_data(as_text=True)
    assert "Promises kept" in html and "Somchai Wong" in html


def test_the_bell_lists_notifications_and_marks_them_read(app, login_as, set_now):
    from helpdesk.models import Notification

    set_now(T0)
    client = login_as("agent")
    with app.app_context():
        ticket = TicketFactory(subject="Where is my <b>parcel</b>?")
        promise_on(ticket, agent("Somchai Wong"), T0 + timedelta(hours=4))
        promise = pending(ticket)
        db.session.add(
            Notification(
                user_id=client.user.id,
                kind="promise_reminder",
                ticket_id=ticket.id,
                promise_id=promise.id,
            )
        )
        db.session.commit()
    html = client.get("/notifications", headers=HTMX).get_data(as_text=True)
    assert 'class="bell-count">1<' in html
    assert "Where is my &lt;b&gt;parcel&lt;/b&gt;?" in html
    assert "A promised update on #" in html and "is due soon." in html
    assert client.post("/notifications/read", headers=HTMX).status_code == 400  # no CSRF
    done = client.post(
        "/notifications/read", headers=HTMX, data={"csrf_token": csrf_token(client, "/inbox")}
    )
    assert "bell-count" not in done.get_data(as_text=True)
    other = login_as("agent")
    assert "Nothing new." in other.get("/notifications", headers=HTMX).get_data(as_text=True)


def test_admins_set_the_reminder_lead(app, login_as, set_now):
    set_now(T0)
    admin = login_as("admin")
    token = csrf_token(admin, "/settings/hours")
    for bad in ("0", "2000", "soon"):
        response = admin.post(
            "/settings/hours/reminders", data={"reminder_minutes": bad, "csrf_token": token}
        )
        assert response.status_code == 422
    assert (
        admin.post(
            "/settings/hours/reminders", data={"reminder_minutes": "60", "csrf_token": token}
        ).status_code
        == 302
    )
    with app.app_context():
        actor = agent("Somchai Wong")
        ticket = TicketFactory()
        promise_on(ticket, actor, T0 + timedelta(hours=8))
        assert pending(ticket).remind_at == T0 + timedelta(hours=7)
    agent_client = login_as("agent")
    response = agent_client.post(
        "/settings/hours/reminders",
        data={"reminder_minutes": "5", "csrf_token": csrf_token(agent_client, "/inbox")},
    )
    assert response.status_code == 403
