"""Customers' access tokens: a ticket a customer can reach without logging in carries one,
at least 128 random bits, handed to the customer once and stored only as its SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Ticket, TicketAccessToken
from helpdesk.tickets.merge import merge_target


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A new token (256 bits) and its hash."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def ticket_by_token(token: str, *, follow_merges: bool = True) -> Ticket | None:
    """The ticket a customer's access token opens (the ticket's first token or one minted
    for an email link), or None (for any malformed token too). A token of a ticket merged
    into another opens that one, unless `follow_merges` is False."""
    if not token or len(token) > 200:
        return None
    digest = token_hash(token)
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.access_token_hash == digest))
    if ticket is None:
        ticket = db.session.scalar(
            sa.select(Ticket)
            .join(TicketAccessToken, TicketAccessToken.ticket_id == Ticket.id)
            .where(TicketAccessToken.token_hash == digest)
        )
    if ticket is not None and follow_merges and ticket.merged_into_id is not None:
        ticket = merge_target(ticket)
    return ticket


def ticket_link_token(ticket: Ticket) -> str:
    """A new access token for a link to `/c/<token>` (an email's), in the caller's
    transaction; the customer's earlier tokens keep working."""
    token, digest = new_token()
    db.session.add(TicketAccessToken(ticket_id=ticket.id, token_hash=digest))
    return token
