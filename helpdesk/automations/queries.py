"""What the rules page reads: the rules in order with their sentences and last runs, and
the names of the people and saved replies a rule may name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from helpdesk.automations.describe import sentence
from helpdesk.automations.rules import spec_of
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import AutomationRule, AutomationRun, SavedReply, Ticket, User

LAST_RUNS = 5


@dataclass(frozen=True)
class RunRow:
    at: datetime
    ticket_number: int
    outcome: str
    error: str | None
    done: list[Any]


@dataclass(frozen=True)
class RuleRow:
    rule: AutomationRule
    sentence: str | None  # None: the rule no longer reads
    problem: str | None
    runs: list[RunRow]
    run_count: int


def people_names() -> dict[int, str]:
    return dict(db.session.execute(sa.select(User.id, User.name)).all())


def active_people() -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            sa.select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)
        ).all()
    )


def team_replies() -> list[tuple[int, str]]:
    """Saved replies a rule may send: the team's active everyday replies."""
    return list(
        db.session.execute(
            sa.select(SavedReply.id, SavedReply.title + " (" + SavedReply.language + ")")
            .where(
                SavedReply.owner_id.is_(None),
                SavedReply.active.is_(True),
                SavedReply.heard_step.is_(None),
            )
            .order_by(SavedReply.title, SavedReply.id)
        ).all()
    )


def reply_titles() -> dict[int, str]:
    return dict(
        db.session.execute(
            sa.select(SavedReply.id, SavedReply.title).where(SavedReply.owner_id.is_(None))
        ).all()
    )


def _runs(rule_id: int) -> list[RunRow]:
    rows = db.session.execute(
        sa.select(
            AutomationRun.at,
            Ticket.number,
            AutomationRun.outcome,
            AutomationRun.error,
            AutomationRun.done,
        )
        .join(Ticket, Ticket.id == AutomationRun.ticket_id)
        .where(AutomationRun.rule_id == rule_id, AutomationRun.outcome != "skipped")
        .order_by(AutomationRun.at.desc(), AutomationRun.id.desc())
        .limit(LAST_RUNS)
    )
    return [RunRow(*row) for row in rows]


def rules_listed() -> list[RuleRow]:
    rules = list(
        db.session.scalars(
            sa.select(AutomationRule).order_by(AutomationRule.position, AutomationRule.id)
        )
    )
    counts = dict(
        db.session.execute(
            sa.select(AutomationRun.rule_id, sa.func.count(AutomationRun.id))
            .where(AutomationRun.outcome != "skipped")
            .group_by(AutomationRun.rule_id)
        ).all()
    )
    people, replies = people_names(), reply_titles()
    listed = []
    for rule in rules:
        try:
            text, problem = sentence(spec_of(rule), people, replies), None
        except ValidationError as error:
            text, problem = None, error.message
        listed.append(RuleRow(rule, text, problem, _runs(rule.id), counts.get(rule.id, 0)))
    return listed
