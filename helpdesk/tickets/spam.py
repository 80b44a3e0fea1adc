"""Spam and blocked senders. "Mark as spam" closes a ticket as spam (`spam_at`, the status
it had kept in `status_before_spam`), optionally blocking its sender's address or whole
domain (`BlockedSender`; never a public mail provider's domain or the team's own). "Not
spam" restores the status and lifts the blocks made with it. Every change is audited.

New mail and widget conversations from a blocked sender open no ticket: mail intake drops
the message with a log line, the widget answers as if it had accepted it (a spammer learns
nothing), and both count it on the block (`blocked_sender_count_drop`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import BlockedSender, Ticket, User
from helpdesk.models.ticket import STATUSES
from helpdesk.tickets.events import TicketUpdated
from helpdesk.tickets.steps import apply_status

BLOCK_CHOICES = ("", "sender", "domain")
MAX_BULK = 500
# Domains shared by many unrelated people: blocking one would block real customers.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.id",
        "yahoo.co.th",
        "ymail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "zoho.com",
        "qq.com",
        "163.com",
        "126.com",
        "fastmail.com",
        "hey.com",
        "tutanota.com",
    }
)


def sender_domain(email: str) -> str:
    return email.strip().lower().rpartition("@")[2]


def blocked_sender_for(email: str | None) -> BlockedSender | None:
    """The block that covers this address (by itself or its domain), if any."""
    address = (email or "").strip().lower()
    if "@" not in address:
        return None
    return db.session.scalar(
        sa.select(BlockedSender)
        .where(BlockedSender.pattern.in_([address, sender_domain(address)]))
        .order_by(BlockedSender.id)
        .limit(1)
    )


@use_case
def blocked_sender_count_drop(*, blocked: BlockedSender) -> None:
    """Count one more message refused under `blocked` (one UPDATE: safe when concurrent)."""
    db.session.execute(
        sa.update(BlockedSender)
        .where(BlockedSender.id == blocked.id)
        .values(dropped_count=BlockedSender.dropped_count + 1, last_dropped_at=now())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(blocked)


def check_blockable_domain(domain: str) -> str:
    if not domain or "." not in domain:
        raise ValidationError("block", _("This sender has no domain to block."))
    if domain in FREE_MAIL_DOMAINS:
        raise ValidationError(
            "block",
            _(
                "%(domain)s is a public mail provider: blocking it would block real "
                "customers. Block the address instead.",
                domain=domain,
            ),
        )
    staff = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(sa.func.lower(User.email).like(f"%@{domain}"))
    )
    if staff:
        raise ValidationError(
            "block", _("%(domain)s is your team's own domain: it cannot be blocked.", domain=domain)
        )
    return domain


def _block(pattern: str, kind: str, actor: User, ticket: Ticket) -> bool:
    """Add a block unless one with this pattern exists; True when added."""
    if db.session.scalar(sa.select(BlockedSender.id).where(BlockedSender.pattern == pattern)):
        return False
    db.session.add(
        BlockedSender(pattern=pattern, kind=kind, created_by_id=actor.id, ticket_id=ticket.id)
    )
    return True


def mark_spam(
    ticket: Ticket, actor: User, block: str = "", action: str = "ticket.spam"
) -> list[str]:
    """Close one ticket as spam and block as asked (a step: the caller commits); returns
    the patterns newly blocked."""
    if block not in BLOCK_CHOICES:
        raise ValidationError("block", _("Choose what to block from the list."))
    if ticket.spam_at is not None:
        raise NotAllowed(_("#%(number)d is marked as spam already.", number=ticket.number))
    if ticket.merged_into_id is not None:
        raise NotAllowed(
            _("#%(number)d was merged: mark the ticket it was merged into.", number=ticket.number)
        )
    email = ticket.customer.email.strip().lower()
    wanted: list[tuple[str, str]] = []
    if block == "sender":
        wanted.append((email, "email"))
    elif block == "domain":
        wanted.append((check_blockable_domain(sender_domain(email)), "domain"))
    before = ticket.status
    ticket.status_before_spam = before
    ticket.spam_at = now()
    ticket.snoozed_until = None
    apply_status(ticket, "closed", actor)
    blocked = [pattern for pattern, kind in wanted if _block(pattern, kind, actor, ticket)]
    changes: dict[str, object] = {"blocked": blocked} if blocked else {}
    if before != "closed":
        changes["status"] = [before, "closed"]
        publish(TicketUpdated(ticket=ticket, changes={"status": [before, "closed"]}, actor=actor))
    audit(actor=actor, action=action, obj=ticket, changes=changes)
    return blocked


@use_case
def ticket_mark_spam(*, ticket: Ticket, actor: User, block: str = "") -> list[str]:
    """Close the ticket as spam; `block` is "", "sender" (its address) or "domain"."""
    return mark_spam(ticket, actor, block)


@use_case
def ticket_not_spam(*, ticket: Ticket, actor: User) -> list[str]:
    """Undo "Mark as spam": the status it had comes back and the blocks made with it are
    lifted; returns the patterns unblocked."""
    if ticket.spam_at is None:
        raise NotAllowed(_("#%(number)d is not marked as spam.", number=ticket.number))
    restore = ticket.status_before_spam
    if restore not in STATUSES:
        restore = "open"
    ticket.spam_at = None
    ticket.status_before_spam = None
    before = ticket.status
    apply_status(ticket, restore, actor)
    blocks = list(
        db.session.scalars(sa.select(BlockedSender).where(BlockedSender.ticket_id == ticket.id))
    )
    unblocked = [block.pattern for block in blocks]
    for block in blocks:
        db.session.delete(block)
    changes: dict[str, object] = {"unblocked": unblocked} if unblocked else {}
    if before != restore:
        changes["status"] = [before, restore]
        publish(TicketUpdated(ticket=ticket, changes={"status": [before, restore]}, actor=actor))
    ticket.last_activity_at = now()
    audit(actor=actor, action="ticket.not_spam", obj=ticket, changes=changes)
    return unblocked


@use_case
def tickets_bulk_spam(*, numbers: list[int], actor: User) -> int:
    """Mark many tickets as spam (senders stay unblocked: block from a ticket's page); one
    that cannot be marked refuses them all."""
    if not numbers:
        raise ValidationError("tickets", _("Select at least one ticket."))
    if len(numbers) > MAX_BULK:
        raise ValidationError("tickets", _("Change at most 500 tickets at once."))
    tickets = list(db.session.scalars(sa.select(Ticket).where(Ticket.number.in_(set(numbers)))))
    if len(tickets) != len(set(numbers)):
        raise ValidationError("tickets", _("Some selected tickets no longer exist."))
    marked = 0
    for ticket in tickets:
        if ticket.spam_at is None:
            mark_spam(ticket, actor, "", "ticket.bulk_spam")
            marked += 1
    return marked


def blocked_senders() -> list[BlockedSender]:
    """Every block, newest first (a short list in practice)."""
    return list(
        db.session.scalars(
            sa.select(BlockedSender).order_by(
                BlockedSender.created_at.desc(), BlockedSender.id.desc()
            )
        )
    )


def blocked_ticket_numbers(blocked: list[BlockedSender]) -> dict[int, int]:
    """The numbers of the tickets the blocks were made from, by ticket id."""
    ids = {block.ticket_id for block in blocked if block.ticket_id is not None}
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Ticket.id, Ticket.number).where(Ticket.id.in_(ids))).all()
    )


@use_case
def blocked_sender_remove(*, blocked_id: int, actor: User) -> str:
    """Lift one block (the admin page); returns its pattern."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can unblock senders."))
    blocked = db.session.get(BlockedSender, blocked_id)
    if blocked is None:
        raise ValidationError("blocked", _("This sender is not blocked (any more)."))
    audit(
        actor=actor,
        action="blocked_sender.remove",
        obj=blocked,
        changes={"pattern": blocked.pattern, "kind": blocked.kind},
    )
    pattern = blocked.pattern
    db.session.delete(blocked)
    return pattern
