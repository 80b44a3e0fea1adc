"""Saved replies' rules without HTTP: placeholders filled by plain substitution (never a
template), fallbacks, unknown placeholders and bad macros refused on save."""

from __future__ import annotations

import pytest

from helpdesk.errors import ValidationError
from helpdesk.saved_replies.placeholders import check_placeholders, fill_placeholders
from helpdesk.saved_replies.service import ReplyFields, checked

VALUES = {
    "customer_first_name": "Nattaya",
    "customer_name": "Nattaya Srisuk",
    "agent_name": "Dewi Lestari",
    "agent_first_name": "Dewi",
    "ticket_number": "42",
    "promise_time": "Thursday 3 pm",
}


def test_placeholders_are_filled():
    text = "Hi {customer_first_name}, {agent_name} here about #{ticket_number}, by {promise_time}."
    assert fill_placeholders(text, VALUES, "en") == (
        "Hi Nattaya, Dewi Lestari here about #42, by Thursday 3 pm."
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Hi there, tomorrow"), ("th", "Hi ลูกค้า, วันพรุ่งนี้"), ("xx", "Hi there, tomorrow")],
)
def test_missing_values_fall_back_in_the_replys_language(language, expected):
    values = {**VALUES, "customer_first_name": "  ", "promise_time": None}
    assert fill_placeholders("Hi {customer_first_name}, {promise_time}", values, language) == (
        expected
    )


def test_text_is_never_evaluated_as_a_template():
    text = "{{ 7*7 }} {{config}} and {customer_first_name}"
    check_placeholders(text)  # doubled braces are literal braces, so this saves
    assert fill_placeholders(text, VALUES, "en") == "{ 7*7 } {config} and Nattaya"


def test_a_value_is_inserted_as_written_not_filled_again():
    values = {**VALUES, "customer_first_name": "{agent_name} <b>"}
    assert fill_placeholders("Hi {customer_first_name}", values, "en") == "Hi {agent_name} <b>"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hi {first_name}", "Unknown placeholder {first_name}"),
        ("Hi {__class__}", "Unknown placeholder {__class__}"),
        ("Hi {customer_first_name", "A lone “{”"),
        ("Hi }", "A lone “}”"),
    ],
)
def test_unknown_placeholders_and_lone_braces_are_refused(app, text, message):
    with app.test_request_context(), pytest.raises(ValidationError) as raised:
        check_placeholders(text)
    assert raised.value.field == "body"
    assert message in raised.value.message


def fields(**changes: str) -> ReplyFields:
    values = {"title": "Refund sent", "body": "Hi {customer_first_name}", "language": "en"}
    return ReplyFields(**{**values, **changes})


def test_a_good_reply_is_cleaned(app):
    with app.test_request_context():
        values = checked(
            fields(
                title="  Refund   sent ",
                keywords="Refund  MONEY",
                set_status="pending",
                set_priority="high",
                add_tags="Billing, refund, billing",
            )
        )
    assert values["title"] == "Refund sent"
    assert values["keywords"] == "refund money"
    assert values["set_status"] == "pending"
    assert values["set_priority"] == "high"
    assert values["add_tags"] == "billing,refund"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Give the reply a title."),
        ({"title": "x" * 121}, "title", "at most 120"),
        ({"body": ""}, "body", "Write the reply."),
        ({"body": "x" * 5001}, "body", "5001 characters"),
        ({"body": "Hi {name}"}, "body", "Unknown placeholder {name}"),
        ({"language": "fr"}, "language", "Choose a language"),
        ({"set_status": "new"}, "set_status", "Unknown status"),
        ({"set_status": "archived"}, "set_status", "Unknown status"),
        ({"set_priority": "critical"}, "set_priority", "Unknown priority"),
        ({"add_tags": "no good!"}, "add_tags", "is not a valid tag"),
        ({"add_tags": "a,b,c,d,e,f"}, "add_tags", "at most 5"),
    ],
)
def test_bad_fields_are_refused_by_name(app, changes, field, message):
    with app.test_request_context(), pytest.raises(ValidationError) as raised:
        checked(fields(**changes))
    assert raised.value.field == field
    assert message in raised.value.message
