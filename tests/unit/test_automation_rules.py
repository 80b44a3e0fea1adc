"""Automation rules as plain values: condition matching (whole words, Thai without
spaces), the versioned JSON read back strictly, shape checks with specific messages, the
default rules of migration 0022, and the loop guard."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from helpdesk.automations import engine
from helpdesk.automations.matching import Facts, conditions_hold, mentioned
from helpdesk.automations.rules import (
    Action,
    Conditions,
    RuleSpec,
    Trigger,
    actions_from_json,
    actions_json,
    check_spec,
    conditions_from_json,
    conditions_json,
    spec_of,
)
from helpdesk.errors import ValidationError
from helpdesk.models import AutomationRule

FACTS = Facts(
    channel="widget",
    kind="question",
    priority="normal",
    status="open",
    language="en",
    plan="Gold",
    vip=False,
    lifetime_value_cents=50_000,
    tags=frozenset({"billing"}),
    text="Hello, I want my Money  back for order 12.",
)


def spec(**changes) -> RuleSpec:  # type: ignore[no-untyped-def]
    values = {
        "name": "A rule",
        "trigger": Trigger(type="ticket_created"),
        "conditions": Conditions(),
        "actions": (Action(type="set_priority", priority="high"),),
        **changes,
    }
    return RuleSpec(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (("refund",), "I want a REFUND", "refund"),
        (("refund",), "It was refunded", None),
        (("art",), "Let's start", None),
        (("money back",), "my money\nback please", "money back"),
        (("Straße",), "STRASSE 5", "Straße"),  # Unicode case folding
        (("คืนเงิน",), "ฉันต้องการขอคืนเงินค่ะ", "คืนเงิน"),  # Thai: no spaces between words
        (("คืนเงิน",), "ขอบคุณค่ะ", None),
        (("払い戻し",), "払い戻しをお願いします", "払い戻し"),
        (("c++",), "I use C++ daily", "c++"),
    ],
)
def test_words_match_whole_words_or_inside_unspaced_scripts(words, text, found):
    assert mentioned(words, text) == found


@pytest.mark.parametrize(
    ("conditions", "holds"),
    [
        (Conditions(), True),
        (Conditions(channels=("email",)), False),
        (Conditions(channels=("widget", "email")), True),
        (Conditions(words=("money back",)), True),
        (Conditions(tags=("billing", "x")), True),
        (Conditions(tags=("x",)), False),
        (Conditions(complaint=True), False),
        (Conditions(complaint=False), True),
        (Conditions(plans=("gold",)), True),
        (Conditions(plans=("silver",)), False),
        (Conditions(vip=True), False),
        (Conditions(vip=True, min_value_cents=50_000), True),  # VIP or worth at least
        (Conditions(min_value_cents=50_001), False),
        (Conditions(priorities=("high",)), False),
        (Conditions(languages=("en",)), True),
        (Conditions(languages=("th",)), False),
        (Conditions(statuses=("open", "pending")), True),
        (Conditions(statuses=("pending",), words=("money back",)), False),  # all must hold
    ],
)
def test_every_set_condition_must_hold(conditions, holds):
    assert conditions_hold(conditions, FACTS) is holds


def test_json_round_trips_with_a_version_key():
    conditions = Conditions(words=("refund",), complaint=True, vip=True, min_value_cents=100)
    actions = (
        Action(type="add_tags", tags=("vip",)),
        Action(type="round_robin", user_ids=(3, 4)),
        Action(type="close", status="closed", body="Bye"),
    )
    stored_conditions, stored_actions = conditions_json(conditions), actions_json(actions)
    assert stored_conditions["version"] == 1 and stored_actions["version"] == 1
    assert conditions_from_json(stored_conditions) == conditions
    assert actions_from_json(stored_actions) == actions


@pytest.mark.parametrize(
    "stored",
    [
        None,
        [],
        {"words": ["x"]},  # no version
        {"version": 2},
        {"version": 1, "colour": "red"},
        {"version": 1, "words": "refund"},
        {"version": 1, "complaint": "yes"},
        {"version": 1, "min_value_cents": "100"},
        {"version": 1, "channels": ["fax"]},
    ],
)
def test_unreadable_conditions_are_refused_on_load(stored):
    with pytest.raises(ValidationError):
        conditions_from_json(stored)


@pytest.mark.parametrize(
    "stored",
    [
        {"version": 1, "steps": []},
        {"version": 1, "steps": [{"type": "explode"}]},
        {"version": 1, "steps": [{"type": "assign", "user_id": "7"}]},
        {"version": 1, "steps": [{"type": "assign", "user_id": True}]},
        {"version": 1, "steps": [{"type": "round_robin", "user_ids": [1]}]},
        {"version": 1, "steps": [{"type": "note", "body": "  "}]},
        {"version": 1, "steps": [{"type": "close", "status": "open"}]},
        {"version": 1, "steps": [{"type": "set_priority", "priority": "high", "extra": 1}]},
    ],
)
def test_unreadable_or_invalid_actions_are_refused_on_load(stored):
    with pytest.raises(ValidationError):
        actions_from_json(stored)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"actions": ()}, "actions"),
        (
            {"trigger": Trigger(type="time_since", time_field="created", amount=0, unit="days")},
            "time_amount",
        ),
        (
            {
                "trigger": Trigger(
                    type="time_since", time_field="created", amount=9000, unit="hours"
                )
            },
            "time_amount",
        ),
        (
            {"trigger": Trigger(type="time_since", time_field="moon", amount=1, unit="days")},
            "time_field",
        ),
        ({"trigger": Trigger(type="status_changed", status="lost")}, "trigger_status"),
        ({"conditions": Conditions(words=("x" * 101,))}, "words"),
        ({"conditions": Conditions(words=tuple(f"w{n}" for n in range(51)))}, "words"),
        ({"conditions": Conditions(tags=("no spaces!",))}, "tags"),
        ({"conditions": Conditions(min_value_cents=-1)}, "min_value"),
        (
            {
                "actions": (
                    Action(type="assign", user_id=1),
                    Action(type="round_robin", user_ids=(1, 2)),
                )
            },
            "round_robin",
        ),
        ({"actions": (Action(type="note", body="a"), Action(type="note", body="b"))}, "actions"),
        (
            {
                "trigger": Trigger(type="status_changed", status="pending"),
                "actions": (Action(type="close", status="closed"),),
            },
            "close",
        ),
    ],
)
def test_shape_checks_name_the_field_at_fault(changes, field):
    with pytest.raises(ValidationError) as refused:
        check_spec(spec(**changes))
    assert refused.value.field == field


def test_blank_words_are_dropped_and_repeats_folded():
    checked = check_spec(spec(conditions=Conditions(words=(" refund ", "", "REFUND", "a  b"))))
    assert checked.conditions.words == ("refund", "a b")


def _migration():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[2] / "migrations/versions/0022_automations.py"
    loaded = importlib.util.spec_from_file_location("migration_0022", path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def test_the_default_rules_read_and_pass_the_checks(app):
    with app.app_context():
        for values in _migration().DEFAULT_RULES:
            rule = AutomationRule(
                **{"time_field": None, "time_amount": None, "time_unit": None, **values}
            )
            checked = check_spec(spec_of(rule))
            assert checked.actions


def test_events_caused_by_a_rules_actions_run_no_rules(monkeypatch):
    calls = []
    monkeypatch.setattr(engine, "enabled_rules", lambda triggers: calls.append(triggers) or [])
    with engine._rule_acting():
        assert engine.acting()
        assert (
            engine.run_event_rules(ticket=None, triggers=("status_changed",), key="k", text="") == 0
        )  # type: ignore[arg-type]
    assert not engine.acting()
    assert calls == []  # not even looked up
