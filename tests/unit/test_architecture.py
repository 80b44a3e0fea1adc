"""The package map of docs/architecture.md holds: import-linter checks the contracts in
pyproject.toml (tickets import none of the features that react to them; no circle between
the packages and modules of helpdesk), and every reacting feature's reactions connect."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from pathlib import Path

from helpdesk.events import handlers_for
from helpdesk.tickets.events import CustomerReplied, StaffReplied, StatusChanged, TicketCreated
from helpdesk.wiring import REACTING_FEATURES

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - our own venv's tool, fixed arguments
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_reacting_feature_lists_its_reactions(app) -> None:
    for name in REACTING_FEATURES:
        reactions = import_module(f"helpdesk.{name}.reactions").REACTIONS
        assert reactions, name
        for event_type, handler in reactions:
            assert handler in handlers_for(event_type), (name, handler)


def test_handlers_run_in_the_documented_order(app) -> None:
    """Recovery sees a new ticket first (a complaint is part of what the rest see);
    webhooks see it last (their payload shows the ticket as the others left it)."""
    created = [handler.__module__ for handler in handlers_for(TicketCreated)]
    assert created == [
        "helpdesk.recovery.reactions",
        "helpdesk.founders.reactions",
        "helpdesk.sla.reactions",
        "helpdesk.notifications.reactions",
        "helpdesk.automations.reactions",
        "helpdesk.mail.reactions",
        "helpdesk.webhooks.reactions",
    ]
    # Recovery may refuse a close before anything else reacts to it.
    assert handlers_for(StatusChanged)[0].__module__ == "helpdesk.recovery.reactions"
    assert handlers_for(StaffReplied)[-1].__module__ == "helpdesk.webhooks.reactions"
    # Outreach records a reply to its message after automation rules, before webhooks.
    replied = [handler.__module__ for handler in handlers_for(CustomerReplied)]
    assert replied == [
        "helpdesk.recovery.reactions",
        "helpdesk.sla.reactions",
        "helpdesk.notifications.reactions",
        "helpdesk.automations.reactions",
        "helpdesk.outreach.reactions",
        "helpdesk.webhooks.reactions",
    ]
