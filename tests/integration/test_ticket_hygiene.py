"""Snooze, merge, spam and blocked senders (issue 21): the use cases against the database,
the views through the CSRF-on client, and the doors customers come in by (mail intake,
the widget, `/c/` links) following merges and refusing blocked senders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.mail.inbound import mail_receive
from helpdesk.models import (
    AuditEvent,
    BlockedSender,
    Message,
    Promise,
    Ticket,
    User,
)
from helpdesk.tickets import merge, snooze, spam
from helpdesk.tickets.inbox import inbox_page, parse_filters, view_counts
from helpdesk.tickets.intake import ticket_customer_reply
from helpdesk.tickets.snooze_sweep import sweep_snoozed
from helpdesk.tickets.steps import SeenState, StaleTicket
from helpdesk.tickets.tokens import new_token, ticket_link_token
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, MessageFactory, TicketFactory
from tests.integration.mail_inbound_support import configure, load, with_headers

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def _clock(set_now: Callable[[datetime], None]) -> None:
    set_now(T0)


def agent(make_user: Callable[..., Any], role: str = "agent") -> User:
    user = db.session.get(User, make_user(role).id)
    assert user is not None
    return user


def reload(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    assert fresh is not None
    return fresh


def numbers_in(view: str, user: User) -> list[int]:
    page = inbox_page(filters=parse_filters({"view": view}), user=user)
    return [row.ticket.number for row in page.rows]


def actions(ticket: Ticket) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "tickets", AuditEvent.object_id == str(ticket.id))
            .order_by(AuditEvent.id)
        )
    )


# --- snooze ------------------------------------------------------------------------------


def test_a_snoozed_ticket_leaves_the_working_views_and_comes_back_once(database, make_user):
    user = agent(make_user)
    ticket = TicketFactory(status="open", assignee=user)
    other = TicketFactory(status="pending", assignee=user)
    db.session.commit()
    until = T0 + timedelta(days=1)
    snooze.ticket_snooze(ticket=ticket, actor=user, until=until)

    for view in ("open", "mine", "all"):
        assert (ticket.number in numbers_in(view, user)) is (view == "all"), view
    assert numbers_in("snoozed", user) == [ticket.number]
    counts = view_counts(user)
    assert (counts["open"], counts["mine"], counts["snoozed"], counts["all"]) == (0, 1, 1, 2)
    assert other.number in numbers_in("waiting", user)

    assert sweep_snoozed() == 0  # not yet due
    from helpdesk import clock

    clock.set_now(until + timedelta(seconds=1))
    assert sweep_snoozed() == 1
    assert sweep_snoozed() == 0  # exactly once
    ticket = reload(ticket)
    assert ticket.snoozed_until is None
    assert ticket.last_activity_at == until + timedelta(seconds=1)  # back on top
    assert numbers_in("open", user)[0] == ticket.number
    assert actions(ticket) == ["ticket.snooze", "ticket.wake"]
    assert view_counts(user)["snoozed"] == 0


def test_snooze_refuses_past_far_and_garbage_times(database, make_user):
    user = agent(make_user)
    ticket = TicketFactory(status="open")
    db.session.commit()
    for until, words in (
        (T0 - timedelta(minutes=1), "future"),
        (T0, "future"),
        (T0 + timedelta(days=91), "at most 90 days"),
    ):
        with pytest.raises(ValidationError, match=words) as error:
            snooze.ticket_snooze(ticket=ticket, actor=user, until=until)
        assert error.value.field == "until"
    for custom in ("tomorrow-ish", "2026-13-45T99:00", "<script>", ""):
        with pytest.raises(ValidationError) as error:
            snooze.parse_snooze_time(pick=None, custom=custom, zone="Asia/Bangkok")
        assert error.value.field == "until"
    with pytest.raises(ValidationError):
        snooze.parse_snooze_time(pick="someday", custom=None, zone=None)
    assert reload(ticket).snoozed_until is None
    assert actions(ticket) == []


def test_a_custom_time_is_read_in_the_agents_zone(database):
    moment = snooze.parse_snooze_time(pick=None, custom="2026-06-02T09:00", zone="Asia/Bangkok")
    assert moment.astimezone(UTC) == datetime(2026, 6, 2, 2, 0, tzinfo=UTC)


def test_closed_spam_and_merged_tickets_cannot_be_snoozed(database, make_user):
    user = agent(make_user)
    closed = TicketFactory(status="closed")
    db.session.commit()
    with pytest.raises(NotAllowed):
        snooze.ticket_snooze(ticket=closed, actor=user, until=T0 + timedelta(hours=2))


def test_a_customer_reply_wakes_the_ticket_early(database, make_user):
    user = agent(make_user)
    ticket = TicketFactory(status="pending")
    db.session.commit()
    snooze.ticket_snooze(ticket=ticket, actor=user, until=T0 + timedelta(days=3))
    ticket_customer_reply(ticket=ticket, body="Any news?")
    ticket = reload(ticket)
    assert ticket.snoozed_until is None and ticket.status == "open"
    assert ticket.number in numbers_in("open", user)
    assert sweep_snoozed() == 0


def test_unsnooze_is_the_undo(database, make_user):
    user = agent(make_user)
    ticket = TicketFactory(status="open")
    db.session.commit()
    snooze.ticket_snooze(ticket=ticket, actor=user, until=T0 + timedelta(hours=5))
    assert snooze.ticket_unsnooze(ticket=ticket, actor=user) is True
    assert snooze.ticket_unsnooze(ticket=ticket, actor=user) is False
    assert reload(ticket).snoozed_until is None
    assert actions(ticket) == ["ticket.snooze", "ticket.unsnooze"]


# --- merge -------------------------------------------------------------------------------


def test_merge_moves_the_conversation_and_closes_the_source(database, make_user):
    user = agent(make_user)
    customer = CustomerFactory()
    target = TicketFactory(customer=customer, subject="Order late", status="resolved")
    source = TicketFactory(customer=customer, subject="Where is my order?", status="open")
    MessageFactory(ticket=target, body_source="First", created_at=T0 - timedelta(days=2))
    moved = MessageFactory(ticket=source, body_source="Second", created_at=T0 - timedelta(days=1))
    db.session.add(
        Promise(
            ticket_id=source.id,
            agent_id=user.id,
            created_at=T0,
            due_at=T0 + timedelta(hours=4),
            remind_at=T0 + timedelta(hours=3),
            text="Update by noon.",
        )
    )
    db.session.commit()
    merged = merge.ticket_merge(source=source, target=target, actor=user)
    assert merged.id == target.id
    source, target = reload(source), reload(target)
    assert source.status == "closed" and source.merged_into_id == target.id
    assert [m.body_source for m in target.messages if not m.internal] == ["First", "Second"]
    assert db.session.get(Message, moved.id).ticket_id == target.id
    assert target.status == "open"  # the source was open: the customer still waits
    assert db.session.scalar(sa.select(Promise.ticket_id)) == target.id
    notes = [m.body_source for m in source.messages]
    assert notes == [f"Merged into #{target.number}."]
    assert f"Merged from #{source.number}." in [m.body_source for m in target.messages]
    assert "ticket.merge" in actions(source) and "ticket.merged_in" in actions(target)


def test_merge_refuses_other_customers_itself_merged_tickets_and_stale_pages(database, make_user):
    user = agent(make_user)
    customer = CustomerFactory()
    one = TicketFactory(customer=customer)
    two = TicketFactory(customer=customer)
    three = TicketFactory(customer=customer)
    stranger = TicketFactory()
    MessageFactory(ticket=one)
    db.session.commit()
    with pytest.raises(ValidationError, match="another customer"):
        merge.ticket_merge(source=one, target=stranger, actor=user)
    with pytest.raises(ValidationError, match="itself"):
        merge.ticket_merge(source=one, target=one, actor=user)
    with pytest.raises(StaleTicket):
        merge.ticket_merge(
            source=one, target=two, actor=user, seen=SeenState(last_message_id=0, status="open")
        )
    assert reload(one).merged_into_id is None  # nothing half-done
    merge.ticket_merge(source=one, target=two, actor=user)
    with pytest.raises(ValidationError, match="merged already"):
        merge.ticket_merge(source=one, target=three, actor=user)
    with pytest.raises(ValidationError, match="merge into that one"):
        merge.ticket_merge(source=three, target=one, actor=user)
    for raw in ("", "abc", "99999999"):
        with pytest.raises(ValidationError):
            merge.merge_target_by_number(raw)


def test_after_a_merge_the_customers_link_and_emailed_reply_reach_the_target(
    app: Flask, tmp_path: Path, make_user
):
    configure(app, tmp_path)
    with app.app_context():
        user = agent(make_user)
        customer = CustomerFactory(email="jane.doe@gmail.com")
        source = TicketFactory(customer=customer, channel="email")
        MessageFactory(ticket=source, email_message_id="<first-1@mail.gmail.com>")
        target = TicketFactory(customer=customer)
        token = ticket_link_token(source)
        db.session.commit()
        merge.ticket_merge(source=source, target=target, actor=user)
        target_number = target.number
        reply = with_headers(load("gmail_reply_en.eml"), In_Reply_To="<first-1@mail.gmail.com>")
        result = mail_receive(reply)
        assert (result.action, result.ticket_number) == ("replied", target_number)

    client = app.test_client()
    response = client.get(f"/c/{token}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{target_number}"
    assert client.get(f"/c/{target_number}").status_code == 200


def test_a_bookmarked_page_of_a_merged_conversation_moves_on(app: Flask, make_user):
    with app.app_context():
        user = agent(make_user)
        customer = CustomerFactory()
        token, digest = new_token()
        source = TicketFactory(customer=customer, access_token_hash=digest)
        target = TicketFactory(customer=customer)
        db.session.commit()
        source_number, target_number = source.number, target.number
    client = app.test_client()
    client.get(f"/c/{token}")
    assert client.get(f"/c/{source_number}").status_code == 200
    with app.app_context():
        merge.ticket_merge(
            source=db.session.get(Ticket, source.id),
            target=db.session.get(Ticket, target.id),
            actor=db.session.get(User, user.id),
        )
    response = client.get(f"/c/{source_number}")
    assert response.status_code == 303 and response.headers["Location"] == f"/c/{target_number}"
    assert client.get(f"/c/{target_number}").status_code == 200
    # The widget's stored conversation (old number and token) opens the target too.
    found = client.get(
        f"/api/widget/v1/conversations/{source_number}", headers={"X-Conversation-Token": token}
    )
    assert found.status_code == 200 and found.get_json()["number"] == target_number


# --- spam and blocked senders ------------------------------------------------------------


def test_spam_closes_blocks_and_not_spam_undoes_both(database, make_user):
    user = agent(make_user)
    customer = CustomerFactory(email="offers@spammy.example")
    ticket = TicketFactory(customer=customer, status="pending")
    db.session.commit()
    assert spam.ticket_mark_spam(ticket=ticket, actor=user, block="domain") == ["spammy.example"]
    ticket = reload(ticket)
    assert ticket.status == "closed" and ticket.spam_at == T0
    assert numbers_in("spam", user) == [ticket.number]
    assert ticket.number not in numbers_in("all", user)
    counts = view_counts(user)
    assert (counts["spam"], counts["all"]) == (1, 0)
    assert spam.blocked_sender_for("someone@SPAMMY.example") is not None
    with pytest.raises(NotAllowed):
        spam.ticket_mark_spam(ticket=ticket, actor=user)

    assert spam.ticket_not_spam(ticket=ticket, actor=user) == ["spammy.example"]
    ticket = reload(ticket)
    assert ticket.status == "pending" and ticket.spam_at is None
    assert db.session.scalar(sa.select(sa.func.count(BlockedSender.id))) == 0
    assert actions(ticket) == ["ticket.spam", "ticket.not_spam"]


@pytest.mark.parametrize("email", ["someone@gmail.com", "agent@ourteam.example"])
def test_public_mail_providers_and_our_own_domain_are_never_blocked(database, make_user, email):
    user = agent(make_user)
    make_user("agent", email="colleague@ourteam.example")
    ticket = TicketFactory(customer=CustomerFactory(email=email), status="open")
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        spam.ticket_mark_spam(ticket=ticket, actor=user, block="domain")
    assert error.value.field == "block"
    ticket = reload(ticket)
    assert ticket.status == "open" and ticket.spam_at is None  # nothing half-written
    with pytest.raises(ValidationError):
        spam.ticket_mark_spam(ticket=ticket, actor=user, block="everyone")


def test_mail_from_a_blocked_sender_opens_no_ticket_and_is_counted(
    app: Flask, tmp_path: Path, make_user
):
    configure(app, tmp_path)
    with app.app_context():
        user = agent(make_user)
        ticket = TicketFactory(customer=CustomerFactory(email="rahim.uddin@gmail.com"))
        db.session.commit()
        spam.ticket_mark_spam(ticket=ticket, actor=user, block="sender")
        before = db.session.scalar(sa.select(sa.func.count(Ticket.id)))
        result = mail_receive(load("gmail_new_bn.eml"))
        assert (result.action, result.reason) == ("dropped", "blocked_sender")
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == before
        block = db.session.scalar(sa.select(BlockedSender))
        assert block.dropped_count == 1 and block.last_dropped_at == T0


def test_the_widget_answers_a_blocked_sender_as_if_accepted(app: Flask, make_user):
    with app.app_context():
        user = agent(make_user)
        ticket = TicketFactory(customer=CustomerFactory(email="bot@spammy.example"))
        db.session.commit()
        spam.ticket_mark_spam(ticket=ticket, actor=user, block="domain")
        before = db.session.scalar(sa.select(sa.func.count(Ticket.id)))
    response = app.test_client().post(
        "/api/widget/v1/conversations",
        json={"name": "Bot", "email": "other@spammy.example", "message": "Buy now"},
    )
    assert response.status_code == 201
    assert set(response.get_json()) == {"number", "token", "status"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == before
        assert db.session.scalar(sa.select(BlockedSender.dropped_count)) == 1


# --- through the agent UI ---------------------------------------------------------------


def test_snooze_from_the_ticket_page_and_errors_keep_the_typed_time(app, login_as):
    client = login_as("agent")
    with app.app_context():
        ticket = TicketFactory(status="open")
        db.session.commit()
        number = ticket.number
    page = client.get(f"/tickets/{number}").get_data(as_text=True)
    assert "Snooze until…" in page and "Merge into…" in page and "Mark as spam…" in page
    token = csrf_token(client, f"/tickets/{number}")
    refused = client.post(
        f"/tickets/{number}/snooze", data={"until": "2020-01-01T09:00", "csrf_token": token}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose a time in the future." in html and 'value="2020-01-01T09:00"' in html
    garbage = client.post(
        f"/tickets/{number}/snooze", data={"until": "<b>soon</b>", "csrf_token": token}
    )
    assert garbage.status_code == 422 and "<b>soon</b>" not in garbage.get_data(as_text=True)
    done = client.post(f"/tickets/{number}/snooze", data={"pick": "tomorrow", "csrf_token": token})
    assert done.status_code == 302
    inbox = client.get("/inbox?view=snoozed").get_data(as_text=True)
    assert f"#{number}" in inbox and "Snoozed until" in inbox
    assert client.post(f"/tickets/{number}/snooze", data={"pick": "tomorrow"}).status_code == 400


def test_merge_through_the_confirmation_page(app, login_as):
    client = login_as("agent")
    with app.app_context():
        customer = CustomerFactory()
        source = TicketFactory(customer=customer, subject="Second question")
        target = TicketFactory(customer=customer, subject="First question")
        stranger = TicketFactory(subject="Someone else")
        db.session.commit()
        numbers = source.number, target.number, stranger.number
    source_n, target_n, stranger_n = numbers
    refused = client.get(f"/tickets/{source_n}/merge?target={stranger_n}")
    assert refused.status_code == 422 and "another customer" in refused.get_data(as_text=True)
    confirm = client.get(f"/tickets/{source_n}/merge?target=%23{target_n}")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Second question" in html and "First question" in html and "cannot be undone" in html
    token = csrf_token(client, f"/tickets/{source_n}/merge?target={target_n}")
    done = client.post(
        f"/tickets/{source_n}/merge",
        data={"target": str(target_n), "seen_status": "open", "csrf_token": token},
    )
    assert done.status_code == 302 and done.headers["Location"] == f"/tickets/{target_n}"
    assert "Merged into" in client.get(f"/tickets/{source_n}").get_data(as_text=True)


def test_spam_from_the_page_offers_undo_and_the_bulk_action(app, login_as):
    client = login_as("agent")
    with app.app_context():
        one = TicketFactory(customer=CustomerFactory(email="x@spammy.example"))
        two = TicketFactory()
        three = TicketFactory()
        db.session.commit()
        n1, n2, n3 = one.number, two.number, three.number
    token = csrf_token(client, f"/tickets/{n1}")
    done = client.post(f"/tickets/{n1}/spam", data={"block": "sender", "csrf_token": token})
    assert done.status_code == 302
    page = client.get(f"/tickets/{n1}").get_data(as_text=True)
    assert "x@spammy.example is blocked" in page and "Not spam (undo)" in page
    undone = client.post(f"/tickets/{n1}/not-spam", data={"csrf_token": token})
    assert undone.status_code == 302
    assert "is not spam any more" in client.get(f"/tickets/{n1}").get_data(as_text=True)

    data = {"ticket": [str(n2), str(n3)], "hygiene": "spam", "csrf_token": token}
    handed_on = client.post("/inbox/bulk", data=data)
    assert handed_on.status_code == 307 and handed_on.location.endswith("/inbox/hygiene")
    mixed = client.post("/inbox/hygiene", data={**data, "status": "open"}, follow_redirects=True)
    assert "on their own" in mixed.get_data(as_text=True)
    bulk = client.post("/inbox/hygiene", data=data, follow_redirects=True)
    assert "2 of 2 selected tickets changed." in bulk.get_data(as_text=True)
    spam_view = client.get("/inbox?view=spam").get_data(as_text=True)
    assert f"#{n2}" in spam_view and f"#{n3}" in spam_view
    forged = client.post(
        "/inbox/bulk", data={"ticket": [str(n2)], "hygiene": "explode", "csrf_token": token}
    )
    assert forged.status_code in (307, 400)
    assert (
        client.post(
            "/inbox/hygiene", data={"ticket": [str(n2)], "hygiene": "x", "csrf_token": token}
        ).status_code
        == 400
    )


def test_bulk_snooze_from_the_inbox(app, login_as):
    client = login_as("agent")
    with app.app_context():
        tickets = TicketFactory.create_batch(2, status="open")
        db.session.commit()
        numbers = [ticket.number for ticket in tickets]
    response = client.post(
        "/inbox/hygiene",
        data={
            "ticket": [str(n) for n in numbers],
            "hygiene": "snooze:next_week",
            "csrf_token": csrf_token(client, "/inbox"),
        },
        follow_redirects=True,
    )
    assert "2 of 2 selected tickets changed." in response.get_data(as_text=True)
    with app.app_context():
        snoozed = db.session.scalars(sa.select(Ticket.snoozed_until)).all()
    assert all(until is not None and until > T0 for until in snoozed)


def test_blocked_senders_page_is_for_admins(app, login_as, make_user):
    with app.app_context():
        user = agent(make_user)
        ticket = TicketFactory(customer=CustomerFactory(email="x@spammy.example"))
        db.session.commit()
        spam.ticket_mark_spam(ticket=ticket, actor=user, block="domain")
        block_id = db.session.scalar(sa.select(BlockedSender.id))
    agent_client = login_as("agent")
    assert agent_client.get("/settings/blocked-senders").status_code == 403
    token = csrf_token(agent_client, "/inbox")
    assert (
        agent_client.post(
            f"/settings/blocked-senders/{block_id}/unblock", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert app.test_client().get("/settings/blocked-senders").status_code in (302, 401)
    admin = login_as("admin")
    page = admin.get("/settings/blocked-senders").get_data(as_text=True)
    assert "spammy.example" in page and "Blocked senders" in page
    admin_token = csrf_token(admin, "/settings/blocked-senders")
    assert admin.post(f"/settings/blocked-senders/{block_id}/unblock").status_code == 400
    assert (
        admin.post(
            "/settings/blocked-senders/nope/unblock", data={"csrf_token": admin_token}
        ).status_code
        == 404
    )
    done = admin.post(
        f"/settings/blocked-senders/{block_id}/unblock",
        data={"csrf_token": admin_token},
        follow_redirects=True,
    )
    assert "spammy.example is unblocked." in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(BlockedSender.id))) == 0


def test_logged_out_visitors_reach_none_of_it(app):
    with app.app_context():
        ticket = TicketFactory()
        db.session.commit()
        number = ticket.number
    client = app.test_client()
    for path in ("snooze", "unsnooze", "merge", "spam", "not-spam"):
        response = client.post(f"/tickets/{number}/{path}")
        assert response.status_code in (302, 400, 401), path
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    assert client.get(f"/tickets/{number}/merge?target=1").status_code in (302, 401)


def test_spam_is_not_counted_as_a_complaint_in_the_trends(database):
    from datetime import date

    from helpdesk.founders.trends import trend_range
    from helpdesk.founders.trends.sections import trend_section

    week = datetime(2026, 3, 2, tzinfo=UTC)
    TicketFactory(kind="complaint", created_at=week + timedelta(days=1))
    TicketFactory(kind="complaint", created_at=week + timedelta(days=2), spam_at=T0)
    db.session.commit()
    rng = trend_range(start=date(2026, 3, 2), end=date(2026, 3, 8))
    rows = trend_section(name="complaints", rng=rng).rows
    assert [cell.text for cell in rows[0].cells][0] == "1"


def test_spam_and_merge_send_the_customer_no_rating_request(database, make_user):
    from helpdesk.models import Outbox

    user = agent(make_user)
    customer = CustomerFactory()
    source, target = TicketFactory(customer=customer), TicketFactory(customer=customer)
    junk = TicketFactory(status="open")
    db.session.commit()
    merge.ticket_merge(source=source, target=target, actor=user)
    spam.ticket_mark_spam(ticket=junk, actor=user)
    sent = db.session.scalars(sa.select(Outbox.template)).all()
    assert "rating_request" not in sent
    from helpdesk.tickets.service import ticket_update

    ticket_update(ticket=target, actor=user, status="resolved")  # an ordinary close still asks
    assert "rating_request" in db.session.scalars(sa.select(Outbox.template)).all()
