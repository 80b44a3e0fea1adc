"""Outreach without HTTP: why a draft is held back, what a playbook does when a customer's
usage changes (drafts in the customer's language, auto-send only when asked), sending (a
new conversation emailed like a reply, the customer's answer threading back into it, the
outcome recorded), "left" (one thank-you, then no surveys or rating requests) and a
feature request marked shipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from helpdesk.bidi import isolate
from helpdesk.clock import now
from helpdesk.errors import Conflict, NotAllowed
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.feedback.nps import nps_round_start
from helpdesk.mail.inbound import mail_receive
from helpdesk.models import (
    AuditEvent,
    Customer,
    FeatureRequest,
    FeatureRequestTicket,
    Message,
    NpsSurvey,
    Outbox,
    Outreach,
    Recovery,
    SavedReply,
    SurveyOptOut,
    Ticket,
    User,
)
from helpdesk.outreach.features import (
    feature_request_link,
    feature_request_send_drafts,
    feature_request_set_status,
)
from helpdesk.outreach.service import (
    customer_mark_left,
    customer_unmark_left,
    outreach_dismiss,
    outreach_send,
)
from helpdesk.outreach.settings import SETTING_KEY
from helpdesk.outreach.suppression import suppression_reason
from helpdesk.settings.service import setting_put
from helpdesk.tickets.service import ticket_update
from helpdesk.usage.events import CustomerUsageChanged
from tests.factories import CustomerFactory, MessageFactory, TicketFactory
from tests.integration.mail_inbound_support import configure

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def staff(role: str, name: str = "Mina Founder") -> User:
    user = User(email=f"{role}-{name.split()[0].lower()}@example.com", name=name, role=role)
    user.set_password("correct-horse-battery")
    db.session.add(user)
    db.session.commit()
    return user


def playbooks(**triggers: dict[str, Any]) -> None:
    setting_put(SETTING_KEY, {"playbooks": triggers, "cooldown_days": 14})
    db.session.commit()


def usage_changed(customer: Customer, state: str, at: datetime | None = None) -> None:
    publish(CustomerUsageChanged(customer.id, state, "active", at or now()))
    db.session.commit()


def outreaches(customer: Customer) -> list[Outreach]:
    return list(
        db.session.scalars(
            sa.select(Outreach).where(Outreach.customer_id == customer.id).order_by(Outreach.id)
        )
    )


# Suppression -----------------------------------------------------------------------------


def test_a_customer_with_nothing_going_on_may_be_contacted(database: Any, set_now: Any) -> None:
    set_now(NOW)
    customer = TicketFactory(status="resolved").customer
    assert suppression_reason(customer, "slipping") is None


def test_each_reason_to_hold_an_outreach_back(database: Any, set_now: Any) -> None:
    set_now(NOW)
    open_ticket = TicketFactory(status="open").customer
    assert suppression_reason(open_ticket, "slipping") == "open_ticket"
    # An open ticket does not hold back news the customer asked for.
    assert suppression_reason(open_ticket, "feature_shipped") is None

    complaint = TicketFactory(status="pending", kind="complaint").customer
    assert suppression_reason(complaint, "slipping") == "complaint"
    assert suppression_reason(complaint, "feature_shipped") == "complaint"
    # A complaint resolved while its recovery is still under way is not over.
    recovering = TicketFactory(status="resolved", kind="complaint")
    db.session.add(Recovery(ticket_id=recovering.id, state="active"))
    db.session.commit()
    assert suppression_reason(recovering.customer, "feature_shipped") == "complaint"

    unsubscribed = CustomerFactory()
    db.session.add(SurveyOptOut(customer_id=unsubscribed.id, created_at=NOW))
    db.session.commit()
    assert suppression_reason(unsubscribed, "slipping") == "unsubscribed"

    left = CustomerFactory(left_at=NOW - DAY)
    assert suppression_reason(left, "slipping") == "left"
    assert suppression_reason(left, "feature_shipped") == "left"
    assert suppression_reason(left, "left") is None  # the one thank-you

    erased = CustomerFactory(erased_at=NOW - DAY, left_at=NOW - DAY)
    assert suppression_reason(erased, "left") == "erased"

    contacted = CustomerFactory()
    db.session.add(
        Outreach(
            customer=contacted,
            kind="manual",
            state="sent",
            subject="Hello",
            body="Hi",
            language="en",
            sent_at=NOW - 13 * DAY,
            created_at=NOW - 13 * DAY,
        )
    )
    db.session.commit()
    assert suppression_reason(contacted, "slipping") == "recently_contacted"
    set_now(NOW + 2 * DAY)
    assert suppression_reason(contacted, "slipping") is None


def test_our_own_outreach_waiting_on_the_customer_is_not_an_open_ticket(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    customer = TicketFactory(status="pending", channel="outreach").customer
    assert suppression_reason(customer, "slipping") is None


# Playbooks -------------------------------------------------------------------------------


def test_a_slipping_customer_gets_a_draft_for_review_assigned_to_the_founder(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    founder = staff("founder")
    staff("agent", "Arun Agent")
    playbooks(slipping={"enabled": True})
    customer = CustomerFactory(name="Ana Lima")
    usage_changed(customer, "slipping")
    [draft] = outreaches(customer)
    assert (draft.kind, draft.state, draft.assignee_id) == ("slipping", "draft", founder.id)
    assert draft.subject == "Checking in" and "not been around" in draft.body
    assert db.session.scalar(sa.select(sa.func.count(Outbox.id))) == 0  # nothing sent
    # Another change while the draft waits makes no second one.
    usage_changed(customer, "slipping")
    assert len(outreaches(customer)) == 1


def test_playbooks_that_are_off_or_do_not_match_do_nothing(database: Any, set_now: Any) -> None:
    set_now(NOW)
    staff("founder")
    playbooks(slipping={"enabled": False}, dormant={"enabled": True})
    customer = CustomerFactory()
    usage_changed(customer, "slipping")
    usage_changed(customer, "new")
    assert outreaches(customer) == []
    usage_changed(customer, "dormant")
    assert [o.kind for o in outreaches(customer)] == ["onboarding"]


def test_the_draft_is_the_saved_reply_in_the_customers_language(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    founder = staff("founder", "Mina Founder")
    english = SavedReply(
        title="Check-in", body="Hi {customer_first_name}, miss you!", language="en"
    )
    thai = SavedReply(
        title="Check-in",
        body="สวัสดีค่ะ คุณ{customer_first_name} จาก {agent_first_name}",
        language="th",
    )
    db.session.add_all([english, thai])
    db.session.commit()
    playbooks(slipping={"enabled": True, "assignee_id": founder.id, "saved_reply_id": english.id})
    somchai = CustomerFactory(name="Somchai Jaidee", language="th")
    ana = CustomerFactory(name="Ana Lima", language="en")
    nameless = CustomerFactory(name=" ", language="id")
    for customer in (somchai, ana, nameless):
        usage_changed(customer, "slipping")
    [thai_draft] = outreaches(somchai)
    assert (thai_draft.language, thai_draft.body) == ("th", "สวัสดีค่ะ คุณSomchai จาก Mina")
    [english_draft] = outreaches(ana)
    assert (english_draft.language, english_draft.body) == ("en", "Hi Ana, miss you!")
    # No Indonesian version: the chosen reply, with English fallback words.
    [fallback] = outreaches(nameless)
    assert fallback.body == "Hi there, miss you!"


def test_a_held_back_customer_gets_a_suppressed_draft_with_the_reason(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    staff("founder")
    playbooks(slipping={"enabled": True, "auto_send": True})
    customer = TicketFactory(status="open").customer
    usage_changed(customer, "slipping")
    [held] = outreaches(customer)
    assert (held.state, held.suppressed_reason) == ("suppressed", "open_ticket")
    assert db.session.scalar(sa.select(sa.func.count(Outbox.id))) == 0
    # Within the quiet period nothing new; after it, a held-back draft does not stop a try.
    usage_changed(customer, "slipping")
    assert len(outreaches(customer)) == 1
    set_now(NOW + 15 * DAY)
    usage_changed(customer, "slipping")
    assert [o.state for o in outreaches(customer)] == ["suppressed", "suppressed"]


def test_auto_send_is_opt_in_and_sends_at_once(database: Any, set_now: Any) -> None:
    set_now(NOW)
    founder = staff("founder")
    playbooks(slipping={"enabled": True, "auto_send": True})
    customer = CustomerFactory(email="ana@example.net")
    usage_changed(customer, "slipping")
    [sent] = outreaches(customer)
    assert sent.state == "sent" and sent.sent_by_id == founder.id
    email = db.session.scalar(sa.select(Outbox).where(Outbox.ticket_id == sent.ticket_id))
    assert email is not None and email.to_address == "ana@example.net"


# Sending and outcomes --------------------------------------------------------------------


def _draft(customer: Customer, founder: User, kind: str = "slipping") -> Outreach:
    outreach = Outreach(
        customer=customer,
        kind=kind,
        state="draft",
        subject="Checking in",
        body="How is it going?",
        language="en",
        assignee=founder,
        created_at=now(),
    )
    db.session.add(outreach)
    db.session.commit()
    return outreach


def test_sending_opens_a_conversation_emailed_like_a_reply_and_the_answer_threads_back(
    app: Any, database: Any, set_now: Any, tmp_path: Path
) -> None:
    configure(app, tmp_path)
    set_now(NOW)
    founder = staff("founder")
    customer = CustomerFactory(name="Ana Lima", email="ana@example.net")
    outreach = _draft(customer, founder)
    outreach_send(actor=founder, outreach=outreach, subject="Checking in", body="All well?")

    ticket = db.session.get(Ticket, outreach.ticket_id)
    assert ticket is not None
    assert (ticket.channel, ticket.status, ticket.assignee_id) == (
        "outreach",
        "pending",
        founder.id,
    )
    [first] = ticket.messages
    assert (first.author_type, first.author_user_id, first.body_source) == (
        "staff",
        founder.id,
        "All well?",
    )
    [email] = db.session.scalars(sa.select(Outbox).where(Outbox.ticket_id == ticket.id)).all()
    assert email.template == "staff_reply" and email.to_address == "ana@example.net"
    assert email.subject == f"{isolate('Checking in')} [#{ticket.number}]"  # no "Re:"
    assert "All well?" in email.body_text and f"Hi {isolate('Ana')}," in email.body_text
    assert (outreach.state, outreach.sent_at) == ("sent", NOW)
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "outreach.send"))

    set_now(NOW + DAY)
    answer = EmailMessage()
    answer["From"] = "Ana Lima <ana@example.net>"
    answer["To"] = email.headers["Reply-To"]
    answer["Subject"] = f"Re: {email.subject}"
    answer["Message-ID"] = make_msgid(domain="example.net")
    answer["In-Reply-To"] = email.message_id
    answer.set_content("Yes, we were just busy. Thanks for asking!")
    result = mail_receive(answer.as_bytes())
    assert (result.action, result.ticket_number) == ("replied", ticket.number)
    db.session.expire_all()
    replies = db.session.scalars(
        sa.select(Message).where(Message.ticket_id == ticket.id, Message.author_type == "customer")
    ).all()
    assert [m.body_source for m in replies] == ["Yes, we were just busy. Thanks for asking!"]
    assert db.session.get(Outreach, outreach.id).replied_at == NOW + DAY  # type: ignore[union-attr]


def test_a_customer_active_again_within_30_days_came_back(database: Any, set_now: Any) -> None:
    set_now(NOW)
    founder = staff("founder")
    early, recent = CustomerFactory(), CustomerFactory()
    for customer in (early, recent):
        outreach_send(actor=founder, outreach=_draft(customer, founder), subject="Hi", body="Hello")
    set_now(NOW + 20 * DAY)
    usage_changed(recent, "active")
    set_now(NOW + 31 * DAY)
    usage_changed(early, "active")
    assert outreaches(recent)[0].came_back_at == NOW + 20 * DAY
    assert outreaches(early)[0].came_back_at is None


def test_sending_rechecks_and_refuses_with_the_reason(database: Any, set_now: Any) -> None:
    set_now(NOW)
    founder = staff("founder")
    agent = staff("agent", "Arun Agent")
    customer = CustomerFactory()
    outreach = _draft(customer, founder)
    with pytest.raises(NotAllowed):
        outreach_send(actor=agent, outreach=outreach, subject="Hi", body="Hello")
    TicketFactory(customer=customer, status="open", kind="complaint")
    with pytest.raises(Conflict, match="unresolved complaint"):
        outreach_send(actor=founder, outreach=outreach, subject="Hi", body="Hello")
    assert db.session.get(Outreach, outreach.id).state == "draft"  # type: ignore[union-attr]
    outreach_dismiss(actor=founder, outreach=outreach)
    with pytest.raises(Conflict):
        outreach_send(actor=founder, outreach=outreach, subject="Hi", body="Hello")
    assert (
        db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(Ticket.channel == "outreach"))
        == 0
    )


# Left ------------------------------------------------------------------------------------


def test_left_sends_one_thank_you_and_stops_other_messages(database: Any, set_now: Any) -> None:
    set_now(NOW)
    founder = staff("founder")
    playbooks(left={"enabled": True}, slipping={"enabled": True})
    customer = CustomerFactory(name="Ana Lima")
    waiting = _draft(customer, founder)
    thanks = customer_mark_left(actor=founder, customer=customer)
    assert thanks is not None and (thanks.kind, thanks.state) == ("left", "draft")
    assert thanks.subject == "Thank you"
    assert customer.left_at == NOW
    assert (waiting.state, waiting.suppressed_reason) == ("suppressed", "left")
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "customer.left"))
    with pytest.raises(Conflict):
        customer_mark_left(actor=founder, customer=customer)
    usage_changed(customer, "slipping")  # no new playbook draft reaches them
    assert [o.kind for o in outreaches(customer) if o.state == "draft"] == ["left"]
    outreach_send(actor=founder, outreach=thanks, subject=thanks.subject, body=thanks.body)
    assert thanks.state == "sent"
    customer_unmark_left(actor=founder, customer=customer)
    assert customer.left_at is None


def test_a_customer_who_left_gets_no_rating_request_and_no_survey(
    database: Any, set_now: Any
) -> None:
    set_now(NOW)
    founder = staff("founder")
    stays = TicketFactory(status="open", created_at=NOW - 3 * DAY, last_activity_at=NOW - 3 * DAY)
    goes = TicketFactory(status="open", created_at=NOW - 3 * DAY, last_activity_at=NOW - 3 * DAY)
    MessageFactory(ticket=stays)
    MessageFactory(ticket=goes)
    customer_mark_left(actor=founder, customer=goes.customer)
    for ticket in (stays, goes):
        ticket_update(ticket=ticket, actor=founder, status="resolved")
    asked = set(
        db.session.scalars(sa.select(Outbox.ticket_id).where(Outbox.template == "rating_request"))
    )
    assert asked == {stays.id}
    survey_round = nps_round_start()
    assert survey_round is not None
    invited = set(db.session.scalars(sa.select(NpsSurvey.customer_id)))
    assert invited == {stays.customer_id}
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Outbox.id)).where(Outbox.template == "nps_survey")
        )
        == 1
    )


# Feature requests ------------------------------------------------------------------------


def test_shipping_drafts_a_note_per_requester_skipping_who_left(
    app: Any, database: Any, set_now: Any
) -> None:
    set_now(NOW)
    founder = staff("founder")
    agent = staff("agent", "Arun Agent")
    happy = TicketFactory(status="resolved", customer__name="Ana Lima", customer__language="th")
    unhappy = TicketFactory(status="resolved", customer__name="Budi Santoso")
    TicketFactory(status="open", kind="complaint", customer=unhappy.customer)
    gone = TicketFactory(status="resolved", customer__name="Chen Wei")
    again = TicketFactory(status="resolved", customer=happy.customer)
    feature = feature_request_link(
        actor=agent, ticket=happy, feature_id=None, new_title="Dark mode"
    )
    for ticket in (unhappy, gone, again):
        feature_request_link(actor=agent, ticket=ticket, feature_id=feature.id, new_title=None)
    customer_mark_left(actor=founder, customer=gone.customer)
    with pytest.raises(NotAllowed):
        feature_request_set_status(actor=agent, feature=feature, status="shipped")

    result = feature_request_set_status(actor=founder, feature=feature, status="shipped")
    assert result is not None
    assert (result.drafted, result.suppressed, result.skipped_left) == (1, 1, 1)
    notes = {o.customer_id: o for o in db.session.scalars(sa.select(Outreach))}
    assert set(notes) == {happy.customer_id, unhappy.customer_id}
    note = notes[happy.customer_id]
    assert (note.kind, note.state, note.source_ticket_id) == ("feature_shipped", "draft", happy.id)
    assert note.language == "th" and "Dark mode" in note.body
    assert f"#{happy.number}" in note.body and "/c/" in note.body
    held = notes[unhappy.customer_id]
    assert (held.state, held.suppressed_reason) == ("suppressed", "complaint")

    sent = feature_request_send_drafts(actor=founder, feature=feature)
    assert (sent.sent, sent.held) == (1, 0)
    assert note.state == "sent" and held.state == "suppressed"
    emails = db.session.scalars(
        sa.select(Outbox.to_address).where(Outbox.template == "staff_reply")
    )
    assert list(emails) == [happy.customer.email]
    with pytest.raises(Conflict):
        feature_request_send_drafts(actor=founder, feature=feature)
    links = db.session.scalar(sa.select(sa.func.count()).select_from(FeatureRequestTicket))
    assert links == 4
    assert db.session.scalar(sa.select(FeatureRequest.shipped_at)) == NOW


# Demo ------------------------------------------------------------------------------------


def test_the_demo_shows_a_shipped_feature_with_requesters_and_sent_outreach(
    app: Any, runner: Any
) -> None:
    result = runner.invoke(args=["helpdesk", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        dark = db.session.scalar(
            sa.select(FeatureRequest).where(FeatureRequest.title == "Dark mode")
        )
        assert dark is not None and dark.status == "shipped"
        asked = db.session.scalars(
            sa.select(Ticket.subject)
            .join(FeatureRequestTicket, FeatureRequestTicket.ticket_id == Ticket.id)
            .where(FeatureRequestTicket.feature_request_id == dark.id)
        ).all()
        assert asked and set(asked) == {"Please add dark mode"}
        notes = db.session.scalars(
            sa.select(Outreach).where(Outreach.feature_request_id == dark.id)
        ).all()
        assert notes and {o.kind for o in notes} == {"feature_shipped"}
        sent = db.session.scalars(sa.select(Outreach).where(Outreach.state == "sent")).all()
        assert len(sent) == 4
        assert any(o.replied_at for o in sent) and any(o.came_back_at for o in sent)
        assert all(o.ticket is not None and o.ticket.channel == "outreach" for o in sent)


def test_erasing_a_customer_empties_their_outreach_and_holds_drafts(
    database: Any, set_now: Any
) -> None:
    from helpdesk.privacy.erase import customer_erase

    set_now(NOW)
    founder = staff("founder")
    admin = staff("admin", "Ada Admin")
    customer = CustomerFactory(name="Ana Lima", email="ana@example.net")
    sent = _draft(customer, founder)
    outreach_send(actor=founder, outreach=sent, subject="Hi Ana", body="Ana, all well?")
    waiting = _draft(customer, founder)
    customer_erase(actor=admin, customer=customer, confirmation="ana@example.net")
    rows = {o.id: o for o in outreaches(customer)}
    assert {(o.subject, o.body) for o in rows.values()} == {("", "")}
    assert rows[sent.id].state == "sent"
    assert (rows[waiting.id].state, rows[waiting.id].suppressed_reason) == ("suppressed", "erased")
