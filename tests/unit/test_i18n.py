"""Every user-visible word in a template goes through a translation call, and the message
catalogs for English, Thai, Indonesian and Bengali exist and compile."""

from __future__ import annotations

import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
CATALOGS = ROOT / "helpdesk" / "translations"
LANGUAGES = ("en", "th", "id", "bn")

MARK = "\ue000"  # stands in for Jinja output; not a letter
_TRANS_BLOCK = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S)
_JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}


class VisibleText(HTMLParser):
    """Collects text a person would read: element text and labelling attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    # Key caps name keys on the keyboard ("j", "Enter"); they are not prose to translate.
    SKIPPED = ("script", "style", "kbd")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self._check(value)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self._check(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        text = text.replace(MARK, " ").strip()
        if any(unicodedata.category(char).startswith("L") for char in text):
            self.found.append(text)


def untranslated_text(source: str) -> list[str]:
    """User-visible text in a Jinja template that is outside any translation call."""
    source = _TRANS_BLOCK.sub(MARK, source)
    source = _JINJA.sub(MARK, source)
    parser = VisibleText()
    parser.feed(source)
    parser.close()
    return parser.found


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 8


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_text_is_all_marked_for_translation(path):
    assert untranslated_text(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "<h1>Inbox</h1>",
        '<input placeholder="Search tickets">',
        '<img alt="Logo" src="x.png">',
        '<button aria-label="Close">{{ icon }}</button>',
        "<p>{{ _('Hello') }} world</p>",
        '<input type="submit" value="Send">',
    ],
)
def test_the_check_catches_untranslated_text(source):
    assert untranslated_text(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "<h1>{{ _('Inbox') }}</h1>",
        "<input placeholder=\"{{ _('Search') }}\">",
        "<p>{% trans name=n %}Hello {{ name }}{% endtrans %}</p>",
        "<td>#{{ number }} · {{ count }}</td>",
        '<a href="/inbox" class="tab">{{ label }}</a>',
    ],
)
def test_the_check_allows_translated_and_dynamic_text(source):
    assert untranslated_text(source) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_exists_and_compiles(language):
    path = CATALOGS / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"missing catalog {path}"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    assert len(catalog) > 50
    output = io.BytesIO()
    write_mo(output, catalog)
    assert output.getvalue()


def test_catalogs_hold_every_message_in_the_template():
    with (CATALOGS / "messages.pot").open("rb") as handle:
        template_ids = {message.id for message in read_po(handle) if message.id}
    for language in LANGUAGES:
        with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog_ids = {message.id for message in read_po(handle) if message.id}
        assert template_ids <= catalog_ids, f"{language}: run `make extract-messages`"


def test_message_template_is_up_to_date_with_the_code():
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    method_map = [
        ("helpdesk/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=keywords
        )
    }
    with (CATALOGS / "messages.pot").open("rb") as handle:
        template_ids = {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(handle)
            if message.id
        }
    missing = sorted(found - template_ids)
    assert not missing, f"run `make extract-messages`; not in messages.pot: {missing[:5]}"


@pytest.mark.parametrize("language", ("th", "id", "bn"))
def test_every_message_is_translated_and_none_is_fuzzy(language):
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{language}: {len(untranslated)} untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{language}: fuzzy entries are not shipped: {fuzzy[:5]}"


@pytest.mark.parametrize("language", ("th", "id", "bn"))
def test_translations_keep_every_placeholder(language):
    """Babel's own checks: python-format placeholders match the English."""
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    problems = [
        (message.id, [str(error) for error in errors]) for message, errors in catalog.check()
    ]
    assert not problems, problems[:5]


@pytest.mark.parametrize("language", ("th", "id", "bn"))
def test_translations_keep_html_tags_and_template_placeholders(language):
    # Jinja's {{ name }} reaches the catalog as %(name)s (checked above); a literal "{{"
    # in a message is text. Phrase placeholders are {single_braced}.
    tags = re.compile(r"</?[a-z][^>]*>|(?<!\{)\{[a-z_]+\}(?!\})")
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    broken = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(tags.findall(ids[0]))
        broken += [message.id for s in strings if sorted(tags.findall(s)) != expected]
    assert not broken, f"{language}: {broken[:5]}"
