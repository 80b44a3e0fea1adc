"""What the rows added since a data version (`helpdesk.db.data_version`) can have changed in
the trends: the earliest instant any trend figure may have moved from, so that kept weeks
before it stay good and the weeks from it on are computed again.

The rows read are those with an id above the version's (audit events, messages, tickets,
NPS responses), and those created less than `LIFETIME` before the version was taken (on
PostgreSQL a transaction can commit a lower id after a higher one was seen).

- A new ticket: its creation. A new message: its ticket's (below) and its own time.
- A new NPS response: its round's creation (rounds bucket the NPS figures).
- An audit event on a ticket (every change to a ticket, its messages, rating, promises,
  recovery, complaint labels, spam and merges is audited on the ticket): the ticket's
  creation and its messages' times (a merge moves messages between tickets, so a ticket
  can hold messages older than itself). Every figure of a ticket is bucketed by one of
  those times or a later one (a resolve, a rating, a promise's due time, a recovery).
- An audit event on an NPS round or survey: the round's creation.
- An audit event whose action changes nothing the trends read (`UNRELATED`: logins,
  articles, settings — the zone and the repeat-contact settings are part of the kept
  weeks' key instead): nothing.
- Anything else (a customer merge or erasure, a ticket no longer there, an action not
  listed, ids lower than before): `EVERYTHING`.

The repeat-contact window is not applied here: a new ticket can pull a customer's earlier
tickets into a run, so that metric's weeks are invalidated that much earlier
(`kept_weeks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from helpdesk.db.data_version import LIFETIME
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Message, NpsResponse, NpsRound, NpsSurvey, Ticket

Version = tuple[int, ...]
# Before any week a range can hold (ranges start in 1970 at the earliest).
EVERYTHING = datetime(1900, 1, 1, tzinfo=UTC)
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


def earliest_change(*, since: Version, checked_at: datetime, current: Version) -> datetime | None:
    """The earliest instant the changes after `since` (taken at `checked_at`; the data is
    at `current` now) can affect; None when nothing the trends read changed, `EVERYTHING`
    when it cannot be told."""
    if any(now_part < then for now_part, then in zip(current, since, strict=True)):
        return EVERYTHING  # rows were deleted: nothing says what they counted in
    audit_id, message_id, ticket_id, response_id = since
    lookback = checked_at - LIFETIME
    instants: list[datetime] = []
    tickets: set[int] = set()

    for _id, created in _added(Ticket, ticket_id, lookback, Ticket.created_at):
        instants.append(created)
    for _id, ticket, written in _added(
        Message, message_id, lookback, Message.ticket_id, Message.created_at
    ):
        tickets.add(int(ticket))
        instants.append(written)
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
            tickets.add(int(object_id))
        elif object_type == NpsRound.__tablename__:
            rounds.add(int(object_id))
        elif object_type == NpsSurvey.__tablename__:
            survey_round = _survey_round(int(object_id))
            if survey_round is None:
                return EVERYTHING
            rounds.add(survey_round)
        elif not action.startswith(UNRELATED):
            return EVERYTHING

    found = _tickets_earliest(tickets)
    if found is EVERYTHING:
        return EVERYTHING
    instants.extend([found] if found is not None else [])
    instants.extend(_rounds_created(rounds))
    return min(instants, default=None)


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


def _tickets_earliest(ids: set[int]) -> datetime | None:
    """The earliest creation of the tickets and of their messages; `EVERYTHING` when one of
    them is gone (erased: what it counted in is unknown)."""
    earliest: list[datetime] = []
    for chunk in _chunks(ids):
        rows = db.session.execute(
            sa.select(Ticket.id, Ticket.created_at).where(Ticket.id.in_(chunk))
        ).all()
        if len(rows) < len(chunk):
            return EVERYTHING
        earliest.extend(created for _id, created in rows)
        written = db.session.scalar(
            sa.select(sa.func.min(Message.created_at)).where(Message.ticket_id.in_(chunk))
        )
        earliest.extend([written] if written is not None else [])
    return min(earliest, default=None)


def _survey_round(survey_id: int) -> int | None:
    return db.session.scalar(sa.select(NpsSurvey.round_id).where(NpsSurvey.id == survey_id))


def _rounds_created(ids: set[int]) -> list[datetime]:
    """The rounds' creation; a round no longer there counts from the start."""
    found: list[Any] = []
    for chunk in _chunks(ids):
        rows = db.session.scalars(
            sa.select(NpsRound.created_at).where(NpsRound.id.in_(chunk))
        ).all()
        found.extend(rows if len(rows) == len(chunk) else [EVERYTHING])
    return found
