"""Automation rules (when … if … then …, stored as rows an admin edits) and the record of
each rule's runs, one row per rule, ticket and trigger: the unique key that makes every
rule fire exactly once per event, however many web hosts and schedulers run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

TRIGGERS = (
    "ticket_created",
    "customer_replied",
    "customer_writes",  # either of the two above
    "status_changed",
    "time_since",
)
# The ticket timestamp a time rule waits on (`time_since`), and its column on tickets.
TIME_FIELDS = ("status_since", "created", "last_activity", "customer_waiting")
TIME_UNITS = ("hours", "days")
RUN_OUTCOMES = ("done", "failed", "skipped")


class AutomationRule(Base):
    __tablename__ = "automation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    enabled: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    trigger: Mapped[str] = mapped_column(str_enum("automation_trigger", *TRIGGERS))
    # status_changed: only a change to this status (None: any change).
    trigger_status: Mapped[str | None] = mapped_column(sa.String(20))
    # time_since: which timestamp, and how long after it.
    time_field: Mapped[str | None] = mapped_column(str_enum("automation_time_field", *TIME_FIELDS))
    time_amount: Mapped[int | None]
    time_unit: Mapped[str | None] = mapped_column(str_enum("automation_time_unit", *TIME_UNITS))
    # {"version": 1, ...}: see helpdesk/automations/rules.py (validated on save and load).
    conditions: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    actions: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Round-robin: how many tickets the rule has handed out (next person = count mod n),
    # advanced with one UPDATE … RETURNING so two hosts never hand out the same turn.
    turns_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    runs: Mapped[list[AutomationRun]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (sa.Index("ix_automation_rules_enabled_trigger", "enabled", "trigger"),)

    def __repr__(self) -> str:
        return f"<AutomationRule {self.id} {self.trigger}>"


class AutomationRun(Base):
    """A rule ran on a ticket for one trigger (`trigger_key`: the event, or for a time rule
    the timestamp the wait started at), with what it did. Inserted before acting, with ON
    CONFLICT DO NOTHING: whoever inserts the row does the work."""

    __tablename__ = "automation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("automation_rules.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"))
    trigger_key: Mapped[str] = mapped_column(sa.String(80))
    # A time rule's wait start (the time sweep skips tickets already run for it).
    trigger_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(str_enum("automation_outcome", *RUN_OUTCOMES))
    # What was done, as action descriptions ({"type": ..., ...}); an error's message.
    done: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    at: Mapped[datetime] = mapped_column(default=now)

    rule: Mapped[AutomationRule] = relationship(back_populates="runs")

    __table_args__ = (
        sa.UniqueConstraint("rule_id", "ticket_id", "trigger_key"),
        sa.Index("ix_automation_runs_rule_id_at", "rule_id", "at"),
        sa.Index("ix_automation_runs_ticket_id", "ticket_id"),
    )
