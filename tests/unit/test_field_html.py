"""The fast attribute writer gives exactly what WTForms' own gives."""

from __future__ import annotations

import pytest
import wtforms.widgets
from markupsafe import Markup
from wtforms import Form, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from helpdesk import field_html

CASES = [
    {},
    {"name": "csrf_token", "id": "csrf_token", "type": "hidden", "value": "Ik.x_y-z"},
    {"class_": "field", "for_": "body", "data_shortcut_kind": "note", "aria_describedby": "a b"},
    {"checked": True, "readonly": False, "disabled": True, "name": "x"},
    {"value": '"><script>alert(1)</script>&amp;', "title": "it's <b>"},
    {"value": Markup('a "quoted" <b>bold</b>'), "data_x": Markup("&lt;")},
    {"value": 0, "min": -1.5, "max": 10**12, "step": None},
    {"value": "ভাষা ไทย é \u200b"},
]


@pytest.fixture
def original():
    """WTForms' own `html_params`, installed back for the test."""
    field_html.install(field_html.WTFORMS_HTML_PARAMS)
    yield field_html.WTFORMS_HTML_PARAMS
    field_html.install()


@pytest.mark.parametrize("case", CASES)
def test_same_text_as_wtforms(original, case):
    ours = field_html.html_params(**case)
    assert ours == original(**case)
    assert isinstance(ours, Markup)


def test_rendered_fields_are_the_same_with_it_installed(original):
    class Sample(Form):
        name = StringField("Name <you>", render_kw={"placeholder": 'a "b"'})
        body = TextAreaField("Body")
        kind = RadioField(
            "Kind", choices=[SelectChoice("a", "A & B"), SelectChoice("b", "<b>")], default="a"
        )
        pick = SelectField(
            "Pick", choices=[SelectChoice("1", "One"), SelectChoice("2", "Two")], default="2"
        )

    def render() -> list[str]:
        form = Sample(data={"name": '"><i>', "body": "</textarea>"})
        parts = [str(field()) + str(field.label) for field in form]
        parts += [str(option()) for option in form.kind]
        return parts

    plain = render()
    field_html.install()
    assert render() == plain
    assert wtforms.widgets.html_params is field_html.html_params


def test_csrf_tokens_render_as_wtforms_renders_them(app, original):
    from wtforms.widgets import HiddenInput

    from helpdesk.forms import BaseForm

    class Prefixed(BaseForm):
        pass

    with app.test_request_context():
        for form in (Prefixed(formdata=None), Prefixed(formdata=None, prefix='a"<b>')):
            field = form.csrf_token
            assert str(field) == str(HiddenInput()(field))
            assert 'type="hidden"' in str(field) and field.current_token in str(field)
            # Attributes asked for take WTForms' path.
            assert str(field(class_="x")) == str(HiddenInput()(field, class_="x"))
