"""The steps of ticket use cases: rules that check input, and changes that join the
caller's transaction. Nothing here commits (use cases in `service.py` and `intake.py`
do, through `@use_case`); other features compose these steps into their own use cases.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.attachments.storing import attach, store_uploads
from helpdesk.attachments.uploads import Upload
from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.errors import Conflict, ValidationError
from helpdesk.events import publish
from helpdesk.extensions import db
from helpdesk.models import Message, Tag, Ticket, User
from helpdesk.models.ticket import (
    DONE_STATUSES,
    PRIORITIES,
    SNIPPET_LENGTH,
    STATUSES,
)
from helpdesk.rendering import markdown_to_html
from helpdesk.tickets.events import StaffReplied, StatusChanged, TicketUpdated

MAX_BODY_CHARS = 50_000
MAX_SUBJECT_CHARS = 200
MAX_TAGS = 10
MAX_TAG_CHARS = 30
UNSET: object = object()


class StaleTicket(Conflict):
    """Someone else changed the ticket since the agent's page was loaded."""

    code = "stale_ticket"


@dataclass(frozen=True)
class SeenState:
    """What the agent's page showed when it was loaded: the newest message and the status."""

    last_message_id: int
    status: str


def snippet(text: str) -> str:
    """The first words of a message, on one line, for the inbox row."""
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_LENGTH else flat[: SNIPPET_LENGTH - 1].rstrip() + "…"


def record_message(ticket: Ticket, message: Message) -> None:
    """Update what a ticket derives from its messages (snippet, waiting, first response)."""
    at = message.created_at
    ticket.last_activity_at = at
    if message.internal:
        return
    ticket.last_message_snippet = snippet(message.body_source)
    if message.author_type == "customer":
        if message.author_customer is not None:  # the directory's "last contact"
            message.author_customer.last_contact_at = at
        if ticket.waiting_since is None:
            ticket.waiting_since = at
    elif message.author_type == "staff":
        ticket.waiting_since = None
        if ticket.first_staff_reply_at is None:
            ticket.first_staff_reply_at = at


def clean_body(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(field, _("Write a message first."))
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            field,
            _(
                "This message is %(length)d characters long; the limit is %(limit)d. "
                "Shorten it or split it in two.",
                length=len(body),
                limit=MAX_BODY_CHARS,
            ),
        )
    return body


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValidationError("status", _("Unknown status: choose one from the list."))
    return status


def check_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise ValidationError("priority", _("Unknown priority: choose one from the list."))
    return priority


def check_assignee(assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    user = db.session.get(User, assignee_id)
    if user is None or not user.active:
        raise ValidationError("assignee", _("Choose someone on the team."))
    return user


def valid_tag(name: str) -> bool:
    """Up to 30 letters (any script, with their combining marks), digits, - and _, starting
    with a letter or digit."""
    if not 0 < len(name) <= MAX_TAG_CHARS or unicodedata.category(name[0])[0] not in "LN":
        return False
    return all(char in "-_" or unicodedata.category(char)[0] in "LMN" for char in name)


# Where letters, marks and digits can be: planes 0-3, and plane 14's variation selectors
# (the other planes are unassigned or private use).
_ASSIGNED = (range(0x40000), range(0xE0000, 0xE1000))


def _class(codes: list[int]) -> str:
    """A regex character class of `codes` (ascending), written with the characters
    themselves, so Python, Rust and ECMAScript read it alike."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = (
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return "[" + "".join(parts) + "]"


@functools.cache
def tag_pattern() -> str:
    """A tag as the REST API takes it, as a regex: one word that `valid_tag` allows once
    lower-cased (the API refuses what the web form would trim or join with hyphens).
    Computed from this Python's Unicode tables, once (a few tenths of a second)."""
    first: list[int] = []
    rest: list[int] = []
    for code in itertools.chain(*_ASSIGNED):
        lowered = chr(code).lower()
        if len(lowered) != 1:
            continue
        kind = "_" if lowered in "-_" else unicodedata.category(lowered)[0]
        if kind in "LN":
            first.append(code)
        if kind in "LMN_":
            rest.append(code)
    return f"^{_class(first)}{_class(rest)}{{0,{MAX_TAG_CHARS - 1}}}$"


def parse_tags(raw: str | list[str]) -> list[str]:
    """Tag names from "billing, refund" (or a list): trimmed, lower-case, validated."""
    parts = raw.split(",") if isinstance(raw, str) else raw
    names: list[str] = []
    for part in parts:
        name = "-".join(part.strip().lower().split())
        if not name:
            continue
        if not valid_tag(name):
            raise ValidationError(
                "tags",
                _(
                    "“%(tag)s” is not a valid tag: use up to 30 letters, digits, - or _.",
                    tag=name[:40],
                ),
            )
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ValidationError("tags", _("Use at most %(count)d tags.", count=MAX_TAGS))
    return names


def _tags_named(names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {
        tag.name: tag for tag in db.session.scalars(sa.select(Tag).where(Tag.name.in_(names)))
    }
    tags = []
    for name in names:
        tag = existing.get(name) or Tag(name=name)
        db.session.add(tag)
        tags.append(tag)
    return tags


def apply_status(ticket: Ticket, status: str, actor: User | None = None) -> None:
    """Move the ticket to `status` and publish `StatusChanged` (a complaint under recovery
    refuses "closed" there; resolving keeps a pending promise and asks for a rating)."""
    old = ticket.status
    if old == status:
        return
    ticket.status = status
    ticket.status_changed_at = now()
    # Handlers see the time it was last resolved (a reopening within 14 days counts against
    # a recovery), so the resolution time is set after them.
    publish(StatusChanged(ticket=ticket, old=old, new=status, actor=actor))
    if status in DONE_STATUSES:
        ticket.resolved_at = ticket.resolved_at or now()
        ticket.waiting_since = None
    else:
        ticket.resolved_at = None


def check_not_stale(ticket: Ticket, seen: SeenState | None, actor: User) -> None:
    if seen is None:
        return
    newer = db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(
            Message.ticket_id == ticket.id,
            Message.id > seen.last_message_id,
            sa.or_(Message.author_user_id.is_(None), Message.author_user_id != actor.id),
        )
    )
    if newer:
        raise StaleTicket(
            _(
                "Someone wrote on this ticket since you opened it. Read the new message below, "
                "then send yours again — your text is kept."
            )
        )
    if ticket.status != seen.status:
        raise StaleTicket(
            _(
                "The status changed since you opened this ticket. Check it, then send again — "
                "your text is kept."
            )
        )


def claim_version(ticket: Ticket) -> None:
    """Bump the ticket's version only if nobody else did since it was read: of two replies
    racing from the same page state, the second finds no row to bump and is held back."""
    result = db.session.execute(
        sa.update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.version == ticket.version)
        .values(version=Ticket.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise StaleTicket(
            _(
                "Someone wrote on this ticket since you opened it. Read the new message below, "
                "then send yours again — your text is kept."
            )
        )
    db.session.expire(ticket, ["version"])


def staff_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    status: str | None = None,
    seen: SeenState | None = None,
    promise_due: datetime | None = None,
    promise_text: str | None = None,
    saved_reply_id: int | None = None,
    saved_reply_actions: bool = False,
    uploads: Sequence[Upload] = (),
) -> Message:
    """A public reply or an internal note by a staff member (see `service.ticket_reply`).
    `uploads` were checked already; they are stored once everything else is checked, and
    taken back out of storage if the transaction rolls back."""
    body = clean_body(body)
    if status is not None:
        check_status(status)
    if promise_due is not None and internal:
        raise ValidationError(
            "promise_due_at", _("A promise is made to the customer: send it as a reply.")
        )
    check_not_stale(ticket, seen, author)
    if seen is not None:
        claim_version(ticket)
    message = Message(
        ticket=ticket,
        author_type="staff",
        author_user=author,
        body_source=body,
        body_html=markdown_to_html(body),
        internal=internal,
        created_at=now(),
    )
    db.session.add(message)
    record_message(ticket, message)
    changes: dict[str, Any] = {}
    if not internal and ticket.assignee_id is None:
        ticket.assignee = author
        changes["assignee"] = [None, author.id]
    new_status = status or ("open" if not internal and ticket.status == "new" else None)
    if new_status and new_status != ticket.status:
        changes["status"] = [ticket.status, new_status]
        apply_status(ticket, new_status, author)
    db.session.flush()
    changes["message_id"] = message.id
    attach(message, store_uploads(uploads))
    if uploads:
        changes["attachments"] = len(uploads)
    audit(
        actor=author,
        action="ticket.note" if internal else "ticket.reply",
        obj=ticket,
        changes=changes,
    )
    publish(
        StaffReplied(
            ticket=ticket,
            message=message,
            author=author,
            changes=changes,
            promise_due=promise_due,
            promise_text=promise_text,
            requested_status=status,
            saved_reply_id=saved_reply_id,
            saved_reply_actions=saved_reply_actions,
        )
    )
    return message


def apply_update(
    ticket: Ticket,
    *,
    status: str | None,
    priority: str | None,
    assignee_id: int | None | object,
    tags: str | list[str] | None,
    add_tags: list[str] | None = None,
    actor: User | None = None,
) -> dict[str, list[object]]:
    """Change what was asked of one ticket; returns what changed. A refused value raises
    (the use case then rolls back whatever this already changed)."""
    if status is not None:
        check_status(status)
    if priority is not None:
        check_priority(priority)
    new_assignee = check_assignee(assignee_id) if assignee_id is not UNSET else None  # type: ignore[arg-type]
    wanted_tags = parse_tags(tags) if tags is not None else None
    changes: dict[str, list[object]] = {}
    if status is not None and status != ticket.status:
        changes["status"] = [ticket.status, status]
        apply_status(ticket, status, actor)
    if priority is not None and priority != ticket.priority:
        changes["priority"] = [ticket.priority, priority]
        ticket.priority = priority
    if assignee_id is not UNSET and (new_assignee.id if new_assignee else None) != (
        ticket.assignee_id
    ):
        changes["assignee"] = [ticket.assignee_id, new_assignee.id if new_assignee else None]
        ticket.assignee = new_assignee
    if tags is not None or add_tags:
        current = [tag.name for tag in ticket.tags]
        wanted = wanted_tags if wanted_tags is not None else list(current)
        for name in add_tags or []:
            if name not in wanted:
                wanted.append(name)
        if len(wanted) > MAX_TAGS:
            raise ValidationError("tags", _("Use at most %(count)d tags.", count=MAX_TAGS))
        if sorted(wanted) != sorted(current):
            changes["tags"] = [sorted(current), sorted(wanted)]
            ticket.tags = _tags_named(wanted)
    if changes:
        ticket.last_activity_at = now()
    return changes


def record_update(
    ticket: Ticket, changes: dict[str, list[object]], actor: User, action: str
) -> None:
    """Audit a property change and publish `TicketUpdated`."""
    audit(actor=actor, action=action, obj=ticket, changes=changes)
    publish(TicketUpdated(ticket=ticket, changes=dict(changes), actor=actor))
