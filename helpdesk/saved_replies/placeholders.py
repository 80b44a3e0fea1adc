"""Placeholders in saved replies: which exist, the check made when a reply is saved, and
filling them in for one ticket.

A reply may use `{customer_first_name}`, `{customer_name}`, `{agent_name}`,
`{agent_first_name}`, `{ticket_number}` and `{promise_time}`, and the HEARD panel's phrases
also `{product}` and `{issue_summary}` (the recovery panel supplies them; elsewhere they
fall back); `{{` and `}}` write a literal brace. Filling is plain string substitution by a
regular expression: the text is never treated as a template, so nothing an author writes
is evaluated. A missing value (a
customer with no name, no promise made) falls back to words that read naturally in the
reply's language ("Hi there"), never "Hi None" or a raw placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.format_filters import options as format_options
from helpdesk.locale_format import format_datetime
from helpdesk.models import Ticket, User
from helpdesk.models.promise import Promise
from helpdesk.settings.hours import business_hours, is_known_zone
from helpdesk.settings.service import setting_get

PLACEHOLDERS = (
    "customer_first_name",
    "customer_name",
    "agent_name",
    "agent_first_name",
    "ticket_number",
    "promise_time",
    "product",
    "issue_summary",
)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")

FALLBACKS: dict[str, dict[str, str]] = {
    "en": {
        "customer_first_name": "there",
        "customer_name": "there",
        "agent_name": "the support team",
        "agent_first_name": "the support team",
        "ticket_number": "",
        "promise_time": "tomorrow",
        "product": "us",
        "issue_summary": "the problem you described",
    },
    "th": {
        "customer_first_name": "ลูกค้า",
        "customer_name": "ลูกค้า",
        "agent_name": "ทีมซัพพอร์ต",
        "agent_first_name": "ทีมซัพพอร์ต",
        "ticket_number": "",
        "promise_time": "พรุ่งนี้",
        "product": "บริการของเรา",
        "issue_summary": "ปัญหาที่แจ้งมา",
    },
    "id": {
        "customer_first_name": "Kak",
        "customer_name": "Kak",
        "agent_name": "tim dukungan",
        "agent_first_name": "tim dukungan",
        "ticket_number": "",
        "promise_time": "besok",
        "product": "layanan kami",
        "issue_summary": "masalah yang Anda sampaikan",
    },
    "bn": {
        "customer_first_name": "বন্ধু",
        "customer_name": "বন্ধু",
        "agent_name": "সাপোর্ট টিম",
        "agent_first_name": "সাপোর্ট টিম",
        "ticket_number": "",
        "promise_time": "আগামীকাল",
        "product": "আমাদের সেবা",
        "issue_summary": "আপনার জানানো সমস্যা",
    },
}


def known_placeholders() -> str:
    """The placeholders as an author writes them, for hints and error messages."""
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def check_placeholders(text: str, field: str = "body") -> None:
    """Refuse unknown placeholders and lone braces, naming the first one found."""
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise ValidationError(
                field,
                _(
                    "A lone “%(brace)s”: write {{ or }} for a brace, or close the placeholder.",
                    brace=token,
                ),
            )
        if name not in PLACEHOLDERS:
            raise ValidationError(
                field,
                _(
                    "Unknown placeholder {%(name)s}. Use one of: %(known)s.",
                    name=name[:40],
                    known=known_placeholders(),
                ),
            )


def fill_placeholders(text: str, values: Mapping[str, str | None], language: str) -> str:
    """The text with placeholders replaced by `values` (or the language's fallback words);
    plain text: whoever shows it escapes it."""
    fallback = FALLBACKS.get(language, FALLBACKS["en"])

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name is None or name not in PLACEHOLDERS:
            return token  # left as written; saving refuses these
        value = (values.get(name) or "").strip()
        return value or fallback[name]

    return _TOKEN.sub(fill, text)


def ticket_values(ticket: Ticket, agent: User) -> dict[str, str | None]:
    """What the placeholders stand for on this ticket, written by this agent."""
    customer = ticket.customer
    named = bool(customer and customer.name and customer.name.strip())
    return {
        "customer_first_name": customer.first_name if named else None,
        "customer_name": customer.name.strip() if named else None,
        "agent_name": agent.name,
        "agent_first_name": agent.first_name,
        "ticket_number": str(ticket.number),
        "promise_time": promise_time(ticket),
        # The product name admins set on the phrase library page (the "recovery" setting)
        # and the Hear step's summary on a complaint: read as data, recovery not imported.
        "product": str(setting_get("recovery", {}).get("product_name", "")) or None,
        "issue_summary": ticket.recovery.problem_summary if ticket.recovery else None,
    }


def promise_time(ticket: Ticket) -> str | None:
    """The ticket's pending promise's due time in the customer's language and time zone
    (the workspace's when the customer's is unknown), or None without one. Read from the
    model: the promises feature imports nothing of ours, and we import nothing of it."""
    due = db.session.scalar(
        sa.select(Promise.due_at)
        .where(Promise.ticket_id == ticket.id, Promise.status == "pending")
        .order_by(Promise.due_at)
        .limit(1)
    )
    if due is None:
        return None
    customer = ticket.customer
    zone = customer.timezone if customer and is_known_zone(customer.timezone) else None
    language = (customer.language if customer else None) or "en"
    locale = language if language in FALLBACKS else "en"
    local = due.astimezone(ZoneInfo(zone or business_hours().timezone))
    return format_datetime(
        local,
        "full",
        time_format="short",
        locale=locale,
        options=format_options(locale),
        tz=local.tzinfo,
    )
