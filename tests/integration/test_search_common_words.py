"""Search stays fast for words found in most conversations, on both databases: a word is "common" in
a field when it matches more than CANDIDATES rows there. A common word is scored flat (no
bm25 or ts_rank, which read every match first); a query whose every word is common reads only the
newest CANDIDATES matches per field; a rare word in the query bounds the answer, so
nothing it finds is lost. Rare words are ranked exactly as before."""

from __future__ import annotations

import pytest

from helpdesk.extensions import db
from helpdesk.search import ranking as search_module
from tests.factories import MessageFactory, TicketFactory
from tests.integration.test_search import search

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def few_candidates(monkeypatch):
    monkeypatch.setattr(search_module, "CANDIDATES", 3)


def body(ticket, text):
    return MessageFactory(ticket=ticket, body_source=text)


def test_a_common_word_lists_the_tickets_of_its_newest_matches(few_candidates):
    old = TicketFactory(subject="Old question")
    body(old, "Please refund me")
    newer = []
    for _ in range(5):
        ticket = TicketFactory(subject="Newer question")
        body(ticket, "A refund would be nice")
        newer.append(ticket)
    found = search("refund")
    assert found == [t.number for t in reversed(newer[-3:])]
    assert old.number not in found


def test_a_rare_word_keeps_every_ticket_the_common_word_shares(few_candidates):
    old = TicketFactory(subject="Old question")
    body(old, "Please refund order Z9912345")
    for _ in range(5):
        body(TicketFactory(subject="Newer question"), "A refund would be nice")
    assert search("refund z9912345") == [old.number]
    assert search("z9912345 refund") == [old.number]


def test_a_subject_match_still_outranks_a_body_match_for_a_common_word(few_candidates):
    in_body = TicketFactory(subject="Question")
    body(in_body, "refund please")
    in_subject = TicketFactory(subject="Refund")
    for _ in range(4):
        body(TicketFactory(subject="Another"), "refund again")
    assert search("refund")[0] == in_subject.number
    assert in_body.number not in search("refund")  # beyond the newest three bodies


def test_rare_words_rank_as_before(monkeypatch):
    tickets = [TicketFactory(subject=f"Laptop {n}") for n in range(3)]
    body(tickets[0], "laptop laptop laptop screen")
    body(tickets[1], "laptop")
    exact = search("laptop")
    monkeypatch.setattr(search_module, "CANDIDATES", 1000)
    assert search("laptop") == exact
    assert set(exact) == {t.number for t in tickets}


def test_common_everywhere_multi_word_queries_still_need_every_word(few_candidates):
    import sqlalchemy as sa

    from helpdesk.models import Message, Ticket

    for _ in range(5):
        body(TicketFactory(subject="Order question"), "refund")
        body(TicketFactory(subject="Question"), "where is my parcel")
    found = search("refund order")
    assert found
    for number in found:
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
        texts = [ticket.subject, ticket.customer.name, ticket.customer.email]
        texts += db.session.scalars(
            sa.select(Message.body_source).where(Message.ticket_id == ticket.id)
        ).all()
        joined = " ".join(texts).lower()
        assert "refund" in joined and "order" in joined
