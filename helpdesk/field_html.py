"""WTForms' HTML attributes written without `Markup.format` (issue 25).

WTForms writes each attribute of a rendered field as `Markup('{k}="{v}"').format(k=k,
v=v)`, which runs Python's `string.Formatter` with markupsafe's escaping on every part:
about 40 µs for a hidden CSRF input, and a ticket page renders about twenty fields (a CSRF
token in each of a dozen forms), some 7% of its CPU. `html_params` here writes the same
text (the same sorted keys, `data_`/`aria_` names, boolean attributes, escaping, and `"`
written `&quot;` even inside Markup) with plain string joins; `install` puts it where
WTForms' widgets look for it. `tests/unit/test_field_html.py` checks it against WTForms'
own on every kind of value, so a WTForms upgrade that changes the output fails there.
`csrf_input` writes a CSRF token field's hidden input directly (`forms.BaseForm` renders
its token with it).
"""

from __future__ import annotations

from typing import Any

import wtforms.widgets
from markupsafe import Markup, escape
from wtforms.widgets import core

_QUOTE, _ESCAPED_QUOTE = Markup('"'), Markup("&quot;")
# WTForms' own, kept for the tests that compare the two.
WTFORMS_HTML_PARAMS = core.html_params


def html_params(**kwargs: Any) -> Markup:
    """What `wtforms.widgets.core.html_params` returns for the same arguments."""
    params = []
    for key, value in sorted(kwargs.items()):
        name = core.clean_key(key)
        if value is True:
            params.append(str(escape(name)))
        elif value is not False:
            params.append(f'{escape(name)}="{escape(value).replace(_QUOTE, _ESCAPED_QUOTE)}"')
    return Markup(" ".join(params))  # noqa: S704  # nosec B704 - every part escaped above


def csrf_input(field: Any) -> Markup:
    """What WTForms renders for a CSRF token field given no attributes: its hidden input,
    without the widget's generic path (about 25 µs each, and a ticket page has a dozen)."""
    return Markup(  # noqa: S704  # nosec B704 - every part escaped
        f'<input id="{escape(field.id)}" name="{escape(field.name)}" type="hidden" '
        f'value="{escape(field._value())}">'
    )


def install(writer: Any = html_params) -> None:
    """Make WTForms write attributes with `writer` (idempotent): the module function its
    Select, TextArea and list widgets call, the copies its Input and Button widgets keep,
    and the package's name its labels call."""
    core.html_params = writer
    core.Input.html_params = staticmethod(writer)
    core.Button.html_params = staticmethod(writer)
    wtforms.widgets.html_params = writer
