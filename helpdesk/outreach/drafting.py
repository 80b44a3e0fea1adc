"""What a draft says: its subject and body in the customer's language. A playbook's saved
reply (a team reply) is used in the customer's language when the team has one of the same
title in it, its placeholders filled as the composer fills them (`{customer_first_name}`,
`{agent_name}`, …, with the language's fallback words); without one, the built-in text of
the outreach's kind, translated. The email around it (`staff_reply`) adds the greeting, the
sender's name and the conversation link."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from helpdesk.extensions import db
from helpdesk.mail.compose import external_url
from helpdesk.models import Customer, FeatureRequest, SavedReply, Ticket, User
from helpdesk.saved_replies.placeholders import fill_placeholders
from helpdesk.settings.service import setting_get
from helpdesk.tickets.tokens import ticket_link_token

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class DraftText:
    subject: str
    body: str
    language: str


def customer_language(customer: Customer) -> str:
    """The language outreach writes to `customer` in (theirs if the app has it)."""
    language = (customer.language or "").lower()
    return language if language in current_app.config["LANGUAGES"] else DEFAULT_LANGUAGE


def _reply_in(reply: SavedReply, language: str) -> SavedReply:
    """The team's reply of the same title in `language`, else `reply` itself."""
    if reply.language == language:
        return reply
    same = db.session.scalar(
        sa.select(SavedReply)
        .where(
            SavedReply.title == reply.title,
            SavedReply.language == language,
            SavedReply.owner_id.is_(None),
            SavedReply.active.is_(True),
        )
        .order_by(SavedReply.id)
        .limit(1)
    )
    return same or reply


def _values(
    customer: Customer, author: User | None, ticket: Ticket | None
) -> dict[str, str | None]:
    named = bool(customer.name and customer.name.strip())
    return {
        "customer_first_name": customer.first_name if named else None,
        "customer_name": customer.name.strip() if named else None,
        "agent_name": author.name if author else None,
        "agent_first_name": author.first_name if author else None,
        "ticket_number": str(ticket.number) if ticket else None,
        "product": str(setting_get("recovery", {}).get("product_name", "")) or None,
    }


def _built_in(
    kind: str, *, feature: FeatureRequest | None, ticket: Ticket | None
) -> tuple[str, str]:
    """The kind's own subject and text, in the current (forced) locale."""
    if kind == "slipping":
        return _("Checking in"), _(
            "I noticed you have not been around as much lately and wanted to check that "
            "everything is working for you. Is there anything we could do better? Just reply "
            "to this email: it comes straight to me."
        )
    if kind == "onboarding":
        return _("How is it going?"), _(
            "You signed up a little while ago and I wanted to hear how it went. Did you find "
            "what you needed, or did something get in the way? Just reply to this email: it "
            "comes straight to me."
        )
    if kind == "left":
        return _("Thank you"), _(
            "Thank you for having been our customer. If there is anything we could have done "
            "better, I would love to hear it: just reply to this email. You will not get any "
            "more automated messages from us."
        )
    if kind == "feature_shipped" and feature is not None:
        title = feature.title
        body = _(
            "You asked us for “%(feature)s”. It has just shipped, and I wanted you to hear it "
            "from us first. Thank you for telling us what you needed.",
            feature=title,
        )
        if ticket is not None:
            link = external_url("customer.open_link", token=ticket_link_token(ticket))
            body += "\n\n" + _(
                "Your original request (#%(number)s): %(link)s", number=ticket.number, link=link
            )
        return _("“%(feature)s” is here", feature=title), body
    return "", ""


def draft_text(
    *,
    customer: Customer,
    kind: str,
    author: User | None,
    saved_reply: SavedReply | None = None,
    feature: FeatureRequest | None = None,
    ticket: Ticket | None = None,
) -> DraftText:
    """The draft of an outreach of `kind` to `customer`, in their language: from
    `saved_reply` (in their language if the team has it) or the kind's built-in text;
    `feature` and its requester's `ticket` for a shipped feature's note."""
    language = customer_language(customer)
    with force_locale(language):
        subject, body = _built_in(kind, feature=feature, ticket=ticket)
    if saved_reply is not None:
        reply = _reply_in(saved_reply, language)
        body = fill_placeholders(
            reply.body, _values(customer, author, ticket), reply.language, reply.register
        )
        language = reply.language
    return DraftText(subject=subject[:200], body=body, language=language)
