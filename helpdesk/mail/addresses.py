"""Per-ticket reply addresses: `support+<ticket-token>@domain`, where the token is the ticket
id and an HMAC of it keyed by SECRET_KEY, so a reply to a staff email threads onto its
ticket even when the mail program drops `In-Reply-To`, and a forged token matches nothing.

The local part and domain come from HELPDESK_MAIL_FROM. Tokens are lowercase letters and
digits only, since some mail servers fold the case of the local part.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from email.utils import parseaddr
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from helpdesk.models import Ticket

# 80 bits of HMAC: far beyond guessing, short enough to keep the address readable.
_SIGNATURE_HEX = 20
_TOKEN = re.compile(rf"t(\d{{1,18}})-([0-9a-f]{{{_SIGNATURE_HEX}}})")


def _signature(ticket_id: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"helpdesk-reply-address:{ticket_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_SIGNATURE_HEX]


def mail_from_address() -> str:
    """The bare sending address (HELPDESK_MAIL_FROM), e.g. `support@example.com`."""
    return str(current_app.config["MAIL_FROM"])


def reply_token(ticket_id: int) -> str:
    """The signed token naming a ticket in its reply address."""
    return f"t{ticket_id}-{_signature(ticket_id)}"


def reply_address(ticket: Ticket) -> str:
    """`support+t42-<signature>@example.com`: where a customer's reply to ticket 42 goes."""
    local, _sep, domain = mail_from_address().rpartition("@")
    local = local.split("+", 1)[0]
    return f"{local}+{reply_token(ticket.id)}@{domain}"


def parse_reply_address(address: str) -> int | None:
    """The ticket id named by a reply address (a bare address or `Name <address>`), or None
    when the address carries no token or a token whose signature does not match."""
    _name, bare = parseaddr(address or "")
    local, at, _domain = bare.rpartition("@")
    if not at or "+" not in local:
        return None
    match = _TOKEN.fullmatch(local.split("+", 1)[1].lower())
    if match is None:
        return None
    ticket_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2), _signature(ticket_id)):
        return None
    return ticket_id
