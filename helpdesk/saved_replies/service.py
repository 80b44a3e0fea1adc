"""Saved reply use cases: create, edit and delete (each `@use_case`: one commit, audited).

Who may manage what: team replies (no owner) are the admins'; a personal reply is its
owner's alone — an admin does not edit someone else's personal replies either. The rules
for a reply's fields (lengths, language, known placeholders, a valid macro) are checked
here, so every door (the settings page, tests, a future API) gets the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import SavedReply, User
from helpdesk.models.saved_reply import SAVED_REPLY_LANGUAGES
from helpdesk.models.ticket import PRIORITIES
from helpdesk.saved_replies.placeholders import check_placeholders
from helpdesk.tickets.steps import parse_tags

MAX_TITLE_CHARS = 120
MAX_BODY_CHARS = 5000
MAX_KEYWORDS_CHARS = 200
# A macro moves a ticket on; "new" is where tickets start, never where a reply sends them.
MACRO_STATUSES = ("open", "pending", "resolved", "closed")
MACRO_PRIORITIES = PRIORITIES
MAX_MACRO_TAGS = 5


@dataclass(frozen=True)
class ReplyFields:
    """What an author typed for a saved reply (the macro's parts empty when unused)."""

    title: str
    body: str
    language: str
    keywords: str = ""
    active: bool = True
    set_status: str = ""
    set_priority: str = ""
    add_tags: str = ""


def can_manage(user: User, reply: SavedReply) -> bool:
    if reply.owner_id is None:
        return user.can("admin")
    return reply.owner_id == user.id


def can_use(user: User, reply: SavedReply) -> bool:
    """Team replies are everyone's; a personal reply only its owner's."""
    return reply.owner_id is None or reply.owner_id == user.id


def checked(fields: ReplyFields) -> dict[str, object]:
    """The columns for these fields, or a ValidationError naming the first wrong one."""
    title = " ".join((fields.title or "").split())
    if not title:
        raise ValidationError("title", _("Give the reply a title."))
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(
            "title", _("Use at most %(count)d characters.", count=MAX_TITLE_CHARS)
        )
    body = (fields.body or "").strip()
    if not body:
        raise ValidationError("body", _("Write the reply."))
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            "body",
            _(
                "The reply is %(length)d characters long; use at most %(count)d.",
                length=len(body),
                count=MAX_BODY_CHARS,
            ),
        )
    check_placeholders(body)
    if fields.language not in SAVED_REPLY_LANGUAGES:
        raise ValidationError("language", _("Choose a language from the list."))
    keywords = " ".join((fields.keywords or "").lower().split())
    if len(keywords) > MAX_KEYWORDS_CHARS:
        raise ValidationError(
            "keywords", _("Use at most %(count)d characters.", count=MAX_KEYWORDS_CHARS)
        )
    if fields.set_status and fields.set_status not in MACRO_STATUSES:
        raise ValidationError("set_status", _("Unknown status: choose one from the list."))
    if fields.set_priority and fields.set_priority not in MACRO_PRIORITIES:
        raise ValidationError("set_priority", _("Unknown priority: choose one from the list."))
    try:
        tags = parse_tags(fields.add_tags or "")
    except ValidationError as error:  # the ticket's tag rules, named for this form's field
        raise ValidationError("add_tags", error.message) from error
    if len(tags) > MAX_MACRO_TAGS:
        raise ValidationError("add_tags", _("Add at most %(count)d tags.", count=MAX_MACRO_TAGS))
    return {
        "title": title,
        "body": body,
        "language": fields.language,
        "keywords": keywords,
        "active": bool(fields.active),
        "set_status": fields.set_status or None,
        "set_priority": fields.set_priority or None,
        "add_tags": ",".join(tags),
    }


@use_case
def saved_reply_create(*, actor: User, team: bool, fields: ReplyFields) -> SavedReply:
    """A team reply (admins only) or a personal one for `actor`."""
    if team and not actor.can("admin"):
        raise NotAllowed(_("Only an admin can add team replies."))
    values = checked(fields)
    reply = SavedReply(owner_id=None if team else actor.id, created_at=now(), **values)
    reply.updated_at = reply.created_at
    db.session.add(reply)
    db.session.flush()
    audit(
        actor=actor,
        action="saved_reply.create",
        obj=reply,
        changes={"team": team, **values},
    )
    return reply


@use_case
def saved_reply_update(*, actor: User, reply: SavedReply, fields: ReplyFields) -> SavedReply:
    if not can_manage(actor, reply):
        raise NotAllowed(_("You can change only your own replies (team replies: admins)."))
    values = checked(fields)
    changes = {
        key: [getattr(reply, key), value]
        for key, value in values.items()
        if getattr(reply, key) != value
    }
    if changes:
        for key, value in values.items():
            setattr(reply, key, value)
        reply.updated_at = now()
        audit(actor=actor, action="saved_reply.update", obj=reply, changes=changes)
    return reply


@use_case
def saved_reply_delete(*, actor: User, reply: SavedReply) -> None:
    if not can_manage(actor, reply):
        raise NotAllowed(_("You can delete only your own replies (team replies: admins)."))
    audit(
        actor=actor,
        action="saved_reply.delete",
        obj=reply,
        changes={"title": reply.title, "team": reply.owner_id is None},
    )
    db.session.delete(reply)


@use_case
def seed_saved_replies() -> None:
    """Load the starting team replies where the team has none yet (idempotent; the demo)."""
    from helpdesk.saved_replies.seed_data import SAVED_REPLIES

    has_team = db.session.scalar(
        sa.select(SavedReply.id)
        .where(SavedReply.owner_id.is_(None), SavedReply.heard_step.is_(None))
        .limit(1)
    )
    if has_team is not None:
        return
    created = now()
    for seed in SAVED_REPLIES:
        db.session.add(
            SavedReply(
                owner_id=None,
                title=seed.title,
                language=seed.language,
                body=seed.body,
                keywords=seed.keywords,
                set_status=seed.set_status,
                add_tags=seed.add_tags,
                created_at=created,
                updated_at=created,
            )
        )
