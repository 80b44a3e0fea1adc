"""The demo switches the default rules on, and the time sweep then closes demo tickets that
have waited on the customer for more than a week (as the scheduler will after `make run`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa

from helpdesk.automations.sweep import sweep_time_rules
from helpdesk.clock import now
from helpdesk.dev.demo import demo_load
from helpdesk.extensions import db
from helpdesk.models import AutomationRule, AutomationRun, Ticket


def default_rules() -> None:
    path = Path(__file__).resolve().parents[2] / "migrations/versions/0022_automations.py"
    loaded = importlib.util.spec_from_file_location("migration_0022", path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    db.session.execute(sa.delete(AutomationRule))
    for values in module.DEFAULT_RULES:
        db.session.add(AutomationRule(enabled=False, **values))
    db.session.commit()


def test_the_demo_switches_the_default_rules_on_and_old_waiting_tickets_close(database):
    default_rules()
    assert demo_load()
    assert set(db.session.scalars(sa.select(AutomationRule.enabled))) == {True}
    waiting = list(db.session.scalars(sa.select(Ticket).where(Ticket.status == "pending")))
    old = [t for t in waiting if (now() - t.status_changed_at).days >= 7]
    assert old, "the demo has tickets waiting on the customer for over a week"
    # A complaint whose recovery is under way refuses "closed": its run is recorded as
    # refused and the ticket waits for the team.
    in_recovery = [t for t in old if t.recovery is not None and t.recovery.state == "active"]
    assert sweep_time_rules() == len(old) - len(in_recovery)
    db.session.expire_all()
    assert {t.status for t in old if t not in in_recovery} == {"closed"}
    assert {t.status for t in in_recovery} <= {"pending"}
    failed = db.session.scalar(
        sa.select(sa.func.count(AutomationRun.id)).where(AutomationRun.outcome == "failed")
    )
    assert failed == len(in_recovery)
