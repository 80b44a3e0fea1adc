"""Knowledge-base forms (shape only: the service checks lengths and slugs, so its errors
name the field and say how long the text was)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from helpdesk.forms import BaseForm
from helpdesk.kb.service import MAX_BODY_CHARS, MAX_SLUG_CHARS, MAX_TITLE_CHARS


class ArticleForm(BaseForm):
    title = StringField(_l("Title"), render_kw={"dir": "auto", "maxlength": MAX_TITLE_CHARS})
    slug = StringField(
        _l("Address"),
        description=_l(
            "The end of the article's link, like reset-your-password. "
            "Leave it empty to make one from the title."
        ),
        render_kw={"maxlength": MAX_SLUG_CHARS, "autocapitalize": "none", "spellcheck": "false"},
    )
    # Choices are set by the view (the app's languages; the originals in the knowledge
    # base); the service checks the values.
    language = SelectField(_l("Language"), validate_choice=False)
    translation_of = SelectField(
        _l("Translation of"),
        description=_l(
            "Readers of this language see this version instead of the original in the help "
            "centre and the widget."
        ),
        validate_choice=False,
    )
    body = TextAreaField(
        _l("Article"),
        description=_l("Markdown works: **bold**, lists, links, ## headings."),
        render_kw={"rows": 18, "dir": "auto"},
    )


class PreviewForm(BaseForm):
    body = TextAreaField(validators=[Length(max=MAX_BODY_CHARS * 2)])


class EmptyForm(BaseForm):
    """Just the CSRF token: for buttons that post (publish, unpublish, publish as article)."""


class VoteForm(BaseForm):
    helpful = HiddenField()
