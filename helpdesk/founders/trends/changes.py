"""Which kept weeks the rows added since a data version (`helpdesk.db.data_version`) can
have changed, per metric: instants whose week changed, and an instant from which every
week may have (`Reach`).

The rows read are those with an id above the version's (audit events, messages, tickets,
NPS responses), and those created less than `LIFETIME` before the version was taken (on
PostgreSQL a transaction can commit a lower id after a higher one was seen).

- A new ticket or message, at time t: every metric but NPS from t on; repeat contacts
  from the run window before t (a new ticket can pull the customer's earlier tickets into
  a run). A message's ticket counts as changed (below).
- A changed ticket (an audit event on it, or a new message): every change to a ticket,
  its messages, rating, promises, recovery, complaint labels, spam and merges is audited
  on the ticket. What it reaches depends on the action:
  - any ticket action: the week of the ticket's creation (complaints and first response
    are bucketed by it), and the weeks of every audit event on the ticket (a resolve that
    is no longer the final one, a new final resolve);
  - `rating.`: the weeks its rating was first given; `promise.`: its promises' due weeks
    (neither is ever deleted or moved in time; a merge moves them to another ticket
    without changing any count, and that ticket is audited too);
  - `recovery.` and `ticket.complaint`: recoveries, their steps and complaint labels are
    replaced or re-dated (a recovery started again, a step reopened, a label given
    again), so the old time is lost: every week from the ticket's creation, or its
    earliest message (a merge moves messages between tickets), on. A label given again
    with the same answer is not audited: a label given from a minute before the last
    check on counts as such an action on its ticket;
  - an action not listed in `TICKET_ACTIONS`: every metric but NPS from the ticket's
    creation, or earliest message, on.
- A new NPS response, or an audit event on an NPS round or survey: the round's week, for
  NPS (rounds bucket it).
- An audit event whose action changes nothing the trends read (`UNRELATED`: logins,
  articles, settings — the zone and the repeat-contact settings are part of the kept
  weeks' key instead): nothing.
- Anything else (a customer merge or erasure, a ticket or round no longer there, an action
  not listed, some ids lower than before and others higher): every week of every metric.
  Ids all as high as now or higher mean another worker kept the weeks after reading newer
  data than this one: nothing to compute again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from helpdesk.db.data_version import LIFETIME
from helpdesk.extensions import db
from helpdesk.founders.settings import founder_settings
from helpdesk.founders.trends.metrics import METRICS
from helpdesk.models import (
    AuditEvent,
    ComplaintLabel,
    Message,
    NpsResponse,
    NpsRound,
    NpsSurvey,
    Promise,
    Rating,
    Ticket,
)

Version = tuple[int, ...]
# Before any week a range can hold (ranges start in 1970 at the earliest).
EVERYTHING = datetime(1900, 1, 1, tzinfo=UTC)

BY_CREATION = ("complaints", "first_response")
RECOVERY = ("recovery_started", "recovery_completed", "recovery_step", "root_cause")
BUT_NPS = tuple(metric for metric in METRICS if metric != "nps")
# Audit actions on a ticket (by prefix) that reach no further than its creation's week and
# its audit events' weeks, or that plus what is named. ("ticket.message" stands for a new
# message on it.)
TICKET_ACTIONS = (
    "automation.failed",
    "automation.run",
    "escalation.",
    "promise.",
    "rating.",
    "recovery.",
    "sla.",
    "ticket.bulk_snooze",
    "ticket.bulk_spam",
    "ticket.bulk_update",
    "ticket.complaint_detected",
    "ticket.complaint_label",
    "ticket.create",
    "ticket.customer_reply",
    "ticket.feature_request",
    "ticket.flag_founders",
    "ticket.founder_reply",
    "ticket.merge",
    "ticket.merged_in",
    "ticket.message",
    "ticket.not_spam",
    "ticket.note",
    "ticket.reply",
    "ticket.snooze",
    "ticket.spam",
    "ticket.unsnooze",
    "ticket.update",
    "ticket.wake",
)
# Actions (by prefix) that change nothing a trend figure is computed from.
UNRELATED = (
    "api_token.",
    "article.",
    "automation.create",
    "automation.delete",
    "automation.move",
    "automation.update",
    "customer.create",
    "customer.language",
    "customer.left",
    "customer.note",
    "customer.update",
    "detector.adapted",
    "email.bounce",
    "feature_request.",
    "outreach.",
    "phrase.",
    "privacy.export",
    "privacy.legal_hold",
    "root_cause.",
    "saved_reply.",
    "settings.",
    "sla_policy.",
    "survey.opt_out",
    "user.",
    "webhook.",
)
_CHUNK = 500


@dataclass
class Reach:
    """Per metric, the instants whose week changed and the instant from which every week
    may have changed."""

    points: dict[str, set[datetime]] = field(default_factory=lambda: defaultdict(set))
    since: dict[str, datetime] = field(default_factory=dict)

    def point(self, metrics: Iterable[str], moments: Iterable[datetime]) -> None:
        found = set(moments)
        for metric in metrics:
            self.points[metric] |= found

    def from_on(self, metrics: Iterable[str], moment: datetime) -> None:
        for metric in metrics:
            self.since[metric] = min(moment, self.since.get(metric, moment))

    def touches(self, metric: str, starts: datetime, ends: datetime) -> bool:
        """Whether the week [starts, ends) of `metric` may have changed."""
        since = self.since.get(metric)
        if since is not None and since < ends:
            return True
        return any(starts <= moment < ends for moment in self.points.get(metric, ()))


def everything() -> Reach:
    reach = Reach()
    reach.from_on(METRICS, EVERYTHING)
    return reach


def changed_weeks(*, since: Version, checked_at: datetime, current: Version) -> Reach:
    """What the changes after `since` (taken at `checked_at`; the data is at `current`
    now) can have changed."""
    pairs = list(zip(current, since, strict=True))
    if current != since and all(now_part <= then for now_part, then in pairs):
        return Reach()  # kept by a worker that read the data after this one: newer still
    if any(now_part < then for now_part, then in pairs):
        return everything()  # rows were deleted: nothing says what they counted in
    audit_id, message_id, ticket_id, response_id = since
    lookback = checked_at - LIFETIME
    reach = Reach()
    window = timedelta(days=founder_settings().repeat_contact_days)
    for _id, created in _added(Ticket, ticket_id, lookback, Ticket.created_at):
        reach.from_on(BUT_NPS, created)
        reach.from_on(["repeat_contact"], created - window)
    actions: dict[int, set[str]] = defaultdict(set)
    for _id, ticket, written in _added(
        Message, message_id, lookback, Message.ticket_id, Message.created_at
    ):
        reach.from_on(BUT_NPS, written)
        actions[int(ticket)].add("ticket.message")
    # A label given again with the same answer is re-dated without an audit event.
    for ticket in db.session.scalars(
        sa.select(ComplaintLabel.ticket_id).where(ComplaintLabel.labelled_at >= lookback)
    ):
        actions[int(ticket)].add("ticket.complaint_label")
    rounds = {
        int(round_id)
        for _id, round_id in _added(NpsResponse, response_id, lookback, NpsResponse.round_id)
    }
    for _id, object_type, object_id, action in _added(
        AuditEvent,
        audit_id,
        lookback,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.action,
    ):
        if object_type == Ticket.__tablename__:
            actions[int(object_id)].add(action)
        elif object_type == NpsRound.__tablename__:
            rounds.add(int(object_id))
        elif object_type == NpsSurvey.__tablename__:
            survey_round = db.session.scalar(
                sa.select(NpsSurvey.round_id).where(NpsSurvey.id == int(object_id))
            )
            if survey_round is None:
                return everything()
            rounds.add(survey_round)
        elif not action.startswith(UNRELATED):
            return everything()
    created = _created(actions)
    if created is None:
        return everything()  # a changed ticket is gone: what it counted in is unknown
    reach.point(BY_CREATION, created.values())
    reach.point(["resolution"], _audited(actions))
    reach.point(["rating"], _times(Rating.created_at, Rating.ticket_id, _acted(actions, "rating.")))
    reach.point(["promise"], _times(Promise.due_at, Promise.ticket_id, _acted(actions, "promise.")))
    rows_replaced = _acted(actions, "recovery.", "ticket.complaint")
    first = _first_messages(rows_replaced)
    for ticket in rows_replaced:
        reach.from_on(
            [*RECOVERY, "detector"], min(created[ticket], first.get(ticket, created[ticket]))
        )
    unknown = [
        ticket
        for ticket, done in actions.items()
        if any(not action.startswith(TICKET_ACTIONS) for action in done)
    ]
    first = _first_messages(unknown)
    for ticket in unknown:
        reach.from_on(BUT_NPS, min(created[ticket], first.get(ticket, created[ticket])))
    round_times = _round_times(rounds)
    if round_times is None:
        return everything()
    reach.point(["nps"], round_times)
    return reach


def _added(model: Any, since_id: int, lookback: datetime, *columns: Any) -> list[Any]:
    """`id, *columns` of `model`'s rows with an id above `since_id` or created from
    `lookback` on: two index range reads (SQLite would scan the table for an OR)."""
    return list(
        db.session.execute(
            sa.union(
                sa.select(model.id, *columns).where(model.id > since_id),
                sa.select(model.id, *columns).where(model.created_at >= lookback),
            )
        )
    )


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _acted(actions: dict[int, set[str]], *prefixes: str) -> list[int]:
    return [ticket for ticket, done in actions.items() if any(a.startswith(prefixes) for a in done)]


def _created(actions: dict[int, set[str]]) -> dict[int, datetime] | None:
    """Each changed ticket's creation; None when one of them is no longer there."""
    created: dict[int, datetime] = {}
    for chunk in _chunks(actions):
        rows = db.session.execute(
            sa.select(Ticket.id, Ticket.created_at).where(Ticket.id.in_(chunk))
        )
        created.update({ticket: moment for ticket, moment in rows})
    return created if len(created) == len(actions) else None


def _audited(actions: dict[int, set[str]]) -> list[datetime]:
    """The times of every audit event on the tickets (their resolves among them)."""
    found: list[datetime] = []
    for chunk in _chunks(actions):
        found.extend(
            db.session.scalars(
                sa.select(AuditEvent.created_at).where(
                    AuditEvent.object_type == Ticket.__tablename__,
                    AuditEvent.object_id.in_([str(ticket) for ticket in chunk]),
                )
            )
        )
    return found


def _times(column: Any, ticket_column: Any, tickets: list[int]) -> list[datetime]:
    found: list[datetime] = []
    for chunk in _chunks(tickets):
        found.extend(db.session.scalars(sa.select(column).where(ticket_column.in_(chunk))))
    return found


def _first_messages(tickets: list[int]) -> dict[int, datetime]:
    """Each ticket's earliest message (a merge can give a ticket messages older than it)."""
    found: dict[int, datetime] = {}
    for chunk in _chunks(tickets):
        rows = db.session.execute(
            sa.select(Message.ticket_id, sa.func.min(Message.created_at))
            .where(Message.ticket_id.in_(chunk))
            .group_by(Message.ticket_id)
        )
        found.update({ticket: moment for ticket, moment in rows})
    return found


def _round_times(ids: set[int]) -> list[datetime] | None:
    """The rounds' creation; None when one of them is no longer there."""
    found: list[datetime] = []
    for chunk in _chunks(ids):
        rows = db.session.scalars(
            sa.select(NpsRound.created_at).where(NpsRound.id.in_(chunk))
        ).all()
        if len(rows) < len(chunk):
            return None
        found.extend(rows)
    return found
