"""Markdown rendering and sanitising, against a corpus of XSS vectors."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from helpdesk.rendering import markdown_to_html, sanitise_html

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div hx-get="/logout" hx-trigger="load">x</div>',
    '<p data-hx-post="/settings/team" data-hx-trigger="load">x</p>',
    '<p hx-on:click="alert(1)">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=password></form>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<!--<img src=x onerror=alert(1)>-->",
]


class ElementCollector(HTMLParser):
    """Every real element and attribute in a document (escaped text is not an element)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


SAFE_TAGS = {
    "a",
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}


def assert_safe(html: str) -> None:
    collector = ElementCollector()
    collector.feed(html)
    for tag, attrs in collector.elements:
        assert tag in SAFE_TAGS, html
        for name, value in attrs.items():
            assert name in {"href", "title", "rel", "start"}, html
            if name == "href":
                assert re.match(r"^(https?:|mailto:|/|#)", value or ""), html


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_markdown_output_never_carries_script_or_htmx(vector):
    assert_safe(markdown_to_html(vector))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitiser_strips_html_vectors(vector):
    assert_safe(sanitise_html(vector))


def test_sanitiser_keeps_allowed_markup_but_drops_its_dangerous_attributes():
    html = sanitise_html('<p hx-get="/x" style="color:red" onclick="x()" data-x="1">hi</p>')
    assert html == "<p>hi</p>"


def test_markdown_keeps_ordinary_formatting_and_safe_links():
    html = markdown_to_html(
        "**Thanks**, see [the guide](https://example.com/guide).\n\n- one\n- two"
    )
    assert "<strong>Thanks</strong>" in html
    assert '<a href="https://example.com/guide" rel="noopener noreferrer nofollow">' in html
    assert "<li>one</li>" in html


def test_markdown_shows_raw_html_as_text():
    html = markdown_to_html("Use the <b>bold</b> tag")
    assert "&lt;b&gt;" in html


def test_non_latin_text_survives():
    text = "สวัสดีครับ · আমি সাহায্য চাই · Halo, terima kasih"
    assert text in markdown_to_html(text)
