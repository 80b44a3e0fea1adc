"""The templates' `_`, `gettext`, `ngettext`, `pgettext` and `npgettext`, writing the
numbers they are given with the digits of the language in use.

Flask-Babel installs Jinja's "newstyle" gettext, which fills `%(count)d` with ASCII digits
whatever the language: a Bengali email said "২ মার্চ" in its date but "4 ঘণ্টা" in its
reply time. These do what Jinja's newstyle functions do (translate, mark safe when
autoescaping, always `%`-format) and, for a language whose digits are not ASCII (Bengali,
and Thai when the workspace chooses Thai digits: `helpdesk.settings.formats`), first write
each integer variable as text in those digits. Only integers change: names, emails and
order numbers inside text are the customer's and keep their own digits.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from helpdesk.format_filters import localise, writes_native_digits
from helpdesk.i18n import translations_in_use as get_translations

_NUMBER_FIELD = re.compile(r"%\((\w+)\)d")


def _local_numbers(text: str, variables: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """`text` and `variables` with every integer variable as text in the locale's digits
    (its `%(name)d` fields read `%(name)s`); unchanged when the locale writes ASCII."""
    integers = {
        name: value
        for name, value in variables.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }
    if not integers or not writes_native_digits():  # most calls have no numbers at all
        return text, variables
    numbers = {name: localise(str(value)) for name, value in integers.items()}
    text = _NUMBER_FIELD.sub(
        lambda field: f"%({field[1]})s" if field[1] in numbers else field[0], text
    )
    return text, {**variables, **numbers}


def _finish(context: EvalContext, text: str, variables: dict[str, Any]) -> str:
    if not variables and "%" not in text:  # most calls: nothing to fill in
        return Markup(text) if context.autoescape else text  # noqa: S704  # nosec B704
    text, variables = _local_numbers(text, variables)
    if context.autoescape:
        # A translation (ours), as Jinja's own gettext marks it; the variables are escaped.
        return _markup_format(text, variables)
    return text % variables


def _markup_format(text: str, variables: dict[str, Any]) -> Markup:
    """`Markup(text) % variables`, without its wrapper object around each value (a
    third of a translated row's cost): numbers as they are, everything else escaped. A
    value `Markup`'s own `%` would convert (a text for `%d`) takes its path."""
    escaped = {
        name: value if isinstance(value, int | float) else escape(value)
        for name, value in variables.items()
    }
    try:
        return Markup(text % escaped)  # noqa: S704  # nosec B704
    except (TypeError, ValueError):
        return Markup(text) % variables  # noqa: S704  # nosec B704


@pass_eval_context
def gettext(__context: EvalContext, __string: str, **variables: Any) -> str:
    return _finish(__context, get_translations().ugettext(__string), variables)


@pass_eval_context
def ngettext(
    __context: EvalContext, __singular: str, __plural: str, __num: int, **variables: Any
) -> str:
    variables.setdefault("num", __num)
    text = get_translations().ungettext(__singular, __plural, __num)
    return _finish(__context, text, variables)


@pass_eval_context
def pgettext(__context: EvalContext, __string_ctx: str, __string: str, **variables: Any) -> str:
    text = get_translations().upgettext(__string_ctx, __string)
    return _finish(__context, text, variables)


@pass_eval_context
def npgettext(
    __context: EvalContext,
    __string_ctx: str,
    __singular: str,
    __plural: str,
    __num: int,
    **variables: Any,
) -> str:
    variables.setdefault("num", __num)
    text = get_translations().unpgettext(__string_ctx, __singular, __plural, __num)
    return _finish(__context, text, variables)


def register_template_gettext(app: Flask) -> None:
    """Replace Flask-Babel's newstyle callables (after `babel.init_app`); `{% trans %}`
    calls these through the `gettext` family's names, and `_` is `gettext` itself (Jinja's
    alias calls it through the context: a second call each time). They take the
    evaluation context, not the context: Jinja derives a new context for each call of a
    context function inside a loop (a copy of every name, for each translated string of
    each row)."""
    app.jinja_env.globals.update(
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, _=gettext
    )
