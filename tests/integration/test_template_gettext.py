"""The templates' gettext family writes the numbers it is given in the language's digits
(`helpdesk.template_gettext`), and nothing else changes."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale

from helpdesk.extensions import db
from helpdesk.models import User
from helpdesk.settings.formats import format_settings, format_settings_update

TEMPLATE = (
    '{{ ngettext("%(num)d hour", "%(num)d hours", hours) }}|'
    '{{ _("Hi %(name)s,", name=name) }}|'
    '{{ _("Complaints: %(count)d", count=count) }}|'
    '{{ pgettext("promise", "Missed") }}|'
    "{% trans n=count %}{{ n }} left{% endtrans %}"
)


def render(language: str, **values: object) -> str:
    with force_locale(language):
        return render_template_string(
            TEMPLATE, **{"hours": 4, "name": "Order 42 <b>", "count": 12, **values}
        )


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"):
        yield


def test_english_is_untouched(request_context):
    assert render("en") == "4 hours|Hi Order 42 &lt;b&gt;,|Complaints: 12|Missed|12 left"


def test_bengali_numbers_follow_the_dates_digits_but_customer_text_keeps_its_own(
    request_context,
):
    hours, hello, complaints, _missed, left = render("bn").split("|")
    assert "৪" in hours and "4" not in hours
    assert "১২" in complaints and "12" not in complaints
    assert left == "১২ left"
    # A name is the customer's text: its digits stay as written, and it is still escaped.
    assert "Order 42 &lt;b&gt;" in hello


def test_thai_follows_the_workspaces_choice(request_context, make_user):
    assert "12" in render("th").split("|")[2]  # Thai digits are off by default
    admin = make_user("admin")
    current = format_settings()
    format_settings_update(
        actor=db.session.get(User, admin.id),
        currency=current.currency,
        thai_digits=True,
        bengali_digits=current.bengali_digits,
        buddhist_era=current.buddhist_era,
    )
    assert "๑๒" in render("th").split("|")[2]


def test_booleans_and_text_numbers_are_left_alone(request_context):
    with force_locale("bn"):
        html = render_template_string('{{ _("%(a)s/%(b)s", a=True, b="7") }}')
    assert html == "True/7"


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ('{{ _("Hi %(name)s,", name=name) }}', {"name": "<b>Tom & 'Jo'</b>"}),
        ('{{ _("Hi %(name)s,", name=name) }}', {"name": None}),
        ('{{ _("%(a)s of %(b).1f", a=a, b=b) }}', {"a": 3, "b": 2.25}),
        ('{{ _("Ticket %(n)d", n=n) }}', {"n": "42"}),  # a text for %d: Markup's own path
        ('{{ _("Reply %(time)s overdue", time=time) }}', {"time": "1 h"}),
        ('{{ _("100%% sure") }}', {}),
        ('{{ _("Inbox") }}', {}),
    ],
)
def test_filling_in_escapes_exactly_as_markup_does(request_context, source, values):
    """The faster filling-in (`_markup_format`) gives what `Markup(text) % values` gives."""
    from markupsafe import Markup

    from helpdesk.template_gettext import _markup_format

    with force_locale("en"):
        html = render_template_string(source, **values)
        text = source.split('_("')[1].split('"')[0]
        expected = str(Markup(text) % values)  # noqa: S704  # the translation is ours
        assert html == expected
        assert str(_markup_format(text, values)) == expected
