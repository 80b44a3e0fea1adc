"""What an inbox URL asks for: the views and sorts, the filters read from the query
parameters, the SQL conditions they add to a page's query, and the "Next page" cursor
(the sort values of the last row shown). The counts and the pages are in `inbox`."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.clock import now
from helpdesk.errors import ValidationError
from helpdesk.forms import MAX_ID, parse_id, strip_control
from helpdesk.models import Tag, Ticket, User, ticket_tags
from helpdesk.models.ticket import CHANNELS, OPEN_STATUSES, PRIORITIES, STATUSES

VIEWS = (
    "open",
    "mine",
    "unassigned",
    "waiting",
    "promises",
    "complaints",
    "breaching",
    "snoozed",
    "spam",
    "all",
)
# The views a snoozed ticket leaves until it wakes (tickets/snooze.py), and those that
# hide spam (the "Spam" view lists it). "Breaching soon" keeps snoozed tickets: their
# service-level clocks still run.
HIDES_SNOOZED = ("open", "mine", "unassigned", "waiting", "complaints")
HIDES_SPAM = ("all",)
SORTS = ("latest", "waiting", "priority", "due")


@dataclass(frozen=True)
class InboxFilters:
    view: str = "open"
    status: str | None = None
    priority: str | None = None
    tag: str | None = None
    assignee: str | None = None  # a user id, or "none" for unassigned
    channel: str | None = None
    sort: str = "latest"
    q: str = ""
    after: str | None = None

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """URL parameters for this list with `changes` applied (None drops a parameter)."""
        values = {
            "view": self.view,
            "status": self.status,
            "priority": self.priority,
            "tag": self.tag,
            "assignee": self.assignee,
            "channel": self.channel,
            "sort": self.sort,
            "q": self.q or None,
            "after": None,
            **changes,
        }
        defaults = {"view": "open", "sort": "latest"}
        return {k: v for k, v in values.items() if v is not None and defaults.get(k) != v}


def parse_filters(args: Any) -> InboxFilters:
    """Inbox filters from query parameters; an unknown value is a ValidationError naming it."""

    def choice(name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
        value = strip_control(args.get(name) or "").strip() or default
        if value is not None and value not in allowed:
            raise ValidationError(name, _("Unknown value for %(name)s.", name=name))
        return value

    assignee = strip_control(args.get("assignee") or "").strip() or None
    if assignee is not None and assignee != "none" and parse_id(assignee) is None:
        raise ValidationError("assignee", _("Unknown value for %(name)s.", name="assignee"))
    tag = strip_control(args.get("tag") or "").strip().lower() or None
    if tag is not None and len(tag) > 30:
        raise ValidationError("tag", _("Unknown value for %(name)s.", name="tag"))
    q = " ".join(strip_control(args.get("q") or "").split())[:200]
    return InboxFilters(
        view=choice("view", VIEWS, "open") or "open",
        status=choice("status", STATUSES),
        priority=choice("priority", PRIORITIES),
        tag=tag,
        assignee=assignee,
        channel=choice("channel", CHANNELS),
        sort=choice("sort", SORTS, "latest") or "latest",
        q=q,
        after=strip_control(args.get("after") or "").strip()[:500] or None,
    )


# Each view: the statuses it covers, and any other condition on the row.
VIEW_STATUSES = {
    "open": ("new", "open"),
    "mine": OPEN_STATUSES,
    "unassigned": OPEN_STATUSES,
    "waiting": ("pending",),
    "promises": OPEN_STATUSES,  # tickets with a pending promise, due soonest first
    "complaints": OPEN_STATUSES,
    # Running service-level clocks overdue or inside their warning window, soonest due
    # first (paused clocks have no due time, so "pending" never shows here).
    "breaching": ("new", "open"),
    "snoozed": OPEN_STATUSES,  # by wake time, soonest first
    "spam": ("closed",),  # latest marked first
    "all": STATUSES,
}


@dataclass
class Conditions:
    """A page's SQL conditions, their values bound by name (`params`), and their `shape`:
    what they test, without the values. The same shape is the same SQL, so a statement
    built from them can be kept and run again with another request's values (building the
    inbox's merged statement cost more than running it)."""

    clauses: list[sa.ColumnElement[bool]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    shape: list[Hashable] = field(default_factory=list)

    def add(self, shape: Hashable, clause: sa.ColumnElement[bool], **params: Any) -> None:
        """Add `clause`; its bound parameters are named after `params`' keys (each
        `sa.bindparam(name)`, so a kept statement never runs with an earlier value)."""
        if params.keys() & self.params.keys():  # one name would bind one value for both
            raise ValueError(f"parameters named twice: {sorted(params.keys() & self.params)}")
        self.clauses.append(clause)
        self.shape.append(shape)
        self.params.update(params)

    def adding(self, shape: Hashable, clause: sa.ColumnElement[bool], **params: Any) -> Conditions:
        """A copy with `clause` added."""
        copy = Conditions(list(self.clauses), dict(self.params), list(self.shape))
        copy.add(shape, clause, **params)
        return copy

    def key(self) -> tuple[Hashable, ...]:
        return tuple(self.shape)


def _view_extra(view: str, user: User, conditions: Conditions) -> None:
    hygiene = _hygiene_extra(view)
    if hygiene is not None:
        conditions.add(("hygiene", view), hygiene)
    elif view == "mine":
        conditions.add("mine", Ticket.assignee_id == sa.bindparam("mine"), mine=user.id)
    elif view == "unassigned":
        conditions.add("unassigned", Ticket.assignee_id.is_(None))
    elif view == "complaints":
        conditions.add("complaints", Ticket.kind == "complaint")
    elif view == "breaching":
        conditions.add("breaching", Ticket.sla_warn_at <= sa.bindparam("warned"), warned=now())


def _hygiene_extra(view: str) -> sa.ColumnElement[bool] | None:
    """Snoozed and spam tickets: in their own views, out of the others."""
    if view == "snoozed":
        return Ticket.snoozed_until.is_not(None)
    if view == "spam":
        return Ticket.spam_at.is_not(None)
    if view in HIDES_SPAM:
        return Ticket.spam_at.is_(None)
    return None


def filter_conditions(filters: InboxFilters, user: User) -> Conditions:
    """Every condition but the status, which `inbox_page` applies one status at a time."""
    conditions = Conditions()
    _view_extra(filters.view, user, conditions)
    if filters.view in HIDES_SNOOZED:
        conditions.add("awake", Ticket.snoozed_until.is_(None))
    if filters.priority:
        priority = Ticket.priority == sa.bindparam("priority")
        conditions.add("priority", priority, priority=filters.priority)
    if filters.channel:
        channel = Ticket.channel == sa.bindparam("channel")
        conditions.add("channel", channel, channel=filters.channel)
    if filters.assignee == "none":
        conditions.add("nobody's", Ticket.assignee_id.is_(None))
    elif filters.assignee:
        assignee = Ticket.assignee_id == sa.bindparam("assignee")
        conditions.add("assignee", assignee, assignee=int(filters.assignee))
    if filters.tag:
        tagged = (
            sa.exists()
            .where(ticket_tags.c.ticket_id == Ticket.id, ticket_tags.c.tag_id == Tag.id)
            .where(Tag.name == sa.bindparam("tag"))
        )
        conditions.add("tag", tagged, tag=filters.tag)
    return conditions


def view_statuses(filters: InboxFilters) -> tuple[str, ...]:
    statuses = VIEW_STATUSES[filters.view]
    if filters.status:
        statuses = tuple(status for status in statuses if status == filters.status)
    return statuses


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        decoded: list[Any] = []
        for value, kind in zip(values, kinds, strict=True):
            if kind is str:
                if not isinstance(value, str):
                    raise ValueError
                decoded.append(value)
            elif kind is datetime:
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError
                decoded.append(moment)
            elif kind is float:
                number = float(value)
                if not math.isfinite(number):
                    raise ValueError
                decoded.append(number)
            else:
                if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_ID:
                    raise ValueError
                decoded.append(value)
        return decoded
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise ValidationError("after", _("This page link is broken; start from the top.")) from exc
